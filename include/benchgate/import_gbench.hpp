// benchgate: Google Benchmark's JSON output (--benchmark_out=FILE --benchmark_out_format=json)
// as a benchgate run. Pure: text in, a run and notes out; it reads no file and prints nothing
// (the `benchgate import-gbench` command does both).
//
// What is mapped (docs/tool.md has the full list):
//   - rows with run_type "iteration", grouped by run_name: each repetition is one sample (its
//     real_time, or cpu_time, per iteration in time_unit, converted to ns) with its iteration
//     count; one file is one process, and several files (runs of the same binary) are several
//   - rows with run_type "aggregate" (_mean, _median, _stddev, _cv, BigO, RMS) are not
//     benchmarks: left out (benchgate computes its own statistics from the repetitions)
//   - error_occurred: the benchmark is FAILED with error_message; skipped (newer versions): it
//     is left out with a note
//   - bytes_per_second / items_per_second: the throughput (bytes or elements per iteration,
//     from the rate and the row's cpu_time, which Google Benchmark divides by); allocs_per_iter:
//     allocations per iteration; any other number: a counter, as reported, averaged over the
//     repetitions (the JSON does not say which counters are rates)
//   - context: host_name -> host, num_cpus -> cores, library_build_type -> build_type, date ->
//     created (ISO 8601 UTC), caches -> the cpu field (the file names no CPU model), commit (a
//     --benchmark_context key) -> commit; mhz_per_cpu and the executable go into a note
//   - Google Benchmark writes non-finite numbers as the bare tokens NaN, Infinity and
//     -Infinity, which are not JSON: outside strings they are read as null. A time that is null
//     makes its benchmark FAILED with a message naming the repetition; a counter that is null is
//     left out with a note.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <date/date.h>
#include <simdjson.h>

#include "compare.hpp"
#include "detail/json_reader.hpp"
#include "detail/one_line.hpp"
#include "detail/time_text.hpp"
#include "result.hpp"
#include "result_file.hpp"
#include "version.hpp"

namespace benchgate {

// One Google Benchmark JSON file: one process of the imported run.
struct GbenchSource {
    std::string text;
    std::string label;  // names the file in messages
};

struct GbenchOptions {
    bool cpu_time = false;  // samples from cpu_time instead of real_time
};

struct GbenchImport {
    RunResult run;
    std::vector<std::string> notes;  // what was left out or assumed, one line each
    std::string error;               // "" or one line naming the file and the problem
    bool ok() const { return error.empty(); }
};

namespace detail::gbench {

// `text` with every NaN, -NaN, Infinity, +Infinity and -Infinity token outside a string
// replaced by null (the only places Google Benchmark writes them are number values, and
// outside strings JSON has no other use for those letters). `replaced` counts them.
inline std::string replace_nonfinite_tokens(std::string_view text, std::size_t& replaced) {
    replaced = 0;
    std::string out;
    out.reserve(text.size());
    bool in_string = false;
    auto word_char = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) out += text[++i];
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
            out += c;
            continue;
        }
        if (c == 'N' || c == 'I' || c == '-' || c == '+') {
            const std::size_t start = (c == '-' || c == '+') ? i + 1 : i;
            bool matched = false;
            for (std::string_view token : {std::string_view("NaN"), std::string_view("Infinity")}) {
                const std::size_t end = start + token.size();
                if (text.substr(start, token.size()) == token && (i == 0 || !word_char(text[i - 1])) &&
                    (end >= text.size() || !word_char(text[end]))) {
                    out += "null";
                    i = end - 1;
                    ++replaced;
                    matched = true;
                    break;
                }
            }
            if (matched) continue;
        }
        out += c;
    }
    return out;
}

// Google Benchmark's local date with its UTC offset ("2026-12-01T23:40:39+00:00"; older
// versions: "2019-08-06 15:47:13", no offset, read as UTC and said so) as ISO 8601 UTC, or "".
inline std::string date_to_utc(const std::string& s, bool& no_offset) {
    no_offset = false;
    std::size_t end = 0;
    if (!fixed_width_date_time(s, 'T', end) && !fixed_width_date_time(s, ' ', end)) return {};
    if (end != s.size() && !utc_offset(std::string_view(s).substr(end))) return {};
    for (const char* fmt : {"%FT%T%Ez", "%FT%T%z", "%F %T%Ez", "%F %T%z"}) {
        std::istringstream in(s);
        date::sys_seconds tp;
        in >> date::parse(fmt, tp);
        if (!in.fail()) return date::format("%FT%TZ", tp);
    }
    for (const char* fmt : {"%FT%T", "%F %T"}) {
        std::istringstream in(s);
        date::sys_seconds tp;
        in >> date::parse(fmt, tp);
        if (!in.fail()) {
            no_offset = true;
            return date::format("%FT%TZ", tp);
        }
    }
    return {};
}

// The context's caches as the cpu field: the file names no CPU model, and the caches are
// what it says about the processor that stays the same from run to run (its MHz does not).
inline std::string cpu_from_caches(simdjson::dom::array caches) {
    std::string list;
    for (simdjson::dom::element c : caches) {
        std::string_view type;
        std::int64_t level = 0, size = 0;
        if (c["type"].get_string().get(type) || c["level"].get_int64().get(level) || c["size"].get_int64().get(size)) continue;
        std::string item = "L" + std::to_string(level) + (type == "Data" ? "d" : type == "Instruction" ? "i" : "") + " ";
        item += size % (1024 * 1024) == 0 ? std::to_string(size / (1024 * 1024)) + " MiB" : std::to_string(size / 1024) + " KiB";
        list += (list.empty() ? "" : ", ") + item;
    }
    return list.empty() ? std::string() : "unknown model (Google Benchmark: caches " + list + ")";
}

// The fields of a row that are not counters.
inline bool known_field(std::string_view key) {
    static constexpr std::string_view known[] = {
        "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions", "repetition_index",
        "threads", "aggregate_name", "aggregate_unit", "iterations", "real_time", "cpu_time", "time_unit",
        "error_occurred", "error_message", "skipped", "skip_message", "label", "big_o", "cpu_coefficient",
        "real_coefficient", "rms", "allocs_per_iter", "max_bytes_used", "total_allocated_bytes", "net_heap_growth",
        "memory_iterations", "bytes_per_second", "items_per_second"};
    return std::find(std::begin(known), std::end(known), key) != std::end(known);
}

// One benchmark while its rows are read: samples so far, and per repetition the values that
// become one number (throughput, allocations, counters) at the end.
struct Pending {
    BenchmarkResult b;
    bool skipped = false;
    std::string skip_message;
    std::vector<double> bytes, items, allocs;                         // per iteration, one per repetition
    std::vector<std::pair<std::string, std::vector<double>>> counters;  // in order of first appearance
    std::vector<std::string> bad_counters;                            // null (NaN or Infinity) somewhere
};

// The benchmarks read so far, in order of first appearance, and an index of them by name (a
// deque keeps each in place as more are added).
struct PendingName {
    std::string_view operator()(const Pending& p) const { return p.b.name; }
};
struct PendingList {
    std::deque<Pending> list;
    NameIndexOf<Pending, PendingName> index;

    Pending& of(std::string_view name) {
        if (Pending* p = index.find(name)) return *p;
        list.emplace_back();
        list.back().b.name = std::string(name);
        return *index.add(list.back());
    }
};

inline double mean_of(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? std::nan("") : s / static_cast<double>(v.size());
}

inline void add_note(std::vector<std::string>& notes, const std::string& n) {
    if (std::find(notes.begin(), notes.end(), n) == notes.end()) notes.push_back(n);
}

// Reads one file's rows into `pending` as process `process`. Returns "" or the problem.
inline std::string read_source(const GbenchSource& src, const GbenchOptions& opt, std::uint32_t process,
                               PendingList& pending, GbenchImport& out, std::size_t& aggregates,
                               std::size_t& rows) {
    using namespace simdjson;
    const std::string& label = src.label;
    if (src.text.find_first_not_of(" \t\r\n") == std::string::npos) return label + ": file is empty";
    std::size_t replaced = 0;
    std::string text = replace_nonfinite_tokens(src.text, replaced);
    dom::parser parser;
    dom::element doc;
    if (std::string problem = parse_json(parser, padded(text), doc); !problem.empty()) return label + ": " + problem;
    dom::object root;
    if (doc.get_object().get(root)) return label + ": not a Google Benchmark JSON file (the top level is not an object)";
    std::string_view schema;
    if (!root["schema"].get_string().get(schema))
        return label + ": is a benchgate result file (schema " + detail::one_line(std::string(schema)) + "), not Google Benchmark output";
    dom::array rows_array;
    if (root["benchmarks"].get_array().get(rows_array))
        return label + ": not a Google Benchmark JSON file (no \"benchmarks\" array; write one with "
                       "--benchmark_out=FILE --benchmark_out_format=json)";

    Context& c = out.run.context;
    dom::object ctx;
    if (process == 0 && !root["context"].get_object().get(ctx)) {
        std::string_view v;
        if (!ctx["host_name"].get_string().get(v)) c.host = std::string(v);
        std::int64_t cpus = 0;
        if (!ctx["num_cpus"].get_int64().get(cpus) && cpus > 0 && cpus < 1000000) c.cores = static_cast<int>(cpus);
        if (!ctx["library_build_type"].get_string().get(v)) c.build_type = std::string(v);
        if (!ctx["commit"].get_string().get(v)) c.commit = std::string(v);
        dom::array caches;
        if (!ctx["caches"].get_array().get(caches)) c.cpu = cpu_from_caches(caches);
        if (!ctx["date"].get_string().get(v)) {
            bool no_offset = false;
            out.run.created = date_to_utc(std::string(v), no_offset);
            if (out.run.created.empty())
                add_note(out.notes, label + ": its date '" + one_line(v) + "' is not a time this reader knows: created is left empty");
            else if (no_offset)
                add_note(out.notes, label + ": its date has no UTC offset: read as UTC");
        }
    }
    {  // what the file says about the run that has no field of its own
        std::string about = "imported from Google Benchmark JSON " + label;
        std::string_view v;
        std::vector<std::string> parts;
        if (!root["context"].get_object().get(ctx)) {
            if (!ctx["executable"].get_string().get(v)) parts.push_back("executable " + std::string(v));
            double mhz = 0;
            if (!ctx["mhz_per_cpu"].get_double().get(mhz) && std::isfinite(mhz)) parts.push_back(std::to_string(std::llround(mhz)) + " MHz per CPU");
            if (!ctx["library_build_type"].get_string().get(v)) parts.push_back("library built as " + std::string(v));
        }
        for (std::size_t i = 0; i < parts.size(); ++i) about += (i ? ", " : " (") + parts[i];
        c.notes.push_back(about + (parts.empty() ? "" : ")"));
    }
    if (replaced > 0)
        add_note(out.notes, label + ": " + std::to_string(replaced) +
                                " NaN or Infinity token(s), which Google Benchmark writes and JSON has not: read as missing values");

    const char* time_key = opt.cpu_time ? "cpu_time" : "real_time";
    std::size_t index = 0;
    for (dom::element item : rows_array) {
        ++index;
        ++rows;
        const std::string where = label + ": benchmark row " + std::to_string(index);
        dom::object o;
        if (item.get_object().get(o)) return where + " is not an object";
        std::string_view name, run_type;
        if ((o["run_name"].get_string().get(name) || name.empty()) && (o["name"].get_string().get(name) || name.empty()))
            return where + " has no name";
        const bool aggregate = !o["run_type"].get_string().get(run_type) ? run_type == "aggregate"
                                                                           : o["aggregate_name"].error() == SUCCESS ||
                                                                                 o["big_o"].error() == SUCCESS ||
                                                                                 o["rms"].error() == SUCCESS;
        if (aggregate) {
            ++aggregates;
            continue;
        }
        const std::string bname(name);
        Pending& p = pending.of(bname);
        std::string_view message;
        bool flag = false;
        if (!o["error_occurred"].get_bool().get(flag) && flag) {
            if (!p.b.failed())
                p.b.error = !o["error_message"].get_string().get(message) && !message.empty() ? std::string(message)
                                                                                             : "Google Benchmark reported an error";
            continue;
        }
        if (!o["skipped"].get_bool().get(flag) && flag) {
            p.skipped = true;
            if (!o["skip_message"].get_string().get(message)) p.skip_message = std::string(message);
            continue;
        }
        std::string_view unit = "ns";
        dom::element unit_el;
        if (!o["time_unit"].get(unit_el) && unit_el.get_string().get(unit))
            return where + " ('" + one_line(bname) + "'): time_unit is not a string";
        const double scale = unit_scale(unit);
        if (scale == 0.0)
            return where + " ('" + one_line(bname) + "'): unknown time_unit '" + one_line(unit) +
                   "' (Google Benchmark writes ns, us, ms or s)";
        if (p.b.failed()) continue;
        const std::string rep = "repetition " + std::to_string(p.b.samples.size() + 1) +
                                (process > 0 ? " of " + label : std::string());
        double t = 0, cpu = 0;
        std::uint64_t iterations = 0;
        if (o[time_key].get_double().get(t) || !std::isfinite(t)) {
            p.b.error = rep + ": " + time_key + " is missing, NaN or Infinity in the Google Benchmark file";
            continue;
        }
        if (!detail::sample_problem(t * scale).empty()) {  // what a benchgate file holds
            p.b.error = rep + ": " + time_key + " is not a positive time in range (" + std::to_string(t) + ")";
            continue;
        }
        if (o["iterations"].get_uint64().get(iterations) || iterations == 0) {
            p.b.error = rep + ": iterations is not a positive integer";
            continue;
        }
        p.b.samples.push_back(t * scale);
        p.b.iterations.push_back(iterations);
        p.b.processes.push_back(process);
        // Rates are per second of cpu time: Google Benchmark divides them by it.
        const bool has_cpu = !o["cpu_time"].get_double().get(cpu) && std::isfinite(cpu) && cpu > 0;
        const double cpu_seconds = has_cpu ? cpu * scale / 1e9 : 0.0;
        double rate = 0;
        if (has_cpu && !o["bytes_per_second"].get_double().get(rate) && std::isfinite(rate)) p.bytes.push_back(rate * cpu_seconds);
        if (has_cpu && !o["items_per_second"].get_double().get(rate) && std::isfinite(rate)) p.items.push_back(rate * cpu_seconds);
        double allocs = 0;
        if (!o["allocs_per_iter"].get_double().get(allocs) && std::isfinite(allocs)) p.allocs.push_back(allocs);
        for (auto field : o) {
            if (known_field(field.key)) continue;
            const std::string key(field.key);
            double v = 0;
            const bool null = field.value.is_null();
            if (!null && field.value.get_double().get(v)) continue;  // strings, arrays: not counters
            auto ct = std::find_if(p.counters.begin(), p.counters.end(), [&](const auto& x) { return x.first == key; });
            if (ct == p.counters.end()) {
                p.counters.emplace_back(key, std::vector<double>());
                ct = p.counters.end() - 1;
            }
            if (null || !std::isfinite(v)) {
                if (std::find(p.bad_counters.begin(), p.bad_counters.end(), key) == p.bad_counters.end()) p.bad_counters.push_back(key);
            } else {
                ct->second.push_back(v);
            }
        }
    }
    return {};
}

}  // namespace detail::gbench

// Imports one or more Google Benchmark JSON files (runs of the same binary, each one process).
inline GbenchImport import_gbench(const std::vector<GbenchSource>& sources, const GbenchOptions& opt = {}) {
    using namespace detail::gbench;
    GbenchImport out;
    if (sources.empty()) {
        out.error = "no Google Benchmark file to import";
        return out;
    }
    Context& c = out.run.context;
    c.benchgate_version = BENCHGATE_VERSION_STRING;
    c.processes = static_cast<int>(sources.size());
    PendingList pending;
    std::size_t aggregates = 0, rows = 0;
    for (std::size_t i = 0; i < sources.size(); ++i)
        if (std::string problem = read_source(sources[i], opt, static_cast<std::uint32_t>(i), pending, out, aggregates, rows);
            !problem.empty()) {
            out.error = problem;
            return out;
        }
    const std::string files = sources.size() == 1 ? sources[0].label : std::to_string(sources.size()) + " files";
    if (rows == 0) {
        out.error = files + ": no benchmark results (the \"benchmarks\" array is empty)";
        return out;
    }
    if (pending.list.empty()) {
        out.error = files + ": no benchmark results, only aggregate rows (run Google Benchmark without "
                            "--benchmark_report_aggregates_only)";
        return out;
    }
    if (aggregates > 0)
        add_note(out.notes, "left out " + std::to_string(aggregates) +
                                " aggregate row(s) (mean, median, stddev, cv, BigO, RMS): benchgate computes its statistics "
                                "from the repetitions");
    bool any_counters = false;
    std::size_t few = 0;
    const std::size_t needed = static_cast<std::size_t>(GateConfig{}.min_process_samples);
    // A note per benchmark at most: each looked up among those made in a set, not in the list.
    std::unordered_set<std::string> noted(out.notes.begin(), out.notes.end());
    const auto note = [&](std::string n) {
        if (noted.insert(n).second) out.notes.push_back(std::move(n));
    };
    for (Pending& p : pending.list) {
        BenchmarkResult& b = p.b;
        if (p.skipped && !b.failed()) {
            note(detail::one_line(b.name) + ": skipped by Google Benchmark" +
                 (p.skip_message.empty() ? "" : " (" + detail::one_line(p.skip_message) + ")") + ": left out");
            continue;
        }
        if (b.failed()) {
            b.samples.clear();
            b.iterations.clear();
            b.processes.clear();
            out.run.benchmarks.push_back(std::move(b));
            continue;
        }
        if (!p.bytes.empty()) {
            b.throughput_unit = "bytes";
            b.throughput = mean_of(p.bytes);
        } else if (!p.items.empty()) {
            b.throughput_unit = "elements";
            b.throughput = mean_of(p.items);
        }
        if (!p.bytes.empty() && !p.items.empty() && std::isfinite(mean_of(p.items))) b.counters.push_back({"items", mean_of(p.items), true});
        if (!(b.throughput > 0) || !std::isfinite(b.throughput)) {  // a zero rate: nothing declared; an overflow: nothing usable
            b.throughput_unit.clear();
            b.throughput = 0.0;
        }
        if (!p.allocs.empty() && std::isfinite(mean_of(p.allocs)) && mean_of(p.allocs) >= 0) b.metrics.allocations = mean_of(p.allocs);
        for (const auto& [name, values] : p.counters) {
            if (std::find(p.bad_counters.begin(), p.bad_counters.end(), name) != p.bad_counters.end()) {
                note(detail::one_line(b.name) + ": counter '" + detail::one_line(name) +
                     "' is NaN or Infinity in the file: left out");
                continue;
            }
            if (!std::isfinite(mean_of(values))) {  // finite values whose mean overflows
                note(detail::one_line(b.name) + ": counter '" + detail::one_line(name) +
                     "' overflows when averaged: left out");
                continue;
            }
            b.counters.push_back({name, mean_of(values), false});
            any_counters = true;
        }
        if (std::all_of(b.processes.begin(), b.processes.end(), [](std::uint32_t x) { return x == 0; })) b.processes.clear();
        if (fewest_process_samples(b) < needed) ++few;
        summarize(b);
        out.run.benchmarks.push_back(std::move(b));
    }
    if (out.run.benchmarks.empty()) {
        out.error = files + ": no benchmark results: every benchmark was skipped";
        return out;
    }
    if (any_counters)
        add_note(out.notes, "counters are kept as Google Benchmark reported them, averaged over the repetitions (its JSON does "
                            "not say which are rates or totals), and shown per iteration");
    if (few > 0)
        add_note(out.notes, std::to_string(few) + " benchmark(s) have fewer than " + std::to_string(needed) +
                                " repetitions in a run: as a baseline, 'benchgate compare' refuses them (exit 2); run Google "
                                "Benchmark with --benchmark_repetitions=10 for a gate");
    if (sources.size() == 1)
        add_note(out.notes, "one Google Benchmark run is one process: against another single run the change's interval rests on "
                            "the gate's prior spread (about \xC2\xB1" "12%), so smaller changes read UNDECIDED at the default "
                            "bands; import several runs of the binary (import-gbench A.json B.json C.json) for a narrower one");
    return out;
}

}  // namespace benchgate
