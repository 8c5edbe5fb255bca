#!/usr/bin/env python3
"""Integration checks that no file benchgate writes is ever seen half-written or left behind:

- SIGKILL at random moments, concentrated at the end of the run where the file is written,
  during a bench binary's --save-baseline and --json, `benchgate history add` and `benchgate
  dashboard`: the file is always the old or the new complete version, and no temporary file
  is left once the next write to the same place has run;
- concurrency: two bench binaries saving the same baseline at once (one complete file wins),
  8 `history add` at once, five times over, with retention (the newest runs present, all
  readable), and two writers with the same PID in different PID namespaces;
- a symlink planted where an older benchgate put its temporary file is not followed, and a
  symlinked baseline stays a symlink.

    test/integration/crash_safety.py BENCHGATE DEMO

CRASH_KILLS (default 100) is the number of kills per writer; docs/reliability.md has the
figures of longer runs.
"""
import copy
import datetime
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time

from checks import binaries, check, finish, run
import benchkit

TOOL, DEMO = binaries("BENCHGATE", "DEMO")
KILLS = int(os.environ.get("CRASH_KILLS", "100"))
ENV = benchkit.environment_without_benchgate({})
QUICK = [DEMO, "--quick", "--quiet", "--filter", "hash_chain|vector_sum"]
rng = random.Random(20261202)


def temporaries(d):
    return sorted(n for n in os.listdir(d) if ".tmp." in n)


def complete_json(path, names=None):
    """The parsed document when `path` is a whole result file (every benchmark with as many
    samples as iterations), else None."""
    try:
        doc = json.load(open(path, encoding="utf-8"))
        ok = doc["schema"].startswith("benchgate/") and doc["benchmarks"] and all(
            len(b["samples"]) == len(b["iterations"]) > 0 for b in doc["benchmarks"])
        if names is not None:
            ok = ok and sorted(b["name"] for b in doc["benchmarks"]) == names
        return doc if ok else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def complete_html(path):
    try:
        text = open(path, encoding="utf-8").read()
        return text if text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>") else None
    except (OSError, UnicodeDecodeError):
        return None


def timed(args):
    started = time.monotonic()
    r = subprocess.run(args, capture_output=True, env=ENV, timeout=300)
    return time.monotonic() - started, r


def typical_duration(args):
    """The median of three runs of `args` to the end, in seconds."""
    return sorted(timed(args)[0] for _ in range(3))[1]


def killed_at(args, delay):
    """Starts `args`, SIGKILLs it after `delay` seconds unless it has ended, and waits for it.
    True when it was killed while running."""
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    time.sleep(delay)
    running = p.poll() is None
    if running:
        p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    return running


def steered(typical, killed):
    """The next attempt's typical duration: a little longer after a kill, a little shorter
    after a run that ended first, so that the kills keep landing around the end of the run
    (where the file is written) when the machine's load, and with it the run's length, moves."""
    return typical * (1.1 if killed else 0.9)


def kill_campaign(label, args, target, is_complete, workdir, prepare=None):
    """Runs `args` KILLS times, each SIGKILLed at a random moment between 0.7 and 1.4 times
    its typical duration (steered): about half end before the kill, and the others die in their last
    part, where the file is written. `prepare` runs before each attempt (to make the next
    version differ from the last). After each: the target is the previous
    version byte for byte or a new complete one. Then one run to the end: it leaves no
    temporary file."""
    typical = typical_duration(args)
    previous = open(target, "rb").read() if os.path.exists(target) else None
    stats = {"killed": 0, "finished": 0, "old": 0, "new": 0, "temporaries": 0}
    bad = []
    for i in range(KILLS):
        if prepare:
            prepare()
        delay = typical * rng.uniform(0.7, 1.4)
        killed = killed_at(args, delay)
        stats["killed" if killed else "finished"] += 1
        typical = steered(typical, killed)
        stats["temporaries"] += len(temporaries(workdir))
        now = open(target, "rb").read() if os.path.exists(target) else None
        if now == previous:
            stats["old"] += 1
        elif now is not None and is_complete(target):
            stats["new"] += 1
            previous = now
        else:
            bad.append(f"kill {i} after {delay:.3f} s: {target} is {'missing' if now is None else f'{len(now)} bytes, incomplete'}")
    left_before = temporaries(workdir)
    r = subprocess.run(args, capture_output=True, env=ENV, timeout=300)
    left_after = temporaries(workdir)
    check(f"{label}: {KILLS} SIGKILLs ({stats['killed']} while running, {stats['finished']} after the end): "
          f"always the old ({stats['old']}) or a new complete ({stats['new']}) file; "
          f"{stats['temporaries']} temporary file(s) seen after the kills",
          not bad and stats["killed"] > 0, "\n".join(bad[:5]))
    check(f"{label}: no temporary file once the next run has written it ({len(left_before)} were there before it)",
          r.returncode == 0 and not left_after, str(left_after) + r.stderr.decode(errors="replace")[-400:])


with tempfile.TemporaryDirectory() as d:
    # --save-baseline and --json of a bench binary.
    base = os.path.join(d, "baseline", "main.json")
    os.makedirs(os.path.dirname(base))
    r = subprocess.run(QUICK + ["--save-baseline", base], capture_output=True, env=ENV, timeout=300)
    assert r.returncode == 0, r.stderr
    names = sorted(b["name"] for b in json.load(open(base))["benchmarks"])
    kill_campaign("--save-baseline", QUICK + ["--save-baseline", base], base, lambda p: complete_json(p, names),
                  os.path.dirname(base))
    out = os.path.join(d, "json", "run.json")
    os.makedirs(os.path.dirname(out))
    subprocess.run(QUICK + ["--json", out], capture_output=True, env=ENV, timeout=300)
    kill_campaign("--json", QUICK + ["--json", out], out, lambda p: complete_json(p, names), os.path.dirname(out))

    # history add: each attempt adds a run of its own (a new created time), to a history that
    # keeps 20 runs, 3 with samples, so that most adds also rewrite and remove older entries.
    hist = os.path.join(d, "history")
    real = json.load(open(base))
    stamp = [datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)]
    doc_path = os.path.join(d, "next.json")

    def next_run():
        stamp[0] += datetime.timedelta(hours=1)
        doc = copy.deepcopy(real)
        doc["created"] = stamp[0].strftime("%Y-%m-%dT%H:%M:%SZ")
        json.dump(doc, open(doc_path, "w"))

    for _ in range(25):
        next_run()
        assert run([TOOL, "history", "add", hist, doc_path, "--keep", "20", "--keep-samples", "3"]).returncode == 0
    add = [TOOL, "history", "add", hist, doc_path, "--keep", "20", "--keep-samples", "3"]

    def history_state():
        """True when every entry of the history reads as a whole result file (or summary)."""
        def whole(n):
            try:
                doc = json.load(open(os.path.join(hist, n), encoding="utf-8"))
                return bool(doc["benchmarks"]) and (n.endswith(".summary.json") or complete_json(os.path.join(hist, n)))
            except (OSError, ValueError, KeyError, TypeError):
                return False
        return all(whole(n) for n in os.listdir(hist) if n.endswith(".json") and ".tmp." not in n)

    # A history is a directory of files: after each kill every entry must be whole and `list` work.
    bad_history = []
    typical = typical_duration(add)
    killed = 0
    for i in range(KILLS):
        next_run()
        was_killed = killed_at(add, typical * rng.uniform(0.3, 1.4))
        killed += was_killed
        typical = steered(typical, was_killed)
        r = run([TOOL, "history", "list", hist])
        if r.returncode != 0 or not history_state():
            bad_history.append(f"kill {i}: {r.stderr.strip()[:200]}")
    check(f"history add: {KILLS} SIGKILLs ({killed} while running): every entry readable, list works after each",
          not bad_history and killed > 0, "\n".join(bad_history[:5]))
    next_run()
    r = run(add)
    entries = sorted(n for n in os.listdir(hist) if n.endswith(".json"))
    full = [n for n in entries if not n.endswith(".summary.json")]
    check("history add: the next add cleans up; 20 runs kept, the 3 newest with samples, no temporary file",
          r.returncode == 0 and not temporaries(hist) and len(entries) == 20 and len(full) == 3
          and [n[:16] for n in full] == sorted(n[:16] for n in entries)[-3:],
          r.stderr + str(entries[-5:]) + str(temporaries(hist)))

    # dashboard: the page is replaced whole.
    site = os.path.join(d, "site")
    page = os.path.join(site, "index.html")
    assert run([TOOL, "dashboard", hist, "-o", site]).returncode == 0
    def one_more_run():
        next_run()
        run(add)
    kill_campaign("dashboard", [TOOL, "dashboard", hist, "-o", site], page, complete_html, site, prepare=one_more_run)

    # Two bench binaries saving the same baseline at once, five times: one complete file, equal
    # to what one of them measured (each also writes its own --json).
    same = os.path.join(d, "same", "main.json")
    os.makedirs(os.path.dirname(same))
    wins = []
    for rep in range(5):
        own = [os.path.join(d, "same", f"own{rep}-{k}.json") for k in range(2)]
        procs = [subprocess.Popen(QUICK + ["--save-baseline", same, "--json", own[k]], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, env=ENV) for k in range(2)]
        codes = [p.wait(timeout=300) for p in procs]
        saved = complete_json(same, names)
        samples = lambda doc: [b["samples"] for b in doc["benchmarks"]] if doc else None
        winner = [k for k in range(2) if saved and samples(complete_json(own[k])) == samples(saved)]
        wins.append(winner[0] if codes == [0, 0] and len(winner) == 1 else None)
    check(f"two binaries saving one baseline at once, 5 times: one complete file wins each time (winners {wins})",
          None not in wins and temporaries(os.path.dirname(same)) == [], str(wins))

    # 8 writers at once, five times, into a history that keeps 30 runs (5 with samples).
    conc = os.path.join(d, "concurrent")
    docs = []
    for k in range(40):
        doc = copy.deepcopy(real)
        doc["created"] = (datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)
                          + datetime.timedelta(minutes=k)).strftime("%Y-%m-%dT%H:%M:%SZ")
        docs.append(os.path.join(d, f"c{k}.json"))
        json.dump(doc, open(docs[-1], "w"))
    outs = []
    for rep in range(5):
        # The batch's runs in a shuffled order: retention must keep the newest, not the last added.
        batch = docs[rep * 8:(rep + 1) * 8]
        rng.shuffle(batch)
        procs = [subprocess.Popen([TOOL, "history", "add", conc, f, "--keep", "30", "--keep-samples", "5"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV) for f in batch]
        outs += [p.communicate(timeout=120)[1] for p in procs if p.wait() != 0]
    entries = sorted(n for n in os.listdir(conc) if n.endswith(".json"))
    stamps = sorted(n[:16] for n in entries)
    expected = sorted(datetime.datetime.strptime(json.load(open(f))["created"], "%Y-%m-%dT%H:%M:%SZ").strftime("%Y%m%dT%H%M%SZ")
                      for f in docs[10:])
    readable = all(json.load(open(os.path.join(conc, n))) for n in entries)
    check("8 concurrent history adds, 5 times, keep 30: the 30 newest of 40 runs, 5 with samples, all readable",
          not outs and stamps == expected and readable
          and sum(1 for n in entries if not n.endswith(".summary.json")) == 5 and not temporaries(conc),
          "\n".join(outs[:3]) + str(stamps[:3]) + str(expected[:3]))

    # 8 writers creating one history at once, 20 times: the one that creates it writes the
    # marker and its entry while the others decide whether the directory is a history.
    # One shell starts them, so that they start within a millisecond of each other.
    creators = []
    start_all = 'd=$1; shift; for f; do "$TOOL" history add "$d" "$f" > /dev/null 2>> "$d.err" & done; wait'
    for rep in range(20):
        fresh = os.path.join(d, f"created{rep}")
        subprocess.run(["sh", "-c", start_all, "sh", fresh] + docs[:8], env=dict(ENV, TOOL=TOOL), timeout=300)
        errors = open(fresh + ".err").read() if os.path.exists(fresh + ".err") else ""
        entries_made = len([n for n in os.listdir(fresh) if n.endswith(".json")]) if os.path.isdir(fresh) else 0
        if errors or entries_made != 8:
            creators.append(f"rep {rep}: {entries_made} entries; {errors.strip()}")
    check("8 concurrent adds into a missing history directory, 20 times: every add succeeds, 8 entries each time",
          not creators, "\n".join(creators[:3]))

    # Writers with the same PID: each in a PID namespace of its own, where it is PID 1.
    ns = os.path.join(d, "ns", "main.json")
    os.makedirs(os.path.dirname(ns))
    probe = subprocess.run(["unshare", "--pid", "--fork", "sh", "-c", "echo $$"], capture_output=True, text=True)
    if probe.returncode != 0 or probe.stdout.strip() != "1":
        print(f"note: same-PID writers not tried: unshare --pid is not permitted here ({probe.stderr.strip()[:120]})")
    else:
        ok = []
        for rep in range(5):
            procs = [subprocess.Popen(["unshare", "--pid", "--fork", "sh", "-c", 'test $$ = 1 && exec "$@"', "sh"]
                                      + QUICK + ["--save-baseline", ns], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      env=ENV) for _ in range(2)]
            codes = [p.wait(timeout=300) for p in procs]
            ok.append(codes == [0, 0] and complete_json(ns, names) is not None and not temporaries(os.path.dirname(ns)))
        check(f"two writers that are both PID 1 (PID namespaces) save one baseline, 5 times: one complete file ({ok})",
              all(ok))

    # A symlink planted at the temporary name an older benchgate used (PATH.tmp.PID) is not
    # followed: its target keeps its content and the baseline is a plain file.
    plant = os.path.join(d, "plant")
    os.makedirs(plant)
    victim = os.path.join(plant, "victim")
    open(victim, "w").write("precious")
    out = os.path.join(plant, "out.json")
    r = subprocess.run(["sh", "-c", 'v="$1"; o="$2"; shift 2; ln -s "$v" "$o.tmp.$$" && exec "$@"', "sh", victim, out]
                       + QUICK + ["--save-baseline", out], capture_output=True, text=True, env=ENV, timeout=300)
    check("a symlink planted at OUT.tmp.$$ is not followed: its target untouched, OUT a complete plain file",
          r.returncode == 0 and open(victim).read() == "precious" and not os.path.islink(out) and complete_json(out, names),
          r.stderr[-600:])

    # A symlinked baseline stays a symlink; its target is replaced, with its mode.
    real_file = os.path.join(plant, "real.json")
    shutil.copy(base, real_file)
    os.chmod(real_file, 0o640)
    link = os.path.join(plant, "link.json")
    os.symlink("real.json", link)
    r = subprocess.run(QUICK + ["--save-baseline", link], capture_output=True, text=True, env=ENV, timeout=300)
    check("--save-baseline through a symlink: it stays a symlink, the target is replaced and keeps mode 0640",
          r.returncode == 0 and os.path.islink(link) and complete_json(real_file, names)
          and open(real_file, "rb").read() != open(base, "rb").read() and (os.stat(real_file).st_mode & 0o777) == 0o640,
          r.stderr[-600:])

    # Unwritable outputs are found before any measuring.
    started = time.monotonic()
    r = run([DEMO, "--json", os.path.join(d, "no", "such", "dir", "x.json")])
    check("an unwritable --json path is an error before measuring: exit 2, one line, in well under a second",
          r.returncode == 2 and "cannot write" in r.stderr and time.monotonic() - started < 1.0, r.stderr)
    r = run([DEMO, "--save-baseline", d])
    check("a directory as --save-baseline: exit 2 before measuring", r.returncode == 2 and "Is a directory" in r.stderr, r.stderr)

finish()
