// benchgate: the exporter table. One row per output format: its flag, its help line and the
// function that renders it. The command line builds its flags, environment mirrors, the
// standard-output check and the write loop from these rows, so a new format is one file
// under report/ plus one row here.
#pragma once

#include <string>
#include <vector>

#include "../compare.hpp"
#include "../result.hpp"
#include "csv.hpp"
#include "json.hpp"
#include "junit.hpp"
#include "markdown.hpp"

namespace benchgate::report {

// What every exporter renders from: the run, and the comparison when there was one.
struct ExportInput {
    const RunResult& run;
    const GateReport* gate;            // nullptr: no baseline and no --against
    const std::string& baseline_path;  // "" unless compared with a file
    const std::string& suite;          // the bench binary's name (JUnit's testsuite)
};

struct Exporter {
    const char* flag;  // e.g. "--json"; its environment mirror is derived from it
    const char* help;
    std::string (*render)(const ExportInput&);
};

// In the order the files are written.
inline const std::vector<Exporter>& exporters() {
    static const std::vector<Exporter> all = {
        {"--json", "write results (and the comparison) as JSON (schema benchgate/1); '-' is standard output",
         [](const ExportInput& in) { return json_report(in.run, in.gate, in.baseline_path); }},
        {"--markdown", "write the comparison (or results) as a markdown PR comment; '-' is stdout",
         [](const ExportInput& in) { return in.gate ? markdown_comparison(*in.gate) : markdown_results(in.run); }},
        {"--csv", "write one CSV row per benchmark; '-' is standard output",
         [](const ExportInput& in) { return csv_report(in.run, in.gate); }},
        {"--junit", "write JUnit XML: a testcase per benchmark, REGRESSION as a failure, FAILED as an error; '-' is stdout",
         [](const ExportInput& in) { return junit_report(in.run, in.gate, in.suite); }},
    };
    return all;
}

}  // namespace benchgate::report
