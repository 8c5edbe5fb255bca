#!/bin/sh
# Installs the Debian packages benchgate needs to build and test, plus any given as arguments.
# As root it runs apt-get (refreshing the package lists first when they are empty or older
# than a day); otherwise it prints the exact command to run and exits 2.
#   tools/install-deps.sh [--check] [PACKAGE...]
# --check never installs: it prints the command and exits 2 whenever a package is missing
# (make bench-peers: the peer frameworks are optional, so they are never installed unasked).
set -eu

check_only=0
if [ "${1:-}" = "--check" ]; then
    check_only=1
    shift
fi

PACKAGES="meson ninja-build g++ pkg-config python3 catch2 libsimdjson-dev libhowardhinnant-date-dev valgrind cmake"
[ $# -gt 0 ] && PACKAGES="$PACKAGES $*"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ $check_only -eq 1 ] || [ "$(id -u)" -ne 0 ]; then
    echo "benchgate: missing Debian packages:$missing" >&2
    echo "run: sudo apt-get install -y$missing" >&2
    exit 2
fi

lists=/var/lib/apt/lists
if [ -z "$(find "$lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
    echo "benchgate: apt-get update" >&2
    apt-get update -qq
fi
echo "benchgate: apt-get install -y$missing" >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
