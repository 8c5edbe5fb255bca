// benchgate tool: `benchgate history add DIR RESULT.json` and `benchgate history list DIR`.
#pragma once

#include <cstdio>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "../../exit_codes.hpp"
#include "../../report/format.hpp"
#include "../history.hpp"
#include "../session.hpp"
#include "args.hpp"

namespace benchgate::detail::tool {

inline std::string history_usage(const std::string& program) {
    return "usage: " + program + " history add DIR RESULT.json [--keep N] [--keep-samples N]\n"
           "       " + program + " history list DIR\n\n"
           "A history is a directory of result files, one per run, named by UTC time, commit and machine.\n"
           "add      adds a result saved by a bench binary (--json or --save-baseline; bench binaries also\n"
           "         take --history DIR), under a lock: several writers at once are safe.\n"
           "  --keep N          runs kept per machine, the newest (default 50)\n"
           "  --keep-samples N  the newest runs per machine that keep raw samples; older runs keep their\n"
           "                    estimates only, which is all trends and the dashboard read (default 5)\n"
           "list     one line per run: time, commit, machine, benchmarks, samples or summary, size\n"
           "exit codes: 0 ok, 2 usage or input error (one line naming the file)\n";
}

inline int history_add(const std::string& program, const Args& a) {
    if (a.positional.size() != 3) {
        cli::print_error("history add needs a directory and a result file: " + program + " history add DIR RESULT.json");
        return exit_usage;
    }
    history::Settings settings;
    for (const std::string& problem : {count_value(a, "--keep", 1, 100000, settings.keep),
                                       count_value(a, "--keep-samples", 0, 100000, settings.keep_samples)})
        if (!problem.empty()) {
            cli::print_error(problem);
            return exit_usage;
        }
    const std::string& dir = a.positional[1];
    const LoadedRun run = read_run_file(a.positional[2]);
    if (!run.ok()) {
        cli::print_error(run.error);
        return exit_usage;
    }
    const history::Added added = history::add(dir, run.run, settings);
    if (!added.error.empty()) {
        cli::print_error(a.positional[2] + ": " + added.error);
        return exit_usage;
    }
    std::printf("added %s/%s", dir.c_str(), added.file.c_str());
    if (!added.removed.empty()) std::printf("; removed %zu oldest (keeping %zu per machine)", added.removed.size(), settings.keep);
    if (added.summarized) std::printf("; %zu older run(s) now keep estimates only", added.summarized);
    std::printf("\n");
    return exit_ok;
}

inline int history_list(const std::string& program, const Args& a) {
    if (a.positional.size() != 2) {
        cli::print_error("history list needs a directory: " + program + " history list DIR");
        return exit_usage;
    }
    const std::string& dir = a.positional[1];
    const history::Loaded h = history::load(dir);
    if (!h.ok()) {
        cli::print_error(h.error);
        return exit_usage;
    }
    report::Table table({"Run", "Commit", "Machine", "Benchmarks", "Kept", "Size", "File"},
                        {true, true, true, false, true, false, true});
    long long total = 0;
    for (const auto& e : h.entries) {
        struct stat st {};
        const long long size = ::stat((dir + "/" + e.file).c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : 0;
        total += size;
        char kb[32];
        std::snprintf(kb, sizeof kb, "%.1f KiB", static_cast<double>(size) / 1024.0);
        table.add({history::format_time(e.time), e.run.context.commit.empty() ? "-" : e.run.context.commit.substr(0, 12),
                   e.machine, std::to_string(e.run.benchmarks.size()),
                   history::is_summary_name(e.file) ? "estimates" : "samples", kb, e.file});
    }
    std::fputs(table.render(report::Style{}).c_str(), stdout);
    std::printf("%zu run(s), %.1f KiB\n", h.entries.size(), static_cast<double>(total) / 1024.0);
    return exit_ok;
}

inline int history_mode(const std::string& program, const std::vector<std::string>& args) {
    const Args a = parse_args(args, {{"--keep", true}, {"--keep-samples", true}, {"--help", false}});
    if (a.has("--help") || (!a.positional.empty() && a.positional[0] == "help")) {
        std::fputs(history_usage(program).c_str(), stdout);
        return exit_ok;
    }
    if (!a.error.empty()) {
        cli::print_error("history: " + a.error + " (try " + program + " history --help)");
        return exit_usage;
    }
    const std::string sub = a.positional.empty() ? "" : a.positional[0];
    if (sub == "add") return history_add(program, a);
    if (sub == "list") {
        if (a.has("--keep") || a.has("--keep-samples")) {
            cli::print_error("history list takes no --keep or --keep-samples");
            return exit_usage;
        }
        return history_list(program, a);
    }
    cli::print_error("history needs 'add' or 'list' (try " + program + " history --help)");
    return exit_usage;
}

}  // namespace benchgate::detail::tool
