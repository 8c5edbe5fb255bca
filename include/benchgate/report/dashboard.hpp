// benchgate: the dashboard page. One self-contained HTML file that charts every benchmark's
// history, grouped by machine: the median per run with its 95% interval, the verdict of each
// run against the one before, the level changes found in the history, a filter, a summary
// table of the latest verdicts and trends, and the list of slowdowns. A second view
// (#view=machines, with two machines or more) puts the machines side by side from the same
// data: per benchmark each machine's latest value and its ratio to a reference machine chosen
// in the page, and one chart with every machine's series overlaid.
//
// Everything is inline (style, script, data), so the page opens offline from file:// and
// loads nothing: no URL of any kind is written. The data goes into one
// <script type="application/json"> element in a compact form (per machine one runs array;
// per benchmark arrays of numbers rounded to 4 significant digits) and the script reads it
// with JSON.parse. Every string of the data reaches the page through textContent only, and
// the JSON escapes '<', '>', '&', U+2028 and U+2029, so no name can end the script element;
// invalid UTF-8 becomes U+FFFD. Charts are SVG, drawn when they scroll into view.
//
// Call dashboard_html(data) and write the string to SITE/index.html.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "../detail/utf8.hpp"

namespace benchgate::report {

// One run of the bench suite on a machine.
struct DashboardRun {
    std::string date;    // ISO 8601 UTC: "2026-11-28T04:00:00Z"
    std::string commit;  // may be ""
};

// One benchmark's result in one run, in nanoseconds per iteration (or the series' unit).
struct DashboardPoint {
    std::size_t run = 0;  // index into DashboardMachine::runs
    double value = std::numeric_limits<double>::quiet_NaN();  // the median
    double lower = std::numeric_limits<double>::quiet_NaN();  // its 95% interval
    double upper = std::numeric_limits<double>::quiet_NaN();
    // The verdict of this run against the previous one: "STABLE", "REGRESSION", "IMPROVED",
    // "WARN", "NOISY", "FAILED", or "" (any other text is shown as it is, uncoloured).
    std::string status;
};

// A level change in the history: the series moved from `before` to `after` at `point`.
struct DashboardChange {
    std::size_t point = 0;  // index into DashboardSeries::points: the first point of the new level
    double before = std::numeric_limits<double>::quiet_NaN();
    double after = std::numeric_limits<double>::quiet_NaN();
    double factor = std::numeric_limits<double>::quiet_NaN();  // after / before: > 1 is slower
};

// One benchmark's history on one machine. Points are in run order.
struct DashboardSeries {
    std::string name;
    std::string unit = "ns";  // "ns" is shown as ns/µs/ms/s; any other unit with an SI prefix
    std::vector<DashboardPoint> points;
    std::vector<DashboardChange> changes;
    std::string latest_status;  // the verdict of the newest run against the one before
    double latest = std::numeric_limits<double>::quiet_NaN();
    double mean7 = std::numeric_limits<double>::quiet_NaN();   // mean of the last 7 days
    double mean30 = std::numeric_limits<double>::quiet_NaN();  // mean of the last 30 days
    double drift = std::numeric_limits<double>::quiet_NaN();   // mean7 / mean30 - 1
    std::string trend;  // free text, shown as it is: "stable", "step slower", "drifting faster"
};

struct DashboardMachine {
    std::string id;           // 8 hex digits
    std::string fingerprint;  // "cpu · 2 cores · g++ 12 · release": the section's heading
    std::vector<DashboardRun> runs;  // oldest first
    std::vector<DashboardSeries> series;
};

struct DashboardData {
    std::string title = "benchgate dashboard";
    std::string generated;  // ISO 8601 UTC
    std::vector<DashboardMachine> machines;
};

// Appends `s` as a JSON string literal that is safe inside a <script> element: '<', '>' and
// '&' are written as \u003c, \u003e, \u0026 (so neither "</script" nor "<!--" can appear),
// U+2028 and U+2029 as escapes, control characters escaped, invalid UTF-8 as \ufffd.
inline void script_json_string(std::string& out, std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        std::size_t skip = 1;
        const std::size_t n = detail::utf8_sequence(s, i, skip);
        if (n == 0) {
            out += "\\ufffd";
            i += skip;
            continue;
        }
        if (n > 1) {
            if (n == 3 && s[i] == '\xE2' && s[i + 1] == '\x80' && (s[i + 2] == '\xA8' || s[i + 2] == '\xA9'))
                out += s[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
            else
                out.append(s.data() + i, n);
            i += n;
            continue;
        }
        const unsigned char c = static_cast<unsigned char>(s[i++]);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&') {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

// Text for an HTML element or a quoted attribute: valid UTF-8 (U+FFFD for bad bytes), the
// five markup characters as entities, control characters as spaces.
inline std::string html_text(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t skip = 1;
        const std::size_t n = detail::utf8_sequence(s, i, skip);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            i += skip;
            continue;
        }
        if (n > 1) {
            out.append(s.data() + i, n);
            i += n;
            continue;
        }
        const unsigned char c = static_cast<unsigned char>(s[i++]);
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c < 0x20 || c == 0x7f ? ' ' : static_cast<char>(c);
        }
    }
    return out;
}

// A number rounded to `digits` significant digits, in its shortest JSON form ("131.8",
// "125300", "1.234e+09"); null when not finite. What keeps the page small.
inline void compact_number(std::string& out, double v, int digits = 4) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
    double rounded = v;
    std::from_chars(buf, r.ptr, rounded);
    r = std::to_chars(buf, buf + sizeof buf, rounded);
    out.append(buf, r.ptr);
}

// The page's data as JSON (what dashboard_html embeds). Its shape, read by the page's script:
//   {"title", "generated", "statuses": [every status text; index 0 is ""],
//    "machines": [{"id", "fingerprint", "runs": [[date, commit], ...],
//      "series": [{"name", "unit" (absent: "ns"),
//        "r0": run of the first point, when the points are consecutive runs (absent: 0),
//        "run": [run of each point] (instead of r0, when they are not),
//        "v", "lo", "hi": [median, lower, upper of each point] (null: no value),
//        "s": [status index of each point] (absent: all ""),
//        "c": [[point, before, after, factor], ...] (absent: none),
//        "ls": latest status index, "l", "m7", "m30", "d": latest, means, drift, "t": trend}]}]}
inline std::string dashboard_json(const DashboardData& data) {
    std::vector<std::string_view> statuses = {"", "STABLE", "REGRESSION", "IMPROVED", "WARN", "NOISY", "FAILED"};
    std::map<std::string_view, std::size_t> status_index;
    for (std::size_t i = 0; i < statuses.size(); ++i) status_index[statuses[i]] = i;
    auto status_of = [&](const std::string& s) {
        const auto it = status_index.find(s);
        if (it != status_index.end()) return it->second;
        statuses.push_back(s);
        return status_index[s] = statuses.size() - 1;
    };
    auto numbers = [](std::string& out, const char* key, const std::vector<DashboardPoint>& points, double DashboardPoint::*field) {
        out += key;
        out += '[';
        for (std::size_t i = 0; i < points.size(); ++i) {
            if (i) out += ',';
            compact_number(out, points[i].*field);
        }
        out += ']';
    };
    std::string out = "{\"title\":";
    script_json_string(out, data.title);
    out += ",\"generated\":";
    script_json_string(out, data.generated);
    out += ",\n\"machines\":[";
    for (std::size_t mi = 0; mi < data.machines.size(); ++mi) {
        const DashboardMachine& m = data.machines[mi];
        out += mi ? ",\n{\"id\":" : "\n{\"id\":";
        script_json_string(out, m.id);
        out += ",\"fingerprint\":";
        script_json_string(out, m.fingerprint);
        out += ",\"runs\":[";
        for (std::size_t r = 0; r < m.runs.size(); ++r) {
            out += r ? ",[" : "[";
            script_json_string(out, m.runs[r].date);
            out += ',';
            script_json_string(out, m.runs[r].commit);
            out += ']';
        }
        out += "],\"series\":[";
        for (std::size_t si = 0; si < m.series.size(); ++si) {
            const DashboardSeries& s = m.series[si];
            const auto& p = s.points;
            out += si ? ",\n{\"name\":" : "\n{\"name\":";
            script_json_string(out, s.name);
            if (s.unit != "ns") {
                out += ",\"unit\":";
                script_json_string(out, s.unit);
            }
            bool consecutive = true;
            for (std::size_t i = 1; i < p.size() && consecutive; ++i) consecutive = p[i].run == p[0].run + i;
            if (!consecutive) {
                out += ",\"run\":[";
                for (std::size_t i = 0; i < p.size(); ++i) out += (i ? "," : "") + std::to_string(p[i].run);
                out += ']';
            } else if (!p.empty() && p[0].run != 0) {
                out += ",\"r0\":" + std::to_string(p[0].run);
            }
            numbers(out, ",\"v\":", p, &DashboardPoint::value);
            numbers(out, ",\"lo\":", p, &DashboardPoint::lower);
            numbers(out, ",\"hi\":", p, &DashboardPoint::upper);
            bool any_status = false;
            for (const auto& q : p) any_status = any_status || !q.status.empty();
            if (any_status) {
                out += ",\"s\":[";
                for (std::size_t i = 0; i < p.size(); ++i) out += (i ? "," : "") + std::to_string(status_of(p[i].status));
                out += ']';
            }
            if (!s.changes.empty()) {
                out += ",\"c\":[";
                for (std::size_t i = 0; i < s.changes.size(); ++i) {
                    const DashboardChange& c = s.changes[i];
                    out += (i ? ",[" : "[") + std::to_string(c.point) + ',';
                    compact_number(out, c.before);
                    out += ',';
                    compact_number(out, c.after);
                    out += ',';
                    compact_number(out, c.factor);
                    out += ']';
                }
                out += ']';
            }
            out += ",\"ls\":" + std::to_string(status_of(s.latest_status));
            out += ",\"l\":";
            compact_number(out, s.latest);
            out += ",\"m7\":";
            compact_number(out, s.mean7);
            out += ",\"m30\":";
            compact_number(out, s.mean30);
            out += ",\"d\":";
            compact_number(out, s.drift);
            out += ",\"t\":";
            script_json_string(out, s.trend);
            out += '}';
        }
        out += "]}";
    }
    out += "],\n\"statuses\":[";
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        if (i) out += ',';
        script_json_string(out, statuses[i]);
    }
    out += "]}";
    return out;
}

namespace dashboard_page {

// The style sheet: a light theme, small multiples in a grid.
inline constexpr std::string_view style = R"BGCSS(
:root{--bg:#f5f6f8;--card:#fff;--ink:#1c2430;--muted:#6a7382;--faint:#98a1ad;--line:#e3e6eb;--grid:#eef0f3;
--accent:#2f6fde;--band:rgba(47,111,222,.14);--reg:#d93025;--imp:#188038;--warn:#c77700;--noisy:#8a63d2;--fail:#7a1f1f;
--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;scroll-padding-top:72px}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif;font-variant-numeric:tabular-nums}
[hidden]{display:none!important}
.wrap{max-width:1480px;margin:0 auto;padding:0 24px}
header.top{background:var(--card);border-bottom:1px solid var(--line)}
header.top .wrap{padding-top:18px;padding-bottom:14px;display:flex;flex-wrap:wrap;align-items:flex-end;gap:10px 24px}
h1{margin:0;font-size:22px;font-weight:650;letter-spacing:-.01em}
.meta{color:var(--muted);font-size:13px;margin-top:2px}
.bar{position:sticky;top:0;z-index:5;background:rgba(245,246,248,.92);backdrop-filter:blur(6px);border-bottom:1px solid var(--line)}
.bar .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:10px 18px;padding-top:10px;padding-bottom:10px}
#filter{font:inherit;width:320px;max-width:100%;padding:7px 11px;border:1px solid #cfd4db;border-radius:7px;background:#fff;color:var(--ink);outline:none}
#filter:focus{border-color:var(--accent);box-shadow:0 0 0 3px rgba(47,111,222,.15)}
#count{color:var(--muted);font-size:13px;min-width:150px}
.nav{display:flex;gap:6px;flex-wrap:wrap;margin-left:auto}
.nav a{color:var(--ink);text-decoration:none;font-size:12.5px;padding:3px 9px;border:1px solid var(--line);border-radius:999px;background:#fff;max-width:320px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.nav a:hover{border-color:var(--accent);color:var(--accent)}
.legend{margin-left:auto;display:flex;gap:14px;color:var(--muted);font-size:12px;align-items:center;flex-wrap:wrap;padding-bottom:2px}
.legend span{display:inline-flex;align-items:center;gap:5px}
.sw{display:inline-block;width:16px;height:9px;border-radius:2px}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%}
section.machine{margin:26px 0 36px}
.mhead{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 14px;margin-bottom:12px}
h2{margin:0;font-size:18px;font-weight:650;overflow-wrap:anywhere}
.mmeta{color:var(--muted);font-size:13px}
.chips{display:flex;gap:6px;flex-wrap:wrap;align-items:center;margin:0 0 14px}
.chip{font-size:12px;padding:2px 9px;border-radius:999px;background:#fff;border:1px solid var(--line);color:var(--muted)}
.chip b{font-weight:650}
.chip.reg{color:var(--reg);border-color:rgba(217,48,37,.35);background:#fdf1f0}
.chip.imp{color:var(--imp);border-color:rgba(24,128,56,.3);background:#eff8f1}
.chip.warn{color:var(--warn);border-color:rgba(199,119,0,.35);background:#fdf6ea}
.chip.fail{color:var(--fail);border-color:rgba(122,31,31,.35);background:#f8eeee}
.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;margin:0 0 16px;overflow:hidden}
.panel>h3{margin:0;font-size:13px;font-weight:650;padding:9px 14px;border-bottom:1px solid var(--line);display:flex;gap:8px;align-items:baseline}
.panel>h3 .n{color:var(--muted);font-weight:400}
.scroll{max-height:268px;overflow:auto}
.scroll.tall{max-height:560px;content-visibility:auto;contain-intrinsic-size:auto 560px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:5px 12px;text-align:right;white-space:nowrap;border-bottom:1px solid var(--grid)}
th{position:sticky;top:0;background:#fafbfc;color:var(--muted);font-weight:600;font-size:12px;z-index:1;border-bottom:1px solid var(--line)}
th:first-child,td:first-child,th.text,td.text{text-align:left}
td.name{font-family:var(--mono);font-size:12.5px;max-width:46ch;overflow:hidden;text-overflow:ellipsis}
td.name a{cursor:pointer}
td.name a:hover{color:var(--accent);text-decoration:underline}
td.text{text-align:left;color:var(--muted)}
tbody tr:hover{background:#f7f9fc}
tbody tr:last-child td{border-bottom:0}
td .badge{vertical-align:middle}
th.sort{cursor:pointer;user-select:none}
th.sort:hover{color:var(--ink)}
th[aria-sort=ascending]::after{content:" \25B2";font-size:9px}
th[aria-sort=descending]::after{content:" \25BC";font-size:9px}
.up{color:var(--reg)}.down{color:var(--imp)}
.fx{font-weight:650;color:var(--reg)}
.fx small{color:var(--faint);font-weight:400;margin-left:4px}
.commit{font-family:var(--mono);font-size:12px;color:var(--muted)}
.none{padding:10px 14px;color:var(--muted);font-size:13px}
.badge{display:inline-block;font-size:10.5px;font-weight:650;letter-spacing:.03em;padding:1px 7px;border-radius:999px;background:#eef1f5;color:var(--muted);white-space:nowrap;max-width:16ch;overflow:hidden;text-overflow:ellipsis;vertical-align:1px}
.badge:empty{display:none}
.badge.reg{background:var(--reg);color:#fff}
.badge.imp{background:var(--imp);color:#fff}
.badge.warn{background:#fbe7c6;color:#8a5300}
.badge.noisy{background:#ece5f8;color:#5d3f9c}
.badge.fail{background:var(--fail);color:#fff}
.badge.stable{background:none;color:var(--faint);padding:1px 2px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:14px;margin-bottom:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:11px 12px 6px;content-visibility:auto;contain-intrinsic-size:auto 236px;transition:box-shadow .2s,border-color .2s}
.card:hover{border-color:#cfd5de;box-shadow:0 2px 10px rgba(20,30,50,.06)}
.card.flash{border-color:var(--accent);box-shadow:0 0 0 3px rgba(47,111,222,.25)}
.card.is-reg{border-top:3px solid var(--reg);padding-top:9px}
.card.is-imp{border-top:3px solid var(--imp);padding-top:9px}
.chead{display:flex;align-items:center;gap:8px;min-width:0}
.card .name{flex:1;min-width:0;font-family:var(--mono);font-size:12.5px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.csub{display:flex;align-items:baseline;gap:8px;margin:1px 0 2px;min-width:0}
.latest{font-size:19px;font-weight:650;letter-spacing:-.01em;white-space:nowrap}
.trend{color:var(--muted);font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
.trend.up{color:var(--reg)}.trend.down{color:var(--imp)}
svg.chart{display:block;width:100%;height:160px;overflow:visible}
.chart text{font-size:10.5px;fill:var(--faint);font-family:inherit}
.chart .gl{stroke:var(--grid);stroke-width:1}
.chart .ax{stroke:#d5d9df;stroke-width:1}
.chart .band{fill:var(--band);stroke:none}
.chart .med{fill:none;stroke:var(--accent);stroke-width:1.6;stroke-linejoin:round;stroke-linecap:round}
.chart .pt{fill:var(--accent)}
.chart .pt.reg{fill:var(--reg)}.chart .pt.imp{fill:var(--imp)}.chart .pt.warn{fill:var(--warn)}.chart .pt.noisy{fill:var(--noisy)}
.chart .pt.big{stroke:#fff;stroke-width:1.5}
.chart .fail{stroke:var(--fail);stroke-width:1.8}
.chart .chg{stroke-width:1.2;stroke-dasharray:3 3}
.chart .chg.slower{stroke:var(--reg)}.chart .chg.faster{stroke:var(--imp)}
.chart .lvl{stroke-width:1;stroke-dasharray:1 3;opacity:.9}
.chart .lvl.slower{stroke:var(--reg)}.chart .lvl.faster{stroke:var(--imp)}
.chart .tag rect{rx:3}
.chart .tag.slower rect{fill:var(--reg)}.chart .tag.faster rect{fill:var(--imp)}
.chart .tag text{fill:#fff;font-weight:650;font-size:10px}
.chart .cross{stroke:#b9c0ca;stroke-width:1;stroke-dasharray:2 2;pointer-events:none}
.chart .focus,.chart .tag{pointer-events:none}
.chart .focus{fill:#fff;stroke:var(--accent);stroke-width:2}
.chart .focus.reg{stroke:var(--reg)}.chart .focus.imp{stroke:var(--imp)}.chart .focus.warn{stroke:var(--warn)}.chart .focus.noisy{stroke:var(--noisy)}
.chart .empty{font-size:12px;fill:var(--muted)}
.tip{position:fixed;z-index:20;pointer-events:none;background:#fff;border:1px solid #d6dbe2;border-radius:8px;box-shadow:0 6px 24px rgba(20,30,50,.16);padding:8px 10px;font-size:12.5px;max-width:400px;min-width:200px}
.tip .tn{font-family:var(--mono);font-size:11.5px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;margin-bottom:4px}
.tip .tv{font-size:17px;font-weight:650;display:flex;align-items:center;gap:8px}
.tip .tr{color:var(--muted);display:flex;gap:10px;justify-content:space-between}
.tip .tr b{color:var(--ink);font-weight:500;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:300px}
.tip .tr b.commit{font-size:11px}
.tip .tr b.up{color:var(--reg)}.tip .tr b.down{color:var(--imp)}
.tip .tc{margin-top:4px;padding-top:4px;border-top:1px solid var(--grid);font-weight:600}
.tip .tc.slower{color:var(--reg)}.tip .tc.faster{color:var(--imp)}
.views{display:inline-flex;border:1px solid #cfd4db;border-radius:7px;overflow:hidden;background:#fff}
.views button{font:inherit;font-size:12.5px;border:0;background:none;color:var(--ink);padding:6px 11px;cursor:pointer}
.views button+button{border-left:1px solid #cfd4db}
.views button[aria-pressed=true]{background:var(--accent);color:#fff}
.panel>h3 select{font:inherit;font-weight:400;font-size:12.5px;margin-left:auto;max-width:60%;padding:2px 6px;border:1px solid #cfd4db;border-radius:6px;background:#fff;color:var(--ink)}
.sw.m{width:12px;height:12px;border-radius:3px;vertical-align:-1px}
td.cv small{display:block;color:var(--muted);font-size:11.5px}
td.cv small.up{color:var(--reg)}td.cv small.down{color:var(--imp)}
td.cv.ref{background:#f7f9fc}
td.miss{color:var(--faint)}
.ckeys{display:flex;flex-wrap:wrap;gap:2px 12px;font-size:12px;color:var(--muted);margin:2px 0 4px;min-height:18px}
.ckeys span{display:inline-flex;align-items:center;gap:4px;white-space:nowrap}
.ckeys b{color:var(--ink);font-weight:600}
.chart .mline{fill:none;stroke-width:1.6;stroke-linejoin:round;stroke-linecap:round}
footer{color:var(--faint);font-size:12px;padding:10px 0 28px}
noscript p{background:#fff3cd;border:1px solid #e9d48b;padding:10px 14px;border-radius:8px}
@media (max-width:700px){.wrap{padding:0 12px}.legend{margin-left:0}.nav{display:none}.grid{grid-template-columns:1fr}}
)BGCSS";

// The script: reads the data, builds the sections, draws the charts as they come into view.
// It holds no "//" (comments are /* */) and reaches no URL.
inline constexpr std::string_view script = R"BGJS(
(function () {
'use strict';
const T = {start: performance.now()};
const D = JSON.parse(document.getElementById('data').textContent);
T.parsed = performance.now();
const ST = D.statuses || [''];
const TPL = document.getElementById('card-template').content.firstElementChild;
const SVGNS = TPL.querySelector('svg').namespaceURI;
/* Without a prototype: a status named "constructor" or "__proto__" finds nothing here. */
const CLS = Object.assign(Object.create(null), {REGRESSION: 'reg', IMPROVED: 'imp', WARN: 'warn', NOISY: 'noisy', FAILED: 'fail', STABLE: 'stable'});
const SEVERITY = Object.assign(Object.create(null), {REGRESSION: 0, FAILED: 1, WARN: 2, NOISY: 3, IMPROVED: 4, STABLE: 5});
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}
function sv(tag, attrs, parent) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}
const fin = (v) => typeof v === 'number' && isFinite(v);
const p2 = (n) => (n < 10 ? '0' : '') + n;

/* Numbers: time in ns with a unit chosen per value, other units with an SI prefix. */
function scaleOf(v, unit) {
  const a = Math.abs(v);
  if (unit === 'ns') return a >= 1e9 ? [1e9, 's'] : a >= 1e6 ? [1e6, 'ms'] : a >= 1e3 ? [1e3, '\u00b5s'] : [1, 'ns'];
  const u = unit ? ' ' + unit : '';
  return a >= 1e12 ? [1e12, ' T' + unit] : a >= 1e9 ? [1e9, ' G' + unit] : a >= 1e6 ? [1e6, ' M' + unit] : a >= 1e3 ? [1e3, ' k' + unit] : [1, u];
}
function digits(x) { const a = Math.abs(x); return a >= 100 ? 1 : a >= 10 ? 2 : 3; }
function fmt(v, unit) {
  if (!fin(v)) return '\u2013';
  const [f, u] = scaleOf(v, unit);
  return (v / f).toFixed(digits(v / f)) + (unit === 'ns' ? ' ' : '') + u;
}
function pct(x, d) {
  if (!fin(x)) return '\u2013';
  const s = (x * 100).toFixed(d === undefined ? 1 : d);
  return (x > 0 && Number(s) !== 0 ? '+' : '') + s + '%';
}
function factorLabel(f) {
  const x = (f - 1) * 100;
  return (x > 0 ? '+' : '') + (Math.abs(x) >= 10 ? x.toFixed(0) : x.toFixed(1)) + '%';
}

/* Dates: ISO 8601, shown in UTC; text that is no date is shown as it is. */
function when(s) { const t = Date.parse(s); return isNaN(t) ? null : new Date(t); }
function fullDate(s) {
  const d = when(s);
  if (!d) return s || '\u2013';
  return d.getUTCFullYear() + '-' + p2(d.getUTCMonth() + 1) + '-' + p2(d.getUTCDate()) + ' ' + p2(d.getUTCHours()) + ':' + p2(d.getUTCMinutes()) + ' UTC';
}
function dayDate(s) { const d = when(s); return d ? MON[d.getUTCMonth()] + ' ' + d.getUTCDate() : (s || '').slice(0, 10); }
function shortLabel(s, hours) {
  const d = when(s);
  if (!d) return (s || '').slice(0, 10);
  return hours ? p2(d.getUTCHours()) + ':' + p2(d.getUTCMinutes()) : MON[d.getUTCMonth()] + ' ' + d.getUTCDate();
}
function dateRange(runs) {
  if (!runs.length) return 'no runs';
  const a = when(runs[0][0]), b = when(runs[runs.length - 1][0]);
  if (!a || !b) return dayDate(runs[0][0]) + ' \u2013 ' + dayDate(runs[runs.length - 1][0]);
  return dayDate(runs[0][0]) + (a.getUTCFullYear() !== b.getUTCFullYear() ? ' ' + a.getUTCFullYear() : '') + ' \u2013 ' + dayDate(runs[runs.length - 1][0]) + ', ' + b.getUTCFullYear();
}
const statusText = (i) => ST[i] || '';
const badge = (status) => el('span', 'badge ' + (CLS[status] || ''), status);
/* A control made of a plain element: focusable, and Enter or Space acts like a click. */
function clickable(e, fn) {
  e.tabIndex = 0;
  e.addEventListener('click', fn);
  e.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); fn(); } });
  return e;
}
function trendClass(t) { return /slower|regress/i.test(t) ? 'up' : /faster|improv/i.test(t) ? 'down' : ''; }

/* The model: one item per chart, with the elements that show it. */
const items = [];
const machines = [];
document.title = D.title || 'benchgate dashboard';
document.getElementById('title').textContent = D.title || 'benchgate dashboard';
const app = document.getElementById('app');
const nav = document.getElementById('nav');
let totalRuns = 0;

D.machines.forEach((m, mi) => {
  const M = {m, items: [], section: el('section', 'machine')};
  machines.push(M);
  totalRuns += m.runs.length;
  M.runs = m.runs;
  M.hours = m.runs.length > 1 && when(m.runs[0][0]) && when(m.runs[m.runs.length - 1][0]) &&
    (when(m.runs[m.runs.length - 1][0]) - when(m.runs[0][0])) < 2 * 86400e3;
  const sec = M.section;
  sec.id = 'machine-' + mi;
  const head = el('div', 'mhead');
  const label = m.fingerprint || 'machine ' + (m.id || mi + 1);
  head.appendChild(el('h2', '', label));
  M.meta = el('span', 'mmeta');
  head.appendChild(M.meta);
  sec.appendChild(head);
  const link = el('a', '', label);
  link.href = '#machine-' + mi;
  link.title = m.fingerprint || '';
  nav.appendChild(link);

  const latest = new Map();
  const regs = [];
  m.series.forEach((s, si) => {
    const it = {s, m: M, name: String(s.name), drawn: false, shown: true, regRows: []};
    it.lname = it.name.toLowerCase();
    it.unit = s.unit || 'ns';
    it.n = (s.v || []).length;
    it.run = (i) => (s.run ? s.run[i] : (s.r0 || 0) + i);
    it.latestStatus = statusText(s.ls);
    latest.set(it.latestStatus, (latest.get(it.latestStatus) || 0) + 1);
    for (const c of s.c || []) if (fin(c[3]) && c[3] > 1 && c[0] < it.n) regs.push({it, c, run: it.run(c[0])});
    items.push(it);
    M.items.push(it);
  });

  app.appendChild(sec);
  /* The rest of the section (chips, slowdowns, charts, table) is built when the per-machine
     view is first shown: a page opened in the machines view does not pay for it. */
  M.build = () => {
    /* Latest verdicts at a glance. */
    const chips = el('div', 'chips');
    const order = [...latest.keys()].sort((a, b) => (SEVERITY[a] ?? 2.5) - (SEVERITY[b] ?? 2.5));
    for (const k of order) {
      const c = el('span', 'chip ' + (CLS[k] || ''));
      c.appendChild(el('b', '', String(latest.get(k))));
      c.appendChild(document.createTextNode(' ' + (k ? k.toLowerCase() : 'no verdict')));
      chips.appendChild(c);
    }
    if (order.length) {
      const lead = el('span', 'chip', 'latest run:');
      lead.style.border = '0';
      lead.style.background = 'none';
      chips.insertBefore(lead, chips.firstChild);
    }
    sec.appendChild(chips);
    if (!M.items.length) sec.appendChild(el('div', 'none', 'No benchmark recorded on this machine.'));

    /* Every slowdown found in the history, newest first. */
    const rp = el('div', 'panel regressions');
    const rh = el('h3', '', 'Slowdowns in the history');
    M.regCount = el('span', 'n');
    rh.appendChild(M.regCount);
    rp.appendChild(rh);
    M.regs = regs;
    if (regs.length) {
      regs.sort((a, b) => b.run - a.run || b.c[3] - a.c[3]);
      const sc = el('div', 'scroll');
      const t = el('table');
      const hr = el('tr');
      for (const h of ['Benchmark', 'Date', 'Commit', 'Change', 'Before', 'After']) hr.appendChild(el('th', h === 'Date' || h === 'Commit' ? 'text' : '', h));
      t.appendChild(el('thead')).appendChild(hr);
      const tb = el('tbody');
      for (const r of regs) {
        const tr = el('tr');
        const nm = el('td', 'name');
        const a = el('a', '', r.it.name);
        a.title = r.it.name;
        clickable(a, () => reveal(r.it));
        nm.appendChild(a);
        tr.appendChild(nm);
        const run = M.runs[r.run] || ['', ''];
        tr.appendChild(el('td', 'text', fullDate(run[0])));
        const cm = el('td', 'text commit', (run[1] || '\u2013').slice(0, 12));
        cm.title = run[1] || '';
        tr.appendChild(cm);
        const fx = el('td', 'fx', factorLabel(r.c[3]));
        fx.appendChild(el('small', '', '\u00d7' + r.c[3].toFixed(3)));
        tr.appendChild(fx);
        tr.appendChild(el('td', '', fmt(r.c[1], r.it.unit)));
        tr.appendChild(el('td', '', fmt(r.c[2], r.it.unit)));
        tb.appendChild(tr);
        r.it.regRows.push(tr);
        r.row = tr;
      }
      t.appendChild(tb);
      sc.appendChild(t);
      rp.appendChild(sc);
    } else {
      rp.appendChild(el('div', 'none', 'No level change to a slower time in this history.'));
    }
    if (M.items.length) sec.appendChild(rp);

    /* The charts. */
    const grid = el('div', 'grid');
    for (const it of M.items) {
      const card = TPL.cloneNode(true);
      it.card = card;
      card.__item = it;
      const name = card.querySelector('.name');
      name.textContent = it.name;
      name.title = it.name;
      const b = card.querySelector('.badge');
      b.textContent = it.latestStatus;
      b.className = 'badge ' + (CLS[it.latestStatus] || '');
      if (it.latestStatus === 'REGRESSION') card.classList.add('is-reg');
      if (it.latestStatus === 'IMPROVED') card.classList.add('is-imp');
      card.querySelector('.latest').textContent = fmt(it.s.l, it.unit);
      const tr = card.querySelector('.trend');
      const parts = [];
      if (it.s.t) parts.push(it.s.t);
      if (fin(it.s.d)) parts.push('drift ' + pct(it.s.d));
      tr.textContent = parts.join(' \u00b7 ');
      tr.className = 'trend ' + trendClass(it.s.t || '');
      it.svg = card.querySelector('svg');
      grid.appendChild(card);
    }
    M.none = el('div', 'none', 'No benchmark on this machine matches the filter.');
    M.none.hidden = true;
    sec.appendChild(M.none);
    sec.appendChild(grid);

    /* The summary table, sortable by any column. */
    const tp = el('div', 'panel summary');
    const th3 = el('h3', '', 'Latest verdicts and trends');
    M.tableCount = el('span', 'n');
    th3.appendChild(M.tableCount);
    tp.appendChild(th3);
    const sc = el('div', 'scroll tall');
    const t = el('table');
    const cols = [
      ['Benchmark', (it) => it.lname, true],
      ['Latest', (it) => it.s.l], ['7-day mean', (it) => it.s.m7], ['30-day mean', (it) => it.s.m30],
      ['Drift', (it) => it.s.d], ['Trend', (it) => (it.s.t || '').toLowerCase(), true],
      ['Latest status', (it) => SEVERITY[it.latestStatus] ?? 2.5]];
    const hr = el('tr');
    const tb = el('tbody');
    cols.forEach((c, ci) => {
      const h = el('th', 'sort' + (ci === 5 ? ' text' : ''), c[0]);
      sortable(h, hr, tb, M.items, c[1]);
      hr.appendChild(h);
    });
    t.appendChild(el('thead')).appendChild(hr);
    for (const it of M.items) {
      const tr = el('tr');
      const nm = el('td', 'name');
      const a = el('a', '', it.name);
      a.title = it.name;
      clickable(a, () => reveal(it));
      nm.appendChild(a);
      tr.appendChild(nm);
      tr.appendChild(el('td', '', fmt(it.s.l, it.unit)));
      tr.appendChild(el('td', '', fmt(it.s.m7, it.unit)));
      tr.appendChild(el('td', '', fmt(it.s.m30, it.unit)));
      tr.appendChild(el('td', fin(it.s.d) ? (it.s.d > 0.02 ? 'up' : it.s.d < -0.02 ? 'down' : '') : '', pct(it.s.d)));
      tr.appendChild(el('td', 'text ' + trendClass(it.s.t || ''), it.s.t || ''));
      const st = el('td');
      st.appendChild(badge(it.latestStatus));
      tr.appendChild(st);
      tb.appendChild(tr);
      it.row = tr;
    }
    t.appendChild(tb);
    sc.appendChild(t);
    /* Laid out only when near the viewport (a long table is most of a page's layout work). */
    sc.style.containIntrinsicSize = 'auto ' + Math.min(560, 34 + 29 * M.items.length) + 'px';
    tp.appendChild(sc);
    if (M.items.length) sec.appendChild(tp);
  };
});
T.built = performance.now();

const nSeries = items.length;
document.getElementById('meta').textContent =
  (D.generated ? 'generated ' + fullDate(D.generated) + ' \u00b7 ' : '') + D.machines.length + ' machine' + (D.machines.length === 1 ? '' : 's') +
  ' \u00b7 ' + nSeries + ' benchmark' + (nSeries === 1 ? '' : 's') + ' \u00b7 ' + totalRuns + ' run' + (totalRuns === 1 ? '' : 's');
if (machines.length < 2) nav.hidden = true;

/* Charts. */
const H = 160, PL = 54, PR = 10, PT = 18, PB = 22;
/* Header cell h (in header row hr) sorts the table body tb: a click orders `items` by key(item),
   ascending then descending, missing values (null, NaN, infinite) last, and re-appends each
   item's row. Returns h. */
function sortable(h, hr, tb, items, key) {
  return clickable(h, () => {
    const dir = h.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    for (const o of hr.children) o.removeAttribute('aria-sort');
    h.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
    const rows = items.slice();
    rows.sort((a, b) => {
      const x = key(a), y = key(b);
      const xm = x === null || x === undefined || (typeof x === 'number' && !isFinite(x));
      const ym = y === null || y === undefined || (typeof y === 'number' && !isFinite(y));
      if (xm || ym) return xm - ym;
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    for (const r of rows) tb.appendChild(r.row);
  });
}
function niceStep(span, n) {
  const raw = span / n, p = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / p;
  return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * p;
}
/* The value axis of a chart from ymin to ymax (in `unit`), W wide and ph high: at least 10% of
   the level in view, so a steady benchmark's noise is not drawn as a crisis; grid lines at round
   steps, labelled; the base line. Returns the map from a value to its y. */
function valueAxis(svg, ymin, ymax, unit, W, ph) {
  const mid = (ymin + ymax) / 2;
  const span = Math.max(ymax - ymin, Math.abs(mid) * 0.1, 1e-12);
  const y0 = Math.max(mid - span * 0.58, ymin >= 0 ? 0 : -Infinity), y1 = y0 + span * 1.16;
  const step = niceStep(y1 - y0, 3);
  const Y = (val) => PT + ph - (val - y0) / (y1 - y0) * ph;
  const [f, u] = scaleOf(Math.max(Math.abs(y0), Math.abs(y1)), unit);
  const dec = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / f) + 1e-9)));
  for (let t = Math.ceil(y0 / step) * step, k = 0; t <= y1 + step * 1e-6 && k < 12; t += step, k++) {
    const y = Math.round(Y(t)) + 0.5;
    sv('line', {x1: PL, x2: W - PR, y1: y, y2: y, class: 'gl'}, svg);
    const lab = sv('text', {x: PL - 6, y: y + 3.5, 'text-anchor': 'end'}, svg);
    lab.textContent = (t / f).toFixed(dec) + (unit === 'ns' ? ' ' : '') + u;
  }
  sv('line', {x1: PL, x2: W - PR, y1: PT + ph + 0.5, y2: PT + ph + 0.5, class: 'ax'}, svg);
  return Y;
}
function draw(it) {
  it.drawn = true;
  const svg = it.svg, s = it.s, M = it.m;
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const W = Math.max(160, Math.round(svg.getBoundingClientRect().width || 320));
  it.W = W;
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  const pw = W - PL - PR, ph = H - PT - PB;
  const n = it.n, v = s.v || [], lo = s.lo || [], hi = s.hi || [], st = s.s;
  let xmax = Math.max(1, M.runs.length - 1);
  for (let i = 0; i < n; i++) xmax = Math.max(xmax, it.run(i));
  let ymin = Infinity, ymax = -Infinity;
  for (let i = 0; i < n; i++) for (const a of [v[i], lo[i], hi[i]]) if (fin(a)) { if (a < ymin) ymin = a; if (a > ymax) ymax = a; }
  if (!(ymin <= ymax)) {
    const t = sv('text', {x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty'}, svg);
    t.textContent = 'no values';
    it.px = []; it.py = [];
    return;
  }
  const X = (r) => PL + (xmax > 0 ? r / xmax : 0.5) * pw;
  const Y = valueAxis(svg, ymin, ymax, it.unit, W, ph);
  /* Dates under the axis: first and last run and evenly between. */
  const nl = Math.max(2, Math.min(M.runs.length, Math.floor(pw / 72) + 1));
  const seen = new Set();
  for (let k = 0; k < nl; k++) {
    const r = Math.round(k * xmax / (nl - 1));
    if (seen.has(r) || !M.runs[r]) continue;
    seen.add(r);
    const lab = sv('text', {x: X(r), y: H - 6, 'text-anchor': k === 0 ? 'start' : k === nl - 1 ? 'end' : 'middle'}, svg);
    lab.textContent = shortLabel(M.runs[r][0], M.hours);
  }
  /* The 95% interval as a band and the median as a line, broken where a run has no value. */
  let band = '', line = '', up = [], down = [];
  const flush = () => {
    if (up.length) band += 'M' + up.join('L') + 'L' + down.reverse().join('L') + 'Z';
    up = []; down = [];
  };
  let pen = false;
  it.px = new Array(n); it.py = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = X(it.run(i));
    it.px[i] = x;
    if (fin(v[i])) {
      const y = Y(v[i]);
      it.py[i] = y;
      line += (pen ? 'L' : 'M') + x.toFixed(1) + ',' + y.toFixed(1);
      pen = true;
    } else {
      it.py[i] = PT + ph;
      pen = false;
    }
    if (fin(lo[i]) && fin(hi[i])) {
      up.push(x.toFixed(1) + ',' + Y(hi[i]).toFixed(1));
      down.push(x.toFixed(1) + ',' + Y(lo[i]).toFixed(1));
    } else flush();
  }
  flush();
  if (band) sv('path', {d: band, class: 'band'}, svg);
  /* Level changes: a dashed marker between the two runs, the levels before and after, the factor. */
  const changes = (s.c || []).filter((c) => Number.isInteger(c[0]) && c[0] >= 0 && c[0] < n && fin(c[3])).sort((a, b) => a[0] - b[0]);
  const between = (p) => (p > 0 ? (it.px[p - 1] + it.px[p]) / 2 : it.px[p]);
  const inPlot = (val) => fin(val) && Y(val) >= PT && Y(val) <= PT + ph;
  changes.forEach((c, k) => {
    const dir = c[3] > 1 ? 'slower' : 'faster';
    const x = between(c[0]);
    sv('line', {x1: x, x2: x, y1: PT, y2: PT + ph, class: 'chg ' + dir}, svg);
    const xa = k > 0 ? between(changes[k - 1][0]) : PL;
    const xb = k + 1 < changes.length ? between(changes[k + 1][0]) : W - PR;
    if (inPlot(c[1])) sv('line', {x1: xa, x2: x, y1: Y(c[1]), y2: Y(c[1]), class: 'lvl ' + dir}, svg);
    if (inPlot(c[2])) sv('line', {x1: x, x2: xb, y1: Y(c[2]), y2: Y(c[2]), class: 'lvl ' + dir}, svg);
    const g = sv('g', {class: 'tag ' + dir}, svg);
    const label = factorLabel(c[3]);
    const tw = label.length * 6.2 + 8;
    const tx = Math.min(Math.max(x - tw / 2, PL), W - PR - tw);
    sv('rect', {x: tx, y: 1, width: tw, height: 14}, g);
    const t = sv('text', {x: tx + tw / 2, y: 11.5, 'text-anchor': 'middle'}, g);
    t.textContent = label;
  });
  if (line) sv('path', {d: line, class: 'med'}, svg);
  /* Points: small where the verdict is plain, larger and coloured where it is not. */
  const plain = pw / Math.max(1, n) > 5;
  for (let i = 0; i < n; i++) {
    const status = st ? statusText(st[i]) : '';
    const cls = CLS[status];
    if (status === 'FAILED' || !fin(v[i])) {
      if (status !== 'FAILED') continue;
      const x = it.px[i], y = PT + ph - 4;
      sv('path', {d: 'M' + (x - 3.5) + ',' + (y - 3.5) + 'l7,7m0,-7l-7,7', class: 'fail'}, svg);
      continue;
    }
    const special = cls && cls !== 'stable';
    if (!special && !plain) continue;
    sv('circle', {cx: it.px[i].toFixed(1), cy: it.py[i].toFixed(1), r: special ? 3.6 : 2, class: 'pt' + (special ? ' big ' + cls : ''), 'data-point': i}, svg);
  }
  it.cross = sv('line', {x1: 0, x2: 0, y1: PT, y2: PT + ph, class: 'cross', visibility: 'hidden'}, svg);
  it.focus = sv('circle', {cx: 0, cy: 0, r: 4.5, class: 'focus', visibility: 'hidden'}, svg);
  it.PT = PT; it.ph = ph;
}

/* The tooltip: the point nearest the pointer along x. */
const tip = document.getElementById('tip');
function hover(it, e) {
  if (!it.drawn || !it.px || !it.px.length) return;
  const rect = it.svg.getBoundingClientRect();
  const mx = (e.clientX - rect.left) * (it.W / rect.width);
  let best = -1, bd = Infinity;
  for (let i = 0; i < it.px.length; i++) {
    const d = Math.abs(it.px[i] - mx);
    if (d < bd) { bd = d; best = i; }
  }
  if (best < 0 || bd > 40) { unhover(it); return; }
  if (it.hot === best && !tip.hidden) return;
  it.hot = best;
  const s = it.s, i = best, M = it.m;
  const status = s.s ? statusText(s.s[i]) : '';
  const run = M.runs[it.run(i)] || ['', ''];
  it.cross.setAttribute('x1', it.px[i]); it.cross.setAttribute('x2', it.px[i]);
  it.cross.setAttribute('visibility', 'visible');
  it.focus.setAttribute('cx', it.px[i]); it.focus.setAttribute('cy', it.py[i]);
  it.focus.setAttribute('class', 'focus ' + (CLS[status] || ''));
  it.focus.setAttribute('visibility', fin(s.v[i]) ? 'visible' : 'hidden');
  tip.textContent = '';
  tip.appendChild(el('div', 'tn', it.name));
  const tv = el('div', 'tv', fmt(s.v[i], it.unit));
  if (status) tv.appendChild(badge(status));
  tip.appendChild(tv);
  const row = (k, val, cls) => {
    const r = el('div', 'tr');
    r.appendChild(el('span', '', k));
    const b = el('b', cls || '', val);
    r.appendChild(b);
    tip.appendChild(r);
  };
  row('95% interval', fmt(s.lo[i], it.unit) + ' \u2013 ' + fmt(s.hi[i], it.unit));
  for (let j = i - 1; j >= 0; j--) {
    if (!fin(s.v[j]) || !fin(s.v[i])) { if (!fin(s.v[i])) break; continue; }
    const ch = s.v[i] / s.v[j] - 1;
    row('vs. previous run', pct(ch), ch > 0.02 ? 'up' : ch < -0.02 ? 'down' : '');
    break;
  }
  row('date', fullDate(run[0]));
  row('commit', run[1] || '\u2013', 'commit');
  for (const c of s.c || []) {
    if (c[0] !== i || !fin(c[3])) continue;
    tip.appendChild(el('div', 'tc ' + (c[3] > 1 ? 'slower' : 'faster'),
      'level change ' + factorLabel(c[3]) + ': ' + fmt(c[1], it.unit) + ' \u2192 ' + fmt(c[2], it.unit)));
  }
  tip.hidden = false;
  const tw = tip.offsetWidth, th = tip.offsetHeight;
  const px = rect.left + it.px[i] * rect.width / it.W, py = rect.top + it.py[i] * rect.height / H;
  let left = px + 14;
  if (left + tw > window.innerWidth - 8) left = px - tw - 14;
  let top = py - th - 12;
  if (top < 8) top = py + 14;
  tip.style.left = Math.max(8, left) + 'px';
  tip.style.top = Math.max(8, top) + 'px';
}
function unhover(it) {
  it.hot = -1;
  tip.hidden = true;
  if (it.cross) it.cross.setAttribute('visibility', 'hidden');
  if (it.focus) it.focus.setAttribute('visibility', 'hidden');
}

/* Lazy drawing: a chart is drawn when it comes near the viewport. */
let ready = false;
const io = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (!e.isIntersecting) continue;
    io.unobserve(e.target);
    draw(e.target.__item);
  }
  if (!ready) {
    ready = true;
    T.drawn = performance.now();
    requestAnimationFrame(() => { window.__dashboardReadyMs = T.ready = performance.now(); window.__dashboardReady = true; });
  }
}, {rootMargin: '400px 0px'});
/* The per-machine sections' contents, once: cards, tables, hover, lazy drawing. */
let sectionsBuilt = false;
function buildSections() {
  sectionsBuilt = true;
  for (const M of machines) M.build();
  items.forEach((it, i) => { it.card.dataset.chart = String(i); });
  for (const it of items) {
    it.svg.addEventListener('pointermove', (e) => hover(it, e));
    it.svg.addEventListener('pointerleave', () => unhover(it));
    io.observe(it.card);
  }
  if (!items.length) { window.__dashboardReadyMs = performance.now(); window.__dashboardReady = true; }
  T.sectionsBuilt = performance.now();
}
let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const it of items) {
      if (!it.drawn || Math.round(it.svg.getBoundingClientRect().width) === it.W) continue;
      it.drawn = false;
      io.observe(it.card);
    }
  }, 150);
});

/* The machines side by side (the view #view=machines): per benchmark, each machine's latest
   value with its interval, its ratio to a reference machine chosen in the page and its trend, and
   one chart with every machine's series overlaid on a common time axis. Machines are ordered as
   `benchgate machines` orders them (most runs first, ties by id) and labelled M1, M2, ...; M1 is
   the first reference. Built from the same data when first shown; charts drawn as they come into view. */
const PALETTE = ['#2f6fde', '#e8710a', '#188038', '#8a63d2', '#c5221f', '#00838f', '#6d4c41', '#5f6b7a'];
const cmp = {built: false, view: 'sections', items: [], ref: 0, cols: []};
machines.map((M, i) => i).sort((a, b) => {
  const ra = machines[a].runs.length, rb = machines[b].runs.length;
  const ia = String(machines[a].m.id), ib = String(machines[b].m.id);
  return rb - ra || (ia < ib ? -1 : ia > ib ? 1 : 0) || a - b;
}).forEach((mi, k) => cmp.cols.push({M: machines[mi], label: 'M' + (k + 1), color: PALETTE[k % PALETTE.length]}));
function ratioOf(c, r) {
  return c && r && c.unit === r.unit && fin(c.s.l) && fin(r.s.l) && r.s.l > 0 ? c.s.l / r.s.l : NaN;
}
function ciText(it) {
  const n = it.n, v = it.s.l, lo = (it.s.lo || [])[n - 1], hi = (it.s.hi || [])[n - 1];
  return fin(v) && v > 0 && fin(lo) && fin(hi) && hi >= lo ? ' \u00b1' + ((hi - lo) / 2 / v * 100).toFixed(1) + '%' : '';
}
function setRatios() {
  for (const ci of cmp.items) {
    const r = ci.cells[cmp.ref];
    ci.cells.forEach((c, k) => {
      const td = ci.tds[k];
      if (!c) return;
      td.classList.toggle('ref', k === cmp.ref);
      const x = ratioOf(c, r);
      ci.ratio[k] = k === cmp.ref ? NaN : x;
      td.__ratio.textContent = (k === cmp.ref ? 'reference' : fin(x) ? '\u00d7' + x.toFixed(3) : '\u00d7\u2014') + (c.s.t ? ' \u00b7 ' + c.s.t : '');
      td.__ratio.className = k !== cmp.ref && fin(x) ? (x > 1.02 ? 'up' : x < 0.98 ? 'down' : '') : '';
    });
  }
}
function buildCompare() {
  cmp.built = true;
  const cols = cmp.cols;
  const sec = el('section', 'machine compare');
  sec.id = 'compare';
  cmp.section = sec;
  const head = el('div', 'mhead');
  head.appendChild(el('h2', '', 'Machines side by side'));
  cmp.meta = el('span', 'mmeta');
  head.appendChild(cmp.meta);
  sec.appendChild(head);

  /* The legend, with the reference's choice. */
  const lp = el('div', 'panel legendp');
  const lh = el('h3', '', 'Machines');
  const pick = el('select');
  pick.id = 'reference';
  pick.setAttribute('aria-label', 'Reference machine');
  cols.forEach((c, k) => {
    const o = el('option', '', 'ratios to ' + c.label + ' \u00b7 ' + (c.M.m.fingerprint || c.M.m.id || ''));
    o.value = String(k);
    pick.appendChild(o);
  });
  pick.addEventListener('change', () => { cmp.ref = Number(pick.value) || 0; setRatios(); });
  lh.appendChild(pick);
  lp.appendChild(lh);
  const lt = el('table');
  const lhr = el('tr');
  for (const h of ['Machine', 'Fingerprint', 'Id', 'Runs', 'Dates']) lhr.appendChild(el('th', h === 'Runs' ? '' : 'text', h));
  lt.appendChild(el('thead')).appendChild(lhr);
  const ltb = el('tbody');
  for (const c of cols) {
    const tr = el('tr');
    const td = el('td', 'text');
    const sw = el('span', 'sw m');
    sw.style.background = c.color;
    td.appendChild(sw);
    td.appendChild(document.createTextNode(' ' + c.label));
    tr.appendChild(td);
    tr.appendChild(el('td', 'text', c.M.m.fingerprint || '\u2013'));
    tr.appendChild(el('td', 'text commit', c.M.m.id || '\u2013'));
    tr.appendChild(el('td', '', String(c.M.runs.length)));
    tr.appendChild(el('td', 'text', dateRange(c.M.runs)));
    ltb.appendChild(tr);
  }
  lt.appendChild(ltb);
  lp.appendChild(lt);
  sec.appendChild(lp);

  /* One entry per benchmark name: M1's order, then the names the others add, in machine order. */
  const byName = new Map();
  cols.forEach((c, k) => {
    for (const it of c.M.items) {
      let ci = byName.get(it.name);
      if (!ci) {
        ci = {name: it.name, lname: it.lname, cells: new Array(cols.length).fill(null), tds: [], ratio: [], drawn: false, shown: true};
        byName.set(it.name, ci);
        cmp.items.push(ci);
      }
      if (!ci.cells[k]) ci.cells[k] = it;
    }
  });
  for (const ci of cmp.items) for (const c of ci.cells) if (c) { ci.unit = c.unit; break; }

  /* The table: latest values and ratios, sortable by name or by a machine's ratio. */
  const tp = el('div', 'panel summary');
  const th3 = el('h3', '', 'Latest values and ratios to the reference');
  cmp.tableCount = el('span', 'n');
  th3.appendChild(cmp.tableCount);
  tp.appendChild(th3);
  const sc = el('div', 'scroll tall');
  const t = el('table');
  const hr = el('tr');
  const tb = el('tbody');
  const sortBy = (h, key) => sortable(h, hr, tb, cmp.items, key);
  hr.appendChild(sortBy(el('th', 'sort', 'Benchmark'), (ci) => ci.lname));
  cols.forEach((c, k) => {
    const h = el('th', 'sort', c.label);
    h.title = (c.M.m.fingerprint || '') + ' (sorts by the ratio)';
    hr.appendChild(sortBy(h, (ci) => ci.ratio[k]));
  });
  t.appendChild(el('thead')).appendChild(hr);
  for (const ci of cmp.items) {
    const tr = el('tr');
    const nm = el('td', 'name');
    const a = el('a', '', ci.name);
    a.title = ci.name;
    clickable(a, () => revealCompare(ci));
    nm.appendChild(a);
    tr.appendChild(nm);
    ci.cells.forEach((c) => {
      if (!c) {
        const td = el('td', 'miss', '\u2014');
        td.title = 'not measured on this machine';
        ci.tds.push(td);
        tr.appendChild(td);
        return;
      }
      const td = el('td', 'cv', fmt(c.s.l, c.unit) + ciText(c));
      td.__ratio = el('small');
      td.appendChild(td.__ratio);
      ci.tds.push(td);
      tr.appendChild(td);
    });
    tb.appendChild(tr);
    ci.row = tr;
  }
  t.appendChild(tb);
  sc.appendChild(t);
  sc.style.containIntrinsicSize = 'auto ' + Math.min(560, 34 + 44 * cmp.items.length) + 'px';
  tp.appendChild(sc);

  /* The charts: one per benchmark, every machine's series in its colour. */
  const grid = el('div', 'grid');
  for (const ci of cmp.items) {
    const card = el('div', 'card ccard');
    card.dataset.compare = '';
    const ch = el('div', 'chead');
    const name = el('span', 'name', ci.name);
    name.title = ci.name;
    ch.appendChild(name);
    card.appendChild(ch);
    const keys = el('div', 'ckeys');
    ci.cells.forEach((c, k) => {
      if (!c) return;
      const sp = el('span');
      const sw = el('span', 'dot');
      sw.style.background = cols[k].color;
      sp.appendChild(sw);
      sp.appendChild(el('b', '', cols[k].label));
      sp.appendChild(document.createTextNode(' ' + fmt(c.s.l, c.unit)));
      keys.appendChild(sp);
    });
    card.appendChild(keys);
    ci.svg = sv('svg', {class: 'chart', role: 'img', 'aria-label': 'every machine\u2019s history'}, card);
    ci.card = card;
    card.__compare = ci;
    grid.appendChild(card);
  }
  cmp.none = el('div', 'none', 'No benchmark matches the filter.');
  cmp.none.hidden = true;
  sec.appendChild(cmp.none);
  if (cmp.items.length) sec.appendChild(tp);
  else sec.appendChild(el('div', 'none', 'No benchmark recorded.'));
  sec.appendChild(grid);
  app.appendChild(sec);
  cmp.meta.textContent = cols.length + ' machine' + (cols.length === 1 ? '' : 's') + ' \u00b7 ' + cmp.items.length + ' benchmark' + (cmp.items.length === 1 ? '' : 's');
  setRatios();
  for (const ci of cmp.items) cio.observe(ci.card);
  if (!cmp.items.length) markCompareReady();
  T.compareBuilt = performance.now();
}
/* Run times per machine, parsed once: a run whose date is no date has no place on the axis. */
function timesOf(M) {
  if (!M.times) M.times = M.runs.map((r) => { const x = Date.parse(r[0]); return isFinite(x) ? x : NaN; });
  return M.times;
}
function drawCompare(ci) {
  ci.drawn = true;
  const svg = ci.svg;
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const W = Math.max(160, Math.round(svg.getBoundingClientRect().width || 320));
  ci.W = W;
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  const pw = W - PL - PR, ph = H - PT - PB;
  const lines = [];
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  ci.cells.forEach((c, k) => {
    if (!c) return;
    const ts = timesOf(c.m), v = c.s.v || [], pts = [];
    for (let i = 0; i < c.n; i++) {
      const x = ts[c.run(i)], y = v[i];
      if (!fin(x)) continue;
      pts.push([x, fin(y) ? y : NaN]);
      if (x < xmin) xmin = x;
      if (x > xmax) xmax = x;
      if (fin(y)) { if (y < ymin) ymin = y; if (y > ymax) ymax = y; }
    }
    lines.push({k, pts});
  });
  if (!(ymin <= ymax) || !(xmin <= xmax)) {
    const t = sv('text', {x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty'}, svg);
    t.textContent = 'no values';
    return;
  }
  const X = (x) => PL + (xmax > xmin ? (x - xmin) / (xmax - xmin) : 0.5) * pw;
  const Y = valueAxis(svg, ymin, ymax, ci.unit, W, ph);
  const hours = xmax - xmin < 2 * 86400e3;
  const nl = Math.max(2, Math.min(6, Math.floor(pw / 72) + 1));
  for (let k = 0; k < nl && xmax > xmin; k++) {
    const x = xmin + k * (xmax - xmin) / (nl - 1);
    const lab = sv('text', {x: X(x), y: H - 6, 'text-anchor': k === 0 ? 'start' : k === nl - 1 ? 'end' : 'middle'}, svg);
    lab.textContent = shortLabel(new Date(x).toISOString(), hours);
  }
  for (const L of lines) {
    let d = '', pen = false;
    for (const [x, y] of L.pts) {
      if (!fin(y)) { pen = false; continue; }
      d += (pen ? 'L' : 'M') + X(x).toFixed(1) + ',' + Y(y).toFixed(1);
      pen = true;
    }
    const color = cmp.cols[L.k].color;
    if (d) sv('path', {d, class: 'mline', stroke: color}, svg);
    const last = L.pts.length ? L.pts[L.pts.length - 1] : null;
    if (last && fin(last[1])) sv('circle', {cx: X(last[0]).toFixed(1), cy: Y(last[1]).toFixed(1), r: 2.6, fill: color}, svg);
  }
}
function markCompareReady() {
  if (cmp.ready) return;
  cmp.ready = true;
  requestAnimationFrame(() => {
    window.__machinesReadyMs = T.compareReady = performance.now();
    window.__machinesReady = true;
    if (!window.__dashboardReady) { window.__dashboardReadyMs = window.__machinesReadyMs; window.__dashboardReady = true; }
  });
}
const cio = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (!e.isIntersecting) continue;
    cio.unobserve(e.target);
    drawCompare(e.target.__compare);
  }
  if (cmp.view === 'machines') markCompareReady();
}, {rootMargin: '400px 0px'});
window.addEventListener('resize', () => {
  clearTimeout(cmp.resizeTimer);
  cmp.resizeTimer = setTimeout(() => {
    for (const ci of cmp.items) {
      if (!ci.drawn || Math.round(ci.svg.getBoundingClientRect().width) === ci.W) continue;
      ci.drawn = false;
      cio.observe(ci.card);
    }
  }, 150);
});
function revealCompare(ci) {
  if (!ci.shown) { filter.value = ''; applyFilter(); }
  ci.card.scrollIntoView({block: 'center', behavior: 'smooth'});
  ci.card.classList.add('flash');
  setTimeout(() => ci.card.classList.remove('flash'), 1400);
}
/* The switch between the two views, beside the filter; shown with two machines or more. */
const views = el('div', 'views');
views.setAttribute('role', 'group');
views.setAttribute('aria-label', 'View');
const viewButtons = {};
for (const [v, text] of [['sections', 'Per machine'], ['machines', 'Machines side by side']]) {
  const b = el('button', '', text);
  b.type = 'button';
  b.dataset.view = v;
  b.addEventListener('click', () => { showView(v); writeFragment(); });
  viewButtons[v] = b;
  views.appendChild(b);
}
views.hidden = machines.length < 2;
nav.parentNode.insertBefore(views, nav);
function showView(v) {
  cmp.view = v === 'machines' ? 'machines' : 'sections';
  const side = cmp.view === 'machines';
  if (side && !cmp.built) buildCompare();
  if (!side && !sectionsBuilt) buildSections();
  for (const M of machines) M.section.hidden = side;
  if (cmp.section) cmp.section.hidden = !side;
  nav.hidden = side || machines.length < 2;
  for (const k in viewButtons) viewButtons[k].setAttribute('aria-pressed', String(k === cmp.view));
  applyFilter();
}

/* The filter: a case-insensitive substring of the name, kept in the address's #fragment. */
const filter = document.getElementById('filter');
const count = document.getElementById('count');
function applyFilter() {
  const q = filter.value.trim().toLowerCase();
  let shown = 0;
  for (const it of items) {
    const show = !q || it.lname.includes(q);
    if (show) shown++;
    if (show === it.shown || !sectionsBuilt) continue;
    it.shown = show;
    it.card.hidden = !show;
    it.row.hidden = !show;
    for (const r of it.regRows) r.hidden = !show;
  }
  for (const M of machines) {
    if (!sectionsBuilt) break;
    const k = M.items.reduce((a, it) => a + (it.shown ? 1 : 0), 0);
    const rk = M.regs.reduce((a, r) => a + (r.it.shown ? 1 : 0), 0);
    M.none.hidden = k > 0 || !M.items.length;
    M.meta.textContent = 'id ' + (M.m.id || '\u2013') + ' \u00b7 ' + (M.runs.length ? M.runs.length + ' run' + (M.runs.length === 1 ? '' : 's') + ', ' + dateRange(M.runs) : 'no runs') + ' \u00b7 ' +
      (q ? k + ' of ' + M.items.length : M.items.length) + ' benchmarks';
    M.regCount.textContent = q ? rk + ' of ' + M.regs.length : String(M.regs.length);
    M.tableCount.textContent = q ? k + ' of ' + M.items.length : String(M.items.length);
  }
  count.textContent = shown + ' of ' + nSeries + ' benchmark' + (nSeries === 1 ? '' : 's');
  if (cmp.built) {
    let k = 0;
    for (const ci of cmp.items) {
      const show = !q || ci.lname.includes(q);
      if (show) k++;
      if (show === ci.shown) continue;
      ci.shown = show;
      ci.card.hidden = !show;
      ci.row.hidden = !show;
    }
    cmp.none.hidden = k > 0 || !cmp.items.length;
    cmp.tableCount.textContent = q ? k + ' of ' + cmp.items.length : String(cmp.items.length);
    if (cmp.view === 'machines') count.textContent = k + ' of ' + cmp.items.length + ' benchmark' + (cmp.items.length === 1 ? '' : 's');
  }
  if (!tip.hidden) tip.hidden = true;
}
/* The address's #fragment keeps the view and the filter: #view=machines&filter=sort%2F. */
function writeFragment() {
  const q = filter.value.trim(), parts = [];
  if (cmp.view === 'machines') parts.push('view=machines');
  if (q) parts.push('filter=' + encodeURIComponent(q));
  try { history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search); } catch (err) { /* a browser may refuse it for local files */ }
}
let fragTimer = 0;
filter.addEventListener('input', () => {
  applyFilter();
  clearTimeout(fragTimer);
  fragTimer = setTimeout(writeFragment, 300);
});
function reveal(it) {
  if (!it.shown) { filter.value = ''; applyFilter(); }
  it.card.scrollIntoView({block: 'center', behavior: 'smooth'});
  it.card.classList.add('flash');
  setTimeout(() => it.card.classList.remove('flash'), 1400);
}
let startView = 'sections';
for (const part of location.hash.replace(/^#/, '').split('&')) {
  const eq = part.indexOf('=');
  const key = eq < 0 ? part : part.slice(0, eq), value = eq < 0 ? '' : part.slice(eq + 1);
  if (key === 'filter') { try { filter.value = decodeURIComponent(value); } catch (err) { filter.value = ''; } }
  if (key === 'view' && value === 'machines' && machines.length > 1) startView = 'machines';
}
showView(startView);
T.filtered = performance.now();
/* When each step finished, in ms after navigation start: for measuring the page. */
window.__dashboardTimings = T;
})();
)BGJS";

}  // namespace dashboard_page

// The whole page: markup, style, data and script in one string.
inline std::string dashboard_html(const DashboardData& data) {
    const std::string json = dashboard_json(data);
    const std::string title = html_text(data.title);
    std::string out;
    out.reserve(json.size() + dashboard_page::style.size() + dashboard_page::script.size() + 4096);
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"generator\" content=\"benchgate\">\n<title>";
    out += title;
    out += "</title>\n<style>";
    out += dashboard_page::style;
    out += "</style>\n</head>\n<body>\n<header class=\"top\"><div class=\"wrap\"><div><h1 id=\"title\">";
    out += title;
    out += "</h1><div class=\"meta\" id=\"meta\"></div></div>"
           "<div class=\"legend\"><span><span class=\"sw\" style=\"background:var(--accent);height:2px\"></span>median</span>"
           "<span><span class=\"sw\" style=\"background:var(--band)\"></span>95% interval</span>"
           "<span><span class=\"dot\" style=\"background:var(--reg)\"></span>regression</span>"
           "<span><span class=\"dot\" style=\"background:var(--imp)\"></span>improvement</span>"
           "<span><span class=\"dot\" style=\"background:var(--warn)\"></span>warning</span>"
           "<span><span class=\"sw\" style=\"border-left:2px dashed var(--reg);width:2px\"></span>level change</span></div>"
           "</div></header>\n"
           "<div class=\"bar\"><div class=\"wrap\">"
           "<input id=\"filter\" type=\"search\" placeholder=\"Filter benchmarks by name\" autocomplete=\"off\" spellcheck=\"false\" aria-label=\"Filter benchmarks by name\">"
           "<span id=\"count\"></span><nav class=\"nav\" id=\"nav\"></nav>"
           "</div></div>\n"
           "<main class=\"wrap\" id=\"app\"><noscript><p>The charts and tables of this page are drawn by its script: "
           "allow JavaScript for this file.</p></noscript></main>\n"
           "<footer class=\"wrap\">Made by benchgate. This page is self-contained and works offline: its data is inline.</footer>\n"
           "<div id=\"tip\" class=\"tip\" role=\"tooltip\" hidden></div>\n"
           "<template id=\"card-template\"><div class=\"card\" data-chart=\"\"><div class=\"chead\"><span class=\"name\"></span>"
           "<span class=\"badge\"></span></div><div class=\"csub\"><span class=\"latest\"></span><span class=\"trend\"></span></div>"
           "<svg class=\"chart\" role=\"img\" aria-label=\"history\"></svg></div></template>\n"
           "<script type=\"application/json\" id=\"data\">";
    out += json;
    out += "</script>\n<script>";
    out += dashboard_page::script;
    out += "</script>\n</body>\n</html>\n";
    return out;
}

}  // namespace benchgate::report
