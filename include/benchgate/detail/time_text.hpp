// benchgate: the shape of a date and time in text, checked before Howard Hinnant's date::parse
// sees it: on fields of other widths (a seconds field of "471") it converts out of range,
// which is undefined behaviour, so only the fixed widths ISO 8601 uses are passed to it.
#pragma once

#include <cstddef>
#include <string_view>

namespace benchgate::detail {

// Whether `s` starts with "YYYY-MM-DD" `sep` "HH:MM:SS", then optionally '.' and 1 to 9 digits;
// `end` is where that stops.
inline bool fixed_width_date_time(std::string_view s, char sep, std::size_t& end) {
    static constexpr std::string_view shape = "dddd-dd-dd?dd:dd:dd";
    if (s.size() < shape.size()) return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const char c = s[i];
        const bool ok = shape[i] == 'd' ? c >= '0' && c <= '9' : shape[i] == '?' ? c == sep : c == shape[i];
        if (!ok) return false;
    }
    end = shape.size();
    if (end < s.size() && s[end] == '.') {
        std::size_t digits = 0;
        while (end + 1 + digits < s.size() && s[end + 1 + digits] >= '0' && s[end + 1 + digits] <= '9') ++digits;
        if (digits == 0 || digits > 9) return false;
        end += 1 + digits;
    }
    return true;
}

// Whether `s` is a UTC offset as %z or %Ez read it: "+HHMM", "-HH:MM".
inline bool utc_offset(std::string_view s) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.empty() || (s[0] != '+' && s[0] != '-')) return false;
    if (s.size() == 5) return digit(s[1]) && digit(s[2]) && digit(s[3]) && digit(s[4]);
    if (s.size() == 6) return digit(s[1]) && digit(s[2]) && s[3] == ':' && digit(s[4]) && digit(s[5]);
    return false;
}

}  // namespace benchgate::detail
