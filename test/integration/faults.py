#!/usr/bin/env python3
"""Integration checks of faults, on test/programs/faults.cpp (a bench binary that misbehaves on
request): bodies that throw in either side of a duet or in a confirmation process, baselines
too small to ever fail, a group gated on instructions without counting them, run_custom
returning 0, inf or NaN, damaged `rounds` in a baseline, and a compare run that must measure
what the save run measured (the process's allocator state, the company of a suspect); then
bodies that throw anything, call exit(), abort, crash or never return, in a plain run, in a
confirmation process, in the duet worker and under --profile-time, and SIGINT/SIGTERM during a
run and during a confirmation (docs/measurement.md, "When a body fails").

    test/integration/faults.py FAULTS
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from checks import binaries, check, finish, one_error_line, run, verdict_check

# The first process's extra work that makes a suspect to confirm: unoptimised and instrumented,
# the body's fixed costs hide a doubling.
FIRST_SLOWDOWN = "400" if os.environ.get("TEST_SANITIZED_BUILD") == "1" else "100"
# Bodies that crash on purpose: in the sanitized build AddressSanitizer would take the SIGSEGV
# benchgate re-raises and end the process with its own report; leave those signals alone (its
# checks of memory accesses stay on).
DELIBERATE_CRASH = {"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0"}
import benchkit  # noqa: E402 (on sys.path through checks)

(FAULTS,) = binaries("FAULTS")
SPIN = "^faults/spin$"


def timed_run(args, env=None, timeout=120):
    """run() and its wall time. A process still running after `timeout` is killed and given
    the exit code None, so that a hang fails its check instead of ending this file."""
    t0 = time.monotonic()
    try:
        r = run(args, env=env, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        r = subprocess.CompletedProcess(args, None, e.stdout or "", e.stderr or "")
        r.stdout = r.stdout.decode() if isinstance(r.stdout, bytes) else r.stdout
        r.stderr = r.stderr.decode() if isinstance(r.stderr, bytes) else r.stderr
    return r, time.monotonic() - t0


def save(path, filt, env=None, extra=()):
    r = run([FAULTS, "--quick", "--quiet", "--filter", filt, "--save-baseline", path, *extra], env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.load(open(path))


def rewrite(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f)


# ---------------------------------------------------------------- duet: a throwing body
r, took = timed_run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/(spin|company/before)$",
                     "--against", FAULTS, "--against-env", "FAULTS_THROW_IN_RUN=1", "--worker-timeout", "5"])
check("duet: a body throwing inside bench.run in the worker is FAILED at once (exit 3, well under --worker-timeout)",
      r.returncode == 3 and "FAILED" in r.stdout and "body failed" in r.stdout + r.stderr and took < 5,
      r.stdout + r.stderr + f" ({took:.1f} s)")
check("duet: after the worker's body threw, the next benchmark is still compared",
      any(l.startswith("faults/company/before") and "FAILED" not in l for l in r.stdout.splitlines()), r.stdout)

r, took = timed_run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/(spin|company/before)$",
                     "--against", FAULTS, "--against-env", "FAULTS_THROW_IN_RUN=0", "--worker-timeout", "5"],
                    env={"FAULTS_THROW_IN_RUN": "1"})
lines = r.stdout.splitlines()
check("duet: a body throwing in the parent is FAILED (exit 3) and the worker leaves that benchmark",
      r.returncode == 3 and any(l.startswith("faults/spin") and "FAILED" in l for l in lines)
      and any(l.startswith("faults/company/before") and "FAILED" not in l for l in lines) and took < 30,
      r.stdout + r.stderr)

with tempfile.TemporaryDirectory() as d:
    base = os.path.join(d, "base.json")

    # ------------------------------------------------------------ a suspect fails when re-measured
    save(base, SPIN)
    marker = os.path.join(d, "marker")
    r = run([FAULTS, "--quick", "--color", "never", "--filter", SPIN, "--baseline", base],
            env={"FAULTS_MARKER": marker, "FAULTS_FIRST_SLOWDOWN": FIRST_SLOWDOWN, "FAULTS_LATER_THROW": "1"})
    check("a suspect whose body throws in the fresh process is FAILED and the run exits 3",
          r.returncode == 3 and "FAILED" in r.stdout, r.stdout + r.stderr)

    # ------------------------------------------------------------ baselines too small to fail
    doc = save(base, "^faults/(spin|company/before|heap)$")
    for keep in (1, 2):
        small = json.loads(json.dumps(doc))
        for b in small["benchmarks"]:
            for key in ("samples", "iterations", "rounds", "processes"):
                if key in b:
                    b[key] = b[key][:keep]
            b.pop("estimates", None)
        path = os.path.join(d, f"small{keep}.json")
        rewrite(path, small)
        r = run([FAULTS, "--quick", "--filter", "^faults/(spin|company/before|heap)$", "--baseline", path],
                env={"FAULTS_SLOWDOWN": "50"})
        check(f"a {keep}-sample baseline that can never be compared is an input error (exit 2), not a pass",
              r.returncode == 2 and "too few samples to ever fail the gate on" in r.stderr, r.stdout + r.stderr)
    r = run([FAULTS, "--quick", "--filter", "^faults/(spin|company/before|heap)$", "--baseline", base])
    check("a full baseline is not called too small", r.returncode in (0, 1) and "too few samples" not in r.stderr,
          r.stdout + r.stderr)

    # ------------------------------------------------------------ a group gated on instructions
    instr = os.path.join(d, "instr.json")
    save(instr, "^faults/instr/")
    r = run([FAULTS, "--quick", "--filter", "^faults/instr/", "--baseline", instr])
    check("a group gated on instructions, compared without --metric instructions: exit 2, one line",
          r.returncode == 2 and one_error_line(r) and "--metric instructions" in r.stderr, r.stdout + r.stderr)
    r = run([FAULTS, "--quick", "--filter", "^faults/instr/", "--against", FAULTS])
    check("a group gated on instructions in a duet (time only): exit 2, one line",
          r.returncode == 2 and one_error_line(r) and "time only" in r.stderr, r.stdout + r.stderr)

    # ------------------------------------------------------------ run_custom returning 0, inf, NaN
    for mode, expect in [("zero", "every batch measured 0 ns"), ("inf", "returned inf ns"), ("nan", "returned nan ns"),
                         ("sometimes_zero", "measured 0.000000 ns")]:
        out = os.path.join(d, f"custom_{mode}.json")
        r, took = timed_run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/custom$", "--save-baseline", out],
                            env={"FAULTS_CUSTOM": mode}, timeout=60)
        check(f"run_custom returning {mode}: FAILED with the benchmark's name and why, exit 3, no baseline written",
              r.returncode == 3 and "faults/custom" in r.stdout + r.stderr and expect in r.stdout + r.stderr
              and not os.path.exists(out) and took < 20, r.stdout + r.stderr + f" ({took:.1f} s)")

    # ------------------------------------------------------------ damaged rounds
    doc = save(base, SPIN)
    huge = json.loads(json.dumps(doc))
    huge["benchmarks"][0]["rounds"][-1] = 4294967294
    rewrite(os.path.join(d, "huge.json"), huge)
    r, took = timed_run([FAULTS, "--quick", "--filter", SPIN, "--baseline", os.path.join(d, "huge.json")], timeout=60)
    check("a baseline with a huge round index: exit 2 at once, one line naming the index",
          r.returncode == 2 and one_error_line(r) and "4294967294" in r.stderr and took < 5, r.stderr + f" ({took:.1f} s)")
    short = json.loads(json.dumps(doc))
    short["benchmarks"][0]["rounds"] = short["benchmarks"][0]["rounds"][:3]
    rewrite(os.path.join(d, "short.json"), short)
    r = run([FAULTS, "--quick", "--filter", SPIN, "--baseline", os.path.join(d, "short.json")])
    check("a baseline whose rounds and samples differ in length: exit 2, one line",
          r.returncode == 2 and one_error_line(r) and '"rounds" has 3 entries' in r.stderr, r.stderr)

    # ------------------------------------------------------------ same process state as a plain run
    doc = save(base, "^faults/heap$")
    big = json.loads(json.dumps(doc))
    filler = dict(big["benchmarks"][0])
    for i in range(3000):
        b = dict(filler)
        b["name"] = f"filler/{i}"
        big["benchmarks"].append(b)
    rewrite(os.path.join(d, "big.json"), big)

    def allocations_before(extra):
        r = run([FAULTS, "--quick", "--quiet", "--filter", "^faults/heap$", "--json", "-", *extra])
        try:
            b = json.loads(r.stdout)["benchmarks"][0]
            return next(c["per_iteration"] for c in b["counters"].values()) if isinstance(b["counters"], dict) else \
                next(c["value"] for c in b["counters"])
        except Exception:
            return None

    plain = allocations_before([])
    compared = allocations_before(["--baseline", os.path.join(d, "big.json")])
    check("--baseline leaves the measured process as a plain run leaves it (allocations before the body)",
          plain is not None and compared is not None and abs(compared - plain) < 200, f"plain {plain}, with baseline {compared}")

    # ------------------------------------------------------------ a suspect re-measured in its company
    save(base, "^faults/company/")
    marker = os.path.join(d, "marker2")
    r = run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/company/", "--baseline", base],
            env={"FAULTS_MARKER": marker, "FAULTS_FIRST_SLOWDOWN": "100"})
    verdict_check("a suspect is re-measured with the benchmarks it ran with (not alone): a one-process slowdown is not confirmed",
          r.returncode == 0 and "REGRESSION" not in r.stdout and os.path.exists(marker), r.stdout + r.stderr)

# ================================================================ failing bodies, signals, hangs
FAIL = "^faults/(fail|spin)$"


def fail_line(out, name="faults/fail"):
    """The one line naming a failed benchmark: "error: NAME failed: ..." (console) or
    "benchgate: error: NAME failed: ..." (--quiet)."""
    return next((l for l in out.splitlines() if f"{name} failed: " in l), "")


def spin_measured(out):
    return any(l.startswith("faults/spin") and "FAILED" not in l for l in out.splitlines())


def leftovers(tmp):
    return [n for n in os.listdir(tmp) if n.startswith("benchgate-")]


with tempfile.TemporaryDirectory() as d:
    tmp = os.path.join(d, "tmp")
    os.mkdir(tmp)
    out = os.path.join(d, "out.json")
    env = {"TMPDIR": tmp, **DELIBERATE_CRASH}
    history = os.path.join(d, "history")

    def clear_outputs():
        """Removes what an earlier check wrote, so that each check sees only its own run's files."""
        for path in (out, out + ".j"):
            if os.path.exists(path):
                os.remove(path)
        if os.path.exists(history):
            shutil.rmtree(history)

    # ------------------------------------------------------------ a body that throws, any type
    for kind, expect in [("std", "index 7 is out of range"), ("int", "unknown exception of type int"),
                         ("struct", "unknown exception of type NotAnException"),
                         ("run_std", "index 7 is out of range"), ("run_int", "unknown exception of type int")]:
        clear_outputs()
        r = run([FAULTS, "--quick", "--color", "never", "--filter", FAIL, "--save-baseline", out],
                env={**env, "FAULTS_FAIL": kind})
        check(f"plain run, body throws ({kind}): FAILED with the exception on one line, the others measured, exit 3, "
              "no baseline", r.returncode == 3 and expect in fail_line(r.stdout + r.stderr) and spin_measured(r.stdout)
              and not os.path.exists(out), r.stdout + r.stderr)
    for kind, expect in [("setup_std", "setup could not open the data set"), ("setup_int", "unknown exception of type int"),
                         ("teardown_std", "teardown failed: teardown could not close the data set"),
                         ("teardown_int", "teardown failed: unknown exception of type int")]:
        clear_outputs()
        r = run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/(fixture|spin)$", "--json", out],
                env={**env, "FAULTS_FIXTURE": kind})
        check(f"plain run, fixture {kind.replace('_', ' throws ')}: FAILED with its message, exit 3",
              r.returncode == 3 and expect in fail_line(r.stdout + r.stderr, "faults/fixture") and spin_measured(r.stdout),
              r.stdout + r.stderr)
    clear_outputs()
    r = run([FAULTS, "--quick", "--quiet", "--filter", "^faults/custom$"], env={"FAULTS_CUSTOM": "throw_int"})
    check("plain run, a run_custom callable throws a non-std type: FAILED 'unknown exception of type int', exit 3",
          r.returncode == 3 and "unknown exception of type int" in fail_line(r.stderr, "faults/custom"), r.stdout + r.stderr)

    # ------------------------------------------------------------ exit(), abort, crashes in a plain run
    for kind in ("exit0", "exit7", "quick_exit"):
        clear_outputs()
        r = run([FAULTS, "--quick", "--filter", FAIL, "--save-baseline", out, "--json", out + ".j"],
                env={**env, "FAULTS_FAIL": kind})
        check(f"plain run, body calls {kind}: one line naming it, exit 3, nothing written",
              r.returncode == 3 and "benchgate: faults/fail called exit() during measurement; nothing written" in r.stderr
              and not os.path.exists(out) and not os.path.exists(out + ".j"), f"{r.returncode} {r.stderr}")
    for kind, sig in [("abort", signal.SIGABRT), ("segv", signal.SIGSEGV), ("null_write", signal.SIGSEGV)]:
        clear_outputs()
        r = run([FAULTS, "--quick", "--filter", FAIL, "--save-baseline", out], env={**env, "FAULTS_FAIL": kind})
        check(f"plain run, body {kind}: one line naming the benchmark and the signal, dies by {sig.name}, nothing written",
              r.returncode == -sig and f"benchgate: faults/fail crashed ({sig.name})" in r.stderr and not os.path.exists(out),
              f"{r.returncode} {r.stderr}")
    clear_outputs()
    r = run([FAULTS, "--quick", "--filter", FAIL, "--save-baseline", out], env={**env, "FAULTS_FAIL": "_exit0"})
    check("plain run, body calls _exit(0): cannot be caught, but no baseline is written",
          r.returncode == 0 and not os.path.exists(out), f"{r.returncode} {r.stderr}")
    clear_outputs()
    r = run([FAULTS, "--quick", "--filter", "^faults/(fixture|spin)$", "--save-baseline", out],
            env={**env, "FAULTS_FIXTURE": "teardown_exit"})
    check("plain run, fixture teardown calls exit(): named, exit 3, nothing written",
          r.returncode == 3 and "benchgate: faults/fixture called exit() during measurement" in r.stderr
          and not os.path.exists(out), f"{r.returncode} {r.stderr}")

    # ------------------------------------------------------------ a body that never returns
    clear_outputs()
    r, took = timed_run([FAULTS, "--quick", "--filter", FAIL, "--timeout", "1", "--save-baseline", out],
                        env={**env, "FAULTS_FAIL": "hang"}, timeout=30)
    check("plain run --timeout 1, body never returns: stopped after 1 s, one line, exit 3, nothing written",
          r.returncode == 3 and "benchgate: faults/fail did not return within 1 s (--timeout); nothing written" in r.stderr
          and not os.path.exists(out) and took < 5, f"{r.returncode} {r.stderr} ({took:.1f} s)")
    clear_outputs()
    r, took = timed_run([FAULTS, "--quick", "--filter", FAIL, "--timeout", "1"], env={**env, "FAULTS_FAIL": "hang_setup"},
                        timeout=30)
    check("plain run --timeout 1, setup never returns: stopped, exit 3",
          r.returncode == 3 and "did not return within 1 s" in r.stderr and took < 5, f"{r.returncode} {r.stderr}")
    clear_outputs()
    r = run([FAULTS, "--quick", "--quiet", "--filter", "^faults/slow$", "--timeout", "0.5"], env={"FAULTS_SLOW_MS": "5"})
    check("--timeout bounds one body call, not the run: a benchmark of many short batches passes",
          r.returncode == 0, f"{r.returncode} {r.stderr}")
    for kind, expect in [("hang", "did not return within 1 s (--timeout)"), ("segv", "crashed (SIGSEGV)")]:
        clear_outputs()
        r, took = timed_run([FAULTS, "--filter", FAIL, "--profile-time", "0.2", "--timeout", "1"],
                            env={**env, "FAULTS_FAIL": kind}, timeout=30)
        check(f"--profile-time, body {kind}: one line naming faults/fail, not a success, bounded",
              r.returncode in (3, -signal.SIGSEGV) and f"faults/fail {expect}" in r.stderr and took < 5,
              f"{r.returncode} {r.stderr} ({took:.1f} s)")
    clear_outputs()
    r, took = timed_run([FAULTS, "--filter", FAIL, "--profile-time", "0.2"], env={**env, "FAULTS_FAIL": "hang"}, timeout=60)
    check("--profile-time 0.2 without --timeout: the watchdog's default bound (10 s) stops a body that never returns",
          r.returncode == 3 and "faults/fail did not return within 10 s (--profile-time's watchdog" in r.stderr
          and 9 < took < 20, f"{r.returncode} {r.stderr} ({took:.1f} s)")
    clear_outputs()
    r = run([FAULTS, "--filter", FAIL, "--profile-time", "0.1"], env={**env, "FAULTS_FAIL": "run_int"})
    check("--profile-time, body throws a non-std type: one line, exit 3",
          r.returncode == 3 and "faults/fail failed: unknown exception of type int" in r.stderr, r.stdout + r.stderr)

    # ------------------------------------------------------------ in a confirmation process
    base = os.path.join(d, "fail-base.json")
    save(base, FAIL)
    for kind, expect in [("int", "unknown exception of type int (in fresh process 1)"),
                         ("exit7", "called exit() during measurement (in fresh process 1)"),
                         ("abort", "crashed (SIGABRT) (in fresh process 1)"),
                         ("segv", "crashed (SIGSEGV) (in fresh process 1)"),
                         ("_exit0", "ended the process (exit code 0) during measurement (in fresh process 1)"),
                         ("hang", "did not return within 1 s (--timeout) (in fresh process 1)")]:
        marker = os.path.join(d, f"marker-{kind}")
        clear_outputs()
        r, took = timed_run([FAULTS, "--quick", "--color", "never", "--filter", FAIL, "--baseline", base, "--timeout", "1",
                             "--save-baseline", out],
                            env={**env, "FAULTS_MARKER": marker, "FAULTS_FIRST_SLOWDOWN": FIRST_SLOWDOWN, "FAULTS_FAIL": kind,
                                 "FAULTS_FAIL_LATER": "1"}, timeout=60)
        check(f"confirmation process, body {kind}: the suspect is FAILED with one line saying so, exit 3, no baseline, "
              "no temporary file left", r.returncode == 3 and expect in fail_line(r.stdout) and os.path.exists(marker)
              and not os.path.exists(out) and not leftovers(tmp) and took < 20,
              f"{r.returncode} {r.stdout} {r.stderr} {leftovers(tmp)} ({took:.1f} s)")
    # Without --timeout the wait for the fresh process is bounded by what the first one took
    # (ten times that; at least 20 s): a quick run is stopped after about 20 s.
    marker = os.path.join(d, "marker-hang-untimed")
    clear_outputs()
    r, took = timed_run([FAULTS, "--quick", "--color", "never", "--filter", FAIL, "--baseline", base, "--save-baseline", out],
                        env={**env, "FAULTS_MARKER": marker, "FAULTS_FIRST_SLOWDOWN": FIRST_SLOWDOWN, "FAULTS_FAIL": "hang",
                             "FAULTS_FAIL_LATER": "1"}, timeout=90)
    bound = re.search(r"the wait for the fresh process timed out after (\d+) s \(in fresh process 1\)", fail_line(r.stdout))
    check("confirmation process, body hangs, no --timeout: FAILED after the fresh process's bound (20 s for a quick "
          "run), the process killed, exit 3, no baseline, no temporary file left",
          r.returncode == 3 and bound is not None and int(bound[1]) >= 20 and 19 < took < int(bound[1]) + 15
          and os.path.exists(marker) and not os.path.exists(out) and not leftovers(tmp),
          f"{r.returncode} {r.stdout} {r.stderr} {leftovers(tmp)} ({took:.1f} s)")

    # ------------------------------------------------------------ in the duet worker
    for kind, expect in [("int", "the --against build's body failed: unknown exception of type int"),
                         ("exit0", "the --against build's body called exit() during measurement"),
                         ("abort", "the --against build's body crashed (SIGABRT)"),
                         ("segv", "the --against build's body crashed (SIGSEGV)"),
                         ("_exit0", "the --against build's worker died in this benchmark (exit code 0)"),
                         ("hang", "the --against build did not answer within 2 s in this benchmark (hung); it was killed")]:
        clear_outputs()
        r, took = timed_run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/(fail|spin|fixture)$",
                             "--against", FAULTS, "--against-env", f"FAULTS_FAIL={kind}", "--worker-timeout", "2"],
                            env=env, timeout=60)
        check(f"duet, worker body {kind}: FAILED with one line, the benchmarks before and after it still compared "
              "(after it with a new worker where it died), exit 3, bounded",
              r.returncode == 3 and expect in fail_line(r.stdout) and spin_measured(r.stdout)
              and any(l.startswith("faults/fixture") and "FAILED" not in l for l in r.stdout.splitlines())
              and took < 20, f"{r.returncode} {r.stdout} {r.stderr} ({took:.1f} s)")

    clear_outputs()
    r, took = timed_run([FAULTS, "--quick", "--color", "never", "--filter", "^faults/(fail|spin|fixture)$",
                         "--against", FAULTS, "--against-env", "FAULTS_FAIL=hang", "--worker-timeout", "30",
                         "--timeout", "2"], env=env, timeout=60)
    check("duet, worker body hangs, --timeout 2 shorter than --worker-timeout 30: the watchdog ends the run "
          "after 2 s, exit 3",
          r.returncode == 3 and "did not return within 2 s (--timeout); nothing written" in r.stderr
          and took < 15, f"{r.returncode} {r.stdout} {r.stderr} ({took:.1f} s)")

    # ------------------------------------------------------------ SIGINT / SIGTERM
    def interrupt(args, extra_env, when, sig=signal.SIGINT, limit=30):
        """Starts a bench binary, waits until when() is true, sends `sig`; returns (exit code,
        stderr, seconds from the signal to the exit)."""
        # Its own process group, so that a child it leaves running (holding the pipes) can be
        # killed with it when it does not end.
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                             env=benchkit.environment_without_benchgate({**env, **extra_env}))
        t0 = time.monotonic()
        while not when() and p.poll() is None and time.monotonic() - t0 < limit:
            time.sleep(0.02)
        sent = time.monotonic()
        p.send_signal(sig)
        try:
            _, err = p.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            _, err = p.communicate()
        return p.returncode, err, time.monotonic() - sent

    outputs = ["--save-baseline", out, "--json", out + ".j", "--history", history]
    for sig, code in [(signal.SIGINT, 130), (signal.SIGTERM, 143)]:
        started = time.monotonic()
        clear_outputs()
        rc, err, took = interrupt([FAULTS, "--filter", "^faults/slow$", *outputs], {"FAULTS_SLOW_MS": "20"},
                                  lambda: time.monotonic() - started > 0.6, sig)
        check(f"{sig.name} during measurement: 'interrupted; nothing written', exit {code}, no file written",
              rc == code and "benchgate: interrupted; nothing written" in err and not os.path.exists(out)
              and not os.path.exists(out + ".j") and not os.path.exists(history) and took < 2,
              f"{rc} {err} ({took:.1f} s)")

    marker = os.path.join(d, "marker-sigint")
    pids = os.path.join(d, "pids")
    confirm_files = []

    def confirming():
        names = leftovers(tmp)
        confirm_files.extend(names)
        return os.path.exists(pids) and bool(names)

    clear_outputs()

    rc, err, took = interrupt([FAULTS, "--quick", "--filter", SPIN, "--baseline", base, *outputs],
                              {"FAULTS_MARKER": marker, "FAULTS_FIRST_SLOWDOWN": FIRST_SLOWDOWN, "FAULTS_LATER_HANG": "1",
                               "FAULTS_PIDS": pids}, confirming)
    child = int(open(pids).read().split()[0]) if os.path.exists(pids) else 0
    try:
        os.kill(child, 0)
        child_alive = True
    except (ProcessLookupError, ValueError):
        child_alive = False
    check("SIGINT during a confirmation: exit 130, one line, the fresh process killed, its temporary file removed, "
          "nothing written", rc == 130 and "benchgate: interrupted; nothing written" in err and child and not child_alive
          and any(n.startswith("benchgate-confirm-") for n in confirm_files) and not leftovers(tmp)
          and not os.path.exists(out) and not os.path.exists(history) and took < 2,
          f"{rc} {err} child {child} alive {child_alive} seen {confirm_files} left {leftovers(tmp)} ({took:.1f} s)")

    worker_pid = []

    def duet_running():
        out_ = subprocess.run(["pgrep", "-f", "--", f"^{FAULTS} --worker"], capture_output=True, text=True).stdout.split()
        worker_pid[:] = out_
        return bool(out_)

    clear_outputs()

    rc, err, took = interrupt([FAULTS, "--filter", "^faults/slow$", "--against", FAULTS, *outputs],
                              {"FAULTS_SLOW_MS": "20"}, duet_running)
    time.sleep(0.1)
    check("SIGINT during a duet: exit 130, one line, the worker gone, nothing written",
          rc == 130 and "benchgate: interrupted; nothing written" in err and worker_pid and not duet_running()
          and not os.path.exists(out) and took < 2, f"{rc} {err} worker {worker_pid} ({took:.1f} s)")

finish()
