// benchgate: the per-machine trends of a history (history_trends.hpp) turned side by side: per
// benchmark, each machine's newest run, its ratio to a reference machine and its trend; what
// `benchgate machines` prints. Pure.
//
// Machines are ordered by their number of runs, most first (ties: the smaller id), and labelled
// M1, M2, ... in that order. The reference is M1 unless asked otherwise: the machine with the
// longest history, whose latest values and trends rest on the most runs. Benchmarks are in the
// reference machine's order, then those it lacks in the order of the other machines.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "../report/machines.hpp"
#include "../report/trend.hpp"

namespace benchgate::detail::history {

inline std::string lower_ascii(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The machine `wanted` names among `columns`: its id, its label (M2), or a prefix of exactly
// one id (any case). Sets `index`; returns "" or the problem, one line.
inline std::string find_machine(const std::vector<report::MachineColumn>& columns, const std::string& wanted, std::size_t& index) {
    const std::string w = lower_ascii(wanted);
    if (w.empty()) return "--reference needs a machine id, a prefix of one or a label (M1, M2, ...)";
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (lower_ascii(columns[i].id) == w || lower_ascii(columns[i].label) == w) {
            index = i;
            return {};
        }
    std::vector<std::size_t> hits;
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (lower_ascii(columns[i].id).rfind(w, 0) == 0) hits.push_back(i);
    if (hits.size() == 1) {
        index = hits[0];
        return {};
    }
    const bool none = hits.empty();
    std::string ids;
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (none || std::find(hits.begin(), hits.end(), i) != hits.end())
            ids += (ids.empty() ? "" : ", ") + columns[i].id + " (" + columns[i].label + ")";
    return "--reference '" + one_line(wanted) + "' " +
           (none ? "names no machine of the input; the machines: " : "matches more than one machine: ") + ids;
}

// The side-by-side model of `machines`, with the reference `reference` (find_machine; "": M1).
// `units` holds the unit of each benchmark not in ns. Returns "" or the problem.
inline std::string side_by_side(const std::vector<report::MachineTrends>& machines, const std::string& reference,
                                const std::map<std::string, std::string>& units, report::SideBySide& out) {
    out = {};
    std::vector<std::size_t> order(machines.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (machines[a].dates.size() != machines[b].dates.size()) return machines[a].dates.size() > machines[b].dates.size();
        return machines[a].id < machines[b].id;
    });
    for (std::size_t k = 0; k < order.size(); ++k) {
        const report::MachineTrends& m = machines[order[k]];
        report::MachineColumn c;
        c.label = "M" + std::to_string(k + 1);
        c.id = m.id;
        c.fingerprint = m.fingerprint;
        c.runs = m.dates.size();
        if (!m.dates.empty()) {
            c.first = m.dates.front();
            c.last = m.dates.back();
        }
        out.machines.push_back(std::move(c));
    }
    if (!reference.empty())
        if (std::string problem = find_machine(out.machines, reference, out.reference); !problem.empty()) return problem;
    if (out.machines.empty()) return {};

    // Rows: the reference's benchmarks first, then the others' in machine order.
    std::unordered_map<std::string, std::size_t> row_of;
    auto add_rows = [&](const report::MachineTrends& m) {
        for (const report::TrendRow& r : m.rows)
            if (row_of.emplace(r.name, out.rows.size()).second) {
                report::MachineRow row;
                row.name = r.name;
                if (const auto u = units.find(r.name); u != units.end()) row.unit = u->second;
                row.cells.resize(out.machines.size());
                out.rows.push_back(std::move(row));
            }
    };
    add_rows(machines[order[out.reference]]);
    for (std::size_t k = 0; k < order.size(); ++k)
        if (k != out.reference) add_rows(machines[order[k]]);

    for (std::size_t k = 0; k < order.size(); ++k) {
        const report::MachineTrends& m = machines[order[k]];
        for (const report::TrendRow& r : m.rows) {
            if (r.points.empty()) continue;
            report::MachineCell& c = out.rows[row_of.at(r.name)].cells[k];
            c.present = true;
            c.value = r.points.back().value;
            c.lower = r.points.back().lower;
            c.upper = r.points.back().upper;
            c.runs = r.points.size();
            c.date = m.dates[r.run.back()];
            c.trend = r.trend.status;
        }
    }
    for (report::MachineRow& row : out.rows) {
        const report::MachineCell& ref = row.cells[out.reference];
        for (report::MachineCell& c : row.cells)
            if (c.present && ref.present && ref.value > 0 && std::isfinite(ref.value) && std::isfinite(c.value))
                c.ratio = c.value / ref.value;
    }
    return {};
}

}  // namespace benchgate::detail::history
