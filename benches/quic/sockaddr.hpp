// Socket addresses as QUIC address discovery reports them: parsing "1.2.3.4:443" and
// "[2001:db8::1]:443", and formatting, IPv6 in RFC 5952 canonical form (lowercase, no
// leading zeros, the longest run of two or more zero groups compressed to "::" (the first on
// a tie), IPv4-mapped addresses as ::ffff:a.b.c.d).
//
// Accepted: IPv4 as exactly four decimal octets 0-255 without leading zeros (as inet_pton);
// IPv6 as inet_pton(AF_INET6) accepts it (1-4 hex digits per group, at most one "::" standing
// for one or more zero groups, an optional dotted IPv4 tail); the port as 1-5 decimal digits up
// to 65535. Rejected: a missing port, IPv6 without brackets, zone IDs ("%eth0"), whitespace,
// anything else.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace quic {

struct SocketAddr {
    enum Family : std::uint8_t { v4 = 4, v6 = 6 };
    Family family = v4;
    std::array<std::uint8_t, 16> ip{};  // network order; IPv4 uses the first 4 bytes
    std::uint16_t port = 0;

    bool operator==(const SocketAddr& o) const {
        return family == o.family && port == o.port &&
               std::memcmp(ip.data(), o.ip.data(), family == v4 ? 4 : 16) == 0;
    }
    bool operator!=(const SocketAddr& o) const { return !(*this == o); }

    static SocketAddr ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port) {
        SocketAddr s;
        s.ip[0] = a;
        s.ip[1] = b;
        s.ip[2] = c;
        s.ip[3] = d;
        s.port = port;
        return s;
    }
    static SocketAddr ipv6(const std::array<std::uint16_t, 8>& groups, std::uint16_t port) {
        SocketAddr s;
        s.family = v6;
        for (std::size_t i = 0; i < 8; ++i) {
            s.ip[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
            s.ip[2 * i + 1] = static_cast<std::uint8_t>(groups[i]);
        }
        s.port = port;
        return s;
    }
};

// "[" + 39 + "]:" + 5
inline constexpr std::size_t max_socket_addr_len = 47;

namespace detail {

inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Up to `max_digits` decimal digits no larger than `max_value`. Returns false on anything else.
inline bool parse_decimal(std::string_view s, unsigned max_digits, unsigned max_value, bool allow_leading_zero,
                          unsigned& out) {
    if (s.empty() || s.size() > max_digits) return false;
    if (!allow_leading_zero && s.size() > 1 && s[0] == '0') return false;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > max_value) return false;
    out = v;
    return true;
}

}  // namespace detail

// Exactly "a.b.c.d".
inline bool parse_ipv4(std::string_view s, std::uint8_t out[4]) {
    std::uint8_t tmp[4];
    for (int i = 0; i < 4; ++i) {
        const std::size_t dot = i < 3 ? s.find('.') : s.size();
        if (dot == std::string_view::npos) return false;
        unsigned v = 0;
        if (!detail::parse_decimal(s.substr(0, dot), 3, 255, false, v)) return false;
        tmp[i] = static_cast<std::uint8_t>(v);
        s.remove_prefix(i < 3 ? dot + 1 : dot);
    }
    std::memcpy(out, tmp, 4);
    return true;
}

// An IPv6 address without brackets or zone.
inline bool parse_ipv6(std::string_view s, std::uint8_t out[16]) {
    std::uint16_t words[8] = {};
    int n = 0;      // groups parsed
    int gap = -1;   // index in `words` where "::" stands, if any
    std::size_t i = 0;
    const std::size_t len = s.size();
    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    } else if (len == 0 || s[0] == ':') {
        return false;
    }
    while (i < len) {
        const std::size_t start = i;
        unsigned v = 0;
        while (i < len && i - start < 5) {
            const int h = detail::hex_value(s[i]);
            if (h < 0) break;
            v = (v << 4) | static_cast<unsigned>(h);
            ++i;
        }
        if (i < len && s[i] == '.') {  // a dotted IPv4 tail: the last 32 bits
            if (n > 6) return false;
            std::uint8_t v4[4];
            if (!parse_ipv4(s.substr(start), v4)) return false;
            words[n++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
            words[n++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
            i = len;
            break;
        }
        if (i == start || i - start > 4 || n == 8) return false;
        words[n++] = static_cast<std::uint16_t>(v);
        if (i == len) break;
        if (s[i] != ':') return false;
        if (++i == len) return false;  // a trailing single ':'
        if (s[i] == ':') {
            if (gap >= 0) return false;  // a second "::"
            gap = n;
            ++i;
        }
    }
    if (gap < 0) {
        if (n != 8) return false;
    } else {
        if (n > 7) return false;  // "::" must stand for at least one group
        const int tail = n - gap;
        for (int k = 0; k < tail; ++k) words[7 - k] = words[n - 1 - k];
        for (int k = gap; k < 8 - tail; ++k) words[k] = 0;
    }
    for (int k = 0; k < 8; ++k) {
        out[2 * k] = static_cast<std::uint8_t>(words[k] >> 8);
        out[2 * k + 1] = static_cast<std::uint8_t>(words[k]);
    }
    return true;
}

// "1.2.3.4:443" or "[2001:db8::1]:443". Leaves `out` untouched on failure.
inline bool parse_socket_addr(std::string_view s, SocketAddr& out) {
    SocketAddr a;
    std::string_view port;
    if (!s.empty() && s[0] == '[') {
        const std::size_t close = s.find(']');
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
        a.family = SocketAddr::v6;
        if (!parse_ipv6(s.substr(1, close - 1), a.ip.data())) return false;
        port = s.substr(close + 2);
    } else {
        const std::size_t colon = s.rfind(':');
        if (colon == std::string_view::npos) return false;
        a.family = SocketAddr::v4;
        if (!parse_ipv4(s.substr(0, colon), a.ip.data())) return false;
        port = s.substr(colon + 1);
    }
    unsigned p = 0;
    if (!detail::parse_decimal(port, 5, 65535, true, p)) return false;
    a.port = static_cast<std::uint16_t>(p);
    out = a;
    return true;
}

namespace detail {

inline char* put_decimal(char* p, unsigned v) {
    char tmp[5];
    int n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

inline char* put_ipv4(char* p, const std::uint8_t* b) {
    for (int i = 0; i < 4; ++i) {
        if (i) *p++ = '.';
        p = put_decimal(p, b[i]);
    }
    return p;
}

inline char* put_hex16(char* p, unsigned v) {
    static const char digits[] = "0123456789abcdef";
    int shift = 12;
    while (shift > 0 && ((v >> shift) & 0xf) == 0) shift -= 4;  // no leading zeros
    for (; shift >= 0; shift -= 4) *p++ = digits[(v >> shift) & 0xf];
    return p;
}

}  // namespace detail

// RFC 5952 text of a 16-byte address into `out` (room for 39 characters). Returns the length.
inline std::size_t format_ipv6(const std::uint8_t* ip, char* out) {
    unsigned w[8];
    for (int i = 0; i < 8; ++i) w[i] = static_cast<unsigned>(ip[2 * i] << 8 | ip[2 * i + 1]);
    char* p = out;
    if (w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0xffff) {  // IPv4-mapped
        std::memcpy(p, "::ffff:", 7);
        return static_cast<std::size_t>(detail::put_ipv4(p + 7, ip + 12) - out);
    }
    // The longest run of zero groups (two or more; the first of equal runs).
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        if (w[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && w[j] == 0) ++j;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            *p++ = ':';
            if (i == 0) *p++ = ':';
            i += best_len - 1;
            continue;
        }
        p = detail::put_hex16(p, w[i]);
        if (i < 7) *p++ = ':';
    }
    return static_cast<std::size_t>(p - out);
}

// "1.2.3.4:443" / "[2001:db8::1]:443" into `out` (room for max_socket_addr_len). Returns the length.
inline std::size_t format_socket_addr(const SocketAddr& a, char* out) {
    char* p = out;
    if (a.family == SocketAddr::v4) {
        p = detail::put_ipv4(p, a.ip.data());
    } else {
        *p++ = '[';
        p += format_ipv6(a.ip.data(), p);
        *p++ = ']';
    }
    *p++ = ':';
    p = detail::put_decimal(p, a.port);
    return static_cast<std::size_t>(p - out);
}

inline std::string to_string(const SocketAddr& a) {
    char buf[max_socket_addr_len];
    return std::string(buf, format_socket_addr(a, buf));
}

}  // namespace quic
