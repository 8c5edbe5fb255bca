// benchgate: CSV export, one row per benchmark. RFC 4180 quoting; times in ns,
// changes as fractions, so spreadsheets and scripts need no unit parsing.
#pragma once

#include <cmath>
#include <string>
#include <string_view>

#include "../compare.hpp"
#include "../detail/json_writer.hpp"
#include "../result.hpp"

namespace benchgate {
namespace report {

// Quotes a field when it holds a comma, a quote, or a line break; doubles inner quotes.
inline std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

inline std::string csv_number(double v) {
    if (!std::isfinite(v)) return {};
    std::string out;
    detail::json_number(out, v);
    return out;
}

// Columns: name, status, the current run's estimates and intervals, and when a baseline was
// given, the gated estimates, the change with its interval and the p-values.
inline std::string csv_report(const RunResult& run, const GateReport* gate) {
    std::string out =
        "name,status,samples,median_ns,median_lower_ns,median_upper_ns,mean_ns,mean_lower_ns,mean_upper_ns,"
        "stddev_ns,mad_ns,min_ns,max_ns,outliers,throughput_unit,throughput_per_iteration,throughput_per_second,"
        "counters,instructions,estimated_cycles,allocations,allocated_bytes,peak_heap_bytes,rss_growth_bytes,"
        "metric,baseline,current,change,change_lower,change_upper,p_value,p_adjusted,confirmation\n";
    NameIndexOf<const Comparison> rows;  // a benchmark's comparison (the first of its name)
    if (gate) rows = NameIndexOf<const Comparison>(gate->rows);
    auto comparison_cells = [&](const Comparison* c) {
        if (!c) return std::string(",,,,,,,,");
        std::string confirm;
        if (std::isfinite(c->first_change))
            confirm = c->confirmed ? "confirmed" : c->status == Status::regression ? "unconfirmed" : "not reproduced";
        return std::string(to_string(c->metric)) + "," + csv_number(c->baseline) + "," + csv_number(c->current) + "," +
               csv_number(c->change.point) + "," +
               csv_number(c->change.lower) + "," + csv_number(c->change.upper) + "," +
               (std::isfinite(c->change.point) ? csv_number(c->p_value) + "," + csv_number(c->p_adjusted) : std::string(",")) +
               "," + confirm;
    };
    for (const auto& b : run.benchmarks) {
        const Comparison* c = rows.find(b.name);
        const std::string status = c ? to_string(c->status) : b.failed() ? "FAILED" : "";
        out += csv_field(b.name) + "," + status + ",";
        if (b.failed()) {
            out += ",,,,,,,,,,,,,,,,,,,,,,";
        } else {
            const Estimates& e = b.estimates;
            out += std::to_string(b.samples.size()) + "," + csv_number(e.median.point) + "," + csv_number(e.median.lower) +
                   "," + csv_number(e.median.upper) + "," + csv_number(e.mean.point) + "," + csv_number(e.mean.lower) + "," +
                   csv_number(e.mean.upper) + "," + csv_number(e.stddev) + "," + csv_number(e.mad) + "," +
                   csv_number(e.min) + "," + csv_number(e.max) + "," + std::to_string(b.outliers.total()) + ",";
            std::string counters;
            for (const auto& c : b.counters) counters += (counters.empty() ? "" : ";") + c.name + "=" + csv_number(c.value);
            out += b.throughput_unit + "," + (b.throughput_unit.empty() ? "" : csv_number(b.throughput)) + "," +
                   (b.throughput_unit.empty() ? "" : csv_number(b.throughput * 1e9 / e.median.point)) + "," +
                   csv_field(counters) + ",";
            const Metrics& m = b.metrics;
            out += csv_number(m.instructions) + "," + csv_number(m.estimated_cycles) + "," + csv_number(m.allocations) + "," +
                   csv_number(m.allocated_bytes) + "," + csv_number(m.peak_heap_bytes) + "," + csv_number(m.rss_growth_bytes) + ",";
        }
        out += comparison_cells(c) + "\n";
    }
    if (gate)
        for (const auto& c : gate->rows)
            if (c.status == Status::missing)
                out += csv_field(c.name) + ",MISSING,,,,,,,,,,,,,,,,,,,,,,," + comparison_cells(&c) + "\n";
    return out;
}

}  // namespace report
}  // namespace benchgate
