// benchgate tool: `benchgate dashboard DIR -o SITE/`: one self-contained index.html of a
// history (report/dashboard.hpp draws it): a chart per machine and benchmark, the trend table,
// the regressions list. Everything inline, no URL, opens from file://.
#pragma once

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "../../exit_codes.hpp"
#include "../../report/dashboard.hpp"
#include "../files.hpp"
#include "../history.hpp"
#include "../history_trends.hpp"
#include "../session.hpp"
#include "args.hpp"
#include "trend.hpp"

namespace benchgate::detail::tool {

inline std::string dashboard_usage(const std::string& program) {
    return "usage: " + program + " dashboard DIR -o SITE [options]\n\n"
           "Writes SITE/index.html: one self-contained page (no external URL, data inline, opens from\n"
           "file://) with a chart per machine and benchmark of the history in DIR (median, 95% interval\n"
           "band, change points), hover details, a filter box, the latest verdicts and trends, and the\n"
           "list of regressions.\n\n"
           "options:\n"
           "  -o, --output SITE     the directory to write index.html into (created when missing)\n"
           "  --title TEXT          the page's title (default \"benchgate dashboard\")\n"
           "  --threshold PCT, --warn-threshold PCT, --noise PCT, --filter REGEX: as for trend\n"
           "exit codes: 0 ok, 2 usage or input error\n";
}

// The page's data from the per-machine trends: runs, points with their verdicts, change points.
inline report::DashboardData dashboard_data(const std::vector<report::MachineTrends>& machines, const std::string& title,
                                            const std::string& generated) {
    report::DashboardData data;
    data.title = title;
    data.generated = generated;
    for (const auto& m : machines) {
        report::DashboardMachine dm;
        dm.id = m.id;
        dm.fingerprint = m.fingerprint;
        for (std::size_t i = 0; i < m.dates.size(); ++i) dm.runs.push_back({m.dates[i], m.commits[i]});
        for (const auto& r : m.rows) {
            report::DashboardSeries s;
            s.name = r.name;
            s.unit = r.unit;
            for (std::size_t i = 0; i < r.points.size(); ++i)
                s.points.push_back({r.run[i], r.points[i].value, r.points[i].lower, r.points[i].upper, r.statuses[i]});
            for (const ChangePoint& c : r.trend.changes) s.changes.push_back({c.index, c.before, c.after, c.factor()});
            s.latest_status = r.statuses.empty() ? std::string() : r.statuses.back();
            s.latest = r.trend.latest;
            s.mean7 = r.trend.mean7;
            s.mean30 = r.trend.mean30;
            s.drift = r.trend.drift;
            s.trend = to_string(r.trend.status);
            dm.series.push_back(std::move(s));
        }
        data.machines.push_back(std::move(dm));
    }
    return data;
}

inline int dashboard_mode(const std::string& program, const std::vector<std::string>& raw) {
    std::vector<std::string> args = raw;
    for (auto& a : args)
        if (a == "-o") a = "--output";
    const Args a = parse_args(args, {{"--output", true}, {"--title", true}, {"--threshold", true},
                                     {"--warn-threshold", true}, {"--noise", true}, {"--filter", true}, {"--help", false}});
    if (const int rc = help_or_flag_error(a, program, "dashboard", dashboard_usage(program)); rc >= 0) return rc;
    if (a.positional.size() != 1 || a.get("--output").empty()) {
        cli::print_error("dashboard needs a history and an output directory: " + program + " dashboard DIR -o SITE");
        return exit_usage;
    }
    TrendConfig cfg;
    history::Loaded h;
    if (std::string problem = load_trend_input(a, a.positional[0], cfg, h); !problem.empty()) {
        cli::print_error(problem);
        return exit_usage;
    }
    const std::string site = a.get("--output");
    struct stat st {};
    bool created = false;  // a write that fails removes the directory it created
    if (::stat(site.c_str(), &st) != 0) {
        created = true;
        if (::mkdir(site.c_str(), 0777) != 0) {
            cli::print_error("cannot create " + site + ": " + std::strerror(errno));
            return exit_usage;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        cli::print_error(site + ": not a directory");
        return exit_usage;
    }
    const auto machines = history::machine_trends(h.entries, cfg, history::TrendSeries::both);
    const std::string generated = history::format_time(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    const std::string html = report::dashboard_html(dashboard_data(machines, a.get("--title", "benchgate dashboard"), generated));
    const std::string path = site + "/index.html";
    if (std::string problem = write_file_atomic(path, html); !problem.empty()) {
        if (created) ::rmdir(site.c_str());  // only when still empty: nothing of anyone else's goes
        cli::print_error(problem);
        return exit_usage;
    }
    std::size_t series = 0;
    for (const auto& m : machines) series += m.rows.size();
    std::printf("wrote %s: %zu chart(s) of %zu run(s) on %zu machine(s), %.1f KiB\n", path.c_str(), series,
                h.entries.size(), machines.size(), static_cast<double>(html.size()) / 1024.0);
    return exit_ok;
}

}  // namespace benchgate::detail::tool
