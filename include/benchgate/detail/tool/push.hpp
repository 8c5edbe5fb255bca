// benchgate tool: `benchgate push URL FILE.json` sends a result file's metrics to a Prometheus
// Pushgateway: the metrics of `export --format openmetrics`, in the Prometheus text format 0.0.4
// the Pushgateway reads (report/openmetrics.hpp), PUT to the group of a job and grouping labels
// (by default job "benchgate" and instance = the file's host), so a push replaces the group's
// previous metrics whole. Transient failures (no connection, a timeout, a 5xx) are retried with
// exponential backoff inside one time budget; a refusal (4xx) is reported at once.
#pragma once

#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../../exit_codes.hpp"
#include "../../report/openmetrics.hpp"
#include "../../result_file.hpp"
#include "../../version.hpp"
#include "../flags.hpp"
#include "../one_line.hpp"
#include "../session.hpp"
#include "args.hpp"
#include "http_put.hpp"
#include "pushgateway_url.hpp"

namespace benchgate::detail::tool {

// The metrics were not pushed: the endpoint refused them or could not be reached (1, the code
// the other commands use for "the check did not pass", apart from 2, a usage or input error).
inline constexpr int exit_not_pushed = 1;

inline constexpr const char* push_content_type = "text/plain; version=0.0.4; charset=utf-8";

// How a push is attempted: at most 1 + retries attempts, waits of first_wait, 2 x first_wait, ...
// between them, everything inside the budget (each attempt gets an equal share of what is left).
struct PushPolicy {
    std::size_t retries = 3;
    std::chrono::milliseconds budget{30000};
    std::chrono::milliseconds first_wait{500};
};

struct PushOutcome {
    HttpReply last;
    std::size_t attempts = 0;
    double seconds = 0;
    bool budget_spent = false;  // stopped because no time was left for another attempt
    bool ok() const { return last.transport_error.empty() && last.status >= 200 && last.status < 300; }
};

// Runs `attempt(timeout_ms)` under `policy`; `attempt` returns the reply of one PUT.
template <class Attempt>
PushOutcome push_with_retries(const PushPolicy& policy, Attempt&& attempt) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const auto deadline = start + policy.budget;
    auto left_ms = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    };
    PushOutcome out;
    auto wait = policy.first_wait;
    for (std::size_t i = 0; i <= policy.retries; ++i) {
        const long long left = left_ms();
        const long long share = left / static_cast<long long>(policy.retries + 1 - i);
        out.last = attempt(static_cast<long>(std::max<long long>(1, std::max(share, std::min<long long>(left, 1000)))));
        ++out.attempts;
        if (out.ok() || !out.last.transient || i == policy.retries) break;
        // Another attempt only when the wait leaves it at least a tenth of a second.
        if (left_ms() - wait.count() < 100) {
            out.budget_spent = true;
            break;
        }
        std::this_thread::sleep_for(wait);
        wait *= 2;
    }
    out.seconds = std::chrono::duration<double>(clock::now() - start).count();
    return out;
}

// The one line that says why a push failed.
inline std::string push_failure(const std::string& shown_url, const PushOutcome& o) {
    char tries[96];
    std::snprintf(tries, sizeof tries, "%zu attempt%s in %.1f s%s", o.attempts, o.attempts == 1 ? "" : "s", o.seconds,
                  o.budget_spent ? ", the --timeout budget spent" : "");
    if (o.last.status == 0) return "push: could not reach " + shown_url + ": " + o.last.transport_error + " (" + tries + ")";
    std::string first = o.last.body.substr(0, o.last.body.find('\n'));
    if (first.size() > 200) first = first.substr(0, 200) + "...";
    if (first.empty()) first = "(no body)";
    const char* what = o.last.status >= 500 ? " failed: HTTP " : " refused the metrics: HTTP ";
    return "push: " + shown_url + what + std::to_string(o.last.status) + ": " + first + " (" + tries + ")";
}

inline std::string push_usage(const std::string& program) {
    return "usage: " + program +
           " push URL FILE.json [--job NAME] [--group LABEL=VALUE[,LABEL=VALUE...]] [--timeout S] [--retries N] [--dry-run]\n\n"
           "Sends the metrics of a result file (those of `export --format openmetrics`, in the Prometheus text\n"
           "format 0.0.4) to the Prometheus Pushgateway at URL (e.g. http://localhost:9091), with an HTTP PUT to\n"
           "URL/metrics/job/NAME/LABEL/VALUE...: the push replaces everything the group held before.\n\n"
           "  --job NAME         the job label of the group (default: benchgate)\n"
           "  --group L=V,...    grouping labels; instance=HOST (the file's host) is added unless given\n"
           "  --timeout S        time budget of the whole push, retries included, in seconds (default 30)\n"
           "  --retries N        further attempts after a transient failure: no connection, a timeout or\n"
           "                     a 5xx (default 3; waits of 0.5 s, 1 s, 2 s, ... between); a 4xx is final\n"
           "  --dry-run          print what would be sent (the URL as a note, the text on standard output)\n\n"
           "exit codes: 0 pushed, 1 not pushed (refused, or unreachable after the retries), 2 usage or input\n"
           "error (also: this benchgate was built without libcurl)\n";
}

inline int push_mode(const std::string& program, const std::vector<std::string>& argv) {
    const Args a = parse_args(argv, {{"--job", true},
                                     {"--group", true},
                                     {"--timeout", true},
                                     {"--retries", true},
                                     {"--dry-run", false},
                                     {"--help", false},
                                     {"-h", false}});
    if (const int rc = help_or_flag_error(a, program, "push", push_usage(program)); rc >= 0) return rc;
    auto usage_error = [](const std::string& line) {
        cli::print_error(line);
        return exit_usage;
    };
    if (a.positional.size() != 2)
        return usage_error("push needs a URL and one result file: " + program + " push URL FILE.json (try " + program +
                           " push --help)");
    PushPolicy policy;
    std::size_t timeout_s = 30;
    for (std::string problem : {count_value(a, "--timeout", 1, 3600, timeout_s), count_value(a, "--retries", 0, 10, policy.retries)})
        if (!problem.empty()) return usage_error("push: " + problem);
    policy.budget = std::chrono::seconds(timeout_s);
    const PushBase base = parse_push_base(a.positional[0]);
    if (!base.error.empty()) return usage_error(base.error);
    const std::string job = a.get("--job", "benchgate");
    if (job.empty()) return usage_error("push: --job needs a name");

    std::vector<std::pair<std::string, std::string>> group;
    if (a.has("--group")) {
        const std::string spec = a.get("--group");
        for (std::size_t pos = 0; pos <= spec.size();) {
            const std::size_t end = std::min(spec.find(',', pos), spec.size());
            const std::string pair = spec.substr(pos, end - pos);
            const std::size_t eq = pair.find('=');
            if (eq == std::string::npos)
                return usage_error("push: --group expects LABEL=VALUE[,LABEL=VALUE...], got '" + one_line(pair) + "'");
            const std::string name = pair.substr(0, eq);
            if (!valid_label_name(name))
                return usage_error("push: --group: '" + one_line(name) +
                                   "' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
            if (name == "job") return usage_error("push: --group: set the job with --job");
            for (const auto& [seen, value] : group)
                if (seen == name) return usage_error("push: --group: label '" + name + "' given twice");
            group.emplace_back(name, pair.substr(eq + 1));
            pos = end + 1;
        }
    }

    const LoadedRun loaded = read_run_file(a.positional[1]);
    if (!loaded.ok()) return usage_error(loaded.error);
    bool has_instance = false;
    for (const auto& g : group) has_instance = has_instance || g.first == "instance";
    if (!has_instance && !loaded.run.context.host.empty()) group.emplace_back("instance", loaded.run.context.host);

    // The Pushgateway overwrites a pushed label with the grouping label of the same name: a
    // grouping label named like a metric's own label would merge or relabel series silently.
    const std::vector<report::MetricFamily> families = report::metric_families(loaded.run);
    std::set<std::string> metric_labels;
    std::size_t samples = 0;
    for (const auto& f : families) {
        samples += f.samples.size();
        for (const auto& s : f.samples)
            for (const auto& label : s.labels) metric_labels.insert(label.first);
    }
    for (const auto& g : group)
        if (metric_labels.count(g.first))
            return usage_error("push: --group: '" + g.first + "' is a label of the pushed metrics (the Pushgateway would overwrite it)");

    const std::string url = pushgateway_url(base.url, job, group);
    const std::string shown = pushgateway_url(base.shown, job, group);
    const std::string body = report::prometheus_text_report(loaded.run);
    if (a.has("--dry-run")) {
        std::fprintf(stderr, "note: --dry-run: would PUT %zu bytes to %s\n", body.size(), shown.c_str());
        std::fputs(body.c_str(), stdout);
        if (std::fflush(stdout) != 0) return usage_error("push: --dry-run: cannot write to standard output");
        return exit_ok;
    }
    if (!http_put_available())
        return usage_error("push: this benchgate was built without libcurl (Debian: apt-get install libcurl4-openssl-dev, then "
                           "build the tool again); --dry-run prints what it would send");

    const std::string agent = std::string("benchgate/") + BENCHGATE_VERSION_STRING;
    const PushOutcome o = push_with_retries(policy, [&](long timeout_ms) { return http_put(url, body, push_content_type, timeout_ms, agent); });
    if (!o.ok()) {
        cli::print_error(push_failure(shown, o));
        return exit_not_pushed;
    }
    std::printf("pushed %zu benchmark(s), %zu series, to %s%s\n", loaded.run.benchmarks.size(), samples, shown.c_str(),
                o.attempts > 1 ? (" (attempt " + std::to_string(o.attempts) + ")").c_str() : "");
    return exit_ok;
}

}  // namespace benchgate::detail::tool
