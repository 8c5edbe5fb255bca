// benchgate: --filter: which registered benchmarks a run measures (ECMAScript regex over
// full names), and the pattern that selects exactly a given list of names (fresh processes).
#pragma once

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "../registry.hpp"

namespace benchgate::detail {

// The registrations whose full name matches `filter` (ECMAScript regex, searched anywhere
// in the name; empty matches all). Throws std::regex_error on a malformed pattern.
inline std::vector<const Registration*> select(const std::vector<Registration>& all, const std::string& filter) {
    std::vector<const Registration*> out;
    if (filter.empty()) {
        for (const auto& r : all) out.push_back(&r);
        return out;
    }
    const std::regex re(filter, std::regex::ECMAScript);
    for (const auto& r : all)
        if (std::regex_search(r.name, re)) out.push_back(&r);
    return out;
}


// An ECMAScript pattern matching exactly one of `names`.
inline std::string exact_names_pattern(const std::vector<std::string>& names) {
    std::string p = "^(?:";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) p += '|';
        for (char c : names[i]) {
            if (std::string_view("\\^$.*+?()[]{}|").find(c) != std::string_view::npos) p += '\\';
            p += c;
        }
    }
    return p + ")$";
}

}  // namespace benchgate::detail
