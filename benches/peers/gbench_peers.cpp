// The peer workloads (workloads.hpp) under Google Benchmark, default settings. Driven by
// tools/peers.py; run by hand: ./gbench_peers [--benchmark_format=json] ...
#include <benchmark/benchmark.h>

#include "workloads.hpp"

namespace {

template <class W>
void run_workload(benchmark::State& state) {
    auto& w = peers::instance<W>();
    for (auto _ : state) benchmark::DoNotOptimize(w());
}

void empty(benchmark::State& state) {
    for (auto _ : state) {
    }
}

}  // namespace

BENCHMARK(run_workload<peers::IntHash>)->Name("peers/int_hash");
BENCHMARK(run_workload<peers::MapLookup>)->Name("peers/map_lookup");
BENCHMARK(run_workload<peers::SplitJoin>)->Name("peers/split_join");
BENCHMARK(run_workload<peers::Memcpy32MiB>)->Name("peers/memcpy_32mib");
BENCHMARK(empty)->Name("peers/empty");

BENCHMARK_MAIN();
