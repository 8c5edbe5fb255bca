// benchgate: parsing a JSON document from a file with simdjson's DOM parser, within bounds
// that hostile input cannot move: at most max_input_bytes of text and max_json_depth levels of
// nesting. The depth is checked by a scan before simdjson allocates anything, so a file of
// nothing but '[' costs no more memory than its own text. A UTF-8 byte order mark is skipped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <simdjson.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "input_file.hpp"

namespace benchgate::detail {

// Deeper than any file benchgate writes (5 levels) or Google Benchmark writes, and simdjson's own default.
inline constexpr std::size_t max_json_depth = 1024;

// Bit k set: text[k] of these 16 bytes is one the depth scan must look at, a quote, a
// backslash or a bracket ('|' too, which costs a look and nothing else: ORing 0x20 maps '[',
// '\\', ']' onto '{', '|', '}', so three ranges are one).
inline unsigned depth_bytes_mask(const char* p) {
#if defined(__SSE2__)
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(folded, _mm_set1_epi8('{'))),
        _mm_or_si128(_mm_cmpeq_epi8(folded, _mm_set1_epi8('|')), _mm_cmpeq_epi8(folded, _mm_set1_epi8('}'))));
    return static_cast<unsigned>(_mm_movemask_epi8(hit));
#else
    unsigned mask = 0;
    for (unsigned k = 0; k < 16; ++k) {
        const unsigned char folded = static_cast<unsigned char>(p[k] | 0x20);
        mask |= static_cast<unsigned>(p[k] == '"' || (folded >= '{' && folded <= '}')) << k;
    }
    return mask;
#endif
}

// Whether the arrays and objects of `text` nest deeper than `max_depth` (strings skipped).
// For valid JSON this is exactly the document's depth; for invalid JSON it may say either.
// One pass that looks only at the quotes, backslashes and brackets, found 16 bytes at a time:
// most of a results file is numbers, so the scan costs a small part of what parsing does.
inline bool nests_deeper_than(std::string_view text, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    std::size_t skip_to = 0;  // a backslash in a string: the byte after it is not looked at
    // One byte the masks found (or any byte, for the tail); false when too deep.
    auto step = [&](std::size_t at, char c) {
        if (at < skip_to) return true;
        if (in_string) {
            if (c == '\\') skip_to = at + 2;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return false;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
        return true;
    };
    const char* const p = text.data();
    const std::size_t n = text.size();
    std::size_t i = 0;
    for (; n - i >= 16; i += 16)
        for (unsigned mask = depth_bytes_mask(p + i); mask != 0; mask &= mask - 1) {
            const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(mask));
            if (!step(at, p[at])) return true;
        }
    for (; i < n; ++i)
        if (!step(i, p[i])) return true;
    return false;
}

// Parses `text` (capacity at least text.size() + SIMDJSON_PADDING; see padded()) into `doc`,
// which lives as long as `parser`. Returns "" or the problem, e.g. "not valid JSON (...)".
// `json` with ".0" after every integer of 20 digits or more outside strings (what simdjson
// refuses as a big integer); everything else unchanged.
inline std::string integers_as_doubles(std::string_view json) {
    std::string out;
    out.reserve(json.size() + 64);
    bool in_string = false;
    for (std::size_t i = 0; i < json.size();) {
        const char c = json[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < json.size()) out += json[++i];
            else if (c == '"') in_string = false;
            ++i;
        } else if (c == '"') {
            in_string = true;
            out += c;
            ++i;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            std::size_t j = i + (c == '-' ? 1 : 0), digits = 0;
            while (j < json.size() && json[j] >= '0' && json[j] <= '9') ++j, ++digits;
            const bool integer = j >= json.size() || (json[j] != '.' && json[j] != 'e' && json[j] != 'E');
            out.append(json.substr(i, j - i));
            if (integer && digits >= 20) out += ".0";
            i = j;
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

inline std::string parse_json(simdjson::dom::parser& parser, simdjson::padded_string_view text, simdjson::dom::element& doc) {
    std::string_view view = text;
    std::size_t capacity = text.capacity();
    if (view.substr(0, 3) == "\xEF\xBB\xBF") {  // a byte order mark: no JSON reader needs it
        view.remove_prefix(3);
        capacity -= 3;
    }
    if (view.size() > max_input_bytes)
        return "not read: " + size_text(view.size()) + " of JSON, more than the " + size_text(max_input_bytes) + " benchgate reads";
    if (nests_deeper_than(view, max_json_depth))
        return "not valid JSON for benchgate (arrays and objects nested deeper than " + std::to_string(max_json_depth) +
               " levels)";
    if (auto err = parser.allocate(view.size(), max_json_depth))
        return std::string("cannot parse: ") + simdjson::error_message(err);
    auto err = parser.parse(simdjson::padded_string_view(view.data(), view.size(), capacity)).get(doc);
    if (err == simdjson::NUMBER_ERROR) {
        // An integer beyond 64 bits is valid JSON that simdjson's DOM does not hold: parsed again
        // as a number with a fraction, it reaches the field's own check, whose message names it.
        const std::string text = integers_as_doubles(view);
        if (text.size() != view.size()) err = parser.parse(text).get(doc);  // the document keeps a copy of what it needs
    }
    if (err) return std::string("not valid JSON (") + simdjson::error_message(err) + ")";
    return {};
}

// A padded view of `s` for parse_json, reserving the padding when `s` lacks it (one reallocation).
inline simdjson::padded_string_view padded(std::string& s) {
    if (s.capacity() < s.size() + simdjson::SIMDJSON_PADDING) s.reserve(s.size() + simdjson::SIMDJSON_PADDING);
    return simdjson::padded_string_view(s.data(), s.size(), s.capacity());
}

}  // namespace benchgate::detail
