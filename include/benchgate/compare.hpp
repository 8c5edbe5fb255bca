// benchgate: comparison and verdicts. Pure functions: no clock, no files, no output.
//
// A benchmark is compared on one estimator of its per-iteration time, by default the minimum
// sample (each sample averages many iterations; interference only ever slows a sample down, so
// the fastest one is the most reproducible between processes: docs/gate.md).
// Processes are the replicates: samples inside one process share its luck (its memory layout,
// its CPU, the burst it ran in). Each process gives one estimate; the change is the ratio of
// the geometric means of the two sides' process estimates, and its interval a Student-t
// interval from the spread *between* processes, moderated by a prior fitted to the whole
// suite's spreads (empirical Bayes: suite_prior, stats::fit_variance_prior), so that quiet
// benchmarks get narrow intervals and noisy ones wide ones. The verdict rests on that one
// quantity and its interval (classify): REGRESSION needs the point beyond --threshold and the
// interval's lower end beyond --warn-threshold, at a level spent over the sequential looks
// (spent_alpha); an interval that reaches past the threshold without either is UNDECIDED,
// never STABLE. Measuring more processes narrows the interval (confirmation.hpp decides when).
// When both runs carry the machine-speed reference (reference.hpp) and it moved, the
// intervals are widened to cover the change both raw and corrected (widen_for_machine): the
// correction never chooses a verdict. A median that moved while the gated minimum did not is
// noted (tail_note).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "detail/callgrind_profile.hpp"
#include "result.hpp"
#include "paired_stats.hpp"
#include "stats.hpp"

namespace benchgate {

// UNDECIDED: the evidence could not tell the change from noise within the time budget, and
// its interval reaches past the threshold (so it is not STABLE).
// ACCEPTED: a REGRESSION the change means, named with --accept NAME=REASON: shown with its
// reason, and the gate passes.
enum class Status { regression, undecided, slower, stable, faster, improved, added, missing, failed, accepted };

// What a verdict is computed on. Time is noisy and judged statistically; instruction and
// allocation counts are deterministic and judged by their exact relative change; so is
// memory, the peak live heap bytes of a benchmark's measured batches (allocation counting).
enum class Metric { time, instructions, allocations, memory };

inline const char* to_string(Metric m) {
    switch (m) {
    case Metric::time: return "time";
    case Metric::instructions: return "instructions";
    case Metric::allocations: return "allocations";
    case Metric::memory: return "memory";
    }
    return "time";
}

inline bool parse_metric(const std::string& s, Metric& out) {
    if (s == "time") out = Metric::time;
    else if (s == "instructions") out = Metric::instructions;
    else if (s == "allocations") out = Metric::allocations;
    else if (s == "memory") out = Metric::memory;
    else return false;
    return true;
}

// The value of a deterministic metric (NaN when not measured): per iteration, except memory,
// which is a level (bytes at the peak), not a rate.
inline double metric_value(const BenchmarkResult& b, Metric m) {
    if (m == Metric::instructions) return b.metrics.instructions;
    if (m == Metric::allocations) return b.metrics.allocations;
    if (m == Metric::memory) return b.metrics.peak_heap_bytes;
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
    case Status::accepted: return "ACCEPTED";
    }
    return "STABLE";
}

// An estimate that was not made (every field NaN; a default Estimate is all zeros).
inline Estimate no_estimate() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan};
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
    // measured and moderated by a prior fitted to the whole suite's spreads (empirical Bayes,
    // stats::fit_variance_prior). Only when the suite holds too few spreads to fit one (fewer
    // than three benchmarks with a spread) is it shrunk towards `process_cv` with the weight of
    // `prior_df` degrees of freedom instead.
    double process_cv = 0.02;
    int prior_df = 2;
    // Looks the sequential design may take (1 + --confirm): a REGRESSION resting on several
    // looks is decided at a level spent over them (spent_alpha).
    int max_looks = 5;
    int min_process_samples = 5;     // a baseline process with fewer cannot be compared
    // Regressions this change means (--accept NAME=REASON): benchmark name and reason.
    std::vector<std::pair<std::string, std::string>> accepted;
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
    // The interval REGRESSION and IMPROVED are decided on: the change's interval at the level
    // spent on this look (spent_alpha); equal to `change` on a single look.
    Estimate decisive{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
                      std::numeric_limits<double>::quiet_NaN()};
    double threshold = std::numeric_limits<double>::quiet_NaN();  // the band this row was judged with
    bool paired = false;      // a duet row: its replicates are duet runs
    double spread_df = 0.0;   // degrees of freedom of process_spread (after moderation)
    double p_value = 1.0;     // two-sided, Student's t over the process estimates
    double p_adjusted = 1.0;  // Holm-adjusted over the compared benchmarks of the run (reported)
    double noise_band = 0.0;  // the band used: --noise
    bool significant = false; // p_adjusted within alpha (adjust_over_run); alone, compare_benchmark sets: the interval excludes the noise band
    double raw_baseline = std::numeric_limits<double>::quiet_NaN();  // the baseline's estimate as stored
    int processes_baseline = 0, processes_current = 0;  // processes on each side (duet: pairs of runs)
    double process_spread = std::numeric_limits<double>::quiet_NaN();  // between-process SD (log scale) used
    bool speed_applied = false;  // the interval was widened for the machine's move (widen_for_machine)
    // UNDECIDED only because of that widening: more processes cannot settle it (the machine's
    // move stays in every one of them), so none are measured for it.
    bool machine_undecided = false;
    std::string error;  // FAILED: the body's message
    // What the reader should know beside the verdict, one line each: a tail that moved while the
    // gated estimator did not, a duet side that did not measure in its solo regime, a noisy row.
    std::vector<std::string> notes;
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
    std::string accepted_reason;         // ACCEPTED: why the change means this regression
};

// The verdict on a change, from its interval alone (point, lower, upper), and the interval
// at the level spent on this look (`decisive`, spent_alpha; the same interval when omitted):
//   REGRESSION  point > threshold and lower > warn threshold, at the spent level too
//   IMPROVED    point < -threshold and upper < -warn threshold, at the spent level too
//   UNDECIDED   the interval runs from inside the warn band to beyond the threshold (lower <=
//               warn and upper > threshold), or the mirror image: it could be noise, it could be
//               a regression (an improvement); or a REGRESSION (IMPROVED) at the nominal level
//               that the spent level does not carry yet
//   SLOWER      point > warn threshold and lower > noise
//   FASTER      point < -warn threshold and upper < -noise
//   STABLE      everything else: the interval lies within +-threshold
// A deterministic metric passes a point interval (lower = upper = point).
inline Status classify(const Estimate& ch, const GateConfig& cfg, const Estimate* decisive = nullptr) {
    const double x = ch.point, lo = ch.lower, hi = ch.upper;
    const double dlo = decisive && std::isfinite(decisive->lower) ? decisive->lower : lo;
    const double dhi = decisive && std::isfinite(decisive->upper) ? decisive->upper : hi;
    const double better = std::isnan(cfg.improvement_threshold) ? cfg.threshold : cfg.improvement_threshold;
    if (std::isnan(x)) return Status::stable;
    if (x > cfg.threshold && lo > cfg.warn_threshold) return dlo > cfg.warn_threshold ? Status::regression : Status::undecided;
    if (x < -better && hi < -cfg.warn_threshold) return dhi < -cfg.warn_threshold ? Status::improved : Status::undecided;
    if ((hi > cfg.threshold && lo <= cfg.warn_threshold) || (lo < -better && hi >= -cfg.warn_threshold))
        return Status::undecided;
    if (x > cfg.warn_threshold && lo > cfg.noise) return Status::slower;
    if (x < -cfg.warn_threshold && hi < -cfg.noise) return Status::faster;
    return Status::stable;
}

// An UNDECIDED row whose point estimate is past its threshold: more likely a regression than
// not. It gets fresh processes of its own (SequentialPlan::likely_extra), and the report names
// it apart from the other undecided rows; it fails the gate with --fail-on-undecided.
inline bool likely_regression(const Comparison& c) {
    return c.status == Status::undecided && std::isfinite(c.threshold) && c.change.point > c.threshold;
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

// The level at which REGRESSION and IMPROVED are decided on look `look` (the number of current
// processes, or duet runs, the comparison rests on). A first look that finds a suspect asks for
// another (confirmation.hpp), so the error that can end in a failed gate is spent over the
// later looks: look j >= 2 gets alpha * 6 / (pi^2 (j - 1)^2), whose sum over every look there
// could ever be is alpha. However many processes are added, the chance that a change sitting
// exactly at the warn band is ever called a REGRESSION stays within alpha / 2. With a single
// look planned (--confirm 0) the first look gets all of alpha.
inline double spent_alpha(int look, const GateConfig& cfg) {
    if (cfg.max_looks <= 1 || look <= 1) return cfg.alpha;
    const double j = static_cast<double>(look - 1);
    return cfg.alpha * 6.0 / (3.14159265358979323846 * 3.14159265358979323846 * j * j);
}

// The spread of a change's replicates on the log scale: `d` the log change, `s2` the variance of
// one replicate on `df` degrees of freedom (NaN, 0: not estimable), `se_factor` what turns the
// replicate's SD into the change's standard error, `look` how many looks the change rests on.
struct LogSpread {
    double d = std::numeric_limits<double>::quiet_NaN();
    double s2 = std::numeric_limits<double>::quiet_NaN();
    double df = 0.0;
    double se_factor = std::numeric_limits<double>::quiet_NaN();
    int look = 1;
};

// What the processes say about the change: the geometric-mean ratio of the current
// processes' estimates to the baseline's, with a Student-t interval whose spread is the
// spread *between* processes (pooled over both sides, on the log scale), moderated by the
// suite's prior (stats::moderate). Samples inside one process share its luck; the processes
// are the replicates.
struct ProcessEvidence {
    Estimate change{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
                    std::numeric_limits<double>::quiet_NaN()};
    Estimate decisive = change;  // at the spent level (spent_alpha)
    double p_value = 1.0;
    double spread = std::numeric_limits<double>::quiet_NaN();  // SD of one replicate, log scale
    double df = 0.0;                                           // its degrees of freedom
};

// Student's t quantile, with the degrees of freedom capped where t is the normal quantile to
// three digits.
inline double t_quantile(double q, double df) { return stats::student_t_quantile(q, std::min(df, 1000.0)); }

inline ProcessEvidence evidence_from_spread(const LogSpread& x, const stats::VariancePrior& prior, const GateConfig& cfg) {
    ProcessEvidence e;
    if (!std::isfinite(x.d)) return e;
    double s2 = 0.0, total_df = 0.0;
    if (prior.fitted()) {
        std::tie(s2, total_df) = stats::moderate(x.df > 0 ? x.s2 : std::numeric_limits<double>::quiet_NaN(), x.df, prior);
    } else {  // too few spreads in the suite to fit a prior: the fixed one
        const double fixed = static_cast<double>(std::max(0, cfg.prior_df));
        const double ss = x.df > 0 && std::isfinite(x.s2) ? x.s2 * x.df : 0.0;
        total_df = x.df + fixed;
        s2 = total_df > 0 ? (ss + fixed * cfg.process_cv * cfg.process_cv) / total_df : cfg.process_cv * cfg.process_cv;
    }
    e.spread = std::sqrt(s2);
    e.df = total_df;
    const double se = e.spread * x.se_factor;
    auto interval = [&](double alpha) {
        const double t = total_df > 0 ? t_quantile(1.0 - alpha / 2.0, total_df) : 1.96;
        return Estimate{std::exp(x.d) - 1.0, std::exp(x.d - t * se) - 1.0, std::exp(x.d + t * se) - 1.0};
    };
    e.change = interval(cfg.alpha);
    e.decisive = interval(spent_alpha(x.look, cfg));
    e.p_value = se > 0 ? 2.0 * (1.0 - stats::student_t_cdf(std::fabs(x.d) / se, std::min(total_df, 1000.0))) : (x.d == 0 ? 1.0 : 0.0);
    return e;
}

// Two sides of process estimates (file comparison): the log change of the geometric means and
// the pooled between-process variance.
inline LogSpread file_log_spread(const std::vector<double>& base, const std::vector<double>& cur) {
    LogSpread out;
    if (base.empty() || cur.empty()) return out;
    std::vector<double> lb, lc;
    for (double v : base) lb.push_back(std::log(v));
    for (double v : cur) lc.push_back(std::log(v));
    const double nb = static_cast<double>(lb.size()), nc = static_cast<double>(lc.size());
    const double mb = stats::mean(lb), mc = stats::mean(lc);
    double ss = 0;
    for (double v : lb) ss += (v - mb) * (v - mb);
    for (double v : lc) ss += (v - mc) * (v - mc);
    out.d = mc - mb;
    out.df = nb + nc - 2.0;
    out.s2 = out.df > 0 ? ss / out.df : std::numeric_limits<double>::quiet_NaN();
    out.se_factor = std::sqrt(1.0 / nb + 1.0 / nc);
    out.look = static_cast<int>(lc.size());
    return out;
}

// Two sides of process estimates when the baseline's come from two or more sessions (runs made
// at different times, joined by `benchgate baseline`; `session[i]` is the session of base[i]).
// A session's processes share its machine state, so the sessions are the baseline's replicates
// and the current run is one more session:
//   d   = mean log of the current processes - mean over sessions of each session's mean log
//   Var(d) = tau2 (1 + 1/S) + sigma2 max(0, 1/m - mean over sessions of 1/k_s)
// where tau2 is the variance of the S session means (it holds the drift between sessions and
// the spread of k_s processes), sigma2 the spread between processes within a session (pooled
// over the baseline's sessions and the current run's m processes), and the second term what
// the current session's mean lacks when it rests on fewer processes than a baseline session.
// The degrees of freedom are Welch-Satterthwaite's. Fewer than two sessions: file_log_spread.
inline LogSpread session_log_spread(const std::vector<double>& base, const std::vector<std::uint32_t>& session,
                                    const std::vector<double>& cur) {
    if (base.size() != session.size() || cur.empty()) return file_log_spread(base, cur);
    std::vector<std::uint32_t> ids(session);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (ids.size() < 2) return file_log_spread(base, cur);
    std::vector<double> means, within;
    double within_ss = 0.0, within_df = 0.0, inverse_k = 0.0;
    for (std::uint32_t id : ids) {
        std::vector<double> logs;
        for (std::size_t i = 0; i < base.size(); ++i)
            if (session[i] == id) logs.push_back(std::log(base[i]));
        const double m = stats::mean(logs);
        means.push_back(m);
        for (double v : logs) within_ss += (v - m) * (v - m);
        within_df += static_cast<double>(logs.size()) - 1.0;
        inverse_k += 1.0 / static_cast<double>(logs.size());
    }
    std::vector<double> lc;
    for (double v : cur) lc.push_back(std::log(v));
    const double mc = stats::mean(lc);
    for (double v : lc) within_ss += (v - mc) * (v - mc);
    within_df += static_cast<double>(lc.size()) - 1.0;
    const double S = static_cast<double>(means.size()), m = static_cast<double>(lc.size());
    const double grand = stats::mean(means);
    double tau_ss = 0.0;
    for (double v : means) tau_ss += (v - grand) * (v - grand);
    const double tau2 = tau_ss / (S - 1.0);
    const double sigma2 = within_df > 0 ? within_ss / within_df : 0.0;
    const double a = tau2 * (1.0 + 1.0 / S), b = sigma2 * std::max(0.0, 1.0 / m - inverse_k / S);
    LogSpread out;
    out.d = mc - grand;
    out.s2 = a + b;
    const double denominator = a * a / (S - 1.0) + (within_df > 0 ? b * b / within_df : 0.0);
    out.df = denominator > 0 ? out.s2 * out.s2 / denominator : S - 1.0;
    out.se_factor = 1.0;
    out.look = static_cast<int>(lc.size());
    return out;
}

// The distinct process indices of `b`'s samples, ascending (the order of process_estimates);
// {0} when its samples carry none.
inline std::vector<std::uint32_t> process_indices(const BenchmarkResult& b) {
    if (b.processes.size() != b.samples.size()) return {0};
    std::vector<std::uint32_t> p(b.processes);
    std::sort(p.begin(), p.end());
    p.erase(std::unique(p.begin(), p.end()), p.end());
    return p;
}

// A benchmark's spread against a file baseline whose processes ran in `sessions` (the
// baseline's context.sessions; empty: one session): by session when this benchmark's
// processes span two or more (session_log_spread), else by process (file_log_spread).
inline LogSpread baseline_log_spread(const BenchmarkResult& base, const std::vector<std::uint32_t>& sessions,
                                     const BenchmarkResult& cur, stats::Statistic estimator) {
    const std::vector<double> b = process_estimates(base, estimator), x = process_estimates(cur, estimator);
    if (sessions.empty()) return file_log_spread(b, x);
    std::vector<std::uint32_t> of;
    for (std::uint32_t p : process_indices(base)) of.push_back(p < sessions.size() ? sessions[p] : 0);
    return session_log_spread(b, of, x);
}

inline ProcessEvidence process_evidence(const std::vector<double>& base, const std::vector<double>& cur, const GateConfig& cfg,
                                        const stats::VariancePrior& prior = {}) {
    return evidence_from_spread(file_log_spread(base, cur), prior, cfg);
}

// Blocks a single duet run's pairs are cut into (consecutive in time) to estimate the spread of
// its change from within the run.
inline constexpr int duet_blocks = 5;

// A duet row's replicates. With two or more duet runs, each run's median log ratio is one
// replicate and the spread is the spread between runs. A single run is cut into duet_blocks
// consecutive blocks of pairs: the spread of the blocks' median log ratios, divided by the
// number of blocks, estimates the variance of the run's change from within it (drift and
// bursts during the run; what differs only between runs, such as each process's memory
// layout, needs a second run: confirmation.hpp asks for one before a verdict other than STABLE
// stands on a single run).
inline LogSpread duet_log_spread(const std::vector<double>& ratios, const std::vector<std::uint32_t>& processes) {
    LogSpread out;
    BenchmarkResult by_run;
    by_run.samples = ratios;
    by_run.processes = processes;
    std::vector<double> runs;
    for (double r : process_estimates(by_run, stats::Statistic::median)) runs.push_back(std::log(r));
    if (runs.empty()) return out;
    const double n = static_cast<double>(runs.size());
    out.look = static_cast<int>(runs.size());
    out.d = stats::mean(runs);
    if (runs.size() >= 2) {
        out.df = n - 1.0;
        out.s2 = stats::stddev(runs) * stats::stddev(runs);
        out.se_factor = std::sqrt(1.0 / n);
        return out;
    }
    out.se_factor = 1.0;
    const std::size_t pairs = ratios.size();
    const std::size_t blocks = std::min<std::size_t>(duet_blocks, pairs / 2);
    if (blocks < 2) return out;
    std::vector<double> medians;
    for (std::size_t k = 0; k < blocks; ++k) {
        const std::vector<double> block(ratios.begin() + static_cast<std::ptrdiff_t>(k * pairs / blocks),
                                        ratios.begin() + static_cast<std::ptrdiff_t>((k + 1) * pairs / blocks));
        medians.push_back(std::log(stats::median(block)));
    }
    const double sd = stats::stddev(medians);
    out.df = static_cast<double>(blocks) - 1.0;
    out.s2 = sd * sd / static_cast<double>(blocks);
    return out;
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

// The machine-speed reference (reference.hpp) as a change with its interval, estimated like a
// benchmark: the geometric mean of its per-process estimates on each side, with the spread
// between processes moderated by the suite's prior.
inline ProcessEvidence reference_change(const RunResult& baseline, const RunResult& current, const GateConfig& cfg,
                                        const stats::VariancePrior& prior) {
    if (baseline.reference.samples.empty() || current.reference.samples.empty()) return {};
    return process_evidence(process_estimates(baseline.reference, cfg.estimator), process_estimates(current.reference, cfg.estimator),
                            cfg, prior);
}

// How far the machine moved may reach a benchmark, or not: an ALU-bound body moves with the
// reference (an ALU loop), a memory-bound one may not move at all, and which one a benchmark is
// cannot be told from the change being judged (a correction decided from it chooses the
// verdict). So nothing is corrected: when the reference's own interval says the machine moved
// beyond the noise band, every time row's interval is widened to cover both readings, the raw
// change and the change corrected by the whole of the reference's interval. The point stays
// the raw change. A faster machine can then not hide a regression as STABLE (the interval reaches
// up to what the regression would read corrected), nor a slower one make an unchanged body a
// REGRESSION (the interval reaches down to its corrected reading): such rows are UNDECIDED.
inline Estimate widen_for_machine(const Estimate& change, const Estimate& machine) {
    Estimate out = change;
    if (!std::isfinite(machine.lower) || !std::isfinite(machine.upper)) return out;
    out.lower = std::min(change.lower, (1.0 + change.lower) / (1.0 + machine.upper) - 1.0);
    out.upper = std::max(change.upper, (1.0 + change.upper) / (1.0 + machine.lower) - 1.0);
    return out;
}

inline bool machine_moved(const ProcessEvidence& reference, const GateConfig& cfg) {
    return std::isfinite(reference.change.point) && (reference.change.lower > cfg.noise || reference.change.upper < -cfg.noise);
}

// A change the gated estimator cannot see: the median moved past the threshold while the
// gated estimate (by default the fastest sample) stayed inside it. Extra work in every call
// moves both; a slow mode that holds for whole samples (allocator state, rehashing, page
// faults) moves the median and leaves the minimum where it was. "" when they agree or the gate
// already judges the median.
inline std::string tail_note(const BenchmarkResult& base, const BenchmarkResult& cur, const Comparison& c, const GateConfig& cfg) {
    if (cfg.estimator == stats::Statistic::median || !std::isfinite(c.change.point)) return {};
    const double median_change = geometric_mean(process_estimates(cur, stats::Statistic::median)) /
                                     geometric_mean(process_estimates(base, stats::Statistic::median)) - 1.0;
    if (!(std::fabs(median_change) > cfg.threshold) || std::fabs(c.change.point) > cfg.threshold ||
        std::fabs(median_change - c.change.point) <= cfg.warn_threshold)
        return {};
    char buf[240];
    std::snprintf(buf, sizeof buf,
                  "TAIL: the median moved %+.1f%% while the %s moved %+.1f%%: a %s mode %s; the gate judges the %s "
                  "(--estimator median gates on the median)",
                  median_change * 100.0, stats::to_string(cfg.estimator), c.change.point * 100.0,
                  median_change > 0 ? "slow" : "fast", median_change > 0 ? "grew" : "shrank", stats::to_string(cfg.estimator));
    return buf;
}

// Compares one benchmark present on both sides, on its process estimates. `machine` is the
// reference's change when the machine moved (machine_moved; else NaN): the interval is widened
// for it (widen_for_machine). `prior` is the suite's prior for the spread (suite_prior).
inline Comparison compare_benchmark(const BenchmarkResult& base, const BenchmarkResult& cur, const GateConfig& cfg,
                                    const Estimate& machine = no_estimate(), const stats::VariancePrior& prior = {},
                                    const std::vector<std::uint32_t>& sessions = {}) {
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
    c.baseline = c.raw_baseline;
    const ProcessEvidence e = evidence_from_spread(baseline_log_spread(base, sessions, cur, cfg.estimator), prior, cfg);
    c.change = e.change;
    c.decisive = e.decisive;
    if (std::isfinite(machine.point)) {
        const Status measured = classify(c.change, cfg, &c.decisive);
        c.change = widen_for_machine(c.change, machine);
        c.decisive = widen_for_machine(c.decisive, machine);
        c.speed_applied = true;
        c.machine_undecided = measured != Status::undecided && classify(c.change, cfg, &c.decisive) == Status::undecided;
    }
    c.process_spread = e.spread;
    c.spread_df = e.df;
    c.threshold = cfg.threshold;
    c.p_value = c.p_adjusted = e.p_value;
    c.noise_band = cfg.noise;
    c.significant = is_significant(c.change, cfg.noise);
    c.status = classify(c.change, cfg, &c.decisive);
    if (std::string note = tail_note(base, cur, c, cfg); !note.empty()) c.notes.push_back(std::move(note));
    return compare_counters(c, base, cur);
}

// The run's gate settings with a benchmark's own (group) thresholds applied. With a baseline
// whose benchmark carries thresholds too, each band is the stricter of the two: the run being
// judged can tighten its own gate, never loosen the one it is judged against.
inline GateConfig effective_config(const GateConfig& cfg, const BenchmarkResult& cur, const BenchmarkResult* base = nullptr) {
    GateConfig out = cfg;
    if (!cur.thresholds.gate.empty()) parse_metric(cur.thresholds.gate, out.metric);
    auto band = [](double run, double here, double there) {
        if (std::isfinite(here) && std::isfinite(there)) return std::min(here, there);
        if (std::isfinite(here)) return here;
        if (std::isfinite(there)) return there;
        return run;
    };
    const Thresholds none;
    const Thresholds& old = base ? base->thresholds : none;
    out.threshold = band(cfg.threshold, cur.thresholds.threshold, old.threshold);
    out.warn_threshold = band(cfg.warn_threshold, cur.thresholds.warn_threshold, old.warn_threshold);
    out.noise = band(cfg.noise, cur.thresholds.noise, old.noise);
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
    bool speed_corrected = false;  // ... and it moved beyond the noise band: intervals widened for it
    int speed_applied_rows = 0;    // rows whose interval was widened for the machine's move
    Estimate machine{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::quiet_NaN()};  // the reference's change with its interval
    stats::VariancePrior prior;    // the suite's prior for the spread between replicates (not fitted: the fixed one)
    std::string baseline_warning;  // "" unless the baseline's own processes disagree (a noisy recording)
    int baseline_sessions = 0;     // sessions the baseline file holds (0: duet, no file)
    std::vector<detail::Explanation> explanations;  // --explain: what changed under callgrind, per benchmark

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

// The suite as a family. A run of many benchmarks gives noise many chances: the gate's target is
// that an identical build fails (a REGRESSION anywhere in the run) in at most alpha of runs,
// however many benchmarks the suite has. Each REGRESSION and IMPROVED therefore also needs its
// p-value, Holm-adjusted over the run's time rows (p_adjusted), within the level spent on its
// look; a row whose interval clears the bands but whose adjusted p-value does not is UNDECIDED
// (a likely regression, with its own fresh processes). The bands already keep quiet rows far
// from this bound (a change past the warn band is many standard errors from zero); it is the
// noisy rows of a large suite it holds back. `significant`: p_adjusted within alpha.
inline void adjust_over_run(GateReport& report) {
    std::vector<std::size_t> tested;
    std::vector<double> p;
    for (std::size_t i = 0; i < report.rows.size(); ++i)
        if (std::isfinite(report.rows[i].change.point) && report.rows[i].metric == Metric::time) {
            tested.push_back(i);
            p.push_back(report.rows[i].p_value);
        }
    const std::vector<double> adjusted = stats::holm(p);
    for (std::size_t k = 0; k < tested.size(); ++k) {
        Comparison& c = report.rows[tested[k]];
        c.p_adjusted = adjusted[k];
        c.significant = c.p_adjusted <= report.config.alpha;
        if ((c.status == Status::regression || c.status == Status::improved) &&
            c.p_adjusted > spent_alpha(c.processes_current, report.config))
            c.status = Status::undecided;
    }
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

// Sessions a run's processes ran in (context.sessions; at least one).
inline int session_count(const Context& c) {
    std::vector<std::uint32_t> ids(c.sessions);
    std::sort(ids.begin(), ids.end());
    return std::max<int>(1, static_cast<int>(std::unique(ids.begin(), ids.end()) - ids.begin()));
}

// A note for a file comparison whose baseline holds one session: its processes ran back to
// back, so drift between sessions (another hour, another boot, another runner) is not in the
// intervals. "" with two or more sessions, and in duet mode (both builds in one session).
inline std::string session_note(const GateReport& report) {
    if (report.baseline_sessions != 1) return {};
    return "the baseline holds one session, so drift between sessions is not in the intervals (join runs made at "
           "different times with benchgate baseline)";
}

// The suite's prior for the spread between processes: fitted to every time row's pooled
// between-process variance (stats::fit_variance_prior), so that the noise model comes from the
// suite being judged, in this mode, on this machine.
inline stats::VariancePrior suite_prior(const RunResult& baseline, const RunResult& current, const GateConfig& cfg) {
    std::vector<double> s2, df;
    const NameIndex base_index(baseline);
    for (const auto& cur : current.benchmarks) {
        if (cur.failed() || cur.samples.empty() || effective_config(cfg, cur).metric != Metric::time) continue;
        const BenchmarkResult* base = base_index.find(cur.name);
        if (!base || base->samples.empty()) continue;
        const LogSpread x = baseline_log_spread(*base, baseline.context.sessions, cur, cfg.estimator);
        if (x.df > 0 && std::isfinite(x.s2)) {
            s2.push_back(x.s2);
            df.push_back(x.df);
        }
    }
    return stats::fit_variance_prior(s2, df);
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
    report.prior = suite_prior(baseline, current, cfg);
    report.baseline_sessions = session_count(baseline.context);
    if (cfg.speed_correction && !baseline.reference.samples.empty() && !current.reference.samples.empty()) {
        const ProcessEvidence ref = reference_change(baseline, current, cfg, report.prior);
        report.speed_measured = std::isfinite(ref.change.point);
        report.speed_factor = report.speed_measured ? 1.0 + ref.change.point : 1.0;
        report.machine = ref.change;
        if (!machine_moved(ref, cfg)) report.machine = no_estimate();
    }
    const NameIndex base_index(baseline), current_index(current);
    report.rows.reserve(current.benchmarks.size() + baseline.benchmarks.size());
    for (const auto& cur : current.benchmarks) {
        const BenchmarkResult* base = base_index.find(cur.name);
        if (!base) {
            Comparison c;
            c.name = cur.name;
            c.status = cur.failed() ? Status::failed : Status::added;
            c.error = cur.error;
            if (!cur.failed()) c.current = stats::evaluate(cfg.estimator, cur.samples);
            report.rows.push_back(c);
            continue;
        }
        report.rows.push_back(
            compare_benchmark(*base, cur, effective_config(cfg, cur, base), report.machine, report.prior, baseline.context.sessions));
        if (report.rows.back().speed_applied) ++report.speed_applied_rows;
    }
    report.speed_corrected = report.speed_applied_rows > 0;
    for (const auto& base : baseline.benchmarks) {
        if (current_index.find(base.name)) continue;
        Comparison c;
        c.name = base.name;
        c.status = Status::missing;
        if (!base.samples.empty()) c.baseline = stats::evaluate(cfg.estimator, base.samples);
        report.rows.push_back(c);
    }
    adjust_over_run(report);
    return report;
}

// Duet mode: whether each side's paired batches read what its solo batches (a turn of its own
// before the pairs) read, within the warn band. A side that does not was put in another regime
// by the alternation (its caches or predictors left cold by the other build): "" when both agree.
inline std::string duet_regime_note(const BenchmarkResult& cur, const GateConfig& cfg) {
    if (cur.solo_samples.empty() || cur.solo_baseline.empty() || cur.paired_baseline.empty()) return {};
    const double here = stats::median(cur.samples) / stats::median(cur.solo_samples) - 1.0;
    const double there = stats::median(cur.paired_baseline) / stats::median(cur.solo_baseline) - 1.0;
    const double tolerance = std::max(cfg.warn_threshold, cfg.noise);
    if (!(std::fabs(here) > tolerance) && !(std::fabs(there) > tolerance)) return {};
    char buf[240];
    std::snprintf(buf, sizeof buf,
                  "duet regime: paired batches read %+.1f%% (this build) and %+.1f%% (the other) against each side's solo "
                  "batches; alternation may change what is measured: check against a baseline file",
                  here * 100.0, there * 100.0);
    return buf;
}

// Duet mode: `cur.samples` and `cur.paired_baseline` were taken alternately, pair by pair.
// Each duet run (process) gives one change, the median of its per-pair ratios; the runs are
// the replicates (duet_log_spread). The Baseline column is the other build's median (geometric
// mean over the runs) and Current that times the change, so that the columns reproduce the
// change shown (the per-side medians need not: the median of ratios is not a ratio of medians).
inline Comparison compare_paired(const BenchmarkResult& cur, const GateConfig& cfg, const stats::VariancePrior& prior = {}) {
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
    const LogSpread spread = duet_log_spread(ratios, cur.processes);
    const ProcessEvidence e = evidence_from_spread(spread, prior, cfg);
    c.paired = true;
    c.processes_baseline = c.processes_current = spread.look;
    c.change = e.change;
    c.decisive = e.decisive;
    c.spread_df = e.df;
    c.threshold = cfg.threshold;
    c.current = c.baseline * (1.0 + c.change.point);  // the columns reproduce the change shown
    c.process_spread = e.spread;
    c.raw_change = c.change.point;
    c.p_value = c.p_adjusted = e.p_value;
    c.noise_band = cfg.noise;
    c.significant = is_significant(c.change, cfg.noise);
    c.status = classify(c.change, cfg, &c.decisive);
    if (std::string note = duet_regime_note(cur, cfg); !note.empty()) c.notes.push_back(std::move(note));
    BenchmarkResult other;
    other.samples = cur.paired_baseline;
    return compare_counters(c, other, cur);
}

// The suite's prior for the spread of a duet row's replicates (duet_log_spread), fitted to every
// time row of the run.
inline stats::VariancePrior duet_prior(const RunResult& current, const GateConfig& cfg) {
    std::vector<double> s2, df;
    for (const auto& cur : current.benchmarks) {
        if (cur.failed() || cur.paired_baseline.empty() || effective_config(cfg, cur).metric != Metric::time) continue;
        const LogSpread x = duet_log_spread(stats::pair_ratios(cur.samples, cur.paired_baseline), cur.processes);
        if (x.df > 0 && std::isfinite(x.s2)) {
            s2.push_back(x.s2);
            df.push_back(x.df);
        }
    }
    return stats::fit_variance_prior(s2, df);
}

// A duet run: every benchmark measured on both sides is compared pair by pair; `against_only`
// lists the other build's benchmarks this one lacks (MISSING). Holm over the compared rows.
inline GateReport compare_duet(const RunResult& current, const std::vector<std::string>& against_only, const GateConfig& cfg) {
    GateReport report;
    report.config = cfg;
    report.config.estimator = stats::Statistic::median;  // of the per-pair ratios
    report.prior = duet_prior(current, cfg);
    for (const auto& cur : current.benchmarks) {
        if (cur.paired_baseline.empty() && !cur.failed()) {
            Comparison c;
            c.name = cur.name;
            c.status = Status::added;
            c.current = stats::evaluate(stats::Statistic::median, cur.samples);
            report.rows.push_back(c);
            continue;
        }
        report.rows.push_back(compare_paired(cur, effective_config(cfg, cur), report.prior));
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

// The regressions the change means (config.accepted): each REGRESSION row named there becomes
// ACCEPTED with its reason, so the gate passes on it. Only REGRESSION rows change: a named
// benchmark that did not regress keeps its verdict and says that it was accepted for nothing,
// and a name that is not in the run (another shard's, or a typo) changes nothing.
inline void apply_acceptances(GateReport& report) {
    for (Comparison& c : report.rows)
        for (const auto& [name, reason] : report.config.accepted) {
            if (c.name != name) continue;
            if (c.status == Status::regression) {
                c.status = Status::accepted;
                c.accepted_reason = reason;
            } else {
                c.notes.push_back(std::string("accepted as a regression (") + reason + "), but it is " + to_string(c.status));
            }
            break;
        }
}

}  // namespace benchgate
