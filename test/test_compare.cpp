// Verdicts on synthetic samples with known answers. No clock anywhere.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>

#include <cmath>
#include <vector>

using namespace benchgate;
using namespace benchgate::detail;

namespace {
// n samples around `center` with a fixed, symmetric +-spread pattern (deterministic).
BenchmarkResult bench(const std::string& name, double center, double spread = 0.01, std::size_t n = 60, int rounds = 4) {
    BenchmarkResult b;
    b.name = name;
    stats::Rng rng(std::hash<std::string>{}(name) ^ static_cast<std::uint64_t>(center * 1000));
    for (std::size_t i = 0; i < n; ++i) {
        b.samples.push_back(center * (1.0 + spread * (2.0 * rng.uniform() - 1.0)));
        b.iterations.push_back(100);
        b.rounds.push_back(static_cast<std::uint32_t>(i * static_cast<std::size_t>(rounds) / n));
    }
    summarize(b);
    return b;
}

// `processes` processes of n samples each around center * (1 + offset_k), the offsets a fixed
// symmetric pattern of size `between` (the spread between processes).
BenchmarkResult processes(const std::string& name, double center, int count, double between, std::size_t n = 20) {
    BenchmarkResult out;
    out.name = name;
    for (int k = 0; k < count; ++k) {
        const double offset = count > 1 ? between * (2.0 * k / (count - 1) - 1.0) : 0.0;
        BenchmarkResult one = bench(name + "#" + std::to_string(k), center * (1.0 + offset), 0.005, n);
        for (std::size_t i = 0; i < one.samples.size(); ++i) {
            out.samples.push_back(one.samples[i]);
            out.iterations.push_back(one.iterations[i]);
            out.rounds.push_back(one.rounds[i]);
            out.processes.push_back(static_cast<std::uint32_t>(k));
        }
    }
    summarize(out);
    return out;
}

// Synthetic samples have no between-process noise: a small prior spread keeps the intervals
// as narrow as the data allows.
GateConfig tight() {
    GateConfig cfg;
    cfg.process_cv = 0.002;
    return cfg;
}

RunResult run_of(std::vector<BenchmarkResult> bs) {
    RunResult r;
    r.context.cpu = "cpu";
    r.context.cores = 2;
    r.context.compiler = "gcc";
    r.context.build_type = "release";
    r.benchmarks = std::move(bs);
    return r;
}

Status status_of(double base, double cur, double spread = 0.01, GateConfig cfg = tight()) {
    return compare_benchmark(bench("x", base, spread), bench("x", cur, spread), cfg).status;
}
}  // namespace

TEST_CASE("bands follow the documented rule on clean synthetic data") {
    CHECK(status_of(100, 100) == Status::stable);
    CHECK(status_of(100, 103) == Status::stable);   // significant, but within the warn band
    CHECK(status_of(100, 107) == Status::slower);
    CHECK(status_of(100, 125) == Status::regression);
    CHECK(status_of(100, 94) == Status::faster);
    CHECK(status_of(100, 80) == Status::improved);
}

TEST_CASE("the change and its interval are relative, and bracket the truth") {
    const auto c = compare_benchmark(processes("x", 100, 3, 0.01), processes("x", 120, 3, 0.01), GateConfig{});
    CHECK(c.change.point == Approx(0.20).margin(0.005));
    CHECK(c.change.lower <= c.change.point);
    CHECK(c.change.upper >= c.change.point);
    CHECK(c.change.lower > 0.15);
    CHECK(c.change.upper < 0.25);
    CHECK(c.processes_baseline == 3);
    CHECK(c.processes_current == 3);
    CHECK(c.status == Status::regression);
    CHECK(c.current / c.baseline - 1.0 == Approx(c.change.point).margin(1e-12));
}

TEST_CASE("the spread between processes, not inside them, sets the interval") {
    // Each process is tight (0.5%), but processes differ by +-8% from each other: a 12% shift
    // cannot be told from that spread with three processes a side.
    const auto noisy = compare_benchmark(processes("x", 100, 3, 0.08), processes("x", 112, 3, 0.08), GateConfig{});
    CHECK(noisy.process_spread > 0.05);
    CHECK(noisy.status == Status::undecided);  // its interval reaches past the threshold: never STABLE
    const auto steady = compare_benchmark(processes("x", 100, 3, 0.003), processes("x", 112, 3, 0.003), GateConfig{});
    CHECK(steady.status == Status::regression);
    // One process a side: the spread is the prior alone, so the interval is wide.
    const auto one = compare_benchmark(bench("x", 100), bench("x", 103), GateConfig{});
    CHECK(one.change.upper - one.change.lower > 0.15);
}

TEST_CASE("the verdict rests on the interval: REGRESSION, UNDECIDED, SLOWER, STABLE") {
    const GateConfig cfg;
    CHECK(classify({0.25, 0.20, 0.30}, cfg) == Status::regression);
    CHECK(classify({0.12, 0.06, 0.18}, cfg) == Status::regression);   // beyond threshold, clearly slower
    CHECK(classify({0.12, 0.03, 0.21}, cfg) == Status::undecided);    // could be noise, could be +20%
    CHECK(classify({0.04, -0.02, 0.11}, cfg) == Status::undecided);   // reaches past the threshold
    CHECK(classify({0.07, 0.03, 0.09}, cfg) == Status::slower);
    CHECK(classify({0.09, 0.07, 0.11}, cfg) == Status::slower);       // surely slower; maybe at the threshold
    CHECK(classify({0.02, -0.03, 0.08}, cfg) == Status::stable);
    CHECK(classify({-0.07, -0.09, -0.03}, cfg) == Status::faster);
    CHECK(classify({-0.25, -0.30, -0.20}, cfg) == Status::improved);
    CHECK(classify({-0.04, -0.12, 0.02}, cfg) == Status::undecided);
}

TEST_CASE("thresholds and noise band are honoured") {
    GateConfig strict = tight();
    strict.threshold = 0.30;
    strict.warn_threshold = 0.20;
    CHECK(status_of(100, 125, 0.01, strict) == Status::slower);
    GateConfig wide_noise = tight();
    wide_noise.noise = 0.15;
    wide_noise.warn_threshold = 0.05;
    CHECK(status_of(100, 108, 0.01, wide_noise) == Status::stable);
}

TEST_CASE("the estimator is selectable") {
    BenchmarkResult base = bench("x", 100), cur = bench("x", 100);
    // The current run has a slow tail: half its samples doubled. The minimum does not move,
    // the mean does.
    for (std::size_t i = 0; i < cur.samples.size(); i += 2) cur.samples[i] *= 2;
    GateConfig by_min = tight();
    by_min.estimator = stats::Statistic::min;
    GateConfig by_mean = tight();
    by_mean.estimator = stats::Statistic::mean;
    CHECK(compare_benchmark(base, cur, by_min).status == Status::stable);
    CHECK(compare_benchmark(base, cur, by_mean).status == Status::regression);
    // The default is the minimum (the most reproducible between processes, docs/gate.md).
    CHECK(GateConfig{}.estimator == stats::Statistic::min);
}

TEST_CASE("compare_runs: NEW, MISSING, FAILED and the order of rows") {
    BenchmarkResult failed = bench("c", 100);
    failed.error = "boom";
    failed.samples.clear();
    const auto report = compare_runs(run_of({bench("a", 100), bench("b", 100)}),
                                     run_of({bench("a", 100), failed, bench("d", 50)}), tight());
    REQUIRE(report.rows.size() == 4);
    CHECK(report.rows[0].name == "a");
    CHECK(report.rows[0].status == Status::stable);
    CHECK(report.rows[1].status == Status::failed);
    CHECK(report.rows[1].error == "boom");
    CHECK(report.rows[2].status == Status::added);
    CHECK(report.rows[3].name == "b");
    CHECK(report.rows[3].status == Status::missing);
    CHECK_FALSE(report.failed());
    GateConfig strict;
    strict.fail_on_missing = true;
    CHECK(compare_runs(run_of({bench("a", 100), bench("b", 100)}), run_of({bench("a", 100)}), strict).failed());
    CHECK(report.machine_warning.empty());
}

TEST_CASE("Holm's adjustment of the p-values is reported over the run") {
    std::vector<BenchmarkResult> bases, curs;
    for (int i = 0; i < 10; ++i) {
        bases.push_back(processes("b" + std::to_string(i), 100, 3, 0.01));
        curs.push_back(processes("b" + std::to_string(i), i == 0 ? 110 : 100, 3, 0.01));
    }
    const auto r = compare_runs(run_of(bases), run_of(curs), GateConfig{});
    CHECK(r.rows[0].p_adjusted >= r.rows[0].p_value);
    CHECK(r.rows[0].p_adjusted <= std::min(1.0, 10 * r.rows[0].p_value) + 1e-12);
}

TEST_CASE("a different machine or build is named in one warning") {
    RunResult a = run_of({bench("a", 100)}), b = a;
    b.context.cpu = "other cpu";
    b.context.build_type = "debug";
    const auto report = compare_runs(a, b, GateConfig{});
    CHECK(report.machine_warning.find("cpu 'cpu' vs 'other cpu'") != std::string::npos);
    CHECK(report.machine_warning.find("build type 'release' vs 'debug'") != std::string::npos);
    CHECK(report.machine_warning.find('\n') == std::string::npos);
}

// A fresh process of the whole selection: benchmark `name` measured at `center`.
LoadedRun fresh_process(const std::vector<std::pair<std::string, double>>& centers) {
    LoadedRun r;
    for (const auto& [n, c] : centers) r.run.benchmarks.push_back(bench(n, c, 0.01, 20));
    return r;
}

TEST_CASE("confirmation pools the processes: a real regression holds, a one-process fluke does not") {
    const GateConfig cfg;
    const auto base = run_of({processes("a", 100, 3, 0.01), processes("b", 100, 3, 0.01)});
    RunResult cur = run_of({bench("a", 130, 0.01, 20), bench("b", 130, 0.01, 20)});
    int calls = 0;
    // Fresh processes: "a" stays slow; "b" was a fluke of the first process and measures 101.
    const auto report = gate(base, cur, cfg, SequentialPlan{4, 300}, [&](const std::vector<std::string>&, int attempt) {
        ++calls;
        CHECK(attempt == calls);
        return fresh_process({{"a", 131}, {"b", 101}});
    });
    CHECK(calls >= 1);
    CHECK(cur.context.processes == 1 + calls);  // the fresh processes joined the run
    REQUIRE(report.rows.size() == 2);
    CHECK(report.rows[0].status == Status::regression);
    CHECK(report.rows[0].confirmed);
    CHECK(report.rows[0].processes_current >= 2);
    CHECK(report.rows[1].status != Status::regression);
    CHECK(report.rows[1].first_change == Approx(0.30).margin(0.02));
    CHECK(report.failed());
    CHECK(report::confirmation_note(report.rows[0]).find("judged on") != std::string::npos);
}

TEST_CASE("confirmation: a clean run measures no fresh process") {
    const auto base = run_of({processes("a", 100, 3, 0.005)});
    RunResult cur = run_of({bench("a", 100.5, 0.005, 20)});
    int calls = 0;
    const auto report = gate(base, cur, GateConfig{}, SequentialPlan{4, 300}, [&](const std::vector<std::string>&, int) {
        ++calls;
        return LoadedRun{};
    });
    CHECK(calls == 0);
    CHECK(report.rows[0].status == Status::stable);
}

TEST_CASE("confirmation: still undecided after the budget says so, in the row and the note") {
    const auto base = run_of({processes("a", 100, 3, 0.10)});  // a baseline recorded in noise
    RunResult cur = run_of({bench("a", 108, 0.01, 20)});
    int calls = 0;
    const auto report = gate(base, cur, GateConfig{}, SequentialPlan{2, 300}, [&](const std::vector<std::string>&, int) {
        ++calls;
        return fresh_process({{"a", calls % 2 ? 96.0 : 118.0}});
    });
    CHECK(calls == 2);
    CHECK(report.rows[0].status == Status::undecided);
    CHECK(report::confirmation_note(report.rows[0]).find("still undecided") != std::string::npos);
    CHECK_FALSE(report.failed());
    GateConfig strict;
    strict.fail_on_undecided = true;
    RunResult cur2 = run_of({bench("a", 108, 0.01, 20)});
    CHECK(gate(base, cur2, strict, SequentialPlan{0, 300}, {}).failed());
    CHECK_FALSE(compare_runs(base, cur2, GateConfig{}).baseline_warning.empty());  // a noisy baseline is named
}

TEST_CASE("confirmation: a failing re-measurement keeps the verdict and says why") {
    const auto base = run_of({processes("a", 100, 3, 0.005)});
    RunResult cur = run_of({bench("a", 150, 0.01, 20)});
    const auto report = gate(base, cur, GateConfig{}, SequentialPlan{2, 300}, [](const std::vector<std::string>&, int) {
        LoadedRun r;
        r.error = "fresh process exited with code 3";
        return r;
    });
    CHECK(report.rows[0].status == Status::regression);
    CHECK(report.rows[0].confirm_error == "fresh process exited with code 3");
    RunResult cur2 = run_of({bench("a", 150, 0.01, 20)});
    const auto unconfirmed = gate(base, cur2, GateConfig{}, SequentialPlan{0, 300}, {});
    CHECK(unconfirmed.rows[0].status == Status::regression);
    CHECK(report::confirmation_note(unconfirmed.rows[0]).find("not re-measured") != std::string::npos);
}

TEST_CASE("the exact-name pattern matches only the named benchmarks") {
    const std::string p = exact_names_pattern({"a/b(1)", "x.y+z"});
    NameFilter re;
    REQUIRE(re.compile(p).empty());
    CHECK(re.matches("a/b(1)"));
    CHECK(re.matches("x.y+z"));
    CHECK_FALSE(re.matches("a/b(1)/extra"));
    CHECK_FALSE(re.matches("xzy+z"));
}

TEST_CASE("speed correction: a machine-wide slowdown is never a REGRESSION, and nothing is corrected") {
    RunResult base = run_of({processes("a", 100, 3, 0.005), processes("b", 2000, 3, 0.005)});
    base.reference = processes(reference_name, 150, 3, 0.005);
    // The whole machine 12% slower: the reference and every benchmark moved alike. Each row
    // reads its raw change, and its interval reaches down to the corrected reading: UNDECIDED.
    RunResult slow_machine = run_of({bench("a", 112, 0.005, 20), bench("b", 2240, 0.005, 20)});
    slow_machine.reference = bench(reference_name, 168);
    const auto report = compare_runs(base, slow_machine, GateConfig{});
    CHECK(report.speed_corrected);
    CHECK(report.speed_applied_rows == 2);
    CHECK(report.speed_factor == Approx(1.12).margin(0.01));
    for (const auto& row : report.rows) {
        CHECK(row.status == Status::undecided);
        CHECK(row.change.point == Approx(0.12).margin(0.01));
        CHECK(row.change.lower < 0.01);
        CHECK(row.baseline == row.raw_baseline);
    }
    CHECK(report::speed_note(report).find("slower than when the baseline was recorded") != std::string::npos);
    GateConfig off;
    off.speed_correction = false;
    const auto uncorrected = compare_runs(base, slow_machine, off);
    CHECK_FALSE(uncorrected.speed_corrected);
    CHECK(report::speed_note(uncorrected).empty());
    for (const auto& row : uncorrected.rows) CHECK(row.status == Status::regression);

    // A 40% regression on that machine stays a REGRESSION: corrected by the whole move it still
    // reads +25%.
    RunResult regressed = run_of({bench("a", 140 * 1.12, 0.005, 20), bench("b", 2240, 0.005, 20)});
    regressed.reference = bench(reference_name, 168);
    const auto r = compare_runs(base, regressed, GateConfig{});
    CHECK(r.rows[0].status == Status::regression);
    CHECK(r.rows[1].status == Status::undecided);

    // Without a reference on one side nothing is widened.
    RunResult no_ref = slow_machine;
    no_ref.reference = BenchmarkResult{};
    CHECK_FALSE(compare_runs(base, no_ref, GateConfig{}).speed_corrected);
}

TEST_CASE("speed correction cannot turn a suite-wide regression into STABLE") {
    // The machine 5% faster and the whole suite truly 12% slower: the raw changes are +6.4%;
    // each interval reaches up to the corrected +12%: never STABLE.
    RunResult base = run_of({processes("a", 100, 3, 0.005), processes("b", 2000, 3, 0.005), processes("c", 500, 3, 0.005)});
    base.reference = processes(reference_name, 150, 3, 0.005);
    RunResult cur = run_of({bench("a", 100 * 1.12 * 0.95, 0.005, 20), bench("b", 2000 * 1.12 * 0.95, 0.005, 20),
                            bench("c", 500 * 1.12 * 0.95, 0.005, 20)});
    cur.reference = bench(reference_name, 150 * 0.95);
    const auto r = compare_runs(base, cur, GateConfig{});
    for (const auto& row : r.rows) {
        CHECK(row.speed_applied);
        CHECK(row.change.point == Approx(0.064).margin(0.01));
        CHECK(row.change.upper > 0.12);
        CHECK(row.status != Status::stable);
    }
    // A reference that ran 0.5% fast on its own (A/A): inside the noise band, nothing is widened.
    RunResult aa = run_of({bench("a", 100, 0.005, 20), bench("b", 2000, 0.005, 20), bench("c", 500, 0.005, 20)});
    aa.reference = bench(reference_name, 149.25);
    const auto a = compare_runs(base, aa, GateConfig{});
    CHECK_FALSE(a.speed_corrected);
    for (const auto& row : a.rows) {
        CHECK_FALSE(row.speed_applied);
        CHECK(row.status == Status::stable);
    }
}

TEST_CASE("confirmation compares every process of the suite the same way") {
    // Machine 8% slower in every process; "a" truly 30% slower, "b".."d" unchanged. "a" is a
    // suspect on the first process; the fresh process (the whole selection, as a real one
    // measures it) is compared the same way: "a" stays a REGRESSION, "b".."d" are never one.
    RunResult base = run_of({processes("a", 100, 3, 0.005), processes("b", 100, 3, 0.005),
                             processes("c", 100, 3, 0.005), processes("d", 100, 3, 0.005)});
    base.reference = processes(reference_name, 150, 3, 0.005);
    auto process = [](int) {
        RunResult r = run_of({bench("a", 130 * 1.08, 0.005, 20), bench("b", 108, 0.005, 20), bench("c", 108, 0.005, 20),
                              bench("d", 108, 0.005, 20)});
        r.reference = bench(reference_name, 162);
        return r;
    };
    RunResult cur = process(0);
    int calls = 0;
    const auto report = gate(base, cur, GateConfig{}, SequentialPlan{2, 300}, [&](const std::vector<std::string>&, int a) {
        ++calls;
        LoadedRun l;
        l.run = process(a);
        return l;
    });
    CHECK(calls >= 1);
    CHECK(report.rows[0].status == Status::regression);
    for (std::size_t i = 1; i < 4; ++i) {
        CHECK(report.rows[i].speed_applied);
        CHECK(report.rows[i].status != Status::regression);
    }
}

TEST_CASE("the reference workload scales with its work") {
    // Gross effect only: 8x the multiplies take clearly longer.
    const auto time = [](std::uint64_t n) {
        double best = 1e18;
        for (int rep = 0; rep < 20; ++rep) {
            const auto t0 = Clock::now();
            do_not_optimize(reference_work(n));
            best = std::min(best, to_ns(Clock::now() - t0));
        }
        return best;
    };
    CHECK(time(80000) > 3 * time(10000));
    CHECK(reference_work(0) == reference_work(0));
}

TEST_CASE("deterministic metrics: exact change, same bands, no confirmation") {
    auto with_instr = [](const std::string& name, double instr) {
        BenchmarkResult b = bench(name, 100);
        b.metrics.instructions = instr;
        return b;
    };
    GateConfig cfg;
    cfg.metric = Metric::instructions;
    cfg.threshold = 0.01;
    cfg.warn_threshold = 0.005;
    const auto same = compare_benchmark(with_instr("a", 1000), with_instr("a", 1000), cfg);
    CHECK(same.status == Status::stable);
    CHECK(same.change.point == 0.0);
    CHECK(compare_benchmark(with_instr("a", 1000), with_instr("a", 1007), cfg).status == Status::slower);
    const auto two = compare_benchmark(with_instr("a", 1000), with_instr("a", 1020), cfg);
    CHECK(two.status == Status::regression);
    CHECK(two.change.point == Approx(0.02));
    CHECK(two.change.lower == two.change.upper);  // exact: no interval
    CHECK(compare_benchmark(with_instr("a", 1000), with_instr("a", 970), cfg).status == Status::improved);
    // A metric measured on one side only cannot be compared.
    const auto missing = compare_benchmark(bench("a", 100), with_instr("a", 1000), cfg);
    CHECK(missing.status == Status::added);
    CHECK(missing.error == "no instructions count in the baseline");
    // Allocations from zero to some: an infinite change, a REGRESSION.
    GateConfig alloc;
    alloc.metric = Metric::allocations;
    BenchmarkResult none = bench("x", 100), some = bench("x", 100);
    none.metrics.allocations = 0;
    some.metrics.allocations = 1;
    const auto grew = compare_benchmark(none, some, alloc);
    CHECK(grew.status == Status::regression);
    CHECK(report::format_change(grew.change.point) == "+inf%");
    // The gate never re-measures deterministic suspects.
    int calls = 0;
    RunResult instr_run = run_of({with_instr("a", 1100)});
    const auto report = gate(run_of({with_instr("a", 1000)}), instr_run, cfg, SequentialPlan{2, 300},
                             [&](const std::vector<std::string>&, int) {
                                 ++calls;
                                 return LoadedRun{};
                             });
    CHECK(report.rows[0].status == Status::regression);
    CHECK(calls == 0);
    // A group can gate on another metric than the run.
    BenchmarkResult grouped = with_instr("g", 1100);
    grouped.thresholds.gate = "instructions";
    const auto by_group = compare_runs(run_of({with_instr("g", 1000)}), run_of({grouped}), GateConfig{});
    CHECK(by_group.rows[0].metric == Metric::instructions);
    CHECK(by_group.rows[0].status == Status::regression);
}

TEST_CASE("callgrind dumps are parsed into instructions and estimated cycles") {
    const std::string dump =
        "version: 1\ncreator: callgrind-3.19.0\npid: 1\ncmd:  ./x\npart: 1\n"
        "desc: I1 cache: 65536 B, 64 B, 16-way associative\n"
        "desc: Trigger: Client Request: benchgate:3\n"
        "positions: line\nevents: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\n"
        "summary: 6014 1000 1007 3 2 1 3 0 1\ntotals: 6004 1000 1001 1 0 0 1\n";
    const CallgrindDump d = parse_callgrind_dump(dump);
    CHECK(d.index == 3);
    CHECK(d.ir == 6014);
    CHECK(d.has_cache);
    CHECK(d.est_cycles == 6014 + 10 * (3 + 2 + 1) + 100 * (3 + 0 + 1));
    CHECK(parse_callgrind_dump("events: Ir\nsummary: 5\n").index == -1);
    const CallgrindDump plain = parse_callgrind_dump("desc: Trigger: Client Request: benchgate:0\nevents: Ir\nsummary: 42\n");
    CHECK(plain.ir == 42);
    CHECK_FALSE(plain.has_cache);
}

TEST_CASE("Wilcoxon signed-rank: exact small-sample p-values and the normal approximation") {
    // All 6 differences positive: W- = 0; exact two-sided p = 2 / 2^6.
    CHECK(stats::wilcoxon_signed_rank_p({1, 2, 3, 4, 5, 6}) == Approx(2.0 / 64.0));
    // Symmetric differences: no evidence.
    CHECK(stats::wilcoxon_signed_rank_p({-3, -2, -1, 1, 2, 3}) == Approx(1.0));
    // Zeros are dropped.
    CHECK(stats::wilcoxon_signed_rank_p({0, 0, 1, 2, 3, 4, 5, 6}) == Approx(2.0 / 64.0));
    CHECK(stats::wilcoxon_signed_rank_p({}) == 1.0);
    // n = 40 shifted normals: tiny p; centred: not significant for this seed.
    stats::Rng rng(9);
    std::vector<double> shifted, centred;
    for (int i = 0; i < 40; ++i) {
        const double u = rng.uniform() - 0.5;
        shifted.push_back(0.05 + 0.02 * u);
        centred.push_back(0.02 * u);
    }
    CHECK(stats::wilcoxon_signed_rank_p(shifted) < 1e-6);
    CHECK(stats::wilcoxon_signed_rank_p(centred) > 0.05);
}

TEST_CASE("duet comparison: per-pair ratios cancel a shared drift that independent samples cannot") {
    // Both builds see the same machine state in each pair: a drift of +-20% over the run,
    // identical on both sides; the current build is 6% slower in every pair.
    BenchmarkResult cur;
    cur.name = "d";
    for (int i = 0; i < 40; ++i) {
        const double machine = 1.0 + 0.2 * std::sin(i * 0.7);
        cur.paired_baseline.push_back(100.0 * machine);
        cur.samples.push_back(106.0 * machine);
        cur.iterations.push_back(10);
    }
    summarize(cur);
    const Comparison c = compare_paired(cur, tight());
    CHECK(c.change.point == Approx(0.06).margin(1e-9));
    CHECK(c.status == Status::slower);
    // The same samples judged as two independent sets: the drift hides the change.
    BenchmarkResult base = cur;
    base.samples = cur.paired_baseline;
    base.paired_baseline.clear();
    BenchmarkResult unpaired = cur;
    unpaired.paired_baseline.clear();
    // (Judged by the median: the minimum of this synthetic drift is exact on both sides.)
    GateConfig by_median = tight();
    by_median.estimator = stats::Statistic::median;
    CHECK(compare_benchmark(base, unpaired, by_median).status != Status::regression);

    RunResult run;
    run.benchmarks = {cur};
    BenchmarkResult only_here = bench("only_here", 50);
    run.benchmarks.push_back(only_here);
    const GateReport r = compare_duet(run, {"only_there"}, tight());
    REQUIRE(r.rows.size() == 3);
    CHECK(r.rows[0].status == Status::slower);
    CHECK(r.rows[1].status == Status::added);
    CHECK(r.rows[2].status == Status::missing);
    // Paired samples survive the file format.
    const auto loaded = parse_run(to_json(run), "duet.json");
    INFO(loaded.error);
    REQUIRE(loaded.ok());
    CHECK(loaded.run.benchmarks[0].paired_baseline == cur.paired_baseline);
}

TEST_CASE("a baseline process too small to compare is an input error, not a silent STABLE") {
    for (std::size_t keep : {1u, 2u}) {
        RunResult base = run_of({bench("a", 100), bench("b", 100)});
        for (auto& b : base.benchmarks) {
            b.samples.resize(keep);
            b.iterations.resize(keep);
            b.rounds.resize(keep);
        }
        const RunResult cur = run_of({bench("a", 150), bench("b", 100)});
        const GateReport r = compare_runs(base, cur, GateConfig{});
        REQUIRE(r.input_errors().size() == 2);
        CHECK(r.input_errors()[0]->input_error.find("too few samples") != std::string::npos);
    }
    CHECK(compare_runs(run_of({bench("a", 100)}), run_of({bench("a", 150)}), GateConfig{}).input_errors().empty());
}

TEST_CASE("Student's t: CDF and quantiles against known values") {
    CHECK(stats::student_t_cdf(0.0, 3) == Approx(0.5));
    CHECK(stats::student_t_quantile(0.975, 1) == Approx(12.706).epsilon(1e-3));
    CHECK(stats::student_t_quantile(0.975, 2) == Approx(4.303).epsilon(1e-3));
    CHECK(stats::student_t_quantile(0.975, 4) == Approx(2.776).epsilon(1e-3));
    CHECK(stats::student_t_quantile(0.975, 30) == Approx(2.042).epsilon(1e-3));
    CHECK(stats::student_t_cdf(2.228, 10) == Approx(0.975).epsilon(1e-3));
}

TEST_CASE("a benchmark missing its gated metric is an input error, not NEW") {
    BenchmarkResult base = bench("g", 100), cur = bench("g", 100);
    base.metrics.instructions = 1000;
    cur.thresholds.gate = "instructions";  // its group gates on instructions; this run counted none
    const GateReport r = compare_runs(run_of({base}), run_of({cur}), GateConfig{});
    REQUIRE(r.input_errors().size() == 1);
    CHECK(r.input_errors()[0]->input_error.find("--metric instructions") != std::string::npos);
    BenchmarkResult counted = cur;
    counted.metrics.instructions = 1000;
    BenchmarkResult uncounted_base = bench("g", 100);
    const GateReport r2 = compare_runs(run_of({uncounted_base}), run_of({counted}), GateConfig{});
    REQUIRE(r2.input_errors().size() == 1);
    CHECK(r2.input_errors()[0]->input_error.find("in the baseline") != std::string::npos);
}

TEST_CASE("every row's numbers come from the comparison whose change it shows") {
    // A machine-wide slowdown: the reference and the suite 30% slower; nothing is corrected
    // (the intervals are widened), and Current / Baseline - 1 is the change shown.
    RunResult base = run_of({bench("a", 100), bench("b", 200)});
    RunResult cur = run_of({bench("a", 130), bench("b", 260)});
    base.reference = bench(reference_name, 150);
    cur.reference = bench(reference_name, 195);
    const GateReport r = compare_runs(base, cur, GateConfig{});
    REQUIRE(r.speed_corrected);
    for (const auto& c : r.rows) {
        CHECK(c.current / c.baseline - 1.0 == Approx(c.change.point).margin(1e-12));
        CHECK(c.current / c.raw_baseline - 1.0 == Approx(c.raw_change).margin(1e-12));
        CHECK(c.baseline == c.raw_baseline);
    }
    // Duet: the change is a median of per-pair ratios; the Baseline column is the other build's
    // median, and Current that times the change.
    BenchmarkResult paired = bench("p", 110);
    paired.paired_baseline = bench("p", 100).samples;
    const GateReport d = compare_duet(run_of({paired}), {}, GateConfig{});
    CHECK(d.config.estimator == stats::Statistic::median);
    CHECK(d.rows[0].baseline == Approx(stats::median(paired.paired_baseline)));
    CHECK(d.rows[0].current / d.rows[0].baseline - 1.0 == Approx(d.rows[0].change.point).margin(1e-12));
}

TEST_CASE("--alpha sets the confidence of the change's interval") {
    GateConfig wide, narrow;
    narrow.alpha = 0.5;  // a 50% interval
    const auto w = compare_benchmark(processes("x", 100, 3, 0.02), processes("x", 104, 3, 0.02), wide);
    const auto n = compare_benchmark(processes("x", 100, 3, 0.02), processes("x", 104, 3, 0.02), narrow);
    CHECK(w.change.point == Approx(n.change.point));
    CHECK(n.change.upper - n.change.lower < 0.5 * (w.change.upper - w.change.lower));
}

TEST_CASE("classify: --improvement-threshold sets IMPROVED's band apart from REGRESSION's") {
    GateConfig cfg;
    const Estimate faster15{-0.15, -0.17, -0.13};
    CHECK(classify(faster15, cfg) == Status::improved);
    cfg.improvement_threshold = 0.20;
    CHECK(classify(faster15, cfg) == Status::faster);
    CHECK(classify({-0.25, -0.27, -0.23}, cfg) == Status::improved);
    CHECK(classify({0.15, 0.13, 0.17}, cfg) == Status::regression);  // regressions keep --threshold
}

TEST_CASE("apply_acceptances: only a named REGRESSION becomes ACCEPTED, and the gate passes") {
    GateReport report;
    Comparison slow, other, stable;
    slow.name = "a/slow";
    slow.status = Status::regression;
    other.name = "a/other";
    other.status = Status::regression;
    stable.name = "a/stable";
    stable.status = Status::stable;
    report.rows = {slow, other, stable};
    report.config.accepted = {{"a/slow", "twice the rounds, for safety"}, {"a/stable", "meant"}, {"not/in/run", "x"}};
    CHECK(report.failed());
    apply_acceptances(report);
    CHECK(report.rows[0].status == Status::accepted);
    CHECK(report.rows[0].accepted_reason == "twice the rounds, for safety");
    CHECK(std::string(to_string(report.rows[0].status)) == "ACCEPTED");
    CHECK(report.rows[1].status == Status::regression);  // not named: still fails the gate
    CHECK(report.failed());
    CHECK(report.rows[2].status == Status::stable);
    REQUIRE(report.rows[2].notes.size() == 1);
    CHECK(report.rows[2].notes[0] == "accepted as a regression (meant), but it is STABLE");
    report.rows.erase(report.rows.begin() + 1);
    CHECK_FALSE(report.failed());
}
