// benchgate tool: `benchgate bisect --good REV --bad REV --build 'COMMAND' BINARY --filter NAME`
// finds the first commit of a range whose bench binary regresses against the good commit's.
// Each commit tested is checked out in a git worktree of its own, built there by COMMAND and
// compared with the good build in duet mode (BINARY --against GOOD); a build that fails is
// skipped like `git bisect skip`. The search is a binary search over the first-parent chain,
// so a range of N commits costs about log2(N) builds besides the good and the bad one.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "../../exit_codes.hpp"
#include "../files.hpp"
#include "../guard.hpp"
#include "../input_file.hpp"
#include "../json_reader.hpp"
#include "../one_line.hpp"
#include "../process.hpp"
#include "../session.hpp"
#include "args.hpp"

namespace benchgate::detail::tool {

// The search itself, pure: the range's commits are 1..n in order (n the bad commit), 0 is the
// good commit. Each commit is untested, good, bad or skipped (it did not build or measure).
class BisectSearch {
public:
    enum class State { untested, good, bad, skipped };
    static constexpr std::size_t none = static_cast<std::size_t>(-1);

    explicit BisectSearch(std::size_t n) : state_(n + 1, State::untested) {
        state_[0] = State::good;
        state_[n] = State::bad;
    }
    std::size_t size() const { return state_.size() - 1; }
    State state(std::size_t i) const { return state_[i]; }
    void mark(std::size_t i, State s) { state_[i] = s; }

    // The newest good commit, and the first bad one after it.
    std::size_t last_good() const {
        std::size_t lo = 0;
        for (std::size_t i = 0; i < state_.size(); ++i)
            if (state_[i] == State::good) lo = i;
        return lo;
    }
    std::size_t first_bad() const {
        for (std::size_t i = last_good() + 1; i < state_.size(); ++i)
            if (state_[i] == State::bad) return i;
        return size();
    }
    // The next commit to test: the untested one nearest the middle of (last good, first bad),
    // or `none` when every commit between them is tested or skipped.
    std::size_t next() const {
        const std::size_t lo = last_good(), hi = first_bad();
        const double mid = (static_cast<double>(lo) + static_cast<double>(hi)) / 2.0;
        std::size_t best = none;
        double best_distance = 0;
        for (std::size_t i = lo + 1; i < hi; ++i) {
            if (state_[i] != State::untested) continue;
            const double d = std::abs(static_cast<double>(i) - mid);
            if (best == none || d < best_distance) best = i, best_distance = d;
        }
        return best;
    }
    // The commits that may be the first bad one: the first bad commit, preceded by every
    // skipped commit between it and the last good one (git bisect's "one of these").
    std::vector<std::size_t> suspects() const {
        std::vector<std::size_t> out;
        const std::size_t lo = last_good(), hi = first_bad();
        for (std::size_t i = lo + 1; i < hi; ++i)
            if (state_[i] == State::skipped) out.push_back(i);
        out.push_back(hi);
        return out;
    }

private:
    std::vector<State> state_;
};

inline std::string bisect_usage(const std::string& program) {
    return "usage: " + program +
           " bisect (--good REV --bad REV | --range REV..REV) --build 'COMMAND' BINARY --filter NAME [options] [-- FLAGS]\n\n"
           "Finds the first commit between a good and a bad one whose BINARY regresses against the good\n"
           "commit's build. Each commit tested is checked out in a git worktree of its own (removed\n"
           "afterwards, also when interrupted), built by COMMAND run with bash -e in the worktree's root\n"
           "with BENCHGATE_BUILD set to the build directory to use, and compared in duet mode with the good\n"
           "build (BINARY --against GOOD --filter NAME). The bad commit is tested first; then a binary search\n"
           "over the first-parent commits between them: about log2(commits) builds. A commit that does not\n"
           "build is skipped (git bisect skip). A step found by '" + program + " trend' gives the range: the\n"
           "commits before and after it (BEFORE..AFTER).\n\n"
           "options:\n"
           "  --good REV          a commit whose build does not regress\n"
           "  --bad REV           a later commit whose build regresses (its first parents lead to REV of --good)\n"
           "  --range A..B        the same as --good A --bad B\n"
           "  --build 'COMMAND'   builds one tree: e.g. 'meson setup \"$BENCHGATE_BUILD\" && ninja -C \"$BENCHGATE_BUILD\"'\n"
           "  BINARY              the bench binary, relative to the build directory (e.g. benches/engine)\n"
           "  --filter NAME       the benchmarks compared (the bench binary's --filter)\n"
           "  --threshold PCT     REGRESSION beyond this slow-down (the bench binary's default: 10)\n"
           "  -C DIR              the git repository (default: the current directory)\n"
           "  --timeout MIN       the most one build or one comparison may take (default 30)\n"
           "  --keep              keep the build directories and logs (their directory is printed)\n"
           "  -- FLAGS            more flags for every comparison, e.g. -- --quick\n\n"
           "exit codes: 0 the first bad commit found, 2 usage or input error, or the bisect could not run\n"
           "(the good or the bad commit does not build, or the bad one does not regress), 130/143 interrupted\n";
}

namespace bisect_detail {

// One row of a comparison's --json output.
struct Row {
    std::string name, status;
    double change = 0;
    bool has_change = false;
};

struct Measured {
    std::string error;  // "" or why the comparison could not be read
    std::vector<Row> rows;
    bool regressed() const {
        for (const Row& r : rows)
            if (r.status == "REGRESSION") return true;
        return false;
    }
    std::string summary() const {
        std::string out;
        for (const Row& r : rows) {
            if (!out.empty()) out += ", ";
            char change[32] = "?";
            if (r.has_change) std::snprintf(change, sizeof change, "%+.1f%%", r.change * 100.0);
            out += one_line(r.name) + " " + change + " " + r.status;
        }
        return out.empty() ? "no benchmark matched the filter" : out;
    }
};

inline Measured read_comparison(const std::string& path) {
    Measured m;
    InputFile file = benchgate::detail::read_input_file(path, max_input_bytes, true);
    if (!file.ok()) {
        m.error = file.error;
        return m;
    }
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (std::string err = parse_json(parser, padded(file.text), doc); !err.empty()) {
        m.error = path + ": " + err;
        return m;
    }
    simdjson::dom::array benchmarks;
    if (doc["benchmarks"].get_array().get(benchmarks)) {
        m.error = path + ": no \"benchmarks\" array";
        return m;
    }
    for (simdjson::dom::element b : benchmarks) {
        Row r;
        std::string_view sv;
        if (!b["name"].get_string().get(sv)) r.name = std::string(sv);
        simdjson::dom::element c;
        if (b["comparison"].get(c)) continue;  // not compared (new in this build)
        if (!c["status"].get_string().get(sv)) r.status = std::string(sv);
        double point = 0;
        if (!c["change"]["point"].get_double().get(point)) r.change = point, r.has_change = true;
        m.rows.push_back(std::move(r));
    }
    return m;
}

// Runs argv with its standard output and error in `log`; at most `timeout`.
// `cleanup`: runs to its end after an interruption too.
inline ProcessResult run_logged(const std::string& bash, std::vector<std::string> argv, const std::string& log,
                                std::chrono::milliseconds timeout, bool cleanup = false) {
    std::vector<std::string> wrapped = {bash, "-c", "log=$1; shift; exec \"$@\" >\"$log\" 2>&1", "bisect", log};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return run_process(wrapped, timeout, true, cleanup);
}


inline std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

// The last lines of a log, for a one-line report of what failed.
inline std::string tail_of(const std::string& path, std::size_t lines = 1) {
    std::string text = trimmed(read_text_file(path));
    std::size_t pos = text.size();
    for (std::size_t i = 0; i < lines && pos != std::string::npos && pos > 0; ++i) pos = text.rfind('\n', pos - 1);
    return one_line(pos == std::string::npos ? text : text.substr(pos + 1));
}

// The worktrees and build directories of one bisect: all under `root`, all removed by
// cleanup() (also after an interruption), the repository's worktree list pruned.
class Workspace {
public:
    std::string bash, git, repo, root;
    std::chrono::milliseconds timeout{0};
    bool keep = false;
    std::vector<std::string> worktrees;
    std::vector<std::string> left_locked;  // removed, but maybe still listed and locked by an add cut short

    ~Workspace() { cleanup(); }

    // `git ARGS` in the repository: its output (trimmed), or "" with `ok` false. `cleanup`:
    // worktree removal, which runs to its end after an interruption too.
    std::string git_output(const std::vector<std::string>& args, bool& ok, bool cleanup = false) {
        const std::string out = root + "/git.out";
        std::vector<std::string> argv = {git, "-C", repo};
        argv.insert(argv.end(), args.begin(), args.end());
        const ProcessResult r = run_logged(bash, argv, out, std::chrono::minutes(cleanup ? 1 : 5), cleanup);
        ok = r.error.empty() && r.exit_code == 0;
        return trimmed(read_text_file(out));
    }

    // Builds `sha` in a worktree of its own; the build directory's path, or "" (the log says why).
    std::string build(const std::string& sha, const std::string& command, std::string& log, std::string& why) {
        const std::string id = sha.substr(0, 12);
        const std::string src = root + "/src-" + id, out = root + "/build-" + id;
        log = root + "/build-" + id + ".log";
        bool ok = false;
        worktrees.push_back(src);  // before the add, which an interruption may cut short
        git_output({"worktree", "add", "--detach", src, sha}, ok);
        if (!ok) {
            why = "git worktree add failed: " + tail_of(root + "/git.out");
            remove_worktree(src);
            return {};
        }
        const ProcessResult r = run_logged(
            bash, {bash, "-c", "cd -- \"$1\" && BENCHGATE_BUILD=\"$2\" BENCHGATE_TOOLS=false exec bash -ec \"$3\"", "build", src, out, command},
            log, timeout);
        remove_worktree(src);
        if (!r.error.empty()) why = r.error;
        else if (r.exit_code != 0) why = "exit " + std::to_string(r.exit_code) + ": " + tail_of(log);
        return why.empty() ? out : std::string();
    }

    void remove_worktree(const std::string& src) {
        // Twice --force: a worktree whose add was cut short is still locked ("initializing").
        bool ok = false;
        git_output({"worktree", "remove", "--force", "--force", src}, ok, true);
        if (!ok) left_locked.push_back(src);
        std::error_code ec;
        std::filesystem::remove_all(src, ec);
        worktrees.erase(std::remove(worktrees.begin(), worktrees.end(), src), worktrees.end());
    }

    // Removes every worktree (and the directory, unless kept), then prunes the repository's
    // list of worktrees of any whose directory is gone (one cut short while being added).
    void cleanup() {
        if (root.empty()) return;
        for (const std::string& w : std::vector<std::string>(worktrees)) remove_worktree(w);
        if (!keep) {
            std::error_code ec;
            std::filesystem::remove_all(root, ec);
        }
        for (const std::string& w : left_locked) {
            run_logged(bash, {git, "-C", repo, "worktree", "unlock", w}, "/dev/null", std::chrono::minutes(1), true);
        }
        run_logged(bash, {git, "-C", repo, "worktree", "prune"}, "/dev/null", std::chrono::minutes(1), true);
        root.clear();
    }
};

}  // namespace bisect_detail

inline int bisect_mode(const std::string& program, const std::vector<std::string>& argv) {
    // Everything after "--" goes to the comparisons.
    std::vector<std::string> own = argv, extra;
    if (const auto dash = std::find(own.begin(), own.end(), "--"); dash != own.end()) {
        extra.assign(dash + 1, own.end());
        own.erase(dash, own.end());
    }
    const Args a = parse_args(own, {{"--good", true}, {"--bad", true}, {"--range", true}, {"--build", true}, {"--filter", true},
                                    {"--threshold", true}, {"-C", true}, {"--timeout", true}, {"--keep", false},
                                    {"--help", false}, {"-h", false}});
    if (const int rc = help_or_flag_error(a, program, "bisect", bisect_usage(program)); rc >= 0) return rc;
    const auto usage_error = [&](const std::string& problem) {
        cli::print_error("bisect: " + problem + " (try " + program + " bisect --help)");
        return exit_usage;
    };
    std::string good_rev = a.get("--good"), bad_rev = a.get("--bad");
    if (a.has("--range")) {
        if (a.has("--good") || a.has("--bad")) return usage_error("--range is instead of --good and --bad, not with them");
        const std::string range = a.get("--range");
        const std::size_t dots = range.find("..");
        if (dots == std::string::npos || dots == 0 || dots + 2 >= range.size() || range.find("..", dots + 2) != std::string::npos)
            return usage_error("--range '" + range + "' is not BEFORE..AFTER");
        good_rev = range.substr(0, dots);
        bad_rev = range.substr(dots + 2);
    }
    if (good_rev.empty() || bad_rev.empty()) return usage_error("needs --good REV and --bad REV (or --range BEFORE..AFTER)");
    if (a.get("--build").empty()) return usage_error("needs --build 'COMMAND' (how to build one tree)");
    if (a.positional.size() != 1 || a.positional[0].empty()) return usage_error("needs one BINARY, relative to the build directory");
    if (a.get("--filter").empty()) return usage_error("needs --filter NAME (the benchmarks to compare)");
    const std::string binary = a.positional[0];
    if (binary[0] == '/') return usage_error("BINARY '" + binary + "' must be relative to the build directory");
    double minutes = 30;
    if (a.has("--timeout")) {
        char* end = nullptr;
        const std::string t = a.get("--timeout");
        minutes = std::strtod(t.c_str(), &end);
        if (t.empty() || *end != '\0' || !(minutes > 0) || minutes > 24 * 60)
            return usage_error("--timeout '" + t + "' is not a number of minutes from 0 to 1440");
    }

    install_guards(true);
    bisect_detail::Workspace ws;
    ws.bash = find_on_path("bash");
    ws.git = find_on_path("git");
    if (ws.bash.empty() || ws.git.empty()) {
        cli::print_error("bisect: needs git and bash on PATH");
        return exit_usage;
    }
    ws.repo = a.get("-C", ".");
    ws.timeout = std::chrono::milliseconds(static_cast<long long>(minutes * 60000));
    ws.keep = a.has("--keep");
    {
        std::string path = temporary_directory() + "/benchgate-bisect-XXXXXX";
        if (!::mkdtemp(path.data())) {
            cli::print_error("bisect: cannot create a directory in " + temporary_directory() + ": " + std::strerror(errno));
            return exit_usage;
        }
        ws.root = path;
    }
    const auto interrupted_exit = [&] {
        ws.cleanup();
        std::fprintf(stderr, "benchgate: bisect interrupted; its worktrees are removed\n");
        return 128 + interrupted();
    };

    bool ok = false;
    const std::string top = ws.git_output({"rev-parse", "--show-toplevel"}, ok);
    if (!ok) {
        cli::print_error("bisect: " + ws.repo + " is not in a git repository");
        return exit_usage;
    }
    ws.repo = top;
    const std::string good = ws.git_output({"rev-parse", "--verify", "--quiet", "--end-of-options", good_rev + "^{commit}"}, ok);
    if (!ok) return usage_error("--good '" + good_rev + "' is not a commit of " + ws.repo);
    const std::string bad = ws.git_output({"rev-parse", "--verify", "--quiet", "--end-of-options", bad_rev + "^{commit}"}, ok);
    if (!ok) return usage_error("--bad '" + bad_rev + "' is not a commit of " + ws.repo);
    const std::string list = ws.git_output({"rev-list", "--first-parent", "--reverse", "--ancestry-path", good + ".." + bad}, ok);
    std::vector<std::string> commits;  // commits[0] the good one, then the range oldest first
    commits.push_back(good);
    for (std::size_t start = 0; ok && start < list.size();) {
        const std::size_t end = std::min(list.find('\n', start), list.size());
        if (end > start) commits.push_back(list.substr(start, end - start));
        start = end + 1;
    }
    if (!ok || commits.size() < 2 || commits.back() != bad)
        return usage_error("the bad commit " + bad.substr(0, 10) + " does not descend from the good one " + good.substr(0, 10) +
                           " along first parents");
    const std::size_t n = commits.size() - 1;
    const auto subject = [&](const std::string& sha) {
        bool found = false;
        return one_line(ws.git_output({"log", "-1", "--format=%s", sha}, found)).substr(0, 72);
    };
    std::printf("bisect: %zu commit(s) after the good one %s (%s), up to the bad one %s\n", n, good.substr(0, 10).c_str(),
                subject(good).c_str(), bad.substr(0, 10).c_str());
    std::fflush(stdout);

    int builds = 0;
    std::string log, why;
    ++builds;
    const std::string good_build = ws.build(good, a.get("--build"), log, why);
    if (interrupted()) return interrupted_exit();
    if (good_build.empty()) {
        cli::print_error("bisect: the good commit " + good.substr(0, 10) + " does not build: " + why);
        return exit_usage;
    }
    const std::string good_binary = good_build + "/" + binary;
    if (::access(good_binary.c_str(), X_OK) != 0) {
        cli::print_error("bisect: the good commit's build has no executable " + binary + " (" + good_binary + ")");
        return exit_usage;
    }

    BisectSearch search(n);
    // Tests one commit: builds it and compares it with the good build. Returns its state.
    const auto test = [&](std::size_t i) {
        const std::string& sha = commits[i];
        ++builds;
        std::printf("  %s %-50s ", sha.substr(0, 10).c_str(), subject(sha).c_str());
        std::fflush(stdout);
        const std::string built = ws.build(sha, a.get("--build"), log, why);
        if (interrupted()) return BisectSearch::State::untested;
        if (built.empty()) {
            std::printf("skipped: does not build (%s)\n", why.c_str());
            return BisectSearch::State::skipped;
        }
        const std::string json = ws.root + "/compare-" + sha.substr(0, 12) + ".json";
        const std::string compare_log = ws.root + "/compare-" + sha.substr(0, 12) + ".log";
        std::vector<std::string> cmd = {built + "/" + binary, "--against", good_binary, "--filter", a.get("--filter"),
                                        "--json", json, "--color", "never"};
        if (a.has("--threshold")) cmd.insert(cmd.end(), {"--threshold", a.get("--threshold")});
        cmd.insert(cmd.end(), extra.begin(), extra.end());
        const ProcessResult r = bisect_detail::run_logged(ws.bash, cmd, compare_log, ws.timeout);
        if (interrupted()) return BisectSearch::State::untested;
        if (!r.error.empty() || (r.exit_code != 0 && r.exit_code != 1)) {
            std::printf("skipped: the comparison failed (%s)\n",
                        r.error.empty() ? ("exit " + std::to_string(r.exit_code) + ": " + bisect_detail::tail_of(compare_log)).c_str()
                                        : r.error.c_str());
            return BisectSearch::State::skipped;
        }
        const bisect_detail::Measured m = bisect_detail::read_comparison(json);
        if (!m.error.empty() || m.rows.empty()) {
            std::printf("skipped: %s\n", m.error.empty() ? "no benchmark matched the filter" : m.error.c_str());
            return BisectSearch::State::skipped;
        }
        const bool regressed = m.regressed();
        std::printf("%s: %s\n", regressed ? "bad" : "good", m.summary().c_str());
        std::fflush(stdout);
        return regressed ? BisectSearch::State::bad : BisectSearch::State::good;
    };

    const BisectSearch::State bad_state = test(n);
    if (interrupted()) return interrupted_exit();
    if (bad_state != BisectSearch::State::bad) {
        cli::print_error("bisect: the bad commit " + bad.substr(0, 10) +
                         (bad_state == BisectSearch::State::skipped ? " could not be built and compared"
                                                                    : " does not regress against the good one") +
                         ": nothing to bisect");
        return exit_usage;
    }
    for (std::size_t i = search.next(); i != BisectSearch::none; i = search.next()) {
        const BisectSearch::State s = test(i);
        if (interrupted()) return interrupted_exit();
        search.mark(i, s);
    }
    const std::vector<std::size_t> suspects = search.suspects();
    if (suspects.size() == 1) {
        const std::string& sha = commits[suspects[0]];
        std::printf("first bad commit: %s %s\n", sha.c_str(), subject(sha).c_str());
    } else {
        std::printf("first bad commit: one of these (the ones before the last could not be built or compared):\n");
        for (std::size_t i : suspects) std::printf("  %s %s\n", commits[i].c_str(), subject(commits[i]).c_str());
    }
    std::printf("%d build(s) for %zu commit(s)%s\n", builds, n, ws.keep ? (", kept in " + ws.root).c_str() : "");
    ws.cleanup();
    return exit_ok;
}

}  // namespace benchgate::detail::tool
