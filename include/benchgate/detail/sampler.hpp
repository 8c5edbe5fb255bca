// benchgate: the default driver. Takes a benchmark's share of timed samples in each round,
// with allocation and hardware-counter deltas read around every sample when enabled, and the
// resident set read before and after each benchmark's share.
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <cstdint>
#include <vector>

#include "allocation_counting.hpp"
#include "compiler.hpp"
#include "guard.hpp"
#include "perf_counters.hpp"
#include "planner.hpp"
#include "resident_memory.hpp"
#include "sampling.hpp"

namespace benchgate::detail {

// Accumulates allocation and hardware-counter deltas of each timed region into a state.
class MetricsProbe final : public RegionProbe {
public:
    MetricsProbe(MeasureState& state, PerfCounters* perf) : state_(state), perf_(perf) {
        track_allocations_ = allocation_tracking_installed();
        if (perf_ && perf_->ok()) {
            overhead_.assign(perf_->names().size(), 0.0);
            if (state_.hardware.size() != overhead_.size()) state_.hardware.assign(overhead_.size(), 0.0);
        } else {
            perf_ = nullptr;
        }
    }
    // Runs `empty_region` (begin, an empty batch, end) a few times and keeps the smallest
    // hardware counts as the fixed overhead of every region.
    template <class EmptyRegion>
    void calibrate(EmptyRegion empty_region) {
        if (!perf_) return;
        std::vector<double> best(overhead_.size(), 1e300);
        const auto saved = state_.hardware;
        const auto saved_allocs = state_.allocations, saved_bytes = state_.allocated_bytes;
        const auto saved_peak = state_.peak_heap_bytes;
        for (int i = 0; i < 16; ++i) {
            std::fill(state_.hardware.begin(), state_.hardware.end(), 0.0);
            empty_region();
            for (std::size_t k = 0; k < best.size(); ++k) best[k] = std::min(best[k], state_.hardware[k]);
        }
        state_.hardware = saved;
        state_.allocations = saved_allocs;
        state_.allocated_bytes = saved_bytes;
        state_.peak_heap_bytes = saved_peak;
        overhead_ = best;
    }
    BENCHGATE_NOINLINE void begin() override {
        if (perf_) hw0_ = perf_->read();
        if (track_allocations_) {
            alloc0_ = allocation_snapshot();
            heap0_ = start_peak_window(allocation_counters());
        }
    }
    BENCHGATE_NOINLINE void end() override {
        if (track_allocations_) {
            const AllocationSnapshot a1 = allocation_snapshot();
            state_.allocations += a1.allocations - alloc0_.allocations;
            state_.allocated_bytes += a1.bytes - alloc0_.bytes;
            state_.peak_heap_bytes = std::max(state_.peak_heap_bytes, peak_since(allocation_counters(), heap0_));
        }
        if (perf_) {
            const HardwareReading hw1 = perf_->read();
            for (std::size_t k = 0; k < state_.hardware.size() && k < hw1.values.size() && k < hw0_.values.size(); ++k)
                state_.hardware[k] += std::max(0.0, static_cast<double>(hw1.values[k] - hw0_.values[k]) - overhead_[k]);
        }
    }

private:
    MeasureState& state_;
    PerfCounters* perf_;
    bool track_allocations_ = false;
    AllocationSnapshot alloc0_;
    std::int64_t heap0_ = 0;
    HardwareReading hw0_;
    std::vector<double> overhead_;
};

class Sampler final : public Driver {
public:
    void measure(Sampling& s, const Batch& batch) override {
        // Resident set before calibration and warm-up: the pages the body touches first are
        // part of its growth (read outside every timed batch).
        const std::int64_t rss0 = resident_bytes();
        if (s.state.iterations_per_sample == 0) {
            calibrate(s, batch);
        } else {
            // Later rounds: other benchmarks ran in between, so re-warm with one discarded sample.
            s.timed(batch, s.state.iterations_per_sample);
        }
        const int count = IterationPlanner::samples_due(s.state.planned_samples, s.state.taken_samples, s.state.round,
                                                        s.config.rounds);
        const std::uint64_t n = s.state.iterations_per_sample;
        const bool probe_metrics = allocation_tracking_installed() || (s.config.perf && s.config.perf->ok());
        MetricsProbe probe(s.state, probe_metrics ? s.config.perf : nullptr);
        if (probe_metrics) {
            // The counts of an empty batch (the clock reads and the call) are subtracted later.
            probe.calibrate([&] {
                probe.begin();
                batch.time(batch.ctx, 0);
                probe.end();
            });
            active_probe() = &probe;
            s.probe_outside = !batch.probe_inside;
        }
        struct Reset {
            Sampling& s;
            ~Reset() {
                active_probe() = nullptr;
                s.probe_outside = false;
            }
        } reset{s};
        for (int i = 0; i < count; ++i) {
            throw_if_interrupted();  // between samples: an interrupted run stops within one batch
            const double t = checked_time(s.timed(batch, n), n);
            s.out.samples.push_back(t / static_cast<double>(n));
            s.out.iterations.push_back(n);
            s.out.rounds.push_back(static_cast<std::uint32_t>(s.state.round));
        }
        s.state.taken_samples += count;
        if (const std::int64_t rss1 = resident_bytes(); rss0 >= 0 && rss1 >= 0) {
            s.state.rss_growth_bytes = s.state.rss_measured ? std::max(s.state.rss_growth_bytes, rss1 - rss0) : rss1 - rss0;
            s.state.rss_measured = true;
        }
        if (probe_metrics) s.state.metric_iterations += n * static_cast<std::uint64_t>(count);
    }
};

}  // namespace benchgate::detail
