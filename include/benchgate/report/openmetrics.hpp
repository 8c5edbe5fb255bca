// benchgate: the OpenMetrics 1.0 text format, for any scraper of files, and the Prometheus text
// format 0.0.4 of the same metrics, for a Prometheus Pushgateway. One gauge family per quantity,
// every benchmark a metric of it labelled benchmark="<full name>"; the families, in this order:
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
// characters; the text ends with "# EOF". prometheus_text_report renders the same metrics in the
// Prometheus text format 0.0.4 (what `benchgate push` sends to a Pushgateway).
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

// One sample of a family: its labels (unescaped; the renderers escape them) and its value as
// text, which reads the same in both formats below.
struct MetricSample {
    std::vector<std::pair<std::string, std::string>> labels;
    std::string value;
};

// One family of the list at the top of this file; `type` is OpenMetrics' ("info" or "gauge"),
// `unit` "" when it has none. An info family's samples are named `name` + "_info".
struct MetricFamily {
    std::string name;
    const char* type;
    const char* unit;
    const char* help;  // holds no backslash, double quote or line feed
    std::vector<MetricSample> samples;
};

// The metrics of a run, the one model both text formats render.
inline std::vector<MetricFamily> metric_families(const RunResult& run) {
    std::vector<MetricFamily> out;
    auto family = [&](const std::string& name, const char* type, const char* unit, const char* help) -> MetricFamily& {
        out.push_back(MetricFamily{name, type, unit, help, {}});
        return out.back();
    };
    auto sample = [](MetricFamily& f, const BenchmarkResult& b, std::string value) {
        f.samples.push_back(MetricSample{{{"benchmark", b.name}}, std::move(value)});
    };

    const Context& c = run.context;
    MetricFamily& run_info = family("benchgate_run", "info", "", "Where and how the run was measured.");
    std::vector<std::pair<std::string, std::string>> labels;
    auto info = [&](const char* key, const std::string& value) {
        if (!value.empty()) labels.emplace_back(key, value);
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
    run_info.samples.push_back(MetricSample{labels, "1"});

    bool any_ok = false, any_bytes = false, any_elements = false;
    for (const auto& b : run.benchmarks) {
        any_ok = any_ok || !b.failed();
        any_bytes = any_bytes || (!b.failed() && b.throughput_unit == "bytes");
        any_elements = any_elements || (!b.failed() && b.throughput_unit == "elements");
    }
    if (any_ok) {
        MetricFamily& time = family("benchgate_time_seconds", "gauge", "seconds",
                                    "Time per iteration: the median of the samples (label estimate: median) and the ends of its "
                                    "95% interval (lower, upper).");
        for (const auto& b : run.benchmarks) {
            if (b.failed()) continue;
            const Estimate& m = b.estimates.median;
            for (const auto& [which, ns] : {std::pair<const char*, double>{"median", m.point}, {"lower", m.lower}, {"upper", m.upper}})
                time.samples.push_back(MetricSample{{{"benchmark", b.name}, {"estimate", which}}, openmetrics_number(ns / 1e9)});
        }
        MetricFamily& samples =
            family("benchgate_samples", "gauge", "", "Samples taken (each the time per iteration of one batch of iterations).");
        for (const auto& b : run.benchmarks)
            if (!b.failed()) sample(samples, b, std::to_string(b.samples.size()));
    }
    if (!run.benchmarks.empty()) {
        MetricFamily& failed =
            family("benchgate_failed", "gauge", "", "1 when the benchmark failed (its message is in the result file), 0 otherwise.");
        for (const auto& b : run.benchmarks) sample(failed, b, b.failed() ? "1" : "0");
    }
    auto rates = [&](const char* unit, const char* name, const char* per_second, const char* help) {
        MetricFamily& f = family(name, "gauge", per_second, help);
        for (const auto& b : run.benchmarks)
            if (!b.failed() && b.throughput_unit == unit && b.estimates.median.point > 0)
                sample(f, b, openmetrics_number(b.throughput * 1e9 / b.estimates.median.point));
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
        MetricFamily& f = family(name, "gauge", "", help);
        for (const auto& b : run.benchmarks)
            if (!b.failed() && std::isfinite(get(b))) sample(f, b, openmetrics_number(get(b)));
    };
    per_iteration("benchgate_instructions_per_iteration", "Instructions per iteration, counted under callgrind.",
                  [](const BenchmarkResult& b) { return b.metrics.instructions; });
    per_iteration("benchgate_estimated_cycles_per_iteration", "Cycles per iteration estimated by callgrind's cache simulation.",
                  [](const BenchmarkResult& b) { return b.metrics.estimated_cycles; });
    per_iteration("benchgate_allocations_per_iteration", "Calls of operator new per iteration.",
                  [](const BenchmarkResult& b) { return b.metrics.allocations; });
    per_iteration("benchgate_allocated_bytes_per_iteration", "Bytes allocated with operator new per iteration.",
                  [](const BenchmarkResult& b) { return b.metrics.allocated_bytes; });
    return out;
}

// A sample's line: NAME{label="value",...} VALUE (the label escapes are the same in both formats).
inline std::string metric_sample_line(const std::string& name, const MetricSample& s) {
    std::string line = name + "{";
    for (std::size_t i = 0; i < s.labels.size(); ++i)
        line += (i ? "," : "") + s.labels[i].first + "=\"" + openmetrics_label_value(s.labels[i].second) + "\"";
    return line + "} " + s.value + "\n";
}

inline std::string openmetrics_report(const RunResult& run) {
    std::string out;
    for (const MetricFamily& f : metric_families(run)) {
        out += "# TYPE " + f.name + " " + f.type + "\n";
        if (f.unit[0]) out += "# UNIT " + f.name + " " + f.unit + "\n";
        out += "# HELP " + f.name + " " + f.help + "\n";
        const std::string sample_name = f.name + (std::string_view(f.type) == "info" ? "_info" : "");
        for (const MetricSample& s : f.samples) out += metric_sample_line(sample_name, s);
    }
    out += "# EOF\n";
    return out;
}

// The same metrics in the Prometheus text format 0.0.4, which a Pushgateway and promtool read
// (and the node exporter's textfile collector): no UNIT lines and no "# EOF", which that format
// lacks; the info family becomes a gauge named benchgate_run_info (0.0.4 has no info type, and a
// family's name there is its samples' name); no timestamps (a Pushgateway refuses them).
inline std::string prometheus_text_report(const RunResult& run) {
    std::string out;
    for (const MetricFamily& f : metric_families(run)) {
        const bool info = std::string_view(f.type) == "info";
        const std::string name = f.name + (info ? "_info" : "");
        out += "# HELP " + name + " " + f.help + "\n";
        out += "# TYPE " + name + " " + (info ? "gauge" : f.type) + "\n";
        for (const MetricSample& s : f.samples) out += metric_sample_line(name, s);
    }
    return out;
}

}  // namespace benchgate::report
