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
import time

import benchkit


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--aa", type=int, default=30)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--slowdowns", default="5,10")
    ap.add_argument("--json")
    ap.add_argument("--noise", choices=("off", "on", "both"), default="off",
                    help="run beside benchgate-noise (tools/noise.cpp); both: quiet, then noisy, side by side")
    ap.add_argument("--noise-binary", help="path of benchgate-noise (default: BUILD/tools/benchgate-noise)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the noisy neighbour")
    ap.add_argument("extra", nargs="*")
    args = ap.parse_args()
    results = {}
    noise_binary = args.noise_binary or benchkit.default_noise_binary(args.binary)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "duet.json")
        for setting, noisy in benchkit.noise_settings(args.noise):
          with benchkit.noisy_neighbour(noisy, noise_binary, seed=args.seed):
            results[setting] = {}
            # A count of 0 leaves that setting out (--aa 0: slowdowns only; --runs 0: A/A only).
            for slowdown, n in [(0.0, args.aa)] + [(s, args.runs) for s in benchkit.parse_slowdown_plan(args.slowdowns)]:
                if n == 0:
                    continue
                env = benchkit.environment_without_benchgate({"BENCHGATE_DEMO_SLOWDOWN": str(slowdown)})
                verdicts, changes, exits = collections.defaultdict(collections.Counter), collections.defaultdict(list), collections.Counter()
                walls = []
                for _ in range(n):
                    t0 = time.monotonic()
                    r = subprocess.run([args.binary, "--quiet", "--against", args.binary, "--against-env", "BENCHGATE_DEMO_SLOWDOWN=0",
                                        "--json", out] + args.extra, env=env, capture_output=True, text=True)
                    walls.append(time.monotonic() - t0)
                    if r.returncode not in (0, 1):
                        sys.exit(f"duet run failed (exit {r.returncode}): {r.stderr.strip()}")
                    exits[r.returncode] += 1
                    for b in json.load(open(out))["benchmarks"]:
                        verdicts[b["name"]][b["comparison"]["status"]] += 1
                        changes[b["name"]].append(b["comparison"]["change"]["point"])
                results[setting][slowdown] = {"runs": n, "exits": dict(exits), "wall_s": statistics.median(walls),
                                              "wall_worst_s": max(walls),
                                              "benchmarks": {k: {"verdicts": dict(v), "changes": changes[k]} for k, v in verdicts.items()}}
                print(f"\n[{setting}] {'A/A' if slowdown == 0 else f'+{slowdown:g}% work'}: {n} duet runs, exit codes {dict(sorted(exits.items()))}, "
                      f"wall time median {statistics.median(walls):.2f} s, worst {max(walls):.2f} s")
                print(f"  {'benchmark':24} {'median change':>13} {'sd':>6}  " + " ".join(f"{s:>10}" for s in benchkit.COMPARED_STATUSES))
                for name, v in verdicts.items():
                    c = changes[name]
                    sd = statistics.stdev(c) if len(c) > 1 else 0.0
                    print(f"  {name:24} {statistics.median(c)*100:>12.1f}% {sd*100:>5.1f}%  " +
                          " ".join(f"{v.get(s, 0):>10}" for s in benchkit.COMPARED_STATUSES), flush=True)
    if args.json:
        json.dump(results, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
