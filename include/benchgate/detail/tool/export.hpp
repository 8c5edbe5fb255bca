// benchgate tool: `benchgate export FILE.json --format F [-o OUT]` renders a saved result file
// in another tool's format: the bench binary's CSV and JSON reports, Bencher's BMF,
// github-action-benchmark's customSmallerIsBetter, OpenMetrics text. One row per format below.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "../../exit_codes.hpp"
#include "../../report/bmf.hpp"
#include "../../report/csv.hpp"
#include "../../report/github_action_benchmark.hpp"
#include "../../report/json.hpp"
#include "../../report/openmetrics.hpp"
#include "../../result_file.hpp"
#include "../files.hpp"
#include "../one_line.hpp"
#include "../flags.hpp"
#include "../session.hpp"
#include "args.hpp"

namespace benchgate::detail::tool {

struct ExportFormat {
    const char* name;
    const char* summary;
    const char* without_failed;  // nullptr: failed benchmarks are in the output; else why they are not
    std::string (*render)(const RunResult&);
};

inline const std::vector<ExportFormat>& export_formats() {
    static const std::vector<ExportFormat> all = {
        {"csv", "one row per benchmark, as a bench binary's --csv (a failed one: status FAILED)", nullptr,
         [](const RunResult& r) { return report::csv_report(r, nullptr); }},
        {"json", "the result file as a bench binary's --json writes it (schema benchgate/1)", nullptr,
         [](const RunResult& r) { return report::json_report(r, nullptr); }},
        {"bmf", "Bencher Metric Format: latency (ns), throughput, instructions, allocations",
         "BMF has no way to mark a failure", report::bmf_report},
        {"github-action-benchmark", "github-action-benchmark's customSmallerIsBetter: median ns with the interval as range",
         "a customSmallerIsBetter entry needs a value", report::github_action_benchmark_report},
        {"openmetrics", "OpenMetrics text: gauges labelled by benchmark (a failed one: benchgate_failed 1)", nullptr,
         report::openmetrics_report},
    };
    return all;
}

inline std::string export_usage(const std::string& program) {
    std::string out = "usage: " + program + " export FILE.json --format FORMAT [-o OUT]\n\n"
                      "Renders a result file saved by a bench binary (--save-baseline or --json) in another format,\n"
                      "on standard output or, with -o, in OUT (written whole or not at all).\n\nformats:\n";
    for (const ExportFormat& f : export_formats()) {
        std::string left = std::string("  ") + f.name;
        left.append(left.size() < 27 ? 27 - left.size() : 1, ' ');
        out += left + f.summary + "\n";
    }
    out += "\nexit codes: 0 written, 2 usage or input error (nothing written)\n";
    return out;
}

inline int export_mode(const std::string& program, const std::vector<std::string>& argv) {
    const Args a = parse_args(argv, {{"--format", true}, {"-o", true}, {"--help", false}, {"-h", false}});
    if (const int rc = help_or_flag_error(a, program, "export", export_usage(program)); rc >= 0) return rc;
    if (a.positional.size() != 1) {
        cli::print_error("export needs one result file: " + program + " export FILE.json --format FORMAT [-o OUT]");
        return exit_usage;
    }
    std::string names;
    const ExportFormat* format = nullptr;
    for (const ExportFormat& f : export_formats()) {
        names += (names.empty() ? "" : ", ") + std::string(f.name);
        if (a.get("--format") == f.name) format = &f;
    }
    if (!format) {
        cli::print_error("export: " + (a.has("--format") ? "unknown format '" + a.get("--format") + "'" : std::string("no --format")) +
                         " (one of " + names + ")");
        return exit_usage;
    }
    const std::string out_path = a.has("-o") ? a.get("-o") : "-";
    if (out_path.empty()) {
        cli::print_error("export: -o needs a file name or '-'");
        return exit_usage;
    }
    const LoadedRun loaded = read_run_file(a.positional[0]);
    if (!loaded.ok()) {
        cli::print_error(loaded.error);
        return exit_usage;
    }
    if (format->without_failed) {
        std::string failed;
        int count = 0;
        for (const auto& b : loaded.run.benchmarks)
            if (b.failed()) {
                failed += (count++ ? ", " : "") + one_line(b.name);
            }
        if (count)
            std::fprintf(stderr, "note: %s: left out %d failed benchmark(s) (%s): %s\n", format->name, count,
                         format->without_failed, failed.c_str());
    }
    if (const std::string problem = write_file_atomic(out_path, format->render(loaded.run)); !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    return exit_ok;
}

}  // namespace benchgate::detail::tool
