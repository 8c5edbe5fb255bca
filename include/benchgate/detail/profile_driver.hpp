// benchgate: `--profile-time`: runs each selected body for a fixed time in sample-sized
// batches and records nothing, for an external profiler (perf, flamegraphs).
#pragma once

#include <chrono>

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
        while (Clock::now() < deadline) s.timed(batch, s.state.iterations_per_sample);
    }

    double seconds() const { return seconds_; }

private:
    double seconds_;
};

}  // namespace benchgate::detail
