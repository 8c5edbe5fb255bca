#!/usr/bin/env python3
"""Integration checks of explanations (`benchgate explain BASE HEAD --filter NAME`, and a bench
binary's --explain in duet mode): bad input is one line and exit 2; without valgrind a note and
the exit code unchanged; with valgrind, ten injected changes of known kinds
(test/programs/explain_target.cpp: more work in a function, an added allocation, a newly called
function, a cache-unfriendly layout, recursion, a template, a lambda, a virtual function...) are
explained with the changed function ranked first in at least 9 of 10, a body of about 1 ms is
explained within 30 s, and --timeout stops an explanation with a note. Skips the valgrind part
(exit 77 when nothing else failed) without valgrind or in a sanitized build.

    test/integration/explain.py TOOL TARGET DEMO DEMO_SLOW
"""
import json
import os
import shutil
import tempfile
import time

from checks import SANITIZED, binaries, check, finish, one_error_line, run

TOOL, TARGET, DEMO, DEMO_SLOW = binaries("TOOL", "TARGET", "DEMO", "DEMO_SLOW")
NO_VALGRIND = {"PATH": "/nonexistent"}

r = run([TOOL, "explain", TARGET])
check("explain with one binary: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
r = run([TOOL, "explain", TARGET, TARGET])
check("explain without --filter: exit 2, one line naming --filter",
      r.returncode == 2 and one_error_line(r) and "--filter" in r.stderr, r.stderr)
r = run([TOOL, "explain", TARGET, TARGET, "--filter", "no_such_benchmark"])
check("explain with a filter that selects nothing: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
r = run([TOOL, "explain", "/nonexistent/bench", TARGET, "--filter", "mixed"])
check("explain with a binary that does not exist: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
r = run([TOOL, "explain", TARGET, TARGET, "--filter", "mixed", "--iterations", "0"])
check("explain --iterations 0: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
r = run([DEMO, "--quick", "--explain"])
check("--explain without --against: exit 2, one line pointing at benchgate explain",
      r.returncode == 2 and one_error_line(r) and "benchgate explain" in r.stderr, r.stderr)

r = run([TOOL, "explain", TARGET, TARGET, "--filter", "mixed"], env=NO_VALGRIND)
notes = [l for l in r.stderr.splitlines() if l.strip() and "unoptimised (debug) build" not in l]
check("explain without valgrind: exit 0, one note line naming valgrind",
      r.returncode == 0 and len(notes) == 1 and "valgrind" in notes[0], r.stdout + r.stderr)
r = run([DEMO_SLOW, "--quick", "--against", DEMO, "--filter", "hash_chain", "--explain-filter", "hash_chain",
         "--color", "never"], env=NO_VALGRIND)
check("--explain without valgrind: the verdict's exit code (0 or 1), one note, no error",
      r.returncode in (0, 1) and "valgrind" in r.stderr and "not explained" in r.stderr and "error" not in r.stderr,
      r.stdout + r.stderr)

if SANITIZED or not shutil.which("valgrind"):
    finish(skip="valgrind cannot run here (not installed, or a sanitized build): explanations themselves not checked")


def explain(args, env=None, timeout=300):
    """Runs benchgate explain with --json -; returns (process, explanations, seconds)."""
    t0 = time.monotonic()
    r = run([TOOL, "explain"] + args + ["--json", "-", "--color", "never"], env=env, timeout=timeout)
    took = time.monotonic() - t0
    try:
        xs = json.loads(r.stdout)["explanations"] if r.returncode == 0 else []
    except ValueError:
        xs = []
    return r, xs, took


ALLOCATOR = {"malloc", "_int_malloc", "free", "_int_free", "operator new", "operator new[]", "operator delete",
             "operator delete[]", "cfree", "tcache_init", "malloc_consolidate"}
# Change K of explain_target: what the explanation's first function must be.
CASES = [
    (1, "more work in a function", lambda n: n.endswith("checksum_block")),
    (2, "an added allocation", lambda n: n in ALLOCATOR),
    (3, "a newly called function", lambda n: n.endswith("validate_record")),
    (4, "a cache-unfriendly layout", lambda n: n.endswith("sum_column")),
    (5, "a second pass over a text", lambda n: n.endswith("hash_text")),
    (6, "a linear search for a binary one", lambda n: n.endswith("find_item")),
    (7, "deeper recursion", lambda n: n.endswith("fib")),
    (8, "a template instantiation doing more", lambda n: n.endswith("accumulate_n<4>")),
    (9, "a heavier lambda", lambda n: "apply_all::{lambda" in n),
    (10, "a virtual function doing more", lambda n: n.endswith("Circle::area")),
]
hits, lines = 0, []
for k, what, expected in CASES:
    r, xs, took = explain([TARGET, TARGET, "--filter", "^explain/mixed$", "--head-env", f"EXPLAIN_CHANGE={k}"])
    x = xs[0] if xs else {}
    fns = x.get("functions", [])
    top = fns[0] if fns else {}
    ok = bool(top) and expected(top.get("name", ""))
    if k == 2:  # the allocation itself is seen: one more per iteration, the allocator NEW
        ok = ok and top.get("mark") == "NEW" and abs(x["head"]["allocations"] - x["base"]["allocations"] - 1) < 1e-9
    if k == 4:  # the same instructions, more misses
        ok = ok and x["head"]["l1_misses"] > x["base"]["l1_misses"] * 2
    hits += ok
    lines.append(f"change {k:2d} ({what}): top {top.get('name', '-')!r} {top.get('mark', '')} "
                 f"self {top.get('base_self_estimated_cycles', 0):.0f} -> {top.get('head_self_estimated_cycles', 0):.0f} "
                 f"est. cycles/op; {'hit' if ok else 'MISS'}; {took:.1f} s")
print("\n".join(lines))
check(f"ten injected changes: the changed function is ranked first in >= 9 of 10 ({hits}/10)", hits >= 9, "\n".join(lines))

# The unchanged binary against itself: nothing changed, so no function is listed.
r, xs, took = explain([TARGET, TARGET, "--filter", "^explain/mixed$"])
check("an unchanged binary explained against itself: same instructions, no function listed",
      xs and xs[0]["base"]["instructions"] == xs[0]["head"]["instructions"] and not xs[0]["functions"], r.stdout + r.stderr)

# The cost: a body of about 1 ms (EXPLAIN_CHANGE=1 makes it 1.5 ms in HEAD).
t = run([TARGET, "--quick", "--filter", "one_ms", "--json", "-"])
body_ns = json.loads(t.stdout)["benchmarks"][0]["estimates"]["median"]["point"] if t.returncode == 0 else float("nan")
r, xs, took = explain([TARGET, TARGET, "--filter", "^explain/one_ms$", "--head-env", "EXPLAIN_CHANGE=1"])
print(f"explain/one_ms: body {body_ns / 1e6:.2f} ms, explained in {took:.1f} s (the explanation's own figure "
      f"{xs[0]['seconds'] if xs else float('nan'):.1f} s)")
check(f"a body of ~1 ms ({body_ns / 1e6:.2f} ms) is explained within 30 s ({took:.1f} s), checksum_block first",
      xs and not xs[0]["note"] and took <= 30 and xs[0]["functions"][0]["name"].endswith("checksum_block"),
      r.stdout[:2000] + r.stderr)

r, xs, took = explain([TARGET, TARGET, "--filter", "^explain/one_ms$", "--timeout", "0.5"])
check("--timeout stops an explanation: exit 0, a note saying it did not finish, within a few seconds",
      r.returncode == 0 and xs and "did not finish" in xs[0]["note"] and took < 10, r.stdout + r.stderr + f" ({took:.1f} s)")

with tempfile.TemporaryDirectory() as d:
    md = os.path.join(d, "x.md")
    r = run([TOOL, "explain", TARGET, TARGET, "--filter", "^explain/mixed$", "--head-env", "EXPLAIN_CHANGE=3",
             "--markdown", md, "--color", "never"])
    text = open(md).read() if os.path.exists(md) else ""
    check("explain --markdown: one collapsed <details> block naming the NEW function; the console table too",
          r.returncode == 0 and text.startswith("<details><summary>") and "</details>" in text
          and "validate\\_record" in text and "NEW" in text and "validate_record" in r.stdout, text + r.stdout + r.stderr)

    # Duet mode: the slower demo build against the demo, the body explained in both builds.
    out, md = os.path.join(d, "duet.json"), os.path.join(d, "duet.md")
    t0 = time.monotonic()
    r = run([DEMO_SLOW, "--quick", "--against", DEMO, "--filter", "hash_chain", "--explain-filter", "hash_chain",
             "--color", "never", "--json", out, "--markdown", md])
    took = time.monotonic() - t0
    doc = json.load(open(out)) if os.path.exists(out) else {}
    xs = doc.get("explanations", [])
    x = xs[0] if xs else {}
    ok = (r.returncode in (0, 1) and x.get("name") == "demo/hash_chain" and not x.get("note")
          and x["head"]["instructions"] > 1.2 * x["base"]["instructions"]
          and "time_batch<benchgate_body_0" in x["functions"][0]["name"])
    check("--against with --explain-filter: the JSON's explanations hold the body's +25% instructions, its function first",
          ok, json.dumps(x)[:1500] + r.stderr)
    check("--explain: the console shows the explanation and the markdown comment a <details> block",
          "Explanation of demo/hash_chain" in r.stdout and "<details><summary>" in (open(md).read() if os.path.exists(md) else ""),
          r.stdout)

finish()
