// The peer workloads (workloads.hpp) under Catch2 v2's BENCHMARK, default settings. Driven by
// tools/peers.py; run by hand: ./catch2_peers [-r xml] ["~[empty]"] ...
#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>

#include "workloads.hpp"

TEST_CASE("peers/int_hash", "[peers]") {
    auto& w = peers::instance<peers::IntHash>();
    BENCHMARK("peers/int_hash") { return w(); };
}

TEST_CASE("peers/map_lookup", "[peers]") {
    auto& w = peers::instance<peers::MapLookup>();
    BENCHMARK("peers/map_lookup") { return w(); };
}

TEST_CASE("peers/split_join", "[peers]") {
    auto& w = peers::instance<peers::SplitJoin>();
    BENCHMARK("peers/split_join") { return w(); };
}

TEST_CASE("peers/memcpy_32mib", "[peers]") {
    auto& w = peers::instance<peers::Memcpy32MiB>();
    BENCHMARK("peers/memcpy_32mib") { return w(); };
}

// The harness's own floor: what the framework reports for a body that does nothing.
TEST_CASE("peers/empty", "[peers][empty]") {
    BENCHMARK("peers/empty") {};
}
