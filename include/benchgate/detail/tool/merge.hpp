// benchgate tool: `benchgate merge A.json B.json ... -o ALL.json [--allow-mixed]` joins the
// result files of a suite's shards (--shard I/N) into one run (merge.hpp), which gates like a
// run of the whole suite; `benchgate baseline RUN.json ... -o BASE.json` joins runs made at
// different times into one baseline of sessions (join_sessions).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "../../exit_codes.hpp"
#include "../../merge.hpp"
#include "../../result_file.hpp"
#include "../files.hpp"
#include "../session.hpp"
#include "args.hpp"

namespace benchgate::detail::tool {

inline std::string merge_usage(const std::string& program) {
    return "usage: " + program + " merge A.json B.json ... -o ALL.json [--allow-mixed]\n\n"
           "Joins the result files of a suite's shards (bench binaries run with --shard I/N) into one run.\n"
           "Refuses a benchmark that is in two files, and files measured on different machines (CPU, cores,\n"
           "compiler, build type) unless --allow-mixed, which the joined file records in its notes.\n\n"
           "options:\n"
           "  -o ALL.json     the joined result file (written whole or not at all; '-' is standard output)\n"
           "  --allow-mixed   join files from different machines\n\n"
           "exit codes: 0 written, 2 usage or input error (nothing written)\n";
}

// Both commands: read every positional file, join them with `join`, write -o whole. `need`
// names what the command needs when the files or the output are missing.
template <class Join>
inline int join_files(const std::string& program, const std::string& command, const Args& a, std::size_t fewest,
                      const std::string& need, Join&& join) {
    if (!a.error.empty()) {
        cli::print_error(command + ": " + a.error + " (try " + program + " " + command + " --help)");
        return exit_usage;
    }
    if (a.positional.size() < fewest || !a.has("-o") || a.get("-o").empty()) {
        cli::print_error(command + " needs " + need);
        return exit_usage;
    }
    std::vector<MergeSource> sources;
    for (const std::string& path : a.positional) {
        LoadedRun loaded = read_run_file(path);
        if (!loaded.ok()) {
            cli::print_error(loaded.error);
            return exit_usage;
        }
        sources.push_back({std::move(loaded.run), path});
    }
    const MergedRun joined = join(sources);
    if (!joined.ok()) {
        cli::print_error(joined.error);
        return exit_usage;
    }
    if (const std::string problem = write_file_atomic(a.get("-o"), to_json(joined.run)); !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    for (const std::string& w : joined.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    return exit_ok;
}

inline int merge_mode(const std::string& program, const std::vector<std::string>& argv) {
    const Args a = parse_args(argv, {{"-o", true}, {"--allow-mixed", false}, {"--help", false}, {"-h", false}});
    if (a.has("--help") || a.has("-h")) {
        std::fputs(merge_usage(program).c_str(), stdout);
        return exit_ok;
    }
    MergeOptions opt;
    opt.allow_mixed = a.has("--allow-mixed");
    return join_files(program, "merge", a, 1, "result files and an output: " + program + " merge A.json B.json ... -o ALL.json",
                      [&](const std::vector<MergeSource>& sources) { return merge_runs(sources, opt); });
}

inline std::string baseline_usage(const std::string& program) {
    return "usage: " + program + " baseline RUN.json RUN2.json ... -o BASE.json\n\n"
           "Joins result files of the same suite made at different times (saved with --save-baseline or --json,\n"
           "or entries of a history directory) into one baseline whose runs are its sessions. Comparing against\n"
           "it, the gate takes the spread between sessions as the baseline's noise, so drift from one session\n"
           "to the next (another hour, another boot, another runner of the same kind) is in every interval.\n"
           "Refuses files from different machines, shards, and history summaries (they hold no samples).\n\n"
           "options:\n"
           "  -o BASE.json    the baseline (written whole or not at all; '-' is standard output)\n\n"
           "exit codes: 0 written, 2 usage or input error (nothing written)\n";
}

inline int baseline_mode(const std::string& program, const std::vector<std::string>& argv) {
    const Args a = parse_args(argv, {{"-o", true}, {"--help", false}, {"-h", false}});
    if (a.has("--help") || a.has("-h")) {
        std::fputs(baseline_usage(program).c_str(), stdout);
        return exit_ok;
    }
    return join_files(program, "baseline", a, 2,
                      "two or more result files and an output: " + program + " baseline RUN.json RUN2.json ... -o BASE.json",
                      [](const std::vector<MergeSource>& sources) { return join_sessions(sources); });
}

}  // namespace benchgate::detail::tool
