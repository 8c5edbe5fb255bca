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
#include "detail/input_file.hpp"
#include "detail/json_reader.hpp"
#include "detail/json_writer.hpp"
#include "detail/one_line.hpp"
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
    if (!c.sessions.empty()) w.key("sessions").inline_array(c.sessions);
    if (!c.shard.empty()) w.field("shard", c.shard);
    if (!c.notes.empty()) {
        w.key("notes").begin_array();
        for (const auto& n : c.notes) w.value(n);
        w.end_array();
    }
    if (!c.accepted.empty()) {
        w.key("accepted").begin_array();
        for (const auto& [name, reason] : c.accepted) {
            w.begin_object();
            w.field("name", name).field("reason", reason);
            w.end_object();
        }
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
    if (std::isfinite(m.instructions) || std::isfinite(m.allocations) || std::isfinite(m.peak_heap_bytes) ||
        std::isfinite(m.rss_growth_bytes) || !m.hardware.empty()) {
        w.key("metrics").begin_object();
        if (std::isfinite(m.instructions)) w.field("instructions", m.instructions);
        if (std::isfinite(m.estimated_cycles)) w.field("estimated_cycles", m.estimated_cycles);
        if (std::isfinite(m.allocations)) w.field("allocations", m.allocations);
        if (std::isfinite(m.allocated_bytes)) w.field("allocated_bytes", m.allocated_bytes);
        if (std::isfinite(m.peak_heap_bytes)) w.field("peak_heap_bytes", m.peak_heap_bytes);
        if (std::isfinite(m.rss_growth_bytes)) w.field("rss_growth_bytes", m.rss_growth_bytes);
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
        if (!b.solo_samples.empty()) w.key("solo_samples").inline_array(b.solo_samples);
        if (!b.solo_baseline.empty()) w.key("solo_baseline_samples").inline_array(b.solo_baseline);
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
// Nor a time per iteration this long (31 years, in ns): every statistic of such samples,
// sums of squares included, stays finite.
inline constexpr double max_sample_ns = 1e18;
// Nor one this short: 2^64 iterations in a nanosecond read 5e-20 ns, so no writer comes near
// it, and every ratio of two samples (a change, 1e18 / 1e-20) stays finite. Subnormal numbers
// (5e-324) are far below it.
inline constexpr double min_sample_ns = 1e-20;

// "" when `ns` is a time per iteration the statistics can use, else what is wrong with it.
inline std::string sample_problem(double ns) {
    if (!(ns > 0 && ns <= max_sample_ns)) return "is not a positive finite time (at most 1e18 ns)";
    if (ns < min_sample_ns) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "is %g ns, below the 1e-20 ns any time per iteration reads (2^64 iterations in 1 ns)", ns);
        return buf;
    }
    return {};
}
// Nor more solo batches per side of a duet than this (a few per duet run).
inline constexpr std::size_t max_solo_samples = std::size_t{1} << 20;
// Nor a machine this many cores.
inline constexpr std::int64_t max_cores = 1 << 20;

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

// A version number as the writer spells it: decimal digits, no leading zero, at most 6.
inline long version_number(std::string_view s) {
    if (s.empty() || s.size() > 6 || (s.size() > 1 && s[0] == '0')) return -1;
    long n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

// Parses a schema string exactly: "benchgate/N" returns N; "benchgate/N.M" (a form this
// benchgate never writes) returns N when N is newer than it reads (so that the message says
// upgrade), else -1; anything else ("benchgate/01", "benchgate/1 ", "benchgate/1.999") -1.
inline long schema_major(std::string_view s) {
    const std::string_view prefix = "benchgate/";
    if (s.substr(0, prefix.size()) != prefix) return -1;
    std::string_view rest = s.substr(prefix.size());
    const auto dot = rest.find('.');
    const long major = version_number(rest.substr(0, dot));
    if (major < 0 || dot == std::string_view::npos) return major;
    return version_number(rest.substr(dot + 1)) >= 0 && major > BENCHGATE_SCHEMA_MAJOR ? major : -1;
}

// Typed reads of an optional field. Absent or null (how the writer spells a value it does not
// have): `out` is left alone and "" returned. Present with another type, or out of range: the
// problem, naming the field as `where` "key".
inline bool present(simdjson::dom::object o, const char* key, simdjson::dom::element& e) {
    return !o[key].get(e) && !e.is_null();
}
inline std::string read_string(simdjson::dom::object o, const char* key, const std::string& where, std::string& out) {
    simdjson::dom::element e;
    if (!present(o, key, e)) return {};
    std::string_view v;
    if (e.get_string().get(v)) return where + "\"" + key + "\" is not a string";
    out = std::string(v);
    return {};
}
inline std::string read_number(simdjson::dom::object o, const char* key, const std::string& where, double lo, double hi,
                               double& out) {
    simdjson::dom::element e;
    if (!present(o, key, e)) return {};
    double v = 0;
    if (e.get_double().get(v) || !(v >= lo && v <= hi)) {
        char range[96];
        std::snprintf(range, sizeof range, "a number from %g to %g", lo, hi);
        return where + "\"" + key + "\" is not " + range;
    }
    out = v;
    return {};
}
// An integer, also when written as an integral double (2.0): JSON does not tell them apart.
inline std::string read_integer(simdjson::dom::object o, const char* key, const std::string& where, std::int64_t lo,
                                std::int64_t hi, std::int64_t& out) {
    simdjson::dom::element e;
    if (!present(o, key, e)) return {};
    std::int64_t v = 0;
    double d = 0;
    bool ok = !e.get_int64().get(v);
    if (!ok && !e.get_double().get(d) && d == std::floor(d) && std::fabs(d) <= 9e15) {
        v = static_cast<std::int64_t>(d);
        ok = true;
    }
    if (!ok || v < lo || v > hi)
        return where + "\"" + key + "\" is not an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    out = v;
    return {};
}
inline std::string read_bool(simdjson::dom::object o, const char* key, const std::string& where, bool& out) {
    simdjson::dom::element e;
    if (!present(o, key, e)) return {};
    if (e.get_bool().get(out)) return where + "\"" + key + "\" is not true or false";
    return {};
}

// An optional array of per-sample indices (`key`: "rounds", "processes"), each at most `max`
// (range-checked before anything loops over them) and one per sample. Returns "" or the problem.
inline std::string read_index_array(simdjson::dom::object o, const char* key, const char* what, std::uint64_t max,
                                    std::size_t samples, const std::string& bname, std::vector<std::uint32_t>& out) {
    simdjson::dom::element el;
    if (!present(o, key, el)) return {};
    simdjson::dom::array values;
    if (el.get_array().get(values)) return bname + ": \"" + key + "\" is not an array";
    if (values.size() != samples)
        return bname + ": \"" + key + "\" has " + std::to_string(values.size()) + " entries and \"samples\" " +
               std::to_string(samples);
    out.reserve(samples);
    for (simdjson::dom::element e : values) {
        uint64_t v = 0;
        if (e.get_uint64().get(v)) return bname + ": a " + what + " index is not a non-negative integer";
        if (v > max)
            return bname + ": " + what + " index " + std::to_string(v) + " is out of range (0 to " + std::to_string(max) + ")";
        out.push_back(static_cast<std::uint32_t>(v));
    }
    return {};
}

// Whether stored estimates can be what the writer computed from `samples` (none: a summary).
// They can be of a subset (a saved baseline's are of its first process), so their extremes
// lie within the samples' own, not necessarily on them; each estimate and interval bound
// (the p10 aside: an older file lacks it, and it is then taken from all samples) lies between
// those extremes, up to rounding (a mean of equal samples can differ from them in the last
// bit). Estimates that cannot be the samples' are recomputed (for a summary: missing).
inline bool estimates_consistent(const Estimates& e, const std::vector<double>& samples) {
    constexpr double slack = 1e-9;
    if (!samples.empty()) {
        const auto [lo, hi] = std::minmax_element(samples.begin(), samples.end());
        if (e.min < *lo * (1 - slack) || e.max > *hi * (1 + slack)) return false;
    }
    auto inside = [&](double v) { return v >= e.min * (1 - slack) && v <= e.max * (1 + slack); };
    auto interval = [&](const Estimate& x) {
        return x.lower <= x.upper && inside(x.point) && inside(x.lower) && inside(x.upper);
    };
    return e.min > 0 && e.min <= e.max && interval(e.median) && interval(e.mean) && e.stddev >= 0 && e.mad >= 0;
}

// Reads one benchmark object; returns "" or the problem (naming the benchmark).
inline std::string parse_benchmark(simdjson::dom::element item, const std::string& where, BenchmarkResult& b,
                                   bool& has_estimates, bool summaries, std::uint64_t processes = max_process_index + 1) {
    has_estimates = false;
    using namespace simdjson;
    dom::object o;
    if (item.get_object().get(o)) return where + " is not an object";
    std::string_view name;
    dom::element name_el;
    if (o["name"].get(name_el)) return where + " has no name";
    if (name_el.get_string().get(name)) return where + ": \"name\" is not a string";
    if (name.empty()) return where + " has an empty name";
    b.name = std::string(name);
    const std::string bname = "benchmark \"" + one_line(b.name) + "\"";
    const std::string in = bname + ": ";
    std::string unit = "ns";
    if (std::string p = read_string(o, "unit", in, unit); !p.empty()) return p;
    const double scale = unit_scale(unit);
    if (scale == 0.0) return bname + ": unknown unit \"" + one_line(unit) + "\"";
    if (std::string p = read_string(o, "error", in, b.error); !p.empty()) return p;
    if (std::string p = read_string(o, "family", in, b.family); !p.empty()) return p;
    dom::element el;
    if (present(o, "params", el)) {
        dom::object params;
        if (el.get_object().get(params)) return bname + ": \"params\" is not an object";
        for (auto field : params) {
            double v = 0;
            if (field.value.get_double().get(v) || v != std::floor(v) || std::fabs(v) > 9e15)
                return bname + ": parameter \"" + one_line(field.key) + "\" is not an integer";
            b.params.push_back({std::string(field.key), static_cast<std::int64_t>(v)});
        }
    }
    if (present(o, "throughput", el)) {
        dom::object throughput;
        std::string_view tu;
        double per = 0;
        if (el.get_object().get(throughput) || throughput["unit"].get_string().get(tu) ||
            (tu != "bytes" && tu != "elements") || throughput["per_iteration"].get_double().get(per) || !(per > 0) ||
            !std::isfinite(per))
            return bname + ": \"throughput\" needs a unit (bytes or elements) and a positive per_iteration";
        b.throughput_unit = std::string(tu);
        b.throughput = per;
    }
    if (present(o, "counters", el)) {
        dom::object counters;
        if (el.get_object().get(counters)) return bname + ": \"counters\" is not an object";
        for (auto field : counters) {
            Counter c;
            c.name = std::string(field.key);
            dom::object co;
            if (field.value.get_object().get(co) || co["per_iteration"].get_double().get(c.value) || !std::isfinite(c.value))
                return bname + ": counter \"" + one_line(c.name) + "\" has no finite per_iteration value";
            if (std::string p = read_bool(co, "rate", bname + ": counter \"" + one_line(c.name) + "\": ", c.rate); !p.empty())
                return p;
            b.counters.push_back(c);
        }
    }
    if (present(o, "paired", el)) {
        dom::object paired;
        dom::array ps;
        if (el.get_object().get(paired) || paired["baseline_samples"].get_array().get(ps))
            return bname + ": \"paired\" has no \"baseline_samples\" array";
        b.paired_baseline.reserve(ps.size());
        for (dom::element e : ps) {
            double v = 0;
            if (e.get_double().get(v) || !(v > 0 && v * scale <= max_sample_ns))
                return bname + ": a paired baseline sample is not a positive time of at most 1e18 ns";
            if (const std::string p = sample_problem(v * scale); !p.empty()) return bname + ": a paired baseline sample " + p;
            b.paired_baseline.push_back(v * scale);
        }
        const std::pair<const char*, std::vector<double>*> solo[] = {{"solo_samples", &b.solo_samples},
                                                                     {"solo_baseline_samples", &b.solo_baseline}};
        for (const auto& [key, into] : solo) {
            if (!present(paired, key, el)) continue;
            dom::array xs;
            if (el.get_array().get(xs) || xs.size() > max_solo_samples)
                return bname + ": \"paired\": \"" + key + "\" is not an array of at most " + std::to_string(max_solo_samples) + " times";
            for (dom::element e : xs) {
                double v = 0;
                if (e.get_double().get(v) || !(v > 0 && v * scale <= max_sample_ns))
                    return bname + ": \"paired\": a value of \"" + key + "\" is not a positive time of at most 1e18 ns";
                if (const std::string p = sample_problem(v * scale); !p.empty())
                    return bname + ": \"paired\": a value of \"" + key + "\" " + p;
                into->push_back(v * scale);
            }
        }
    }
    if (present(o, "metrics", el)) {
        dom::object metrics;
        if (el.get_object().get(metrics)) return bname + ": \"metrics\" is not an object";
        const std::string mwhere = bname + ": metric ";
        const double big = 1e300;
        const std::pair<const char*, double*> values[] = {{"instructions", &b.metrics.instructions},
                                                          {"estimated_cycles", &b.metrics.estimated_cycles},
                                                          {"allocations", &b.metrics.allocations},
                                                          {"allocated_bytes", &b.metrics.allocated_bytes},
                                                          {"peak_heap_bytes", &b.metrics.peak_heap_bytes}};
        for (const auto& [key, out] : values)
            if (std::string p = read_number(metrics, key, mwhere, 0, big, *out); !p.empty()) return p;
        // Resident memory can shrink across a benchmark: the one signed metric.
        if (std::string p = read_number(metrics, "rss_growth_bytes", mwhere, -big, big, b.metrics.rss_growth_bytes); !p.empty())
            return p;
        if (present(metrics, "hardware", el)) {
            dom::object hw;
            if (el.get_object().get(hw)) return bname + ": metric \"hardware\" is not an object";
            for (auto field : hw) {
                double v = 0;
                if (field.value.is_null()) continue;
                if (field.value.get_double().get(v))
                    return bname + ": hardware counter \"" + one_line(field.key) + "\" is not a number";
                b.metrics.hardware.emplace_back(std::string(field.key), v);
            }
        }
    }
    if (present(o, "thresholds", el)) {
        dom::object thresholds;
        if (el.get_object().get(thresholds)) return bname + ": \"thresholds\" is not an object";
        const std::string twhere = bname + ": threshold ";
        if (std::string p = read_string(thresholds, "gate", twhere, b.thresholds.gate); !p.empty()) return p;
        const std::string& g = b.thresholds.gate;
        if (!g.empty() && g != "time" && g != "instructions" && g != "allocations" && g != "memory")
            return bname + ": threshold \"gate\" is \"" + one_line(g) + "\", not time, instructions, allocations or memory";
        // Fractions: at most 1000% (the command line's limit); the noise band at most 100%.
        if (std::string p = read_number(thresholds, "threshold", twhere, 0, 10, b.thresholds.threshold); !p.empty()) return p;
        if (std::string p = read_number(thresholds, "warn_threshold", twhere, 0, 10, b.thresholds.warn_threshold); !p.empty())
            return p;
        if (std::string p = read_number(thresholds, "noise", twhere, 0, 1, b.thresholds.noise); !p.empty()) return p;
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
    if (!b.summary()) {
        b.samples.reserve(samples.size());
        for (dom::element s : samples) {
            double v = 0;
            if (s.get_double().get(v)) return bname + ": a sample is not a number";
            if (const std::string p = sample_problem(v * scale); !p.empty())
                return bname + ": sample " + std::to_string(b.samples.size() + 1) + " " + p;
            b.samples.push_back(v * scale);
        }
    }
    if (b.samples.empty() && !b.failed() && !b.summary()) return bname + " has no samples";
    if (present(o, "iterations", el)) {
        dom::array iterations;
        if (el.get_array().get(iterations)) return bname + ": \"iterations\" is not an array";
        if (iterations.size() != b.samples.size()) return bname + ": \"iterations\" and \"samples\" differ in length";
        b.iterations.reserve(b.samples.size());
        for (dom::element s : iterations) {
            uint64_t n = 0;
            if (s.get_uint64().get(n) || n == 0) return bname + ": an iteration count is not a positive integer";
            b.iterations.push_back(n);
        }
    } else {
        b.iterations.assign(b.samples.size(), 1);
    }
    // Stored estimates are what the writer computed from these same samples; reading them
    // spares a bootstrap per benchmark. Absent, incomplete or not finite: recomputed by the caller.
    dom::object est;
    if (!o["estimates"].get_object().get(est)) {
        auto number = [&](dom::object from, const char* key, double& out) {
            return !from[key].get_double().get(out) && std::isfinite(out) && std::isfinite(out * scale);
        };
        auto estimate = [&](const char* key, Estimate& e) {
            dom::object eo;
            return !est[key].get_object().get(eo) && number(eo, "point", e.point) && number(eo, "lower", e.lower) &&
                   number(eo, "upper", e.upper);
        };
        Estimates& e = b.estimates;
        has_estimates = estimate("median", e.median) && estimate("mean", e.mean) && number(est, "stddev", e.stddev) &&
                        number(est, "mad", e.mad) && number(est, "min", e.min) && number(est, "max", e.max);
        if (has_estimates && !number(est, "p10", e.p10))
            e.p10 = b.samples.empty() ? e.min : stats::quantile(b.samples, 0.10) / scale;
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
        has_estimates = has_estimates && estimates_consistent(e, b.samples);
        if (!has_estimates) e = Estimates{};
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
    for (const std::uint32_t p : b.processes)
        if (p >= processes)
            return bname + ": process index " + std::to_string(p) + " is out of range (the context says " +
                   std::to_string(processes) + " process" + (processes == 1 ? "" : "es") + ": 0 to " +
                   std::to_string(processes - 1) + ")";
    if (!b.paired_baseline.empty() && b.paired_baseline.size() != b.samples.size())
        return bname + ": \"paired\" and \"samples\" differ in length";
    return {};
}

// The context object; returns "" or the problem (naming the field).
inline std::string parse_context(simdjson::dom::object ctx, Context& c) {
    const std::string where = "context ";
    const std::pair<const char*, std::string*> strings[] = {
        {"host", &c.host}, {"cpu", &c.cpu}, {"compiler", &c.compiler}, {"flags", &c.flags}, {"build_type", &c.build_type},
        {"benchgate_version", &c.benchgate_version}, {"commit", &c.commit}, {"shard", &c.shard}};
    for (const auto& [key, out] : strings)
        if (std::string p = read_string(ctx, key, where, *out); !p.empty()) return p;
    std::int64_t cores = c.cores, rss = c.peak_rss_kib, cpu = c.pinned_cpu, procs = c.processes;
    if (std::string p = read_integer(ctx, "cores", where, 0, max_cores, cores); !p.empty()) return p;
    if (std::string p = read_integer(ctx, "peak_rss_kib", where, 0, std::int64_t(1) << 50, rss); !p.empty()) return p;
    if (std::string p = read_integer(ctx, "pinned_cpu", where, -1, 65535, cpu); !p.empty()) return p;
    if (std::string p = read_integer(ctx, "processes", where, 1, 1024, procs); !p.empty()) return p;
    c.cores = static_cast<int>(cores);
    c.peak_rss_kib = static_cast<long>(rss);
    c.pinned_cpu = static_cast<int>(cpu);
    c.processes = static_cast<int>(procs);
    if (std::string p = read_number(ctx, "clock_resolution_ns", where, -1e18, 1e18, c.clock_resolution_ns); !p.empty()) return p;
    if (std::string p = read_number(ctx, "clock_cost_ns", where, -1e18, 1e18, c.clock_cost_ns); !p.empty()) return p;
    simdjson::dom::element el;
    if (present(ctx, "sessions", el)) {
        // One session index per process, each below the number of processes.
        simdjson::dom::array sessions;
        if (el.get_array().get(sessions)) return "context \"sessions\" is not an array";
        if (sessions.size() != static_cast<std::size_t>(c.processes))
            return "context \"sessions\" has " + std::to_string(sessions.size()) + " entries and \"processes\" is " +
                   std::to_string(c.processes);
        for (simdjson::dom::element e : sessions) {
            std::uint64_t v = 0;
            if (e.get_uint64().get(v) || v >= static_cast<std::uint64_t>(c.processes))
                return "context \"sessions\" holds an entry that is not a session index (0 to " + std::to_string(c.processes - 1) + ")";
            c.sessions.push_back(static_cast<std::uint32_t>(v));
        }
    }
    if (present(ctx, "notes", el)) {
        simdjson::dom::array notes;
        if (el.get_array().get(notes)) return "context \"notes\" is not an array of strings";
        for (simdjson::dom::element n : notes) {
            std::string_view v;
            if (n.get_string().get(v)) return "context \"notes\" is not an array of strings";
            c.notes.emplace_back(v);
        }
    }
    if (present(ctx, "accepted", el)) {
        simdjson::dom::array accepted;
        const char* shape = "context \"accepted\" is not an array of {\"name\", \"reason\"} objects";
        if (el.get_array().get(accepted)) return shape;
        for (simdjson::dom::element a : accepted) {
            std::string_view name, reason;
            if (a["name"].get_string().get(name) || a["reason"].get_string().get(reason) || name.empty()) return shape;
            c.accepted.emplace_back(std::string(name), std::string(reason));
        }
    }
    return {};
}

// parse_run on text with simdjson's padding in its capacity (what read_run_file reads).
inline LoadedRun parse_run_padded(simdjson::padded_string_view json, const std::string& label, bool summaries) {
    using namespace simdjson;
    LoadedRun out;
    auto fail = [&](const std::string& problem) {
        out.error = label + ": " + problem;
        out.run = RunResult{};
        return out;
    };
    if (std::string_view(json).find_first_not_of(" \t\r\n") == std::string_view::npos) return fail("file is empty");

    dom::parser parser;
    dom::element doc;
    if (std::string problem = parse_json(parser, json, doc); !problem.empty()) return fail(problem);
    dom::object root;
    if (doc.get_object().get(root)) return fail("not a benchgate file (top level is not an object)");

    std::string_view schema;
    if (root["schema"].get_string().get(schema)) return fail("not a benchgate file (no \"schema\" string)");
    const long major = schema_major(schema);
    if (major < 0) return fail("unknown schema \"" + one_line(schema) + "\" (expected " BENCHGATE_SCHEMA ")");
    if (major > BENCHGATE_SCHEMA_MAJOR)
        return fail("schema " + one_line(schema) + " is newer than this benchgate " BENCHGATE_VERSION_STRING
                    " reads (" BENCHGATE_SCHEMA "); upgrade benchgate");
    if (major < 1) return fail("unsupported schema \"" + one_line(schema) + "\"");
    out.run.schema = std::string(schema);

    if (std::string p = read_string(root, "created", "", out.run.created); !p.empty()) return fail(p);
    dom::element el;
    // The processes a benchmark's "processes" indices may name: the context's count when it
    // gives one (every writer does), else up to the format's limit.
    std::uint64_t processes = max_process_index + 1;
    bool processes_given = false;
    if (present(root, "context", el)) {
        dom::object ctx;
        if (el.get_object().get(ctx)) return fail("\"context\" is not an object");
        if (std::string p = parse_context(ctx, out.run.context); !p.empty()) return fail(p);
        processes_given = present(ctx, "processes", el);
        if (processes_given) processes = static_cast<std::uint64_t>(out.run.context.processes);
    }

    dom::array benchmarks;
    if (root["benchmarks"].get_array().get(benchmarks)) return fail("no \"benchmarks\" array");
    std::size_t index = 0;
    std::unordered_set<std::string> seen;
    out.run.benchmarks.reserve(benchmarks.size());
    for (dom::element item : benchmarks) {
        ++index;
        BenchmarkResult b;
        bool has_estimates = false;
        if (std::string problem = parse_benchmark(item, "benchmark #" + std::to_string(index), b, has_estimates, summaries, processes);
            !problem.empty())
            return fail(problem);
        if (!seen.insert(b.name).second) return fail("benchmark \"" + one_line(b.name) + "\" appears twice");
        if (b.summary()) {
        } else if (has_estimates) {
            b.outliers = stats::classify_outliers(b.samples);
        } else {
            summarize(b);
        }
        // Without a count in the context, the indices give it: written back, the file reads again.
        if (!processes_given)
            for (const std::uint32_t p : b.processes)
                out.run.context.processes = std::max(out.run.context.processes, static_cast<int>(p) + 1);
        out.run.benchmarks.push_back(std::move(b));
    }
    if (present(root, "reference", el)) {
        bool has_estimates = false;
        if (std::string problem = parse_benchmark(el, "the reference", out.run.reference, has_estimates, summaries);
            !problem.empty())
            return fail(problem);
        if (!has_estimates && !out.run.reference.summary()) summarize(out.run.reference);
        // A reference without samples (its workload failed) is none: the writer leaves it out too.
        if (out.run.reference.samples.empty() && !out.run.reference.summary()) out.run.reference = BenchmarkResult{};
    }
    dom::array complexity;
    if (!root["complexity"].get_array().get(complexity))
        for (dom::element item : complexity) {
            ComplexityFit f;
            dom::object co;
            if (item.get_object().get(co)) continue;
            dom::element v;
            if (!co["family"].get(v)) f.family = str(v);
            if (!co["axis"].get(v)) f.axis = str(v);
            if (!co["best"].get(v)) f.best = str(v);
            double d = 0;
            if (!co["coefficient"].get_double().get(d)) f.coefficient = d;
            if (!co["rms"].get_double().get(d)) f.rms = d;
            out.run.complexity.push_back(f);
        }
    return out;
}

}  // namespace detail

// Parses a benchgate JSON document. `label` names the source in error messages. `summaries`:
// accept benchmarks that are summaries without samples (history entries); a comparison needs
// samples, so everything else refuses them. A field of the wrong type, a non-finite or
// non-positive sample, arrays of per-sample values of another length than "samples", a
// duplicate name: an error, one line.
inline LoadedRun parse_run(std::string_view json, const std::string& label, bool summaries = false) {
    std::string text;
    text.reserve(json.size() + simdjson::SIMDJSON_PADDING);
    text.assign(json);
    return detail::parse_run_padded(detail::padded(text), label, summaries);
}

// Reads and parses a file of at most detail::max_input_bytes (larger ones are refused before
// they are read). `regular_only`: a FIFO, device or socket is refused unread (see
// detail::read_input_file; otherwise one is read with bounded waits).
inline LoadedRun read_run_file(const std::string& path, bool summaries = false, bool regular_only = false) {
    detail::InputFile file = detail::read_input_file(path, detail::max_input_bytes, regular_only);
    if (!file.ok()) {
        LoadedRun out;
        out.error = file.error;
        return out;
    }
    return detail::parse_run_padded(detail::padded(file.text), detail::one_line(path), summaries);
}

}  // namespace benchgate
