// benchgate tool: `benchgate trend DIR`: per machine and benchmark, the latest value, the 7-
// and 30-day means, the drift between them, the change points (with the commits each lies
// between) and the trend's verdict; with --json also the slower steps and their state.
#pragma once

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <string>
#include <vector>

#include "../../exit_codes.hpp"
#include "../../report/trend.hpp"
#include "../../report/trend_json.hpp"
#include "../files.hpp"
#include "../history.hpp"
#include "../history_trends.hpp"
#include "../session.hpp"
#include "../trend_steps.hpp"
#include "args.hpp"

namespace benchgate::detail::tool {

inline std::string trend_usage(const std::string& program) {
    return "usage: " + program + " trend DIR [options]\n\n"
           "Per machine and benchmark of a history (benchgate history add): the latest median, the 7- and\n"
           "30-day means (each run weighted by its interval), the drift between them, the change points of\n"
           "the series and the verdict: stable, step slower/faster (a change point beyond --threshold),\n"
           "drifting slower/faster (beyond --warn-threshold over 30 days, also when made of smaller steps).\n"
           "A change point shows the commits it lies between as GOOD..BAD, the range\n"
           "'benchgate bisect --range GOOD..BAD' searches for the commit that made it.\n\n"
           "options:\n"
           "  --threshold PCT       a step beyond this is slower or faster (default 10)\n"
           "  --warn-threshold PCT  drift beyond this is reported (default 5)\n"
           "  --noise PCT           steps smaller than this are never change points (default 1)\n"
           "  --filter REGEX        only benchmarks whose name matches\n"
           "  --metric time|memory  the series: median time (default) or peak heap bytes (runs measured\n"
           "                        with allocation counting; a larger peak reads as slower)\n"
           "  --markdown FILE       also write the report as markdown ('-': standard output)\n"
           "  --json FILE           also write it as JSON with every slower step beyond --threshold and its\n"
           "                        state: open, recovered (back within the threshold) or accepted ('-': stdout)\n"
           "  --fail-on-drift       exit 1 when a benchmark got slower (a step or drift)\n"
           "  --color auto|always|never\n"
           "exit codes: 0 ok, 1 slower with --fail-on-drift, 2 usage or input error\n";
}

// The flags trend and dashboard share: the bands and the filter. Returns "" or the problem.
inline std::string trend_settings(const Args& a, TrendConfig& cfg, std::string& filter) {
    for (const auto& [flag, target, max] : {std::make_tuple("--threshold", &cfg.threshold, 1000.0),
                                            std::make_tuple("--warn-threshold", &cfg.warn_threshold, 1000.0),
                                            std::make_tuple("--noise", &cfg.noise, 100.0)})
        if (a.has(flag))
            if (std::string problem = cli::parse_percent(a.get(flag), *target, max); !problem.empty())
                return std::string(flag) + " " + problem;
    if (cfg.warn_threshold > cfg.threshold) cfg.warn_threshold = cfg.threshold;
    filter = a.get("--filter");
    if (std::string problem = cli::filter_problem(filter); !problem.empty()) return "--filter " + problem;
    return {};
}

// The history's entries whose benchmarks match `filter` (all when empty).
inline void apply_filter(std::vector<history::Entry>& entries, const std::string& filter) {
    if (filter.empty()) return;
    NameFilter f;
    f.compile(filter);  // checked by trend_settings
    for (auto& e : entries) {
        auto& bs = e.run.benchmarks;
        bs.erase(std::remove_if(bs.begin(), bs.end(), [&](const BenchmarkResult& b) { return !f.matches(b.name); }),
                 bs.end());
    }
}

// What trend and dashboard read: the bands and filter from their flags, then the history in
// DIR (at least one run) with the filter applied. Returns "" or the problem.
inline std::string load_trend_input(const Args& a, const std::string& dir, TrendConfig& cfg, history::Loaded& h) {
    std::string filter;
    if (std::string problem = trend_settings(a, cfg, filter); !problem.empty()) return problem;
    h = history::load(dir);
    if (!h.ok()) return h.error;
    if (h.entries.empty()) return dir + ": the history holds no runs yet";
    apply_filter(h.entries, filter);
    return {};
}

inline int trend_mode(const std::string& program, const std::vector<std::string>& args) {
    const Args a = parse_args(args, {{"--threshold", true}, {"--warn-threshold", true}, {"--noise", true},
                                     {"--filter", true}, {"--markdown", true}, {"--json", true}, {"--fail-on-drift", false},
                                     {"--metric", true}, {"--color", true}, {"--help", false}});
    if (const int rc = help_or_flag_error(a, program, "trend", trend_usage(program)); rc >= 0) return rc;
    if (a.positional.size() != 1) {
        cli::print_error("trend needs one history directory: " + program + " trend DIR");
        return exit_usage;
    }
    cli::ColorMode mode = cli::ColorMode::automatic;
    if (std::string problem = color_value(a, mode); !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    const std::string metric = a.get("--metric", "time");
    if (metric != "time" && metric != "memory") {
        cli::print_error("--metric expects time or memory, got '" + metric + "'");
        return exit_usage;
    }
    const std::string markdown = a.get("--markdown"), json = a.get("--json");
    if (markdown == "-" && json == "-") {
        cli::print_error("trend: --markdown and --json cannot both be '-'");
        return exit_usage;
    }
    TrendConfig cfg;
    history::Loaded h;
    if (std::string problem = load_trend_input(a, a.positional[0], cfg, h); !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    const auto machines = history::machine_trends(h.entries, cfg,
                                                  metric == "memory" ? history::TrendSeries::memory : history::TrendSeries::time);
    if (metric == "memory" && std::all_of(machines.begin(), machines.end(), [](const auto& m) { return m.rows.empty(); })) {
        cli::print_error(a.positional[0] + ": no run in the history has peak heap bytes (measure with allocation counting)");
        return exit_usage;
    }
    const bool stdout_taken = markdown == "-" || json == "-";
    const report::Style style{cli::color_enabled(mode, STDOUT_FILENO)};
    if (!stdout_taken) std::fputs(report::console_trends(machines, style).c_str(), stdout);
    std::string problem;
    if (!markdown.empty()) problem = write_file_atomic(markdown, report::markdown_trends(machines));
    if (problem.empty() && !json.empty())
        problem = write_file_atomic(json, report::json_trends(machines, history::slower_steps(machines, cfg)));
    if (!problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    if (machines.size() > 1 && !stdout_taken)
        std::printf("%zu machines: each series compares runs of one machine only\n", machines.size());
    return a.has("--fail-on-drift") && report::count_alarms(machines) ? exit_regression : exit_ok;
}

}  // namespace benchgate::detail::tool
