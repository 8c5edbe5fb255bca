// How often the trend analysis finds a change point where there is none, and how often it
// finds real ones: simulated series of 10 to 100 runs with a between-run spread of 2% and
// per-run intervals of 0.5-1.5% (Gaussian, and Student-t with 3 degrees of freedom for heavy
// tails). Prints one line per case; docs/trends.md quotes its output.
//   build/tools/benchgate-trend-calibration [SERIES_PER_CASE]   (default 1000)
#include <benchgate/trend.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <vector>

using namespace benchgate;

int main(int argc, char** argv) {
    const int reps = argc > 1 ? std::atoi(argv[1]) : 1000;
    if (reps <= 0) {
        std::fprintf(stderr, "usage: %s [SERIES_PER_CASE]\n", argv[0]);
        return 2;
    }
    std::mt19937_64 rng(1);
    std::normal_distribution<double> gauss(0, 1);
    std::student_t_distribution<double> t3(3);
    std::printf("%-9s %5s  %-22s %-22s %-16s %-16s %-18s\n", "noise", "runs", "change point (none)", "alarm (none)",
                "+10% step, mid", "+10% step, last 3", "+30% ramp alarm");
    for (int heavy = 0; heavy < 2; ++heavy)
        for (int n : {10, 20, 50, 100}) {
            int false_cp = 0, false_alarm = 0, mid = 0, end = 0, ramp = 0;
            for (int r = 0; r < reps; ++r) {
                auto make = [&](const std::function<double(int)>& level) {
                    std::vector<TrendPoint> p(static_cast<std::size_t>(n));
                    for (int i = 0; i < n; ++i) {
                        const double e = heavy ? t3(rng) / std::sqrt(3.0) : gauss(rng);
                        const double s = 0.01 * (0.5 + static_cast<double>(rng() % 100) / 100.0);
                        const double y = std::log(level(i)) + 0.02 * e + s * gauss(rng);
                        auto& q = p[static_cast<std::size_t>(i)];
                        q.time = date::sys_days{date::year{2026} / 1 / 1} + date::days{i};
                        q.value = std::exp(y);
                        q.lower = std::exp(y - 1.96 * s);
                        q.upper = std::exp(y + 1.96 * s);
                    }
                    return p;
                };
                const Trend flat = analyze_trend(make([](int) { return 100.0; }));
                false_cp += !flat.changes.empty();
                false_alarm += flat.alarm();
                mid += !analyze_trend(make([&](int i) { return i >= n / 2 ? 110.0 : 100.0; })).changes.empty();
                end += !analyze_trend(make([&](int i) { return i >= n - 3 ? 110.0 : 100.0; })).changes.empty();
                ramp += analyze_trend(make([&](int i) { return 100.0 * (1 + 0.3 * i / n); })).alarm();
            }
            auto pct = [&](int k) { return 100.0 * k / reps; };
            std::printf("%-9s %5d  %-22.1f %-22.1f %-16.1f %-16.1f %-18.1f\n", heavy ? "t(3)" : "gaussian", n,
                        pct(false_cp), pct(false_alarm), pct(mid), pct(end), pct(ramp));
        }
    return 0;
}
