#!/usr/bin/env python3
"""Integration checks of `benchgate export FILE --format F [-o OUT]` on real result files: CSV and
JSON as the bench binary writes them, Bencher's BMF and github-action-benchmark's
customSmallerIsBetter checked against their published shapes, OpenMetrics text read back by the
strict parser below; hostile benchmark names survive every format; bad input is one line, exit 2,
nothing written.

    test/integration/exports_tool.py BENCHGATE DEMO COUNTERS
"""
import csv
import io
import json
import os
import re
import tempfile

from checks import binaries, check, finish, one_error_line, run, verdict_check
from openmetrics import OpenMetricsError, parse_openmetrics, parser_rejects

TOOL, DEMO, COUNTERS = binaries("BENCHGATE", "DEMO", "COUNTERS")

HOSTILE = 'demo/"quoted" back\\slash\nnewline, comma|pipe <script>alert(1)</script>'

check("the OpenMetrics reader itself rejects what the spec forbids",
      all(parser_rejects(t) for t in [
          "# TYPE a gauge\na 1\n",                                # no # EOF
          "# TYPE a gauge\na{b=\"x\"y\"} 1\n# EOF\n",              # bare quote in a label value
          "# TYPE a gauge\na{b=\"\\x\"} 1\n# EOF\n",               # undefined escape
          "# TYPE a gauge\na{b=\"x\",} 1\n# EOF\n",                # trailing comma
          "# TYPE a_seconds gauge\n# UNIT a_seconds bytes\n# EOF\n",  # unit not the suffix
          "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n",    # interleaved
          "# TYPE 1a gauge\n# EOF\n",                              # bad metric name
          "# TYPE a gauge\na 1\n# EOF\nb 2\n",                     # after # EOF
          "# TYPE a gauge\na 1,5\n# EOF\n",                        # bad number
          "# TYPE a info\na_info{x=\"1\"} 2\n# EOF\n",             # info value not 1
          "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n# EOF\n",   # same label set twice
          "# TYPE a gauge\r\na 1\r\n# EOF\n",                    # CRLF line ends
          "# TYPE a gauge\na 1\r\n# EOF\n",                      # a CR after a value
      ]) and not parser_rejects("# TYPE a gauge\n# HELP a say \\\"hi\\\"\na{b=\"\\\\ \\n \\\"\"} 1.5e-07\n# EOF\n")
      and not parser_rejects("# TYPE a gauge\na{b=\"carriage\rreturn\"} 1\n# EOF\n"))

# ---------------------------------------------------------------- real files
with tempfile.TemporaryDirectory() as d:
    demo, counters, hostile = (os.path.join(d, n) for n in ("demo.json", "counters.json", "hostile.json"))
    r = run([DEMO, "--quick", "--quiet", "--json", demo])
    assert r.returncode == 0, r.stderr
    r = run([COUNTERS, "--quick", "--quiet", "--json", counters])
    assert r.returncode == 0, r.stderr
    doc = json.load(open(demo))
    doc["benchmarks"][0]["name"] = HOSTILE
    doc["benchmarks"][1]["error"] = 'threw "std::runtime_error" <&>'
    doc["benchmarks"][2]["name"] = "demo/\u00e9t\u00e9 \u2603"
    json.dump(doc, open(hostile, "w"))
    names = [b["name"] for b in doc["benchmarks"]]
    failed = doc["benchmarks"][1]["name"]
    ok_names = [n for n in names if n != failed]

    def export(path, fmt, *extra):
        return run([TOOL, "export", path, "--format", fmt, *extra])

    r = export(hostile, "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    check("csv: one row per benchmark, hostile names quoted back intact, the failed one FAILED",
          r.returncode == 0 and [row["name"] for row in rows] == names
          and [row["status"] for row in rows] == ["", "FAILED", "", ""], r.stdout[:600] + r.stderr)

    r = export(hostile, "json")
    back = json.loads(r.stdout) if r.returncode == 0 else {}
    check("json: the file as the bench binary writes it (schema, names, the error, samples)",
          back.get("schema") == "benchgate/1" and [b["name"] for b in back["benchmarks"]] == names
          and back["benchmarks"][1]["error"] == doc["benchmarks"][1]["error"]
          and back["benchmarks"][0]["samples"] == doc["benchmarks"][0]["samples"], r.stdout[:300] + r.stderr)

    def is_number(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    r = export(hostile, "bmf")
    bmf = json.loads(r.stdout) if r.returncode == 0 else {}
    shape = isinstance(bmf, dict) and all(
        isinstance(measures, dict) and measures and all(
            isinstance(m, dict) and "value" in m and set(m) <= {"value", "lower_value", "upper_value"}
            and all(is_number(v) for v in m.values()) for m in measures.values())
        for measures in bmf.values())
    check("bmf: {benchmark: {measure: {value, lower_value, upper_value}}}, numbers only (Bencher's JSON schema)",
          shape and list(bmf) == ok_names, r.stdout[:600])
    check("bmf: latency is the median in ns inside its 95% interval",
          all(bmf[b["name"]]["latency"]["value"] == b["estimates"]["median"]["point"]
              and bmf[b["name"]]["latency"]["lower_value"] <= bmf[b["name"]]["latency"]["value"] <= bmf[b["name"]]["latency"]["upper_value"]
              for b in doc["benchmarks"] if b["name"] in bmf), str(bmf)[:600])
    check("bmf: the failed benchmark is left out, and a note on stderr names it",
          failed not in bmf and f"note: bmf: left out 1 failed benchmark(s) (BMF has no way to mark a failure): {failed}" in r.stderr,
          r.stderr)
    r = export(counters, "bmf")
    cb = json.loads(r.stdout) if r.returncode == 0 else {}
    tp = cb.get("counters/decode_stream", {}).get("throughput", {})
    verdict_check("bmf: a declared throughput is a throughput measure (bytes per second), bounded by the interval",
          tp and tp["lower_value"] <= tp["value"] <= tp["upper_value"] and tp["value"] > 1e8, r.stdout)

    r = export(hostile, "github-action-benchmark")
    gab = json.loads(r.stdout) if r.returncode == 0 else None
    check("github-action-benchmark: customSmallerIsBetter entries {name, value, unit, range, extra} with their types",
          isinstance(gab, list) and [e["name"] for e in gab] == ok_names
          and all(set(e) == {"name", "value", "unit", "range", "extra"} and isinstance(e["name"], str) and is_number(e["value"])
                  and e["unit"] == "ns" and re.fullmatch(r"\u00b1 [0-9.e+-]+", e["range"]) and isinstance(e["extra"], str)
                  for e in gab), r.stdout[:600])
    by_name = {b["name"]: b for b in doc["benchmarks"]}
    check("github-action-benchmark: value is the median ns, range the interval's half-width, extra names the samples",
          all(abs(e["value"] - by_name[e["name"]]["estimates"]["median"]["point"]) < 1e-9
              and abs(float(e["range"][2:]) - (by_name[e["name"]]["estimates"]["median"]["upper"]
                                               - by_name[e["name"]]["estimates"]["median"]["lower"]) / 2)
              <= 1e-3 * float(e["range"][2:]) + 1e-12
              and f"{len(by_name[e['name']]['samples'])} samples" in e["extra"] for e in gab), str(gab)[:600])
    check("github-action-benchmark: the failed benchmark is left out, with a note",
          "note: github-action-benchmark: left out 1 failed benchmark(s)" in r.stderr, r.stderr)

    r = run([TOOL, "export", hostile, "--format", "openmetrics"])
    raw = r.stdout.encode()
    try:
        fams = parse_openmetrics(raw)
        problem = ""
    except OpenMetricsError as e:
        fams, problem = {}, str(e)
    check("openmetrics: the strict reader accepts the text (names, escaping, families, # EOF last)",
          r.returncode == 0 and not problem, problem + "\n" + r.stdout[:800])
    times = fams.get("benchgate_time_seconds", {"samples": []})["samples"]
    seconds = {(s[1]["benchmark"], s[1]["estimate"]): s[2] for s in times}
    check("openmetrics: benchgate_time_seconds is a gauge in seconds with median, lower and upper per benchmark",
          fams.get("benchgate_time_seconds", {}).get("type") == "gauge" and fams["benchgate_time_seconds"]["unit"] == "seconds"
          and sorted({k[0] for k in seconds}) == sorted(ok_names)
          and all(abs(seconds[(n, "median")] - by_name[n]["estimates"]["median"]["point"] / 1e9) <= 1e-15
                  and seconds[(n, "lower")] <= seconds[(n, "median")] <= seconds[(n, "upper")] for n in ok_names),
          str(seconds)[:600])
    check("openmetrics: hostile names round-trip through label escaping",
          (HOSTILE, "median") in seconds and ("demo/\u00e9t\u00e9 \u2603", "median") in seconds
          and "<script>" in r.stdout and '\\"quoted\\" back\\\\slash\\nnewline' in r.stdout, r.stdout[:600])
    failures = {s[1]["benchmark"]: s[2] for s in fams.get("benchgate_failed", {"samples": []})["samples"]}
    check("openmetrics: a failed benchmark is benchgate_failed 1 and has no time; the others 0",
          failures == {n: (1.0 if n == failed else 0.0) for n in names} and all(k[0] != failed for k in seconds), str(failures))
    info = fams.get("benchgate_run", {"samples": [("", {}, 0)]})["samples"][0]
    check("openmetrics: benchgate_run_info carries the context as labels",
          fams.get("benchgate_run", {}).get("type") == "info" and info[1].get("host") == doc["context"]["host"]
          and info[1].get("cores") == str(doc["context"]["cores"]) and info[1].get("created") == doc["created"], str(info))
    r = export(counters, "openmetrics")
    try:
        cf = parse_openmetrics(r.stdout.encode())
    except OpenMetricsError as e:
        cf = {"error": str(e)}
    check("openmetrics: a declared throughput is benchgate_throughput_bytes_per_second",
          "benchgate_throughput_bytes_per_second" in cf
          and cf["benchgate_throughput_bytes_per_second"]["unit"] == "bytes_per_second", str(cf)[:400])

    out = os.path.join(d, "out", "bmf.json")
    os.mkdir(os.path.dirname(out))
    r = export(hostile, "bmf", "-o", out)
    check("-o OUT writes the file (nothing on stdout), and no temporary file is left",
          r.returncode == 0 and r.stdout == "" and json.load(open(out)) == bmf and os.listdir(os.path.dirname(out)) == ["bmf.json"],
          r.stderr)

    garbage = os.path.join(d, "garbage.json")
    open(garbage, "w").write("{ not json")
    missing_out = os.path.join(d, "never.json")
    for args, what in (([os.path.join(d, "missing.json"), "--format", "bmf"], "missing.json"),
                       ([garbage, "--format", "openmetrics", "-o", missing_out], "garbage.json"),
                       ([demo, "--format", "yaml", "-o", missing_out], "yaml"),
                       ([demo, "-o", missing_out], "--format"),
                       ([demo, "--format", "bmf", "--format", "csv"], "twice"),
                       ([demo, demo, "--format", "csv"], "one result file"),
                       ([demo, "--format", "csv", "-o", os.path.join(d, "no", "such", "dir.csv")], "cannot write")):
        r = run([TOOL, "export", *args])
        check(f"bad input ({what}): exit 2, one line naming it, nothing written",
              r.returncode == 2 and one_error_line(r) and what in r.stderr and r.stdout == "" and not os.path.exists(missing_out),
              r.stderr)
    r = run([TOOL, "export", "--help"])
    check("export --help lists every format", r.returncode == 0 and all(
        f in r.stdout for f in ("csv", "json", "bmf", "github-action-benchmark", "openmetrics")), r.stdout)

finish()
