// benchgate: explaining a change. Runs one benchmark of two bench binaries (BASE and HEAD)
// under valgrind's callgrind with the cache simulation, each in callgrind-child mode for the
// same fixed number of calls (--callgrind-child N: set-up and 10 warm-up calls uncollected),
// both at once and each bounded in time, then reads the two dumps per function
// (callgrind_profile.hpp) and keeps what changed. Never fails a run: whatever stops an
// explanation (no valgrind, a side too slow, a binary without <valgrind/callgrind.h>) is its
// one-line note.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <dirent.h>
#include <sched.h>
#include <unistd.h>

#include "callgrind.hpp"
#include "callgrind_profile.hpp"
#include "compiler.hpp"
#include "files.hpp"
#include "process.hpp"
#include "selection.hpp"

namespace benchgate::detail {

struct ExplainOptions {
    std::uint64_t iterations = 20;  // calls collected per side: callgrind counts exactly, so a few suffice
    double timeout_s = 30.0;        // each side's valgrind run is killed past this (both run at once)
    std::size_t top = 10;           // functions kept
    std::vector<std::string> base_env;  // NAME=VALUE for the BASE side only (duet mode's --against-env)
    std::vector<std::string> head_env;  // NAME=VALUE for the HEAD side only
};

inline std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g s", s);
    return buf;
}

// "" when explanations can run here, else the one line saying why not.
inline std::string explain_unavailable() {
    if (BENCHGATE_ASAN)
        return "explanations run the binaries under valgrind, which cannot run a binary built with AddressSanitizer";
    if (find_on_path("valgrind").empty()) return "explanations need valgrind, which is not installed (apt-get install valgrind)";
    return {};
}

// The dump of the benchmark (index 0: the child runs it alone) among DIR/PREFIX*, or one with
// an error saying none was found.
inline CallgrindProfile read_side_dump(const std::string& dir, const std::string& prefix) {
    CallgrindProfile found;
    found.error = "no dump";
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            const std::string n = e->d_name;
            if (n.rfind(prefix, 0) != 0) continue;
            const std::string file = dir + "/" + n;
            CallgrindProfile p = parse_callgrind_profile(read_text_file(file));
            ::unlink(file.c_str());
            if (p.index == 0 && p.error.empty()) found = std::move(p);
        }
        ::closedir(d);
    }
    return found;
}

// Lets the children use every CPU this process may: a run pinned to one CPU (--pin) would
// otherwise run both sides on it in turn.
inline void unpin_for_children() {
    cpu_set_t all;
    CPU_ZERO(&all);
    const long n = ::sysconf(_SC_NPROCESSORS_CONF);
    for (long c = 0; c < n && c < CPU_SETSIZE; ++c) CPU_SET(static_cast<int>(c), &all);
    (void)::sched_setaffinity(0, sizeof all, &all);
}

// Explains benchmark `name` from BASE to HEAD. Returns the explanation, or one with its note.
inline Explanation explain_benchmark(const std::string& base_bin, const std::string& head_bin, const std::string& name,
                                     const ExplainOptions& o) {
    Explanation x;
    x.name = name;
    x.iterations = o.iterations;
    x.base_binary = base_bin;
    x.head_binary = head_bin;
    const auto started = std::chrono::steady_clock::now();
    auto done = [&](std::string note) {
        x.note = std::move(note);
        x.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return x;
    };
    if (std::string why = explain_unavailable(); !why.empty()) return done(why);
    const std::string valgrind = find_on_path("valgrind");
    files::WorkDir work;
    if (std::string problem = make_work_dir("benchgate-callgrind-", work); !problem.empty()) return done(problem);
    const std::string& dir = work.path;
    auto command = [&](const std::string& side, const std::string& bin, const std::vector<std::string>& env) {
        std::vector<std::string> c;
        if (!env.empty()) {
            const std::string env_bin = find_on_path("env");
            c.push_back(env_bin.empty() ? "/usr/bin/env" : env_bin);
            c.insert(c.end(), env.begin(), env.end());
        }
        c.insert(c.end(), {valgrind, "--tool=callgrind", "--collect-atstart=no", "--cache-sim=yes",
                           "--callgrind-out-file=" + dir + "/" + side + ".out", "--log-file=" + dir + "/" + side + ".log", bin,
                           "--callgrind-child", std::to_string(o.iterations), "--filter", exact_names_pattern({name}),
                           "--quiet"});
        return c;
    };
    unpin_for_children();
    const auto wait = std::chrono::milliseconds(static_cast<long long>(o.timeout_s * 1000.0));
    const std::vector<ProcessResult> r =
        run_processes({command("base", base_bin, o.base_env), command("head", head_bin, o.head_env)}, wait);
    const char* sides[] = {"BASE", "HEAD"};
    const std::string* bins[] = {&base_bin, &head_bin};
    for (int k = 0; k < 2; ++k) {
        if (r[k].interrupted) return done("interrupted");
        if (r[k].timed_out)
            return done(std::string(sides[k]) + " (" + *bins[k] + ") did not finish " + std::to_string(o.iterations) +
                        " calls under callgrind within " + seconds_text(o.timeout_s) + " (--explain-timeout): not explained");
        if (!r[k].error.empty()) return done(std::string(sides[k]) + ": valgrind " + r[k].error);
        if (r[k].exit_code == 2)
            return done(std::string(sides[k]) + " (" + *bins[k] + ") refused the callgrind run (exit 2): not a benchgate bench binary, or without '" + name + "'");
        if (r[k].exit_code != 0)
            return done(std::string(sides[k]) + " (" + *bins[k] + ") exited with code " + std::to_string(r[k].exit_code) +
                        " under callgrind");
    }
    const CallgrindProfile base = read_side_dump(dir, "base.out");
    const CallgrindProfile head = read_side_dump(dir, "head.out");
    for (int k = 0; k < 2; ++k)
        if (!(k == 0 ? base : head).error.empty())
            return done(std::string(sides[k]) + " (" + *bins[k] + ") left no callgrind counts for '" + name +
                        "' (built without <valgrind/callgrind.h>?)");
    x.base = profile_totals(base, o.iterations);
    x.head = profile_totals(head, o.iterations);
    x.ranked_by_cycles = base.has_cache && head.has_cache;
    x.functions = diff_profiles(base, head, o.iterations, o.top);
    return done({});
}

}  // namespace benchgate::detail
