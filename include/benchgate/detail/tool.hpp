// benchgate: the `benchgate` command-line tool (tools/benchgate.cpp) on the bench binary's
// engine: file format, statistics, verdicts and reporters. It never measures. One header per
// command under tool/, one row per command in the table below.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "../exit_codes.hpp"
#include "../version.hpp"
#include "flags.hpp"
#include "tool/compare.hpp"
#include "tool/history.hpp"
#include "tool/trend.hpp"
#include "tool/machines.hpp"
#include "tool/dashboard.hpp"
#include "tool/explain.hpp"
#include "tool/export.hpp"
#include "tool/import_gbench.hpp"
#include "tool/merge.hpp"
#include "tool/push.hpp"
#include "tool/bisect.hpp"

namespace benchgate::detail::tool {

struct Command {
    const char* name;
    const char* synopsis;  // the arguments, after the command's name
    const char* summary;   // one line
    int (*run)(const std::string& program, const std::vector<std::string>& args);
};

inline const std::vector<Command>& commands() {
    static const std::vector<Command> all = {
        {"compare", "OLD.json NEW.json [options]", "compare two saved result files (the bench binary's gate, no measuring)",
         compare_mode},
        {"history", "add DIR RESULT.json [--keep N] | list DIR", "keep a history of runs (one file per run, retention, a lock)",
         history_mode},
        {"trend", "DIR [--fail-on-drift] [--markdown FILE]", "latest value, 7- and 30-day means, drift and change points",
         trend_mode},
        {"machines", "HISTORY_DIR | RESULT.json ... [--reference MACHINE] [--json FILE] [--markdown FILE]",
         "the same benchmarks on several machines side by side: latest values, ratios to a reference, trends", machines_mode},
        {"dashboard", "DIR -o SITE [--title TEXT]", "one self-contained offline page of a history: charts, trends, regressions",
         dashboard_mode},
        {"export", "FILE.json --format csv|json|bmf|github-action-benchmark|openmetrics [-o OUT]",
         "render a result file for another tool (Bencher, github-action-benchmark, Prometheus)", export_mode},
        {"push", "URL FILE.json [--job NAME] [--group LABEL=VALUE,...] [--timeout S] [--retries N] [--dry-run]",
         "send a result file's metrics to a Prometheus Pushgateway (retried on transient failures)", push_mode},
        {"import-gbench", "GB.json [GB2.json ...] -o OUT.json [--time real|cpu]",
         "convert Google Benchmark JSON into a result file (each file one process)", import_gbench_mode},
        {"merge", "A.json B.json ... -o ALL.json [--allow-mixed]", "join the result files of a suite's shards (--shard I/N) into one run",
         merge_mode},
        {"explain", "BASE HEAD --filter REGEX [--json FILE] [--markdown FILE] [--iterations N] [--timeout S]",
         "run benchmarks of two bench binaries under callgrind: what changed per iteration, which functions", explain_mode},
        {"baseline", "RUN.json RUN2.json ... -o BASE.json",
         "join runs of a suite made at different times into one baseline of sessions (drift between them in the intervals)",
         baseline_mode},
        {"bisect", "--good REV --bad REV --build 'COMMAND' BINARY --filter NAME",
         "find the first commit whose bench binary regresses, building commits in git worktrees", bisect_mode},
    };
    return all;
}

inline std::string usage(const std::string& program) {
    std::string out = "usage: " + program + " COMMAND [arguments] (" + program + " COMMAND --help for one command)\n\n";
    for (const Command& c : commands())
        out += "  " + program + " " + c.name + " " + c.synopsis + "\n      " + c.summary + "\n";
    out += "\nexit codes: 0 ok, 1 regression (or drift with --fail-on-drift), 2 usage or input error, 3 a benchmark failed\n";
    return out;
}

inline int main(int argc, char** argv) {
    const std::string program = "benchgate";
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "help") {
        std::fputs(usage(program).c_str(), args.empty() ? stderr : stdout);
        return args.empty() ? exit_usage : exit_ok;
    }
    if (args[0] == "--version") {
        std::printf("benchgate %s\n", BENCHGATE_VERSION_STRING);
        return exit_ok;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    remove_dead_work_dirs();  // what killed bench binaries left in the temporary directory
    for (const Command& c : commands())
        if (command == c.name) return c.run(program, args);
    cli::print_error("unknown command '" + command + "' (try " + program + " --help)");
    return exit_usage;
}

}  // namespace benchgate::detail::tool
