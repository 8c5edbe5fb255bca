// Ten sub-microsecond benchmarks of everyday operations in one translation unit. It includes
// only the authoring API (no main, no simdjson): the whole-run wall time and the compile time
// of this file are figures the docs report (README, docs/measurement.md, docs/performance.md).
#include <benchgate/benchgate.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

BENCHGATE_BENCH("micro/int_hash") {
    std::uint64_t x = 1;
    bench.run([&] { return x = (x ^ (x >> 31)) * 0x9e3779b97f4a7c15ULL; });
}

BENCHGATE_BENCH("micro/string_copy_short") {
    const std::string s = "short string";
    bench.run([&] { return std::string(s); });
}

BENCHGATE_BENCH("micro/string_copy_long") {
    const std::string s(200, 'x');
    bench.run([&] { return std::string(s); });
}

BENCHGATE_BENCH("micro/vector_push_16") {
    bench.run([] {
        std::vector<int> v;
        for (int i = 0; i < 16; ++i) v.push_back(i);
        return v.size();
    });
}

BENCHGATE_BENCH("micro/sort_32") {
    std::array<int, 32> base{};
    for (int i = 0; i < 32; ++i) base[static_cast<std::size_t>(i)] = (i * 7919) % 101;
    bench.run([&] {
        auto a = base;
        std::sort(a.begin(), a.end());
        return a[16];
    });
}

BENCHGATE_BENCH("micro/map_find") {
    std::map<int, int> m;
    for (int i = 0; i < 256; ++i) m[i * 3] = i;
    int k = 0;
    bench.run([&] {
        k = (k + 37) % 768;
        return m.find(k) != m.end();
    });
}

BENCHGATE_BENCH("micro/unordered_map_find") {
    std::unordered_map<int, int> m;
    for (int i = 0; i < 256; ++i) m[i * 3] = i;
    int k = 0;
    bench.run([&] {
        k = (k + 37) % 768;
        return m.find(k) != m.end();
    });
}

BENCHGATE_BENCH("micro/memcpy_256") {
    char src[256], dst[256];
    std::memset(src, 1, sizeof src);
    bench.run([&] {
        benchgate::do_not_optimize(src);
        std::memcpy(dst, src, sizeof dst);
        benchgate::do_not_optimize(dst);
    });
}

BENCHGATE_BENCH("micro/make_shared") {
    bench.run([] { return std::make_shared<int>(42); });
}

BENCHGATE_BENCH("micro/to_string") {
    int i = 0;
    bench.run([&] { return std::to_string(i += 12345); });
}
