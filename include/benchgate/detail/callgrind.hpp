// benchgate: deterministic instruction counts under valgrind's callgrind.
//
// `--metric instructions` re-executes the bench binary under
//   valgrind --tool=callgrind --collect-atstart=no --cache-sim=yes
// Inside, each benchmark warms up uncollected, then collection is switched on for exactly
// `iterations` calls and the counts are dumped under the benchmark's index. The parent reads
// the dump files back (parse_callgrind_dump below): Ir per iteration, and estimated cycles
// from the simulated cache misses (Ir + 10 x L1 misses + 100 x last-level misses).
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCHGATE_HAS_CALLGRIND 1
#endif
#endif
#ifndef BENCHGATE_HAS_CALLGRIND
#define BENCHGATE_HAS_CALLGRIND 0
#endif

namespace benchgate::detail {

inline bool running_on_valgrind() {
#if BENCHGATE_HAS_CALLGRIND
    return RUNNING_ON_VALGRIND != 0;
#else
    return false;
#endif
}

// Switches callgrind's collection on (true) or off (false). No-op outside valgrind.
inline void callgrind_toggle(bool on) {
#if BENCHGATE_HAS_CALLGRIND
    if (on) CALLGRIND_ZERO_STATS;
    CALLGRIND_TOGGLE_COLLECT;
#else
    (void)on;
#endif
}

// Dumps what was collected under "benchgate:N" followed by `extra` (" allocs=A bytes=B" when
// the binary counts allocations: --explain reads them). No-op outside valgrind.
inline void callgrind_dump(int dump_index, const std::string& extra = {}) {
#if BENCHGATE_HAS_CALLGRIND
    const std::string tag = "benchgate:" + std::to_string(dump_index) + extra;
    CALLGRIND_DUMP_STATS_AT(tag.c_str());
#else
    (void)dump_index;
    (void)extra;
#endif
}

// Switches collection on, or off and dumps under the benchmark's index.
inline void callgrind_collect(bool on, int dump_index = -1) {
    callgrind_toggle(on);
    if (!on) callgrind_dump(dump_index);
}

struct CallgrindDump {
    int index = -1;              // the benchmark's index, from "Trigger: Client Request: benchgate:N"
    std::uint64_t ir = 0;        // instructions executed
    std::uint64_t est_cycles = 0;  // Ir + 10 (I1mr + D1mr + D1mw) + 100 (ILmr + DLmr + DLmw); 0 without cache events
    bool has_cache = false;
};

// Reads one callgrind output file (pure: text in, numbers out). index < 0: not one of ours.
inline CallgrindDump parse_callgrind_dump(const std::string& text) {
    CallgrindDump d;
    std::istringstream in(text);
    std::string line;
    std::vector<std::string> events;
    std::vector<std::uint64_t> summary;
    const std::string trigger = "desc: Trigger: Client Request: benchgate:";
    while (std::getline(in, line)) {
        if (line.rfind(trigger, 0) == 0) {
            d.index = std::atoi(line.c_str() + trigger.size());
        } else if (line.rfind("events:", 0) == 0) {
            std::istringstream ev(line.substr(7));
            std::string e;
            while (ev >> e) events.push_back(e);
        } else if (line.rfind("summary:", 0) == 0) {
            std::istringstream sv(line.substr(8));
            std::uint64_t v;
            while (sv >> v) summary.push_back(v);
        }
    }
    auto get = [&](const char* name) -> std::uint64_t {
        for (std::size_t i = 0; i < events.size() && i < summary.size(); ++i)
            if (events[i] == name) return summary[i];
        return 0;
    };
    d.ir = get("Ir");
    for (const auto& e : events) d.has_cache = d.has_cache || e == "D1mr";
    if (d.has_cache)
        d.est_cycles = d.ir + 10 * (get("I1mr") + get("D1mr") + get("D1mw")) + 100 * (get("ILmr") + get("DLmr") + get("DLmw"));
    return d;
}

}  // namespace benchgate::detail
