// The history tool's own cost on a large history: 50 runs of 1000 benchmarks (60 samples
// each, as a bench binary saves them). Reading every entry, and reading plus trending (the
// change points of all 1000 series), with samples in every run and with the retention a
// history keeps by default (samples in the newest 5 runs, estimates in the other 45); and the
// dashboard page of the same history. The
// histories are written once, into a temporary directory, before anything is timed.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>
#include <benchgate/detail/history.hpp>
#include <benchgate/detail/history_trends.hpp>
#include <benchgate/detail/tool/dashboard.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

namespace history = benchgate::detail::history;

// The estimates a run carries, stored beside its samples: what the writer's bootstrap gives,
// within the samples as the writer's always are (the reader recomputes estimates that lie
// outside them, a bootstrap per benchmark, which is not what reading a history costs). Order
// statistics stand in for the bootstrap's intervals: 50 000 bootstraps would take seconds.
benchgate::Estimates stored_estimates(const std::vector<double>& samples) {
    namespace stats = benchgate::stats;
    std::vector<double> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    benchgate::Estimates e;
    e.min = sorted.front();
    e.max = sorted.back();
    e.median = {stats::quantile_sorted(sorted, 0.5), stats::quantile_sorted(sorted, 0.37), stats::quantile_sorted(sorted, 0.63)};
    const double mean = stats::mean(samples);
    const double half = 1.96 * stats::stddev(samples) / std::sqrt(static_cast<double>(samples.size()));
    e.mean = {mean, std::max(e.min, mean - half), std::min(e.max, mean + half)};
    e.stddev = stats::stddev(samples);
    e.mad = stats::mad(samples);
    e.p10 = stats::quantile_sorted(sorted, 0.10);
    return e;
}

benchgate::RunResult synthetic_run(int day, std::uint64_t seed) {
    benchgate::RunResult run;
    run.created = "2026-10-" + std::string(day + 1 < 10 ? "0" : "") + std::to_string(day + 1) + "T04:00:00Z";
    run.context.cpu = "synthetic";
    run.context.cores = 2;
    run.context.commit = std::to_string(1000000 + day);
    benchgate::stats::Rng rng(seed);
    for (int i = 0; i < 1000; ++i) {
        benchgate::BenchmarkResult b;
        b.name = "suite/group_" + std::to_string(i / 50) + "/benchmark_" + std::to_string(i);
        const double center = 50.0 * (1 + i % 97) * (1.0 + 0.02 * rng.uniform());
        for (int s = 0; s < 60; ++s) {
            b.samples.push_back(center * (1.0 + 0.02 * rng.uniform()));
            b.iterations.push_back(1000);
        }
        b.estimates = stored_estimates(b.samples);
        run.benchmarks.push_back(std::move(b));
    }
    return run;
}

// A history of 50 runs (days 0..49 of October and November) under $TMPDIR, written once.
const std::string& history_dir(std::size_t keep_samples) {
    static std::string dirs[2];
    std::string& dir = dirs[keep_samples == 50 ? 0 : 1];
    if (!dir.empty()) return dir;
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/benchgate-history-bench-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
    dir = pattern;
    std::atexit([] {
        for (const std::string& d : dirs)
            if (!d.empty()) std::system(("rm -rf '" + d + "'").c_str());
    });
    history::Settings settings;
    settings.keep_samples = keep_samples;
    for (int day = 0; day < 50; ++day) {
        benchgate::RunResult run = synthetic_run(day % 30, static_cast<std::uint64_t>(day));
        run.created = benchgate::detail::history::format_time(
            date::sys_days{date::year{2026} / 10 / 1} + date::days{day} + std::chrono::hours{4});
        if (const auto added = history::add(dir, run, settings); !added.error.empty()) throw std::runtime_error(added.error);
    }
    return dir;
}

}  // namespace

BENCHGATE_BENCH("history/read_50x1000_all_samples") {
    const std::string& dir = history_dir(50);
    bench.run([&] { return history::load(dir).entries.size(); });
}

BENCHGATE_BENCH("history/read_trend_50x1000_all_samples") {
    const std::string& dir = history_dir(50);
    bench.run([&] { return history::machine_trends(history::load(dir).entries, benchgate::TrendConfig{}).size(); });
}

BENCHGATE_BENCH("history/read_trend_50x1000_retained") {
    const std::string& dir = history_dir(5);
    bench.run([&] { return history::machine_trends(history::load(dir).entries, benchgate::TrendConfig{}).size(); });
}

BENCHGATE_BENCH("dashboard/render_50x1000_retained") {
    // What `benchgate dashboard` does after reading: trends, the page's data, the HTML.
    const std::string& dir = history_dir(5);
    const auto entries = history::load(dir).entries;
    bench.run([&] {
        const auto machines = history::machine_trends(entries, benchgate::TrendConfig{});
        return benchgate::report::dashboard_html(
                   benchgate::detail::tool::dashboard_data(machines, "bench", "2026-11-30T00:00:00Z"))
            .size();
    });
}

BENCHGATE_BENCH("dashboard/read_render_50x1000_all_samples") {
    const std::string& dir = history_dir(50);
    bench.run([&] {
        const auto machines = history::machine_trends(history::load(dir).entries, benchgate::TrendConfig{});
        return benchgate::report::dashboard_html(
                   benchgate::detail::tool::dashboard_data(machines, "bench", "2026-11-30T00:00:00Z"))
            .size();
    });
}
