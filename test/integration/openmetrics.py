"""A strict reader of OpenMetrics 1.0 text (the exposition format's ABNF: names, escapes,
types, suffixes, the closing # EOF), for the checks that read benchgate's OpenMetrics output
back. parse_openmetrics raises OpenMetricsError at the first departure from the format."""
import re

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
    # A carriage return is a normal character inside an escaped string (label values, HELP
    # text), as the ABNF's normal-char says; anywhere else (a CRLF line end) the token it
    # ends up in fails to match.
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

