#!/usr/bin/env python3
"""Which estimator is most reproducible between processes? Reads the --json files of many
separate runs of one bench binary (A: unchanged; B: optionally with injected work) and prints,
per benchmark and estimator: the CV over the A runs, the spread (sd) of the A/A change between
consecutive A runs, and the median and sd of the change from A run i to B run i (both in log %).

    for i in $(seq 40); do
        BENCHGATE_PEER_SLOWDOWN=0  BIN --quiet --json runs/a_$i.json
        BENCHGATE_PEER_SLOWDOWN=10 BIN --quiet --json runs/b_$i.json
    done
    tools/estimators.py 'runs/a_*.json' 'runs/b_*.json'

d' = median A->B change / sd of the A/A change: how far a real change stands out of the noise.
"""
import glob
import json
import math
import re
import statistics as st
import sys

import benchkit


def quantile(p):
    def f(x):
        s = sorted(x)
        h = (len(s) - 1) * p
        lo = int(h)
        return s[lo] + (s[min(lo + 1, len(s) - 1)] - s[lo]) * (h - lo)
    return f


ESTIMATORS = {"median": st.median, "mean": st.mean, "min": min, "p10": quantile(0.10), "p25": quantile(0.25)}


def load(pattern):
    files = sorted(glob.glob(pattern), key=lambda f: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", f)])
    if len(files) < 3:
        sys.exit(f"{pattern}: need at least 3 run files, found {len(files)}")
    return [json.load(open(f)) for f in files]


def samples(doc, name):
    for b in doc["benchmarks"] + ([doc["reference"]] if doc.get("reference") else []):
        if b["name"] == name:
            return b["samples"]
    raise SystemExit(f"{name} missing in a run")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = load(sys.argv[1]), load(sys.argv[2])
    n = min(len(a), len(b))
    print(f"{n} A runs, {n} B runs")
    print(f"{'benchmark':<28} {'estimator':<9} {'CV(A)':>7} {'sd A/A':>7} {'A->B':>7} {'sd A->B':>8} {'d':>5}")
    for name in [x["name"] for x in a[0]["benchmarks"]]:
        for est, f in ESTIMATORS.items():
            va = [f(samples(d, name)) for d in a[:n]]
            vb = [f(samples(d, name)) for d in b[:n]]
            cv = benchkit.coefficient_of_variation(va, population=True) * 100
            aa = [math.log(va[i + 1] / va[i]) * 100 for i in range(n - 1)]
            ab = [math.log(vb[i] / va[i]) * 100 for i in range(n)]
            sd = st.pstdev(aa)
            d = st.median(ab) / sd if sd > 0 else float("nan")
            print(f"{name[:28]:<28} {est:<9} {cv:6.2f}% {sd:6.2f}% {st.median(ab):+6.2f}% {st.pstdev(ab):7.2f}% {d:5.1f}")
        print()


if __name__ == "__main__":
    main()
