#!/usr/bin/env python3
"""Gate quality of a bench binary on the machine it runs on: repeats save/compare pairs of
separate processes and counts the verdicts.

For each pair, one process saves a baseline (no slowdown) and a second, fresh process
compares against it with BENCHGATE_DEMO_SLOWDOWN set (0 for A/A pairs). Confirmation
re-measurements happen inside the compare process, exactly as a user's CI would run it.

    tools/gate_quality.py build/examples/regression_demo --aa 30 --pairs 20 --slowdowns 3,15,25
"""
import argparse
import collections
import json
import statistics
import sys
import tempfile

import benchkit


def run_pair(binary, slowdown, extra, d):
    try:
        pair = benchkit.run_baseline_pair(binary, d, extra=extra,
                                          compare_env={"BENCHGATE_DEMO_SLOWDOWN": str(slowdown)})
    except benchkit.BenchProcessFailed as e:
        sys.exit(e.stage_message())
    doc = pair.comparison
    rows = {b["name"]: b["comparison"] for b in doc["benchmarks"]}
    return pair.exit_code, rows, pair.compare_wall_s, doc["gate"].get("speed_factor", 1.0), pair.save_wall_s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--aa", type=int, default=30, help="A/A pairs")
    ap.add_argument("--pairs", type=int, default=20, help="pairs per slowdown")
    ap.add_argument("--slowdowns", default="3,15,25")
    ap.add_argument("--json", help="write all verdicts here")
    ap.add_argument("--noise", choices=("off", "on", "both"), default="off",
                    help="run beside benchgate-noise (tools/noise.cpp); both: quiet, then noisy, side by side")
    ap.add_argument("--noise-binary", help="path of benchgate-noise (default: BUILD/tools/benchgate-noise)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the noisy neighbour")
    ap.add_argument("extra", nargs="*", help="flags for the bench binary (after --)")
    args = ap.parse_args()

    # A count of 0 leaves that setting out (--aa 0: slowdowns only; --pairs 0: A/A only).
    plan = [(s, n) for s, n in [(0, args.aa)] + [(s, args.pairs) for s in benchkit.parse_slowdown_plan(args.slowdowns)] if n > 0]
    results = {}
    noise_binary = args.noise_binary or benchkit.default_noise_binary(args.binary)
    with tempfile.TemporaryDirectory() as d:
        for setting, noisy in benchkit.noise_settings(args.noise):
          with benchkit.noisy_neighbour(noisy, noise_binary, seed=args.seed):
            results[setting] = {}
            for slowdown, n in plan:
                verdicts = collections.defaultdict(collections.Counter)
                changes = collections.defaultdict(list)
                exits, walls, save_walls, speeds = collections.Counter(), [], [], []
                raw = collections.defaultdict(list)
                for _ in range(n):
                    rc, rows, wall, speed, save_wall = run_pair(args.binary, slowdown, args.extra, d)
                    speeds.append(speed)
                    exits[rc] += 1
                    walls.append(wall)
                    save_walls.append(save_wall)
                    for name, c in rows.items():
                        verdicts[name][c["status"]] += 1
                        changes[name].append(c["change"]["point"])
                        raw[name].append(c.get("raw_change", c["change"]["point"]))
                results[setting][slowdown] = {
                    "pairs": n, "exits": dict(exits), "compare_wall_s": statistics.median(walls),
                    "compare_wall_worst_s": max(walls), "save_wall_s": statistics.median(save_walls),
                    "speed_factors": speeds,
                    "benchmarks": {k: {"verdicts": dict(v), "median_change": statistics.median(changes[k]),
                                       "changes": changes[k], "raw_changes": raw[k]}
                                   for k, v in verdicts.items()}}
                label = "A/A" if slowdown == 0 else f"+{slowdown:g}% work"
                print(f"\n[{setting}] {label}: {n} pairs, exit codes {dict(sorted(exits.items()))}, "
                      f"compare wall time median {statistics.median(walls):.2f} s, worst {max(walls):.2f} s, "
                      f"save {statistics.median(save_walls):.2f} s, "
                      f"machine speed factor {min(speeds):.3f}..{max(speeds):.3f}")
                print(f"  {'benchmark':24} {'median change':>13} {'spread (sd)':>11} {'raw sd':>7}  " +
                      " ".join(f"{s[:10]:>10}" for s in benchkit.COMPARED_STATUSES))
                for name, v in verdicts.items():
                    sd = statistics.stdev(changes[name]) if n > 1 else 0.0
                    raw_sd = statistics.stdev(raw[name]) if n > 1 else 0.0
                    print(f"  {name:24} {statistics.median(changes[name])*100:>12.1f}% {sd*100:>10.1f}% {raw_sd*100:>6.1f}%  " +
                          " ".join(f"{v.get(s, 0):>10}" for s in benchkit.COMPARED_STATUSES), flush=True)
    if args.json:
        json.dump(results, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
