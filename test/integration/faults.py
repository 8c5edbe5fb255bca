#!/usr/bin/env python3
"""Integration checks of faults, on test/programs/faults.cpp (a bench binary that misbehaves on
request): bodies that throw in either side of a duet or in a confirmation process, baselines
too small to ever fail, a group gated on instructions without counting them, run_custom
returning 0, inf or NaN, damaged `rounds` in a baseline, and a compare run that must measure
what the save run measured (the process's allocator state, the company of a suspect).

    test/integration/faults.py FAULTS
"""
import json
import os
import tempfile
import time

from checks import binaries, check, finish, one_error_line, run

(FAULTS,) = binaries("FAULTS")
SPIN = "^faults/spin$"


def timed_run(args, env=None, timeout=120):
    t0 = time.monotonic()
    r = run(args, env=env, timeout=timeout)
    return r, time.monotonic() - t0


def save(path, filt, env=None, extra=()):
    r = run([FAULTS, "--quick", "--quiet", "--filter", filt, "--save-baseline", path, *extra], env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.load(open(path))


def rewrite(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f)


# ---------------------------------------------------------------- duet: a throwing body
r, took = timed_run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/(spin|company/before)$",
                     "--against", FAULTS, "--against-env", "FAULTS_THROW_IN_RUN=1", "--worker-timeout", "5"])
check("duet: a body throwing inside bench.run in the worker is FAILED at once (exit 3, well under --worker-timeout)",
      r.returncode == 3 and "FAILED" in r.stdout and "body failed" in r.stdout + r.stderr and took < 5,
      r.stdout + r.stderr + f" ({took:.1f} s)")
check("duet: after the worker's body threw, the next benchmark is still compared",
      any(l.startswith("faults/company/before") and "FAILED" not in l for l in r.stdout.splitlines()), r.stdout)

r, took = timed_run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/(spin|company/before)$",
                     "--against", FAULTS, "--against-env", "FAULTS_THROW_IN_RUN=0", "--worker-timeout", "5"],
                    env={"FAULTS_THROW_IN_RUN": "1"})
lines = r.stdout.splitlines()
check("duet: a body throwing in the parent is FAILED (exit 3) and the worker leaves that benchmark",
      r.returncode == 3 and any(l.startswith("faults/spin") and "FAILED" in l for l in lines)
      and any(l.startswith("faults/company/before") and "FAILED" not in l for l in lines) and took < 30,
      r.stdout + r.stderr)

with tempfile.TemporaryDirectory() as d:
    base = os.path.join(d, "base.json")

    # ------------------------------------------------------------ a suspect fails when re-measured
    save(base, SPIN)
    marker = os.path.join(d, "marker")
    r = run([FAULTS, "--quick", "--color", "never", "--filter", SPIN, "--baseline", base],
            env={"FAULTS_MARKER": marker, "FAULTS_FIRST_SLOWDOWN": "100", "FAULTS_LATER_THROW": "1"})
    check("a suspect whose body throws in the fresh process is FAILED and the run exits 3",
          r.returncode == 3 and "FAILED" in r.stdout, r.stdout + r.stderr)

    # ------------------------------------------------------------ baselines too small to fail
    doc = save(base, "^faults/(spin|company/before|heap)$")
    for keep in (1, 2):
        small = json.loads(json.dumps(doc))
        for b in small["benchmarks"]:
            for key in ("samples", "iterations", "rounds", "processes"):
                if key in b:
                    b[key] = b[key][:keep]
            b.pop("estimates", None)
        path = os.path.join(d, f"small{keep}.json")
        rewrite(path, small)
        r = run([FAULTS, "--quick", "--filter", "^faults/(spin|company/before|heap)$", "--baseline", path],
                env={"FAULTS_SLOWDOWN": "50"})
        check(f"a {keep}-sample baseline that can never be compared is an input error (exit 2), not a pass",
              r.returncode == 2 and "too few samples to ever fail the gate on" in r.stderr, r.stdout + r.stderr)
    r = run([FAULTS, "--quick", "--filter", "^faults/(spin|company/before|heap)$", "--baseline", base])
    check("a full baseline is not called too small", r.returncode in (0, 1) and "too few samples" not in r.stderr,
          r.stdout + r.stderr)

    # ------------------------------------------------------------ a group gated on instructions
    instr = os.path.join(d, "instr.json")
    save(instr, "^faults/instr/")
    r = run([FAULTS, "--quick", "--filter", "^faults/instr/", "--baseline", instr])
    check("a group gated on instructions, compared without --metric instructions: exit 2, one line",
          r.returncode == 2 and one_error_line(r) and "--metric instructions" in r.stderr, r.stdout + r.stderr)
    r = run([FAULTS, "--quick", "--filter", "^faults/instr/", "--against", FAULTS])
    check("a group gated on instructions in a duet (time only): exit 2, one line",
          r.returncode == 2 and one_error_line(r) and "time only" in r.stderr, r.stdout + r.stderr)

    # ------------------------------------------------------------ run_custom returning 0, inf, NaN
    for mode, expect in [("zero", "every batch measured 0 ns"), ("inf", "returned inf ns"), ("nan", "returned nan ns"),
                         ("sometimes_zero", "measured 0.000000 ns")]:
        out = os.path.join(d, f"custom_{mode}.json")
        r, took = timed_run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/custom$", "--save-baseline", out],
                            env={"FAULTS_CUSTOM": mode}, timeout=60)
        check(f"run_custom returning {mode}: FAILED with the benchmark's name and why, exit 3, no baseline written",
              r.returncode == 3 and "faults/custom" in r.stdout + r.stderr and expect in r.stdout + r.stderr
              and not os.path.exists(out) and took < 20, r.stdout + r.stderr + f" ({took:.1f} s)")

    # ------------------------------------------------------------ damaged rounds
    doc = save(base, SPIN)
    huge = json.loads(json.dumps(doc))
    huge["benchmarks"][0]["rounds"][-1] = 4294967294
    rewrite(os.path.join(d, "huge.json"), huge)
    r, took = timed_run([FAULTS, "--quick", "--filter", SPIN, "--baseline", os.path.join(d, "huge.json")], timeout=60)
    check("a baseline with a huge round index: exit 2 at once, one line naming the index",
          r.returncode == 2 and one_error_line(r) and "4294967294" in r.stderr and took < 5, r.stderr + f" ({took:.1f} s)")
    short = json.loads(json.dumps(doc))
    short["benchmarks"][0]["rounds"] = short["benchmarks"][0]["rounds"][:3]
    rewrite(os.path.join(d, "short.json"), short)
    r = run([FAULTS, "--quick", "--filter", SPIN, "--baseline", os.path.join(d, "short.json")])
    check("a baseline whose rounds and samples differ in length: exit 2, one line",
          r.returncode == 2 and one_error_line(r) and '"rounds" has 3 entries' in r.stderr, r.stderr)

    # ------------------------------------------------------------ same process state as a plain run
    doc = save(base, "^faults/heap$")
    big = json.loads(json.dumps(doc))
    filler = dict(big["benchmarks"][0])
    for i in range(3000):
        b = dict(filler)
        b["name"] = f"filler/{i}"
        big["benchmarks"].append(b)
    rewrite(os.path.join(d, "big.json"), big)

    def allocations_before(extra):
        r = run([FAULTS, "--quick", "--quiet", "--filter", "^faults/heap$", "--json", "-", *extra])
        try:
            b = json.loads(r.stdout)["benchmarks"][0]
            return next(c["per_iteration"] for c in b["counters"].values()) if isinstance(b["counters"], dict) else \
                next(c["value"] for c in b["counters"])
        except Exception:
            return None

    plain = allocations_before([])
    compared = allocations_before(["--baseline", os.path.join(d, "big.json")])
    check("--baseline leaves the measured process as a plain run leaves it (allocations before the body)",
          plain is not None and compared is not None and abs(compared - plain) < 200, f"plain {plain}, with baseline {compared}")

    # ------------------------------------------------------------ a suspect re-measured in its company
    save(base, "^faults/company/")
    marker = os.path.join(d, "marker2")
    r = run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/company/", "--baseline", base],
            env={"FAULTS_MARKER": marker, "FAULTS_FIRST_SLOWDOWN": "100"})
    check("a suspect is re-measured with the benchmarks it ran with (not alone): a one-process slowdown is not confirmed",
          r.returncode == 0 and "REGRESSION" not in r.stdout and os.path.exists(marker), r.stdout + r.stderr)

finish()
