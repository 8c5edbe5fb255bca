// benchgate: the console table of a run's results. Formats; never measures.
#pragma once

#include <string>

#include "../compare.hpp"
#include "../detail/one_line.hpp"
#include "../result.hpp"
#include "format.hpp"

namespace benchgate {
namespace report {

inline std::string outliers_cell(const Outliers& o) {
    if (o.total() == 0) return "0";
    std::string s = std::to_string(o.total());
    std::string parts;
    auto add = [&](int n, const char* what) {
        if (n == 0) return;
        if (!parts.empty()) parts += ' ';
        parts += std::to_string(n) + what;
    };
    add(o.low_severe + o.low_mild, "L");
    add(o.high_mild + o.high_severe, "H");
    if (o.low_severe + o.high_severe > 0) parts += " " + std::to_string(o.low_severe + o.high_severe) + "!";
    return s + " (" + parts + ")";
}

// Spread of the median: the 95% interval's half-width relative to the median.
inline double ci_half_width(const Estimate& e) {
    return e.point > 0 ? (e.upper - e.lower) / 2.0 / e.point : 0.0;
}

// Name | median/op | ±CI | MAD | samples × iterations | outliers (L low, H high, ! severe).
inline std::string console_results(const RunResult& run, const Style& style, bool detailed = false) {
    bool any_throughput = false, any_counters = false, any_instr = false, any_alloc = false, any_hw = false;
    for (const auto& b : run.benchmarks) {
        any_throughput = any_throughput || !b.throughput_unit.empty();
        any_counters = any_counters || !b.counters.empty();
        any_instr = any_instr || std::isfinite(b.metrics.instructions);
        any_alloc = any_alloc || std::isfinite(b.metrics.allocations) || std::isfinite(b.metrics.peak_heap_bytes);
        any_hw = any_hw || !b.metrics.hardware.empty();
    }
    std::vector<std::string> header = {"Benchmark", "Median/op"};
    if (any_throughput) header.push_back("Throughput");
    header.insert(header.end(), {"\xC2\xB1" "CI95", "MAD", "Samples", "Outliers"});
    if (detailed) header.insert(header.end(), {"Min", "Mean", "Max", "CI95 of median"});
    if (any_instr) header.insert(header.end(), {"Instr/op", "Est. cycles/op"});
    if (any_alloc) header.insert(header.end(), {"Allocs/op", "Bytes/op", "Peak heap", "RSS growth"});
    if (any_hw) header.push_back("HW counters/op");
    if (any_counters) header.push_back("Counters");
    std::vector<bool> left(header.size(), false);
    if (any_counters) left.back() = true;
    if (any_hw) left[header.size() - (any_counters ? 2 : 1)] = true;
    Table table(header, left);
    int failed = 0;
    for (const auto& b : run.benchmarks) {
        if (b.failed()) {
            ++failed;
            table.add({detail::one_line(b.name), style.bold_red("FAILED")});
            continue;
        }
        const Estimates& e = b.estimates;
        const std::string iters = b.iterations.empty() ? "0" : std::to_string(b.iterations.front());
        std::vector<std::string> row = {detail::one_line(b.name), format_time(e.median.point)};
        if (any_throughput) row.push_back(format_throughput(b, e.median.point));
        std::vector<std::string> rest = {
            format_percent(ci_half_width(e.median)),
            format_percent(e.median.point > 0 ? e.mad / e.median.point : 0.0),
            std::to_string(b.samples.size()) + " \xC3\x97 " + iters,
            outliers_cell(b.outliers),
        };
        row.insert(row.end(), rest.begin(), rest.end());
        if (detailed) {
            row.push_back(format_time(e.min));
            row.push_back(format_time(e.mean.point));
            row.push_back(format_time(e.max));
            row.push_back("[" + format_time(e.median.lower) + ", " + format_time(e.median.upper) + "]");
        }
        if (any_instr) {
            row.push_back(format_count(b.metrics.instructions));
            row.push_back(format_count(b.metrics.estimated_cycles));
        }
        if (any_alloc) {
            row.push_back(format_value(b.metrics.allocations));
            row.push_back(format_value(b.metrics.allocated_bytes));
            row.push_back(format_bytes(b.metrics.peak_heap_bytes));
            row.push_back(format_bytes(b.metrics.rss_growth_bytes));
        }
        if (any_hw) {
            std::string hw;
            for (const auto& [name, value] : b.metrics.hardware) hw += (hw.empty() ? "" : ", ") + detail::one_line(name) + " " + format_count(value);
            row.push_back(hw);
        }
        if (any_counters) row.push_back(detail::one_line(format_counters(b)));
        table.add(row);
    }
    std::string out = table.render(style);
    for (const auto& fit : run.complexity) out += style.dim("complexity: ") + format_complexity(fit) + "\n";
    for (const auto& b : run.benchmarks)
        if (b.failed()) out += style.bold_red("error: ") + detail::one_line(b.name) + " failed: " + detail::one_line(b.error) + "\n";
    return out;
}

inline std::string paint_status(Status s, const Style& style) {
    const char* word = to_string(s);
    switch (s) {
    case Status::regression: return style.bold_red(word);
    case Status::undecided: return style.bold_yellow(word);
    case Status::slower: return style.yellow(word);
    case Status::faster: return style.green(word);
    case Status::improved: return style.bold_green(word);
    case Status::added: return style.cyan(word);
    case Status::missing: return style.yellow(word);
    case Status::failed: return style.bold_red(word);
    case Status::accepted: return style.cyan(word);
    case Status::stable: break;
    }
    return word;
}

// Benchmark | Baseline | Current | Change [95% CI] | Status, then notes and a summary line.
inline std::string console_comparison(const GateReport& report, const Style& style) {
    std::string out;
    if (!report.machine_warning.empty()) out += style.yellow("warning: ") + detail::one_line(report.machine_warning) + "\n";
    if (!report.baseline_warning.empty()) out += style.yellow("warning: ") + detail::one_line(report.baseline_warning) + "\n";
    if (const std::string note = speed_note(report); !note.empty()) out += style.dim("note: ") + note + "\n";
    if (const std::string note = likely_note(report); !note.empty()) out += style.bold_yellow("warning: ") + note + "\n";
    if (!report.mode_note.empty()) out += style.dim("note: ") + report.mode_note + "\n";
    bool non_time = false;
    for (const auto& c : report.rows) non_time = non_time || c.metric != Metric::time;
    std::vector<std::string> header = {"Benchmark", "Baseline", "Current", "Change [95% CI]", "Status"};
    if (non_time) header.push_back("Time/op");
    Table table(header);
    for (const auto& c : report.rows) {
        std::string current = format_metric(c.current, c.metric);
        if (c.metric == Metric::time)
            if (const std::string rate = format_throughput(c, c.current); !rate.empty()) current += " (" + rate + ")";
        std::vector<std::string> row = {detail::one_line(c.name), format_metric(c.baseline, c.metric), current, format_change_ci(c.change),
                                        paint_status(c.status, style)};
        if (non_time) row.push_back(format_time(c.current_time));
        table.add(row);
    }
    out += table.render(style);
    bool any_counters = false;
    for (const auto& c : report.rows) any_counters = any_counters || !c.counters.empty();
    if (any_counters) {
        Table counters({"Counter (informational)", "Baseline/op", "Current/op", "Change"});
        for (const auto& c : report.rows)
            for (const auto& cc : c.counters)
                counters.add({detail::one_line(c.name + " " + cc.name), format_value(cc.baseline), format_value(cc.current), format_change(cc.change)});
        out += "\n" + counters.render(style);
    }
    for (const auto& c : report.rows) {
        if (const std::string note = confirmation_note(c); !note.empty()) out += "  " + detail::one_line(c.name) + ": " + note + "\n";
        for (const auto& note : c.notes) out += "  " + detail::one_line(c.name) + ": " + style.yellow("note: ") + detail::one_line(note) + "\n";
        if (c.status == Status::accepted)
            out += "  " + detail::one_line(c.name) + ": " + style.cyan("accepted: ") + detail::one_line(c.accepted_reason) + "\n";
        if (c.status == Status::failed) out += "  " + detail::one_line(c.name) + ": " + style.bold_red("failed: ") + detail::one_line(c.error) + "\n";
        else if (!c.error.empty()) out += "  " + detail::one_line(c.name) + ": " + detail::one_line(c.error) + "\n";
    }
    const std::string judged = report.config.metric == Metric::time ? stats::to_string(report.config.estimator)
                                                                     : std::string(to_string(report.config.metric)) + ", exact";
    out += "\n" + status_counts_plain(report) + " (" + judged + ", threshold " +
           format_band(report.config.threshold) + ", warn " + format_band(report.config.warn_threshold) + ")";
    if (report.failed()) out += " \u2014 " + style.bold_red("gate FAILED");
    out += "\n";
    if (const std::string note = session_note(report); !note.empty()) out += style.dim("note: " + note) + "\n";
    return out;
}

}  // namespace report
}  // namespace benchgate
