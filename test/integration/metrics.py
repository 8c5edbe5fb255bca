#!/usr/bin/env python3
"""Integration checks of what is measured besides a comparison: the time of an empty body,
allocation counts (exact, and gated with --gate allocations), hardware counters
(--counters), and instruction counts under valgrind (--metric instructions; those checks run
only where valgrind is on PATH).

    test/integration/metrics.py QUICKSTART OVERHEAD DEMO ALLOCATIONS
"""
import json
import os
import re
import shutil
import tempfile

from checks import binaries, check, finish, one_error_line, run

QUICKSTART, OVERHEAD, DEMO, ALLOCS = binaries("QUICKSTART", "OVERHEAD", "DEMO", "ALLOCATIONS")
# Set by test/meson.build in a -Db_sanitize build (unoptimised, instrumented).
SANITIZED = os.environ.get("TEST_SANITIZED_BUILD") == "1"

r = run([OVERHEAD, "--quick", "--json", "-", "--filter", "empty_body"])
doc = json.loads(r.stdout)
empty = doc["benchmarks"][0]["estimates"]["median"]["point"]
# Gross effect only: an empty body costs no call; far below a clock read (~20 ns). Unoptimised,
# the call stays and every access is instrumented, so the sanitized build checks only a bound.
limit = 50.0 if SANITIZED else 5.0
check(f"the empty body costs a few cycles at most (< {limit:g} ns)", r.returncode == 0 and empty < limit, str(empty))


r = run([ALLOCS, "--quick", "--json", "-", "--color", "never"])
allocs = {b["name"]: b.get("metrics", {}) for b in json.loads(r.stdout)["benchmarks"]} if r.returncode == 0 else {}
check("allocation counts are exact: reserve(1000) ints is 1 allocation of 4000 bytes",
      allocs.get("alloc/vector_reserve_1000", {}).get("allocations") == 1.0
      and allocs.get("alloc/vector_reserve_1000", {}).get("allocated_bytes") == 4000.0, str(allocs))
check("allocation counts: growth to 1000 ints takes 11 allocations; a short string none",
      allocs.get("alloc/vector_grow_1000", {}).get("allocations") == 11.0
      and allocs.get("alloc/short_string", {}).get("allocations") == 0.0, str(allocs))
r = run([QUICKSTART, "--quick", "--json", "-"])
check("without BENCHGATE_COUNT_ALLOCATIONS nothing is counted",
      r.returncode == 0 and all("allocations" not in b.get("metrics", {}) for b in json.loads(r.stdout)["benchmarks"]))
r = run([QUICKSTART, "--quick", "--gate", "allocations"])
check("--gate allocations without counting compiled in: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)

with tempfile.TemporaryDirectory() as d:
    base = os.path.join(d, "allocs.json")
    run([ALLOCS, "--quick", "--quiet", "--save-baseline", base])
    r = run([ALLOCS, "--quick", "--baseline", base, "--gate", "allocations", "--color", "never"])
    check("--gate allocations: an unchanged binary is STABLE on exact counts",
          r.returncode == 0 and "allocations, exact" in r.stdout and "REGRESSION" not in r.stdout, r.stdout)

r = run([QUICKSTART, "--quick", "--counters", "--filter", "sum", "--json", "-"])
doc = json.loads(r.stdout) if r.returncode == 0 else {}
hw = doc.get("benchmarks", [{}])[0].get("metrics", {}).get("hardware")
note = "hardware counters unavailable" in r.stderr
check("--counters: hardware counters, or (no PMU where the test runs) one note and a successful run",
      r.returncode == 0 and ((hw and hw.get("instructions", 0) > 0) or
                             (note and any("hardware counters unavailable" in n for n in doc["context"].get("notes", [])))),
      r.stderr)

if SANITIZED:
    r = run([DEMO, "--quick", "--metric", "instructions", "--filter", "hash"])
    check("--metric instructions in an AddressSanitizer build: exit 2, one line saying valgrind cannot run it",
          r.returncode == 2 and "AddressSanitizer" in r.stderr, r.stderr)
elif shutil.which("valgrind"):
    with tempfile.TemporaryDirectory() as d:
        counts = []
        for i in range(2):
            out = os.path.join(d, f"i{i}.json")
            r = run([DEMO, "--quick", "--quiet", "--metric", "instructions", "--filter", "hash|vector", "--json", out])
            counts.append({b["name"]: b["metrics"]["instructions"] for b in json.load(open(out))["benchmarks"]}
                          if r.returncode == 0 else {})
        check("--metric instructions: two runs count identical instructions",
              counts[0] and counts[0] == counts[1] and all(v > 0 for v in counts[0].values()), str(counts))
        base = os.path.join(d, "ib.json")
        run([DEMO, "--quick", "--quiet", "--metric", "instructions", "--filter", "hash|vector", "--save-baseline", base])
        r = run([DEMO, "--quick", "--metric", "instructions", "--filter", "hash|vector", "--baseline", base,
                 "--threshold", "1", "--warn-threshold", "0.5", "--color", "never"], env={"BENCHGATE_DEMO_SLOWDOWN": "5"})
        check("--metric instructions sees a +5% work change (exact verdict, exit 1)",
              r.returncode == 1 and r.stdout.count("REGRESSION") >= 2 and "instructions, exact" in r.stdout, r.stdout)
        r = run([DEMO, "--quick", "--metric", "instructions", "--filter", "hash", "--baseline", base,
                 "--threshold", "1", "--warn-threshold", "0.5", "--color", "never"])
        check("--metric instructions: an identical rerun is STABLE with a 0.0% change",
              r.returncode == 0 and "+0.0%" in r.stdout and "STABLE" in r.stdout, r.stdout)
        r = run([DEMO, "--quick", "--metric", "instructions", "--filter", "hash"],
                env={"TMPDIR": os.path.join(d, "missing")})
        check("--metric instructions keeps its dumps under $TMPDIR (a missing one: exit 2, one line naming it)",
              r.returncode == 2 and one_error_line(r) and os.path.join(d, "missing") in r.stderr, r.stderr)
        # A valgrind that fails: the error names its log, and the log is still there to read.
        fake_bin = os.path.join(d, "bin")
        os.mkdir(fake_bin)
        with open(os.path.join(fake_bin, "valgrind"), "w") as f:
            f.write('#!/bin/sh\nfor a; do case "$a" in --log-file=*) echo "fake valgrind failure" > "${a#--log-file=}";; esac; done\nexit 1\n')
        os.chmod(os.path.join(fake_bin, "valgrind"), 0o755)
        r = run([DEMO, "--quick", "--metric", "instructions", "--filter", "hash"],
                env={"PATH": fake_bin + os.pathsep + os.environ.get("PATH", ""), "TMPDIR": d})
        named = re.search(r"see (\S+/valgrind\.log)", r.stderr)
        check("a failing valgrind run: exit 2, and the valgrind.log its error names is kept",
              r.returncode == 2 and named is not None and os.path.exists(named.group(1))
              and "fake valgrind failure" in open(named.group(1)).read(), r.stderr)
    r = run([DEMO, "--quick", "--metric", "instructions", "--filter", "hash"], env={"PATH": "/nonexistent"})
    check("--metric instructions without valgrind on PATH: exit 2, one clear line",
          r.returncode == 2 and one_error_line(r) and "valgrind" in r.stderr, r.stderr)

finish()
