// benchgate: the trend report of a history, per machine: latest value, 7- and 30-day means,
// drift, change points and the trend's verdict; console and markdown. Renders; never reads.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "../detail/one_line.hpp"
#include "../result.hpp"
#include "../trend.hpp"
#include "format.hpp"
#include "markdown.hpp"

namespace benchgate::report {

// One benchmark's series on one machine: `run[i]` is the index (into MachineTrends::dates)
// of the run that measured points[i].
struct TrendRow {
    std::string name;
    std::vector<TrendPoint> points;
    std::vector<std::size_t> run;
    std::vector<std::string> statuses;  // per point: the verdict against the point before ("" for the first)
    std::vector<std::string> accepted;  // per point: why its run accepted a regression here ("" none)
    Trend trend;
    std::string unit = "ns";  // "ns": median time per iteration; "B": peak heap bytes
};

// A series value in its unit: "41.00 ns", "1.500 KiB".
inline std::string format_trend_value(double v, const std::string& unit) {
    return unit == "B" ? format_bytes(v) : format_time(v);
}

struct MachineTrends {
    std::string id;
    std::string fingerprint;
    std::vector<std::string> dates;    // per run, ISO 8601 UTC
    std::vector<std::string> commits;  // per run ("" unknown)
    std::vector<TrendRow> rows;
};

inline std::string short_commit(const std::string& c) { return c.substr(0, 10); }

// The commits a change point lies between: "GOOD..BAD" (the last run at the old level and the
// first at the new one, as `benchgate bisect --range` takes them), "BAD" when the run before
// has no commit, "" when neither has one.
inline std::string change_range(const MachineTrends& m, const TrendRow& r, const ChangePoint& c) {
    const std::string& bad = m.commits[r.run[c.index]];
    const std::string& good = c.index > 0 ? m.commits[r.run[c.index - 1]] : std::string();
    if (bad.empty()) return {};
    return good.empty() ? short_commit(bad) : short_commit(good) + ".." + short_commit(bad);
}

// "+18.0% at 2026-11-20 (0f0e0d0c0b..1a2b3c4d5e)" for every change point, newest last.
inline std::string change_points_cell(const MachineTrends& m, const TrendRow& r) {
    std::string out;
    for (const ChangePoint& c : r.trend.changes) {
        if (!out.empty()) out += ", ";
        out += format_change(c.factor() - 1.0) + " at " + m.dates[r.run[c.index]].substr(0, 10);
        if (const std::string range = change_range(m, r, c); !range.empty()) out += " (" + range + ")";
    }
    return out.empty() ? "-" : out;
}

inline std::string paint_trend(const Trend& t, const Style& style) {
    const std::string text = to_string(t.status);
    switch (t.status) {
    case TrendStatus::step_slower: return style.bold_red(text);
    case TrendStatus::drifting_slower: return style.bold_yellow(text);
    case TrendStatus::step_faster:
    case TrendStatus::drifting_faster: return style.green(text);
    default: return text;
    }
}

inline std::size_t count_alarms(const std::vector<MachineTrends>& machines) {
    std::size_t n = 0;
    for (const auto& m : machines)
        for (const auto& r : m.rows) n += r.trend.alarm();
    return n;
}

inline std::string console_trends(const std::vector<MachineTrends>& machines, const Style& style) {
    std::string out;
    for (const auto& m : machines) {
        out += style.bold("machine " + m.id) + ": " + m.fingerprint + " (" + std::to_string(m.dates.size()) + " runs, " +
               m.dates.front().substr(0, 10) + " .. " + m.dates.back().substr(0, 10) + ")\n";
        Table table({"Benchmark", "Runs", "Latest", "7-day", "30-day", "Drift", "Change points", "Trend"},
                    {true, false, false, false, false, false, true, true});
        for (const auto& r : m.rows)
            table.add({detail::one_line(r.name), std::to_string(r.points.size()), format_trend_value(r.trend.latest, r.unit),
                       format_trend_value(r.trend.mean7, r.unit), format_trend_value(r.trend.mean30, r.unit), format_change(r.trend.drift), change_points_cell(m, r),
                       paint_trend(r.trend, style)});
        out += table.render(style) + "\n";
    }
    const std::size_t alarms = count_alarms(machines);
    out += alarms ? style.bold_red(std::to_string(alarms) + " benchmark(s) slower over the history") + "\n"
                  : std::string("no benchmark slower over the history\n");
    return out;
}

inline std::string markdown_trends(const std::vector<MachineTrends>& machines) {
    std::string out = "## Benchmark trends\n\n";
    const std::size_t alarms = count_alarms(machines);
    out += alarms ? ":warning: **" + std::to_string(alarms) + " benchmark(s) slower over the history**\n\n"
                  : std::string("No benchmark slower over the history.\n\n");
    for (const auto& m : machines) {
        out += "### " + markdown_escape(m.fingerprint) + " (`" + m.id + "`, " + std::to_string(m.dates.size()) +
               " runs, " + m.dates.front().substr(0, 10) + " .. " + m.dates.back().substr(0, 10) + ")\n\n";
        out += "| Benchmark | Runs | Latest | 7-day | 30-day | Drift | Change points | Trend |\n";
        out += "|:--|--:|--:|--:|--:|--:|:--|:--|\n";
        for (const auto& r : m.rows) {
            const bool alarm = r.trend.alarm();
            out += "| " + markdown_escape(r.name) + " | " + std::to_string(r.points.size()) + " | " +
                   format_trend_value(r.trend.latest, r.unit) + " | " + format_trend_value(r.trend.mean7, r.unit) + " | " +
                   format_trend_value(r.trend.mean30, r.unit) +
                   " | " + format_change(r.trend.drift) + " | " + markdown_escape(change_points_cell(m, r)) + " | " +
                   (alarm ? ":red_circle: **" : "") + to_string(r.trend.status) + (alarm ? "**" : "") + " |\n";
        }
        out += "\n";
    }
    return out;
}

}  // namespace benchgate::report
