#!/usr/bin/env python3
"""benchgate as another project's dependency, the ways the README's install section shows,
each built in a temporary directory from this source tree:

  (a) the Meson project in test/consumer/ with benchgate under subprojects/ (a symlink to this
      tree beside the wrap file users ship): the consumer's targets, tests, benchmarks and
      installed files are its own only, Catch2 is not looked for, and `-Dbenchgate:...=true`
      opts in to benchgate's parts; the bench binary saves a baseline and gates against it;
  (b) benchgate installed from this tree (`meson setup` + `meson install --destdir`), the .pc
      file's contents, and the same consumer built against the staged benchgate.pc;
  (c) test/consumer/cmake/ (pkg_check_modules) against the same benchgate.pc;
  (d) test/consumer/cmake-config/ (find_package(benchgate 0.1 CONFIG)) against the staged CMake
      package, and a request for 0.2 refused;
  (e) test/consumer/cmake-subdir/ (add_subdirectory of this tree, as FetchContent does) with
      -DBENCHGATE_TOOLS=ON: the bench binary gates, the tool is a target, the consumer installs none
      of benchgate.

    test/consumer/check.py SOURCE_ROOT

The install is configured with -Dpkgconfig.relocatable=true, so the staged benchgate.pc finds
its headers relative to itself and PKG_CONFIG_PATH alone points both consumers at it. (With the
default prefix=/usr/local, PKG_CONFIG_SYSROOT_DIR=DEST prefixes simdjson's /usr/include as well,
and CMake's imported target rejects the missing DEST/usr/include.) Exits 77 (meson: SKIP) when
(a) and (b) passed but cmake, which (c)-(e) need, is missing.
"""
import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from checks import binaries, check, finish  # noqa: E402
import benchkit  # noqa: E402  (importing checks put tools/ on sys.path)

(SOURCE,) = binaries("SOURCE_ROOT")
SOURCE = os.path.abspath(SOURCE)
BENCHMARKS = ["consumer/sum_256", "consumer/to_string"]


# Optimised as a user's bench build is, but at -O1: what is checked is that each consumer builds
# and gates, and -O1 compiles the bench binaries in half the time of -O3.
BUILD_OPTIONS = ["-Doptimization=1", "-Ddebug=false", "-Db_ndebug=true"]

def sh(args, cwd=None, env=None, timeout=600):
    """Runs a build command (meson, ninja, cmake, pkg-config) or the bench binary; the output is
    kept for the failure detail. No BENCHGATE_* variable reaches it (they are bench flags)."""
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=benchkit.environment_without_benchgate(env))


def out(r):
    return (r.stdout + r.stderr)[-3000:]


def copy_consumer(dest):
    """The consumer project without benchgate: its meson.build and bench.cpp."""
    os.makedirs(dest)
    for name in ("meson.build", "bench.cpp"):
        shutil.copy(os.path.join(HERE, name), dest)


def meson_lists(build):
    """The consumer's target names (with their subproject), test names, benchmark names and
    installed files, as meson reports them (no rebuild)."""
    targets = json.loads(sh(["meson", "introspect", build, "--targets"]).stdout or "[]")
    tests = sh(["meson", "test", "-C", build, "--list", "--no-rebuild"]).stdout.splitlines()
    benchmarks = sh(["meson", "test", "-C", build, "--benchmark", "--list", "--no-rebuild"]).stdout.splitlines()
    installed = json.loads(sh(["meson", "introspect", build, "--installed"]).stdout or "{}")
    return [(t["name"], t.get("subproject")) for t in targets], tests, benchmarks, installed


def gate(what, binary, d):
    """The bench binary saves a baseline, then gates against it: both exit 0, with both
    benchmarks in the file and in the comparison."""
    base = os.path.join(d, "b.json")
    r = sh([binary, "--quick", "--save-baseline", base, "--color", "never"], timeout=120)
    names = [b["name"] for b in json.load(open(base))["benchmarks"]] if os.path.exists(base) else []
    check(f"{what}: --quick --save-baseline b.json exits 0 and saves both benchmarks",
          r.returncode == 0 and names == BENCHMARKS, out(r))
    r = sh([binary, "--quick", "--baseline", base, "--threshold", "200", "--color", "never"], timeout=120)
    check(f"{what}: --quick --baseline b.json --threshold 200 exits 0 and judges both benchmarks",
          r.returncode == 0 and all(n in r.stdout for n in BENCHMARKS) and "threshold 200%" in r.stdout, out(r))


def timed_build(what, args, cwd=None, env=None):
    start = time.monotonic()
    r = sh(args, cwd=cwd, env=env)
    check(f"{what} ({time.monotonic() - start:.1f} s)", r.returncode == 0, out(r))
    return r.returncode == 0


def include_dirs(words):
    """The directories of -IDIR, -I DIR and -isystem DIR in a command line, normalised (the
    relocatable .pc gives PCDIR/../../../include)."""
    dirs = []
    for i, w in enumerate(words):
        if w in ("-I", "-isystem") and i + 1 < len(words):
            dirs.append(words[i + 1])
        elif w.startswith("-I") and len(w) > 2:
            dirs.append(w[2:])
    return {os.path.normpath(d) for d in dirs}


def compiled_against(compdb, include_dir):
    """True when the bench source's compile command in compile_commands.json has `include_dir`
    (-I from Meson, -isystem from CMake's imported target) and not this tree's include/: the
    headers come from the install."""
    cmds = [shlex.split(c["command"]) for c in json.load(open(compdb)) if c["file"].endswith("bench.cpp")]
    return len(cmds) == 1 and include_dir in include_dirs(cmds[0]) and os.path.join(SOURCE, "include") not in include_dirs(cmds[0])


def system_includes(compdb, suffix):
    """True when the bench source's compile command has `-isystem DIR` (or `-isystemDIR`) with DIR
    ending in `suffix`: warnings the consumer turns on are not reported in those headers."""
    cmds = [shlex.split(c["command"]) for c in json.load(open(compdb)) if c["file"].endswith("bench.cpp")]
    if len(cmds) != 1:
        return False
    words = cmds[0]
    dirs = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "-isystem"]
    dirs += [w[len("-isystem"):] for w in words if w.startswith("-isystem") and w != "-isystem"]
    return any(os.path.normpath(d).endswith(suffix) for d in dirs)


def part_a(tmp):
    """benchgate as a subproject: a symlink at subprojects/benchgate beside the users' wrap file
    (Meson uses the directory that is there, so the wrap's placeholder URL is never fetched)."""
    consumer = os.path.join(tmp, "sub")
    copy_consumer(consumer)
    os.makedirs(os.path.join(consumer, "subprojects"))
    shutil.copy(os.path.join(HERE, "subprojects", "benchgate.wrap"), os.path.join(consumer, "subprojects"))
    os.symlink(SOURCE, os.path.join(consumer, "subprojects", "benchgate"))

    r = sh(["meson", "setup", "build", *BUILD_OPTIONS], cwd=consumer)
    check("subproject: the consumer configures", r.returncode == 0, out(r))
    if r.returncode != 0:
        return
    build = os.path.join(consumer, "build")
    targets, tests, benchmarks, installed = meson_lists(build)
    check("subproject: the consumer's targets are its own bench binary only",
          targets == [("consumer_bench", None)], targets)
    check("subproject: meson test --list is the consumer's own test only", tests == ["consumer_list"], tests)
    check("subproject: meson test --benchmark --list is the consumer's own benchmark only",
          benchmarks == ["consumer_bench"], benchmarks)
    check("subproject: the consumer's meson install installs nothing of benchgate", installed == {}, installed)
    log = open(os.path.join(build, "meson-logs", "meson-log.txt")).read()
    check("subproject: Catch2 is not looked for", "catch2" not in log.lower(),
          [l for l in log.splitlines() if "catch2" in l.lower()][:3])

    # Opting in configures benchgate's parts in the consumer (configured here, not built).
    r = sh(["meson", "setup", "optin-examples", *BUILD_OPTIONS, "-Dbenchgate:examples=true"], cwd=consumer)
    t, tl, bl, _ = meson_lists(os.path.join(consumer, "optin-examples")) if r.returncode == 0 else ([], [], [], {})
    check("subproject: -Dbenchgate:examples=true adds benchgate's examples, no tests or benchmarks",
          r.returncode == 0 and ("quickstart", "benchgate") in t and ("consumer_bench", None) in t
          and tl == ["consumer_list"] and bl == ["consumer_bench"], out(r) + str(t))
    r = sh(["meson", "setup", "optin-tests", *BUILD_OPTIONS, "-Dbenchgate:tests=true"], cwd=consumer)
    t, tl, bl, _ = meson_lists(os.path.join(consumer, "optin-tests")) if r.returncode == 0 else ([], [], [], {})
    check("subproject: -Dbenchgate:tests=true adds benchgate's tests (and the suites they need), finds Catch2",
          r.returncode == 0 and "benchgate:unit / unit" in tl and "consumer / consumer_list" in tl
          and "consumer / consumer_bench" in bl and len(bl) > 1
          and "Run-time dependency catch2 found: YES" in r.stdout, out(r) + str(tl) + str(bl))

    if timed_build("subproject: the consumer's bench binary builds", ["ninja", "-C", build]):
        check("subproject: benchgate's headers are a system include dir (-isystem) for the consumer",
              system_includes(os.path.join(build, "compile_commands.json"), os.path.join("subprojects", "benchgate", "include")))
        gate("subproject", os.path.join(build, "consumer_bench"), build)


def install(tmp):
    """Installs benchgate from this tree under DEST (headers and .pc only: nothing to compile).
    Returns (DEST, the .pc file's directory), or None."""
    build, dest = os.path.join(tmp, "install-build"), os.path.join(tmp, "dest")
    r = sh(["meson", "setup", build, SOURCE, "--prefix=/usr/local", "-Dpkgconfig.relocatable=true",
            "-Dexamples=false", "-Dbenches=false", "-Dtools=false", "-Dtests=false"])
    check("install: benchgate configures with every part off", r.returncode == 0, out(r))
    if r.returncode != 0:
        return None
    installed = json.loads(sh(["meson", "introspect", build, "--installed"]).stdout or "{}").values()
    check("install: it installs the headers under include/benchgate, benchgate.pc and the CMake package, nothing else",
          len(installed) == 4 and "/usr/local/include/benchgate" in installed
          and any(p.endswith("/pkgconfig/benchgate.pc") for p in installed)
          and "/usr/local/share/cmake/benchgate/benchgate-config.cmake" in installed
          and "/usr/local/share/cmake/benchgate/benchgate-config-version.cmake" in installed, installed)
    r = sh(["meson", "install", "-C", build, "--destdir", dest])
    pcs = glob.glob(os.path.join(dest, "usr", "local", "lib*", "**", "benchgate.pc"), recursive=True)
    check("install: meson install --destdir DEST stages the headers and one benchgate.pc",
          r.returncode == 0 and len(pcs) == 1
          and os.path.isfile(os.path.join(dest, "usr/local/include/benchgate/benchgate.hpp")), out(r) + str(pcs))
    if len(pcs) != 1:
        return None

    pc = open(pcs[0]).read()
    fields = dict(l.split(":", 1) for l in pc.splitlines() if ":" in l and not l.startswith("#"))
    check("install: benchgate.pc requires simdjson >= 3.0.0, adds -pthread to Libs, -I${includedir} to Cflags, "
          "and its prefix is relative to the file",
          " ".join(fields.get("Requires", "").split()) == "simdjson >= 3.0.0" and "-pthread" in fields.get("Libs", "").split()
          and "-I${includedir}" in fields.get("Cflags", "").split() and "prefix=${pcfiledir}/" in pc, pc)
    env = pkg_env(os.path.dirname(pcs[0]))
    cflags = sh(["pkg-config", "--cflags", "benchgate"], env=env).stdout.split()
    libs = sh(["pkg-config", "--libs", "benchgate"], env=env).stdout.split()
    check("install: pkg-config --cflags/--libs benchgate give DEST's include dir, -pthread and -lsimdjson",
          staged_include(dest) in include_dirs(cflags) and "-pthread" in libs and "-lsimdjson" in libs, (cflags, libs))
    return dest, os.path.dirname(pcs[0])


def staged_include(dest):
    return os.path.join(dest, "usr", "local", "include")


def pkg_env(pcdir):
    """What points a consumer at the staged install: the directory of its benchgate.pc."""
    return {"PKG_CONFIG_PATH": pcdir}


def part_b(tmp, dest, pcdir):
    """The consumer against the installed benchgate.pc: no subprojects/, no fallback."""
    consumer = os.path.join(tmp, "installed")
    copy_consumer(consumer)
    env = pkg_env(pcdir)
    r = sh(["meson", "setup", "build", *BUILD_OPTIONS, "--wrap-mode=nofallback"], cwd=consumer, env=env)
    check("pkg-config: the consumer configures and finds benchgate 0.1.0 through pkg-config",
          r.returncode == 0 and "Run-time dependency benchgate found: YES 0.1.0" in r.stdout, out(r))
    if r.returncode != 0:
        return
    build = os.path.join(consumer, "build")
    if timed_build("pkg-config: the consumer's bench binary builds", ["ninja", "-C", build], env=env):
        check("pkg-config: bench.cpp is compiled with DEST's include dir, not this tree's",
              compiled_against(os.path.join(build, "compile_commands.json"), staged_include(dest)))
        gate("pkg-config", os.path.join(build, "consumer_bench"), build)


def part_c(tmp, dest, pcdir):
    """The CMake consumer against the same benchgate.pc."""
    build = os.path.join(tmp, "cmake-build")
    env = pkg_env(pcdir)
    r = sh(["cmake", "-S", os.path.join(HERE, "cmake"), "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG",
            "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"], env=env)
    check("cmake: the CMake consumer configures (pkg_check_modules finds benchgate)",
          r.returncode == 0 and "Found benchgate, version 0.1.0" in r.stdout, out(r))
    if r.returncode != 0:
        return
    if timed_build("cmake: the consumer's bench binary builds", ["cmake", "--build", build], env=env):
        check("cmake: bench.cpp is compiled with DEST's include dir, not this tree's",
              compiled_against(os.path.join(build, "compile_commands.json"), staged_include(dest)))
        gate("cmake", os.path.join(build, "consumer_bench"), build)


def part_d(tmp, dest):
    """A CMake consumer of the installed CMake package: find_package(benchgate 0.1 CONFIG)."""
    build = os.path.join(tmp, "cmake-config-build")
    prefix = os.path.join(dest, "usr", "local")
    cmake = ["cmake", "-S", os.path.join(HERE, "cmake-config"), "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
             "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", f"-DCMAKE_PREFIX_PATH={prefix}"]
    r = sh(cmake)
    cache = open(os.path.join(build, "CMakeCache.txt")).read() if os.path.exists(os.path.join(build, "CMakeCache.txt")) else ""
    check("cmake package: find_package(benchgate 0.1 CONFIG) finds the installed package",
          r.returncode == 0 and f"benchgate_DIR:PATH={prefix}/share/cmake/benchgate" in cache, out(r))
    if r.returncode != 0:
        return
    if timed_build("cmake package: the consumer's bench binary builds against benchgate::benchgate", ["cmake", "--build", build]):
        check("cmake package: bench.cpp is compiled with DEST's include dir, not this tree's",
              compiled_against(os.path.join(build, "compile_commands.json"), staged_include(dest)))
        gate("cmake package", os.path.join(build, "consumer_bench"), build)
    text = open(os.path.join(HERE, "cmake-config", "CMakeLists.txt")).read()
    probe = os.path.join(tmp, "cmake-version-probe")
    os.makedirs(probe, exist_ok=True)
    open(os.path.join(probe, "CMakeLists.txt"), "w").write(text.replace("find_package(benchgate 0.1 CONFIG REQUIRED)",
                                                                          "find_package(benchgate 0.2 CONFIG REQUIRED)")
                                                              .replace("../bench.cpp", os.path.join(HERE, "bench.cpp")))
    r = sh(["cmake", "-S", probe, "-B", os.path.join(probe, "build"), f"-DCMAKE_PREFIX_PATH={prefix}"])
    check("cmake package: find_package(benchgate 0.2) refuses benchgate 0.1.0", r.returncode != 0 and "0.1.0" in out(r), out(r))


def part_e(tmp):
    """A CMake consumer that adds this source tree with add_subdirectory (as FetchContent does),
    with the tool on."""
    build = os.path.join(tmp, "cmake-subdir-build")
    r = sh(["cmake", "-S", os.path.join(HERE, "cmake-subdir"), "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
            "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG", f"-DBENCHGATE_SOURCE={SOURCE}", "-DBENCHGATE_TOOLS=ON"])
    check("add_subdirectory: the consumer configures with benchgate's source tree", r.returncode == 0, out(r))
    if r.returncode != 0:
        return
    # The tool is compiled and run by tools/ci-dry-run.py's CMake consumer; here, its target.
    targets = sh(["ninja", "-C", build, "-t", "targets", "all"]).stdout
    check("add_subdirectory: -DBENCHGATE_TOOLS=ON adds the tool as BINARY_DIR/tools/benchgate",
          "benchgate/tools/benchgate:" in targets, targets[-1500:])
    if timed_build("add_subdirectory: the bench binary builds", ["cmake", "--build", build, "--target", "consumer_bench"]):
        gate("add_subdirectory", os.path.join(build, "consumer_bench"), build)
    r = sh(["cmake", "--install", build, "--prefix", os.path.join(tmp, "subdir-install")])
    check("add_subdirectory: installing the consumer installs nothing of benchgate",
          r.returncode == 0 and not os.path.exists(os.path.join(tmp, "subdir-install", "include", "benchgate")), out(r))


with tempfile.TemporaryDirectory(prefix="benchgate-consumer-") as tmp:
    part_a(tmp)
    staged = install(tmp)
    if staged:
        part_b(tmp, *staged)
    have_cmake = shutil.which("cmake") is not None
    if staged and have_cmake:
        part_c(tmp, *staged)
        part_d(tmp, staged[0])
    if have_cmake:
        part_e(tmp)

finish(skip=None if have_cmake else "cmake not found: the CMake consumer (part c) was not built; apt-get install cmake")
