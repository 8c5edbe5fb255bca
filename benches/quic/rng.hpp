// Deterministic pseudo-random numbers for the QUIC bench suites (SplitMix64 seeding a
// xoshiro256**). Reproducible on every machine: benchmark inputs, simulated packet loss and
// token nonces come from here. Not a CSPRNG: a real server draws token nonces from the OS.
#pragma once

#include <cstddef>
#include <cstdint>

namespace quic {

inline std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class Rng {
public:
    explicit Rng(std::uint64_t seed = 0) {
        for (auto& w : s_) w = splitmix64(seed);
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, n) for n > 0 (Lemire's multiply-shift; the bias is below 2^-32 for the
    // small n used here, which is fine for workloads and simulated loss).
    std::uint32_t below(std::uint32_t n) {
        return static_cast<std::uint32_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
    }

    void fill(std::uint8_t* out, std::size_t n) {
        while (n >= 8) {
            std::uint64_t v = next();
            for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
            out += 8;
            n -= 8;
        }
        if (n) {
            std::uint64_t v = next();
            for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
        }
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

}  // namespace quic
