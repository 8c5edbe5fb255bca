// Compile-time probe (tools/peers.py, figure f): the ten benchmarks of benches/micro10.cpp
// written for Catch2 v2's BENCHMARK, in one translation unit that also carries Catch2's
// implementation and main (CATCH_CONFIG_MAIN), as a single-file Catch2 bench is written.
// -DPEERS_TEN_NO_MAIN leaves the implementation out (it would then live in another file).
#ifndef PEERS_TEN_NO_MAIN
#define CATCH_CONFIG_MAIN
#endif
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

TEST_CASE("micro/int_hash") {
    std::uint64_t x = 1;
    BENCHMARK("micro/int_hash") { return x = (x ^ (x >> 31)) * 0x9e3779b97f4a7c15ULL; };
}

TEST_CASE("micro/string_copy_short") {
    const std::string s = "short string";
    BENCHMARK("micro/string_copy_short") { return std::string(s); };
}

TEST_CASE("micro/string_copy_long") {
    const std::string s(200, 'x');
    BENCHMARK("micro/string_copy_long") { return std::string(s); };
}

TEST_CASE("micro/vector_push_16") {
    BENCHMARK("micro/vector_push_16") {
        std::vector<int> v;
        for (int i = 0; i < 16; ++i) v.push_back(i);
        return v.size();
    };
}

TEST_CASE("micro/sort_32") {
    std::array<int, 32> base{};
    for (int i = 0; i < 32; ++i) base[static_cast<std::size_t>(i)] = (i * 7919) % 101;
    BENCHMARK("micro/sort_32") {
        auto a = base;
        std::sort(a.begin(), a.end());
        return a[16];
    };
}

TEST_CASE("micro/map_find") {
    std::map<int, int> m;
    for (int i = 0; i < 256; ++i) m[i * 3] = i;
    int k = 0;
    BENCHMARK("micro/map_find") {
        k = (k + 37) % 768;
        return m.find(k) != m.end();
    };
}

TEST_CASE("micro/unordered_map_find") {
    std::unordered_map<int, int> m;
    for (int i = 0; i < 256; ++i) m[i * 3] = i;
    int k = 0;
    BENCHMARK("micro/unordered_map_find") {
        k = (k + 37) % 768;
        return m.find(k) != m.end();
    };
}

TEST_CASE("micro/memcpy_256") {
    char src[256], dst[256];
    std::memset(src, 1, sizeof src);
    BENCHMARK("micro/memcpy_256") {
        std::memcpy(dst, src, sizeof dst);
        return dst[0] + dst[255];
    };
}

TEST_CASE("micro/make_shared") {
    BENCHMARK("micro/make_shared") { return std::make_shared<int>(42); };
}

TEST_CASE("micro/to_string") {
    int i = 0;
    BENCHMARK("micro/to_string") { return std::to_string(i += 12345); };
}
