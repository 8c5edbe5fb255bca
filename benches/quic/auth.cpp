// Address-validation tokens: SipHash-2-4 and token issue / verify (siphash.hpp, token.hpp).
//
//   ./quic_auth --save-baseline auth.json
//   ./quic_auth --baseline auth.json
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "rng.hpp"
#include "siphash.hpp"
#include "sockaddr.hpp"
#include "token.hpp"

namespace {

constexpr std::uint64_t lifetime_us = 24ull * 3600 * 1'000'000;  // a day, as for NEW_TOKEN
constexpr std::uint64_t now_us = 1'700'000'000'000'000ull;
constexpr std::size_t clients = 64;

quic::SipKey server_key() {
    std::uint8_t k[16];
    quic::Rng(42).fill(k, sizeof k);
    return quic::SipKey::from_bytes(k);
}

// Half IPv4, half IPv6 client addresses.
std::vector<quic::SocketAddr> make_clients() {
    quic::Rng rng(7);
    std::vector<quic::SocketAddr> out;
    for (std::size_t i = 0; i < clients; ++i) {
        quic::SocketAddr a;
        a.family = i % 2 ? quic::SocketAddr::v6 : quic::SocketAddr::v4;
        rng.fill(a.ip.data(), a.family == quic::SocketAddr::v4 ? 4 : 16);
        a.port = static_cast<std::uint16_t>(1024 + rng.below(64000));
        out.push_back(a);
    }
    return out;
}

// One token per client, issued an hour ago.
struct Issued {
    quic::TokenAuthority authority{server_key(), lifetime_us, 1};
    std::vector<quic::SocketAddr> addrs = make_clients();
    std::vector<std::vector<std::uint8_t>> tokens;

    explicit Issued(std::size_t len) {
        for (const auto& a : addrs) {
            std::vector<std::uint8_t> t(len);
            if (authority.issue(a, now_us - 3'600'000'000ull, t.data(), len) != len)
                throw std::runtime_error("cannot issue a token of " + std::to_string(len) + " bytes");
            if (authority.verify(a, now_us, t.data(), len) != quic::TokenVerdict::ok)
                throw std::runtime_error("a fresh token does not verify");
            tokens.push_back(std::move(t));
        }
    }
};

}  // namespace

// The MAC itself, by message length.
BENCHGATE_BENCH_P("auth/siphash24", benchgate::Params().axis("len", {8, 64, 256, 1024})) {
    const auto len = static_cast<std::size_t>(bench.param("len"));
    std::vector<std::uint8_t> msg(len);
    quic::Rng(9).fill(msg.data(), len);
    const quic::SipKey key = server_key();
    bench.throughput_bytes(static_cast<double>(len));
    bench.run([&] { return quic::siphash24(key, msg.data(), msg.size()); });
}

// Minting a token: header, random nonce, MAC over the token and the client's address.
BENCHGATE_BENCH_P("auth/token_issue", benchgate::Params().axis("size", {32, 64, 128, 256})) {
    const auto len = static_cast<std::size_t>(bench.param("size"));
    quic::TokenAuthority authority(server_key(), lifetime_us, 1);
    const auto addrs = make_clients();
    std::vector<std::uint8_t> token(len);
    std::size_t i = 0;
    bench.throughput_bytes(static_cast<double>(len));
    bench.run([&] {
        const std::size_t n = authority.issue(addrs[i], now_us, token.data(), len);
        i = (i + 1) % clients;
        return n + token[len - 1];
    });
}

// Checking a valid token from the address it was issued to.
BENCHGATE_BENCH_P("auth/token_verify", benchgate::Params().axis("size", {32, 64, 128, 256})) {
    const auto len = static_cast<std::size_t>(bench.param("size"));
    const Issued issued(len);
    std::size_t i = 0;
    bench.throughput_bytes(static_cast<double>(len));
    bench.run([&] {
        const auto v = issued.authority.verify(issued.addrs[i], now_us, issued.tokens[i].data(), len);
        i = (i + 1) % clients;
        return v;
    });
}

// A token replayed from another address: the MAC must fail, and costs what a success does.
BENCHGATE_BENCH("auth/token_verify_wrong_address") {
    const Issued issued(64);
    std::size_t i = 0;
    if (issued.authority.verify(issued.addrs[1], now_us, issued.tokens[0].data(), 64) != quic::TokenVerdict::bad_mac)
        throw std::runtime_error("a token verified from the wrong address");
    bench.run([&] {
        const auto v = issued.authority.verify(issued.addrs[(i + 1) % clients], now_us, issued.tokens[i].data(), 64);
        i = (i + 1) % clients;
        return v;
    });
}
