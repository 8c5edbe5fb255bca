// benchgate: statistics as pure functions over samples.
// Deterministic: every random procedure takes an explicit seed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "result.hpp"

namespace benchgate {
namespace stats {

// ---------------------------------------------------------------- random numbers
// xoshiro256** seeded by splitmix64: small, fast, and identical on every platform.
class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        for (auto& s : state_) s = splitmix(seed);
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }
    // Uniform integer in [0, n), 0 < n < 2^32, by multiply-shift (no division: resampling
    // draws millions of these). The bias is below n / 2^32, negligible for sample counts.
    std::size_t below(std::size_t n) {
        return static_cast<std::size_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
    }
    // Uniform double in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
    static std::uint64_t splitmix(std::uint64_t& x) {
        std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t state_[4];
};

// ---------------------------------------------------------------- location and spread
inline double mean(const std::vector<double>& x) {
    if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
    return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

// Sample standard deviation (n - 1 denominator); 0 for fewer than two values.
inline double stddev(const std::vector<double>& x) {
    if (x.size() < 2) return 0.0;
    const double m = mean(x);
    double ss = 0.0;
    for (double v : x) ss += (v - m) * (v - m);
    return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

// Quantile of already sorted data, linear interpolation between order statistics
// (Hyndman & Fan type 7, the default of R and NumPy). p in [0, 1].
inline double quantile_sorted(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
    if (p <= 0.0) return sorted.front();
    if (p >= 1.0) return sorted.back();
    const double h = (static_cast<double>(sorted.size()) - 1.0) * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

inline double quantile(std::vector<double> x, double p) {
    std::sort(x.begin(), x.end());
    return quantile_sorted(x, p);
}

inline double median(std::vector<double> x) { return quantile(std::move(x), 0.5); }

inline double min(const std::vector<double>& x) {
    return x.empty() ? std::numeric_limits<double>::quiet_NaN() : *std::min_element(x.begin(), x.end());
}
inline double max(const std::vector<double>& x) {
    return x.empty() ? std::numeric_limits<double>::quiet_NaN() : *std::max_element(x.begin(), x.end());
}

// Median absolute deviation from the median, scaled by 1.4826 so that it estimates the
// standard deviation of normal data.
inline double mad(const std::vector<double>& x) {
    if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
    const double m = median(x);
    std::vector<double> dev;
    dev.reserve(x.size());
    for (double v : x) dev.push_back(std::fabs(v - m));
    return 1.4826 * median(std::move(dev));
}

// ---------------------------------------------------------------- outliers
inline Outliers classify_outliers(const std::vector<double>& x) {
    Outliers o;
    if (x.size() < 4) return o;
    std::vector<double> s(x);
    std::sort(s.begin(), s.end());
    const double q1 = quantile_sorted(s, 0.25);
    const double q3 = quantile_sorted(s, 0.75);
    const double iqr = q3 - q1;
    const double lo_severe = q1 - 3.0 * iqr, lo_mild = q1 - 1.5 * iqr;
    const double hi_mild = q3 + 1.5 * iqr, hi_severe = q3 + 3.0 * iqr;
    for (double v : s) {
        if (v < lo_severe) ++o.low_severe;
        else if (v < lo_mild) ++o.low_mild;
        else if (v > hi_severe) ++o.high_severe;
        else if (v > hi_mild) ++o.high_mild;
    }
    return o;
}

// ---------------------------------------------------------------- bootstrap
enum class Statistic { median, mean, min, p10 };

inline const char* to_string(Statistic s) {
    switch (s) {
    case Statistic::median: return "median";
    case Statistic::mean: return "mean";
    case Statistic::min: return "min";
    case Statistic::p10: return "p10";
    }
    return "median";
}

// Quantile by selection, O(n); reorders `x`. Same interpolation as quantile_sorted.
inline double quantile_select(std::vector<double>& x, double p) {
    if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
    const double h = (static_cast<double>(x.size()) - 1.0) * std::clamp(p, 0.0, 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(lo), x.end());
    const double v_lo = x[lo];
    const double frac = h - static_cast<double>(lo);
    if (frac == 0.0 || lo + 1 >= x.size()) return v_lo;
    const double v_hi = *std::min_element(x.begin() + static_cast<std::ptrdiff_t>(lo) + 1, x.end());
    return v_lo + frac * (v_hi - v_lo);
}

// Evaluates a statistic; `scratch` may be reordered.
inline double evaluate(Statistic s, std::vector<double>& scratch) {
    switch (s) {
    case Statistic::mean: return mean(scratch);
    case Statistic::min: return min(scratch);
    case Statistic::p10: return quantile_select(scratch, 0.10);
    case Statistic::median:
    default: return quantile_select(scratch, 0.5);
    }
}

inline double evaluate(Statistic s, const std::vector<double>& x) {
    std::vector<double> scratch(x);
    return evaluate(s, scratch);
}

inline void resample(const std::vector<double>& x, std::vector<double>& out, Rng& rng) {
    out.resize(x.size());
    for (auto& v : out) v = x[rng.below(x.size())];
}

// Draws bootstrap replicates of a statistic quickly. Order statistics (median, p10, min) are
// found by counting how often each sorted value was drawn and walking the counts, O(n) per
// replicate with no copy or sort; the mean sums the draws.
class Resampler {
public:
    Resampler(const std::vector<double>& x, Statistic s) : sorted_(x), stat_(s), counts_(x.size()) {
        std::sort(sorted_.begin(), sorted_.end());
    }

    double draw(Rng& rng) {
        const std::size_t n = sorted_.size();
        if (stat_ == Statistic::mean) {
            double sum = 0.0;
            for (std::size_t i = 0; i < n; ++i) sum += sorted_[rng.below(n)];
            return sum / static_cast<double>(n);
        }
        if (stat_ == Statistic::min) {
            std::size_t lowest = n;
            for (std::size_t i = 0; i < n; ++i) lowest = std::min(lowest, rng.below(n));
            return sorted_[lowest];
        }
        std::fill(counts_.begin(), counts_.end(), 0u);
        for (std::size_t i = 0; i < n; ++i) ++counts_[rng.below(n)];
        // Type-7 quantile of the replicate: order statistics lo and lo + 1 (0-based).
        const double h = (static_cast<double>(n) - 1.0) * (stat_ == Statistic::p10 ? 0.10 : 0.5);
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const double frac = h - static_cast<double>(lo);
        std::size_t seen = 0, i = 0;
        while (seen + counts_[i] <= lo) seen += counts_[i++];
        const double v_lo = sorted_[i];
        if (frac == 0.0) return v_lo;
        if (seen + counts_[i] <= lo + 1) {  // position lo + 1 falls in a later value
            ++i;
            while (counts_[i] == 0) ++i;
        }
        return v_lo + frac * (sorted_[i] - v_lo);
    }

    double point() const {
        std::vector<double> copy(sorted_);
        return evaluate(stat_, copy);
    }

private:
    std::vector<double> sorted_;
    Statistic stat_;
    std::vector<std::uint32_t> counts_;
};

// Percentile bootstrap confidence interval of a statistic (default 95%, 1000 resamples).
inline Estimate bootstrap(const std::vector<double>& x, Statistic s, std::uint64_t seed,
                          double confidence = 0.95, int resamples = 1000) {
    Estimate e;
    e.point = evaluate(s, x);
    if (x.size() < 2) {
        e.lower = e.upper = e.point;
        return e;
    }
    Rng rng(seed);
    Resampler resampler(x, s);
    std::vector<double> stat(static_cast<std::size_t>(resamples));
    for (auto& v : stat) v = resampler.draw(rng);
    std::sort(stat.begin(), stat.end());
    const double tail = (1.0 - confidence) / 2.0;
    e.lower = quantile_sorted(stat, tail);
    e.upper = quantile_sorted(stat, 1.0 - tail);
    return e;
}

// Everything a report needs about one sample set.
inline Estimates summarize(const std::vector<double>& x, std::uint64_t seed) {
    Estimates e;
    if (x.empty()) return e;
    e.median = bootstrap(x, Statistic::median, seed);
    e.mean = bootstrap(x, Statistic::mean, seed + 1);
    e.stddev = stddev(x);
    e.mad = mad(x);
    e.min = min(x);
    e.max = max(x);
    e.p10 = quantile(x, 0.10);
    return e;
}

// ---------------------------------------------------------------- tests
inline double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Two-sided Mann–Whitney U test. Exact null distribution when both samples have at most
// 25 values and there are no ties; otherwise the normal approximation with tie and
// continuity corrections. Returns the p-value (1 when either side is empty).
inline double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n1 = a.size(), n2 = b.size();
    if (n1 == 0 || n2 == 0) return 1.0;
    struct Item { double v; int group; };
    std::vector<Item> all;
    all.reserve(n1 + n2);
    for (double v : a) all.push_back({v, 0});
    for (double v : b) all.push_back({v, 1});
    std::sort(all.begin(), all.end(), [](const Item& l, const Item& r) { return l.v < r.v; });
    const std::size_t n = all.size();
    double rank_sum_a = 0.0, tie_term = 0.0;
    bool ties = false;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j < n && all[j].v == all[i].v) ++j;
        const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
        const double t = static_cast<double>(j - i);
        if (t > 1) {
            ties = true;
            tie_term += t * t * t - t;
        }
        for (std::size_t k = i; k < j; ++k)
            if (all[k].group == 0) rank_sum_a += avg_rank;
        i = j;
    }
    const double N1 = static_cast<double>(n1), N2 = static_cast<double>(n2);
    const double u1 = rank_sum_a - N1 * (N1 + 1.0) / 2.0;
    const double u = std::min(u1, N1 * N2 - u1);

    if (!ties && n1 <= 25 && n2 <= 25) {
        // counts[k] = number of arrangements with U == k, built by the classic recurrence
        // over sample sizes; done in doubles (the totals fit comfortably).
        const std::size_t umax = n1 * n2;
        std::vector<std::vector<double>> prev(n2 + 1), cur(n2 + 1);
        // f(i, j, u): arrangements of i a's and j b's with U = u.
        // f(i, j, u) = f(i - 1, j, u - j) + f(i, j - 1, u)
        for (std::size_t j = 0; j <= n2; ++j) prev[j].assign(1, 1.0);  // i = 0: U = 0 only
        for (std::size_t i = 1; i <= n1; ++i) {
            for (std::size_t j = 0; j <= n2; ++j) {
                cur[j].assign(i * j + 1, 0.0);
                for (std::size_t k = 0; k <= i * j; ++k) {
                    double v = 0.0;
                    if (k >= j && k - j < prev[j].size()) v += prev[j][k - j];
                    if (j > 0 && k < cur[j - 1].size()) v += cur[j - 1][k];
                    cur[j][k] = v;
                }
            }
            std::swap(prev, cur);
        }
        const std::vector<double>& counts = prev[n2];
        double total = 0.0, tail = 0.0;
        for (std::size_t k = 0; k <= umax; ++k) {
            total += counts[k];
            if (static_cast<double>(k) <= u) tail += counts[k];
        }
        return std::min(1.0, 2.0 * tail / total);
    }

    const double mu = N1 * N2 / 2.0;
    const double Nt = N1 + N2;
    const double var = N1 * N2 / 12.0 * ((Nt + 1.0) - tie_term / (Nt * (Nt - 1.0)));
    if (var <= 0.0) return 1.0;
    const double z = (std::fabs(u - mu) - 0.5) / std::sqrt(var);
    return std::min(1.0, std::erfc(std::max(0.0, z) / std::sqrt(2.0)));  // two-sided, no cancellation
}

// Student's t distribution: the CDF through the regularized incomplete beta function
// (continued fraction, as in Numerical Recipes' betacf), and its quantile by bisection.
inline double incomplete_beta(double a, double b, double x) {
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
    auto fraction = [](double a_, double b_, double x_) {
        const double tiny = 1e-300;
        double c = 1.0, d = 1.0 - (a_ + b_) * x_ / (a_ + 1.0);
        if (std::fabs(d) < tiny) d = tiny;
        d = 1.0 / d;
        double h = d;
        for (int m = 1; m <= 300; ++m) {
            const double m2 = 2.0 * m;
            double aa = m * (b_ - m) * x_ / ((a_ + m2 - 1.0) * (a_ + m2));
            d = 1.0 + aa * d;
            if (std::fabs(d) < tiny) d = tiny;
            c = 1.0 + aa / c;
            if (std::fabs(c) < tiny) c = tiny;
            d = 1.0 / d;
            h *= d * c;
            aa = -(a_ + m) * (a_ + b_ + m) * x_ / ((a_ + m2) * (a_ + m2 + 1.0));
            d = 1.0 + aa * d;
            if (std::fabs(d) < tiny) d = tiny;
            c = 1.0 + aa / c;
            if (std::fabs(c) < tiny) c = tiny;
            d = 1.0 / d;
            const double delta = d * c;
            h *= delta;
            if (std::fabs(delta - 1.0) < 1e-14) break;
        }
        return h;
    };
    if (x < (a + 1.0) / (a + b + 2.0)) return front * fraction(a, b, x) / a;
    return 1.0 - front * fraction(b, a, 1.0 - x) / b;
}

inline double student_t_cdf(double t, double df) {
    if (!(df > 0.0)) return normal_cdf(t);
    const double x = df / (df + t * t);
    const double tail = 0.5 * incomplete_beta(df / 2.0, 0.5, x);
    return t >= 0.0 ? 1.0 - tail : tail;
}

// The q-quantile of Student's t with `df` degrees of freedom (0 < q < 1).
inline double student_t_quantile(double q, double df) {
    double lo = -1e3, hi = 1e3;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (student_t_cdf(mid, df) < q) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

// ---------------------------------------------------------------- empirical Bayes variances
// The digamma function psi(x) = d/dx ln Gamma(x), x > 0: the recurrence up to x >= 6, then the
// asymptotic series (error below 1e-12 there).
inline double digamma(double x) {
    double r = 0.0;
    while (x < 6.0) {
        r -= 1.0 / x;
        x += 1.0;
    }
    const double f = 1.0 / (x * x);
    return r + std::log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

// The trigamma function psi'(x), x > 0, the same way.
inline double trigamma(double x) {
    double r = 0.0;
    while (x < 6.0) {
        r += 1.0 / (x * x);
        x += 1.0;
    }
    const double f = 1.0 / (x * x);
    return r + 1.0 / x + f / 2.0 + (1.0 / x) * f * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)));
}

// The x > 0 with trigamma(x) = y > 0, by Newton's method from Smyth's starting point (trigamma
// is decreasing and convex, so the iteration converges monotonically).
inline double trigamma_inverse(double y) {
    if (!(y > 0)) return std::numeric_limits<double>::infinity();
    if (y > 1e7) return 1.0 / std::sqrt(y);
    if (y < 1e-6) return 1.0 / y;
    double x = 0.5 + 1.0 / y;
    for (int i = 0; i < 60; ++i) {
        const double tri = trigamma(x);
        // d/dx trigamma = tetragamma, approximated by a central difference (trigamma is smooth).
        const double h = 1e-5 * x;
        const double tetra = (trigamma(x + h) - trigamma(x - h)) / (2.0 * h);
        const double step = (tri - y) / tetra;
        x -= step;
        if (!(x > 0)) x = 1e-8;
        if (std::fabs(step) < 1e-10 * x) break;
    }
    return x;
}

// A prior for many variances: each benchmark's spread s2[i] (on d[i] > 0 degrees of freedom) is
// taken to be drawn around a common scale s0^2 with the weight of d0 degrees of freedom (a
// scaled inverse chi-square). Smyth's moment estimator (limma, 2004) fits both from the log
// variances of the whole suite. Each benchmark's moderated variance is then
// (d0 s0^2 + d s^2) / (d0 + d) on d0 + d degrees of freedom: quiet benchmarks keep narrow
// intervals, noisy ones wide ones, and a benchmark with two processes that happen to agree
// borrows the suite's spread instead of claiming a precision it cannot have.
struct VariancePrior {
    double s2 = std::numeric_limits<double>::quiet_NaN();  // s0^2; NaN: not fitted
    double df = 0.0;                                       // d0; infinity: every spread is s0^2
    double total_df = 0.0;                                 // the suite's degrees of freedom (sum of d)
    int variances = 0;                                     // how many variances it was fitted on
    bool fitted() const { return std::isfinite(s2) && s2 > 0; }
};

inline VariancePrior fit_variance_prior(const std::vector<double>& s2, const std::vector<double>& d) {
    VariancePrior prior;
    std::vector<double> e;
    double tri_mean = 0.0;
    for (std::size_t i = 0; i < s2.size() && i < d.size(); ++i) {
        if (!(d[i] > 0) || !std::isfinite(s2[i]) || s2[i] < 0) continue;
        const double half = d[i] / 2.0;
        // A spread of exactly 0 (identical estimates) is floored far below any real timing noise.
        e.push_back(std::log(std::max(s2[i], 1e-16)) - digamma(half) + std::log(half));
        tri_mean += trigamma(half);
        prior.total_df += d[i];
    }
    prior.variances = static_cast<int>(e.size());
    if (e.size() < 3) return prior;
    tri_mean /= static_cast<double>(e.size());
    const double e_mean = mean(e);
    double var_e = 0.0;
    for (double v : e) var_e += (v - e_mean) * (v - e_mean);
    var_e /= static_cast<double>(e.size() - 1);
    const double excess = var_e - tri_mean;
    if (excess > 0) {
        prior.df = 2.0 * trigamma_inverse(excess);
        prior.s2 = std::exp(e_mean + digamma(prior.df / 2.0) - std::log(prior.df / 2.0));
    } else {
        prior.df = std::numeric_limits<double>::infinity();
        prior.s2 = std::exp(e_mean);
    }
    return prior;
}

// A variance `s2` on `d` degrees of freedom moderated by `prior`: the posterior variance and
// its degrees of freedom. The degrees of freedom never exceed what the suite holds (the prior
// itself is estimated from that much data). Without a fitted prior: s2 and d unchanged.
inline std::pair<double, double> moderate(double s2, double d, const VariancePrior& prior) {
    if (!prior.fitted()) return {s2, d};
    const double cap = std::max(prior.total_df, d);
    if (!std::isfinite(prior.df)) return {prior.s2, cap};
    const double df = prior.df + d;
    const double v = (prior.df * prior.s2 + (d > 0 && std::isfinite(s2) ? d * s2 : 0.0)) / df;
    return {v, std::min(df, cap)};
}

// Holm–Bonferroni step-down adjustment: adjusted p-values in the input order.
inline std::vector<double> holm(const std::vector<double>& p) {
    const std::size_t m = p.size();
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) { return p[l] < p[r]; });
    std::vector<double> adj(m);
    double running = 0.0;
    for (std::size_t k = 0; k < m; ++k) {
        const double v = std::min(1.0, static_cast<double>(m - k) * p[order[k]]);
        running = std::max(running, v);
        adj[order[k]] = running;
    }
    return adj;
}

// Coefficient of variation (stddev / mean) of a set of values.
inline double cv(const std::vector<double>& x) {
    const double m = mean(x);
    return m == 0.0 ? 0.0 : stddev(x) / m;
}

}  // namespace stats
}  // namespace benchgate
