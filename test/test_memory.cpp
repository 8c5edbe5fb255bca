// The memory metrics' pure parts with known answers: the live/peak bookkeeping of the
// allocation counting hooks (on counters of the test's own, no operator replaced), the gate on
// peak heap bytes, the result file fields, the trend and dashboard series, the formatting.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>
#include <benchgate/detail/history_trends.hpp>
#include <benchgate/detail/resident_memory.hpp>
#include <benchgate/detail/tool/dashboard.hpp>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

using namespace benchgate;
using namespace benchgate::detail;

namespace {

BenchmarkResult with_peak(const std::string& name, double peak) {
    BenchmarkResult b;
    b.name = name;
    b.samples = {10, 11, 10, 12, 10};
    b.iterations = {100, 100, 100, 100, 100};
    b.estimates.median = {10, 9.5, 11};
    b.metrics.peak_heap_bytes = peak;
    return b;
}

}  // namespace

TEST_CASE("peak window: N blocks of K held then freed peak at N*K; a loop of one block at K") {
    AllocationCounters c;
    const std::int64_t start = start_peak_window(c);
    for (int i = 0; i < 16; ++i) note_allocation(c, 1000);
    for (int i = 0; i < 16; ++i) note_deallocation(c, 1000);
    CHECK(peak_since(c, start) == 16000);
    CHECK(c.live.load() == 0);
    const std::int64_t again = start_peak_window(c);
    for (int i = 0; i < 100; ++i) {
        note_allocation(c, 1000);
        note_deallocation(c, 1000);
    }
    CHECK(peak_since(c, again) == 1000);
    CHECK(c.allocations.load() == 116);
    CHECK(c.bytes.load() == 116000);
}

TEST_CASE("peak window: live bytes from before the window are not counted; the figure is never negative") {
    AllocationCounters c;
    note_allocation(c, 5000);  // an earlier benchmark's leak
    std::int64_t start = start_peak_window(c);
    CHECK(start == 5000);
    note_allocation(c, 64);
    note_allocation(c, 128);  // live 5192 at the top
    note_deallocation(c, 64);
    CHECK(peak_since(c, start) == 192);
    // Freeing the older block inside a window: the level drops below the start, the peak is 0.
    start = start_peak_window(c);
    note_deallocation(c, 5000);
    CHECK(c.live.load() == 128);
    CHECK(peak_since(c, start) == 0);
    // A leak across iterations: n calls of 16 bytes end 16 n above the start.
    start = start_peak_window(c);
    for (int i = 0; i < 250; ++i) note_allocation(c, 16);
    CHECK(peak_since(c, start) == 16 * 250);
}

TEST_CASE("peak window: vector growth by doubling to 100 ints peaks at 64*4 + 128*4") {
    AllocationCounters c;
    const std::int64_t start = start_peak_window(c);
    std::size_t capacity = 0;
    for (std::size_t size = 1; size <= 100; ++size)
        if (size > capacity) {
            const std::size_t grown = capacity ? 2 * capacity : 1;
            note_allocation(c, grown * sizeof(int));  // the new buffer, then the old one freed
            if (capacity) note_deallocation(c, capacity * sizeof(int));
            capacity = grown;
        }
    CHECK(capacity == 128);
    CHECK(peak_since(c, start) == 768);
}

TEST_CASE("peak window: threads allocating concurrently; the peak is bounded by what can be live at once") {
    AllocationCounters c;
    const std::int64_t start = start_peak_window(c);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&c] {
            for (int i = 0; i < 20000; ++i) {
                note_allocation(c, 100);
                note_deallocation(c, 100);
            }
        });
    for (auto& t : threads) t.join();
    // Each thread holds at most one 100-byte block at a time: at least one was live, at most four.
    CHECK(peak_since(c, start) >= 100);
    CHECK(peak_since(c, start) <= 400);
    CHECK(c.live.load() == 0);
    CHECK(c.allocations.load() == 80000);
}

TEST_CASE("the size header keeps the alignment asked for") {
    CHECK(header_bytes(0) == alignof(std::max_align_t));
    CHECK(header_bytes(8) == alignof(std::max_align_t));
    CHECK(header_bytes(64) == 64);
    CHECK(header_bytes(4096) == 4096);
}

TEST_CASE("format_bytes: binary prefixes, whole bytes below 1 KiB, signed") {
    CHECK(report::format_bytes(0) == "0 B");
    CHECK(report::format_bytes(768) == "768 B");
    CHECK(report::format_bytes(1536) == "1.500 KiB");
    CHECK(report::format_bytes(16000) == "15.62 KiB");
    CHECK(report::format_bytes(16 << 20) == "16.00 MiB");
    CHECK(report::format_bytes(-4096) == "-4.000 KiB");
    CHECK(report::format_bytes(NAN) == "-");
    CHECK(report::format_metric(768, Metric::memory) == "768 B");
}

TEST_CASE("gate on memory: a doubled peak is a REGRESSION, the same peak STABLE, 0 to some +inf") {
    Metric m = Metric::time;
    REQUIRE(parse_metric("memory", m));
    CHECK(m == Metric::memory);
    CHECK(std::string(to_string(Metric::memory)) == "memory");
    GateConfig cfg;
    cfg.metric = Metric::memory;
    const auto same = compare_benchmark(with_peak("a", 4096), with_peak("a", 4096), cfg);
    CHECK(same.status == Status::stable);
    CHECK(same.change.point == 0.0);
    const auto doubled = compare_benchmark(with_peak("a", 4096), with_peak("a", 8192), cfg);
    CHECK(doubled.status == Status::regression);
    CHECK(doubled.change.point == 1.0);
    CHECK(doubled.change.lower == doubled.change.upper);
    CHECK(compare_benchmark(with_peak("a", 4096), with_peak("a", 2048), cfg).status == Status::improved);
    CHECK(compare_benchmark(with_peak("a", 0), with_peak("a", 16), cfg).status == Status::regression);
    CHECK(compare_benchmark(with_peak("a", 0), with_peak("a", 0), cfg).status == Status::stable);
    const auto missing = compare_benchmark(with_peak("a", NAN), with_peak("a", 100), cfg);
    CHECK(missing.status == Status::added);
    CHECK(missing.error == "no memory count in the baseline");
    // The whole run's gate fails on the doubled peak and passes on the same one.
    RunResult base, same_run, double_run;
    base.benchmarks = {with_peak("a", 4096)};
    same_run.benchmarks = {with_peak("a", 4096)};
    double_run.benchmarks = {with_peak("a", 8192)};
    CHECK(compare_runs(base, same_run, cfg).rows[0].status == Status::stable);
    CHECK(compare_runs(base, double_run, cfg).rows[0].status == Status::regression);
    // A group may gate on memory.
    BenchmarkResult grouped = with_peak("g", 8192);
    grouped.thresholds.gate = "memory";
    RunResult grouped_base, grouped_run;
    grouped_base.benchmarks = {with_peak("g", 4096)};
    grouped_run.benchmarks = {grouped};
    const auto by_group = compare_runs(grouped_base, grouped_run, GateConfig{});
    CHECK(by_group.rows[0].metric == Metric::memory);
    CHECK(by_group.rows[0].status == Status::regression);
}

TEST_CASE("result files: peak_heap_bytes and rss_growth_bytes round-trip, absent is not measured, bad is one line") {
    RunResult run;
    BenchmarkResult b = with_peak("a", 16000);
    b.metrics.rss_growth_bytes = -8192;  // resident memory can shrink
    run.benchmarks = {b, with_peak("none", NAN)};
    const LoadedRun back = parse_run(to_json(run), "r.json");
    REQUIRE(back.ok());
    CHECK(back.run.benchmarks[0].metrics.peak_heap_bytes == 16000);
    CHECK(back.run.benchmarks[0].metrics.rss_growth_bytes == -8192);
    CHECK(std::isnan(back.run.benchmarks[1].metrics.peak_heap_bytes));
    CHECK(std::isnan(back.run.benchmarks[1].metrics.rss_growth_bytes));
    const std::string head = R"({"schema":"benchgate/1","benchmarks":[{"name":"a","samples":[1],"metrics":)";
    CHECK(parse_run(head + R"({"allocations":1}}]})", "r.json").ok());  // a file from before the fields
    CHECK(parse_run(head + R"({"peak_heap_bytes":-1}}]})", "r.json").error ==
          "r.json: benchmark \"a\": metric \"peak_heap_bytes\" is not a number from 0 to 1e+300");
    CHECK(parse_run(head + R"({"peak_heap_bytes":"big"}}]})", "r.json").error ==
          "r.json: benchmark \"a\": metric \"peak_heap_bytes\" is not a number from 0 to 1e+300");
    CHECK(parse_run(head + R"({"rss_growth_bytes":"big"}}]})", "r.json").error ==
          "r.json: benchmark \"a\": metric \"rss_growth_bytes\" is not a number from -1e+300 to 1e+300");
    CHECK(parse_run(head + R"({"gate":"memory"}}]})", "r.json").ok());
}

TEST_CASE("trend and dashboard: a memory series per benchmark in bytes, unit B") {
    std::vector<history::Entry> entries;
    for (int i = 0; i < 6; ++i) {
        history::Entry e;
        e.file = std::to_string(i) + ".json";
        e.time = date::sys_days{date::year{2026} / 11 / (1 + i)};
        e.machine = "m";
        e.run.benchmarks = {with_peak("a", i < 3 ? 4096 : 8192), with_peak("zero", 0)};
        entries.push_back(e);
    }
    const auto memory = history::machine_trends(entries, TrendConfig{}, history::TrendSeries::memory);
    REQUIRE(memory.size() == 1);
    REQUIRE(memory[0].rows.size() == 1);  // a peak of 0 makes no point
    const report::TrendRow& row = memory[0].rows[0];
    CHECK(row.name == "a");
    CHECK(row.unit == "B");
    CHECK(row.points.back().value == 8192);
    CHECK(row.statuses[3] == "REGRESSION");
    CHECK(row.statuses[4] == "STABLE");
    CHECK(row.trend.status == TrendStatus::step_slower);
    CHECK(report::console_trends(memory, report::Style{false}).find("8.000 KiB") != std::string::npos);
    const auto time = history::machine_trends(entries, TrendConfig{});
    REQUIRE(time[0].rows.size() == 2);
    CHECK(time[0].rows[0].unit == "ns");
    const auto both = history::machine_trends(entries, TrendConfig{}, history::TrendSeries::both);
    REQUIRE(both[0].rows.size() == 3);
    const auto data = tool::dashboard_data(both, "t", "2026-11-07T00:00:00Z");
    std::vector<std::pair<std::string, std::string>> series;
    for (const auto& s : data.machines[0].series) series.emplace_back(s.name, s.unit);
    CHECK(series == std::vector<std::pair<std::string, std::string>>{{"a", "ns"}, {"a (peak heap)", "B"}, {"zero", "ns"}});
}

TEST_CASE("resident_bytes reads this process's resident set") {
    const std::int64_t rss = resident_bytes();
    CHECK(rss > 0);
    CHECK(rss % 4096 == 0);
}
