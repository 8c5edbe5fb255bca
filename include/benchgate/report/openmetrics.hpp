// benchgate: the OpenMetrics 1.0 text format, for a Prometheus push gateway or any scraper of
// files. One gauge family per quantity, every benchmark a metric of it labelled
// benchmark="<full name>"; the families, in this order:
//
//   benchgate_run_info                   info: host, cpu, cores, compiler, build type, version,
//                                        commit, shard, created (labels left out when empty)
//   benchgate_time_seconds               the median time per iteration (estimate="median") and
//                                        the ends of its 95% interval (estimate="lower", "upper"),
//                                        as one family with an `estimate` label so that a query
//                                        selects the band it wants
//   benchgate_samples                    samples taken
//   benchgate_failed                     1 for a benchmark that failed (it has no other
//                                        metric; its message is in the result file), 0 otherwise
//   benchgate_throughput_bytes_per_second, benchgate_throughput_elements_per_second
//                                        the declared throughput at the median time
//   benchgate_instructions_per_iteration, benchgate_estimated_cycles_per_iteration,
//   benchgate_allocations_per_iteration, benchgate_allocated_bytes_per_iteration
//                                        when measured
//
// A family no benchmark has is left out. Label values are escaped as the format requires
// (backslash, double quote and line feed) and made valid UTF-8; help texts hold none of those
// characters; the text ends with "# EOF".
#pragma once

#include <charconv>
#include <cmath>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../detail/utf8.hpp"
#include "../result.hpp"

namespace benchgate::report {

// A label value: valid UTF-8 with \\, \" and \n escaped.
inline std::string openmetrics_label_value(std::string_view s) {
    std::string out;
    for (char c : detail::to_valid_utf8(s)) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

// A float as OpenMetrics writes one: the shortest text that reads back to the same double,
// with a decimal point or an exponent (".0" appended to whole numbers); NaN and +Inf/-Inf.
inline std::string openmetrics_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string out(buf, r.ptr);
    if (out.find_first_of(".e") == std::string::npos) out += ".0";
    return out;
}

inline std::string openmetrics_report(const RunResult& run) {
    std::string out;
    auto family = [&](const std::string& name, const char* type, const char* unit, const char* help) {
        out += "# TYPE " + name + " " + type + "\n";
        if (unit[0]) out += "# UNIT " + name + " " + unit + "\n";
        out += "# HELP " + name + " " + help + "\n";
    };
    auto label = [](const BenchmarkResult& b) { return "benchmark=\"" + openmetrics_label_value(b.name) + "\""; };

    const Context& c = run.context;
    family("benchgate_run", "info", "", "Where and how the run was measured.");
    std::string labels;
    auto info = [&](const char* key, const std::string& value) {
        if (value.empty()) return;
        labels += (labels.empty() ? "" : ",") + std::string(key) + "=\"" + openmetrics_label_value(value) + "\"";
    };
    info("host", c.host);
    info("cpu", c.cpu);
    info("cores", c.cores > 0 ? std::to_string(c.cores) : std::string());
    info("compiler", c.compiler);
    info("build_type", c.build_type);
    info("benchgate_version", c.benchgate_version);
    info("commit", c.commit);
    info("shard", c.shard);
    info("created", run.created);
    out += "benchgate_run_info{" + labels + "} 1\n";

    bool any_ok = false, any_bytes = false, any_elements = false;
    for (const auto& b : run.benchmarks) {
        any_ok = any_ok || !b.failed();
        any_bytes = any_bytes || (!b.failed() && b.throughput_unit == "bytes");
        any_elements = any_elements || (!b.failed() && b.throughput_unit == "elements");
    }
    if (any_ok) {
        family("benchgate_time_seconds", "gauge", "seconds",
               "Time per iteration: the median of the samples (label estimate: median) and the ends of its 95% "
               "interval (lower, upper).");
        for (const auto& b : run.benchmarks) {
            if (b.failed()) continue;
            const Estimate& m = b.estimates.median;
            for (const auto& [which, ns] : {std::pair<const char*, double>{"median", m.point}, {"lower", m.lower}, {"upper", m.upper}})
                out += "benchgate_time_seconds{" + label(b) + ",estimate=\"" + which + "\"} " + openmetrics_number(ns / 1e9) + "\n";
        }
        family("benchgate_samples", "gauge", "", "Samples taken (each the time per iteration of one batch of iterations).");
        for (const auto& b : run.benchmarks)
            if (!b.failed()) out += "benchgate_samples{" + label(b) + "} " + std::to_string(b.samples.size()) + "\n";
    }
    if (!run.benchmarks.empty()) {
        family("benchgate_failed", "gauge", "", "1 when the benchmark failed (its message is in the result file), 0 otherwise.");
        for (const auto& b : run.benchmarks) out += "benchgate_failed{" + label(b) + "} " + (b.failed() ? "1" : "0") + "\n";
    }
    auto rates = [&](const char* unit, const char* name, const char* per_second, const char* help) {
        family(name, "gauge", per_second, help);
        for (const auto& b : run.benchmarks)
            if (!b.failed() && b.throughput_unit == unit && b.estimates.median.point > 0)
                out += std::string(name) + "{" + label(b) + "} " +
                       openmetrics_number(b.throughput * 1e9 / b.estimates.median.point) + "\n";
    };
    if (any_bytes)
        rates("bytes", "benchgate_throughput_bytes_per_second", "bytes_per_second",
              "Declared bytes per iteration over the median time per iteration.");
    if (any_elements)
        rates("elements", "benchgate_throughput_elements_per_second", "elements_per_second",
              "Declared elements per iteration over the median time per iteration.");
    auto per_iteration = [&](const char* name, const char* help, const std::function<double(const BenchmarkResult&)>& get) {
        bool any = false;
        for (const auto& b : run.benchmarks) any = any || (!b.failed() && std::isfinite(get(b)));
        if (!any) return;
        family(name, "gauge", "", help);
        for (const auto& b : run.benchmarks)
            if (!b.failed() && std::isfinite(get(b))) out += std::string(name) + "{" + label(b) + "} " + openmetrics_number(get(b)) + "\n";
    };
    per_iteration("benchgate_instructions_per_iteration", "Instructions per iteration, counted under callgrind.",
                  [](const BenchmarkResult& b) { return b.metrics.instructions; });
    per_iteration("benchgate_estimated_cycles_per_iteration", "Cycles per iteration estimated by callgrind's cache simulation.",
                  [](const BenchmarkResult& b) { return b.metrics.estimated_cycles; });
    per_iteration("benchgate_allocations_per_iteration", "Calls of operator new per iteration.",
                  [](const BenchmarkResult& b) { return b.metrics.allocations; });
    per_iteration("benchgate_allocated_bytes_per_iteration", "Bytes allocated with operator new per iteration.",
                  [](const BenchmarkResult& b) { return b.metrics.allocated_bytes; });
    out += "# EOF\n";
    return out;
}

}  // namespace benchgate::report
