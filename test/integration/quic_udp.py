#!/usr/bin/env python3
"""Integration checks of the quic_udp suite (UDP over loopback sockets): a quick filtered run
exits 0 and every row has a throughput and its delivered and lost shares; the sources reach
bind, connect and the send calls only through the wrappers that check for a loopback address;
under strace where it can trace, the running suite binds, connects and sends to 127.0.0.1 and
::1 only; and, in network namespaces of its own where it may make them, the suite skips what
cannot run (no loopback at all, no ::1) with a note and exit 0. Where this host has no working
loopback UDP socket the suite says so on standard error and the test is skipped.

    test/integration/quic_udp.py QUIC_UDP UDP_LOOPBACK_CPP LOOPBACK_HPP
"""
import ipaddress
import json
import os
import re
import shlex
import shutil
import tempfile

from checks import SANITIZED, binaries, check, finish, run

QUIC_UDP, SUITE_SOURCE, HELPER_SOURCE = binaries("QUIC_UDP", "UDP_LOOPBACK_CPP", "LOOPBACK_HPP")

# One size of each family and way, so the run stays short (about 4 benchmarks under --quick).
FILTER = r"^udp/v[46]/(sendto|sendmmsg)/size:64$"
SKIP_NOTE = re.compile(r"^note: quic_udp: (udp/\S+) skipped: ", re.M)

r = run([QUIC_UDP, "--list"])
listed = r.stdout.split()
skipped = SKIP_NOTE.findall(r.stderr)
if r.returncode == 0 and not any(n.startswith("udp/") for n in listed):
    check("with no benchmark to run, the suite says why on standard error",
          "nothing measured" in run([QUIC_UDP, "--quick"]).stderr or skipped, r.stderr)
    finish(skip="no loopback UDP socket works on this host: " + r.stderr.strip().replace("\n", "; "))

check("--list: the suite lists udp/ benchmarks, one note per family and way it leaves out",
      r.returncode == 0 and all(n.startswith("udp/") for n in listed)
      and len(listed) + 3 * len(skipped) == 12, r.stdout + r.stderr)

r = run([QUIC_UDP, "--quick", "--filter", FILTER, "--json", "-", "--color", "never"], timeout=300)
doc = json.loads(r.stdout) if r.returncode == 0 else {"benchmarks": []}
rows = doc["benchmarks"]
check("a quick filtered run exits 0 with one row per selected benchmark",
      r.returncode == 0 and len(rows) == 4 - len(skipped), r.stderr)


def row_problem(b):
    """Why a result row lacks a usable throughput or loss figure, or ""."""
    t = b.get("throughput", {})
    if t.get("unit") != "bytes" or t.get("per_iteration") != 64 or not t.get("per_second", 0) > 0:
        return f"{b['name']}: throughput {t}"
    c = b.get("counters", {})
    delivered = c.get("delivered", {})
    lost = c.get("lost", {}).get("per_iteration")
    if not (delivered.get("rate") and delivered.get("per_second", 0) > 0):
        return f"{b['name']}: no packets/s (delivered rate): {c}"
    if lost is None or not 0.0 <= lost <= 1.0 or abs(delivered["per_iteration"] + lost - 1.0) > 1e-9:
        return f"{b['name']}: lost {lost} and delivered {delivered.get('per_iteration')} are not shares adding to 1"
    if not c.get("window", {}).get("per_iteration", 0) >= 32:
        return f"{b['name']}: no flow-control window: {c}"
    return ""


problems = [p for p in map(row_problem, rows) if p]
check("every row reports bytes/s, packets/s (delivered), and lost and delivered shares",
      rows and not problems, "\n     ".join(problems))


def code_of(path):
    """The source without its comments and string literals (either may name a system call)."""
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)


# System calls that take a destination or local address (or send on a connected socket).
ADDRESSED = re.compile(r"(?<![\w.>])(?:::)?(bind|connect|sendto|sendmsg|sendmmsg|send|write|writev)\s*\(")
suite_calls = ADDRESSED.findall(code_of(SUITE_SOURCE))
check("the suite's source makes no bind, connect or send call of its own (only through loopback.hpp)",
      not suite_calls, str(suite_calls))

helper = code_of(HELPER_SOURCE)
unchecked = []
for m in ADDRESSED.finditer(helper):
    # The statement, and the function body before it up to the previous closing brace.
    before = helper[:m.start()]
    body_start = max(before.rfind("{\n"), 0)
    statement = helper[body_start:helper.find(";", m.end()) + 1]
    if "require_loopback(" not in statement:
        unchecked.append(statement.strip()[:120])
check("in loopback.hpp every bind, connect and send call checks its address with require_loopback",
      len(ADDRESSED.findall(helper)) >= 4 and not unchecked, "\n     ".join(unchecked))

# Run time: every address the process binds, connects or sends to, as strace decodes it.
strace = shutil.which("strace")
if not strace:
    print("note: strace not found: the run-time address check is left out (apt-get install strace)")
else:
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "trace")
        # LeakSanitizer refuses to run under ptrace: in the sanitized build it is switched off here.
        r = run([strace, "-f", "-qq", "-o", log, "-e", "trace=bind,connect,sendto,sendmsg,sendmmsg",
                 QUIC_UDP, "--quick", "--filter", FILTER, "--quiet"], timeout=300,
                env={"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"} if SANITIZED else None)
        text = open(log).read() if os.path.exists(log) else ""
    if r.returncode != 0 and ("ptrace" in r.stderr or "Operation not permitted" in r.stderr):
        print("note: strace cannot trace here (" + r.stderr.strip().splitlines()[-1] + "): the run-time address check is left out")
    else:
        addresses = re.findall(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"', text)
        addresses = [a or b for a, b in addresses]
        families = set(re.findall(r"sa_family=(AF_\w+)", text))
        outside = sorted({a for a in addresses if not ipaddress.ip_address(a).is_loopback})
        check("under strace the run binds, connects and sends to loopback addresses only",
              r.returncode == 0 and len(addresses) >= 4 and not outside and families <= {"AF_INET", "AF_INET6"},
              f"exit {r.returncode}; {len(addresses)} addresses; outside loopback: {outside}; families {families}")
        calls = set(re.findall(r"^\d+\s+(bind|connect|sendto|sendmmsg)\(", text, re.M))
        check("the traced run used bind, connect, sendto and sendmmsg (so the check above saw them)",
              calls == {"bind", "connect", "sendto", "sendmmsg"} or bool(skipped), str(calls))

# The skips, in a network namespace of their own (needs unshare and the right to use it, as
# root): there the loopback device is down, so nothing can run; brought up with IPv6 disabled,
# only the IPv4 benchmarks can.
unshare, ip, sysctl = shutil.which("unshare"), shutil.which("ip"), shutil.which("sysctl")
if not (unshare and ip and sysctl) or run([unshare, "-n", "true"]).returncode != 0:
    print("note: no network namespace here (unshare -n, ip and sysctl, as root): the skip checks are left out")
else:
    r = run([unshare, "-n", QUIC_UDP, "--quick"], timeout=60)
    check("no loopback at all: one note per family and way, 'nothing measured', exit 0",
          r.returncode == 0 and len(SKIP_NOTE.findall(r.stderr)) == 4 and "nothing measured" in r.stderr
          and not r.stdout.strip(), f"exit {r.returncode}: {r.stderr}")
    r = run([unshare, "-n", QUIC_UDP, "--bogus"], timeout=60)
    check("no loopback at all: a bad flag is still a usage error (exit 2)", r.returncode == 2, r.stderr)
    script = (f"{shlex.quote(ip)} link set lo up && {shlex.quote(sysctl)} -q -w net.ipv6.conf.lo.disable_ipv6=1 && "
              f"exec {shlex.quote(QUIC_UDP)} --quick --filter 'size:64$' --json -")
    r = run([unshare, "-n", "sh", "-c", script], timeout=300)
    names = [b["name"] for b in json.loads(r.stdout)["benchmarks"]] if r.returncode == 0 else []
    check("IPv6 loopback absent: the udp/v6 benchmarks are skipped with a note, the IPv4 ones run",
          names == ["udp/v4/sendto/size:64", "udp/v4/sendmmsg/size:64"]
          and SKIP_NOTE.findall(r.stderr) == ["udp/v6/sendto/*", "udp/v6/sendmmsg/*"], f"{names} {r.stderr}")

finish()
