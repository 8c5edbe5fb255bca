// benchgate: the one result model. Everything measured, stored, compared and
// reported is one of these plain structs; nothing here measures, reads or prints.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace benchgate {

// A point estimate with its 95% confidence interval.
struct Estimate {
    double point = 0.0;
    double lower = 0.0;
    double upper = 0.0;
};

// Summary statistics of one benchmark's per-iteration sample times (all in `unit`).
struct Estimates {
    Estimate median;
    Estimate mean;
    double stddev = 0.0;
    double mad = 0.0;  // median absolute deviation, scaled by 1.4826 (consistent for sigma)
    double min = 0.0;
    double max = 0.0;
    double p10 = 0.0;  // 10th percentile: a robust "fast end" estimator
};

// Tukey-fence outlier counts. Outliers are counted and reported, never dropped.
struct Outliers {
    int low_severe = 0;   // below q1 - 3 IQR
    int low_mild = 0;     // in [q1 - 3 IQR, q1 - 1.5 IQR)
    int high_mild = 0;    // in (q3 + 1.5 IQR, q3 + 3 IQR]
    int high_severe = 0;  // above q3 + 3 IQR
    int total() const { return low_severe + low_mild + high_mild + high_severe; }
};

// One axis value of a parameterised benchmark ("size" = 64). Unnamed axes are called "arg".
struct Param {
    std::string name;
    std::int64_t value = 0;
};

// A named per-iteration value a body reports (frames, retries, ...). A rate is also shown per
// second of measured time.
struct Counter {
    std::string name;
    double value = 0.0;  // per iteration
    bool rate = false;
};

// Verdict thresholds that a group overrides for its benchmarks (NaN: the run's default).
struct Thresholds {
    std::string gate;  // "time", "instructions", "allocations", "memory" or "" (the run's choice)
    double threshold = std::numeric_limits<double>::quiet_NaN();
    double warn_threshold = std::numeric_limits<double>::quiet_NaN();
    double noise = std::numeric_limits<double>::quiet_NaN();
};

// Metrics beside wall time, per iteration. NaN: not measured.
struct Metrics {
    double instructions = std::numeric_limits<double>::quiet_NaN();      // callgrind (--metric instructions)
    double estimated_cycles = std::numeric_limits<double>::quiet_NaN();  // callgrind cache simulation
    double allocations = std::numeric_limits<double>::quiet_NaN();       // operator new calls (BENCHGATE_COUNT_ALLOCATIONS)
    double allocated_bytes = std::numeric_limits<double>::quiet_NaN();
    // Not per iteration: the highest live heap bytes (operator new's requested sizes) above the
    // level at the start of a measured batch, over all measured batches (allocation counting).
    double peak_heap_bytes = std::numeric_limits<double>::quiet_NaN();
    // Resident-set growth (/proc/self/statm) from before a benchmark's first sample of a round
    // to after its last, the largest over the rounds; may be negative. Any build.
    double rss_growth_bytes = std::numeric_limits<double>::quiet_NaN();
    std::vector<std::pair<std::string, double>> hardware;               // perf_event_open counters (--counters)
};

// One benchmark's measurement: raw samples plus what is derived from them.
struct BenchmarkResult {
    std::string name;    // full instance name, e.g. "frame/encode/size:64"
    std::string family;  // name without parameters ("" when not parameterised)
    std::vector<Param> params;
    std::string unit = "ns";
    std::string throughput_unit;  // "bytes", "elements" or "" (none)
    double throughput = 0.0;      // throughput_unit per iteration
    std::vector<Counter> counters;
    Thresholds thresholds;
    Metrics metrics;
    // Duet mode (--against): the other build's samples, taken alternately with `samples`
    // (pair i = samples[i], paired_baseline[i], same iteration count).
    std::vector<double> paired_baseline;
    // Duet mode: each side's batches measured in a turn of its own before the pairs (this
    // side's, the other build's), to check that alternation kept each side's regime.
    std::vector<double> solo_samples, solo_baseline;
    std::vector<std::uint64_t> iterations;  // iterations[i]: iterations timed in sample i
    std::vector<double> samples;            // samples[i]: time per iteration of sample i
    std::vector<std::uint32_t> rounds;      // rounds[i]: interleaving round of sample i (may be empty)
    std::vector<std::uint32_t> processes;   // processes[i]: which process took sample i (empty: all one)
    Estimates estimates;
    Outliers outliers;
    std::string error;  // non-empty: the body failed (threw) with this message
    // A summary (an older history entry): the estimates were computed from this many samples,
    // which were dropped to bound the history's size; `samples` is empty. 0: a full result.
    std::uint64_t summary_of = 0;

    bool failed() const { return !error.empty(); }
    bool summary() const { return summary_of > 0; }
};

// Machine and build fingerprint of a run.
struct Context {
    std::string host;
    std::string cpu;
    int cores = 0;
    std::string compiler;
    std::string flags;
    std::string build_type;  // "release" (optimised) or "debug"
    std::string benchgate_version;
    std::string commit;
    double clock_resolution_ns = 0.0;
    double clock_cost_ns = 0.0;
    long peak_rss_kib = 0;            // peak resident memory of the measuring process
    int pinned_cpu = -1;              // the CPU every measuring process ran on (-1: not pinned)
    int processes = 1;                // processes whose samples the file holds
    // sessions[p]: the session process p ran in, for a baseline joined from runs made at
    // different times (benchgate baseline); empty: every process in one session.
    std::vector<std::uint32_t> sessions;
    std::string shard;                // "I/N" when the run measured shard I of N (--shard); "" all
    std::vector<std::string> notes;   // e.g. why hardware counters are unavailable
    // Regressions the measured change means (--accept NAME=REASON): benchmark name and reason.
    // A history keeps them with the run, and its dashboard marks that run's step ACCEPTED.
    std::vector<std::pair<std::string, std::string>> accepted;
};

// Best-fitting complexity of a parameterised family over one numeric axis.
struct ComplexityFit {
    std::string family;
    std::string axis;
    std::string best;          // "O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)", "O(n^3)"
    double coefficient = 0.0;  // time per iteration ~ coefficient * f(n), in ns
    double rms = 0.0;          // root mean square error relative to the mean time
    std::vector<std::pair<std::string, double>> rms_by_model;
};

// A whole run (also a baseline file, also one history entry).
struct RunResult {
    std::string schema = "benchgate/1";
    std::string created;  // ISO 8601 UTC, e.g. 2026-11-28T04:00:00Z
    Context context;
    std::vector<BenchmarkResult> benchmarks;
    // The machine-speed reference measured alongside (reference.hpp); no samples: none.
    BenchmarkResult reference;
    std::vector<ComplexityFit> complexity;

    // One lookup scans the list: for a lookup per benchmark, build a NameIndex.
    const BenchmarkResult* find(const std::string& name) const {
        for (const auto& b : benchmarks)
            if (b.name == name) return &b;
        return nullptr;
    }
};

// Items by name, looked up in constant time: what every lookup by name per benchmark goes
// through (compare, confirmation, the reports, merge, import-gbench, the duet, the registry's
// check for a name registered twice), so that a run of 100 000 benchmarks is handled in seconds
// (a scan per benchmark took 90 s to compare one). The name is NameOf()(item): by default the item's
// `name` member, or the item itself when it is a string. Holds pointers to the items and views
// of their names: valid while the items stay where they are (a std::deque keeps them in place
// as it grows; a std::vector only while it is not changed).
struct ItemName {
    template <class T>
    std::string_view operator()(const T& item) const {
        if constexpr (std::is_convertible_v<const T&, std::string_view>) return item;
        else return item.name;
    }
};

template <class T, class NameOf = ItemName>
class NameIndexOf {
public:
    NameIndexOf() = default;
    template <class Items, class = std::enable_if_t<!std::is_base_of_v<NameIndexOf, std::decay_t<Items>>>>  // not a copy
    explicit NameIndexOf(Items& items) {
        by_name_.reserve(items.size());
        for (auto& item : items) add(item);
    }
    // Indexes `item` under its name unless an item of that name is there already (the first of
    // a duplicate stays, as RunResult::find finds it). Returns the item indexed under the name.
    T* add(T& item) { return by_name_.emplace(NameOf()(item), &item).first->second; }
    T* find(std::string_view name) const {
        const auto it = by_name_.find(name);
        return it == by_name_.end() ? nullptr : it->second;
    }

private:
    std::unordered_map<std::string_view, T*> by_name_;
};

// A run's benchmarks by name.
class NameIndex : public NameIndexOf<const BenchmarkResult> {
public:
    explicit NameIndex(const RunResult& run) : NameIndexOf(run.benchmarks) {}
};

}  // namespace benchgate
