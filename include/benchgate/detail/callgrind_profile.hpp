// benchgate: callgrind's output per function, and what changed between two builds.
//
// `--explain` and `benchgate explain` run one benchmark of each build under callgrind for the
// same number of calls (detail/explain.hpp). This header is the pure part: text in, numbers
// out. parse_callgrind_profile reads one dump in callgrind's format (fn=/cfn=/calls= lines,
// name compression "(id) name", relative positions): the cost of each cost line goes to the
// current function's self cost; the line after calls= is the inclusive cost of that call and
// goes to the caller's inclusive cost only. Names are demangled and grouped (function_group):
// parameter lists, clone suffixes and recursion marks dropped, nested template arguments and
// lambda signatures elided, the result capped, so that recursion, inlining and templates
// leave one readable row per function. diff_profiles then ranks the functions by change in
// self cost per iteration, marking functions only one build ran as NEW or GONE.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#if defined(__has_include)
#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#define BENCHGATE_HAS_CXXABI 1
#endif
#endif
#ifndef BENCHGATE_HAS_CXXABI
#define BENCHGATE_HAS_CXXABI 0
#endif

namespace benchgate::detail {

// Costs of one function or one whole dump, in callgrind's events. Misses are 0 without the
// cache simulation.
struct CallgrindCost {
    std::uint64_t ir = 0;
    std::uint64_t l1_misses = 0;  // I1mr + D1mr + D1mw
    std::uint64_t ll_misses = 0;  // ILmr + DLmr + DLmw
    // The same estimate as --metric instructions: Ir + 10 x L1 misses + 100 x last-level misses.
    std::uint64_t est_cycles() const { return ir + 10 * l1_misses + 100 * ll_misses; }
    CallgrindCost& operator+=(const CallgrindCost& o) {
        ir += o.ir;
        l1_misses += o.l1_misses;
        ll_misses += o.ll_misses;
        return *this;
    }
};

struct FunctionProfile {
    std::string name;      // function_group() of callgrind's name
    CallgrindCost self;    // cost of the function's own instructions (inlined code included)
    CallgrindCost incl;    // self + the calls it made to other functions
};

struct CallgrindProfile {
    int index = -1;  // the benchmark's index from "benchgate:N"; -1 when not one of ours
    CallgrindCost total;
    bool has_cache = false;
    // From the dump's tag when the binary counts allocations (BENCHGATE_COUNT_ALLOCATIONS);
    // negative when it does not.
    double counted_allocations = -1, counted_bytes = -1;
    std::vector<FunctionProfile> functions;  // grouped by name, in no particular order
    std::string error;                       // "" or why the text is not a callgrind dump
};

// ---------------------------------------------------------------- names

inline std::string demangle(const std::string& name) {
#if BENCHGATE_HAS_CXXABI
    if (name.rfind("_Z", 0) == 0) {
        int status = 0;
        char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
        if (status == 0 && out) {
            std::string s = out;
            std::free(out);
            return s;
        }
        std::free(out);
    }
#endif
    return name;
}

// At most `max` bytes: the start and the end joined by "...", cut between UTF-8 sequences.
inline std::string cap_symbol(const std::string& s, std::size_t max) {
    if (s.size() <= max || max < 8) return s;
    auto boundary = [&](std::size_t i) {
        while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
        return i;
    };
    const std::size_t head = boundary((max - 3) / 3);
    const std::size_t tail = boundary(s.size() - (max - 3 - head));
    return s.substr(0, head) + "..." + s.substr(tail);
}

// The row a (mangled or demangled) callgrind function name is grouped under:
//   - demangled; callgrind's recursion mark ('2) and clone suffixes ([clone .isra.0]) dropped;
//   - parameter lists dropped (overloads group together), "operator()" kept;
//   - a lambda's signature dropped ({lambda(int)#1} -> {lambda#1}), "(anonymous namespace)"
//     shortened to "{anon}";
//   - template arguments beyond the first level elided (<...>), and a first level longer than
//     60 bytes too;
//   - a leading return type dropped;
//   - capped at `max` bytes.
inline std::string function_group(const std::string& raw, std::size_t max = 100) {
    std::string s = raw;
    // callgrind's marks: "'2" for a recursion level, and a clone's suffix in a mangled name.
    if (const std::size_t q = s.rfind('\''); q != std::string::npos && q + 1 < s.size() &&
                                             s.find_first_not_of("0123456789", q + 1) == std::string::npos)
        s.erase(q);
    if (s.rfind("_Z", 0) == 0) {
        if (const std::size_t dot = s.find('.'); dot != std::string::npos) s.erase(dot);
        s = demangle(s);
    }
    for (std::size_t c; (c = s.find(" [clone ")) != std::string::npos;) {
        const std::size_t e = s.find(']', c);
        s.erase(c, e == std::string::npos ? std::string::npos : e - c + 1);
    }
    for (std::size_t a; (a = s.find("(anonymous namespace)")) != std::string::npos;) s.replace(a, 21, "{anon}");
    // Walk once: drop parameter lists and lambda signatures, elide deep template arguments.
    std::string out;
    out.reserve(s.size());
    int angle = 0;
    std::size_t level_start = 0;  // where the current first-level template argument list began in out
    for (std::size_t i = 0; i < s.size();) {
        const char c = s[i];
        // "operator" followed by symbols is a name, not brackets: copy it whole.
        if (s.compare(i, 8, "operator") == 0 && (i == 0 || !(std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '_'))) {
            std::size_t j = i + 8;
            if (s.compare(j, 2, "()") == 0) j += 2;
            else if (j < s.size() && s[j] == ' ') j = i + 8;  // operator new, a conversion: a word follows
            else
                while (j < s.size() && std::string_view("<>=!+-*/%^&|~[],").find(s[j]) != std::string_view::npos &&
                       !(s[j] == '<' && j + 1 < s.size() && std::isalpha(static_cast<unsigned char>(s[j + 1]))))
                    ++j;
            if (angle <= 1) out.append(s, i, j - i);
            i = j;
            continue;
        }
        if (c == '(' || (c == '{' && s.compare(i, 8, "{lambda(") == 0)) {
            // A bracketed group: a parameter list (dropped), a lambda's signature (dropped), or
            // anything else at depth > 0 (kept only at the levels that are kept).
            const std::size_t open = c == '{' ? i + 7 : i;
            int depth = 0;
            std::size_t j = open;
            for (; j < s.size(); ++j) {
                if (s[j] == '(') ++depth;
                else if (s[j] == ')' && --depth == 0) break;
            }
            if (c == '{') {
                if (angle <= 1) out += "{lambda";
                i = j + 1;
                continue;
            }
            if (angle == 0) {
                i = j + 1;
                // qualifiers after a parameter list: " const", " volatile", " &", " &&", " noexcept"
                for (bool more = true; more;) {
                    more = false;
                    for (const char* q : {" const", " volatile", " &&", " &", " noexcept"})
                        if (s.compare(i, std::strlen(q), q) == 0) {
                            i += std::strlen(q);
                            more = true;
                        }
                }
                continue;
            }
            // In a first-level argument, the parameters of an enclosing function of a local
            // entity (f(int)::{lambda#1}) go too; a function type (void (int)) stays.
            if (angle == 1 && s.compare(j + 1, 2, "::") != 0) out.append(s, i, j + 1 - i);
            i = j + 1;
            continue;
        }
        if (c == '<') {
            ++angle;
            if (angle == 1) {
                out += '<';
                level_start = out.size();
            } else if (angle == 2) {
                out += "<...";
            }
            ++i;
            continue;
        }
        if (c == '>' && angle > 0) {
            if (angle == 2) out += '>';
            if (angle == 1) {
                if (out.size() - level_start > 60) out.replace(level_start, std::string::npos, "...");
                out += '>';
            }
            --angle;
            ++i;
            continue;
        }
        if (angle <= 1) out += c;
        ++i;
    }
    // A leading return type: everything up to the last space outside brackets, unless that
    // space belongs to "operator new" or a conversion operator.
    {
        int depth = 0;
        std::size_t cut = std::string::npos;
        for (std::size_t i = 0; i < out.size(); ++i) {
            const char c = out[i];
            if (c == '<' || c == '(' || c == '{' || c == '[') ++depth;
            else if ((c == '>' || c == ')' || c == '}' || c == ']') && depth > 0) --depth;
            else if (c == ' ' && depth == 0 && !(i >= 8 && out.compare(i - 8, 8, "operator") == 0)) cut = i;
        }
        if (cut != std::string::npos && cut + 1 < out.size()) out.erase(0, cut + 1);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (out.empty()) out = raw.empty() ? "???" : raw;
    return cap_symbol(out, max);
}

// ---------------------------------------------------------------- the parser

// One callgrind dump (pure). `max_symbol`: the cap of function_group.
inline CallgrindProfile parse_callgrind_profile(const std::string& text, std::size_t max_symbol = 100) {
    CallgrindProfile p;
    std::istringstream in(text);
    std::string line;
    std::vector<std::string> events;
    int positions = 1;
    std::vector<long long> last_pos;
    // Event columns: Ir, the three L1 misses, the three last-level misses.
    int ir_col = -1;
    std::vector<int> l1_cols, ll_cols;
    std::unordered_map<std::string, std::string> fn_names;  // "(id)" -> raw name
    std::unordered_map<std::string, std::size_t> by_group;  // group -> index in p.functions
    std::unordered_map<std::string, std::string> group_of_raw;
    std::size_t current = std::string::npos, callee = std::string::npos;
    bool next_is_call = false;
    bool seen_events = false;

    auto group_index = [&](const std::string& raw) -> std::size_t {
        auto g = group_of_raw.find(raw);
        if (g == group_of_raw.end()) g = group_of_raw.emplace(raw, function_group(raw, max_symbol)).first;
        const auto it = by_group.find(g->second);
        if (it != by_group.end()) return it->second;
        p.functions.push_back(FunctionProfile{g->second, {}, {}});
        by_group.emplace(g->second, p.functions.size() - 1);
        return p.functions.size() - 1;
    };
    // "(id) name" defines an id, "(id)" refers to one, "name" is uncompressed.
    auto fn_name = [&](const std::string& v) -> std::string {
        if (v.empty() || v[0] != '(') return v;
        const std::size_t close = v.find(')');
        if (close == std::string::npos) return v;
        const std::string id = v.substr(0, close + 1);
        if (close + 1 < v.size()) {
            std::string name = v.substr(close + 1);
            if (!name.empty() && name[0] == ' ') name.erase(0, 1);
            fn_names[id] = name;
            return name;
        }
        const auto it = fn_names.find(id);
        return it == fn_names.end() ? v : it->second;
    };
    auto parse_cost = [&](const std::string& l, CallgrindCost& cost) -> bool {
        std::size_t i = 0;
        auto token = [&]() -> std::string {
            while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
            const std::size_t b = i;
            while (i < l.size() && l[i] != ' ' && l[i] != '\t') ++i;
            return l.substr(b, i - b);
        };
        for (int k = 0; k < positions; ++k) {
            const std::string t = token();
            if (t.empty()) return false;
            long long v = 0;
            if (t == "*") v = last_pos[static_cast<std::size_t>(k)];
            else if (t[0] == '+' || t[0] == '-') v = last_pos[static_cast<std::size_t>(k)] + std::strtoll(t.c_str(), nullptr, 0);
            else if (std::isdigit(static_cast<unsigned char>(t[0]))) v = std::strtoll(t.c_str(), nullptr, 0);
            else return false;
            last_pos[static_cast<std::size_t>(k)] = v;
        }
        for (int col = 0;; ++col) {
            const std::string t = token();
            if (t.empty()) break;
            const std::uint64_t v = std::strtoull(t.c_str(), nullptr, 10);
            if (col == ir_col) cost.ir += v;
            else if (std::find(l1_cols.begin(), l1_cols.end(), col) != l1_cols.end()) cost.l1_misses += v;
            else if (std::find(ll_cols.begin(), ll_cols.end(), col) != ll_cols.end()) cost.ll_misses += v;
        }
        return true;
    };

    const std::string trigger = "desc: Trigger: Client Request: benchgate:";
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        const char c0 = line[0];
        if (std::isdigit(static_cast<unsigned char>(c0)) || c0 == '+' || c0 == '-' || c0 == '*') {
            if (!seen_events) continue;
            CallgrindCost cost;
            if (!parse_cost(line, cost)) continue;
            if (next_is_call) {
                next_is_call = false;
                if (current != std::string::npos && callee != std::string::npos) {
                    // A call within one group (recursion, or overloads calling each other) is
                    // already in the group's self cost.
                    if (callee != current) p.functions[current].incl += cost;
                }
            } else if (current != std::string::npos) {
                p.functions[current].self += cost;
                p.functions[current].incl += cost;
                p.total += cost;
            }
            continue;
        }
        if (line.rfind(trigger, 0) == 0) {
            p.index = std::atoi(line.c_str() + trigger.size());
            const auto num = [&](const char* key) -> double {
                const std::size_t at = line.find(key);
                return at == std::string::npos ? -1.0 : std::strtod(line.c_str() + at + std::strlen(key), nullptr);
            };
            p.counted_allocations = num(" allocs=");
            p.counted_bytes = num(" bytes=");
        } else if (line.rfind("positions:", 0) == 0) {
            std::istringstream ps(line.substr(10));
            std::string t;
            positions = 0;
            while (ps >> t) ++positions;
            if (positions == 0) positions = 1;
        } else if (line.rfind("events:", 0) == 0) {
            std::istringstream ev(line.substr(7));
            std::string e;
            while (ev >> e) events.push_back(e);
            for (std::size_t k = 0; k < events.size(); ++k) {
                const std::string& n = events[k];
                if (n == "Ir") ir_col = static_cast<int>(k);
                else if (n == "I1mr" || n == "D1mr" || n == "D1mw") l1_cols.push_back(static_cast<int>(k));
                else if (n == "ILmr" || n == "DLmr" || n == "DLmw") ll_cols.push_back(static_cast<int>(k));
            }
            p.has_cache = !l1_cols.empty();
            seen_events = true;
        } else if (line.rfind("fn=", 0) == 0) {
            current = group_index(fn_name(line.substr(3)));
            next_is_call = false;
        } else if (line.rfind("cfn=", 0) == 0) {
            callee = group_index(fn_name(line.substr(4)));
        } else if (line.rfind("calls=", 0) == 0) {
            // The count of calls= is not used: callgrind keeps counting calls while collection
            // is off (the set-up and warm-up calls), so it is not the collected calls' count.
            next_is_call = true;
        }
        if (last_pos.size() != static_cast<std::size_t>(positions)) last_pos.assign(static_cast<std::size_t>(positions), 0);
        // fl=, fi=, fe=, ob=, cob=, cfi=, cfl=, jump=, jcnd=, totals:, summary: and the header
        // change nothing counted here.
    }
    if (!seen_events) p.error = "not a callgrind dump (no 'events:' line)";
    else if (ir_col < 0) p.error = "the callgrind dump has no Ir event";
    // Mutual recursion can count a call twice in an inclusive cost: no function costs more
    // than the whole dump.
    for (auto& f : p.functions) {
        f.incl.ir = std::min(f.incl.ir, p.total.ir);
        f.incl.l1_misses = std::min(f.incl.l1_misses, p.total.l1_misses);
        f.incl.ll_misses = std::min(f.incl.ll_misses, p.total.ll_misses);
    }
    return p;
}

// ---------------------------------------------------------------- the difference

enum class FunctionMark { changed, added, gone };  // added: only HEAD ran it (NEW); gone: only BASE (GONE)

inline const char* to_string(FunctionMark m) {
    switch (m) {
    case FunctionMark::added: return "NEW";
    case FunctionMark::gone: return "GONE";
    case FunctionMark::changed: break;
    }
    return "";
}

// Per iteration, BASE and HEAD, of one function.
struct FunctionChange {
    std::string name;
    FunctionMark mark = FunctionMark::changed;
    double base_self_ir = 0, head_self_ir = 0, base_incl_ir = 0, head_incl_ir = 0;
    double base_self_cycles = 0, head_self_cycles = 0, base_incl_cycles = 0, head_incl_cycles = 0;
    double self_ir_change() const { return head_self_ir - base_self_ir; }
    double incl_ir_change() const { return head_incl_ir - base_incl_ir; }
    double self_cycles_change() const { return head_self_cycles - base_self_cycles; }
    double incl_cycles_change() const { return head_incl_cycles - base_incl_cycles; }
};

// One side's totals per iteration. NaN: not known (no cache simulation, no allocation counting).
struct ProfileTotals {
    double ir = std::numeric_limits<double>::quiet_NaN();
    double est_cycles = std::numeric_limits<double>::quiet_NaN();
    double l1_misses = std::numeric_limits<double>::quiet_NaN();
    double ll_misses = std::numeric_limits<double>::quiet_NaN();
    double allocations = std::numeric_limits<double>::quiet_NaN();
    double bytes = std::numeric_limits<double>::quiet_NaN();
    std::string allocations_source;  // "operator new" when the binary counts allocations, else "" (not known)
};

inline ProfileTotals profile_totals(const CallgrindProfile& p, std::uint64_t iterations) {
    ProfileTotals t;
    const double n = iterations > 0 ? static_cast<double>(iterations) : 1.0;
    t.ir = static_cast<double>(p.total.ir) / n;
    if (p.has_cache) {
        t.est_cycles = static_cast<double>(p.total.est_cycles()) / n;
        t.l1_misses = static_cast<double>(p.total.l1_misses) / n;
        t.ll_misses = static_cast<double>(p.total.ll_misses) / n;
    }
    // Callgrind's call counts include calls made while collection was off, so allocations are
    // known only when the binary counts them itself (BENCHGATE_COUNT_ALLOCATIONS).
    if (p.counted_allocations >= 0) {
        t.allocations = p.counted_allocations / n;
        t.allocations_source = "operator new";
        if (p.counted_bytes >= 0) t.bytes = p.counted_bytes / n;
    }
    return t;
}

// What changed per function between BASE and HEAD, each counted over `iterations` calls:
// the functions whose own cost changed, and those only one side ran (NEW, GONE), ranked by the size of the change in self
// cost (estimated cycles when both dumps have the cache simulation, else instructions), then in
// inclusive cost, then by name; at most `top` of them.
inline std::vector<FunctionChange> diff_profiles(const CallgrindProfile& base, const CallgrindProfile& head,
                                                 std::uint64_t iterations, std::size_t top = 10) {
    const double n = iterations > 0 ? static_cast<double>(iterations) : 1.0;
    std::map<std::string, FunctionChange> rows;
    for (const auto& f : base.functions) {
        FunctionChange& r = rows[f.name];
        r.name = f.name;
        r.mark = FunctionMark::gone;
        r.base_self_ir = static_cast<double>(f.self.ir) / n;
        r.base_incl_ir = static_cast<double>(f.incl.ir) / n;
        r.base_self_cycles = static_cast<double>(f.self.est_cycles()) / n;
        r.base_incl_cycles = static_cast<double>(f.incl.est_cycles()) / n;
    }
    for (const auto& f : head.functions) {
        auto it = rows.find(f.name);
        FunctionChange& r = rows[f.name];
        r.name = f.name;
        r.mark = it == rows.end() || (r.base_self_ir == 0 && r.base_incl_ir == 0) ? FunctionMark::added : FunctionMark::changed;
        r.head_self_ir = static_cast<double>(f.self.ir) / n;
        r.head_incl_ir = static_cast<double>(f.incl.ir) / n;
        r.head_self_cycles = static_cast<double>(f.self.est_cycles()) / n;
        r.head_incl_cycles = static_cast<double>(f.incl.est_cycles()) / n;
    }
    const bool cycles = base.has_cache && head.has_cache;
    std::vector<FunctionChange> out;
    for (auto& [name, r] : rows) {
        if (r.mark == FunctionMark::gone && r.base_self_ir == 0 && r.base_incl_ir == 0) continue;  // ran nowhere
        if (r.mark == FunctionMark::added && r.head_self_ir == 0 && r.head_incl_ir == 0) continue;
        // A caller whose own cost is unchanged is in the table through its callee's row.
        if (r.mark == FunctionMark::changed && r.self_ir_change() == 0 && r.self_cycles_change() == 0) continue;
        out.push_back(r);
    }
    auto key_self = [&](const FunctionChange& r) { return std::fabs(cycles ? r.self_cycles_change() : r.self_ir_change()); };
    auto key_incl = [&](const FunctionChange& r) { return std::fabs(cycles ? r.incl_cycles_change() : r.incl_ir_change()); };
    std::sort(out.begin(), out.end(), [&](const FunctionChange& a, const FunctionChange& b) {
        if (key_self(a) != key_self(b)) return key_self(a) > key_self(b);
        if (key_incl(a) != key_incl(b)) return key_incl(a) > key_incl(b);
        return a.name < b.name;
    });
    if (out.size() > top) out.resize(top);
    return out;
}

// One benchmark explained: both builds' totals per iteration and the functions that changed
// most. `note` says why there is no explanation (valgrind missing, a side timed out), or is "".
struct Explanation {
    std::string name;
    std::uint64_t iterations = 0;
    std::string base_binary, head_binary;
    ProfileTotals base, head;
    bool ranked_by_cycles = false;  // the functions are ranked by estimated cycles (else instructions)
    std::vector<FunctionChange> functions;
    double seconds = 0;  // wall time of the explanation (both sides run at once)
    std::string note;
    bool ok() const { return note.empty(); }
};

}  // namespace benchgate::detail
