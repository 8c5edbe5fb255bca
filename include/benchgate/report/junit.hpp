// benchgate: JUnit XML, for CI systems that show test results (GitLab's test report, the
// GitHub JUnit report actions, Jenkins). One testsuite per bench binary, one testcase per
// benchmark: REGRESSION (and what else fails the gate) is a <failure> with the change and its
// interval, FAILED is an <error> with the body's message; the rest pass.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "../compare.hpp"
#include "../detail/utf8.hpp"
#include "../result.hpp"
#include "format.hpp"

namespace benchgate::report {

// Text for an XML attribute or element: the five entities; tab, line feed and carriage return
// as character references (a parser would normalise them if written raw); other control
// characters, which XML 1.0 cannot carry, as spaces; invalid UTF-8 as U+FFFD.
inline std::string xml_escape(std::string_view raw) {
    const std::string s = detail::to_valid_utf8(raw);
    std::string out;
    out.reserve(s.size());
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\n': out += "&#10;"; break;
        case '\t': out += "&#9;"; break;
        case '\r': out += "&#13;"; break;
        default: out += (c < 0x20 || c == 0x7f) ? ' ' : ch;
        }
    }
    return out;
}

// Seconds spent measuring a benchmark: every sample's time per iteration times its iterations.
inline double measured_seconds(const BenchmarkResult& b) {
    double ns = 0;
    for (std::size_t i = 0; i < b.samples.size(); ++i) ns += b.samples[i] * static_cast<double>(i < b.iterations.size() ? b.iterations[i] : 1);
    return ns / 1e9;
}

inline std::string seconds_attr(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", s);
    return buf;
}

// Whether a comparison row fails the gate under `cfg` (what GateReport::failed counts).
inline bool row_fails(const Comparison& c, const GateConfig& cfg) {
    return c.status == Status::regression || (c.status == Status::missing && cfg.fail_on_missing) ||
           (c.status == Status::undecided && cfg.fail_on_undecided);
}

// `suite`: the testsuite's name and every testcase's classname (the bench binary's name).
inline std::string junit_report(const RunResult& run, const GateReport* gate, const std::string& suite) {
    struct Case {
        std::string name;
        double seconds = 0;
        std::string kind;  // "", "failure", "error"
        std::string type, message;
    };
    std::vector<Case> cases;
    const NameIndex index(run);
    auto seconds_of = [&](const std::string& name) {
        const BenchmarkResult* b = index.find(name);
        return b ? measured_seconds(*b) : 0.0;
    };
    if (gate) {
        for (const Comparison& c : gate->rows) {
            Case k{c.name, seconds_of(c.name), "", "", ""};
            if (c.status == Status::failed) {
                k.kind = "error";
                k.type = "FAILED";
                k.message = c.error.empty() ? "the benchmark failed" : c.error;
            } else if (row_fails(c, gate->config)) {
                k.kind = "failure";
                k.type = to_string(c.status);
                if (c.status == Status::missing) k.message = "in the baseline but not in this run";
                else
                    k.message = format_change_ci(c.change) + " (" +
                                format_time(c.baseline) + " -> " + format_time(c.current) + "), threshold " +
                                format_band(gate->config.threshold);
            }
            cases.push_back(std::move(k));
        }
    } else {
        for (const BenchmarkResult& b : run.benchmarks) {
            Case k{b.name, measured_seconds(b), "", "", ""};
            if (b.failed()) {
                k.kind = "error";
                k.type = "FAILED";
                k.message = b.error;
            }
            cases.push_back(std::move(k));
        }
    }
    std::size_t failures = 0, errors = 0;
    double total = 0;
    for (const Case& k : cases) {
        failures += k.kind == "failure";
        errors += k.kind == "error";
        total += k.seconds;
    }
    const std::string counts = " tests=\"" + std::to_string(cases.size()) + "\" failures=\"" + std::to_string(failures) +
                               "\" errors=\"" + std::to_string(errors) + "\" skipped=\"0\" time=\"" + seconds_attr(total) + "\"";
    const std::string name = xml_escape(suite);
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites name=\"benchgate\"" + counts + ">\n";
    out += "  <testsuite name=\"" + name + "\"" + counts + (run.created.empty() ? "" : " timestamp=\"" + xml_escape(run.created) + "\"") + ">\n";
    for (const Case& k : cases) {
        out += "    <testcase classname=\"" + name + "\" name=\"" + xml_escape(k.name) + "\" time=\"" + seconds_attr(k.seconds) + "\"";
        if (k.kind.empty()) {
            out += "/>\n";
            continue;
        }
        out += ">\n      <" + k.kind + " type=\"" + xml_escape(k.type) + "\" message=\"" + xml_escape(k.message) + "\">" +
               xml_escape(k.type + ": " + k.name + ": " + k.message) + "</" + k.kind + ">\n    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

}  // namespace benchgate::report
