// benchgate tool: the command line of the commands that take files and a few flags of their
// own (history, trend, dashboard): positional arguments and known flags, each flag at most once.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "../../exit_codes.hpp"
#include "../flags.hpp"
#include "../one_line.hpp"
#include "../session.hpp"

namespace benchgate::detail::tool {

struct ArgSpec {
    const char* name;  // "--keep"
    bool takes_value;
};

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;  // flag -> value ("" for a switch)
    std::string error;                          // "" or one line
    bool has(const std::string& flag) const { return values.count(flag) != 0; }
    std::string get(const std::string& flag, const std::string& fallback = {}) const {
        const auto it = values.find(flag);
        return it == values.end() ? fallback : it->second;
    }
};

// `args` by `spec`: a flag not in it, given twice, or without its value is an error (one
// line: what it quotes has its control characters escaped).
inline Args parse_args(const std::vector<std::string>& args, const std::vector<ArgSpec>& spec) {
    Args out;
    auto fail = [&](const std::string& problem) {
        out.error = one_line(problem);
        return out;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i];
        if (a.size() < 2 || a[0] != '-' || a == "-") {
            out.positional.push_back(a);
            continue;
        }
        std::string value;
        bool inline_value = false;
        if (const std::size_t eq = a.find('='); eq != std::string::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
            inline_value = true;
        }
        const ArgSpec* s = nullptr;
        for (const ArgSpec& x : spec)
            if (a == x.name) s = &x;
        if (!s) {
            return fail("unknown option " + a);
        }
        if (out.has(a)) {
            return fail(a + " given twice");
        }
        if (s->takes_value && !inline_value) {
            if (i + 1 >= args.size()) {
                return fail(a + " needs a value");
            }
            value = args[++i];
        } else if (!s->takes_value && inline_value) {
            return fail(a + " takes no value");
        }
        out.values[a] = value;
    }
    return out;
}

// A flag's value as a count in [lo, hi]; returns "" or the problem.
inline std::string count_value(const Args& a, const std::string& flag, std::size_t lo, std::size_t hi, std::size_t& out) {
    if (!a.has(flag)) return {};
    std::uint64_t n = 0;
    if (!cli::parse_u64(a.get(flag), n) || n < lo || n > hi)
        return flag + " expects an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got '" +
               one_line(a.get(flag)) + "'";
    out = static_cast<std::size_t>(n);
    return {};
}

// --color auto|always|never (absent: auto) into `mode`; returns "" or the problem.
inline std::string color_value(const Args& a, cli::ColorMode& mode) {
    const std::string v = a.get("--color", "auto");
    if (v == "auto") mode = cli::ColorMode::automatic;
    else if (v == "always") mode = cli::ColorMode::always;
    else if (v == "never") mode = cli::ColorMode::never;
    else return "--color expects auto, always or never, got '" + one_line(v) + "'";
    return {};
}

// How every command starts: --help (or -h) prints its usage, exit 0; a flag parse_args refused
// is one line naming the command and its help, exit 2. Returns that exit code, or -1 to go on.
inline int help_or_flag_error(const Args& a, const std::string& program, const std::string& command,
                              const std::string& usage) {
    if (a.has("--help") || a.has("-h")) {
        std::fputs(usage.c_str(), stdout);
        return exit_ok;
    }
    if (!a.error.empty()) {
        cli::print_error(command + ": " + a.error + " (try " + program + " " + command + " --help)");
        return exit_usage;
    }
    return -1;
}

}  // namespace benchgate::detail::tool
