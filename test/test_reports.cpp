// Every reporter over the same synthetic report: structure, escaping, and parse-back.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>

#include <string>
#include <vector>

using namespace benchgate;
using namespace benchgate::detail;

namespace {
BenchmarkResult bench(const std::string& name, double center) {
    BenchmarkResult b;
    b.name = name;
    stats::Rng rng(7);
    for (int i = 0; i < 40; ++i) {
        b.samples.push_back(center * (1.0 + 0.01 * (2.0 * rng.uniform() - 1.0)));
        b.iterations.push_back(10);
    }
    summarize(b);
    return b;
}

const std::string nasty = "nat/setup|a,b \"quoted\" *star* <tag>";

struct ReportFixture {
    RunResult base, cur;
    GateReport report;
    ReportFixture() {
        base.benchmarks = {bench(nasty, 1.2e6), bench("frame/encode", 125300), bench("frame/decode", 89200),
                           bench("gone/away", 10)};
        cur.benchmarks = {bench(nasty, 1.4e6), bench("frame/encode", 127100), bench("frame/decode", 85700),
                          bench("brand/new", 5)};
        base.context.cpu = cur.context.cpu = "cpu";
        GateConfig by_median;  // the expected figures below are medians
        by_median.process_cv = 0.002;  // synthetic processes: no spread between them
        by_median.estimator = stats::Statistic::median;
        report = compare_runs(base, cur, by_median);
    }
};

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i)
        if (i == s.size() || s[i] == '\n') {
            if (i > start) out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    return out;
}
}  // namespace

TEST_CASE("time units are chosen per value") {
    CHECK(report::format_time(41.04) == "41.04 ns");
    CHECK(report::format_time(0.28) == "0.280 ns");
    CHECK(report::format_time(125300) == "125.3 \xC2\xB5s");
    CHECK(report::format_time(1.2e6) == "1.200 ms");
    CHECK(report::format_time(2.5e9) == "2.500 s");
    CHECK(report::format_change(0.167) == "+16.7%");
    CHECK(report::format_change(-0.039) == "-3.9%");
}

TEST_CASE("markdown reproduces the pull-request comment table") {
    ReportFixture f;
    REQUIRE(f.report.rows[0].status == Status::regression);
    const std::string md = report::markdown_comparison(f.report);
    const auto lines = split_lines(md);
    CHECK(lines[0] == "## \xF0\x9F\x93\x8A Benchmark Results");
    CHECK(lines[1] == "| Benchmark | Baseline | Current | Change | Status |");
    CHECK(lines[2] == "|-----------|----------|---------|--------|--------|");
    CHECK(md.find("| frame/encode | 125.3 \xC2\xB5s | 127.1 \xC2\xB5s | +1.4%") != std::string::npos);
    CHECK(md.find("\xE2\x9A\xAA STABLE |") != std::string::npos);
    CHECK(md.find("\xF0\x9F\x94\xB4 REGRESSION |") != std::string::npos);
    CHECK(md.find("\xF0\x9F\x86\x95 NEW |") != std::string::npos);
    CHECK(md.find("MISSING |") != std::string::npos);
    CHECK(md.find("### Summary") != std::string::npos);
    CHECK(md.find("\xE2\x9A\xA0\xEF\xB8\x8F 1 Performance Regression Detected:") != std::string::npos);
    CHECK(md.find("- nat/setup\\|a,b \"quoted\" \\*star\\* \\<tag\\>: +16.") != std::string::npos);
    // Every table row has exactly six unescaped pipes: the name's pipe is escaped.
    for (const auto& l : lines) {
        if (l.rfind("| ", 0) != 0) continue;
        int pipes = 0;
        for (std::size_t i = 0; i < l.size(); ++i) pipes += l[i] == '|' && (i == 0 || l[i - 1] != '\\');
        CHECK(pipes == 6);
    }
}

TEST_CASE("markdown with no regression says so") {
    RunResult a;
    a.benchmarks = {bench("x", 100)};
    const auto report = compare_runs(a, a, GateConfig{});
    const std::string md = report::markdown_comparison(report);
    CHECK(md.find("\xE2\x9C\x85 No performance regressions detected") != std::string::npos);
    CHECK(md.find("Regression Detected") == std::string::npos);
}

TEST_CASE("CSV quotes names and keeps one row per benchmark with a fixed column count") {
    ReportFixture f;
    const std::string csv = report::csv_report(f.cur, &f.report);
    const auto lines = split_lines(csv);
    REQUIRE(lines.size() == 1 + 4 + 1);  // header, 4 current, 1 missing
    auto columns = [](const std::string& line) {
        int n = 1;
        bool quoted = false;
        for (char c : line) {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) ++n;
        }
        return n;
    };
    const int header_columns = columns(lines[0]);
    CHECK(header_columns == 33);
    for (const auto& l : lines) CHECK(columns(l) == header_columns);
    CHECK(lines[1].rfind("\"nat/setup|a,b \"\"quoted\"\" *star* <tag>\",REGRESSION,40,", 0) == 0);
    CHECK(lines[5].rfind("gone/away,MISSING,", 0) == 0);
    CHECK(report::csv_report(f.cur, nullptr).find("REGRESSION") == std::string::npos);
}

TEST_CASE("the JSON report adds the comparison and still reads back as a baseline") {
    ReportFixture f;
    const std::string json = report::json_report(f.cur, &f.report, "main.json");
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(simdjson::padded_string(json));
    CHECK(std::string_view(doc["gate"]["baseline"]) == "main.json");
    CHECK(std::string_view(doc["gate"]["missing"].at(0)) == "gone/away");
    CHECK(bool(doc["gate"]["failed"]));
    simdjson::dom::element first = doc["benchmarks"].at(0);
    CHECK(std::string_view(first["name"]) == nasty);
    CHECK(std::string_view(first["comparison"]["status"]) == "REGRESSION");
    CHECK(double(first["comparison"]["change"]["point"]) == Approx(1.4 / 1.2 - 1).margin(0.01));
    const auto loaded = parse_run(json, "report.json");
    REQUIRE(loaded.ok());
    CHECK(loaded.run.benchmarks.size() == 4);
    CHECK(loaded.run.benchmarks[0].name == nasty);
}

TEST_CASE("the console comparison shows every row, the notes and the summary") {
    ReportFixture f;
    f.report.machine_warning = "baseline was recorded on a different machine";
    const std::string text = report::console_comparison(f.report, report::Style{false});
    const auto lines = split_lines(text);
    CHECK(lines[0] == "warning: baseline was recorded on a different machine");
    CHECK(lines[1].rfind("Benchmark", 0) == 0);
    CHECK(text.find("REGRESSION") != std::string::npos);
    CHECK(text.find("MISSING") != std::string::npos);
    CHECK(text.find("NEW") != std::string::npos);
    CHECK(text.find("gate FAILED") != std::string::npos);
    CHECK(text.find("\x1b[") == std::string::npos);
    CHECK(report::console_comparison(f.report, report::Style{true}).find("\x1b[1;31mREGRESSION") != std::string::npos);
    // Columns line up: every table row has the Status column starting at the same display column.
    const std::size_t width = report::display_width(lines[1]);
    for (std::size_t i = 2; i < 2 + f.report.rows.size(); ++i) CHECK(report::display_width(lines[i]) <= width + 10);
}

TEST_CASE("utf8: valid sequences kept, invalid bytes become U+FFFD") {
    CHECK(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\xB4"));
    CHECK_FALSE(is_valid_utf8("a\xff\xfe"));
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
    CHECK(to_valid_utf8("a\xff\xfe" "b") == "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
    CHECK(to_valid_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("junit: testcases, a failure per regression with its interval, errors, escaping") {
    ReportFixture f;
    const std::string xml = report::junit_report(f.cur, &f.report, "suite<&>");
    CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
    CHECK(xml.find("<testsuite name=\"suite&lt;&amp;&gt;\"") != std::string::npos);
    CHECK(xml.find("classname=\"suite&lt;&amp;&gt;\"") != std::string::npos);
    std::size_t cases = 0;
    for (std::size_t at = xml.find("<testcase "); at != std::string::npos; at = xml.find("<testcase ", at + 1)) ++cases;
    CHECK(cases == f.report.rows.size());
    const std::size_t regressions = f.report.count(Status::regression);
    std::size_t failures = 0;
    for (std::size_t at = xml.find("<failure "); at != std::string::npos; at = xml.find("<failure ", at + 1)) ++failures;
    CHECK(failures == regressions);
    CHECK(xml.find("<script") == std::string::npos);
    CHECK(xml.find(report::xml_escape(nasty)) != std::string::npos);
    CHECK(report::xml_escape("a\"b'c\nd\x01\xff") == "a&quot;b&apos;c&#10;d \xEF\xBF\xBD");
    RunResult failed;
    BenchmarkResult b;
    b.name = "x";
    b.error = "boom <1>";
    failed.benchmarks.push_back(b);
    const std::string e = report::junit_report(failed, nullptr, "s");
    CHECK(e.find("<error type=\"FAILED\" message=\"boom &lt;1&gt;\">") != std::string::npos);
    CHECK(e.find("errors=\"1\"") != std::string::npos);
}
