// The measurement loop: gross effects only (no fine timing is asserted here).
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>

#include <limits>
#include <stdexcept>

using namespace benchgate;
using namespace benchgate::detail;

namespace {
// A body whose work is `n` dependent multiply-adds: cost proportional to n.
unsigned long work(unsigned long seed, int n) {
    for (int i = 0; i < n; ++i) {
        do_not_optimize(seed);
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    }
    return seed;
}

MeasureConfig quick_config() {
    MeasureConfig m;
    m.warmup_ms = 2;
    m.sample_ms = 0.5;
    m.samples = 12;
    m.rounds = 3;
    m.min_samples = 5;
    m.max_ms = 50;
    m.clock = measure_clock();
    return m;
}
}  // namespace

TEST_CASE("the clock is measured") {
    const ClockInfo c = measure_clock();
    CHECK(c.resolution_ns > 0);
    CHECK(c.resolution_ns < 1e6);
    CHECK(c.cost_ns > 0);
    CHECK(c.cost_ns < 1e5);
}

TEST_CASE("a run takes the planned samples over the rounds, each long against the clock") {
    std::vector<Registration> regs = {{"m/work", [](Bench& b) { b.run([] { return work(1, 100); }); }}};
    RunConfig config;
    config.measure = quick_config();
    const RunResult run = run_benchmarks({&regs[0]}, config);
    REQUIRE(run.benchmarks.size() == 1);
    const auto& r = run.benchmarks[0];
    REQUIRE_FALSE(r.failed());
    CHECK(r.samples.size() == 12);
    CHECK(r.iterations.size() == 12);
    REQUIRE(r.rounds.size() == 12);
    CHECK(r.rounds.front() == 0);
    CHECK(r.rounds.back() == 2);
    for (std::size_t i = 0; i < r.samples.size(); ++i) {
        CHECK(r.samples[i] > 0);
        // each sample lasts far more than the clock resolution
        CHECK(r.samples[i] * double(r.iterations[i]) > 100 * config.measure.clock.resolution_ns);
    }
    CHECK(r.estimates.median.lower <= r.estimates.median.point);
    CHECK(r.estimates.median.point <= r.estimates.median.upper);
    CHECK(run.schema == "benchgate/1");
    CHECK(run.created.size() == 20);
}

TEST_CASE("four times the work measures clearly slower (gross effect)") {
    std::vector<Registration> regs = {{"m/x1", [](Bench& b) { b.run([] { return work(1, 200); }); }},
                                      {"m/x4", [](Bench& b) { b.run([] { return work(1, 800); }); }}};
    RunConfig config;
    config.measure = quick_config();
    const RunResult run = run_benchmarks({&regs[0], &regs[1]}, config);
    const double ratio = run.benchmarks[1].estimates.median.point / run.benchmarks[0].estimates.median.point;
    INFO("ratio " << ratio);
    CHECK(ratio > 2.0);
    CHECK(ratio < 8.0);
}

TEST_CASE("a throwing body is reported as failed; the others still run") {
    std::vector<Registration> regs = {{"m/throws", [](Bench&) { throw std::runtime_error("boom"); }},
                                      {"m/no_run", [](Bench&) {}},
                                      {"m/ok", [](Bench& b) { b.run([] { return 1; }); }}};
    RunConfig config;
    config.measure = quick_config();
    const RunResult run = run_benchmarks({&regs[0], &regs[1], &regs[2]}, config);
    CHECK(run.benchmarks[0].error == "boom");
    CHECK(run.benchmarks[0].samples.empty());
    CHECK(run.benchmarks[1].error == "the body never called bench.run()");
    CHECK_FALSE(run.benchmarks[2].failed());
    CHECK(run.benchmarks[2].samples.size() == 12);
}

TEST_CASE("calling run twice in one body is an error") {
    std::vector<Registration> regs = {{"m/twice", [](Bench& b) {
                                           b.run([] { return 1; });
                                           b.run([] { return 2; });
                                       }}};
    RunConfig config;
    config.measure = quick_config();
    const RunResult run = run_benchmarks({&regs[0]}, config);
    CHECK(run.benchmarks[0].error.find("more than once") != std::string::npos);
}

TEST_CASE("a slow body gets fewer samples, never fewer than the minimum") {
    std::vector<Registration> regs = {{"m/slow", [](Bench& b) { b.run([] { return work(1, 2000000); }); }}};
    RunConfig config;
    config.measure = quick_config();
    config.measure.max_ms = 1;  // budget far too small for 12 samples
    const RunResult run = run_benchmarks({&regs[0]}, config);
    CHECK(run.benchmarks[0].samples.size() == 5);
}

TEST_CASE("the iteration planner never wraps and says when nothing was measured") {
    MeasureConfig m = quick_config();
    IterationPlanner planner(m, ~std::uint64_t{0});
    std::uint64_t n = 0, last = 0;
    for (int i = 0; i < 200 && (n = planner.next()) != 0; ++i) {
        planner.record(n, 0.0);  // a run_custom callable that always returns 0
        CHECK(n >= last);
        last = n;
    }
    CHECK(last == IterationPlanner::largest_batch);  // grown to the bound and held there
    CHECK(planner.nothing_measured());
    // A round's share of the samples: spread evenly, the last round takes the rest.
    CHECK(IterationPlanner::samples_due(10, 0, 0, 4) == 2);
    CHECK(IterationPlanner::samples_due(10, 2, 1, 4) == 3);
    CHECK(IterationPlanner::samples_due(10, 7, 3, 4) == 3);
    CHECK(IterationPlanner::samples_due(10, 10, 3, 4) == 0);
}

TEST_CASE("run_custom: 0, inf and NaN fail the benchmark with a message, and calibration ends") {
    auto custom = [](double value, bool sometimes) {
        Registration r{"custom", [value, sometimes](Bench& bench) {
                           std::uint64_t calls = 0;
                           bench.run_custom([&](std::uint64_t n) -> double {
                               ++calls;
                               if (!sometimes) return value;
                               return calls % 3 == 0 ? value : 1000.0 * static_cast<double>(n);  // every third batch
                           });
                       }};
        std::vector<Registration> regs{r};
        RunConfig config;
        config.measure = quick_config();
        config.measure_reference = false;
        return run_benchmarks({&regs[0]}, config).benchmarks[0];
    };
    const auto zero = custom(0.0, false);
    CHECK(zero.failed());
    CHECK(zero.error.find("every batch measured 0 ns") != std::string::npos);
    const auto inf = custom(std::numeric_limits<double>::infinity(), false);
    CHECK(inf.error.find("returned inf ns") != std::string::npos);
    const auto nan = custom(std::numeric_limits<double>::quiet_NaN(), false);
    CHECK(nan.failed());
    const auto sometimes = custom(0.0, true);
    CHECK(sometimes.error.find("measured 0.000000 ns") != std::string::npos);
    CHECK(custom(1.0, true).error.empty());  // a small but positive time is a valid sample
}
