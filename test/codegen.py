#!/usr/bin/env python3
"""Compiles test/codegen/keep_alive.cpp to assembly with each compiler given and checks that
do_not_optimize keeps work alive (and that the same code without it is removed)."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import benchkit  # noqa: E402

source, include = sys.argv[1], sys.argv[2]
compilers = [c for c in sys.argv[3:] if shutil.which(c)]
tally = benchkit.Tally()
check = tally.record


def functions(asm):
    """Maps each extern "C" function name to its assembly body."""
    out, name = {}, None
    for line in asm.splitlines():
        m = re.match(r"^([A-Za-z_$][A-Za-z0-9_.$]*):", line)
        if m:
            name = m.group(1)
            out[name] = []
        elif name:
            out[name].append(line.strip())
    return {k: "\n".join(v) for k, v in out.items()}


def instructions(body):
    return [l for l in body.splitlines() if l and not l.startswith(".") and not l.endswith(":")]


for cxx in compilers:
    for std in ["c++17", "c++20"]:
        for opt in ["-O2", "-O3"]:
            tag = f"{cxx} -std={std} {opt}"
            asm = subprocess.run([cxx, f"-std={std}", opt, "-S", "-o", "-", "-I", include, source],
                                 capture_output=True, text=True, check=True).stdout
            f = functions(asm)
            check(f"{tag}: do_not_optimize keeps the multiply", "imul" in f.get("kept_product", ""), f.get("kept_product"))
            check(f"{tag}: control: without it the multiply is gone", "imul" not in f.get("dropped_product", "x imul"),
                  f.get("dropped_product"))
            kept = instructions(f.get("kept_loop", ""))
            dropped = instructions(f.get("dropped_loop", ""))
            check(f"{tag}: do_not_optimize keeps the loop", any(i.startswith("j") and not i.startswith("jmp") for i in kept),
                  "\n".join(kept))
            check(f"{tag}: control: without it the loop is gone", len(dropped) <= 2, "\n".join(dropped))
            loop = "\n".join(body for name, body in f.items() if "10time_batch" in name and not name.startswith("."))
            ins = instructions(loop)
            clock_calls = [i for i, l in enumerate(ins) if l.startswith("call") and ("now" in l or "clock_gettime" in l)]
            between = [l for l in ins[clock_calls[0] + 1:clock_calls[-1]] if l.startswith("call")] if len(clock_calls) == 2 else None
            check(f"{tag}: between the two clock reads the timed loop calls nothing (body inlined)",
                  between == [], "\n".join(ins))

if not compilers:
    print("no compiler found")
    sys.exit(1)
tally.finish()
