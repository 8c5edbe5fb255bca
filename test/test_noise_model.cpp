// The noise model of the gate on synthetic data with known answers: the special functions, the
// prior fitted to a suite's spreads, the coverage of the intervals it gives, the error spent over
// sequential looks, the machine-speed reference, tails, and the duet regime's bookkeeping.
#include <catch2/catch.hpp>

#define BENCHGATE_FULL
#include <benchgate/benchgate.hpp>
#include <benchgate/merge.hpp>

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

using namespace benchgate;
using namespace benchgate::detail;

namespace {

double normal(stats::Rng& rng) {  // Box-Muller
    const double u1 = std::max(rng.uniform(), 1e-300), u2 = rng.uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

double chi_square(stats::Rng& rng, int df) {
    double s = 0;
    for (int i = 0; i < df; ++i) {
        const double z = normal(rng);
        s += z * z;
    }
    return s;
}

// One process of `n` samples: the process's level `level` (its luck) with a little noise
// inside it, so that the minimum is the level within 0.1%.
void add_process(BenchmarkResult& b, double level, std::uint32_t process, stats::Rng& rng, int n = 6) {
    for (int i = 0; i < n; ++i) {
        b.samples.push_back(level * (1.0 + 0.001 * rng.uniform()));
        b.iterations.push_back(100);
        b.processes.push_back(process);
    }
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

// A suite of `count` benchmarks whose process levels are log-normal with SD sd[i] around 1 (the
// baseline, `base_processes` processes) and around 1 + change (the current run, `cur_processes`).
std::pair<RunResult, RunResult> suite(const std::vector<double>& sd, int base_processes, int cur_processes, double change,
                                      stats::Rng& rng) {
    std::vector<BenchmarkResult> base, cur;
    for (std::size_t i = 0; i < sd.size(); ++i) {
        BenchmarkResult b, c;
        b.name = c.name = "b" + std::to_string(i);
        for (int p = 0; p < base_processes; ++p) add_process(b, 100.0 * std::exp(sd[i] * normal(rng)), static_cast<std::uint32_t>(p), rng);
        for (int p = 0; p < cur_processes; ++p)
            add_process(c, 100.0 * (1.0 + change) * std::exp(sd[i] * normal(rng)), static_cast<std::uint32_t>(p), rng);
        base.push_back(b);
        cur.push_back(c);
    }
    return {run_of(base), run_of(cur)};
}

// How often the rows' 95% intervals contain the true change, over `suites` suites.
double coverage(const std::vector<double>& sd, int suites, std::uint64_t seed, double change = 0.0, int base_processes = 3,
                int cur_processes = 1) {
    stats::Rng rng(seed);
    int in = 0, all = 0;
    for (int k = 0; k < suites; ++k) {
        const auto [base, cur] = suite(sd, base_processes, cur_processes, change, rng);
        const GateReport r = compare_runs(base, cur, GateConfig{});
        for (const auto& row : r.rows) {
            ++all;
            // The levels' minimum carries up to 0.1% of within-process noise on both sides.
            if (row.change.lower <= change + 0.001 && row.change.upper >= change - 0.001) ++in;
        }
    }
    return static_cast<double>(in) / all;
}

}  // namespace

TEST_CASE("digamma, trigamma and its inverse against known values") {
    CHECK(stats::digamma(1.0) == Approx(-0.5772156649015329).margin(1e-10));
    CHECK(stats::digamma(0.5) == Approx(-1.9635100260214235).margin(1e-10));
    CHECK(stats::digamma(10.0) == Approx(2.251752589066721).margin(1e-10));
    CHECK(stats::trigamma(1.0) == Approx(1.6449340668482264).margin(1e-10));
    CHECK(stats::trigamma(0.5) == Approx(4.934802200544704).margin(1e-9));
    CHECK(stats::trigamma(7.5) == Approx(0.14261589669656852).margin(1e-10));
    for (double x : {0.05, 0.7, 1.0, 3.7, 25.0, 400.0}) CHECK(stats::trigamma_inverse(stats::trigamma(x)) == Approx(x).epsilon(1e-6));
}

TEST_CASE("the suite's prior is recovered from spreads drawn from it") {
    // 3000 benchmarks, 2 degrees of freedom each, variances from a scaled inverse chi-square
    // with d0 = 6 and s0 = 2%.
    stats::Rng rng(11);
    const double d0 = 6, s0 = 0.02;
    std::vector<double> s2, df;
    for (int i = 0; i < 3000; ++i) {
        const double sigma2 = d0 * s0 * s0 / chi_square(rng, 6);
        s2.push_back(sigma2 * chi_square(rng, 2) / 2.0);
        df.push_back(2.0);
    }
    const stats::VariancePrior prior = stats::fit_variance_prior(s2, df);
    REQUIRE(prior.fitted());
    CHECK(prior.df == Approx(d0).epsilon(0.3));
    CHECK(std::sqrt(prior.s2) == Approx(s0).epsilon(0.06));
    // Equal variances: the prior holds them all (infinite weight), capped at the suite's df.
    std::vector<double> same(50, 0.0004), two(50, 1000.0);
    const stats::VariancePrior flat = stats::fit_variance_prior(same, two);
    CHECK(std::isinf(flat.df));
    CHECK(std::sqrt(flat.s2) == Approx(0.02).epsilon(0.001));
    CHECK(stats::moderate(0.0004, 2, flat).second == Approx(50000));
    // Too few spreads: no prior, the variance is left alone.
    const stats::VariancePrior none = stats::fit_variance_prior({0.01, 0.02}, {2, 2});
    CHECK_FALSE(none.fitted());
    CHECK(stats::moderate(0.01, 2, none).first == 0.01);
}

TEST_CASE("the moderated interval covers the true change 93-97% of the time at CVs of 0.5% to 10%") {
    // Suites of 20 benchmarks, 3 baseline processes and 1 current (the first look of a file
    // comparison), every benchmark at the same between-process CV; 150 suites = 3000 rows each.
    for (double cv : {0.005, 0.02, 0.05, 0.10}) {
        const double c = coverage(std::vector<double>(20, cv), 150, static_cast<std::uint64_t>(cv * 1e4));
        INFO("CV " << cv << ": coverage " << c);
        CHECK(c >= 0.93);
        CHECK(c <= 0.97);
    }
    // Spreads that differ from benchmark to benchmark, drawn from a prior (d0 = 8, s0 = 3%):
    // the model the fit assumes, over a wide range of CVs.
    stats::Rng rng(5);
    std::vector<double> mixed;
    for (int i = 0; i < 20; ++i) mixed.push_back(std::sqrt(8 * 0.03 * 0.03 / chi_square(rng, 8)));
    const double c = coverage(mixed, 150, 77);
    INFO("mixed CVs: coverage " << c);
    CHECK(c >= 0.93);
    CHECK(c <= 0.97);
    // More processes on both sides (a second look) and a true +7% change.
    const double later = coverage(std::vector<double>(20, 0.03), 150, 99, 0.07, 3, 3);
    INFO("3 + 3 processes, +7%: coverage " << later);
    CHECK(later >= 0.93);
    CHECK(later <= 0.97);
}

TEST_CASE("quiet benchmarks get narrow intervals and noisy ones wide ones") {
    stats::Rng rng(3);
    std::vector<double> sd(10, 0.005);
    sd.resize(20, 0.08);
    const auto [base, cur] = suite(sd, 3, 1, 0.0, rng);
    const GateReport r = compare_runs(base, cur, GateConfig{});
    double quiet = 0, noisy = 0;
    for (std::size_t i = 0; i < 10; ++i) quiet = std::max(quiet, r.rows[i].change.upper - r.rows[i].change.lower);
    for (std::size_t i = 10; i < 20; ++i) noisy += (r.rows[i].change.upper - r.rows[i].change.lower) / 10;
    // The fixed 2% prior (2 degrees of freedom) alone made every interval about 15% wide here.
    CHECK(quiet < 0.09);
    CHECK(noisy > 2 * quiet);
    CHECK(r.prior.fitted());
}

TEST_CASE("the error spent over sequential looks sums to alpha") {
    GateConfig cfg;
    CHECK(spent_alpha(1, cfg) == cfg.alpha);
    double sum = 0;
    for (int look = 2; look < 100000; ++look) sum += spent_alpha(look, cfg);
    CHECK(sum <= cfg.alpha);
    CHECK(sum == Approx(cfg.alpha).epsilon(0.001));
    cfg.max_looks = 1;
    CHECK(spent_alpha(3, cfg) == cfg.alpha);
}

TEST_CASE("a change at the warn band's edge is called a REGRESSION at most alpha/2 of the time, however many looks") {
    // The threshold at the warn band (so that a REGRESSION needs only the interval's lower end
    // past it), a true change exactly there, a noisy suite (CV 5%): fresh processes are added
    // while rows are undecided, up to 8 of them.
    GateConfig cfg;
    cfg.threshold = 0.05;
    cfg.warn_threshold = 0.05;
    cfg.max_looks = 9;
    stats::Rng rng(2024);
    int regressions = 0, rows = 0;
    const std::vector<double> sd(10, 0.05);
    for (int k = 0; k < 300; ++k) {
        auto [base, cur] = suite(sd, 3, 1, 0.05, rng);
        SequentialPlan plan;
        plan.max_extra = 8;
        plan.likely_extra = 0;
        const GateReport r = gate(base, cur, cfg, plan, [&](const std::vector<std::string>&, int) {
            LoadedRun l;
            l.run = suite(sd, 0, 1, 0.05, rng).second;
            return l;
        });
        for (const auto& row : r.rows) {
            ++rows;
            regressions += row.status == Status::regression;
        }
    }
    const double rate = static_cast<double>(regressions) / rows;
    INFO("false REGRESSION rate at the edge: " << rate << " over " << rows << " rows");
    CHECK(rate <= cfg.alpha / 2 + 0.008);  // alpha/2 plus three Monte Carlo standard errors
}

TEST_CASE("the machine-speed reference widens intervals instead of choosing the verdict") {
    auto with_reference = [](std::vector<BenchmarkResult> bs, double reference, int processes, stats::Rng& rng) {
        RunResult r = run_of(std::move(bs));
        r.reference.name = reference_name;
        for (int p = 0; p < processes; ++p) add_process(r.reference, reference, static_cast<std::uint32_t>(p), rng);
        return r;
    };
    auto bench_at = [](const std::string& name, double level, int processes, stats::Rng& rng) {
        BenchmarkResult b;
        b.name = name;
        for (int p = 0; p < processes; ++p) add_process(b, level * (1.0 + 0.002 * (p % 2)), static_cast<std::uint32_t>(p), rng);
        return b;
    };
    stats::Rng rng(8);
    const RunResult base = with_reference({bench_at("cpu", 100, 3, rng), bench_at("memory", 100, 3, rng), bench_at("same", 100, 3, rng)},
                                          150, 3, rng);
    // A machine 8% faster; "cpu" truly 12% slower, moving with the machine: +3% raw.
    const RunResult faster = with_reference({bench_at("cpu", 100 * 1.12 * 0.92, 1, rng), bench_at("memory", 100, 1, rng),
                                             bench_at("same", 100 * 0.92, 1, rng)},
                                            150 * 0.92, 1, rng);
    const GateReport f = compare_runs(base, faster, GateConfig{});
    CHECK(f.speed_corrected);
    CHECK(f.rows[0].change.point == Approx(0.03).margin(0.005));
    CHECK(f.rows[0].status != Status::stable);  // a regression is never hidden as STABLE
    CHECK(f.rows[0].status != Status::regression);
    // A machine 10% slower; "memory" does not move with the machine and truly regressed 10%:
    // it reads +10%, not 0%, and is not STABLE; "same" moved with the machine and did not
    // change: it is not called a REGRESSION.
    const RunResult slower = with_reference({bench_at("cpu", 110, 1, rng), bench_at("memory", 110, 1, rng),
                                             bench_at("same", 110, 1, rng)},
                                            165, 1, rng);
    const GateReport s = compare_runs(base, slower, GateConfig{});
    CHECK(s.rows[1].change.point == Approx(0.10).margin(0.005));
    CHECK(s.rows[1].status != Status::stable);
    for (const auto& row : s.rows) CHECK(row.status != Status::regression);
    CHECK(report::speed_note(s).find("cover both readings") != std::string::npos);
    // UNDECIDED only because the machine moved: no fresh process can settle that.
    CHECK(s.rows[2].status == Status::undecided);
    CHECK(s.rows[2].machine_undecided);
    CHECK_FALSE(needs_another_process(s.rows[2], s.config));
    // The rule never looks at a row's own change: every time row is widened alike.
    CHECK(s.speed_applied_rows == 3);
    // A reference inside the noise band: nothing is widened.
    const RunResult same = with_reference({bench_at("cpu", 100, 1, rng), bench_at("memory", 100, 1, rng), bench_at("same", 100, 1, rng)},
                                          150.5, 1, rng);
    const GateReport n = compare_runs(base, same, GateConfig{});
    CHECK_FALSE(n.speed_corrected);
    for (const auto& row : n.rows) CHECK(row.status == Status::stable);
}

TEST_CASE("a likely regression gets fresh processes of its own and is named apart") {
    Comparison c;
    c.status = Status::undecided;
    c.threshold = 0.10;
    c.change = {0.14, 0.02, 0.28};
    CHECK(likely_regression(c));
    c.change = {0.06, -0.02, 0.15};
    CHECK_FALSE(likely_regression(c));
    // A row that stays undecided past the threshold: the budget is --confirm plus likely_extra.
    stats::Rng rng(4);
    BenchmarkResult b, x;
    b.name = x.name = "noisy";
    add_process(b, 100, 0, rng);
    add_process(b, 140, 1, rng);
    add_process(b, 70, 2, rng);
    add_process(x, 125, 0, rng);
    const RunResult base = run_of({b});
    RunResult cur = run_of({x});
    int calls = 0;
    SequentialPlan plan;
    plan.max_extra = 2;
    plan.likely_extra = 3;
    const GateReport r = gate(base, cur, GateConfig{}, plan, [&](const std::vector<std::string>&, int) {
        ++calls;
        BenchmarkResult y;
        y.name = "noisy";
        add_process(y, calls % 2 ? 160 : 100, 0, rng);
        LoadedRun l;
        l.run = run_of({y});
        return l;
    });
    CHECK(calls == 5);
    REQUIRE(likely_regression(r.rows[0]));
    CHECK(report::likely_note(r).find("1 likely regression undecided") == 0);
    CHECK(report::markdown_comparison(r).find("likely regression") != std::string::npos);
}

TEST_CASE("duet: turns start on either side equally often, in an order new with the seed") {
    stats::Rng a(1), b(2);
    const std::vector<bool> x = balanced_order(20, a), y = balanced_order(20, b);
    CHECK(std::count(x.begin(), x.end(), true) == 10);
    CHECK(std::count(y.begin(), y.end(), true) == 10);
    CHECK(x != y);
    stats::Rng c(3);
    const std::vector<bool> odd = balanced_order(7, c);
    const auto firsts = std::count(odd.begin(), odd.end(), true);
    CHECK((firsts == 3 || firsts == 4));
}

TEST_CASE("duet: a side whose paired batches left its solo regime is noted") {
    BenchmarkResult b;
    b.name = "walk";
    for (int i = 0; i < 30; ++i) {
        b.samples.push_back(100.0 + (i % 3));
        b.paired_baseline.push_back(80.0 + (i % 3));
        b.iterations.push_back(10);
    }
    b.solo_samples = {100, 101, 102};
    b.solo_baseline = {80, 81, 80};
    CHECK(duet_regime_note(b, GateConfig{}).empty());
    b.solo_samples = {85, 86, 85};  // alone this side ran 15% faster than in the pairs
    const std::string note = duet_regime_note(b, GateConfig{});
    CHECK(note.find("+18.8%") != std::string::npos);
    const GateReport r = compare_duet(run_of({b}), {}, GateConfig{});
    REQUIRE(r.rows[0].notes.size() == 1);
    CHECK(report::markdown_comparison(r).find("duet regime") != std::string::npos);
}

TEST_CASE("duet: one run's interval comes from blocks of its pairs; a verdict other than STABLE asks for a second run") {
    // One run of a suite of five, 60 pairs each of ratio ~1.07 with 1% noise: SLOWER on one run
    // is re-measured.
    stats::Rng rng(9);
    std::vector<BenchmarkResult> suite_rows;
    for (int k = 0; k < 5; ++k) {
        BenchmarkResult b;
        b.name = "x" + std::to_string(k);
        for (int i = 0; i < 60; ++i) {
            b.paired_baseline.push_back(100.0);
            b.samples.push_back(107.0 * std::exp(0.01 * normal(rng)));
            b.iterations.push_back(10);
        }
        suite_rows.push_back(b);
    }
    const GateReport r = compare_duet(run_of(suite_rows), {}, GateConfig{});
    CHECK(r.prior.fitted());
    CHECK(r.rows[0].paired);
    CHECK(r.rows[0].processes_current == 1);
    CHECK(r.rows[0].spread_df >= duet_blocks - 1);
    CHECK(r.rows[0].status == Status::slower);
    CHECK(needs_another_process(r.rows[0], r.config));
    // The Baseline and Current columns reproduce the change shown.
    CHECK(r.rows[0].current / r.rows[0].baseline - 1.0 == Approx(r.rows[0].change.point).epsilon(1e-9));
}

TEST_CASE("a tail change the minimum cannot see is noted as TAIL") {
    // 20% of the samples in a slow mode (+100%) in the baseline, 80% now: the median moves
    // by far more than the threshold, the minimum not at all.
    auto with_slow_mode = [](double fraction, int processes) {
        BenchmarkResult b;
        b.name = "hash/insert";
        for (int p = 0; p < processes; ++p)
            for (int i = 0; i < 20; ++i) {
                b.samples.push_back(i < fraction * 20 ? 200.0 + i * 0.01 : 100.0 + i * 0.01);
                b.iterations.push_back(10);
                b.processes.push_back(static_cast<std::uint32_t>(p));
            }
        return b;
    };
    const RunResult base = run_of({with_slow_mode(0.2, 3)});
    const RunResult cur = run_of({with_slow_mode(0.8, 1)});
    const GateReport r = compare_runs(base, cur, GateConfig{});
    CHECK(r.rows[0].status == Status::stable);
    REQUIRE(r.rows[0].notes.size() == 1);
    CHECK(r.rows[0].notes[0].find("TAIL: the median moved +") == 0);
    CHECK(report::markdown_comparison(r).find("TAIL") != std::string::npos);
    CHECK(report::json_report(cur, &r).find("TAIL") != std::string::npos);
    // Gated on the median, the same change is a REGRESSION and no note is needed.
    GateConfig median;
    median.estimator = stats::Statistic::median;
    const GateReport m = compare_runs(base, cur, median);
    CHECK(m.rows[0].notes.empty());
    CHECK(m.rows[0].status != Status::stable);
}

TEST_CASE("a run cannot loosen the group thresholds its baseline was saved with") {
    stats::Rng rng(12);
    BenchmarkResult b, x;
    b.name = x.name = "group/a";
    for (int p = 0; p < 3; ++p) add_process(b, 100, static_cast<std::uint32_t>(p), rng);
    add_process(x, 118, 0, rng);
    b.thresholds.threshold = 0.10;
    b.thresholds.warn_threshold = 0.05;
    x.thresholds.threshold = 0.50;  // the pull request loosened its group's gate
    x.thresholds.warn_threshold = 0.40;
    const GateReport r = compare_runs(run_of({b}), run_of({x}), GateConfig{});
    CHECK(r.rows[0].threshold == 0.10);
    CHECK(r.rows[0].status == Status::regression);
    // Tightening its own gate is honoured.
    b.thresholds = Thresholds{};
    x.thresholds.threshold = 0.05;
    x.thresholds.warn_threshold = 0.02;
    CHECK(compare_runs(run_of({b}), run_of({x}), GateConfig{}).rows[0].threshold == 0.05);
}

TEST_CASE("a 100-benchmark suite: identical builds fail in at most alpha of runs, and a real regression still fails") {
    // Between-process CVs from 0.5% to 20% (a few very noisy rows), 3 baseline processes and 2
    // current (a REGRESSION's second look), 200 identical runs.
    std::vector<double> sd;
    for (int i = 0; i < 100; ++i) sd.push_back(i < 90 ? 0.005 + 0.0005 * i : 0.20);
    stats::Rng rng(31);
    int failed_runs = 0, interval_only_runs = 0;
    for (int k = 0; k < 200; ++k) {
        const auto [base, cur] = suite(sd, 3, 2, 0.0, rng);
        const GateReport r = compare_runs(base, cur, GateConfig{});
        failed_runs += r.failed();
        bool by_interval = false;
        for (const auto& row : r.rows) by_interval = by_interval || classify(row.change, GateConfig{}, &row.decisive) == Status::regression;
        interval_only_runs += by_interval;
    }
    INFO(failed_runs << " of 200 identical runs failed; by the intervals alone " << interval_only_runs);
    CHECK(failed_runs <= 10);  // alpha = 5% of 200
    CHECK(failed_runs <= interval_only_runs);
    // One quiet benchmark truly 25% slower among them: a REGRESSION.
    auto [base, cur] = suite(sd, 3, 2, 0.0, rng);
    for (auto& s : cur.benchmarks[3].samples) s *= 1.25;
    const GateReport r = compare_runs(base, cur, GateConfig{});
    CHECK(r.rows[3].status == Status::regression);
    CHECK(r.rows[3].significant);
}

namespace {

// A suite whose baseline was saved in `sessions` sessions of `k` processes and whose current run
// is one more session of `m` processes. Each session moves every benchmark's level by its own
// log-normal step (SD session_sd, per benchmark); processes inside a session spread by
// process_sd. `joined`: the baseline says which session each process ran in; else it looks
// like one session.
std::pair<RunResult, RunResult> session_suite(int count, int sessions, int k, int m, double session_sd, double process_sd,
                                              bool joined, stats::Rng& rng) {
    std::vector<BenchmarkResult> base, cur;
    for (int i = 0; i < count; ++i) {
        BenchmarkResult b, c;
        b.name = c.name = "b" + std::to_string(i);
        std::uint32_t process = 0;
        for (int s = 0; s < sessions; ++s) {
            const double level = 100.0 * std::exp(session_sd * normal(rng));
            for (int p = 0; p < k; ++p) add_process(b, level * std::exp(process_sd * normal(rng)), process++, rng);
        }
        const double level = 100.0 * std::exp(session_sd * normal(rng));
        for (int p = 0; p < m; ++p) add_process(c, level * std::exp(process_sd * normal(rng)), static_cast<std::uint32_t>(p), rng);
        base.push_back(b);
        cur.push_back(c);
    }
    RunResult b = run_of(base), c = run_of(cur);
    b.context.processes = sessions * k;
    c.context.processes = m;
    if (joined)
        for (int s = 0; s < sessions; ++s)
            for (int p = 0; p < k; ++p) b.context.sessions.push_back(static_cast<std::uint32_t>(s));
    return {b, c};
}

double session_coverage(int sessions, int k, int m, double session_sd, double process_sd, bool joined, std::uint64_t seed,
                        int suites = 40, int count = 50) {
    stats::Rng rng(seed);
    int in = 0, all = 0;
    for (int s = 0; s < suites; ++s) {
        const auto [base, cur] = session_suite(count, sessions, k, m, session_sd, process_sd, joined, rng);
        for (const auto& row : compare_runs(base, cur, GateConfig{}).rows) {
            ++all;
            if (row.change.lower <= 0.001 && row.change.upper >= -0.001) ++in;
        }
    }
    return static_cast<double>(in) / all;
}

}  // namespace

TEST_CASE("sessions as a variance component: drift between sessions is in the interval of a joined baseline") {
    // The spread of one session mean against another, over processes of one session: 3% vs 1%.
    // A baseline of one session cannot see the drift: its intervals cover far less than 95%.
    const double one = session_coverage(1, 3, 1, 0.03, 0.01, false, 11);
    CHECK(one < 0.75);
    // Three sessions joined: the sessions are the replicates, and 95% intervals cover 93-97%.
    for (auto [sessions, k, m, session_sd, process_sd] :
         {std::tuple{3, 3, 1, 0.03, 0.01}, std::tuple{3, 3, 3, 0.03, 0.01}, std::tuple{4, 2, 1, 0.01, 0.02},
          std::tuple{2, 3, 1, 0.02, 0.005}, std::tuple{5, 3, 1, 0.0, 0.01}}) {
        const double c = session_coverage(sessions, k, m, session_sd, process_sd, true, 12);
        INFO("sessions " << sessions << ", k " << k << ", m " << m << ", session SD " << session_sd << ", process SD " << process_sd
                         << ": coverage " << c);
        CHECK(c >= 0.93);
        CHECK(c <= 0.97);
    }
    // The report says how many sessions the baseline holds, and notes a single one.
    stats::Rng rng(13);
    const auto [joined, cur] = session_suite(5, 3, 3, 1, 0.03, 0.01, true, rng);
    GateReport r = compare_runs(joined, cur, GateConfig{});
    CHECK(r.baseline_sessions == 3);
    CHECK(session_note(r).empty());
    const auto [single, cur1] = session_suite(5, 1, 3, 1, 0.03, 0.01, false, rng);
    r = compare_runs(single, cur1, GateConfig{});
    CHECK(r.baseline_sessions == 1);
    CHECK(session_note(r).find("one session") != std::string::npos);
}

TEST_CASE("joining runs into a baseline of sessions: processes renumbered, sessions recorded, machines checked") {
    stats::Rng rng(14);
    RunResult a = session_suite(3, 1, 3, 1, 0.0, 0.01, false, rng).first;
    RunResult b = session_suite(2, 1, 2, 1, 0.0, 0.01, false, rng).first;
    a.created = "2026-12-01T10:00:00Z";
    b.created = "2026-12-02T10:00:00Z";
    b.benchmarks[1].name = "only_in_b";
    MergedRun j = join_sessions({{a, "a.json"}, {b, "b.json"}});
    REQUIRE(j.ok());
    CHECK(j.run.context.processes == 5);
    CHECK(j.run.context.sessions == std::vector<std::uint32_t>{0, 0, 0, 1, 1});
    CHECK(j.run.created == "2026-12-02T10:00:00Z");
    const BenchmarkResult* b0 = j.run.find("b0");
    REQUIRE(b0);
    CHECK(process_indices(*b0) == std::vector<std::uint32_t>{0, 1, 2, 3, 4});
    CHECK(j.run.find("b2")->samples.size() == 18);
    CHECK(process_indices(*j.run.find("only_in_b")) == std::vector<std::uint32_t>{3, 4});
    // Written and read back, the sessions survive.
    const LoadedRun back = parse_run(to_json(j.run), "joined.json");
    REQUIRE(back.ok());
    CHECK(back.run.context.sessions == j.run.context.sessions);
    // A joined baseline joins again: its sessions stay apart.
    MergedRun again = join_sessions({{j.run, "joined.json"}, {a, "a.json"}});
    REQUIRE(again.ok());
    CHECK(again.run.context.sessions == std::vector<std::uint32_t>{0, 0, 0, 1, 1, 2, 2, 2});
    b.context.cpu = "another cpu";
    CHECK(join_sessions({{a, "a.json"}, {b, "b.json"}}).error.find("different machines") != std::string::npos);
    CHECK(!join_sessions({{a, "a.json"}}).ok());
}
