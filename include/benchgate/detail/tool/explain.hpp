// benchgate tool: `benchgate explain BASE HEAD --filter NAME` runs the benchmarks NAME selects
// in two bench binaries under valgrind's callgrind (detail/explain.hpp) and says what changed:
// instructions, estimated cycles, cache misses and allocations per iteration, and the functions
// whose cost changed most. The same explanation as a bench binary's --explain in duet mode.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <unistd.h>

#include "../../exit_codes.hpp"
#include "../../report/explain.hpp"
#include "../explain.hpp"
#include "../files.hpp"
#include "../session.hpp"
#include "args.hpp"

namespace benchgate::detail::tool {

inline std::string explain_usage(const std::string& program) {
    return "usage: " + program + " explain BASE HEAD --filter REGEX [options]\n\n"
           "Runs each benchmark REGEX selects in both bench binaries under valgrind's callgrind (cache simulation\n"
           "on), a fixed number of calls each, and prints what changed from BASE to HEAD per iteration:\n"
           "instructions, estimated cycles, L1 and last-level misses, allocations, and the functions whose\n"
           "own cost changed most (NEW: only HEAD ran it, GONE: only BASE did).\n\n"
           "options:\n"
           "  --filter REGEX     the benchmarks to explain (required; those both binaries have)\n"
           "  --iterations N     calls counted per binary (default 20)\n"
           "  --timeout SECONDS  stop one explanation after this long, with a note (default 30)\n"
           "  --top N            functions shown (default 10)\n"
           "  --base-env NAME=VALUE, --head-env NAME=VALUE\n"
           "                     set an environment variable for one side only\n"
           "  --json FILE        write {\"explanations\": [...]} ('-' is standard output)\n"
           "  --markdown FILE    write one collapsed <details> block per benchmark ('-' is standard output)\n"
           "  --color WHEN       auto, always or never\n\n"
           "Without valgrind each benchmark gets a one-line note and the exit code is 0.\n"
           "exit codes: 0 explained (or noted why not), 2 usage or input error\n";
}

// The names `bin --list --filter pattern` prints, or the problem.
inline std::string list_names(const std::string& bin, const std::string& pattern, const std::string& dir,
                              std::vector<std::string>& names) {
    static int calls = 0;
    const std::string file = dir + "/list-" + std::to_string(++calls);
    const ProcessResult r = run_process({"/bin/sh", "-c", "exec \"$0\" --list --filter \"$1\" > \"$2\" 2>/dev/null", bin, pattern, file},
                                        std::chrono::seconds(60));
    const std::string text = read_text_file(file);
    ::unlink(file.c_str());
    if (!r.error.empty()) return bin + ": " + r.error;
    if (r.exit_code == 2) return bin + " has no benchmark matching --filter '" + pattern + "'";
    if (r.exit_code != 0) return bin + " --list exited with code " + std::to_string(r.exit_code) + " (not a benchgate bench binary?)";
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t nl = text.find('\n', start);
        const std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        if (!line.empty()) names.push_back(line);
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return {};
}

inline int explain_mode(const std::string& program, const std::vector<std::string>& args) {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::fputs(explain_usage(program).c_str(), stdout);
        return exit_ok;
    }
    const Args a = parse_args(args, {{"--filter", true},
                                     {"--iterations", true},
                                     {"--timeout", true},
                                     {"--top", true},
                                     {"--json", true},
                                     {"--markdown", true},
                                     {"--color", true},
                                     {"--base-env", true},
                                     {"--head-env", true}});
    auto usage_error = [&](const std::string& problem) {
        cli::print_error("explain: " + problem + " (try " + program + " explain --help)");
        return exit_usage;
    };
    if (!a.error.empty()) return usage_error(a.error);
    if (a.positional.size() != 2) return usage_error("needs two bench binaries, BASE and HEAD");
    if (!a.has("--filter") || a.get("--filter").empty()) return usage_error("needs --filter REGEX naming the benchmarks to explain");
    if (const std::string problem = cli::filter_problem(a.get("--filter")); !problem.empty())
        return usage_error("--filter " + problem);
    ExplainOptions xo;
    std::size_t n = xo.iterations;
    if (std::string problem = count_value(a, "--iterations", 1, 100000, n); !problem.empty()) return usage_error(problem);
    xo.iterations = n;
    if (std::string problem = count_value(a, "--top", 1, 1000, xo.top); !problem.empty()) return usage_error(problem);
    if (a.has("--timeout"))
        if (const std::string problem = cli::parse_seconds(a.get("--timeout"), xo.timeout_s); !problem.empty())
            return usage_error("--timeout " + problem);
    for (const char* flag : {"--base-env", "--head-env"}) {
        if (!a.has(flag)) continue;
        const std::string v = a.get(flag);
        if (v.find('=') == std::string::npos || v[0] == '=') return usage_error(std::string(flag) + " expects NAME=VALUE, got '" + one_line(v) + "'");
        (std::string(flag) == "--base-env" ? xo.base_env : xo.head_env).push_back(v);
    }
    cli::ColorMode color = cli::ColorMode::automatic;
    if (std::string problem = color_value(a, color); !problem.empty()) return usage_error(problem);
    for (const char* flag : {"--json", "--markdown"})
        if (a.has(flag) && a.get(flag).empty()) return usage_error(std::string(flag) + " needs a file name or '-'");
    if (a.get("--json") == "-" && a.get("--markdown") == "-") return usage_error("--json and --markdown cannot both be '-'");
    for (const char* flag : {"--json", "--markdown"})
        if (a.has(flag) && a.get(flag) != "-")
            if (const std::string problem = check_writable(a.get(flag)); !problem.empty()) return usage_error(problem);
    const std::string& base = a.positional[0];
    const std::string& head = a.positional[1];
    for (const std::string* bin : {&base, &head})
        if (::access(bin->c_str(), X_OK) != 0) return usage_error("cannot execute '" + one_line(*bin) + "'");

    files::WorkDir work;
    if (std::string problem = make_work_dir("benchgate-callgrind-", work); !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    std::vector<std::string> base_names, head_names;
    for (auto [bin, names] : {std::pair{&base, &base_names}, std::pair{&head, &head_names}})
        if (const std::string problem = list_names(*bin, a.get("--filter"), work.path, *names); !problem.empty()) {
            cli::print_error(problem);
            return exit_usage;
        }
    std::vector<std::string> both;
    for (const auto& name : head_names)
        if (std::find(base_names.begin(), base_names.end(), name) != base_names.end()) both.push_back(name);
    if (both.empty()) {
        cli::print_error("no benchmark matching --filter '" + a.get("--filter") + "' is in both binaries");
        return exit_usage;
    }
    const bool stdout_taken = a.get("--json") == "-" || a.get("--markdown") == "-";
    std::FILE* console = stdout_taken ? stderr : stdout;
    const report::Style style{cli::color_enabled(color, ::fileno(console))};
    for (const auto& name : head_names)
        if (std::find(both.begin(), both.end(), name) == both.end())
            std::fprintf(stderr, "note: %s is only in HEAD: not explained\n", one_line(name).c_str());
    for (const auto& name : base_names)
        if (std::find(head_names.begin(), head_names.end(), name) == head_names.end())
            std::fprintf(stderr, "note: %s is only in BASE: not explained\n", one_line(name).c_str());

    std::vector<Explanation> xs;
    const std::string unavailable = explain_unavailable();
    if (!unavailable.empty()) std::fprintf(stderr, "note: %s; not explained\n", one_line(unavailable).c_str());
    for (const auto& name : both) {
        if (interrupted()) return cli::interrupted_exit();
        xs.push_back(explain_benchmark(base, head, name, xo));
        if (unavailable.empty()) {
            std::fputs(report::console_explanation(xs.back(), style).c_str(), console);
            std::fflush(console);
        }
    }
    if (interrupted()) return cli::interrupted_exit();
    if (a.has("--json")) {
        std::string out;
        JsonWriter w(out);
        w.begin_object();
        report::write_explanations(w, xs);
        w.end_object();
        out += '\n';
        if (const std::string problem = write_file_atomic(a.get("--json"), out); !problem.empty()) {
            cli::print_error(problem);
            return exit_usage;
        }
    }
    if (a.has("--markdown")) {
        std::string out;
        for (const auto& x : xs) out += report::markdown_explanation(x) + "\n";
        if (const std::string problem = write_file_atomic(a.get("--markdown"), out); !problem.empty()) {
            cli::print_error(problem);
            return exit_usage;
        }
    }
    return exit_ok;
}

}  // namespace benchgate::detail::tool
