// benchgate: comparison and verdicts. Pure functions: no clock, no files, no output.
//
// A benchmark is compared on one estimator of its per-iteration time: by default the minimum
// sample (each sample averages many iterations; interference only ever slows a sample down, so
// the fastest one is the most reproducible between processes: docs/performance.md).
// The verdict needs both size and evidence:
//   significant  = Holm-adjusted Mann–Whitney p < alpha
//                  and the bootstrap 95% interval of the change lies wholly outside ±noise band
//   REGRESSION   = significant and change > threshold, and it persists when re-measured in
//                  fresh processes (confirmation, resolved by resolve_confirmation below)
//   SLOWER       = significant and change > warn threshold
//   FASTER / IMPROVED mirror them; everything else is STABLE.
// The noise band is the larger of --noise and the drift measured inside either run (the
// spread of its per-round medians), so a run on a drifting machine widens its own band.
// When both runs carry the machine-speed reference (reference.hpp), the baseline's samples are
// first scaled by how much slower or faster the machine ran the reference this time, so a
// machine-wide slowdown is not blamed on the code ("speed correction").
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "result.hpp"
#include "paired_stats.hpp"
#include "stats.hpp"

namespace benchgate {

enum class Status { regression, slower, stable, faster, improved, added, missing, failed };

// What a verdict is computed on. Time is noisy and judged statistically; instruction and
// allocation counts are deterministic and judged by their exact relative change.
enum class Metric { time, instructions, allocations };

inline const char* to_string(Metric m) {
    switch (m) {
    case Metric::time: return "time";
    case Metric::instructions: return "instructions";
    case Metric::allocations: return "allocations";
    }
    return "time";
}

inline bool parse_metric(const std::string& s, Metric& out) {
    if (s == "time") out = Metric::time;
    else if (s == "instructions") out = Metric::instructions;
    else if (s == "allocations") out = Metric::allocations;
    else return false;
    return true;
}

// The value of a deterministic metric per iteration (NaN when not measured).
inline double metric_value(const BenchmarkResult& b, Metric m) {
    if (m == Metric::instructions) return b.metrics.instructions;
    if (m == Metric::allocations) return b.metrics.allocations;
    return std::numeric_limits<double>::quiet_NaN();
}

// The words users read; `added` prints as NEW.
inline const char* to_string(Status s) {
    switch (s) {
    case Status::regression: return "REGRESSION";
    case Status::slower: return "SLOWER";
    case Status::stable: return "STABLE";
    case Status::faster: return "FASTER";
    case Status::improved: return "IMPROVED";
    case Status::added: return "NEW";
    case Status::missing: return "MISSING";
    case Status::failed: return "FAILED";
    }
    return "STABLE";
}

struct GateConfig {
    double threshold = 0.10;       // REGRESSION / IMPROVED beyond this relative change
    double warn_threshold = 0.05;  // SLOWER / FASTER beyond this
    double noise = 0.01;           // minimum noise band: intervals inside ±noise are noise
    double alpha = 0.05;           // family-wise significance level (Holm over a run's benchmarks)
    stats::Statistic estimator = stats::Statistic::min;  // --estimator
    std::uint64_t seed = 0;
    int resamples = 1000;
    bool fail_on_missing = false;
    bool speed_correction = true;  // scale by the machine-speed reference when both runs have it
    Metric metric = Metric::time;  // what the verdict uses
};

// A counter compared between the runs: informational, never part of the verdict.
struct CounterChange {
    std::string name;
    double baseline = std::numeric_limits<double>::quiet_NaN();
    double current = std::numeric_limits<double>::quiet_NaN();
    double change = std::numeric_limits<double>::quiet_NaN();  // current / baseline - 1
};

struct Comparison {
    std::string name;
    Status status = Status::stable;
    Metric metric = Metric::time;  // what baseline, current and change measure
    double current_time = std::numeric_limits<double>::quiet_NaN();  // median time per iteration now
    // Gated estimates, per iteration. `baseline` is what `change` is relative to: the stored
    // estimate times the machine-speed factor when the comparison was speed-corrected, so that
    // current / baseline - 1 is the change shown beside them.
    double baseline = std::numeric_limits<double>::quiet_NaN();
    double current = std::numeric_limits<double>::quiet_NaN();
    Estimate change{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
                    std::numeric_limits<double>::quiet_NaN()};  // current / baseline - 1, with 95% CI
    double raw_change = std::numeric_limits<double>::quiet_NaN();  // before speed correction
    double p_value = 1.0;     // two-sided Mann–Whitney U
    double p_adjusted = 1.0;  // Holm-adjusted over the compared benchmarks of the run
    double noise_band = 0.0;  // the band used: max(noise, measured drift)
    bool significant = false;
    double raw_baseline = std::numeric_limits<double>::quiet_NaN();  // the baseline's estimate as stored
    // The smallest p-value these sample sizes allow (0: not computed), and whether even that
    // stays above what Holm needs for this row to be significant on its own: such a row can
    // never fail the gate, whatever the change.
    double smallest_p = 0.0;
    bool underpowered = false;
    std::string error;  // FAILED: the body's message
    std::string input_error;  // the comparison is impossible (a side lacks the gated metric)
    std::vector<CounterChange> counters;
    std::string throughput_unit;  // copied from the current run: "bytes", "elements" or ""
    double throughput = 0.0;      // per iteration

    // Confirmation of a suspected regression in fresh processes.
    int confirm_attempts = 0;            // fresh processes measured
    std::vector<double> confirm_changes; // change measured in each of them
    double first_change = std::numeric_limits<double>::quiet_NaN();  // change in the main run
    bool confirmed = false;              // a REGRESSION that persisted in every fresh process
    std::string confirm_error;           // re-measuring failed (the suspect stays a REGRESSION)
};

// Relative drift of a benchmark inside one run: half the range of its per-round medians,
// over the overall median. 0 when the samples do not span two rounds. Rounds are grouped by
// sorting, so the work is bounded by the number of samples whatever the indices are.
inline double drift(const BenchmarkResult& b) {
    if (b.rounds.size() != b.samples.size() || b.samples.empty()) return 0.0;
    std::vector<std::pair<std::uint32_t, double>> by_round;
    by_round.reserve(b.samples.size());
    for (std::size_t i = 0; i < b.samples.size(); ++i) by_round.emplace_back(b.rounds[i], b.samples[i]);
    std::sort(by_round.begin(), by_round.end());
    std::vector<double> medians, in_round;
    for (std::size_t i = 0; i < by_round.size();) {
        in_round.clear();
        std::size_t j = i;
        for (; j < by_round.size() && by_round[j].first == by_round[i].first; ++j) in_round.push_back(by_round[j].second);
        if (in_round.size() >= 3) medians.push_back(stats::quantile_select(in_round, 0.5));
        i = j;
    }
    if (medians.size() < 2) return 0.0;
    std::vector<double> all(b.samples);
    const double overall = stats::quantile_select(all, 0.5);
    const auto [lo, hi] = std::minmax_element(medians.begin(), medians.end());
    return overall > 0 ? (*hi - *lo) / 2.0 / overall : 0.0;
}

// Relative change of the estimator between two sample sets, with a percentile bootstrap
// interval (both sides resampled independently; seeded, reproducible).
inline Estimate change_interval(const std::vector<double>& base, const std::vector<double>& cur,
                                stats::Statistic estimator, std::uint64_t seed, int resamples) {
    Estimate e;
    const double b0 = stats::evaluate(estimator, base), c0 = stats::evaluate(estimator, cur);
    e.point = c0 / b0 - 1.0;
    if (base.size() < 2 || cur.size() < 2 || resamples < 10) {
        e.lower = e.upper = e.point;
        return e;
    }
    stats::Rng rng(seed);
    stats::Resampler rb(base, estimator), rc(cur, estimator);
    std::vector<double> ratios(static_cast<std::size_t>(resamples));
    for (auto& r : ratios) {
        const double b = rb.draw(rng);
        r = rc.draw(rng) / b - 1.0;
    }
    std::sort(ratios.begin(), ratios.end());
    e.lower = stats::quantile_sorted(ratios, 0.025);
    e.upper = stats::quantile_sorted(ratios, 0.975);
    return e;
}

// The band decision, given a change with its interval and adjusted evidence.
inline Status classify(const Comparison& c, const GateConfig& cfg) {
    if (!c.significant) return Status::stable;
    const double x = c.change.point;
    if (x > cfg.threshold) return Status::regression;
    if (x > cfg.warn_threshold) return Status::slower;
    if (x < -cfg.threshold) return Status::improved;
    if (x < -cfg.warn_threshold) return Status::faster;
    return Status::stable;
}

inline bool is_significant(const Comparison& c, const GateConfig& cfg) {
    return c.p_adjusted < cfg.alpha && (c.change.lower > c.noise_band || c.change.upper < -c.noise_band);
}

// Compares one benchmark present on both sides. `speed` is the machine-speed factor (current
// reference time / baseline reference time); the baseline is scaled by it before comparing.
// p_adjusted = p_value until compare_runs adjusts it over the run.
inline Comparison compare_counters(Comparison c, const BenchmarkResult& base, const BenchmarkResult& cur) {
    if (!cur.samples.empty()) c.current_time = stats::evaluate(stats::Statistic::median, cur.samples);
    c.throughput_unit = cur.throughput_unit;
    c.throughput = cur.throughput;
    for (const auto& counter : cur.counters) {
        CounterChange cc;
        cc.name = counter.name;
        cc.current = counter.value;
        for (const auto& old : base.counters)
            if (old.name == counter.name) {
                cc.baseline = old.value;
                cc.change = old.value != 0.0 ? counter.value / old.value - 1.0 : cc.change;
            }
        c.counters.push_back(cc);
    }
    return c;
}

// Deterministic metrics: the exact relative change, judged by the bands alone (no p-value,
// no noise band: the same binary gives the same count).
inline Comparison compare_deterministic(const BenchmarkResult& base, const BenchmarkResult& cur, const GateConfig& cfg) {
    Comparison c;
    c.name = cur.name;
    c.metric = cfg.metric;
    c.baseline = metric_value(base, cfg.metric);
    c.current = metric_value(cur, cfg.metric);
    if (!std::isfinite(c.baseline) || !std::isfinite(c.current)) {
        c.status = Status::added;
        c.error = std::string("no ") + to_string(cfg.metric) + " count " +
                  (std::isfinite(c.baseline) ? "in this run" : "in the baseline");
        c.input_error = "'" + cur.name + "' is gated on " + to_string(cfg.metric) + " but has no " + to_string(cfg.metric) +
                        " count " +
                        (std::isfinite(c.baseline)
                             ? std::string("in this run (") +
                                   (cfg.metric == Metric::instructions ? "run with --metric instructions"
                                                                       : "define BENCHGATE_COUNT_ALLOCATIONS") + ")"
                             : std::string("in the baseline (save it with ") +
                                   (cfg.metric == Metric::instructions ? "--metric instructions" : "allocation counting") + ")");
        return compare_counters(c, base, cur);
    }
    const double change = c.baseline > 0 ? c.current / c.baseline - 1.0 : c.current > 0 ? INFINITY : 0.0;
    c.change = {change, change, change};
    c.raw_change = change;
    c.p_value = c.p_adjusted = change == 0.0 ? 1.0 : 0.0;
    c.noise_band = 0.0;
    c.significant = change != 0.0;
    c.status = classify(c, cfg);
    return compare_counters(c, base, cur);
}

inline Comparison compare_benchmark(const BenchmarkResult& base, const BenchmarkResult& cur, const GateConfig& cfg,
                                    double speed = 1.0) {
    if (cfg.metric != Metric::time && !cur.failed()) return compare_deterministic(base, cur, cfg);
    Comparison c;
    c.name = cur.name;
    if (cur.failed()) {
        c.status = Status::failed;
        c.error = cur.error;
        c.baseline = base.samples.empty() ? c.baseline : stats::evaluate(cfg.estimator, base.samples);
        return c;
    }
    if (base.samples.empty()) {  // the baseline recorded a failure: nothing to compare against
        c.status = Status::added;
        c.current = stats::evaluate(cfg.estimator, cur.samples);
        return c;
    }
    c.raw_baseline = stats::evaluate(cfg.estimator, base.samples);
    c.baseline = c.raw_baseline * speed;
    c.current = stats::evaluate(cfg.estimator, cur.samples);
    c.smallest_p = stats::smallest_mann_whitney_p(base.samples.size(), cur.samples.size());
    // One seed per benchmark name: reproducible, but not the same stream for every row.
    std::uint64_t h = cfg.seed ^ 0x9e3779b97f4a7c15ULL;
    for (unsigned char ch : cur.name) h = (h ^ ch) * 1099511628211ULL;
    c.raw_change = c.current / c.raw_baseline - 1.0;
    std::vector<double> scaled(base.samples);
    for (double& x : scaled) x *= speed;
    c.change = change_interval(scaled, cur.samples, cfg.estimator, h, cfg.resamples);
    c.p_value = c.p_adjusted = stats::mann_whitney_p(scaled, cur.samples);
    c.noise_band = std::max({cfg.noise, drift(base), drift(cur)});
    c.significant = is_significant(c, cfg);
    c.status = classify(c, cfg);
    return compare_counters(c, base, cur);
}

// The run's gate settings with a benchmark's own (group) thresholds applied.
inline GateConfig effective_config(const GateConfig& cfg, const BenchmarkResult& cur) {
    GateConfig out = cfg;
    if (!cur.thresholds.gate.empty()) parse_metric(cur.thresholds.gate, out.metric);
    if (std::isfinite(cur.thresholds.threshold)) out.threshold = cur.thresholds.threshold;
    if (std::isfinite(cur.thresholds.warn_threshold)) out.warn_threshold = cur.thresholds.warn_threshold;
    if (std::isfinite(cur.thresholds.noise)) out.noise = cur.thresholds.noise;
    if (out.warn_threshold > out.threshold) out.warn_threshold = out.threshold;
    return out;
}

// Fields of the fingerprint that make timings incomparable when they differ. Empty if none.
inline std::string machine_mismatch(const Context& baseline, const Context& current) {
    std::string out;
    auto field = [&](const char* what, const std::string& a, const std::string& b) {
        if (a == b) return;
        if (!out.empty()) out += "; ";
        out += std::string(what) + " '" + a + "' vs '" + b + "'";
    };
    field("cpu", baseline.cpu, current.cpu);
    field("cores", std::to_string(baseline.cores), std::to_string(current.cores));
    field("compiler", baseline.compiler, current.compiler);
    field("build type", baseline.build_type, current.build_type);
    return out;
}

struct GateReport {
    std::vector<Comparison> rows;
    std::string machine_warning;  // "" when the fingerprints agree
    GateConfig config;
    std::string mode_note;         // e.g. how a duet comparison was made; "" for a baseline file
    double speed_factor = 1.0;     // current / baseline time of the reference workload
    bool speed_measured = false;   // both runs carry the reference
    bool speed_corrected = false;  // ... and the factor was applied (the suite moved with it)

    int count(Status s) const {
        return static_cast<int>(std::count_if(rows.begin(), rows.end(), [s](const Comparison& c) { return c.status == s; }));
    }
    // Rows whose sample sizes can never give significant evidence (see Comparison::underpowered).
    std::vector<const Comparison*> underpowered() const {
        std::vector<const Comparison*> out;
        for (const auto& c : rows)
            if (c.underpowered) out.push_back(&c);
        return out;
    }
    // Rows that cannot be compared because a side lacks the gated metric (an input error).
    std::vector<const Comparison*> missing_metric() const {
        std::vector<const Comparison*> out;
        for (const auto& c : rows)
            if (!c.input_error.empty()) out.push_back(&c);
        return out;
    }
    // The gate fails on a REGRESSION, or on a MISSING benchmark with fail_on_missing.
    bool failed() const {
        return count(Status::regression) > 0 || (config.fail_on_missing && count(Status::missing) > 0);
    }
};

// Holm's adjustment over the time rows that were tested, then each row's verdict again with
// its adjusted p-value. Deterministic rows are decided by the bands alone and left as they are.
inline void adjust_over_run(GateReport& report, const RunResult& current, const GateConfig& cfg) {
    std::vector<std::size_t> tested;
    std::vector<double> p;
    for (std::size_t i = 0; i < report.rows.size(); ++i)
        if (std::isfinite(report.rows[i].change.point) && report.rows[i].metric == Metric::time) {
            tested.push_back(i);
            p.push_back(report.rows[i].p_value);
        }
    const std::vector<double> adjusted = stats::holm(p);
    const double family = static_cast<double>(tested.size());
    for (std::size_t k = 0; k < tested.size(); ++k) {
        Comparison& c = report.rows[tested[k]];
        const BenchmarkResult* cur = current.find(c.name);
        const GateConfig row_cfg = cur ? effective_config(cfg, *cur) : cfg;
        c.p_adjusted = adjusted[k];
        // Alone among unchanged benchmarks, a row's p is multiplied by the family size.
        c.underpowered = c.smallest_p > 0.0 && c.smallest_p * family >= row_cfg.alpha;
        c.significant = is_significant(c, row_cfg);
        c.status = classify(c, row_cfg);
    }
}

// Compares a run against a baseline: rows in the current run's order, then the benchmarks
// only the baseline has (MISSING). Holm's adjustment runs over the rows compared.
inline GateReport compare_runs(const RunResult& baseline, const RunResult& current, const GateConfig& cfg) {
    GateReport report;
    report.config = cfg;
    const std::string mismatch = machine_mismatch(baseline.context, current.context);
    if (!mismatch.empty())
        report.machine_warning = "baseline was recorded on a different machine or build (" + mismatch +
                                 "): changes may reflect the machine, not the code";
    if (cfg.speed_correction && !baseline.reference.samples.empty() && !current.reference.samples.empty()) {
        const double factor = stats::evaluate(cfg.estimator, current.reference.samples) /
                              stats::evaluate(cfg.estimator, baseline.reference.samples);
        // Applied only when the suite moved about as much as the reference: at least half of
        // the time-gated benchmarks must have a raw change c within half the reference's change
        // r of r (|c - r| < |r| / 2). A machine-wide slowdown moves both alike; noise in the
        // reference alone moves no benchmark with it; a real regression of the suite, or of
        // some of it, moves benchmarks but not the reference. A rule on the median change alone
        // would correct a real suite-wide regression whenever the reference happened to run slow.
        std::vector<double> raw;
        for (const auto& cur : current.benchmarks) {
            const BenchmarkResult* base = baseline.find(cur.name);
            if (!base || cur.failed() || base->samples.empty() || cur.samples.empty()) continue;
            if (effective_config(cfg, cur).metric != Metric::time) continue;
            raw.push_back(stats::evaluate(cfg.estimator, cur.samples) / stats::evaluate(cfg.estimator, base->samples) - 1.0);
        }
        report.speed_measured = std::isfinite(factor) && factor > 0;
        report.speed_factor = report.speed_measured ? factor : 1.0;
        if (report.speed_measured && !raw.empty()) {
            const double r = factor - 1.0;
            const auto with_reference = std::count_if(raw.begin(), raw.end(),
                                                      [r](double c) { return std::fabs(c - r) < 0.5 * std::fabs(r); });
            report.speed_corrected = 2 * static_cast<std::size_t>(with_reference) >= raw.size();
        }
    }
    const double speed = report.speed_corrected ? report.speed_factor : 1.0;
    for (const auto& cur : current.benchmarks) {
        const BenchmarkResult* base = baseline.find(cur.name);
        if (!base) {
            Comparison c;
            c.name = cur.name;
            c.status = cur.failed() ? Status::failed : Status::added;
            c.error = cur.error;
            if (!cur.failed()) c.current = stats::evaluate(cfg.estimator, cur.samples);
            report.rows.push_back(c);
            continue;
        }
        report.rows.push_back(compare_benchmark(*base, cur, effective_config(cfg, cur), speed));
    }
    for (const auto& base : baseline.benchmarks) {
        if (current.find(base.name)) continue;
        Comparison c;
        c.name = base.name;
        c.status = Status::missing;
        if (!base.samples.empty()) c.baseline = stats::evaluate(cfg.estimator, base.samples);
        report.rows.push_back(c);
    }
    adjust_over_run(report, current, cfg);
    return report;
}

// Duet mode: `cur.samples` and `cur.paired_baseline` were taken alternately, pair by pair.
// The change is the median per-pair ratio minus one, its interval a bootstrap of that median,
// the evidence a Wilcoxon signed-rank test on the log ratios; the bands are the same.
inline Comparison compare_paired(const BenchmarkResult& cur, const GateConfig& cfg) {
    Comparison c;
    c.name = cur.name;
    if (cur.failed()) {
        c.status = Status::failed;
        c.error = cur.error;
        return c;
    }
    const std::vector<double> ratios = stats::pair_ratios(cur.samples, cur.paired_baseline);
    // The change is a median (of the per-pair ratios): the columns beside it show medians too.
    c.current = stats::evaluate(stats::Statistic::median, cur.samples);
    c.baseline = c.raw_baseline = stats::evaluate(stats::Statistic::median, cur.paired_baseline);
    if (ratios.size() < 2) {
        c.status = Status::added;
        c.error = "too few pairs to compare";
        return c;
    }
    std::uint64_t h = cfg.seed ^ 0x5851f42d4c957f2dULL;
    for (unsigned char ch : cur.name) h = (h ^ ch) * 1099511628211ULL;
    const Estimate ratio = stats::bootstrap(ratios, stats::Statistic::median, h, 0.95, cfg.resamples);
    c.change = {ratio.point - 1.0, ratio.lower - 1.0, ratio.upper - 1.0};
    c.raw_change = c.change.point;
    std::vector<double> logs;
    for (double r : ratios) logs.push_back(std::log(r));
    c.p_value = c.p_adjusted = stats::wilcoxon_signed_rank_p(logs);
    c.noise_band = cfg.noise;
    c.significant = is_significant(c, cfg);
    c.status = classify(c, cfg);
    BenchmarkResult other;
    other.samples = cur.paired_baseline;
    return compare_counters(c, other, cur);
}

// A duet run: every benchmark measured on both sides is compared pair by pair; `against_only`
// lists the other build's benchmarks this one lacks (MISSING). Holm over the compared rows.
inline GateReport compare_duet(const RunResult& current, const std::vector<std::string>& against_only, const GateConfig& cfg) {
    GateReport report;
    report.config = cfg;
    report.config.estimator = stats::Statistic::median;  // of the per-pair ratios
    for (const auto& cur : current.benchmarks) {
        if (cur.paired_baseline.empty() && !cur.failed()) {
            Comparison c;
            c.name = cur.name;
            c.status = Status::added;
            c.current = stats::evaluate(stats::Statistic::median, cur.samples);
            report.rows.push_back(c);
            continue;
        }
        report.rows.push_back(compare_paired(cur, effective_config(cfg, cur)));
    }
    for (const auto& name : against_only) {
        Comparison c;
        c.name = name;
        c.status = Status::missing;
        report.rows.push_back(c);
    }
    adjust_over_run(report, current, cfg);
    return report;
}

}  // namespace benchgate
