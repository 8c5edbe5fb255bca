// benchgate: selects, measures and summarises benchmarks (floor 4). Never prints: progress
// goes to a callback the caller supplies.
#pragma once

#include <algorithm>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "baseline.hpp"
#include "measure.hpp"
#include "registry.hpp"
#include "result.hpp"
#include "stats.hpp"
#include "sysinfo.hpp"

namespace benchgate {

struct RunConfig {
    MeasureConfig measure;
    std::uint64_t seed = 0;  // bootstrap and interleaving order
};

// Called before each body invocation: benchmark index (0-based) and count, round and rounds.
using ProgressFn = std::function<void(const std::string& name, int index, int count, int round, int rounds)>;

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

    const std::size_t count = selected.size();
    run.benchmarks.resize(count);
    std::vector<MeasureState> states(count);
    for (std::size_t i = 0; i < count; ++i) run.benchmarks[i].name = selected[i]->name;

    const int rounds = config.measure.profile_seconds > 0.0 ? 1 : std::max(1, config.measure.rounds);
    std::vector<std::size_t> order(count);
    for (std::size_t i = 0; i < count; ++i) order[i] = i;
    stats::Rng rng(config.seed ^ 0x5eedULL);

    for (int round = 0; round < rounds; ++round) {
        if (round > 0)  // first round keeps registration order: the progress display reads naturally
            for (std::size_t i = count; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = order[k];
            BenchmarkResult& result = run.benchmarks[i];
            if (result.failed()) continue;
            if (progress) progress(result.name, static_cast<int>(k), static_cast<int>(count), round, rounds);
            states[i].round = round;
            Bench bench(result.name, config.measure, states[i], result);
            try {
                selected[i]->body(bench);
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
    if (config.measure.profile_seconds <= 0.0)
        for (auto& b : run.benchmarks)
            if (!b.failed()) summarize(b, config.seed);
    return run;
}

}  // namespace benchgate
