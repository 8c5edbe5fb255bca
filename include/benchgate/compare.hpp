// benchgate: comparison and verdicts. Pure functions: no clock, no files, no output.
//
// A benchmark is compared on one estimator of its per-iteration time, by default the minimum
// sample (each sample averages many iterations; interference only ever slows a sample down, so
// the fastest one is the most reproducible between processes: docs/gate.md).
// Processes are the replicates: samples inside one process share its luck (its memory layout,
// its CPU, the burst it ran in). Each process gives one estimate; the change is the ratio of
// the geometric means of the two sides' process estimates, and its interval a Student-t
// interval from the spread *between* processes (process_evidence). The verdict rests on that
// one quantity and its interval (classify): REGRESSION needs the point beyond --threshold and
// the interval's lower end beyond --warn-threshold; an interval that reaches past the
// threshold without either is UNDECIDED, never STABLE. Measuring more processes narrows the
// interval (confirmation.hpp decides when).
// When both runs carry the machine-speed reference (reference.hpp), the baseline may be scaled
// by how much slower or faster the machine ran the reference (speed_applies says when).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "result.hpp"
#include "paired_stats.hpp"
#include "stats.hpp"

namespace benchgate {

// UNDECIDED: the evidence could not tell the change from noise within the time budget, and
// its interval reaches past the threshold (so it is not STABLE).
enum class Status { regression, undecided, slower, stable, faster, improved, added, missing, failed };

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
    case Status::undecided: return "UNDECIDED";
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
    // IMPROVED beyond this speed-up instead (NaN: `threshold`), for projects that report
    // improvements with another band than regressions.
    double improvement_threshold = std::numeric_limits<double>::quiet_NaN();
    double warn_threshold = 0.05;  // SLOWER / FASTER beyond this
    double noise = 0.01;           // minimum noise band: intervals inside ±noise are noise
    double alpha = 0.05;           // the change's interval has confidence 1 - alpha
    stats::Statistic estimator = stats::Statistic::min;  // --estimator
    std::uint64_t seed = 0;
    int resamples = 1000;
    bool fail_on_missing = false;
    bool fail_on_undecided = false;  // an UNDECIDED row fails the gate too
    bool speed_correction = true;  // scale by the machine-speed reference when both runs have it
    Metric metric = Metric::time;  // what the verdict uses
    // Process-level evidence: the spread between processes is estimated from the processes
    // measured, shrunk towards `process_cv` with the weight of `prior_df` degrees of freedom
    // (so that two processes that happen to agree do not claim a precision they cannot have).
    double process_cv = 0.02;
    int prior_df = 2;
    int min_process_samples = 5;     // a baseline process with fewer cannot be compared
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
    double p_value = 1.0;     // two-sided, Student's t over the process estimates
    double p_adjusted = 1.0;  // Holm-adjusted over the compared benchmarks of the run (reported)
    double noise_band = 0.0;  // the band used: --noise
    bool significant = false; // the interval excludes the noise band
    double raw_baseline = std::numeric_limits<double>::quiet_NaN();  // the baseline's estimate as stored
    int processes_baseline = 0, processes_current = 0;  // processes on each side (duet: pairs of runs)
    double process_spread = std::numeric_limits<double>::quiet_NaN();  // between-process SD (log scale) used
    bool speed_applied = false;  // the machine-speed factor was applied to this row
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

// The verdict on a change, from its interval alone (point, lower, upper):
//   REGRESSION  point > threshold and lower > warn threshold
//   IMPROVED    point < -threshold and upper < -warn threshold
//   UNDECIDED   the interval runs from inside the warn band to beyond the threshold (lower <=
//               warn and upper > threshold), or the mirror image: it could be noise, it could be
//               a regression (an improvement)
//   SLOWER      point > warn threshold and lower > noise
//   FASTER      point < -warn threshold and upper < -noise
//   STABLE      everything else: the interval lies within +-threshold
// A deterministic metric passes a point interval (lower = upper = point).
inline Status classify(const Estimate& ch, const GateConfig& cfg) {
    const double x = ch.point, lo = ch.lower, hi = ch.upper;
    const double better = std::isnan(cfg.improvement_threshold) ? cfg.threshold : cfg.improvement_threshold;
    if (std::isnan(x)) return Status::stable;
    if (x > cfg.threshold && lo > cfg.warn_threshold) return Status::regression;
    if (x < -better && hi < -cfg.warn_threshold) return Status::improved;
    if ((hi > cfg.threshold && lo <= cfg.warn_threshold) || (lo < -better && hi >= -cfg.warn_threshold))
        return Status::undecided;
    if (x > cfg.warn_threshold && lo > cfg.noise) return Status::slower;
    if (x < -cfg.warn_threshold && hi < -cfg.noise) return Status::faster;
    return Status::stable;
}

// A slower row whose interval still reaches past the threshold: decided slower, but a close
// call on the threshold that more processes can settle.
inline bool close_to_threshold(const Comparison& c, const GateConfig& cfg) {
    return c.status == Status::slower && c.change.upper > cfg.threshold;
}

inline bool is_significant(const Estimate& ch, double noise) { return ch.lower > noise || ch.upper < -noise; }

// A benchmark's gated estimate in each process that measured it (samples grouped by
// `processes`; one group when that is empty).
inline std::vector<double> process_estimates(const BenchmarkResult& b, stats::Statistic estimator,
                                             const std::vector<double>* values = nullptr) {
    const std::vector<double>& x = values ? *values : b.samples;
    if (b.processes.size() != x.size()) return x.empty() ? std::vector<double>{} : std::vector<double>{stats::evaluate(estimator, x)};
    std::vector<std::pair<std::uint32_t, double>> by_process;
    for (std::size_t i = 0; i < x.size(); ++i) by_process.emplace_back(b.processes[i], x[i]);
    std::stable_sort(by_process.begin(), by_process.end(),
                     [](const auto& l, const auto& r) { return l.first < r.first; });
    std::vector<double> out, group;
    for (std::size_t i = 0; i < by_process.size();) {
        group.clear();
        std::size_t j = i;
        for (; j < by_process.size() && by_process[j].first == by_process[i].first; ++j) group.push_back(by_process[j].second);
        out.push_back(stats::evaluate(estimator, group));
        i = j;
    }
    return out;
}

// The smallest number of samples any process of `b` contributed.
inline std::size_t fewest_process_samples(const BenchmarkResult& b) {
    if (b.processes.size() != b.samples.size()) return b.samples.size();
    std::vector<std::uint32_t> p(b.processes);
    std::sort(p.begin(), p.end());
    std::size_t fewest = p.empty() ? 0 : p.size();
    for (std::size_t i = 0; i < p.size();) {
        std::size_t j = i;
        while (j < p.size() && p[j] == p[i]) ++j;
        fewest = std::min(fewest, j - i);
        i = j;
    }
    return fewest;
}

// What the processes say about the change: the geometric-mean ratio of the current
// processes' estimates to the baseline's, with a Student-t interval whose spread is the
// spread *between* processes (pooled over both sides, on the log scale, shrunk towards
// cfg.process_cv). Samples inside one process share its luck; the processes are the
// replicates. `cur` may be empty for a one-sample form (duet: `base` holds the log ratios
// per run, already centred on the change).
struct ProcessEvidence {
    Estimate change{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
                    std::numeric_limits<double>::quiet_NaN()};
    double p_value = 1.0;
    double spread = std::numeric_limits<double>::quiet_NaN();  // SD of one process, log scale
};

inline ProcessEvidence evidence_from_logs(double d, double ss, double df, double se_factor, const GateConfig& cfg) {
    ProcessEvidence e;
    const double prior = static_cast<double>(std::max(0, cfg.prior_df));
    const double total_df = df + prior;
    const double s2 = total_df > 0 ? (ss + prior * cfg.process_cv * cfg.process_cv) / total_df : cfg.process_cv * cfg.process_cv;
    e.spread = std::sqrt(s2);
    const double se = e.spread * se_factor;
    const double t = total_df > 0 ? stats::student_t_quantile(1.0 - cfg.alpha / 2.0, total_df) : 1.96;
    e.change = {std::exp(d) - 1.0, std::exp(d - t * se) - 1.0, std::exp(d + t * se) - 1.0};
    e.p_value = se > 0 ? 2.0 * (1.0 - stats::student_t_cdf(std::fabs(d) / se, total_df)) : (d == 0 ? 1.0 : 0.0);
    return e;
}

inline ProcessEvidence process_evidence(const std::vector<double>& base, const std::vector<double>& cur, const GateConfig& cfg) {
    auto logs = [](const std::vector<double>& v) {
        std::vector<double> out;
        for (double x : v) out.push_back(std::log(x));
        return out;
    };
    const std::vector<double> lb = logs(base), lc = logs(cur);
    const double nb = static_cast<double>(lb.size()), nc = static_cast<double>(lc.size());
    if (lb.empty() || lc.empty()) return {};
    const double mb = stats::mean(lb), mc = stats::mean(lc);
    double ss = 0;
    for (double x : lb) ss += (x - mb) * (x - mb);
    for (double x : lc) ss += (x - mc) * (x - mc);
    return evidence_from_logs(mc - mb, ss, nb + nc - 2.0, std::sqrt(1.0 / nb + 1.0 / nc), cfg);
}

// One-sample form: `log_ratios[j]` is process j's log change (duet runs).
inline ProcessEvidence paired_process_evidence(const std::vector<double>& log_ratios, const GateConfig& cfg) {
    if (log_ratios.empty()) return {};
    const double n = static_cast<double>(log_ratios.size());
    const double m = stats::mean(log_ratios);
    double ss = 0;
    for (double x : log_ratios) ss += (x - m) * (x - m);
    return evidence_from_logs(m, ss, n - 1.0, std::sqrt(1.0 / n), cfg);
}

inline double geometric_mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += std::log(x);
    return v.empty() ? std::numeric_limits<double>::quiet_NaN() : std::exp(s / static_cast<double>(v.size()));
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
    GateConfig exact = cfg;
    exact.noise = 0.0;
    c.status = classify(c.change, exact);
    return compare_counters(c, base, cur);
}

// Whether the machine-speed factor may be applied to a benchmark whose raw change is `raw`,
// when the reference moved by r = factor - 1: only when the benchmark moved with the reference
// (|raw - r| < |r| / 2), decided per benchmark. A benchmark that did not move with it keeps
// its raw change: a regression on a slower machine is then overstated, never hidden, and one
// benchmark that tracks the reference cannot shift another by the whole factor. A regression on
// a faster machine is read low by the machine's speed-up (the reference cannot be told from its
// own noise then: in A/A pairs it moved by up to 6% while the benchmarks stayed within 2%), but
// it still reads slower, and with its interval never STABLE once it is beyond the warn band.
// The reference is an ALU loop: it cannot stand for cache- and memory-bound bodies, whose
// per-process offsets it does not see; those are left to the process-level evidence.
inline bool speed_applies(double raw, double factor) {
    if (!(factor > 0) || !std::isfinite(raw) || factor == 1.0) return false;
    const double r = factor - 1.0;
    return std::fabs(raw - r) < 0.5 * std::fabs(r);
}

// Compares one benchmark present on both sides, on its process estimates. `machine_speed` is
// the machine-speed factor (current reference time / baseline reference time; 1: none
// measured); the baseline is scaled by it when speed_applies to this benchmark.
inline Comparison compare_benchmark(const BenchmarkResult& base, const BenchmarkResult& cur, const GateConfig& cfg,
                                    double machine_speed = 1.0) {
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
    if (const std::size_t fewest = fewest_process_samples(base); fewest < static_cast<std::size_t>(cfg.min_process_samples))
        c.input_error = "'" + cur.name + "' has " + std::to_string(fewest) + " sample(s) in a process of the baseline, too few samples to ever fail the gate on (at least " +
                        std::to_string(cfg.min_process_samples) + " are needed): save the baseline from a full run";
    const std::vector<double> b = process_estimates(base, cfg.estimator), x = process_estimates(cur, cfg.estimator);
    c.processes_baseline = static_cast<int>(b.size());
    c.processes_current = static_cast<int>(x.size());
    c.raw_baseline = geometric_mean(b);
    c.current = geometric_mean(x);
    c.raw_change = c.current / c.raw_baseline - 1.0;
    const double speed = speed_applies(c.raw_change, machine_speed) ? machine_speed : 1.0;
    c.baseline = c.raw_baseline * speed;
    std::vector<double> scaled(b);
    for (double& v : scaled) v *= speed;
    const ProcessEvidence e = process_evidence(scaled, x, cfg);
    c.change = e.change;
    c.process_spread = e.spread;
    c.speed_applied = speed != 1.0;
    c.p_value = c.p_adjusted = e.p_value;
    c.noise_band = cfg.noise;
    c.significant = is_significant(c.change, cfg.noise);
    c.status = classify(c.change, cfg);
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

// The machine a run's timings belong to, as one readable line: runs with the same fingerprint
// are compared with each other (history, trends, the dashboard, merging shards); the host name
// is left out, so a pool of identical CI runners is one machine.
inline std::string machine_fingerprint(const Context& c) {
    return (c.cpu.empty() ? std::string("unknown cpu") : c.cpu) + " \xC2\xB7 " + std::to_string(c.cores) + " cores \xC2\xB7 " +
           (c.compiler.empty() ? std::string("unknown compiler") : c.compiler) + " \xC2\xB7 " +
           (c.build_type.empty() ? std::string("unknown build") : c.build_type);
}

// A short stable identifier of a fingerprint (8 hex digits, FNV-1a), for file names and ids.
inline std::string machine_id(const Context& c) {
    std::uint32_t h = 2166136261u;
    for (unsigned char ch : machine_fingerprint(c)) h = (h ^ ch) * 16777619u;
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", h);
    return buf;
}

struct GateReport {
    std::vector<Comparison> rows;
    std::string machine_warning;  // "" when the fingerprints agree
    GateConfig config;
    std::string mode_note;         // e.g. how a duet comparison was made; "" for a baseline file
    double speed_factor = 1.0;     // current / baseline time of the reference workload
    bool speed_measured = false;   // both runs carry the reference
    bool speed_corrected = false;  // ... and the factor was applied to at least one row
    int speed_applied_rows = 0;
    std::string baseline_warning;  // "" unless the baseline's own processes disagree (a noisy recording)

    int count(Status s) const {
        return static_cast<int>(std::count_if(rows.begin(), rows.end(), [s](const Comparison& c) { return c.status == s; }));
    }
    // Rows that cannot be compared (a side lacks the gated metric, a baseline process has too
    // few samples): an input error.
    std::vector<const Comparison*> input_errors() const {
        std::vector<const Comparison*> out;
        for (const auto& c : rows)
            if (!c.input_error.empty()) out.push_back(&c);
        return out;
    }
    // The gate fails on a REGRESSION, on a MISSING benchmark with fail_on_missing, and on an
    // UNDECIDED one with fail_on_undecided.
    bool failed() const {
        return count(Status::regression) > 0 || (config.fail_on_missing && count(Status::missing) > 0) ||
               (config.fail_on_undecided && count(Status::undecided) > 0);
    }
};

// Holm's adjustment of the time rows' p-values over the run, for the report. The verdicts rest
// on each row's interval (classify), which the adjustment does not change.
inline void adjust_over_run(GateReport& report) {
    std::vector<std::size_t> tested;
    std::vector<double> p;
    for (std::size_t i = 0; i < report.rows.size(); ++i)
        if (std::isfinite(report.rows[i].change.point) && report.rows[i].metric == Metric::time) {
            tested.push_back(i);
            p.push_back(report.rows[i].p_value);
        }
    const std::vector<double> adjusted = stats::holm(p);
    for (std::size_t k = 0; k < tested.size(); ++k) report.rows[tested[k]].p_adjusted = adjusted[k];
}


// The baseline's own between-process spread, as a warning when it is large: every later
// comparison inherits the state the baseline was recorded in.
inline std::string noisy_baseline_warning(const RunResult& baseline, const GateConfig& cfg) {
    std::vector<double> spreads;
    for (const auto& b : baseline.benchmarks) {
        const std::vector<double> e = process_estimates(b, cfg.estimator);
        if (e.size() < 2) continue;
        std::vector<double> logs;
        for (double x : e) logs.push_back(std::log(x));
        spreads.push_back(stats::stddev(logs));
    }
    if (spreads.empty()) return {};
    const double typical = stats::median(spreads);
    if (typical < 0.05) return {};
    char buf[160];
    std::snprintf(buf, sizeof buf, "the baseline's %d processes disagree by %.1f%% (typical SD): it was recorded on a noisy machine; record it again",
                  baseline.context.processes, typical * 100.0);
    return buf;
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
    report.baseline_warning = noisy_baseline_warning(baseline, cfg);
    if (cfg.speed_correction && !baseline.reference.samples.empty() && !current.reference.samples.empty()) {
        const double factor = stats::evaluate(cfg.estimator, current.reference.samples) /
                              stats::evaluate(cfg.estimator, baseline.reference.samples);
        report.speed_measured = std::isfinite(factor) && factor > 0;
        report.speed_factor = report.speed_measured ? factor : 1.0;
    }
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
        report.rows.push_back(compare_benchmark(*base, cur, effective_config(cfg, cur), report.speed_factor));
        if (report.rows.back().speed_applied) ++report.speed_applied_rows;
    }
    report.speed_corrected = report.speed_applied_rows > 0;
    for (const auto& base : baseline.benchmarks) {
        if (current.find(base.name)) continue;
        Comparison c;
        c.name = base.name;
        c.status = Status::missing;
        if (!base.samples.empty()) c.baseline = stats::evaluate(cfg.estimator, base.samples);
        report.rows.push_back(c);
    }
    adjust_over_run(report);
    return report;
}

// Duet mode: `cur.samples` and `cur.paired_baseline` were taken alternately, pair by pair.
// Each duet run (process) gives one change, the median of its per-pair ratios; the runs are
// the replicates, combined like the processes of a file comparison (paired_process_evidence).
// The columns show the medians of each side (geometric mean over the runs).
inline Comparison compare_paired(const BenchmarkResult& cur, const GateConfig& cfg) {
    Comparison c;
    c.name = cur.name;
    if (cur.failed()) {
        c.status = Status::failed;
        c.error = cur.error;
        return c;
    }
    const std::vector<double> here = process_estimates(cur, stats::Statistic::median);
    const std::vector<double> there = process_estimates(cur, stats::Statistic::median, &cur.paired_baseline);
    c.current = geometric_mean(here);
    c.baseline = c.raw_baseline = geometric_mean(there);
    const std::vector<double> ratios = stats::pair_ratios(cur.samples, cur.paired_baseline);
    if (ratios.size() < 2) {
        c.status = Status::added;
        c.error = "too few pairs to compare";
        return c;
    }
    BenchmarkResult by_run;  // the per-pair ratios, grouped by run
    by_run.samples = ratios;
    by_run.processes = cur.processes;
    std::vector<double> logs;
    for (double r : process_estimates(by_run, stats::Statistic::median)) logs.push_back(std::log(r));
    const ProcessEvidence e = paired_process_evidence(logs, cfg);
    c.processes_baseline = c.processes_current = static_cast<int>(logs.size());
    c.change = e.change;
    c.process_spread = e.spread;
    c.raw_change = c.change.point;
    c.p_value = c.p_adjusted = e.p_value;
    c.noise_band = cfg.noise;
    c.significant = is_significant(c.change, cfg.noise);
    c.status = classify(c.change, cfg);
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
    adjust_over_run(report);
    return report;
}

}  // namespace benchgate
