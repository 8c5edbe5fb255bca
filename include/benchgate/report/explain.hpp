// benchgate: an explanation of a change (detail/explain.hpp) in the console, in JSON and as a
// collapsed markdown block for a pull-request comment. Every count is per iteration; a function
// row shows the change in self cost (its own instructions, inlined code included) and in
// inclusive cost (with the functions it calls), NEW when only HEAD ran it, GONE when only BASE.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "../detail/callgrind_profile.hpp"
#include "../detail/json_writer.hpp"
#include "format.hpp"

namespace benchgate {
namespace report {

inline std::string markdown_escape(std::string_view s);  // markdown.hpp

// A signed count: "+1.234 k", "-12.00", "0".
inline std::string format_signed_count(double v) {
    if (!std::isfinite(v)) return "-";
    if (v == 0) return "0";
    return (v > 0 ? "+" : "-") + format_count(std::fabs(v));
}

// HEAD relative to BASE as a percentage, or the signed difference when BASE is 0.
inline std::string format_total_change(double base, double head) {
    if (!std::isfinite(base) || !std::isfinite(head)) return "-";
    if (base == 0) return head == 0 ? "0" : format_signed_count(head);
    return format_change(head / base - 1.0);
}

struct ExplainRow {
    const char* label;
    double base, head;
};

inline std::vector<ExplainRow> explain_rows(const detail::Explanation& x) {
    return {{"instructions", x.base.ir, x.head.ir},
            {"est. cycles", x.base.est_cycles, x.head.est_cycles},
            {"L1 misses", x.base.l1_misses, x.head.l1_misses},
            {"LL misses", x.base.ll_misses, x.head.ll_misses},
            {"allocations", x.base.allocations, x.head.allocations},
            {"bytes allocated", x.base.bytes, x.head.bytes}};
}

inline const char* explain_rank_text(const detail::Explanation& x) {
    return x.ranked_by_cycles ? "est. cycles" : "instructions";
}

// The function that changed most, as one line: "slow_fn (+266 est. cycles/op, NEW)".
inline std::string explain_headline(const detail::Explanation& x) {
    if (x.functions.empty()) return "no function's cost changed";
    const auto& f = x.functions.front();
    std::string out = f.name + " (" + format_signed_count(x.ranked_by_cycles ? f.self_cycles_change() : f.self_ir_change()) +
                      " " + explain_rank_text(x) + "/op";
    if (f.mark != detail::FunctionMark::changed) out += std::string(", ") + detail::to_string(f.mark);
    return out + ")";
}

inline std::string console_explanation(const detail::Explanation& x, const Style& style) {
    std::string out = style.bold("Explanation of " + x.name) + " ";
    if (!x.ok()) return out + style.dim("(not explained: " + x.note + ")") + "\n";
    char head[160];
    std::snprintf(head, sizeof head, "(callgrind, %llu calls per build, %.1f s)", static_cast<unsigned long long>(x.iterations),
                  x.seconds);
    out += style.dim(head) + "\n";
    Table totals({"per iteration", "BASE", "HEAD", "Change"});
    for (const auto& r : explain_rows(x)) {
        std::string label = r.label;
        if (std::string(r.label) == "allocations" && x.head.allocations_source.empty())
            label += " (not counted)";
        totals.add({label, format_count(r.base), format_count(r.head), format_total_change(r.base, r.head)});
    }
    out += totals.render(style);
    if (x.functions.empty()) return out + "no function's cost changed\n";
    out += "top functions by change in " + std::string(explain_rank_text(x)) + " (self), per iteration:\n";
    Table fns({"d self", "d incl", "BASE self", "HEAD self", "BASE incl", "HEAD incl", "", "function"},
              {false, false, false, false, false, false, true, true});
    for (const auto& f : x.functions) {
        const bool c = x.ranked_by_cycles;
        fns.add({format_signed_count(c ? f.self_cycles_change() : f.self_ir_change()),
                 format_signed_count(c ? f.incl_cycles_change() : f.incl_ir_change()),
                 format_count(c ? f.base_self_cycles : f.base_self_ir), format_count(c ? f.head_self_cycles : f.head_self_ir),
                 format_count(c ? f.base_incl_cycles : f.base_incl_ir), format_count(c ? f.head_incl_cycles : f.head_incl_ir),
                 detail::to_string(f.mark), f.name});
    }
    return out + fns.render(style);
}

inline std::string console_explanations(const std::vector<detail::Explanation>& xs, const Style& style) {
    std::string out;
    for (const auto& x : xs) out += "\n" + console_explanation(x, style);
    return out;
}

inline void write_explanation(detail::JsonWriter& w, const detail::Explanation& x) {
    w.begin_object();
    w.field("name", x.name).field("iterations", static_cast<std::uint64_t>(x.iterations)).field("seconds", x.seconds);
    w.field("note", x.note).field("base_binary", x.base_binary).field("head_binary", x.head_binary);
    if (x.ok()) {
        w.field("ranked_by", x.ranked_by_cycles ? "estimated_cycles" : "instructions");
        for (const auto* side : {&x.base, &x.head}) {
            w.key(side == &x.base ? "base" : "head").begin_object();
            w.field("instructions", side->ir).field("estimated_cycles", side->est_cycles);
            w.field("l1_misses", side->l1_misses).field("ll_misses", side->ll_misses);
            w.field("allocations", side->allocations).field("allocated_bytes", side->bytes);
            w.field("allocations_source", side->allocations_source);
            w.end_object();
        }
        w.key("functions").begin_array();
        for (const auto& f : x.functions) {
            w.begin_object();
            w.field("name", f.name).field("mark", detail::to_string(f.mark));
            w.field("base_self_instructions", f.base_self_ir).field("head_self_instructions", f.head_self_ir);
            w.field("base_inclusive_instructions", f.base_incl_ir).field("head_inclusive_instructions", f.head_incl_ir);
            w.field("base_self_estimated_cycles", f.base_self_cycles).field("head_self_estimated_cycles", f.head_self_cycles);
            w.field("base_inclusive_estimated_cycles", f.base_incl_cycles)
                .field("head_inclusive_estimated_cycles", f.head_incl_cycles);
            w.end_object();
        }
        w.end_array();
    }
    w.end_object();
}

// The "explanations" array of a JSON report.
inline void write_explanations(detail::JsonWriter& w, const std::vector<detail::Explanation>& xs) {
    w.key("explanations").begin_array();
    for (const auto& x : xs) write_explanation(w, x);
    w.end_array();
}

inline std::string html_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else if (c == '"') out += "&quot;";
        else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
        else out += c;
    }
    return out;
}

// One collapsed block: the summary line names the benchmark, the change in instructions and
// the function that changed most; inside, the totals and the function table.
inline std::string markdown_explanation(const detail::Explanation& x) {
    std::string out = "<details><summary>\xF0\x9F\x94\x8D <b>" + html_escape(x.name) + "</b>: ";
    if (!x.ok()) return out + "not explained</summary>\n\n" + markdown_escape(x.note) + "\n\n</details>\n";
    out += html_escape(format_total_change(x.base.ir, x.head.ir)) + " instructions";
    if (std::isfinite(x.head.est_cycles)) out += ", " + html_escape(format_total_change(x.base.est_cycles, x.head.est_cycles)) + " est. cycles";
    if (!x.functions.empty()) out += "; most changed: <code>" + html_escape(explain_headline(x)) + "</code>";
    out += "</summary>\n\n| per iteration | BASE | HEAD | Change |\n|---|---:|---:|---:|\n";
    for (const auto& r : explain_rows(x))
        out += std::string("| ") + r.label + " | " + format_count(r.base) + " | " + format_count(r.head) + " | " +
               format_total_change(r.base, r.head) + " |\n";
    if (!x.functions.empty()) {
        out += std::string("\n| Function | \xCE\x94 self | \xCE\x94 incl | BASE self | HEAD self | |\n|---|---:|---:|---:|---:|---|\n");
        for (const auto& f : x.functions) {
            const bool c = x.ranked_by_cycles;
            out += "| " + markdown_escape(f.name) + " | " + format_signed_count(c ? f.self_cycles_change() : f.self_ir_change()) + " | " +
                   format_signed_count(c ? f.incl_cycles_change() : f.incl_ir_change()) + " | " +
                   format_count(c ? f.base_self_cycles : f.base_self_ir) + " | " + format_count(c ? f.head_self_cycles : f.head_self_ir) +
                   " | " + detail::to_string(f.mark) + " |\n";
        }
    }
    char foot[200];
    std::snprintf(foot, sizeof foot, "\n<sub>callgrind, %llu calls per build; functions ranked by change in %s (self), per iteration; %.1f s</sub>\n",
                  static_cast<unsigned long long>(x.iterations), explain_rank_text(x), x.seconds);
    return out + foot + "\n</details>\n";
}

inline std::string markdown_explanations(const std::vector<detail::Explanation>& xs) {
    if (xs.empty()) return {};
    std::string out = "\n### Explanations\n\n";
    for (const auto& x : xs) out += markdown_explanation(x) + "\n";
    return out;
}

}  // namespace report
}  // namespace benchgate
