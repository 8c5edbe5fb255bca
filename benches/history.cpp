// The history tool's own cost on a large history: 50 runs (a history's default --keep) of 200
// benchmarks each, 60 samples per benchmark, as a bench binary saves them. Reading every
// entry, and reading plus trending (the change points of every series), with samples in every
// run and with the retention a history keeps by default (samples in the newest 5 runs,
// estimates in the other 45); and the dashboard page of the same history. The histories are
// written once per process, into a temporary directory, before anything is timed.
//
// BENCHGATE_HISTORY_SIZE=1000 runs the same benchmarks on 50 runs of 1000 benchmarks (their
// names then say 50x1000): the history docs/trends.md quotes. 200 keeps the suite cheap enough
// to gate on every change (a process writes its histories in about a second), and reading
// them still costs in proportion to the benchmarks: a cost per benchmark shows as it would at 1000.
#define BENCHGATE_MAIN
#include <benchgate/benchgate.hpp>
#include <benchgate/detail/history.hpp>
#include <benchgate/detail/history_trends.hpp>
#include <benchgate/detail/tool/dashboard.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

namespace history = benchgate::detail::history;

// Benchmarks per run: 200, or BENCHGATE_HISTORY_SIZE (1 to 100000).
int benchmarks_per_run() {
    static const int n = [] {
        const char* env = std::getenv("BENCHGATE_HISTORY_SIZE");
        if (!env || !*env) return 200;
        char* end = nullptr;
        const long v = std::strtol(env, &end, 10);
        if (*end != '\0' || v < 1 || v > 100000) {
            std::fprintf(stderr, "history: BENCHGATE_HISTORY_SIZE='%s' is not a number of benchmarks from 1 to 100000\n", env);
            std::exit(2);
        }
        return static_cast<int>(v);
    }();
    return n;
}

// The estimates a run carries, stored beside its samples: what the writer's bootstrap gives,
// within the samples as the writer's always are (the reader recomputes estimates that lie
// outside them, a bootstrap per benchmark, which is not what reading a history costs). Order
// statistics stand in for the bootstrap's intervals: a bootstrap per benchmark would take seconds.
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
    for (int i = 0; i < benchmarks_per_run(); ++i) {
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

// A history of 50 runs (days 0..49 of October and November) under $TMPDIR, written on first
// use and kept for the process: every body and every round reads the same files.
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

// The loaded entries of the retained history, read once per process.
const std::vector<history::Entry>& retained_entries() {
    static const std::vector<history::Entry> entries = history::load(history_dir(5)).entries;
    return entries;
}

void read_all_samples(benchgate::Bench& bench) {
    const std::string& dir = history_dir(50);
    bench.run([&] { return history::load(dir).entries.size(); });
}

void read_trend_all_samples(benchgate::Bench& bench) {
    const std::string& dir = history_dir(50);
    bench.run([&] { return history::machine_trends(history::load(dir).entries, benchgate::TrendConfig{}).size(); });
}

void read_trend_retained(benchgate::Bench& bench) {
    const std::string& dir = history_dir(5);
    bench.run([&] { return history::machine_trends(history::load(dir).entries, benchgate::TrendConfig{}).size(); });
}

// What `benchgate dashboard` does after reading: trends, the page's data, the HTML.
void render_retained(benchgate::Bench& bench) {
    const auto& entries = retained_entries();
    bench.run([&] {
        const auto machines = history::machine_trends(entries, benchgate::TrendConfig{});
        return benchgate::report::dashboard_html(
                   benchgate::detail::tool::dashboard_data(machines, "bench", "2026-11-30T00:00:00Z"))
            .size();
    });
}

void read_render_all_samples(benchgate::Bench& bench) {
    const std::string& dir = history_dir(50);
    bench.run([&] {
        const auto machines = history::machine_trends(history::load(dir).entries, benchgate::TrendConfig{});
        return benchgate::report::dashboard_html(
                   benchgate::detail::tool::dashboard_data(machines, "bench", "2026-11-30T00:00:00Z"))
            .size();
    });
}

// Bodies of 10 to 100 ms: 20 samples each (10 for those over 100 ms, within a second per
// benchmark) instead of 60 within 1.5 s, so that a process of this suite, a baseline's three
// and a gate's fresh ones stay cheap; the gate judges by the spread between processes.
BENCHGATE_GROUP("history", benchgate::GroupSettings{}.with_samples(20).with_time_budget_ms(1000));
BENCHGATE_GROUP("dashboard", benchgate::GroupSettings{}.with_samples(20).with_time_budget_ms(1000));

// The names carry the history's size ("read_trend_50x200_retained"), so that baselines of
// two sizes never meet.
const bool registered = [] {
    const std::string size = "_50x" + std::to_string(benchmarks_per_run()) + "_";
    benchgate::add("history/read" + size + "all_samples", read_all_samples);
    benchgate::add("history/read_trend" + size + "all_samples", read_trend_all_samples);
    benchgate::add("history/read_trend" + size + "retained", read_trend_retained);
    benchgate::add("dashboard/render" + size + "retained", render_retained);
    benchgate::add("dashboard/read_render" + size + "all_samples", read_render_all_samples);
    return true;
}();

}  // namespace
