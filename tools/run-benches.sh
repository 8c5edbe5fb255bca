#!/bin/sh
# Runs every bench binary under BUILD/benches, passing extra arguments through.
# Exit status: the worst of the suites' exit codes (1 regression, 2 input error, 3 failure).
set -u
build=${1:-build}
shift || true
worst=0
for bin in "$build"/benches/*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    echo "== $(basename "$bin")"
    "$bin" "$@"
    rc=$?
    [ $rc -gt $worst ] && worst=$rc
    echo
done
exit $worst
