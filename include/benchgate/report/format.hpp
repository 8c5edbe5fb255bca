// benchgate: text formatting shared by the reporters: time units, percentages,
// colour, and an aligned table that measures UTF-8 text by display columns.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "../compare.hpp"

namespace benchgate {
namespace report {

// A time in nanoseconds with a unit chosen for the value (ns, µs, ms, s), four significant digits.
inline std::string format_time(double ns) {
    if (!std::isfinite(ns)) return "-";
    const char* unit = "ns";
    double v = ns;
    if (std::fabs(ns) >= 1e9) { v = ns / 1e9; unit = "s"; }
    else if (std::fabs(ns) >= 1e6) { v = ns / 1e6; unit = "ms"; }
    else if (std::fabs(ns) >= 1e3) { v = ns / 1e3; unit = "\xC2\xB5s"; }
    char buf[48];
    const double a = std::fabs(v);
    const int decimals = a >= 100 ? 1 : a >= 10 ? 2 : 3;
    std::snprintf(buf, sizeof buf, "%.*f %s", decimals, v, unit);
    return buf;
}

// A rate per second with a binary (bytes) or SI (elements, counts) prefix: "1.23 GiB/s",
// "45.6 Melem/s", "3.4 M/s".
inline std::string format_rate(double per_second, const std::string& unit) {
    if (!std::isfinite(per_second) || per_second <= 0 || unit.empty()) return "-";
    const bool bytes = unit == "bytes";
    const double base = bytes ? 1024.0 : 1000.0;
    static const char* byte_units[] = {"B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"};
    static const char* elem_units[] = {"elem/s", "Kelem/s", "Melem/s", "Gelem/s", "Telem/s"};
    static const char* plain_units[] = {"/s", "K/s", "M/s", "G/s", "T/s"};
    const char* const* units = bytes ? byte_units : unit == "elements" ? elem_units : plain_units;
    int k = 0;
    double v = per_second;
    while (v >= base && k < 4) {
        v /= base;
        ++k;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f %s", v >= 100 ? 1 : v >= 10 ? 2 : 3, v, units[k]);
    return buf;
}

// The throughput of a benchmark at a given time per iteration, or "" when it has none.
inline std::string format_throughput(const BenchmarkResult& b, double ns_per_iteration) {
    if (b.throughput_unit.empty() || !(ns_per_iteration > 0)) return {};
    return format_rate(b.throughput * 1e9 / ns_per_iteration, b.throughput_unit);
}

// The current rate of a compared benchmark, or "".
inline std::string format_throughput(const Comparison& c, double ns_per_iteration) {
    if (c.throughput_unit.empty() || !(ns_per_iteration > 0)) return {};
    return format_rate(c.throughput * 1e9 / ns_per_iteration, c.throughput_unit);
}

// A count with an SI prefix: 1234 -> "1.234 k", 12.5 -> "12.50".
inline std::string format_count(double v) {
    if (!std::isfinite(v)) return "-";
    static const char* prefixes[] = {"", " k", " M", " G", " T"};
    int k = 0;
    while (std::fabs(v) >= 1000.0 && k < 4) {
        v /= 1000.0;
        ++k;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f%s", std::fabs(v) >= 100 ? 1 : std::fabs(v) >= 10 ? 2 : 3, v, prefixes[k]);
    return buf;
}

// Bytes with a binary prefix: 768 -> "768 B", 1536 -> "1.500 KiB", -4096 -> "-4.000 KiB".
inline std::string format_bytes(double v) {
    if (!std::isfinite(v)) return "-";
    static const char* units[] = {" B", " KiB", " MiB", " GiB", " TiB"};
    int k = 0;
    while (std::fabs(v) >= 1024.0 && k < 4) {
        v /= 1024.0;
        ++k;
    }
    char buf[32];
    if (k == 0) std::snprintf(buf, sizeof buf, "%.0f B", v);
    else std::snprintf(buf, sizeof buf, "%.*f%s", std::fabs(v) >= 100 ? 1 : std::fabs(v) >= 10 ? 2 : 3, v, units[k]);
    return buf;
}

// A value of the gated metric: "41.00 ns", "1.234 k instr", "2.000 allocs".
inline std::string format_metric(double v, Metric m) {
    if (m == Metric::instructions) return std::isfinite(v) ? format_count(v) + " instr" : "-";
    if (m == Metric::allocations) return std::isfinite(v) ? format_count(v) + " allocs" : "-";
    if (m == Metric::memory) return format_bytes(v);
    return format_time(v);
}

// A plain number with 4 significant digits.
inline std::string format_value(double v) {
    if (!std::isfinite(v)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

// "frames 12/op, bytes_out 1.2e+03/op (3.4 M/s)".
inline std::string format_counters(const BenchmarkResult& b) {
    std::string out;
    for (const auto& c : b.counters) {
        if (!out.empty()) out += ", ";
        out += c.name + " " + format_count(c.value) + "/op";
        if (c.rate && b.estimates.median.point > 0) out += " (" + format_rate(c.value * 1e9 / b.estimates.median.point, "count") + ")";
    }
    return out;
}

// A fraction as a signed percentage: 0.0123 -> "+1.2%".
inline std::string format_change(double fraction, int decimals = 1) {
    if (fraction == INFINITY) return "+inf%";  // from zero to something (e.g. allocations)
    if (!std::isfinite(fraction)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.*f%%", decimals, fraction * 100.0);
    return buf;
}

// A fraction as an unsigned percentage: 0.0123 -> "1.2%".
inline std::string format_percent(double fraction, int decimals = 1) {
    if (!std::isfinite(fraction)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f%%", decimals, fraction * 100.0);
    return buf;
}

// Display columns of UTF-8 text: one per code point, two for emoji and other wide symbols.
inline std::size_t display_width(std::string_view s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
        if (c == 0x1B) {  // skip ANSI escape sequences: they take no columns
            std::size_t j = i + 1;
            if (j < s.size() && s[j] == '[') {
                ++j;
                while (j < s.size() && !(s[j] >= '@' && s[j] <= '~')) ++j;
                i = j + 1;
                continue;
            }
        }
        if (len == 3 && i + 2 < s.size()) {
            // U+FE0F (variation selector) takes no column of its own.
            if (c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xB8 && static_cast<unsigned char>(s[i + 2]) == 0x8F) {
                i += 3;
                continue;
            }
        }
        w += len == 4 ? 2 : 1;
        i += len;
    }
    return w;
}

// A change with its interval: "+24.9% [+23.1%, +26.8%]".
inline std::string format_change_ci(const Estimate& change) {
    if (!std::isfinite(change.point) || change.lower == change.upper) return format_change(change.point);
    return format_change(change.point) + " [" + format_change(change.lower) + ", " + format_change(change.upper) + "]";
}

// How a suspected regression was re-measured, in words; "" when it was not a suspect.
inline std::string confirmation_note(const Comparison& c) {
    if (!std::isfinite(c.first_change)) return {};
    std::string changes;
    for (double x : c.confirm_changes) changes += (changes.empty() ? "" : ", ") + format_change(x);
    const std::string processes = std::to_string(c.processes_current) + " process" + (c.processes_current == 1 ? "" : "es");
    std::string out = "first " + format_change(c.first_change);
    if (c.confirm_attempts > 0) out += ", then " + changes + " as fresh processes joined";
    out += "; judged on " + processes + " (interval " + format_change_ci(c.change) + ")";
    if (!c.confirm_error.empty()) out += "; re-measuring failed: " + c.confirm_error;
    if (c.status == Status::regression && c.processes_current < 2) out += "; not re-measured";
    if (c.status == Status::undecided) out += "; still undecided: the interval reaches past the threshold";
    return out;
}

// A verdict band: "10%", "0.5%".
inline std::string format_band(double fraction) {
    const double pct = fraction * 100.0;
    return format_percent(fraction, std::fabs(pct - std::round(pct)) < 1e-9 ? 0 : 1);
}

// "1 REGRESSION, 3 STABLE": one entry per status that occurs.
inline std::string status_counts_plain(const GateReport& report) {
    std::string out;
    for (Status s : {Status::regression, Status::undecided, Status::slower, Status::stable, Status::faster, Status::improved,
                     Status::added, Status::missing, Status::failed, Status::accepted}) {
        const int n = report.count(s);
        if (n == 0) continue;
        if (!out.empty()) out += ", ";
        out += std::to_string(n) + " " + to_string(s);
    }
    return out;
}

// One line about the machine-speed reference when it moved beyond the noise band, else "".
inline std::string speed_note(const GateReport& report) {
    if (!report.speed_measured || report.config.metric != Metric::time || !report.speed_corrected) return {};
    return "machine speed: the reference workload ran " + format_percent(std::fabs(report.speed_factor - 1.0)) +
           (report.speed_factor > 1.0 ? " slower" : " faster") + " than when the baseline was recorded (" +
           format_change_ci(report.machine) + "); whether a benchmark moved with it cannot be told, so the intervals of " +
           std::to_string(report.speed_applied_rows) +
           " benchmark(s) cover both readings, raw and corrected (--speed-correction off to disable; re-record the baseline "
           "or gate in duet mode for a decision)";
}

// "1 likely regression undecided": the UNDECIDED rows whose point is past the threshold, or "".
inline std::string likely_note(const GateReport& report) {
    const auto n = std::count_if(report.rows.begin(), report.rows.end(), [](const Comparison& c) { return likely_regression(c); });
    if (n == 0) return {};
    return std::to_string(n) + " likely regression" + (n == 1 ? "" : "s") +
           " undecided: the change is past the threshold but its interval still reaches into the warn band"
           " (--fail-on-undecided fails the gate on it)";
}

// Complexity lines: "frame/encode: O(n), 0.52 ns * n (RMS 2.1%)".
inline std::string format_complexity(const ComplexityFit& f) {
    const std::string term = f.best == "O(1)" ? "" : f.best.substr(2, f.best.size() - 3);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g ns", f.coefficient);
    return f.family + ": " + f.best + ", about " + buf + (term.empty() ? "" : " \xC3\x97 " + term) + " per iteration (RMS " +
           format_percent(f.rms) + ")";
}

struct Style {
    bool color = false;
    std::string paint(std::string_view text, const char* code) const {
        if (!color) return std::string(text);
        return std::string("\x1b[") + code + "m" + std::string(text) + "\x1b[0m";
    }
    std::string bold(std::string_view t) const { return paint(t, "1"); }
    std::string dim(std::string_view t) const { return paint(t, "2"); }
    std::string red(std::string_view t) const { return paint(t, "31"); }
    std::string bold_red(std::string_view t) const { return paint(t, "1;31"); }
    std::string green(std::string_view t) const { return paint(t, "32"); }
    std::string bold_green(std::string_view t) const { return paint(t, "1;32"); }
    std::string yellow(std::string_view t) const { return paint(t, "33"); }
    std::string bold_yellow(std::string_view t) const { return paint(t, "1;33"); }
    std::string cyan(std::string_view t) const { return paint(t, "36"); }
};

// An aligned text table: first column left-aligned, the others right-aligned unless told.
class Table {
public:
    explicit Table(std::vector<std::string> header, std::vector<bool> left_aligned = {})
        : header_(std::move(header)), left_(std::move(left_aligned)) {
        left_.resize(header_.size(), false);
        if (!left_.empty()) left_[0] = true;
    }
    void add(std::vector<std::string> row) {
        row.resize(header_.size());
        rows_.push_back(std::move(row));
    }
    std::string render(const Style& style) const {
        std::vector<std::size_t> width(header_.size(), 0);
        for (std::size_t c = 0; c < header_.size(); ++c) width[c] = display_width(header_[c]);
        for (const auto& r : rows_)
            for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], display_width(r[c]));
        std::string out;
        auto line = [&](const std::vector<std::string>& cells, bool is_header) {
            std::string text;
            for (std::size_t c = 0; c < cells.size(); ++c) {
                const std::size_t pad = width[c] - display_width(cells[c]);
                if (c > 0) text += "  ";
                if (left_[c]) {
                    text += cells[c];
                    if (c + 1 < cells.size()) text.append(pad, ' ');
                } else {
                    text.append(pad, ' ');
                    text += cells[c];
                }
            }
            out += is_header ? style.bold(text) : text;
            out += '\n';
        };
        line(header_, true);
        for (const auto& r : rows_) line(r, false);
        return out;
    }

private:
    std::vector<std::string> header_;
    std::vector<bool> left_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace report
}  // namespace benchgate
