#!/usr/bin/env python3
"""Integration tests: run the real bench binaries and check exit codes, output and files."""
import json
import os
import subprocess
import sys
import tempfile

QUICKSTART, OVERHEAD = sys.argv[1], sys.argv[2]
failures = []
passed = 0


def run(args, env=None, timeout=120):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHGATE_")}
    full_env.update(env or {})
    return subprocess.run(args, capture_output=True, text=True, env=full_env, timeout=timeout)


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failures.append(name)
        print(f"FAIL {name}\n     {detail}")


def one_error_line(r):
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    return len(lines) == 1 and lines[0].startswith("benchgate: error:")


r = run([QUICKSTART, "--list"])
check("--list prints the names, exit 0",
      r.returncode == 0 and r.stdout.split() == ["quickstart/sum_1000", "quickstart/to_string", "quickstart/may_throw"],
      r.stdout + r.stderr)

r = run([QUICKSTART, "--list", "--filter", "to_str"])
check("--filter selects by regex", r.returncode == 0 and r.stdout.split() == ["quickstart/to_string"], r.stdout)

r = run([QUICKSTART, "--list"], env={"BENCHGATE_FILTER": "^quickstart/s"})
check("BENCHGATE_FILTER mirrors --filter", r.stdout.split() == ["quickstart/sum_1000"], r.stdout)

r = run([QUICKSTART, "--quick", "--json", "-", "--filter", "sum|to_string"])
try:
    doc = json.loads(r.stdout)
    ok = (r.returncode == 0 and doc["schema"] == "benchgate/1" and len(doc["benchmarks"]) == 2
          and all(len(b["samples"]) == len(b["iterations"]) > 0 for b in doc["benchmarks"])
          and all(b["estimates"]["median"]["lower"] <= b["estimates"]["median"]["point"]
                  <= b["estimates"]["median"]["upper"] for b in doc["benchmarks"])
          and doc["created"].endswith("Z") and doc["context"]["cores"] >= 1)
    check("--json - writes valid JSON with schema, samples and estimates", ok, r.stdout[:300])
    check("with --json -, the table goes to stderr", "Median/op" in r.stderr and "Median/op" not in r.stdout)
except json.JSONDecodeError as e:
    check("--json - writes valid JSON", False, f"{e}: {r.stdout[:300]}")

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "out.json")
    r = run([QUICKSTART, "--quick", "--quiet", "--json", path, "--filter", "sum"])
    check("--json FILE writes the file, --quiet prints no table",
          r.returncode == 0 and os.path.exists(path) and json.load(open(path))["benchmarks"][0]["name"] == "quickstart/sum_1000"
          and "Median/op" not in r.stdout, r.stdout + r.stderr)
    check("no temporary file is left behind", os.listdir(d) == ["out.json"], str(os.listdir(d)))
    r = run([QUICKSTART, "--quick", "--json", os.path.join(d, "missing", "x.json"), "--filter", "sum"])
    check("an unwritable --json path: exit 2, one error line", r.returncode == 2 and one_error_line(r), r.stderr)

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

r = run([QUICKSTART, "--help"])
check("--help lists the flags, exit 0",
      r.returncode == 0 and all(f in r.stdout for f in ["--list", "--filter", "--quick", "--json", "--profile-time",
                                                       "--color", "--quiet", "--version"]), r.stdout)
r = run([QUICKSTART, "--version"])
check("--version", r.returncode == 0 and r.stdout.startswith("benchgate "), r.stdout)

r = run([QUICKSTART, "--profile-time", "0.05", "--filter", "sum"])
check("--profile-time runs without analysis", r.returncode == 0 and "profiled 1 benchmark" in r.stdout, r.stdout + r.stderr)

r = run([QUICKSTART, "--quick", "--color", "always", "--filter", "sum"])
check("--color always colours the table", "\x1b[" in r.stdout, repr(r.stdout[:80]))
r = run([QUICKSTART, "--quick", "--filter", "sum"])
check("colour is off when stdout is not a terminal", "\x1b[" not in r.stdout, repr(r.stdout[:80]))

r = run([OVERHEAD, "--quick", "--json", "-", "--filter", "empty_body"])
doc = json.loads(r.stdout)
empty = doc["benchmarks"][0]["estimates"]["median"]["point"]
# Gross effect only: an empty body costs no call; far below a clock read (~20 ns).
check("the empty body costs a few cycles at most (< 5 ns)", r.returncode == 0 and empty < 5.0, str(empty))

print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
