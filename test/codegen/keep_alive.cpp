// Compiled to assembly by test/codegen.py: proves do_not_optimize keeps work alive and the
// timed loop calls the body inline. Each function has a twin without the barrier as a
// control, so the test would notice if the compiler kept everything anyway.
#include <benchgate/bench.hpp>

extern "C" {

// The product is unused except by do_not_optimize: the multiply must survive.
void kept_product(long x) { benchgate::do_not_optimize(x * 0x12345); }
// Control: the same product without the barrier is dead code.
void dropped_product(long x) {
    long y = x * 0x12345;
    (void)y;
}

// A loop of 1000 additions whose sum is only passed to do_not_optimize.
void kept_loop(long seed) {
    long sum = seed;
    for (int i = 0; i < 1000; ++i) {
        benchgate::do_not_optimize(sum);
        sum += i;
    }
    benchgate::do_not_optimize(sum);
}
void dropped_loop(long seed) {
    long sum = seed;
    for (int i = 0; i < 1000; ++i) sum += i;
    (void)sum;
}

// The timed loop instantiated with a small lambda: the lambda must be inlined (no call).
double timed_loop(unsigned long n) {
    unsigned long x = 0;
    auto body = [&] { return ++x; };
    return benchgate::detail::time_batch<decltype(body)>(&body, n);
}
}
