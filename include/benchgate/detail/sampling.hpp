// benchgate: the seam between a benchmark body and whatever measures it.
//
// `Bench::run` and its variants hand one `Batch` (a function that times n calls of the body's
// callable) to the run's `Driver`. The default driver takes timed samples (sampler.hpp); the
// profile, callgrind and duet modes are other drivers. A driver sees the invocation's
// `Sampling`: the plan, the benchmark's state across rounds, its result and the per-sample
// hooks. This header is light on purpose: every bench translation unit includes it, and
// none of the drivers.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../result.hpp"

namespace benchgate::detail {

struct MeasureConfig;  // planner.hpp
struct Sampling;

// Times `n` calls of the callable behind `ctx`; returns nanoseconds.
using BatchFn = double (*)(void* ctx, std::uint64_t n);

struct Batch {
    BatchFn time = nullptr;
    void* ctx = nullptr;
    bool probe_inside = false;                    // the batch itself brackets its timed loop with the probe
    std::uint64_t max_iterations = ~std::uint64_t{0};  // largest batch (run_batched keeps every input alive)
};

// Measures one benchmark invocation: called once per body call, from inside `bench.run`.
class Driver {
public:
    virtual ~Driver() = default;
    virtual void measure(Sampling& s, const Batch& batch) = 0;
};

// Reads metrics (allocations, hardware counters) around a timed batch. Normally the driver
// wraps the batch call; run_batched's batch calls the probe itself around only its timed
// loop, so that making the inputs is not counted.
struct RegionProbe {
    virtual ~RegionProbe() = default;
    virtual void begin() = 0;
    virtual void end() = 0;
};

inline RegionProbe*& active_probe() {
    static RegionProbe* probe = nullptr;
    return probe;
}

// Per-benchmark measurement state that survives across interleaving rounds.
struct MeasureState {
    std::uint64_t iterations_per_sample = 0;  // 0: not calibrated yet
    int planned_samples = 0;                  // decided at calibration
    int taken_samples = 0;
    int round = 0;  // set by the runner before each body invocation
    int index = 0;  // the benchmark's position in the run (names callgrind dumps)
    // Counters reported by the body, summed over the rounds (divided by `counter_reports`).
    std::vector<Counter> counters;
    std::vector<int> counter_reports;
    // Metric totals over the measured samples (warm-up excluded).
    std::uint64_t metric_iterations = 0;
    std::uint64_t allocations = 0, allocated_bytes = 0;
    // Peak live heap bytes above the level at the start of a measured batch, the largest over
    // the batches (allocation counting only).
    std::int64_t peak_heap_bytes = 0;
    // Resident-set growth from before the first to after the last sample of a body invocation,
    // the largest over the invocations (rounds); measured only when `rss_measured`.
    std::int64_t rss_growth_bytes = 0;
    bool rss_measured = false;
    std::vector<double> hardware;  // summed deltas, in the order of PerfCounters::names()
};

// A batch's time as a sample may use it: positive and finite, checked where it is measured.
inline double checked_time(double ns, std::uint64_t n) {
    if (!(ns > 0.0) || !std::isfinite(ns))
        throw std::runtime_error("a batch of " + std::to_string(n) + " iterations measured " + std::to_string(ns) +
                                 " ns; a time must be positive and finite");
    return ns;
}

// One body invocation, as the driver sees it.
struct Sampling {
    Sampling(const std::string& name_, const MeasureConfig& config_, MeasureState& state_, BenchmarkResult& out_,
             Driver& driver_)
        : name(name_), config(config_), state(state_), out(out_), driver(driver_) {}

    const std::string& name;
    const MeasureConfig& config;
    MeasureState& state;
    BenchmarkResult& out;
    Driver& driver;
    std::function<void()> before_sample, after_sample;  // Bench::per_sample
    std::uint64_t calls = 0;                            // calls of the callable so far, warm-up included
    bool probe_outside = false;                         // the driver's probe brackets every batch call
    bool ran = false;

    // One batch of `n` calls between the per-sample hooks, bracketed by the active probe.
    double timed(const Batch& batch, std::uint64_t n) {
        if (before_sample) before_sample();
        RegionProbe* probe = probe_outside ? active_probe() : nullptr;
        if (probe) probe->begin();
        const double t = batch.time(batch.ctx, n);
        if (probe) probe->end();
        calls += n;
        if (after_sample) after_sample();
        return t;
    }
};

}  // namespace benchgate::detail
