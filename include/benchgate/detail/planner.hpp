// benchgate: the iteration planner. Decides how many calls make one sample (calibration
// during warm-up), how many samples a benchmark gets within its budget, and how those samples
// are shared out over the interleaving rounds. Pure arithmetic over the batch durations it is
// fed; the drivers run the batches.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "clock_info.hpp"
#include "sampling.hpp"

namespace benchgate::detail {

class PerfCounters;

// The measurement plan of a run (a group's settings override some of it per benchmark).
struct MeasureConfig {
    double warmup_ms = 20.0;      // warm-up before the first sample (calibration included)
    double sample_ms = 1.0;       // target duration of one sample
    int samples = 60;             // samples per benchmark
    int rounds = 4;               // interleaving rounds the samples are spread over
    int min_samples = 10;         // never fewer, however slow the body
    double max_ms = 1500.0;       // sampling budget per benchmark (reduces samples for slow bodies)
    ClockInfo clock;
    PerfCounters* perf = nullptr; // hardware counters to read around every sample (--counters)
};

// Calibration as a loop the caller drives: `while ((n = planner.next()) != 0)
// planner.record(n, time_of_a_batch_of(n));`, then `plan()`. The batch grows geometrically
// until it lasts a sample's target time, and keeps running at that size until the warm-up
// budget is spent.
class IterationPlanner {
public:
    struct Plan {
        std::uint64_t iterations_per_sample = 1;
        int samples = 0;
    };

    // The largest batch calibration tries: doubling from 1 can never wrap around.
    static constexpr std::uint64_t largest_batch = std::uint64_t{1} << 40;

    IterationPlanner(const MeasureConfig& config, std::uint64_t max_batch)
        : config_(config),
          max_batch_(std::clamp<std::uint64_t>(max_batch, 1, largest_batch)),
          target_ns_(std::max(config.sample_ms * 1e6, 1000.0 * config.clock.resolution_ns)),
          warmup_ns_(config.warmup_ms * 1e6) {}

    // The size of the next warm-up batch, or 0 when calibration is done.
    std::uint64_t next() const { return done_ ? 0 : n_; }

    void record(std::uint64_t n, double ns) {
        spent_ += ns;
        largest_tried_ = std::max(largest_tried_, n);
        per_iter_ = ns / static_cast<double>(n);
        // Interference only ever slows a batch down: the fastest batch long enough to trust is
        // the best estimate of the cost, so a preempted last batch cannot shrink the samples.
        if (ns >= 0.1 * target_ns_) best_per_iter_ = std::min(best_per_iter_, per_iter_);
        const bool right_size = ns >= target_ns_ || per_iter_ * 2 >= target_ns_ || n_ >= max_batch_;
        if (right_size) {
            done_ = spent_ >= warmup_ns_;  // else keep warming at this size
            return;
        }
        // Aim straight at the target when the batch is long enough to trust, else double.
        if (ns > 100.0 * config_.clock.resolution_ns && ns > 10000.0)
            n_ = std::max<std::uint64_t>(n_ * 2, static_cast<std::uint64_t>(static_cast<double>(n_) * (target_ns_ / ns) * 1.05));
        else
            n_ *= 2;
        n_ = std::min(n_, max_batch_);
    }

    // Every batch so far measured 0 ns (a run_custom callable that times nothing).
    bool nothing_measured() const { return spent_ <= 0.0; }
    std::uint64_t largest_tried() const { return largest_tried_; }

    Plan plan() const {
        Plan p;
        const double per_iter = std::max(std::min(per_iter_, best_per_iter_), 1e-3);
        p.iterations_per_sample = std::min(
            max_batch_, std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(target_ns_ / per_iter))));
        const double sample_cost_ms = per_iter * static_cast<double>(p.iterations_per_sample) / 1e6;
        p.samples = config_.samples;
        if (sample_cost_ms * p.samples > config_.max_ms)
            p.samples = std::max(config_.min_samples, static_cast<int>(config_.max_ms / sample_cost_ms));
        return p;
    }

    // Samples due in `round` (0-based) of `rounds`: the planned samples spread evenly over the
    // rounds, the last round taking the rest.
    static int samples_due(int planned, int taken, int round, int rounds) {
        rounds = std::max(1, rounds);
        const int due = round >= rounds - 1 ? planned : planned * (round + 1) / rounds;
        return std::max(0, due - taken);
    }

private:
    const MeasureConfig& config_;
    std::uint64_t max_batch_;
    double target_ns_, warmup_ns_;
    std::uint64_t n_ = 1, largest_tried_ = 0;
    double spent_ = 0.0, per_iter_ = 0.0, best_per_iter_ = 1e300;
    bool done_ = false;
};

// Wall-clock bound of one calibration. Only a run_custom callable can keep calibration going
// (its reported time can stay far below the wall time, or at 0): past this bound calibration
// ends with the plan so far, or fails the benchmark when nothing was ever measured.
inline double calibration_wall_limit_s(const MeasureConfig& config) { return std::max(2.0, 100.0 * config.warmup_ms / 1e3); }

// Warms up and calibrates the invocation's benchmark, storing the plan in its state.
inline void calibrate(Sampling& s, const Batch& batch) {
    IterationPlanner planner(s.config, batch.max_iterations);
    const auto started = Clock::now();
    const double limit_ns = calibration_wall_limit_s(s.config) * 1e9;
    for (std::uint64_t n; (n = planner.next()) != 0;) {
        planner.record(n, s.timed(batch, n));
        const bool out_of_time = to_ns(Clock::now() - started) > limit_ns;
        if (!out_of_time && !(planner.nothing_measured() && n >= IterationPlanner::largest_batch)) continue;
        if (planner.nothing_measured())
            throw std::runtime_error("every batch measured 0 ns, up to " + std::to_string(planner.largest_tried()) +
                                     " iterations: a run_custom callable must return the nanoseconds its iterations took");
        break;
    }
    const IterationPlanner::Plan plan = planner.plan();
    s.state.iterations_per_sample = plan.iterations_per_sample;
    s.state.planned_samples = plan.samples;
    s.out.samples.reserve(static_cast<std::size_t>(plan.samples));
    s.out.iterations.reserve(static_cast<std::size_t>(plan.samples));
    s.out.rounds.reserve(static_cast<std::size_t>(plan.samples));
}

}  // namespace benchgate::detail
