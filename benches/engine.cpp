// The regression engine's own cost: what a gate adds on top of measuring. One iteration loads
// a 100-benchmark baseline (60 samples each) with simdjson, recomputes its statistics,
// compares it with a 100-benchmark run and renders the console and markdown reports.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>

#include <string>

namespace {

benchgate::RunResult synthetic_run(double scale, std::uint64_t seed) {
    benchgate::RunResult run;
    run.created = "2026-11-28T04:00:00Z";
    benchgate::stats::Rng rng(seed);
    for (int i = 0; i < 100; ++i) {
        benchgate::BenchmarkResult b;
        b.name = "suite/benchmark_" + std::to_string(i);
        const double center = 50.0 * (1 + i) * scale;
        for (int s = 0; s < 60; ++s) {
            b.samples.push_back(center * (1.0 + 0.02 * rng.uniform()));
            b.iterations.push_back(1000);
            b.rounds.push_back(static_cast<std::uint32_t>(s / 15));
        }
        benchgate::summarize(b);
        run.benchmarks.push_back(std::move(b));
    }
    return run;
}

}  // namespace

BENCHGATE_BENCH("engine/compare_100_benchmarks") {
    const std::string baseline_json = benchgate::to_json(synthetic_run(1.0, 1));
    const benchgate::RunResult current = synthetic_run(1.03, 2);
    bench.run([&] {
        const benchgate::LoadedRun baseline = benchgate::parse_run(baseline_json, "baseline.json");
        const benchgate::GateReport report = benchgate::compare_runs(baseline.run, current, benchgate::GateConfig{});
        const std::string text = benchgate::report::console_comparison(report, benchgate::report::Style{false}) +
                                 benchgate::report::markdown_comparison(report);
        return text.size();
    });
}

BENCHGATE_BENCH("engine/save_100_benchmarks_json") {
    const benchgate::RunResult run = synthetic_run(1.0, 3);
    bench.run([&] { return benchgate::to_json(run).size(); });
}
