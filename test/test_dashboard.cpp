// The dashboard page: it loads nothing from outside, no name can end its data script, its
// data parses back (invalid UTF-8 replaced), and it stays small.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>
#include <benchgate/report/dashboard.hpp>

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using namespace benchgate::report;

namespace {

const std::string long_name = "long/" + std::string(10240, 'n');

// Names that try to break the page, and what the page's data must hold for each.
struct Hostile {
    std::string name, expected;
};
std::vector<Hostile> hostile_names() {
    return {{"\"quoted\" 'single'", "\"quoted\" 'single'"},
            {"back\\slash\\", "back\\slash\\"},
            {"new\nline", "new\nline"},
            {"tab\tname", "tab\tname"},
            {"pipe|name", "pipe|name"},
            {"</script><script>alert(1)</script>", "</script><script>alert(1)</script>"},
            {"amp & ersand &amp;", "amp & ersand &amp;"},
            {"comma, name", "comma, name"},
            {"bad \xff\xfe bytes", "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes"},
            {"<!--<script>", "<!--<script>"},
            {"line\xE2\x80\xA8sep\xE2\x80\xA9", "line\xE2\x80\xA8sep\xE2\x80\xA9"},
            {"nul\x01" "ctl\x7f", "nul\x01" "ctl\x7f"},
            {long_name, long_name}};
}

DashboardSeries series(const std::string& name, std::size_t runs, double level, std::uint64_t seed) {
    DashboardSeries s;
    s.name = name;
    std::uint64_t x = seed * 6364136223846793005ull + 1442695040888963407ull;
    auto uniform = [&] {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(x >> 11) * 0x1.0p-53;
    };
    for (std::size_t r = 0; r < runs; ++r) {
        DashboardPoint p;
        p.run = r;
        const double mu = r >= runs / 2 && seed % 5 == 0 ? level * 1.2 : level;
        p.value = mu * (1.0 + 0.02 * (uniform() - 0.5));
        p.lower = p.value * (1.0 - 0.01 * uniform());
        p.upper = p.value * (1.0 + 0.01 * uniform());
        p.status = r == 0 ? "" : r == runs / 2 && seed % 5 == 0 ? "REGRESSION" : "STABLE";
        s.points.push_back(p);
    }
    if (seed % 5 == 0) s.changes.push_back({runs / 2, level, level * 1.2, 1.2});
    s.latest_status = s.points.back().status;
    s.latest = s.points.back().value;
    s.mean7 = s.mean30 = level;
    s.drift = 0.0;
    s.trend = seed % 5 == 0 ? "step slower" : "stable";
    return s;
}

DashboardMachine machine(const std::string& fingerprint, std::size_t runs) {
    DashboardMachine m;
    m.id = "3fa9c2d1";
    m.fingerprint = fingerprint;
    for (std::size_t r = 0; r < runs; ++r) {
        char date[32];
        std::snprintf(date, sizeof date, "2026-%02zu-%02zuT04:00:00Z", 10 + r / 28, 1 + r % 28);
        m.runs.push_back({date, r % 7 == 6 ? "" : "0123456789abcdef0123456789abcdef" + std::to_string(10000000 + r)});
    }
    return m;
}

DashboardData hostile_data() {
    DashboardData d;
    d.title = "</title><script>alert(1)</script> \xff";
    d.generated = "2026-11-28T04:12:00Z";
    DashboardMachine m = machine("<b>cpu</b> & \"co\" \xC2\xB7 </script>", 6);
    m.runs[3].commit = "</script><img src=x onerror=alert(1)>";
    std::uint64_t seed = 1;
    for (const auto& h : hostile_names()) m.series.push_back(series(h.name, 6, 120.0, seed++));
    m.series[0].trend = "<b>slower</b>";
    m.series[1].points[2].status = "</script>";
    m.series[2].unit = "<instr>";
    d.machines.push_back(m);
    return d;
}

// The text of the data script: between its start tag and the next "</script".
std::string embedded_json(const std::string& page) {
    const std::string open = "<script type=\"application/json\" id=\"data\">";
    const std::size_t begin = page.find(open);
    REQUIRE(begin != std::string::npos);
    const std::size_t start = begin + open.size();
    const std::size_t end = page.find("</script", start);
    REQUIRE(end != std::string::npos);
    return page.substr(start, end - start);
}

std::size_t occurrences(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
    return n;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

TEST_CASE("dashboard: the page names no URL and loads nothing") {
    DashboardData d;
    DashboardMachine m = machine("cpu \xC2\xB7 2 cores \xC2\xB7 g++ 12 \xC2\xB7 release", 20);
    for (int i = 0; i < 5; ++i) m.series.push_back(series("frame/encode/" + std::to_string(i), 20, 125300.0, i));
    d.machines.push_back(m);
    const std::string page = lower(dashboard_html(d));
    CHECK(page.find("http") == std::string::npos);
    CHECK(page.find("//") == std::string::npos);
    CHECK(page.find("fetch(") == std::string::npos);
    CHECK(page.find("xmlhttprequest") == std::string::npos);
    CHECK(page.find("@import") == std::string::npos);
    CHECK(page.find("import(") == std::string::npos);
    CHECK(page.find("src=") == std::string::npos);
    CHECK(page.find("url(") == std::string::npos);
    CHECK(page.find("websocket") == std::string::npos);
    CHECK(page.find("sendbeacon") == std::string::npos);
    // Exactly the two scripts of the page: the data and the code.
    CHECK(occurrences(page, "<script") == 2);
    CHECK(occurrences(page, "</script") == 2);
}

TEST_CASE("dashboard: hostile names cannot end the data script and parse back") {
    const std::string page = dashboard_html(hostile_data());
    CHECK(occurrences(page, "<script") == 2);
    CHECK(occurrences(page, "</script") == 2);
    CHECK(page.find("<!--") == std::string::npos);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("<b>") == std::string::npos);
    CHECK(lower(page).find("http") == std::string::npos);
    CHECK(page.find("fetch(") == std::string::npos);
    CHECK(page.find("XMLHttpRequest") == std::string::npos);
    // The title the generator writes itself is escaped, with the bad byte replaced.
    CHECK(page.find("<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; \xEF\xBF\xBD</title>") != std::string::npos);

    const std::string json = embedded_json(page);
    CHECK(json.find_first_of("<>&") == std::string::npos);
    CHECK(json.find("\xE2\x80\xA8") == std::string::npos);
    CHECK(json.find("\xE2\x80\xA9") == std::string::npos);

    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(simdjson::padded_string(json));
    CHECK(std::string(std::string_view(doc["title"])) == "</title><script>alert(1)</script> \xEF\xBF\xBD");
    simdjson::dom::element m = doc["machines"].at(0);
    CHECK(std::string(std::string_view(m["fingerprint"])) == "<b>cpu</b> & \"co\" \xC2\xB7 </script>");
    CHECK(std::string(std::string_view(m["runs"].at(3).at(1))) == "</script><img src=x onerror=alert(1)>");
    const auto expected = hostile_names();
    std::size_t i = 0;
    for (simdjson::dom::element s : m["series"].get_array()) {
        REQUIRE(i < expected.size());
        CHECK(std::string(std::string_view(s["name"])) == expected[i].expected);
        CHECK(s["v"].get_array().size() == 6);
        ++i;
    }
    CHECK(i == expected.size());
    CHECK(std::string(std::string_view(m["series"].at(0)["t"])) == "<b>slower</b>");
    CHECK(std::string(std::string_view(m["series"].at(2)["unit"])) == "<instr>");
    // Statuses are an index into one table; an unknown one is appended to it.
    simdjson::dom::array statuses = doc["statuses"];
    const std::int64_t odd = m["series"].at(1)["s"].at(2);
    CHECK(std::string(std::string_view(statuses.at(static_cast<std::size_t>(odd)))) == "</script>");
}

TEST_CASE("dashboard: invalid UTF-8 becomes U+FFFD the way browsers decode it") {
    auto json = [](std::string_view s) {
        std::string out;
        script_json_string(out, s);
        return out;
    };
    CHECK(json("\xff\xfe") == "\"\\ufffd\\ufffd\"");
    CHECK(json("a\xE2\x82") == "\"a\\ufffd\"");              // a truncated sequence is one
    CHECK(json("\xE2\x82z") == "\"\\ufffdz\"");
    CHECK(json("\xC0\xAF") == "\"\\ufffd\\ufffd\"");         // overlong
    CHECK(json("\xED\xA0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
    CHECK(json("\xF4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // above U+10FFFF
    CHECK(json("\xE2\x82\xAC \xF0\x9F\x98\x80 \xC2\xB5") == "\"\xE2\x82\xAC \xF0\x9F\x98\x80 \xC2\xB5\"");  // € 😀 µ
    CHECK(json("</script>") == "\"\\u003c/script\\u003e\"");
    CHECK(json("a&b") == "\"a\\u0026b\"");
    CHECK(json("\"\\\n\t\x01") == "\"\\\"\\\\\\n\\t\\u0001\"");
    CHECK(html_text("<a href='x'>&\xff</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;\xEF\xBF\xBD&lt;/a&gt;");
}

TEST_CASE("dashboard: numbers keep 4 significant digits in their shortest form") {
    auto num = [](double v) {
        std::string out;
        compact_number(out, v);
        return out;
    };
    CHECK(num(131.84) == "131.8");
    CHECK(num(125349.0) == "125300");
    CHECK(num(0.25) == "0.25");
    CHECK(num(0.00012346) == "0.0001235");
    CHECK(num(1.5e9) == "1.5e+09");
    CHECK(num(std::nan("")) == "null");
    CHECK(num(INFINITY) == "null");
}

TEST_CASE("dashboard: compact series encoding") {
    DashboardData d;
    DashboardMachine m = machine("cpu", 10);
    DashboardSeries later = series("later", 10, 5.0, 1);
    later.points.erase(later.points.begin(), later.points.begin() + 4);  // added in run 4
    DashboardSeries gaps = series("gaps", 10, 5.0, 2);
    gaps.points.erase(gaps.points.begin() + 3);  // absent from run 3
    gaps.unit = "instr";
    gaps.points[1].value = std::nan("");
    DashboardSeries plain = series("plain", 10, 5.0, 3);
    for (auto& p : plain.points) p.status.clear();
    m.series = {later, gaps, plain};
    d.machines.push_back(m);
    const std::string json = embedded_json(dashboard_html(d));
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(simdjson::padded_string(json));
    simdjson::dom::array s = doc["machines"].at(0)["series"];
    CHECK(std::int64_t(s.at(0)["r0"]) == 4);
    CHECK(s.at(0)["run"].error() == simdjson::NO_SUCH_FIELD);
    CHECK(s.at(0)["unit"].error() == simdjson::NO_SUCH_FIELD);
    CHECK(s.at(1)["run"].get_array().size() == 9);
    CHECK(std::int64_t(s.at(1)["run"].at(3)) == 4);
    CHECK(std::string(std::string_view(s.at(1)["unit"])) == "instr");
    CHECK(s.at(1)["v"].at(1).is_null());
    CHECK(s.at(2)["r0"].error() == simdjson::NO_SUCH_FIELD);
    CHECK(s.at(2)["s"].error() == simdjson::NO_SUCH_FIELD);  // no verdicts: no array
    CHECK(s.at(0)["c"].error() == simdjson::NO_SUCH_FIELD);
    simdjson::dom::array runs = doc["machines"].at(0)["runs"];
    CHECK(runs.size() == 10);
    CHECK(std::string(std::string_view(runs.at(0).at(0))) == "2026-10-01T04:00:00Z");
}

TEST_CASE("dashboard: 50 runs x 1000 benchmarks on each of two machines stays under 5 MB") {
    DashboardData d;
    d.generated = "2026-11-28T04:12:00Z";
    for (int mi = 0; mi < 2; ++mi) {
        DashboardMachine m = machine(mi ? "AMD EPYC \xC2\xB7 2 cores" : "Intel Xeon \xC2\xB7 2 cores", 50);
        for (std::size_t i = 0; i < 1000; ++i) {
            // Names as long as real ones and values over six orders of magnitude.
            const double level = std::pow(10.0, 0.5 + static_cast<double>(i % 60) / 10.0) * 1.2345;
            m.series.push_back(series("family_" + std::to_string(i % 37) + "/case/size:" + std::to_string(64 << (i % 7)) +
                                          "/threads:" + std::to_string(i / 37 + 1),
                                      50, level, i));
        }
        d.machines.push_back(m);
    }
    const std::string page = dashboard_html(d);
    INFO("page bytes: " << page.size());
    CHECK(page.size() < 5u * 1000u * 1000u);
    const std::string json = embedded_json(page);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(simdjson::padded_string(json));
    CHECK(doc["machines"].at(1)["series"].get_array().size() == 1000);
}
