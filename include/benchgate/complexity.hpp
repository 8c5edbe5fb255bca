// benchgate: asymptotic complexity fits.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "result.hpp"

namespace benchgate {

// Fits time ~ c * f(n) by least squares for each model and picks the smallest root mean square
// error (relative to the mean time), as Google Benchmark's Complexity() does. Needs at least
// three distinct sizes; returns an empty `best` otherwise.
inline ComplexityFit fit_complexity(const std::vector<double>& n, const std::vector<double>& time) {
    struct Model {
        const char* name;
        double (*f)(double);
    };
    static const Model models[] = {
        {"O(1)", [](double) { return 1.0; }},
        {"O(log n)", [](double x) { return std::log2(std::max(x, 1.0)); }},
        {"O(n)", [](double x) { return x; }},
        {"O(n log n)", [](double x) { return x * std::log2(std::max(x, 1.0)); }},
        {"O(n^2)", [](double x) { return x * x; }},
        {"O(n^3)", [](double x) { return x * x * x; }},
    };
    ComplexityFit fit;
    if (n.size() != time.size() || n.size() < 3) return fit;
    double mean_time = 0.0;
    for (double t : time) mean_time += t;
    mean_time /= static_cast<double>(time.size());
    if (!(mean_time > 0.0)) return fit;
    double best_rms = INFINITY;
    for (const Model& m : models) {
        double ff = 0.0, tf = 0.0;
        for (std::size_t i = 0; i < n.size(); ++i) {
            const double f = m.f(n[i]);
            ff += f * f;
            tf += time[i] * f;
        }
        if (ff <= 0.0) continue;
        const double c = tf / ff;
        double se = 0.0;
        for (std::size_t i = 0; i < n.size(); ++i) {
            const double e = time[i] - c * m.f(n[i]);
            se += e * e;
        }
        const double rms = std::sqrt(se / static_cast<double>(n.size())) / mean_time;
        fit.rms_by_model.emplace_back(m.name, rms);
        // Prefer the simpler model unless the more complex one is clearly better.
        if (rms < best_rms * 0.9 || fit.best.empty()) {
            best_rms = rms;
            fit.best = m.name;
            fit.coefficient = c;
            fit.rms = rms;
        }
    }
    return fit;
}

}  // namespace benchgate
