#!/usr/bin/env python3
"""Writes a large baseline for measuring the reader: N copies of the first benchmark of a real
result file, named "large/00000", "large/00001", ..., with the same samples, and its stored
estimates kept (what a bench binary writes) or dropped (the reader then bootstraps each).

    tools/large-baseline.py REAL.json N OUT.json [--drop-estimates]

e.g. /usr/bin/time -v build/tools/benchgate compare OUT.json OUT.json --color never >/dev/null
"""
import copy
import json
import sys


def main(argv):
    if len(argv) not in (4, 5) or (len(argv) == 5 and argv[4] != "--drop-estimates"):
        print(__doc__.strip().splitlines()[-3].strip(), file=sys.stderr)
        return 2
    real, n, out = argv[1], int(argv[2]), argv[3]
    doc = json.load(open(real))
    first = doc["benchmarks"][0]
    if len(argv) == 5:
        first.pop("estimates", None)
    benchmarks = []
    for i in range(n):
        b = copy.deepcopy(first)
        b["name"] = f"large/{i:05d}"
        benchmarks.append(b)
    doc["benchmarks"] = benchmarks
    doc.pop("reference", None)
    doc.pop("complexity", None)
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
