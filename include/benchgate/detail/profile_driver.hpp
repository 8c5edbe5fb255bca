// benchgate: `--profile-time`: runs each selected body for a fixed time in sample-sized
// batches and records nothing, for an external profiler (perf, flamegraphs). A body call that
// outlasts its share by far is stopped by the watchdog (profile_watchdog_s, guard.hpp).
#pragma once

#include <algorithm>
#include <chrono>

#include "guard.hpp"
#include "planner.hpp"
#include "sampling.hpp"

namespace benchgate::detail {

class ProfileDriver final : public Driver {
public:
    explicit ProfileDriver(double seconds) : seconds_(seconds) {}

    void measure(Sampling& s, const Batch& batch) override {
        if (s.state.iterations_per_sample == 0) calibrate(s, batch);
        const auto deadline =
            Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds_));
        while (Clock::now() < deadline) {
            throw_if_interrupted();
            s.timed(batch, s.state.iterations_per_sample);
        }
    }

    double seconds() const { return seconds_; }

private:
    double seconds_;
};

// The watchdog's bound on one body call under --profile-time SECONDS when --timeout is not
// given: ten times the call's share, and never less than 10 s (setup and calibration included).
inline double profile_watchdog_s(double seconds) { return std::max(10.0, 10.0 * seconds); }

}  // namespace benchgate::detail
