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
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "alloc.hpp"
#include "callgrind.hpp"
#include "clock.hpp"
#include "config.hpp"
#include "perf_counters.hpp"
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
    int callgrind_iterations = 0; // > 0: under callgrind, collect exactly this many calls
    PerfCounters* perf = nullptr; // hardware counters to read around every sample (--counters)
    class DuetDriver* duet = nullptr;  // duet mode: the driver takes over each measurement
};

class Bench;

// Duet mode (duet.hpp): takes over Bench::run to sample this build and another one
// alternately (parent side) or to serve samples on request (worker side).
class DuetDriver {
public:
    virtual ~DuetDriver() = default;
    virtual void measure(Bench& bench, double (*batch)(void*, std::uint64_t), void* fn) = 0;

protected:
    // What a driver may do with the Bench it drives (friendship is not inherited).
    static void calibrate(Bench& b, double (*batch)(void*, std::uint64_t), void* fn);
    static double timed(Bench& b, double (*batch)(void*, std::uint64_t), void* fn, std::uint64_t n);
    static std::uint64_t iterations(const Bench& b);
    static int planned_samples(const Bench& b);
    static BenchmarkResult& result(Bench& b);
    static const MeasureConfig& config(const Bench& b);
};

namespace detail {

// Reads metrics (allocations, hardware counters) around a timed batch. The Bench wraps the
// batch call itself (the measured function stays minimal); run_batched's batch calls it
// inside, around only its timed loop, so that making the inputs is not counted.
struct RegionProbe {
    virtual ~RegionProbe() = default;
    virtual void begin() = 0;
    virtual void end() = 0;
};

inline RegionProbe*& active_probe() {
    static RegionProbe* probe = nullptr;
    return probe;
}

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

// run_batched: fresh inputs from `setup` for every iteration, made before the clock starts.
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
    b.inputs.clear();  // inputs are destroyed outside the timed region
    return to_ns(t1 - t0);
}

// run_custom: the callable runs `n` iterations itself and returns the nanoseconds it measured.
template <class F>
BENCHGATE_NOINLINE double time_custom(void* fn, std::uint64_t n) {
    const double ns = static_cast<double>((*static_cast<F*>(fn))(n));
    if (!(ns >= 0.0)) throw std::runtime_error("run_custom: the callable returned a negative or NaN time");
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

// Per-benchmark measurement state that survives across interleaving rounds.
struct MeasureState {
    std::uint64_t iterations_per_sample = 0;  // 0: not calibrated yet
    int planned_samples = 0;                  // decided at calibration
    int taken_samples = 0;
    int round = 0;  // set by the runner before each body invocation
    int index = 0;  // the benchmark's position in the run (names callgrind dumps)
    // Counters reported by the body, summed over the rounds (divided by `rounds_reported`).
    std::vector<Counter> counters;
    std::vector<int> counter_reports;
    // Metric totals over the measured samples (warm-up excluded).
    std::uint64_t metric_iterations = 0;
    std::uint64_t allocations = 0, allocated_bytes = 0;
    std::vector<double> hardware;  // summed deltas, order of PerfCounters::names()
};

namespace detail {

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
        for (int i = 0; i < 16; ++i) {
            std::fill(state_.hardware.begin(), state_.hardware.end(), 0.0);
            empty_region();
            for (std::size_t k = 0; k < best.size(); ++k) best[k] = std::min(best[k], state_.hardware[k]);
        }
        state_.hardware = saved;
        state_.allocations = saved_allocs;
        state_.allocated_bytes = saved_bytes;
        overhead_ = best;
    }
    BENCHGATE_NOINLINE void begin() override {
        if (perf_) hw0_ = perf_->read();
        if (track_allocations_) alloc0_ = allocation_snapshot();
    }
    BENCHGATE_NOINLINE void end() override {
        if (track_allocations_) {
            const AllocationSnapshot a1 = allocation_snapshot();
            state_.allocations += a1.allocations - alloc0_.allocations;
            state_.allocated_bytes += a1.bytes - alloc0_.bytes;
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
    HardwareReading hw0_;
    std::vector<double> overhead_;
};

}  // namespace detail

// The object a body receives. `run` is called exactly once per body invocation.
class Bench {
public:
    Bench(const std::string& name, const MeasureConfig& config, MeasureState& state, BenchmarkResult& out)
        : name_(name), config_(config), state_(state), out_(out) {}

    Bench(const Bench&) = delete;
    Bench& operator=(const Bench&) = delete;

    const std::string& name() const { return name_; }

    // The value of this instance's parameter on `axis` (BENCHGATE_BENCH_P); the only or first
    // axis when no name is given. Throws std::invalid_argument for an unknown axis.
    std::int64_t param(const std::string& axis = {}) const {
        for (const auto& p : out_.params)
            if (axis.empty() || p.name == axis) return p.value;
        throw std::invalid_argument(out_.params.empty() ? "bench.param(): this benchmark has no parameters"
                                                        : "bench.param(): no axis named '" + axis + "'");
    }

    // Work per iteration, reported as a rate beside the time (verdicts stay on time).
    Bench& throughput_bytes(double bytes) { return throughput("bytes", bytes); }
    Bench& throughput_elements(double elements) { return throughput("elements", elements); }

    // A named value per iteration (e.g. frames decoded); `rate` also shows it per second.
    Bench& counter(const std::string& name, double per_iteration, bool rate = false) {
        for (std::size_t i = 0; i < state_.counters.size(); ++i)
            if (state_.counters[i].name == name) {
                state_.counters[i].value += per_iteration;
                ++state_.counter_reports[i];
                return *this;
            }
        state_.counters.push_back({name, per_iteration, rate});
        state_.counter_reports.push_back(1);
        return *this;
    }

    // Calls of the measured callable so far in this invocation, warm-up included: divide a
    // total the callable accumulated by it to get a per-iteration counter.
    std::uint64_t calls() const { return calls_; }

    // Runs `before` ahead of every timed batch and `after` behind it, outside the timing.
    Bench& per_sample(std::function<void()> before, std::function<void()> after = {}) {
        before_sample_ = std::move(before);
        after_sample_ = std::move(after);
        return *this;
    }

    // Measures `fn`. Its return value (if any) is kept alive so the work cannot be elided.
    template <class F>
    void run(F&& fn) {
        using Fn = std::remove_reference_t<F>;
        measure(&detail::time_batch<Fn>, const_cast<void*>(static_cast<const void*>(&fn)));
    }

    // Measures `routine(input)` where each iteration gets a fresh `input = setup()`, made
    // before the clock starts (for code that consumes or mutates its input).
    template <class Setup, class Routine>
    void run_batched(Setup&& setup, Routine&& routine) {
        using S = std::remove_reference_t<Setup>;
        using R = std::remove_reference_t<Routine>;
        detail::Batched<S, R> ctx{setup, routine, {}};
        max_batch_ = max_batched_inputs;  // every input of a batch is alive at once: bound the memory
        measure(&detail::time_batched<S, R>, &ctx, /*probe_inside=*/true);
    }

    // Manual timing: `fn(iterations)` runs that many iterations and returns the nanoseconds
    // that count (e.g. from a Stopwatch around only the part to isolate).
    template <class F>
    void run_custom(F&& fn) {
        using Fn = std::remove_reference_t<F>;
        measure(&detail::time_custom<Fn>, const_cast<void*>(static_cast<const void*>(&fn)));
    }

    bool ran() const { return ran_; }

    // run_batched keeps a whole batch of inputs alive: at most this many per sample.
    static constexpr std::uint64_t max_batched_inputs = 4096;

private:
    Bench& throughput(const char* unit, double per_iteration) {
        if (!(per_iteration > 0.0)) throw std::invalid_argument("throughput must be positive");
        out_.throughput_unit = unit;
        out_.throughput = per_iteration;
        return *this;
    }
    double timed(detail::BatchFn batch, void* fn, std::uint64_t n) {
        if (before_sample_) before_sample_();
        detail::RegionProbe* probe = probe_outside_ ? detail::active_probe() : nullptr;
        if (probe) probe->begin();
        const double t = batch(fn, n);
        if (probe) probe->end();
        calls_ += n;
        if (after_sample_) after_sample_();
        return t;
    }
    void measure(detail::BatchFn batch, void* fn, bool probe_inside = false);
    void calibrate(detail::BatchFn batch, void* fn);
    friend class DuetDriver;

    const std::string& name_;
    const MeasureConfig& config_;
    MeasureState& state_;
    BenchmarkResult& out_;
    bool ran_ = false;
    std::uint64_t calls_ = 0;
    bool probe_outside_ = false;
    std::uint64_t max_batch_ = ~std::uint64_t{0};
    std::function<void()> before_sample_, after_sample_;
};

inline void Bench::calibrate(detail::BatchFn batch, void* fn) {
    // Grow the batch geometrically until one batch lasts a sample's target time, and keep
    // going until the warm-up budget is spent; the last batch gives the per-iteration cost.
    const double target_ns = std::max(config_.sample_ms * 1e6, 1000.0 * config_.clock.resolution_ns);
    const double warmup_ns = config_.warmup_ms * 1e6;
    std::uint64_t n = 1;
    double spent = 0.0, per_iter = 0.0, best_per_iter = 1e300;
    for (;;) {
        const double t = timed(batch, fn, n);
        spent += t;
        per_iter = t / static_cast<double>(n);
        // Interference only ever slows a batch down: the fastest batch long enough to trust
        // is the best estimate of the cost, so a preempted last batch cannot shrink samples.
        if (t >= 0.1 * target_ns) best_per_iter = std::min(best_per_iter, per_iter);
        if (t >= target_ns || per_iter * 2 >= target_ns) {
            if (spent >= warmup_ns) break;
            continue;  // right size already; keep warming at this size
        }
        // Aim straight at the target when the batch is long enough to trust, else double.
        if (n >= max_batch_) {
            if (spent >= warmup_ns) break;
            continue;
        }
        if (t > 100.0 * config_.clock.resolution_ns && t > 10000.0)
            n = std::max<std::uint64_t>(n * 2, static_cast<std::uint64_t>(n * (target_ns / t) * 1.05));
        else
            n *= 2;
        n = std::min(n, max_batch_);
    }
    per_iter = std::max(std::min(per_iter, best_per_iter), 1e-3);
    state_.iterations_per_sample =
        std::min(max_batch_, std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(target_ns / per_iter))));
    const double sample_cost_ms = per_iter * static_cast<double>(state_.iterations_per_sample) / 1e6;
    int samples = config_.samples;
    if (sample_cost_ms * samples > config_.max_ms)
        samples = std::max(config_.min_samples, static_cast<int>(config_.max_ms / sample_cost_ms));
    state_.planned_samples = samples;
    out_.samples.reserve(static_cast<std::size_t>(samples));
    out_.iterations.reserve(static_cast<std::size_t>(samples));
    out_.rounds.reserve(static_cast<std::size_t>(samples));
}

inline void DuetDriver::calibrate(Bench& b, detail::BatchFn batch, void* fn) { b.calibrate(batch, fn); }
inline double DuetDriver::timed(Bench& b, detail::BatchFn batch, void* fn, std::uint64_t n) { return b.timed(batch, fn, n); }
inline std::uint64_t DuetDriver::iterations(const Bench& b) { return b.state_.iterations_per_sample; }
inline int DuetDriver::planned_samples(const Bench& b) { return b.state_.planned_samples; }
inline BenchmarkResult& DuetDriver::result(Bench& b) { return b.out_; }
inline const MeasureConfig& DuetDriver::config(const Bench& b) { return b.config_; }

inline void Bench::measure(detail::BatchFn batch, void* fn, bool probe_inside) {
    if (ran_) throw std::logic_error("bench.run() called more than once in one body");
    ran_ = true;
    if (config_.duet) {
        config_.duet->measure(*this, batch, fn);
        return;
    }

    if (config_.profile_seconds > 0.0) {
        // Profiling: run for the requested time in sample-sized batches, record nothing.
        if (state_.iterations_per_sample == 0) calibrate(batch, fn);
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(config_.profile_seconds));
        while (Clock::now() < deadline) timed(batch, fn, state_.iterations_per_sample);
        return;
    }

    if (config_.callgrind_iterations > 0) {
        // Under callgrind: a short uncollected warm-up, then exactly the requested calls
        // collected and dumped under this benchmark's index (the runner's round number).
        timed(batch, fn, 10);
        callgrind_collect(true);
        batch(fn, static_cast<std::uint64_t>(config_.callgrind_iterations));
        callgrind_collect(false, state_.index);
        out_.samples.push_back(1.0);  // a placeholder: wall time under valgrind means nothing
        out_.iterations.push_back(static_cast<std::uint64_t>(config_.callgrind_iterations));
        return;
    }

    if (state_.iterations_per_sample == 0) {
        calibrate(batch, fn);
    } else {
        // Later rounds: other benchmarks ran in between, so re-warm with one discarded sample.
        timed(batch, fn, state_.iterations_per_sample);
    }
    // Spread the planned samples evenly over the rounds; the last round takes the rest.
    const int rounds = std::max(1, config_.rounds);
    const int due = state_.round >= rounds - 1 ? state_.planned_samples
                                               : state_.planned_samples * (state_.round + 1) / rounds;
    const int count = std::max(0, due - state_.taken_samples);
    const std::uint64_t n = state_.iterations_per_sample;
    const bool probe_metrics = allocation_tracking_installed() || (config_.perf && config_.perf->ok());
    detail::MetricsProbe probe(state_, probe_metrics ? config_.perf : nullptr);
    if (probe_metrics) {
        // The counts of an empty batch (the clock reads and the call) are subtracted later.
        probe.calibrate([&] {
            probe.begin();
            batch(fn, 0);
            probe.end();
        });
        detail::active_probe() = &probe;
        probe_outside_ = !probe_inside;
    }
    struct Reset {
        Bench& bench;
        ~Reset() {
            detail::active_probe() = nullptr;
            bench.probe_outside_ = false;
        }
    } reset{*this};
    for (int s = 0; s < count; ++s) {
        const double t = timed(batch, fn, n);
        out_.samples.push_back(t / static_cast<double>(n));
        out_.iterations.push_back(n);
        out_.rounds.push_back(static_cast<std::uint32_t>(state_.round));
    }
    state_.taken_samples += count;
    if (probe_metrics) state_.metric_iterations += n * static_cast<std::uint64_t>(count);
}

}  // namespace benchgate
