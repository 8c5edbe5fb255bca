// Files in and out of other tools: the BMF, github-action-benchmark and OpenMetrics exports
// (parsed back), the Google Benchmark import, --shard selection and merging shard files.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>
#include <benchgate/detail/tool/args.hpp>
#include <benchgate/import_gbench.hpp>
#include <benchgate/merge.hpp>
#include <benchgate/report/bmf.hpp>
#include <benchgate/report/github_action_benchmark.hpp>
#include <benchgate/report/openmetrics.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace benchgate;
using namespace benchgate::detail;

namespace {

BenchmarkResult make_benchmark(const std::string& name, double base_ns) {
    BenchmarkResult b;
    b.name = name;
    for (int i = 0; i < 12; ++i) {
        b.samples.push_back(base_ns * (1.0 + 0.01 * (i % 5)));
        b.iterations.push_back(1000);
    }
    summarize(b);
    return b;
}

const std::string hostile = "odd \"name\"\\with\nnewline, comma|pipe <script>alert(1)</script>";

RunResult export_run() {
    RunResult run;
    run.created = "2026-12-01T10:00:00Z";
    run.context.host = "ci";
    run.context.cpu = "Test CPU";
    run.context.cores = 2;
    run.context.compiler = "gcc 12";
    run.context.build_type = "release";
    run.context.commit = "abc123";
    BenchmarkResult a = make_benchmark("io/copy", 100.0);
    a.throughput_unit = "bytes";
    a.throughput = 4096;
    a.metrics.allocations = 2;
    a.metrics.allocated_bytes = 64;
    a.metrics.instructions = 1234;
    BenchmarkResult failed;
    failed.name = "io/throws";
    failed.error = "boom";
    BenchmarkResult h = make_benchmark(hostile, 2000.0);
    run.benchmarks = {a, failed, h};
    return run;
}

simdjson::dom::element parse_json(simdjson::dom::parser& parser, const std::string& text) {
    simdjson::dom::element doc;
    REQUIRE(parser.parse(simdjson::padded_string(text)).get(doc) == simdjson::SUCCESS);
    return doc;
}

}  // namespace

// ---------------------------------------------------------------- exports

TEST_CASE("BMF: every non-failed benchmark keyed by name, with latency bounded by the median's interval") {
    const RunResult run = export_run();
    simdjson::dom::parser parser;
    const auto doc = parse_json(parser, report::bmf_report(run));
    simdjson::dom::object root;
    REQUIRE(doc.get_object().get(root) == simdjson::SUCCESS);
    std::set<std::string> keys;
    for (auto field : root) keys.insert(std::string(field.key));
    CHECK(keys == std::set<std::string>{"io/copy", hostile});  // the failed one is left out

    for (auto field : root) {
        const BenchmarkResult& b = *run.find(std::string(field.key));
        simdjson::dom::object measures;
        REQUIRE(field.value.get_object().get(measures) == simdjson::SUCCESS);
        for (auto m : measures) {
            simdjson::dom::object metric;
            REQUIRE(m.value.get_object().get(metric) == simdjson::SUCCESS);
            double value = 0;
            REQUIRE(metric["value"].get_double().get(value) == simdjson::SUCCESS);
            for (auto k : metric) {  // only the three BMF keys, each a number
                CHECK((k.key == "value" || k.key == "lower_value" || k.key == "upper_value"));
                CHECK(k.value.is_number());
            }
        }
        const double latency = measures["latency"]["value"].get_double().value();
        CHECK(latency == b.estimates.median.point);
        CHECK(measures["latency"]["lower_value"].get_double().value() == b.estimates.median.lower);
        CHECK(measures["latency"]["upper_value"].get_double().value() == b.estimates.median.upper);
    }
    simdjson::dom::object copy = root["io/copy"].get_object().value();
    const double rate = copy["throughput"]["value"].get_double().value();
    CHECK(rate == Approx(4096 * 1e9 / run.benchmarks[0].estimates.median.point));
    CHECK(copy["throughput"]["lower_value"].get_double().value() <= rate);
    CHECK(copy["throughput"]["upper_value"].get_double().value() >= rate);
    CHECK(copy["allocations"]["value"].get_double().value() == 2);
    CHECK(copy["allocated-bytes"]["value"].get_double().value() == 64);
    CHECK(copy["instructions"]["value"].get_double().value() == 1234);
    CHECK(copy["allocations"]["lower_value"].error() == simdjson::NO_SUCH_FIELD);  // a count has no interval
    CHECK(root[hostile]["throughput"].error() == simdjson::NO_SUCH_FIELD);         // none declared
    CHECK(root[hostile]["allocations"].error() == simdjson::NO_SUCH_FIELD);        // not measured
}

TEST_CASE("github-action-benchmark: an array of {name, value, unit, range, extra}, median ns, failed left out") {
    const RunResult run = export_run();
    simdjson::dom::parser parser;
    const auto doc = parse_json(parser, report::github_action_benchmark_report(run));
    simdjson::dom::array entries;
    REQUIRE(doc.get_array().get(entries) == simdjson::SUCCESS);
    REQUIRE(entries.size() == 2);
    std::vector<std::string> names;
    for (simdjson::dom::element e : entries) {
        simdjson::dom::object o = e.get_object().value();
        std::set<std::string> keys;
        for (auto f : o) keys.insert(std::string(f.key));
        CHECK(keys == std::set<std::string>{"name", "value", "unit", "range", "extra"});
        const std::string name(o["name"].get_string().value());
        names.push_back(name);
        const BenchmarkResult& b = *run.find(name);
        CHECK(o["value"].get_double().value() == b.estimates.median.point);
        CHECK(std::string(o["unit"].get_string().value()) == "ns");
        const std::string range(o["range"].get_string().value());
        REQUIRE(range.rfind("\xC2\xB1 ", 0) == 0);
        CHECK(std::stod(range.substr(3)) == Approx((b.estimates.median.upper - b.estimates.median.lower) / 2).epsilon(1e-3));
        const std::string extra(o["extra"].get_string().value());
        CHECK(extra.find("12 samples") != std::string::npos);
        CHECK(extra.find("commit abc123") != std::string::npos);
    }
    CHECK(names == std::vector<std::string>{"io/copy", hostile});
    RunResult none;
    CHECK(report::github_action_benchmark_report(none) == "[]\n");
}

TEST_CASE("OpenMetrics: label values escaped, failed benchmarks marked, floats with a point, # EOF last") {
    RunResult run = export_run();
    run.benchmarks.push_back(make_benchmark("bad\xFFutf8", 10.0));
    const std::string text = report::openmetrics_report(run);
    REQUIRE(text.size() > 6);
    CHECK(text.substr(text.size() - 6) == "# EOF\n");
    CHECK(text.find("# EOF") == text.size() - 6);
    CHECK(text.find('\r') == std::string::npos);
    // The hostile name, escaped per the spec: backslash, double quote, line feed.
    const std::string escaped = "odd \\\"name\\\"\\\\with\\nnewline, comma|pipe <script>alert(1)</script>";
    CHECK(report::openmetrics_label_value(hostile) == escaped);
    CHECK(text.find("benchgate_time_seconds{benchmark=\"" + escaped + "\",estimate=\"median\"} ") != std::string::npos);
    CHECK(text.find("benchgate_failed{benchmark=\"io/throws\"} 1\n") != std::string::npos);
    CHECK(text.find("benchgate_failed{benchmark=\"io/copy\"} 0\n") != std::string::npos);
    CHECK(text.find("benchmark=\"io/throws\",estimate") == std::string::npos);  // no time for a failure
    CHECK(text.find("bad\xEF\xBF\xBDutf8") != std::string::npos);                 // invalid UTF-8 replaced
    CHECK(text.find("\xFF") == std::string::npos);
    CHECK(text.find("# TYPE benchgate_time_seconds gauge\n# UNIT benchgate_time_seconds seconds\n") != std::string::npos);
    CHECK(text.find("benchgate_run_info{host=\"ci\",cpu=\"Test CPU\",cores=\"2\"") != std::string::npos);
    CHECK(text.find("benchgate_throughput_bytes_per_second{benchmark=\"io/copy\"} ") != std::string::npos);
    CHECK(text.find("benchgate_allocations_per_iteration{benchmark=\"io/copy\"} 2.0\n") != std::string::npos);
    CHECK(report::openmetrics_number(2.0) == "2.0");
    CHECK(report::openmetrics_number(1.5e-7) == "1.5e-07");
    CHECK(report::openmetrics_number(std::nan("")) == "NaN");
    CHECK(report::openmetrics_number(-INFINITY) == "-Inf");
    // Every sample line: name{labels} value, and the value a float or an integer.
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty() || line[0] == '#') continue;
        const std::string value = line.substr(line.rfind(' ') + 1);
        CHECK_NOTHROW(std::stod(value));
    }
}

// ---------------------------------------------------------------- Google Benchmark import

namespace {

// Google Benchmark's JSON as its reporter writes it: repetitions, aggregates, complexity rows,
// an error, a skip (newer versions), bare NaN and Infinity tokens, counters and rates.
std::string gbench_json() {
    std::string rows;
    auto row = [&](const std::string& fields) { rows += (rows.empty() ? "" : ",\n") + ("    {" + fields + "}"); };
    for (int i = 0; i < 5; ++i) {
        const std::string t = std::to_string(1.5 + 0.1 * i);
        row("\"name\": \"BM_Copy/64\", \"run_name\": \"BM_Copy/64\", \"run_type\": \"iteration\", \"repetitions\": 5, "
            "\"repetition_index\": " + std::to_string(i) + ", \"threads\": 1, \"iterations\": " + std::to_string(1000 + i) +
            ", \"real_time\": " + t + ", \"cpu_time\": " + std::to_string(1.4 + 0.1 * i) +
            ", \"time_unit\": \"us\", \"bytes_per_second\": 2.0e9, \"frames\": 3.0e+00, \"idle\": Infinity, \"label\": \"x\"");
    }
    for (const char* agg : {"mean", "median", "stddev", "cv"})
        row(std::string("\"name\": \"BM_Copy/64_") + agg + "\", \"run_name\": \"BM_Copy/64\", \"run_type\": \"aggregate\", "
            "\"aggregate_name\": \"" + agg + "\", \"iterations\": 5, \"real_time\": NaN, \"cpu_time\": -Infinity, \"time_unit\": \"us\"");
    row("\"name\": \"BM_Copy_BigO\", \"run_name\": \"BM_Copy\", \"run_type\": \"aggregate\", \"aggregate_name\": \"BigO\", "
        "\"cpu_coefficient\": 1.0, \"real_coefficient\": 1.0, \"big_o\": \"N\", \"time_unit\": \"us\"");
    row("\"name\": \"BM_Copy_RMS\", \"run_name\": \"BM_Copy\", \"run_type\": \"aggregate\", \"aggregate_name\": \"RMS\", \"rms\": NaN");
    for (int i = 0; i < 5; ++i)
        row("\"name\": \"BM_Error\", \"run_name\": \"BM_Error\", \"run_type\": \"iteration\", \"error_occurred\": true, "
            "\"error_message\": \"no \\\"input\\\" NaN file\", \"iterations\": 1, \"real_time\": 0.0, \"cpu_time\": 0.0, \"time_unit\": \"ns\"");
    row("\"name\": \"BM_Skip\", \"run_name\": \"BM_Skip\", \"run_type\": \"iteration\", \"skipped\": true, "
        "\"skip_message\": \"not on this machine\", \"iterations\": 0, \"real_time\": 0, \"cpu_time\": 0, \"time_unit\": \"ns\"");
    for (int i = 0; i < 5; ++i)
        row("\"name\": \"BM_Nan\", \"run_name\": \"BM_Nan\", \"run_type\": \"iteration\", \"iterations\": 10, \"real_time\": " +
            std::string(i == 2 ? "NaN" : "4.0e+00") + ", \"cpu_time\": 4.0, \"time_unit\": \"ms\"");
    row("\"name\": \"BM_Once\", \"run_name\": \"BM_Once\", \"run_type\": \"iteration\", \"iterations\": 7, \"real_time\": 2.0, "
        "\"cpu_time\": 1.0, \"time_unit\": \"s\", \"items_per_second\": 10.0");
    return "{\n  \"context\": {\n    \"date\": \"2026-12-01T23:40:39+02:00\",\n    \"host_name\": \"runner-7\",\n"
           "    \"executable\": \"./bench\",\n    \"num_cpus\": 4,\n    \"mhz_per_cpu\": 2600,\n"
           "    \"cpu_scaling_enabled\": false,\n    \"caches\": [\n      {\"type\": \"Data\", \"level\": 1, \"size\": 49152, \"num_sharing\": 1},\n"
           "      {\"type\": \"Unified\", \"level\": 3, \"size\": 33554432, \"num_sharing\": 4}\n    ],\n"
           "    \"load_avg\": [0.5,0.2,0.1],\n    \"library_build_type\": \"release\"\n  },\n  \"benchmarks\": [\n" +
           rows + "\n  ]\n}\n";
}

bool has_note(const GbenchImport& im, const std::string& part) {
    for (const auto& n : im.notes)
        if (n.find(part) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("import-gbench: repetitions become samples in ns; aggregates, errors, skips and NaN tokens handled") {
    const GbenchImport im = import_gbench({{gbench_json(), "gb.json"}});
    REQUIRE(im.ok());
    const RunResult& run = im.run;
    std::vector<std::string> names;
    for (const auto& b : run.benchmarks) names.push_back(b.name);
    CHECK(names == std::vector<std::string>{"BM_Copy/64", "BM_Error", "BM_Nan", "BM_Once"});

    const BenchmarkResult& copy = *run.find("BM_Copy/64");
    REQUIRE(copy.samples.size() == 5);
    CHECK(copy.samples[0] == Approx(1500.0));  // us -> ns, real_time
    CHECK(copy.samples[4] == Approx(1900.0));
    CHECK(copy.iterations == std::vector<std::uint64_t>{1000, 1001, 1002, 1003, 1004});
    CHECK(copy.unit == "ns");
    CHECK(copy.estimates.median.point == Approx(1700.0));
    // bytes_per_second is per second of cpu time: 2e9 B/s * 1.6 us (the mean cpu time) per iteration.
    CHECK(copy.throughput_unit == "bytes");
    CHECK(copy.throughput == Approx(2e9 * 1.6e-6));
    REQUIRE(copy.counters.size() == 1);  // "idle" was Infinity: left out
    CHECK(copy.counters[0].name == "frames");
    CHECK(copy.counters[0].value == 3.0);
    CHECK_FALSE(copy.counters[0].rate);

    CHECK(run.find("BM_Error")->error == "no \"input\" NaN file");  // a NaN inside a string is text
    CHECK(run.find("BM_Error")->samples.empty());
    CHECK(run.find("BM_Skip") == nullptr);
    CHECK(run.find("BM_Nan")->failed());
    CHECK(run.find("BM_Nan")->error.find("repetition 3: real_time is missing, NaN or Infinity") != std::string::npos);
    const BenchmarkResult& once = *run.find("BM_Once");
    CHECK(once.samples == std::vector<double>{2e9});  // s -> ns
    CHECK(once.throughput_unit == "elements");
    CHECK(once.throughput == Approx(10.0));

    CHECK(has_note(im, "left out 6 aggregate row(s)"));
    CHECK(has_note(im, "BM_Skip: skipped by Google Benchmark (not on this machine): left out"));
    CHECK(has_note(im, "counter 'idle' is NaN or Infinity"));
    CHECK(has_note(im, "NaN or Infinity token(s)"));
    CHECK(has_note(im, "fewer than 5 repetitions"));  // BM_Once
    CHECK(has_note(im, "--benchmark_repetitions=10"));
    CHECK(has_note(im, "one Google Benchmark run is one process"));

    const Context& c = run.context;
    CHECK(run.created == "2026-12-01T21:40:39Z");  // +02:00 to UTC
    CHECK(c.host == "runner-7");
    CHECK(c.cores == 4);
    CHECK(c.build_type == "release");
    CHECK(c.cpu == "unknown model (Google Benchmark: caches L1d 48 KiB, L3 32 MiB)");
    CHECK(c.processes == 1);
    REQUIRE(c.notes.size() == 1);
    CHECK(c.notes[0] == "imported from Google Benchmark JSON gb.json (executable ./bench, 2600 MHz per CPU, library built as release)");

    // The written file reads back through the ordinary reader.
    const LoadedRun back = parse_run(to_json(run), "out.json");
    REQUIRE(back.ok());
    CHECK(back.run.find("BM_Copy/64")->samples == copy.samples);
    CHECK(back.run.find("BM_Error")->failed());
}

TEST_CASE("import-gbench: --time cpu, several files as processes, bad input named in one line") {
    const GbenchImport cpu = import_gbench({{gbench_json(), "gb.json"}}, GbenchOptions{true});
    REQUIRE(cpu.ok());
    CHECK(cpu.run.find("BM_Copy/64")->samples[0] == Approx(1400.0));

    const GbenchImport two = import_gbench({{gbench_json(), "a.json"}, {gbench_json(), "b.json"}});
    REQUIRE(two.ok());
    CHECK(two.run.context.processes == 2);
    const BenchmarkResult& copy = *two.run.find("BM_Copy/64");
    CHECK(copy.samples.size() == 10);
    CHECK(copy.processes == std::vector<std::uint32_t>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1});
    CHECK(process_estimates(copy, stats::Statistic::min).size() == 2);
    CHECK_FALSE(has_note(two, "one Google Benchmark run is one process"));
    CHECK(two.run.context.notes.size() == 2);

    auto error_of = [](const std::string& text) { return import_gbench({{text, "in.json"}}).error; };
    CHECK(error_of("") == "in.json: file is empty");
    CHECK(error_of("not json").rfind("in.json: not valid JSON", 0) == 0);
    const std::string full = gbench_json();
    CHECK(error_of(full.substr(0, full.size() / 2)).rfind("in.json: not valid JSON", 0) == 0);  // truncated
    CHECK(error_of("[1, 2]").find("top level is not an object") != std::string::npos);
    CHECK(error_of("{\"context\": {}}").find("no \"benchmarks\" array") != std::string::npos);
    CHECK(error_of("{\"schema\": \"benchgate/1\", \"benchmarks\": []}").find("is a benchgate result file") != std::string::npos);
    CHECK(error_of("{\"benchmarks\": []}") == "in.json: no benchmark results (the \"benchmarks\" array is empty)");
    CHECK(error_of("{\"benchmarks\": [{\"name\": \"a_mean\", \"run_name\": \"a\", \"run_type\": \"aggregate\"}]}").find(
              "only aggregate rows") != std::string::npos);
    CHECK(error_of("{\"benchmarks\": [{\"name\": \"a\", \"skipped\": true}]}").find("every benchmark was skipped") !=
          std::string::npos);
    CHECK(error_of("{\"benchmarks\": [{\"name\": \"a\", \"iterations\": 1, \"real_time\": 1, \"time_unit\": \"ps\"}]}") ==
          "in.json: benchmark row 1 ('a'): unknown time_unit 'ps' (Google Benchmark writes ns, us, ms or s)");
    CHECK(error_of("{\"benchmarks\": [{\"iterations\": 1}]}") == "in.json: benchmark row 1 has no name");
    CHECK(error_of("{\"benchmarks\": [3]}") == "in.json: benchmark row 1 is not an object");
}

TEST_CASE("import-gbench: NaN and Infinity are replaced outside strings only") {
    std::size_t n = 0;
    CHECK(gbench::replace_nonfinite_tokens(R"({"a": NaN, "b": [Infinity,-Infinity], "c": "NaN \" Infinity", "d": -NaN})", n) ==
          R"({"a": null, "b": [null,null], "c": "NaN \" Infinity", "d": null})");
    CHECK(n == 4);
    CHECK(gbench::replace_nonfinite_tokens(R"({"x\\": NaN})", n) == R"({"x\\": null})");
    CHECK(n == 1);
    CHECK(gbench::replace_nonfinite_tokens("[NaNo]", n) == "[NaNo]");  // not a token: stays invalid JSON
    CHECK(n == 0);
}

TEST_CASE("import-gbench: values that overflow in ns or in a mean are refused or left out, never infinite") {
    const std::string row = R"({"name": "big", "iterations": 1, "time_unit": "s", "cpu_time": 1e300, "real_time": )";
    const GbenchImport t = import_gbench({{R"({"benchmarks": [)" + row + "1e300}]}", "gb.json"}});
    REQUIRE(t.ok());
    CHECK(t.run.benchmarks[0].failed());
    CHECK(t.run.benchmarks[0].error.find("real_time is not a positive time in range") != std::string::npos);
    const std::string rows = R"({"benchmarks": [
        {"name": "c", "iterations": 1, "real_time": 1, "cpu_time": 1, "bytes_per_second": 1e308, "frames": 1.7e308, "allocs_per_iter": -3},
        {"name": "c", "iterations": 1, "real_time": 1, "cpu_time": 1e300, "bytes_per_second": 1e308, "frames": 1.7e308}]})";
    const GbenchImport c = import_gbench({{rows, "gb.json"}});
    REQUIRE(c.ok());
    const BenchmarkResult& b = c.run.benchmarks[0];
    CHECK(b.throughput_unit.empty());  // 1e308 B/s over 1e291 s: no finite bytes per iteration
    CHECK(b.counters.empty());         // the mean of 1.7e308 and 1.7e308 overflows
    CHECK(std::isnan(b.metrics.allocations));
    CHECK(has_note(c, "counter 'frames' overflows when averaged: left out"));
    const LoadedRun back = parse_run(to_json(c.run), "out.json");
    CHECK(back.error.empty());
}

TEST_CASE("import-gbench: 100 000 benchmarks (one in ten skipped) import in seconds") {
    // A row's benchmark and a note are looked up in an index: a scan of the benchmarks read so
    // far per row (5e9 name comparisons) took 18 s here.
    // The sanitized build (make test's second pass, -O0 with AddressSanitizer) checks a fifth as many.
    const int count = std::getenv("TEST_SANITIZED_BUILD") ? 20000 : 100000;
    std::string text = "{\"benchmarks\": [";
    for (int i = 0; i < count; ++i) {
        text += i ? ",\n{\"name\": \"BM_many/" : "\n{\"name\": \"BM_many/";
        text += std::to_string(i) + "\", ";
        text += i % 10 == 3 ? "\"skipped\": true, \"skip_message\": \"no\", "
                            : "\"iterations\": 10, \"real_time\": 1.5, \"cpu_time\": 1.5, ";
        text += "\"time_unit\": \"ns\"}";
    }
    text += "]}";
    const auto start = std::chrono::steady_clock::now();
    const GbenchImport im = import_gbench({{text, "gb.json"}});
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(im.ok());
    CHECK(im.run.benchmarks.size() == static_cast<std::size_t>(count / 10 * 9));
    CHECK(im.run.benchmarks[2].name == "BM_many/2");
    CHECK(im.run.benchmarks[3].name == "BM_many/4");
    CHECK(has_note(im, "BM_many/" + std::to_string(count - 7) + ": skipped by Google Benchmark (no): left out"));
    CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("import-gbench: a date with fields of other widths is not a time (and never reaches date::parse)") {
    bool no_offset = false;
    CHECK(gbench::date_to_utc("2019-08-06 15:47:13", no_offset) == "2019-08-06T15:47:13Z");
    CHECK(no_offset);
    CHECK(gbench::date_to_utc("2026-12-01T23:40:39+0200", no_offset) == "2026-12-01T21:40:39Z");
    CHECK(gbench::date_to_utc("2019-08-06 15:471:3", no_offset).empty());
    CHECK(gbench::date_to_utc("2019-08-06 15:47:13 junk", no_offset).empty());
    CHECK(gbench::date_to_utc("2019-8-6 15:47:13", no_offset).empty());
}

// ---------------------------------------------------------------- shards

TEST_CASE("shards: every name in exactly one shard of N, by FNV-1a 64 of the name, stable") {
    CHECK(shard_hash("a") == 0xaf63dc4c8601ec8cULL);  // FNV-1a 64 test vector
    CHECK(shard_hash("") == 14695981039346656037ULL);
    std::vector<std::string> names;
    for (int i = 0; i < 200; ++i) names.push_back("suite/bench_" + std::to_string(i) + (i % 3 ? "/size:64" : ""));
    for (int n = 1; n <= 7; ++n) {
        std::map<std::string, int> owner;
        for (const auto& name : names)
            for (int i = 1; i <= n; ++i)
                if (in_shard(name, i, n)) ++owner[name];
        for (const auto& name : names) CHECK(owner[name] == 1);
    }
    CHECK(in_shard("demo/vector_sum", 1, 3));  // what the integration check relies on, fixed forever
    CHECK(in_shard("demo/hash_chain", 3, 3));

    auto body = [](Bench&) {};
    const std::vector<Registration> all = {{"a", body}, {"b", body}, {"c", body}, {"d", body}};
    const auto selected = select(all, "");
    std::vector<std::string> joined;
    for (int i = 1; i <= 3; ++i)
        for (const Registration* r : select_shard(selected, i, 3)) joined.push_back(r->name);
    std::sort(joined.begin(), joined.end());
    CHECK(joined == std::vector<std::string>{"a", "b", "c", "d"});
    CHECK(select_shard(selected, 0, 0).size() == 4);  // no sharding
}

TEST_CASE("--shard I/N parses, with its environment mirror, and bad values name the flag") {
    auto parse = [](std::vector<const char*> args, const char* env = nullptr) {
        args.insert(args.begin(), "bench");
        return cli::parse(static_cast<int>(args.size()), args.data(), [env](const char* n) -> const char* {
            return env && std::string(n) == "BENCHGATE_SHARD" ? env : nullptr;
        });
    };
    const auto p = parse({"--shard", "2/4"});
    REQUIRE(p.ok());
    CHECK(p.options.shard_index == 2);
    CHECK(p.options.shard_count == 4);
    CHECK(p.options.shard() == "2/4");
    CHECK(parse({}, "3/3").options.shard() == "3/3");
    CHECK(parse({"--shard=1/2"}, "3/3").options.shard() == "1/2");
    CHECK(parse({}).options.shard().empty());
    for (const char* bad : {"0/3", "4/3", "1/0", "x", "1/", "/2", "-1/2", "1/2/3", "1/10001"})
        CHECK(parse({"--shard", bad}).error.find("option '--shard' expects I/N") != std::string::npos);
    CHECK(parse({}, "5/2").error.find("BENCHGATE_SHARD") != std::string::npos);
}

TEST_CASE("command-line errors stay one line when the value they quote has line breaks") {
    const char* argv[] = {"bench", "--shard", "1\n2"};
    const cli::Parsed p = cli::parse(3, argv, [](const char*) -> const char* { return nullptr; });
    CHECK(p.error == "option '--shard' expects I/N with 1 <= I <= N <= 10000 (e.g. 2/4), got '1\\n2'");
    const char* env_argv[] = {"bench"};
    CHECK(cli::parse(1, env_argv, [](const char* n) -> const char* { return std::string(n) == "BENCHGATE_COLOR" ? "red\r" : nullptr; })
              .error == "environment variable BENCHGATE_COLOR expects auto, always or never, got 'red\\r'");
    const tool::Args a = tool::parse_args({"--kee\np"}, {{"--keep", true}});
    CHECK(a.error == "unknown option --kee\\np");
    const tool::Args k = tool::parse_args({"--keep", "5\n"}, {{"--keep", true}});
    std::size_t keep = 0;
    CHECK(tool::count_value(k, "--keep", 1, 10, keep) == "--keep expects an integer from 1 to 10, got '5\\n'");
}

TEST_CASE("the shard is recorded in the context and read back") {
    RunResult run;
    run.context.shard = "2/4";
    run.benchmarks.push_back(make_benchmark("x", 5.0));
    const LoadedRun back = parse_run(to_json(run), "s.json");
    REQUIRE(back.ok());
    CHECK(back.run.context.shard == "2/4");
    run.context.shard.clear();
    CHECK(to_json(run).find("\"shard\"") == std::string::npos);
}

// ---------------------------------------------------------------- merge

namespace {
MergeSource shard_file(const std::string& label, const std::string& shard, const std::vector<std::string>& names, int processes) {
    MergeSource s;
    s.label = label;
    s.run.created = "2026-12-01T10:00:00Z";
    s.run.context.cpu = "CPU";
    s.run.context.cores = 2;
    s.run.context.compiler = "gcc";
    s.run.context.build_type = "release";
    s.run.context.shard = shard;
    s.run.context.processes = processes;
    s.run.context.notes = {"a note"};
    for (const auto& n : names) s.run.benchmarks.push_back(make_benchmark(n, 10.0));
    return s;
}
}  // namespace

TEST_CASE("merge: shards join into one run; the context says where it came from") {
    std::vector<MergeSource> files = {shard_file("a.json", "1/3", {"x", "y"}, 3), shard_file("b.json", "2/3", {}, 1),
                                      shard_file("c.json", "3/3", {"z"}, 4)};
    files[2].run.reference = make_benchmark(reference_name, 3.0);
    const MergedRun m = merge_runs(files);
    REQUIRE(m.ok());
    std::vector<std::string> names;
    for (const auto& b : m.run.benchmarks) names.push_back(b.name);
    CHECK(names == std::vector<std::string>{"x", "y", "z"});
    CHECK(m.run.context.processes == 4);
    CHECK(m.run.context.shard.empty());
    CHECK(m.run.context.notes ==
          std::vector<std::string>{"a note", "merged from 3 files: a.json (shard 1/3), b.json (shard 2/3), c.json (shard 3/3)"});
    CHECK(m.run.reference.samples == files[2].run.reference.samples);  // the first file that has one
    CHECK(m.warnings.empty());

    const MergedRun partial = merge_runs({files[0], files[2]});
    REQUIRE(partial.ok());
    REQUIRE(partial.warnings.size() == 1);
    CHECK(partial.warnings[0] == "shard(s) 2/3 not among the files: their benchmarks are not in the run");
    files[1].run.context.shard = "2/4";
    CHECK(merge_runs(files).warnings.at(0).find("different splits") != std::string::npos);
}

TEST_CASE("merge: an overlapping benchmark or a mixed machine is refused; --allow-mixed records it") {
    const MergeSource a = shard_file("a.json", "1/2", {"x", "y"}, 3);
    MergeSource b = shard_file("b.json", "2/2", {"z", "y"}, 3);
    CHECK(merge_runs({a, b}).error == "benchmark 'y' is in both a.json and b.json (the shards of one run hold different benchmarks)");
    b.run.benchmarks.pop_back();
    b.run.context.cpu = "Other CPU";
    const MergedRun refused = merge_runs({a, b});
    CHECK(refused.error.find("a.json and b.json were measured on different machines ('CPU \xC2\xB7 2 cores") == 0);
    CHECK(refused.error.find("'Other CPU \xC2\xB7 2 cores") != std::string::npos);
    CHECK(refused.error.find("--allow-mixed") != std::string::npos);
    MergeSource c = shard_file("c.json", "1/2", {"two\nlines"}, 1), d = shard_file("d.json", "2/2", {"two\nlines"}, 1);
    CHECK(merge_runs({c, d}).error == "benchmark 'two\\nlines' is in both c.json and d.json (the shards of one run hold different benchmarks)");
    const MergedRun mixed = merge_runs({a, b}, MergeOptions{true});
    REQUIRE(mixed.ok());
    CHECK(mixed.run.context.notes.back() ==
          "merged from runs on different machines: CPU \xC2\xB7 2 cores \xC2\xB7 gcc \xC2\xB7 release (a.json); "
          "Other CPU \xC2\xB7 2 cores \xC2\xB7 gcc \xC2\xB7 release (b.json)");
}

TEST_CASE("merge: a family split over shards is fitted again over all its instances") {
    auto instance = [](std::int64_t n) {
        BenchmarkResult b = make_benchmark("f/" + std::to_string(n), 2.0 * static_cast<double>(n));
        b.family = "f";
        b.params = {{"arg", n}};
        return b;
    };
    MergeSource a = shard_file("a.json", "1/2", {}, 1), b = shard_file("b.json", "2/2", {}, 1);
    a.run.benchmarks = {instance(64), instance(1024)};
    b.run.benchmarks = {instance(256), instance(4096)};
    ComplexityFit partial;
    partial.family = "f";
    partial.axis = "arg";
    partial.best = "O(1)";
    a.run.complexity = {partial};
    b.run.complexity = {partial};
    const MergedRun m = merge_runs({a, b});
    REQUIRE(m.ok());
    REQUIRE(m.run.complexity.size() == 1);
    CHECK(m.run.complexity[0].best == "O(n)");
    CHECK(m.run.complexity[0].axis == "arg");
}

TEST_CASE("merge: two shards of 50 000 benchmarks each (10 000 families) join in seconds") {
    // Each name and each family is looked up in an index: a scan per benchmark (5e9 name
    // comparisons) and one over the run per family (1e9) took 13 s here.
    // The sanitized build (make test's second pass, -O0 with AddressSanitizer) checks a fifth as many.
    const int count = std::getenv("TEST_SANITIZED_BUILD") ? 20000 : 100000;
    MergeSource a = shard_file("a.json", "1/2", {}, 1), b = shard_file("b.json", "2/2", {}, 1);
    for (int i = 0; i < count; ++i) {
        const std::int64_t n = std::int64_t{1} << (i % 10);
        BenchmarkResult x;
        x.family = "f/" + std::to_string(i / 10);
        x.name = x.family + "/" + std::to_string(n);
        x.params = {{"arg", n}};
        x.samples = {2.0 * static_cast<double>(n)};
        x.iterations = {1};
        x.estimates.median.point = 2.0 * static_cast<double>(n);
        (i % 2 ? b : a).run.benchmarks.push_back(std::move(x));  // a family's instances in both shards
        if (i % 10 == 0) {
            ComplexityFit partial;
            partial.family = "f/" + std::to_string(i / 10);
            partial.axis = "arg";
            a.run.complexity.push_back(partial);
            b.run.complexity.push_back(partial);
        }
    }
    const auto start = std::chrono::steady_clock::now();
    const MergedRun m = merge_runs({a, b});
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE(m.ok());
    CHECK(m.run.benchmarks.size() == static_cast<std::size_t>(count));
    REQUIRE(m.run.complexity.size() == static_cast<std::size_t>(count / 10));
    CHECK(m.run.complexity.back().family == "f/" + std::to_string(count / 10 - 1));
    CHECK(m.run.complexity.back().best == "O(n)");
    CHECK(took < std::chrono::seconds(5));
    b.run.benchmarks.push_back(a.run.benchmarks[4711]);
    CHECK(merge_runs({a, b}).error ==
          "benchmark '" + a.run.benchmarks[4711].name + "' is in both a.json and b.json (the shards of one run hold different benchmarks)");
}

TEST_CASE("result file: the accepted regressions round-trip, shards' acceptances join, a malformed list is refused") {
    RunResult run = export_run();
    run.context.accepted = {{"demo/a", "meant: twice the rounds"}};
    const LoadedRun back = parse_run(to_json(run), "a.json");
    REQUIRE(back.ok());
    CHECK(back.run.context.accepted == run.context.accepted);

    RunResult other = run;
    other.benchmarks.clear();
    other.context.accepted = {{"demo/b", "another shard's"}, {"demo/a", "meant: twice the rounds"}};
    const MergedRun merged = merge_runs({{run, "a.json"}, {other, "b.json"}}, MergeOptions{});
    REQUIRE(merged.ok());
    CHECK(merged.run.context.accepted ==
          std::vector<std::pair<std::string, std::string>>{{"demo/a", "meant: twice the rounds"}, {"demo/b", "another shard's"}});

    std::string text = to_json(run);
    const std::string good = "\"accepted\": [";
    REQUIRE(text.find(good) != std::string::npos);
    text.replace(text.find(good), good.size(), "\"accepted\": [7, ");
    const LoadedRun bad = parse_run(text, "bad.json");
    CHECK_FALSE(bad.ok());
    CHECK(bad.error.find("context \"accepted\" is not an array of {\"name\", \"reason\"} objects") != std::string::npos);
}
