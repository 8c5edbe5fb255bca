// benchgate tool: `benchgate machines HISTORY_DIR | RESULT.json ...`: the same benchmarks on
// several machines side by side (history_machines.hpp): per benchmark each machine's latest
// median with its interval, its ratio to a reference machine and its trend.
#pragma once

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "../../exit_codes.hpp"
#include "../../report/machines.hpp"
#include "../../result_file.hpp"
#include "../files.hpp"
#include "../history.hpp"
#include "../history_machines.hpp"
#include "../history_trends.hpp"
#include "../session.hpp"
#include "args.hpp"
#include "trend.hpp"

namespace benchgate::detail::tool {

inline std::string machines_usage(const std::string& program) {
    return "usage: " + program + " machines HISTORY_DIR [options]\n"
           "       " + program + " machines RESULT.json [RESULT2.json ...] [options]\n\n"
           "The same benchmarks on several machines side by side: per benchmark, each machine's latest\n"
           "median with its 95% interval, the ratio to a reference machine, and the trend of that machine's\n"
           "runs (as benchgate trend: stable, step slower, drifting faster, too few runs, ...). A machine is a\n"
           "fingerprint of CPU model, cores, compiler and build type; columns are labelled M1, M2, ... (most\n"
           "runs first, ties by id) and a legend gives each label's fingerprint. The input is a history\n"
           "directory, or result files (--save-baseline or --json of a bench binary), e.g. one per CI runner\n"
           "kind; several files of one machine are its runs in the order of their \"created\" time.\n"
           "A benchmark a machine did not measure shows \xE2\x80\x94.\n\n"
           "options:\n"
           "  --reference MACHINE   the machine ratios are to: its id, a unique prefix of it, its label, or\n"
           "                        one of the result files given (the machine it ran on)\n"
           "                        (default M1: the machine with the most runs, ties: the smaller id)\n"
           "  --filter REGEX        only benchmarks whose name matches\n"
           "  --json FILE           also write the table as JSON ('-': standard output)\n"
           "  --markdown FILE       also write the table as markdown, e.g. for a PR comment ('-': standard output)\n"
           "  --threshold PCT, --warn-threshold PCT, --noise PCT: the trend's bands, as for trend\n"
           "  --color auto|always|never\n"
           "exit codes: 0 ok, 2 usage or input error\n";
}

// Result files as the entries of a history: each file one run, on the machine of its context,
// ordered by "created" (stable for equal times). Returns "" or the problem, naming the file.
inline std::string load_result_files(const std::vector<std::string>& paths, std::vector<history::Entry>& entries) {
    for (const std::string& path : paths) {
        LoadedRun loaded = read_run_file(path);
        if (!loaded.ok()) return loaded.error;
        history::Entry e;
        if (!history::parse_time(loaded.run.created, e.time))
            return one_line(path) + ": no valid \"created\" time ('" + one_line(loaded.run.created) + "')";
        e.file = path;
        e.machine = machine_id(loaded.run.context);
        e.run = std::move(loaded.run);
        entries.push_back(std::move(e));
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const history::Entry& a, const history::Entry& b) { return a.time < b.time; });
    return {};
}

// The unit of every benchmark not timed in ns, from the newest run that has it.
inline std::map<std::string, std::string> benchmark_units(const std::vector<history::Entry>& entries) {
    std::map<std::string, std::string> units;
    for (const auto& e : entries)
        for (const auto& b : e.run.benchmarks) {
            if (b.unit != "ns") units[b.name] = b.unit;
            else units.erase(b.name);
        }
    return units;
}

inline int machines_mode(const std::string& program, const std::vector<std::string>& args) {
    const Args a = parse_args(args, {{"--reference", true}, {"--threshold", true}, {"--warn-threshold", true},
                                     {"--noise", true}, {"--filter", true}, {"--json", true}, {"--markdown", true},
                                     {"--color", true}, {"--help", false}});
    if (const int rc = help_or_flag_error(a, program, "machines", machines_usage(program)); rc >= 0) return rc;
    if (a.positional.empty()) {
        cli::print_error("machines needs a history directory or result files: " + program +
                         " machines HISTORY_DIR | RESULT.json ...");
        return exit_usage;
    }
    cli::ColorMode mode = cli::ColorMode::automatic;
    if (std::string problem = color_value(a, mode); !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    const std::string json = a.get("--json"), markdown = a.get("--markdown");
    if (a.has("--reference") && a.get("--reference").empty()) {
        cli::print_error("--reference needs a machine: its id, a unique prefix of it, or its label (M1, M2, ...)");
        return exit_usage;
    }
    if (a.has("--json") && json.empty()) {
        cli::print_error("--json needs a file name ('-': standard output)");
        return exit_usage;
    }
    if (a.has("--markdown") && markdown.empty()) {
        cli::print_error("--markdown needs a file name ('-': standard output)");
        return exit_usage;
    }
    if (json == "-" && markdown == "-") {
        cli::print_error("--json and --markdown cannot both write to standard output");
        return exit_usage;
    }
    TrendConfig cfg;
    std::string filter;
    if (std::string problem = trend_settings(a, cfg, filter); !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    // One history directory, or result files: a directory among several inputs is a mistake.
    std::vector<history::Entry> entries;
    struct stat st {};
    const bool directory = ::stat(a.positional[0].c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (directory && a.positional.size() == 1) {
        history::Loaded h = history::load(a.positional[0]);
        if (!h.ok()) {
            cli::print_error(h.error);
            return exit_usage;
        }
        if (h.entries.empty()) {
            cli::print_error(a.positional[0] + ": the history holds no runs yet");
            return exit_usage;
        }
        entries = std::move(h.entries);
    } else {
        for (const std::string& p : a.positional)
            if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
                cli::print_error(p + ": a directory among result files; give one history directory, or result files");
                return exit_usage;
            }
        if (std::string problem = load_result_files(a.positional, entries); !problem.empty()) {
            cli::print_error(problem);
            return exit_usage;
        }
    }
    // --reference naming one of the result files: the machine that file ran on.
    std::string reference = a.get("--reference");
    if (!directory || a.positional.size() > 1)
        for (const auto& e : entries)
            if (e.file == reference) reference = e.machine;
    apply_filter(entries, filter);
    const auto trends = history::machine_trends(entries, cfg);
    report::SideBySide table;
    if (std::string problem = history::side_by_side(trends, reference, benchmark_units(entries), table);
        !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    // Each file is written whole or not at all (atomic); standard output comes last.
    for (const auto& [path, text] : {std::make_pair(json, json.empty() ? std::string() : report::json_machines(table)),
                                     std::make_pair(markdown, markdown.empty() ? std::string() : report::markdown_machines(table))}) {
        if (path.empty() || path == "-") continue;
        if (std::string problem = write_file_atomic(path, text); !problem.empty()) {
            cli::print_error(problem);
            return exit_usage;
        }
    }
    if (json == "-") std::fputs(report::json_machines(table).c_str(), stdout);
    else if (markdown == "-") std::fputs(report::markdown_machines(table).c_str(), stdout);
    else {
        const report::Style style{cli::color_enabled(mode, STDOUT_FILENO)};
        std::fputs(report::console_machines(table, style).c_str(), stdout);
        if (table.rows.empty()) std::printf("no benchmark%s\n", filter.empty() ? "" : " matches --filter");
    }
    return exit_ok;
}

}  // namespace benchgate::detail::tool
