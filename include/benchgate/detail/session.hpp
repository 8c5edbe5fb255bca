// benchgate: the bench binary's main(). A short dispatch over one function per mode, each
// working on a Session (the options, the run's configuration, the console). This is the only
// part of the engine that prints.
//
//   --help / --version        print and exit
//   --worker                  duet worker: serve samples to the parent over the protocol (duet.hpp)
//   --list                    print the selected names
//   --callgrind-child N       under valgrind: count N calls per benchmark, print nothing
//   --confirm-child FILE      a confirmation: measure the selected benchmarks, write FILE
//   --profile-time S          run each body for S seconds, record nothing
//   otherwise                 measure; compare with --baseline FILE or --against BUILD; report
//
// Every mode runs under the guards of guard.hpp: a body that calls exit(), crashes or outlasts
// --timeout is named on one line, and an interrupted run (SIGINT, SIGTERM) writes nothing and
// exits 128 + the signal's number.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../compare.hpp"
#include "../confirmation.hpp"
#include "../exit_codes.hpp"
#include "../registry.hpp"
#include "../report/console.hpp"
#include "../report/exporters.hpp"
#include "../report/format.hpp"
#include "../result_file.hpp"
#include "allocation_counting.hpp"
#include "callgrind_driver.hpp"
#include "clock_info.hpp"
#include "duet.hpp"
#include "explain.hpp"
#include "files.hpp"
#include "flags.hpp"
#include "guard.hpp"
#include "history.hpp"
#include "instructions.hpp"
#include "one_line.hpp"
#include "perf_counters.hpp"
#include "process.hpp"
#include "profile_driver.hpp"
#include "runner.hpp"
#include "selection.hpp"
#include "sysinfo.hpp"
#include "utf8.hpp"

namespace benchgate::detail::cli {

// Calls of each benchmark collected under callgrind: enough to average per-call variation,
// fixed so that two runs count exactly the same work.
inline constexpr int callgrind_iterations = 100;

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

inline void print_error(const std::string& message) { std::fprintf(stderr, "benchgate: error: %s\n", one_line(message).c_str()); }

// The end of an interrupted run: one line, nothing written, 128 + the signal's number.
inline int interrupted_exit() {
    std::fprintf(stderr, "benchgate: interrupted; nothing written\n");
    return 128 + interrupted();
}

// What a fresh process left in its result file when it ended inside a body: the benchmark's
// name and, when its guard could say it, why (guard.hpp). Empty when the file holds results.
struct Unfinished {
    std::string name, reason;
};

inline Unfinished read_unfinished(const std::string& path) {
    const std::string text = read_text_file(path);
    Unfinished u;
    if (text.empty() || text[0] == '{') return u;
    const std::size_t nl = text.find('\n');
    u.name = text.substr(0, nl);
    if (nl != std::string::npos) u.reason = text.substr(nl + 1, text.find('\n', nl + 1) - nl - 1);
    return u;
}

// The FAILED reason of the benchmark a fresh process ended in, or "" when its end is not the
// body's doing (this process or the fresh one was interrupted).
inline std::string fresh_process_end(const ProcessResult& r, const Unfinished& u) {
    if (u.name.empty() || r.interrupted || r.exit_code == 128 + SIGINT || r.exit_code == 128 + SIGTERM ||
        r.killed_by == SIGINT || r.killed_by == SIGTERM)
        return {};
    if (!u.reason.empty()) return u.reason;
    if (r.timed_out) return "did not finish: the wait for the fresh process " + r.error;
    if (r.killed_by) return "was " + r.error + " during measurement";
    return "ended the process (exit code " + std::to_string(r.exit_code) + ") during measurement";
}

// Starts this binary again as a fresh process that measures the same selection as this run,
// in the same interleaving order (same --filter, same seed), and reads back its results. The
// suspects are measured in the company they were measured in: alone, a benchmark can run in
// another state of the allocator and the caches than the one it was judged in.
//
// A fresh process that ends inside a body (exit(), a crash, its --timeout) names the benchmark
// in its result file: the run returned then holds that benchmark alone, FAILED with the reason,
// and `ended_in` remembers it so that no further fresh process is started for this run.
//
// `first_process_s` is how long this process took to measure the selection: the fresh process
// measures the same, so it is given ten times that (at least 20 s, for start-up on a loaded
// host, and 10 s beyond --timeout, so that a fresh process's own --timeout speaks first). A body
// that never returns in it is then bounded even without --timeout.
inline std::chrono::milliseconds fresh_process_wait(const Options& opt, double first_process_s) {
    double s = std::max(20.0, 10.0 * first_process_s);
    if (opt.timeout > 0) s = std::max(s, opt.timeout + 10.0);
    return std::chrono::milliseconds(static_cast<long long>(std::min(s, 1e9) * 1000.0));
}

inline LoadedRun remeasure_in_fresh_process(const Options& opt, double first_process_s, std::string& ended_in,
                                            std::uint64_t seed) {
    LoadedRun out;
    if (!ended_in.empty()) {
        out.error = "not measured again: a fresh process ended in " + ended_in;
        return out;
    }
    const std::string self = self_executable();
    if (self.empty()) {
        out.error = "cannot find this executable (/proc/self/exe)";
        return out;
    }
    // The fresh process writes its result into a work directory that this process holds
    // locked: killed, it leaves one that the next benchgate process removes.
    files::WorkDir work;
    if (std::string problem = make_work_dir("benchgate-confirm-", work); !problem.empty()) {
        out.error = problem;
        return out;
    }
    const std::string path = work.path + "/result.json";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        out.error = "cannot create " + path + ": " + std::strerror(errno);
        return out;
    }
    ::close(fd);
    std::vector<std::string> args = {self, "--confirm-child", path, "--seed", std::to_string(seed)};
    if (!opt.filter.empty()) args.insert(args.end(), {"--filter", opt.filter});
    if (opt.shard_count > 0) args.insert(args.end(), {"--shard", opt.shard()});
    if (opt.quick) args.push_back("--quick");
    if (opt.timeout > 0) args.insert(args.end(), {"--timeout", std::to_string(opt.timeout)});
    if (!opt.against_path.empty()) {
        args.insert(args.end(), {"--against", opt.against_path, "--worker-timeout", std::to_string(opt.worker_timeout)});
        for (const auto& kv : opt.against_env) args.insert(args.end(), {"--against-env", kv});
    }
    const ProcessResult r = run_process(args, fresh_process_wait(opt, first_process_s));
    const Unfinished unfinished = read_unfinished(path);
    if (const std::string reason = fresh_process_end(r, unfinished); !reason.empty()) {
        BenchmarkResult failed;
        failed.name = unfinished.name;
        failed.error = reason;
        out.run.benchmarks.push_back(failed);
        ended_in = unfinished.name;
    } else if (!r.error.empty()) {
        out.error = "fresh process " + r.error;
    } else if (r.exit_code != 0) {
        out.error = "fresh process exited with code " + std::to_string(r.exit_code);
    } else {
        out = read_run_file(path);
    }
    return out;
}

// Pins this process (and so every process it starts: fresh processes, the --against worker)
// to one CPU. auto: the highest-numbered CPU this process may use (CPU 0 usually takes the
// most interrupts); a number: that CPU; off: nothing. Returns the CPU, or -1 when not pinned
// ("" in `problem` unless the requested CPU cannot be used).
inline int pin_to_one_cpu(int requested, std::string& problem) {
    if (requested == -1) return -1;
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    int cpu = requested;
    if (cpu == -2) {
        if (CPU_COUNT(&allowed) < 1) return -1;
        for (int c = CPU_SETSIZE - 1; c >= 0; --c)
            if (CPU_ISSET(c, &allowed)) {
                cpu = c;
                break;
            }
    } else if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed)) {
        problem = "option '--pin': CPU " + std::to_string(requested) + " is not one this process may run on";
        return -1;
    }
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (::sched_setaffinity(0, sizeof one, &one) != 0) return -1;
    return cpu;
}

// What every mode works on.
struct Session {
    Options opt;
    std::string program;
    std::string suite;  // the bench binary's file name: JUnit's testsuite
    std::vector<const Registration*> selected;
    RunConfig config;
    // Duet mode: the other build, up and speaking the protocol before anything is measured.
    WorkerProcess worker;
    std::unique_ptr<ParentDuetDriver> duet;
    std::vector<std::string> against_only;  // names only the other build has (MISSING rows)
    LoadedRun baseline;
    PerfCounters perf;
    std::FILE* console = stdout;
    report::Style style, err_style;
    bool show_progress = false;
    int pinned_cpu = -1;
    std::string fresh_process_ended_in;  // a benchmark a fresh process ended in (remeasure_in_fresh_process)
    double measured_s = 0;               // how long measure() took: bounds the wait for a fresh process
    std::uint64_t duet_seed = 0;         // the order of this duet run's turns; each fresh duet gets its own
    std::uint64_t duet_runs = 0;         // fresh duets started

    void progress_line(const std::string& text) const {
        if (!show_progress) return;
        std::fprintf(stderr, "\r\x1b[2K%s", text.c_str());
        std::fflush(stderr);
    }
    void clear_progress() const {
        if (show_progress) std::fprintf(stderr, "\r\x1b[2K");
    }
    void warn(const std::string& message) const {
        std::fprintf(stderr, "%s\n", (err_style.yellow("warning: ") + one_line(message)).c_str());
    }
};

inline int count_failed(const RunResult& run) {
    int failed = 0;
    for (const auto& b : run.benchmarks) failed += b.failed() ? 1 : 0;
    return failed;
}

// ---------------------------------------------------------------- modes

inline int list_mode(Session& s) {
    for (const Registration* r : s.selected) std::printf("%s\n", one_line(r->name).c_str());
    return exit_ok;
}

// A driver other than the Sampler measures each benchmark in one go: one round, and no
// speed reference beside it.
inline void use_single_pass_driver(Session& s, Driver& driver) {
    s.config.driver = &driver;
    s.config.measure.rounds = 1;
    s.config.measure_reference = false;
}

// Under callgrind (started by --metric instructions): count, dump, say nothing.
inline int callgrind_child_mode(Session& s) {
    CallgrindDriver driver(s.opt.callgrind_child);
    use_single_pass_driver(s, driver);
    const RunResult run = run_benchmarks(s.selected, s.config);
    if (interrupted()) return 128 + interrupted();
    return count_failed(run) ? exit_failed : exit_ok;
}

// A confirmation run: measure, write the JSON, say nothing. Until the JSON replaces it, the
// file names the benchmark being measured, for the parent should this process end in a body.
inline int confirm_child_mode(Session& s) {
    report_to_file(::open(s.opt.confirm_child_path.c_str(), O_WRONLY | O_CLOEXEC));
    const RunResult run = run_benchmarks(s.selected, s.config);
    if (interrupted()) return 128 + interrupted();
    if (s.duet && !s.duet->failure().empty()) {
        print_error(s.duet->failure());
        return exit_usage;
    }
    if (const std::string problem = write_file_atomic(s.opt.confirm_child_path, to_json(run)); !problem.empty()) {
        print_error(problem);
        return exit_usage;
    }
    return exit_ok;
}

// A seed nobody chose: the order of a duet's turns is new in every run unless --seed fixes it.
inline std::uint64_t random_seed() {
    std::random_device device;
    const std::uint64_t t = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    return (static_cast<std::uint64_t>(device()) << 32 ^ device()) ^ t ^ static_cast<std::uint64_t>(::getpid()) << 48;
}

// The seed of the next fresh duet: drawn from this run's, so that every duet run of a gate has
// its own order and a given --seed still repeats them all.
inline std::uint64_t next_duet_seed(Session& s) {
    stats::Rng rng(s.duet_seed + 0x9e3779b97f4a7c15ULL * ++s.duet_runs);
    return rng.next();
}

// --against: start the other build and learn which benchmarks it has. Returns "" or the problem.
inline std::string start_duet(Session& s) {
    const Options& opt = s.opt;
    if (std::string err = s.worker.start(opt.against_path, opt.against_env, opt.worker_timeout); !err.empty())
        return "--against: " + err;
    std::string reply;
    std::vector<std::string> worker_names;
    std::string err = s.worker.request("list", reply, opt.worker_timeout);
    if (err.empty()) err = parse_worker_list(reply, worker_names);
    if (!err.empty()) return "--against " + opt.against_path + ": " + err;
    NameFilter filter;
    filter.compile(opt.filter);  // checked when the flag was read
    std::unordered_set<std::string_view> mine;
    for (const auto& r : registry()) mine.insert(r.name);
    for (const auto& n : worker_names) {
        const bool here = mine.count(n) > 0;
        if (!here && filter.matches(n) && (opt.shard_count == 0 || in_shard(n, opt.shard_index, opt.shard_count)))
            s.against_only.push_back(n);
    }
    // A fresh duet (--confirm-child) is given its own seed by its parent.
    s.duet_seed = opt.seed_given ? opt.seed : random_seed();
    s.duet = std::make_unique<ParentDuetDriver>(s.worker, worker_names, s.duet_seed);
    use_single_pass_driver(s, *s.duet);
    return {};
}

// The console, its colours, machine warnings and hardware counters for a measuring mode.
// Where the console table goes (standard error when an export takes standard output) and its colours.
inline void choose_console(Session& s) {
    s.console = s.opt.stdout_taken() ? stderr : stdout;
    s.style = report::Style{color_enabled(s.opt.color, ::fileno(s.console))};
    s.err_style = report::Style{color_enabled(s.opt.color, STDERR_FILENO)};
    s.show_progress = !s.opt.quiet && ::isatty(STDERR_FILENO);
}

inline void prepare_console(Session& s, std::vector<std::string>& notes) {
    choose_console(s);
    for (const std::string& w : machine_warnings()) s.warn(w);
    if (s.opt.hardware_counters) {
        if (const std::string why = s.perf.open(); !why.empty()) {
            notes.push_back("hardware counters unavailable, continuing without them: " + why);
            std::fprintf(stderr, "%s\n", (s.err_style.dim("note: ") + notes.back()).c_str());
        } else {
            s.config.measure.perf = &s.perf;
        }
    }
}

// Runs the selected benchmarks with the session's driver, showing progress. Returns exit_ok
// or the exit code of a failure that ends the run.
inline int measure(Session& s, RunResult& run) {
    std::vector<std::string> notes;
    prepare_console(s, notes);
    ProgressFn progress;
    if (s.show_progress)
        progress = [](const std::string& name, int index, int count, int round, int rounds) {
            std::fprintf(stderr, "\r\x1b[2K[%d/%d] round %d/%d  %s", index + 1, count, round + 1, rounds, one_line(name).c_str());
            std::fflush(stderr);
        };
    const auto started = std::chrono::steady_clock::now();
    run = run_benchmarks(s.selected, s.config, progress);
    s.measured_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    s.clear_progress();
    if (interrupted()) return interrupted_exit();
    if (s.duet && !s.duet->failure().empty()) {
        print_error(s.duet->failure());
        return exit_usage;
    }
    for (auto& n : notes) run.context.notes.push_back(n);
    // The run records what it was told to accept among its own benchmarks (a history keeps it).
    for (const auto& a : s.opt.gate.accepted)
        for (const BenchmarkResult& b : run.benchmarks)
            if (b.name == a.first) {
                run.context.accepted.push_back(a);
                break;
            }
    run.context.pinned_cpu = s.pinned_cpu;
    run.context.shard = s.opt.shard();
    return exit_ok;
}

// A shard that selects none of the benchmarks: nothing is measured, and the run is written like
// any other (an empty list of benchmarks), so that every shard of a CI matrix leaves a file for
// `benchgate merge`.
inline RunResult empty_shard_run(Session& s) {
    choose_console(s);
    std::fprintf(stderr, "%s\n",
                 (s.err_style.dim("note: ") + "shard " + s.opt.shard() + " selects none of the benchmarks" +
                  (s.opt.filter.empty() ? std::string() : " that match --filter") + ": nothing to measure")
                     .c_str());
    RunResult run;
    run.created = utc_timestamp();
    run.context = current_context();
    run.context.pinned_cpu = s.pinned_cpu;
    run.context.shard = s.opt.shard();
    return run;
}

inline int profile_mode(Session& s) {
    ProfileDriver driver(s.opt.profile_time);
    use_single_pass_driver(s, driver);
    s.config.summarize = false;
    RunResult run;
    if (const int rc = measure(s, run); rc != exit_ok) return rc;
    if (!s.opt.quiet)
        std::fprintf(s.console, "profiled %zu benchmark(s) for %g s each\n", run.benchmarks.size(), s.opt.profile_time);
    for (const auto& b : run.benchmarks)
        if (b.failed()) print_error(b.name + " failed: " + b.error);
    return count_failed(run) ? exit_failed : exit_ok;
}

// --metric instructions: the same benchmarks again under callgrind. Returns "" or the problem.
inline std::string count_instructions(Session& s, RunResult& run) {
    s.progress_line("counting instructions under callgrind...");
    std::vector<std::string> names;
    for (const auto& b : run.benchmarks) names.push_back(b.name);
    const std::vector<std::string> child = {self_executable(), "--callgrind-child", std::to_string(callgrind_iterations),
                                            "--filter", exact_names_pattern(names), "--quiet"};
    const std::string problem = measure_instructions(run, child, callgrind_iterations);
    s.clear_progress();
    return problem;
}

// --confirm 0 measures no fresh process at all, not even for a likely regression.
inline SequentialPlan sequential_plan(const Options& opt) {
    SequentialPlan plan;
    plan.max_extra = opt.confirm;
    plan.likely_extra = opt.confirm > 0 ? plan.likely_extra : 0;
    plan.budget_s = opt.time_budget;
    return plan;
}

// The comparison against the baseline file, with more fresh processes where the decision needs them.
inline GateReport compare_with_file(Session& s, RunResult& run) {
    const Options& opt = s.opt;
    s.progress_line("comparing against " + opt.baseline_path + "...");
    GateReport report = gate(s.baseline.run, run, opt.gate, sequential_plan(opt), [&](const std::vector<std::string>& names, int attempt) {
        s.progress_line("measuring fresh process " + std::to_string(attempt) + " for " + std::to_string(names.size()) +
                        " benchmark(s) not yet decided");
        return remeasure_in_fresh_process(opt, s.measured_s, s.fresh_process_ended_in, opt.seed);
    });
    s.clear_progress();
    return report;
}

// The duet comparison against the other build, with more fresh duets where the decision needs them.
inline GateReport compare_with_build(Session& s, RunResult& run) {
    const Options& opt = s.opt;
    GateReport report = confirm_suspects(
        run, sequential_plan(opt),
        [&](const std::vector<std::string>& names, int attempt) {
            s.progress_line("measuring fresh duet " + std::to_string(attempt) + " for " + std::to_string(names.size()) +
                            " benchmark(s) not yet decided");
            return remeasure_in_fresh_process(opt, s.measured_s, s.fresh_process_ended_in, next_duet_seed(s));
        },
        [&](const RunResult& cur) { return compare_duet(cur, s.against_only, opt.gate); });
    s.clear_progress();
    std::size_t pairs = 0;
    for (const auto& b : run.benchmarks) pairs = std::max(pairs, b.paired_baseline.size());
    report.mode_note = "duet: interleaved comparison against " + opt.against_path + " (" + std::to_string(pairs) +
                       " pairs per benchmark over " + std::to_string(run.context.processes) +
                       " run(s); each side in turns that first throw away the batches it needs to refill, in a new random order per run; the change is the median per-pair ratio of each run, combined over the runs)";
    if (s.worker.protocol() < worker_protocol_version)
        report.mode_note += "; the other build speaks worker protocol " + std::to_string(s.worker.protocol()) +
                            " (an older benchgate) and is driven a batch at a time, each batch after a system call: a memory-bound body may read slower on that side";
    return report;
}

// --explain: each REGRESSION row (and each row --explain-filter names), run under callgrind in
// the other build (BASE) and this one (HEAD). Never changes the exit code: without valgrind one
// note, and an explanation that could not be made carries its own note.
inline void explain_rows(Session& s, GateReport& report) {
    const Options& opt = s.opt;
    NameFilter extra;
    if (!opt.explain_filter.empty()) extra.compile(opt.explain_filter);  // checked when the flag was read
    std::vector<std::string> names;
    for (const auto& c : report.rows)
        if (c.status == Status::regression || (!opt.explain_filter.empty() && c.status != Status::missing &&
                                               c.status != Status::failed && extra.matches(c.name)))
            names.push_back(c.name);
    if (names.empty()) return;
    if (const std::string why = explain_unavailable(); !why.empty()) {
        std::fprintf(stderr, "%s\n", (s.err_style.dim("note: ") + one_line(why) + "; not explained").c_str());
        return;
    }
    ExplainOptions xo;
    xo.iterations = static_cast<std::uint64_t>(opt.explain_iterations);
    xo.timeout_s = opt.explain_timeout;
    xo.base_env = opt.against_env;
    const std::string self = self_executable();
    for (std::size_t i = 0; i < names.size() && !interrupted(); ++i) {
        s.progress_line("explaining " + std::to_string(i + 1) + "/" + std::to_string(names.size()) + " under callgrind: " +
                        one_line(names[i]));
        report.explanations.push_back(explain_benchmark(opt.against_path, self, names[i], xo));
    }
    s.clear_progress();
}

// A baseline saved without a comparison holds --processes processes: this one and fresh ones.
// Returns "" or the problem.
inline std::string measure_more_processes(Session& s, RunResult& run) {
    for (int p = 1; p < s.opt.processes; ++p) {
        s.progress_line("measuring process " + std::to_string(p + 1) + "/" + std::to_string(s.opt.processes) + " of the baseline");
        const LoadedRun fresh = remeasure_in_fresh_process(s.opt, s.measured_s, s.fresh_process_ended_in, s.opt.seed);
        if (!fresh.ok()) return fresh.error;
        merge_process(run, fresh.run, static_cast<std::uint32_t>(run.context.processes));
    }
    s.clear_progress();
    return {};
}

inline void print_console(const Session& s, const RunResult& run, const GateReport* report) {
    if (!s.opt.quiet) {
        if (!run.benchmarks.empty())  // an empty shard: its note said so
            std::fputs(report::console_results(run, s.style, s.opt.detailed).c_str(), s.console);
        if (report) std::fputs(("\n" + report::console_comparison(*report, s.style)).c_str(), s.console);
        if (report) std::fputs(report::console_explanations(report->explanations, s.style).c_str(), s.console);
        return;
    }
    if (report)
        for (const auto& x : report->explanations)
            std::fprintf(s.console, "explained %s: %s\n", one_line(x.name).c_str(),
                         one_line(x.ok() ? "most changed: " + report::explain_headline(x) : "not explained: " + x.note).c_str());
    for (const auto& b : run.benchmarks)
        if (b.failed()) print_error(b.name + " failed: " + b.error);
    if (!report) return;
    if (!report->machine_warning.empty()) s.warn(report->machine_warning);
    if (!report->baseline_warning.empty()) s.warn(report->baseline_warning);
    for (const auto& c : report->rows)
        if (c.status == Status::regression || c.status == Status::missing || c.status == Status::slower ||
            c.status == Status::undecided)
            std::fprintf(s.console, "%s %s %s\n", report::paint_status(c.status, s.style).c_str(), one_line(c.name).c_str(),
                         report::format_change(c.change.point).c_str());
}

// A name is the bytes its author chose; result files are UTF-8. Every ill-formed sequence in a
// benchmark name or a group prefix becomes U+FFFD before anything is measured, so the name a
// run reports, saves and is compared under is the one its baseline reads back.
inline void normalize_names() {
    for (auto& r : registry()) {
        r.name = to_valid_utf8(r.name);
        r.family = to_valid_utf8(r.family);
    }
    for (auto& g : groups()) g.first = to_valid_utf8(g.first);
}

// Every file this run will write, checked before measuring: minutes of measurement must not
// end in "cannot write". Returns "" or the first problem.
inline std::string check_outputs(const Options& opt) {
    for (const auto& path : opt.outputs)
        if (!path.empty())
            if (std::string problem = check_writable(path); !problem.empty()) return problem;
    if (!opt.save_baseline_path.empty())
        if (std::string problem = check_writable(opt.save_baseline_path); !problem.empty()) return problem;
    if (!opt.history_dir.empty()) {
        struct stat st {};
        if (::stat(opt.history_dir.c_str(), &st) != 0) return check_writable(opt.history_dir);  // it will be created
        bool creatable = false;
        if (std::string problem = history::open_dir(opt.history_dir, true, &creatable); !problem.empty())
            return "not added to " + opt.history_dir + ": " + problem;
        return check_writable(opt.history_dir + "/" + history::marker_name);
    }
    return {};
}

// Every export given on the command line, then the baseline. Returns "" or the first problem.
inline std::string write_outputs(const Session& s, const RunResult& run, const GateReport* report, int failed) {
    const auto& rows = report::exporters();
    const report::ExportInput input{run, report, s.opt.baseline_path, s.suite};
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (!s.opt.outputs[i].empty())
            if (std::string problem = write_file_atomic(s.opt.outputs[i], rows[i].render(input)); !problem.empty())
                return problem;
    if (!s.opt.history_dir.empty())
        if (const history::Added added = history::add(s.opt.history_dir, run, history::Settings{}); !added.error.empty())
            return "not added to " + s.opt.history_dir + ": " + added.error;
    if (s.opt.save_baseline_path.empty()) return {};
    if (failed)
        return "not saving " + s.opt.save_baseline_path + ": " + std::to_string(failed) +
               " benchmark(s) failed, and a baseline must be complete";
    return write_file_atomic(s.opt.save_baseline_path, to_json(run));
}

// A gate on a deterministic metric needs a baseline that has it.
inline std::string check_baseline_has_metric(const Options& opt, const RunResult& baseline) {
    if (opt.baseline_path.empty() || opt.gate.metric == Metric::time) return {};
    for (const auto& b : baseline.benchmarks)
        if (std::isfinite(metric_value(b, opt.gate.metric))) return {};
    return opt.baseline_path + ": has no " + to_string(opt.gate.metric) + " counts to gate on (save it with " +
           (opt.gate.metric == Metric::instructions ? "--metric instructions" : "allocation counting") + ")";
}

// Reads and checks the baseline in a forked child, so that a bad file fails before anything is
// measured while this process stays as a plain run leaves it: parsing allocates, and a
// benchmark measured after that can find the allocator in another state (README, "Same process
// state on both sides"). The real read happens after measuring. Returns "" or the problem.
inline std::string check_baseline_in_child(const Options& opt) {
    int fds[2];
    if (::pipe(fds) != 0) return std::string("cannot check the baseline: pipe failed: ") + std::strerror(errno);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return std::string("cannot check the baseline: fork failed: ") + std::strerror(errno);
    }
    if (pid == 0) {
        ::close(fds[0]);
        const LoadedRun loaded = read_run_file(opt.baseline_path, false, true);  // read twice: a FIFO cannot be
        const std::string problem = loaded.ok() ? check_baseline_has_metric(opt, loaded.run) : loaded.error;
        std::size_t sent = 0;
        while (sent < problem.size()) {
            const ssize_t n = ::write(fds[1], problem.data() + sent, problem.size() - sent);
            if (n <= 0 && errno != EINTR) break;
            if (n > 0) sent += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    char buf[4096];
    std::string problem;
    for (;;) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        problem.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (problem.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        problem = opt.baseline_path + ": reading it crashed the checking process";
    return problem;
}

// A benchmark of a group gated on a deterministic metric needs that metric measured.
inline std::string check_group_gates(const Session& s) {
    const Options& opt = s.opt;
    if (opt.baseline_path.empty() && opt.against_path.empty()) return {};
    for (const Registration* r : s.selected) {
        const GroupSettings* g = group_of(r->name);
        Metric m = Metric::time;
        if (!g || !parse_metric(g->thresholds.gate, m) || m == Metric::time) continue;
        const std::string what = "'" + r->name + "' is in a group gated on " + to_string(m);
        if (!opt.against_path.empty()) return what + ", and --against compares time only";
        if (m == Metric::instructions && !opt.measure_instructions) return what + ": run with --metric instructions";
        if ((m == Metric::allocations || m == Metric::memory) && !allocation_tracking_installed())
            return what + ": #define BENCHGATE_COUNT_ALLOCATIONS in the file that defines BENCHGATE_MAIN";
    }
    return {};
}

// A comparison that cannot fail, or cannot be made, is an input error. Returns "" or the problem.
inline std::string check_comparison(const Session& s, const GateReport& report) {
    if (const auto bad = report.input_errors(); !bad.empty())
        return (s.opt.baseline_path.empty() ? std::string() : s.opt.baseline_path + ": ") + bad.front()->input_error;
    return {};
}

// The end of every comparing mode: input errors of the comparison, the console, the exports
// (and the baseline to save), then the exit code. `failed`: benchmarks that failed in `run`.
inline int finish_report(const Session& s, const RunResult& run, const GateReport* report, int failed) {
    // The run is complete: an interrupt from here on waits until the outputs are written (and
    // is dropped when the process exits).
    sigset_t interrupts;
    sigemptyset(&interrupts);
    sigaddset(&interrupts, SIGINT);
    sigaddset(&interrupts, SIGTERM);
    ::sigprocmask(SIG_BLOCK, &interrupts, nullptr);
    if (interrupted()) return interrupted_exit();
    if (report)
        if (const std::string problem = check_comparison(s, *report); !problem.empty()) {
            print_error(problem);
            return failed ? exit_failed : exit_usage;
        }
    print_console(s, run, report);
    // A suspect whose body failed in a fresh process is FAILED too.
    if (report) failed = std::max(failed, report->count(Status::failed));
    if (const std::string problem = write_outputs(s, run, report, count_failed(run)); !problem.empty()) {
        // Waiting for a FIFO's reader (or a history's lock) ends at SIGINT or SIGTERM: the
        // outputs before it are written, it and those after it are not.
        if (interrupted()) {
            std::fprintf(stderr, "benchgate: interrupted; %s\n", one_line(problem).c_str());
            return 128 + interrupted();
        }
        print_error(problem);
        return failed ? exit_failed : exit_usage;
    }
    if (failed) return exit_failed;
    if (report && report->failed()) return exit_regression;
    return exit_ok;
}

// The main mode: measure, compare (with --baseline or --against), print, export, exit code.
inline int run_mode(Session& s) {
    RunResult run;
    if (s.selected.empty()) run = empty_shard_run(s);
    else if (const int rc = measure(s, run); rc != exit_ok) return rc;
    if (s.opt.measure_instructions && !run.benchmarks.empty())
        if (const std::string problem = count_instructions(s, run); !problem.empty()) {
            if (interrupted()) return interrupted_exit();
            print_error(problem);
            return exit_usage;
        }
    int failed = count_failed(run);
    if (!s.opt.baseline_path.empty()) {
        // Read only now: see check_baseline_in_child.
        s.baseline = read_run_file(s.opt.baseline_path, false, true);
        std::string problem = s.baseline.ok() ? check_baseline_has_metric(s.opt, s.baseline.run) : s.baseline.error;
        if (!problem.empty()) {
            print_error(problem);
            return exit_usage;
        }
        // A shard is gated on its own benchmarks: the baseline's others belong to other shards,
        // not MISSING from this one.
        if (s.opt.shard_count > 0) {
            auto& bs = s.baseline.run.benchmarks;
            bs.erase(std::remove_if(bs.begin(), bs.end(),
                                    [&](const BenchmarkResult& b) { return !in_shard(b.name, s.opt.shard_index, s.opt.shard_count); }),
                     bs.end());
        }
    }
    GateReport report;
    const bool compared = s.duet || !s.opt.baseline_path.empty();
    if (s.duet) report = compare_with_build(s, run);
    else if (compared) report = compare_with_file(s, run);
    else if (!s.opt.save_baseline_path.empty() && !failed && !s.selected.empty())
        if (const std::string problem = measure_more_processes(s, run); !problem.empty()) {
            if (interrupted()) return interrupted_exit();
            print_error("cannot measure the baseline's processes: " + problem);
            return exit_usage;
        }
    if (compared) apply_acceptances(report);
    // Explained after the acceptances: an ACCEPTED row is meant, a REGRESSION row is not.
    if (s.duet && s.opt.explain) {
        explain_rows(s, report);
        if (interrupted()) return interrupted_exit();
    }
    return finish_report(s, run, compared ? &report : nullptr, failed);
}

// ---------------------------------------------------------------- dispatch

// Combinations of flags no mode accepts. Returns "" or the problem.
inline std::string conflicting_options(const Options& opt) {
    if (!opt.against_path.empty() && (opt.measure_instructions || opt.gate.metric != Metric::time))
        return "--against compares time only; it cannot be combined with --metric or --gate " +
               std::string(to_string(opt.gate.metric));
    if (!opt.against_path.empty() && !opt.baseline_path.empty())
        return "--against and --baseline are two ways to compare; give one";
    if (opt.explain && opt.against_path.empty() && opt.callgrind_child == 0)
        return "--explain runs the benchmark in both builds: it needs --against (duet mode); for two binaries use 'benchgate explain BASE HEAD --filter NAME'";
    if (!opt.against_path.empty() && opt.profile_time > 0.0)
        return "--profile-time runs this build alone; it cannot be combined with --against";
    return {};
}

inline int main(int argc, char** argv) {
    const Parsed parsed = parse(argc, argv);
    if (!parsed.ok()) {
        print_error(parsed.error + " (try --help)");
        return exit_usage;
    }
    Session s;
    s.opt = parsed.options;
    s.program = argc > 0 ? argv[0] : "bench";
    s.suite = s.program.substr(s.program.find_last_of('/') + 1);
    const Options& opt = s.opt;
    if (opt.help) {
        std::fputs(usage(s.program.c_str()).c_str(), stdout);
        return exit_ok;
    }
    if (opt.version) {
        std::printf("benchgate %s\n", BENCHGATE_VERSION_STRING);
        return exit_ok;
    }
    normalize_names();
    if (const std::string problem = validate(registry()); !problem.empty()) {
        print_error(problem);
        return exit_usage;
    }
    // The duet worker leaves interrupts to its parent's handling and its hangs to the parent's
    // wait; every other mode has the watchdog when a bound is set.
    install_guards(!opt.worker);
    if (opt.timeout >= 0.0 && !opt.worker) set_body_timeout(opt.timeout, "--timeout");
    else if (opt.profile_time > 0.0 && !opt.worker) set_body_timeout(profile_watchdog_s(opt.profile_time), "--profile-time's watchdog");
    s.config.measure = measure_config(opt, measure_clock());
    s.config.seed = opt.seed;
    if (opt.worker) return run_worker(s.config.measure);
    if (const std::string problem = conflicting_options(opt); !problem.empty()) {
        print_error(problem);
        return exit_usage;
    }
    remove_dead_work_dirs();
    s.selected = select(registry(), opt.filter);  // a pattern select() refuses was refused by parse()
    const bool any_selected = !s.selected.empty();
    s.selected = select_shard(s.selected, opt.shard_index, opt.shard_count);
    if (opt.list) return list_mode(s);
    if (!any_selected) {
        print_error(opt.filter.empty() ? "no benchmarks are registered"
                                       : "no benchmark matches --filter '" + opt.filter + "' (see --list)");
        return exit_usage;
    }
    // From here on an empty selection is a shard that selects nothing: run_mode writes an empty run.
    if (opt.callgrind_child > 0) return callgrind_child_mode(s);
    {
        std::string problem;
        s.pinned_cpu = pin_to_one_cpu(opt.pin_cpu, problem);
        if (!problem.empty()) {
            print_error(problem);
            return exit_usage;
        }
    }
    if ((opt.gate.metric == Metric::allocations || opt.gate.metric == Metric::memory) && !allocation_tracking_installed()) {
        print_error(std::string("--gate ") + to_string(opt.gate.metric) +
                    " needs allocation counting: #define BENCHGATE_COUNT_ALLOCATIONS before including "
                    "benchgate.hpp in the file that defines BENCHGATE_MAIN");
        return exit_usage;
    }
    if (const std::string problem = check_group_gates(s); !problem.empty()) {
        print_error(problem);
        return exit_usage;
    }
    if (!opt.against_path.empty())
        if (const std::string problem = start_duet(s); !problem.empty()) {
            if (interrupted()) return interrupted_exit();
            print_error(problem);
            return exit_usage;
        }
    if (!opt.confirm_child_path.empty()) return confirm_child_mode(s);
    // A bad baseline fails in milliseconds, not after minutes of measuring.
    if (!opt.baseline_path.empty())
        if (const std::string problem = check_baseline_in_child(opt); !problem.empty()) {
            print_error(problem);
            return exit_usage;
        }
    if (const std::string problem = check_outputs(opt); !problem.empty()) {
        print_error(problem);
        return exit_usage;
    }
    if (opt.profile_time > 0.0) return profile_mode(s);
    return run_mode(s);
}

}  // namespace benchgate::detail::cli
