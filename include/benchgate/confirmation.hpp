// benchgate: confirmation. A suspected time REGRESSION is re-measured in fresh processes
// before it is reported, so one noisy burst does not fail a build; this header decides which
// rows are suspects, drives the re-measurements through callbacks (it never starts a process
// itself) and folds their comparisons back into the rows.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "compare.hpp"
#include "result.hpp"
#include "result_file.hpp"

namespace benchgate {

// Folds the re-measurements of a suspected regression into its row. `reruns` are the
// comparisons of the fresh processes, in order; the runner stops at the first one that is not
// a REGRESSION. The suspect stays a REGRESSION only if every rerun is one (then the main
// run's figures are kept); otherwise the row takes the figures and the verdict of the fresh
// process that did not reproduce it, except that a fresh process that still measured a
// change beyond the warn threshold without enough evidence leaves the row SLOWER: it did not
// refute the slowdown, it only failed to confirm it.
inline Comparison resolve_confirmation(const Comparison& suspect, const std::vector<Comparison>& reruns,
                                       const GateConfig& cfg = {}) {
    Comparison out = suspect;
    out.first_change = suspect.change.point;
    out.confirm_attempts = static_cast<int>(reruns.size());
    for (const auto& r : reruns) out.confirm_changes.push_back(r.change.point);
    const auto not_reproduced = std::find_if(reruns.begin(), reruns.end(),
                                             [](const Comparison& r) { return r.status != Status::regression; });
    if (not_reproduced == reruns.end()) {
        out.confirmed = !reruns.empty();
        return out;
    }
    Comparison resolved = *not_reproduced;
    if (resolved.status == Status::stable && resolved.change.point > cfg.warn_threshold) resolved.status = Status::slower;
    resolved.first_change = out.first_change;
    resolved.confirm_attempts = out.confirm_attempts;
    resolved.confirm_changes = out.confirm_changes;
    resolved.confirmed = false;
    return resolved;
}

// Re-measures the run in a fresh process (attempt = 1, 2, ...); `names` are the suspects.
using Remeasure = std::function<LoadedRun(const std::vector<std::string>& names, int attempt)>;
// Compares a re-measurement of the named suspects (file baseline or duet).
using Recompare = std::function<GateReport(const RunResult& rerun, const std::vector<std::string>& names)>;

// Re-measures every suspected time REGRESSION of `report` up to `confirm` times in fresh
// processes. A suspect stays a REGRESSION only while every fresh process reproduces it;
// re-measuring stops for a benchmark at the first one that does not.
inline GateReport confirm_suspects(GateReport report, const RunResult& current, const GateConfig& cfg, int confirm,
                                   const Remeasure& remeasure, const Recompare& recompare) {
    // Deterministic metrics need no confirmation: a fresh process would count the same.
    std::vector<std::size_t> suspects;
    for (std::size_t i = 0; i < report.rows.size(); ++i)
        if (report.rows[i].status == Status::regression && report.rows[i].metric == Metric::time) suspects.push_back(i);
    if (suspects.empty()) return report;

    std::vector<std::vector<Comparison>> reruns(report.rows.size());
    std::vector<std::string> errors(report.rows.size());
    std::vector<std::size_t> open = suspects;
    for (int attempt = 1; attempt <= confirm && !open.empty() && remeasure; ++attempt) {
        std::vector<std::string> names;
        for (std::size_t i : open) names.push_back(report.rows[i].name);
        const LoadedRun rerun = remeasure(names, attempt);
        if (!rerun.ok()) {
            for (std::size_t i : open) errors[i] = rerun.error;
            break;
        }
        const GateReport again = recompare(rerun.run, names);
        std::vector<std::size_t> still_open;
        for (std::size_t i : open) {
            const auto it = std::find_if(again.rows.begin(), again.rows.end(), [&](const Comparison& c) {
                return c.name == report.rows[i].name && c.status != Status::missing && c.status != Status::added;
            });
            if (it == again.rows.end()) {
                errors[i] = "the fresh process did not measure it";
                continue;
            }
            reruns[i].push_back(*it);
            if (it->status == Status::regression) still_open.push_back(i);
        }
        open = still_open;
    }
    for (std::size_t i : suspects) {
        const BenchmarkResult* cur = current.find(report.rows[i].name);
        report.rows[i] = resolve_confirmation(report.rows[i], reruns[i], cur ? effective_config(cfg, *cur) : cfg);
        if (!errors[i].empty() && report.rows[i].status == Status::regression) report.rows[i].confirm_error = errors[i];
    }
    return report;
}

// Compares `current` against a baseline file's run, then confirms suspects. A fresh process
// measures the same selection as the main run (the suspects in the same company and order),
// so its comparison is made like the main one: over the whole suite (Holm, speed factor).
inline GateReport gate(const RunResult& baseline, const RunResult& current, const GateConfig& cfg, int confirm,
                       const Remeasure& remeasure) {
    return confirm_suspects(compare_runs(baseline, current, cfg), current, cfg, confirm, remeasure,
                            [&](const RunResult& rerun, const std::vector<std::string>&) {
                                return compare_runs(baseline, rerun, cfg);
                            });
}

}  // namespace benchgate
