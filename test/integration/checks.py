"""What every integration check file shares: the bench binaries named on its command line,
running a binary, recording a check, and the closing "N passed, N failed" line with the exit
status meson reads (0 only when every check passed).

Each file in test/integration/ is its own meson test (test/meson.build) and imports this module
as `checks` (Python puts the file's own directory on sys.path). The clean environment comes
from tools/benchkit.py, which this module finds relative to its own location.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools"))
import benchkit  # noqa: E402

_tally = benchkit.Tally()


def binaries(*roles):
    """The paths given on the command line, one per role ("QUICKSTART", "DEMO", ...), in
    order. A wrong count is a wiring mistake in test/meson.build: usage line, exit 2."""
    if len(sys.argv) != len(roles) + 1:
        print(f"usage: {os.path.basename(sys.argv[0])} {' '.join(roles)}", file=sys.stderr)
        sys.exit(2)
    return sys.argv[1:]


# Set by test/meson.build in make test's second pass: binaries built unoptimised with
# AddressSanitizer and UndefinedBehaviorSanitizer.
SANITIZED = os.environ.get("TEST_SANITIZED_BUILD") == "1"
_since_last_check = []  # what run() ran since the last check
# The lines that start a sanitizer's report (not a message that merely names a sanitizer).
_REPORT = re.compile(r"==\d+==ERROR: \w*Sanitizer|\w+Sanitizer:DEADLYSIGNAL|: runtime error: |SUMMARY: \w*Sanitizer")


def run(args, env=None, timeout=120):
    """Runs a bench binary to completion and returns the CompletedProcess (text output).
    The environment is the caller's minus every BENCHGATE_* variable (a bench binary reads
    them as flags), plus `env`: a check sees only the variables it sets itself."""
    r = subprocess.run(args, capture_output=True, text=True, env=benchkit.environment_without_benchgate(env),
                       timeout=timeout)
    _since_last_check.append(r)
    return r


def sanitizer_report(r):
    """The first line of a sanitizer's report in what `r` printed, or "" (a report aborts the
    process: every finding is fatal in the sanitized build)."""
    for line in (r.stderr or "").splitlines():
        if _REPORT.search(line):
            return line.strip()
    return ""


def check(name, cond, detail="", verdict=False):
    """Records one check: prints "ok   NAME", or "FAIL NAME" with `detail` (what the binary
    printed, usually) on the next line. In the sanitized build a check also fails when a
    process run() started since the last check printed a sanitizer report; and a check of a
    measured verdict (`verdict=True`: a REGRESSION found, an identical rerun STABLE) checks only
    that, since unoptimised, instrumented code measures nothing the gate could judge."""
    global _since_last_check
    runs, _since_last_check = _since_last_check, []
    if SANITIZED:
        reports = [rep for rep in map(sanitizer_report, runs) if rep]
        if verdict:
            name += " [sanitized build: the processes ran clean; the verdict is checked in the optimised build]"
            cond = True
        if reports:
            cond, detail = False, "\n     ".join(reports) + "\n     " + str(detail)
    _tally.record(name, cond, detail)


# The demo's two compute-bound benchmarks (a dependent multiply chain, a sum over an L1-resident
# vector): their time follows their work on a busy shared host too, where the allocating ones
# (a hash map, string formatting) can show a fraction of a slowdown, and their verdict is then
# honestly weaker. Checks of a slowdown's verdict require it of these two.
COMPUTE_BOUND = ("demo/hash_chain", "demo/vector_sum")


def statuses(stdout):
    """The status of each benchmark in a comparison table ("NAME ... [LOW, HIGH]  STATUS")."""
    return dict(re.findall(r"^(\S+) .*\] +([A-Z]+)$", stdout, re.M))


def slower_copy(src, dst, factor=1.02):
    """Writes to `dst` the result file `src` with every sample multiplied by `factor` and the
    stored estimates left out (the reader recomputes them): a second recording whose change
    is known exactly, for checks of what a comparison of two recordings does."""
    doc = json.load(open(src))
    for b in doc["benchmarks"]:
        b["samples"] = [s * factor for s in b["samples"]]
        b.pop("estimates", None)
    json.dump(doc, open(dst, "w"))


def compute_bound(stdout, *wanted):
    """True when both compute-bound demo benchmarks have one of the `wanted` statuses."""
    found = statuses(stdout)
    return all(found.get(name) in wanted for name in COMPUTE_BOUND)


def verdict_check(name, cond, detail=""):
    """check() of a measured verdict or speed (see check)."""
    check(name, cond, detail, verdict=True)


# In the sanitized build (unoptimised) every bench binary also warns that its timings do not
# represent release code; that line is the build's, not the error's.
_BUILD_WARNING = "warning: this is an unoptimised (debug) build"


def one_error_line(r):
    """True when the process printed exactly one non-blank stderr line, benchgate's error
    format: input errors are reported as a single "benchgate: error: ..." line."""
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    if SANITIZED:
        lines = [l for l in lines if _BUILD_WARNING not in l]
    return len(lines) == 1 and lines[0].startswith("benchgate: error:")


def finish(skip=None):
    """Prints "N passed, N failed" and exits (see benchkit.Tally.finish)."""
    _tally.finish(skip)
