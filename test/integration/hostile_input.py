#!/usr/bin/env python3
"""Integration checks of hostile input files: every reader of a file benchgate did not write
itself gets each of a table of damaged, malicious and merely odd files. Each file is refused
with exit 2 and exactly one "benchgate: error:" line, or read correctly; never a crash, within a
time limit, and within 1 GiB of address space (RLIMIT_AS), which proves the memory bound.

The readers: a bench binary's --baseline FILE; `benchgate compare` with the file as the
baseline and as the current run; `benchgate history list` and `benchgate trend` on a history
holding the file as an entry; `benchgate import-gbench` on Google Benchmark JSON.

    test/integration/hostile_input.py BENCHGATE DEMO
"""
import copy
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

from checks import binaries, check, finish, one_error_line

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools"))
import benchkit  # noqa: E402

TOOL, DEMO = binaries("BENCHGATE", "DEMO")
ADDRESS_SPACE = 1 << 30  # bytes: every reader runs within this
TIME_LIMIT = 60          # seconds per run, measuring included


# AddressSanitizer reserves terabytes of address space for its shadow memory, so the sanitized
# build (make test's second pass) runs these readers without the limit: there they are checked
# for memory errors, here for the bound.
SANITIZED = os.environ.get("TEST_SANITIZED_BUILD") == "1"


def bounded():
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run(args):
    """Runs args with the address-space limit; the CompletedProcess gets .seconds. A timeout
    is a result too (returncode None)."""
    start = time.monotonic()
    try:
        r = subprocess.run(args, capture_output=True, encoding="utf-8", errors="replace", timeout=TIME_LIMIT,
                           preexec_fn=bounded, env=benchkit.environment_without_benchgate(None))
    except subprocess.TimeoutExpired as e:
        r = subprocess.CompletedProcess(args, None, e.stdout or "", e.stderr or "")
        r.stdout = r.stdout if isinstance(r.stdout, str) else r.stdout.decode("utf-8", "replace")
        r.stderr = r.stderr if isinstance(r.stderr, str) else r.stderr.decode("utf-8", "replace")
    r.seconds = time.monotonic() - start
    return r


def refused(r, needle):
    """Exit 2 with one error line that says `needle`."""
    return r.returncode == 2 and one_error_line(r) and needle in r.stderr


def shown(r):
    return f"exit {r.returncode} after {r.seconds:.1f} s; stderr: {r.stderr.strip()[:400]!r}"


with tempfile.TemporaryDirectory() as d:
    def path(name):
        return os.path.join(d, name)

    good = path("good.json")
    r = subprocess.run([DEMO, "--quick", "--quiet", "--filter", "demo/vector_sum", "--save-baseline", good],
                       capture_output=True, text=True, env=benchkit.environment_without_benchgate(None), timeout=120)
    assert r.returncode == 0, r.stderr
    real = json.load(open(good))
    text = open(good, "rb").read()

    def edited(change):
        doc = copy.deepcopy(real)
        change(doc)
        return json.dumps(doc).encode()

    def bench(doc):
        return doc["benchmarks"][0]

    def setitem(obj, key, value):
        obj[key] = value

    # (name, the file's bytes or None for a special file, what a refusal says; None: read correctly)
    cases = [
        ("NaN token", text.replace(b'"samples": [', b'"samples": [NaN, ', 1), "not valid JSON"),
        ("Infinity token", text.replace(b'"samples": [', b'"samples": [Infinity, ', 1), "not valid JSON"),
        ("number out of double range", text.replace(b'"samples": [', b'"samples": [1e999, ', 1), "not valid JSON"),
        ("negative sample", edited(lambda doc: bench(doc)["samples"].__setitem__(0, -1.0)), "is not a positive finite time"),
        ("zero sample", edited(lambda doc: bench(doc)["samples"].__setitem__(0, 0)), "is not a positive finite time"),
        ("duplicate benchmark names", edited(lambda doc: doc["benchmarks"].append(copy.deepcopy(bench(doc)))), "appears twice"),
        ("hostile duplicate name with a line break",
         edited(lambda doc: [setitem(bench(doc), "name", "a\nb\r\x1b[31m")] + [doc["benchmarks"].append(copy.deepcopy(bench(doc)))]),
         "appears twice"),
        ("samples as strings", edited(lambda doc: setitem(bench(doc), "samples", [str(s) for s in bench(doc)["samples"]])),
         "a sample is not a number"),
        ("cores as a string", edited(lambda doc: setitem(doc["context"], "cores", "2")), "context \"cores\" is not an integer"),
        ("cores 2.5", edited(lambda doc: setitem(doc["context"], "cores", 2.5)), "context \"cores\" is not an integer"),
        ("cores -4", edited(lambda doc: setitem(doc["context"], "cores", -4)), "context \"cores\" is not an integer"),
        ("iterations shorter than samples", edited(lambda doc: bench(doc)["iterations"].pop()), "differ in length"),
        ("rounds shorter than samples", edited(lambda doc: setitem(bench(doc), "rounds", [0])), "\"rounds\" has 1 entries"),
        ("processes longer than samples",
         edited(lambda doc: setitem(bench(doc), "processes", [0] * (len(bench(doc)["samples"]) + 1))), "\"processes\" has"),
        ("paired baseline of another length", edited(lambda doc: setitem(bench(doc), "paired", {"baseline_samples": [1.0]})),
         "\"paired\" and \"samples\" differ in length"),
        ("a round index out of range", edited(lambda doc: setitem(bench(doc), "rounds", [2 ** 40] * len(bench(doc)["samples"]))),
         "out of range"),
        ("no schema", edited(lambda doc: doc.pop("schema")), "no \"schema\" string"),
        ("no benchmarks", edited(lambda doc: doc.pop("benchmarks")), "no \"benchmarks\" array"),
        ("a benchmark without a name", edited(lambda doc: bench(doc).pop("name")), "has no name"),
        ("a benchmark without samples", edited(lambda doc: bench(doc).pop("samples")), "has no \"samples\" array"),
        ("top level an array", b"[1, 2]", "top level is not an object"),
        ("benchmarks an object", edited(lambda doc: setitem(doc, "benchmarks", {"a": 1})), "no \"benchmarks\" array"),
        ("a benchmark a string", edited(lambda doc: setitem(doc, "benchmarks", ["demo"])), "is not an object"),
        ("name a number", edited(lambda doc: setitem(bench(doc), "name", 7)), "\"name\" is not a string"),
        ("context a string", edited(lambda doc: setitem(doc, "context", "linux")), "\"context\" is not an object"),
        ("cpu a number", edited(lambda doc: setitem(doc["context"], "cpu", 7)), "context \"cpu\" is not a string"),
        ("samples an object", edited(lambda doc: setitem(bench(doc), "samples", {"0": 1})), "has no \"samples\" array"),
        ("iterations a number", edited(lambda doc: setitem(bench(doc), "iterations", 5)), "\"iterations\" is not an array"),
        ("thresholds a string", edited(lambda doc: setitem(bench(doc), "thresholds", "5%")), "\"thresholds\" is not an object"),
        ("a negative threshold", edited(lambda doc: setitem(bench(doc), "thresholds", {"threshold": -1})),
         "threshold \"threshold\" is not a number"),
        ("sample overflows in ns", edited(lambda doc: [setitem(bench(doc), "unit", "s"), bench(doc)["samples"].__setitem__(0, 1e300)]),
         "is not a positive finite time"),
        ("invalid UTF-8", text.replace(b'"demo/vector_sum"', b'"demo/\xc3\x28vector"', 1), "not valid JSON"),
        ("trailing garbage", text + b"\n}{garbage", "not valid JSON"),
        ("truncated", text[: len(text) // 2], "not valid JSON"),
        ("empty file", b"", "file is empty"),
        ("only whitespace", b" \n\t\r\n", "file is empty"),
        ("50 MB of [", b"[" * (50 << 20), "nested deeper than 1024 levels"),
        ("100 000 levels of nesting", b"[" * 100000 + b"]" * 100000, "nested deeper than 1024 levels"),
        ("a sparse 1 GiB file", None, "larger than the 256 MiB benchgate reads"),
        ("a directory", None, "it is a directory"),
        ("a missing file", None, "No such file"),
        # Read correctly:
        ("a byte order mark", b"\xef\xbb\xbf" + text, None),
        ("cores 2.0", edited(lambda doc: setitem(doc["context"], "cores", float(doc["context"]["cores"]))), None),
        ("estimates of the wrong type (recomputed)", edited(lambda doc: setitem(bench(doc), "estimates", "fast")), None),
        ("unknown fields", edited(lambda doc: [setitem(doc, "future", {"x": [1]}), setitem(bench(doc), "extra", None)]), None),
    ]

    def materialise(name, content):
        p = path(name.replace(" ", "_").replace("/", "_") + ".json")
        if name.endswith("a sparse 1 GiB file"):
            with open(p, "wb") as f:
                f.write(text)
            os.truncate(p, 1 << 30)
        elif name.endswith("a directory"):
            os.makedirs(p, exist_ok=True)
        elif name.endswith("a missing file"):
            pass
        else:
            with open(p, "wb") as f:
                f.write(content)
        return p

    # The cases a bench binary measures for (accepted baselines): two, to keep the time down.
    measured = {"a byte order mark", "cores 2.0"}
    for name, content, needle in cases:
        p = materialise(name, content)
        runs = [("compare FILE GOOD", [TOOL, "compare", p, good, "--color", "never"]),
                ("compare GOOD FILE", [TOOL, "compare", good, p, "--color", "never"])]
        if needle is not None or name in measured:
            runs.append(("bench --baseline FILE",
                         [DEMO, "--quick", "--quiet", "--filter", "demo/vector_sum", "--confirm", "0", "--baseline", p]))
        for how, args in runs:
            r = run(args)
            if needle is not None:
                check(f"{how}, {name}: exit 2, one line saying '{needle}'", refused(r, needle) and r.seconds < 20, shown(r))
            else:
                # Read correctly: the same benchmarks compare, no error, no machine mismatch (cores 2.0 is 2).
                ok = r.returncode in (0, 1) and "error" not in r.stderr and "cores" not in r.stdout + r.stderr
                check(f"{how}, {name}: read correctly", ok and r.seconds < TIME_LIMIT, shown(r) + " stdout: " + r.stdout[-300:])

    # A history holding one good entry and then the hostile file as the newest entry.
    hist = path("history")
    r = run([TOOL, "history", "add", hist, good])
    assert r.returncode == 0, r.stderr
    entry = "20991231T235959Z-nocommit-0c3e9a71.json"
    for name, content, needle in cases:
        if name in ("a missing file",):
            continue
        target = os.path.join(hist, entry)
        if name == "a directory":
            os.makedirs(target)
        elif name == "a sparse 1 GiB file":
            with open(target, "wb") as f:
                f.write(text)
            os.truncate(target, 1 << 30)
        else:
            with open(target, "wb") as f:
                f.write(content if needle is not None else content.replace(real["created"].encode(), b"2099-12-31T23:59:59Z"))
        for how, args in (("history list", [TOOL, "history", "list", hist]), ("trend", [TOOL, "trend", hist, "--color", "never"])):
            r = run(args)
            if needle is not None:
                check(f"{how} with an entry, {name}: exit 2, one line naming the entry",
                      refused(r, needle) and entry in r.stderr and r.seconds < 20, shown(r))
            else:
                check(f"{how} with an entry, {name}: read, two runs", r.returncode == 0 and "error" not in r.stderr, shown(r))
        if os.path.isdir(target):
            os.rmdir(target)
        else:
            os.remove(target)

    # Google Benchmark JSON.
    gb_row = {"name": "BM_x", "run_name": "BM_x", "run_type": "iteration", "iterations": 100, "real_time": 12.5,
              "cpu_time": 12.0, "time_unit": "ns"}
    gb = {"context": {"date": "2026-12-01T10:00:00+00:00", "num_cpus": 2}, "benchmarks": [gb_row] * 6}
    gb_text = json.dumps(gb).encode()

    def gb_edited(change):
        doc = copy.deepcopy(gb)
        change(doc)
        return json.dumps(doc).encode()

    gb_cases = [
        ("deep nesting", b"[" * 100000 + b"]" * 100000, "nested deeper than 1024 levels"),
        ("50 MB of [", b"[" * (50 << 20), "nested deeper than 1024 levels"),
        ("a sparse 1 GiB file", None, "larger than the 256 MiB benchgate reads"),
        ("a directory", None, "it is a directory"),
        ("empty file", b"", "file is empty"),
        ("trailing garbage", gb_text + b" ]", "not valid JSON"),
        ("invalid UTF-8", gb_text.replace(b"BM_x", b"BM_\xff", 1), "not valid JSON"),
        ("benchmarks an object", gb_edited(lambda doc: setitem(doc, "benchmarks", {})), "no \"benchmarks\" array"),
        ("a row a number", gb_edited(lambda doc: setitem(doc, "benchmarks", [3])), "is not an object"),
        ("a row without a name", gb_edited(lambda doc: setitem(doc, "benchmarks", [{"iterations": 1}])), "has no name"),
        ("time_unit a number", gb_edited(lambda doc: setitem(doc, "benchmarks", [dict(gb_row, time_unit=3)])),
         "time_unit is not a string"),
        # Read correctly (a benchmark FAILED or a value left out, with a note, is a correct result):
        ("NaN and Infinity tokens", gb_text.replace(b"12.0", b"NaN").replace(b'"num_cpus": 2', b'"num_cpus": 2, "x": -Infinity'), None),
        ("a byte order mark", b"\xef\xbb\xbf" + gb_text, None),
        ("iterations as a string", gb_edited(lambda doc: setitem(doc, "benchmarks", [dict(gb_row, iterations="100")] * 6)), None),
        ("a time that overflows in ns", gb_edited(lambda doc: setitem(doc, "benchmarks", [dict(gb_row, time_unit="s", real_time=1e300)] * 6)), None),
    ]
    for name, content, needle in gb_cases:
        p = materialise("gbench " + name, content)
        out = path("imported.json")
        r = run([TOOL, "import-gbench", p, "-o", out])
        if needle is not None:
            check(f"import-gbench, {name}: exit 2, one line saying '{needle}'", refused(r, needle) and r.seconds < 20, shown(r))
        else:
            back = run([TOOL, "compare", out, out, "--color", "never"]) if r.returncode == 0 else None
            check(f"import-gbench, {name}: imported, and the result reads back",
                  r.returncode == 0 and "error" not in r.stderr and back is not None and back.returncode in (0, 3)
                  and "error:" not in back.stderr, shown(r) + ("; compare: " + shown(back) if back else ""))

    # ---- Waits that must end: FIFOs as outputs and inputs, and in a history.
    def waiting_for_fifo(pid):
        """True while `pid` sleeps between its tries to open a FIFO nobody reads: poll(NULL, 0, 50),
        syscall 7 on x86-64, as /proc/PID/syscall shows it."""
        try:
            return open(f"/proc/{pid}/syscall").read().startswith("7 0x0 0x0 0x32")
        except OSError:
            return False

    def timed(args, kill_after=None, timeout=20, env=None, preexec=None):
        """Runs args; with kill_after, SIGTERM once it waits for a FIFO's reader (or after
        kill_after seconds, where /proc/PID/syscall cannot tell). Returns (returncode or None when
        it had to be killed, stderr, seconds since the signal, or since the start)."""
        start = time.monotonic()
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                             env=benchkit.environment_without_benchgate(env), preexec_fn=preexec)
        try:
            if kill_after is not None:
                deadline = time.monotonic() + kill_after
                while p.poll() is None and not waiting_for_fifo(p.pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if p.poll() is None:
                    start = time.monotonic()
                    p.send_signal(signal.SIGTERM)
            _, err = p.communicate(timeout=timeout)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
            rc = None
        return rc, err, time.monotonic() - start

    fifo = path("out.fifo")
    os.mkfifo(fifo)
    rc, err, took = timed([TOOL, "compare", good, good, "--json", fifo, "--color", "never"], kill_after=20)
    check("compare --json FIFO nobody reads: SIGTERM ends it at once, exit 143 with one line",
          rc == 143 and err.startswith("benchgate: interrupted; cannot write") and len(err.strip().splitlines()) == 1 and took < 5,
          f"rc {rc} after {took:.1f} s: {err[-300:]!r}")
    rc, err, took = timed([DEMO, "--quick", "--quiet", "--filter", "demo/vector_sum", "--confirm", "0", "--json", fifo],
                          kill_after=120, timeout=60)
    check("bench --json FIFO nobody reads: SIGTERM while it waits for a reader is exit 143 with one line",
          rc == 143 and err.strip().splitlines()[-1].startswith("benchgate: interrupted;") and "FIFO" in err and took < 5,
          f"rc {rc} after {took:.1f} s: {err[-300:]!r}")
    rc, err, took = timed([TOOL, "compare", fifo, good, "--color", "never"], kill_after=1.0)  # a reader waits in poll(fd)
    check("compare with a FIFO nobody writes as the baseline: SIGTERM ends it at once", rc == -signal.SIGTERM and took < 5,
          f"rc {rc} after {took:.1f} s: {err[-300:]!r}")
    rc, err, took = timed([DEMO, "--quick", "--quiet", "--filter", "demo/vector_sum", "--baseline", fifo])
    check("bench --baseline FIFO: exit 2 at once, one line (a baseline is read twice: it must be a regular file)",
          rc == 2 and "it is a FIFO, not a regular file" in err and len(err.strip().splitlines()) == 1 and took < 5,
          f"rc {rc} after {took:.1f} s: {err[-300:]!r}")
    # A reader that comes: the output arrives whole.
    reader = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE)
    rc, err, took = timed([TOOL, "compare", good, good, "--json", fifo, "--color", "never"])
    text_read = reader.communicate(timeout=20)[0]
    check("compare --json FIFO with a reader: written whole", rc == 0 and json.loads(text_read)["benchmarks"], f"rc {rc}: {err!r}")
    os.remove(fifo)

    hist_fifo = path("history-fifo")
    assert run([TOOL, "history", "add", hist_fifo, good]).returncode == 0
    entry_fifo = os.path.join(hist_fifo, "20991231T235959Z-nocommit-0c3e9a71.json")
    os.mkfifo(entry_fifo)
    for how, args in (("history list", [TOOL, "history", "list", hist_fifo]), ("trend", [TOOL, "trend", hist_fifo]),
                      ("dashboard", [TOOL, "dashboard", hist_fifo, "-o", path("site-fifo")])):
        rc, err, took = timed(args)
        check(f"{how} with a FIFO named like an entry: exit 2 at once, one line naming it",
              rc == 2 and f"{entry_fifo}: it is a FIFO, not a regular file" in err and len(err.strip().splitlines()) == 1
              and took < 5, f"rc {rc} after {took:.1f} s: {err[-300:]!r}")
    os.remove(entry_fifo)

    # ---- Names and filters: linear, no recursion.
    long_doc = copy.deepcopy(real)
    long_doc["benchmarks"][0]["name"] = "quickstart/" + "x" * 50000
    long_file = path("long-name.json")
    json.dump(long_doc, open(long_file, "w"))
    hist_long = path("history-long")
    assert run([TOOL, "history", "add", hist_long, long_file]).returncode == 0
    for pattern in ("quickstart/x*$", "(a+)+$", "(x+x+)+y", "^(?:quickstart/)?(x|xx)*$"):
        rc, err, took = timed([TOOL, "trend", hist_long, "--filter", pattern, "--color", "never"])
        check(f"trend --filter '{pattern}' on a 50 KB name: done, no crash", rc == 0 and took < 10,
              f"rc {rc} after {took:.1f} s: {err[-300:]!r}")
    rc, err, took = timed([DEMO, "--list", "--filter", "(a+)+$"])
    check("bench --list --filter '(a+)+$': answered at once, no hang", rc == 0 and took < 5,
          f"rc {rc} after {took:.1f} s: {err[-300:]!r}")
    for pattern, needle in (("(a)\\1", "back-references"), ("(?=demo)", "lookaheads"), ("(", "without its ')'"),
                            ("a{1001}", "above 1000")):
        r = run([DEMO, "--list", "--filter", pattern])
        check(f"bench --filter '{pattern}': exit 2, one line naming --filter and saying '{needle}'",
              refused(r, needle) and "option '--filter'" in r.stderr, shown(r))
        r = run([TOOL, "trend", hist_long, "--filter", pattern])
        check(f"trend --filter '{pattern}': exit 2, one line saying '{needle}'", refused(r, needle), shown(r))
    r = subprocess.run([DEMO, "--list"], capture_output=True, text=True, timeout=60,
                       env=benchkit.environment_without_benchgate({"BENCHGATE_FILTER": "(bad"}))
    check("BENCHGATE_FILTER='(bad': exit 2, one line naming the variable, not the option",
          r.returncode == 2 and "environment variable BENCHGATE_FILTER" in r.stderr and "option '--filter'" not in r.stderr,
          r.stderr)

    # ---- Retention keeps the run just added.
    hist_keep = path("history-keep")
    a_doc, b_doc = copy.deepcopy(real), copy.deepcopy(real)
    a_doc["context"]["commit"], b_doc["context"]["commit"] = "ffffffff", "00000000"
    b_doc["created"] = a_doc["created"]
    json.dump(a_doc, open(path("keep-a.json"), "w"))
    json.dump(b_doc, open(path("keep-b.json"), "w"))
    r1 = run([TOOL, "history", "add", hist_keep, path("keep-a.json"), "--keep", "1"])
    r2 = run([TOOL, "history", "add", hist_keep, path("keep-b.json"), "--keep", "1"])
    kept = [n for n in os.listdir(hist_keep) if n.endswith(".json")]
    check("history add --keep 1 twice in one second: the run added last is the one kept",
          r1.returncode == 0 and r2.returncode == 0 and len(kept) == 1 and "00000000" in kept[0], f"{kept} {r2.stdout} {r2.stderr}")

    # ---- Smaller ones: schema, tiny samples, big integers, process indices, numbers on the command line.
    small_cases = [
        ("schema benchgate/1.999", edited(lambda doc: setitem(doc, "schema", "benchgate/1.999")), "unknown schema"),
        ("schema benchgate/01", edited(lambda doc: setitem(doc, "schema", "benchgate/01")), "unknown schema"),
        ("a 5e-324 ns sample", edited(lambda doc: bench(doc)["samples"].__setitem__(0, 5e-324)), "below the 1e-20 ns"),
        ("iterations 2^64", edited(lambda doc: bench(doc)["iterations"].__setitem__(0, 2 ** 64)), "an iteration count is not a positive integer"),
        ("a process index beyond the context's count",
         edited(lambda doc: [setitem(doc["context"], "processes", 1), setitem(bench(doc), "processes", [0] * (len(bench(doc)["samples"]) - 1) + [1])]),
         "process index 1 is out of range"),
    ]
    for name, content, needle in small_cases:
        p = materialise(name, content)
        r = run([TOOL, "compare", p, good, "--color", "never"])
        check(f"compare FILE GOOD, {name}: exit 2, one line saying '{needle}'", refused(r, needle), shown(r))
    r = run([TOOL, "compare", good, good, "--threshold", "0x10"])
    check("--threshold 0x10: exit 2, a percentage expected", refused(r, "option '--threshold' expects a percentage"), shown(r))
    r = run([TOOL, "compare", good, good, "--threshold", "0", "--color", "never"])
    check("--threshold 0: accepted (the warn band narrows to it)", r.returncode in (0, 1) and "error" not in r.stderr, shown(r))

    # ---- A dashboard whose write fails (a file size limit: EFBIG as on a full disk) leaves no site directory.
    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
    site = path("site-full")
    rc, err, took = timed([TOOL, "dashboard", hist_keep, "-o", site], preexec=small_files)
    check("dashboard that cannot write its page: exit 2, one line, no site directory left",
          rc == 2 and len(err.strip().splitlines()) == 1 and not os.path.exists(site), f"rc {rc}: {err!r} exists {os.path.exists(site)}")

    # ---- Comparing, with every report, is linear in the number of benchmarks (a lookup by name
    # per benchmark is an index, not a scan): ten times the benchmarks take well under 100 times
    # as long (a scan per benchmark took 31 times: 2.9 s for 10 000, 90 s for 100 000; with the
    # reports scanning too, 38 times: 2.9 s and 110 s). The reports go to /dev/null: what is timed
    # is making them, not the disk. The sanitized pass (unoptimised, instrumented) checks 2 000
    # and 20 000.
    seconds = {}
    reports = ["--json", os.devnull, "--csv", os.devnull, "--markdown", os.devnull, "--junit", os.devnull]
    for count in ((2000, 20000) if SANITIZED else (10000, 100000)):
        big = path("big.json")
        assert subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                                            "tools", "large-baseline.py"), good, str(count), big]).returncode == 0
        rc, err, took = timed([TOOL, "compare", big, big, "--color", "never", "--quiet"] + reports, timeout=400)
        seconds[count] = took if rc == 0 else float("inf")
        os.remove(big)
    small, large = sorted(seconds)
    check(f"{large} benchmarks compare, with JSON, CSV, markdown and JUnit reports, in less than 20 times the time of "
          f"{small} (linear, not quadratic)", seconds[large] < 20 * max(seconds[small], 0.05), f"{seconds}")

    # ---- Work directories of killed bench binaries are removed by the next benchgate process.
    work_tmp = path("tmpdir")
    os.mkdir(work_tmp)
    held = os.path.join(work_tmp, "benchgate-confirm-dead01")
    os.mkdir(held)
    open(os.path.join(held, "result.json"), "w").write("x")
    r = subprocess.run([TOOL, "history", "list", hist_keep], capture_output=True, text=True, timeout=60,
                       env=benchkit.environment_without_benchgate({"TMPDIR": work_tmp}))
    check("a benchgate-confirm-* directory nobody holds is removed by the next benchgate command",
          r.returncode == 0 and os.listdir(work_tmp) == [], f"{os.listdir(work_tmp)} {r.stderr}")

finish()
