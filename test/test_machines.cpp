// The side-by-side model of several machines (detail/history_machines.hpp) and its reports, on
// hand-made per-machine trends with known answers: order and labels, the default and chosen
// reference, ratios, benchmarks a machine lacks, row order, units.
#include <catch2/catch.hpp>

#include <benchgate/detail/history_machines.hpp>
#include <benchgate/report/machines.hpp>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

using namespace benchgate;

namespace {

// A machine with `runs` daily runs; each benchmark (name, level) measured in every run at that
// level (interval ±1%), except the runs before `from` when given as the third element.
struct Bench {
    std::string name;
    double level;
    std::size_t from = 0;
};

report::MachineTrends machine(const std::string& id, std::size_t runs, const std::vector<Bench>& benches) {
    report::MachineTrends m;
    m.id = id;
    m.fingerprint = "cpu " + id + " \xC2\xB7 2 cores \xC2\xB7 g++ 12 \xC2\xB7 release";
    for (std::size_t r = 0; r < runs; ++r) {
        m.dates.push_back("2026-11-" + std::string(r + 1 < 10 ? "0" : "") + std::to_string(r + 1) + "T04:00:00Z");
        m.commits.push_back("c" + std::to_string(r));
    }
    for (const Bench& b : benches) {
        report::TrendRow row;
        row.name = b.name;
        for (std::size_t r = b.from; r < runs; ++r) {
            TrendPoint p;
            p.time = date::sys_days{date::year{2026} / 11 / 1} + date::days{static_cast<int>(r)};
            p.value = b.level;
            p.lower = b.level * 0.99;
            p.upper = b.level * 1.01;
            row.points.push_back(p);
            row.run.push_back(r);
        }
        row.trend = analyze_trend(row.points);
        row.statuses.assign(row.points.size(), "");
        m.rows.push_back(std::move(row));
    }
    return m;
}

// Three machines, in input order: b (5 runs), c (8 runs), a (5 runs). By runs: c, then a and b
// tied at 5 (a first: the smaller id).
std::vector<report::MachineTrends> three() {
    return {machine("bbbb0002", 5, {{"x", 200.0}, {"y", 20.0}, {"only_b", 7.0}}),
            machine("cccc0003", 8, {{"x", 100.0}, {"y", 10.0}, {"z", 1.0, 3}}),
            machine("aaaa0001", 5, {{"y", 5.0}, {"x", 50.0}})};
}

std::size_t row_index(const report::SideBySide& s, const std::string& name) {
    for (std::size_t i = 0; i < s.rows.size(); ++i)
        if (s.rows[i].name == name) return i;
    FAIL("no row " << name);
    return 0;
}

}  // namespace

TEST_CASE("machines: ordered by runs (ties by id), labelled M1..., M1 the default reference") {
    report::SideBySide s;
    REQUIRE(detail::history::side_by_side(three(), "", {}, s).empty());
    REQUIRE(s.machines.size() == 3);
    CHECK(s.machines[0].id == "cccc0003");
    CHECK(s.machines[1].id == "aaaa0001");
    CHECK(s.machines[2].id == "bbbb0002");
    CHECK(s.machines[0].label == "M1");
    CHECK(s.machines[2].label == "M3");
    CHECK(s.machines[0].runs == 8);
    CHECK(s.machines[0].first == "2026-11-01T04:00:00Z");
    CHECK(s.machines[0].last == "2026-11-08T04:00:00Z");
    CHECK(s.reference == 0);
}

TEST_CASE("machines: ratios to the reference, the reference itself at 1") {
    report::SideBySide s;
    REQUIRE(detail::history::side_by_side(three(), "", {}, s).empty());
    const auto& x = s.rows[row_index(s, "x")];
    CHECK(x.cells[0].ratio == Approx(1.0));
    CHECK(x.cells[1].ratio == Approx(0.5));  // a: 50 / 100
    CHECK(x.cells[2].ratio == Approx(2.0));  // b: 200 / 100
    CHECK(x.cells[1].value == Approx(50.0));
    CHECK(x.cells[1].lower == Approx(49.5));
    CHECK(x.cells[1].upper == Approx(50.5));
    CHECK(x.cells[1].runs == 5);
    CHECK(x.cells[1].date == "2026-11-05T04:00:00Z");
    CHECK(x.cells[0].trend == TrendStatus::stable);
}

TEST_CASE("machines: a benchmark a machine lacks is absent there; one the reference lacks has no ratios") {
    report::SideBySide s;
    REQUIRE(detail::history::side_by_side(three(), "", {}, s).empty());
    const auto& z = s.rows[row_index(s, "z")];  // on c only, from its 4th run
    CHECK(z.cells[0].present);
    CHECK(z.cells[0].runs == 5);
    CHECK_FALSE(z.cells[1].present);
    CHECK_FALSE(z.cells[2].present);
    CHECK(std::isnan(z.cells[1].ratio));
    const auto& only_b = s.rows[row_index(s, "only_b")];
    CHECK_FALSE(only_b.cells[0].present);
    CHECK(only_b.cells[2].present);
    CHECK(only_b.cells[2].value == Approx(7.0));
    CHECK(std::isnan(only_b.cells[2].ratio));
}

TEST_CASE("machines: rows in the reference's order, then the others' new benchmarks in machine order") {
    report::SideBySide s;
    REQUIRE(detail::history::side_by_side(three(), "", {}, s).empty());
    std::vector<std::string> names;
    for (const auto& r : s.rows) names.push_back(r.name);
    CHECK(names == std::vector<std::string>{"x", "y", "z", "only_b"});
    // With a as the reference: its order (y before x), then c's z, then b's only_b.
    REQUIRE(detail::history::side_by_side(three(), "M2", {}, s).empty());
    names.clear();
    for (const auto& r : s.rows) names.push_back(r.name);
    CHECK(names == std::vector<std::string>{"y", "x", "z", "only_b"});
}

TEST_CASE("machines: the reference by id, label (any case) or a unique id prefix") {
    report::SideBySide s;
    REQUIRE(detail::history::side_by_side(three(), "bbbb0002", {}, s).empty());
    CHECK(s.reference == 2);
    CHECK(s.rows[row_index(s, "x")].cells[0].ratio == Approx(0.5));  // c: 100 / 200
    CHECK(s.rows[row_index(s, "x")].cells[2].ratio == Approx(1.0));
    REQUIRE(detail::history::side_by_side(three(), "m2", {}, s).empty());
    CHECK(s.reference == 1);
    REQUIRE(detail::history::side_by_side(three(), "CCC", {}, s).empty());
    CHECK(s.reference == 0);
    CHECK(s.machines[0].label == "M1");  // labels do not follow the reference
}

TEST_CASE("machines: a reference naming no machine, or more than one, is one line naming the machines") {
    report::SideBySide s;
    std::string problem = detail::history::side_by_side(three(), "dd", {}, s);
    CHECK(problem.find("names no machine") != std::string::npos);
    CHECK(problem.find("aaaa0001 (M2)") != std::string::npos);
    CHECK(problem.find('\n') == std::string::npos);
    std::vector<report::MachineTrends> two = {machine("abcd0001", 2, {{"x", 1.0}}), machine("abce0002", 2, {{"x", 2.0}})};
    problem = detail::history::side_by_side(two, "abc", {}, s);
    CHECK(problem.find("more than one machine: abcd0001 (M1), abce0002 (M2)") != std::string::npos);
    CHECK(detail::history::side_by_side(two, "abce", {}, s).empty());
    CHECK(s.reference == 1);
    CHECK(s.rows[0].cells[0].ratio == Approx(0.5));
}

TEST_CASE("machines: no machines, and units other than ns") {
    report::SideBySide s;
    CHECK(detail::history::side_by_side({}, "", {}, s).empty());
    CHECK(s.machines.empty());
    CHECK(s.rows.empty());
    CHECK(report::console_machines(s, {}) == "no machine\n");
    CHECK_FALSE(detail::history::side_by_side({}, "M1", {}, s).empty());

    REQUIRE(detail::history::side_by_side(three(), "", {{"y", "B"}}, s).empty());
    CHECK(s.rows[row_index(s, "y")].unit == "B");
    CHECK(s.rows[row_index(s, "x")].unit == "ns");
    CHECK(report::machine_cell_text(s, s.rows[row_index(s, "y")], 1, {}) == "5 B \xC2\xB1" "1.0% \xC3\x97" "0.500 stable");
}

TEST_CASE("machines reports: console, markdown and JSON show ratios, trends and missing cells") {
    report::SideBySide s;
    REQUIRE(detail::history::side_by_side(three(), "", {}, s).empty());
    const std::string console = report::console_machines(s, {});
    CHECK(console.find("M1 (reference)  cccc0003  cpu cccc0003 \xC2\xB7 2 cores") != std::string::npos);
    CHECK(console.find("100.0 ns \xC2\xB1" "1.0% stable") != std::string::npos);
    CHECK(console.find("50.00 ns \xC2\xB1" "1.0% \xC3\x97" "0.500 stable") != std::string::npos);
    CHECK(console.find("\xE2\x80\x94") != std::string::npos);

    const std::string md = report::markdown_machines(s);
    CHECK(md.find("| Benchmark | M1 | M2 | M3 |\n|:--|--:|--:|--:|\n") != std::string::npos);
    CHECK(md.find("| M1 (reference) | `cccc0003` |") != std::string::npos);
    CHECK(md.find("| only\\_b | \xE2\x80\x94 | \xE2\x80\x94 | 7.000 ns \xC2\xB1" "1.0% \xC3\x97\xE2\x80\x94 stable |") != std::string::npos);
    CHECK(md.find("| x | 100.0 ns \xC2\xB1" "1.0% stable | 50.00 ns \xC2\xB1" "1.0% \xC3\x97" "0.500 stable |") != std::string::npos);

    const std::string json = report::json_machines(s);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
    CHECK(std::string_view(doc["schema"].get_string().value()) == "benchgate-machines/1");
    CHECK(std::string_view(doc["reference"].get_string().value()) == "cccc0003");
    simdjson::dom::array benchmarks = doc["benchmarks"].get_array();
    REQUIRE(benchmarks.size() == 4);
    simdjson::dom::element x = benchmarks.at(0);
    CHECK(std::string_view(x["name"].get_string().value()) == "x");
    CHECK(x["machines"].at(2)["ratio"].get_double().value() == Approx(2.0));
    CHECK(std::string_view(x["machines"].at(1)["trend"].get_string().value()) == "stable");
    CHECK(benchmarks.at(3)["machines"].at(0).is_null());
    CHECK(benchmarks.at(3)["machines"].at(2)["ratio"].is_null());
}
