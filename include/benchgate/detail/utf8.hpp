// benchgate: UTF-8 validation for text that goes into formats whose readers reject invalid
// bytes (XML, HTML, JSON readers that validate). Benchmark names are bytes the user chose;
// an invalid sequence becomes U+FFFD so the file stays readable.
#pragma once

#include <string>
#include <string_view>

namespace benchgate::detail {

// The length of the well-formed UTF-8 sequence at s[i], or 0 when there is none (overlong
// forms, surrogates and code points above U+10FFFF are not); then `skip` is the number of
// bytes one U+FFFD replaces (the longest prefix of a valid sequence, at least one byte), as
// browsers decode.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i, std::size_t& skip) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    std::size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) need = 1;
    else if (c == 0xE0) { need = 2; lo = 0xA0; }        // no overlong forms
    else if (c == 0xED) { need = 2; hi = 0x9F; }        // no surrogates
    else if (c >= 0xE1 && c <= 0xEF) need = 2;
    else if (c == 0xF0) { need = 3; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) need = 3;
    else if (c == 0xF4) { need = 3; hi = 0x8F; }        // nothing above U+10FFFF
    else {
        skip = 1;
        return 0;
    }
    for (std::size_t k = 1; k <= need; ++k) {
        const unsigned char d = i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
        if (d < lo || d > hi) {
            skip = k;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

inline bool is_valid_utf8(std::string_view s) {
    for (std::size_t i = 0, skip = 1; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i, skip);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

// `s` with every ill-formed sequence replaced by U+FFFD.
inline std::string to_valid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::size_t skip = 1;
        const std::size_t n = utf8_sequence(s, i, skip);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            i += skip;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

}  // namespace benchgate::detail
