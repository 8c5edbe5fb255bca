// Fuzz target: benchgate's result/baseline reader (parse_run; read_run_file is the same after
// reading the file), in both modes: samples required (a baseline) and summaries accepted (a
// history entry). A run it accepts must satisfy what the gate relies on, and written again
// with to_json (pretty and compact) must read back to the same benchmarks.
#include <benchgate/result_file.hpp>

#include <cmath>
#include <set>

#include "check.hpp"

using namespace benchgate;

namespace {

void check_benchmark(const BenchmarkResult& b, bool summaries) {
    FUZZ_CHECK(!b.name.empty());
    if (b.summary()) {
        FUZZ_CHECK(summaries);
        FUZZ_CHECK(b.samples.empty());
        return;
    }
    FUZZ_CHECK(!b.samples.empty() || b.failed());
    for (double s : b.samples) FUZZ_CHECK(std::isfinite(s) && s > 0);
    FUZZ_CHECK(b.iterations.size() == b.samples.size());
    for (auto n : b.iterations) FUZZ_CHECK(n > 0);
    FUZZ_CHECK(b.rounds.empty() || b.rounds.size() == b.samples.size());
    FUZZ_CHECK(b.processes.empty() || b.processes.size() == b.samples.size());
    FUZZ_CHECK(b.paired_baseline.empty() || b.paired_baseline.size() == b.samples.size());
    for (double s : b.paired_baseline) FUZZ_CHECK(std::isfinite(s) && s > 0);
    for (auto r : b.rounds) FUZZ_CHECK(r <= detail::max_round_index);
    for (auto p : b.processes) FUZZ_CHECK(p <= detail::max_process_index);
    if (!b.samples.empty()) {
        FUZZ_CHECK(std::isfinite(b.estimates.min) && b.estimates.min > 0);
        FUZZ_CHECK(std::isfinite(b.estimates.median.point));
    }
}

void check_same(const BenchmarkResult& a, const BenchmarkResult& b) {
    FUZZ_CHECK(a.name == b.name);
    FUZZ_CHECK(a.error == b.error);
    FUZZ_CHECK(a.samples == b.samples);
    FUZZ_CHECK(a.iterations == b.iterations);
    FUZZ_CHECK(a.summary_of == b.summary_of);
    FUZZ_CHECK(a.paired_baseline == b.paired_baseline);
    FUZZ_CHECK(a.params.size() == b.params.size());
    FUZZ_CHECK(a.counters.size() == b.counters.size());
    FUZZ_CHECK(a.throughput_unit == b.throughput_unit);
    FUZZ_CHECK(a.thresholds.gate == b.thresholds.gate);
}

void check_round_trip(const RunResult& run, bool summaries, bool pretty) {
    const LoadedRun back = parse_run(to_json(run, pretty), "again.json", summaries);
    if (!back.ok()) std::fprintf(stderr, "re-read: %s\n", back.error.c_str());
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(back.run.schema == BENCHGATE_SCHEMA || back.run.schema == run.schema);
    FUZZ_CHECK(back.run.created == run.created);
    FUZZ_CHECK(back.run.context.cores == run.context.cores);
    FUZZ_CHECK(back.run.context.cpu == run.context.cpu);
    FUZZ_CHECK(back.run.context.processes == run.context.processes);
    FUZZ_CHECK(back.run.benchmarks.size() == run.benchmarks.size());
    for (std::size_t i = 0; i < run.benchmarks.size(); ++i) check_same(run.benchmarks[i], back.run.benchmarks[i]);
    check_same(run.reference, back.run.reference);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::text(data, size);
    for (bool summaries : {false, true}) {
        const LoadedRun r = parse_run(input, "fuzz.json", summaries);
        if (!r.ok()) {
            FUZZ_CHECK(r.error.rfind("fuzz.json: ", 0) == 0);
            FUZZ_CHECK(fuzz::one_line(r.error));
            FUZZ_CHECK(r.run.benchmarks.empty());
            continue;
        }
        std::set<std::string> names;
        for (const auto& b : r.run.benchmarks) {
            check_benchmark(b, summaries);
            FUZZ_CHECK(names.insert(b.name).second);
        }
        if (!r.run.reference.name.empty()) check_benchmark(r.run.reference, summaries);
        FUZZ_CHECK(r.run.context.cores >= 0);
        FUZZ_CHECK(r.run.context.processes >= 1);
        check_round_trip(r.run, summaries, true);
        check_round_trip(r.run, summaries, false);
    }
    return 0;
}
