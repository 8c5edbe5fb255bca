// benchgate: the monotonic clock every timed region reads.
#pragma once

#include <chrono>

namespace benchgate {

using Clock = std::chrono::steady_clock;

inline double to_ns(Clock::duration d) { return std::chrono::duration<double, std::nano>(d).count(); }

}  // namespace benchgate
