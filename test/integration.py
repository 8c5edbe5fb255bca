#!/usr/bin/env python3
"""Integration tests: run the real bench binaries and check exit codes, output and files."""
import json
import os
import subprocess
import sys
import tempfile

QUICKSTART, OVERHEAD, DEMO, ALLOCS, DEMO_SLOW = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
FAKES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_workers")
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


# ---------------------------------------------------------------- the regression gate (demo)
with tempfile.TemporaryDirectory() as d:
    base = os.path.join(d, "main.json")
    r = run([DEMO, "--quick", "--quiet", "--save-baseline", base])
    doc = json.load(open(base))
    check("--save-baseline writes a complete baseline with raw samples and the reference",
          r.returncode == 0 and doc["schema"] == "benchgate/1" and len(doc["benchmarks"]) == 4
          and all(len(b["samples"]) > 0 for b in doc["benchmarks"]) and len(doc["reference"]["samples"]) > 0,
          r.stderr)

    r = run([DEMO, "--quick", "--baseline", base, "--color", "never"])
    check("an identical rerun is not a REGRESSION (exit 0)",
          r.returncode == 0 and "REGRESSION" not in r.stdout and "Change [95% CI]" in r.stdout, r.stdout + r.stderr)

    md, csv_path, js = (os.path.join(d, n) for n in ("pr.md", "pr.csv", "cmp.json"))
    r = run([DEMO, "--quick", "--baseline", base, "--markdown", md, "--csv", csv_path, "--json", js, "--color", "never"],
            env={"BENCHGATE_DEMO_SLOWDOWN": "100"})
    text = open(md).read() if os.path.exists(md) else ""
    check("a 2x slowdown is a confirmed REGRESSION, exit 1",
          r.returncode == 1 and r.stdout.count("REGRESSION") >= 4 and "confirmed in 2/2 fresh processes" in r.stdout,
          r.stdout + r.stderr)
    check("markdown: heading, seed table, summary of regressions",
          text.startswith("## \U0001F4CA Benchmark Results") and "| Benchmark | Baseline | Current | Change | Status |" in text
          and "\U0001F534 REGRESSION" in text and "### Summary" in text and "Performance Regressions Detected:" in text
          and "- demo/hash\\_chain: +" in text, text)
    rows = open(csv_path).read().splitlines() if os.path.exists(csv_path) else []
    check("CSV: a header and one row per benchmark", len(rows) == 5 and rows[0].startswith("name,status,")
          and all(",REGRESSION," in row for row in rows[1:]), "\n".join(rows))
    cmp_doc = json.load(open(js)) if os.path.exists(js) else {}
    check("JSON: per-benchmark comparison with status, change interval and confirmation",
          cmp_doc.get("gate", {}).get("failed") is True
          and all(b["comparison"]["status"] == "REGRESSION" and b["comparison"]["confirmation"]["confirmed"]
                  and b["comparison"]["change"]["lower"] > 0.25 for b in cmp_doc.get("benchmarks", [])),
          str([(b["name"], b.get("comparison")) for b in cmp_doc.get("benchmarks", [])])[:1500])

    r = run([DEMO, "--quick", "--quiet", "--baseline", base, "--confirm", "0"], env={"BENCHGATE_DEMO_SLOWDOWN": "100"})
    check("--confirm 0: still a REGRESSION, exit 1, no fresh process", r.returncode == 1 and "REGRESSION" in r.stdout,
          r.stdout + r.stderr)

    r = run([DEMO, "--quick", "--quiet", "--baseline", base, "--save-baseline", base], env={"BENCHGATE_DEMO_SLOWDOWN": "100"})
    after = json.load(open(base))
    check("--baseline and --save-baseline together: compares first, then saves",
          r.returncode == 1 and after["created"] >= doc["created"] and
          after["benchmarks"][0]["estimates"]["median"]["point"] > 1.5 * doc["benchmarks"][0]["estimates"]["median"]["point"],
          r.stderr)
    run([DEMO, "--quick", "--quiet", "--save-baseline", base])

    partial = os.path.join(d, "partial.json")
    run([DEMO, "--quick", "--quiet", "--save-baseline", partial, "--filter", "hash"])
    r = run([DEMO, "--quick", "--baseline", partial, "--color", "never"])
    check("benchmarks absent from the baseline are NEW, exit 0",
          r.returncode == 0 and sum(l.rstrip().endswith(" NEW") for l in r.stdout.splitlines()) == 3,
          r.stdout)
    r = run([DEMO, "--quick", "--baseline", base, "--filter", "hash", "--color", "never"])
    check("benchmarks absent from the run are MISSING: a warning, exit 0",
          r.returncode == 0 and sum(l.rstrip().endswith(" MISSING") for l in r.stdout.splitlines()) == 3, r.stdout)
    r = run([DEMO, "--quick", "--baseline", base, "--filter", "hash", "--fail-on-missing"])
    check("--fail-on-missing turns MISSING into exit 1", r.returncode == 1, r.stdout)

    other = dict(doc)
    other["context"] = dict(doc["context"], cpu="Some Other CPU", compiler="clang 99")
    other_path = os.path.join(d, "other.json")
    json.dump(other, open(other_path, "w"))
    r = run([DEMO, "--quick", "--baseline", other_path, "--color", "never", "--markdown", md])
    first = r.stdout.splitlines()
    warn_lines = [l for l in r.stdout.splitlines() if "different machine or build" in l]
    check("a different machine fingerprint: one warning line at the top of the report, and in the markdown",
          len(warn_lines) == 1 and "Some Other CPU" in warn_lines[0] and "different machine" in open(md).read(), r.stdout)

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

    for args in (["--threshold", "abc"], ["--warn-threshold", "20"], ["--alpha", "2"], ["--estimator", "mode"],
                 ["--confirm", "-1"], ["--speed-correction", "maybe"]):
        r = run([DEMO] + args)
        check(f"bad {args[0]}: exit 2, one line", r.returncode == 2 and one_error_line(r) and args[0] in r.stderr, r.stderr)

# ---------------------------------------------------------------- metrics beyond wall time
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
check("--counters: hardware counters, or (no PMU here) one note and a successful run",
      r.returncode == 0 and ((hw and hw.get("instructions", 0) > 0) or
                             (note and any("hardware counters unavailable" in n for n in doc["context"].get("notes", [])))),
      r.stderr)

import shutil
if shutil.which("valgrind"):
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
    r = run([DEMO, "--quick", "--metric", "instructions", "--filter", "hash"], env={"PATH": "/nonexistent"})
    check("--metric instructions without valgrind on PATH: exit 2, one clear line",
          r.returncode == 2 and one_error_line(r) and "valgrind" in r.stderr, r.stderr)

# ---------------------------------------------------------------- duet mode (--against)
r = run([DEMO, "--quick", "--against", DEMO, "--color", "never"])
check("duet A/A: two processes of the same build, no REGRESSION, exit 0, says it is interleaved",
      r.returncode == 0 and "REGRESSION" not in r.stdout and "duet: interleaved comparison against" in r.stdout, r.stdout + r.stderr)
r = run([DEMO_SLOW, "--quick", "--against", DEMO, "--color", "never"])
check("duet: a build with 25% more work against the old build is a confirmed REGRESSION, exit 1",
      r.returncode == 1 and r.stdout.count("REGRESSION") >= 3 and "confirmed in 2/2" in r.stdout, r.stdout + r.stderr)
r = run([DEMO, "--quick", "--against", DEMO_SLOW, "--color", "never"])
check("duet: the old build against the slower one is FASTER/IMPROVED, exit 0",
      r.returncode == 0 and (r.stdout.count("IMPROVED") + r.stdout.count("FASTER")) >= 3, r.stdout + r.stderr)
r = run([DEMO, "--quick", "--quiet", "--against", DEMO, "--against-env", "BENCHGATE_DEMO_SLOWDOWN=0"],
        env={"BENCHGATE_DEMO_SLOWDOWN": "25"})
check("--against-env sets the worker's environment only (this side slowed 25%: REGRESSION)",
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
                     ("no_such_worker", "cannot execute")]:
    t0 = __import__("time").monotonic()
    r = run([DEMO, "--quick", "--against", os.path.join(FAKES, fake), "--worker-timeout", "2", "--filter", "hash"])
    took = __import__("time").monotonic() - t0
    check(f"--against {fake}: exit 2, one line saying '{expect}'",
          r.returncode == 2 and one_error_line(r) and expect in r.stderr and took < 30, r.stderr + f" ({took:.1f} s)")

print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
