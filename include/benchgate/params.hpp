// benchgate: parameter axes of BENCHGATE_BENCH_P: lists, geometric and dense ranges, named
// axes and their cartesian product.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "result.hpp"

namespace benchgate {

// Values of one axis: a list, a geometric range or a dense range.
inline std::vector<std::int64_t> values(std::initializer_list<std::int64_t> v) { return v; }

// lo, then every power of `multiplier` strictly between, then hi (Google Benchmark's Range).
inline std::vector<std::int64_t> range(std::int64_t lo, std::int64_t hi, std::int64_t multiplier = 8) {
    std::vector<std::int64_t> out;
    if (lo > hi || multiplier < 2) return {lo};
    out.push_back(lo);
    for (std::int64_t p = 1; p < hi; p *= multiplier) {
        if (p > lo) out.push_back(p);
        if (p > hi / multiplier) break;
    }
    if (hi != lo) out.push_back(hi);
    return out;
}

// lo, lo + step, ..., up to hi inclusive.
inline std::vector<std::int64_t> dense_range(std::int64_t lo, std::int64_t hi, std::int64_t step = 1) {
    std::vector<std::int64_t> out;
    if (step <= 0) return {lo};
    for (std::int64_t v = lo; v <= hi; v += step) out.push_back(v);
    return out;
}

// The axes of a parameterised benchmark; instances are their cartesian product (the first
// axis varies slowest). A single unnamed axis gives names "family/64"; named axes give
// "family/size:64/threads:2".
class Params {
public:
    Params() = default;
    Params(std::vector<std::int64_t> single_axis) { axes_.push_back({"", std::move(single_axis)}); }
    Params(std::initializer_list<std::int64_t> single_axis) { axes_.push_back({"", single_axis}); }

    Params& axis(std::string name, std::vector<std::int64_t> v) {
        axes_.push_back({std::move(name), std::move(v)});
        return *this;
    }
    // Fit O(1) ... O(n^3) over the family's numeric axis and report the best (single axis).
    Params& complexity(bool on = true) {
        complexity_ = on;
        return *this;
    }
    bool wants_complexity() const { return complexity_; }

    std::vector<std::vector<Param>> instances() const {
        std::vector<std::vector<Param>> out(1);
        for (const auto& a : axes_) {
            std::vector<std::vector<Param>> next;
            for (const auto& partial : out)
                for (std::int64_t v : a.values) {
                    auto p = partial;
                    p.push_back({a.name.empty() ? "arg" : a.name, v});
                    next.push_back(std::move(p));
                }
            out = std::move(next);
        }
        return axes_.empty() ? std::vector<std::vector<Param>>{} : out;
    }

    static std::string instance_name(const std::string& family, const std::vector<Param>& params, bool unnamed_single) {
        std::string n = family;
        for (const auto& p : params) n += "/" + (unnamed_single ? std::string() : p.name + ":") + std::to_string(p.value);
        return n;
    }

    bool single_unnamed() const { return axes_.size() == 1 && axes_[0].name.empty(); }

private:
    struct Axis {
        std::string name;
        std::vector<std::int64_t> values;
    };
    std::vector<Axis> axes_;
    bool complexity_ = false;
};

}  // namespace benchgate
