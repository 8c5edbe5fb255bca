// Compile-time probe (tools/peers.py, figure f): the ten benchmarks of benches/micro10.cpp
// written for Google Benchmark, in one translation unit. Like micro10.cpp it has no main
// (a bench binary would link benchmark_main or put BENCHMARK_MAIN() in another file);
// -DPEERS_TEN_WITH_MAIN adds BENCHMARK_MAIN() for the with-main variant of the figure.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

static void int_hash(benchmark::State& state) {
    std::uint64_t x = 1;
    for (auto _ : state) benchmark::DoNotOptimize(x = (x ^ (x >> 31)) * 0x9e3779b97f4a7c15ULL);
}
BENCHMARK(int_hash)->Name("micro/int_hash");

static void string_copy_short(benchmark::State& state) {
    const std::string s = "short string";
    for (auto _ : state) benchmark::DoNotOptimize(std::string(s));
}
BENCHMARK(string_copy_short)->Name("micro/string_copy_short");

static void string_copy_long(benchmark::State& state) {
    const std::string s(200, 'x');
    for (auto _ : state) benchmark::DoNotOptimize(std::string(s));
}
BENCHMARK(string_copy_long)->Name("micro/string_copy_long");

static void vector_push_16(benchmark::State& state) {
    for (auto _ : state) {
        std::vector<int> v;
        for (int i = 0; i < 16; ++i) v.push_back(i);
        benchmark::DoNotOptimize(v.size());
    }
}
BENCHMARK(vector_push_16)->Name("micro/vector_push_16");

static void sort_32(benchmark::State& state) {
    std::array<int, 32> base{};
    for (int i = 0; i < 32; ++i) base[static_cast<std::size_t>(i)] = (i * 7919) % 101;
    for (auto _ : state) {
        auto a = base;
        std::sort(a.begin(), a.end());
        benchmark::DoNotOptimize(a[16]);
    }
}
BENCHMARK(sort_32)->Name("micro/sort_32");

static void map_find(benchmark::State& state) {
    std::map<int, int> m;
    for (int i = 0; i < 256; ++i) m[i * 3] = i;
    int k = 0;
    for (auto _ : state) {
        k = (k + 37) % 768;
        benchmark::DoNotOptimize(m.find(k) != m.end());
    }
}
BENCHMARK(map_find)->Name("micro/map_find");

static void unordered_map_find(benchmark::State& state) {
    std::unordered_map<int, int> m;
    for (int i = 0; i < 256; ++i) m[i * 3] = i;
    int k = 0;
    for (auto _ : state) {
        k = (k + 37) % 768;
        benchmark::DoNotOptimize(m.find(k) != m.end());
    }
}
BENCHMARK(unordered_map_find)->Name("micro/unordered_map_find");

static void memcpy_256(benchmark::State& state) {
    char src[256], dst[256];
    std::memset(src, 1, sizeof src);
    for (auto _ : state) {
        benchmark::DoNotOptimize(src);
        std::memcpy(dst, src, sizeof dst);
        benchmark::DoNotOptimize(dst);
    }
}
BENCHMARK(memcpy_256)->Name("micro/memcpy_256");

static void make_shared(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(std::make_shared<int>(42));
}
BENCHMARK(make_shared)->Name("micro/make_shared");

static void to_string(benchmark::State& state) {
    int i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(std::to_string(i += 12345));
}
BENCHMARK(to_string)->Name("micro/to_string");

#ifdef PEERS_TEN_WITH_MAIN
BENCHMARK_MAIN();
#endif
