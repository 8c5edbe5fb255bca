// benchgate: the slower steps of a history, each with its state, for alerts: what a weekly job
// turns into one issue per step (opened while the step stands, closed when it recovers). Pure.
//
// A step is a change point of a series whose new level is slower than the old one by more than
// the threshold. It is
//   open       while the series' current level is still beyond the threshold above the level
//              before the step;
//   recovered  once the current level is back within the threshold (a later faster step, a
//              revert);
//   accepted   when the run at the step accepted that benchmark's regression (--accept, a
//              Benchmark-Accepted: line): meant, so nobody is alerted.
// Its key (machine, benchmark, the step's first commit or date) stays the same from one week to
// the next while the step is in the history, so an alert can be found again and updated.
#pragma once

#include <string>
#include <vector>

#include "../report/trend.hpp"
#include "../trend.hpp"

namespace benchgate::detail::history {

enum class StepState { open, recovered, accepted };

inline const char* to_string(StepState s) {
    switch (s) {
    case StepState::open: return "open";
    case StepState::recovered: return "recovered";
    case StepState::accepted: return "accepted";
    }
    return "open";
}

struct Step {
    std::string key;          // "MACHINE/BENCHMARK@COMMIT" (or @DATE without a commit)
    StepState state = StepState::open;
    std::string machine;      // machine id
    std::string fingerprint;  // "cpu · cores · compiler · build"
    std::string benchmark;
    std::string date;         // ISO 8601 UTC of the first run at the new level
    std::string good;         // commit of the last run at the old level ("" unknown)
    std::string bad;          // commit of the first run at the new level ("" unknown)
    std::string range;        // "GOOD..BAD" for `benchgate bisect --range` ("" unknown)
    std::string unit;         // the series' unit: "ns" (median time) or "B" (peak heap bytes)
    double before = 0.0;      // level before the step, in that unit
    double after = 0.0;       // level after it
    double current = 0.0;     // the series' level now
    double change = 0.0;      // after / before - 1
    double change_now = 0.0;  // current / before - 1
    std::string accepted;     // the acceptance's reason when accepted
};

// Every slower step beyond cfg.threshold of every series, oldest first per series.
inline std::vector<Step> slower_steps(const std::vector<report::MachineTrends>& machines, const TrendConfig& cfg) {
    std::vector<Step> out;
    for (const auto& m : machines)
        for (const auto& r : m.rows) {
            if (r.trend.levels.empty()) continue;
            const double current = r.trend.levels.back();
            for (const ChangePoint& c : r.trend.changes) {
                if (!(c.before > 0) || !(c.factor() - 1.0 > cfg.threshold)) continue;
                Step s;
                s.machine = m.id;
                s.fingerprint = m.fingerprint;
                s.benchmark = r.name;
                s.unit = r.unit;
                const std::size_t run = r.run[c.index];
                s.date = m.dates[run];
                s.bad = m.commits[run];
                s.good = c.index > 0 ? m.commits[r.run[c.index - 1]] : std::string();
                s.range = report::change_range(m, r, c);
                s.key = m.id + "/" + r.name + "@" + (s.bad.empty() ? s.date : report::short_commit(s.bad));
                s.before = c.before;
                s.after = c.after;
                s.current = current;
                s.change = c.factor() - 1.0;
                s.change_now = current / c.before - 1.0;
                if (c.index < r.accepted.size() && !r.accepted[c.index].empty()) {
                    s.state = StepState::accepted;
                    s.accepted = r.accepted[c.index];
                } else {
                    s.state = s.change_now > cfg.threshold ? StepState::open : StepState::recovered;
                }
                out.push_back(std::move(s));
            }
        }
    return out;
}

}  // namespace benchgate::detail::history
