// benchgate: the trend report as JSON (`benchgate trend --json`), for scripts and the weekly
// alerts: per machine and benchmark the figures of the console table with every change point
// and its commit range, then the slower steps with their state (open, recovered, accepted).
// Levels are in the series' unit ("ns", or "B" for peak heap bytes); changes are fractions (0.25
// is 25% slower or larger). Renders; never reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../detail/json_writer.hpp"
#include "../detail/trend_steps.hpp"
#include "trend.hpp"

namespace benchgate::report {

inline std::string json_trends(const std::vector<MachineTrends>& machines, const std::vector<detail::history::Step>& steps) {
    std::string out;
    detail::JsonWriter w(out);
    w.begin_object().field("schema", "benchgate-trend/1").key("machines").begin_array();
    for (const auto& m : machines) {
        w.begin_object().field("id", m.id).field("fingerprint", m.fingerprint);
        w.field("runs", static_cast<std::uint64_t>(m.dates.size()));
        w.field("first", m.dates.empty() ? std::string() : m.dates.front());
        w.field("last", m.dates.empty() ? std::string() : m.dates.back());
        w.key("benchmarks").begin_array();
        for (const auto& r : m.rows) {
            w.begin_object().field("name", r.name).field("unit", r.unit).field("runs", static_cast<std::uint64_t>(r.points.size()));
            // Non-finite figures (too few runs for a mean) are written as null.
            w.field("latest", r.trend.latest).field("mean7", r.trend.mean7).field("mean30", r.trend.mean30);
            w.field("drift", r.trend.drift);
            w.field("trend", to_string(r.trend.status)).field("alarm", r.trend.alarm());
            w.key("changes").begin_array();
            for (const ChangePoint& c : r.trend.changes) {
                const std::size_t run = r.run[c.index];
                w.begin_object().field("date", m.dates[run]).field("before", c.before).field("after", c.after);
                w.field("change", c.factor() - 1.0).field("range", change_range(m, r, c)).end_object();
            }
            w.end_array().end_object();
        }
        w.end_array().end_object();
    }
    w.end_array().key("steps").begin_array();
    for (const auto& s : steps) {
        w.begin_object().field("key", s.key).field("state", to_string(s.state));
        w.field("machine", s.machine).field("fingerprint", s.fingerprint).field("benchmark", s.benchmark).field("unit", s.unit);
        w.field("date", s.date).field("good", s.good).field("bad", s.bad).field("range", s.range);
        w.field("before", s.before).field("after", s.after).field("current", s.current);
        w.field("change", s.change).field("change_now", s.change_now);
        if (s.state == detail::history::StepState::accepted) w.field("accepted", s.accepted);
        w.end_object();
    }
    w.end_array().end_object();
    out += '\n';
    return out;
}

}  // namespace benchgate::report
