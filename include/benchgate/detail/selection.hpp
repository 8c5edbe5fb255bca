// benchgate: --filter and --shard: which registered benchmarks a run measures (ECMAScript
// regex over full names; one shard of N by a stable hash of the name), and the pattern that
// selects exactly a given list of names (fresh processes).
#pragma once

#include <cstdint>
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

// The hash that assigns a benchmark to a shard: FNV-1a 64 over the bytes of its full name
// (offset basis 14695981039346656037, prime 1099511628211). It depends on the name alone, so
// a benchmark stays in its shard across runs, builds and machines, whatever else is registered.
inline std::uint64_t shard_hash(std::string_view name) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
    return h;
}

// Shard `index` of `count` (1-based, as --shard I/N spells it) holds the names whose hash mod
// `count` is index - 1: every name lands in exactly one shard of N.
inline bool in_shard(std::string_view name, int index, int count) {
    return count > 0 && shard_hash(name) % static_cast<std::uint64_t>(count) == static_cast<std::uint64_t>(index - 1);
}

// `selected` without the benchmarks of other shards (count 0: no sharding, all of them).
inline std::vector<const Registration*> select_shard(const std::vector<const Registration*>& selected, int index, int count) {
    if (count <= 0) return selected;
    std::vector<const Registration*> out;
    for (const Registration* r : selected)
        if (in_shard(r->name, index, count)) out.push_back(r);
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
