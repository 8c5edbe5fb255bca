// SipHash-2-4 with 64-bit output (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
// 2012): one-shot and incremental. Checked against the reference implementation's 64 test
// vectors in auth_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace quic {

inline std::uint64_t load_le64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];  // compiles to one load on little-endian
    return v;
}

inline void store_le64(std::uint64_t v, std::uint8_t* p) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

struct SipKey {
    std::uint64_t k0 = 0, k1 = 0;
    // The 16 key bytes as the reference implementation reads them (two little-endian words).
    static SipKey from_bytes(const std::uint8_t key[16]) { return {load_le64(key), load_le64(key + 8)}; }
};

class SipHasher24 {
public:
    explicit SipHasher24(const SipKey& k)
        : v0_(k.k0 ^ 0x736f6d6570736575ULL),
          v1_(k.k1 ^ 0x646f72616e646f6dULL),
          v2_(k.k0 ^ 0x6c7967656e657261ULL),
          v3_(k.k1 ^ 0x7465646279746573ULL) {}

    SipHasher24& update(const std::uint8_t* p, std::size_t n) {
        total_ += n;
        if (ntail_) {  // complete a pending word first
            while (n && ntail_ < 8) {
                tail_ |= static_cast<std::uint64_t>(*p++) << (8 * ntail_++);
                --n;
            }
            if (ntail_ < 8) return *this;
            compress(tail_);
            tail_ = 0;
            ntail_ = 0;
        }
        for (; n >= 8; n -= 8, p += 8) compress(load_le64(p));
        for (; n; --n) tail_ |= static_cast<std::uint64_t>(*p++) << (8 * ntail_++);
        return *this;
    }

    // The hash of everything passed to update(); the hasher is left unchanged.
    std::uint64_t finish() const {
        SipHasher24 s = *this;
        const std::uint64_t b = (static_cast<std::uint64_t>(total_) << 56) | tail_;
        s.v3_ ^= b;
        s.round();
        s.round();
        s.v0_ ^= b;
        s.v2_ ^= 0xff;
        s.round();
        s.round();
        s.round();
        s.round();
        return s.v0_ ^ s.v1_ ^ s.v2_ ^ s.v3_;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

    void round() {
        v0_ += v1_;
        v1_ = rotl(v1_, 13);
        v1_ ^= v0_;
        v0_ = rotl(v0_, 32);
        v2_ += v3_;
        v3_ = rotl(v3_, 16);
        v3_ ^= v2_;
        v0_ += v3_;
        v3_ = rotl(v3_, 21);
        v3_ ^= v0_;
        v2_ += v1_;
        v1_ = rotl(v1_, 17);
        v1_ ^= v2_;
        v2_ = rotl(v2_, 32);
    }

    void compress(std::uint64_t m) {
        v3_ ^= m;
        round();
        round();
        v0_ ^= m;
    }

    std::uint64_t v0_, v1_, v2_, v3_;
    std::uint64_t tail_ = 0;   // pending bytes, little-endian
    unsigned ntail_ = 0;       // how many (0..7)
    std::uint64_t total_ = 0;  // message length; only its low byte enters the hash
};

inline std::uint64_t siphash24(const SipKey& key, const std::uint8_t* data, std::size_t len) {
    return SipHasher24(key).update(data, len).finish();
}

}  // namespace quic
