#!/usr/bin/env python3
"""Integration checks of `benchgate bisect` on a git repository the test makes: 64 commits after
the good one, one of which (a known one) doubles a benchmark's work, one that does not build, the
rest touching other files. The bisect must name the injected commit with at most 8 builds (the
good one, the bad one and about log2(64)), skip the broken one, and leave no worktree or
directory behind, also when interrupted.

A commit's "build" writes a bench binary that runs the demo suite with the commit's slowdown
(the file `slowdown`: a percentage), so the test spends its time bisecting, not compiling.

    test/integration/bisect.py BENCHGATE DEMO
"""
import os
import re
import shlex
import signal
import subprocess
import tempfile
import time

from checks import binaries, check, finish, one_error_line, run

TOOL, DEMO = binaries("BENCHGATE", "DEMO")

BUILD = ('''s=$(cat slowdown)
case "$s" in ""|*[!0-9]*) echo "slowdown '$s' is not a number" >&2; exit 1 ;; esac
mkdir -p "$BENCHGATE_BUILD"
printf '#!/bin/sh\\nBENCHGATE_DEMO_SLOWDOWN=%s exec %s "$@"\\n' "$s" ''' + shlex.quote(shlex.quote(DEMO)) + ''' > "$BENCHGATE_BUILD/bench"
chmod +x "$BENCHGATE_BUILD/bench"
''')
FILTER = "demo/hash_chain"


def git(repo, *args):
    r = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True,
                       env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                                GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid"))
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def make_repo(base, injected, broken):
    """The good commit, then 64 commits; commit `injected` (1-based) doubles the work and commit
    `broken` does not build (the next one repairs it)."""
    repo = os.path.join(base, "repo")
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    open(os.path.join(repo, "slowdown"), "w").write("0\n")
    open(os.path.join(repo, "notes.txt"), "w").write("0\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "good: no slowdown")
    shas = [git(repo, "rev-parse", "HEAD")]
    slowdown = "0"
    for k in range(1, 65):
        if k == injected:
            slowdown = "100"
            open(os.path.join(repo, "slowdown"), "w").write(slowdown + "\n")
            message = "twice the work"
        elif k == broken:
            open(os.path.join(repo, "slowdown"), "w").write("not a number\n")
            message = "a commit that does not build"
        elif k == broken + 1:
            open(os.path.join(repo, "slowdown"), "w").write(slowdown + "\n")
            message = "repaired"
        else:
            open(os.path.join(repo, "notes.txt"), "w").write(f"{k}\n")
            message = f"notes {k}"
        git(repo, "commit", "-qam", message)
        shas.append(git(repo, "rev-parse", "HEAD"))
    return repo, shas


def leftovers(repo, tmp):
    worktrees = [l for l in git(repo, "worktree", "list", "--porcelain").splitlines() if l.startswith("worktree ")]
    dirs = [d for d in os.listdir(tmp) if d.startswith("benchgate-bisect-")]
    return len(worktrees) - 1, dirs


with tempfile.TemporaryDirectory() as base:
    tmp = os.path.join(base, "tmp")
    os.makedirs(tmp)
    env = {"TMPDIR": tmp}
    injected, broken = 37, 20
    repo, shas = make_repo(base, injected, broken)
    cmd = [TOOL, "bisect", "-C", repo, "--good", shas[0], "--bad", shas[-1], "--build", BUILD, "bench",
           "--filter", FILTER, "--", "--quick"]
    start = time.monotonic()
    r = run(cmd, env=env, timeout=600)
    took = time.monotonic() - start
    found = re.search(r"^first bad commit: ([0-9a-f]{40})", r.stdout, re.M)
    builds = re.search(r"^(\d+) build\(s\) for 64 commit\(s\)", r.stdout, re.M)
    check(f"bisect: the injected commit (#{injected} of 64) is the first bad one, exit 0 ({took:.0f} s)",
          r.returncode == 0 and found is not None and found.group(1) == shas[injected], r.stdout + r.stderr)
    check("bisect: at most 8 builds for 64 commits (good, bad and a binary search)",
          builds is not None and int(builds.group(1)) <= 8, r.stdout)
    check("bisect: every line of a tested commit shows its change and verdict; the bad commit is tested first",
          re.search(r"^  " + shas[-1][:10] + r" .* bad: " + FILTER + r" \+\d+\.\d% REGRESSION$", r.stdout, re.M) is not None,
          r.stdout)
    check("bisect: no worktree and no directory left behind", leftovers(repo, tmp) == (0, []), str(leftovers(repo, tmp)))

    # The broken commit inside the search: skipped, and the answer still the injected commit.
    r = run([TOOL, "bisect", "-C", repo, "--range", f"{shas[16]}..{shas[40]}", "--build", BUILD, "bench",
             "--filter", FILTER, "--", "--quick"], env=env, timeout=600)
    found = re.search(r"^first bad commit: ([0-9a-f]{40})", r.stdout, re.M)
    check("bisect --range BEFORE..AFTER: a commit that does not build is skipped, the injected one still found",
          r.returncode == 0 and found is not None and found.group(1) == shas[injected] and
          ("skipped: does not build" in r.stdout) == (shas[broken][:10] in r.stdout), r.stdout + r.stderr)

    # A range whose bad end does not regress: nothing to bisect, exit 2, one line.
    r = run([TOOL, "bisect", "-C", repo, "--good", shas[0], "--bad", shas[10], "--build", BUILD, "bench",
             "--filter", FILTER, "--", "--quick"], env=env, timeout=600)
    check("bisect: a bad commit that does not regress is exit 2 with one error line",
          r.returncode == 2 and one_error_line(r) and "does not regress against the good one" in r.stderr, r.stdout + r.stderr)
    check("bisect: nothing left behind after an error either", leftovers(repo, tmp) == (0, []), str(leftovers(repo, tmp)))

    # Usage errors: one line, exit 2, nothing built.
    for args, message in ((["--good", shas[0], "--build", "true", "bench", "--filter", "x"], "needs --good REV and --bad REV"),
                          (["--good", shas[5], "--bad", shas[2], "--build", "true", "bench", "--filter", "x"], "does not descend"),
                          (["--good", "no-such-rev", "--bad", shas[2], "--build", "true", "bench", "--filter", "x"], "is not a commit"),
                          (["--range", "a.b", "--build", "true", "bench", "--filter", "x"], "is not BEFORE..AFTER"),
                          (["--good", shas[0], "--bad", shas[2], "bench", "--filter", "x"], "needs --build")):
        r = run([TOOL, "bisect", "-C", repo, *args], env=env, timeout=60)
        check(f"bisect {' '.join(a[:12] for a in args[:2])} ...: exit 2, '{message}'",
              r.returncode == 2 and one_error_line(r) and message in r.stderr, r.stdout + r.stderr)

    # Interrupted while building: the worktree is removed, exit 143.
    slow_build = "sleep 30\n" + BUILD
    p = subprocess.Popen([TOOL, "bisect", "-C", repo, "--good", shas[0], "--bad", shas[-1], "--build", slow_build, "bench",
                          "--filter", FILTER], env=dict(os.environ, **env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and leftovers(repo, tmp)[0] == 0:
        time.sleep(0.1)
    during = leftovers(repo, tmp)
    p.send_signal(signal.SIGTERM)
    try:
        out, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    check("bisect interrupted (SIGTERM) during a build: exit 143, its worktree and directory removed",
          during[0] == 1 and p.returncode == 143 and leftovers(repo, tmp) == (0, []),
          f"during {during}, exit {p.returncode}, after {leftovers(repo, tmp)}\n{out}{err}")

finish()
