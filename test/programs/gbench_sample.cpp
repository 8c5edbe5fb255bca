// A few Google Benchmark benchmarks whose JSON output (--benchmark_out) the import-gbench
// checks read (test/integration/import_gbench.py): sizes with a declared throughput, user
// counters, one benchmark that fails with SkipWithError. Built only where Google Benchmark is
// installed (test/meson.build).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

static void BM_Sum(benchmark::State& state) {
    std::vector<int> v(static_cast<std::size_t>(state.range(0)));
    std::iota(v.begin(), v.end(), 0);
    for (auto _ : state) benchmark::DoNotOptimize(std::accumulate(v.begin(), v.end(), std::int64_t{0}));
    state.SetBytesProcessed(state.iterations() * state.range(0) * static_cast<std::int64_t>(sizeof(int)));
}
BENCHMARK(BM_Sum)->Arg(64)->Arg(1024);

static void BM_ToString(benchmark::State& state) {
    for (auto _ : state) {
        std::string s = std::to_string(state.iterations());
        benchmark::DoNotOptimize(s);
    }
    state.counters["digits"] = benchmark::Counter(static_cast<double>(state.iterations()) * 7,
                                                  benchmark::Counter::kAvgIterations);
    state.counters["calls"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    // A rate of nothing, inverted: infinite. Google Benchmark writes it as the bare token
    // Infinity, which is not JSON; the import reads it as a missing value.
    state.counters["idle"] = benchmark::Counter(0, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ToString);

static void BM_NeedsInput(benchmark::State& state) {
    for (auto _ : state) {
        state.SkipWithError("no \"input\" file");
        break;
    }
}
BENCHMARK(BM_NeedsInput);

BENCHMARK_MAIN();
