#!/usr/bin/env python3
"""Integration checks of `benchgate export FILE --format F [-o OUT]` on real result files: CSV and
JSON as the bench binary writes them, Bencher's BMF and github-action-benchmark's
customSmallerIsBetter checked against their published shapes, OpenMetrics text read back by the
strict parser below; hostile benchmark names survive every format; bad input is one line, exit 2,
nothing written.

    test/integration/exports_tool.py BENCHGATE DEMO COUNTERS
"""
import csv
import io
import json
import os
import re
import tempfile

from checks import binaries, check, finish, one_error_line, run

TOOL, DEMO, COUNTERS = binaries("BENCHGATE", "DEMO", "COUNTERS")

HOSTILE = 'demo/"quoted" back\\slash\nnewline, comma|pipe <script>alert(1)</script>'

# ---------------------------------------------------------------- a strict OpenMetrics 1.0 reader
METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|[0-9]*\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)|[nN][aA][nN]")
TYPES = {"counter", "gauge", "histogram", "gaugehistogram", "stateset", "info", "summary", "unknown"}
SUFFIXES = {"gauge": [""], "info": ["_info"], "counter": ["_total", "_created"], "unknown": [""], "stateset": [""],
            "summary": ["", "_count", "_sum", "_created"], "histogram": ["_count", "_sum", "_bucket", "_created"],
            "gaugehistogram": ["_gcount", "_gsum", "_bucket"]}


class OpenMetricsError(Exception):
    pass


def unescape(s, pos, end_quote):
    """Reads an escaped-string from s[pos:] up to an unescaped `end_quote` (or the end when None).
    Only \\\\, \\" and \\n are accepted escapes; a bare double quote or backslash is an error."""
    out = []
    while pos < len(s):
        c = s[pos]
        if end_quote and c == end_quote:
            return "".join(out), pos + 1
        if c == "\\":
            if pos + 1 >= len(s) or s[pos + 1] not in 'n"\\':
                raise OpenMetricsError(f"undefined escape at {pos}: {s!r}")
            out.append("\n" if s[pos + 1] == "n" else s[pos + 1])
            pos += 2
            continue
        if c == '"':
            raise OpenMetricsError(f"bare double quote at {pos}: {s!r}")
        out.append(c)
        pos += 1
    if end_quote:
        raise OpenMetricsError(f"unterminated string: {s!r}")
    return "".join(out), pos


def parse_openmetrics(data):
    """Parses an OpenMetrics text exposition strictly; returns {family: {type, unit, help,
    samples: [(name, labels, value)]}} in order, or raises OpenMetricsError."""
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise OpenMetricsError(f"not UTF-8: {e}")
    if "\r" in text:
        raise OpenMetricsError("carriage return")
    if not (text.endswith("# EOF\n") or text.endswith("# EOF")):
        raise OpenMetricsError("does not end with # EOF")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if lines[-1] != "# EOF" or "# EOF" in lines[:-1]:
        raise OpenMetricsError("# EOF is not the last line, or appears twice")
    families, order, current = {}, [], None

    def family_of_sample(name):
        for fam in [current] + list(families):
            if fam is None:
                continue
            for suffix in SUFFIXES[families[fam]["type"] or "unknown"]:
                if name == fam + suffix:
                    return fam
        return None

    for line in lines[:-1]:
        if line.startswith("#"):
            m = re.fullmatch(r"# (TYPE|UNIT|HELP) ([^ ]+) ?(.*)", line)
            if not m:
                raise OpenMetricsError(f"a comment line that is not TYPE, UNIT or HELP: {line!r}")
            kind, name, rest = m.groups()
            if not METRIC_NAME.fullmatch(name):
                raise OpenMetricsError(f"bad metric name {name!r}")
            if name != current:
                if name in families:
                    raise OpenMetricsError(f"family {name} interleaved or repeated")
                families[name] = {"type": None, "unit": None, "help": None, "samples": []}
                order.append(name)
                current = name
            fam = families[name]
            if fam["samples"]:
                raise OpenMetricsError(f"metadata after samples of {name}")
            key = kind.lower()
            if fam[key] is not None:
                raise OpenMetricsError(f"two {kind} lines for {name}")
            if kind == "TYPE":
                if rest not in TYPES:
                    raise OpenMetricsError(f"unknown type {rest!r}")
                fam["type"] = rest
            elif kind == "UNIT":
                if not re.fullmatch(r"[a-zA-Z0-9_:]*", rest):
                    raise OpenMetricsError(f"bad unit {rest!r}")
                if rest and not name.endswith("_" + rest):
                    raise OpenMetricsError(f"unit {rest} is not the suffix of {name}")
                fam["unit"] = rest
            else:
                fam["help"], _ = unescape(rest, 0, None)
            continue
        m = METRIC_NAME.match(line)
        if not m:
            raise OpenMetricsError(f"a sample without a metric name: {line!r}")
        name, pos = m.group(0), m.end()
        labels = {}
        if pos < len(line) and line[pos] == "{":
            pos += 1
            while line[pos] != "}":
                lm = LABEL_NAME.match(line, pos)
                if not lm or line[lm.end():lm.end() + 2] != '="':
                    raise OpenMetricsError(f"bad label at {pos}: {line!r}")
                label = lm.group(0)
                if label in labels:
                    raise OpenMetricsError(f"label {label} twice: {line!r}")
                labels[label], pos = unescape(line, lm.end() + 2, '"')
                if line[pos] == ",":
                    pos += 1
                    if line[pos] == "}":
                        raise OpenMetricsError(f"trailing comma: {line!r}")
                elif line[pos] != "}":
                    raise OpenMetricsError(f"expected , or }} at {pos}: {line!r}")
            pos += 1
        if line[pos:pos + 1] != " ":
            raise OpenMetricsError(f"no single space before the value: {line!r}")
        value = line[pos + 1:]
        if not NUMBER.fullmatch(value):
            raise OpenMetricsError(f"bad number {value!r}: {line!r}")
        fam = family_of_sample(name)
        if fam is None or fam != current:
            raise OpenMetricsError(f"sample {name} outside its family (or with no TYPE): {line!r}")
        if families[fam]["type"] is None:
            raise OpenMetricsError(f"sample of {fam} before its TYPE")
        if families[fam]["type"] == "info" and (float(value) != 1 or families[fam]["unit"]):
            raise OpenMetricsError(f"info {fam}: value must be 1 and unit empty")
        key = (name, tuple(sorted(labels.items())))
        if any((s[0], tuple(sorted(s[1].items()))) == key for s in families[fam]["samples"]):
            raise OpenMetricsError(f"label set twice in {fam}: {line!r}")
        families[fam]["samples"].append((name, labels, float(value)))
    return {name: families[name] for name in order}


def parser_rejects(text):
    try:
        parse_openmetrics(text.encode())
        return False
    except OpenMetricsError:
        return True


check("the OpenMetrics reader itself rejects what the spec forbids",
      all(parser_rejects(t) for t in [
          "# TYPE a gauge\na 1\n",                                # no # EOF
          "# TYPE a gauge\na{b=\"x\"y\"} 1\n# EOF\n",              # bare quote in a label value
          "# TYPE a gauge\na{b=\"\\x\"} 1\n# EOF\n",               # undefined escape
          "# TYPE a gauge\na{b=\"x\",} 1\n# EOF\n",                # trailing comma
          "# TYPE a_seconds gauge\n# UNIT a_seconds bytes\n# EOF\n",  # unit not the suffix
          "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n",    # interleaved
          "# TYPE 1a gauge\n# EOF\n",                              # bad metric name
          "# TYPE a gauge\na 1\n# EOF\nb 2\n",                     # after # EOF
          "# TYPE a gauge\na 1,5\n# EOF\n",                        # bad number
          "# TYPE a info\na_info{x=\"1\"} 2\n# EOF\n",             # info value not 1
          "# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n# EOF\n",   # same label set twice
      ]) and not parser_rejects("# TYPE a gauge\n# HELP a say \\\"hi\\\"\na{b=\"\\\\ \\n \\\"\"} 1.5e-07\n# EOF\n"))

# ---------------------------------------------------------------- real files
with tempfile.TemporaryDirectory() as d:
    demo, counters, hostile = (os.path.join(d, n) for n in ("demo.json", "counters.json", "hostile.json"))
    r = run([DEMO, "--quick", "--quiet", "--json", demo])
    assert r.returncode == 0, r.stderr
    r = run([COUNTERS, "--quick", "--quiet", "--json", counters])
    assert r.returncode == 0, r.stderr
    doc = json.load(open(demo))
    doc["benchmarks"][0]["name"] = HOSTILE
    doc["benchmarks"][1]["error"] = 'threw "std::runtime_error" <&>'
    doc["benchmarks"][2]["name"] = "demo/\u00e9t\u00e9 \u2603"
    json.dump(doc, open(hostile, "w"))
    names = [b["name"] for b in doc["benchmarks"]]
    failed = doc["benchmarks"][1]["name"]
    ok_names = [n for n in names if n != failed]

    def export(path, fmt, *extra):
        return run([TOOL, "export", path, "--format", fmt, *extra])

    r = export(hostile, "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    check("csv: one row per benchmark, hostile names quoted back intact, the failed one FAILED",
          r.returncode == 0 and [row["name"] for row in rows] == names
          and [row["status"] for row in rows] == ["", "FAILED", "", ""], r.stdout[:600] + r.stderr)

    r = export(hostile, "json")
    back = json.loads(r.stdout) if r.returncode == 0 else {}
    check("json: the file as the bench binary writes it (schema, names, the error, samples)",
          back.get("schema") == "benchgate/1" and [b["name"] for b in back["benchmarks"]] == names
          and back["benchmarks"][1]["error"] == doc["benchmarks"][1]["error"]
          and back["benchmarks"][0]["samples"] == doc["benchmarks"][0]["samples"], r.stdout[:300] + r.stderr)

    def is_number(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    r = export(hostile, "bmf")
    bmf = json.loads(r.stdout) if r.returncode == 0 else {}
    shape = isinstance(bmf, dict) and all(
        isinstance(measures, dict) and measures and all(
            isinstance(m, dict) and "value" in m and set(m) <= {"value", "lower_value", "upper_value"}
            and all(is_number(v) for v in m.values()) for m in measures.values())
        for measures in bmf.values())
    check("bmf: {benchmark: {measure: {value, lower_value, upper_value}}}, numbers only (Bencher's JSON schema)",
          shape and list(bmf) == ok_names, r.stdout[:600])
    check("bmf: latency is the median in ns inside its 95% interval",
          all(bmf[b["name"]]["latency"]["value"] == b["estimates"]["median"]["point"]
              and bmf[b["name"]]["latency"]["lower_value"] <= bmf[b["name"]]["latency"]["value"] <= bmf[b["name"]]["latency"]["upper_value"]
              for b in doc["benchmarks"] if b["name"] in bmf), str(bmf)[:600])
    check("bmf: the failed benchmark is left out, and a note on stderr names it",
          failed not in bmf and f"note: bmf: left out 1 failed benchmark(s) (BMF has no way to mark a failure): {failed}" in r.stderr,
          r.stderr)
    r = export(counters, "bmf")
    cb = json.loads(r.stdout) if r.returncode == 0 else {}
    tp = cb.get("counters/decode_stream", {}).get("throughput", {})
    check("bmf: a declared throughput is a throughput measure (bytes per second), bounded by the interval",
          tp and tp["lower_value"] <= tp["value"] <= tp["upper_value"] and tp["value"] > 1e8, r.stdout)

    r = export(hostile, "github-action-benchmark")
    gab = json.loads(r.stdout) if r.returncode == 0 else None
    check("github-action-benchmark: customSmallerIsBetter entries {name, value, unit, range, extra} with their types",
          isinstance(gab, list) and [e["name"] for e in gab] == ok_names
          and all(set(e) == {"name", "value", "unit", "range", "extra"} and isinstance(e["name"], str) and is_number(e["value"])
                  and e["unit"] == "ns" and re.fullmatch(r"\u00b1 [0-9.e+-]+", e["range"]) and isinstance(e["extra"], str)
                  for e in gab), r.stdout[:600])
    by_name = {b["name"]: b for b in doc["benchmarks"]}
    check("github-action-benchmark: value is the median ns, range the interval's half-width, extra names the samples",
          all(abs(e["value"] - by_name[e["name"]]["estimates"]["median"]["point"]) < 1e-9
              and abs(float(e["range"][2:]) - (by_name[e["name"]]["estimates"]["median"]["upper"]
                                               - by_name[e["name"]]["estimates"]["median"]["lower"]) / 2)
              <= 1e-3 * float(e["range"][2:]) + 1e-12
              and f"{len(by_name[e['name']]['samples'])} samples" in e["extra"] for e in gab), str(gab)[:600])
    check("github-action-benchmark: the failed benchmark is left out, with a note",
          "note: github-action-benchmark: left out 1 failed benchmark(s)" in r.stderr, r.stderr)

    r = run([TOOL, "export", hostile, "--format", "openmetrics"])
    raw = r.stdout.encode()
    try:
        fams = parse_openmetrics(raw)
        problem = ""
    except OpenMetricsError as e:
        fams, problem = {}, str(e)
    check("openmetrics: the strict reader accepts the text (names, escaping, families, # EOF last)",
          r.returncode == 0 and not problem, problem + "\n" + r.stdout[:800])
    times = fams.get("benchgate_time_seconds", {"samples": []})["samples"]
    seconds = {(s[1]["benchmark"], s[1]["estimate"]): s[2] for s in times}
    check("openmetrics: benchgate_time_seconds is a gauge in seconds with median, lower and upper per benchmark",
          fams.get("benchgate_time_seconds", {}).get("type") == "gauge" and fams["benchgate_time_seconds"]["unit"] == "seconds"
          and sorted({k[0] for k in seconds}) == sorted(ok_names)
          and all(abs(seconds[(n, "median")] - by_name[n]["estimates"]["median"]["point"] / 1e9) <= 1e-15
                  and seconds[(n, "lower")] <= seconds[(n, "median")] <= seconds[(n, "upper")] for n in ok_names),
          str(seconds)[:600])
    check("openmetrics: hostile names round-trip through label escaping",
          (HOSTILE, "median") in seconds and ("demo/\u00e9t\u00e9 \u2603", "median") in seconds
          and "<script>" in r.stdout and '\\"quoted\\" back\\\\slash\\nnewline' in r.stdout, r.stdout[:600])
    failures = {s[1]["benchmark"]: s[2] for s in fams.get("benchgate_failed", {"samples": []})["samples"]}
    check("openmetrics: a failed benchmark is benchgate_failed 1 and has no time; the others 0",
          failures == {n: (1.0 if n == failed else 0.0) for n in names} and all(k[0] != failed for k in seconds), str(failures))
    info = fams.get("benchgate_run", {"samples": [("", {}, 0)]})["samples"][0]
    check("openmetrics: benchgate_run_info carries the context as labels",
          fams.get("benchgate_run", {}).get("type") == "info" and info[1].get("host") == doc["context"]["host"]
          and info[1].get("cores") == str(doc["context"]["cores"]) and info[1].get("created") == doc["created"], str(info))
    r = export(counters, "openmetrics")
    try:
        cf = parse_openmetrics(r.stdout.encode())
    except OpenMetricsError as e:
        cf = {"error": str(e)}
    check("openmetrics: a declared throughput is benchgate_throughput_bytes_per_second",
          "benchgate_throughput_bytes_per_second" in cf
          and cf["benchgate_throughput_bytes_per_second"]["unit"] == "bytes_per_second", str(cf)[:400])

    out = os.path.join(d, "out", "bmf.json")
    os.mkdir(os.path.dirname(out))
    r = export(hostile, "bmf", "-o", out)
    check("-o OUT writes the file (nothing on stdout), and no temporary file is left",
          r.returncode == 0 and r.stdout == "" and json.load(open(out)) == bmf and os.listdir(os.path.dirname(out)) == ["bmf.json"],
          r.stderr)

    garbage = os.path.join(d, "garbage.json")
    open(garbage, "w").write("{ not json")
    missing_out = os.path.join(d, "never.json")
    for args, what in (([os.path.join(d, "missing.json"), "--format", "bmf"], "missing.json"),
                       ([garbage, "--format", "openmetrics", "-o", missing_out], "garbage.json"),
                       ([demo, "--format", "yaml", "-o", missing_out], "yaml"),
                       ([demo, "-o", missing_out], "--format"),
                       ([demo, "--format", "bmf", "--format", "csv"], "twice"),
                       ([demo, demo, "--format", "csv"], "one result file"),
                       ([demo, "--format", "csv", "-o", os.path.join(d, "no", "such", "dir.csv")], "cannot write")):
        r = run([TOOL, "export", *args])
        check(f"bad input ({what}): exit 2, one line naming it, nothing written",
              r.returncode == 2 and one_error_line(r) and what in r.stderr and r.stdout == "" and not os.path.exists(missing_out),
              r.stderr)
    r = run([TOOL, "export", "--help"])
    check("export --help lists every format", r.returncode == 0 and all(
        f in r.stdout for f in ("csv", "json", "bmf", "github-action-benchmark", "openmetrics")), r.stdout)

finish()
