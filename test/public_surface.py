#!/usr/bin/env python3
"""A bench source without BENCHGATE_MAIN compiles the authoring API only.

Usage: public_surface.py CXX INCLUDE_DIR SOURCE

Preprocesses SOURCE with -H (the compiler lists every header it opens) and checks that none of
the engine comes in: no benchgate header outside the public set (plus the two light detail
headers the public ones need), and none of <regex>, simdjson or <linux/perf_event.h>, whose
parsing cost every bench file would otherwise pay.
"""
import subprocess
import sys

PUBLIC = {"benchgate.hpp", "version.hpp", "barriers.hpp", "clock.hpp", "result.hpp", "bench.hpp",
          "params.hpp", "fixture.hpp", "group.hpp", "registry.hpp",
          "detail/compiler.hpp", "detail/sampling.hpp"}
FORBIDDEN = ["/regex", "simdjson", "linux/perf_event.h", "valgrind/"]


def main():
    cxx, include, source = sys.argv[1:4]
    r = subprocess.run([cxx, "-std=c++17", "-H", "-fsyntax-only", "-I", include, source],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr)
        print("FAIL: the source does not compile")
        return 1
    opened = [line.lstrip(".").strip() for line in r.stderr.splitlines() if line.startswith(".")]
    problems = []
    for path in opened:
        if "benchgate/" in path:
            name = path.split("benchgate/", 1)[1]
            if name not in PUBLIC:
                problems.append("engine header " + name)
        for bad in FORBIDDEN:
            if bad in path:
                problems.append("heavy header " + path)
    seen = {p.split("benchgate/", 1)[1] for p in opened if "benchgate/" in p}
    if "bench.hpp" not in seen or "registry.hpp" not in seen:
        problems.append("the public headers were not seen at all: is -H output parsed right?")
    for p in sorted(set(problems)):
        print("FAIL:", p)
    print(f"{len(seen)} benchgate headers opened, {len(set(problems))} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
