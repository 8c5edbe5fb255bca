// benchgate: the bench binary's command line (floor 5): flags, environment mirrors, exit
// codes and main(). The only place that prints.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <functional>
#include <memory>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

#include <unistd.h>

#include "baseline.hpp"
#include "clock.hpp"
#include "registry.hpp"
#include "compare.hpp"
#include "duet.hpp"
#include "process.hpp"
#include "report/console.hpp"
#include "report/csv.hpp"
#include "report/json.hpp"
#include "report/markdown.hpp"
#include "runner.hpp"
#include "sysinfo.hpp"

namespace benchgate {

enum ExitCode : int { exit_ok = 0, exit_regression = 1, exit_usage = 2, exit_failed = 3 };

namespace cli {

enum class ColorMode { automatic, always, never };

struct Options {
    bool list = false;
    bool quick = false;
    bool quiet = false;
    bool help = false;
    bool version = false;
    bool detailed = false;
    std::string filter;
    std::string json_path;
    double profile_time = 0.0;
    ColorMode color = ColorMode::automatic;
    std::uint64_t seed = 0;
    // the regression gate
    std::string baseline_path;
    std::string save_baseline_path;
    std::string markdown_path;
    std::string csv_path;
    GateConfig gate;
    int confirm = 2;
    std::string confirm_child_path;  // hidden: measure only, write JSON here (a confirmation run)
    bool gate_explicit = false;      // --gate given (else --metric instructions implies it)
    bool measure_instructions = false;
    bool hardware_counters = false;
    int callgrind_child = 0;         // hidden: under callgrind, collect this many calls per benchmark
    std::string against_path;        // duet mode
    std::vector<std::string> against_env;
    double worker_timeout = 60.0;
    bool worker = false;             // hidden: serve the duet protocol on stdin/stdout
};

// Calls of each benchmark collected under callgrind: enough to average per-call variation,
// fixed so that two runs count exactly the same work.
inline constexpr int callgrind_iterations = 100;

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

inline bool parse_double(const std::string& s, double& out) {
    if (s.empty()) return false;
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

inline std::string file_value(std::string& target, const std::string& v) {
    if (v.empty()) return "needs a file name";
    target = v;
    return {};
}

inline const std::vector<Flag>& flags() {
    static const std::vector<Flag> all = {
        {"--list", nullptr, "list the selected benchmarks and exit",
         [](Options& o, const std::string&) { o.list = true; return std::string(); }},
        {"--filter", "REGEX", "run only benchmarks whose full name matches (ECMAScript regex)",
         [](Options& o, const std::string& v) { o.filter = v; return std::string(); }},
        {"--quick", nullptr, "short measurement for smoke runs (~10 ms per benchmark)",
         [](Options& o, const std::string&) { o.quick = true; return std::string(); }},
        {"--json", "FILE", "write results as JSON (schema benchgate/1); '-' is standard output",
         [](Options& o, const std::string& v) {
             if (v.empty()) return std::string("needs a file name or '-'");
             o.json_path = v;
             return std::string();
         }},
        {"--profile-time", "SECONDS", "run each selected body for SECONDS with no analysis (for perf)",
         [](Options& o, const std::string& v) { return parse_seconds(v, o.profile_time); }},
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
        {"--seed", "N", "seed of the bootstrap and of the interleaving order (default 0)",
         [](Options& o, const std::string& v) {
             if (!parse_u64(v, o.seed)) return "expects a non-negative integer, got '" + v + "'";
             o.gate.seed = o.seed;
             return std::string();
         }},
        {"--baseline", "FILE", "compare against this baseline; exit 1 on a confirmed REGRESSION",
         [](Options& o, const std::string& v) { return file_value(o.baseline_path, v); }},
        {"--save-baseline", "FILE", "write this run as a baseline (atomically; after comparing)",
         [](Options& o, const std::string& v) { return file_value(o.save_baseline_path, v); }},
        {"--threshold", "PCT", "REGRESSION / IMPROVED beyond this change (default 10)",
         [](Options& o, const std::string& v) { return parse_percent(v, o.gate.threshold, 1000); }},
        {"--warn-threshold", "PCT", "SLOWER / FASTER beyond this change (default 5)",
         [](Options& o, const std::string& v) { return parse_percent(v, o.gate.warn_threshold, 1000); }},
        {"--noise", "PCT", "smallest noise band: intervals within it are STABLE (default 1)",
         [](Options& o, const std::string& v) { return parse_percent(v, o.gate.noise, 100); }},
        {"--alpha", "P", "family-wise significance level, Holm-adjusted (default 0.05)",
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
        {"--confirm", "N", "re-measure a suspected REGRESSION up to N times in fresh processes (default 2)",
         [](Options& o, const std::string& v) {
             std::uint64_t n = 0;
             if (!parse_u64(v, n) || n > 20) return "expects an integer from 0 to 20, got '" + v + "'";
             o.confirm = static_cast<int>(n);
             return std::string();
         }},
        {"--speed-correction", "on|off", "correct changes for the machine's speed, from a reference workload (default on)",
         [](Options& o, const std::string& v) {
             if (v == "on") o.gate.speed_correction = true;
             else if (v == "off") o.gate.speed_correction = false;
             else return "expects on or off, got '" + v + "'";
             return std::string();
         }},
        {"--gate", "METRIC", "what the verdict uses: time, instructions or allocations (default time)",
         [](Options& o, const std::string& v) {
             if (!parse_metric(v, o.gate.metric)) return "expects time, instructions or allocations, got '" + v + "'";
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
        {"--callgrind-child", "N", nullptr,
         [](Options& o, const std::string& v) {
             std::uint64_t n = 0;
             if (!parse_u64(v, n) || n == 0 || n > 1000000) return "expects a positive count, got '" + v + "'";
             o.callgrind_child = static_cast<int>(n);
             return std::string();
         }},
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
        {"--worker", nullptr, nullptr, [](Options& o, const std::string&) { o.worker = true; return std::string(); }},
        {"--fail-on-missing", nullptr, "a benchmark in the baseline but not in this run fails the gate",
         [](Options& o, const std::string&) { o.gate.fail_on_missing = true; return std::string(); }},
        {"--markdown", "FILE", "write the comparison (or results) as a markdown PR comment; '-' is stdout",
         [](Options& o, const std::string& v) { return file_value(o.markdown_path, v); }},
        {"--csv", "FILE", "write one CSV row per benchmark; '-' is standard output",
         [](Options& o, const std::string& v) { return file_value(o.csv_path, v); }},
        {"--confirm-child", "FILE", nullptr,
         [](Options& o, const std::string& v) { return file_value(o.confirm_child_path, v); }},
        {"--help", nullptr, "show this help and exit",
         [](Options& o, const std::string&) { o.help = true; return std::string(); }},
        {"--version", nullptr, "print the version and exit",
         [](Options& o, const std::string&) { o.version = true; return std::string(); }},
    };
    return all;
}

using EnvLookup = std::function<const char*(const char*)>;

// Environment mirrors first (BENCHGATE_FILTER=..., switches take 1/0, true/false, yes/no),
// then the command line, which wins.
inline Parsed parse(int argc, const char* const* argv, const EnvLookup& getenv_fn = [](const char* n) { return std::getenv(n); }) {
    Parsed p;
    for (const Flag& f : flags()) {
        if (!f.help || std::string(f.name) == "--help" || std::string(f.name) == "--version") continue;
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
        for (const Flag& f : flags())
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
    if (p.options.gate.warn_threshold > p.options.gate.threshold)
        p.error = "option '--warn-threshold' must not exceed '--threshold'";
    // --metric instructions gates on instructions unless --gate says otherwise.
    if (p.options.measure_instructions && !p.options.gate_explicit) p.options.gate.metric = Metric::instructions;
    return p;
}

inline std::string usage(const char* program) {
    std::string out = "usage: " + std::string(program) + " [options]\n\n";
    out += "Measures the registered benchmarks and prints a table.\n\noptions:\n";
    for (const Flag& f : flags()) {
        if (!f.help) continue;  // internal
        std::string left = std::string("  ") + f.name + (f.value_name ? std::string(" ") + f.value_name : "");
        if (left.size() < 26) left.append(26 - left.size(), ' ');
        else left += ' ';
        out += left + f.help + "\n";
    }
    out += "\nEvery option has an environment mirror: --filter X is BENCHGATE_FILTER=X, --quick is BENCHGATE_QUICK=1.\n";
    out += "exit codes: 0 ok, 1 regression, 2 usage or input error, 3 a benchmark failed\n";
    return out;
}

inline MeasureConfig measure_config(const Options& o, const ClockInfo& clock) {
    MeasureConfig m;
    if (o.quick) {
        m.warmup_ms = 2.0;
        m.sample_ms = 0.5;
        m.samples = 10;
        m.rounds = 2;
        m.min_samples = 5;
        m.max_ms = 25.0;
    }
    m.profile_seconds = o.profile_time;
    m.clock = clock;
    return m;
}

inline bool color_enabled(ColorMode mode, int fd) {
    if (mode == ColorMode::always) return true;
    if (mode == ColorMode::never) return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color && *no_color) return false;
    const char* term = std::getenv("TERM");
    if (term && std::string(term) == "dumb") return false;
    return ::isatty(fd) != 0;
}

inline void print_error(const std::string& message) { std::fprintf(stderr, "benchgate: error: %s\n", message.c_str()); }

// Starts this binary again for just `names`, measuring in a fresh process.
inline LoadedRun remeasure_in_fresh_process(const Options& opt, const std::vector<std::string>& names, int attempt) {
    LoadedRun out;
    const std::string self = self_executable();
    if (self.empty()) {
        out.error = "cannot find this executable (/proc/self/exe)";
        return out;
    }
    char path[] = "/tmp/benchgate-confirm-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) {
        out.error = std::string("cannot create a temporary file: ") + std::strerror(errno);
        return out;
    }
    ::close(fd);
    std::vector<std::string> args = {self, "--confirm-child", path, "--filter", exact_names_pattern(names),
                                     "--seed", std::to_string(opt.seed + static_cast<std::uint64_t>(attempt))};
    if (opt.quick) args.push_back("--quick");
    if (!opt.against_path.empty()) {
        args.insert(args.end(), {"--against", opt.against_path, "--worker-timeout", std::to_string(opt.worker_timeout)});
        for (const auto& kv : opt.against_env) args.insert(args.end(), {"--against-env", kv});
    }
    const ProcessResult r = run_process(args, std::chrono::minutes(30));
    if (!r.error.empty()) out.error = "fresh process " + r.error;
    else if (r.exit_code != 0) out.error = "fresh process exited with code " + std::to_string(r.exit_code);
    else out = read_run_file(path);
    ::unlink(path);
    return out;
}

inline std::string format_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// Writes an export; "-" is standard output. Returns "" or the problem.
inline std::string write_export(const std::string& path, const std::string& content) {
    return path.empty() ? std::string() : write_file_atomic(path, content);
}

inline int main(int argc, char** argv) {
    const char* program = argc > 0 ? argv[0] : "bench";
    const Parsed parsed = parse(argc, argv);
    if (!parsed.ok()) {
        print_error(parsed.error + " (try --help)");
        return exit_usage;
    }
    const Options& opt = parsed.options;
    if (opt.help) {
        std::fputs(usage(program).c_str(), stdout);
        return exit_ok;
    }
    if (opt.version) {
        std::printf("benchgate %s\n", BENCHGATE_VERSION_STRING);
        return exit_ok;
    }
    if (const std::string problem = validate(registry()); !problem.empty()) {
        print_error(problem);
        return exit_usage;
    }
    if (opt.worker) return run_worker(measure_config(opt, measure_clock()));
    if (!opt.against_path.empty() && (opt.measure_instructions || opt.gate.metric != Metric::time)) {
        print_error("--against compares time only; it cannot be combined with --metric or --gate " +
                    std::string(to_string(opt.gate.metric)));
        return exit_usage;
    }
    if (!opt.against_path.empty() && !opt.baseline_path.empty()) {
        print_error("--against and --baseline are two ways to compare; give one");
        return exit_usage;
    }
    std::vector<const Registration*> selected;
    try {
        selected = select(registry(), opt.filter);
    } catch (const std::regex_error& e) {
        print_error("option '--filter' has an invalid regex '" + opt.filter + "': " + e.what());
        return exit_usage;
    }
    if (opt.list) {
        for (const Registration* r : selected) std::printf("%s\n", r->name.c_str());
        return exit_ok;
    }
    if (selected.empty()) {
        print_error(opt.filter.empty() ? "no benchmarks are registered"
                                       : "no benchmark matches --filter '" + opt.filter + "' (see --list)");
        return exit_usage;
    }

    RunConfig config;
    config.measure = measure_config(opt, measure_clock());
    config.seed = opt.seed;

    // Under callgrind (started by --metric instructions): count, dump, say nothing.
    if (opt.callgrind_child > 0) {
        config.measure.callgrind_iterations = opt.callgrind_child;
        config.measure.rounds = 1;
        config.measure_reference = false;
        const RunResult run = run_benchmarks(selected, config);
        for (const auto& b : run.benchmarks)
            if (b.failed()) return exit_failed;
        return exit_ok;
    }
    if (opt.gate.metric == Metric::allocations && !allocation_tracking_installed()) {
        print_error("--gate allocations needs allocation counting: #define BENCHGATE_COUNT_ALLOCATIONS before including "
                    "benchgate.hpp in the file that defines BENCHGATE_MAIN");
        return exit_usage;
    }

    // Duet mode: the other build must be up and speaking our protocol before anything is
    // measured; the worker lives until this function returns.
    WorkerProcess worker;
    std::unique_ptr<ParentDuetDriver> duet;
    std::vector<std::string> against_only;
    if (!opt.against_path.empty()) {
        if (std::string err = worker.start(opt.against_path, opt.against_env, opt.worker_timeout); !err.empty()) {
            print_error("--against: " + err);
            return exit_usage;
        }
        std::string reply;
        std::vector<std::string> worker_names;
        std::string err = worker.request("list", reply, opt.worker_timeout);
        if (err.empty()) err = parse_worker_list(reply, worker_names);
        if (!err.empty()) {
            print_error("--against " + opt.against_path + ": " + err);
            return exit_usage;
        }
        const std::regex filter(opt.filter.empty() ? std::string(".*") : opt.filter, std::regex::ECMAScript);
        for (const auto& n : worker_names) {
            bool here = false;
            for (const auto& r : registry()) here = here || r.name == n;
            if (!here && std::regex_search(n, filter)) against_only.push_back(n);
        }
        duet = std::make_unique<ParentDuetDriver>(worker, worker_names, opt.seed);
        config.measure.duet = duet.get();
        config.measure.rounds = 1;
        config.measure_reference = false;
    }

    // A confirmation run: measure, write the JSON, say nothing.
    if (!opt.confirm_child_path.empty()) {
        const RunResult run = run_benchmarks(selected, config);
        if (duet && !duet->failure().empty()) {
            print_error(duet->failure());
            return exit_usage;
        }
        if (const std::string problem = write_file_atomic(opt.confirm_child_path, to_json(run)); !problem.empty()) {
            print_error(problem);
            return exit_usage;
        }
        return exit_ok;
    }

    // Read the baseline before measuring: a bad file fails in milliseconds, not minutes.
    LoadedRun baseline;
    if (!opt.baseline_path.empty()) {
        baseline = read_run_file(opt.baseline_path);
        if (!baseline.ok()) {
            print_error(baseline.error);
            return exit_usage;
        }
    }

    // Exports that claim standard output push the console table to stderr.
    const bool stdout_taken = opt.json_path == "-" || opt.markdown_path == "-" || opt.csv_path == "-";
    std::FILE* console = stdout_taken ? stderr : stdout;
    const report::Style style{color_enabled(opt.color, ::fileno(console))};
    const report::Style err_style{color_enabled(opt.color, STDERR_FILENO)};
    for (const std::string& w : machine_warnings())
        std::fprintf(stderr, "%s\n", (err_style.yellow("warning: ") + w).c_str());
    PerfCounters perf;
    std::string counters_note;
    if (opt.hardware_counters) {
        if (const std::string why = perf.open(); !why.empty()) {
            counters_note = "hardware counters unavailable, continuing without them: " + why;
            std::fprintf(stderr, "%s\n", (err_style.dim("note: ") + counters_note).c_str());
        } else {
            config.measure.perf = &perf;
        }
    }

    const bool show_progress = !opt.quiet && ::isatty(STDERR_FILENO);
    ProgressFn progress;
    if (show_progress)
        progress = [](const std::string& name, int index, int count, int round, int rounds) {
            std::fprintf(stderr, "\r\x1b[2K[%d/%d] round %d/%d  %s", index + 1, count, round + 1, rounds, name.c_str());
            std::fflush(stderr);
        };
    RunResult run = run_benchmarks(selected, config, progress);
    if (show_progress) std::fprintf(stderr, "\r\x1b[2K");
    if (duet && !duet->failure().empty()) {
        print_error(duet->failure());
        return exit_usage;
    }
    if (!counters_note.empty()) run.context.notes.push_back(counters_note);
    if (opt.measure_instructions && opt.profile_time <= 0.0) {
        if (show_progress) std::fprintf(stderr, "counting instructions under callgrind...");
        std::vector<std::string> names;
        for (const auto& b : run.benchmarks) names.push_back(b.name);
        const std::vector<std::string> child = {self_executable(), "--callgrind-child", std::to_string(callgrind_iterations),
                                                "--filter", exact_names_pattern(names), "--quiet"};
        const std::string problem = measure_instructions(run, child, callgrind_iterations);
        if (show_progress) std::fprintf(stderr, "\r\x1b[2K");
        if (!problem.empty()) {
            print_error(problem);
            return exit_usage;
        }
    }

    int failed = 0;
    for (const auto& b : run.benchmarks) failed += b.failed() ? 1 : 0;
    if (opt.profile_time > 0.0) {
        if (!opt.quiet)
            std::fprintf(console, "profiled %zu benchmark(s) for %g s each\n", run.benchmarks.size(), opt.profile_time);
        for (const auto& b : run.benchmarks)
            if (b.failed()) print_error(b.name + " failed: " + b.error);
        return failed ? exit_failed : exit_ok;
    }

    GateReport report;
    const bool gated = (baseline.ok() && !opt.baseline_path.empty()) || duet;
    if (!opt.baseline_path.empty() && opt.gate.metric != Metric::time) {
        bool any = false;
        for (const auto& b : baseline.run.benchmarks) any = any || std::isfinite(metric_value(b, opt.gate.metric));
        if (!any) {
            print_error(opt.baseline_path + ": has no " + to_string(opt.gate.metric) + " counts to gate on (save it with " +
                        (opt.gate.metric == Metric::instructions ? "--metric instructions" : "allocation counting") + ")");
            return exit_usage;
        }
    }
    if (duet) {
        report = confirm_suspects(
            compare_duet(run, against_only, opt.gate), run, opt.gate, opt.confirm,
            [&](const std::vector<std::string>& names, int attempt) {
                if (show_progress)
                    std::fprintf(stderr, "\r\x1b[2Kre-measuring %zu suspect(s) in a fresh duet (%d/%d)", names.size(), attempt,
                                 opt.confirm);
                return remeasure_in_fresh_process(opt, names, attempt);
            },
            [&](const RunResult& rerun, const std::vector<std::string>&) { return compare_duet(rerun, {}, opt.gate); });
        if (show_progress) std::fprintf(stderr, "\r\x1b[2K");
        std::size_t pairs = 0;
        for (const auto& b : run.benchmarks) pairs = std::max(pairs, b.paired_baseline.size());
        report.mode_note = "duet: interleaved comparison against " + opt.against_path + " (" + std::to_string(pairs) +
                           " pairs per benchmark, each in random order; Wilcoxon signed-rank on the per-pair ratios)";
    } else if (gated) {
        if (show_progress) std::fprintf(stderr, "comparing against %s...", opt.baseline_path.c_str());
        report = gate(baseline.run, run, opt.gate, opt.confirm,
                      [&](const std::vector<std::string>& names, int attempt) {
                          if (show_progress)
                              std::fprintf(stderr, "\r\x1b[2Kre-measuring %zu suspect(s) in a fresh process (%d/%d)",
                                           names.size(), attempt, opt.confirm);
                          return remeasure_in_fresh_process(opt, names, attempt);
                      });
        if (show_progress) std::fprintf(stderr, "\r\x1b[2K");
    }

    if (!opt.quiet) {
        std::fputs(report::console_results(run, style, opt.detailed).c_str(), console);
        if (gated) std::fputs(("\n" + report::console_comparison(report, style)).c_str(), console);
    } else {
        for (const auto& b : run.benchmarks)
            if (b.failed()) print_error(b.name + " failed: " + b.error);
        if (gated) {
            if (!report.machine_warning.empty())
                std::fprintf(stderr, "%s\n", (err_style.yellow("warning: ") + report.machine_warning).c_str());
            for (const auto& c : report.rows)
                if (c.status == Status::regression || c.status == Status::missing || c.status == Status::slower)
                    std::fprintf(console, "%s %s %s\n", report::paint_status(c.status, style).c_str(), c.name.c_str(),
                                 report::format_change(c.change.point).c_str());
        }
    }

    const GateReport* gate_ptr = gated ? &report : nullptr;
    std::string problem = write_export(opt.json_path, report::json_report(run, gate_ptr, opt.baseline_path));
    if (problem.empty() && !opt.markdown_path.empty())
        problem = write_export(opt.markdown_path, gated ? report::markdown_comparison(report) : report::markdown_results(run));
    if (problem.empty()) problem = write_export(opt.csv_path, report::csv_report(run, gate_ptr));
    if (problem.empty() && !opt.save_baseline_path.empty()) {
        if (failed)
            problem = "not saving " + opt.save_baseline_path + ": " + std::to_string(failed) +
                      " benchmark(s) failed, and a baseline must be complete";
        else
            problem = write_file_atomic(opt.save_baseline_path, to_json(run));
    }
    if (!problem.empty()) {
        print_error(problem);
        return failed ? exit_failed : exit_usage;
    }
    if (failed) return exit_failed;
    if (gated && report.failed()) return exit_regression;
    return exit_ok;
}

}  // namespace cli
}  // namespace benchgate
