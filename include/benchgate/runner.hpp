// benchgate: selects, measures and summarises benchmarks (floor 4). Never prints: progress
// goes to a callback the caller supplies.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include <sys/resource.h>

#include <dirent.h>

#include "baseline.hpp"
#include "callgrind.hpp"
#include "complexity.hpp"
#include "process.hpp"
#include "compare.hpp"
#include "measure.hpp"
#include "reference.hpp"
#include "registry.hpp"
#include "result.hpp"
#include "stats.hpp"
#include "sysinfo.hpp"

namespace benchgate {

struct RunConfig {
    MeasureConfig measure;
    std::uint64_t seed = 0;          // bootstrap and interleaving order
    bool measure_reference = true;  // interleave the machine-speed reference (reference.hpp)
};

// Called before each body invocation: benchmark index (0-based) and count, round and rounds.
using ProgressFn = std::function<void(const std::string& name, int index, int count, int round, int rounds)>;

// Complexity of every family registered with Params::complexity(): median time per iteration
// against the family's (single) numeric axis.
inline std::vector<ComplexityFit> fit_families(const std::vector<const Registration*>& selected,
                                               const std::vector<BenchmarkResult>& results) {
    std::vector<ComplexityFit> fits;
    std::vector<std::string> done;
    for (std::size_t i = 0; i < selected.size(); ++i) {
        const Registration& r = *selected[i];
        if (!r.complexity || r.params.size() != 1 || std::find(done.begin(), done.end(), r.family) != done.end()) continue;
        done.push_back(r.family);
        std::vector<double> n, t;
        for (std::size_t j = 0; j < selected.size(); ++j)
            if (selected[j]->family == r.family && !results[j].failed() && selected[j]->params.size() == 1) {
                n.push_back(static_cast<double>(selected[j]->params[0].value));
                t.push_back(results[j].estimates.median.point);
            }
        ComplexityFit fit = fit_complexity(n, t);
        if (fit.best.empty()) continue;
        fit.family = r.family;
        fit.axis = r.params[0].name;
        fits.push_back(std::move(fit));
    }
    return fits;
}

// Measures the selected benchmarks. Samples are interleaved: every benchmark takes a share of
// its samples in each round, in a shuffled order, so slow drifts of the machine (frequency,
// neighbours) spread over all benchmarks instead of landing on whichever ran at that moment.
inline RunResult run_benchmarks(const std::vector<const Registration*>& selected, const RunConfig& config,
                                const ProgressFn& progress = {}) {
    RunResult run;
    run.created = utc_timestamp();
    run.context = current_context();
    run.context.clock_resolution_ns = config.measure.clock.resolution_ns;
    run.context.clock_cost_ns = config.measure.clock.cost_ns;

    // The reference runs as one more (hidden) benchmark in every round, with fewer samples.
    const Registration reference{reference_name, &reference_body};
    std::vector<const Registration*> items(selected);
    if (config.measure_reference && config.measure.profile_seconds <= 0.0) items.push_back(&reference);
    const std::size_t count = items.size();
    std::vector<BenchmarkResult> results(count);
    std::vector<MeasureState> states(count);
    // Each benchmark's plan: the run's, overridden by its group's settings.
    std::vector<MeasureConfig> plans(count, config.measure);
    for (std::size_t i = 0; i < count; ++i) {
        states[i].index = static_cast<int>(i);
        results[i].name = items[i]->name;
        results[i].family = items[i]->family;
        results[i].params = items[i]->params;
        if (const GroupSettings* g = group_of(items[i]->name)) {
            if (g->samples > 0 && config.measure.profile_seconds <= 0.0)
                plans[i].samples = std::max(config.measure.min_samples, std::min(g->samples, config.measure.samples * 10));
            if (g->sample_ms > 0) plans[i].sample_ms = g->sample_ms;
            if (g->max_ms > 0) plans[i].max_ms = g->max_ms;
            results[i].thresholds = g->thresholds;
        }
    }
    if (count > selected.size())  // the reference: a few samples per round are enough
        plans.back().samples = std::max(3 * std::max(1, config.measure.rounds), config.measure.samples / 2);

    const int rounds = config.measure.profile_seconds > 0.0 ? 1 : std::max(1, config.measure.rounds);
    std::vector<std::size_t> order(count);
    for (std::size_t i = 0; i < count; ++i) order[i] = i;
    stats::Rng rng(config.seed ^ 0x5eedULL);

    for (int round = 0; round < rounds; ++round) {
        if (round > 0)  // first round keeps registration order: the progress display reads naturally
            for (std::size_t i = count; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
        int shown = 0;
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = order[k];
            BenchmarkResult& result = results[i];
            if (result.failed()) continue;
            const bool is_reference = items[i] == &reference;
            if (progress && !is_reference)
                progress(result.name, shown++, static_cast<int>(selected.size()), round, rounds);
            states[i].round = round;
            Bench bench(result.name, plans[i], states[i], result);
            try {
                items[i]->body(bench);
                if (!bench.ran()) result.error = "the body never called bench.run()";
            } catch (const std::exception& e) {
                result.error = e.what()[0] ? e.what() : "exception with an empty message";
            } catch (...) {
                result.error = "unknown exception";
            }
            if (result.failed()) {
                result.samples.clear();
                result.iterations.clear();
                result.rounds.clear();
            }
        }
    }
    // Fixture teardown, counters, statistics.
    for (std::size_t i = 0; i < count; ++i) {
        BenchmarkResult& b = results[i];
        if (items[i]->finish) {
            try {
                items[i]->finish();
            } catch (const std::exception& e) {
                if (!b.failed()) b.error = std::string("teardown failed: ") + e.what();
            } catch (...) {
                if (!b.failed()) b.error = "teardown failed: unknown exception";
            }
        }
        if (states[i].metric_iterations > 0) {
            const double iters = static_cast<double>(states[i].metric_iterations);
            if (allocation_tracking_installed()) {
                b.metrics.allocations = static_cast<double>(states[i].allocations) / iters;
                b.metrics.allocated_bytes = static_cast<double>(states[i].allocated_bytes) / iters;
            }
            if (config.measure.perf && config.measure.perf->ok())
                for (std::size_t k = 0; k < states[i].hardware.size() && k < config.measure.perf->names().size(); ++k)
                    b.metrics.hardware.emplace_back(config.measure.perf->names()[k], states[i].hardware[k] / iters);
        }
        for (std::size_t c = 0; c < states[i].counters.size(); ++c) {
            Counter counter = states[i].counters[c];
            counter.value /= states[i].counter_reports[c];
            b.counters.push_back(counter);
        }
        if (b.failed()) {
            b.samples.clear();
            b.iterations.clear();
            b.rounds.clear();
        } else if (config.measure.profile_seconds <= 0.0) {
            summarize(b, config.seed);
        }
    }
    if (count > selected.size()) {
        run.reference = std::move(results.back());
        results.pop_back();
    }
    run.benchmarks = std::move(results);
    run.complexity = fit_families(selected, run.benchmarks);
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) == 0) run.context.peak_rss_kib = usage.ru_maxrss;
    return run;
}

// Re-measures the named benchmarks in a fresh process (attempt = 1, 2, ...).
using Remeasure = std::function<LoadedRun(const std::vector<std::string>& names, int attempt)>;
// Compares a re-measurement of the named suspects (file baseline or duet).
using Recompare = std::function<GateReport(const RunResult& rerun, const std::vector<std::string>& names)>;

// Re-measures every suspected time REGRESSION of `report` up to `confirm` times in fresh
// processes. A suspect stays a REGRESSION only while every fresh process reproduces it;
// re-measuring stops for a benchmark at the first one that does not.
inline GateReport confirm_suspects(GateReport report, const RunResult& current, const GateConfig& cfg, int confirm,
                                   const Remeasure& remeasure, const Recompare& recompare) {
    // Deterministic metrics need no confirmation: a fresh process would count the same.
    std::vector<std::size_t> suspects;
    for (std::size_t i = 0; i < report.rows.size(); ++i)
        if (report.rows[i].status == Status::regression && report.rows[i].metric == Metric::time) suspects.push_back(i);
    if (suspects.empty()) return report;

    std::vector<std::vector<Comparison>> reruns(report.rows.size());
    std::vector<std::string> errors(report.rows.size());
    std::vector<std::size_t> open = suspects;
    for (int attempt = 1; attempt <= confirm && !open.empty() && remeasure; ++attempt) {
        std::vector<std::string> names;
        for (std::size_t i : open) names.push_back(report.rows[i].name);
        const LoadedRun rerun = remeasure(names, attempt);
        if (!rerun.ok()) {
            for (std::size_t i : open) errors[i] = rerun.error;
            break;
        }
        const GateReport again = recompare(rerun.run, names);
        std::vector<std::size_t> still_open;
        for (std::size_t i : open) {
            const auto it = std::find_if(again.rows.begin(), again.rows.end(), [&](const Comparison& c) {
                return c.name == report.rows[i].name && c.status != Status::missing && c.status != Status::added;
            });
            if (it == again.rows.end()) {
                errors[i] = "the fresh process did not measure it";
                continue;
            }
            reruns[i].push_back(*it);
            if (it->status == Status::regression) still_open.push_back(i);
        }
        open = still_open;
    }
    for (std::size_t i : suspects) {
        const BenchmarkResult* cur = current.find(report.rows[i].name);
        report.rows[i] = resolve_confirmation(report.rows[i], reruns[i], cur ? effective_config(cfg, *cur) : cfg);
        if (!errors[i].empty() && report.rows[i].status == Status::regression) report.rows[i].confirm_error = errors[i];
    }
    return report;
}

// Compares `current` against a baseline file's run, then confirms suspects.
inline GateReport gate(const RunResult& baseline, const RunResult& current, const GateConfig& cfg, int confirm,
                       const Remeasure& remeasure) {
    return confirm_suspects(compare_runs(baseline, current, cfg), current, cfg, confirm, remeasure,
                            [&](const RunResult& rerun, const std::vector<std::string>& names) {
                                RunResult base_subset;
                                base_subset.context = baseline.context;
                                base_subset.reference = baseline.reference;
                                for (const auto& n : names)
                                    if (const BenchmarkResult* b = baseline.find(n)) base_subset.benchmarks.push_back(*b);
                                return compare_runs(base_subset, rerun, cfg);
                            });
}

// The first executable called `program` on PATH, or "".
inline std::string find_on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string candidate = (end > start ? dirs.substr(start, end - start) : ".") + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return {};
}

inline std::string read_text_file(const std::string& path) {
    std::string out;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        char buf[8192];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
        std::fclose(f);
    }
    return out;
}

// Counts instructions per iteration of `run`'s benchmarks by running `child_args` (this
// binary in callgrind-child mode for exactly those benchmarks, in the same order) under
// valgrind's callgrind, then reading the dumps back. Returns "" or one line saying why not.
inline std::string measure_instructions(RunResult& run, const std::vector<std::string>& child_args, int iterations) {
    if (!BENCHGATE_HAS_CALLGRIND)
        return "this binary was built without <valgrind/callgrind.h> (apt-get install valgrind, then rebuild)";
    const std::string valgrind = find_on_path("valgrind");
    if (valgrind.empty()) return "--metric instructions needs valgrind, which is not installed (apt-get install valgrind)";
    char dir_template[] = "/tmp/benchgate-callgrind-XXXXXX";
    if (!::mkdtemp(dir_template)) return std::string("cannot create a temporary directory: ") + std::strerror(errno);
    const std::string dir = dir_template;
    std::vector<std::string> args = {valgrind, "--tool=callgrind", "--collect-atstart=no", "--cache-sim=yes",
                                     "--callgrind-out-file=" + dir + "/cg.out", "--log-file=" + dir + "/valgrind.log"};
    args.insert(args.end(), child_args.begin(), child_args.end());
    const ProcessResult r = run_process(args, std::chrono::minutes(60));
    std::string error;
    if (!r.error.empty()) error = "valgrind " + r.error;
    else if (r.exit_code != 0 && r.exit_code != 3)  // 3: a body failed; it already failed in the timed run
        error = "valgrind run exited with code " + std::to_string(r.exit_code) + " (see " + dir + "/valgrind.log)";
    int found = 0;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            const std::string file = dir + "/" + e->d_name;
            if (std::string(e->d_name).rfind("cg.out", 0) != 0) continue;
            const CallgrindDump dump = parse_callgrind_dump(read_text_file(file));
            ::unlink(file.c_str());
            if (dump.index < 0 || static_cast<std::size_t>(dump.index) >= run.benchmarks.size()) continue;
            Metrics& m = run.benchmarks[static_cast<std::size_t>(dump.index)].metrics;
            m.instructions = static_cast<double>(dump.ir) / iterations;
            if (dump.has_cache) m.estimated_cycles = static_cast<double>(dump.est_cycles) / iterations;
            ++found;
        }
        ::closedir(d);
    }
    ::unlink((dir + "/valgrind.log").c_str());
    ::rmdir(dir.c_str());
    if (!error.empty()) error += "; run it again under valgrind by hand to see why";
    if (error.empty() && found == 0 && !run.benchmarks.empty()) error = "callgrind produced no counts";
    return error;
}

// An ECMAScript pattern matching exactly one of `names`.
inline std::string exact_names_pattern(const std::vector<std::string>& names) {
    std::string p = "^(?:";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) p += '|';
        for (char c : names[i]) {
            if (std::string_view("\\^$.*+?()[]{}|").find(c) != std::string_view::npos) p += '\\';
            p += c;
        }
    }
    return p + ")$";
}

}  // namespace benchgate
