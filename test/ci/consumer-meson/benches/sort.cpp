#include <benchgate/benchgate.hpp>

#include "widgets.hpp"

BENCHGATE_BENCH("sort/reversed_1024") {
    std::vector<int> v(1024);
    for (int i = 0; i < 1024; ++i) v[i] = 1024 - i;
    bench.run([&] { return widgets::sorted(v).front(); });
}
