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

// ---------------------------------------------------------------- hostile files
// A baseline is input from anywhere (an artifact, a hand edit): each of these is refused with
// one line naming the field, or read correctly; none is read as something it does not say.

namespace {

std::string with_context(const std::string& context) {
    return R"({"schema":"benchgate/1","context":)" + context + R"(,"benchmarks":[{"name":"a","samples":[1,2]}]})";
}

}  // namespace

TEST_CASE("context cores: an integral double is that integer; a fraction, a negative or a string is an error") {
    const auto two = parse_run(with_context(R"({"cores":2.0,"cpu":"x"})"), "b.json");
    REQUIRE(two.ok());
    CHECK(two.run.context.cores == 2);
    CHECK(parse_run(with_context(R"({"cores":2})"), "b.json").run.context.cores == 2);
    // Written by this build and read back: no machine mismatch between a file and itself.
    RunResult run = two.run;
    CHECK(machine_mismatch(parse_run(to_json(run), "c.json").run.context, two.run.context).empty());
    for (const char* bad : {R"({"cores":2.5})", R"({"cores":-1})", R"({"cores":"2"})", R"({"cores":1e300})",
                            R"({"cores":true})"}) {
        const auto r = parse_run(with_context(bad), "b.json");
        CHECK(r.error == "b.json: context \"cores\" is not an integer from 0 to 1048576");
    }
    CHECK(parse_run(with_context(R"({"cores":null})"), "b.json").run.context.cores == 0);  // null: not known
}

TEST_CASE("wrong types at every level are errors naming the field") {
    auto err = [](const std::string& text) { return parse_run(text, "b.json").error; };
    const std::string head = R"({"schema":"benchgate/1","benchmarks":[)";
    CHECK(err(with_context(R"("linux")")) == "b.json: \"context\" is not an object");
    CHECK(err(with_context(R"({"cpu":7})")) == "b.json: context \"cpu\" is not a string");
    CHECK(err(with_context(R"({"notes":["a",1]})")) == "b.json: context \"notes\" is not an array of strings");
    CHECK(err(with_context(R"({"processes":0})")) == "b.json: context \"processes\" is not an integer from 1 to 1024");
    CHECK(err(R"({"schema":"benchgate/1","created":5,"benchmarks":[]})") == "b.json: \"created\" is not a string");
    CHECK(err(R"({"schema":"benchgate/1","benchmarks":{}})") == "b.json: no \"benchmarks\" array");
    CHECK(err(head + "7]}") == "b.json: benchmark #1 is not an object");
    CHECK(err(head + R"({"name":5,"samples":[1]}]})") == "b.json: benchmark #1: \"name\" is not a string");
    CHECK(err(head + R"({"name":"a","samples":"1,2"}]})") == "b.json: benchmark \"a\" has no \"samples\" array");
    CHECK(err(head + R"({"name":"a","samples":["1"]}]})") == "b.json: benchmark \"a\": a sample is not a number");
    CHECK(err(head + R"({"name":"a","samples":[1],"iterations":["1"]}]})") ==
          "b.json: benchmark \"a\": an iteration count is not a positive integer");
    CHECK(err(head + R"({"name":"a","samples":[1],"iterations":5}]})") == "b.json: benchmark \"a\": \"iterations\" is not an array");
    CHECK(err(head + R"({"name":"a","samples":[1],"unit":3}]})") == "b.json: benchmark \"a\": \"unit\" is not a string");
    CHECK(err(head + R"({"name":"a","samples":[1],"error":false}]})") == "b.json: benchmark \"a\": \"error\" is not a string");
    CHECK(err(head + R"({"name":"a","samples":[1],"thresholds":{"threshold":"5"}}]})") ==
          "b.json: benchmark \"a\": threshold \"threshold\" is not a number from 0 to 10");
    CHECK(err(head + R"({"name":"a","samples":[1],"thresholds":{"threshold":-0.1}}]})") ==
          "b.json: benchmark \"a\": threshold \"threshold\" is not a number from 0 to 10");
    CHECK(err(head + R"({"name":"a","samples":[1],"thresholds":{"gate":"speed"}}]})") ==
          "b.json: benchmark \"a\": threshold \"gate\" is \"speed\", not time, instructions, allocations or memory");
    CHECK(err(head + R"({"name":"a","samples":[1],"metrics":{"instructions":-5}}]})") ==
          "b.json: benchmark \"a\": metric \"instructions\" is not a number from 0 to 1e+300");
    CHECK(err(head + R"({"name":"a","samples":[1],"counters":{"c":{"per_iteration":1,"rate":"yes"}}}]})") ==
          "b.json: benchmark \"a\": counter \"c\": \"rate\" is not true or false");
    CHECK(err(head + R"({"name":"a","samples":[1],"rounds":{}}]})") == "b.json: benchmark \"a\": \"rounds\" is not an array");
    CHECK(err(head + R"({"name":"a","samples":[1],"paired":{"baseline_samples":[1,2]}}]})") ==
          "b.json: benchmark \"a\": \"paired\" and \"samples\" differ in length");
    CHECK(err(head + R"({"name":"a","samples":[1,2],"processes":[0]}]})") ==
          "b.json: benchmark \"a\": \"processes\" has 1 entries and \"samples\" 2");
    // Fields the writer spells null when it has no value are absent, not errors.
    CHECK(err(head + R"({"name":"a","samples":[1],"unit":null,"thresholds":{"noise":null}}]})").empty());
}

// The depth scan one byte at a time, as simply as it can be written: what the 16-byte scan
// of nests_deeper_than must agree with.
static bool nests_deeper_bytewise(const std::string& text, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return true;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}

TEST_CASE("the depth scan agrees with a byte-at-a-time scan, whatever falls on a 16-byte boundary") {
    // Random texts over the bytes the scan looks at and a few it skips, every length up to 100
    // (so each kind of byte lands at every offset of a block and in the tail), at depth limits
    // around what the texts reach. Z ^ z ~ are the bytes beside the ranges the mask folds together.
    const char alphabet[] = {'[', ']', '{', '}', '"', '\\', '|', 'a', '1', ',', ' ', '\x5a', '\x5e', '\x7a', '\x7e', '\xdb', '\xfd'};
    stats::Rng rng(7);
    int deeper = 0, not_deeper = 0;
    for (int round = 0; round < 4000; ++round) {
        std::string text(static_cast<std::size_t>(round % 101), ' ');
        // Mostly brackets in some texts, mostly quotes and backslashes in others.
        const std::size_t kinds = round % 3 == 0 ? 4 : sizeof alphabet;
        for (char& c : text) c = alphabet[static_cast<std::size_t>(rng.uniform() * static_cast<double>(kinds))];
        for (std::size_t max_depth : {std::size_t(0), std::size_t(1), std::size_t(3), std::size_t(8)}) {
            const bool expected = nests_deeper_bytewise(text, max_depth);
            INFO("text: " << text << " max_depth " << max_depth);
            REQUIRE(nests_deeper_than(text, max_depth) == expected);
            (expected ? deeper : not_deeper)++;
        }
    }
    CHECK(deeper > 1000);
    CHECK(not_deeper > 1000);
    // Escapes that straddle a block: a backslash as a block's last byte hides the next block's quote.
    const std::string straddle = "\"" + std::string(14, 'x') + "\\\"[[[\"";
    REQUIRE(straddle[15] == '\\');
    CHECK(!nests_deeper_than(straddle, 0));
    CHECK(nests_deeper_than(std::string(15, ' ') + "[[", 1));
}

TEST_CASE("non-JSON tokens, a BOM, trailing garbage, deep nesting and hostile names") {
    auto err = [](const std::string& text) { return parse_run(text, "b.json").error; };
    const std::string head = R"({"schema":"benchgate/1","benchmarks":[{"name":"a","samples":)";
    CHECK(err(head + "[NaN]}]}").rfind("b.json: not valid JSON", 0) == 0);
    CHECK(err(head + "[Infinity]}]}").rfind("b.json: not valid JSON", 0) == 0);
    CHECK(err(head + "[1e999]}]}").rfind("b.json: not valid JSON", 0) == 0);
    CHECK(err(head + "[1]}]} trailing").rfind("b.json: not valid JSON", 0) == 0);
    CHECK(err(head + "[1]}]}\xff").rfind("b.json: not valid JSON", 0) == 0);
    CHECK(err(R"({"schema":"benchgate/1","benchmarks":[{"name":"a\xc3","samples":[1]}]})").rfind("b.json: not valid JSON", 0) == 0);
    CHECK(err("\xEF\xBB\xBF" + head + "[1]}]}").empty());  // a byte order mark is skipped
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK(err(deep) == "b.json: not valid JSON for benchgate (arrays and objects nested deeper than 1024 levels)");
    CHECK(err(std::string(1025, '[')) == "b.json: not valid JSON for benchgate (arrays and objects nested deeper than 1024 levels)");
    // Brackets inside strings do not count.
    CHECK(err(R"({"schema":"benchgate/1","x":")" + std::string(5000, '[') + R"(","benchmarks":[]})").empty());
    // A name with a line break stays on the error's one line.
    const std::string twice = R"({"schema":"benchgate/1","benchmarks":[{"name":"a\nb","samples":[1]},{"name":"a\nb","samples":[1]}]})";
    CHECK(err(twice) == "b.json: benchmark \"a\\nb\" appears twice");
    CHECK(err(R"({"schema":"benchgate/1","benchmarks":[{"name":"x\r\ny","samples":[0]}]})") ==
          "b.json: benchmark \"x\\r\\ny\": sample 1 is not a positive finite time (at most 1e18 ns)");
    CHECK(err(R"({"schema":"bench\ngate/1","benchmarks":[]})") == "b.json: unknown schema \"bench\\ngate/1\" (expected benchgate/1)");
}

TEST_CASE("a sample that overflows when scaled to ns, and a stored p10 missing from another unit") {
    auto err = [](const std::string& text) { return parse_run(text, "b.json").error; };
    CHECK(err(R"({"schema":"benchgate/1","benchmarks":[{"name":"a","unit":"s","samples":[1e300]}]})") ==
          "b.json: benchmark \"a\": sample 1 is not a positive finite time (at most 1e18 ns)");
    CHECK(err(R"({"schema":"benchgate/1","benchmarks":[{"name":"a","samples":[1.7e308,1.7e308]}]})") ==
          "b.json: benchmark \"a\": sample 1 is not a positive finite time (at most 1e18 ns)");
    const auto r = parse_run(R"({"schema":"benchgate/1","benchmarks":[{"name":"a","unit":"us","samples":[1,2,3,4,5,6,7,8,9,10],
        "estimates":{"median":{"point":5.5,"lower":4,"upper":7},"mean":{"point":5.5,"lower":4,"upper":7},
        "stddev":3,"mad":2,"min":1,"max":10}}]})", "b.json");
    REQUIRE(r.ok());
    CHECK(r.run.benchmarks[0].estimates.min == Approx(1000.0));
    CHECK(r.run.benchmarks[0].estimates.p10 == Approx(stats::quantile(r.run.benchmarks[0].samples, 0.10)));
}

TEST_CASE("files: a directory, a file over the size limit, a missing file: one line each, nothing read") {
    char dir_template[] = "/tmp/benchgate-test-XXXXXX";
    REQUIRE(mkdtemp(dir_template) != nullptr);
    const std::string dir = dir_template;
    CHECK(read_run_file(dir).error == "cannot read " + dir + ": it is a directory, not a file");
    const std::string big = dir + "/big.json";
    {
        std::ofstream f(big);
        f << to_json(sample_run());
    }
    const InputFile small_limit = read_input_file(big, 100);
    CHECK(small_limit.text.empty());
    CHECK(small_limit.error.find("cannot read " + big + ": it is ") == 0);
    CHECK(small_limit.error.find("larger than the 100 bytes benchgate reads") != std::string::npos);
    // A sparse file of 1 GiB is refused from its size, before any of it is read.
    REQUIRE(truncate(big.c_str(), off_t(1) << 30) == 0);
    CHECK(read_run_file(big).error == "cannot read " + big + ": it is 1024 MiB, larger than the 256 MiB benchgate reads");
    // A pipe is read only up to the limit.
    CHECK(read_input_file("/dev/zero", 1 << 20).error == "cannot read /dev/zero: it is more than 1 MiB, larger than the 1 MiB benchgate reads");
    std::remove(big.c_str());
    rmdir(dir_template);
}

TEST_CASE("the duet worker's replies: ready, a time, a body's error; anything else is the protocol broken") {
    CHECK(parse_bench_reply("ready").kind == WorkerReply::ok);
    CHECK(parse_bench_reply("error boom").kind == WorkerReply::body_error);
    CHECK(parse_bench_reply("error boom").message == "boom");
    CHECK(parse_bench_reply("missing").kind == WorkerReply::bad);
    CHECK(parse_bench_reply("ready\r").message == "the worker answered 'ready\\r' to 'bench'");
    const WorkerReply t = parse_run_reply("time 1234.5");
    CHECK(t.kind == WorkerReply::ok);
    CHECK(t.ns == 1234.5);
    CHECK(parse_run_reply("time 2.5e+03").ns == 2500.0);
    for (const char* bad : {"time", "time ", "time 5abc", "time nan", "time inf", "time -1", "time 0", "time 1e999",
                            "time  5", "time 0x10", "TIME 5", "time 5 "})
        CHECK(parse_run_reply(bad).kind == WorkerReply::bad);
    CHECK(parse_run_reply("time 5abc").message == "the worker answered 'time 5abc' to 'run'");
    CHECK(parse_run_reply("error it threw").message == "it threw");
    std::vector<std::string> names;
    CHECK(parse_worker_list("list [\"a\",\"b\\nc\"]", names).empty());
    CHECK(names == std::vector<std::string>{"a", "b\nc"});
    names.clear();
    CHECK(parse_worker_list("list " + std::string(2000, '[') + std::string(2000, ']'), names) ==
          "the worker sent a malformed benchmark list");
    CHECK(parse_worker_list("lisp []\x01", names) == "the worker answered 'lisp []\\x01' to 'list'");
}

TEST_CASE("the duet worker's steps of a turn: exactly the times asked for, a count within its bound") {
    const WorkerReply t = parse_times_reply("times 1000 2.5e+03 7", 3, "turn");
    CHECK(t.kind == WorkerReply::ok);
    CHECK(t.values == std::vector<double>{1000, 2500, 7});
    CHECK(parse_times_reply("times 1000", 3, "turn").message == "the worker answered 'times 1000' to 'turn'");
    for (const char* bad : {"times 1 2", "times 1 2 3 4", "times 1 2 3 ", "times  1 2 3", "times 1 2 -3", "times 1 nan 3",
                            "times 1 2 0", "times", "time 1 2 3", "times 1,2,3"})
        CHECK(parse_times_reply(bad, 3, "settle").kind == WorkerReply::bad);
    CHECK(parse_times_reply("error it threw", 3, "turn").kind == WorkerReply::body_error);
    CHECK(parse_count_reply("count 4", 16).count == 4);
    for (const char* bad : {"count 0", "count 17", "count -1", "count 4 ", "count", "count x", "counts 4"})
        CHECK(parse_count_reply(bad, 16).kind == WorkerReply::bad);
    CHECK(parse_count_reply("error boom", 16).message == "boom");
}

TEST_CASE("the rules of a duet turn: settle until three agree, count the refill, keep what follows the discard") {
    // A side that starts slow and settles at 100.
    std::vector<double> script{300, 200, 120, 101, 100, 102, 500, 500};
    std::size_t at = 0;
    auto scripted = [&] { return script.at(at++); };
    CHECK(settle_alone(scripted) == std::vector<double>{101, 100, 102});
    CHECK(at == 6);
    // Never settling: duet_settle_max batches, the last three.
    int calls = 0;
    auto alternating = [&] { return ++calls % 2 ? 100.0 : 150.0; };
    CHECK(settle_alone(alternating).size() == 3);
    CHECK(calls == duet_settle_max);
    // Refill: the batch that reaches the level counts.
    script = {180, 140, 104, 100};
    at = 0;
    CHECK(batches_to_level(scripted, 105.0) == 3);
    calls = 0;
    auto never = [&] { ++calls; return 200.0; };
    CHECK(batches_to_level(never, 105.0) == duet_discard_max);
    CHECK(calls == duet_discard_max - 1);
    // A turn throws `discard` away and keeps the next `take`.
    script = {9, 9, 1, 2, 3, 4};
    at = 0;
    double kept[3] = {};
    run_turn(scripted, 2, 3, kept);
    CHECK(kept[0] == 1);
    CHECK(kept[2] == 3);
    CHECK(at == 5);
}

TEST_CASE("history times: the whole string, in the years an entry's name can hold") {
    date::sys_seconds t;
    CHECK(history::parse_time("2026-11-28T04:00:00Z", t));
    CHECK(history::format_time(t) == "2026-11-28T04:00:00Z");
    CHECK(history::parse_time("2026-11-28T04:00:00.250Z", t));
    CHECK_FALSE(history::parse_time("2026-11-28T04:00:00Zjunk", t));
    CHECK_FALSE(history::parse_time("0500-01-01T00:00:00Z", t));  // would name an entry "5000101T..."
    CHECK_FALSE(history::parse_time("2026-13-01T00:00:00Z", t));
    // Fields of other widths never reach date::parse, which converts them out of range.
    CHECK_FALSE(history::parse_time("2026-11-28T04:00:,0.123Z", t));
    CHECK_FALSE(history::parse_time("2026-11-28T04:00:471Z", t));
    CHECK_FALSE(history::parse_time("2026-11-28T04:00:00.1234567890Z", t));
    // Every time it accepts names an entry that reads back with its machine.
    REQUIRE(history::parse_time("1000-01-01T00:00:00Z", t));
    const std::string name = history::entry_name(t, "c0ffee", "0c3e9a71") + ".json";
    CHECK(history::is_entry_name(name));
    CHECK(history::machine_of_name(name) == "0c3e9a71");
}

TEST_CASE("numbers beyond 64-bit integers are written with an exponent, so they read back") {
    RunResult run = sample_run();
    run.benchmarks[0].counters.push_back({"huge", 18446744073709551615.0, false});
    run.benchmarks[0].counters.push_back({"negative", -1e19, false});
    const std::string json = to_json(run);
    CHECK(json.find("18446744073709552000") == std::string::npos);
    const LoadedRun back = parse_run(json, "c.json");
    REQUIRE(back.ok());
    CHECK(back.run.benchmarks[0].counters[0].value == 18446744073709551615.0);
    CHECK(back.run.benchmarks[0].counters[1].value == -1e19);
}

TEST_CASE("a history entry whose name holds a line break is named on one line") {
    std::string text = "{}";
    history::Entry e;
    CHECK(history::parse_entry("h", "20261101T040000Z-x\n-y.json", padded(text), e) ==
          "h/20261101T040000Z-x\\n-y.json: not a benchgate file (no \"schema\" string)");
}

TEST_CASE("stored estimates: those of the first process are kept; ones no subset of the samples gives are recomputed") {
    // Two processes; the writer's estimates summarise process 0 (samples 10 to 12).
    const std::string head = R"({"schema":"benchgate/1","benchmarks":[{"name":"a","samples":[10,11,12,9,13],"processes":[0,0,0,1,1],)";
    auto estimates = [](double min, double max, double median) {
        return R"("estimates":{"median":{"point":)" + std::to_string(median) + R"(,"lower":10,"upper":12},"mean":{"point":11,"lower":10.5,"upper":11.5},"stddev":1,"mad":1,"min":)" +
               std::to_string(min) + R"(,"max":)" + std::to_string(max) + "}}]}";
    };
    const auto kept = parse_run(head + estimates(10, 12, 11.5), "b.json");
    REQUIRE(kept.ok());
    CHECK(kept.run.benchmarks[0].estimates.median.point == 11.5);  // as stored, not recomputed (11)
    CHECK(kept.run.benchmarks[0].estimates.min == 10);
    const auto below = parse_run(head + estimates(1, 12, 11.5), "b.json");  // a min below every sample
    REQUIRE(below.ok());
    CHECK(below.run.benchmarks[0].estimates.min == 9);
    CHECK(below.run.benchmarks[0].estimates.median.point == 11);
    const auto outside = parse_run(head + estimates(10, 12, 50), "b.json");  // a median outside min..max
    REQUIRE(outside.ok());
    CHECK(outside.run.benchmarks[0].estimates.median.point == 11);
}

TEST_CASE("the schema is read exactly: benchgate/1, or a newer major version named as such") {
    auto err = [](const std::string& schema) {
        return parse_run("{\"schema\":\"" + schema + "\",\"benchmarks\":[]}", "base.json").error;
    };
    CHECK(err("benchgate/1").empty());
    for (const char* unknown : {"benchgate/1.999", "benchgate/01", "benchgate/1 ", " benchgate/1", "benchgate/1.", "benchgate/1.0",
                                "benchgate/", "benchgate/+1", "benchgate/1e0", "benchgate/2.x", "benchgate/0001"}) {
        INFO(unknown);
        CHECK(err(unknown).find("unknown schema") != std::string::npos);
    }
    CHECK(err("benchgate/2").find("is newer than this benchgate") != std::string::npos);
    CHECK(err("benchgate/2.1").find("is newer than this benchgate") != std::string::npos);
    CHECK(err("benchgate/0").find("unsupported schema") != std::string::npos);
}

TEST_CASE("numbers read are checked against what the statistics can use, each with its own message") {
    auto err = [](const std::string& benchmark, const std::string& context = "") {
        return parse_run("{\"schema\":\"benchgate/1\"" + context + ",\"benchmarks\":[{\"name\":\"x\"," + benchmark + "}]}", "base.json").error;
    };
    // Subnormal and tiny samples: every change against them would overflow to infinity.
    CHECK(err("\"samples\":[40,5e-324]").find("sample 2 is 4.94066e-324 ns, below the 1e-20 ns") != std::string::npos);
    CHECK(err("\"samples\":[2.3e-308]").find("below the 1e-20 ns") != std::string::npos);
    CHECK(err("\"samples\":[1e-21]").find("below the 1e-20 ns") != std::string::npos);
    CHECK(err("\"samples\":[1e-20,1e18]").empty());
    CHECK(err("\"samples\":[1e-30],\"unit\":\"s\"").find("below the 1e-20 ns") != std::string::npos);
    CHECK(err("\"samples\":[1.1e18]").find("is not a positive finite time (at most 1e18 ns)") != std::string::npos);
    CHECK(err("\"samples\":[40],\"paired\":{\"baseline_samples\":[5e-324]}").find("a paired baseline sample is 4.94066e-324 ns, below") !=
          std::string::npos);
    // An iteration count beyond 64 bits is valid JSON: the message names the field.
    CHECK(err("\"samples\":[40],\"iterations\":[18446744073709551616]") ==
          "base.json: benchmark \"x\": an iteration count is not a positive integer");
    CHECK(err("\"samples\":[40],\"iterations\":[18446744073709551615]").empty());
    CHECK(err("\"samples\":[40],\"iterations\":[-18446744073709551616]").find("an iteration count is not a positive integer") !=
          std::string::npos);
    // ... and a string holding such digits stays a string.
    CHECK(err("\"samples\":[40],\"family\":\"184467440737095516160000\"").empty());
    // Process indices within the context's count of processes.
    const std::string three = ",\"context\":{\"processes\":3}";
    CHECK(err("\"samples\":[40,41,42],\"processes\":[0,1,2]", three).empty());
    CHECK(err("\"samples\":[40,41,42],\"processes\":[0,1,3]", three) ==
          "base.json: benchmark \"x\": process index 3 is out of range (the context says 3 processes: 0 to 2)");
    CHECK(err("\"samples\":[40,41],\"processes\":[0,1]", ",\"context\":{\"processes\":1}").find("out of range") !=
          std::string::npos);
    CHECK(err("\"samples\":[40,41],\"processes\":[0,7]").empty());  // no count in the context: the format's limit
}

TEST_CASE("a 5e-324 ns baseline sample can no longer read as an infinite change") {
    RunResult base = sample_run();
    base.benchmarks[0].samples[0] = 5e-324;
    const LoadedRun back = parse_run(to_json(base), "base.json");
    CHECK_FALSE(back.ok());
}
