#!/usr/bin/env python3
"""Integration checks of `benchgate compare OLD NEW`: two saved result files compared without
measuring, with a bench binary's verdicts, reports and exit codes.

    test/integration/tool.py BENCHGATE DEMO
"""
import json
import os
import tempfile
import xml.etree.ElementTree as ET

from checks import binaries, check, compute_bound, finish, one_error_line, run, slower_copy, statuses, verdict_check

TOOL, DEMO = binaries("BENCHGATE", "DEMO")

with tempfile.TemporaryDirectory() as d:
    old, new, slow = (os.path.join(d, n) for n in ("old.json", "new.json", "slow.json"))
    for path, slowdown in ((old, "0"), (slow, "100")):
        r = run([DEMO, "--quick", "--quiet", "--save-baseline", path], env={"BENCHGATE_DEMO_SLOWDOWN": slowdown})
        assert r.returncode == 0, r.stderr
    r = run([TOOL, "compare", old, slow, "--color", "never"])
    verdict_check("compare OLD NEW with twice the work in NEW: REGRESSION rows, exit 1",
          r.returncode == 1 and compute_bound(r.stdout, "REGRESSION") and "gate FAILED" in r.stdout, r.stdout + r.stderr)
    # Whether two recordings of one build agree is the gate's quality on the host, measured by
    # tools/gate_quality.py. Here NEW is OLD's samples 2% slower: every change reads +2.0%, and
    # no row may be decided beyond the noise band (STABLE, or UNDECIDED where OLD's own spread
    # puts the interval across the threshold); exit 0.
    slower_copy(old, new)
    r = run([TOOL, "compare", old, new, "--color", "never"])
    found = statuses(r.stdout)
    check("compare OLD NEW, NEW the same samples 2% slower: every row at +2.0%, none decided, exit 0",
          r.returncode == 0 and len(found) == 4 and set(found.values()) <= {"STABLE", "UNDECIDED"}
          and r.stdout.count("+2.0% [") == 4,
          r.stdout + r.stderr)
    # --threshold 400: far beyond +100% and any noise of a quick run, so what is checked is the exports.
    r = run([TOOL, "compare", old, slow, "--json", "-", "--markdown", os.path.join(d, "pr.md"), "--threshold", "400"])
    doc = json.loads(r.stdout) if r.stdout.strip().startswith("{") else {}
    md = open(os.path.join(d, "pr.md")).read() if os.path.exists(os.path.join(d, "pr.md")) else ""
    verdict_check("--threshold 400 and the exports: the JSON names OLD as the baseline, +100% is not a REGRESSION, markdown written",
          r.returncode == 0 and doc.get("gate", {}).get("baseline") == old and doc["gate"]["threshold"] == 4.0
          and "| Benchmark | Baseline | Current | Change | Status |" in md, r.stderr + str(doc)[:200])
    # JUnit XML, read back as GitLab and the GitHub JUnit actions read it (testsuite/testcase,
    # failure and error children with a message attribute).
    junit = os.path.join(d, "junit.xml")
    r = run([TOOL, "compare", old, slow, "--junit", junit, "--color", "never"])
    root = ET.parse(junit).getroot() if os.path.exists(junit) else None
    suite = root.find("testsuite") if root is not None else None
    cases = suite.findall("testcase") if suite is not None else []
    failures = [c for c in cases if c.find("failure") is not None]
    verdict_check("--junit from compare: one testcase per benchmark (classname = suite, time in seconds), REGRESSION as <failure> with change and interval",
          r.returncode == 1 and suite is not None and suite.get("name") == "slow" and len(cases) == 4 and
          all(c.get("classname") == "slow" and float(c.get("time")) >= 0 for c in cases) and
          len(failures) == int(suite.get("failures")) == list(statuses(r.stdout).values()).count("REGRESSION") >= 2 and
          all(f.find("failure").get("type") == "REGRESSION" and "%" in f.find("failure").get("message") and
              "[" in f.find("failure").get("message") for f in failures), r.stderr + (open(junit).read()[:600] if root is not None else ""))
    doc = json.load(open(slow))
    doc["benchmarks"][0]["error"] = 'threw "std::runtime_error" <&> \u00e9'
    doc["benchmarks"][1]["name"] = 'demo/"quoted" <script>alert(1)</script> & a,b|c\nline'
    hostile = os.path.join(d, "hostile.json")
    json.dump(doc, open(hostile, "w"))
    r = run([TOOL, "compare", old, hostile, "--junit", junit, "--color", "never"])
    root = ET.parse(junit).getroot()
    cases = root.find("testsuite").findall("testcase")
    errors = [c for c in cases if c.find("error") is not None]
    check("--junit: a FAILED benchmark is an <error> with its message; hostile names round-trip escaped",
          r.returncode == 3 and len(errors) == 1 and errors[0].find("error").get("message") == 'threw "std::runtime_error" <&> \u00e9'
          and any(c.get("name") == 'demo/"quoted" <script>alert(1)</script> & a,b|c\nline' for c in cases)
          and "<script>" not in open(junit).read(), r.stderr + open(junit).read()[:800])
    r = run([TOOL, "compare", old, os.path.join(d, "missing.json")])
    check("a missing file: exit 2, one line naming it", r.returncode == 2 and one_error_line(r) and "missing.json" in r.stderr,
          r.stderr)
    r = run([TOOL, "compare", old, slow, "--quick"])
    check("a measuring flag: exit 2, one line", r.returncode == 2 and one_error_line(r) and "--quick" in r.stderr, r.stderr)
    r = run([TOOL, "compare", old])
    check("one file only: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
    r = run([TOOL, "frobnicate"])
    check("an unknown command: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
    r = run([TOOL, "compare", "--help"])
    check("--help: the usage, exit 0", r.returncode == 0 and "compare OLD.json NEW.json" in r.stdout, r.stdout)

finish()
