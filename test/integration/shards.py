#!/usr/bin/env python3
"""Integration checks of --shard I/N on a real suite and of `benchgate merge`: the shards' lists
join into the unsharded list with every benchmark in exactly one shard; shard files merge into
one run that gates like the whole suite; an overlapping benchmark or a mixed machine is one line,
exit 2, nothing written, unless --allow-mixed, which the merged file records. `benchgate baseline`
joins runs made at different times into a baseline of sessions, which the gate notes it has.

    test/integration/shards.py BENCHGATE DEMO
"""
import json
import os
import re
import tempfile

from checks import binaries, check, finish, one_error_line, run, statuses

TOOL, DEMO = binaries("BENCHGATE", "DEMO")


def listing(*args, env=None):
    r = run([DEMO, "--list", *args], env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


full = listing()
for n in (1, 2, 3, 4):
    shards = [listing("--shard", f"{i}/{n}") for i in range(1, n + 1)]
    joined = [name for s in shards for name in s]
    check(f"--shard I/{n}: every benchmark in exactly one of the {n} shards, the union the unsharded --list",
          sorted(joined) == sorted(full) and len(joined) == len(full)
          and all(s == [name for name in full if name in s] for s in shards), str(shards))
check("--shard is stable: the same lists on a second run", [listing("--shard", f"{i}/3") for i in (1, 2, 3)] ==
      [listing("--shard", f"{i}/3") for i in (1, 2, 3)])
filtered = listing("--filter", "map|hash|string")
joined = [name for i in (1, 2) for name in listing("--filter", "map|hash|string", "--shard", f"{i}/2")]
check("--shard with --filter: the shards split the filtered list", sorted(joined) == sorted(filtered) and len(filtered) == 3,
      str(joined))
check("BENCHGATE_SHARD mirrors --shard", listing(env={"BENCHGATE_SHARD": "3/3"}) == listing("--shard", "3/3"))
for bad in ("0/3", "4/3", "1/0", "two/3", "1-3"):
    r = run([DEMO, "--list", "--shard", bad])
    check(f"--shard {bad}: exit 2, one line naming the flag", r.returncode == 2 and one_error_line(r) and "'--shard'" in r.stderr,
          r.stderr)

with tempfile.TemporaryDirectory() as d:
    one = os.path.join(d, "one.json")
    r = run([DEMO, "--quick", "--quiet", "--json", one, "--shard", "2/4"])
    doc = json.load(open(one)) if os.path.exists(one) else {}
    check("the saved file records the shard in its context and holds only the shard's benchmarks",
          r.returncode == 0 and doc["context"].get("shard") == "2/4"
          and [b["name"] for b in doc["benchmarks"]] == listing("--shard", "2/4"), r.stderr + str(doc.get("context")))

    # The suite in three shards (2/3 of the demo selects nothing), each saved as a baseline.
    paths = [os.path.join(d, f"shard{i}.json") for i in (1, 2, 3)]
    results = [run([DEMO, "--quick", "--color", "never", "--shard", f"{i}/3", "--save-baseline", p])
               for i, p in zip((1, 2, 3), paths)]
    empty = [i for i in (1, 2, 3) if not listing("--shard", f"{i}/3")]
    check("every shard saves its file, an empty one with a note and no benchmarks",
          all(r.returncode == 0 for r in results) and all(os.path.exists(p) for p in paths)
          and all(f"shard {i}/3 selects none of the benchmarks" in results[i - 1].stderr
                  and json.load(open(paths[i - 1]))["benchmarks"] == [] for i in empty),
          "\n".join(r.stderr for r in results))
    merged = os.path.join(d, "all.json")
    r = run([TOOL, "merge", *paths, "-o", merged])
    doc = json.load(open(merged)) if os.path.exists(merged) else {}
    check("merge: one run with every benchmark of the suite, processes kept, the shard cleared, a note naming the files",
          r.returncode == 0 and sorted(b["name"] for b in doc["benchmarks"]) == sorted(full)
          and doc["context"]["processes"] == 3 and "shard" not in doc["context"]
          and any(n.startswith("merged from 3 files: ") and "(shard 3/3)" in n for n in doc["context"].get("notes", [])),
          r.stderr + str(doc.get("context")))
    r = run([TOOL, "compare", merged, merged, "--color", "never"])
    # A file against itself: every change is +0.0%. The verdict is STABLE, or UNDECIDED for a
    # benchmark whose quick run was noisy enough that its interval spans the threshold.
    check("compare ALL ALL: exit 0, every benchmark compared with a +0.0% change",
          r.returncode == 0 and all(name in r.stdout for name in full) and r.stdout.count("+0.0% [") == len(full)
          and not re.search(r"REGRESSION|MISSING|NEW|SLOWER|FASTER|IMPROVED", r.stdout), r.stdout + r.stderr)
    # What is checked is which rows the table has; their verdicts compare two recordings made at
    # different moments, and on a busy host an allocating benchmark can move by more than any band.
    r = run([DEMO, "--quick", "--color", "never", "--shard", "3/3", "--baseline", merged])
    rows = statuses(r.stdout)
    check("a shard gated against the merged baseline: its benchmarks compared, the other shards' not MISSING",
          r.returncode in (0, 1) and sorted(rows) == sorted(listing("--shard", "3/3"))
          and not re.search(r"^demo/\S+ .* (MISSING|NEW|FAILED)$", r.stdout, re.M), r.stdout + r.stderr)

    r = run([TOOL, "compare", merged, merged, "--shard", "1/3"])
    check("compare does not select: --shard is refused with one line, exit 2",
          r.returncode == 2 and one_error_line(r) and "--shard" in r.stderr, r.stderr)

    never = os.path.join(d, "never.json")
    r = run([TOOL, "merge", paths[0], paths[2], paths[0], "-o", never])
    first = json.load(open(paths[0]))["benchmarks"][0]["name"]
    check("merge with a benchmark in two files: exit 2, one line naming it and both files, nothing written",
          r.returncode == 2 and one_error_line(r) and f"'{first}'" in r.stderr and r.stderr.count(paths[0]) == 2
          and not os.path.exists(never), r.stderr)
    r = run([TOOL, "merge", paths[0], paths[2], "-o", never])
    check("merge without a shard of the split: written, with a warning naming the missing shard",
          r.returncode == 0 and "warning: shard(s) 2/3 not among the files" in r.stderr and os.path.exists(never), r.stderr)
    os.unlink(never)

    other = os.path.join(d, "other-cpu.json")
    doc = json.load(open(paths[2]))
    doc["context"]["cpu"] = "Some Other CPU @ 3.0GHz"
    json.dump(doc, open(other, "w"))
    r = run([TOOL, "merge", paths[0], paths[1], other, "-o", never])
    check("merge of files from different machines: exit 2, one line naming both fingerprints, nothing written",
          r.returncode == 2 and one_error_line(r) and "Some Other CPU @ 3.0GHz" in r.stderr
          and json.load(open(paths[0]))["context"]["cpu"] in r.stderr and "--allow-mixed" in r.stderr
          and not os.path.exists(never), r.stderr)
    r = run([TOOL, "merge", paths[0], paths[1], other, "-o", never, "--allow-mixed"])
    notes = json.load(open(never))["context"]["notes"] if os.path.exists(never) else []
    check("--allow-mixed: merged, and the note names the machines",
          r.returncode == 0 and any(n.startswith("merged from runs on different machines: ") and "Some Other CPU @ 3.0GHz" in n
                                    and other in n for n in notes), r.stderr + str(notes))

    garbage = os.path.join(d, "garbage.json")
    open(garbage, "w").write('{"schema": "benchgate/1", "benchmarks": [')
    for args, what in (([paths[0], garbage, "-o", os.path.join(d, "x.json")], "garbage.json"),
                       ([paths[0], paths[2]], "-o"),
                       ([paths[0], "-o", os.path.join(d, "x.json"), "--bogus"], "--bogus")):
        r = run([TOOL, "merge", *args])
        check(f"merge with bad input ({what}): exit 2, one line, nothing written",
              r.returncode == 2 and one_error_line(r) and what in r.stderr and not os.path.exists(os.path.join(d, "x.json")),
              r.stderr)

with tempfile.TemporaryDirectory() as d:
    runs = [os.path.join(d, f"run{i}.json") for i in (1, 2)]
    for p in runs:
        run([DEMO, "--quick", "--quiet", "--filter", "hash", "--save-baseline", p])
    base = os.path.join(d, "base.json")
    r = run([TOOL, "baseline", *runs, "-o", base])
    doc = json.load(open(base)) if os.path.exists(base) else {"context": {}}
    per_run = json.load(open(runs[0]))["context"]["processes"]
    check("baseline RUN RUN: one file, the runs' processes numbered apart, each run a session",
          r.returncode == 0 and doc["context"].get("processes") == 2 * per_run
          and doc["context"].get("sessions") == [0] * per_run + [1] * per_run, r.stderr + str(doc["context"]))
    one = run([DEMO, "--quick", "--filter", "hash", "--color", "never", "--baseline", runs[0]])
    two = run([DEMO, "--quick", "--filter", "hash", "--color", "never", "--baseline", base, "--json", os.path.join(d, "g.json")])
    gate = json.load(open(os.path.join(d, "g.json"))).get("gate", {}) if os.path.exists(os.path.join(d, "g.json")) else {}
    check("a baseline of one session is noted; one of two sessions is not, and the JSON says how many it holds",
          "baseline holds one session" in one.stdout and "baseline holds one session" not in two.stdout
          and two.returncode in (0, 1) and gate.get("baseline_sessions") == 2, one.stdout + two.stdout)
    never = os.path.join(d, "never.json")
    other = os.path.join(d, "other.json")
    doc = json.load(open(runs[1]))
    doc["context"]["cpu"] = "Some Other CPU"
    json.dump(doc, open(other, "w"))
    for args, what in (([runs[0], "-o", never], "one file"), ([runs[0], other, "-o", never], "Some Other CPU"),
                       ([*runs], "-o")):
        r = run([TOOL, "baseline", *args])
        check(f"baseline with bad input ({what}): exit 2, one line naming it, nothing written",
              r.returncode == 2 and one_error_line(r) and not os.path.exists(never)
              and (what in r.stderr or what == "one file" and "two or more" in r.stderr), r.stderr)

finish()
