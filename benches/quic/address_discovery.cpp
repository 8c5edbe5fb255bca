// Socket-address parsing and RFC 5952 formatting, as address discovery reports observed
// addresses (sockaddr.hpp).
//
//   ./quic_address_discovery --save-baseline addr.json
//   ./quic_address_discovery --baseline addr.json
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "rng.hpp"
#include "sockaddr.hpp"

namespace {

constexpr std::size_t pool = 256;    // distinct addresses the single-address benchmarks cycle through
constexpr std::size_t batch = 1024;  // addresses per mixed batch

quic::SocketAddr random_v4(quic::Rng& rng) {
    const std::uint64_t r = rng.next();
    return quic::SocketAddr::ipv4(static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(r >> 8),
                                  static_cast<std::uint8_t>(r >> 16), static_cast<std::uint8_t>(r >> 24),
                                  static_cast<std::uint16_t>(r >> 32));
}

// IPv6 addresses as seen on the Internet: global unicast with zero runs of varying length and
// position, plus link-local, loopback and IPv4-mapped ones.
quic::SocketAddr random_v6(quic::Rng& rng) {
    std::array<std::uint16_t, 8> g{};
    const auto port = static_cast<std::uint16_t>(rng.next());
    switch (rng.below(8)) {
        case 0:  // link-local, interface ID from a MAC
            g = {0xfe80, 0, 0, 0, 0, 0, 0, 0};
            for (int i = 4; i < 8; ++i) g[static_cast<std::size_t>(i)] = static_cast<std::uint16_t>(rng.next());
            break;
        case 1:  // IPv4-mapped
            g = {0, 0, 0, 0, 0, 0xffff, static_cast<std::uint16_t>(rng.next()), static_cast<std::uint16_t>(rng.next())};
            break;
        case 2:
            g = {0, 0, 0, 0, 0, 0, 0, 1};
            break;
        default:  // 2001:db8::/32 style: random groups, each zero with probability 3/8
            g[0] = 0x2001;
            g[1] = 0x0db8;
            for (std::size_t i = 2; i < 8; ++i) g[i] = rng.below(8) < 3 ? 0 : static_cast<std::uint16_t>(rng.next());
            break;
    }
    return quic::SocketAddr::ipv6(g, port);
}

std::vector<quic::SocketAddr> addrs_of(quic::SocketAddr::Family family, std::size_t n, std::uint64_t seed) {
    quic::Rng rng(seed);
    std::vector<quic::SocketAddr> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(family == quic::SocketAddr::v4 ? random_v4(rng) : random_v6(rng));
    return out;
}

std::vector<std::string> texts_of(const std::vector<quic::SocketAddr>& addrs) {
    std::vector<std::string> out;
    for (const auto& a : addrs) out.push_back(quic::to_string(a));
    return out;
}

// 45% IPv4, 45% IPv6 (a third of those in non-canonical spelling: uppercase or fully expanded),
// 10% malformed.
std::vector<std::string> mixed_texts(std::uint64_t seed) {
    static const char* const malformed[] = {
        "1.2.3:443",   "256.1.1.1:80",   "1.2.3.4",          "[::1]",        "::1:443",     "[1:2:3:4:5:6:7:8:9]:1",
        "[::1]:65536", "01.2.3.4:80",    "[fe80::1%eth0]:1", "1.2.3.4:-1",   "[1::2::3]:4", "[12345::]:80",
        "",            "[::ffff:1.2.3]:5", "1.2.3.4 :80",    "[:1]:80",
    };
    quic::Rng rng(seed);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < batch; ++i) {
        const std::uint32_t kind = rng.below(20);
        if (kind < 2) {
            out.push_back(malformed[rng.below(sizeof malformed / sizeof *malformed)]);
        } else if (kind < 11) {
            out.push_back(quic::to_string(random_v4(rng)));
        } else {
            const quic::SocketAddr a = random_v6(rng);
            std::string s = quic::to_string(a);
            if (kind == 19) {
                for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            } else if (kind >= 17 && a.ip[10] != 0xff) {  // fully expanded, leading zeros kept
                char buf[64];
                std::string full = "[";
                for (int k = 0; k < 8; ++k) {
                    std::snprintf(buf, sizeof buf, k ? ":%02x%02x" : "%02x%02x", a.ip[static_cast<std::size_t>(2 * k)],
                                  a.ip[static_cast<std::size_t>(2 * k + 1)]);
                    full += buf;
                }
                s = full + "]:" + std::to_string(a.port);
            }
            out.push_back(s);
        }
    }
    return out;
}

void parse_one_body(benchgate::Bench& bench, quic::SocketAddr::Family family) {
    const auto texts = texts_of(addrs_of(family, pool, family));
    std::size_t i = 0;
    bench.run([&] {
        quic::SocketAddr a;
        const bool ok = quic::parse_socket_addr(texts[i], a);
        i = (i + 1) % pool;
        return ok ? a.port ^ a.ip[3] : 0;
    });
}

void format_one_body(benchgate::Bench& bench, quic::SocketAddr::Family family) {
    const auto addrs = addrs_of(family, pool, family);
    char buf[quic::max_socket_addr_len];
    std::size_t i = 0;
    bench.run([&] {
        const std::size_t n = quic::format_socket_addr(addrs[i], buf);
        i = (i + 1) % pool;
        return n + static_cast<std::size_t>(buf[1]);
    });
}

}  // namespace

BENCHGATE_BENCH("addr/parse_v4") { parse_one_body(bench, quic::SocketAddr::v4); }
BENCHGATE_BENCH("addr/parse_v6") { parse_one_body(bench, quic::SocketAddr::v6); }
BENCHGATE_BENCH("addr/format_v4") { format_one_body(bench, quic::SocketAddr::v4); }
BENCHGATE_BENCH("addr/format_v6") { format_one_body(bench, quic::SocketAddr::v6); }

// A batch of observed addresses as text, some of them bad: parse and validate each.
BENCHGATE_BENCH("addr/parse_mixed") {
    const auto texts = mixed_texts(17);
    bench.throughput_elements(static_cast<double>(texts.size()));
    bench.run([&] {
        std::size_t accepted = 0;
        for (const auto& t : texts) {
            quic::SocketAddr a;
            accepted += quic::parse_socket_addr(t, a);
        }
        return accepted;
    });
}

// A batch of addresses, half IPv4 and half IPv6, formatted for a report.
BENCHGATE_BENCH("addr/format_mixed") {
    quic::Rng rng(19);
    std::vector<quic::SocketAddr> addrs;
    for (std::size_t i = 0; i < batch; ++i) addrs.push_back(rng.below(2) ? random_v6(rng) : random_v4(rng));
    std::vector<char> out(batch * quic::max_socket_addr_len);
    bench.throughput_elements(static_cast<double>(addrs.size()));
    bench.run([&] {
        char* p = out.data();
        for (const auto& a : addrs) p += quic::format_socket_addr(a, p);
        return static_cast<std::size_t>(p - out.data());
    });
}
