// The peer workloads (workloads.hpp) under benchgate, default settings. Driven by
// tools/peers.py; run by hand: ./benchgate_peers [--json FILE] [--baseline FILE] ...
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include "workloads.hpp"

BENCHGATE_BENCH("peers/int_hash") {
    auto& w = peers::instance<peers::IntHash>();
    bench.run([&] { return w(); });
}

BENCHGATE_BENCH("peers/map_lookup") {
    auto& w = peers::instance<peers::MapLookup>();
    bench.run([&] { return w(); });
}

BENCHGATE_BENCH("peers/split_join") {
    auto& w = peers::instance<peers::SplitJoin>();
    bench.run([&] { return w(); });
}

BENCHGATE_BENCH("peers/memcpy_32mib") {
    auto& w = peers::instance<peers::Memcpy32MiB>();
    bench.run([&] { return w(); });
}

// The harness's own floor: what the framework reports for a body that does nothing.
BENCHGATE_BENCH("peers/empty") {
    bench.run([] {});
}
