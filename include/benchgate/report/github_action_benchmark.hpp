// benchgate: github-action-benchmark's `customSmallerIsBetter` input: a JSON array with one
// entry per benchmark, {"name", "value", "unit", "range", "extra"}, which the action charts
// and compares between commits (smaller is better).
//
//   value  the median time per iteration, in ns (unit "ns")
//   range  "± x": the half-width of the median's 95% interval, in ns
//   extra  a short text for the chart's tooltip: samples and iterations, the interval, the commit
//
// A failed benchmark has no value, and the action would chart a made-up one: it is left out
// (the `benchgate export` command says so on standard error).
#pragma once

#include <cstdio>
#include <string>

#include "../detail/json_writer.hpp"
#include "../detail/utf8.hpp"
#include "../result.hpp"
#include "format.hpp"

namespace benchgate::report {

inline std::string github_action_benchmark_report(const RunResult& run) {
    std::string out;
    detail::JsonWriter w(out);
    w.begin_array();
    for (const auto& b : run.benchmarks) {
        if (b.failed()) continue;
        const Estimate& m = b.estimates.median;
        char range[64];
        std::snprintf(range, sizeof range, "\xC2\xB1 %.4g", (m.upper - m.lower) / 2.0);
        std::string extra = std::to_string(b.samples.size()) + " samples \xC3\x97 " +
                            (b.iterations.empty() ? std::string("0") : std::to_string(b.iterations.front())) +
                            " iterations\n95% interval of the median: [" + format_time(m.lower) + ", " +
                            format_time(m.upper) + "]";
        if (!run.context.commit.empty()) extra += "\ncommit " + run.context.commit;
        w.begin_object();
        w.field("name", detail::to_valid_utf8(b.name)).field("value", m.point).field("unit", "ns");
        w.field("range", range).field("extra", detail::to_valid_utf8(extra));
        w.end_object();
    }
    w.end_array();
    out += '\n';
    return out;
}

}  // namespace benchgate::report
