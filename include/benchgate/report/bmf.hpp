// benchgate: Bencher Metric Format (BMF) JSON, what `bencher run --adapter json` reads: one
// object per benchmark, keyed by its name, holding one object per measure with a `value` and
// optionally `lower_value` and `upper_value`.
//
//   latency          the median time per iteration in ns, bounded by its 95% interval
//   throughput       where the benchmark declares one: bytes or elements per second (the
//                    declared unit) at the median, bounded by the rates at the interval's ends
//   instructions, estimated-cycles, allocations, allocated-bytes
//                    per iteration, when measured (value only: they are counts)
//
// A failed benchmark has no measurement and BMF has no way to mark a failure: it is left out
// (the `benchgate export` command says so on standard error).
#pragma once

#include <cmath>
#include <string>

#include "../detail/json_writer.hpp"
#include "../detail/utf8.hpp"
#include "../result.hpp"

namespace benchgate::report {

inline std::string bmf_report(const RunResult& run) {
    std::string out;
    detail::JsonWriter w(out);
    w.begin_object();
    auto measure = [&](const char* key, double value, double lower, double upper) {
        if (!std::isfinite(value)) return;
        w.key(key).begin_object();
        w.field("value", value);
        if (std::isfinite(lower) && std::isfinite(upper)) w.field("lower_value", lower).field("upper_value", upper);
        w.end_object();
    };
    const double nan = std::nan("");
    for (const auto& b : run.benchmarks) {
        if (b.failed()) continue;
        const Estimate& m = b.estimates.median;
        w.key(detail::to_valid_utf8(b.name)).begin_object();
        measure("latency", m.point, m.lower, m.upper);
        if (!b.throughput_unit.empty() && m.point > 0 && m.lower > 0)
            // A longer time is a lower rate: the interval's upper time bounds the rate below.
            measure("throughput", b.throughput * 1e9 / m.point, b.throughput * 1e9 / m.upper, b.throughput * 1e9 / m.lower);
        measure("instructions", b.metrics.instructions, nan, nan);
        measure("estimated-cycles", b.metrics.estimated_cycles, nan, nan);
        measure("allocations", b.metrics.allocations, nan, nan);
        measure("allocated-bytes", b.metrics.allocated_bytes, nan, nan);
        w.end_object();
    }
    w.end_object();
    out += '\n';
    return out;
}

}  // namespace benchgate::report
