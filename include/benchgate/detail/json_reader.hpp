// benchgate: parsing a JSON document from a file with simdjson's DOM parser, within bounds
// that hostile input cannot move: at most max_input_bytes of text and max_json_depth levels of
// nesting. The depth is checked by a scan before simdjson allocates anything, so a file of
// nothing but '[' costs no more memory than its own text. A UTF-8 byte order mark is skipped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "input_file.hpp"

namespace benchgate::detail {

// Deeper than any file benchgate writes (5 levels) or Google Benchmark writes, and simdjson's own default.
inline constexpr std::size_t max_json_depth = 1024;

// Whether the arrays and objects of `text` nest deeper than `max_depth` (strings skipped).
// For valid JSON this is exactly the document's depth; for invalid JSON it may say either.
inline bool nests_deeper_than(std::string_view text, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return true;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}

// Parses `text` (capacity at least text.size() + SIMDJSON_PADDING; see padded()) into `doc`,
// which lives as long as `parser`. Returns "" or the problem, e.g. "not valid JSON (...)".
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
    if (auto err = parser.parse(simdjson::padded_string_view(view.data(), view.size(), capacity)).get(doc))
        return std::string("not valid JSON (") + simdjson::error_message(err) + ")";
    return {};
}

// A padded view of `s` for parse_json, reserving the padding when `s` lacks it (one reallocation).
inline simdjson::padded_string_view padded(std::string& s) {
    if (s.capacity() < s.size() + simdjson::SIMDJSON_PADDING) s.reserve(s.size() + simdjson::SIMDJSON_PADDING);
    return simdjson::padded_string_view(s.data(), s.size(), s.capacity());
}

}  // namespace benchgate::detail
