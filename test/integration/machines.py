#!/usr/bin/env python3
"""Integration checks of `benchgate machines`: a synthetic history of three machines made from a
real run (known level ratios, a known step on one machine, a benchmark one machine lacks), the
console table, --json, --markdown, --reference, --filter, plain result files, and one clear line
with exit 2 for every bad input.

    test/integration/machines.py BENCHGATE DEMO
"""
import copy
import datetime
import json
import os
import random
import re
import tempfile

from checks import binaries, check, finish, one_error_line, run

TOOL, DEMO = binaries("BENCHGATE", "DEMO")
START = datetime.datetime(2026, 10, 1, 4, 0, 0, tzinfo=datetime.timezone.utc)
DASH = "\u2014"

# Three machines: their CPU names, run counts and levels (a factor on the real run's medians).
MACHINES = [("Synthetic CPU A", 12, 1.0), ("Synthetic CPU B", 8, 1.5), ("Synthetic CPU C", 3, 0.5)]


def synthetic(real, cpu, i, level, step=None, drop=None, seed=0):
    """Run `i` of machine `cpu`: a day apart, its own commit, every benchmark at the real run's
    median times `level` (and times step[1] for benchmark step[0] from run step[2] on), with a
    0.3% between-run noise and samples of a known 0.5% spread; `drop` is left out."""
    rng = random.Random(seed * 100003 + i)
    doc = copy.deepcopy(real)
    doc["created"] = (START + datetime.timedelta(days=i, hours=seed)).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc["context"]["commit"] = f"{i:04d}" + "c0ffee" * 6
    doc["context"]["cpu"] = cpu
    doc["benchmarks"] = [b for b in doc["benchmarks"] if b["name"] != drop]
    for b in doc["benchmarks"]:
        base = sorted(b["samples"])[len(b["samples"]) // 2]
        f = level * (1.0 + rng.gauss(0.0, 0.003))
        if step and b["name"] == step[0] and i >= step[2]:
            f *= step[1]
        b["samples"] = [base * f * (1.0 + rng.gauss(0.0, 0.005)) for _ in b["samples"]]
        b.pop("estimates", None)
        b.pop("comparison", None)
    doc.pop("gate", None)
    return doc


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def cells(stdout, name):
    """The console row of benchmark `name`, split into its machine cells (two spaces apart)."""
    for line in stdout.splitlines():
        if line.startswith(name + " "):
            return [c.strip() for c in re.split(r"\s{2,}", line[len(name):].strip())]
    return None


with tempfile.TemporaryDirectory() as d:
    real_path = os.path.join(d, "real.json")
    r = run([DEMO, "--quick", "--quiet", "--json", real_path])
    assert r.returncode == 0, r.stderr
    real = json.load(open(real_path))
    names = [b["name"] for b in real["benchmarks"] if "error" not in b]
    assert len(names) >= 3, names
    stepped, dropped = names[0], names[-1]

    hist = os.path.join(d, "hist")
    last = {}
    for k, (cpu, runs, level) in enumerate(MACHINES):
        for i in range(runs):
            doc = synthetic(real, cpu, i, level, step=(stepped, 1.3, 4) if k == 1 else None,
                            drop=dropped if k == 2 else None, seed=k)
            last[cpu] = write(os.path.join(d, f"m{k}-{i}.json"), doc)
            r = run([TOOL, "history", "add", hist, last[cpu]])
            assert r.returncode == 0, r.stdout + r.stderr

    r = run([TOOL, "machines", hist, "--json", "-"])
    doc = json.loads(r.stdout) if r.returncode == 0 and r.stdout.startswith("{") else {}
    ms = doc.get("machines", [])
    check("--json: three machines, most runs first (12, 8, 3), labelled M1 M2 M3, M1 the reference",
          r.returncode == 0 and [m["runs"] for m in ms] == [12, 8, 3] and [m["label"] for m in ms] == ["M1", "M2", "M3"]
          and [m["fingerprint"].split(" \u00b7 ")[0] for m in ms] == [m[0] for m in MACHINES]
          and ms[0]["reference"] and doc["reference"] == ms[0]["id"], r.stdout[:600] + r.stderr)
    rows = {b["name"]: b["machines"] for b in doc.get("benchmarks", [])}
    check("--json: every benchmark of the run, in the reference machine's order",
          [b["name"] for b in doc.get("benchmarks", [])] == names, str(list(rows)))
    ratios_ok = all(abs(rows[n][1]["ratio"] - 1.5 * (1.3 if n == stepped else 1.0)) < 0.04 and
                    abs(rows[n][0]["ratio"] - 1.0) < 1e-12 for n in names) and \
        all(abs(rows[n][2]["ratio"] - 0.5) < 0.02 for n in names if n != dropped)
    check("--json: ratios to M1 as made: M2 x1.5 (x1.95 for the stepped benchmark), M3 x0.5, M1 x1",
          bool(rows) and ratios_ok, json.dumps({n: [c and c["ratio"] for c in rows[n]] for n in rows}))
    check("--json: the benchmark M3 never measured is null there, and known on M1 and M2",
          bool(rows) and rows[dropped][2] is None and rows[dropped][0] is not None and rows[dropped][1] is not None,
          json.dumps(rows.get(dropped)))
    check("--json: the trend per machine: step slower for the stepped benchmark on M2, stable on M1, too few runs on M3",
          bool(rows) and rows[stepped][1]["trend"] == "step slower" and rows[stepped][0]["trend"] == "stable"
          and rows[stepped][2]["trend"] == "too few runs" and rows[stepped][1]["runs"] == 8,
          json.dumps(rows.get(stepped)))
    med = rows[names[1]][0]["median"] if rows else {}
    check("--json: each latest median with its interval (lower <= point <= upper)",
          bool(med) and med["lower"] <= med["point"] <= med["upper"], json.dumps(med))

    r = run([TOOL, "machines", hist, "--color", "never"])
    row = cells(r.stdout, dropped) or []
    check("console: a legend of the three fingerprints, M1 marked reference, a row per benchmark",
          r.returncode == 0 and all(m[0] in r.stdout for m in MACHINES) and re.search(r"^M1 \(reference\) ", r.stdout, re.M)
          and all(cells(r.stdout, n) for n in names), r.stdout + r.stderr)
    check("console: the benchmark M3 lacks shows \u2014 in M3's column, a value with its interval in the others",
          len(row) == 3 and row[2] == DASH and "\u00b1" in row[0] and "\u00d7" in row[1], str(row))
    srow = cells(r.stdout, stepped) or []
    check("console: the stepped benchmark's M2 cell reads x1.9.. and step slower",
          len(srow) == 3 and re.search(r"\u00d71\.9\d\d step slower$", srow[1]) is not None, str(srow))

    r = run([TOOL, "machines", hist, "--json", "-", "--reference", "M2"])
    doc2 = json.loads(r.stdout) if r.returncode == 0 else {}
    rows2 = {b["name"]: b["machines"] for b in doc2.get("benchmarks", [])}
    check("--reference M2: ratios to M2 (M1 x0.667), the labels kept",
          r.returncode == 0 and doc2["reference"] == ms[1]["id"] and
          abs(rows2[names[1]][0]["ratio"] - 1 / 1.5) < 0.02 and [m["label"] for m in doc2["machines"]] == ["M1", "M2", "M3"],
          r.stdout[:400] + r.stderr)
    r = run([TOOL, "machines", hist, "--json", "-", "--reference", ms[2]["id"][:6].upper()])
    doc3 = json.loads(r.stdout) if r.returncode == 0 else {}
    check("--reference by an id prefix (any case): ratios to M3",
          r.returncode == 0 and doc3["reference"] == ms[2]["id"], r.stdout[:300] + r.stderr)

    md_path = os.path.join(d, "machines.md")
    r = run([TOOL, "machines", hist, "--markdown", md_path, "--filter", re.escape(dropped)])
    md = open(md_path).read() if os.path.exists(md_path) else ""
    check("--markdown FILE with --filter: the legend, one row, \u2014 for M3, the console table too",
          r.returncode == 0 and "| Benchmark | M1 | M2 | M3 |" in md and "| M1 (reference) |" in md and
          len([l for l in md.splitlines() if l.startswith("| ") and "\u00b1" in l]) == 1 and md.rstrip().endswith(DASH + " |") and
          cells(r.stdout, dropped) is not None, md + r.stderr)

    # Plain result files, one per machine (the newest run of each): a PR on three runner kinds.
    files = [last[m[0]] for m in MACHINES]
    r = run([TOOL, "machines", *files, "--markdown", "-"])
    ids = re.findall(r"^\| (M\d)(?: \(reference\))? \| `([0-9a-f]{8})` \|", r.stdout, re.M)
    check("result files: one column per machine, each one run; the reference M1 the smallest id (a tie in runs)",
          r.returncode == 0 and len(ids) == 3 and ids[0][1] == min(i for _, i in ids) and "| M1 (reference) |" in r.stdout
          and r.stdout.count("too few runs") >= 3 * len(names) - 1, r.stdout + r.stderr)
    r = run([TOOL, "machines", *files, "--json", "-", "--reference", files[1]])
    doc5 = json.loads(r.stdout) if r.returncode == 0 else {}
    check("result files: --reference FILE takes the machine that file ran on",
          r.returncode == 0 and doc5["reference"] == ms[1]["id"], r.stdout[:300] + r.stderr)
    r = run([TOOL, "machines", files[0], files[1], last[MACHINES[0][0]].replace("-11.", "-10."), "--json", "-"])
    doc4 = json.loads(r.stdout) if r.returncode == 0 else {}
    check("result files: two runs of one machine are its series (2 runs), in order of their created time",
          r.returncode == 0 and [m["runs"] for m in doc4["machines"]] == [2, 1], r.stdout[:400] + r.stderr)

    # Bad input: one line, exit 2, nothing written.
    bad_json = write(os.path.join(d, "bad.json"), {"schema": "benchgate/1"})
    open(bad_json, "w").write("{ not json")
    no_created = copy.deepcopy(json.load(open(files[0])))
    no_created["created"] = "yesterday"
    no_created_path = write(os.path.join(d, "nocreated.json"), no_created)
    out = os.path.join(d, "never.json")
    for what, argv in [
        ("no input", []),
        ("an unknown flag", [hist, "--bogus"]),
        ("--reference naming no machine", [hist, "--reference", "zz"]),
        ("an empty --reference", [hist, "--reference", ""]),
        ("a missing file", [os.path.join(d, "missing.json")]),
        ("a file that is not JSON", [files[0], bad_json]),
        ("a result file without a created time", [no_created_path]),
        ("a directory among result files", [files[0], hist]),
        ("a directory that is no history", [d]),
        ("--json - and --markdown - at once", [hist, "--json", "-", "--markdown", "-"]),
        ("a bad --filter", [hist, "--filter", "("]),
        ("a bad --threshold", [hist, "--threshold", "abc"]),
        ("a bad --color", [hist, "--color", "pink"]),
        ("--json into a missing directory", [hist, "--json", os.path.join(d, "no", "such", "dir.json")]),
    ]:
        r = run([TOOL, "machines", *argv, *(["--json", out] if what in ("a missing file", "a bad --filter") else [])])
        check(f"bad input, {what}: exit 2, one line", r.returncode == 2 and one_error_line(r) and not os.path.exists(out),
              r.stdout + r.stderr)
    r = run([TOOL, "machines", "--help"])
    check("machines --help: usage, exit 0", r.returncode == 0 and "--reference" in r.stdout and "exit codes" in r.stdout,
          r.stdout + r.stderr)
    r = run([TOOL, "--help"])
    check("benchgate --help lists machines", r.returncode == 0 and " machines HISTORY_DIR" in r.stdout, r.stdout)

finish()
