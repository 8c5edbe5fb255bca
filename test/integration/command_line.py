#!/usr/bin/env python3
"""Integration checks of the everyday command line: --list, --filter and BENCHGATE_FILTER,
--help, --version, --profile-time, and when the table is coloured.

    test/integration/command_line.py QUICKSTART
"""
from checks import binaries, check, finish, run

[QUICKSTART] = binaries("QUICKSTART")

r = run([QUICKSTART, "--list"])
check("--list prints the names, exit 0",
      r.returncode == 0 and r.stdout.split() == ["quickstart/sum_1000", "quickstart/to_string", "quickstart/may_throw"],
      r.stdout + r.stderr)

r = run([QUICKSTART, "--list", "--filter", "to_str"])
check("--filter selects by regex", r.returncode == 0 and r.stdout.split() == ["quickstart/to_string"], r.stdout)

r = run([QUICKSTART, "--list"], env={"BENCHGATE_FILTER": "^quickstart/s"})
check("BENCHGATE_FILTER mirrors --filter", r.stdout.split() == ["quickstart/sum_1000"], r.stdout)

r = run([QUICKSTART, "--help"])
check("--help lists the flags, exit 0",
      r.returncode == 0 and all(f in r.stdout for f in ["--list", "--filter", "--quick", "--json", "--profile-time",
                                                       "--color", "--quiet", "--version"]), r.stdout)
r = run([QUICKSTART, "--version"])
check("--version", r.returncode == 0 and r.stdout.startswith("benchgate "), r.stdout)

r = run([QUICKSTART, "--profile-time", "0.05", "--filter", "sum"])
check("--profile-time runs without analysis", r.returncode == 0 and "profiled 1 benchmark" in r.stdout, r.stdout + r.stderr)

r = run([QUICKSTART, "--quick", "--color", "always", "--filter", "sum"])
check("--color always colours the table", "\x1b[" in r.stdout, repr(r.stdout[:80]))
r = run([QUICKSTART, "--quick", "--filter", "sum"])
check("colour is off when stdout is not a terminal", "\x1b[" not in r.stdout, repr(r.stdout[:80]))

finish()
