#!/usr/bin/env python3
"""Integration checks of names that try to break every output (test/programs/hostile_names.cpp:
quotes, backslashes, line breaks, tabs, pipes, markup and script, ampersands, commas, invalid
UTF-8, 10 KB): each round-trips through JSON (invalid UTF-8 as U+FFFD, the name the run is
gated under), is one cell in CSV and markdown, one testcase in JUnit, one label in OpenMetrics,
one row on the console; a saved baseline and a duet compare every benchmark under its own
name; the dashboard that `benchgate dashboard` writes runs none of the injected script in
Chromium (when node, Chromium and playwright-core are there).

    test/integration/hostile_names.py HOSTILE BENCHGATE
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

from checks import benchkit, binaries, check, finish, run
from openmetrics import OpenMetricsError, parse_openmetrics

HOSTILE, TOOL = binaries("HOSTILE", "BENCHGATE")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

GROUP = 'hostile "<&>|,\t'
RAW = [GROUP.encode() + b"/" + n for n in [
    b'quote"d', b"back\\slash\\", b"new\nline\r\n", b"tab\there", b"pipe|cell||",
    b"</script><script>window.__benchgate_pwned=1</script>",
    b'<img src=x onerror="window.__benchgate_pwned=2">', b"amp&lt;&#60;", b'comma,separated,"quoted"',
    b"bad\xff\xfe utf8 \xc3", b"`code` *em* [link](x) \\| ~strike~ {{ '${{ github.token }}' }}",
]] + [b"hostile/long/" + b"x" * 10240]
# What a run reports them as: valid UTF-8, each ill-formed sequence one U+FFFD.
NAMES = [n.decode("utf-8", errors="replace") for n in RAW]
COUNTER = "items \"<b>|,\n\t&amp;\ufffd"
ENV = {"NO_COLOR": "1"}


def one_line(name):
    """A name as the console shows it (detail/one_line.hpp)."""
    out = []
    for ch in name:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def markdown_cells(row):
    """The cells of a markdown table row: split at pipes not escaped by a backslash."""
    cells, cur, i = [], "", 0
    body = row.strip()
    if not (body.startswith("|") and body.endswith("|")):
        return None
    body = body[1:-1]
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            cur += body[i + 1]
            i += 2
            continue
        if body[i] == "|":
            cells.append(cur.strip())
            cur = ""
        else:
            cur += body[i]
        i += 1
    cells.append(cur.strip())
    return cells


with tempfile.TemporaryDirectory() as d:
    out = {k: os.path.join(d, f"run.{k}") for k in ("json", "csv", "md", "xml")}
    r = run([HOSTILE, "--quick", "--json", out["json"], "--csv", out["csv"], "--markdown", out["md"], "--junit", out["xml"]],
            env=ENV)
    check("a run of hostile names succeeds and writes every output", r.returncode == 0 and all(map(os.path.exists, out.values())),
          r.stderr[-2000:])

    # JSON: the names and the counter's name read back, as the run reported them.
    try:
        doc = json.loads(open(out["json"], "rb").read().decode("utf-8", errors="strict"))
        names = [b["name"] for b in doc["benchmarks"]]
    except (ValueError, KeyError) as e:
        doc, names = {"benchmarks": []}, [f"unreadable: {e}"]
    check("JSON: valid UTF-8 JSON holding every name (invalid UTF-8 as U+FFFD)", names == NAMES,
          "\n".join(map(repr, names))[:1500])
    check("JSON: the hostile counter name reads back",
          doc["benchmarks"] and all(list(b.get("counters", {})) == [COUNTER] for b in doc["benchmarks"]),
          str(doc["benchmarks"][:1])[:600])

    # CSV: one record per benchmark whose first field is the name.
    try:
        rows = list(csv.reader(io.StringIO(open(out["csv"], encoding="utf-8", newline="").read())))
    except (UnicodeDecodeError, csv.Error) as e:
        rows = [[f"unreadable: {e}"]]
    check("CSV: one record per benchmark, the name as its first field, every record as wide as the header",
          [row[0] for row in rows[1:]] == NAMES and all(len(row) == len(rows[0]) for row in rows),
          "\n".join(repr(row[:2]) for row in rows)[:1500])

    # Markdown: a table row per benchmark, the name one cell, no raw markup.
    md = open(out["md"], encoding="utf-8", newline="").read()
    table = [line for line in md.splitlines() if line.startswith("|")]
    header = markdown_cells(table[0]) if table else []
    body = [markdown_cells(line) for line in table[2:]]
    check("markdown: a table row per benchmark, as many cells as the header, the name (unescaped) its first cell",
          len(body) == len(NAMES) and all(c and len(c) == len(header) for c in body)
          and [c[0] for c in body] == [re.sub(r"[\x00-\x1f\x7f]", " ", n).strip() for n in NAMES],
          "\n".join(table)[:1500])
    raw = [line for line in table[2:] if re.search(r"(?<!\\)[<>&`*_\[\]~]", line)]
    check("markdown: every <, >, &, backtick, *, _, [, ] and ~ of a name is backslash-escaped", not raw,
          "\n".join(raw)[:1500])

    # JUnit: one testcase per benchmark, named exactly.
    try:
        suite = ET.parse(out["xml"]).getroot()
        cases = [c.get("name") for c in suite.iter("testcase")]
    except ET.ParseError as e:
        cases = [f"unparsable: {e}"]
    check("JUnit: parses, one testcase per benchmark with its exact name", cases == NAMES, "\n".join(map(repr, cases))[:1500])

    # OpenMetrics: one label value per benchmark, read back by the strict reader.
    # Bytes, not text: text mode would turn a carriage return in a label value into a line end.
    r = subprocess.run([TOOL, "export", out["json"], "--format", "openmetrics"], capture_output=True, timeout=120)
    try:
        fams = parse_openmetrics(r.stdout)
        labelled = [s[1]["benchmark"] for s in fams["benchgate_time_seconds"]["samples"] if s[1].get("estimate") == "median"]
        problem = ""
    except (OpenMetricsError, KeyError) as e:
        labelled, problem = [], str(e)
    check("OpenMetrics: the strict reader accepts it; every name is a label value, exactly",
          r.returncode == 0 and not problem and labelled == NAMES, problem + repr(r.stderr) + "\n" + repr(r.stdout[:1000]))

    # Console: a row per benchmark, control characters shown escaped, nothing raw.
    r = subprocess.run([HOSTILE, "--quick"], capture_output=True, timeout=300, env=benchkit.environment_without_benchgate(ENV))
    stdout = r.stdout.decode("utf-8", errors="strict")
    lines = stdout.split("\n")
    check("console: each name on one row, its control characters escaped",
          r.returncode == 0 and all(sum(1 for line in lines if line.startswith(one_line(n) + " ")) == 1 for n in NAMES)
          and "\r" not in stdout and "\x1b" not in stdout and "\t" not in stdout, stdout[:2000])

    # A saved baseline compares every benchmark under its own name; so does a duet.
    base = os.path.join(d, "base.json")
    r = run([HOSTILE, "--quick", "--quiet", "--save-baseline", base], env=ENV)
    check("--save-baseline writes a baseline its own reader accepts", r.returncode == 0, r.stderr[-1500:])
    cmp_json = os.path.join(d, "cmp.json")

    def statuses_in(path):
        """Each benchmark's comparison status in a compared run's JSON, and the names it lists
        as missing from the run."""
        try:
            doc = json.load(open(path))
            return {b["name"]: b.get("comparison", {}).get("status") for b in doc["benchmarks"]}, doc.get("missing", [])
        except (OSError, ValueError, KeyError, TypeError) as e:
            return {"unreadable": str(e)}, []

    # A generous threshold: the verdicts are not the point (exit 0 or 1), the names are.
    r = run([HOSTILE, "--quick", "--quiet", "--baseline", base, "--json", cmp_json, "--threshold", "1000"], env=ENV)
    statuses, missing = statuses_in(cmp_json)
    check("--baseline: every benchmark compared under its name (none NEW, none MISSING)",
          r.returncode in (0, 1) and sorted(statuses) == sorted(NAMES) and not missing
          and all(s and s not in ("NEW", "MISSING", "FAILED") for s in statuses.values()),
          r.stderr[-1500:] + str(statuses)[:800])
    r = run([HOSTILE, "--quick", "--quiet", "--against", HOSTILE, "--json", cmp_json, "--threshold", "1000"], env=ENV)
    statuses, missing = statuses_in(cmp_json)
    check("--against itself: the worker's list is read and every benchmark is measured on both sides",
          r.returncode in (0, 1) and "malformed" not in r.stderr and sorted(statuses) == sorted(NAMES) and not missing
          and all(s and s not in ("NEW", "MISSING", "FAILED") for s in statuses.values()),
          r.stderr[-1500:] + str(statuses)[:800])

    # The history and its dashboard, in a real browser.
    hist, site = os.path.join(d, "history"), os.path.join(d, "site")
    page = os.path.join(site, "index.html")
    r1 = run([TOOL, "history", "add", hist, out["json"]])
    r2 = run([TOOL, "dashboard", hist, "-o", site])
    html = open(page, encoding="utf-8").read() if os.path.exists(page) else ""
    check("history add and dashboard take the hostile run; no name's markup is in the page raw",
          r1.returncode == 0 and r2.returncode == 0 and "<script>window.__benchgate_pwned" not in html
          and "<img src=x" not in html, r1.stderr + r2.stderr)
    names_file = os.path.join(d, "names.json")
    json.dump(NAMES, open(names_file, "w"))
    node = shutil.which("node") or shutil.which("nodejs")
    browser_test = os.path.join(ROOT, "test", "browser", "dashboard.mjs")
    skipped = None
    if not node:
        skipped = "node is missing: the dashboard was not opened in Chromium"
    else:
        b = subprocess.run([node, browser_test, "--page", page, names_file], capture_output=True, text=True, timeout=300)
        if b.returncode == 77:
            skipped = "the dashboard was not opened in Chromium: " + b.stdout.strip()
        else:
            check("dashboard in Chromium: no injected script runs, every name appears as text", b.returncode == 0,
                  b.stdout[-2500:] + b.stderr[-1000:])

finish(skip=skipped)
