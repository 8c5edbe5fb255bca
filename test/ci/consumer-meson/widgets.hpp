// The library under test: three operations whose cost the dry run's pull requests change.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace widgets {

constexpr int hash_rounds = 1;   // a pull request that raises this makes every hash slower

inline long parse(const std::string& text) {
    long total = 0;
    for (char c : text) total = total * 31 + (c >= '0' && c <= '9' ? c - '0' : 1);
    return total;
}

inline std::uint64_t hash(const std::vector<std::uint64_t>& v) {
    std::uint64_t h = 1469598103934665603ull;
    for (int r = 0; r < hash_rounds; ++r)
        for (auto x : v) h = (h ^ x) * 1099511628211ull;
    return h;
}

inline std::vector<int> sorted(std::vector<int> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace widgets
