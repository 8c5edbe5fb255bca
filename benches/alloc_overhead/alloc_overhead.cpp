// The cost of allocation counting. This one source is built twice
// (benches/alloc_overhead/meson.build):
//   alloc_overhead_on   with -DBENCHGATE_COUNT_ALLOCATIONS: operator new/delete are replaced by
//                       benchgate's counting versions (detail/allocation_counting.hpp)
//   alloc_overhead_off  without it: the C++ runtime's own operator new/delete
// Per allocation, tracking costs  new_delete_int(on) - new_delete_int(off); malloc_free_int is
// never counted (malloc is not replaced) and controls for the machine; empty_body and one_add
// must not move at all (docs/metrics.md).
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <cstdlib>
#include <vector>

// One operator new of 4 bytes and one operator delete per iteration. The pointer escapes
// through do_not_optimize, so the compiler cannot elide the pair.
BENCHGATE_BENCH("alloc_overhead/new_delete_int") {
    bench.run([] {
        int* p = new int(42);
        benchgate::do_not_optimize(p);
        delete p;
    });
}

// One operator new of 4000 bytes (and its delete) per iteration; the vector is never filled.
BENCHGATE_BENCH("alloc_overhead/vector_1000") {
    bench.run([] {
        std::vector<int> v;
        v.reserve(1000);
        benchgate::do_not_optimize(v.data());
        return v.capacity();
    });
}

// malloc/free are not replaced: the same in both binaries (a control for the machine).
BENCHGATE_BENCH("alloc_overhead/malloc_free_int") {
    bench.run([] {
        void* p = std::malloc(sizeof(int));
        benchgate::do_not_optimize(p);
        std::free(p);
    });
}

// No allocation: tracking must cost nothing here.
BENCHGATE_BENCH("alloc_overhead/empty_body") {
    bench.run([] {});
}

BENCHGATE_BENCH("alloc_overhead/one_add") {
    unsigned long x = 0;
    bench.run([&] {
        benchgate::do_not_optimize(x);
        return ++x;
    });
}
