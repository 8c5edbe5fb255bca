// benchgate: the JSON report: the run in the file schema, plus, when compared, each
// benchmark's comparison and the gate's settings and summary. A baseline file is the same
// document; readers ignore the comparison fields.
#pragma once

#include <cmath>
#include <string>

#include "../result_file.hpp"
#include "../compare.hpp"
#include "../detail/json_writer.hpp"
#include "../result.hpp"
#include "explain.hpp"

namespace benchgate {
namespace report {

inline void write_comparison(detail::JsonWriter& w, const Comparison& c) {
    w.key("comparison").begin_object();
    w.field("status", to_string(c.status)).field("metric", to_string(c.metric));
    w.field("baseline", c.baseline).field("current", c.current);
    write_estimate(w, "change", c.change);
    w.field("raw_change", c.raw_change).field("raw_baseline", c.raw_baseline);
    w.field("p_value", c.p_value).field("p_adjusted", c.p_adjusted).field("noise_band", c.noise_band);
    w.field("significant", c.significant);
    w.field("processes_baseline", c.processes_baseline).field("processes_current", c.processes_current);
    w.field("process_spread", c.process_spread).field("spread_df", c.spread_df).field("speed_applied", c.speed_applied);
    write_estimate(w, "decisive_change", c.decisive);
    w.field("likely_regression", likely_regression(c));
    if (c.status == Status::accepted) w.field("accepted", c.accepted_reason);
    if (!c.counters.empty()) {
        w.key("counters").begin_array();
        for (const auto& cc : c.counters) {
            w.begin_object();
            w.field("name", cc.name).field("baseline", cc.baseline).field("current", cc.current).field("change", cc.change);
            w.end_object();
        }
        w.end_array();
    }
    if (!c.notes.empty()) {
        w.key("notes").begin_array();
        for (const auto& note : c.notes) w.value(note);
        w.end_array();
    }
    if (std::isfinite(c.first_change)) {
        w.key("confirmation").begin_object();
        w.field("first_change", c.first_change).field("attempts", c.confirm_attempts).field("confirmed", c.confirmed);
        w.key("changes").inline_array(c.confirm_changes);
        if (!c.confirm_error.empty()) w.field("error", c.confirm_error);
        w.end_object();
    }
    w.end_object();
}

inline std::string json_report(const RunResult& run, const GateReport* gate, const std::string& baseline_path = {}) {
    std::string out;
    detail::JsonWriter w(out);
    w.begin_object();
    write_run_header(w, run);
    write_reference(w, run);
    if (gate) {
        w.key("gate").begin_object();
        w.field("baseline", baseline_path).field("metric", to_string(gate->config.metric));
        w.field("estimator", stats::to_string(gate->config.estimator));
        w.field("threshold", gate->config.threshold).field("warn_threshold", gate->config.warn_threshold);
        w.field("noise", gate->config.noise).field("alpha", gate->config.alpha);
        w.field("machine_warning", gate->machine_warning).field("failed", gate->failed());
        w.field("speed_corrected", gate->speed_corrected).field("speed_factor", gate->speed_factor);
        w.field("speed_applied_rows", gate->speed_applied_rows).field("baseline_warning", gate->baseline_warning);
        w.field("fail_on_undecided", gate->config.fail_on_undecided).field("undecided", gate->count(Status::undecided));
        w.key("noise_prior").begin_object();
        w.field("fitted", gate->prior.fitted()).field("benchmarks", gate->prior.variances);
        w.field("sd", gate->prior.fitted() ? std::sqrt(gate->prior.s2) : gate->config.process_cv);
        w.field("df", gate->prior.fitted() ? gate->prior.df : static_cast<double>(gate->config.prior_df));
        w.end_object();
        w.field("mode", gate->mode_note.empty() ? "baseline" : "duet").field("mode_note", gate->mode_note);
        w.field("baseline_sessions", gate->baseline_sessions);
        w.key("missing").begin_array();
        for (const auto& c : gate->rows)
            if (c.status == Status::missing) w.value(c.name);
        w.end_array();
        w.end_object();
    }
    w.key("benchmarks").begin_array();
    NameIndexOf<const Comparison> rows;  // a benchmark's comparison (the first of its name)
    if (gate) rows = NameIndexOf<const Comparison>(gate->rows);
    for (const auto& b : run.benchmarks) {
        w.begin_object();
        write_benchmark_fields(w, b);
        if (const Comparison* c = rows.find(b.name)) write_comparison(w, *c);
        w.end_object();
    }
    w.end_array();
    if (gate && !gate->explanations.empty()) write_explanations(w, gate->explanations);
    w.end_object();
    out += '\n';
    return out;
}

}  // namespace report
}  // namespace benchgate
