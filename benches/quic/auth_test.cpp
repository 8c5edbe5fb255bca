// Correctness checks for the code the QUIC suites measure. A plain program (no benchgate):
// exit 0 when every check passes, 1 otherwise, each failure printed with its line.
//
//   auth_test                  run every check
//   auth_test --siphash-dump   print "key msg hash" lines for siphash_crosscheck.py
//
// SipHash-2-4 is checked against all 64 vectors of the reference implementation
// (github.com/veorq/SipHash, vectors.h, vectors_sip64: key 00..0f, message 00..len-1), which
// siphash_crosscheck.py re-derives with an independent Python implementation. Address parsing
// and formatting are checked differentially against the C library's inet_pton / inet_ntop.
#include <arpa/inet.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cid_table.hpp"
#include "frames.hpp"
#include "nat.hpp"
#include "rng.hpp"
#include "siphash.hpp"
#include "sockaddr.hpp"
#include "token.hpp"
#include "varint.hpp"

namespace {

int failures = 0;
int checks = 0;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        ++checks;                                                                       \
        if (!(cond)) {                                                                  \
            ++failures;                                                                 \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                               \
    } while (0)

#define CHECK_MSG(cond, ...)                                                            \
    do {                                                                                \
        ++checks;                                                                       \
        if (!(cond)) {                                                                  \
            ++failures;                                                                 \
            std::fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            std::fprintf(stderr, __VA_ARGS__);                                          \
            std::fputc('\n', stderr);                                                   \
        }                                                                               \
    } while (0)

// ---------------------------------------------------------------- SipHash-2-4
// vectors_sip64 of the reference implementation's vectors.h: SipHash-2-4 with key
// 00 01 .. 0f of the message 00 01 .. (len - 1), for len = 0 .. 63, as little-endian bytes.
const unsigned char vectors_sip64[64][8] = {
    {0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72}, {0xfd, 0x67, 0xdc, 0x93, 0xc5, 0x39, 0xf8, 0x74},
    {0x5a, 0x4f, 0xa9, 0xd9, 0x09, 0x80, 0x6c, 0x0d}, {0x2d, 0x7e, 0xfb, 0xd7, 0x96, 0x66, 0x67, 0x85},
    {0xb7, 0x87, 0x71, 0x27, 0xe0, 0x94, 0x27, 0xcf}, {0x8d, 0xa6, 0x99, 0xcd, 0x64, 0x55, 0x76, 0x18},
    {0xce, 0xe3, 0xfe, 0x58, 0x6e, 0x46, 0xc9, 0xcb}, {0x37, 0xd1, 0x01, 0x8b, 0xf5, 0x00, 0x02, 0xab},
    {0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93}, {0xb0, 0xe4, 0xa9, 0x0b, 0xdf, 0x82, 0x00, 0x9e},
    {0xf3, 0xb9, 0xdd, 0x94, 0xc5, 0xbb, 0x5d, 0x7a}, {0xa7, 0xad, 0x6b, 0x22, 0x46, 0x2f, 0xb3, 0xf4},
    {0xfb, 0xe5, 0x0e, 0x86, 0xbc, 0x8f, 0x1e, 0x75}, {0x90, 0x3d, 0x84, 0xc0, 0x27, 0x56, 0xea, 0x14},
    {0xee, 0xf2, 0x7a, 0x8e, 0x90, 0xca, 0x23, 0xf7}, {0xe5, 0x45, 0xbe, 0x49, 0x61, 0xca, 0x29, 0xa1},
    {0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f}, {0x94, 0x47, 0xbe, 0x2c, 0xf5, 0xe9, 0x9a, 0x69},
    {0x9c, 0xd3, 0x8d, 0x96, 0xf0, 0xb3, 0xc1, 0x4b}, {0xbd, 0x61, 0x79, 0xa7, 0x1d, 0xc9, 0x6d, 0xbb},
    {0x98, 0xee, 0xa2, 0x1a, 0xf2, 0x5c, 0xd6, 0xbe}, {0xc7, 0x67, 0x3b, 0x2e, 0xb0, 0xcb, 0xf2, 0xd0},
    {0x88, 0x3e, 0xa3, 0xe3, 0x95, 0x67, 0x53, 0x93}, {0xc8, 0xce, 0x5c, 0xcd, 0x8c, 0x03, 0x0c, 0xa8},
    {0x94, 0xaf, 0x49, 0xf6, 0xc6, 0x50, 0xad, 0xb8}, {0xea, 0xb8, 0x85, 0x8a, 0xde, 0x92, 0xe1, 0xbc},
    {0xf3, 0x15, 0xbb, 0x5b, 0xb8, 0x35, 0xd8, 0x17}, {0xad, 0xcf, 0x6b, 0x07, 0x63, 0x61, 0x2e, 0x2f},
    {0xa5, 0xc9, 0x1d, 0xa7, 0xac, 0xaa, 0x4d, 0xde}, {0x71, 0x65, 0x95, 0x87, 0x66, 0x50, 0xa2, 0xa6},
    {0x28, 0xef, 0x49, 0x5c, 0x53, 0xa3, 0x87, 0xad}, {0x42, 0xc3, 0x41, 0xd8, 0xfa, 0x92, 0xd8, 0x32},
    {0xce, 0x7c, 0xf2, 0x72, 0x2f, 0x51, 0x27, 0x71}, {0xe3, 0x78, 0x59, 0xf9, 0x46, 0x23, 0xf3, 0xa7},
    {0x38, 0x12, 0x05, 0xbb, 0x1a, 0xb0, 0xe0, 0x12}, {0xae, 0x97, 0xa1, 0x0f, 0xd4, 0x34, 0xe0, 0x15},
    {0xb4, 0xa3, 0x15, 0x08, 0xbe, 0xff, 0x4d, 0x31}, {0x81, 0x39, 0x62, 0x29, 0xf0, 0x90, 0x79, 0x02},
    {0x4d, 0x0c, 0xf4, 0x9e, 0xe5, 0xd4, 0xdc, 0xca}, {0x5c, 0x73, 0x33, 0x6a, 0x76, 0xd8, 0xbf, 0x9a},
    {0xd0, 0xa7, 0x04, 0x53, 0x6b, 0xa9, 0x3e, 0x0e}, {0x92, 0x59, 0x58, 0xfc, 0xd6, 0x42, 0x0c, 0xad},
    {0xa9, 0x15, 0xc2, 0x9b, 0xc8, 0x06, 0x73, 0x18}, {0x95, 0x2b, 0x79, 0xf3, 0xbc, 0x0a, 0xa6, 0xd4},
    {0xf2, 0x1d, 0xf2, 0xe4, 0x1d, 0x45, 0x35, 0xf9}, {0x87, 0x57, 0x75, 0x19, 0x04, 0x8f, 0x53, 0xa9},
    {0x10, 0xa5, 0x6c, 0xf5, 0xdf, 0xcd, 0x9a, 0xdb}, {0xeb, 0x75, 0x09, 0x5c, 0xcd, 0x98, 0x6c, 0xd0},
    {0x51, 0xa9, 0xcb, 0x9e, 0xcb, 0xa3, 0x12, 0xe6}, {0x96, 0xaf, 0xad, 0xfc, 0x2c, 0xe6, 0x66, 0xc7},
    {0x72, 0xfe, 0x52, 0x97, 0x5a, 0x43, 0x64, 0xee}, {0x5a, 0x16, 0x45, 0xb2, 0x76, 0xd5, 0x92, 0xa1},
    {0xb2, 0x74, 0xcb, 0x8e, 0xbf, 0x87, 0x87, 0x0a}, {0x6f, 0x9b, 0xb4, 0x20, 0x3d, 0xe7, 0xb3, 0x81},
    {0xea, 0xec, 0xb2, 0xa3, 0x0b, 0x22, 0xa8, 0x7f}, {0x99, 0x24, 0xa4, 0x3c, 0xc1, 0x31, 0x57, 0x24},
    {0xbd, 0x83, 0x8d, 0x3a, 0xaf, 0xbf, 0x8d, 0xb7}, {0x0b, 0x1a, 0x2a, 0x32, 0x65, 0xd5, 0x1a, 0xea},
    {0x13, 0x50, 0x79, 0xa3, 0x23, 0x1c, 0xe6, 0x60}, {0x93, 0x2b, 0x28, 0x46, 0xe4, 0xd7, 0x06, 0x66},
    {0xe1, 0x91, 0x5f, 0x5c, 0xb1, 0xec, 0xa4, 0x6c}, {0xf3, 0x25, 0x96, 0x5c, 0xa1, 0x6d, 0x62, 0x9f},
    {0x57, 0x5f, 0xf2, 0x8e, 0x60, 0x38, 0x1b, 0xe5}, {0x72, 0x45, 0x06, 0xeb, 0x4c, 0x32, 0x8a, 0x95},
};

quic::SipKey reference_key() {
    std::uint8_t k[16];
    for (int i = 0; i < 16; ++i) k[i] = static_cast<std::uint8_t>(i);
    return quic::SipKey::from_bytes(k);
}

void test_siphash() {
    const quic::SipKey key = reference_key();
    std::uint8_t msg[64];
    for (int i = 0; i < 64; ++i) msg[i] = static_cast<std::uint8_t>(i);
    for (std::size_t len = 0; len < 64; ++len) {
        const std::uint64_t want = quic::load_le64(vectors_sip64[len]);
        const std::uint64_t got = quic::siphash24(key, msg, len);
        CHECK_MSG(got == want, "len %zu: got %016llx, want %016llx", len, static_cast<unsigned long long>(got),
                  static_cast<unsigned long long>(want));
        // Incremental hashing agrees with one-shot for every way of splitting the message in three.
        bool splits_agree = true;
        for (std::size_t a = 0; a <= len; ++a)
            for (std::size_t b = a; b <= len; ++b) {
                quic::SipHasher24 h(key);
                h.update(msg, a).update(msg + a, b - a).update(msg + b, len - b);
                splits_agree = splits_agree && h.finish() == got;
            }
        CHECK_MSG(splits_agree, "len %zu: incremental hashing differs from one-shot", len);
    }
    // The same vectors as 64-bit values, as the SipHash paper and most ports quote them.
    CHECK(quic::siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
    CHECK(quic::siphash24(key, msg, 8) == 0x93f5f5799a932462ULL);
    CHECK(quic::siphash24(key, msg, 15) == 0xa129ca6149be45e5ULL);
    CHECK(quic::siphash24(key, msg, 63) == 0x958a324ceb064572ULL);
    // The key matters.
    std::uint8_t other[16] = {1};
    CHECK(quic::siphash24(quic::SipKey::from_bytes(other), msg, 15) != 0xa129ca6149be45e5ULL);
}

// Lines "key msg hash" (hex) for random keys and messages of every length 0..130.
void siphash_dump() {
    quic::Rng rng(2024);
    std::uint8_t key[16], msg[131];
    for (std::size_t len = 0; len <= 130; ++len)
        for (int rep = 0; rep < 3; ++rep) {
            rng.fill(key, 16);
            rng.fill(msg, len);
            for (std::uint8_t b : key) std::printf("%02x", b);
            std::printf(" ");
            for (std::size_t i = 0; i < len; ++i) std::printf("%02x", msg[i]);
            std::printf("%s %016llx\n", len ? "" : "-",
                        static_cast<unsigned long long>(quic::siphash24(quic::SipKey::from_bytes(key), msg, len)));
        }
}

// ---------------------------------------------------------------- tokens
void test_tokens() {
    std::uint8_t k[16];
    quic::Rng(5).fill(k, 16);
    const std::uint64_t lifetime = 3'600'000'000ull, skew = 1'000'000;
    quic::TokenAuthority auth(quic::SipKey::from_bytes(k), lifetime, 99, skew);
    const quic::SocketAddr v4 = quic::SocketAddr::ipv4(198, 51, 100, 7, 4433);
    const quic::SocketAddr v6 = quic::SocketAddr::ipv6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 7}, 4433);
    const std::uint64_t t0 = 1'700'000'000'000'000ull;
    using V = quic::TokenVerdict;

    for (std::size_t len : {quic::TokenAuthority::min_len, std::size_t{32}, std::size_t{64}, std::size_t{256}}) {
        for (const quic::SocketAddr& client : {v4, v6}) {
            std::vector<std::uint8_t> t(len);
            CHECK(auth.issue(client, t0, t.data(), len) == len);
            CHECK(auth.verify(client, t0, t.data(), len) == V::ok);
            CHECK(auth.verify(client, t0 + lifetime, t.data(), len) == V::ok);
            CHECK(auth.verify(client, t0 + lifetime + 1, t.data(), len) == V::expired);
            CHECK(auth.verify(client, t0 - skew, t.data(), len) == V::ok);
            CHECK(auth.verify(client, t0 - skew - 1, t.data(), len) == V::not_yet_valid);
            // Any flipped bit is caught.
            for (std::size_t i = 0; i < len; ++i) {
                t[i] ^= 0x10;
                const V v = auth.verify(client, t0, t.data(), len);
                CHECK_MSG(v == (i == 0 ? V::malformed : V::bad_mac), "len %zu byte %zu: %s", len, i, quic::to_string(v));
                t[i] ^= 0x10;
            }
            // Bound to the address: another port, another IP, the other family.
            quic::SocketAddr moved = client;
            moved.port = static_cast<std::uint16_t>(moved.port + 1);
            CHECK(auth.verify(moved, t0, t.data(), len) == V::bad_mac);
            moved = client;
            moved.ip[3] ^= 1;
            CHECK(auth.verify(moved, t0, t.data(), len) == V::bad_mac);
            moved = client;
            moved.family = client.family == quic::SocketAddr::v4 ? quic::SocketAddr::v6 : quic::SocketAddr::v4;
            CHECK(auth.verify(moved, t0, t.data(), len) == V::bad_mac);
            // Truncated or extended tokens fail.
            CHECK(auth.verify(client, t0, t.data(), len - 1) != V::ok);
            t.push_back(0);
            CHECK(auth.verify(client, t0, t.data(), len + 1) != V::ok);
        }
    }
    // Two tokens for the same client differ (fresh nonce).
    std::uint8_t a[32], b[32];
    auth.issue(v4, t0, a, 32);
    auth.issue(v4, t0, b, 32);
    CHECK(std::memcmp(a, b, 32) != 0);
    // Another server key rejects the token.
    std::uint8_t k2[16] = {};
    quic::TokenAuthority stranger(quic::SipKey::from_bytes(k2), lifetime, 1);
    CHECK(stranger.verify(v4, t0, a, 32) == V::bad_mac);
    // Sizes outside the format.
    std::uint8_t big[2048];
    CHECK(auth.issue(v4, t0, big, quic::TokenAuthority::min_len - 1) == 0);
    CHECK(auth.issue(v4, t0, big, quic::TokenAuthority::max_len + 1) == 0);
    CHECK(auth.verify(v4, t0, big, 0) == V::malformed);
    CHECK(auth.verify(v4, t0, big, 10) == V::malformed);
}

// ---------------------------------------------------------------- varints
std::vector<std::uint8_t> varint_bytes(std::uint64_t v) {
    std::uint8_t buf[8];
    const std::size_t n = quic::varint_encode(v, buf, sizeof buf);
    return std::vector<std::uint8_t>(buf, buf + n);
}

void test_varints() {
    struct Case {
        std::uint64_t v;
        std::size_t size;
    };
    const Case bounds[] = {{0, 1},
                           {63, 1},
                           {64, 2},
                           {16383, 2},
                           {16384, 4},
                           {(1ull << 30) - 1, 4},
                           {1ull << 30, 8},
                           {quic::varint_max, 8}};
    for (const Case& c : bounds) {
        CHECK(quic::varint_size(c.v) == c.size);
        const auto bytes = varint_bytes(c.v);
        CHECK(bytes.size() == c.size);
        std::uint64_t back = 0;
        CHECK(quic::varint_decode(bytes.data(), bytes.size(), back) == c.size && back == c.v);
        for (std::size_t cut = 0; cut < bytes.size(); ++cut) CHECK(quic::varint_decode(bytes.data(), cut, back) == 0);
        // Too small a buffer: nothing written.
        std::uint8_t small[8] = {0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee};
        CHECK(quic::varint_encode(c.v, small, c.size - 1) == 0 && small[0] == 0xee);
    }
    std::uint8_t buf[8];
    CHECK(quic::varint_size(quic::varint_max + 1) == 0);
    CHECK(quic::varint_encode(quic::varint_max + 1, buf, 8) == 0);
    CHECK(quic::varint_encode(~0ull, buf, 8) == 0);

    // RFC 9000 Appendix A.1 sample encodings.
    const std::vector<std::uint8_t> a8 = {0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c};
    const std::vector<std::uint8_t> a4 = {0x9d, 0x7f, 0x3e, 0x7d};
    const std::vector<std::uint8_t> a2 = {0x7b, 0xbd};
    const std::vector<std::uint8_t> a1 = {0x25};
    const std::vector<std::uint8_t> a2_long = {0x40, 0x25};  // 37 in two bytes: accepted
    std::uint64_t v = 0;
    CHECK(quic::varint_decode(a8.data(), 8, v) == 8 && v == 151288809941952652ull);
    CHECK(quic::varint_decode(a4.data(), 4, v) == 4 && v == 494878333ull);
    CHECK(quic::varint_decode(a2.data(), 2, v) == 2 && v == 15293ull);
    CHECK(quic::varint_decode(a1.data(), 1, v) == 1 && v == 37ull);
    CHECK(quic::varint_decode(a2_long.data(), 2, v) == 2 && v == 37ull);
    CHECK(varint_bytes(151288809941952652ull) == a8);
    CHECK(varint_bytes(494878333ull) == a4);
    CHECK(varint_bytes(15293ull) == a2);
    CHECK(varint_bytes(37ull) == a1);

    // Random values of every width through a Writer and a Reader.
    quic::Rng rng(1);
    std::vector<std::uint64_t> values;
    for (int i = 0; i < 20000; ++i) values.push_back(rng.next() >> (2 + rng.below(62)));
    std::vector<std::uint8_t> stream(values.size() * 8);
    quic::Writer w(stream.data(), stream.size());
    for (auto x : values) w.varint(x);
    CHECK(w.ok());
    quic::Reader r(stream.data(), w.size());
    bool all = true;
    for (auto x : values) all = all && r.varint(v) && v == x;
    CHECK(all && r.empty());
    // A Writer that runs out of room stops for good.
    quic::Writer tiny(buf, 3);
    CHECK(tiny.varint(1) && tiny.varint(64) && !tiny.varint(1) && !tiny.ok() && tiny.size() == 3);
}

// ---------------------------------------------------------------- STREAM frames
bool decode_stream_all(const std::uint8_t* p, std::size_t n, quic::StreamFrame& f) {
    quic::Reader r(p, n);
    return quic::decode_stream(r, f) && r.empty();
}

void test_stream_frames() {
    // Hand-encoded: type 0x0e (OFF | LEN), stream 4, offset 100 (2 bytes), length 3, "abc".
    const std::uint8_t abc[] = {'a', 'b', 'c'};
    quic::StreamFrame f;
    f.stream_id = 4;
    f.offset = 100;
    f.data = {abc, 3};
    std::uint8_t buf[64];
    quic::Writer w(buf, sizeof buf);
    CHECK(quic::encode_stream(f, w));
    const std::vector<std::uint8_t> want = {0x0e, 0x04, 0x40, 0x64, 0x03, 'a', 'b', 'c'};
    CHECK(std::vector<std::uint8_t>(buf, buf + w.size()) == want);
    // FIN, no offset, no length: type 0x09, data to the end.
    f.offset = 0;
    f.fin = true;
    f.has_length = false;
    quic::Writer w2(buf, sizeof buf);
    CHECK(quic::encode_stream(f, w2));
    const std::vector<std::uint8_t> want2 = {0x09, 0x04, 'a', 'b', 'c'};
    CHECK(std::vector<std::uint8_t>(buf, buf + w2.size()) == want2);

    // Random frames round-trip; every strict prefix of a LEN frame is rejected.
    quic::Rng rng(7);
    std::vector<std::uint8_t> payload(5000);
    rng.fill(payload.data(), payload.size());
    std::vector<std::uint8_t> out(6000);
    for (int i = 0; i < 3000; ++i) {
        quic::StreamFrame s;
        s.stream_id = rng.next() >> (2 + rng.below(62));
        s.offset = rng.below(4) == 0 ? 0 : rng.next() >> (3 + rng.below(61));
        s.fin = rng.below(2);
        s.has_length = rng.below(4) != 0;
        const std::size_t len = rng.below(3) == 0 ? rng.below(5000) : rng.below(40);
        s.data = {payload.data() + rng.below(static_cast<std::uint32_t>(payload.size() - len + 1)), len};
        quic::Writer sw(out.data(), out.size());
        CHECK(quic::encode_stream(s, sw));
        CHECK(sw.size() == quic::stream_frame_size(s));
        quic::StreamFrame d;
        CHECK(decode_stream_all(out.data(), sw.size(), d) && d == s);
        const std::size_t header = sw.size() - len;
        bool rejected = true;
        for (std::size_t cut = 0; cut < sw.size(); ++cut) {
            quic::Reader r(out.data(), cut);
            const bool ok = quic::decode_stream(r, d);
            if (s.has_length || cut < header) {
                rejected = rejected && !ok;
            } else {
                // Without a Length field the data simply runs to the end of what is there.
                rejected = rejected && ok && d.data.size == cut - header;
            }
        }
        CHECK_MSG(rejected, "frame %d (len %zu, has_length %d)", i, len, s.has_length);
        // Too small an output buffer fails.
        quic::Writer short_w(out.data(), sw.size() - 1);
        CHECK(!quic::encode_stream(s, short_w));
    }
    // Offset + length beyond 2^62 - 1 is refused both ways.
    quic::StreamFrame edge;
    edge.stream_id = 0;
    edge.offset = quic::varint_max - 2;
    edge.data = {abc, 3};
    quic::Writer we(buf, sizeof buf);
    CHECK(!quic::encode_stream(edge, we));
    const std::uint8_t over[] = {0x0e, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x03, 'a', 'b', 'c'};
    quic::StreamFrame d;
    CHECK(!decode_stream_all(over, sizeof over, d));
    const std::uint8_t fits[] = {0x0e, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc, 0x03, 'a', 'b', 'c'};
    CHECK(decode_stream_all(fits, sizeof fits, d) && d.offset == quic::varint_max - 3);
    // Not a STREAM type; a frame type in a longer encoding than needed; a length past the end.
    const std::uint8_t t07[] = {0x07, 0x00, 0x00};
    const std::uint8_t t10[] = {0x10, 0x00, 0x00};
    const std::uint8_t long_type[] = {0x40, 0x08, 0x00};
    const std::uint8_t past_end[] = {0x0a, 0x00, 0x05, 'a', 'b'};
    CHECK(!decode_stream_all(t07, sizeof t07, d));
    CHECK(!decode_stream_all(t10, sizeof t10, d));
    CHECK(!decode_stream_all(long_type, sizeof long_type, d));
    CHECK(!decode_stream_all(past_end, sizeof past_end, d));
}

// ---------------------------------------------------------------- ACK frames
bool ack_roundtrip(const std::vector<quic::PnRange>& ranges, std::uint64_t delay, const quic::EcnCounts* ecn,
                   std::vector<std::uint8_t>* encoded = nullptr) {
    std::vector<std::uint8_t> buf(32 + 16 * ranges.size());
    quic::Writer w(buf.data(), buf.size());
    if (!quic::encode_ack(ranges.data(), ranges.size(), delay, ecn, w)) return false;
    buf.resize(w.size());
    quic::Reader r(buf.data(), buf.size());
    quic::AckFrame f;
    if (!quic::decode_ack(r, f) || !r.empty()) return false;
    std::vector<quic::PnRange> back;
    quic::ack_ranges(f, back);
    if (back != ranges || f.delay != delay || f.has_ecn != (ecn != nullptr)) return false;
    if (ecn && !(f.ecn == *ecn)) return false;
    // Every strict prefix is rejected.
    for (std::size_t cut = 0; cut < buf.size(); ++cut) {
        quic::Reader rc(buf.data(), cut);
        if (quic::decode_ack(rc, f)) return false;
    }
    if (encoded) *encoded = buf;
    return true;
}

void test_ack_frames() {
    std::vector<std::uint8_t> bytes;
    CHECK(ack_roundtrip({{10, 10}}, 0, nullptr, &bytes));
    CHECK((bytes == std::vector<std::uint8_t>{0x02, 0x0a, 0x00, 0x00, 0x00}));
    // Packets 8-10 and 2-5: first range 2, gap 8 - 5 - 2 = 1, range length 3.
    CHECK(ack_roundtrip({{8, 10}, {2, 5}}, 0, nullptr, &bytes));
    CHECK((bytes == std::vector<std::uint8_t>{0x02, 0x0a, 0x00, 0x01, 0x02, 0x01, 0x03}));
    const quic::EcnCounts ecn{5, 0, 1};
    CHECK(ack_roundtrip({{8, 10}, {2, 5}, {0, 0}}, 25, &ecn, &bytes));
    CHECK(bytes[0] == 0x03);
    CHECK(ack_roundtrip({{0, quic::varint_max}}, quic::varint_max, nullptr));

    // Random range sets.
    quic::Rng rng(3);
    bool all = true;
    for (int i = 0; i < 2000; ++i) {
        std::vector<quic::PnRange> ranges;
        std::uint64_t largest = rng.next() >> (2 + rng.below(40));
        const std::size_t n = 1 + rng.below(i % 10 == 0 ? 300 : 12);
        for (std::size_t k = 0; k < n; ++k) {
            const std::uint64_t len = rng.below(3) ? rng.below(20) : rng.below(100000);
            if (len > largest) break;
            ranges.push_back({largest - len, largest});
            const std::uint64_t skip = 2 + (rng.below(2) ? rng.below(10) : rng.below(1 << 20));
            if (largest - len < skip) break;
            largest = largest - len - skip;
        }
        const quic::EcnCounts e{rng.next() >> 40, rng.next() >> 50, rng.next() >> 60};
        const bool ok = ack_roundtrip(ranges, rng.next() >> 50, rng.below(2) ? &e : nullptr);
        if (!ok) std::fprintf(stderr, "ack round trip %d failed (%zu ranges)\n", i, ranges.size());
        all = all && ok;
    }
    CHECK(all);

    // Malformed ranges are refused by the encoder.
    std::uint8_t buf[64];
    const quic::PnRange adjacent[] = {{6, 10}, {2, 5}};  // no packet between: not separate ranges
    const quic::PnRange overlap[] = {{6, 10}, {2, 7}};
    const quic::PnRange ascending[] = {{2, 5}, {8, 10}};
    const quic::PnRange inverted[] = {{10, 8}};
    for (const quic::PnRange* bad : {adjacent, overlap, ascending}) {
        quic::Writer w(buf, sizeof buf);
        CHECK(!quic::encode_ack(bad, 2, 0, nullptr, w));
    }
    quic::Writer wi(buf, sizeof buf);
    CHECK(!quic::encode_ack(inverted, 1, 0, nullptr, wi));
    quic::Writer w0(buf, sizeof buf);
    CHECK(!quic::encode_ack(inverted, 0, 0, nullptr, w0));

    // Malformed frames are refused by the decoder.
    quic::AckFrame f;
    auto decodes = [&](std::vector<std::uint8_t> b) {
        quic::Reader r(b.data(), b.size());
        return quic::decode_ack(r, f);
    };
    CHECK(decodes({0x02, 0x0a, 0x00, 0x00, 0x0a}));                      // 0..10
    CHECK(!decodes({0x02, 0x0a, 0x00, 0x00, 0x0b}));                     // first range below 0
    CHECK(decodes({0x02, 0x0a, 0x00, 0x01, 0x02, 0x06, 0x00}));          // 8..10, 0..0
    CHECK(!decodes({0x02, 0x0a, 0x00, 0x01, 0x02, 0x07, 0x00}));         // gap below 0
    CHECK(!decodes({0x02, 0x0a, 0x00, 0x01, 0x02, 0x01, 0x06}));         // range below 0
    CHECK(!decodes({0x02, 0x0a, 0x00, 0x80, 0x00, 0x10, 0x00, 0x00}));   // 4096 ranges claimed
    CHECK(!decodes({0x04, 0x0a, 0x00, 0x00, 0x00}));                     // not an ACK
    CHECK(!decodes({0x40, 0x02, 0x0a, 0x00, 0x00, 0x00}));               // type not minimal
}

// ---------------------------------------------------------------- socket addresses
std::string fmt6(const std::uint8_t* ip) {
    char buf[40];
    return std::string(buf, quic::format_ipv6(ip, buf));
}

// What the C library makes of `s` as an IPv6 address: accepted, and the bytes.
bool libc_v6(const std::string& s, std::uint8_t out[16]) { return ::inet_pton(AF_INET6, s.c_str(), out) == 1; }
bool libc_v4(const std::string& s, std::uint8_t out[4]) { return ::inet_pton(AF_INET, s.c_str(), out) == 1; }

void test_socket_addresses() {
    struct Good {
        const char* text;
        const char* canonical;
    };
    const Good good[] = {
        {"1.2.3.4:443", "1.2.3.4:443"},
        {"0.0.0.0:0", "0.0.0.0:0"},
        {"255.255.255.255:65535", "255.255.255.255:65535"},
        {"192.0.2.1:00443", "192.0.2.1:443"},
        {"[::]:1", "[::]:1"},
        {"[::1]:443", "[::1]:443"},
        {"[1::]:443", "[1::]:443"},
        {"[2001:db8::1]:443", "[2001:db8::1]:443"},
        {"[2001:DB8::1]:443", "[2001:db8::1]:443"},
        {"[2001:0db8:0000:0000:0000:0000:0000:0001]:443", "[2001:db8::1]:443"},
        // RFC 5952 §4.2.2: a single zero group is not compressed.
        {"[2001:db8:0:1:1:1:1:1]:1", "[2001:db8:0:1:1:1:1:1]:1"},
        // §4.2.3: the longest run; the first of equal runs.
        {"[2001:0:0:1:0:0:0:1]:1", "[2001:0:0:1::1]:1"},
        {"[2001:db8:0:0:1:0:0:1]:1", "[2001:db8::1:0:0:1]:1"},
        {"[2001:db8::2:1]:1", "[2001:db8::2:1]:1"},
        {"[1:2:3:4:5:6:7::]:1", "[1:2:3:4:5:6:7:0]:1"},
        {"[::2:3:4:5:6:7:8]:1", "[0:2:3:4:5:6:7:8]:1"},
        {"[fe80::1:2:3:4]:1", "[fe80::1:2:3:4]:1"},
        // §5: IPv4-mapped addresses in mixed notation.
        {"[::ffff:192.0.2.1]:80", "[::ffff:192.0.2.1]:80"},
        {"[::FFFF:c000:0201]:80", "[::ffff:192.0.2.1]:80"},
        {"[0:0:0:0:0:ffff:0:0]:80", "[::ffff:0.0.0.0]:80"},
        {"[1:2:3:4:5:6:1.2.3.4]:80", "[1:2:3:4:5:6:102:304]:80"},
        {"[::1.2.3.4]:80", "[::102:304]:80"},
    };
    for (const Good& g : good) {
        quic::SocketAddr a;
        const bool ok = quic::parse_socket_addr(g.text, a);
        CHECK_MSG(ok, "%s", g.text);
        if (ok) CHECK_MSG(quic::to_string(a) == g.canonical, "%s -> %s, want %s", g.text, quic::to_string(a).c_str(), g.canonical);
    }
    const char* bad[] = {
        "", "1.2.3.4", "1.2.3.4:", "1.2.3:4", "1.2.3.4.5:6", "256.0.0.1:1", "01.2.3.4:1", "1.2.3.04:1", "1..3.4:1",
        "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:+1", "1.2.3.4:123456", " 1.2.3.4:1", "1.2.3.4 :1", "1.2.3.4:1 ",
        "a.b.c.d:1", "::1:443", "[::1]", "[::1]:", "[::1]443", "[::1:443", "::1]:443", "[]:1", "[:]:1", "[:::]:1",
        "[1:2:3:4:5:6:7:8:9]:1", "[1:2:3:4:5:6:7]:1", "[1::2::3]:1", "[12345::]:1", "[1:2:3:4:5:6:7:8::]:1",
        "[::1:2:3:4:5:6:7:8]:1", "[:1::]:1", "[1::2:]:1", "[fe80::1%eth0]:1", "[::ffff:1.2.3]:1",
        "[::ffff:1.2.3.4.5]:1", "[::ffff:256.1.1.1]:1", "[1:2:3:4:5:6:7:1.2.3.4]:1", "[::1.2.3.4:5]:1",
        "[g::1]:1", "[1.2.3.4]:1", "1.2.3.4]:1",
    };
    for (const char* b : bad) {
        quic::SocketAddr a;
        CHECK_MSG(!quic::parse_socket_addr(b, a), "accepted \"%s\"", b);
    }

    // Differential: random strings over the address alphabet, our parser against inet_pton.
    quic::Rng rng(11);
    static const char* const pieces[] = {"0",  "1",   "f",   "ff",   "fff", "ffff", "12345", "::", ":", ":",
                                         ".",  "0.",  "1.",  "255.", "256", "01",   "a",     "A",  "db8", "2001",
                                         "1.2.3.4", "0.0.0.0", "ffff:", "::ffff:", "%", " ", "1:2:3:4:5:6:"};
    int mismatches = 0, accepted = 0;
    for (int i = 0; i < 300000; ++i) {
        std::string s;
        const std::uint32_t n = 1 + rng.below(10);
        for (std::uint32_t k = 0; k < n; ++k) s += pieces[rng.below(sizeof pieces / sizeof *pieces)];
        std::uint8_t ours[16] = {}, theirs[16] = {};
        const bool a = quic::parse_ipv6(s, ours), b = libc_v6(s, theirs);
        accepted += a;
        if (a != b || (a && std::memcmp(ours, theirs, 16) != 0)) {
            if (++mismatches <= 10) std::fprintf(stderr, "ipv6 \"%s\": ours %d, inet_pton %d\n", s.c_str(), a, b);
        }
        std::uint8_t o4[4] = {}, t4[4] = {};
        const bool c = quic::parse_ipv4(s, o4), d = libc_v4(s, t4);
        if (c != d || (c && std::memcmp(o4, t4, 4) != 0)) {
            if (++mismatches <= 10) std::fprintf(stderr, "ipv4 \"%s\": ours %d, inet_pton %d\n", s.c_str(), c, d);
        }
    }
    CHECK_MSG(mismatches == 0, "%d disagreements with inet_pton", mismatches);
    CHECK_MSG(accepted > 1000, "only %d random strings were valid IPv6: the generator is too weak", accepted);

    // Formatting against inet_ntop, and parse(format(x)) == x. glibc prints the deprecated
    // IPv4-compatible form (::a.b.c.d, first 96 bits zero) in dotted notation where RFC 5952
    // asks for hex; those addresses are compared with the rule instead.
    int fmt_mismatches = 0;
    for (int i = 0; i < 200000; ++i) {
        quic::SocketAddr a;
        a.family = rng.below(4) ? quic::SocketAddr::v6 : quic::SocketAddr::v4;
        a.port = static_cast<std::uint16_t>(rng.next());
        for (std::size_t g = 0; g < 8; ++g) {  // groups zero with probability 1/2 to make runs
            const auto w = static_cast<std::uint16_t>(rng.below(2) ? 0 : rng.next() >> (rng.below(16) + 48));
            a.ip[2 * g] = static_cast<std::uint8_t>(w >> 8);
            a.ip[2 * g + 1] = static_cast<std::uint8_t>(w);
        }
        if (rng.below(16) == 0) {  // IPv4-mapped
            std::memset(a.ip.data(), 0, 10);
            a.ip[10] = a.ip[11] = 0xff;
        }
        if (a.family == quic::SocketAddr::v4) std::memset(a.ip.data() + 4, 0, 12);
        const std::string text = quic::to_string(a);
        quic::SocketAddr back;
        if (!quic::parse_socket_addr(text, back) || back != a) {
            if (++fmt_mismatches <= 10) std::fprintf(stderr, "round trip of %s failed\n", text.c_str());
            continue;
        }
        if (a.family == quic::SocketAddr::v6) {
            char theirs[INET6_ADDRSTRLEN];
            ::inet_ntop(AF_INET6, a.ip.data(), theirs, sizeof theirs);
            bool compat = a.ip[12] | a.ip[13];
            for (int k = 0; k < 12; ++k) compat = compat && a.ip[static_cast<std::size_t>(k)] == 0;
            if (!compat && fmt6(a.ip.data()) != theirs) {
                if (++fmt_mismatches <= 10) std::fprintf(stderr, "format %s, inet_ntop %s\n", text.c_str(), theirs);
            }
        }
    }
    CHECK_MSG(fmt_mismatches == 0, "%d formatting disagreements", fmt_mismatches);
}

// ---------------------------------------------------------------- connection-ID table
quic::ConnectionId cid_of(std::uint8_t tag, std::size_t len) {
    std::uint8_t b[20];
    for (std::size_t i = 0; i < len; ++i) b[i] = static_cast<std::uint8_t>(tag + i);
    return quic::ConnectionId::from(b, len);
}

void test_cid_table() {
    quic::CidTable t(123);
    CHECK(t.insert(cid_of(1, 8), 0, 0, 100));
    CHECK(t.insert(cid_of(2, 20), 0, 1, 200));
    CHECK(t.insert(cid_of(3, 12), 0, 2, 300));
    CHECK(t.insert(cid_of(4, 8), 1, 0, 150));
    CHECK(!t.insert(cid_of(1, 8), 1, 1, 100));  // routed already
    CHECK(t.insert(cid_of(1, 9), 1, 1, 100));   // same prefix, other length: another ID
    CHECK(t.size() == 5);
    const auto* e = t.find(cid_of(2, 20));
    CHECK(e && e->handle == 0 && e->seq == 1 && e->expires_at == 200);
    CHECK(!t.find(cid_of(2, 19)));
    CHECK(t.retire_prior_to(0, 2) == 2);  // seq 0 and 1 of connection 0
    CHECK(!t.find(cid_of(1, 8)) && !t.find(cid_of(2, 20)) && t.find(cid_of(3, 12)));
    CHECK(!t.insert(cid_of(9, 8), 0, 1, 500));  // a sequence number already retired
    CHECK(t.retire_prior_to(0, 1) == 0);        // retire_prior_to never goes back
    CHECK(t.expire(99) == 0);
    CHECK(t.expire(100) == 1);  // cid_of(1, 9) of connection 1 (cid_of(1, 8) was retired before)
    CHECK(!t.find(cid_of(1, 9)) && t.find(cid_of(4, 8)));
    CHECK(t.expire(1000) == 2);
    CHECK(t.size() == 0 && t.pending_deadlines() == 0);
    CHECK(t.insert(cid_of(5, 8), 7, 0, 50) && t.insert(cid_of(6, 8), 7, 1, 50));
    CHECK(t.remove_connection(7) == 2 && t.size() == 0);
    CHECK(t.expire(50) == 0);

    // Against a reference model under random churn.
    quic::CidTable big(5);
    struct Live {
        quic::ConnectionId cid;
        quic::ConnectionHandle conn;
        std::uint64_t seq, expires;
    };
    std::vector<Live> model;
    std::vector<std::uint64_t> next_seq(16), rpt(16);
    quic::Rng rng(8);
    bool agree = true;
    for (std::uint64_t now = 1; now < 20000; ++now) {
        const auto conn = static_cast<quic::ConnectionHandle>(rng.below(16));
        std::uint8_t b[20];
        const std::size_t len = 8 + rng.below(13);
        rng.fill(b, len);
        b[0] = static_cast<std::uint8_t>(rng.below(4));  // some near-collisions of prefixes
        const quic::ConnectionId cid = quic::ConnectionId::from(b, len);
        const std::uint64_t exp = now + 1 + rng.below(200);
        big.insert(cid, conn, next_seq[conn], exp);
        model.push_back({cid, conn, next_seq[conn]++, exp});
        if (rng.below(8) == 0) {
            const auto c = static_cast<quic::ConnectionHandle>(rng.below(16));
            const std::uint64_t to = next_seq[c] > 2 ? next_seq[c] - rng.below(3) : 0;
            big.retire_prior_to(c, to);
            if (to > rpt[c]) rpt[c] = to;
        }
        big.expire(now);
        std::vector<Live> kept;
        for (const Live& l : model)
            if (l.seq >= rpt[l.conn] && l.expires > now) kept.push_back(l);
        model.swap(kept);
        agree = agree && big.size() == model.size();
        for (const Live& l : model) {
            const auto* f = big.find(l.cid);
            agree = agree && f && f->handle == l.conn && f->seq == l.seq;
        }
    }
    CHECK(agree);
}

// ---------------------------------------------------------------- ICE
void test_ice() {
    // RFC 8445 priorities: a host candidate with the highest local preference is 0x7effffff.
    CHECK(quic::candidate_priority(quic::CandidateType::host, 65535) == 0x7effffffu);
    CHECK(quic::candidate_priority(quic::CandidateType::relayed, 0) == 255u);
    const std::uint32_t g = 0x7effffff, d = 0x64ffffff;  // host, server-reflexive
    CHECK(quic::pair_priority(g, d) == (std::uint64_t{d} << 32) + 2ull * g + 1);
    CHECK(quic::pair_priority(d, g) == (std::uint64_t{d} << 32) + 2ull * g);
    CHECK(quic::pair_priority(7, 7) == (std::uint64_t{7} << 32) + 14);

    for (std::size_t n : {1u, 2u, 4u, 8u, 16u, 32u}) {
        const auto local = quic::make_candidates(0, n), remote = quic::make_candidates(1, n);
        const quic::IceAgent agent(local, remote);
        const auto& pairs = agent.pairs();
        CHECK(pairs.size() <= 100);
        bool sorted = true, no_srflx_local = true, families = true;
        std::vector<int> waiting_per_foundation(pairs.size() + 1);
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            if (i) sorted = sorted && pairs[i - 1].priority >= pairs[i].priority;
            no_srflx_local = no_srflx_local && agent.local(pairs[i].local).type != quic::CandidateType::server_reflexive;
            families = families && agent.local(pairs[i].local).addr.family == agent.remote(pairs[i].remote).addr.family;
            if (pairs[i].state == quic::PairState::waiting) ++waiting_per_foundation[pairs[i].foundation];
        }
        bool one_each = true;
        for (std::size_t i = 0; i < pairs.size(); ++i) one_each = one_each && waiting_per_foundation[pairs[i].foundation] == 1;
        CHECK(sorted && no_srflx_local && families && one_each);

        for (std::uint64_t seed = 0; seed < 20; ++seed) {
            const quic::IceRun lossless = quic::run_ice(local, remote, seed, 0);
            const quic::IceRun lossy = quic::run_ice(local, remote, seed, 10);
            CHECK(lossless.outcome != quic::IceAgent::Outcome::running && lossy.outcome != quic::IceAgent::Outcome::running);
            if (n >= 4) {  // a relayed candidate on each side: a pair always works
                CHECK_MSG(lossless.outcome == quic::IceAgent::Outcome::nominated, "n %zu seed %llu", n,
                          static_cast<unsigned long long>(seed));
                CHECK_MSG(lossy.outcome == quic::IceAgent::Outcome::nominated, "n %zu seed %llu", n,
                          static_cast<unsigned long long>(seed));
            }
            // Same seed, same run.
            const quic::IceRun again = quic::run_ice(local, remote, seed, 10);
            CHECK(again.time_us == lossy.time_us && again.transmissions == lossy.transmissions);
        }
    }
    // One host candidate each side: nominated exactly when the simulated network connects them.
    const auto l1 = quic::make_candidates(0, 1), r1 = quic::make_candidates(1, 1);
    const bool reachable = quic::SimNetwork::reachable(l1[0], r1[0]);
    const quic::IceRun run = quic::run_ice(l1, r1, 1, 0);
    CHECK(run.outcome == (reachable ? quic::IceAgent::Outcome::nominated : quic::IceAgent::Outcome::failed));
    // Nobody answers: every pair fails after its retransmissions and the agent gives up.
    std::vector<quic::Candidate> l2 = quic::make_candidates(0, 3), r2 = quic::make_candidates(1, 3);
    l2.erase(l2.begin() + 2);  // keep IPv4 host and server-reflexive only
    r2.erase(r2.begin());      // the remote's server-reflexive and IPv6 host
    quic::IceRun dead = quic::run_ice(l2, r2, 1, 100);
    CHECK(dead.outcome == quic::IceAgent::Outcome::failed);
    CHECK(dead.transmissions == 4 * dead.pairs);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "--siphash-dump") {
        siphash_dump();
        return 0;
    }
    if (argc != 1) {
        std::fprintf(stderr, "usage: %s [--siphash-dump]\n", argv[0]);
        return 2;
    }
    struct Suite {
        const char* name;
        void (*fn)();
    };
    const Suite suites[] = {{"siphash-2-4 reference vectors", test_siphash},
                            {"address-validation tokens", test_tokens},
                            {"varints", test_varints},
                            {"STREAM frames", test_stream_frames},
                            {"ACK frames", test_ack_frames},
                            {"socket addresses", test_socket_addresses},
                            {"connection-ID table", test_cid_table},
                            {"ICE agent", test_ice}};
    for (const Suite& s : suites) {
        const int before = failures, checks_before = checks;
        s.fn();
        std::printf("%-32s %6d checks  %s\n", s.name, checks - checks_before, failures == before ? "ok" : "FAILED");
    }
    std::printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
