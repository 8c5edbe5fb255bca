#!/usr/bin/env python3
"""Gate quality of duet mode: repeats `DEMO --against DEMO` runs, A/A and with this side slowed
by BENCHGATE_DEMO_SLOWDOWN (the worker keeps 0 through --against-env), and counts verdicts.

    tools/duet_quality.py build/examples/regression_demo --aa 30 --runs 20 --slowdowns 5,10
"""
import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import tempfile

import benchkit


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--aa", type=int, default=30)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--slowdowns", default="5,10")
    ap.add_argument("--json")
    ap.add_argument("extra", nargs="*")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "duet.json")
        for slowdown, n in [(0.0, args.aa)] + [(s, args.runs) for s in benchkit.parse_slowdown_plan(args.slowdowns)]:
            env = benchkit.environment_without_benchgate({"BENCHGATE_DEMO_SLOWDOWN": str(slowdown)})
            verdicts, changes, exits = collections.defaultdict(collections.Counter), collections.defaultdict(list), collections.Counter()
            for _ in range(n):
                r = subprocess.run([args.binary, "--quiet", "--against", args.binary, "--against-env", "BENCHGATE_DEMO_SLOWDOWN=0",
                                    "--json", out] + args.extra, env=env, capture_output=True, text=True)
                if r.returncode not in (0, 1):
                    sys.exit(f"duet run failed (exit {r.returncode}): {r.stderr.strip()}")
                exits[r.returncode] += 1
                for b in json.load(open(out))["benchmarks"]:
                    verdicts[b["name"]][b["comparison"]["status"]] += 1
                    changes[b["name"]].append(b["comparison"]["change"]["point"])
            results[slowdown] = {"runs": n, "exits": dict(exits),
                                 "benchmarks": {k: {"verdicts": dict(v), "changes": changes[k]} for k, v in verdicts.items()}}
            print(f"\n{'A/A' if slowdown == 0 else f'+{slowdown:g}% work'}: {n} duet runs, exit codes {dict(sorted(exits.items()))}")
            print(f"  {'benchmark':24} {'median change':>13} {'sd':>6}  " + " ".join(f"{s:>10}" for s in benchkit.COMPARED_STATUSES))
            for name, v in verdicts.items():
                c = changes[name]
                print(f"  {name:24} {statistics.median(c)*100:>12.1f}% {statistics.stdev(c)*100:>5.1f}%  " +
                      " ".join(f"{v.get(s, 0):>10}" for s in benchkit.COMPARED_STATUSES))
    if args.json:
        json.dump(results, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
