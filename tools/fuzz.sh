#!/usr/bin/env bash
# benchgate's libFuzzer targets (fuzz/*.cpp), built with clang++-14 straight from the headers.
#
#   tools/fuzz.sh build              compile every target into $FUZZ_BUILD (skipped when up to date)
#   tools/fuzz.sh run SECONDS [T..]  fuzz each target (or the named ones) for SECONDS, one at a time;
#                                    new inputs go to $FUZZ_BUILD/corpus/T (the seeds: fuzz/corpus/T),
#                                    findings to $FUZZ_BUILD/findings/T/
#   tools/fuzz.sh regress            run each target once on its seeds and on fuzz/regressions/T/*
#   tools/fuzz.sh test               the meson test: build, regress, then every target for
#                                    FUZZ_SECONDS (default 10), two at a time; exit 77 (SKIP) when
#                                    clang++-14 with libFuzzer is missing
#
# FUZZ_BUILD (default build-fuzz, git-ignored) and FUZZ_CXX (default clang++-14) change where and
# with what. Every crasher found belongs in fuzz/regressions/T/ once fixed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-$root/build-fuzz}
cxx=${FUZZ_CXX:-clang++-14}
targets=()
for f in "$root"/fuzz/*.cpp; do targets+=("$(basename "$f" .cpp)"); done
# shellcheck disable=SC2054 # the commas belong to -fsanitize's value
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I"$root/include")
# A slow input (10 s) or 2 GB of memory is a finding too.
run_flags=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

usage() { sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

have_libfuzzer() {
    command -v "$cxx" >/dev/null 2>&1 || return 1
    local probe
    probe=$(mktemp -d)
    echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe/p.cpp"
    "$cxx" -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" >/dev/null 2>&1
    local rc=$?
    rm -rf "$probe"
    return $rc
}

# The binary gets the time the compiler started, so a header edited while it ran is newer.
compile_one() {
    local t=$1
    echo "fuzz: compiling $t"
    touch "$build/$t.started"
    "$cxx" "${flags[@]}" "$root/fuzz/$t.cpp" -o "$build/$t.tmp" -lsimdjson &&
        touch -r "$build/$t.started" "$build/$t.tmp" && mv "$build/$t.tmp" "$build/$t"
}

# Every target that is missing or older than its source, fuzz/check.hpp or a header; two
# compilers at a time.
build_all() {
    mkdir -p "$build"
    local t outdated=()
    for t in "${targets[@]}"; do
        if [[ -x $build/$t ]] && [[ -z $(find "$root/include" "$root/fuzz" -name '*.[ch]pp' -newer "$build/$t" -print -quit) ]]; then
            continue
        fi
        outdated+=("$t")
    done
    local i=0 failed=0
    while ((i < ${#outdated[@]})); do
        local pids=()
        for t in "${outdated[@]:i:2}"; do
            compile_one "$t" &
            pids+=($!)
        done
        for p in "${pids[@]}"; do wait "$p" || failed=1; done
        i=$((i + 2))
    done
    if ((failed)); then echo "fuzz: compiling failed" >&2; return 1; fi
}

# One target on its seeds and its regression inputs, each once.
regress_one() {
    local t=$1 log=$2
    local inputs=()
    if [[ -d $root/fuzz/regressions/$t ]]; then
        for f in "$root/fuzz/regressions/$t"/*; do [[ -f $f ]] && inputs+=("$f"); done
    fi
    "$build/$t" "${run_flags[@]}" -runs=0 "$root/fuzz/corpus/$t" >"$log" 2>&1 || return 1
    if ((${#inputs[@]})); then "$build/$t" "${run_flags[@]}" "${inputs[@]}" >>"$log" 2>&1 || return 1; fi
}

# One target for $2 seconds; its log in $3. Returns libFuzzer's status (nonzero: a finding).
fuzz_one() {
    local t=$1 seconds=$2 log=$3
    mkdir -p "$build/corpus/$t" "$build/findings/$t"
    "$build/$t" "${run_flags[@]}" -max_total_time="$seconds" -artifact_prefix="$build/findings/$t/" \
        "$build/corpus/$t" "$root/fuzz/corpus/$t" >"$log" 2>&1
}

# The last libFuzzer status line of a log ("#N DONE cov: ... corp: ... exec/s: ...").
summary() { grep -E '^#[0-9]+' "$1" | tail -1 || true; }

report_failure() {
    local t=$1 log=$2
    echo "fuzz: $t FAILED; the end of its log ($log):"
    tail -40 "$log" | sed 's/^/    /'
}

cmd=${1:-}
case $cmd in
build)
    build_all
    ;;
run)
    [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || usage
    seconds=$2
    shift 2
    (($#)) && targets=("$@")
    build_all
    status=0
    for t in "${targets[@]}"; do
        log="$build/$t.log"
        echo "fuzz: $t for $seconds s (log: $log)"
        if fuzz_one "$t" "$seconds" "$log"; then
            echo "fuzz: $t: $(summary "$log")"
            grep -E '^stat::' "$log" | sed 's/^/    /'
        else
            report_failure "$t" "$log"
            status=1
        fi
    done
    exit $status
    ;;
regress)
    build_all
    status=0
    for t in "${targets[@]}"; do
        log="$build/$t.regress.log"
        if regress_one "$t" "$log"; then echo "fuzz: $t: seeds and regressions pass"; else report_failure "$t" "$log"; status=1; fi
    done
    exit $status
    ;;
test)
    if ! have_libfuzzer; then
        echo "SKIP: $cxx with libFuzzer is missing (Debian: apt-get install clang-14 libclang-rt-14-dev)"
        exit 77
    fi
    seconds=${FUZZ_SECONDS:-10}
    start=$SECONDS
    build_all
    echo "fuzz: compiled in $((SECONDS - start)) s"
    status=0
    for t in "${targets[@]}"; do
        log="$build/$t.regress.log"
        if regress_one "$t" "$log"; then echo "fuzz: $t: seeds and regressions pass"; else report_failure "$t" "$log"; status=1; fi
    done
    # Two at a time: the machine's two CPUs, and the wall time of the test halved.
    i=0
    while ((i < ${#targets[@]})); do
        pids=()
        names=()
        for t in "${targets[@]:i:2}"; do
            fuzz_one "$t" "$seconds" "$build/$t.log" &
            pids+=($!)
            names+=("$t")
        done
        for k in "${!pids[@]}"; do
            t=${names[$k]}
            if wait "${pids[$k]}"; then echo "fuzz: $t, $seconds s: $(summary "$build/$t.log")"; else report_failure "$t" "$build/$t.log"; status=1; fi
        done
        i=$((i + 2))
    done
    echo "fuzz: $((SECONDS - start)) s in all"
    exit $status
    ;;
*)
    usage
    ;;
esac
