// benchgate: the driver inside a callgrind child (`--metric instructions`). A short
// uncollected warm-up, then exactly `iterations` calls collected and dumped under the
// benchmark's index, so two runs count exactly the same work.
#pragma once

#include <cstdint>

#include "callgrind.hpp"
#include "sampling.hpp"

namespace benchgate::detail {

class CallgrindDriver final : public Driver {
public:
    explicit CallgrindDriver(int iterations) : iterations_(iterations) {}

    void measure(Sampling& s, const Batch& batch) override {
        s.timed(batch, 10);
        callgrind_collect(true);
        batch.time(batch.ctx, static_cast<std::uint64_t>(iterations_));
        callgrind_collect(false, s.state.index);
        s.out.samples.push_back(1.0);  // a placeholder: wall time under valgrind means nothing
        s.out.iterations.push_back(static_cast<std::uint64_t>(iterations_));
    }

private:
    int iterations_;
};

}  // namespace benchgate::detail
