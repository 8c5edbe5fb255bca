// benchgate: a loaded history as per-machine series, each analysed for its trend and change
// points; what `benchgate trend` prints and `benchgate dashboard` draws. Pure.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "../compare.hpp"
#include "../report/trend.hpp"
#include "../trend.hpp"
#include "history.hpp"

namespace benchgate::detail::history {

// The verdict of one run against the run before it, on their medians: the change's interval
// combines both runs' intervals with the series' between-run spread, so that ordinary CI
// variation between two jobs is not called a regression.
inline Status step_status(const TrendPoint& before, const TrendPoint& after, double between_run_cv, const GateConfig& cfg) {
    auto se = [](const TrendPoint& p) {
        return (p.lower > 0 && p.upper >= p.lower) ? (std::log(p.upper) - std::log(p.lower)) / (2.0 * 1.96) : 0.0;
    };
    const double d = std::log(after.value / before.value);
    const double a = se(before), b = se(after);
    const double half = 1.96 * std::sqrt(a * a + b * b + 2.0 * between_run_cv * between_run_cv);
    return classify({std::expm1(d), std::expm1(d - half), std::expm1(d + half)}, cfg);
}

// Which series machine_trends makes: each benchmark's median time, its peak heap bytes
// (metrics.peak_heap_bytes: runs with allocation counting, unit "B"), or both (the dashboard:
// each memory series named "NAME (peak heap)", next to the benchmark's time series).
enum class TrendSeries { time, memory, both };

// Per machine (in order of first appearance), per benchmark (in order of first appearance),
// the series of medians of the runs that measured it without failing; for memory, the series
// of its peak heap bytes (a deterministic figure: its interval is the point). A run whose peak
// is 0 adds no point to the memory series: the change analysis works on ratios.
inline std::vector<report::MachineTrends> machine_trends(const std::vector<Entry>& entries, const TrendConfig& cfg,
                                                         TrendSeries series = TrendSeries::time) {
    const bool time = series != TrendSeries::memory, memory = series != TrendSeries::time;
    const std::string memory_suffix = series == TrendSeries::both ? " (peak heap)" : "";
    std::vector<report::MachineTrends> out;
    std::unordered_map<std::string, std::size_t> machine_index;
    std::vector<std::unordered_map<std::string, std::size_t>> row_index;
    std::vector<std::size_t> run_of_entry;  // each entry's run index on its machine
    for (const Entry& e : entries) {
        auto [it, fresh] = machine_index.emplace(e.machine, out.size());
        if (fresh) {
            out.push_back({e.machine, machine_fingerprint(e.run.context), {}, {}, {}});
            row_index.emplace_back();
        }
        report::MachineTrends& m = out[it->second];
        auto& rows = row_index[it->second];
        const std::size_t run = m.dates.size();
        run_of_entry.push_back(run);
        m.dates.push_back(format_time(e.time));
        m.commits.push_back(e.run.context.commit);
        // The row named `name` (made on first use) gets the point.
        auto add_point = [&](const std::string& name, const char* unit, const TrendPoint& p) {
            auto [r, added] = rows.emplace(name, m.rows.size());
            if (added) {
                m.rows.push_back({name, {}, {}, {}, {}, {}});
                m.rows.back().unit = unit;
            }
            m.rows[r->second].points.push_back(p);
            m.rows[r->second].run.push_back(run);
        };
        for (const BenchmarkResult& b : e.run.benchmarks) {
            if (b.failed()) continue;
            if (time && b.estimates.median.point > 0)
                add_point(b.name, "ns", {e.time, b.estimates.median.point, b.estimates.median.lower, b.estimates.median.upper});
            const double peak = b.metrics.peak_heap_bytes;
            if (memory && peak > 0 && std::isfinite(peak)) add_point(b.name + memory_suffix, "B", {e.time, peak, peak, peak});
        }
    }
    GateConfig gate;
    gate.threshold = cfg.threshold;
    gate.warn_threshold = cfg.warn_threshold;
    gate.noise = cfg.noise;
    for (auto& m : out)
        for (auto& row : m.rows) {
            row.trend = analyze_trend(row.points, cfg);
            row.statuses.assign(row.points.size(), "");
            row.accepted.assign(row.points.size(), "");
            for (std::size_t i = 1; i < row.points.size(); ++i)
                row.statuses[i] = to_string(step_status(row.points[i - 1], row.points[i], row.trend.between_run_cv, gate));
        }
    // A regression step in a run that accepted that benchmark's regression reads ACCEPTED.
    for (std::size_t e = 0; e < entries.size(); ++e) {
        const std::size_t mi = machine_index.at(entries[e].machine);
        for (const auto& accepted : entries[e].run.context.accepted) {
            const auto r = row_index[mi].find(accepted.first);
            if (r == row_index[mi].end()) continue;
            report::TrendRow& row = out[mi].rows[r->second];
            for (std::size_t i = 0; i < row.run.size(); ++i) {
                if (row.run[i] != run_of_entry[e]) continue;
                row.accepted[i] = accepted.second.empty() ? std::string("accepted") : accepted.second;
                if (row.statuses[i] == to_string(Status::regression)) row.statuses[i] = to_string(Status::accepted);
            }
        }
    }
    return out;
}

}  // namespace benchgate::detail::history
