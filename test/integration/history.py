#!/usr/bin/env python3
"""Integration checks of `benchgate history` and `benchgate trend` on histories built from
real runs: retention (a 51st run drops the oldest), samples kept only in the newest runs, eight
concurrent writers, a bench binary's --history, a known step and pure noise in the trend, and
one clear line with exit 2 for every bad input.

    test/integration/history.py BENCHGATE DEMO
"""
import copy
import datetime
import json
import os
import random
import re
import subprocess
import tempfile

from checks import binaries, check, finish, one_error_line, run

TOOL, DEMO = binaries("BENCHGATE", "DEMO")
START = datetime.datetime(2026, 10, 1, 4, 0, 0, tzinfo=datetime.timezone.utc)


def synthetic(real, i, factor=lambda name, i: 1.0, noise=0.01, seed=0, machine=None):
    """Run `i` of a history made from a real run: a day apart, its own commit, benchmark
    `name` at the real run's median scaled by factor(name, i) times one between-run noise draw
    (estimates dropped, so the reader recomputes them from the new samples)."""
    rng = random.Random(seed * 100003 + i)
    doc = copy.deepcopy(real)
    doc["created"] = (START + datetime.timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc["context"]["commit"] = f"{i:04d}" + "c0ffee" * 6
    if machine:
        doc["context"]["cpu"] = machine
    for b in doc["benchmarks"]:
        # The real run's level, but samples with a known 0.5% spread: a quick run's own
        # spread varies from run to run, and the checks below need the same series each time.
        level = sorted(b["samples"])[len(b["samples"]) // 2]
        f = factor(b["name"], i) * (1.0 + rng.gauss(0.0, noise))
        b["samples"] = [level * f * (1.0 + rng.gauss(0.0, 0.005)) for _ in b["samples"]]
        b.pop("estimates", None)
        b.pop("comparison", None)
    doc.pop("gate", None)
    return doc


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def add(hist, path, *flags):
    return run([TOOL, "history", "add", hist, path, *flags])


def entries(hist):
    return sorted(n for n in os.listdir(hist) if n.endswith(".json"))


with tempfile.TemporaryDirectory() as d:
    real_path = os.path.join(d, "real.json")
    r = run([DEMO, "--quick", "--quiet", "--json", real_path])
    assert r.returncode == 0, r.stderr
    real = json.load(open(real_path))
    names = [b["name"] for b in real["benchmarks"]]

    # Retention: 51 runs with --keep 50 and --keep-samples 5.
    hist = os.path.join(d, "hist")
    results = []
    for i in range(51):
        p = write(os.path.join(d, f"run{i}.json"), synthetic(real, i))
        r = add(hist, p, "--keep", "50", "--keep-samples", "5")
        results.append(r)
    ok = all(r.returncode == 0 for r in results)
    files = entries(hist)
    check("51 runs added with --keep 50: 50 entries, the oldest (day 0) dropped, named by UTC time and commit",
          ok and len(files) == 50 and files[0].startswith("20261002T040000Z-0001c0ffee") and
          files[-1].startswith("20261120T040000Z-0050c0ffee") and "removed 1 oldest" in results[-1].stdout,
          (results[-1].stdout + results[-1].stderr)[:400] + str(files[:2]))
    full = [f for f in files if not f.endswith(".summary.json")]
    check("raw samples only in the newest 5 runs; the older 45 are summaries",
          len(full) == 5 and full[0].startswith("20261116") and
          all("samples" not in b for f in files[:45] for b in json.load(open(os.path.join(hist, f)))["benchmarks"]),
          str(full))
    r = run([TOOL, "history", "list", hist])
    check("history list: one line per run, samples or estimates, the total",
          r.returncode == 0 and r.stdout.count("estimates") == 45 and r.stdout.count(" samples ") == 5 and
          "50 run(s)" in r.stdout, r.stdout[-400:] + r.stderr)

    # Eight writers at once, three times over: every run present, every entry readable.
    conc = os.path.join(d, "concurrent")
    docs = [write(os.path.join(d, f"c{k}.json"), synthetic(real, 100 + k, seed=k)) for k in range(24)]
    for rep in range(3):
        procs = [subprocess.Popen([TOOL, "history", "add", conc, docs[rep * 8 + k]], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for k in range(8)]
        outs = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
        if any(o[2] != 0 for o in outs):
            break
    files = entries(conc)
    r = run([TOOL, "history", "list", conc])
    check("8 concurrent writers, 3 times: all 24 runs present, none corrupted, no temporary files left",
          all(o[2] == 0 for o in outs) and len(files) == 24 and r.returncode == 0 and "24 run(s)" in r.stdout and
          not [n for n in os.listdir(conc) if ".tmp." in n], str(outs[:2]) + str(len(files)) + r.stderr)

    # A bench binary's --history.
    bh = os.path.join(d, "bench-history")
    for _ in range(2):
        r = run([DEMO, "--quick", "--quiet", "--history", bh])
    check("a bench binary's --history DIR adds its run (two runs: two entries)",
          r.returncode == 0 and len(entries(bh)) == 2, r.stderr)

    # Trend: a +30% step in one benchmark at day 30 of 40, the others pure noise.
    step = os.path.join(d, "step")
    stepped = names[1]
    for i in range(40):
        doc = synthetic(real, i, factor=lambda n, i: 1.3 if n == stepped and i >= 30 else 1.0, noise=0.01, seed=7)
        assert add(step, write(os.path.join(d, f"s{i}.json"), doc)).returncode == 0
    r = run([TOOL, "trend", step, "--color", "never"])
    rows = {l.split()[0]: l for l in r.stdout.splitlines() if l.split() and l.split()[0] in names}
    check("trend: the +30% step is found at its run (date, and the commits it lies between) and is 'step slower'",
          r.returncode == 0 and "step slower" in rows.get(stepped, "") and "at 2026-10-31 (0029c0ffee..0030c0ffee)" in rows[stepped],
          r.stdout + r.stderr)
    j = run([TOOL, "trend", step, "--json", "-"])
    doc = json.loads(j.stdout) if j.returncode == 0 else {}
    steps = doc.get("steps", [])
    check("trend --json -: only the JSON on standard output; the step is open, keyed by its first commit, with the bisect range",
          j.returncode == 0 and len(steps) == 1 and steps[0]["state"] == "open" and steps[0]["benchmark"] == stepped and
          steps[0]["range"] == "0029c0ffee..0030c0ffee" and steps[0]["key"].endswith("/" + stepped + "@0030c0ffee") and
          abs(steps[0]["change"] - 0.3) < 0.03, j.stdout[-1500:] + j.stderr)
    both = run([TOOL, "trend", step, "--json", "-", "--markdown", "-"])
    check("trend --json - --markdown -: refused, exit 2, one line",
          both.returncode == 2 and len(both.stderr.strip().splitlines()) == 1 and both.stdout == "", both.stderr)
    check("trend: the benchmarks without a step have no change point and are stable",
          all(" - " in rows.get(n, "") and rows[n].rstrip().endswith("stable") for n in names if n != stepped), r.stdout)
    r = run([TOOL, "trend", step, "--fail-on-drift", "--markdown", os.path.join(d, "trend.md")])
    md = open(os.path.join(d, "trend.md")).read() if os.path.exists(os.path.join(d, "trend.md")) else ""
    check("trend --fail-on-drift with a step: exit 1; the markdown names the step",
          r.returncode == 1 and "| Benchmark | Runs | Latest |" in md and "step slower" in md, r.stdout[-300:] + r.stderr)
    r = run([TOOL, "trend", step, "--fail-on-drift", "--filter", "^" + names[0] + "$"])
    check("trend --filter a benchmark without a step: exit 0, only that row",
          r.returncode == 0 and names[0] in r.stdout and stepped not in r.stdout, r.stdout + r.stderr)

    # A slow degradation: +3% every 5 runs on every benchmark (each step under the 10% threshold).
    ramp = os.path.join(d, "ramp")
    for i in range(35):
        doc = synthetic(real, i, factor=lambda n, i: 1.03 ** (i // 5), noise=0.01, seed=9)
        assert add(ramp, write(os.path.join(d, f"r{i}.json"), doc)).returncode == 0
    r = run([TOOL, "trend", ramp, "--color", "never", "--fail-on-drift"])
    check("trend: +3% steps every 5 runs (each under the threshold) are 'drifting slower'; --fail-on-drift exits 1",
          r.returncode == 1 and r.stdout.count("drifting slower") + r.stdout.count("step slower") == len(names),
          r.stdout + r.stderr)

    # Two machines in one history: each compared with itself.
    two = os.path.join(d, "two")
    for i in range(12):
        for cpu in ("CPU A", "CPU B"):
            assert add(two, write(os.path.join(d, f"m{i}{cpu[-1]}.json"),
                                  synthetic(real, i, machine=cpu, seed=ord(cpu[-1])))).returncode == 0
    r = run([TOOL, "trend", two, "--color", "never"])
    check("two machines: one table each (12 runs), and the tool says runs are compared per machine",
          r.returncode == 0 and r.stdout.count("(12 runs,") == 2 and "CPU A" in r.stdout and "CPU B" in r.stdout and
          "2 machines" in r.stdout, r.stdout + r.stderr)

    # The dashboard of the step history: one self-contained page.
    site = os.path.join(d, "site")
    r = run([TOOL, "dashboard", step, "-o", site])
    page = open(os.path.join(site, "index.html"), encoding="utf-8").read() if os.path.exists(os.path.join(site, "index.html")) else ""
    check("dashboard: one index.html with every benchmark, its data inline, no external URL, no side file",
          r.returncode == 0 and all(json.dumps(n)[1:-1] in page for n in names) and
          not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page) and "fetch(" not in page and
          os.listdir(site) == ["index.html"], r.stdout + r.stderr)
    r = run([TOOL, "dashboard", step])
    check("dashboard without -o: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
    r = run([TOOL, "dashboard", os.path.join(d, "nowhere"), "-o", site])
    check("dashboard of a missing history: exit 2, one line, the old page kept",
          r.returncode == 2 and one_error_line(r) and os.path.getsize(os.path.join(site, "index.html")) == len(page.encode()),
          r.stderr)

    # Bad input: one line naming the problem, exit 2, nothing written.
    other = os.path.join(d, "other")
    os.makedirs(other)
    open(os.path.join(other, "notes.txt"), "w").write("x")
    r = add(other, real_path)
    check("history add to a directory of other files: exit 2, one line, nothing added",
          r.returncode == 2 and one_error_line(r) and "not a benchgate history" in r.stderr and
          os.listdir(other) == ["notes.txt"], r.stderr)
    r = run([TOOL, "trend", os.path.join(d, "nowhere")])
    check("trend of a missing directory: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
    broken = os.path.join(d, "broken")
    for i in range(3):
        add(broken, write(os.path.join(d, f"b{i}.json"), synthetic(real, i)))
    victim = os.path.join(broken, entries(broken)[1])
    text = open(victim).read()
    open(victim, "w").write(text[: len(text) // 2])
    r = run([TOOL, "trend", broken])
    check("a truncated entry: exit 2, one line naming the file", r.returncode == 2 and one_error_line(r) and
          os.path.basename(victim) in r.stderr, r.stderr)
    open(os.path.join(broken, ".benchgate-history"), "w").write("benchgate history 9\n")
    r = run([TOOL, "history", "list", broken])
    check("a history written by a newer benchgate: exit 2, one line", r.returncode == 2 and one_error_line(r) and
          "newer" in r.stderr, r.stderr)
    summary = os.path.join(hist, entries(hist)[0])
    r = run([TOOL, "compare", summary, real_path])
    check("compare with a summary entry (no samples): exit 2, one line saying so",
          r.returncode == 2 and one_error_line(r) and "summary" in r.stderr, r.stderr)
    r = add(hist, os.path.join(d, "missing.json"))
    check("history add of a missing file: exit 2, one line naming it", r.returncode == 2 and one_error_line(r) and
          "missing.json" in r.stderr, r.stderr)
    r = run([DEMO, "--quick", "--quiet", "--shard", "1/2", "--json", os.path.join(d, "shard.json")])
    r = add(hist, os.path.join(d, "shard.json"))
    check("history add of one shard of a run: exit 2, one line naming merge", r.returncode == 2 and one_error_line(r) and
          "merge" in r.stderr, r.stderr)
    r = add(hist, real_path, "--keep", "0")
    check("--keep 0: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)
    r = run([TOOL, "history", "frob", hist])
    check("an unknown history subcommand: exit 2, one line", r.returncode == 2 and one_error_line(r), r.stderr)

finish()
