// Allocation counting: define BENCHGATE_COUNT_ALLOCATIONS in the file with BENCHGATE_MAIN and
// every benchmark reports operator new calls and bytes per iteration (allocs/op, bytes/op).
// Gate on them with --gate allocations.
#define BENCHGATE_COUNT_ALLOCATIONS
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <memory>
#include <string>
#include <vector>

// Exactly one allocation of 4000 bytes per iteration.
BENCHGATE_BENCH("alloc/vector_reserve_1000") {
    bench.run([] {
        std::vector<int> v;
        v.reserve(1000);
        for (int i = 0; i < 1000; ++i) v.push_back(i);
        return v.size();
    });
}

// Growth by doubling: 11 allocations (1, 2, 4, ..., 1024 ints) for 1000 elements.
BENCHGATE_BENCH("alloc/vector_grow_1000") {
    bench.run([] {
        std::vector<int> v;
        for (int i = 0; i < 1000; ++i) v.push_back(i);
        return v.size();
    });
}

// Short strings live inside the object: no allocation at all.
BENCHGATE_BENCH("alloc/short_string") {
    bench.run([] { return std::string("short"); });
}

BENCHGATE_BENCH("alloc/make_shared") {
    bench.run([] { return std::make_shared<long>(42); });
}
