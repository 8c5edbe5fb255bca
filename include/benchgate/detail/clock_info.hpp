// benchgate: the clock's resolution and read cost, measured rather than trusted.
#pragma once

#include <algorithm>
#include <vector>

#include "../clock.hpp"

namespace benchgate::detail {

struct ClockInfo {
    double resolution_ns = 0.0;  // smallest observed non-zero step between two reads
    double cost_ns = 0.0;        // median cost of one read
};

// steady_clock says 1 ns on Linux, but what matters is the step a caller can observe and
// what a read costs.
inline ClockInfo measure_clock() {
    ClockInfo info;
    double best_step = 1e18;
    for (int trial = 0; trial < 200; ++trial) {
        const auto t0 = Clock::now();
        auto t1 = Clock::now();
        while (t1 == t0) t1 = Clock::now();
        best_step = std::min(best_step, to_ns(t1 - t0));
    }
    info.resolution_ns = best_step;

    constexpr int reads = 256;
    std::vector<double> per_read;
    per_read.reserve(21);
    for (int trial = 0; trial < 21; ++trial) {
        const auto t0 = Clock::now();
        for (int i = 0; i < reads; ++i) (void)Clock::now();
        const auto t1 = Clock::now();
        per_read.push_back(to_ns(t1 - t0) / reads);
    }
    std::nth_element(per_read.begin(), per_read.begin() + 10, per_read.end());
    info.cost_ns = per_read[10];
    return info;
}

}  // namespace benchgate::detail
