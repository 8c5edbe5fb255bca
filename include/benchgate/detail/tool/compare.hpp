// benchgate tool: `benchgate compare OLD NEW` compares two saved result files with the same
// comparison, flags, reports and exit codes as a bench binary's `--baseline OLD` (compare_runs,
// then the session's finish_report). It never measures.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "../../compare.hpp"
#include "../../exit_codes.hpp"
#include "../../result_file.hpp"
#include "../flags.hpp"
#include "../session.hpp"

namespace benchgate::detail::tool {

inline std::string compare_usage(const char* program) {
    return std::string("usage: ") + program + " compare OLD.json NEW.json [options]\n\n"
           "Compares two result files saved by a bench binary (--save-baseline or --json), without measuring:\n"
           "the same verdicts, reports and exit codes as running NEW's binary with --baseline OLD.json.\n\n"
           "options: the bench binary's comparison and report flags (see a bench binary's --help):\n"
           "  --threshold, --improvement-threshold, --warn-threshold, --noise, --alpha, --estimator, --speed-correction, --gate,\n"
           "  --fail-on-missing, --fail-on-undecided, --accept, --json, --markdown, --csv, --junit, --color, --quiet, --detailed, --seed\n"
           "exit codes: 0 ok, 1 regression, 2 usage or input error, 3 a benchmark failed in NEW\n";
}

// A flag of the bench binary that measures, or selects what to measure: meaningless here.
inline std::string measuring_flag(const cli::Options& o) {
    if (o.quick) return "--quick";
    if (o.list) return "--list";
    if (!o.filter.empty()) return "--filter";
    if (o.shard_count > 0) return "--shard";
    if (o.profile_time > 0) return "--profile-time";
    if (!o.against_path.empty()) return "--against";
    if (!o.baseline_path.empty()) return "--baseline";
    if (!o.save_baseline_path.empty()) return "--save-baseline";
    if (o.measure_instructions && !o.gate_explicit) return "--metric";
    if (o.hardware_counters) return "--counters";
    if (o.explain) return o.explain_filter.empty() ? "--explain" : "--explain-filter";
    return {};
}

inline int compare_mode(const std::string& program, const std::vector<std::string>& args) {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::fputs(compare_usage(program.c_str()).c_str(), stdout);
        return exit_ok;
    }
    if (args.size() < 2 || args[0].rfind("--", 0) == 0 || args[1].rfind("--", 0) == 0) {
        cli::print_error("compare needs two result files: " + program + " compare OLD.json NEW.json [options]");
        return exit_usage;
    }
    std::vector<const char*> argv = {program.c_str()};
    for (std::size_t i = 2; i < args.size(); ++i) argv.push_back(args[i].c_str());
    const cli::Parsed parsed = cli::parse(static_cast<int>(argv.size()), argv.data());
    if (!parsed.ok()) {
        cli::print_error(parsed.error + " (try --help)");
        return exit_usage;
    }
    if (parsed.options.help) {
        std::fputs(compare_usage(program.c_str()).c_str(), stdout);
        return exit_ok;
    }
    if (const std::string flag = measuring_flag(parsed.options); !flag.empty()) {
        cli::print_error("compare does not measure: " + flag + " belongs to a bench binary");
        return exit_usage;
    }
    cli::Session s;
    s.opt = parsed.options;
    s.opt.baseline_path = args[0];  // what the reports name as the baseline
    s.program = program;
    {  // the suite is NEW's file name without its extension
        const std::string base = args[1].substr(args[1].find_last_of('/') + 1);
        s.suite = base.size() > 5 && base.compare(base.size() - 5, 5, ".json") == 0 ? base.substr(0, base.size() - 5) : base;
    }
    s.baseline = read_run_file(args[0]);
    if (!s.baseline.ok()) {
        cli::print_error(s.baseline.error);
        return exit_usage;
    }
    if (const std::string problem = cli::check_baseline_has_metric(s.opt, s.baseline.run); !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    const LoadedRun current = read_run_file(args[1]);
    if (!current.ok()) {
        cli::print_error(current.error);
        return exit_usage;
    }
    cli::choose_console(s);
    GateReport report = compare_runs(s.baseline.run, current.run, s.opt.gate);
    apply_acceptances(report);
    return cli::finish_report(s, current.run, &report, cli::count_failed(current.run));
}

}  // namespace benchgate::detail::tool
