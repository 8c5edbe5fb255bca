// benchgate: the timed loop and the measurement plan (floor 2).
//
// A body calls `bench.run(fn)`. The only code inside the timed region is a counted loop
// calling `fn` directly (inlined: no virtual, no std::function, no allocation). Everything
// else (calibration, bookkeeping, recording) happens between samples through one plain
// function pointer per sample.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "clock.hpp"
#include "config.hpp"
#include "result.hpp"

namespace benchgate {

// ---------------------------------------------------------------- optimisation barriers
// Keeps `value` alive: the compiler must assume it is read, so the computation producing it
// cannot be removed. Small trivially copyable values may stay in a register.
template <class T>
BENCHGATE_ALWAYS_INLINE void do_not_optimize(const T& value) {
    if constexpr (std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(void*))
        asm volatile("" : : "r,m"(value) : "memory");
    else
        asm volatile("" : : "m"(value) : "memory");
}

// Non-const overload: the compiler must also assume the value was modified.
template <class T>
BENCHGATE_ALWAYS_INLINE void do_not_optimize(T& value) {
    if constexpr (std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(void*)) {
#if defined(__clang__)
        asm volatile("" : "+r,m"(value) : : "memory");
#else
        asm volatile("" : "+m,r"(value) : : "memory");
#endif
    } else {
        asm volatile("" : "+m"(value) : : "memory");
    }
}

// A full compiler memory barrier: every pending write is assumed visible to the world.
BENCHGATE_ALWAYS_INLINE void compiler_barrier() { asm volatile("" : : : "memory"); }

// ---------------------------------------------------------------- the plan
struct MeasureConfig {
    double warmup_ms = 20.0;      // warm-up before the first sample (calibration included)
    double sample_ms = 1.0;       // target duration of one sample
    int samples = 60;             // samples per benchmark
    int rounds = 4;               // interleaving rounds the samples are spread over
    int min_samples = 10;         // never fewer, however slow the body
    double max_ms = 1500.0;       // sampling budget per benchmark (reduces samples for slow bodies)
    double profile_seconds = 0.0; // > 0: run the body this long, record nothing
    ClockInfo clock;
};

namespace detail {

// Times `n` calls of the callable at `fn`; returns nanoseconds. One instantiation per body.
template <class F>
BENCHGATE_NOINLINE double time_batch(void* fn, std::uint64_t n) {
    F& f = *static_cast<F*>(fn);
    const auto t0 = Clock::now();
    for (std::uint64_t i = n; i != 0; --i) {
        if constexpr (std::is_void_v<decltype(f())>) {
            f();
            asm volatile("");  // keeps an empty loop a loop; no memory clobber
        } else {
            auto&& result = f();
            do_not_optimize(result);
        }
    }
    const auto t1 = Clock::now();
    return to_ns(t1 - t0);
}

using BatchFn = double (*)(void*, std::uint64_t);

}  // namespace detail

// Per-benchmark measurement state that survives across interleaving rounds.
struct MeasureState {
    std::uint64_t iterations_per_sample = 0;  // 0: not calibrated yet
    int planned_samples = 0;                  // decided at calibration
    int taken_samples = 0;
    int round = 0;  // set by the runner before each body invocation
};

// The object a body receives. `run` is called exactly once per body invocation.
class Bench {
public:
    Bench(const std::string& name, const MeasureConfig& config, MeasureState& state, BenchmarkResult& out)
        : name_(name), config_(config), state_(state), out_(out) {}

    Bench(const Bench&) = delete;
    Bench& operator=(const Bench&) = delete;

    const std::string& name() const { return name_; }

    // Measures `fn`. Its return value (if any) is kept alive so the work cannot be elided.
    template <class F>
    void run(F&& fn) {
        using Fn = std::remove_reference_t<F>;
        measure(&detail::time_batch<Fn>, const_cast<void*>(static_cast<const void*>(&fn)));
    }

    bool ran() const { return ran_; }

private:
    void measure(detail::BatchFn batch, void* fn);
    void calibrate(detail::BatchFn batch, void* fn);

    const std::string& name_;
    const MeasureConfig& config_;
    MeasureState& state_;
    BenchmarkResult& out_;
    bool ran_ = false;
};

inline void Bench::calibrate(detail::BatchFn batch, void* fn) {
    // Grow the batch geometrically until one batch lasts a sample's target time, and keep
    // going until the warm-up budget is spent; the last batch gives the per-iteration cost.
    const double target_ns = std::max(config_.sample_ms * 1e6, 1000.0 * config_.clock.resolution_ns);
    const double warmup_ns = config_.warmup_ms * 1e6;
    std::uint64_t n = 1;
    double spent = 0.0, per_iter = 0.0;
    for (;;) {
        const double t = batch(fn, n);
        spent += t;
        per_iter = t / static_cast<double>(n);
        if (t >= target_ns || per_iter * 2 >= target_ns) {
            if (spent >= warmup_ns) break;
            continue;  // right size already; keep warming at this size
        }
        // Aim straight at the target when the batch is long enough to trust, else double.
        if (t > 100.0 * config_.clock.resolution_ns && t > 10000.0)
            n = std::max<std::uint64_t>(n * 2, static_cast<std::uint64_t>(n * (target_ns / t) * 1.05));
        else
            n *= 2;
    }
    per_iter = std::max(per_iter, 1e-3);
    state_.iterations_per_sample = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(target_ns / per_iter)));
    const double sample_cost_ms = per_iter * static_cast<double>(state_.iterations_per_sample) / 1e6;
    int samples = config_.samples;
    if (sample_cost_ms * samples > config_.max_ms)
        samples = std::max(config_.min_samples, static_cast<int>(config_.max_ms / sample_cost_ms));
    state_.planned_samples = samples;
    out_.samples.reserve(static_cast<std::size_t>(samples));
    out_.iterations.reserve(static_cast<std::size_t>(samples));
    out_.rounds.reserve(static_cast<std::size_t>(samples));
}

inline void Bench::measure(detail::BatchFn batch, void* fn) {
    if (ran_) throw std::logic_error("bench.run() called more than once in one body");
    ran_ = true;

    if (config_.profile_seconds > 0.0) {
        // Profiling: run for the requested time in sample-sized batches, record nothing.
        if (state_.iterations_per_sample == 0) calibrate(batch, fn);
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(config_.profile_seconds));
        while (Clock::now() < deadline) batch(fn, state_.iterations_per_sample);
        return;
    }

    if (state_.iterations_per_sample == 0) {
        calibrate(batch, fn);
    } else {
        // Later rounds: other benchmarks ran in between, so re-warm with one discarded sample.
        batch(fn, state_.iterations_per_sample);
    }
    // Spread the planned samples evenly over the rounds; the last round takes the rest.
    const int rounds = std::max(1, config_.rounds);
    const int due = state_.round >= rounds - 1 ? state_.planned_samples
                                               : state_.planned_samples * (state_.round + 1) / rounds;
    const int count = std::max(0, due - state_.taken_samples);
    const std::uint64_t n = state_.iterations_per_sample;
    for (int s = 0; s < count; ++s) {
        const double t = batch(fn, n);
        out_.samples.push_back(t / static_cast<double>(n));
        out_.iterations.push_back(n);
        out_.rounds.push_back(static_cast<std::uint32_t>(state_.round));
    }
    state_.taken_samples += count;
}

}  // namespace benchgate
