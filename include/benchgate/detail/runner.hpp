// benchgate: measures the selected benchmarks in interleaved rounds through the run's driver
// and summarises them. Never prints: progress goes to a callback the caller supplies. Every
// body call is a RunningBody (guard.hpp); once the run is interrupted no further body starts,
// and the caller finds the partial run discarded by checking interrupted().
#pragma once

#include <algorithm>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sys/resource.h>

#include "../bench.hpp"
#include "../complexity.hpp"
#include "../registry.hpp"
#include "../result.hpp"
#include "../result_file.hpp"
#include "allocation_counting.hpp"
#include "guard.hpp"
#include "perf_counters.hpp"
#include "planner.hpp"
#include "reference.hpp"
#include "sampler.hpp"
#include "sysinfo.hpp"
#include "utf8.hpp"

namespace benchgate::detail {

struct RunConfig {
    MeasureConfig measure;
    std::uint64_t seed = 0;          // bootstrap and interleaving order
    bool measure_reference = true;   // interleave the machine-speed reference (reference.hpp)
    Driver* driver = nullptr;        // who takes the samples; nullptr: the Sampler
    bool summarize = true;           // compute the statistics (false: profiling, nothing recorded)
};

// Called before each body invocation: benchmark index (0-based) and count, round and rounds.
using ProgressFn = std::function<void(const std::string& name, int index, int count, int round, int rounds)>;

// Complexity of every family registered with Params::complexity(): median time per iteration
// against the family's (single) numeric axis.
inline std::vector<ComplexityFit> fit_families(const std::vector<const Registration*>& selected,
                                               const std::vector<BenchmarkResult>& results) {
    std::vector<ComplexityFit> fits;
    // The families to fit, in order of their first such registration, and the places of their
    // instances, found in two passes (not in a scan of the selection per family).
    std::vector<const Registration*> families;
    std::unordered_map<std::string_view, std::vector<std::size_t>> instances;
    for (const Registration* r : selected)
        if (r->complexity && r->params.size() == 1 && instances.try_emplace(r->family).second) families.push_back(r);
    for (std::size_t j = 0; j < selected.size(); ++j)
        if (const auto family = instances.find(selected[j]->family); family != instances.end()) family->second.push_back(j);
    for (const Registration* r : families) {
        std::vector<double> n, t;
        for (const std::size_t j : instances[r->family])
            if (!results[j].failed() && selected[j]->params.size() == 1) {
                n.push_back(static_cast<double>(selected[j]->params[0].value));
                t.push_back(results[j].estimates.median.point);
            }
        ComplexityFit fit = fit_complexity(n, t);
        if (fit.best.empty()) continue;
        fit.family = r->family;
        fit.axis = r->params[0].name;
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
    if (config.measure_reference) items.push_back(&reference);
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
            if (g->samples > 0)
                plans[i].samples = std::max(config.measure.min_samples, std::min(g->samples, config.measure.samples * 10));
            if (g->sample_ms > 0) plans[i].sample_ms = g->sample_ms;
            if (g->max_ms > 0) plans[i].max_ms = g->max_ms;
            results[i].thresholds = g->thresholds;
        }
    }
    if (count > selected.size())  // the reference: a few samples per round are enough
        plans.back().samples = std::max(3 * std::max(1, config.measure.rounds), config.measure.samples / 2);

    const int rounds = std::max(1, config.measure.rounds);
    Sampler sampler;
    Driver& driver = config.driver ? *config.driver : sampler;
    std::vector<std::size_t> order(count);
    for (std::size_t i = 0; i < count; ++i) order[i] = i;
    stats::Rng rng(config.seed ^ 0x5eedULL);

    for (int round = 0; round < rounds && !interrupted(); ++round) {
        if (round > 0)  // first round keeps registration order: the progress display reads naturally
            for (std::size_t i = count; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
        int shown = 0;
        for (std::size_t k = 0; k < count && !interrupted(); ++k) {
            const std::size_t i = order[k];
            BenchmarkResult& result = results[i];
            if (result.failed()) continue;
            const bool is_reference = items[i] == &reference;
            if (progress && !is_reference)
                progress(result.name, shown++, static_cast<int>(selected.size()), round, rounds);
            states[i].round = round;
            Bench bench(Sampling{result.name, plans[i], states[i], result, driver});
            try {
                const RunningBody running(result.name);
                items[i]->body(bench);
                if (!bench.ran()) result.error = "the body never called bench.run()";
            } catch (const Interrupted&) {
                break;
            } catch (...) {
                result.error = current_exception_text();
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
                const RunningBody running(b.name);
                items[i]->finish();
            } catch (...) {
                if (!b.failed()) b.error = "teardown failed: " + current_exception_text();
            }
        }
        if (states[i].metric_iterations > 0) {
            const double iters = static_cast<double>(states[i].metric_iterations);
            if (allocation_tracking_installed()) {
                b.metrics.allocations = static_cast<double>(states[i].allocations) / iters;
                b.metrics.allocated_bytes = static_cast<double>(states[i].allocated_bytes) / iters;
                b.metrics.peak_heap_bytes = static_cast<double>(states[i].peak_heap_bytes);
            }
            if (config.measure.perf && config.measure.perf->ok())
                for (std::size_t k = 0; k < states[i].hardware.size() && k < config.measure.perf->names().size(); ++k)
                    b.metrics.hardware.emplace_back(config.measure.perf->names()[k], states[i].hardware[k] / iters);
        }
        if (states[i].rss_measured) b.metrics.rss_growth_bytes = static_cast<double>(states[i].rss_growth_bytes);
        for (std::size_t c = 0; c < states[i].counters.size(); ++c) {
            Counter counter = states[i].counters[c];
            counter.name = to_valid_utf8(counter.name);  // as the result files hold it
            counter.value /= states[i].counter_reports[c];
            b.counters.push_back(counter);
        }
        if (b.failed()) {
            b.samples.clear();
            b.iterations.clear();
            b.rounds.clear();
        } else if (config.summarize && !interrupted()) {
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

}  // namespace benchgate::detail
