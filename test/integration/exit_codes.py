#!/usr/bin/env python3
"""Integration checks of exit codes and bad input: every input error (an unknown flag, a bad
flag or environment value, an unwritable output path, a baseline file that is missing or
malformed) exits 2 with one error line; a throwing body exits 3 and is never saved.

    test/integration/exit_codes.py QUICKSTART DEMO
"""
import json
import os
import tempfile

from checks import binaries, check, finish, one_error_line, run

QUICKSTART, DEMO = binaries("QUICKSTART", "DEMO")

r = run([QUICKSTART, "--bogus"])
check("unknown flag: exit 2, one line naming it with a usage hint",
      r.returncode == 2 and one_error_line(r) and "'--bogus'" in r.stderr and "--help" in r.stderr, r.stderr)

for args, what in [(["--color", "purple"], "bad --color value"), (["--filter", "("], "malformed regex"),
                   (["--profile-time", "x"], "bad --profile-time"), (["--filter", "no_such"], "filter matching nothing")]:
    r = run([QUICKSTART] + args)
    check(f"{what}: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)

r = run([QUICKSTART, "--list"], env={"BENCHGATE_QUICK": "perhaps"})
check("bad environment value: exit 2, names the variable",
      r.returncode == 2 and "BENCHGATE_QUICK" in r.stderr and one_error_line(r), r.stderr)

r = run([QUICKSTART, "--quick", "--color", "never"], env={"BENCHGATE_QUICKSTART_THROW": "1"})
check("a throwing body: exit 3, reported as failed with its message, others still measured",
      r.returncode == 3 and "FAILED" in r.stdout and "asked to fail" in r.stdout
      and "quickstart/sum_1000" in r.stdout and "ns" in r.stdout, r.stdout + r.stderr)

with tempfile.TemporaryDirectory() as d:
    r = run([QUICKSTART, "--quick", "--json", os.path.join(d, "missing", "x.json"), "--filter", "sum"])
    check("an unwritable --json path: exit 2, one error line", r.returncode == 2 and one_error_line(r), r.stderr)

    for args in (["--threshold", "abc"], ["--warn-threshold", "20"], ["--alpha", "2"], ["--estimator", "mode"],
                 ["--confirm", "-1"], ["--speed-correction", "maybe"]):
        r = run([DEMO] + args)
        check(f"bad {args[0]}: exit 2, one line", r.returncode == 2 and one_error_line(r) and args[0] in r.stderr, r.stderr)

    # A valid baseline to break in each way below (gate.py checks that saving works).
    base = os.path.join(d, "main.json")
    run([DEMO, "--quick", "--quiet", "--save-baseline", base])
    doc = json.load(open(base))
    bad_cases = {
        "missing": None,
        "empty": "",
        "truncated": open(base).read()[:200],
        "not JSON": "this is not json",
        "newer schema": json.dumps(dict(doc, schema="benchgate/2")),
        "other schema": json.dumps(dict(doc, schema="gbench/1")),
        "negative sample": json.dumps(dict(doc, benchmarks=[dict(doc["benchmarks"][0], samples=[-1.0] * len(doc["benchmarks"][0]["samples"]))])),
        "NaN sample": open(base).read().replace('"samples": [', '"samples": [NaN, ', 1),
        "null sample": open(base).read().replace('"samples": [', '"samples": [null, ', 1),
        "zero sample": json.dumps(dict(doc, benchmarks=[dict(doc["benchmarks"][0], samples=[0] * len(doc["benchmarks"][0]["samples"]))])),
    }
    for what, content in bad_cases.items():
        path = os.path.join(d, "bad.json")
        if os.path.exists(path):
            os.remove(path)
        if content is not None:
            open(path, "w").write(content)
        r = run([DEMO, "--quick", "--baseline", path])
        check(f"{what} baseline: exit 2, one line naming the file", r.returncode == 2 and one_error_line(r)
              and path in r.stderr and r.stdout == "", r.stderr + r.stdout)

    r = run([QUICKSTART, "--quick", "--save-baseline", os.path.join(d, "q.json")], env={"BENCHGATE_QUICKSTART_THROW": "1"})
    check("a failed body is never saved as a baseline (exit 3)",
          r.returncode == 3 and not os.path.exists(os.path.join(d, "q.json")) and "not saving" in r.stderr, r.stderr)

finish()
