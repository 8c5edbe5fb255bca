// benchgate: the driver inside a callgrind child (`--metric instructions`). A short
// uncollected warm-up, then exactly `iterations` calls collected and dumped under the
// benchmark's index, so two runs count exactly the same work.
#pragma once

#include <cstdint>

#include <string>

#include "allocation_counting.hpp"
#include "callgrind.hpp"
#include "sampling.hpp"

namespace benchgate::detail {

class CallgrindDriver final : public Driver {
public:
    explicit CallgrindDriver(int iterations) : iterations_(iterations) {}

    void measure(Sampling& s, const Batch& batch) override {
        s.timed(batch, 10);
        // Allocations are read outside the collected calls; the counts ride in the dump's tag
        // (--explain reports them beside the instructions).
        const AllocationSnapshot before = allocation_snapshot();
        callgrind_toggle(true);
        batch.time(batch.ctx, static_cast<std::uint64_t>(iterations_));
        callgrind_toggle(false);
        const AllocationSnapshot after = allocation_snapshot();
        std::string extra;
        if (allocation_tracking_installed())
            extra = " allocs=" + std::to_string(after.allocations - before.allocations) +
                    " bytes=" + std::to_string(after.bytes - before.bytes);
        callgrind_dump(s.state.index, extra);
        s.out.samples.push_back(1.0);  // a placeholder: wall time under valgrind means nothing
        s.out.iterations.push_back(static_cast<std::uint64_t>(iterations_));
    }

private:
    int iterations_;
};

}  // namespace benchgate::detail
