#!/usr/bin/env python3
"""Integration checks of `benchgate import-gbench` on files written by a real Google Benchmark
binary (test/programs/gbench_sample.cpp, built against the installed libbenchmark): repetitions
as samples, aggregates left out, the SkipWithError benchmark FAILED, its bare Infinity token
handled; the imported files gate with `benchgate compare` and are read by a bench binary's
--baseline; bad input is one line, exit 2, nothing written.

    test/integration/import_gbench.py BENCHGATE GBENCH_SAMPLE DEMO
"""
import json
import os
import re
import tempfile

from checks import binaries, check, finish, one_error_line, run, slower_copy, statuses
from benchkit import COMPARED_STATUSES  # noqa: E402 (on sys.path through checks)

TOOL, GBENCH, DEMO = binaries("BENCHGATE", "GBENCH_SAMPLE", "DEMO")
SCALE = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def gbench(out, *extra, repetitions=5):
    # --benchmark_min_time takes plain seconds in Google Benchmark 1.7 (later versions also "0.01s").
    r = run([GBENCH, f"--benchmark_out={out}", "--benchmark_out_format=json", f"--benchmark_repetitions={repetitions}",
             "--benchmark_min_time=0.01", *extra])
    assert r.returncode == 0 and os.path.exists(out), r.stderr
    return open(out).read()


def as_json(text):
    """Google Benchmark's text read the way the import reads it: bare NaN/Infinity as null."""
    return json.loads(re.sub(r"(?<![\w\"])[-+]?(NaN|Infinity)(?![\w\"])", "null", text))


def import_(*args):
    return run([TOOL, "import-gbench", *args])


with tempfile.TemporaryDirectory() as d:
    p = lambda name: os.path.join(d, name)  # noqa: E731
    text = gbench(p("gb1.json"))
    gb = as_json(text)
    check("the real Google Benchmark file has what the import is for: aggregates, an error, a bare Infinity",
          any(b["run_type"] == "aggregate" for b in gb["benchmarks"]) and any(b.get("error_occurred") for b in gb["benchmarks"])
          and "Infinity" in text, text[:400])
    r = import_(p("gb1.json"), "-o", p("imp1.json"))
    doc = json.load(open(p("imp1.json"))) if os.path.exists(p("imp1.json")) else {"benchmarks": []}
    check("import: exit 0, notes on stderr (aggregates left out, the Infinity token, the dropped counter), a summary line",
          r.returncode == 0 and "note: left out" in r.stderr and "aggregate row(s)" in r.stderr
          and "NaN or Infinity token(s)" in r.stderr and "counter 'idle' is NaN or Infinity" in r.stderr
          and "imported 4 benchmark(s) (1 FAILED) from 1 file(s)" in r.stderr, r.stderr)
    names = [b["name"] for b in doc["benchmarks"]]
    check("one benchmark per run_name, in file order", names == ["BM_Sum/64", "BM_Sum/1024", "BM_ToString", "BM_NeedsInput"],
          str(names))
    rows = {}
    for b in gb["benchmarks"]:
        if b["run_type"] == "iteration":
            rows.setdefault(b["run_name"], []).append(b)
    by_name = {b["name"]: b for b in doc["benchmarks"]}
    check("each repetition is a sample: real_time per iteration in ns, its iteration count kept",
          all(len(by_name[n]["samples"]) == 5
              and all(abs(s - row["real_time"] * SCALE[row["time_unit"]]) <= 1e-9 * s for s, row in zip(by_name[n]["samples"], rows[n]))
              and by_name[n]["iterations"] == [row["iterations"] for row in rows[n]]
              for n in ("BM_Sum/64", "BM_Sum/1024", "BM_ToString")), str(by_name.get("BM_Sum/64"))[:400])
    check("SkipWithError: FAILED with Google Benchmark's message, no samples",
          by_name.get("BM_NeedsInput", {}).get("error") == 'no "input" file' and by_name["BM_NeedsInput"]["samples"] == [],
          str(by_name.get("BM_NeedsInput")))
    sum64 = by_name.get("BM_Sum/64", {})
    check("bytes_per_second becomes the throughput: bytes per iteration (64 ints)",
          sum64.get("throughput", {}).get("unit") == "bytes" and abs(sum64["throughput"]["per_iteration"] - 256) < 0.01,
          str(sum64.get("throughput")))
    counters = by_name.get("BM_ToString", {}).get("counters", {})
    check("user counters are kept (the Infinity one left out)",
          set(counters) == {"digits", "calls"} and abs(counters["digits"]["per_iteration"] - 7) < 1e-6, str(counters))
    ctx = doc.get("context", {})
    check("context: host, cores, build type and a UTC created from Google Benchmark's context",
          ctx.get("host") == gb["context"]["host_name"] and ctx.get("cores") == gb["context"]["num_cpus"]
          and ctx.get("build_type") == gb["context"]["library_build_type"] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["created"])
          and ctx.get("processes") == 1 and any("imported from Google Benchmark JSON" in n for n in ctx.get("notes", [])),
          str(ctx) + doc.get("created", ""))

    # Two runs of the same binary gate against each other (without the failing benchmark).
    keep = "--benchmark_filter=BM_(Sum|ToString)"
    for name in ("gb2.json", "gb3.json"):
        gbench(p(name), keep)
    for a, b in (("gb2.json", "imp2.json"), ("gb3.json", "imp3.json")):
        r = import_(p(a), "-o", p(b))
        assert r.returncode == 0, r.stderr
    # Whether two recordings of one build agree is the gate's quality on the host (on a busy
    # shared one BM_Sum/1024 has read +77% between two runs), measured by tools/gate_quality.py;
    # here the two runs must meet row by row. Then IMPORTED against its own samples 2% slower:
    # every change reads +2.0%, none is decided beyond the noise band, exit 0.
    r = run([TOOL, "compare", p("imp2.json"), p("imp3.json"), "--color", "never"])
    found = statuses(r.stdout)
    check("compare IMPORTED IMPORTED2 (two runs of one binary): every benchmark compared, exit 0 or 1",
          r.returncode in (0, 1) and sorted(found) == ["BM_Sum/1024", "BM_Sum/64", "BM_ToString"]
          and set(found.values()) <= set(COMPARED_STATUSES)
          and not re.search(r"^BM_\S+ .* (MISSING|NEW|FAILED)$", r.stdout, re.M), r.stdout + r.stderr)
    slower_copy(p("imp2.json"), p("imp2_slower.json"))
    r = run([TOOL, "compare", p("imp2.json"), p("imp2_slower.json"), "--color", "never"])
    check("compare IMPORTED with its samples 2% slower: every row at +2.0%, none decided, exit 0",
          r.returncode == 0 and r.stdout.count("+2.0% [") == 3
          and not re.search(r"REGRESSION|MISSING|NEW|SLOWER|FASTER|IMPROVED|FAILED", r.stdout), r.stdout + r.stderr)
    r = run([TOOL, "compare", p("imp2.json"), p("imp1.json"), "--color", "never", "--threshold", "50", "--warn-threshold", "25"])
    check("compare against an import with a FAILED benchmark: exit 3, its message shown",
          r.returncode == 3 and 'no "input" file' in r.stdout, r.stdout + r.stderr)
    r = import_(p("gb2.json"), p("gb3.json"), "-o", p("imp23.json"))
    doc23 = json.load(open(p("imp23.json"))) if os.path.exists(p("imp23.json")) else {"context": {}, "benchmarks": []}
    check("several files are several processes",
          r.returncode == 0 and doc23["context"].get("processes") == 2
          and all(len(b["samples"]) == 10 and sorted(set(b["processes"])) == [0, 1] for b in doc23["benchmarks"])
          and "one Google Benchmark run is one process" not in r.stderr, r.stderr + str(doc23["context"]))
    r = run([TOOL, "compare", p("imp23.json"), p("imp23.json"), "--color", "never"])
    # Against itself every change is +0.0%: STABLE, or UNDECIDED where the import's own spread
    # puts the interval across the threshold.
    check("compare of a two-process import with itself: exit 0, every change +0.0%, nothing decided",
          r.returncode == 0 and r.stdout.count("+0.0% [") == 3
          and not re.search(r"REGRESSION|MISSING|NEW|SLOWER|FASTER|IMPROVED", r.stdout), r.stdout + r.stderr)

    r = run([DEMO, "--quick", "--color", "never", "--baseline", p("imp1.json")])
    check("a bench binary's --baseline reads an import: its names are MISSING, the demo's NEW, no crash, exit 0",
          r.returncode == 0 and "MISSING" in r.stdout and "NEW" in r.stdout and "BM_Sum/64" in r.stdout, r.stdout + r.stderr)

    r = import_(p("gb1.json"), "-o", p("cpu.json"), "--time", "cpu")
    cpu = {b["name"]: b for b in json.load(open(p("cpu.json")))["benchmarks"]} if r.returncode == 0 else {}
    check("--time cpu: samples from cpu_time",
          cpu and all(abs(s - row["cpu_time"] * SCALE[row["time_unit"]]) <= 1e-9 * s
                      for s, row in zip(cpu["BM_Sum/64"]["samples"], rows["BM_Sum/64"])), r.stderr)

    gbench(p("once.json"), keep, repetitions=1)
    r = import_(p("once.json"), "-o", p("imp_once.json"))
    check("one repetition: imported, with a note asking for --benchmark_repetitions=10",
          r.returncode == 0 and "fewer than 5 repetitions" in r.stderr and "--benchmark_repetitions=10" in r.stderr, r.stderr)
    r = run([TOOL, "compare", p("imp_once.json"), p("imp_once.json")])
    check("comparing against a one-repetition import: exit 2, one line (too few samples to gate on)",
          r.returncode == 2 and one_error_line(r) and "too few samples" in r.stderr, r.stderr)

    # Bad input: one line naming the file, exit 2, no output written.
    open(p("truncated.json"), "w").write(text[: len(text) // 2])
    open(p("empty_list.json"), "w").write('{"context": {}, "benchmarks": []}')
    open(p("text.txt"), "w").write("BM_Sum/64   25 ns   25 ns   564839\n")
    gbench(p("agg_only.json"), keep, "--benchmark_report_aggregates_only=true")
    for src, what in ((p("imp1.json"), "is a benchgate result file"), (p("truncated.json"), "not valid JSON"),
                      (p("empty_list.json"), "no benchmark results"), (p("text.txt"), "not valid JSON"),
                      (p("missing.json"), "cannot read"), (p("agg_only.json"), "only aggregate rows")):
        r = import_(src, "-o", p("never.json"))
        check(f"import of {os.path.basename(src)}: exit 2, one line ({what}), nothing written",
              r.returncode == 2 and one_error_line(r) and what in r.stderr and os.path.basename(src) in r.stderr
              and not os.path.exists(p("never.json")), r.stderr)
    for args, what in (([p("gb1.json")], "-o"), ([p("gb1.json"), "-o", p("never.json"), "--time", "wall"], "--time")):
        r = import_(*args)
        check(f"import-gbench with bad arguments ({what}): exit 2, one line", r.returncode == 2 and one_error_line(r)
              and what in r.stderr and not os.path.exists(p("never.json")), r.stderr)

    # A repetition whose time is a bare NaN: that benchmark is FAILED, naming the repetition.
    nan = re.sub(r'("run_name": "BM_Sum/1024",\s*"run_type": "iteration",[^}]*?"real_time": )[^,]+', r"\1NaN", text, count=1)
    open(p("nan.json"), "w").write(nan)
    r = import_(p("nan.json"), "-o", p("imp_nan.json"))
    err = {b["name"]: b.get("error", "") for b in json.load(open(p("imp_nan.json")))["benchmarks"]} if r.returncode == 0 else {}
    check("a NaN real_time: the import goes on, that benchmark FAILED with a message naming the repetition",
          nan != text and err.get("BM_Sum/1024", "").startswith("repetition 1: real_time is missing, NaN or Infinity")
          and err.get("BM_Sum/64") == "", r.stderr + str(err))

finish()
