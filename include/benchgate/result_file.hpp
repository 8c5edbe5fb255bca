// benchgate: the JSON file format (schema benchgate/1): writing, atomic files, and reading
// with simdjson. Baselines, results and history entries are all this format.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include <simdjson.h>

#include "version.hpp"
#include "detail/json_writer.hpp"
#include "result.hpp"
#include "stats.hpp"

namespace benchgate {

// ---------------------------------------------------------------- writing
inline void write_estimate(detail::JsonWriter& w, std::string_view key, const Estimate& e) {
    w.key(key).begin_object();
    w.field("point", e.point).field("lower", e.lower).field("upper", e.upper);
    w.end_object();
}

inline void write_context(detail::JsonWriter& w, const Context& c) {
    w.key("context").begin_object();
    w.field("host", c.host).field("cpu", c.cpu).field("cores", c.cores);
    w.field("compiler", c.compiler).field("flags", c.flags).field("build_type", c.build_type);
    w.field("benchgate_version", c.benchgate_version).field("commit", c.commit);
    w.field("clock_resolution_ns", c.clock_resolution_ns).field("clock_cost_ns", c.clock_cost_ns);
    if (c.peak_rss_kib > 0) w.field("peak_rss_kib", static_cast<std::uint64_t>(c.peak_rss_kib));
    w.field("pinned_cpu", c.pinned_cpu).field("processes", c.processes);
    if (!c.shard.empty()) w.field("shard", c.shard);
    if (!c.notes.empty()) {
        w.key("notes").begin_array();
        for (const auto& n : c.notes) w.value(n);
        w.end_array();
    }
    w.end_object();
}

// The fields of one benchmark object; the caller opens and closes the object so that
// reporters can append their own fields (e.g. a comparison) to it.
inline void write_benchmark_fields(detail::JsonWriter& w, const BenchmarkResult& b) {
    w.field("name", b.name).field("unit", b.unit);
    if (b.failed()) w.field("error", b.error);
    if (!b.family.empty()) w.field("family", b.family);
    if (!b.params.empty()) {
        w.key("params").begin_object();
        for (const auto& p : b.params) w.field(p.name, static_cast<double>(p.value));
        w.end_object();
    }
    if (!b.throughput_unit.empty()) {
        w.key("throughput").begin_object();
        w.field("unit", b.throughput_unit).field("per_iteration", b.throughput);
        if (b.estimates.median.point > 0) w.field("per_second", b.throughput * 1e9 / b.estimates.median.point);
        w.end_object();
    }
    if (!b.counters.empty()) {
        w.key("counters").begin_object();
        for (const auto& c : b.counters) {
            w.key(c.name).begin_object();
            w.field("per_iteration", c.value).field("rate", c.rate);
            if (c.rate && b.estimates.median.point > 0) w.field("per_second", c.value * 1e9 / b.estimates.median.point);
            w.end_object();
        }
        w.end_object();
    }
    const Metrics& m = b.metrics;
    if (std::isfinite(m.instructions) || std::isfinite(m.allocations) || !m.hardware.empty()) {
        w.key("metrics").begin_object();
        if (std::isfinite(m.instructions)) w.field("instructions", m.instructions);
        if (std::isfinite(m.estimated_cycles)) w.field("estimated_cycles", m.estimated_cycles);
        if (std::isfinite(m.allocations)) w.field("allocations", m.allocations);
        if (std::isfinite(m.allocated_bytes)) w.field("allocated_bytes", m.allocated_bytes);
        if (!m.hardware.empty()) {
            w.key("hardware").begin_object();
            for (const auto& [name, value] : m.hardware) w.field(name, value);
            w.end_object();
        }
        w.end_object();
    }
    if (std::isfinite(b.thresholds.threshold) || std::isfinite(b.thresholds.warn_threshold) ||
        std::isfinite(b.thresholds.noise) || !b.thresholds.gate.empty()) {
        w.key("thresholds").begin_object();
        if (!b.thresholds.gate.empty()) w.field("gate", b.thresholds.gate);
        if (std::isfinite(b.thresholds.threshold)) w.field("threshold", b.thresholds.threshold);
        if (std::isfinite(b.thresholds.warn_threshold)) w.field("warn_threshold", b.thresholds.warn_threshold);
        if (std::isfinite(b.thresholds.noise)) w.field("noise", b.thresholds.noise);
        w.end_object();
    }
    if (b.summary()) {
        w.field("summary_of", b.summary_of);
    } else {
        w.key("iterations").inline_array(b.iterations);
        w.key("samples").inline_array(b.samples);
    }
    if (!b.rounds.empty()) w.key("rounds").inline_array(b.rounds);
    if (std::any_of(b.processes.begin(), b.processes.end(), [](std::uint32_t p) { return p != 0; }))
        w.key("processes").inline_array(b.processes);
    if (!b.paired_baseline.empty()) {
        w.key("paired").begin_object();
        w.key("baseline_samples").inline_array(b.paired_baseline);
        w.end_object();
    }
    w.key("estimates").begin_object();
    write_estimate(w, "median", b.estimates.median);
    write_estimate(w, "mean", b.estimates.mean);
    w.field("stddev", b.estimates.stddev).field("mad", b.estimates.mad);
    w.field("min", b.estimates.min).field("max", b.estimates.max).field("p10", b.estimates.p10);
    w.end_object();
    w.key("outliers").begin_object();
    w.field("low_severe", b.outliers.low_severe).field("low_mild", b.outliers.low_mild);
    w.field("high_mild", b.outliers.high_mild).field("high_severe", b.outliers.high_severe);
    w.end_object();
}

inline void write_run_header(detail::JsonWriter& w, const RunResult& run) {
    w.field("schema", BENCHGATE_SCHEMA).field("created", run.created);
    write_context(w, run.context);
}

// The machine-speed reference, when measured (same shape as a benchmark), and the
// complexity fits of parameterised families.
inline void write_reference(detail::JsonWriter& w, const RunResult& run) {
    if (!run.reference.samples.empty() || run.reference.summary()) {
        w.key("reference").begin_object();
        write_benchmark_fields(w, run.reference);
        w.end_object();
    }
    if (!run.complexity.empty()) {
        w.key("complexity").begin_array();
        for (const auto& f : run.complexity) {
            w.begin_object();
            w.field("family", f.family).field("axis", f.axis).field("best", f.best);
            w.field("coefficient", f.coefficient).field("rms", f.rms);
            w.key("rms_by_model").begin_object();
            for (const auto& [model, rms] : f.rms_by_model) w.field(model, rms);
            w.end_object();
            w.end_object();
        }
        w.end_array();
    }
}

// `pretty`: indented, for people and diffs; compact for history entries.
inline std::string to_json(const RunResult& run, bool pretty = true) {
    std::string out;
    detail::JsonWriter w(out, pretty);
    w.begin_object();
    write_run_header(w, run);
    write_reference(w, run);
    w.key("benchmarks").begin_array();
    for (const auto& b : run.benchmarks) {
        w.begin_object();
        write_benchmark_fields(w, b);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    out += '\n';
    return out;
}

// ---------------------------------------------------------------- reading
struct LoadedRun {
    RunResult run;
    std::string error;  // "" on success; otherwise one line naming the file and the problem
    bool ok() const { return error.empty(); }
};

// A deterministic per-benchmark seed, so recomputed intervals are reproducible.
inline std::uint64_t name_seed(std::string_view name, std::uint64_t seed) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
    return h ^ seed;
}

// Recomputes every derived statistic from the raw samples.
inline void summarize(BenchmarkResult& b, std::uint64_t seed = 0) {
    b.estimates = stats::summarize(b.samples, name_seed(b.name, seed));
    b.outliers = stats::classify_outliers(b.samples);
}

namespace detail {

// No run has anywhere near this many interleaving rounds; a larger index is a damaged file.
inline constexpr std::uint64_t max_round_index = 65535;
// Nor anywhere near this many processes per file.
inline constexpr std::uint64_t max_process_index = 1023;

inline double unit_scale(std::string_view unit) {
    if (unit == "ns") return 1.0;
    if (unit == "us" || unit == "\xC2\xB5s") return 1e3;
    if (unit == "ms") return 1e6;
    if (unit == "s") return 1e9;
    return 0.0;
}

inline std::string str(simdjson::dom::element e) {
    std::string_view v;
    if (e.get_string().get(v)) return {};
    return std::string(v);
}

// Parses a "benchgate/N" schema string; returns N or -1.
inline long schema_major(std::string_view s) {
    const std::string_view prefix = "benchgate/";
    if (s.substr(0, prefix.size()) != prefix) return -1;
    std::string_view rest = s.substr(prefix.size());
    const auto dot = rest.find('.');
    if (dot != std::string_view::npos) rest = rest.substr(0, dot);
    if (rest.empty() || rest.size() > 6) return -1;
    long n = 0;
    for (char c : rest) {
        if (c < '0' || c > '9') return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

// An optional array of per-sample indices (`key`: "rounds", "processes"), each at most `max`
// (range-checked before anything loops over them) and one per sample. Returns "" or the problem.
inline std::string read_index_array(simdjson::dom::object o, const char* key, const char* what, std::uint64_t max,
                                    std::size_t samples, const std::string& bname, std::vector<std::uint32_t>& out) {
    simdjson::dom::array values;
    if (o[key].get_array().get(values)) return {};
    for (simdjson::dom::element e : values) {
        uint64_t v = 0;
        if (e.get_uint64().get(v)) return bname + ": a " + what + " index is not a non-negative integer";
        if (v > max)
            return bname + ": " + what + " index " + std::to_string(v) + " is out of range (0 to " + std::to_string(max) + ")";
        out.push_back(static_cast<std::uint32_t>(v));
    }
    if (out.size() != samples)
        return bname + ": \"" + key + "\" has " + std::to_string(out.size()) + " entries and \"samples\" " +
               std::to_string(samples);
    return {};
}

// Reads one benchmark object; returns "" or the problem (naming the benchmark).
inline std::string parse_benchmark(simdjson::dom::element item, const std::string& where, BenchmarkResult& b,
                                   bool& has_estimates, bool summaries) {
    has_estimates = false;
    using namespace simdjson;
    dom::object o;
    if (item.get_object().get(o)) return where + " is not an object";
    std::string_view name;
    if (o["name"].get_string().get(name) || name.empty()) return where + " has no name";
    b.name = std::string(name);
    const std::string bname = "benchmark \"" + b.name + "\"";
    std::string_view unit = "ns";
    dom::element unit_el;
    if (!o["unit"].get(unit_el) && unit_el.get_string().get(unit)) return bname + ": \"unit\" is not a string";
    const double scale = unit_scale(unit);
    if (scale == 0.0) return bname + ": unknown unit \"" + std::string(unit) + "\"";
    dom::element error_el;
    if (!o["error"].get(error_el)) b.error = str(error_el);
    dom::element family_el;
    if (!o["family"].get(family_el)) b.family = str(family_el);
    dom::object params;
    if (!o["params"].get_object().get(params))
        for (auto field : params) {
            double v = 0;
            if (field.value.get_double().get(v) || v != std::floor(v) || std::fabs(v) > 9e15)
                return bname + ": parameter \"" + std::string(field.key) + "\" is not an integer";
            b.params.push_back({std::string(field.key), static_cast<std::int64_t>(v)});
        }
    dom::object throughput;
    if (!o["throughput"].get_object().get(throughput)) {
        std::string_view tu;
        double per = 0;
        if (throughput["unit"].get_string().get(tu) || (tu != "bytes" && tu != "elements") ||
            throughput["per_iteration"].get_double().get(per) || !(per > 0))
            return bname + ": \"throughput\" needs a unit (bytes or elements) and a positive per_iteration";
        b.throughput_unit = std::string(tu);
        b.throughput = per;
    }
    dom::object counters;
    if (!o["counters"].get_object().get(counters))
        for (auto field : counters) {
            Counter c;
            c.name = std::string(field.key);
            dom::object co;
            if (field.value.get_object().get(co) || co["per_iteration"].get_double().get(c.value) || !std::isfinite(c.value))
                return bname + ": counter \"" + c.name + "\" has no finite per_iteration value";
            bool rate = false;
            if (!co["rate"].get_bool().get(rate)) c.rate = rate;
            b.counters.push_back(c);
        }
    dom::object paired;
    if (!o["paired"].get_object().get(paired)) {
        dom::array ps;
        if (!paired["baseline_samples"].get_array().get(ps))
            for (dom::element e : ps) {
                double v = 0;
                if (e.get_double().get(v) || !std::isfinite(v) || v <= 0)
                    return bname + ": a paired baseline sample is not a positive finite time";
                b.paired_baseline.push_back(v * scale);
            }
    }
    dom::object metrics;
    if (!o["metrics"].get_object().get(metrics)) {
        double v = 0;
        auto read = [&](const char* key, double& out) {
            if (!metrics[key].get_double().get(v) && std::isfinite(v) && v >= 0) out = v;
        };
        read("instructions", b.metrics.instructions);
        read("estimated_cycles", b.metrics.estimated_cycles);
        read("allocations", b.metrics.allocations);
        read("allocated_bytes", b.metrics.allocated_bytes);
        dom::object hw;
        if (!metrics["hardware"].get_object().get(hw))
            for (auto field : hw)
                if (!field.value.get_double().get(v)) b.metrics.hardware.emplace_back(std::string(field.key), v);
    }
    dom::object thresholds;
    if (!o["thresholds"].get_object().get(thresholds)) {
        dom::element gate_el;
        if (!thresholds["gate"].get(gate_el)) b.thresholds.gate = str(gate_el);
        double v = 0;
        if (!thresholds["threshold"].get_double().get(v)) b.thresholds.threshold = v;
        if (!thresholds["warn_threshold"].get_double().get(v)) b.thresholds.warn_threshold = v;
        if (!thresholds["noise"].get_double().get(v)) b.thresholds.noise = v;
    }

    dom::array samples;
    std::uint64_t summary_of = 0;
    if (!o["summary_of"].get_uint64().get(summary_of) && summary_of > 0) {
        if (!summaries)
            return bname + " is a summary without samples (an older history entry); comparing needs a run with samples";
        b.summary_of = summary_of;
    } else if (o["samples"].get_array().get(samples)) {
        return bname + " has no \"samples\" array";
    }
    if (!b.summary())
    for (dom::element s : samples) {
        double v = 0;
        if (s.get_double().get(v)) return bname + ": a sample is not a number";
        if (!std::isfinite(v) || v <= 0.0)
            return bname + ": sample " + std::to_string(b.samples.size() + 1) + " is not a positive finite time";
        b.samples.push_back(v * scale);
    }
    if (b.samples.empty() && !b.failed() && !b.summary()) return bname + " has no samples";
    dom::array iterations;
    if (!o["iterations"].get_array().get(iterations)) {
        for (dom::element s : iterations) {
            uint64_t n = 0;
            if (s.get_uint64().get(n) || n == 0) return bname + ": an iteration count is not a positive integer";
            b.iterations.push_back(n);
        }
        if (b.iterations.size() != b.samples.size()) return bname + ": \"iterations\" and \"samples\" differ in length";
    } else {
        b.iterations.assign(b.samples.size(), 1);
    }
    // Stored estimates are what the writer computed from these same samples; reading them
    // spares a bootstrap per benchmark. Absent or incomplete: recomputed by the caller.
    dom::object est;
    if (!o["estimates"].get_object().get(est)) {
        auto estimate = [&](const char* key, Estimate& e) {
            dom::object eo;
            return !est[key].get_object().get(eo) && !eo["point"].get_double().get(e.point) &&
                   !eo["lower"].get_double().get(e.lower) && !eo["upper"].get_double().get(e.upper);
        };
        Estimates& e = b.estimates;
        has_estimates = estimate("median", e.median) && estimate("mean", e.mean) &&
                        !est["stddev"].get_double().get(e.stddev) && !est["mad"].get_double().get(e.mad) &&
                        !est["min"].get_double().get(e.min) && !est["max"].get_double().get(e.max);
        if (has_estimates && est["p10"].get_double().get(e.p10))
            e.p10 = b.samples.empty() ? e.min : stats::quantile(b.samples, 0.10);
        if (has_estimates && scale != 1.0) {
            for (Estimate* x : {&e.median, &e.mean}) {
                x->point *= scale;
                x->lower *= scale;
                x->upper *= scale;
            }
            e.stddev *= scale;
            e.mad *= scale;
            e.min *= scale;
            e.max *= scale;
            e.p10 *= scale;
        }
    }
    if (b.summary()) {
        if (!has_estimates) return bname + ": a summary without its estimates";
        dom::object out;
        std::int64_t v = 0;
        if (!o["outliers"].get_object().get(out)) {
            Outliers& x = b.outliers;
            if (!out["low_severe"].get_int64().get(v)) x.low_severe = static_cast<int>(std::clamp<std::int64_t>(v, 0, 1 << 30));
            if (!out["low_mild"].get_int64().get(v)) x.low_mild = static_cast<int>(std::clamp<std::int64_t>(v, 0, 1 << 30));
            if (!out["high_mild"].get_int64().get(v)) x.high_mild = static_cast<int>(std::clamp<std::int64_t>(v, 0, 1 << 30));
            if (!out["high_severe"].get_int64().get(v)) x.high_severe = static_cast<int>(std::clamp<std::int64_t>(v, 0, 1 << 30));
        }
        return {};
    }
    if (std::string problem = read_index_array(o, "rounds", "round", max_round_index, b.samples.size(), bname, b.rounds);
        !problem.empty())
        return problem;
    if (std::string problem =
            read_index_array(o, "processes", "process", max_process_index, b.samples.size(), bname, b.processes);
        !problem.empty())
        return problem;
    if (!b.paired_baseline.empty() && b.paired_baseline.size() != b.samples.size())
        return bname + ": \"paired\" and \"samples\" differ in length";
    return {};
}

}  // namespace detail

// Parses a benchgate JSON document. `label` names the source in error messages. `summaries`:
// accept benchmarks that are summaries without samples (history entries); a comparison needs
// samples, so everything else refuses them.
inline LoadedRun parse_run(std::string_view json, const std::string& label, bool summaries = false) {
    using namespace simdjson;
    LoadedRun out;
    auto fail = [&](const std::string& problem) {
        out.error = label + ": " + problem;
        return out;
    };
    if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) return fail("file is empty");

    dom::parser parser;
    dom::element doc;
    const padded_string padded(json);
    if (auto err = parser.parse(padded).get(doc))
        return fail(std::string("not valid JSON (") + error_message(err) + ")");
    dom::object root;
    if (doc.get_object().get(root)) return fail("not a benchgate file (top level is not an object)");

    std::string_view schema;
    if (root["schema"].get_string().get(schema)) return fail("not a benchgate file (no \"schema\" string)");
    const long major = detail::schema_major(schema);
    if (major < 0) return fail("unknown schema \"" + std::string(schema) + "\" (expected " BENCHGATE_SCHEMA ")");
    if (major > BENCHGATE_SCHEMA_MAJOR)
        return fail("schema " + std::string(schema) + " is newer than this benchgate " BENCHGATE_VERSION_STRING
                    " reads (" BENCHGATE_SCHEMA "); upgrade benchgate");
    if (major < 1) return fail("unsupported schema \"" + std::string(schema) + "\"");
    out.run.schema = std::string(schema);

    dom::element created;
    if (!root["created"].get(created)) out.run.created = detail::str(created);
    dom::object ctx;
    if (!root["context"].get_object().get(ctx)) {
        Context& c = out.run.context;
        dom::element v;
        if (!ctx["host"].get(v)) c.host = detail::str(v);
        if (!ctx["cpu"].get(v)) c.cpu = detail::str(v);
        int64_t cores = 0;
        if (!ctx["cores"].get_int64().get(cores)) c.cores = static_cast<int>(cores);
        if (!ctx["compiler"].get(v)) c.compiler = detail::str(v);
        if (!ctx["flags"].get(v)) c.flags = detail::str(v);
        if (!ctx["build_type"].get(v)) c.build_type = detail::str(v);
        if (!ctx["benchgate_version"].get(v)) c.benchgate_version = detail::str(v);
        if (!ctx["commit"].get(v)) c.commit = detail::str(v);
        double d = 0;
        if (!ctx["clock_resolution_ns"].get_double().get(d)) c.clock_resolution_ns = d;
        if (!ctx["clock_cost_ns"].get_double().get(d)) c.clock_cost_ns = d;
        int64_t rss = 0;
        if (!ctx["peak_rss_kib"].get_int64().get(rss)) c.peak_rss_kib = static_cast<long>(rss);
        std::int64_t cpu = -1, procs = 1;
        if (!ctx["pinned_cpu"].get_int64().get(cpu) && cpu >= -1 && cpu < 65536) c.pinned_cpu = static_cast<int>(cpu);
        if (!ctx["processes"].get_int64().get(procs) && procs >= 1 && procs <= 1024) c.processes = static_cast<int>(procs);
        if (!ctx["shard"].get(v)) c.shard = detail::str(v);
        dom::array notes;
        if (!ctx["notes"].get_array().get(notes))
            for (dom::element n : notes) c.notes.push_back(detail::str(n));
    }

    dom::array benchmarks;
    if (root["benchmarks"].get_array().get(benchmarks)) return fail("no \"benchmarks\" array");
    std::size_t index = 0;
    std::unordered_set<std::string> seen;
    for (dom::element item : benchmarks) {
        ++index;
        BenchmarkResult b;
        bool has_estimates = false;
        if (std::string problem =
                detail::parse_benchmark(item, "benchmark #" + std::to_string(index), b, has_estimates, summaries);
            !problem.empty())
            return fail(problem);
        if (!seen.insert(b.name).second) return fail("benchmark \"" + b.name + "\" appears twice");
        if (b.summary()) {
        } else if (has_estimates) {
            b.outliers = stats::classify_outliers(b.samples);
        } else {
            summarize(b);
        }
        out.run.benchmarks.push_back(std::move(b));
    }
    dom::element reference;
    if (!root["reference"].get(reference)) {
        bool has_estimates = false;
        if (std::string problem =
                detail::parse_benchmark(reference, "the reference", out.run.reference, has_estimates, summaries);
            !problem.empty())
            return fail(problem);
        if (!has_estimates && !out.run.reference.summary()) summarize(out.run.reference);
    }
    dom::array complexity;
    if (!root["complexity"].get_array().get(complexity))
        for (dom::element item : complexity) {
            ComplexityFit f;
            dom::object co;
            if (item.get_object().get(co)) continue;
            dom::element v;
            if (!co["family"].get(v)) f.family = detail::str(v);
            if (!co["axis"].get(v)) f.axis = detail::str(v);
            if (!co["best"].get(v)) f.best = detail::str(v);
            double d = 0;
            if (!co["coefficient"].get_double().get(d)) f.coefficient = d;
            if (!co["rms"].get_double().get(d)) f.rms = d;
            out.run.complexity.push_back(f);
        }
    return out;
}

inline LoadedRun read_run_file(const std::string& path, bool summaries = false) {
    LoadedRun out;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        out.error = "cannot read " + path + ": " + std::strerror(errno);
        return out;
    }
    std::string content;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) content.append(buf, n);
    const bool bad = std::ferror(f) != 0;
    std::fclose(f);
    if (bad) {
        out.error = "cannot read " + path + ": read error";
        return out;
    }
    return parse_run(content, path, summaries);
}

}  // namespace benchgate
