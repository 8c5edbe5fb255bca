// benchgate: trends and change points over a benchmark's history (pure; nothing here reads
// files or prints).
//
// Each run contributes its median and that median's 95% interval. The model is a step
// function in log time (a level per segment) observed with two kinds of noise: the run's own
// interval (what one run knows about its median) and a between-run spread tau that no single
// run can see (a CI machine differs from one job to the next by more than any interval says).
// tau is estimated from successive differences, robustly, so steps do not inflate it. Each run
// then weighs 1 / (s_i^2 + tau^2): a run with a wide interval moves the fit less, a precise one
// more, but never more than the between-run spread allows. The levels are the exact
// minimiser of the weighted squared error plus a penalty per change point (optimal
// partitioning by dynamic programming, segments of at least two runs), the penalized-cost
// family of asv's step detection, with weights from the intervals. Isolated one-run spikes are
// clipped to a running median first, so one bad CI job is not a change point.
//
// A change point is reported when the fit needs it (the penalty) and its size is beyond the
// noise band. Slow degradation made of steps too small to report is caught by comparing the
// fitted level now with the fitted level at the start of the 30-day window, and by the drift
// of the 7-day mean against the 30-day mean: either beyond the warn band is "drifting".
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <date/date.h>

namespace benchgate {

// One run of one benchmark: when it ran (UTC) and its median with the 95% interval (any
// unit, the same for every point of a series).
struct TrendPoint {
    date::sys_seconds time{};
    double value = 0.0;
    double lower = 0.0;
    double upper = 0.0;
};

struct TrendConfig {
    double threshold = 0.10;       // a step beyond this is a regression (slower) or improvement
    double warn_threshold = 0.05;  // drift beyond this is reported as drifting
    double noise = 0.01;           // steps smaller than this are never reported
    double penalty = 0.0;          // per change point, in chi-square units; 0: penalty_for(n)
    std::size_t min_segment = 2;   // runs per level at least
    date::days recent{7};          // the recent mean's calendar window, ending at the newest run
    date::days window{30};         // the long mean's, and where window_change starts
};

// Where the level changed: `index` is the first run at the new level.
struct ChangePoint {
    std::size_t index = 0;
    double before = 0.0;  // the levels on either side (the series' unit)
    double after = 0.0;
    double factor() const { return after / before; }
};

enum class TrendStatus { stable, step_slower, step_faster, drifting_slower, drifting_faster, too_short };

inline const char* to_string(TrendStatus s) {
    switch (s) {
    case TrendStatus::stable: return "stable";
    case TrendStatus::step_slower: return "step slower";
    case TrendStatus::step_faster: return "step faster";
    case TrendStatus::drifting_slower: return "drifting slower";
    case TrendStatus::drifting_faster: return "drifting faster";
    case TrendStatus::too_short: return "too few runs";
    }
    return "stable";
}

struct Trend {
    double latest = std::numeric_limits<double>::quiet_NaN();  // the newest run's value
    double mean7 = std::numeric_limits<double>::quiet_NaN();   // weighted mean over the recent days
    double mean30 = std::numeric_limits<double>::quiet_NaN();  // and over the window
    double drift = std::numeric_limits<double>::quiet_NaN();   // mean7 / mean30 - 1
    // The change over the window: fitted level now / at the window's start - 1, or a weighted
    // linear fit's change over the window when that is significant and larger (a ramp).
    double window_change = std::numeric_limits<double>::quiet_NaN();
    double between_run_cv = 0.0;         // tau: the spread between runs beyond their intervals
    std::vector<double> levels;          // the fitted level of every run
    std::vector<ChangePoint> changes;    // every reported change point, oldest first
    TrendStatus status = TrendStatus::stable;
    // A slower step beyond the threshold, or slower drift beyond the warn band, in the window.
    bool alarm() const { return status == TrendStatus::step_slower || status == TrendStatus::drifting_slower; }
};

namespace detail::trend {

inline double median_of(std::vector<double> v) {
    if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
    const std::size_t m = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m), v.end());
    double hi = v[m];
    if (v.size() % 2) return hi;
    return 0.5 * (hi + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m)));
}

}  // namespace detail::trend

// The default penalty per change point for n runs, calibrated by simulation on pure noise
// (between-run spread 2%, per-run intervals 0.5-1.5%, Gaussian and Student-t(3), 1000 series
// each): series showing a change point were 3.2% / 1.7% / 0.6% / 0.1% at 10 / 20 / 50 / 100
// runs (2.0 / 1.6 / 0.9 / 0.3% with the heavy tails), while a +10% step at the middle was
// found in 82% / 99.8% / 100% / 100% of the series (docs/trends.md).
inline double penalty_for(std::size_t n) { return 9.0 + 3.0 * std::log(static_cast<double>(std::max<std::size_t>(n, 2))); }

// The analysis of one series, ordered oldest first (the order runs were added).
inline Trend analyze_trend(const std::vector<TrendPoint>& points, const TrendConfig& cfg = {}) {
    using detail::trend::median_of;
    Trend t;
    const std::size_t n = points.size();
    if (n == 0) {
        t.status = TrendStatus::too_short;
        return t;
    }
    t.latest = points.back().value;

    // Log values and each run's own standard error (from its 95% interval).
    std::vector<double> y(n), s2(n);
    std::vector<double> known;
    for (std::size_t i = 0; i < n; ++i) {
        y[i] = std::log(points[i].value);
        const double lo = points[i].lower, hi = points[i].upper;
        const double s = (lo > 0 && hi >= lo) ? (std::log(hi) - std::log(lo)) / (2.0 * 1.96) : -1.0;
        s2[i] = s >= 0 ? s * s : -1.0;
        if (s >= 0) known.push_back(s * s);
    }
    const double typical_s2 = known.empty() ? 0.0 : median_of(known);
    for (double& v : s2)
        if (v < 0) v = typical_s2;

    // tau^2 from successive differences: Var(y[i+1]-y[i]) = s_i^2 + s_{i+1}^2 + 2 tau^2 away
    // from steps; the median absolute difference ignores the few differences across a step.
    double tau2 = 0.0;
    if (n >= 3) {
        std::vector<double> d(n - 1), ss(n - 1);
        for (std::size_t i = 0; i + 1 < n; ++i) {
            d[i] = std::fabs(y[i + 1] - y[i]);
            ss[i] = s2[i] + s2[i + 1];
        }
        const double sd = 1.4826 * median_of(d);
        tau2 = std::max(0.0, (sd * sd - median_of(ss)) / 2.0);
    }
    t.between_run_cv = std::sqrt(tau2);
    // A floor keeps deterministic series (instruction counts) from infinite weights.
    constexpr double floor2 = 1e-4 * 1e-4;
    std::vector<double> v(n), w(n);
    for (std::size_t i = 0; i < n; ++i) {
        v[i] = std::max(s2[i] + tau2, floor2);
        w[i] = 1.0 / v[i];
    }

    // Clip isolated spikes to a running median of five (three at the ends) plus or minus three
    // standard deviations: a step moves the running median with it, a one-run spike does not.
    std::vector<double> yc = y;
    if (n >= 3)
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t a = i >= 2 ? i - 2 : 0, b = std::min(n, i + 3);
            const double m = median_of(std::vector<double>(y.begin() + static_cast<std::ptrdiff_t>(a),
                                                           y.begin() + static_cast<std::ptrdiff_t>(b)));
            const double lim = 3.0 * std::sqrt(v[i]);
            yc[i] = std::clamp(y[i], m - lim, m + lim);
        }

    // Optimal partitioning: best[j] = least cost of runs [0, j); cost of a segment [a, b) is
    // its weighted squared error about its weighted mean, from prefix sums.
    std::vector<double> W(n + 1, 0.0), S(n + 1, 0.0), Q(n + 1, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        W[i + 1] = W[i] + w[i];
        S[i + 1] = S[i] + w[i] * yc[i];
        Q[i + 1] = Q[i] + w[i] * yc[i] * yc[i];
    }
    auto cost = [&](std::size_t a, std::size_t b) {
        const double ww = W[b] - W[a], ss = S[b] - S[a];
        return std::max(0.0, (Q[b] - Q[a]) - ss * ss / ww);
    };
    const std::size_t m = std::max<std::size_t>(cfg.min_segment, 1);
    const double beta = cfg.penalty > 0 ? cfg.penalty : penalty_for(n);
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> best(n + 1, inf);
    std::vector<std::size_t> from(n + 1, 0);
    best[0] = -beta;
    for (std::size_t j = m; j <= n; ++j)
        for (std::size_t i = 0; i + m <= j; ++i) {
            if (best[i] == inf) continue;
            const double c = best[i] + beta + cost(i, j);
            if (c < best[j]) {  // strict: ties keep the earliest split, so the fit is deterministic
                best[j] = c;
                from[j] = i;
            }
        }
    std::vector<std::size_t> starts;
    if (best[n] == inf) starts.push_back(0);  // shorter than two segments' minimum: one level
    else
        for (std::size_t j = n; j > 0; j = from[j]) starts.push_back(from[j]);
    std::reverse(starts.begin(), starts.end());

    // Levels per segment, then merge neighbours whose step is inside the noise band.
    std::vector<std::size_t> bounds = starts;
    bounds.push_back(n);
    auto level = [&](std::size_t a, std::size_t b) { return (S[b] - S[a]) / (W[b] - W[a]); };
    for (bool merged = true; merged && bounds.size() > 2;) {
        merged = false;
        for (std::size_t k = 1; k + 1 < bounds.size(); ++k) {
            const double step = level(bounds[k], bounds[k + 1]) - level(bounds[k - 1], bounds[k]);
            if (std::fabs(std::expm1(step)) < cfg.noise) {
                bounds.erase(bounds.begin() + static_cast<std::ptrdiff_t>(k));
                merged = true;
                break;
            }
        }
    }
    t.levels.assign(n, 0.0);
    for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
        const double lv = std::exp(level(bounds[k], bounds[k + 1]));
        for (std::size_t i = bounds[k]; i < bounds[k + 1]; ++i) t.levels[i] = lv;
        if (k > 0) t.changes.push_back({bounds[k], t.levels[bounds[k] - 1], lv});
    }

    // Calendar windows ending at the newest run; weighted means, and the drift between them
    // with its standard error in log units (the recent runs are part of the long window).
    const date::sys_seconds now = points.back().time;
    struct Window {
        double mean = std::numeric_limits<double>::quiet_NaN();
        double weight = 0.0;
    };
    auto window_mean = [&](date::days span) {
        Window out;
        double sv = 0;
        for (std::size_t i = 0; i < n; ++i)
            if (now - points[i].time <= span) {
                out.weight += w[i];
                sv += w[i] * points[i].value;
            }
        if (out.weight > 0) out.mean = sv / out.weight;
        return out;
    };
    const Window recent = window_mean(cfg.recent), longer = window_mean(cfg.window);
    t.mean7 = recent.mean;
    t.mean30 = longer.mean;
    t.drift = t.mean7 / t.mean30 - 1.0;
    const double drift_se = std::sqrt(std::max(0.0, 1.0 / recent.weight - 1.0 / longer.weight));
    const bool drift_significant = std::fabs(std::log1p(t.drift)) > 2.0 * drift_se;
    std::size_t first = 0;
    while (first + 1 < n && now - points[first].time > cfg.window) ++first;
    t.window_change = t.levels.back() / t.levels[first] - 1.0;
    // A smooth ramp can hide inside one fitted level, or be cut short by a staircase: a
    // weighted linear fit over the window reads it, and gives the window's change when its
    // slope is clearly not zero (3 standard errors) and the line fits the window better than
    // the levels do. (Over a step the line would overstate it by about half; there the levels
    // fit better and speak.)
    if (n - first >= 2 * m) {
        double sw = 0, st = 0, sy = 0;
        auto days = [&](std::size_t i) { return std::chrono::duration<double>(points[i].time - points[first].time).count() / 86400.0; };
        for (std::size_t i = first; i < n; ++i) {
            sw += w[i];
            st += w[i] * days(i);
            sy += w[i] * yc[i];
        }
        const double tm = st / sw, ym = sy / sw;
        double stt = 0, sty = 0;
        for (std::size_t i = first; i < n; ++i) {
            stt += w[i] * (days(i) - tm) * (days(i) - tm);
            sty += w[i] * (days(i) - tm) * (yc[i] - ym);
        }
        if (stt > 0) {
            const double slope = sty / stt, se = std::sqrt(1.0 / stt);
            double sse_line = 0, sse_levels = 0;
            for (std::size_t i = first; i < n; ++i) {
                const double line = ym + slope * (days(i) - tm), lv = std::log(t.levels[i]);
                sse_line += w[i] * (yc[i] - line) * (yc[i] - line);
                sse_levels += w[i] * (yc[i] - lv) * (yc[i] - lv);
            }
            if (std::fabs(slope) > 3.0 * se && sse_line < sse_levels) t.window_change = std::expm1(slope * days(n - 1));
        }
    }

    if (n < 2 * m) {
        t.status = TrendStatus::too_short;
        return t;
    }
    // The verdict, worst first: a step in the window beyond the threshold, then drift.
    double worst_slower = 0.0, worst_faster = 0.0;
    for (const ChangePoint& c : t.changes)
        if (c.index > first || (c.index == first && first > 0)) {
            worst_slower = std::max(worst_slower, c.factor() - 1.0);
            worst_faster = std::max(worst_faster, 1.0 - c.factor());
        }
    const double drift = drift_significant ? t.drift : 0.0;
    const double slower_drift = std::max(t.window_change, drift);
    const double faster_drift = std::max(-t.window_change, -drift);
    if (worst_slower > cfg.threshold) t.status = TrendStatus::step_slower;
    else if (slower_drift > cfg.warn_threshold) t.status = TrendStatus::drifting_slower;
    else if (worst_faster > cfg.threshold / (1.0 + cfg.threshold)) t.status = TrendStatus::step_faster;
    else if (faster_drift > cfg.warn_threshold) t.status = TrendStatus::drifting_faster;
    return t;
}

}  // namespace benchgate
