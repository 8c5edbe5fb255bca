// benchgate: paired statistics for interleaved (duet) comparisons.
//
// In duet mode the two builds are sampled alternately, so sample i of each side saw the same
// machine state. The unit of evidence is the per-pair ratio current_i / baseline_i.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "result.hpp"
#include "stats.hpp"

namespace benchgate {
namespace stats {

// Two-sided Wilcoxon signed-rank test of "the median of d is 0". Zeros are dropped; ties get
// average ranks. Exact null distribution for up to 25 non-zero values without ties, else the
// normal approximation with tie and continuity corrections.
inline double wilcoxon_signed_rank_p(const std::vector<double>& d) {
    std::vector<double> nz;
    for (double v : d)
        if (v != 0.0 && std::isfinite(v)) nz.push_back(v);
    const std::size_t n = nz.size();
    if (n == 0) return 1.0;
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return std::fabs(nz[a]) < std::fabs(nz[b]); });
    std::vector<double> rank(n);
    bool ties = false;
    double tie_term = 0.0;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j < n && std::fabs(nz[order[j]]) == std::fabs(nz[order[i]])) ++j;
        const double avg = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
        const double t = static_cast<double>(j - i);
        if (t > 1) {
            ties = true;
            tie_term += t * t * t - t;
        }
        for (std::size_t k = i; k < j; ++k) rank[order[k]] = avg;
        i = j;
    }
    double w_plus = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        if (nz[i] > 0) w_plus += rank[i];
    const double N = static_cast<double>(n);
    const double total = N * (N + 1.0) / 2.0;
    const double w = std::min(w_plus, total - w_plus);
    if (!ties && n <= 25) {
        // counts[s] = subsets of {1..n} with sum s.
        std::vector<double> counts(static_cast<std::size_t>(total) + 1, 0.0);
        counts[0] = 1.0;
        for (std::size_t r = 1; r <= n; ++r)
            for (std::size_t s = counts.size() - 1; s >= r; --s) counts[s] += counts[s - r];
        double tail = 0.0, all = 0.0;
        for (std::size_t s = 0; s < counts.size(); ++s) {
            all += counts[s];
            if (static_cast<double>(s) <= w) tail += counts[s];
        }
        return std::min(1.0, 2.0 * tail / all);
    }
    const double mu = total / 2.0;
    const double var = N * (N + 1.0) * (2.0 * N + 1.0) / 24.0 - tie_term / 48.0;
    if (var <= 0.0) return 1.0;
    const double z = (std::fabs(w - mu) - 0.5) / std::sqrt(var);
    return std::min(1.0, std::erfc(std::max(0.0, z) / std::sqrt(2.0)));
}

// Per-pair ratios current[i] / baseline[i] (pairs with a non-positive value are skipped).
inline std::vector<double> pair_ratios(const std::vector<double>& current, const std::vector<double>& baseline) {
    std::vector<double> r;
    for (std::size_t i = 0; i < current.size() && i < baseline.size(); ++i)
        if (current[i] > 0 && baseline[i] > 0) r.push_back(current[i] / baseline[i]);
    return r;
}

}  // namespace stats
}  // namespace benchgate
