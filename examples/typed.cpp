// Typed benchmarks: one body, instantiated for each type in the list.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <deque>
#include <list>
#include <vector>

// "typed/push_back_1000/std::vector<int>", ".../std::deque<int>", ".../std::list<int>"
BENCHGATE_BENCH_TYPED("typed/push_back_1000", Container, std::vector<int>, std::deque<int>, std::list<int>) {
    bench.throughput_elements(1000);
    bench.run([] {
        Container c;
        for (int i = 0; i < 1000; ++i) c.push_back(i);
        return c.size();
    });
}
