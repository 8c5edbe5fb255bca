#!/bin/sh
# Runs every bench suite (each executable under BUILD/benches) in one of five modes:
#   run       measure and print the table            (make bench)
#   quick     short smoke measurement                (make bench-quick)
#   detailed  full statistics: CIs, min/mean/max     (make bench-detailed)
#   save      save baselines to .benchgate/SUITE.json (make bench-save)
#   compare   gate against .benchgate/SUITE.json      (make bench-compare)
# Extra arguments go to every suite. Exit status: the worst suite's (1 regression,
# 2 input error, 3 a body failed).
set -u
build=${1:-build}
mode=${2:-run}
shift 2 2>/dev/null || shift $#
dir=${BENCHGATE_BASELINE_DIR:-.benchgate}
worst=0
found=0
for bin in $(find "$build/benches" -type f -perm -u+x ! -name '*.so' ! -path '*.p/*' ! -path '*/peers/*' ! -name 'auth_test' | sort); do
    suite=$(basename "$bin")
    found=1
    case "$mode" in
        run) set -- ;;
        quick) set -- --quick ;;
        detailed) set -- --detailed ;;
        save) mkdir -p "$dir"; set -- --save-baseline "$dir/$suite.json" ;;
        compare)
            if [ ! -f "$dir/$suite.json" ]; then
                echo "benchgate: error: no baseline $dir/$suite.json: run 'make bench-save' first" >&2
                [ 2 -gt $worst ] && worst=2
                continue
            fi
            set -- --baseline "$dir/$suite.json" --markdown "$dir/$suite.md" ;;
        *) echo "run-benches.sh: unknown mode '$mode'" >&2; exit 2 ;;
    esac
    echo "== $suite"
    "$bin" "$@" $BENCH_ARGS
    rc=$?
    [ $rc -gt $worst ] && worst=$rc
    [ "$mode" = save ] && [ $rc -eq 0 ] && echo "saved $dir/$suite.json"
    echo
done
[ $found -eq 1 ] || { echo "benchgate: error: no bench suites under $build/benches" >&2; exit 2; }
exit $worst
