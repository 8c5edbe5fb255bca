// benchgate: the markdown report, in the shape of a pull-request comment table.
#pragma once

#include <string>
#include <string_view>

#include "../compare.hpp"
#include "../version.hpp"
#include "../result.hpp"
#include "explain.hpp"
#include "format.hpp"

namespace benchgate {
namespace report {

// Escapes a name for a markdown table cell: backslash-escapes the characters that start
// emphasis, code, links, HTML or an entity (&lt; would show as <), and the pipe that would
// split the cell; flattens control characters. Our own prose goes through unescaped.
inline std::string markdown_escape(std::string_view s) {
    std::string out;
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) {
            out += ' ';
        } else if (std::string_view("\\`*_[]<>|~&").find(ch) != std::string_view::npos) {
            out += '\\';
            out += ch;
        } else {
            out += ch;
        }
    }
    return out;
}

inline const char* status_badge(Status s) {
    switch (s) {
    case Status::regression: return "\xF0\x9F\x94\xB4 REGRESSION";  // 🔴
    case Status::undecided: return "\xE2\x9D\x93 UNDECIDED";      // ❓
    case Status::slower: return "\xF0\x9F\x9F\xA1 SLOWER";          // 🟡
    case Status::stable: return "\xE2\x9A\xAA STABLE";              // ⚪
    case Status::faster: return "\xF0\x9F\x9F\xA2 FASTER";          // 🟢
    case Status::improved: return "\xF0\x9F\x9A\x80 IMPROVED";      // 🚀
    case Status::added: return "\xF0\x9F\x86\x95 NEW";              // 🆕
    case Status::missing: return "\xE2\x9D\x94 MISSING";            // ❔
    case Status::failed: return "\xE2\x9D\x8C FAILED";              // ❌
    case Status::accepted: return "\xE2\x9C\x85 ACCEPTED";          // ✅
    }
    return "STABLE";
}

// "## 📊 Benchmark Results", the comparison table, then "### Summary".
inline std::string markdown_comparison(const GateReport& report) {
    std::string out = "## \xF0\x9F\x93\x8A Benchmark Results\n\n";
    if (!report.machine_warning.empty()) out += "> \xE2\x9A\xA0\xEF\xB8\x8F " + markdown_escape(report.machine_warning) + "\n\n";
    if (!report.baseline_warning.empty()) out += "> \xE2\x9A\xA0\xEF\xB8\x8F " + markdown_escape(report.baseline_warning) + "\n\n";
    if (const std::string note = speed_note(report); !note.empty()) out += "> " + note + "\n\n";
    if (!report.mode_note.empty()) out += "> " + markdown_escape(report.mode_note) + "\n\n";
    out += "| Benchmark | Baseline | Current | Change | Status |\n";
    out += "|-----------|----------|---------|--------|--------|\n";
    for (const auto& c : report.rows) {
        const std::string change = format_change_ci(c.change);
        std::string current = format_metric(c.current, c.metric);
        if (c.metric == Metric::time)
            if (const std::string rate = format_throughput(c, c.current); !rate.empty()) current += " (" + rate + ")";
        out += "| " + markdown_escape(c.name) + " | " + format_metric(c.baseline, c.metric) + " | " + current + " | " + change + " | " +
               status_badge(c.status) + " |\n";
    }
    out += "\n### Summary\n\n";
    const int regressions = report.count(Status::regression);
    if (regressions > 0) {
        out += "\xE2\x9A\xA0\xEF\xB8\x8F " + std::to_string(regressions) + " Performance Regression" +
               (regressions == 1 ? "" : "s") + " Detected:\n";
        for (const auto& c : report.rows) {
            if (c.status != Status::regression) continue;
            out += "- " + markdown_escape(c.name) + ": " + format_change(c.change.point) + " slower";
            if (const std::string note = confirmation_note(c); !note.empty()) out += " (" + note + ")";
            for (const auto& note : c.notes) out += "; " + markdown_escape(note);
            out += "\n";
        }
    } else {
        out += "\xE2\x9C\x85 No performance regressions detected\n";
    }
    if (const int accepted = report.count(Status::accepted); accepted > 0) {
        out += "\n\xE2\x9C\x85 " + std::to_string(accepted) + " regression" + (accepted == 1 ? "" : "s") +
               " accepted by this change:\n";
        for (const auto& c : report.rows)
            if (c.status == Status::accepted)
                out += "- " + markdown_escape(c.name) + ": " + format_change(c.change.point) + " slower; " +
                       markdown_escape(c.accepted_reason) + "\n";
    }
    if (const int undecided = report.count(Status::undecided); undecided > 0) {
        out += "\n\xE2\x9D\x93 " + std::to_string(undecided) + " benchmark" + (undecided == 1 ? "" : "s") +
               " undecided (the machine was too noisy to tell within the time budget):\n";
        for (const auto& c : report.rows)
            if (c.status == Status::undecided)
                out += "- " + markdown_escape(c.name) + ": " + format_change_ci(c.change) +
                       (likely_regression(c) ? " \xE2\x9A\xA0\xEF\xB8\x8F **likely regression**: past the threshold" : "") + "\n";
    }
    std::string counter_rows;
    for (const auto& c : report.rows)
        for (const auto& cc : c.counters)
            counter_rows += "| " + markdown_escape(c.name) + " | " + markdown_escape(cc.name) + " | " + format_value(cc.baseline) +
                            " | " + format_value(cc.current) + " | " + format_change(cc.change) + " |\n";
    if (!counter_rows.empty())
        out += "\n### Counters (informational)\n\n| Benchmark | Counter | Baseline/op | Current/op | Change |\n"
               "|-----------|---------|-------------|------------|--------|\n" + counter_rows;
    std::string notes;
    for (const auto& c : report.rows) {
        if (c.status == Status::regression) continue;
        if (const std::string note = confirmation_note(c); !note.empty())
            notes += "- " + markdown_escape(c.name) + ": " + note + "\n";
        for (const auto& note : c.notes) notes += "- " + markdown_escape(c.name) + ": " + markdown_escape(note) + "\n";
        if (c.status == Status::missing)
            notes += "- " + markdown_escape(c.name) + ": in the baseline, not in this run\n";
        if (c.status == Status::failed) notes += "- " + markdown_escape(c.name) + ": failed: " + markdown_escape(c.error) + "\n";
    }
    if (const std::string note = session_note(report); !note.empty()) notes += "- " + markdown_escape(note) + "\n";
    if (!notes.empty()) out += "\n" + notes;
    out += markdown_explanations(report.explanations);
    out += "\n<sub>" + status_counts_plain(report) + " \xC2\xB7 " +
           (report.config.metric == Metric::time ? "estimator " + std::string(stats::to_string(report.config.estimator))
                                                 : "gated on " + std::string(to_string(report.config.metric)) + " (exact)") +
           ", threshold " + format_band(report.config.threshold) +
           ", warn " + format_band(report.config.warn_threshold) + " \xC2\xB7 benchgate " BENCHGATE_VERSION_STRING
           "</sub>\n";
    return out;
}

// Without a baseline: a table of results.
inline std::string markdown_results(const RunResult& run) {
    std::string out = "## \xF0\x9F\x93\x8A Benchmark Results\n\n| Benchmark | Median | \xC2\xB1 CI95 | Throughput | Samples |\n";
    out += "|-----------|--------|--------|------------|---------|\n";
    for (const auto& b : run.benchmarks) {
        if (b.failed()) {
            out += "| " + markdown_escape(b.name) + " | \xE2\x9D\x8C FAILED | | | |\n";
            continue;
        }
        out += "| " + markdown_escape(b.name) + " | " + format_time(b.estimates.median.point) + " | " +
               format_percent((b.estimates.median.upper - b.estimates.median.lower) / 2.0 / b.estimates.median.point) +
               " | " + format_throughput(b, b.estimates.median.point) + " | " + std::to_string(b.samples.size()) + " |\n";
    }
    return out;
}

}  // namespace report
}  // namespace benchgate
