// The smallest useful bench binary: three benchmarks and a main().
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <numeric>
#include <string>
#include <vector>

BENCHGATE_BENCH("quickstart/sum_1000") {
    std::vector<int> v(1000);
    std::iota(v.begin(), v.end(), 0);
    bench.run([&] { return std::accumulate(v.begin(), v.end(), 0L); });
}

BENCHGATE_BENCH("quickstart/to_string") {
    int i = 0;
    bench.run([&] { return std::to_string(++i); });
}

// Set BENCHGATE_QUICKSTART_THROW=1 to see how a failing body is reported (exit code 3).
BENCHGATE_BENCH("quickstart/may_throw") {
    const char* flag = std::getenv("BENCHGATE_QUICKSTART_THROW");
    if (flag && std::string(flag) == "1") throw std::runtime_error("asked to fail by BENCHGATE_QUICKSTART_THROW");
    unsigned x = 1;
    bench.run([&] { return x = x * 1664525u + 1013904223u; });
}
