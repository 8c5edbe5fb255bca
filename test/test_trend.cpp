// Trends and change points on synthetic histories with known answers: steps, a ramp of
// sub-threshold steps, pure noise, spikes, deterministic series, calendar windows.
#include <catch2/catch.hpp>

#include <benchgate/trend.hpp>

#include <cmath>
#include <functional>
#include <random>
#include <vector>

using namespace benchgate;

namespace {
// n runs, one a day, level(i) with a between-run spread `tau` and per-run intervals of `s`.
std::vector<TrendPoint> series(int n, const std::function<double(int)>& level, double tau, double s, unsigned seed,
                               int hours_apart = 24) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> z(0.0, 1.0);
    std::vector<TrendPoint> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double y = std::log(level(i)) + tau * z(rng);
        auto& p = out[static_cast<std::size_t>(i)];
        p.time = date::sys_days{date::year{2026} / 1 / 1} + std::chrono::hours{hours_apart * i};
        p.value = std::exp(y);
        p.lower = std::exp(y - 1.96 * s);
        p.upper = std::exp(y + 1.96 * s);
    }
    return out;
}
}  // namespace

TEST_CASE("trend: one known step is found at its run with its factor") {
    const auto p = series(40, [](int i) { return i >= 25 ? 120.0 : 100.0; }, 0.02, 0.01, 3);
    const Trend t = analyze_trend(p);
    REQUIRE(t.changes.size() == 1);
    CHECK(t.changes[0].index == 25);
    CHECK(t.changes[0].factor() == Approx(1.2).epsilon(0.03));
    CHECK(t.status == TrendStatus::step_slower);
    CHECK(t.alarm());
    CHECK(t.latest == p.back().value);
}

TEST_CASE("trend: two steps, down then up, both found") {
    const auto p = series(45, [](int i) { return i < 15 ? 100.0 : i < 30 ? 80.0 : 95.0; }, 0.015, 0.01, 5);
    const Trend t = analyze_trend(p);
    REQUIRE(t.changes.size() == 2);
    CHECK(t.changes[0].index == 15);
    CHECK(t.changes[1].index == 30);
    CHECK(t.changes[0].factor() < 0.85);
    CHECK(t.changes[1].factor() > 1.15);
}

TEST_CASE("trend: pure noise has no change point and no alarm in nearly every series") {
    int with_change = 0, alarms = 0;
    for (unsigned seed = 1; seed <= 200; ++seed) {
        const Trend t = analyze_trend(series(50, [](int) { return 100.0; }, 0.02, 0.01, seed));
        with_change += !t.changes.empty();
        alarms += t.alarm();
    }
    CHECK(with_change <= 4);  // calibrated at about 0.6% per series
    CHECK(alarms == 0);
}

TEST_CASE("trend: a slow degradation of sub-threshold steps drifts beyond the warn band") {
    // Five +2.5% steps, six runs apart, each below the 10% threshold and most within the
    // between-run spread: no single step is a regression, their sum (+13%) is.
    const auto p = series(36, [](int i) { return 100.0 * std::pow(1.025, i / 6); }, 0.02, 0.01, 11);
    const Trend t = analyze_trend(p);
    for (const ChangePoint& c : t.changes) CHECK(c.factor() - 1.0 < 0.10);
    CHECK(t.window_change > 0.05);
    CHECK(t.status == TrendStatus::drifting_slower);
    CHECK(t.alarm());
}

TEST_CASE("trend: a smooth ramp is flagged as drifting; the same ramp faster is not an alarm") {
    const auto slower = series(30, [](int i) { return 100.0 * (1.0 + 0.006 * i); }, 0.01, 0.005, 13);
    const Trend t = analyze_trend(slower);
    CHECK(t.status == TrendStatus::drifting_slower);
    CHECK(t.drift > 0.0);
    const auto faster = series(30, [](int i) { return 100.0 / (1.0 + 0.006 * i); }, 0.01, 0.005, 13);
    const Trend f = analyze_trend(faster);
    CHECK(!f.alarm());
    CHECK((f.status == TrendStatus::drifting_faster || f.status == TrendStatus::step_faster));
}

TEST_CASE("trend: one slow CI job is not a change point") {
    auto p = series(30, [](int) { return 100.0; }, 0.01, 0.01, 17);
    p[12].value *= 1.6;
    p[12].lower *= 1.6;
    p[12].upper *= 1.6;
    const Trend t = analyze_trend(p);
    CHECK(t.changes.empty());
    CHECK(t.status == TrendStatus::stable);
}

TEST_CASE("trend: a run with a wide interval moves the fit less than a precise one") {
    // Two runs at +8% after a stable history: precise ones make a step, vague ones do not.
    auto precise = series(30, [](int i) { return i >= 28 ? 108.0 : 100.0; }, 0.0, 0.002, 19);
    auto vague = precise;
    for (std::size_t i = 28; i < 30; ++i) {
        vague[i].lower = vague[i].value / 1.3;
        vague[i].upper = vague[i].value * 1.3;
    }
    CHECK(analyze_trend(precise).changes.size() == 1);
    CHECK(analyze_trend(vague).changes.empty());
}

TEST_CASE("trend: a deterministic series (instruction counts) finds its exact step") {
    std::vector<TrendPoint> p = series(20, [](int i) { return i >= 10 ? 1070.0 : 1000.0; }, 0.0, 0.0, 1);
    const Trend t = analyze_trend(p);
    REQUIRE(t.changes.size() == 1);
    CHECK(t.changes[0].index == 10);
    CHECK(t.changes[0].factor() == Approx(1.07));
    CHECK(t.status == TrendStatus::drifting_slower);  // +7%: below the threshold, beyond the warn band
}

TEST_CASE("trend: steps inside the noise band are not reported") {
    const auto p = series(20, [](int i) { return i >= 10 ? 1005.0 : 1000.0; }, 0.0, 0.0, 1);
    const Trend t = analyze_trend(p);
    CHECK(t.changes.empty());
    CHECK(t.status == TrendStatus::stable);
}

TEST_CASE("trend: the 7- and 30-day means use calendar windows ending at the newest run") {
    // Runs every 12 hours for 40 days: values 200 for the last 7 days, 100 before.
    std::vector<TrendPoint> p = series(80, [](int i) { return i >= 80 - 15 ? 200.0 : 100.0; }, 0.0, 0.01, 1, 12);
    const Trend t = analyze_trend(p);
    CHECK(t.mean7 == Approx(200.0));
    // The 30-day window (inclusive) holds 61 runs: 15 at 200 and 46 at 100, equal weights.
    CHECK(t.mean30 == Approx((15 * 200.0 + 46 * 100.0) / 61.0));
    CHECK(t.drift == Approx(t.mean7 / t.mean30 - 1.0));
    CHECK(t.status == TrendStatus::step_slower);
}

TEST_CASE("trend: the same input gives the same answer") {
    const auto p = series(50, [](int i) { return 100.0 + (i > 20 ? 7.0 : 0.0); }, 0.03, 0.01, 23);
    const Trend a = analyze_trend(p), b = analyze_trend(p);
    CHECK(a.levels == b.levels);
    REQUIRE(a.changes.size() == b.changes.size());
    for (std::size_t i = 0; i < a.changes.size(); ++i) CHECK(a.changes[i].index == b.changes[i].index);
}

TEST_CASE("trend: too few runs for a verdict, and an empty series") {
    const Trend one = analyze_trend(series(1, [](int) { return 5.0; }, 0.0, 0.01, 1));
    CHECK(one.status == TrendStatus::too_short);
    CHECK(one.latest == Approx(5.0));
    CHECK(analyze_trend({}).status == TrendStatus::too_short);
    const Trend three = analyze_trend(series(3, [](int) { return 5.0; }, 0.0, 0.01, 1));
    CHECK(three.status == TrendStatus::too_short);
    CHECK(three.changes.empty());
}

// ---- Slower steps for alerts: from history entries through machine_trends to slower_steps.
#include <benchgate/detail/history_trends.hpp>
#include <benchgate/detail/trend_steps.hpp>
#include <benchgate/report/trend_json.hpp>

namespace {
// A commit per run whose 10-character prefix differs from run to run.
std::string commit_of(int i) { return std::to_string(1000000000 + i) + "abcdef0123456789abcdef0123"; }

// n daily runs on one machine; each benchmark's median follows its level function.
std::vector<detail::history::Entry> entries_of(int n, const std::vector<std::pair<std::string, std::function<double(int)>>>& benches,
                                               unsigned seed = 7) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> z(0.0, 1.0);
    std::vector<detail::history::Entry> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        auto& e = out[static_cast<std::size_t>(i)];
        e.time = date::sys_days{date::year{2026} / 1 / 1} + std::chrono::hours{24 * i};
        e.run.context.cpu = "Test CPU";
        e.run.context.cores = 2;
        e.run.context.commit = commit_of(i);
        e.machine = machine_id(e.run.context);
        for (const auto& [name, level] : benches) {
            BenchmarkResult b;
            b.name = name;
            const double y = std::log(level(i)) + 0.01 * z(rng);
            b.estimates.median = {std::exp(y), std::exp(y - 0.01), std::exp(y + 0.01)};
            e.run.benchmarks.push_back(b);
        }
    }
    return out;
}

std::vector<detail::history::Step> steps_of(const std::vector<detail::history::Entry>& entries) {
    const TrendConfig cfg;
    return detail::history::slower_steps(detail::history::machine_trends(entries, cfg), cfg);
}
}  // namespace

TEST_CASE("steps: a slower step that stands is open, with the commits it lies between") {
    const auto entries = entries_of(40, {{"a", [](int i) { return i >= 20 ? 130.0 : 100.0; }}, {"b", [](int) { return 50.0; }}});
    const auto steps = steps_of(entries);
    REQUIRE(steps.size() == 1);
    const auto& s = steps[0];
    CHECK(s.state == detail::history::StepState::open);
    CHECK(s.benchmark == "a");
    CHECK(s.bad == commit_of(20));
    CHECK(s.good == commit_of(19));
    CHECK(s.range == commit_of(19).substr(0, 10) + ".." + commit_of(20).substr(0, 10));
    CHECK(s.key == entries[0].machine + "/a@" + commit_of(20).substr(0, 10));
    CHECK(s.change == Approx(0.30).epsilon(0.05));
    CHECK(s.change_now == Approx(0.30).epsilon(0.05));
    CHECK(s.date.substr(0, 10) == "2026-01-21");

    // The console and markdown cells name the same range, as bisect --range takes it.
    const auto machines = detail::history::machine_trends(entries, TrendConfig{});
    CHECK(report::change_points_cell(machines[0], machines[0].rows[0]).find("(" + s.range + ")") != std::string::npos);
    // The JSON holds the step with its state and key.
    const std::string json = report::json_trends(machines, steps);
    CHECK(json.find("\"state\": \"open\"") != std::string::npos);
    CHECK(json.find("\"key\": \"" + s.key + "\"") != std::string::npos);
    CHECK(json.find("\"range\": \"" + s.range + "\"") != std::string::npos);
}

TEST_CASE("steps: a step that a later change undid is recovered; faster and small steps are none") {
    const auto back = entries_of(45, {{"a", [](int i) { return i >= 15 && i < 30 ? 130.0 : 100.0; }}});
    auto steps = steps_of(back);
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].state == detail::history::StepState::recovered);
    CHECK(std::fabs(steps[0].change_now) < 0.05);
    CHECK(steps[0].bad == commit_of(15));

    // Half undone: 100 -> 140 -> 120 is still 20% above the level before the step.
    steps = steps_of(entries_of(45, {{"a", [](int i) { return i >= 30 ? 120.0 : i >= 15 ? 140.0 : 100.0; }}}));
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].state == detail::history::StepState::open);
    CHECK(steps[0].change_now == Approx(0.20).epsilon(0.05));

    CHECK(steps_of(entries_of(40, {{"a", [](int i) { return i >= 20 ? 75.0 : 100.0; }}})).empty());   // faster
    CHECK(steps_of(entries_of(40, {{"a", [](int i) { return i >= 20 ? 105.0 : 100.0; }}})).empty());  // within 10%
}

TEST_CASE("steps: a step whose run accepted that benchmark's regression is accepted, with the reason") {
    auto entries = entries_of(40, {{"a", [](int i) { return i >= 20 ? 130.0 : 100.0; }}, {"b", [](int i) { return i >= 20 ? 65.0 : 50.0; }}});
    entries[20].run.context.accepted.push_back({"a", "four rounds, as the audit asked"});
    const auto steps = steps_of(entries);
    REQUIRE(steps.size() == 2);
    for (const auto& s : steps) {
        if (s.benchmark == "a") {
            CHECK(s.state == detail::history::StepState::accepted);
            CHECK(s.accepted == "four rounds, as the audit asked");
        } else {
            CHECK(s.benchmark == "b");
            CHECK(s.state == detail::history::StepState::open);  // only the named benchmark
        }
    }
}

TEST_CASE("steps: runs without commits key the step by its date and have no range") {
    auto entries = entries_of(40, {{"a", [](int i) { return i >= 20 ? 130.0 : 100.0; }}});
    for (auto& e : entries) e.run.context.commit.clear();
    const auto steps = steps_of(entries);
    REQUIRE(steps.size() == 1);
    CHECK(steps[0].range.empty());
    CHECK(steps[0].key == entries[0].machine + "/a@" + steps[0].date);
}
