// benchgate: joining the result files of one suite's shards (--shard I/N) into one run, which
// gates like a run of the whole suite. Pure: runs in, a run out; it reads and prints nothing.
//
// The joined run has every file's benchmarks, in the order of the files, and refuses:
//   - a benchmark in two files (shards of one run hold different benchmarks)
//   - files from different machines (machine_fingerprint: CPU, cores, compiler, build type),
//     unless allow_mixed, which records the machines in a context note
// Its context is the first file's, with processes the largest of the files', no shard, and a
// note naming the files; the machine-speed reference is the first file's that has one (shards
// run on different machines are better compared with --speed-correction off). Complexity fits are
// made again over the joined benchmarks (a family's instances can fall into different shards).
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "compare.hpp"
#include "complexity.hpp"
#include "detail/one_line.hpp"
#include "result.hpp"

namespace benchgate {

struct MergeSource {
    RunResult run;
    std::string label;  // names the file in messages and notes
};

struct MergeOptions {
    bool allow_mixed = false;  // join files from different machines (and say so in the notes)
};

struct MergedRun {
    RunResult run;
    std::vector<std::string> warnings;  // e.g. a shard of the split is not among the files
    std::string error;                  // "" or one line naming the files and the problem
    bool ok() const { return error.empty(); }
};

namespace detail {

// "I/N" as two numbers; false for anything else.
inline bool parse_shard_label(const std::string& s, int& index, int& count) {
    const auto slash = s.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 >= s.size()) return false;
    try {
        std::size_t used = 0;
        index = std::stoi(s.substr(0, slash), &used);
        if (used != slash) return false;
        count = std::stoi(s.substr(slash + 1), &used);
        if (used != s.size() - slash - 1) return false;
    } catch (...) {
        return false;
    }
    return count >= 1 && index >= 1 && index <= count;
}

// Shards of a split that are not among the files, or files from different splits: a warning.
inline std::string shard_coverage(const std::vector<MergeSource>& sources) {
    std::vector<int> seen;
    int count = 0;
    for (const auto& s : sources) {
        int i = 0, n = 0;
        if (!parse_shard_label(s.run.context.shard, i, n)) return {};  // not all are shards: nothing to say
        if (count != 0 && n != count)
            return "the files are shards of different splits (" + sources.front().run.context.shard + " and " +
                   s.run.context.shard + ")";
        count = n;
        seen.push_back(i);
    }
    std::string missing;
    for (int i = 1; i <= count; ++i)
        if (std::find(seen.begin(), seen.end(), i) == seen.end())
            missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
    return missing.empty() ? std::string() : "shard(s) " + missing + " not among the files: their benchmarks are not in the run";
}

}  // namespace detail

inline MergedRun merge_runs(const std::vector<MergeSource>& sources, const MergeOptions& opt = {}) {
    MergedRun out;
    if (sources.empty()) {
        out.error = "no result files to merge";
        return out;
    }
    const MergeSource& first = sources.front();
    const std::string fingerprint = machine_fingerprint(first.run.context);
    std::vector<std::pair<std::string, std::string>> machines = {{fingerprint, first.label}};  // fingerprint, files
    for (const auto& s : sources) {
        const std::string fp = machine_fingerprint(s.run.context);
        if (fp == fingerprint) continue;
        if (!opt.allow_mixed) {
            out.error = first.label + " and " + s.label + " were measured on different machines ('" +
                        detail::one_line(fingerprint) + "' vs '" + detail::one_line(fp) +
                        "'): their timings do not belong in one run (--allow-mixed merges them anyway)";
            return out;
        }
        auto m = std::find_if(machines.begin(), machines.end(), [&](const auto& x) { return x.first == fp; });
        if (m == machines.end()) machines.emplace_back(fp, s.label);
        else m->second += ", " + s.label;
    }
    NameIndexOf<const BenchmarkResult> names;  // every file's benchmarks
    for (const auto& s : sources)
        for (const auto& b : s.run.benchmarks) {
            const BenchmarkResult* seen = names.add(b);
            if (seen != &b) {
                const auto holds = [seen](const MergeSource& x) {  // the file of the first (std::less: any two pointers)
                    const BenchmarkResult* first = x.run.benchmarks.data();
                    return !std::less<>()(seen, first) && std::less<>()(seen, first + x.run.benchmarks.size());
                };
                out.error = "benchmark '" + detail::one_line(b.name) + "' is in both " +
                            std::find_if(sources.begin(), sources.end(), holds)->label + " and " + s.label +
                            " (the shards of one run hold different benchmarks)";
                return out;
            }
        }

    RunResult& run = out.run;
    run.schema = first.run.schema;
    run.created = first.run.created;
    run.context = first.run.context;
    run.context.shard.clear();
    run.context.notes.clear();
    for (const auto& s : sources)  // an empty shard measured no reference
        if (!s.run.reference.samples.empty()) {
            run.reference = s.run.reference;
            break;
        }
    std::string files;
    for (const auto& s : sources) {
        run.context.processes = std::max(run.context.processes, s.run.context.processes);
        run.context.peak_rss_kib = std::max(run.context.peak_rss_kib, s.run.context.peak_rss_kib);
        for (const auto& n : s.run.context.notes)
            if (std::find(run.context.notes.begin(), run.context.notes.end(), n) == run.context.notes.end())
                run.context.notes.push_back(n);
        for (const auto& a : s.run.context.accepted)  // each shard accepted its own benchmarks
            if (std::find(run.context.accepted.begin(), run.context.accepted.end(), a) == run.context.accepted.end())
                run.context.accepted.push_back(a);
        run.benchmarks.insert(run.benchmarks.end(), s.run.benchmarks.begin(), s.run.benchmarks.end());
        files += (files.empty() ? "" : ", ") + s.label + (s.run.context.shard.empty() ? "" : " (shard " + s.run.context.shard + ")");
    }
    run.context.notes.push_back("merged from " + std::to_string(sources.size()) + " files: " + files);
    if (machines.size() > 1) {
        std::string list;
        for (const auto& [fp, where] : machines) list += (list.empty() ? "" : "; ") + fp + " (" + where + ")";
        run.context.notes.push_back("merged from runs on different machines: " + list);
    }
    // Fit each family again over all its instances: the files may each hold only some of them.
    std::unordered_map<std::string_view, std::vector<const BenchmarkResult*>> instances;  // by family
    for (const auto& s : sources)
        for (const auto& f : s.run.complexity) instances.emplace(f.family, std::vector<const BenchmarkResult*>());
    for (const auto& b : run.benchmarks)
        if (const auto family = instances.find(b.family); family != instances.end()) family->second.push_back(&b);
    for (const auto& s : sources)
        for (const auto& f : s.run.complexity) {
            auto family = instances.find(f.family);
            if (family == instances.end()) continue;  // fitted already (or not fitting) from an earlier file's entry
            std::vector<double> n, t;
            for (const BenchmarkResult* b : family->second)
                if (!b->failed() && b->params.size() == 1) {
                    n.push_back(static_cast<double>(b->params[0].value));
                    t.push_back(b->estimates.median.point);
                }
            instances.erase(family);
            ComplexityFit fit = fit_complexity(n, t);
            if (fit.best.empty()) continue;
            fit.family = f.family;
            fit.axis = f.axis;
            run.complexity.push_back(std::move(fit));
        }
    if (const std::string w = detail::shard_coverage(sources); !w.empty()) out.warnings.push_back(w);
    return out;
}

// Joins runs of the same suite made at different times (each file one or more sessions) into
// one baseline whose sessions the gate treats as its replicates (session_log_spread), so that
// drift between sessions is in the intervals. Each file's processes are numbered after the
// previous files' and context.sessions says which session each ran in; a benchmark keeps the
// samples of every file that measured it, and the estimates of the first. Refuses files from
// different machines, summaries (no samples to join) and more than 1024 processes in all. The
// context is the newest file's (by `created`), with the sessions and a note naming the files.
inline MergedRun join_sessions(const std::vector<MergeSource>& sources) {
    MergedRun out;
    if (sources.size() < 2) {
        out.error = "a baseline of sessions needs two or more result files";
        return out;
    }
    const std::string fingerprint = machine_fingerprint(sources.front().run.context);
    std::size_t newest = 0;
    int total = 0;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const MergeSource& s = sources[i];
        const std::string fp = machine_fingerprint(s.run.context);
        if (fp != fingerprint) {
            out.error = sources.front().label + " and " + s.label + " were measured on different machines ('" +
                        detail::one_line(fingerprint) + "' vs '" + detail::one_line(fp) + "'): sessions of one baseline share a machine";
            return out;
        }
        if (!s.run.context.shard.empty()) {
            out.error = s.label + " is shard " + s.run.context.shard + " of a run: join the shards first (benchgate merge)";
            return out;
        }
        for (const auto& b : s.run.benchmarks)
            if (b.summary()) {
                out.error = s.label + ": '" + detail::one_line(b.name) + "' is a summary without samples; a session needs them";
                return out;
            }
        total += s.run.context.processes;
        if (s.run.created > sources[newest].run.created) newest = i;
    }
    if (total > 1024) {
        out.error = "the files hold " + std::to_string(total) + " processes in all, more than the 1024 a result file holds";
        return out;
    }
    RunResult& run = out.run;
    run.schema = sources[newest].run.schema;
    run.created = sources[newest].run.created;
    run.context = sources[newest].run.context;
    run.context.notes.clear();
    run.context.processes = total;
    run.context.sessions.clear();
    run.reference = BenchmarkResult{};
    std::uint32_t offset = 0, session_offset = 0;
    std::string files;
    std::unordered_map<std::string, std::size_t> index;  // name -> place in run.benchmarks
    // `b`'s samples after `into`'s, its process indices moved past the earlier files'. A result
    // that failed in an earlier session gives way to one that did not.
    auto append = [&offset](BenchmarkResult& into, const BenchmarkResult& b) {
        if (b.failed() && !into.samples.empty()) return;
        if (into.samples.empty() && !b.samples.empty()) {
            into = b;
            into.samples.clear();
            into.iterations.clear();
            into.rounds.clear();
            into.processes.clear();
        }
        const bool indexed = b.processes.size() == b.samples.size();
        for (std::size_t i = 0; i < b.samples.size(); ++i) {
            into.samples.push_back(b.samples[i]);
            into.iterations.push_back(i < b.iterations.size() ? b.iterations[i] : 1);
            into.processes.push_back(offset + (indexed ? b.processes[i] : 0));
        }
    };
    for (const auto& s : sources) {
        const int processes = s.run.context.processes;
        std::uint32_t sessions_here = 1;
        for (int p = 0; p < processes; ++p) {
            const std::uint32_t own = static_cast<std::size_t>(p) < s.run.context.sessions.size() ? s.run.context.sessions[p] : 0;
            run.context.sessions.push_back(session_offset + own);
            sessions_here = std::max(sessions_here, own + 1);
        }
        for (const auto& b : s.run.benchmarks) {
            const auto [slot, added] = index.emplace(b.name, run.benchmarks.size());
            if (added) {
                run.benchmarks.push_back(b);
                BenchmarkResult& fresh = run.benchmarks.back();
                fresh.samples.clear();
                fresh.iterations.clear();
                fresh.rounds.clear();
                fresh.processes.clear();
            }
            append(run.benchmarks[slot->second], b);
        }
        append(run.reference, s.run.reference);
        offset += static_cast<std::uint32_t>(processes);
        session_offset += sessions_here;
        files += (files.empty() ? "" : ", ") + s.label + " (" + (s.run.created.empty() ? "no date" : s.run.created) + ")";
    }
    run.context.notes.push_back("sessions joined from " + std::to_string(sources.size()) + " files: " + files);
    return out;
}

}  // namespace benchgate
