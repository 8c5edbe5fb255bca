#!/usr/bin/env python3
"""Integration checks of `benchgate push URL FILE.json`: against a real Prometheus Pushgateway
(prometheus-pushgateway on a free loopback port) a push lands with the right labels and values
and a second push replaces the group; against a tiny HTTP server of this script that answers 400,
500, 503-then-200 or never, the retries (none on a 4xx) are counted and the time budget holds; an
unreachable port fails after the retries within the budget; bad input is one line and exit 2.
What push sends passes promtool's `check metrics` and carries the same series as the OpenMetrics
export; a Prometheus server scrapes the Pushgateway and the OpenMetrics export, and the query of
docs/observability.md returns the pushed medians. Parts whose program is missing
(prometheus-pushgateway, promtool, prometheus) are skipped with a line saying so.

    test/integration/push.py BENCHGATE DEMO
"""
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

from checks import binaries, check, finish, one_error_line, run
from openmetrics import parse_openmetrics, unescape

TOOL, DEMO = binaries("BENCHGATE", "DEMO")
EXIT_NOT_PUSHED, EXIT_USAGE = 1, 2
skipped = []

# A SIGTERM (meson's timeout) unwinds through the finally blocks that stop the servers.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_text_004(text):
    """The samples of a Prometheus text format 0.0.4 exposition: {(name, frozenset(labels)):
    value}; comment lines are skipped. Label values are unescaped as the format defines."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        brace = line.find("{")
        labels = {}
        if brace < 0:
            name, value = line.split(" ", 1)
        else:
            name, pos = line[:brace], brace + 1
            while line[pos] != "}":
                eq = line.index("=", pos)
                labels[line[pos:eq]], pos = unescape(line, eq + 2, '"')
                if line[pos] == ",":
                    pos += 1
            value = line[pos + 2:]
        out[(name, frozenset(labels.items()))] = float(value)
    return out


def openmetrics_series(raw):
    """The samples of benchgate's OpenMetrics export in the same shape as parse_text_004."""
    out = {}
    for fam in parse_openmetrics(raw).values():
        for name, labels, value in fam["samples"]:
            out[(name, frozenset(labels.items()))] = value
    return out


def push(*args, timeout=60):
    start = time.monotonic()
    r = run([TOOL, "push", *args], timeout=timeout)
    r.seconds = time.monotonic() - start
    return r


class FakeEndpoint(http.server.BaseHTTPRequestHandler):
    """Answers each PUT by its path's first segment: /s400 a 400, /s500 a 500, /flaky 503 to the
    first two requests and 200 after, /hang nothing for 30 s, anything else 200; counts requests
    per first segment and keeps the last request's method, path, headers and body."""
    counts, last = {}, {}
    lock = threading.Lock()

    def do_PUT(self):
        key = self.path.split("/")[1]
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            n = self.counts[key]
            FakeEndpoint.last = {"method": self.command, "path": self.path, "type": self.headers.get("Content-Type"),
                                 "body": body}
        if key == "hang":
            time.sleep(30)
            return
        status = {"s400": 400, "s500": 500}.get(key, 503 if key == "flaky" and n <= 2 else 200)
        text = {400: b"bad things in the text\nsecond line\n", 500: b"internal trouble\n"}.get(status, b"")
        self.send_response(status)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *_):
        pass


def scraped_by_prometheus(prometheus, gateway, d):
    """A Prometheus server scrapes the Pushgateway as docs/observability.md configures it
    (honor_labels) and, with the OpenMetrics content type, the OpenMetrics export of a file with
    hostile names served by this script: both targets are up (Prometheus's own OpenMetrics
    parser accepted the export), and the documented join of the median with
    benchgate_run_info's commit returns the pushed medians."""
    commit = os.path.join(d, "commit.json")
    doc = json.load(open(os.path.join(d, "first.json")))
    doc["context"]["commit"] = "0123abc"
    json.dump(doc, open(commit, "w"))
    r = push(gateway, commit, "--group", "branch=main")
    export = run([TOOL, "export", os.path.join(d, "hostile.json"), "--format", "openmetrics"]).stdout.encode()

    class Export(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8")
            self.send_header("Content-Length", str(len(export)))
            self.end_headers()
            self.wfile.write(export)

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Export)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = os.path.join(d, "prometheus.yml")
    with open(config, "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ['{gateway[len("http://"):]}']
  - job_name: export
    static_configs:
      - targets: ['127.0.0.1:{server.server_address[1]}']
""")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api/v1/"
    server_process = subprocess.Popen([prometheus, f"--config.file={config}", f"--storage.tsdb.path={os.path.join(d, 'tsdb')}",
                                       f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)

    def get(path, **query):
        return json.load(urllib.request.urlopen(api + path + "?" + urllib.parse.urlencode(query), timeout=5))["data"]

    try:
        targets = []
        for _ in range(200):  # up to 20 s: the server's start and a scrape of each target
            try:
                targets = get("targets")["activeTargets"]
                if len(targets) == 2 and all(t["lastScrape"] > "2000" for t in targets):
                    break
            except OSError:
                if server_process.poll() is not None:
                    break
            time.sleep(0.1)
        check("Prometheus scrapes the Pushgateway and the OpenMetrics export: both targets up, no scrape error",
              len(targets) == 2 and all(t["health"] == "up" and not t["lastError"] for t in targets),
              [(t["scrapePool"], t["health"], t["lastError"]) for t in targets])
        query = ('benchgate_time_seconds{job="benchgate", estimate="median"} * 1e9 '
                 '* on(job, instance, branch) group_left(commit) benchgate_run_info')
        got = {(x["metric"]["benchmark"], x["metric"].get("commit")): float(x["value"][1])
               for x in get("query", query=query)["result"] if x["metric"].get("branch") == "main"}
        medians = {(b["name"], "0123abc"): b["estimates"]["median"]["point"] for b in doc["benchmarks"]}
        check("the documented query (median ns joined with the run's commit) returns the pushed medians",
              r.returncode == 0 and got.keys() == medians.keys()
              and all(abs(got[k] / medians[k] - 1) < 1e-9 for k in medians), (r.stderr, got, medians))
        exported = {x["metric"]["benchmark"]: float(x["value"][1])
                    for x in get("query", query='benchgate_time_seconds{job="export", estimate="median"}')["result"]}
        hostile = json.load(open(os.path.join(d, "hostile.json")))["benchmarks"]
        check("the OpenMetrics export, parsed by Prometheus: every benchmark's median, hostile names intact",
              exported.keys() == {b["name"] for b in hostile}
              and all(abs(exported[b["name"]] / (b["estimates"]["median"]["point"] / 1e9) - 1) < 1e-9 for b in hostile),
              exported)
    finally:
        server_process.kill()
        server_process.wait(timeout=10)
        server.shutdown()
        server.server_close()


with tempfile.TemporaryDirectory() as d:
    first, second, fewer, hostile = (os.path.join(d, n) for n in ("first.json", "second.json", "fewer.json", "hostile.json"))
    r = run([DEMO, "--quick", "--quiet", "--json", first])
    assert r.returncode == 0, r.stderr
    doc = json.load(open(first))
    host = doc["context"]["host"]
    names = [b["name"] for b in doc["benchmarks"]]
    # The second push's file: every estimate doubled, so a replaced value is told from the old one.
    for b in doc["benchmarks"]:
        b["samples"] = [s * 2 for s in b["samples"]]
        b.pop("estimates", None)
    json.dump(doc, open(second, "w"))
    doc["benchmarks"] = doc["benchmarks"][1:]
    json.dump(doc, open(fewer, "w"))
    doc = json.load(open(first))
    doc["benchmarks"][0]["name"] = 'push/"quoted" back\\slash\nnewline \u00e9'
    json.dump(doc, open(hostile, "w"))

    def om(path):
        return openmetrics_series(run([TOOL, "export", path, "--format", "openmetrics"]).stdout.encode())

    # ------------------------------------------------------------ what push sends
    r = push("--dry-run", "http://127.0.0.1:9", hostile)
    sent = parse_text_004(r.stdout) if r.returncode == 0 else {}
    expected = {}
    for (name, labels), value in om(hostile).items():
        expected[(name, labels)] = value
    check("--dry-run: the text is the OpenMetrics export's series (same names, labels, values; hostile names escaped)",
          r.returncode == 0 and sent == expected and len(sent) > 3 * len(names), r.stdout[:400] + r.stderr)
    check("--dry-run: the text has no # EOF, UNIT line or timestamp (the Pushgateway reads text format 0.0.4)",
          "# EOF" not in r.stdout and "# UNIT" not in r.stdout
          and all(len(l.rsplit("} ", 1)[-1].split()) == 1 for l in r.stdout.splitlines() if not l.startswith("#")), r.stdout[:400])
    check("--dry-run: the note names the group's URL (job benchgate, instance = the file's host)",
          f"http://127.0.0.1:9/metrics/job/benchgate/instance/{host}" in r.stderr, r.stderr)

    promtool = shutil.which("promtool")
    if promtool:
        for label, path in (("the demo's run", first), ("hostile names", hostile)):
            text = push("--dry-run", "http://127.0.0.1:9", path).stdout
            p = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
            check(f"promtool check metrics accepts what push sends ({label}): no error, no lint finding",
                  p.returncode == 0 and not (p.stdout + p.stderr).strip(), p.stdout + p.stderr)
        # promtool reads the text format 0.0.4 only: the OpenMetrics export's info family is a
        # type it does not know; the export's series are checked above to equal what push sends.
        p = subprocess.run([promtool, "check", "metrics"], input=run([TOOL, "export", first, "--format", "openmetrics"]).stdout,
                           capture_output=True, text=True, timeout=60)
        check("promtool check metrics on the OpenMetrics export stops only at the info type (which text format 0.0.4 lacks)",
              p.returncode != 0 and 'unknown metric type "info"' in p.stdout + p.stderr and "line 1:" in p.stdout + p.stderr,
              p.stdout + p.stderr)
    else:
        skipped.append("promtool is missing (Debian: apt-get install prometheus): the promtool checks did not run")

    # A tool built without libcurl (-Dlibcurl=disabled, or no libcurl4-openssl-dev) says so in
    # one line and exits 2; the checks that send then cannot run.
    r = push("http://127.0.0.1:9", first, "--retries", "0")
    without_curl = "built without libcurl" in r.stderr
    if without_curl:
        check("built without libcurl: push says so in one line, exit 2", r.returncode == EXIT_USAGE and one_error_line(r), r.stderr)
        skipped.append("this benchgate was built without libcurl (Debian: apt-get install libcurl4-openssl-dev): "
                       "the checks that send did not run")
        finish(skip="; ".join(skipped))

    # ------------------------------------------------------------ a fake endpoint: 4xx, 5xx, hangs
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeEndpoint)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        # ------------------------------------------------------------ bad input: one line, exit 2
        for label, args in [
            ("a URL that is not http(s)", ["ftp" + fake[4:] + "/bad", first]),
            ("a URL without a host", ["http://:9091", first]),
            ("a URL with a space", ["http://127.0.0.1 :9091", first]),
            ("a URL with a port out of range", ["http://127.0.0.1:70000", first]),
            ("a URL that already has a /metrics/job path", ["http://127.0.0.1:9091/metrics/job/x", first]),
            ("a missing file", [fake + "/bad", os.path.join(d, "missing.json")]),
            ("a file that is not JSON", [fake + "/bad", TOOL]),
            ("one positional argument", [fake + "/bad"]),
            ("a grouping label that is not a name", [fake + "/bad", first, "--group", "1x=y"]),
            ("a grouping label the metrics carry", [fake + "/bad", first, "--group", "benchmark=x"]),
            ("job as a grouping label", [fake + "/bad", first, "--group", "job=x"]),
            ("a grouping label twice", [fake + "/bad", first, "--group", "a=1,a=2"]),
            ("--timeout 0", [fake + "/bad", first, "--timeout", "0"]),
            ("--retries 11", [fake + "/bad", first, "--retries", "11"]),
            ("an unknown flag", [fake + "/bad", first, "--jobs", "x"]),
        ]:
            r = push(*args)
            check(f"{label}: one line, exit {EXIT_USAGE}, nothing sent",
                  r.returncode == EXIT_USAGE and one_error_line(r) and "bad" not in FakeEndpoint.counts, (r.returncode, r.stderr))
        r = push("--help")
        check("--help: exit 0, names every flag and the exit codes",
              r.returncode == 0 and all(f in r.stdout for f in ("--job", "--group", "--timeout", "--retries", "--dry-run", "exit codes")),
              r.stdout)

        r = push(fake + "/ok", first, "--group", "branch=feat/x,empty=")
        last = FakeEndpoint.last
        check("a push is one PUT of text format 0.0.4 to BASE/metrics/job/JOB/LABEL/VALUE (base64 for '/' and empty values)",
              r.returncode == 0 and FakeEndpoint.counts.get("ok") == 1 and last["method"] == "PUT" and last["type"].startswith("text/plain; version=0.0.4")
              and last["path"] == f"/ok/metrics/job/benchgate/branch@base64/ZmVhdC94/empty@base64/=/instance/{host}"
              and last["body"].decode() == push("--dry-run", fake, first, "--group", "branch=feat/x,empty=").stdout,
              (r.returncode, r.stdout, r.stderr, last.get("path")))

        r = push(fake + "/s400", first, "--timeout", "10")
        check("HTTP 400: exit 1 after one attempt, one line with the status and the body's first line",
              r.returncode == EXIT_NOT_PUSHED and one_error_line(r) and FakeEndpoint.counts.get("s400") == 1
              and "refused the metrics: HTTP 400: bad things in the text" in r.stderr and "second line" not in r.stderr,
              (r.returncode, r.stderr, FakeEndpoint.counts))

        r = push(fake + "/s500", first, "--retries", "2", "--timeout", "20")
        check("HTTP 500: retried (--retries 2: 3 requests), then exit 1 and one line with the status",
              r.returncode == EXIT_NOT_PUSHED and one_error_line(r) and FakeEndpoint.counts.get("s500") == 3
              and "failed: HTTP 500: internal trouble" in r.stderr and "3 attempts" in r.stderr
              and 1.4 < r.seconds < 10, (r.returncode, r.stderr, FakeEndpoint.counts, r.seconds))

        r = push(fake + "/flaky", first, "--timeout", "20")
        check("503 twice, then 200: pushed on the third attempt (exit 0)",
              r.returncode == 0 and FakeEndpoint.counts.get("flaky") == 3 and "attempt 3" in r.stdout,
              (r.returncode, r.stdout, r.stderr, FakeEndpoint.counts))

        r = push(fake + "/hang", first, "--timeout", "3", "--retries", "5")
        check("an endpoint that never answers: exit 1, one line, inside the --timeout budget (3 s)",
              r.returncode == EXIT_NOT_PUSHED and one_error_line(r) and "could not reach" in r.stderr
              and FakeEndpoint.counts.get("hang", 0) >= 2 and r.seconds < 4.5, (r.returncode, r.stderr, r.seconds, FakeEndpoint.counts))
    finally:
        server.shutdown()
        server.server_close()

    # ------------------------------------------------------------ nothing listening
    port = free_port()
    r = push(f"http://127.0.0.1:{port}", first, "--timeout", "10")
    check("an unreachable port: exit 1 and one line after the retries (4 attempts, waits 0.5+1+2 s), within the budget",
          r.returncode == EXIT_NOT_PUSHED and one_error_line(r) and "could not reach" in r.stderr
          and "4 attempts" in r.stderr and 3.4 < r.seconds < 10, (r.returncode, r.stderr, r.seconds))
    r = push(f"http://127.0.0.1:{port}", first, "--retries", "0")
    check("--retries 0: one attempt", r.returncode == EXIT_NOT_PUSHED and "1 attempt in" in r.stderr and r.seconds < 2,
          (r.stderr, r.seconds))

    # ------------------------------------------------------------ a real Pushgateway
    pushgateway = shutil.which("prometheus-pushgateway") or shutil.which("pushgateway")
    if not pushgateway:
        skipped.append("prometheus-pushgateway is missing (Debian: apt-get install prometheus-pushgateway): "
                       "the checks against a real Pushgateway did not run")
    else:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # --persistence.file= keeps the metrics in memory: Debian's default persists them in a
        # file of /var/lib/prometheus, which a test must neither write nor read.
        gateway = subprocess.Popen([pushgateway, f"--web.listen-address=127.0.0.1:{port}", "--persistence.file="],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            ready = False
            for _ in range(100):  # up to 10 s
                try:
                    ready = urllib.request.urlopen(base + "/-/ready", timeout=1).status == 200
                    break
                except OSError:
                    if gateway.poll() is not None:
                        break
                    time.sleep(0.1)
            check("the Pushgateway started within 10 s", ready, gateway.stderr.read().decode()[-500:] if gateway.poll() is not None else "")

            def scraped():
                return parse_text_004(urllib.request.urlopen(base + "/metrics", timeout=5).read().decode())

            def expected_series(path, group):
                """The file's series as the Pushgateway shows them: the export's, with the group's labels."""
                out = {}
                for (name, labels), value in om(path).items():
                    out[(name, labels | frozenset(group.items()))] = value
                return out

            def series_of(metrics, group):
                return {k: v for k, v in metrics.items()
                        if k[0].startswith("benchgate_") and all((l, v2) in k[1] for l, v2 in group.items())}

            main = {"job": "benchgate", "instance": host, "branch": "main"}
            r = push(base, first, "--group", "branch=main")
            got = series_of(scraped(), main) if ready else {}
            check("a push lands: GET /metrics shows every series with its benchmark, job, instance and branch labels and values",
                  r.returncode == 0 and got == expected_series(first, main) and len(got) > 3 * len(names),
                  (r.returncode, r.stderr, sorted(set(got) ^ set(expected_series(first, main)))[:4]))
            median = ("benchgate_time_seconds", frozenset({"benchmark": names[0], "estimate": "median", **main}.items()))
            before = got.get(median)

            r = push(base, second, "--group", "branch=main")
            got = series_of(scraped(), main)
            check("a second push to the group replaces its values (the doubled medians)",
                  r.returncode == 0 and got == expected_series(second, main) and before
                  and abs(got.get(median, 0) / before - 2) < 0.05, (r.returncode, r.stderr, before, got.get(median)))

            r = push(base, fewer, "--group", "branch=main")
            got = series_of(scraped(), main)
            check("a push replaces the whole group: a benchmark left out of the file is gone",
                  r.returncode == 0 and got == expected_series(fewer, main)
                  and not any(("benchmark", names[0]) in k[1] for k in got), (r.returncode, r.stderr))

            feature = {"job": "benchgate", "instance": host, "branch": "feat/x"}
            r = push(base, hostile, "--group", "branch=feat/x")
            metrics = scraped()
            check("another group (branch feat/x, base64 in the path) sits beside the first; hostile names arrive intact",
                  r.returncode == 0 and series_of(metrics, feature) == expected_series(hostile, feature)
                  and series_of(metrics, main) == expected_series(fewer, main), (r.returncode, r.stderr))

            r = push(base + "/nothere", first)
            check("a path the Pushgateway does not serve: exit 1, one line with HTTP 404",
                  r.returncode == EXIT_NOT_PUSHED and one_error_line(r) and "HTTP 404" in r.stderr, (r.returncode, r.stderr))

            prometheus = shutil.which("prometheus")
            if not prometheus:
                skipped.append("prometheus is missing (Debian: apt-get install prometheus): "
                               "the scrapes by a Prometheus server did not run")
            else:
                scraped_by_prometheus(prometheus, base, d)
        finally:
            gateway.kill()
            gateway.wait(timeout=10)

finish(skip="; ".join(skipped) if skipped else None)
