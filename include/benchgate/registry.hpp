// benchgate: registration of named benchmarks at static initialisation (floor 3).
#pragma once

#include <functional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"
#include "measure.hpp"

namespace benchgate {

using Body = std::function<void(Bench&)>;

struct Registration {
    std::string name;  // full name, e.g. "frame_encoding/encode"
    Body body;
};

// All registered benchmarks, in registration order (per TU: declaration order).
inline std::vector<Registration>& registry() {
    static std::vector<Registration> all;
    return all;
}

// Registers a benchmark at run time; the macros below do it at static initialisation.
inline void add(std::string name, Body body) { registry().push_back({std::move(name), std::move(body)}); }

struct Registrar {
    Registrar(const char* name, void (*body)(Bench&)) { add(name, body); }
};

// Names must be non-empty, unique, free of control characters. Returns "" or the problem.
inline std::string validate(const std::vector<Registration>& all) {
    for (std::size_t i = 0; i < all.size(); ++i) {
        const std::string& n = all[i].name;
        if (n.empty()) return "a benchmark has an empty name";
        for (unsigned char c : n)
            if (c < 0x20) return "benchmark name \"" + n + "\" contains a control character";
        for (std::size_t j = 0; j < i; ++j)
            if (all[j].name == n) return "benchmark name \"" + n + "\" is registered twice";
    }
    return {};
}

// The registrations whose full name matches `filter` (ECMAScript regex, searched anywhere
// in the name; empty matches all). Throws std::regex_error on a malformed pattern.
inline std::vector<const Registration*> select(const std::vector<Registration>& all, const std::string& filter) {
    std::vector<const Registration*> out;
    if (filter.empty()) {
        for (const auto& r : all) out.push_back(&r);
        return out;
    }
    const std::regex re(filter, std::regex::ECMAScript);
    for (const auto& r : all)
        if (std::regex_search(r.name, re)) out.push_back(&r);
    return out;
}

}  // namespace benchgate

// BENCHGATE_BENCH("group/name") { ... bench.run([&] { return work(); }); }
#define BENCHGATE_BENCH(name) BENCHGATE_BENCH_IMPL_(name, BENCHGATE_CAT(benchgate_body_, __COUNTER__))
#define BENCHGATE_BENCH_IMPL_(name, fn)                                                         \
    static void fn(::benchgate::Bench& bench);                                                   \
    static const ::benchgate::Registrar BENCHGATE_CAT(fn, _registrar){name, &fn};                \
    static void fn([[maybe_unused]] ::benchgate::Bench& bench)
