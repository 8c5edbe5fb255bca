#include <benchgate/benchgate.hpp>

#include "widgets.hpp"

BENCHGATE_BENCH("hash/fnv_512") {
    std::vector<std::uint64_t> v(512, 42);
    bench.run([&] { return widgets::hash(v); });
}

BENCHGATE_BENCH("hash/fnv_64") {
    std::vector<std::uint64_t> v(64, 42);
    bench.run([&] { return widgets::hash(v); });
}
