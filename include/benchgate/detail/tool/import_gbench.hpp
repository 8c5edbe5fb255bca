// benchgate tool: `benchgate import-gbench GB.json [GB2.json ...] -o OUT.json [--time real|cpu]`
// turns Google Benchmark's JSON output into a benchgate result file (import_gbench.hpp), which
// `benchgate compare`, `export` and a bench binary's --baseline read like any other. Each file
// is one process of the run: several runs of the same binary give the gate its spread.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../../exit_codes.hpp"
#include "../../import_gbench.hpp"
#include "../../result_file.hpp"
#include "../files.hpp"
#include "../input_file.hpp"
#include "../session.hpp"
#include "args.hpp"

namespace benchgate::detail::tool {

inline std::string import_gbench_usage(const std::string& program) {
    return "usage: " + program + " import-gbench GB.json [GB2.json ...] -o OUT.json [--time real|cpu]\n\n"
           "Converts Google Benchmark JSON (--benchmark_out=GB.json --benchmark_out_format=json) into a benchgate\n"
           "result file. Each repetition is a sample and each file one process: run the binary with\n"
           "--benchmark_repetitions=10 (and, for a narrower interval, several times) to gate on the result.\n\n"
           "options:\n"
           "  -o OUT.json   the result file to write (written whole or not at all; '-' is standard output)\n"
           "  --time real   samples from real_time (the default); --time cpu: from cpu_time\n\n"
           "What is mapped and what is dropped: docs/tool.md. Notes on standard error say what this file lost.\n"
           "exit codes: 0 written, 2 usage or input error (nothing written)\n";
}

// The whole file (at most max_input_bytes), or "" and the problem in `error`.
inline std::string read_input_file(const std::string& path, std::string& error) {
    InputFile file = detail::read_input_file(path);
    error = file.error;
    return std::move(file.text);
}

inline int import_gbench_mode(const std::string& program, const std::vector<std::string>& argv) {
    const Args a = parse_args(argv, {{"-o", true}, {"--time", true}, {"--help", false}, {"-h", false}});
    if (const int rc = help_or_flag_error(a, program, "import-gbench", import_gbench_usage(program)); rc >= 0) return rc;
    if (a.positional.empty() || !a.has("-o") || a.get("-o").empty()) {
        cli::print_error("import-gbench needs Google Benchmark JSON and an output: " + program +
                         " import-gbench GB.json -o OUT.json");
        return exit_usage;
    }
    GbenchOptions opt;
    if (a.has("--time")) {
        if (a.get("--time") == "cpu") opt.cpu_time = true;
        else if (a.get("--time") != "real") {
            cli::print_error("import-gbench: --time expects real or cpu, got '" + a.get("--time") + "'");
            return exit_usage;
        }
    }
    std::vector<GbenchSource> sources;
    for (const std::string& path : a.positional) {
        std::string error;
        std::string text = read_input_file(path, error);
        if (!error.empty()) {
            cli::print_error(error);
            return exit_usage;
        }
        sources.push_back({std::move(text), path});
    }
    const GbenchImport imported = import_gbench(sources, opt);
    if (!imported.ok()) {
        cli::print_error(imported.error);
        return exit_usage;
    }
    const std::string& out_path = a.get("-o");
    if (const std::string problem = write_file_atomic(out_path, to_json(imported.run)); !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    for (const std::string& note : imported.notes) std::fprintf(stderr, "note: %s\n", note.c_str());
    int failed = 0;
    for (const auto& b : imported.run.benchmarks) failed += b.failed() ? 1 : 0;
    std::fprintf(stderr, "imported %zu benchmark(s)%s from %zu file(s) into %s\n", imported.run.benchmarks.size(),
                 failed ? (" (" + std::to_string(failed) + " FAILED)").c_str() : "", sources.size(),
                 out_path == "-" ? "standard output" : out_path.c_str());
    return exit_ok;
}

}  // namespace benchgate::detail::tool
