#!/usr/bin/env python3
"""The quic_udp suite beside iperf3 on the loopback interface, one UDP stream per size.

    tools/udp-vs-iperf3.py build-bench/benches/quic/quic_udp [--sizes 64,1200,1472]
                           [--rounds 3] [--seconds 5] [--port 5299] [--json FILE]

For each datagram size and round, alternately:
  * quic_udp, benchmark udp/v4/sendto/size:SIZE (one sendto per datagram, one recvfrom per
    datagram on a second thread, flow-controlled; a full measurement in its own process):
    its bytes/s, packets/s delivered and lost share;
  * iperf3 unpaced: server `iperf3 -s -1 -B 127.0.0.1 -p PORT --idle-timeout SECONDS+30`,
    client `iperf3 -c 127.0.0.1 -B 127.0.0.1 -p PORT --connect-timeout 2000 -u -b 0 -l SIZE
    -t SECONDS --json` (one stream, as fast as the client can send): the sender's and the
    receiver's rates, the receiver's loss, and the CPU use iperf3 reports for each process
    (100% = one CPU: that process is the bottleneck);
  * iperf3 paced at quic_udp's rate of this round (`-b` that rate in bits/s, otherwise the same):
    whether iperf3 reaches that rate when it paces itself, and its receiver keeps up, with what loss.
The table shows the median over the rounds of each figure, and of quic_udp's rate relative to
iperf3's receiver and sender figures of the same round (vs recv, vs send). Rates are decimal: MB/s = 10^6 bytes/s (benchgate's own
table prints MiB/s). Every address is 127.0.0.1. Every wait is bounded (a client run gets
SECONDS + 20 s, the suite 300 s), and the iperf3 server is killed when the script exits or
is interrupted; killed itself with SIGKILL, the script leaves a server that exits on its own
within SECONDS + 30 s (--idle-timeout). Exit codes: 0 done, 2 usage error or a run that failed (one line says which).
"""
import argparse
import atexit
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ADDRESS = "127.0.0.1"
_servers = []


def _kill_servers():
    for p in _servers:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
    _servers.clear()


def _on_signal(signum, _frame):
    _kill_servers()
    sys.exit(128 + signum)


def fail(message):
    print(f"udp-vs-iperf3: error: {message}", file=sys.stderr)
    sys.exit(2)


def suite_run(binary, size):
    """quic_udp's udp/v4/sendto/size:SIZE: (bytes/s, packets/s delivered, lost share)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "udp.json")
        r = subprocess.run([binary, "--quiet", "--filter", f"^udp/v4/sendto/size:{size}$", "--json", out],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0 or not os.path.exists(out):
            fail(f"{binary} exited with {r.returncode}: {r.stderr.strip()[-300:]}")
        rows = json.load(open(out))["benchmarks"]
    if len(rows) != 1:
        fail(f"{binary}: expected one row for size {size}, got {len(rows)} (is udp/v4 skipped here?)")
    b = rows[0]
    counters = b.get("counters", {})
    return (b["throughput"]["per_second"], counters["delivered"]["per_second"], counters["lost"]["per_iteration"])


def iperf3_run(iperf3, port, size, seconds, bits_per_second):
    """One iperf3 UDP test: dict of sender/receiver bytes/s, packets/s and loss %."""
    server = subprocess.Popen([iperf3, "-s", "-1", "-B", ADDRESS, "-p", str(port), "--idle-timeout", str(seconds + 30)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _servers.append(server)
    try:
        client = [iperf3, "-c", ADDRESS, "-B", ADDRESS, "-p", str(port), "--connect-timeout", "2000", "-u", "-b", str(int(bits_per_second)),
                  "-l", str(size), "-t", str(seconds), "--json"]
        for attempt in range(5):  # the server may take a moment to listen: at most 5 tries, 0.2 s apart
            time.sleep(0.2)
            if server.poll() is not None:
                fail(f"iperf3 server exited at once with code {server.returncode} (port {port} in use?)")
            r = subprocess.run(client, capture_output=True, text=True, timeout=seconds + 20)
            if "unable to connect" not in r.stdout + r.stderr:
                break
        try:
            end = json.loads(r.stdout)["end"]
            sent, received = end["sum_sent"], end["sum_received"]
        except (ValueError, KeyError):
            fail(f"iperf3 client exited with {r.returncode}: {(r.stdout + r.stderr).strip()[-300:]}")
        server.wait(timeout=10)
    finally:
        _kill_servers()
    return {
        "sender_Bps": sent["bytes"] / sent["seconds"],
        "sender_pps": sent["packets"] / sent["seconds"],
        "receiver_Bps": received["bytes"] / received["seconds"],
        "receiver_pps": (received["packets"] - received["lost_packets"]) / received["seconds"],
        "lost_percent": received["lost_percent"],
        # CPU use of the client (sender) and the server (receiver) processes, % of one CPU.
        "sender_cpu": end.get("cpu_utilization_percent", {}).get("host_total", float("nan")),
        "receiver_cpu": end.get("cpu_utilization_percent", {}).get("remote_total", float("nan")),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", help="the quic_udp bench binary")
    ap.add_argument("--sizes", default="64,1200,1472", help="datagram payload sizes, comma-separated")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5, help="length of each iperf3 test")
    ap.add_argument("--port", type=int, default=5299, help="iperf3's control and data port on 127.0.0.1")
    ap.add_argument("--json", help="write every round's figures here")
    args = ap.parse_args()
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        fail(f"--sizes: expected comma-separated integers, got '{args.sizes}'")
    if not sizes or any(s not in (64, 1200, 1472) for s in sizes):
        fail("--sizes: the suite measures 64, 1200 and 1472 bytes")
    if not 1 <= args.rounds <= 20 or not 1 <= args.seconds <= 60 or not 1024 <= args.port <= 65535:
        fail("--rounds must be 1-20, --seconds 1-60, --port 1024-65535")
    if not os.access(args.binary, os.X_OK):
        fail(f"{args.binary}: not an executable")
    iperf3 = shutil.which("iperf3")
    if not iperf3:
        fail("iperf3 not found (Debian: apt-get install iperf3)")
    atexit.register(_kill_servers)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    rounds = {}
    for size in sizes:
        for k in range(args.rounds):
            ours_Bps, ours_pps, ours_lost = suite_run(args.binary, size)
            unpaced = iperf3_run(iperf3, args.port, size, args.seconds, 0)
            paced = iperf3_run(iperf3, args.port, size, args.seconds, ours_Bps * 8)
            rounds.setdefault(size, []).append({"quic_udp": {"Bps": ours_Bps, "pps": ours_pps, "lost": ours_lost},
                                                "iperf3": unpaced, "iperf3_paced": paced})
            print(f"size {size} round {k + 1}: quic_udp {ours_Bps / 1e6:.1f} MB/s; iperf3 sender "
                  f"{unpaced['sender_Bps'] / 1e6:.1f}, receiver {unpaced['receiver_Bps'] / 1e6:.1f} MB/s "
                  f"({unpaced['lost_percent']:.1f}% lost; CPU sender {unpaced['sender_cpu']:.0f}%, receiver "
                  f"{unpaced['receiver_cpu']:.0f}%); paced: sender {paced['sender_Bps'] / 1e6:.1f}, receiver "
                  f"{paced['receiver_Bps'] / 1e6:.1f} MB/s "
                  f"({paced['lost_percent']:.1f}% lost)", flush=True)

    def med(size, side, key):
        return statistics.median(r[side][key] for r in rounds[size])

    def ratio(size, key):
        # Per round, then the median: a round's three runs follow each other within seconds, so
        # a host that speeds up or slows down between rounds moves both sides of a ratio alike.
        return statistics.median(r["quic_udp"]["Bps"] / r["iperf3"][key] - 1 for r in rounds[size])

    print(f"\nmedian of {args.rounds} rounds; iperf3 tests of {args.seconds} s; MB/s = 10^6 bytes/s")
    print(f"{'size':>5} | {'quic_udp MB/s':>13} {'kpps':>6} {'lost':>6} | {'iperf3 -b 0: sender MB/s':>24} {'kpps':>6} "
          f"{'receiver MB/s':>13} {'kpps':>6} {'lost':>6} | {'vs recv':>7} {'vs send':>7} | "
          f"{'iperf3 paced: send MB/s':>23} {'recv MB/s':>9} {'lost':>6} | {'iperf3 CPU% send/recv':>21}")
    for size in sizes:
        ours = med(size, "quic_udp", "Bps")
        recv, send = med(size, "iperf3", "receiver_Bps"), med(size, "iperf3", "sender_Bps")
        print(f"{size:>5} | {ours / 1e6:>13.1f} {med(size, 'quic_udp', 'pps') / 1e3:>6.1f} "
              f"{med(size, 'quic_udp', 'lost') * 100:>5.2f}% | {send / 1e6:>24.1f} {med(size, 'iperf3', 'sender_pps') / 1e3:>6.1f} "
              f"{recv / 1e6:>13.1f} {med(size, 'iperf3', 'receiver_pps') / 1e3:>6.1f} {med(size, 'iperf3', 'lost_percent'):>5.1f}% | "
              f"{ratio(size, 'receiver_Bps') * 100:>+6.1f}% {ratio(size, 'sender_Bps') * 100:>+6.1f}% | "
              f"{med(size, 'iperf3_paced', 'sender_Bps') / 1e6:>23.1f} {med(size, 'iperf3_paced', 'receiver_Bps') / 1e6:>9.1f} "
              f"{med(size, 'iperf3_paced', 'lost_percent'):>5.1f}% | "
              f"{med(size, 'iperf3', 'sender_cpu'):>13.0f} / {med(size, 'iperf3', 'receiver_cpu'):>5.0f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seconds": args.seconds, "rounds": {str(s): r for s, r in rounds.items()}}, f, indent=1)


if __name__ == "__main__":
    main()
