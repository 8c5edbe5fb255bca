// A demo suite for the regression gate: four workloads from tens of nanoseconds to about
// 100 microseconds whose amount of work grows by BENCHGATE_DEMO_SLOWDOWN percent (default 0).
//
//   ./regression_demo --save-baseline main.json
//   ./regression_demo --baseline main.json                            # all STABLE, exit 0
//   BENCHGATE_DEMO_SLOWDOWN=30 ./regression_demo --baseline main.json  # REGRESSION, exit 1
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

// Work units scaled by the slowdown percentage, rounded to the nearest unit. A build can
// carry a default (-DBENCHGATE_DEMO_BUILD_SLOWDOWN=25: "a slower build" for duet tests).
#ifndef BENCHGATE_DEMO_BUILD_SLOWDOWN
#define BENCHGATE_DEMO_BUILD_SLOWDOWN 0
#endif
std::size_t scaled(std::size_t base) {
    const char* env = std::getenv("BENCHGATE_DEMO_SLOWDOWN");
    const double pct = env ? std::atof(env) : BENCHGATE_DEMO_BUILD_SLOWDOWN;
    return static_cast<std::size_t>(std::llround(static_cast<double>(base) * (1.0 + pct / 100.0)));
}

}  // namespace

// ~120 ns: a dependent chain of 64-bit multiply-xorshift rounds (latency bound). Long enough
// that the loop exit is never learned by the branch predictor, so time grows with the rounds.
BENCHGATE_BENCH("demo/hash_chain") {
    const std::size_t rounds = scaled(96);
    std::uint64_t state = 0x9e3779b97f4a7c15ULL;
    bench.run([&] {
        // Each call continues the previous call's chain, so calls cannot overlap in the
        // out-of-order window and the time is proportional to the rounds.
        std::uint64_t h = state;
        for (std::size_t i = 0; i < rounds; ++i) {
            h ^= h >> 29;
            h *= 0xbf58476d1ce4e5b9ULL;
        }
        state = h;
        return h;
    });
}

// ~1 µs: a strided sum over a vector (throughput bound, L1/L2 resident).
BENCHGATE_BENCH("demo/vector_sum") {
    const std::size_t n = scaled(2000);
    std::vector<std::uint32_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint32_t>(i * 2654435761u);
    bench.run([&] {
        std::uint64_t s = 0;
        for (std::size_t i = 0; i < n; ++i) {
            s += v[i] ^ (s >> 3);
        }
        return s;
    });
}

// ~15 µs: hash-map lookups, half hits and half misses.
BENCHGATE_BENCH("demo/map_lookup") {
    std::unordered_map<std::uint64_t, std::uint64_t> map;
    for (std::uint64_t i = 0; i < 4096; ++i) map[i * 7919] = i;
    const std::size_t lookups = scaled(4000);
    std::vector<std::uint64_t> keys(lookups);
    for (std::size_t i = 0; i < lookups; ++i) keys[i] = (i * 104729) % (4096 * 7919 * 2);
    bench.run([&] {
        std::uint64_t found = 0;
        for (std::uint64_t k : keys) {
            auto it = map.find(k - k % 7919);
            if (it != map.end()) found += it->second;
        }
        return found;
    });
}

// ~100 µs: formatting and parsing numbers through strings.
BENCHGATE_BENCH("demo/string_roundtrip") {
    const std::size_t n = scaled(4500);
    std::string buffer;
    bench.run([&] {
        buffer.clear();
        for (std::size_t i = 0; i < n; ++i) {
            buffer += std::to_string(i * 12345);
            buffer += ',';
        }
        std::uint64_t total = 0;
        const char* p = buffer.c_str();
        while (*p) {
            char* end = nullptr;
            total += std::strtoull(p, &end, 10);
            p = *end ? end + 1 : end;
        }
        return total;
    });
}
