#!/usr/bin/env python3
"""Gate quality of instruction counting (--metric instructions) on the machine it runs on:
repeats save/compare pairs of separate processes and counts exact changes and verdicts.

For each pair, one process saves a baseline with `--metric instructions --save-baseline`
(no slowdown) and a second, fresh process compares against it with
`--metric instructions --baseline ... --threshold T --warn-threshold W --json out.json`
and BENCHGATE_DEMO_SLOWDOWN set (0 for A/A pairs, so the two environments differ as they
would between a main and a PR job). Instruction counts are collected under valgrind's
callgrind for a fixed number of calls (100 after a 10-call warm-up), so they do not depend on
--quick; --quick only shortens the timing part of each process (for regression_demo on a 2-core
VM: about 0.6 s of the ~4.4 s a process takes, most of it valgrind).

    tools/instr_quality.py build/examples/regression_demo --aa 20 --pairs 20 --slowdown 2
    tools/instr_quality.py build/examples/regression_demo --quick --json instr.json

Targets: A/A, no benchmark changes by more than 0.1% in any pair; +2% work, SLOWER-or-worse
in every pair. Exit status 0 when both are met, 1 otherwise. Figures: docs/metrics.md.
"""
import argparse
import collections
import json
import os
import statistics
import sys
import tempfile

import benchkit


def fmt_change(c):
    return "-" if c is None else f"{c * 100:+.4f}%"


def run_pair(binary, slowdown, args, d):
    extra = (["--quick"] if args.quick else []) + args.extra
    try:
        pair = benchkit.run_baseline_pair(
            binary, d, flags=["--metric", "instructions"],
            compare_flags=["--threshold", f"{args.threshold:g}", "--warn-threshold", f"{args.warn_threshold:g}"],
            extra=extra, compare_env={"BENCHGATE_DEMO_SLOWDOWN": f"{slowdown:g}"})
    except benchkit.BenchProcessFailed as e:
        sys.exit(e.stage_message())
    doc = pair.comparison
    if doc.get("gate", {}).get("metric") != "instructions":
        sys.exit(f"the compare process did not gate on instructions: gate = {doc.get('gate')}")
    saved = {b["name"]: b.get("metrics", {}).get("instructions") for b in json.load(open(pair.baseline_file))["benchmarks"]}
    rows = {}
    for b in doc["benchmarks"]:
        c = b["comparison"]
        rows[b["name"]] = {"status": c["status"], "change": c["change"]["point"],
                           "baseline": saved.get(b["name"]), "current": b.get("metrics", {}).get("instructions"),
                           "error": c.get("error", "")}
    return pair.exit_code, rows, pair.save_wall_s, pair.compare_wall_s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", help="a bench binary that reads BENCHGATE_DEMO_SLOWDOWN (examples/regression_demo)")
    ap.add_argument("--aa", type=int, default=20, help="A/A pairs (default 20)")
    ap.add_argument("--pairs", type=int, default=20, help="pairs with the slowdown (default 20)")
    ap.add_argument("--slowdown", type=float, default=2.0, help="work increase in percent on the compare side (default 2)")
    ap.add_argument("--threshold", type=float, default=1.0, help="--threshold for the compare process (default 1)")
    ap.add_argument("--warn-threshold", type=float, default=0.5, help="--warn-threshold for the compare process (default 0.5)")
    ap.add_argument("--limit", type=float, default=0.1, help="A/A: count |change| above this percent (default 0.1)")
    ap.add_argument("--quick", action="store_true",
                    help="pass --quick to the binary: shorter timing, same instruction counts (fixed 100 calls)")
    ap.add_argument("--json", help="write every pair's counts, changes and verdicts here")
    ap.add_argument("extra", nargs="*", help="more flags for the bench binary (after --)")
    args = ap.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary}: not an executable")

    plan = [("A/A", 0.0, args.aa), (f"+{args.slowdown:g}% work", args.slowdown, args.pairs)]
    results = {"binary": args.binary, "quick": args.quick, "threshold_pct": args.threshold,
               "warn_threshold_pct": args.warn_threshold, "limit_pct": args.limit, "plans": {}}
    ok = True
    with tempfile.TemporaryDirectory() as d:
        for label, slowdown, n in plan:
            if n <= 0:
                continue
            verdicts = collections.defaultdict(collections.Counter)
            changes = collections.defaultdict(list)
            counts = collections.defaultdict(list)
            exits, save_walls, compare_walls, pairs = collections.Counter(), [], [], []
            for i in range(n):
                rc, rows, sw, cw = run_pair(args.binary, slowdown, args, d)
                exits[rc] += 1
                save_walls.append(sw)
                compare_walls.append(cw)
                pairs.append({"exit": rc, "rows": rows})
                for name, row in rows.items():
                    verdicts[name][row["status"]] += 1
                    changes[name].append(row["change"])
                    counts[name].append((row["baseline"], row["current"]))
                print(f"  {label} pair {i + 1}/{n}: exit {rc}, " +
                      ", ".join(f"{k.split('/')[-1]} {fmt_change(v['change'])} {v['status']}" for k, v in rows.items()),
                      file=sys.stderr, flush=True)
            summary = {}
            print(f"\n{label}: {n} pairs, exit codes {dict(sorted(exits.items()))}, median wall time "
                  f"save {statistics.median(save_walls):.1f} s, compare {statistics.median(compare_walls):.1f} s"
                  f"{' (--quick)' if args.quick else ''}")
            print(f"  {'benchmark':24} {'instr/op (base)':>15} {'max |change|':>12} {'>' + format(args.limit, 'g') + '%':>6} "
                  f"{'nonzero':>7}  " + " ".join(f"{s:>10}" for s in benchkit.COMPARED_STATUSES))
            for name, v in verdicts.items():
                ch = [c for c in changes[name] if c is not None]
                max_abs = max((abs(c) for c in ch), default=float("nan"))
                beyond = sum(1 for c in ch if abs(c) * 100 > args.limit)
                nonzero = sum(1 for c in ch if c != 0)
                missing = len(changes[name]) - len(ch)  # no count on one side (NEW): never a pass
                worse = sum(v[s] for s in benchkit.SLOWER_OR_WORSE)
                base_counts = sorted({b for b, _ in counts[name] if b is not None})
                base_desc = f"{base_counts[0]:.2f}" if len(base_counts) == 1 else f"{len(base_counts)} values"
                summary[name] = {"verdicts": dict(v), "changes": ch, "counts": counts[name], "max_abs_change": max_abs,
                                 "beyond_limit": beyond, "nonzero": nonzero, "no_count": missing, "slower_or_worse": worse}
                print(f"  {name:24} {base_desc:>15} {max_abs * 100:>11.4f}% {beyond:>6} {nonzero:>7}  " +
                      " ".join(f"{v.get(s, 0):>10}" for s in benchkit.COMPARED_STATUSES))
                if missing:
                    print(f"  {name}: no instruction count in {missing} pair(s)")
                if slowdown == 0 and (beyond or missing):
                    ok = False
                if slowdown > 0 and worse != n:
                    ok = False
            if slowdown == 0:
                print(f"  target: no |change| > {args.limit:g}% in any pair: "
                      f"{'met' if all(s['beyond_limit'] == 0 and s['no_count'] == 0 for s in summary.values()) else 'NOT met'}")
            else:
                print(f"  target: SLOWER or worse in {n}/{n} pairs for every benchmark: "
                      f"{'met' if all(s['slower_or_worse'] == n for s in summary.values()) else 'NOT met'}")
            results["plans"][label] = {"slowdown_pct": slowdown, "pairs": n, "exits": dict(exits),
                                       "save_wall_s": save_walls, "compare_wall_s": compare_walls,
                                       "benchmarks": summary, "raw": pairs}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
