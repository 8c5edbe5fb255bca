// benchgate: confirmation, as a sequential design over processes. The first comparison uses
// the processes at hand (the baseline's and this run's one). A benchmark that is a suspected
// REGRESSION with a single current process, or UNDECIDED (its interval reaches past the
// threshold), makes the gate measure one more fresh process of the whole selection; the new
// process's samples join the current run and every row is compared again on all processes.
// This repeats until no row needs more, `max_extra` fresh processes were measured, or the time
// budget is spent. A clean run stops after the first comparison, as fast as one process. (A
// SLOWER row whose interval still reaches past the threshold asks for more processes too.)
// Nothing here starts a process: the caller's Remeasure does.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "compare.hpp"
#include "result.hpp"
#include "result_file.hpp"

namespace benchgate {

// Measures the run's selection again in a fresh process (attempt = 1, 2, ...); `names` are the
// rows that asked for it (for progress messages).
using Remeasure = std::function<LoadedRun(const std::vector<std::string>& names, int attempt)>;
// Compares the current run (all its processes so far) against the other side.
using Recompare = std::function<GateReport(const RunResult& current)>;

struct SequentialPlan {
    int max_extra = 4;        // fresh processes at most (--confirm)
    double budget_s = 300.0;  // and no new one once this much time was spent (--time-budget)
    // ... and this many more while a likely regression (likely_regression) is still undecided:
    // a row whose point is past the threshold gets a budget of its own before it is reported.
    int likely_extra = 4;
};

// The rows whose decision needs another process: a REGRESSION resting on one current process,
// an UNDECIDED row, a SLOWER one whose interval still reaches past the threshold, and in duet
// mode any verdict other than STABLE resting on a single duet run (a single run's interval
// comes from within the run: what differs only between processes, such as their memory
// layout, needs a second run). Deterministic metrics never do (a process counts what any
// other would).
inline bool needs_another_process(const Comparison& c, const GateConfig& cfg) {
    if (c.metric != Metric::time || c.machine_undecided) return false;
    if (c.status == Status::undecided || close_to_threshold(c, cfg)) return true;
    if (c.processes_current >= 2) return false;
    return c.status == Status::regression ||
           (c.paired && (c.status == Status::slower || c.status == Status::faster || c.status == Status::improved));
}

inline std::vector<std::string> rows_needing_processes(const GateReport& report) {
    std::vector<std::string> names;
    for (const auto& c : report.rows)
        if (needs_another_process(c, report.config)) names.push_back(c.name);
    return names;
}

inline bool any_likely_regression(const GateReport& report) {
    return std::any_of(report.rows.begin(), report.rows.end(), [](const Comparison& c) { return likely_regression(c); });
}

// Appends the samples of `fresh` to `current`, as process `index` (benchmarks matched by name;
// a benchmark that failed in the fresh process fails in the run).
inline void merge_process(RunResult& current, const RunResult& fresh, std::uint32_t index) {
    auto append = [index](BenchmarkResult& into, const BenchmarkResult& from) {
        if (into.processes.size() != into.samples.size()) into.processes.assign(into.samples.size(), 0);
        if (from.failed()) {
            if (!into.failed()) into.error = from.error + " (in fresh process " + std::to_string(index) + ")";
            return;
        }
        into.samples.insert(into.samples.end(), from.samples.begin(), from.samples.end());
        into.iterations.insert(into.iterations.end(), from.iterations.begin(), from.iterations.end());
        if (into.rounds.size() + from.samples.size() == into.samples.size() && from.rounds.size() == from.samples.size())
            into.rounds.insert(into.rounds.end(), from.rounds.begin(), from.rounds.end());
        else
            into.rounds.clear();
        into.paired_baseline.insert(into.paired_baseline.end(), from.paired_baseline.begin(), from.paired_baseline.end());
        into.solo_samples.insert(into.solo_samples.end(), from.solo_samples.begin(), from.solo_samples.end());
        into.solo_baseline.insert(into.solo_baseline.end(), from.solo_baseline.begin(), from.solo_baseline.end());
        into.processes.insert(into.processes.end(), from.samples.size(), index);
    };
    const NameIndex fresh_index(fresh);
    for (auto& b : current.benchmarks)
        if (const BenchmarkResult* f = fresh_index.find(b.name)) append(b, *f);
    if (!current.reference.samples.empty() && !fresh.reference.samples.empty()) append(current.reference, fresh.reference);
    current.context.processes = std::max(current.context.processes, static_cast<int>(index) + 1);
}

// The sequential loop. `current` grows by the fresh processes measured; the returned report
// is the comparison over all of them, with each re-measured row's history in its
// confirmation fields (first_change, confirm_changes, confirm_attempts).
inline GateReport confirm_suspects(RunResult& current, const SequentialPlan& plan, const Remeasure& remeasure,
                                   const Recompare& recompare) {
    const auto started = std::chrono::steady_clock::now();
    GateReport report = recompare(current);
    std::vector<std::string> asked = rows_needing_processes(report);
    if (asked.empty()) return report;
    std::unordered_set<std::string> touched(asked.begin(), asked.end());
    std::vector<double> first(report.rows.size());
    for (std::size_t i = 0; i < report.rows.size(); ++i) first[i] = report.rows[i].change.point;
    std::vector<std::vector<double>> history(report.rows.size());
    std::string error;
    int attempts = 0;
    for (int attempt = 1; !asked.empty() && remeasure; ++attempt) {
        if (attempt > plan.max_extra && !(attempt <= plan.max_extra + plan.likely_extra && any_likely_regression(report))) break;
        const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (spent >= plan.budget_s) break;
        const LoadedRun fresh = remeasure(asked, attempt);
        if (!fresh.ok()) {
            error = fresh.error;
            break;
        }
        merge_process(current, fresh.run, static_cast<std::uint32_t>(current.context.processes));
        ++attempts;
        report = recompare(current);
        for (std::size_t i = 0; i < report.rows.size(); ++i) history[i].push_back(report.rows[i].change.point);
        asked = rows_needing_processes(report);
        touched.insert(asked.begin(), asked.end());
    }
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
        Comparison& c = report.rows[i];
        if (!touched.count(c.name)) continue;
        c.first_change = first[i];
        c.confirm_attempts = attempts;
        c.confirm_changes = history[i];
        c.confirmed = c.status == Status::regression && c.processes_current >= 2;
        if (!error.empty() && (c.status == Status::regression || c.status == Status::undecided)) c.confirm_error = error;
    }
    return report;
}

// Compares `current` against a baseline file's run, measuring more processes where the
// decision needs them. A fresh process measures the same selection as the main run (the
// suspects in the same company and order) and joins it, so every comparison is made like the
// first one: over the whole suite, on all processes so far.
inline GateReport gate(const RunResult& baseline, RunResult& current, const GateConfig& cfg, const SequentialPlan& plan,
                       const Remeasure& remeasure) {
    return confirm_suspects(current, plan, remeasure, [&](const RunResult& cur) { return compare_runs(baseline, cur, cfg); });
}

}  // namespace benchgate
