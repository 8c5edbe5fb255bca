// benchgate: the machine-speed reference.
//
// Timing noise on shared machines is largely common-mode: when the host gives this VM less
// CPU or a lower clock for a few seconds, every benchmark of the run slows down by about the
// same factor. The runner therefore measures a fixed reference workload in every round,
// interleaved with the user's benchmarks. Comparing its speed in the baseline and in the
// current run estimates how much faster or slower the machine itself was, and the comparison
// corrects for it. The reference is written in assembly on x86-64 so that the user's
// compiler, flags or code changes can never change it: only the machine can.
#pragma once

#include <cstdint>

#include "../bench.hpp"

namespace benchgate::detail {

inline constexpr const char* reference_name = "benchgate/reference";

// `n` dependent 64-bit multiplies (latency bound: one every 3 cycles on current x86-64).
inline std::uint64_t reference_work(std::uint64_t n) {
    std::uint64_t x = 0x9e3779b97f4a7c15ULL;
    if (n == 0) return x;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    asm volatile(
        "1:\n\t"
        "imulq %[x], %[x]\n\t"
        "decq %[n]\n\t"
        "jnz 1b\n\t"
        : [x] "+r"(x), [n] "+r"(n)
        :
        : "cc");
#else
    for (; n != 0; --n) {
        x *= x;
        do_not_optimize(x);
    }
#endif
    return x;
}

// The body the runner measures as the reference.
inline void reference_body(Bench& bench) {
    bench.run([] { return reference_work(256); });
}

}  // namespace benchgate::detail
