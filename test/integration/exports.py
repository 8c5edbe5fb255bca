#!/usr/bin/env python3
"""Integration checks of the files a run writes: --json (to stdout or a file, written whole,
with --quiet printing no table), and the markdown, CSV and JSON reports of a comparing run.

    test/integration/exports.py QUICKSTART DEMO
"""
import json
import os
import tempfile

from checks import COMPUTE_BOUND, binaries, check, finish, run, verdict_check

QUICKSTART, DEMO = binaries("QUICKSTART", "DEMO")

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

# The reports of a comparing run in which every benchmark does twice the work. As in gate.py,
# only the gross effect is asserted: the two compute-bound benchmarks are confirmed
# REGRESSIONs; the allocating ones can measure a fraction of the slowdown on a busy shared host.
STATUSES = {"REGRESSION", "UNDECIDED", "SLOWER", "STABLE", "FASTER", "IMPROVED"}
with tempfile.TemporaryDirectory() as d:
    base = os.path.join(d, "main.json")
    run([DEMO, "--quick", "--quiet", "--save-baseline", base])
    md, csv_path, js = (os.path.join(d, n) for n in ("pr.md", "pr.csv", "cmp.json"))
    r = run([DEMO, "--quick", "--baseline", base, "--markdown", md, "--csv", csv_path, "--json", js, "--color", "never"],
            env={"BENCHGATE_DEMO_SLOWDOWN": "100"})
    text = open(md).read() if os.path.exists(md) else ""
    verdict_check("markdown: heading, results table, summary of regressions",
          text.startswith("## \U0001F4CA Benchmark Results") and "| Benchmark | Baseline | Current | Change | Status |" in text
          and "\U0001F534 REGRESSION" in text and "### Summary" in text and "Performance Regressions Detected:" in text
          and "- demo/hash\\_chain: +" in text, text)
    rows = open(csv_path).read().splitlines() if os.path.exists(csv_path) else []
    fields = [row.split(",") for row in rows[1:]]
    verdict_check("CSV: a header and one row per benchmark", len(rows) == 5 and rows[0].startswith("name,status,")
          and all(f[1] in STATUSES for f in fields)
          and {f[0] for f in fields if f[1] == "REGRESSION"} >= set(COMPUTE_BOUND), "\n".join(rows))
    cmp_doc = json.load(open(js)) if os.path.exists(js) else {}
    benchmarks = cmp_doc.get("benchmarks", [])

    def well_formed(c):
        return c["status"] in STATUSES and c["change"]["lower"] <= c["change"]["point"] <= c["change"]["upper"]

    def confirmed_regression(c):
        return c["status"] == "REGRESSION" and c["confirmation"]["confirmed"] and c["change"]["lower"] > 0

    verdict_check("JSON: per-benchmark comparison with status, change interval and confirmation",
          cmp_doc.get("gate", {}).get("failed") is True and len(benchmarks) == 4
          and all(well_formed(b["comparison"]) for b in benchmarks)
          and all(confirmed_regression(b["comparison"]) for b in benchmarks if b["name"] in COMPUTE_BOUND),
          str([(b["name"], b.get("comparison")) for b in benchmarks])[:1500])

finish()
