#!/usr/bin/env python3
"""Side by side: benchgate, Google Benchmark and Catch2 v2 on the same four workloads
(benches/peers/workloads.hpp), each framework with its default settings and its own way of
judging a change. Runs one process at a time, frameworks interleaved, and measures:

  (a) wall time of a whole default run of the bench binary (median of 3)
  (b) run-to-run stability: CV over 15 processes of each framework's default central
      estimate (benchgate: its gated estimate, the minimum sample; Google: the single run's mean real time; Catch2: mean)
  (c) A/A false alarms: 20 pairs of runs of the same binary, judged at a 10% threshold by
      benchgate's gate (REGRESSION; also SLOWER), Google's compare.py rule (Mann-Whitney U
      over --benchmark_repetitions=10, alpha 0.05; and |change of mean| > 10%), Catch2's
      reported mean (change > 10%)
  (d) detection of +5%, +10% and +25% work (BENCHGATE_PEER_SLOWDOWN on the second run of a
      pair), 20 pairs each, judged the same way
  (e) the time each framework reports for an empty body (peers/empty)
  (f) compile time at -O2 of a translation unit with ten benchmarks (median of 3)

    meson setup /tmp/build-peers && ninja -C /tmp/build-peers
    tools/peers.py --build /tmp/build-peers --json peers.json      # the full run (~1.5-2 h)
    tools/peers.py --build /tmp/build-peers --quick                # smoke run (< 1 min)
    tools/peers.py --report peers.json                             # the tables again, from the JSON
    tools/peers.py --self-test                                     # the U test vs compare.py's test data

The peer binaries live in BUILD/benches/peers/ (benches/peers/meson.build); Google Benchmark and
Catch2 are optional there, and a framework whose binary is missing is skipped.

--quick shrinks every count to one or two and gives each framework its short-measurement
flags in (b)-(d): its figures only show that everything runs.
"""
import argparse
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

import benchkit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAMEWORKS = ["benchgate", "gbench", "catch2"]
LABEL = {"benchgate": "benchgate", "gbench": "Google Benchmark", "catch2": "Catch2"}
WORKLOADS = ["peers/int_hash", "peers/map_lookup", "peers/split_join", "peers/memcpy_32mib"]
EMPTY = "peers/empty"
WORKLOAD_RE = "^peers/(int_hash|map_lookup|split_join|memcpy_32mib)$"
THRESHOLD = 0.10
ALPHA = 0.05
GBENCH_REPS = 10
BENCHGATE_CENTRAL = "min"  # benchgate's default gated estimate (GateConfig::estimator); a key of "estimates"

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
TIMEOUT = 900


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(argv, slowdown=0, timeout=TIMEOUT, ok_codes=(0,)):
    """Runs argv with BENCHGATE_PEER_SLOWDOWN set and no other BENCHGATE_* variable (they
    would be read as benchgate flags). Returns (returncode, stdout, stderr, wall seconds);
    raises benchkit.BenchProcessFailed on an exit code outside ok_codes."""
    r, wall = benchkit.timed_run(argv, benchkit.environment_without_benchgate({"BENCHGATE_PEER_SLOWDOWN": str(slowdown)}),
                                 accepted_exits=ok_codes, timeout=timeout, cwd=ROOT)
    return r.returncode, r.stdout, r.stderr, wall


# ---------------------------------------------------------------- Mann-Whitney U (compare.py's rule)
def _norm_sf(z):
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    ties = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2.0 + 1.0
        ties.append(j - i + 1)
        i = j + 1
    return ranks, ties


def _exact_u_sf(u, n1, n2):
    """P(U >= u) under H0 without ties: counts of rank sums by dynamic programming."""
    # counts[k][s]: ways to choose k of the first m items with U statistic s
    from functools import lru_cache

    @lru_cache(maxsize=None)
    def count(m, n, s):  # sequences of m x's and n y's with U_x = s
        if s < 0:
            return 0
        if m == 0 or n == 0:
            return 1 if s == 0 else 0
        return count(m - 1, n, s - n) + count(m, n - 1, s)

    total = math.comb(n1 + n2, n1)
    return sum(count(n1, n2, s) for s in range(int(math.ceil(u)), n1 * n2 + 1)) / total


def mann_whitney_p(x, y):
    """Two-sided p-value of scipy.stats.mannwhitneyu(x, y, alternative='two-sided') with
    scipy's default method='auto' (as compare.py calls it): exact when a sample has at most 8
    values and there are no ties, else the normal approximation with tie correction and
    continuity correction (so with 10 repetitions a side: the normal approximation)."""
    n1, n2 = len(x), len(y)
    ranks, ties = _ranks(list(x) + list(y))
    r1 = sum(ranks[:n1])
    u1 = r1 - n1 * (n1 + 1) / 2.0
    u2 = n1 * n2 - u1
    u = max(u1, u2)
    has_ties = any(t > 1 for t in ties)
    if not (n1 > 8 and n2 > 8) and not has_ties:
        return min(1.0, 2.0 * _exact_u_sf(u, n1, n2))
    n = n1 + n2
    mu = n1 * n2 / 2.0
    tie_term = sum(t ** 3 - t for t in ties)
    s = math.sqrt(n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1))))
    if s == 0:
        return 1.0
    z = (u - mu - 0.5) / s
    return min(1.0, max(0.0, 2.0 * _norm_sf(z)))


def self_test():
    """The p-values compare.py's own unit tests expect (gbench/report.py, test3_run0/1.json)."""
    cases = [([9, 8], [10, 7], 1.0), ([90, 86], [89, 72], 0.6667), ([8, 8], [7, 4.54, 800], 0.7671),
             ([80, 77], [75, 66.6, 1], 0.2000)]
    for x, y, want in cases:
        got = mann_whitney_p(x, y)
        if abs(got - want) > 5e-5:
            sys.exit(f"self-test failed: mann_whitney_p({x}, {y}) = {got:.4f}, compare.py's tests expect {want:.4f}")
    print("self-test: Mann-Whitney p-values match compare.py's unit tests")


def compare_py_module():
    """Google's own compare.py logic (Debian libbenchmark-tools) if it can run here: it needs
    scipy. Returns the gbench.report module or None."""
    try:
        import scipy.stats  # noqa: F401
    except Exception:
        return None
    sys.path.insert(0, "/usr/share/benchmark")
    try:
        from gbench import report  # type: ignore
        return report
    except Exception:
        return None


# ---------------------------------------------------------------- the three frameworks
class Benchgate:
    name = "benchgate"

    def __init__(self, binary, quick):
        self.binary, self.quick = binary, quick
        self.q = ["--quick"] if quick else []

    def default_cmd(self):
        return [self.binary]

    def estimates(self, d):
        """One default run: name -> (central estimate ns, extra dict)."""
        out = os.path.join(d, "bg_est.json")
        _, _, _, wall = run([self.binary, "--quiet", "--json", out] + self.q)
        res = {}
        for b in json.load(open(out))["benchmarks"]:
            f = UNIT_NS[b.get("unit", "ns")]
            e = b["estimates"]
            # central = the estimate benchgate's gate compares by default (the minimum sample,
            # docs/performance.md); the median is kept beside it.
            res[b["name"]] = {"central": e[BENCHGATE_CENTRAL] * f, "median": e["median"]["point"] * f,
                              "mean": e["mean"]["point"] * f}
        return res, wall

    def pair(self, slowdown, d):
        p = benchkit.run_baseline_pair(self.binary, d, flags=["--filter", WORKLOAD_RE], extra=self.q,
                                       save_env={"BENCHGATE_PEER_SLOWDOWN": "0"},
                                       compare_env={"BENCHGATE_PEER_SLOWDOWN": str(slowdown)},
                                       timeout=TIMEOUT, cwd=ROOT, file_prefix="bg_")
        rc, w1, w2 = p.exit_code, p.save_wall_s, p.compare_wall_s
        rows = {}
        doc = p.comparison
        for b in doc["benchmarks"]:
            c = b["comparison"]
            st = c["status"]
            rows[b["name"]] = {
                "change": c["change"]["point"], "raw_change": c.get("raw_change"), "status": st,
                "confirm": c.get("confirmation"),
                "alarm_slower": st == "REGRESSION", "alarm_either": st in ("REGRESSION", "IMPROVED"),
                "warn_slower": st in benchkit.SLOWER_OR_WORSE,
            }
        gate = doc.get("gate", {})
        return rows, {"exit": rc, "wall_s": w1 + w2, "compare_wall_s": w2,
                      "speed_factor": gate.get("speed_factor"), "speed_corrected": gate.get("speed_corrected")}


class GBench:
    name = "gbench"

    def __init__(self, binary, quick, compare_py):
        self.binary, self.quick, self.compare_py = binary, quick, compare_py
        self.q = ["--benchmark_min_time=0.01"] if quick else []

    def default_cmd(self):
        return [self.binary]

    def estimates(self, d):
        _, stdout, _, wall = run([self.binary, "--benchmark_format=json"] + self.q)
        res = {}
        for b in json.loads(stdout)["benchmarks"]:
            if b.get("run_type", "iteration") != "iteration":
                continue
            f = UNIT_NS[b["time_unit"]]
            res[b["name"]] = {"central": b["real_time"] * f, "cpu": b["cpu_time"] * f}
        return res, wall

    def side(self, slowdown, path):
        _, _, _, wall = run([self.binary, f"--benchmark_filter={WORKLOAD_RE}", f"--benchmark_repetitions={GBENCH_REPS}",
                             "--benchmark_format=json", f"--benchmark_out={path}"] + self.q, slowdown)
        return json.load(open(path)), wall

    def pair(self, slowdown, d):
        j1, w1 = self.side(0, os.path.join(d, "gb_base.json"))
        j2, w2 = self.side(slowdown, os.path.join(d, "gb_cont.json"))

        def reps(doc):
            r = {}
            for b in doc["benchmarks"]:
                if b.get("run_type", "iteration") == "iteration":
                    r.setdefault(b["name"], []).append(b["real_time"] * UNIT_NS[b["time_unit"]])
            return r

        r1, r2 = reps(j1), reps(j2)
        pvalues = {}
        if self.compare_py is not None:  # Google's compare.py code itself
            for row in self.compare_py.get_difference_report(j1, j2, utest=True):
                if row.get("utest"):
                    pvalues[row["name"]] = row["utest"]["time_pvalue"]
        rows = {}
        for name in WORKLOADS:
            a, b = r1.get(name, []), r2.get(name, [])
            if not a or not b:
                continue
            change = statistics.mean(b) / statistics.mean(a) - 1.0  # compare.py's "_mean" row
            p = pvalues.get(name, mann_whitney_p(a, b))
            rows[name] = {
                "change": change, "p_value": p, "base": a, "current": b,
                "utest_either": p < ALPHA, "utest_slower": p < ALPHA and change > 0,
                "mean10_either": abs(change) > THRESHOLD, "mean10_slower": change > THRESHOLD,
                "utest_and_mean10_slower": p < ALPHA and change > THRESHOLD,
            }
        return rows, {"wall_s": w1 + w2}


class Catch2:
    name = "catch2"

    def __init__(self, binary, quick):
        self.binary, self.quick = binary, quick
        self.q = ["--benchmark-samples", "10", "--benchmark-resamples", "1000", "--benchmark-warmup-time", "10"] \
            if quick else []

    def default_cmd(self):
        return [self.binary]

    @staticmethod
    def parse(xml_text):
        res = {}
        root = ET.fromstring(xml_text)
        for br in root.iter("BenchmarkResults"):
            name = br.get("name")
            mean = br.find("mean")
            failed = br.find("failed")
            if mean is not None:
                res[name] = {"central": float(mean.get("value")), "samples": int(br.get("samples", "0")),
                             "iterations": int(br.get("iterations", "0"))}
            elif failed is not None:
                res[name] = {"central": None, "failed": failed.get("message", "failed")}
        return res

    def estimates(self, d):
        _, stdout, _, wall = run([self.binary, "-r", "xml"] + self.q)
        return self.parse(stdout), wall

    def pair(self, slowdown, d):
        _, s1, _, w1 = run([self.binary, "-r", "xml", "~[empty]"] + self.q, 0)
        _, s2, _, w2 = run([self.binary, "-r", "xml", "~[empty]"] + self.q, slowdown)
        a, b = self.parse(s1), self.parse(s2)
        rows = {}
        for name in WORKLOADS:
            if name in a and name in b and a[name]["central"] and b[name]["central"]:
                change = b[name]["central"] / a[name]["central"] - 1.0
                rows[name] = {"change": change, "mean10_either": abs(change) > THRESHOLD,
                              "mean10_slower": change > THRESHOLD}
        return rows, {"wall_s": w1 + w2}


# ---------------------------------------------------------------- the measurements
def robust_cv(xs):
    """1.4826 x median absolute deviation / median: the CV a normal sample would have, but
    one or two outlying processes barely move it."""
    xs = [x for x in xs if x is not None]
    if len(xs) < 2:
        return float("nan")
    m = statistics.median(xs)
    return 1.4826 * statistics.median(abs(x - m) for x in xs) / m if m > 0 else float("nan")


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    hyp = ""
    try:
        hyp = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        hyp = next((l.split(":", 1)[1].strip() for l in hyp.splitlines() if l.startswith("Hypervisor vendor")), "")
    except Exception:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "hypervisor": hyp, "kernel": platform.release(),
            "loadavg_start": os.getloadavg()}


def git_state():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except Exception:
        return "unknown"


def measure_wall(fws, n):
    res = {fw.name: [] for fw in fws}
    for i in range(n):
        for fw in fws:
            _, _, _, wall = run(fw.default_cmd())
            res[fw.name].append(wall)
            log(f"  (a) {fw.name} default run {i + 1}/{n}: {wall:.2f} s")
    return {k: {"runs_s": v, "median_s": statistics.median(v)} for k, v in res.items()}


def measure_stability(fws, n):
    res = {fw.name: {"runs": [], "wall_s": []} for fw in fws}
    with tempfile.TemporaryDirectory() as d:
        for i in range(n):
            for fw in fws:
                est, wall = fw.estimates(d)
                res[fw.name]["runs"].append(est)
                res[fw.name]["wall_s"].append(wall)
            log(f"  (b) stability run {i + 1}/{n}")
    out = {}
    for fw in fws:
        runs = res[fw.name]["runs"]
        per = {}
        for name in WORKLOADS + [EMPTY]:
            vals = [r.get(name, {}).get("central") for r in runs]
            ok = [v for v in vals if v is not None]
            per[name] = {"values_ns": vals, "median_ns": statistics.median(ok) if ok else None,
                         "cv": benchkit.coefficient_of_variation(ok) if name != EMPTY else None,
                         "failed": [r[name].get("failed") for r in runs if name in r and r[name].get("failed")]}
            if fw.name == "gbench":
                per[name]["cv_cpu_time"] = (benchkit.coefficient_of_variation([r.get(name, {}).get("cpu") for r in runs])
                                            if name != EMPTY else None)
            if fw.name == "benchgate":
                for key in ("median", "mean"):
                    per[name]["cv_" + key] = (benchkit.coefficient_of_variation([r.get(name, {}).get(key) for r in runs])
                                              if name != EMPTY else None)
        out[fw.name] = {"benchmarks": per, "wall_s": res[fw.name]["wall_s"]}
    return out


def measure_pairs(fws, slowdowns, n):
    """slowdowns: list of percentages (0 = A/A). Frameworks interleaved pair by pair."""
    out = {}
    with tempfile.TemporaryDirectory() as d:
        for s in slowdowns:
            per_fw = {fw.name: {"pairs": [], "meta": []} for fw in fws}
            for i in range(n):
                for fw in fws:
                    rows, meta = fw.pair(s, d)
                    per_fw[fw.name]["pairs"].append(rows)
                    per_fw[fw.name]["meta"].append(meta)
                log(f"  ({'c' if s == 0 else 'd'}) {'A/A' if s == 0 else f'+{s}%'} pair {i + 1}/{n}")
            out[str(s)] = per_fw
    return out


def summarize_pairs(pairs):
    """Counts per scenario, framework, benchmark, rule; median changes."""
    rules = {"benchgate": ["alarm_slower", "alarm_either", "warn_slower"],
             "gbench": ["utest_either", "utest_slower", "mean10_either", "mean10_slower", "utest_and_mean10_slower"],
             "catch2": ["mean10_either", "mean10_slower"]}
    summary = {}
    for s, per_fw in pairs.items():
        summary[s] = {}
        for fw, data in per_fw.items():
            summary[s][fw] = {"pairs": len(data["pairs"]),
                              "median_pair_wall_s": statistics.median(m["wall_s"] for m in data["meta"])}
            if fw == "benchgate":
                summary[s][fw]["median_compare_wall_s"] = statistics.median(m["compare_wall_s"] for m in data["meta"])
            for name in WORKLOADS:
                rows = [p[name] for p in data["pairs"] if name in p]
                entry = {"n": len(rows), "median_change": statistics.median(r["change"] for r in rows) if rows else None,
                         "changes": [r["change"] for r in rows]}
                for rule in rules[fw]:
                    entry[rule] = sum(1 for r in rows if r.get(rule))
                if fw == "benchgate":
                    entry["statuses"] = {}
                    for r in rows:
                        entry["statuses"][r["status"]] = entry["statuses"].get(r["status"], 0) + 1
                summary[s][fw][name] = entry
    return summary


COMPILE_UNITS = {
    # framework: [(label, argv tail)], the first one is the figure the table shows
    "benchgate": [("benches/micro10.cpp (no main)", ["-Iinclude", "benches/micro10.cpp"]),
                  ("same with -DBENCHGATE_MAIN", ["-Iinclude", "-DBENCHGATE_MAIN", "benches/micro10.cpp"])],
    "gbench": [("benches/peers/ten_gbench.cpp (no main)", ["benches/peers/ten_gbench.cpp"]),
               ("same with BENCHMARK_MAIN()", ["-DPEERS_TEN_WITH_MAIN", "benches/peers/ten_gbench.cpp"])],
    "catch2": [("benches/peers/ten_catch2.cpp (with CATCH_CONFIG_MAIN)", ["benches/peers/ten_catch2.cpp"]),
               ("same without main (-DPEERS_TEN_NO_MAIN)", ["-DPEERS_TEN_NO_MAIN", "benches/peers/ten_catch2.cpp"])],
}


def measure_compile(names, n, variants, cxx):
    out = {}
    with tempfile.TemporaryDirectory() as d:
        obj = os.path.join(d, "tu.o")
        for fw in names:
            out[fw] = []
            for label, tail in COMPILE_UNITS[fw][: (2 if variants else 1)]:
                argv = [cxx, "-std=c++17", "-O2", "-c"] + tail + ["-o", obj]
                times = []
                for i in range(n):
                    _, _, _, wall = run(argv)
                    times.append(wall)
                log(f"  (f) {fw}: {label}: {statistics.median(times):.2f} s")
                out[fw].append({"unit": label, "command": " ".join(argv[:-2]), "runs_s": times,
                                "median_s": statistics.median(times)})
    return out


# ---------------------------------------------------------------- the report
def fmt_ns(ns):
    if ns is None:
        return "n/a"
    if ns < 1:
        return f"{ns:.3f} ns"
    for unit, f in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= f:
            return f"{ns / f:.3g} {unit}"
    return f"{ns:.3g} ns"


def pct(x, digits=1):
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x * 100:.{digits}f}%"


def markdown(res):
    fws = res["frameworks"]
    lines = []
    cfg = res["config"]
    lines.append(f"Machine: {res['machine']['nproc']} CPUs, {res['machine']['cpu']}"
                 f"{', ' + res['machine']['hypervisor'] + ' guest' if res['machine']['hypervisor'] else ''}; "
                 f"benchgate checkout {res['git']} when the run started; "
                 f"{'QUICK smoke run: figures are not meaningful' if cfg['quick'] else 'full counts'}"
                 f"{', sections ' + cfg['sections'] if cfg.get('sections', 'abcdef') != 'abcdef' else ''}.")
    lines.append("")
    if "wall" in res or "compile" in res or "stability" in res:
        lines.append("| framework | (a) default run, wall | (e) empty body reports | (f) 10-benchmark TU, g++ -O2 | (f) other variant |")
        lines.append("|---|---|---|---|---|")
        for fw in fws:
            a = res.get("wall", {}).get(fw)
            e = res.get("stability", {}).get(fw, {}).get("benchmarks", {}).get(EMPTY)
            if e is None:
                e_s = "n/a"
            elif e["median_ns"] is None:
                e_s = "fails: " + (e["failed"][0] if e["failed"] else "no value")
            else:
                e_s = fmt_ns(e["median_ns"])
            f = res.get("compile", {}).get(fw, [])
            f1 = f"{f[0]['median_s']:.2f} s ({f[0]['unit']})" if f else "n/a"
            f2 = f"{f[1]['median_s']:.2f} s ({f[1]['unit']})" if len(f) > 1 else "n/a"
            a_s = f"{a['median_s']:.2f} s" if a else "n/a"
            lines.append(f"| {LABEL[fw]} | {a_s} | {e_s} | {f1} | {f2} |")
        lines.append("")
    if "stability" in res:
        n = cfg["stability_runs"]
        lines.append(f"(b) Run-to-run spread of the default central estimate over {n} processes "
                     f"(benchgate: {cfg.get('benchgate_central', 'median')}; Google: mean real time of its single run; Catch2: mean): "
                     "CV = stddev / mean, robust CV = 1.4826 MAD / median in brackets; value = median over the runs")
        lines.append("")
        lines.append("| workload | " + " | ".join(f"{LABEL[fw]} value | CV (robust)" for fw in fws) + " |")
        lines.append("|---|" + "---|---|" * len(fws))
        for name in WORKLOADS:
            cells = []
            for fw in fws:
                b = res["stability"][fw]["benchmarks"][name]
                cells += [fmt_ns(b["median_ns"]), f"{pct(b['cv'], 2)} ({pct(robust_cv(b['values_ns']), 2)})"]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    if "pairs" in res:
        summ = res["pairs_summary"]
        scen = sorted(summ, key=float)
        n = cfg["pairs"]
        heads = ["A/A" if s == "0" else f"+{s}% work" for s in scen]
        lines.append(f"(c, d) Alarms over {n} pairs of processes per column (second process of a pair with "
                     "BENCHGATE_PEER_SLOWDOWN=N); each framework judged by its own comparison at 10%. "
                     "A/A cells: slower-direction alarms (either direction in brackets).")
        lines.append("")
        lines.append("| framework: rule | workload | " + " | ".join(heads) + " | median measured change: " +
                     " / ".join(heads) + " |")
        lines.append("|---|---|" + "---|" * len(heads) + "---|")
        rules = [("benchgate", "REGRESSION (fails the gate)", "alarm_slower", "alarm_either"),
                 ("benchgate", "SLOWER or REGRESSION", "warn_slower", None),
                 ("gbench", "U test p < 0.05, 10 reps", "utest_slower", "utest_either"),
                 ("gbench", "change of mean > 10%", "mean10_slower", "mean10_either"),
                 ("gbench", "U test and change > 10%", "utest_and_mean10_slower", None),
                 ("catch2", "change of mean > 10%", "mean10_slower", "mean10_either")]
        for fw, label, rule, either in rules:
            if fw not in fws:
                continue
            for name in WORKLOADS:
                cells = []
                for s in scen:
                    e = summ[s][fw][name]
                    c = f"{e[rule]}/{e['n']}"
                    if s == "0" and either:
                        c += f" ({e[either]})"
                    cells.append(c)
                changes = " / ".join(pct(summ[s][fw][name]["median_change"]) for s in scen)
                lines.append(f"| {LABEL[fw]}: {label} | {name} | " + " | ".join(cells) + f" | {changes} |")
        lines.append("")
        if "benchgate" in fws:
            lines.append("benchgate's machine-speed correction: the change it judged (corrected) against the raw "
                         "change of the same pairs, median ± stddev over the pairs; speed factor = reference time, "
                         "comparing run / baseline run")
            lines.append("")
            lines.append("| scenario | speed factor min..max (sd) | applied (factor > 1 / < 1) | " +
                         " | ".join(f"{n.split('/')[1]}: corrected / raw" for n in WORKLOADS) + " |")
            lines.append("|---|---|---|" + "---|" * len(WORKLOADS))
            for s in scen:
                data = res["pairs"][s]["benchgate"]
                sf = [m["speed_factor"] for m in data["meta"] if m.get("speed_factor")]
                cells = []
                for name in WORKLOADS:
                    rows = [p[name] for p in data["pairs"] if name in p]
                    cor = [r["change"] for r in rows]
                    raw = [r["raw_change"] for r in rows if r.get("raw_change") is not None]
                    sd = (lambda xs: statistics.stdev(xs) if len(xs) > 1 else float("nan"))
                    med = (lambda xs: statistics.median(xs) if xs else float("nan"))
                    cells.append(f"{med(cor) * 100:+.1f}% ±{pct(sd(cor))} / {med(raw) * 100:+.1f}% ±{pct(sd(raw))}")
                sf_s = f"{min(sf):.3f}..{max(sf):.3f} ({pct(statistics.stdev(sf)) if len(sf) > 1 else 'n/a'})" if sf else "n/a"
                flags = [(m.get("speed_corrected"), m.get("speed_factor") or 1.0) for m in data["meta"]]
                if any(f is None for f, _ in flags):
                    applied = "n/a"
                else:
                    on = [x for f, x in flags if f]
                    applied = f"{len(on)}/{len(flags)} ({sum(x > 1 for x in on)} / {sum(x < 1 for x in on)})"
                lines.append(f"| {heads[scen.index(s)]} | {sf_s} | {applied} | " + " | ".join(cells) + " |")
            lines.append("")
        lines.append("Wall time of one A/B check (both processes of a pair; benchgate: baseline run + comparing run, "
                     "confirmations included), median over the pairs:")
        lines.append("")
        lines.append("| framework | " + " | ".join(heads) + " |")
        lines.append("|---|" + "---|" * len(heads))
        for fw in fws:
            walls = [summ[s][fw]["median_pair_wall_s"] for s in scen]
            lines.append(f"| {LABEL[fw]} | " + " | ".join(f"{w:.1f} s" for w in walls) + " |")
        lines.append("")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="meson build directory (default: build)")
    ap.add_argument("--quick", action="store_true", help="smoke run: one or two of everything, short measurements")
    ap.add_argument("--json", help="write every figure and raw value here")
    ap.add_argument("--sections", default="abcdef", help="which of a-f to run (default: all)")
    ap.add_argument("--frameworks", default=",".join(FRAMEWORKS), help="subset of benchgate,gbench,catch2")
    ap.add_argument("--cxx", default="g++", help="compiler for (f)")
    ap.add_argument("--self-test", action="store_true", help="check the U test against compare.py's test data")
    ap.add_argument("--report", metavar="FILE", help="print the tables of an earlier --json FILE and exit")
    args = ap.parse_args()
    if args.self_test:
        self_test()
        return
    if args.report:
        res = json.load(open(args.report))
        print(markdown(res))
        if "elapsed_s" in res:
            print(f"\n(that run took {res['elapsed_s'] / 60:.1f} min)")
        return

    quick = args.quick
    cfg = {"quick": quick, "wall_runs": 1 if quick else 3, "stability_runs": 2 if quick else 15,
           "pairs": 1 if quick else 20, "slowdowns": [25] if quick else [5, 10, 25], "compile_runs": 1 if quick else 3,
           "sections": args.sections, "gbench_repetitions": GBENCH_REPS, "threshold": THRESHOLD, "alpha": ALPHA, "build": os.path.abspath(args.build),
           "benchgate_central": BENCHGATE_CENTRAL}
    peers_dir = os.path.join(args.build, "benches", "peers")
    compare_py = compare_py_module()
    available = {"benchgate": lambda b: Benchgate(b, quick), "gbench": lambda b: GBench(b, quick, compare_py),
                 "catch2": lambda b: Catch2(b, quick)}
    fws = []
    for name in args.frameworks.split(","):
        binary = os.path.join(peers_dir, f"{name}_peers")
        if not os.access(binary, os.X_OK):
            log(f"peers.py: {binary} is missing (not built, or its framework was not found): skipping {name}")
            continue
        fws.append(available[name](binary))
    if not fws:
        sys.exit(f"peers.py: no peer binaries under {peers_dir}: meson setup {args.build} && ninja -C {args.build}")

    res = {"config": cfg, "machine": machine(), "git": git_state(), "frameworks": [fw.name for fw in fws],
           "binaries": {fw.name: {"path": fw.binary, "built": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                           time.gmtime(os.path.getmtime(fw.binary)))}
                        for fw in fws},
           "gbench_utest": "compare.py (gbench.report, scipy)" if compare_py else
           "built-in: scipy.stats.mannwhitneyu's rule (compare.py needs scipy, not installed)",
           "commands": {
               "a": {fw.name: " ".join(fw.default_cmd()) for fw in fws},
           }}
    t_start = time.monotonic()
    try:
        if "a" in args.sections:
            log("(a) wall time of a default run")
            res["wall"] = measure_wall(fws, cfg["wall_runs"])
        if "b" in args.sections or "e" in args.sections:
            log("(b, e) stability and the empty body")
            res["stability"] = measure_stability(fws, cfg["stability_runs"])
        scen = ([0] if "c" in args.sections else []) + (cfg["slowdowns"] if "d" in args.sections else [])
        if scen:
            log("(c, d) pairs")
            res["pairs"] = measure_pairs(fws, scen, cfg["pairs"])
            res["pairs_summary"] = summarize_pairs(res["pairs"])
        if "f" in args.sections:
            log("(f) compile time")
            res["compile"] = measure_compile([fw.name for fw in fws], cfg["compile_runs"], not quick, args.cxx)
    except benchkit.BenchProcessFailed as e:
        sys.exit(f"peers.py: {e}")
    res["elapsed_s"] = time.monotonic() - t_start
    res["machine"]["loadavg_end"] = os.getloadavg()
    table = markdown(res)
    print(table)
    print(f"\n(peers.py took {res['elapsed_s'] / 60:.1f} min)")
    if args.json:
        res["markdown"] = table
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
