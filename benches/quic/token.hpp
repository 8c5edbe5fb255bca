// Address-validation tokens (the kind a QUIC server hands out in NEW_TOKEN or Retry frames,
// RFC 9000 §8.1.3) authenticated with SipHash-2-4 as a MAC.
//
//   token = kind (1) | issued_us (8, big-endian) | nonce (>= 8, random) | mac (8)
//   mac   = SipHash-2-4(key, token without mac | family (1) | client ip (4/16) | port (2))
//
// The client address is bound by the MAC but not carried: the server verifies a token against
// the address the packet came from. A 64-bit MAC is what quinn and others use for these
// short-lived tokens; SipHash-2-4 is a PRF with a 128-bit key.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rng.hpp"
#include "siphash.hpp"
#include "sockaddr.hpp"

namespace quic {

enum class TokenVerdict { ok, malformed, bad_mac, expired, not_yet_valid };

inline const char* to_string(TokenVerdict v) {
    switch (v) {
        case TokenVerdict::ok: return "ok";
        case TokenVerdict::malformed: return "malformed";
        case TokenVerdict::bad_mac: return "bad_mac";
        case TokenVerdict::expired: return "expired";
        case TokenVerdict::not_yet_valid: return "not_yet_valid";
    }
    return "?";
}

class TokenAuthority {
public:
    static constexpr std::uint8_t kind_new_token = 0x01;
    static constexpr std::size_t header_len = 1 + 8;
    static constexpr std::size_t mac_len = 8;
    static constexpr std::size_t min_nonce_len = 8;
    static constexpr std::size_t min_len = header_len + min_nonce_len + mac_len;
    static constexpr std::size_t max_len = 1024;

    TokenAuthority(const SipKey& key, std::uint64_t lifetime_us, std::uint64_t rng_seed,
                   std::uint64_t clock_skew_us = 1'000'000)
        : key_(key), lifetime_us_(lifetime_us), skew_us_(clock_skew_us), rng_(rng_seed) {}

    // Writes a `len`-byte token for `client` issued at `now_us`. Returns len, or 0 when len is
    // outside [min_len, max_len].
    std::size_t issue(const SocketAddr& client, std::uint64_t now_us, std::uint8_t* out, std::size_t len) {
        if (len < min_len || len > max_len) return 0;
        out[0] = kind_new_token;
        for (int i = 0; i < 8; ++i) out[1 + i] = static_cast<std::uint8_t>(now_us >> (8 * (7 - i)));
        rng_.fill(out + header_len, len - header_len - mac_len);
        store_le64(mac(client, out, len - mac_len), out + len - mac_len);
        return len;
    }

    // Checks a token presented by `client` at `now_us`: format, MAC (in constant time), then
    // its validity window [issued - skew, issued + lifetime].
    TokenVerdict verify(const SocketAddr& client, std::uint64_t now_us, const std::uint8_t* token,
                        std::size_t len) const {
        if (len < min_len || len > max_len || token[0] != kind_new_token) return TokenVerdict::malformed;
        const std::uint64_t expected = mac(client, token, len - mac_len);
        std::uint8_t want[8];
        store_le64(expected, want);
        unsigned diff = 0;
        for (std::size_t i = 0; i < mac_len; ++i) diff |= static_cast<unsigned>(want[i] ^ token[len - mac_len + i]);
        if (diff != 0) return TokenVerdict::bad_mac;
        std::uint64_t issued = 0;
        for (int i = 0; i < 8; ++i) issued = (issued << 8) | token[1 + i];
        if (issued > now_us + skew_us_) return TokenVerdict::not_yet_valid;
        if (now_us > issued && now_us - issued > lifetime_us_) return TokenVerdict::expired;
        return TokenVerdict::ok;
    }

private:
    std::uint64_t mac(const SocketAddr& client, const std::uint8_t* body, std::size_t body_len) const {
        std::uint8_t addr[1 + 16 + 2];
        std::size_t n = 0;
        addr[n++] = static_cast<std::uint8_t>(client.family);
        const std::size_t ip_len = client.family == SocketAddr::v4 ? 4 : 16;
        for (std::size_t i = 0; i < ip_len; ++i) addr[n++] = client.ip[i];
        addr[n++] = static_cast<std::uint8_t>(client.port >> 8);
        addr[n++] = static_cast<std::uint8_t>(client.port);
        return SipHasher24(key_).update(body, body_len).update(addr, n).finish();
    }

    SipKey key_;
    std::uint64_t lifetime_us_;
    std::uint64_t skew_us_;
    Rng rng_;
};

}  // namespace quic
