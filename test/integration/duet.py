#!/usr/bin/env python3
"""Integration checks of duet mode (--against OTHER_BINARY): an interleaved A/A comparison
is quiet, 25% more work is a confirmed REGRESSION and 25% less an improvement, --against-env
reaches only the worker, --save-baseline keeps both sides, and a worker that is not a
benchgate binary, speaks another protocol, dies, hangs or lies (test/fake_workers/) stops the
run with exit 2 and one line, and a worker of the previous protocol is still driven.

    test/integration/duet.py DEMO DEMO_SLOW
"""
import json
import os
import re
import tempfile
import time

from checks import binaries, check, compute_bound, finish, one_error_line, run, verdict_check

DEMO, DEMO_SLOW = binaries("DEMO", "DEMO_SLOW")
FAKE_WORKERS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fake_workers")

r = run([DEMO, "--quick", "--against", DEMO, "--color", "never"])
verdict_check("duet A/A: two processes of the same build, no REGRESSION, exit 0, says it is interleaved",
      r.returncode == 0 and "REGRESSION" not in r.stdout and "duet: interleaved comparison against" in r.stdout, r.stdout + r.stderr)
r = run([DEMO_SLOW, "--quick", "--against", DEMO, "--color", "never"])
verdict_check("duet: a build with 25% more work against the old build is a confirmed REGRESSION, exit 1",
      r.returncode == 1 and compute_bound(r.stdout, "REGRESSION") and re.search(r"judged on \d+ processes", r.stdout),
      r.stdout + r.stderr)
r = run([DEMO, "--quick", "--against", DEMO_SLOW, "--color", "never"])
verdict_check("duet: the old build against the slower one is FASTER/IMPROVED, exit 0",
      r.returncode == 0 and compute_bound(r.stdout, "IMPROVED", "FASTER"), r.stdout + r.stderr)
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "accepted.json")
    md = os.path.join(d, "accepted.md")
    r = run([DEMO_SLOW, "--quick", "--against", DEMO, "--color", "never", "--filter", "hash_chain",
             "--accept", "demo/hash_chain=more rounds on purpose", "--accept", "demo/elsewhere=another shard's",
             "--json", out, "--markdown", md])
    rows = {b["name"]: b.get("comparison", {}) for b in json.load(open(out))["benchmarks"]} if os.path.exists(out) else {}
    verdict_check("--accept NAME=REASON: the regression the change means is ACCEPTED with its reason, the gate passes (exit 0)",
                  r.returncode == 0 and re.search(r"demo/hash_chain .* ACCEPTED", r.stdout) is not None and
                  "demo/hash_chain: accepted: more rounds on purpose" in r.stdout and
                  rows.get("demo/hash_chain", {}).get("status") == "ACCEPTED" and
                  rows["demo/hash_chain"].get("accepted") == "more rounds on purpose" and
                  "ACCEPTED" in open(md).read() and "more rounds on purpose" in open(md).read(),
                  r.stdout + r.stderr)
r = run([DEMO, "--quick", "--against", DEMO, "--accept", "demo/hash_chain"])
check("--accept without =REASON: exit 2, one line", r.returncode == 2 and one_error_line(r) and "NAME=REASON" in r.stderr,
      r.stdout + r.stderr)
r = run([DEMO, "--quick", "--quiet", "--against", DEMO, "--against-env", "BENCHGATE_DEMO_SLOWDOWN=0"],
        env={"BENCHGATE_DEMO_SLOWDOWN": "25"})
verdict_check("--against-env sets the worker's environment only (this side slowed 25%: REGRESSION)",
      r.returncode == 1 and "REGRESSION" in r.stdout, r.stdout + r.stderr)
with tempfile.TemporaryDirectory() as d:
    saved = os.path.join(d, "duet.json")
    r = run([DEMO, "--quick", "--quiet", "--against", DEMO, "--save-baseline", saved, "--filter", "hash"])
    doc = json.load(open(saved)) if os.path.exists(saved) else {}
    b = doc.get("benchmarks", [{}])[0]
    check("--against with --save-baseline keeps both sides' samples",
          r.returncode == 0 and len(b.get("paired", {}).get("baseline_samples", [])) == len(b.get("samples", [])) > 0, str(b)[:300])

for fake, expect in [("not_benchgate.sh", "is not a benchgate bench binary"), ("wrong_protocol.sh", "protocol 99"),
                     ("dies.sh", "died"), ("hangs.sh", "did not answer within"), ("lies.sh", "answered 'time -5'"),
                     ("short_turn.sh", "answered 'times 1000' to 'turn'"),
                     ("no_such_worker", "cannot execute")]:
    t0 = time.monotonic()
    r = run([DEMO, "--quick", "--against", os.path.join(FAKE_WORKERS, fake), "--worker-timeout", "2", "--filter", "hash"])
    took = time.monotonic() - t0
    check(f"--against {fake}: exit 2, one line saying '{expect}'",
          r.returncode == 2 and one_error_line(r) and expect in r.stderr and took < 30, r.stderr + f" ({took:.1f} s)")

# A worker of the previous protocol (a base built with an older benchgate) is still driven.
r = run([DEMO, "--quick", "--against", os.path.join(FAKE_WORKERS, "protocol2.sh"), "--worker-timeout", "5", "--filter", "hash",
         "--color", "never"])
check("--against a protocol 2 worker: measured a batch at a time, judged (exit 0 or 1), no error",
      r.returncode in (0, 1) and "demo/hash_chain" in r.stdout
      and not [l for l in r.stderr.splitlines() if l.strip() and "unoptimised (debug) build" not in l]
      and "speaks worker protocol 2 (an older benchgate)" in r.stdout, r.stdout + r.stderr)

finish()
