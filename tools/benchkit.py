"""What the tools in tools/ and the integration tests in test/integration/ share when they run
bench binaries and read their results: the verdict names, a clean environment for a bench
process, one timed process, a save/compare pair of processes, the slowdown plan of a
--slowdowns flag, the coefficient of variation, and the tally of a script's checks with its
closing "N passed, N failed" line.

Plain standard library, so that every tool runs with a bare python3. Tools import it as
`import benchkit` (Python puts the script's own directory, tools/, on sys.path); the
integration tests add tools/ to sys.path relative to their own file.
"""
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time

# The verdicts a comparison gives, in the order the tables list them: the names benchgate
# prints (its to_string(Status)) and writes as "status" in --json, --csv and --markdown.
VERDICT_STATUSES = ("REGRESSION", "UNDECIDED", "SLOWER", "STABLE", "FASTER", "IMPROVED", "NEW", "MISSING", "FAILED")

# The verdicts of a benchmark measured on both sides (the others mean it was absent on one
# side, or its body failed): the columns of the tools' verdict tables.
COMPARED_STATUSES = VERDICT_STATUSES[:6]

# A change in the slow direction beyond the warning threshold: what a quality tool counts as
# "the gate noticed the slowdown".
SLOWER_OR_WORSE = frozenset({"REGRESSION", "SLOWER"})


def environment_without_benchgate(extra=None):
    """A copy of os.environ without any BENCHGATE_* variable, plus `extra` (a dict).

    A bench binary reads BENCHGATE_* variables as flags (BENCHGATE_QUICK, BENCHGATE_FILTER,
    ...), so a variable left in the caller's shell would silently change what a tool or test
    measures; the only ones a child sees are those the caller sets on purpose in `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCHGATE_")}
    env.update(extra or {})
    return env


class BenchProcessFailed(Exception):
    """A bench process exited with a code its caller does not accept.

    `stage` says which process of a save/compare pair it was ("save" or "compare"; None for a
    single process), so a tool can say which side failed."""

    def __init__(self, argv, returncode, stderr, stage=None):
        super().__init__(argv, returncode, stderr, stage)
        self.argv, self.returncode, self.stderr, self.stage = list(argv), returncode, stderr, stage

    def __str__(self):
        """The command, its exit code and the end of its stderr (long logs keep their last 2000
        characters, where the error is)."""
        return f"{' '.join(self.argv)} exited with {self.returncode}: {self.stderr.strip()[-2000:]}"

    def stage_message(self):
        """'saving failed (exit N): STDERR' or 'compare failed (exit N): STDERR': the one-line
        message of a save/compare pair that stopped, naming the side."""
        side = "saving" if self.stage == "save" else "compare"
        return f"{side} failed (exit {self.returncode}): {self.stderr.strip()}"


def timed_run(argv, env, accepted_exits=(0,), timeout=None, cwd=None, stage=None):
    """Runs argv to completion with `env`, capturing stdout and stderr as text.

    Returns (subprocess.CompletedProcess, wall seconds of the process). Raises
    BenchProcessFailed (carrying `stage`) when the exit code is not in `accepted_exits`:
    a tool that counts verdicts must stop rather than count a crashed run as a verdict."""
    t0 = time.monotonic()
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    wall = time.monotonic() - t0
    if r.returncode not in accepted_exits:
        raise BenchProcessFailed(argv, r.returncode, r.stderr, stage)
    return r, wall


class PairRun:
    """The outcome of run_baseline_pair: the comparing process's exit code (0 or 1), the
    wall seconds of each process, the comparing process's --json document (`comparison`,
    parsed) and the path of the baseline file the first process saved."""

    def __init__(self, exit_code, save_wall_s, compare_wall_s, comparison, baseline_file):
        self.exit_code, self.save_wall_s, self.compare_wall_s = exit_code, save_wall_s, compare_wall_s
        self.comparison, self.baseline_file = comparison, baseline_file


def run_baseline_pair(binary, workdir, flags=(), compare_flags=(), extra=(), save_env=None, compare_env=None,
                      timeout=None, cwd=None, file_prefix=""):
    """One A/B pair the way a user's CI runs it: a first process saves a baseline, a second,
    fresh process compares against it (confirmation re-measurements included) and writes its
    comparison with --json.

    The commands are
        BINARY --quiet FLAGS --save-baseline WORKDIR/PREFIXbase.json EXTRA
        BINARY --quiet FLAGS --baseline WORKDIR/PREFIXbase.json COMPARE_FLAGS --json WORKDIR/PREFIXcmp.json EXTRA
    each in environment_without_benchgate() plus save_env / compare_env (the slowdown of
    each side, for instance). Files of an earlier pair are removed first, so a process that
    writes nothing is never judged by an old file. The saving process must exit 0, the
    comparing one 0 or 1 (a regression); otherwise BenchProcessFailed is raised with stage
    "save" or "compare". Returns a PairRun."""
    base = os.path.join(workdir, f"{file_prefix}base.json")
    out = os.path.join(workdir, f"{file_prefix}cmp.json")
    for f in (base, out):
        if os.path.exists(f):
            os.unlink(f)
    _, save_wall = timed_run([binary, "--quiet"] + list(flags) + ["--save-baseline", base] + list(extra),
                             environment_without_benchgate(save_env), timeout=timeout, cwd=cwd, stage="save")
    r, compare_wall = timed_run([binary, "--quiet"] + list(flags) + ["--baseline", base] + list(compare_flags) +
                                ["--json", out] + list(extra),
                                environment_without_benchgate(compare_env), accepted_exits=(0, 1), timeout=timeout,
                                cwd=cwd, stage="compare")
    with open(out) as f:
        comparison = json.load(f)
    return PairRun(r.returncode, save_wall, compare_wall, comparison, base)


def parse_slowdown_plan(text):
    """The percentages of a --slowdowns value such as "0,5,10,25", as floats in the given
    order; empty items (a trailing comma, an empty string) are skipped. A value that is not a
    number raises ValueError."""
    return [float(s) for s in text.split(",") if s]


def coefficient_of_variation(values, population=False, undefined=float("nan")):
    """stddev / mean of `values` (None entries are ignored: a run that produced no value).

    The sample stddev (n - 1) by default; population=True divides by n. Returns `undefined`
    where the ratio means nothing: fewer than two values, or a mean that is not positive
    (times and counts are positive; a zero mean means nothing was measured)."""
    xs = [x for x in values if x is not None]
    if len(xs) < 2:
        return undefined
    mean = statistics.mean(xs)
    if mean <= 0:
        return undefined
    return (statistics.pstdev(xs) if population else statistics.stdev(xs)) / mean


def default_noise_binary(bench_binary):
    """Where the build puts benchgate-noise, found from a bench binary's path
    (BUILD/examples/x or BUILD/benches/... -> BUILD/tools/benchgate-noise)."""
    d = os.path.dirname(os.path.abspath(bench_binary))
    while d != os.path.dirname(d):
        candidate = os.path.join(d, "tools", "benchgate-noise")
        if os.path.exists(candidate):
            return candidate
        d = os.path.dirname(d)
    return "benchgate-noise"


@contextlib.contextmanager
def noisy_neighbour(enabled, noise_binary, seed=1, seconds=7200, args=()):
    """Runs benchgate-noise (tools/noise.cpp: seeded bursts of memory, cache and CPU work on the
    other CPUs) for the duration of the with-block when `enabled`; a no-op otherwise. The
    neighbour is bounded in time by itself and killed when the block ends."""
    if not enabled:
        yield None
        return
    p = subprocess.Popen([noise_binary, "--seconds", str(seconds), "--seed", str(seed)] + list(args),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(0.2)
    if p.poll() is not None:
        raise RuntimeError(f"{noise_binary} exited at once with code {p.returncode}")
    try:
        yield p
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def noise_settings(flag):
    """The settings a --noise off|on|both flag asks for, as (label, enabled) pairs in order."""
    return {"off": [("quiet", False)], "on": [("noisy", True)], "both": [("quiet", False), ("noisy", True)]}[flag]


class Tally:
    """The checks of one script: record() prints "ok   NAME", or "FAIL NAME" with `detail` on
    the next line (cut to `detail_limit` characters when given); finish() prints "N passed,
    N failed" and exits 1 when any check failed, else 0, or, when every check passed but a
    part could not run, prints "SKIP `skip`" and exits 77 (meson's SKIP status)."""

    def __init__(self, detail_limit=None):
        self.passed = 0
        self.failures = []
        self.detail_limit = detail_limit

    def record(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print(f"ok   {name}")
            return
        self.failures.append(name)
        detail = str(detail)
        if self.detail_limit is not None:
            detail = detail[:self.detail_limit]
        print(f"FAIL {name}\n     {detail}")

    def finish(self, skip=None):
        print(f"{self.passed} passed, {len(self.failures)} failed")
        if skip and not self.failures:
            print(f"SKIP {skip}")
            sys.exit(77)
        sys.exit(1 if self.failures else 0)
