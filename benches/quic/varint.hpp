// QUIC variable-length integers (RFC 9000 §16) and the bounded byte reader/writer the frame
// codec is built on.
//
// The two most significant bits of the first byte give the encoded length (00: 1 byte,
// 01: 2, 10: 4, 11: 8); the remaining bits are the value in network byte order, so a varint
// holds 0 ..= 2^62 - 1. Encoders write the shortest form; decoders accept any length (RFC 9000
// §16 allows longer-than-necessary encodings except where a frame's rules say otherwise).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace quic {

inline constexpr std::uint64_t varint_max = (std::uint64_t{1} << 62) - 1;

// Bytes of the shortest encoding of `v`, or 0 when `v` exceeds varint_max.
constexpr std::size_t varint_size(std::uint64_t v) {
    return v < (1u << 6) ? 1 : v < (1u << 14) ? 2 : v < (std::uint64_t{1} << 30) ? 4 : v <= varint_max ? 8 : 0;
}

// Writes the shortest encoding of `v` to `out` (room for `cap` bytes). Returns the bytes
// written, or 0 (nothing written) when `v` is out of range or does not fit.
inline std::size_t varint_encode(std::uint64_t v, std::uint8_t* out, std::size_t cap) {
    const std::size_t n = varint_size(v);
    if (n == 0 || n > cap) return 0;
    switch (n) {
        case 1:
            out[0] = static_cast<std::uint8_t>(v);
            break;
        case 2:
            out[0] = static_cast<std::uint8_t>(0x40 | (v >> 8));
            out[1] = static_cast<std::uint8_t>(v);
            break;
        case 4:
            out[0] = static_cast<std::uint8_t>(0x80 | (v >> 24));
            out[1] = static_cast<std::uint8_t>(v >> 16);
            out[2] = static_cast<std::uint8_t>(v >> 8);
            out[3] = static_cast<std::uint8_t>(v);
            break;
        default:
            out[0] = static_cast<std::uint8_t>(0xc0 | (v >> 56));
            for (int i = 1; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * (7 - i)));
            break;
    }
    return n;
}

// Reads one varint from `in` (`len` bytes available). Returns the bytes consumed, or 0 when
// the input is empty or shorter than the length its prefix announces.
inline std::size_t varint_decode(const std::uint8_t* in, std::size_t len, std::uint64_t& out) {
    if (len == 0) return 0;
    const std::size_t n = std::size_t{1} << (in[0] >> 6);
    if (n > len) return 0;
    std::uint64_t v = in[0] & 0x3f;
    for (std::size_t i = 1; i < n; ++i) v = (v << 8) | in[i];
    out = v;
    return n;
}

// A read-only view of bytes (the frame codec's zero-copy payloads point into the packet).
struct Bytes {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;

    bool operator==(const Bytes& o) const {
        return size == o.size && (size == 0 || std::memcmp(data, o.data, size) == 0);
    }
    bool operator!=(const Bytes& o) const { return !(*this == o); }
};

// Sequential writer into a fixed buffer. The first write that does not fit (or an
// out-of-range varint) sets ok = false and turns every later write into a no-op.
class Writer {
public:
    Writer(std::uint8_t* buf, std::size_t cap) : begin_(buf), p_(buf), end_(buf + cap) {}

    bool varint(std::uint64_t v) {
        if (!ok_) return false;
        const std::size_t n = varint_encode(v, p_, static_cast<std::size_t>(end_ - p_));
        if (n == 0) return ok_ = false;
        p_ += n;
        return true;
    }
    bool u8(std::uint8_t v) {
        if (!ok_ || p_ == end_) return ok_ = false;
        *p_++ = v;
        return true;
    }
    bool bytes(const std::uint8_t* data, std::size_t n) {
        if (!ok_ || static_cast<std::size_t>(end_ - p_) < n) return ok_ = false;
        if (n) std::memcpy(p_, data, n);
        p_ += n;
        return true;
    }

    bool ok() const { return ok_; }
    std::size_t size() const { return static_cast<std::size_t>(p_ - begin_); }
    std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }

private:
    std::uint8_t* begin_;
    std::uint8_t* p_;
    std::uint8_t* end_;
    bool ok_ = true;
};

// Sequential reader over a byte range; every read is bounds-checked and fails (returns false,
// consuming nothing) on truncated input.
class Reader {
public:
    Reader(const std::uint8_t* data, std::size_t len) : p_(data), end_(data + len) {}

    bool varint(std::uint64_t& v) {
        const std::size_t n = varint_decode(p_, remaining(), v);
        p_ += n;
        return n != 0;
    }
    bool u8(std::uint8_t& v) {
        if (p_ == end_) return false;
        v = *p_++;
        return true;
    }
    // A view of the next `n` bytes (no copy).
    bool bytes(std::size_t n, Bytes& out) {
        if (remaining() < n) return false;
        out = {p_, n};
        p_ += n;
        return true;
    }

    std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
    bool empty() const { return p_ == end_; }
    const std::uint8_t* position() const { return p_; }

private:
    const std::uint8_t* p_;
    const std::uint8_t* end_;
};

}  // namespace quic
