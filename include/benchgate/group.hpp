// benchgate: group settings (BENCHGATE_GROUP): per-prefix overrides of the run's plan and
// of the verdict bands.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "result.hpp"

namespace benchgate {

// Settings that override the run's defaults for every benchmark of a group: the benchmarks
// whose name starts with "prefix/" (the longest matching prefix wins).
struct GroupSettings {
    int samples = 0;          // 0: the run's default
    double sample_ms = 0.0;   // target duration of one sample
    double max_ms = 0.0;      // sampling budget per benchmark
    Thresholds thresholds;    // verdict bands (fractions)

    GroupSettings& with_samples(int n) { samples = n; return *this; }
    GroupSettings& with_sample_time_ms(double ms) { sample_ms = ms; return *this; }
    GroupSettings& with_time_budget_ms(double ms) { max_ms = ms; return *this; }
    GroupSettings& with_threshold_pct(double pct) { thresholds.threshold = pct / 100.0; return *this; }
    GroupSettings& with_warn_threshold_pct(double pct) { thresholds.warn_threshold = pct / 100.0; return *this; }
    GroupSettings& with_noise_pct(double pct) { thresholds.noise = pct / 100.0; return *this; }
    // What the group's verdicts use: "time", "instructions" (needs --metric instructions),
    // "allocations" or "memory" (peak heap bytes; both need BENCHGATE_COUNT_ALLOCATIONS).
    GroupSettings& with_gate(std::string metric) { thresholds.gate = std::move(metric); return *this; }
};

inline std::vector<std::pair<std::string, GroupSettings>>& groups() {
    static std::vector<std::pair<std::string, GroupSettings>> all;
    return all;
}

inline bool set_group(std::string prefix, const GroupSettings& settings) {
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    groups().emplace_back(std::move(prefix), settings);
    return true;
}

// The settings of the group a benchmark belongs to, or nullptr.
inline const GroupSettings* group_of(const std::string& name) {
    const GroupSettings* best = nullptr;
    std::size_t best_len = 0;
    for (const auto& [prefix, settings] : groups()) {
        const bool match = name == prefix || (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
                                              name[prefix.size()] == '/');
        if (match && prefix.size() >= best_len) {
            best = &settings;
            best_len = prefix.size();
        }
    }
    return best;
}

}  // namespace benchgate
