// benchgate: `Bench`, the object a benchmark body receives, and `Stopwatch`.
//
// The timing model, the same for every mode (a normal run, a duet, profiling, instruction
// counting):
//   * the code of the body before `bench.run(...)` is setup: it runs once per interleaving
//     round (so it must be repeatable) and is never timed;
//   * a sample times one batch of n back-to-back calls of the callable and records elapsed / n;
//     n is calibrated during warm-up so that a batch lasts about a sample's target time;
//   * only the counted loop and two clock reads are inside the timed region: the callable is
//     inlined into the loop (no virtual call, no std::function, no allocation), and anything
//     between samples (hooks, bookkeeping, recording) happens outside it.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "barriers.hpp"
#include "clock.hpp"
#include "detail/compiler.hpp"
#include "detail/sampling.hpp"
#include "result.hpp"

namespace benchgate {

namespace detail {

// The batch of `bench.run`: n calls of `fn`, a non-void result kept alive. One instantiation
// per body.
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

// The batch of `bench.run_batched`: n fresh inputs from `setup`, made before the clock starts
// and destroyed after it stops.
template <class Setup, class Routine>
struct Batched {
    Setup& setup;
    Routine& routine;
    std::vector<std::invoke_result_t<Setup&>> inputs;
};

template <class Setup, class Routine>
BENCHGATE_NOINLINE double time_batched(void* ctx, std::uint64_t n) {
    auto& b = *static_cast<Batched<Setup, Routine>*>(ctx);
    b.inputs.clear();
    b.inputs.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) b.inputs.push_back(b.setup());
    auto* input = b.inputs.data();
    RegionProbe* probe = active_probe();
    if (probe) probe->begin();
    const auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < n; ++i) {
        if constexpr (std::is_void_v<decltype(b.routine(input[i]))>) {
            b.routine(input[i]);
        } else {
            auto&& result = b.routine(input[i]);
            do_not_optimize(result);
        }
    }
    const auto t1 = Clock::now();
    if (probe) probe->end();
    b.inputs.clear();
    return to_ns(t1 - t0);
}

// The batch of `bench.run_custom`: the callable runs n iterations and returns the nanoseconds
// that count.
// A negative, NaN or infinite time fails the benchmark here, where it is produced; 0 is
// allowed for a batch (a short region under a coarse clock) but never becomes a sample.
template <class F>
BENCHGATE_NOINLINE double time_custom(void* fn, std::uint64_t n) {
    const double ns = static_cast<double>((*static_cast<F*>(fn))(n));
    if (!(ns >= 0.0) || ns == std::numeric_limits<double>::infinity())
        throw std::runtime_error("run_custom: the callable returned " + std::to_string(ns) + " ns for " +
                                 std::to_string(n) + " iterations: a time cannot be negative, NaN or infinite");
    return ns;
}

}  // namespace detail

// Measures elapsed time inside run_custom bodies: start()/stop() around the part to time.
class Stopwatch {
public:
    void start() { t0_ = Clock::now(); }
    void stop() { total_ += Clock::now() - t0_; }
    double elapsed_ns() const { return to_ns(total_); }

private:
    Clock::time_point t0_{};
    Clock::duration total_{};
};

class Bench {
public:
    explicit Bench(detail::Sampling sampling) : s_(std::move(sampling)) {}
    Bench(const Bench&) = delete;
    Bench& operator=(const Bench&) = delete;

    const std::string& name() const { return s_.name; }

    // The value of this instance's parameter on `axis` (BENCHGATE_BENCH_P); the only or first
    // axis when no name is given. Throws std::invalid_argument for an unknown axis.
    std::int64_t param(const std::string& axis = {}) const {
        for (const auto& p : s_.out.params)
            if (axis.empty() || p.name == axis) return p.value;
        throw std::invalid_argument(s_.out.params.empty() ? "bench.param(): this benchmark has no parameters"
                                                          : "bench.param(): no axis named '" + axis + "'");
    }

    // Work per iteration, reported as a rate beside the time (verdicts stay on time).
    Bench& throughput_bytes(double bytes) { return throughput("bytes", bytes); }
    Bench& throughput_elements(double elements) { return throughput("elements", elements); }

    // A named value per iteration (e.g. frames decoded); `rate` also shows it per second.
    Bench& counter(const std::string& name, double per_iteration, bool rate = false) {
        auto& st = s_.state;
        for (std::size_t i = 0; i < st.counters.size(); ++i)
            if (st.counters[i].name == name) {
                st.counters[i].value += per_iteration;
                ++st.counter_reports[i];
                return *this;
            }
        st.counters.push_back({name, per_iteration, rate});
        st.counter_reports.push_back(1);
        return *this;
    }

    // Calls of the measured callable so far in this invocation, warm-up included: divide a
    // total the callable accumulated by it to get a per-iteration counter.
    std::uint64_t calls() const { return s_.calls; }

    // Runs `before` ahead of every timed batch and `after` behind it, outside the timing.
    Bench& per_sample(std::function<void()> before, std::function<void()> after = {}) {
        s_.before_sample = std::move(before);
        s_.after_sample = std::move(after);
        return *this;
    }

    // Measures `fn()`: timed region = n calls of `fn` in a counted loop, `fn` inlined; a
    // non-void result is kept alive (do_not_optimize) so the work cannot be elided. Code in
    // the body before this call is setup and is not timed. Call exactly once per body.
    template <class F>
    void run(F&& fn) {
        using Fn = std::remove_reference_t<F>;
        measure({&detail::time_batch<Fn>, const_cast<void*>(static_cast<const void*>(&fn))});
    }

    // Measures `routine(input)` where every iteration gets a fresh `input = setup()`, for code
    // that consumes or mutates its input. Timed region = the n routine calls only: the batch's
    // n inputs are all made before the clock starts and destroyed after it stops, so at most
    // `max_batched_inputs` are alive at once (which bounds n).
    template <class Setup, class Routine>
    void run_batched(Setup&& setup, Routine&& routine) {
        using S = std::remove_reference_t<Setup>;
        using R = std::remove_reference_t<Routine>;
        detail::Batched<S, R> ctx{setup, routine, {}};
        measure({&detail::time_batched<S, R>, &ctx, /*probe_inside=*/true, max_batched_inputs});
    }

    // Manual timing: `fn(n)` runs n iterations and returns the nanoseconds that count (e.g. a
    // Stopwatch around only the part to isolate); the sample is that time / n. Nothing else is
    // timed, so the callable decides what the timed region is. A negative or NaN time fails
    // the benchmark.
    template <class F>
    void run_custom(F&& fn) {
        using Fn = std::remove_reference_t<F>;
        measure({&detail::time_custom<Fn>, const_cast<void*>(static_cast<const void*>(&fn))});
    }

    bool ran() const { return s_.ran; }

    static constexpr std::uint64_t max_batched_inputs = 4096;

private:
    Bench& throughput(const char* unit, double per_iteration) {
        if (!(per_iteration > 0.0)) throw std::invalid_argument("throughput must be positive");
        s_.out.throughput_unit = unit;
        s_.out.throughput = per_iteration;
        return *this;
    }
    void measure(const detail::Batch& batch) {
        if (s_.ran) throw std::logic_error("bench.run() called more than once in one body");
        s_.ran = true;
        s_.driver.measure(s_, batch);
    }

    detail::Sampling s_;
};

}  // namespace benchgate
