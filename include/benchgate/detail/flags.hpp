// benchgate: the bench binary's command line: the option set, the flag tables (public, the
// exporter rows, hidden), environment mirrors, parsing and help. Parses; never measures or prints.
#pragma once

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "../compare.hpp"
#include "../report/exporters.hpp"
#include "one_line.hpp"
#include "selection.hpp"

namespace benchgate::detail::cli {

enum class ColorMode { automatic, always, never };

struct Options {
    bool list = false;
    bool quick = false;
    bool quiet = false;
    bool help = false;
    bool version = false;
    bool detailed = false;
    std::string filter;
    int shard_index = 0;             // --shard I/N: measure shard I of N (0: no sharding)
    int shard_count = 0;
    double profile_time = 0.0;
    double timeout = -1.0;           // --timeout: seconds per body call; 0 off; -1 not given
    ColorMode color = ColorMode::automatic;
    std::uint64_t seed = 0;
    bool seed_given = false;         // --seed given: duet orders repeat from it (else new per run)
    // the regression gate
    std::string baseline_path;
    std::string save_baseline_path;
    std::string history_dir;         // add the run to this history (benchgate history)
    std::vector<std::string> outputs = std::vector<std::string>(report::exporters().size());  // per exporter row; "" none, "-" stdout
    GateConfig gate;
    int confirm = 4;                 // fresh processes at most, for suspects and undecided rows
    double time_budget = 300.0;      // seconds: no new fresh process after this
    int processes = 3;               // processes a baseline saved without a comparison holds
    int pin_cpu = -2;                // -2: auto (pin to a CPU chosen at start), -1: off, else that CPU
    std::string confirm_child_path;  // hidden: measure only, write JSON here (a confirmation run)
    bool gate_explicit = false;      // --gate given (else --metric instructions implies it)
    bool warn_threshold_given = false;  // else a lower --threshold narrows the warn band to it
    bool measure_instructions = false;
    bool hardware_counters = false;
    int callgrind_child = 0;         // hidden: under callgrind, collect this many calls per benchmark
    std::string against_path;        // duet mode
    std::vector<std::string> against_env;
    double worker_timeout = 60.0;
    bool worker = false;             // hidden: serve the duet protocol on stdin/stdout
    bool explain = false;            // duet mode: explain every REGRESSION row under callgrind
    std::string explain_filter;      // ... and every row whose name matches
    double explain_timeout = 30.0;   // seconds per explanation (both builds run at once)
    int explain_iterations = 20;     // calls collected per build

    // The path given to an exporter's flag ("--json"), or "".
    const std::string& output(const std::string& flag) const {
        static const std::string none;
        const auto& rows = report::exporters();
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (flag == rows[i].flag) return outputs[i];
        return none;
    }
    // "I/N" for --shard I/N, "" without sharding: what the run's context records.
    std::string shard() const {
        return shard_count > 0 ? std::to_string(shard_index) + "/" + std::to_string(shard_count) : std::string();
    }
    // An export claims standard output: the console table then goes to standard error.
    bool stdout_taken() const {
        for (const auto& o : outputs)
            if (o == "-") return true;
        return false;
    }
};


struct Parsed {
    Options options;
    std::string error;  // "" or one line naming the flag (or variable) and the problem
    bool ok() const { return error.empty(); }
};

// One row per flag: its spelling, whether it takes a value, its environment mirror, help.
struct Flag {
    const char* name;
    const char* value_name;  // nullptr: a switch
    const char* help;
    std::function<std::string(Options&, const std::string&)> apply;  // returns "" or the problem
};

inline std::string env_name(const char* flag) {
    std::string n = "BENCHGATE_";
    for (const char* p = flag + 2; *p; ++p) n += *p == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
    return n;
}

// A decimal number as people write one: an optional sign, digits with an optional point, an
// optional exponent. No hexadecimal ("0x10"), "inf", "nan" or surrounding space, which strtod
// would also take.
inline bool decimal_syntax(const std::string& s) {
    std::size_t i = 0, digits = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) ++digits;
    if (i < s.size() && s[i] == '.')
        for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) ++digits;
    if (digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        std::size_t exponent = 0;
        for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) ++exponent;
        if (exponent == 0) return false;
    }
    return i == s.size();
}

inline bool parse_double(const std::string& s, double& out) {
    if (!decimal_syntax(s)) return false;
    char* end = nullptr;
    errno = 0;
    out = std::strtod(s.c_str(), &end);
    return errno == 0 && end && *end == '\0' && std::isfinite(out);
}

inline bool parse_u64(const std::string& s, std::uint64_t& out) {
    if (s.empty() || s[0] == '-') return false;
    char* end = nullptr;
    errno = 0;
    out = std::strtoull(s.c_str(), &end, 10);
    return errno == 0 && end && *end == '\0';
}

// "" or why `pattern` is no --filter (see NameFilter in selection.hpp).
inline std::string filter_problem(const std::string& pattern) {
    NameFilter f;
    const std::string problem = f.compile(pattern);
    return problem.empty() ? problem : "is not a pattern benchgate can match ('" + pattern + "': " + problem + ")";
}

// "--threshold 10" means 10 percent.
inline std::string parse_percent(const std::string& v, double& out, double max_pct) {
    double d = 0;
    if (!parse_double(v, d) || d < 0 || d > max_pct)
        return "expects a percentage between 0 and " + std::to_string(static_cast<int>(max_pct)) + ", got '" + v + "'";
    out = d / 100.0;
    return {};
}

// "--profile-time 2.5": seconds, more than 0 and at most a day.
inline std::string parse_seconds(const std::string& v, double& out) {
    double d = 0;
    if (!parse_double(v, d) || d <= 0 || d > 86400) return "expects seconds > 0, got '" + v + "'";
    out = d;
    return {};
}

// "--shard 2/4": shard I of N, 1 <= I <= N <= 10000.
inline std::string parse_shard(const std::string& v, int& index, int& count) {
    const auto slash = v.find('/');
    std::uint64_t i = 0, n = 0;
    if (slash == std::string::npos || !parse_u64(v.substr(0, slash), i) || !parse_u64(v.substr(slash + 1), n) || n < 1 ||
        n > 10000 || i < 1 || i > n)
        return "expects I/N with 1 <= I <= N <= 10000 (e.g. 2/4), got '" + v + "'";
    index = static_cast<int>(i);
    count = static_cast<int>(n);
    return {};
}

inline std::string file_value(std::string& target, const std::string& v) {
    if (v.empty()) return "needs a file name";
    target = v;
    return {};
}

// The flags a user types, with their help lines and environment mirrors.
inline std::vector<Flag> core_flags() {
    return {
        {"--list", nullptr, "list the selected benchmarks and exit",
         [](Options& o, const std::string&) { o.list = true; return std::string(); }},
        {"--filter", "REGEX", "run only benchmarks whose full name matches (ECMAScript regex, linear-time subset)",
         [](Options& o, const std::string& v) { o.filter = v; return filter_problem(v); }},
        {"--shard", "I/N", "run only shard I of N: the benchmarks whose name hashes (FNV-1a 64) to I-1 mod N",
         [](Options& o, const std::string& v) { return parse_shard(v, o.shard_index, o.shard_count); }},
        {"--quick", nullptr, "short measurement for smoke runs (~10 ms per benchmark)",
         [](Options& o, const std::string&) { o.quick = true; return std::string(); }},
        {"--profile-time", "SECONDS", "run each selected body for SECONDS with no analysis (for perf)",
         [](Options& o, const std::string& v) { return parse_seconds(v, o.profile_time); }},
        {"--timeout", "SECONDS", "stop the run (exit 3) when one body call runs longer (default: no bound; with --profile-time S: max(10, 10 x S))",
         [](Options& o, const std::string& v) {
             double d = 0;
             if (!parse_double(v, d) || d < 0 || d > 86400) return "expects seconds >= 0, got '" + v + "'";
             o.timeout = d;
             return std::string();
         }},
        {"--color", "WHEN", "colour the console: auto, always or never",
         [](Options& o, const std::string& v) {
             if (v == "auto") o.color = ColorMode::automatic;
             else if (v == "always") o.color = ColorMode::always;
             else if (v == "never") o.color = ColorMode::never;
             else return "expects auto, always or never, got '" + v + "'";
             return std::string();
         }},
        {"--quiet", nullptr, "print only warnings, errors and the final verdicts",
         [](Options& o, const std::string&) { o.quiet = true; return std::string(); }},
        {"--detailed", nullptr, "full statistics in the console: min, mean, max, CI of the median",
         [](Options& o, const std::string&) { o.detailed = true; return std::string(); }},
        {"--seed", "N", "seed of the bootstrap and of the interleaving order (default 0; a duet's order is new in every run unless given)",
         [](Options& o, const std::string& v) {
             if (!parse_u64(v, o.seed)) return "expects a non-negative integer, got '" + v + "'";
             o.seed_given = true;
             o.gate.seed = o.seed;
             return std::string();
         }},
        {"--baseline", "FILE", "compare against this baseline; exit 1 on a confirmed REGRESSION",
         [](Options& o, const std::string& v) { return file_value(o.baseline_path, v); }},
        {"--save-baseline", "FILE", "write this run as a baseline (atomically; after comparing)",
         [](Options& o, const std::string& v) { return file_value(o.save_baseline_path, v); }},
        {"--history", "DIR", "add this run to a history directory (newest 50 per machine; see 'benchgate history')",
         [](Options& o, const std::string& v) { return file_value(o.history_dir, v); }},
        {"--threshold", "PCT", "REGRESSION / IMPROVED beyond this change (default 10)",
         [](Options& o, const std::string& v) { return parse_percent(v, o.gate.threshold, 1000); }},
        {"--improvement-threshold", "PCT", "IMPROVED beyond this speed-up (default: the --threshold)",
         [](Options& o, const std::string& v) { return parse_percent(v, o.gate.improvement_threshold, 1000); }},
        {"--warn-threshold", "PCT", "SLOWER / FASTER beyond this change (default 5)",
         [](Options& o, const std::string& v) {
             o.warn_threshold_given = true;
             return parse_percent(v, o.gate.warn_threshold, 1000);
         }},
        {"--noise", "PCT", "smallest noise band: intervals within it are STABLE (default 1)",
         [](Options& o, const std::string& v) { return parse_percent(v, o.gate.noise, 100); }},
        {"--alpha", "P", "the change's interval has confidence 1 - P (default 0.05: 95%)",
         [](Options& o, const std::string& v) {
             double d = 0;
             if (!parse_double(v, d) || d <= 0 || d >= 1) return "expects a probability in (0, 1), got '" + v + "'";
             o.gate.alpha = d;
             return std::string();
         }},
        {"--estimator", "NAME", "gated estimate: min, median or mean (default min)",
         [](Options& o, const std::string& v) {
             if (v == "median") o.gate.estimator = stats::Statistic::median;
             else if (v == "mean") o.gate.estimator = stats::Statistic::mean;
             else if (v == "min") o.gate.estimator = stats::Statistic::min;
             else return "expects median, mean or min, got '" + v + "'";
             return std::string();
         }},
        {"--confirm", "N", "measure up to N more fresh processes for suspects and undecided benchmarks (default 4)",
         [](Options& o, const std::string& v) {
             std::uint64_t n = 0;
             if (!parse_u64(v, n) || n > 20) return "expects an integer from 0 to 20, got '" + v + "'";
             o.confirm = static_cast<int>(n);
             o.gate.max_looks = 1 + o.confirm;
             return std::string();
         }},
        {"--time-budget", "SECONDS", "start no more fresh processes after this long (default 300)",
         [](Options& o, const std::string& v) { return parse_seconds(v, o.time_budget); }},
        {"--processes", "N", "processes a saved baseline holds when nothing is compared (default 3)",
         [](Options& o, const std::string& v) {
             std::uint64_t n = 0;
             if (!parse_u64(v, n) || n < 1 || n > 20) return "expects an integer from 1 to 20, got '" + v + "'";
             o.processes = static_cast<int>(n);
             return std::string();
         }},
        {"--pin", "CPU|auto|off", "run every measuring process (and the --against worker) on one CPU (default auto)",
         [](Options& o, const std::string& v) {
             std::uint64_t n = 0;
             if (v == "auto") o.pin_cpu = -2;
             else if (v == "off") o.pin_cpu = -1;
             else if (parse_u64(v, n) && n < 4096) o.pin_cpu = static_cast<int>(n);
             else return "expects auto, off or a CPU number, got '" + v + "'";
             return std::string();
         }},
        {"--speed-correction", "on|off", "correct changes for the machine's speed, from a reference workload (default on)",
         [](Options& o, const std::string& v) {
             if (v == "on") o.gate.speed_correction = true;
             else if (v == "off") o.gate.speed_correction = false;
             else return "expects on or off, got '" + v + "'";
             return std::string();
         }},
        {"--gate", "METRIC", "what the verdict uses: time, instructions, allocations or memory (peak heap bytes) (default time)",
         [](Options& o, const std::string& v) {
             if (!parse_metric(v, o.gate.metric)) return "expects time, instructions, allocations or memory, got '" + v + "'";
             o.gate_explicit = true;
             if (o.gate.metric == Metric::instructions) o.measure_instructions = true;
             return std::string();
         }},
        {"--metric", "instructions", "also count instructions per iteration under valgrind's callgrind (deterministic)",
         [](Options& o, const std::string& v) {
             if (v != "instructions") return "expects instructions, got '" + v + "'";
             o.measure_instructions = true;
             return std::string();
         }},
        {"--counters", nullptr, "read hardware counters (perf_event_open) around every sample, when available",
         [](Options& o, const std::string&) { o.hardware_counters = true; return std::string(); }},
        {"--against", "PATH", "duet mode: compare with another benchgate bench binary, sampled alternately",
         [](Options& o, const std::string& v) { return file_value(o.against_path, v); }},
        {"--against-env", "NAME=VALUE", "set an environment variable in the --against worker only (repeatable)",
         [](Options& o, const std::string& v) {
             const auto eq = v.find('=');
             if (eq == std::string::npos || eq == 0) return "expects NAME=VALUE, got '" + v + "'";
             o.against_env.push_back(v);
             return std::string();
         }},
        {"--worker-timeout", "SECONDS", "how long to wait for the --against worker's answers (default 60)",
         [](Options& o, const std::string& v) { return parse_seconds(v, o.worker_timeout); }},
        {"--explain", nullptr, "duet mode: explain each REGRESSION under callgrind: instructions, cache, allocations, top functions by change",
         [](Options& o, const std::string&) { o.explain = true; return std::string(); }},
        {"--explain-filter", "REGEX", "with --against: also explain the rows whose name matches (implies --explain)",
         [](Options& o, const std::string& v) {
             o.explain = true;
             o.explain_filter = v;
             return filter_problem(v);
         }},
        {"--explain-timeout", "SECONDS", "stop one explanation after this long, with a one-line note (default 30)",
         [](Options& o, const std::string& v) { return parse_seconds(v, o.explain_timeout); }},
        {"--explain-iterations", "N", "calls of the body counted per build when explaining (default 20)",
         [](Options& o, const std::string& v) {
             std::uint64_t n = 0;
             if (!parse_u64(v, n) || n < 1 || n > 100000) return "expects an integer from 1 to 100000, got '" + v + "'";
             o.explain_iterations = static_cast<int>(n);
             return std::string();
         }},
        {"--fail-on-missing", nullptr, "a benchmark in the baseline but not in this run fails the gate",
         [](Options& o, const std::string&) { o.gate.fail_on_missing = true; return std::string(); }},
        {"--fail-on-undecided", nullptr, "a benchmark still UNDECIDED after the time budget fails the gate",
         [](Options& o, const std::string&) { o.gate.fail_on_undecided = true; return std::string(); }},
        {"--accept", "NAME=REASON", "a REGRESSION of benchmark NAME that the change means: ACCEPTED, the gate passes (repeatable)",
         [](Options& o, const std::string& v) {
             const auto eq = v.find('=');
             if (eq == std::string::npos || eq == 0 || eq + 1 == v.size())
                 return "expects NAME=REASON (a benchmark's full name and why its regression is meant), got '" + v + "'";
             o.gate.accepted.emplace_back(v.substr(0, eq), v.substr(eq + 1));
             return std::string();
         }},
    };
}

// The public table: the core flags, one flag per exporter row, then --help and --version.
inline const std::vector<Flag>& flags() {
    static const std::vector<Flag> all = [] {
        std::vector<Flag> out = core_flags();
        const auto& rows = report::exporters();
        for (std::size_t i = 0; i < rows.size(); ++i)
            out.push_back({rows[i].flag, "FILE", rows[i].help, [i](Options& o, const std::string& v) {
                               if (v.empty()) return std::string("needs a file name or '-'");
                               o.outputs[i] = v;
                               return std::string();
                           }});
        out.push_back({"--help", nullptr, "show this help and exit",
                       [](Options& o, const std::string&) { o.help = true; return std::string(); }});
        out.push_back({"--version", nullptr, "print the version and exit",
                       [](Options& o, const std::string&) { o.version = true; return std::string(); }});
        return out;
    }();
    return all;
}

// Flags the binary passes to its own child processes: no help line, no environment mirror.
inline const std::vector<Flag>& hidden_flags() {
    static const std::vector<Flag> all = {
        {"--callgrind-child", "N", nullptr,  // under callgrind: collect N calls per benchmark
         [](Options& o, const std::string& v) {
             std::uint64_t n = 0;
             if (!parse_u64(v, n) || n == 0 || n > 1000000) return "expects a positive count, got '" + v + "'";
             o.callgrind_child = static_cast<int>(n);
             return std::string();
         }},
        {"--confirm-child", "FILE", nullptr,  // a confirmation: measure only, write the JSON to FILE
         [](Options& o, const std::string& v) { return file_value(o.confirm_child_path, v); }},
        {"--worker", nullptr, nullptr,  // serve the duet protocol on stdin/stdout
         [](Options& o, const std::string&) { o.worker = true; return std::string(); }},
    };
    return all;
}

using EnvLookup = std::function<const char*(const char*)>;

// parse() before its error is made one line.
inline Parsed parse_lines(int argc, const char* const* argv, const EnvLookup& getenv_fn) {
    Parsed p;
    for (const Flag& f : flags()) {
        if (std::string(f.name) == "--help" || std::string(f.name) == "--version") continue;
        const std::string var = env_name(f.name);
        const char* raw = getenv_fn(var.c_str());
        if (!raw) continue;
        const std::string v = raw;
        if (!f.value_name) {
            if (v == "1" || v == "true" || v == "yes" || v == "on") f.apply(p.options, v);
            else if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty()) continue;
            else {
                p.error = "environment variable " + var + "='" + v + "' expects 1 or 0";
                return p;
            }
        } else if (auto problem = f.apply(p.options, v); !problem.empty()) {
            p.error = "environment variable " + var + " " + problem;
            return p;
        }
    }
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        bool has_inline_value = false;
        if (arg.rfind("--", 0) == 0) {
            const auto eq = arg.find('=');
            if (eq != std::string::npos) {
                value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                has_inline_value = true;
            }
        }
        const Flag* flag = nullptr;
        for (const auto* table : {&flags(), &hidden_flags()})
            for (const Flag& f : *table)
                if (arg == f.name) flag = &f;
        if (!flag) {
            p.error = arg.rfind("-", 0) == 0 ? "unknown option '" + arg + "'" : "unexpected argument '" + arg + "'";
            return p;
        }
        if (flag->value_name) {
            if (!has_inline_value) {
                if (i + 1 >= argc) {
                    p.error = "option '" + arg + "' needs a value (" + flag->value_name + ")";
                    return p;
                }
                value = argv[++i];
            }
        } else if (has_inline_value) {
            p.error = "option '" + arg + "' takes no value";
            return p;
        }
        if (auto problem = flag->apply(p.options, value); !problem.empty()) {
            p.error = "option '" + arg + "' " + problem;
            return p;
        }
    }
    // A --threshold below the default warn band narrows the band with it; a --warn-threshold
    // given above the --threshold is a contradiction.
    if (p.options.gate.warn_threshold > p.options.gate.threshold) {
        if (p.options.warn_threshold_given)
            p.error = "option '--warn-threshold' must not exceed '--threshold'";
        else
            p.options.gate.warn_threshold = p.options.gate.threshold;
    }
    // --metric instructions gates on instructions unless --gate says otherwise.
    if (p.options.measure_instructions && !p.options.gate_explicit) p.options.gate.metric = Metric::instructions;
    return p;
}

// Environment mirrors first (BENCHGATE_FILTER=..., switches take 1/0, true/false, yes/no),
// then the command line, which wins. The error quotes the value it refuses, with line breaks
// and other control characters escaped.
inline Parsed parse(int argc, const char* const* argv, const EnvLookup& getenv_fn = [](const char* n) { return std::getenv(n); }) {
    Parsed p = parse_lines(argc, argv, getenv_fn);
    p.error = one_line(p.error);
    return p;
}

inline std::string usage(const char* program) {
    std::string out = "usage: " + std::string(program) + " [options]\n\n";
    out += "Measures the registered benchmarks and prints a table.\n\noptions:\n";
    for (const Flag& f : flags()) {
        std::string left = std::string("  ") + f.name + (f.value_name ? std::string(" ") + f.value_name : "");
        if (left.size() < 26) left.append(26 - left.size(), ' ');
        else left += ' ';
        out += left + f.help + "\n";
    }
    out += "\nEvery option has an environment mirror: --filter X is BENCHGATE_FILTER=X, --quick is BENCHGATE_QUICK=1.\n";
    out += "exit codes: 0 ok, 1 regression, 2 usage or input error, 3 a benchmark failed\n";
    return out;
}

}  // namespace benchgate::detail::cli
