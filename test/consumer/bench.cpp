// The consumer's bench binary: two benchmarks and, from BENCHGATE_MAIN, main() and the gate.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <numeric>
#include <string>
#include <vector>

BENCHGATE_BENCH("consumer/sum_256") {
    std::vector<int> v(256);
    std::iota(v.begin(), v.end(), 0);
    bench.run([&] { return std::accumulate(v.begin(), v.end(), 0L); });
}

BENCHGATE_BENCH("consumer/to_string") {
    int i = 0;
    bench.run([&] { return std::to_string(++i); });
}
