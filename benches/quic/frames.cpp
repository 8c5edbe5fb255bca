// QUIC frame codec: variable-length integers, STREAM and ACK frames (varint.hpp, frames.hpp).
//
//   ./quic_frames --save-baseline frames.json
//   ./quic_frames --baseline frames.json
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "frames.hpp"
#include "rng.hpp"
#include "varint.hpp"

namespace {

constexpr std::size_t varint_batch = 512;

// A value whose shortest encoding takes `width` bytes (1, 2, 4 or 8).
std::uint64_t varint_of_width(std::size_t width, quic::Rng& rng) {
    const std::uint64_t r = rng.next();
    switch (width) {
        case 1: return r % 64;
        case 2: return 64 + r % (16384 - 64);
        case 4: return 16384 + r % ((std::uint64_t{1} << 30) - 16384);
        default: return (std::uint64_t{1} << 30) + r % (quic::varint_max - (std::uint64_t{1} << 30) + 1);
    }
}

// `varint_batch` values all of one width, or (width 0) of widths drawn uniformly from 1/2/4/8.
std::vector<std::uint64_t> make_varints(std::size_t width, std::uint64_t seed) {
    quic::Rng rng(seed);
    std::vector<std::uint64_t> v(varint_batch);
    for (auto& x : v) x = varint_of_width(width ? width : std::size_t{1} << rng.below(4), rng);
    return v;
}

std::size_t encoded_size(const std::vector<std::uint64_t>& values) {
    std::size_t n = 0;
    for (auto v : values) n += quic::varint_size(v);
    return n;
}

std::vector<std::uint8_t> encode_all(const std::vector<std::uint64_t>& values) {
    std::vector<std::uint8_t> buf(values.size() * 8);
    quic::Writer w(buf.data(), buf.size());
    for (auto v : values) w.varint(v);
    buf.resize(w.size());
    return buf;
}

void varint_encode_body(benchgate::Bench& bench, std::size_t width) {
    const auto values = make_varints(width, 11 + width);
    std::vector<std::uint8_t> buf(values.size() * 8);
    bench.throughput_bytes(static_cast<double>(encoded_size(values)));
    bench.run([&] {
        quic::Writer w(buf.data(), buf.size());
        for (auto v : values) w.varint(v);
        return w.size();
    });
}

void varint_decode_body(benchgate::Bench& bench, std::size_t width) {
    const auto values = make_varints(width, 11 + width);
    const auto buf = encode_all(values);
    bench.throughput_bytes(static_cast<double>(buf.size()));
    bench.run([&] {
        quic::Reader r(buf.data(), buf.size());
        std::uint64_t sum = 0, v = 0;
        while (r.varint(v)) sum += v;
        return sum;
    });
}

// A STREAM frame as a sender builds it mid-stream: client bidirectional stream 4 * 37, a
// 4-byte offset, explicit length.
quic::StreamFrame make_stream_frame(const std::vector<std::uint8_t>& payload) {
    quic::StreamFrame f;
    f.stream_id = 4 * 37;
    f.offset = 1'000'000;
    f.has_length = true;
    f.data = {payload.data(), payload.size()};
    return f;
}

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint64_t seed) {
    std::vector<std::uint8_t> v(n);
    quic::Rng(seed).fill(v.data(), n);
    return v;
}

// `n` acknowledged ranges below packet number 1,000,000: ranges of 1-16 packets separated by
// gaps of 1-8 lost packets (typical of a lossy path; 1 range is the loss-free case).
std::vector<quic::PnRange> make_ack_ranges(std::size_t n, std::uint64_t seed) {
    quic::Rng rng(seed);
    std::vector<quic::PnRange> ranges;
    std::uint64_t largest = 1'000'000;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t len = 1 + rng.below(16);
        ranges.push_back({largest - len + 1, largest});
        largest = largest - len - 1 - rng.below(8);  // at least one missing packet
    }
    return ranges;
}

}  // namespace

// ---------------------------------------------------------------- varints
BENCHGATE_BENCH_P("frames/varint_encode", benchgate::Params().axis("bytes", {1, 2, 4, 8})) {
    varint_encode_body(bench, static_cast<std::size_t>(bench.param("bytes")));
}

BENCHGATE_BENCH_P("frames/varint_decode", benchgate::Params().axis("bytes", {1, 2, 4, 8})) {
    varint_decode_body(bench, static_cast<std::size_t>(bench.param("bytes")));
}

// Widths mixed at random: the length prefix is no longer predictable.
BENCHGATE_BENCH("frames/varint_encode_mixed") { varint_encode_body(bench, 0); }
BENCHGATE_BENCH("frames/varint_decode_mixed") { varint_decode_body(bench, 0); }

// ---------------------------------------------------------------- STREAM
BENCHGATE_BENCH_P("frames/stream_encode", benchgate::Params().axis("payload", {16, 256, 1024, 4096})) {
    const auto payload = random_bytes(static_cast<std::size_t>(bench.param("payload")), 3);
    const quic::StreamFrame frame = make_stream_frame(payload);
    std::vector<std::uint8_t> buf(quic::stream_frame_size(frame));
    bench.throughput_bytes(static_cast<double>(buf.size()));
    bench.run([&] {
        quic::Writer w(buf.data(), buf.size());
        quic::encode_stream(frame, w);
        return w.size();
    });
}

// Zero-copy decode: the header is parsed and the data is a view into the packet, so the time
// barely depends on the payload size (the rate grows with it).
BENCHGATE_BENCH_P("frames/stream_decode", benchgate::Params().axis("payload", {16, 256, 1024, 4096})) {
    const auto payload = random_bytes(static_cast<std::size_t>(bench.param("payload")), 3);
    const quic::StreamFrame frame = make_stream_frame(payload);
    std::vector<std::uint8_t> buf(quic::stream_frame_size(frame));
    quic::Writer w(buf.data(), buf.size());
    if (!quic::encode_stream(frame, w)) throw std::runtime_error("stream frame does not encode");
    bench.throughput_bytes(static_cast<double>(buf.size()));
    bench.run([&] {
        quic::Reader r(buf.data(), buf.size());
        quic::StreamFrame f;
        const bool ok = quic::decode_stream(r, f);
        return ok ? f.stream_id ^ f.offset ^ f.data.size : 0;
    });
}

// ---------------------------------------------------------------- ACK
BENCHGATE_BENCH_P("frames/ack_encode", benchgate::Params().axis("ranges", {1, 8, 64, 256})) {
    const auto ranges = make_ack_ranges(static_cast<std::size_t>(bench.param("ranges")), 5);
    std::vector<std::uint8_t> buf(16 + 16 * ranges.size());
    quic::Writer sizing(buf.data(), buf.size());
    if (!quic::encode_ack(ranges.data(), ranges.size(), 1234, nullptr, sizing))
        throw std::runtime_error("ack frame does not encode");
    bench.throughput_bytes(static_cast<double>(sizing.size()));
    bench.run([&] {
        quic::Writer w(buf.data(), buf.size());
        quic::encode_ack(ranges.data(), ranges.size(), 1234, nullptr, w);
        return w.size();
    });
}

// Decode with validation into a reused frame (its range vector keeps its capacity).
BENCHGATE_BENCH_P("frames/ack_decode", benchgate::Params().axis("ranges", {1, 8, 64, 256})) {
    const auto ranges = make_ack_ranges(static_cast<std::size_t>(bench.param("ranges")), 5);
    std::vector<std::uint8_t> buf(16 + 16 * ranges.size());
    quic::Writer w(buf.data(), buf.size());
    if (!quic::encode_ack(ranges.data(), ranges.size(), 1234, nullptr, w))
        throw std::runtime_error("ack frame does not encode");
    buf.resize(w.size());
    bench.throughput_bytes(static_cast<double>(buf.size()));
    quic::AckFrame frame;
    bench.run([&] {
        quic::Reader r(buf.data(), buf.size());
        const bool ok = quic::decode_ack(r, frame);
        return ok ? frame.largest + frame.ranges.size() : 0;
    });
}
