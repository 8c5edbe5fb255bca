// Memory-bound workloads for the gate-quality campaigns (tools/duet_quality.py,
// tools/gate_quality.py): bodies whose working set needs the cache or memory, where a design
// that alternates two builds can read a change differently from separate processes. Each
// body's work grows by BENCHGATE_DEMO_SLOWDOWN percent (default 0), like examples/regression_demo:
// more steps over the same working set, so the cache regime stays the one of the unslowed body.
//
//   BENCHGATE_DEMO_SLOWDOWN=25 build/tools/benchgate-memory-demo --against build/tools/benchgate-memory-demo
//       --against-env BENCHGATE_DEMO_SLOWDOWN=0
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <vector>

namespace {

std::size_t scaled(std::size_t base) {
    const char* env = std::getenv("BENCHGATE_DEMO_SLOWDOWN");
    const double pct = env ? std::atof(env) : 0.0;
    return static_cast<std::size_t>(std::llround(static_cast<double>(base) * (1.0 + pct / 100.0)));
}

// A single random cycle through `n` slots (Sattolo's algorithm), so every step is a dependent
// load from an unpredictable address.
std::vector<std::uint32_t> random_cycle(std::size_t n, std::uint64_t seed) {
    std::vector<std::uint32_t> next(n);
    std::iota(next.begin(), next.end(), 0u);
    std::uint64_t x = seed;
    for (std::size_t i = n - 1; i > 0; --i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::swap(next[i], next[x % i]);
    }
    return next;
}

}  // namespace

// ~1 ms: a dependent pointer walk over a 4 MiB array (larger than L2, within a large last-level
// cache): each call walks the cycle on for a fixed number of steps.
BENCHGATE_BENCH("memory/pointer_walk_4mib") {
    static const std::vector<std::uint32_t> next = random_cycle((4u << 20) / sizeof(std::uint32_t), 42);
    const std::size_t steps = scaled(4000);
    std::uint32_t at = 0;
    bench.run([&] {
        for (std::size_t i = 0; i < steps; ++i) at = next[at];
        benchgate::do_not_optimize(at);
    });
}

// ~1.5 ms: a pointer walk over 64 MiB, larger than the last-level cache: every step goes to memory.
BENCHGATE_BENCH("memory/pointer_walk_64mib") {
    static const std::vector<std::uint32_t> next = random_cycle((64u << 20) / sizeof(std::uint32_t), 7);
    const std::size_t steps = scaled(2000);
    std::uint32_t at = 0;
    bench.run([&] {
        for (std::size_t i = 0; i < steps; ++i) at = next[at];
        benchgate::do_not_optimize(at);
    });
}

// ~2 ms: a streaming sum over an 8 MiB buffer; slowed, it reads a prefix again after the whole.
BENCHGATE_BENCH("memory/stream_sum_8mib") {
    static const std::vector<std::uint64_t> data(std::size_t{8} << 20 >> 3, 3);
    const std::size_t extra = scaled(data.size()) - data.size();
    auto sum_of = [](const std::uint64_t* p, std::size_t n) {
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < n; ++i) sum += p[i];
        return sum;
    };
    bench.run([&] {
        std::uint64_t sum = sum_of(data.data(), data.size());
        benchgate::do_not_optimize(sum);
        sum += sum_of(data.data(), extra);
        benchgate::do_not_optimize(sum);
    });
}

// ~6 us: a hash-table probe sequence over 1 MiB of slots (L2-sized on most machines).
BENCHGATE_BENCH("memory/table_probe_1mib") {
    static const std::vector<std::uint64_t> table = [] {
        std::vector<std::uint64_t> t((1u << 20) / 8);
        for (std::size_t i = 0; i < t.size(); ++i) t[i] = i * 0x9e3779b97f4a7c15ULL;
        return t;
    }();
    const std::size_t probes = scaled(4000);
    bench.run([&] {
        std::uint64_t h = 1, acc = 0;
        for (std::size_t i = 0; i < probes; ++i) {
            h = h * 6364136223846793005ULL + 1442695040888963407ULL;
            acc += table[(h >> 20) & (table.size() - 1)];
        }
        benchgate::do_not_optimize(acc);
    });
}
