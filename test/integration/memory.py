#!/usr/bin/env python3
"""Integration checks of the memory metrics: peak live heap bytes per benchmark (exact known
answers from test/programs/memory_patterns.cpp, built with allocation counting), resident-set
growth (also without counting), --gate memory (a doubled peak fails, the same peak passes),
bad memory fields in a baseline, and `benchgate trend --metric memory`.

    test/integration/memory.py MEMORY_PATTERNS QUICKSTART BENCHGATE
"""
import json
import os
import tempfile

from checks import binaries, check, finish, one_error_line, run

PATTERNS, QUICKSTART, TOOL = binaries("MEMORY_PATTERNS", "QUICKSTART", "BENCHGATE")


def measure(extra=(), env=None):
    r = run([PATTERNS, "--quick", "--json", "-", "--color", "never"] + list(extra), env=env)
    if r.returncode != 0:
        return r, {}
    return r, {b["name"]: b for b in json.loads(r.stdout)["benchmarks"]}


def peak(results, name):
    return results.get(name, {}).get("metrics", {}).get("peak_heap_bytes")


r, res = measure()
check("memory_patterns runs (exit 0)", r.returncode == 0, r.stderr)
check("N blocks of K bytes held then freed: peak exactly N*K (16 x 1000)", peak(res, "mem/blocks") == 16000,
      str(peak(res, "mem/blocks")))
check("allocate-free in a loop: peak exactly K (1000)", peak(res, "mem/loop") == 1000, str(peak(res, "mem/loop")))
check("vector growth to 100 ints: peak at the last reallocation, 64*4 + 128*4 = 768",
      peak(res, "mem/vector_growth") == 768, str(peak(res, "mem/vector_growth")))
check("over-aligned new (192 bytes at 64, 100 at 256): peak 292, the blocks aligned",
      peak(res, "mem/aligned") == 292 and not res.get("mem/aligned", {}).get("error"), str(res.get("mem/aligned")))
check("nothrow new of 500 bytes: peak 500", peak(res, "mem/nothrow") == 500, str(peak(res, "mem/nothrow")))
leak = res.get("mem/leak", {})
check("a leak of 16 bytes per call: peak 16 x the largest measured batch (earlier batches' leaks not counted)",
      leak and peak(res, "mem/leak") == 16 * max(leak["iterations"]), f"{peak(res, 'mem/leak')} vs {leak.get('iterations')}")
threads = peak(res, "mem/threads")
check("four threads each holding 1000 bytes: 4000 <= peak <= 4000 + 4 * 256",
      threads is not None and 4000 <= threads <= 4000 + 4 * 256, str(threads))
check("a body that allocates nothing: peak 0", peak(res, "mem/none") == 0, str(peak(res, "mem/none")))
check("setup before bench.run is not measured: peak 101 (100 characters and the terminator) beside a 1 MiB input",
      peak(res, "mem/setup_excluded") == 101, str(peak(res, "mem/setup_excluded")))
touch = res.get("mem/touch_pages", {}).get("metrics", {})
check("16 MiB of pages touched on the first call: resident-set growth >= 16 MiB, peak heap 0 (malloc is not counted)",
      touch.get("rss_growth_bytes", 0) >= 16 << 20 and touch.get("peak_heap_bytes") == 0, str(touch))

r, again = measure()
check("a second process measures the same peaks (all but the leak, which follows the batch size)",
      r.returncode == 0 and all(peak(again, n) == peak(res, n) for n in res if n not in ("mem/leak", "mem/threads")),
      str({n: (peak(res, n), peak(again, n)) for n in res}))

r, scaled = measure(env={"MEMORY_PATTERNS_SCALE": "2"})
check("MEMORY_PATTERNS_SCALE=2 doubles the known peaks (32 000 and 2000)",
      peak(scaled, "mem/blocks") == 32000 and peak(scaled, "mem/loop") == 2000, str(scaled.get("mem/blocks")))

r = run([PATTERNS, "--quick", "--filter", "mem/blocks|mem/loop", "--color", "never"])
check("console: Peak heap and RSS growth columns, the peak in bytes",
      r.returncode == 0 and "Peak heap" in r.stdout and "RSS growth" in r.stdout and "15.62 KiB" in r.stdout, r.stdout)

r = run([QUICKSTART, "--quick", "--json", "-"])
doc = json.loads(r.stdout) if r.returncode == 0 else {"benchmarks": []}
check("without allocation counting: resident-set growth recorded, no peak heap",
      doc["benchmarks"] and all("rss_growth_bytes" in b.get("metrics", {}) and "peak_heap_bytes" not in b.get("metrics", {})
                                for b in doc["benchmarks"]), r.stdout[:500])
r = run([QUICKSTART, "--quick", "--gate", "memory"])
check("--gate memory without counting compiled in: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
r = run([PATTERNS, "--quick", "--gate", "heap"])
check("--gate with an unknown metric names memory among the choices: exit 2, one line",
      r.returncode == 2 and one_error_line(r) and "memory" in r.stderr, r.stderr)

with tempfile.TemporaryDirectory() as d:
    base = os.path.join(d, "base.json")
    sel = ["--filter", "mem/blocks|mem/loop|mem/vector_growth|mem/aligned|mem/nothrow|mem/none|mem/setup_excluded"]
    r = run([PATTERNS, "--quick", "--quiet", "--save-baseline", base] + sel)
    check("baseline saved with peak heap bytes", r.returncode == 0 and os.path.exists(base), r.stderr)
    md = os.path.join(d, "report.md")
    csv = os.path.join(d, "report.csv")
    r = run([PATTERNS, "--quick", "--baseline", base, "--gate", "memory", "--color", "never", "--markdown", md,
             "--csv", csv] + sel)
    check("--gate memory: the same code passes (exit 0), every row STABLE on exact figures",
          r.returncode == 0 and "REGRESSION" not in r.stdout and "memory, exact" in r.stdout, r.stdout)
    text = open(md).read() if os.path.exists(md) else ""
    check("markdown: the gated peaks in bytes (15.62 KiB for mem/blocks)", "15.62 KiB" in text, text)
    rows = open(csv).read().splitlines() if os.path.exists(csv) else [""]
    header = rows[0].split(",")
    blocks = next((l.split(",") for l in rows[1:] if l.startswith("mem/blocks,")), [])
    check("CSV: peak_heap_bytes and rss_growth_bytes columns; mem/blocks 16000",
          "peak_heap_bytes" in header and "rss_growth_bytes" in header and blocks
          and float(blocks[header.index("peak_heap_bytes")]) == 16000, rows[:2])
    r = run([PATTERNS, "--quick", "--baseline", base, "--gate", "memory", "--color", "never"] + sel,
            env={"MEMORY_PATTERNS_SCALE": "2"})
    check("--gate memory: doubled peaks (mem/blocks, mem/loop) are REGRESSIONs, exit 1",
          r.returncode == 1 and r.stdout.count("REGRESSION") >= 2 and "+100.0%" in r.stdout, r.stdout)

    # Bad memory fields in a baseline: one line, exit 2.
    doc = json.load(open(base))
    for label, value in (("negative", -5), ("non-numeric", "lots")):
        bad = os.path.join(d, f"bad_{label}.json")
        doc["benchmarks"][0]["metrics"]["peak_heap_bytes"] = value
        json.dump(doc, open(bad, "w"))
        r = run([PATTERNS, "--quick", "--baseline", bad, "--gate", "memory"] + sel)
        check(f"a baseline with a {label} peak_heap_bytes: exit 2, one line naming the field",
              r.returncode == 2 and one_error_line(r) and "peak_heap_bytes" in r.stderr, r.stderr)
        r = run([TOOL, "compare", bad, base])
        check(f"benchgate compare reads the {label} peak_heap_bytes as bad input: exit 2, one line",
              r.returncode == 2 and one_error_line(r) and "peak_heap_bytes" in r.stderr, r.stderr)

    # History keeps the figure; trend --metric memory shows its series in bytes.
    hist = os.path.join(d, "hist")
    for i, f in enumerate(["1", "1", "1", "2", "2", "2"]):
        out = os.path.join(d, f"h{i}.json")
        run([PATTERNS, "--quick", "--quiet", "--json", out, "--filter", "mem/blocks|mem/loop"], env={"MEMORY_PATTERNS_SCALE": f})
        r = run([TOOL, "history", "add", hist, out])
    r = run([TOOL, "trend", hist, "--metric", "memory", "--color", "never"])
    check("trend --metric memory: the peak series in bytes, latest 31.25 KiB for mem/blocks after doubling",
          r.returncode == 0 and "31.25 KiB" in r.stdout and "mem/blocks" in r.stdout, r.stdout + r.stderr)
    r = run([TOOL, "trend", hist, "--metric", "memory", "--color", "never", "--fail-on-drift"])
    check("trend --metric memory --fail-on-drift: the doubled peak is a step (+100.0%), an alarm (exit 1)",
          r.returncode == 1 and "+100.0%" in r.stdout, r.stdout)
    r = run([TOOL, "trend", hist, "--metric", "bytes"])
    check("trend --metric with an unknown series: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
    plain = os.path.join(d, "plain")
    out = os.path.join(d, "q.json")
    run([QUICKSTART, "--quick", "--quiet", "--json", out])
    run([TOOL, "history", "add", plain, out])
    r = run([TOOL, "trend", plain, "--metric", "memory"])
    check("trend --metric memory on a history without peaks: exit 2, one line", r.returncode == 2 and one_error_line(r),
          r.stderr)

finish()
