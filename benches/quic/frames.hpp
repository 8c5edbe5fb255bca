// QUIC STREAM and ACK frames (RFC 9000 §19.8 and §19.3): encode into a bounded buffer, decode
// with full validation. Decoding is zero-copy: a decoded STREAM frame's data points into the
// packet buffer, as in production stacks (quinn's `Bytes`, quiche's slices).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "varint.hpp"

namespace quic {

// ---------------------------------------------------------------- STREAM (0x08 - 0x0f)
inline constexpr std::uint64_t stream_type_base = 0x08;
inline constexpr std::uint64_t stream_bit_off = 0x04;  // an Offset field is present
inline constexpr std::uint64_t stream_bit_len = 0x02;  // a Length field is present
inline constexpr std::uint64_t stream_bit_fin = 0x01;  // the frame ends the stream

struct StreamFrame {
    std::uint64_t stream_id = 0;
    std::uint64_t offset = 0;  // encoded (OFF bit) only when nonzero
    bool fin = false;
    bool has_length = true;  // false: the data runs to the end of the packet (last frame only)
    Bytes data;

    bool operator==(const StreamFrame& o) const {
        return stream_id == o.stream_id && offset == o.offset && fin == o.fin && has_length == o.has_length &&
               data == o.data;
    }
};

// Bytes the encoding of `f` takes (0 when `f` cannot be encoded).
inline std::size_t stream_frame_size(const StreamFrame& f) {
    const std::size_t id = varint_size(f.stream_id);
    const std::size_t off = f.offset ? varint_size(f.offset) : 0;
    const std::size_t len = f.has_length ? varint_size(f.data.size) : 0;
    if (id == 0 || (f.offset && off == 0) || (f.has_length && len == 0)) return 0;
    return 1 + id + off + len + f.data.size;  // the type (0x08 - 0x0f) takes one byte
}

// Appends `f` to `w`. Fails on out-of-range fields, on a stream whose final offset would
// exceed 2^62 - 1 (RFC 9000 §19.8), or when the buffer is too small.
inline bool encode_stream(const StreamFrame& f, Writer& w) {
    if (f.data.size > varint_max || f.offset > varint_max - f.data.size) return false;
    const std::uint64_t type = stream_type_base | (f.offset ? stream_bit_off : 0) |
                               (f.has_length ? stream_bit_len : 0) | (f.fin ? stream_bit_fin : 0);
    w.varint(type);
    w.varint(f.stream_id);
    if (f.offset) w.varint(f.offset);
    if (f.has_length) w.varint(f.data.size);
    w.bytes(f.data.data, f.data.size);
    return w.ok();
}

// Reads a frame type (a varint that must use its shortest encoding, RFC 9000 §12.4).
inline bool read_frame_type(Reader& r, std::uint64_t& type) {
    const std::uint8_t* start = r.position();
    if (!r.varint(type)) return false;
    return static_cast<std::size_t>(r.position() - start) == varint_size(type);
}

// Decodes one STREAM frame from `r`. Without the LEN bit the data is the rest of `r`.
// Fails (FRAME_ENCODING_ERROR in a real stack) on truncation, a non-STREAM type or an end
// offset beyond 2^62 - 1.
inline bool decode_stream(Reader& r, StreamFrame& f) {
    std::uint64_t type = 0;
    if (!read_frame_type(r, type) || (type & ~std::uint64_t{0x07}) != stream_type_base) return false;
    if (!r.varint(f.stream_id)) return false;
    f.offset = 0;
    if ((type & stream_bit_off) && !r.varint(f.offset)) return false;
    std::uint64_t len = 0;
    f.has_length = (type & stream_bit_len) != 0;
    if (f.has_length) {
        if (!r.varint(len)) return false;
    } else {
        len = r.remaining();
    }
    if (len > r.remaining() || f.offset > varint_max - len) return false;
    f.fin = (type & stream_bit_fin) != 0;
    return r.bytes(static_cast<std::size_t>(len), f.data);
}

// ---------------------------------------------------------------- ACK (0x02, 0x03 with ECN)
inline constexpr std::uint64_t ack_type = 0x02;
inline constexpr std::uint64_t ack_ecn_type = 0x03;

// Packet numbers smallest ..= largest, all acknowledged.
struct PnRange {
    std::uint64_t smallest = 0;
    std::uint64_t largest = 0;
    bool operator==(const PnRange& o) const { return smallest == o.smallest && largest == o.largest; }
};

struct EcnCounts {
    std::uint64_t ect0 = 0, ect1 = 0, ce = 0;
    bool operator==(const EcnCounts& o) const { return ect0 == o.ect0 && ect1 == o.ect1 && ce == o.ce; }
};

// One Gap / ACK Range Length pair as on the wire.
struct AckRangeField {
    std::uint64_t gap = 0;
    std::uint64_t length = 0;
};

// An ACK frame in wire form.
struct AckFrame {
    std::uint64_t largest = 0;
    std::uint64_t delay = 0;  // raw; scaled by the peer's ack_delay_exponent elsewhere
    std::uint64_t first_range = 0;
    std::vector<AckRangeField> ranges;  // reused across decodes: clear() keeps its capacity
    bool has_ecn = false;
    EcnCounts ecn;
};

// Appends an ACK frame for `ranges` (n >= 1, in descending order, separated by at least one
// unacknowledged packet). `ecn` non-null selects type 0x03. Fails on malformed ranges, values
// beyond varint_max or a full buffer.
inline bool encode_ack(const PnRange* ranges, std::size_t n, std::uint64_t delay, const EcnCounts* ecn, Writer& w) {
    if (n == 0 || ranges[0].smallest > ranges[0].largest || ranges[0].largest > varint_max) return false;
    w.varint(ecn ? ack_ecn_type : ack_type);
    w.varint(ranges[0].largest);
    w.varint(delay);
    w.varint(n - 1);
    w.varint(ranges[0].largest - ranges[0].smallest);
    for (std::size_t i = 1; i < n; ++i) {
        const PnRange& prev = ranges[i - 1];
        const PnRange& r = ranges[i];
        // Gap = packets between the ranges minus one: prev.smallest - r.largest - 2 >= 0.
        if (r.smallest > r.largest || prev.smallest < 2 || r.largest > prev.smallest - 2) return false;
        w.varint(prev.smallest - r.largest - 2);
        w.varint(r.largest - r.smallest);
    }
    if (ecn) {
        w.varint(ecn->ect0);
        w.varint(ecn->ect1);
        w.varint(ecn->ce);
    }
    return w.ok();
}

// Decodes one ACK frame into `f` and checks that no range reaches below packet number 0.
inline bool decode_ack(Reader& r, AckFrame& f) {
    std::uint64_t type = 0, count = 0;
    if (!read_frame_type(r, type) || (type != ack_type && type != ack_ecn_type)) return false;
    if (!r.varint(f.largest) || !r.varint(f.delay) || !r.varint(count) || !r.varint(f.first_range)) return false;
    if (f.first_range > f.largest) return false;
    // Every range takes at least two bytes: a larger count is malformed or truncated, and
    // must not make us reserve memory for it.
    if (count > r.remaining() / 2) return false;
    f.ranges.clear();
    std::uint64_t smallest = f.largest - f.first_range;
    for (std::uint64_t i = 0; i < count; ++i) {
        AckRangeField a;
        if (!r.varint(a.gap) || !r.varint(a.length)) return false;
        if (smallest < a.gap + 2) return false;
        const std::uint64_t largest = smallest - a.gap - 2;
        if (a.length > largest) return false;
        smallest = largest - a.length;
        f.ranges.push_back(a);
    }
    f.has_ecn = type == ack_ecn_type;
    f.ecn = {};
    if (f.has_ecn && (!r.varint(f.ecn.ect0) || !r.varint(f.ecn.ect1) || !r.varint(f.ecn.ce))) return false;
    return true;
}

// The acknowledged packet-number ranges of a decoded (hence validated) frame, descending.
inline void ack_ranges(const AckFrame& f, std::vector<PnRange>& out) {
    out.clear();
    std::uint64_t smallest = f.largest - f.first_range;
    out.push_back({smallest, f.largest});
    for (const AckRangeField& a : f.ranges) {
        const std::uint64_t largest = smallest - a.gap - 2;
        smallest = largest - a.length;
        out.push_back({smallest, largest});
    }
}

}  // namespace quic
