#!/usr/bin/env python3
"""Run-to-run stability of a bench binary: runs it N times in separate processes and reports,
per benchmark, the coefficient of variation (stddev / mean) of each estimator across runs.

    tools/stability.py build/examples/regression_demo --runs 15 [-- extra bench flags]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import benchkit


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--json", help="write the per-run estimates and CVs here")
    ap.add_argument("extra", nargs="*", help="flags passed to the bench binary (after --)")
    args = ap.parse_args()

    per_bench = {}
    walls = []
    with tempfile.TemporaryDirectory() as d:
        for i in range(args.runs):
            out = os.path.join(d, f"run{i}.json")
            t0 = time.monotonic()
            r = subprocess.run([args.binary, "--quiet", "--json", out] + args.extra, capture_output=True, text=True)
            walls.append(time.monotonic() - t0)
            if r.returncode != 0:
                sys.exit(f"run {i} failed with exit {r.returncode}: {r.stderr.strip()}")
            doc = json.load(open(out))
            # The machine-speed reference of this run: dividing by it gives the speed-corrected
            # estimate the gate compares (see README, "Machine-speed correction").
            ref = doc.get("reference", {}).get("estimates", {}).get("median", {}).get("point")
            for b in doc["benchmarks"]:
                e = b["estimates"]
                per_bench.setdefault(b["name"], []).append(
                    {"median": e["median"]["point"], "mean": e["mean"]["point"], "min": e["min"], "p10": e.get("p10", e["min"]),
                     "corrected": e["median"]["point"] / ref if ref else e["median"]["point"]})

    rows = []
    print(f"{args.runs} runs of {args.binary} {' '.join(args.extra)}; wall time per run: median {statistics.median(walls):.2f} s")
    print(f"{'benchmark':28} {'median':>10} {'CV(median)':>11} {'CV(p10)':>9} {'CV(min)':>9} {'CV(mean)':>9} "
          f"{'CV(median/ref)':>15}")
    for name, runs in per_bench.items():
        row = {"name": name, "median_ns": statistics.median(r["median"] for r in runs)}
        for k in ("median", "p10", "min", "mean", "corrected"):
            row["cv_" + k] = benchkit.coefficient_of_variation([r[k] for r in runs], undefined=0.0)
        rows.append(row)
        print(f"{name:28} {row['median_ns']:>8.1f}ns {row['cv_median']*100:>10.2f}% {row['cv_p10']*100:>8.2f}% "
              f"{row['cv_min']*100:>8.2f}% {row['cv_mean']*100:>8.2f}% {row['cv_corrected']*100:>14.2f}%")
    if args.json:
        json.dump({"runs": args.runs, "wall_s": walls, "benchmarks": rows, "raw": per_bench}, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
