// The library's own costs: what the timed loop adds, what a clock read costs, and the
// smallest body that does real work.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

BENCHGATE_BENCH("overhead/empty_body") {
    bench.run([] {});
}

BENCHGATE_BENCH("overhead/clock_read") {
    bench.run([] { return benchgate::Clock::now(); });
}

BENCHGATE_BENCH("overhead/one_add") {
    unsigned long x = 0;
    bench.run([&] {
        benchgate::do_not_optimize(x);
        return ++x;
    });
}

BENCHGATE_BENCH("overhead/do_not_optimize_int") {
    int x = 42;
    bench.run([&] { benchgate::do_not_optimize(x); });
}
