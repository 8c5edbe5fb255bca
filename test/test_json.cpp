// The file format: written by to_json, read back with simdjson; bad files give one line.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace benchgate;
using namespace benchgate::detail;

static RunResult sample_run() {
    RunResult run;
    run.created = "2026-11-28T04:00:00Z";
    run.context.host = "ci-\"runner\"";
    run.context.cpu = "Test CPU";
    run.context.cores = 2;
    run.context.compiler = "gcc 12";
    run.context.build_type = "release";
    run.context.benchgate_version = BENCHGATE_VERSION_STRING;
    BenchmarkResult a;
    a.name = "frame_encoding/encode/64";
    a.samples = {41.2, 40.9, 41.0, 43.5, 40.8};
    a.iterations = {1200, 1200, 1200, 1200, 1200};
    a.rounds = {0, 0, 1, 1, 1};
    summarize(a);
    BenchmarkResult b;
    b.name = "odd \"name\"\\with\ttab,and|pipes";
    b.samples = {1e6, 1.5e6, 0.9e6};
    b.iterations = {1, 1, 1};
    summarize(b);
    run.benchmarks = {a, b};
    run.reference = a;
    run.reference.name = reference_name;
    return run;
}

TEST_CASE("JSON round trip through simdjson keeps every sample exactly") {
    const RunResult run = sample_run();
    const std::string json = to_json(run);
    const LoadedRun loaded = parse_run(json, "mem.json");
    REQUIRE(loaded.ok());
    CHECK(loaded.run.schema == "benchgate/1");
    CHECK(loaded.run.created == run.created);
    CHECK(loaded.run.context.host == run.context.host);
    CHECK(loaded.run.context.cores == 2);
    REQUIRE(loaded.run.benchmarks.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& x = run.benchmarks[i];
        const auto& y = loaded.run.benchmarks[i];
        CHECK(y.name == x.name);
        CHECK(y.samples == x.samples);
        CHECK(y.iterations == x.iterations);
        CHECK(y.estimates.median.point == x.estimates.median.point);
        CHECK(y.estimates.median.lower == x.estimates.median.lower);
        CHECK(y.estimates.mean.upper == x.estimates.mean.upper);
    }
    CHECK(loaded.run.benchmarks[0].rounds == run.benchmarks[0].rounds);
    CHECK(loaded.run.reference.name == reference_name);
    CHECK(loaded.run.reference.samples == run.reference.samples);
}

TEST_CASE("the written document has the documented field names") {
    const std::string json = to_json(sample_run());
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(simdjson::padded_string(json));
    CHECK(std::string_view(doc["schema"]) == "benchgate/1");
    CHECK(std::string_view(doc["created"]) == "2026-11-28T04:00:00Z");
    for (const char* key : {"host", "cpu", "cores", "compiler", "flags", "build_type", "benchgate_version", "commit"})
        CHECK(doc["context"][key].error() == simdjson::SUCCESS);
    simdjson::dom::element b = doc["benchmarks"].at(0);
    CHECK(std::string_view(b["unit"]) == "ns");
    CHECK(double(b["estimates"]["median"]["point"]) == Approx(41.0));
    for (const char* key : {"mean", "stddev", "mad", "min", "max"}) CHECK(b["estimates"][key].error() == simdjson::SUCCESS);
}

TEST_CASE("other units are converted to nanoseconds; unknown fields are ignored") {
    const std::string json = R"({"schema":"benchgate/1","future_field":{"x":[1,2]},"benchmarks":[
        {"name":"a","unit":"us","samples":[1.5,2],"iterations":[10,10],"extra":true}]})";
    const auto loaded = parse_run(json, "f.json");
    REQUIRE(loaded.ok());
    CHECK(loaded.run.benchmarks[0].samples == std::vector<double>{1500.0, 2000.0});
    CHECK(loaded.run.benchmarks[0].estimates.median.point == Approx(1750.0));  // recomputed: none stored

    const std::string with_estimates = R"({"schema":"benchgate/1","benchmarks":[{"name":"a","unit":"us",
        "samples":[1.5,2],"estimates":{"median":{"point":1.75,"lower":1.5,"upper":2},
        "mean":{"point":1.75,"lower":1.5,"upper":2},"stddev":0.3,"mad":0.2,"min":1.5,"max":2}}]})";
    const auto stored = parse_run(with_estimates, "g.json");
    REQUIRE(stored.ok());
    CHECK(stored.run.benchmarks[0].estimates.median.upper == Approx(2000.0));  // stored, scaled to ns
    CHECK(stored.run.benchmarks[0].estimates.stddev == Approx(300.0));
}

TEST_CASE("bad documents give one line naming the file and the problem") {
    auto err = [](const std::string& text) { return parse_run(text, "base.json").error; };
    CHECK(err("") == "base.json: file is empty");
    CHECK(err("   \n") == "base.json: file is empty");
    CHECK(err("{\"schema\": \"benchgate/1\", \"bench").rfind("base.json: not valid JSON", 0) == 0);
    CHECK(err("hello").rfind("base.json: not valid JSON", 0) == 0);
    CHECK(err("[1,2]") == "base.json: not a benchgate file (top level is not an object)");
    CHECK(err("{}") == "base.json: not a benchgate file (no \"schema\" string)");
    CHECK(err(R"({"schema":"gbench/1","benchmarks":[]})").find("unknown schema") != std::string::npos);
    CHECK(err(R"({"schema":"benchgate/2","benchmarks":[]})").find("newer") != std::string::npos);
    CHECK(err(R"({"schema":"benchgate/1"})") == "base.json: no \"benchmarks\" array");
    const std::string head = R"({"schema":"benchgate/1","benchmarks":[{"name":"x","samples":)";
    CHECK(err(head + "[1,-2]}]}").find("sample 2 is not a positive finite time") != std::string::npos);
    CHECK(err(head + "[0]}]}").find("not a positive finite time") != std::string::npos);
    CHECK(err(head + "[1,\"a\"]}]}").find("a sample is not a number") != std::string::npos);
    CHECK(err(head + "[]}]}").find("has no samples") != std::string::npos);
    CHECK(err(head + "[1,2],\"iterations\":[1]}]}").find("differ in length") != std::string::npos);
    CHECK(err(head + "[1],\"unit\":\"parsecs\"}]}").find("unknown unit") != std::string::npos);
    // Round indices are range-checked before anything loops over them, and must match the samples.
    CHECK(err(head + "[1,2],\"rounds\":[0,4294967294]}]}").find("round index 4294967294 is out of range") !=
          std::string::npos);
    CHECK(err(head + "[1,2],\"rounds\":[0,18446744073709551615]}]}").find("out of range") != std::string::npos);
    CHECK(err(head + "[1,2,3],\"rounds\":[0,1]}]}").find("\"rounds\" has 2 entries and \"samples\" 3") !=
          std::string::npos);
    CHECK(err(head + "[1,2],\"rounds\":[0,-1]}]}").find("round index is not a non-negative integer") != std::string::npos);
    CHECK(err(head + "[1,2],\"rounds\":[0,1]}]}").empty());
    CHECK(err(R"({"schema":"benchgate/1","benchmarks":[{"samples":[1]}]})").find("benchmark #1 has no name") !=
          std::string::npos);
    CHECK(err(R"({"schema":"benchgate/1","benchmarks":[{"name":"a","samples":[1]},{"name":"a","samples":[1]}]})")
              .find("appears twice") != std::string::npos);
}

TEST_CASE("atomic writes replace the file whole and read back") {
    char dir_template[] = "/tmp/benchgate-test-XXXXXX";
    REQUIRE(mkdtemp(dir_template) != nullptr);
    const std::string path = std::string(dir_template) + "/run.json";
    REQUIRE(write_file_atomic(path, "old").empty());
    const std::string json = to_json(sample_run());
    REQUIRE(write_file_atomic(path, json).empty());
    const auto loaded = read_run_file(path);
    REQUIRE(loaded.ok());
    CHECK(loaded.run.benchmarks.size() == 2);
    CHECK(access((path + ".tmp." + std::to_string(getpid())).c_str(), F_OK) != 0);  // no temp file left
    CHECK(write_file_atomic(std::string(dir_template) + "/no/such/dir/x.json", json).rfind("cannot write", 0) == 0);
    CHECK(read_run_file(std::string(dir_template) + "/missing.json").error.find("No such file") != std::string::npos);
    std::remove(path.c_str());
    rmdir(dir_template);
}

TEST_CASE("timestamps are ISO 8601 UTC") {
    using namespace std::chrono;
    const auto tp = date::sys_days(date::year{2026} / 11 / 28) + hours(4) + minutes(5) + seconds(6);
    CHECK(utc_timestamp(tp) == "2026-11-28T04:05:06Z");
}
