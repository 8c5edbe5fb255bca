// benchgate: the same benchmarks on several machines side by side: per benchmark, each
// machine's latest median with its 95% interval, its ratio to a reference machine and the
// trend of its series; console, markdown and JSON. Renders; never reads. The model is filled
// by detail/history_machines.hpp from the per-machine trends.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "../detail/json_writer.hpp"
#include "../detail/one_line.hpp"
#include "../trend.hpp"
#include "format.hpp"
#include "markdown.hpp"
#include "trend.hpp"

namespace benchgate::report {

// One machine's column: headed by `label` ("M1", "M2", ...), explained in the legend.
struct MachineColumn {
    std::string label;
    std::string id;           // machine_id: 8 hex digits
    std::string fingerprint;  // "cpu · 2 cores · compiler · build type"
    std::size_t runs = 0;
    std::string first;  // the oldest and newest run's date, ISO 8601 UTC ("" without runs)
    std::string last;
};

// One benchmark on one machine: its newest run and the trend of its series there.
struct MachineCell {
    bool present = false;  // false: the machine never measured it (shown as "—")
    double value = std::numeric_limits<double>::quiet_NaN();  // the newest run's median
    double lower = std::numeric_limits<double>::quiet_NaN();  // and its 95% interval
    double upper = std::numeric_limits<double>::quiet_NaN();
    double ratio = std::numeric_limits<double>::quiet_NaN();  // value / the reference's value (NaN: no reference value)
    std::size_t runs = 0;  // runs in the series
    std::string date;      // the newest run's date
    TrendStatus trend = TrendStatus::too_short;
};

struct MachineRow {
    std::string name;
    std::string unit = "ns";
    std::vector<MachineCell> cells;  // one per SideBySide::machines, in that order
};

struct SideBySide {
    std::vector<MachineColumn> machines;
    std::size_t reference = 0;  // index into machines
    std::vector<MachineRow> rows;
};

inline const char* missing_cell = "\xE2\x80\x94";  // "—"

// A value in its unit: times in ns get a unit chosen for the value, others an SI prefix.
inline std::string format_in_unit(double v, const std::string& unit) {
    if (unit == "ns") return format_time(v);
    if (!std::isfinite(v)) return "-";
    return format_value(v) + " " + unit;
}

// "131.8 ns ±0.4%": the median and its interval's half-width as a share of it.
inline std::string format_median_ci(const MachineCell& c, const std::string& unit) {
    std::string out = format_in_unit(c.value, unit);
    if (std::isfinite(c.lower) && std::isfinite(c.upper) && c.value > 0 && c.upper >= c.lower)
        out += " \xC2\xB1" + format_percent((c.upper - c.lower) / 2.0 / c.value);
    return out;
}

// "×1.216": three decimals, so that a 0.5% difference is visible.
inline std::string format_ratio(double r) {
    if (!std::isfinite(r)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "\xC3\x97%.3f", r);
    return buf;
}

inline std::string legend_dates(const MachineColumn& m) {
    if (m.first.empty()) return "-";
    return m.first.substr(0, 10) + " .. " + m.last.substr(0, 10);
}

// A cell's figures: median ±interval and, but in the reference's column, the ratio ("×—" when
// the reference lacks the benchmark). The trend follows them, painted by each report.
inline std::string machine_figures(const SideBySide& s, const MachineRow& r, std::size_t m) {
    const MachineCell& c = r.cells[m];
    std::string out = format_median_ci(c, r.unit);
    if (m != s.reference) out += " " + (std::isfinite(c.ratio) ? format_ratio(c.ratio) : std::string("\xC3\x97") + missing_cell);
    return out;
}

inline std::string machine_cell_text(const SideBySide& s, const MachineRow& r, std::size_t m, const Style& style) {
    const MachineCell& c = r.cells[m];
    if (!c.present) return missing_cell;
    Trend t;
    t.status = c.trend;
    return machine_figures(s, r, m) + " " + paint_trend(t, style);
}

inline std::string console_machines(const SideBySide& s, const Style& style) {
    std::string out;
    if (s.machines.empty()) return "no machine\n";
    const MachineColumn& ref = s.machines[s.reference];
    out += style.bold("machines") + " (ratio: the latest median / " + ref.label + "'s)\n";
    Table legend({"Machine", "Id", "Fingerprint", "Runs", "Dates"}, {true, true, true, false, true});
    for (std::size_t i = 0; i < s.machines.size(); ++i) {
        const MachineColumn& m = s.machines[i];
        legend.add({m.label + (i == s.reference ? " (reference)" : ""), m.id, detail::one_line(m.fingerprint),
                    std::to_string(m.runs), legend_dates(m)});
    }
    out += legend.render(style) + "\n";
    std::vector<std::string> header = {"Benchmark"};
    for (const auto& m : s.machines) header.push_back(m.label);
    Table table(header);
    for (const MachineRow& r : s.rows) {
        std::vector<std::string> row = {detail::one_line(r.name)};
        for (std::size_t m = 0; m < s.machines.size(); ++m) row.push_back(machine_cell_text(s, r, m, style));
        table.add(std::move(row));
    }
    out += table.render(style);
    return out;
}

inline std::string markdown_machines(const SideBySide& s) {
    std::string out = "## Benchmarks by machine\n\n";
    if (s.machines.empty()) return out + "No machine.\n";
    const MachineColumn& ref = s.machines[s.reference];
    out += "Each machine's latest median with its 95% interval, the ratio to **" + ref.label +
           "** (the reference) and the trend of its runs. — : not measured on that machine.\n\n";
    out += "| Machine | Id | Fingerprint | Runs | Dates |\n|:--|:--|:--|--:|:--|\n";
    for (std::size_t i = 0; i < s.machines.size(); ++i) {
        const MachineColumn& m = s.machines[i];
        out += "| " + m.label + (i == s.reference ? " (reference)" : "") + " | `" + m.id + "` | " +
               markdown_escape(m.fingerprint) + " | " + std::to_string(m.runs) + " | " + legend_dates(m) + " |\n";
    }
    out += "\n| Benchmark |";
    for (const auto& m : s.machines) out += " " + m.label + " |";
    out += "\n|:--|";
    for (std::size_t i = 0; i < s.machines.size(); ++i) out += "--:|";
    out += "\n";
    for (const MachineRow& r : s.rows) {
        out += "| " + markdown_escape(r.name) + " |";
        for (std::size_t m = 0; m < s.machines.size(); ++m) {
            const MachineCell& c = r.cells[m];
            const bool alarm = c.trend == TrendStatus::step_slower || c.trend == TrendStatus::drifting_slower;
            out += std::string(" ") +
                   (c.present ? markdown_escape(machine_figures(s, r, m)) + (alarm ? " **" : " ") + to_string(c.trend) + (alarm ? "**" : "")
                              : std::string(missing_cell)) +
                   " |";
        }
        out += "\n";
    }
    return out + "\n";
}

// Schema "benchgate-machines/1": machines (the legend, reference flagged), then per benchmark
// one entry per machine in the legend's order (null where it was not measured).
inline std::string json_machines(const SideBySide& s) {
    std::string out;
    detail::JsonWriter w(out);
    w.begin_object();
    w.field("schema", "benchgate-machines/1");
    w.key("reference");
    if (s.machines.empty()) w.null();
    else w.value(s.machines[s.reference].id);
    w.key("machines").begin_array();
    for (std::size_t i = 0; i < s.machines.size(); ++i) {
        const MachineColumn& m = s.machines[i];
        w.begin_object().field("label", m.label).field("id", m.id).field("fingerprint", m.fingerprint);
        w.field("runs", static_cast<std::uint64_t>(m.runs)).field("first", m.first).field("last", m.last);
        w.field("reference", i == s.reference).end_object();
    }
    w.end_array();
    w.key("benchmarks").begin_array();
    for (const MachineRow& r : s.rows) {
        w.begin_object().field("name", r.name).field("unit", r.unit);
        w.key("machines").begin_array();
        for (std::size_t m = 0; m < r.cells.size(); ++m) {
            const MachineCell& c = r.cells[m];
            if (!c.present) {
                w.null();
                continue;
            }
            w.begin_object().field("id", s.machines[m].id);
            w.key("median").begin_object().field("point", c.value).field("lower", c.lower).field("upper", c.upper).end_object();
            w.field("ratio", c.ratio).field("runs", static_cast<std::uint64_t>(c.runs)).field("date", c.date);
            w.field("trend", to_string(c.trend)).end_object();
        }
        w.end_array().end_object();
    }
    w.end_array();
    w.end_object();
    out += '\n';
    return out;
}

}  // namespace benchgate::report
