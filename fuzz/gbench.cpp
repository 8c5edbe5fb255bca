// Fuzz target: the Google Benchmark importer (import_gbench and replace_nonfinite_tokens). The
// input is one file, or two (processes of one run) split at the first NUL byte; an odd size
// imports cpu_time. An imported run must be one the gate can read: written with to_json it
// reads back (parse_run) with the same benchmarks and samples.
#include <benchgate/import_gbench.hpp>

#include <cmath>
#include <set>

#include "check.hpp"

using namespace benchgate;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::text(data, size);

    std::size_t replaced = 0, again = 0;
    const std::string once = detail::gbench::replace_nonfinite_tokens(input, replaced);
    const std::string twice = detail::gbench::replace_nonfinite_tokens(once, again);
    FUZZ_CHECK(again == 0 && twice == once);
    if (replaced == 0) FUZZ_CHECK(once == input);

    std::vector<GbenchSource> sources;
    const std::size_t nul = input.find('\0');
    sources.push_back({std::string(input.substr(0, nul)), "a.json"});
    if (nul != std::string_view::npos) sources.push_back({std::string(input.substr(nul + 1)), "b.json"});
    GbenchOptions opt;
    opt.cpu_time = size % 2 == 1;
    const GbenchImport imported = import_gbench(sources, opt);
    for (const auto& n : imported.notes) FUZZ_CHECK(fuzz::one_line(n));
    if (!imported.ok()) {
        FUZZ_CHECK(fuzz::one_line(imported.error));
        return 0;
    }
    const RunResult& run = imported.run;
    FUZZ_CHECK(!run.benchmarks.empty());
    std::set<std::string> names;
    for (const auto& b : run.benchmarks) {
        FUZZ_CHECK(!b.name.empty());
        FUZZ_CHECK(names.insert(b.name).second);
        FUZZ_CHECK(b.failed() || !b.samples.empty());
        for (double s : b.samples) FUZZ_CHECK(std::isfinite(s) && s > 0);
        FUZZ_CHECK(b.iterations.size() == b.samples.size());
        FUZZ_CHECK(b.processes.empty() || b.processes.size() == b.samples.size());
        for (auto p : b.processes) FUZZ_CHECK(p < sources.size());
        if (!b.throughput_unit.empty()) FUZZ_CHECK(std::isfinite(b.throughput) && b.throughput > 0);
        for (const auto& c : b.counters) FUZZ_CHECK(std::isfinite(c.value));
    }
    const LoadedRun back = parse_run(to_json(run), "imported.json");
    if (!back.ok()) std::fprintf(stderr, "re-read: %s\n", back.error.c_str());
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(back.run.benchmarks.size() == run.benchmarks.size());
    for (std::size_t i = 0; i < run.benchmarks.size(); ++i) {
        FUZZ_CHECK(back.run.benchmarks[i].name == run.benchmarks[i].name);
        FUZZ_CHECK(back.run.benchmarks[i].samples == run.benchmarks[i].samples);
        FUZZ_CHECK(back.run.benchmarks[i].failed() == run.benchmarks[i].failed());
    }
    return 0;
}
