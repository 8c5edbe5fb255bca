// benchgate: the base class of BENCHGATE_FIXTURE benchmarks.
#pragma once

namespace benchgate {

class Bench;

// Derive from Fixture and register with BENCHGATE_FIXTURE: one fixture object per benchmark,
// set up once before its first round and torn down after its last, never inside timing.
struct Fixture {
    virtual ~Fixture() = default;
    virtual void setup(Bench&) {}
    virtual void teardown() {}
};

}  // namespace benchgate
