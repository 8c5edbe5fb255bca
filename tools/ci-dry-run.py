#!/usr/bin/env python3
"""Adopts benchgate's CI in a project that is not benchgate and runs it on this machine, step by
step as GitHub Actions would, with only GitHub's API and the runner image stubbed.

The consumers are test/ci/consumer-meson/ (a Meson project with three bench suites, benchgate
from a wrap) and test/ci/consumer-cmake/ (the same with CMake and FetchContent), each with the
three caller workflows of docs/ci.md, copied as they are (only benchgate's URL and tag are
filled in). Their throwaway repositories live in bare origins whose default branch is `trunk`;
benchgate's is a bare repository made from this working tree and tagged.

The runner:
  - picks, for each event, the workflows that GitHub would (pull_request and push: the commit's
    .github/workflows; workflow_run and schedule: the default branch's), and triggers the
    comment workflow when a run of `benchmarks` completes;
  - resolves `uses: OWNER/benchgate/.github/workflows/benchgate.yml@TAG` to that file at the tag
    in benchgate's repository, with the inputs' defaults and the caller's `with:`, and refuses a
    called job that asks for a permission its caller does not grant;
  - runs each job (each matrix entry) in a working directory of its own, the `run:` steps with
    `bash -e` (GitHub's default shell) or `bash --noprofile --norc -eo pipefail` (shell: bash),
    expressions evaluated (contexts, operators, status and string functions);
  - emulates the actions: checkout (a fetch of the origin at the ref and depth asked; without
    persisted credentials the clone cannot push), upload/download-artifact, upload-pages-
    artifact, deploy-pages;
  - stubs `gh api` (pull requests and comments, from a recorded state; every call logged), `sudo`
    and `apt-get` (which checks that the packages it is asked for are installed here).

The machine: BENCHGATE_QUICK=1 (bench binaries run their quick mode), CXXFLAGS=-O1 (the steps,
not the speed of the code, are under test), ccache when installed. One job may run on a
"second machine": built with clang++-14, so its results carry another machine fingerprint.

    tools/ci-dry-run.py [--keep DIR]

Scenarios, in order: adoption on the default branch (no benchmark yet), the first pull request
that adds three suites (all NEW, the gate passes, the comment), its merge (history, dashboard),
a pull request that slows the first of the three suites on two shards on two different machines
(all three reported, one failed check), the same slowdown accepted by Benchmark-Accepted trailers
(ACCEPTED, the gate passes), a pull request that removes a benchmark and a suite
(MISSING, removed), comments on forged, hostile and stale reports, two pushes to the default
branch at once (both in the history), a push to another branch (nothing recorded), the weekly
trends and the accepted slowdown merged (its run records the acceptance, the dashboard marks it); on the CMake consumer, adoption, the first pull request, its merge (the tool built from
FetchContent) and the pull request that slows the first suite (one shard). Prints one line per check and "N passed, N failed"; exit 1 when a check failed.
"""
import argparse
import copy
import datetime
import glob
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import yaml

import benchkit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONSUMERS = {kind: os.path.join(ROOT, "test", "ci", f"consumer-{kind}") for kind in ("meson", "cmake")}
CONSUMER = CONSUMERS["meson"]   # the sources (widgets.hpp, benches/*.cpp) of both
BUILD_FILES = {"meson": ("meson.build", "benches/meson.build"), "cmake": ("CMakeLists.txt", "benches/CMakeLists.txt")}
CALLERS = (".github/workflows/benchmarks.yml", ".github/workflows/benchmarks-comment.yml",
           ".github/workflows/benchmarks-history.yml")
REPO = "octo/widgets"
TAG = "v0.1.0-dry-run"
DEFAULT_BRANCH = "trunk"
MARKER = "<!-- benchgate-report -->"
BOT = "github-actions[bot]"
SECOND_CXX = shutil.which("clang++-14")

_tally = benchkit.Tally(detail_limit=2500)
check = _tally.record


def git(*args, cwd=None, check_rc=True, env=None):
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    if check_rc and r.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout.strip()


# ---------------------------------------------------------------- stubs

GH_STUB = r'''#!/usr/bin/env python3
# A stand-in for `gh api`: answers from STATE, logs every call to CALLS.
import json, os, re, sys, urllib.parse
state_path, calls_path = os.environ["GH_STUB_STATE"], os.environ["GH_STUB_CALLS"]
state = json.load(open(state_path))
args = sys.argv[1:]
if not args or args[0] != "api":
    sys.exit("gh stub: only 'gh api' is stubbed")
args = args[1:]
method, body, path = "GET", None, None
i = 0
while i < len(args):
    a = args[i]
    if a == "-X": method = args[i + 1]; i += 2
    elif a == "--input": body = json.load(open(args[i + 1])); i += 2
    elif path is None and not a.startswith("-"): path = a; i += 1
    else: sys.exit(f"gh stub: unsupported argument {a}")
with open(calls_path, "a") as f:
    f.write(json.dumps({"method": method, "path": path, "body": body}) + "\n")
url = urllib.parse.urlsplit(path)
query = dict(urllib.parse.parse_qsl(url.query))
m = re.fullmatch(r"repos/[^/]+/[^/]+/pulls/(\d+)", url.path)
if m and method == "GET":
    pr = state["pulls"].get(m.group(1))
    if pr is None: sys.exit("gh: Not Found (HTTP 404)")
    print(json.dumps(pr)); sys.exit(0)
m = re.fullmatch(r"repos/[^/]+/[^/]+/issues/(\d+)/comments", url.path)
if m and method == "GET":
    per, page = int(query.get("per_page", 30)), int(query.get("page", 1))
    comments = state["comments"].get(m.group(1), [])
    print(json.dumps(comments[(page - 1) * per: page * per])); sys.exit(0)
if m and method == "POST":
    state["next_id"] += 1
    c = {"id": state["next_id"], "user": {"login": "github-actions[bot]", "type": "Bot"}, "body": body["body"]}
    state["comments"].setdefault(m.group(1), []).append(c)
    json.dump(state, open(state_path, "w")); print(json.dumps(c)); sys.exit(0)
m = re.fullmatch(r"repos/[^/]+/[^/]+/issues/comments/(\d+)", url.path)
if m and method == "PATCH":
    for comments in state["comments"].values():
        for c in comments:
            if c["id"] == int(m.group(1)):
                if c["user"]["login"] != "github-actions[bot]": sys.exit("gh: Forbidden (HTTP 403)")
                c["body"] = body["body"]; json.dump(state, open(state_path, "w")); print(json.dumps(c)); sys.exit(0)
    sys.exit("gh: Not Found (HTTP 404)")
# Issues and labels, as the weekly alerts use them.
def save():
    json.dump(state, open(state_path, "w"))
issues = state.setdefault("issues", [])
labels = state.setdefault("labels", [])
m = re.fullmatch(r"repos/[^/]+/[^/]+/labels/([^/]+)", url.path)
if m and method == "GET":
    name = urllib.parse.unquote(m.group(1))
    if name not in labels: sys.exit("gh: Not Found (HTTP 404)")
    print(json.dumps({"name": name})); sys.exit(0)
if re.fullmatch(r"repos/[^/]+/[^/]+/labels", url.path) and method == "POST":
    if body["name"] in labels: sys.exit("gh: Validation Failed (HTTP 422)")
    labels.append(body["name"]); save(); print(json.dumps(body)); sys.exit(0)
if re.fullmatch(r"repos/[^/]+/[^/]+/issues", url.path) and method == "GET":
    per, page = int(query.get("per_page", 30)), int(query.get("page", 1))
    want = query.get("labels")
    found = [i for i in reversed(issues) if (query.get("state", "open") in ("all", i["state"])) and (not want or want in i["labels"])]
    print(json.dumps([dict(i, labels=[{"name": n} for n in i["labels"]]) for i in found[(page - 1) * per: page * per]])); sys.exit(0)
if re.fullmatch(r"repos/[^/]+/[^/]+/issues", url.path) and method == "POST":
    if any(l not in labels for l in body.get("labels", [])): sys.exit("gh stub: a label that does not exist")
    state["next_id"] += 1
    i = {"number": 1000 + len(issues), "id": state["next_id"], "title": body["title"], "body": body["body"],
         "state": "open", "labels": body.get("labels", [])}
    issues.append(i); save(); print(json.dumps(i)); sys.exit(0)
m = re.fullmatch(r"repos/[^/]+/[^/]+/issues/(\d+)", url.path)
if m and method == "PATCH":
    for i in issues:
        if i["number"] == int(m.group(1)):
            i.update({k: v for k, v in body.items() if k in ("title", "body", "state")}); save(); print(json.dumps(i)); sys.exit(0)
    sys.exit("gh: Not Found (HTTP 404)")
sys.exit(f"gh stub: {method} {path} is not stubbed")
'''

SUDO_STUB = '#!/bin/sh\n# The runner image\'s sudo (VAR=value before the command sets it): this runner may install.\nexec env "$@"\n'

APT_STUB = r'''#!/bin/sh
# The runner image's apt-get: no download; `install` checks that each package is installed here.
echo "apt-get $*" >> "$APT_LOG"
[ "$1" = update ] && exit 0
status=0
for p in "$@"; do
    case "$p" in -*|install) continue ;; esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || { echo "E: Unable to locate package $p" >&2; status=100; }
done
exit $status
'''


# ---------------------------------------------------------------- expressions

class Expr:
    """GitHub's expression language: literals, contexts (a.b, a['b'], a.*.b not needed), !, ==,
    !=, <, <=, >, >=, &&, ||, parentheses and the functions the workflows may use."""
    TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|<=|>=|&&|\|\||[!<>().,\[\]*])|(?P<id>[A-Za-z_][\w-]*))")

    def __init__(self, text, ctx):
        self.toks, pos = [], 0
        text = text.strip()
        while pos < len(text):
            m = self.TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot read the expression at {text[pos:]!r}")
            kind = m.lastgroup
            self.toks.append((kind, m.group(kind)))
            pos = m.end()
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i, self.ctx = 0, ctx

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, value=None):
        t = self.peek()
        if value is not None and t[1] != value:
            raise ValueError(f"expected {value!r}, found {t[1]!r}")
        self.i += 1
        return t

    def parse(self):
        v = self.or_()
        if self.i != len(self.toks):
            raise ValueError(f"unexpected {self.peek()[1]!r}")
        return v

    def or_(self):
        v = self.and_()
        while self.peek()[1] == "||":
            self.take()
            w = self.and_()
            v = v if truthy(v) else w
        return v

    def and_(self):
        v = self.cmp()
        while self.peek()[1] == "&&":
            self.take()
            w = self.cmp()
            v = w if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        if self.peek()[1] in ("==", "!=", "<", "<=", ">", ">="):
            op = self.take()[1]
            w = self.unary()
            if op in ("==", "!="):
                eq = loose(v) == loose(w)
                return eq if op == "==" else not eq
            a, b = number_of(v), number_of(w)
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        return v

    def unary(self):
        if self.peek()[1] == "!":
            self.take()
            return not truthy(self.unary())
        return self.postfix()

    def postfix(self):
        v = self.primary()
        spread = False  # after an object filter (`.*`), keys apply to every element
        pick = lambda v, key: v.get(key) if isinstance(v, dict) else (
            v[int(key)] if isinstance(v, list) and str(key).isdigit() and int(key) < len(v) else None)
        while self.peek()[1] in (".", "["):
            if self.take()[1] == ".":
                key = self.take()[1]
                if key == "*":
                    v = list(v.values()) if isinstance(v, dict) else (v if isinstance(v, list) else [])
                    spread = True
                    continue
            else:
                key = self.or_()
                self.take("]")
            v = [x for x in (pick(e, key) for e in v) if x is not None] if spread else pick(v, key)
        return v

    def primary(self):
        kind, val = self.take()
        if kind == "str":
            return val[1:-1].replace("''", "'")
        if kind == "num":
            return float(val) if "." in val else int(val)
        if val == "(":
            v = self.or_()
            self.take(")")
            return v
        if kind == "id":
            if val in ("true", "false"):
                return val == "true"
            if val == "null":
                return None
            if self.peek()[1] == "(":
                self.take()
                args = []
                while self.peek()[1] != ")":
                    args.append(self.or_())
                    if self.peek()[1] == ",":
                        self.take()
                self.take(")")
                return call(val, args, self.ctx)
            return self.ctx.get(val)
        raise ValueError(f"unexpected {val!r}")


def truthy(v):
    return not (v is None or v is False or v == "" or (isinstance(v, (int, float)) and v == 0))


def loose(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return float(v)
    if v is None:
        return 0.0
    if isinstance(v, str):
        try:
            return float(v) if v.strip() else 0.0
        except ValueError:
            return v.lower()
    return json.dumps(v)


def number_of(v):
    l = loose(v)
    return l if isinstance(l, float) else math.nan


def text_of(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


def call(name, args, ctx):
    status = ctx.get("_status", {})
    if name == "always":
        return True
    if name == "success":
        return status.get("ok", True) and not status.get("cancelled")
    if name == "failure":
        return not status.get("ok", True)
    if name == "cancelled":
        return bool(status.get("cancelled"))
    if name == "fromJSON":
        return json.loads(text_of(args[0]))
    if name == "toJSON":
        return json.dumps(args[0])
    if name == "format":
        return re.sub(r"\{(\d+)\}", lambda m: text_of(args[1 + int(m.group(1))]), text_of(args[0]))
    if name == "contains":
        hay, needle = args
        return (needle in hay) if isinstance(hay, list) else text_of(needle).lower() in text_of(hay).lower()
    if name == "startsWith":
        return text_of(args[0]).lower().startswith(text_of(args[1]).lower())
    if name == "endsWith":
        return text_of(args[0]).lower().endswith(text_of(args[1]).lower())
    raise ValueError(f"function {name}() is not known to the dry run")


def evaluate(text, ctx):
    return Expr(text, ctx).parse()


def substitute(value, ctx):
    """A workflow value: a string with ${{ }} is evaluated; alone it keeps its type."""
    if not isinstance(value, str):
        return value
    m = re.fullmatch(r"\s*\$\{\{((?:(?!\}\}).)*)\}\}\s*", value, re.S)
    if m:
        return evaluate(m.group(1), ctx)
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: text_of(evaluate(m.group(1), ctx)), value, flags=re.S)


def condition(text, ctx):
    """An `if:`: evaluated, with success() implied when it names no status function."""
    if text is None:
        return call("success", [], ctx)
    if isinstance(text, bool):
        return text and call("success", [], ctx)
    text = str(text).strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", text, re.S)
    expr = m.group(1) if m else text
    v = truthy(evaluate(expr, ctx))
    return v if re.search(r"\b(always|success|failure|cancelled)\(\)", expr) else (v and call("success", [], ctx))


# ---------------------------------------------------------------- the runner

SCOPES = ("actions", "checks", "contents", "deployments", "id-token", "issues", "packages", "pages",
          "pull-requests", "statuses")


def permissions(p):
    if p is None:
        return None   # the repository's default
    if p in ("read-all", "write-all"):
        return {s: p.split("-")[0] for s in SCOPES}
    return {s: (p or {}).get(s, "none") for s in SCOPES}


class Runner:
    def __init__(self, base, origin, benchgate_origin, ccache, machine=None):
        self.base, self.origin, self.benchgate_origin, self.ccache = base, origin, benchgate_origin, ccache
        # The machine's environment (default: quick bench runs, -O1 builds, this run's ccache).
        self.machine = machine if machine is not None else {
            "BENCHGATE_QUICK": "1", "CXXFLAGS": "-O1", "CCACHE_DIR": ccache, "CCACHE_BASEDIR": os.path.dirname(ccache),
            "CCACHE_NOHASHDIR": "true", "CMAKE_TOOLCHAIN_FILE": os.path.join(os.path.dirname(ccache), "machine.cmake")}
        if machine is None:
            # CMake's Release flags (-O3) come after CXXFLAGS: the machine's toolchain file makes
            # them -O1 and compiles through ccache, as Meson does by itself.
            with open(self.machine["CMAKE_TOOLCHAIN_FILE"], "w") as f:
                f.write('set(CMAKE_CXX_FLAGS_RELEASE_INIT "-O1 -DNDEBUG")\n'
                        + (f'set(CMAKE_CXX_COMPILER_LAUNCHER "{shutil.which("ccache")}")\n' if shutil.which("ccache") else ""))
        os.makedirs(os.path.join(base, "runners"), exist_ok=True)
        self.artifacts = os.path.join(base, "artifacts")
        self.pages = os.path.join(base, "pages")
        self.bin = os.path.join(base, "bin")
        self.state = os.path.join(base, "github-state.json")
        self.calls = os.path.join(base, "github-calls.jsonl")
        self.apt_log = os.path.join(base, "apt-get.log")
        os.makedirs(self.bin, exist_ok=True)
        for name, text in (("gh", GH_STUB), ("sudo", SUDO_STUB), ("apt-get", APT_STUB)):
            with open(os.path.join(self.bin, name), "w") as f:
                f.write(text)
            os.chmod(os.path.join(self.bin, name), 0o755)
        json.dump({"pulls": {}, "comments": {}, "next_id": 1000}, open(self.state, "w"))
        open(self.calls, "w").close()
        self.lock = threading.Lock()
        self.run_counter = 0
        self.deployments = []

    # GitHub's state, as the API stub serves it
    def github_state(self):
        return json.load(open(self.state))

    def set_pull(self, number, sha, ref, repo=REPO):
        s = self.github_state()
        s["pulls"][str(number)] = {"number": number, "head": {"sha": sha, "ref": ref, "repo": {"full_name": repo}}}
        json.dump(s, open(self.state, "w"))

    def add_comment(self, number, login, body):
        s = self.github_state()
        s["next_id"] += 1
        s["comments"].setdefault(str(number), []).append({"id": s["next_id"], "user": {"login": login, "type": "User"}, "body": body})
        json.dump(s, open(self.state, "w"))

    def api_calls(self):
        return [json.loads(l) for l in open(self.calls) if l.strip()]

    # ------------------------------------------------------------ events
    def workflows_at(self, sha):
        """The workflow files of a commit of the consumer: {path: parsed YAML}."""
        names = git("ls-tree", "--name-only", f"{sha}:.github/workflows", cwd=self.origin, check_rc=False).split()
        out = {}
        for n in names:
            if n.endswith((".yml", ".yaml")):
                out[n] = yaml.safe_load(git("show", f"{sha}:.github/workflows/{n}", cwd=self.origin))
        return out

    def trigger(self, event_name, event, sha, ref, machine=None, follow=True):
        """Runs every workflow GitHub would run for the event; returns {workflow name: run}."""
        tree = sha if event_name in ("pull_request", "push") else git("rev-parse", DEFAULT_BRANCH, cwd=self.origin)
        runs = {}
        for path, wf in sorted(self.workflows_at(tree).items()):
            on = wf.get("on", wf.get(True))   # PyYAML reads the key `on` as True
            on = {k: None for k in on} if isinstance(on, list) else ({on: None} if isinstance(on, str) else on)
            if event_name not in on:
                continue
            types = (on[event_name] or {}).get("types") if isinstance(on[event_name], dict) else None
            if types and event.get("action") and event["action"] not in types:
                continue
            if event_name == "workflow_run":
                spec = on["workflow_run"] or {}
                if event["workflow_run"]["name"] not in (spec.get("workflows") or []):
                    continue
            runs[wf.get("name", path)] = self.run_workflow(wf, event_name, event, sha, ref, tree, machine or {})
        if follow:
            for name, run in list(runs.items()):
                conclusion = "failure" if "failure" in run["results"].values() else "success"
                run["conclusion"] = conclusion
                wr = {"workflow_run": {"id": run["run_id"], "name": name, "event": event_name, "conclusion": conclusion,
                                       "head_sha": sha, "head_branch": ref.split("/", 2)[-1],
                                       "head_repository": {"full_name": (event.get("pull_request") or {}).get("head", {}).get("repo", {}).get("full_name", REPO)},
                                       "html_url": f"https://github.com/{REPO}/actions/runs/{run['run_id']}"},
                      "repository": {"full_name": REPO, "default_branch": DEFAULT_BRANCH}}
                default_sha = git("rev-parse", DEFAULT_BRANCH, cwd=self.origin)
                run["followers"] = self.trigger("workflow_run", wr, default_sha, f"refs/heads/{DEFAULT_BRANCH}", follow=False)
        return runs

    # ------------------------------------------------------------ workflows and jobs
    def resolve(self, uses, tree):
        m = re.fullmatch(r"[\w.-]+/benchgate/(\.github/workflows/[\w.-]+)@([\w./-]+)", uses)
        if m:
            return yaml.safe_load(git("show", f"{m.group(2)}:{m.group(1)}", cwd=self.benchgate_origin))
        if uses.startswith("./"):
            return yaml.safe_load(git("show", f"{tree}:{uses[2:]}", cwd=self.origin))
        raise RuntimeError(f"the dry run cannot resolve uses: {uses}")

    def run_workflow(self, wf, event_name, event, sha, ref, tree, machine):
        with self.lock:
            self.run_counter += 1
            run_id = str(self.run_counter)
        os.makedirs(os.path.join(self.artifacts, run_id), exist_ok=True)
        github = {"event_name": event_name, "event": event, "sha": sha, "ref": ref, "repository": REPO,
                  "token": "stub-token", "server_url": "https://github.com", "run_id": run_id, "workflow": wf.get("name", ""), "workspace": ""}
        run = {"run_id": run_id, "results": {}, "logs": {}, "summaries": {}, "outputs": {}, "refused": ""}
        wf_perms = permissions(wf.get("permissions"))
        for job_id, spec in (wf.get("jobs") or {}).items():
            if "uses" not in spec:
                raise RuntimeError("the dry run runs callers whose jobs call a reusable workflow")
            called = self.resolve(spec["uses"], tree)
            on = called.get("on", called.get(True))
            declared = (on.get("workflow_call") or {}).get("inputs") or {}
            caller_ctx = {"github": github, "inputs": {}, "vars": {}}
            given = {k: substitute(v, caller_ctx) for k, v in (spec.get("with") or {}).items()}
            unknown = set(given) - set(declared)
            if unknown:
                run["refused"] = f"inputs not declared by the called workflow: {sorted(unknown)}"
                return run
            inputs = {k: given.get(k, d.get("default", "" if d.get("type") == "string" else None)) for k, d in declared.items()}
            allowed = permissions(spec.get("permissions")) or wf_perms
            self.run_jobs(called, github, inputs, allowed, run, machine, prefix=f"{job_id} / ")
            if run["refused"]:
                return run
        return run

    def run_jobs(self, wf, github, inputs, allowed, run, machine, prefix):
        jobs = wf["jobs"]
        rank = {"none": 0, "read": 1, "write": 2}
        for j, spec in jobs.items():
            asked = permissions(spec.get("permissions")) or permissions(wf.get("permissions")) or {}
            for scope, level in asked.items():
                if allowed is not None and rank[level] > rank[allowed.get(scope, "none")]:
                    run["refused"] = (f"the nested job '{j}' is requesting '{scope}: {level}', but is only allowed "
                                      f"'{scope}: {allowed.get(scope, 'none')}'")
                    return
        order = []
        while len(order) < len(jobs):
            for j, spec in jobs.items():
                needs = spec.get("needs") or []
                needs = [needs] if isinstance(needs, str) else needs
                if j not in order and all(n in order for n in needs):
                    order.append(j)
        results, outputs = {}, {}
        for job in order:
            spec = jobs[job]
            needs = spec.get("needs") or []
            needs = [needs] if isinstance(needs, str) else needs
            ctx = {"github": github, "inputs": inputs, "vars": {}, "matrix": {}, "strategy": {},
                   "needs": {n: {"result": results[n], "outputs": outputs.get(n, {})} for n in needs},
                   "_status": {"ok": all(results[n] in ("success",) for n in needs), "cancelled": False}}
            if not condition(spec.get("if"), ctx):
                results[job] = "skipped"
                run["results"][prefix + job] = "skipped"
                continue
            matrix = (spec.get("strategy") or {}).get("matrix") or {}
            combos = [{}]
            for key, values in matrix.items():
                values = substitute(values, ctx)
                combos = [dict(c, **{key: v}) for c in combos for v in values]
            outcome, job_outputs = "success", {}
            for combo in combos:
                label = prefix + job + (f" ({', '.join(text_of(v) for v in combo.values())})" if combo else "")
                jctx = dict(ctx, matrix=combo, _status={"ok": True, "cancelled": False})
                ok, log, summary, outs = self.run_job(label, spec, jctx, run["run_id"], machine.get(label, {}))
                run["logs"][label], run["summaries"][label] = log, summary
                run["results"][label] = "success" if ok else "failure"
                job_outputs.update(outs)
                if not ok:
                    outcome = "failure"
            results[job] = outcome
            outputs[job] = job_outputs
            run["results"][prefix + job] = outcome
            run["outputs"][prefix + job] = job_outputs

    def run_job(self, label, spec, ctx, run_id, machine_env):
        ws = tempfile.mkdtemp(prefix=re.sub(r"\W", "_", label) + "-", dir=os.path.join(self.base, "runners"))
        workspace, temp = os.path.join(ws, "work"), os.path.join(ws, "temp")
        os.makedirs(workspace)
        os.makedirs(temp)
        ctx["runner"] = {"temp": temp, "os": "Linux"}
        ctx["github"] = dict(ctx["github"], workspace=workspace)
        ctx["steps"] = {}
        job_env = {k: text_of(substitute(v, ctx)) for k, v in (spec.get("env") or {}).items()}
        log, summary = [f"runs-on: {text_of(substitute(spec.get('runs-on'), ctx))}"], []
        for n, step in enumerate(spec.get("steps") or []):
            ctx["env"] = dict(job_env)
            name = step.get("name") or step.get("uses") or f"step {n}"
            if not condition(step.get("if"), ctx):
                log.append(f"-- skipped: {name}")
                continue
            step_env = dict(job_env)
            for k, v in (step.get("env") or {}).items():
                step_env[k] = text_of(substitute(v, ctx))
            ctx["env"] = step_env
            name = substitute(name, ctx)
            outputs = {}
            if "uses" in step:
                with_ = {k: text_of(substitute(v, ctx)) for k, v in (step.get("with") or {}).items()}
                ok, text, outputs = self.action(step["uses"], with_, workspace, temp, ctx, run_id)
            else:
                out_file, sum_file = os.path.join(ws, f"output-{n}"), os.path.join(ws, f"summary-{n}")
                open(out_file, "w").close()
                open(sum_file, "w").close()
                env = benchkit.environment_without_benchgate()
                env.update(self.machine)
                env.update(machine_env)
                env.update(step_env)
                env.update({"GITHUB_OUTPUT": out_file, "GITHUB_STEP_SUMMARY": sum_file, "GITHUB_WORKSPACE": workspace,
                            "GITHUB_SHA": ctx["github"]["sha"], "GITHUB_REF": ctx["github"]["ref"],
                            "GITHUB_REPOSITORY": REPO, "GITHUB_RUN_ID": run_id, "RUNNER_TEMP": temp,
                            "GITHUB_EVENT_NAME": ctx["github"]["event_name"], "CI": "true", "GITHUB_ACTIONS": "true",
                            "PATH": self.bin + os.pathsep + os.environ.get("PATH", ""),
                            "GH_STUB_STATE": self.state, "GH_STUB_CALLS": self.calls, "APT_LOG": self.apt_log})
                script = os.path.join(ws, f"step-{n}.sh")
                open(script, "w").write(text_of(substitute(step["run"], ctx)))
                shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail"] if step.get("shell") == "bash" else ["bash", "-e"]
                cwd = os.path.join(workspace, step.get("working-directory", ""))
                start = time.monotonic()
                r = subprocess.run(shell + [script], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
                ok, text = r.returncode == 0, r.stdout + r.stderr + f"\n(step: {time.monotonic() - start:.1f} s)"
                for line in open(out_file):
                    if "=" in line:
                        k, v = line.rstrip("\n").split("=", 1)
                        outputs[k] = v
                summary.append(open(sum_file).read())
            if step.get("id"):
                ctx["steps"][step["id"]] = {"outputs": outputs, "outcome": "success" if ok else "failure",
                                            "conclusion": "success" if ok else "failure"}
            log.append(f"-- {'ok' if ok else 'FAILED'}: {name}\n{text}")
            if not ok:
                ctx["_status"]["ok"] = False
        ctx["env"] = job_env
        outs = {k: text_of(substitute(v, ctx)) for k, v in (spec.get("outputs") or {}).items()}
        return ctx["_status"]["ok"], "\n".join(log), "".join(summary), outs

    def action(self, uses, with_, workspace, temp, ctx, run_id):
        action = uses.split("@")[0]
        if action == "actions/checkout":
            dest = os.path.join(workspace, with_.get("path", ""))
            os.makedirs(dest, exist_ok=True)
            ref = with_.get("ref") or ctx["github"]["sha"]
            depth = int(with_.get("fetch-depth", "1") or 0)
            git("init", "-q", dest)
            git("remote", "add", "origin", self.origin, cwd=dest)
            deep = [] if depth == 0 else [f"--depth={depth}"]
            if depth == 0:
                git("fetch", "-q", "origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*", cwd=dest)
            git("fetch", "-q", *deep, "origin", ref, cwd=dest)
            git("checkout", "-q", "--detach", "FETCH_HEAD", cwd=dest)
            if with_.get("persist-credentials", "true") == "false":
                # Without the token in the clone's configuration, a push is refused.
                git("remote", "set-url", "--push", "origin", os.path.join(self.base, "no-credentials.git"), cwd=dest)
            return True, f"checked out {ref[:10]} (depth {depth or 'all'})", {}
        if action == "actions/upload-artifact":
            src = os.path.join(workspace, with_["path"])
            files = glob.glob(os.path.join(src, "*")) if os.path.isdir(src) else []
            if not files:
                mode = with_.get("if-no-files-found", "warn")
                return mode != "error", f"upload-artifact: no files at {with_['path']} ({mode})", {}
            dest = os.path.join(self.artifacts, run_id, with_["name"])
            if os.path.exists(dest):
                return False, f"upload-artifact: an artifact named {with_['name']} exists in this run", {}
            shutil.copytree(src, dest)
            return True, f"uploaded {len(files)} file(s) as {with_['name']}", {}
        if action == "actions/download-artifact":
            root = os.path.join(self.artifacts, with_.get("run-id") or run_id)
            dest = os.path.join(workspace, with_.get("path", "."))
            names = ([with_["name"]] if "name" in with_ else
                     sorted(os.path.basename(p) for p in glob.glob(os.path.join(root, with_.get("pattern", "*")))))
            if "name" in with_ and not os.path.isdir(os.path.join(root, with_["name"])):
                return False, f"download-artifact: no artifact {with_['name']} in run {with_.get('run-id') or run_id}", {}
            for n in names:
                target = dest if (with_.get("merge-multiple") == "true" or "name" in with_) else os.path.join(dest, n)
                shutil.copytree(os.path.join(root, n), target, dirs_exist_ok=True)
            return True, f"downloaded {', '.join(names) or 'nothing'}", {}
        if action == "actions/upload-pages-artifact":
            dest = os.path.join(self.artifacts, run_id, "github-pages")
            shutil.copytree(os.path.join(workspace, with_["path"]), dest)
            return True, "pages artifact", {}
        if action == "actions/deploy-pages":
            src = os.path.join(self.artifacts, run_id, "github-pages")
            if not os.path.isdir(src):
                return False, "deploy-pages: no github-pages artifact in this run", {}
            with self.lock:
                shutil.rmtree(self.pages, ignore_errors=True)
                shutil.copytree(src, self.pages)
                self.deployments.append(run_id)
            return True, "deployed", {"page_url": "https://octo.github.io/widgets/"}
        return False, f"action {uses} is not emulated by the dry run", {}


# ---------------------------------------------------------------- the repositories

def make_benchgate_origin(base):
    """benchgate as the consumer gets it: a bare repository made from this working tree (what
    is committed plus what is not yet), tagged."""
    work = os.path.join(base, "benchgate-src")
    os.makedirs(work)
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for f in files:
        src = os.path.join(ROOT, f)
        if f and os.path.isfile(src) and not f.startswith(("build", "tools/ci-validate/node_modules", "test/browser/node_modules")):
            os.makedirs(os.path.dirname(os.path.join(work, f)), exist_ok=True)
            shutil.copy2(src, os.path.join(work, f))
    author = ["-c", "user.name=dry run", "-c", "user.email=dry-run@example.invalid"]
    git("init", "-q", "-b", "main", work)
    git("add", "-A", cwd=work)
    git(*author, "commit", "-qm", "benchgate", cwd=work)
    git(*author, "tag", "-a", "-m", "dry run", TAG, cwd=work)
    origin = os.path.join(base, "benchgate.git")
    git("clone", "-q", "--bare", work, origin)
    return origin


def fill(text, benchgate_origin):
    return (text.replace("URL-OF-BENCHGATE", benchgate_origin).replace("BENCHGATE-TAG", TAG)
            .replace("depth = 1\n", ""))   # a local clone by tag: no shallow fetch of a tag object


class Consumer:
    """The consumer's author: a working copy of its origin."""

    def __init__(self, base, benchgate_origin, kind):
        self.kind = kind
        self.origin = os.path.join(base, f"widgets-{kind}.git")
        self.work = os.path.join(base, f"widgets-{kind}")
        self.bg = benchgate_origin
        self.top, self.benches = BUILD_FILES[kind]
        git("init", "-q", "--bare", "-b", DEFAULT_BRANCH, self.origin)
        git("config", "uploadpack.allowAnySHA1InWant", "true", cwd=self.origin)
        git("clone", "-q", self.origin, self.work)
        git("config", "user.name", "widgets author", cwd=self.work)
        git("config", "user.email", "author@example.invalid", cwd=self.work)
        git("checkout", "-q", "-b", DEFAULT_BRANCH, cwd=self.work)

    def copy(self, rel, text=None):
        dest = os.path.join(self.work, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if text is None:
            own = os.path.join(CONSUMERS[self.kind], rel)
            text = fill(open(own if os.path.exists(own) else os.path.join(CONSUMER, rel)).read(), self.bg)
        open(dest, "w").write(text)

    def edit(self, rel, old, new):
        path = os.path.join(self.work, rel)
        text = open(path).read()
        if old not in text:
            raise RuntimeError(f"{rel} has no {old!r}")
        open(path, "w").write(text.replace(old, new))

    def commit(self, message, branch):
        git("add", "-A", cwd=self.work)
        git("commit", "-qm", message, cwd=self.work)
        sha = git("rev-parse", "HEAD", cwd=self.work)
        git("push", "-q", "-f", "origin", f"HEAD:refs/heads/{branch}", cwd=self.work)
        return sha

    def branch(self, name, start):
        git("checkout", "-q", "-B", name, start, cwd=self.work)


def pr_event(number, head, head_ref, base_sha, fork=False, labels=(), body=None, action="synchronize"):
    repo = "mallory/widgets" if fork else REPO
    return {"number": number, "action": action, "pull_request": {
        "number": number, "head": {"sha": head, "ref": head_ref, "repo": {"full_name": repo, "fork": fork}},
        "base": {"sha": base_sha, "ref": DEFAULT_BRANCH, "repo": {"full_name": REPO}},
        "labels": [{"name": n} for n in labels], "body": body},
        "repository": {"full_name": REPO, "default_branch": DEFAULT_BRANCH}}


def push_event(branch, commits=None):
    event = {"ref": f"refs/heads/{branch}", "repository": {"full_name": REPO, "default_branch": DEFAULT_BRANCH}}
    if commits is not None:
        event["commits"] = [{"id": sha, "message": message} for sha, message in commits]
    return event


def open_pr(r, c, number, head, head_ref, fork=False, machine=None, labels=(), body=None, action="synchronize"):
    """A pull request's `benchmarks` run (and the comment run it triggers): GitHub keeps the head
    in the base repository as refs/pull/N/head, forks included."""
    git("push", "-q", "-f", c.origin, f"{head}:refs/pull/{number}/head", cwd=c.work)
    r.set_pull(number, head, head_ref, "mallory/widgets" if fork else REPO)
    base = git("rev-parse", DEFAULT_BRANCH, cwd=c.origin)
    runs = r.trigger("pull_request", pr_event(number, head, head_ref, base, fork, labels, body, action), head,
                     f"refs/pull/{number}/merge", machine)
    return runs.get("benchmarks")


def report_of(r, run):
    path = os.path.join(r.artifacts, run["run_id"], "benchgate-report", "report.json")
    return json.load(open(path)) if os.path.exists(path) else {}


def rows_of(rep):
    return {(s, row["name"]): row["status"] for s, suite in rep.get("suites", {}).items() for row in suite["rows"]} | \
           {(s, m): "MISSING" for s, suite in rep.get("suites", {}).items() for m in suite.get("missing", [])}


def comments_on(r, number):
    return r.github_state()["comments"].get(str(number), [])


def failed_jobs(run):
    return sorted(j for j, res in run["results"].items() if res == "failure" and "(" not in j)


def logs(run, part=""):
    return "\n".join(f"== {k}\n{v}" for k, v in run["logs"].items() if part in k)


def outside_code(body):
    return re.sub(r"`[^`\n]*`", "", body)


# ---------------------------------------------------------------- scenarios

def scenarios(r, c, full):
    """Every scenario on the Meson consumer (full); on the CMake one, adoption, the first PR, its
    merge (the tool built from FetchContent) and a PR with a regression in the first suite."""
    k = f"[{c.kind}] "
    # 1. Adoption: the callers and the wrap land on the default branch before any benchmark.
    for rel in ("widgets.hpp", "subprojects/benchgate.wrap") + CALLERS:
        c.copy(rel)
    top = open(os.path.join(CONSUMERS[c.kind], c.top)).read()
    c.copy(c.top, fill(top.replace("subdir('benches')\n", "").replace("add_subdirectory(benches)\n", ""), c.bg))
    adopt = c.commit("adopt benchgate's CI", DEFAULT_BRANCH)
    runs = r.trigger("push", push_event(DEFAULT_BRANCH), adopt, f"refs/heads/{DEFAULT_BRANCH}")
    run = runs.get("benchmarks-history", {"results": {}, "logs": {}})
    lines = sum(1 for rel in CALLERS for line in open(os.path.join(CONSUMERS[c.kind], rel)) if line.strip())
    check(k + f"adoption: the three caller files are {lines} lines (at most 15); the push to the default branch (named trunk) "
          "runs the history job, which finds no suite yet and succeeds",
          lines <= 15 and set(runs) == {"benchmarks-history"} and runs["benchmarks-history"]["results"].get("history / history") == "success",
          str({k: (v.get("results"), v.get("refused")) for k, v in runs.items()}) + logs(run)[-2500:])
    apt = open(r.apt_log).read() if os.path.exists(r.apt_log) else ""
    check(k + "adoption: the default setup installs Debian packages with sudo apt-get (all installed here)",
          "install" in apt and "libsimdjson-dev" in apt, apt[-500:])

    # 2. The first pull request adds three suites: nothing to compare them with on the merge base.
    c.branch("add-benches", DEFAULT_BRANCH)
    for rel in (c.top, c.benches, "benches/main.cpp", "benches/parse.cpp", "benches/hash.cpp", "benches/sort.cpp"):
        c.copy(rel)
    first = c.commit("three bench suites", "add-benches")
    run = open_pr(r, c, 1, first, "add-benches")
    rep = report_of(r, run)
    rows = rows_of(rep)
    check(k + "first PR: every suite is built and run on the head alone and reported NEW; the gate passes",
          run["results"].get("benchgate / benchgate") == "success" and
          {s: rep["suites"][s]["kind"] for s in rep.get("suites", {})} == {f"benches/{s}": "new" for s in ("hash", "parse", "sort")} and
          len(rows) == 5 and set(rows.values()) == {"NEW"},
          str(run["results"]) + json.dumps(rep)[:1500] + logs(run, "gate")[-2500:])
    comments = comments_on(r, 1)
    body = comments[0]["body"] if comments else ""
    check(k + "first PR: the comment workflow (from the default branch) posts one table: 5 NEW rows, suites as a column",
          len(comments) == 1 and body.startswith(MARKER) and "## 📊 Benchmark Results" in body and
          body.count("🆕 NEW") == 5 and "| Suite | Benchmark |" in body and "### Summary" in body,
          body[:1500] + logs(run.get("followers", {}).get("benchmarks-comment", {"logs": {}}))[-1500:])

    # Merged: the history records the three suites.
    git("checkout", "-q", DEFAULT_BRANCH, cwd=c.work)
    git("merge", "-q", "--ff-only", "add-benches", cwd=c.work)
    git("push", "-q", "origin", DEFAULT_BRANCH, cwd=c.work)
    runs = r.trigger("push", push_event(DEFAULT_BRANCH), first, f"refs/heads/{DEFAULT_BRANCH}")
    run = runs["benchmarks-history"]
    listing = git("ls-tree", "-r", "--name-only", "benchmark-history", cwd=c.origin, check_rc=False).split()
    check(k + "merge: one job measures the three suites, the history branch gets them, the dashboard is deployed",
          run["results"].get("history / history") == "success" and run["results"].get("history / pages") == "success" and
          {n.split("/")[0] for n in listing if n.endswith(".json")} >= {"benches_hash", "benches_parse", "benches_sort"} and
          os.path.isfile(os.path.join(r.pages, "benches_parse", "index.html")) and os.path.isfile(os.path.join(r.pages, "index.html")),
          str(run["results"]) + str(listing) + logs(run, "history")[-3000:])

    # 3. A regression in the first suite (hash); on the Meson consumer on two shards on two
    # different machines, on the CMake one on one shard.
    c.branch("slow-hash", DEFAULT_BRANCH)
    c.edit("widgets.hpp", "constexpr int hash_rounds = 1;", "constexpr int hash_rounds = 4;")
    if full:
        c.edit(".github/workflows/benchmarks.yml", "benchgate-pr.yml@" + TAG + "}", "benchgate-pr.yml@" + TAG + ", with: {shards: 2}}")
    slow = c.commit("hash: four rounds", "slow-hash")
    machine = {"benchgate / gate (2, ubuntu-24.04)": {"CXX": SECOND_CXX}} if SECOND_CXX and full else {}
    run = open_pr(r, c, 2, slow, "slow-hash", machine=machine,
                  body="Four rounds.\r\n\r\nBenchmark-Accepted: hash/fnv_64 a description line counts only with the label\r\n")
    rep = report_of(r, run)
    rows = rows_of(rep)
    check(k + "regression in the first of three suites: every suite" + (" of both shards" if full else "") +
          " is measured and reported (a Benchmark-Accepted line in the description, without the label, accepts nothing)",
          {s for s, _ in rows} == {"benches/hash", "benches/parse", "benches/sort"} and len(rows) == 5 and
          all(rows.get(("benches/hash", n)) == "REGRESSION" for n in ("hash/fnv_512", "hash/fnv_64")),
          json.dumps(rep)[:2000] + logs(run, "gate")[-3000:])
    shards = ("1", "2") if full else ("1",)
    check(k + "regression: one failed check (the benchgate job), the shard jobs pass",
          failed_jobs(run) == ["benchgate / benchgate"] and
          all(run["results"].get(f"benchgate / gate ({i}, ubuntu-24.04)") == "success" for i in shards), str(run["results"]))
    if not full:
        return
    contexts = {}
    for shard in (1, 2):
        for f in glob.glob(os.path.join(r.artifacts, run["run_id"], f"benchgate-shard-{shard}", "*.json")):
            contexts.setdefault(shard, set()).add(json.load(open(f))["context"]["compiler"])
    check(k + "regression: the two shards ran on machines with different fingerprints" + ("" if SECOND_CXX else " (SKIP: no clang++-14)"),
          not SECOND_CXX or (contexts.get(1) and contexts.get(2) and contexts[1].isdisjoint(contexts[2])), contexts)
    body = (comments_on(r, 2) or [{"body": ""}])[0]["body"]
    summary = body.split("### Summary", 1)[-1]
    check(k + "regression: the comment shows one table, the Summary names both regressions, STABLE rows folded",
          body.count("## 📊 Benchmark Results") == 1 and "2 Performance Regressions Detected" in summary and
          "`hash/fnv_512`" in summary and "`hash/fnv_64`" in summary and
          ("STABLE</summary>" in body) == any(s == "STABLE" for s in rows.values()), body[:2500])
    explained = re.findall(r"<details><summary>Explanation of <code>(hash/fnv_\d+)</code>", body)
    check(k + "regression: each regression is explained in a collapsed block (callgrind: instructions per iteration, "
          "the functions that changed)" + ("" if shutil.which("valgrind") else " (SKIP: no valgrind)"),
          not shutil.which("valgrind") or (sorted(explained) == ["hash/fnv_512", "hash/fnv_64"] and
                                           "| instructions |" in body and "Functions by change" in body),
          body[-4000:])

    # The same slowdown, meant: trailers in the pull request's commits accept both regressions.
    c.branch("accept-hash", "slow-hash")
    c.edit("widgets.hpp", "constexpr int hash_rounds = 4;", "constexpr int hash_rounds = 4;  // four rounds are meant")
    accepted = c.commit("hash: four rounds are meant\n\nBenchmark-Accepted: hash/fnv_512 four rounds, to resist @mallory's attack\n"
                        "Benchmark-Accepted: hash/fnv_64 the same", "accept-hash")
    run = open_pr(r, c, 5, accepted, "accept-hash")
    rows = rows_of(report_of(r, run))
    body = (comments_on(r, 5) or [{"body": ""}])[0]["body"]
    check(k + "accepted: Benchmark-Accepted trailers make both regressions ACCEPTED with their reasons; the gate passes",
          run["results"].get("benchgate / benchgate") == "success" and
          all(rows.get(("benches/hash", n)) == "ACCEPTED" for n in ("hash/fnv_512", "hash/fnv_64")) and
          "2 regressions accepted by this pull request" in body and "`four rounds, to resist @mallory's attack`" in body and
          "@mallory" not in outside_code(body), str(run["results"]) + str(rows) + body[:2500] + logs(run, "gate")[-2000:])

    # Two runner kinds: every suite measured on each, one table per machine in the report and comment.
    c.branch("slow-two-runners", "slow-hash")
    c.edit(".github/workflows/benchmarks.yml", "with: {shards: 2}}", 'with: {runners: "ubuntu-24.04 ubuntu-24.04-arm"}}')
    two = c.commit("gate on two runner kinds", "slow-two-runners")
    machine = {"benchgate / gate (1, ubuntu-24.04-arm)": {"CXX": SECOND_CXX}} if SECOND_CXX else {}
    run = open_pr(r, c, 7, two, "slow-two-runners", machine=machine)
    rep = report_of(r, run)
    ms = rep.get("machines") or []
    body = (comments_on(r, 7) or [{"body": ""}])[0]["body"]
    by_machine = {m.get("runner"): {(sname, row["name"]): row["status"] for sname, su in m.get("suites", {}).items() for row in su["rows"]}
                  for m in ms}
    check(k + "two runner kinds: each measures every suite; the report and the comment have one table per machine, "
          "the Summary names each machine's regressions, the gate fails" + ("" if SECOND_CXX else " (fingerprints not checked: no clang++-14)"),
          run["results"].get("benchgate / benchgate") == "failure" and [m.get("runner") for m in ms] == ["ubuntu-24.04", "ubuntu-24.04-arm"] and
          all(len(rows) == 5 and rows.get(("benches/hash", "hash/fnv_64")) == "REGRESSION" for rows in by_machine.values()) and
          "### On `ubuntu-24.04` (" in body and "### On `ubuntu-24.04-arm` (" in body and "4 Performance Regressions Detected" in body and
          "`hash/fnv_64` on `ubuntu-24.04-arm`" in body and
          (not SECOND_CXX or ms[0].get("fingerprint") != ms[1].get("fingerprint")) and
          os.path.isdir(os.path.join(r.artifacts, run["run_id"], "benchgate-shard-1-ubuntu-24.04-arm")),
          json.dumps(ms)[:1500] + str(run["results"]) + body[:2500] + logs(run, "gate")[-2000:])

    # The label: a maintainer labels the slowed pull request, whose description accepts one of the two.
    base = git("rev-parse", DEFAULT_BRANCH, cwd=c.origin)
    edited = r.trigger("pull_request", pr_event(6, slow, "slow-hash", base, action="edited"), slow, "refs/pull/6/merge")
    run = open_pr(r, c, 6, slow, "slow-hash", labels=("perf", "benchmark-accepted"), action="labeled",
                  body="Four rounds.\r\n\r\nBenchmark-Accepted: hash/fnv_64 the label's reason\r\n")
    rows = rows_of(report_of(r, run))
    body = (comments_on(r, 6) or [{"body": ""}])[0]["body"]
    check(k + "accept label: the description's line accepts the one benchmark it names, the other still fails the gate; "
          "an edit that is not in the caller's types runs nothing",
          "benchmarks" not in edited and run["results"].get("benchgate / benchgate") == "failure" and
          rows.get(("benches/hash", "hash/fnv_64")) == "ACCEPTED" and rows.get(("benches/hash", "hash/fnv_512")) == "REGRESSION" and
          "1 regression accepted by this pull request" in body and "`the label's reason`" in body,
          str(run["results"]) + str(rows) + body[:2500] + logs(run, "gate")[-2000:])

    # 4. A pull request removes a benchmark and a suite.
    c.branch("trim", DEFAULT_BRANCH)
    text = open(os.path.join(c.work, "benches", "parse.cpp")).read()
    c.copy("benches/parse.cpp", text[:text.index('BENCHGATE_BENCH("parse/mixed_256")')])
    c.edit(c.benches, "['parse', 'hash', 'sort']", "['parse', 'hash']")
    trim = c.commit("drop parse/mixed_256 and the sort suite", "trim")
    run = open_pr(r, c, 3, trim, "trim")
    rep = report_of(r, run)
    rows = rows_of(rep)
    body = (comments_on(r, 3) or [{"body": ""}])[0]["body"]
    check(k + "removed: the benchmark is MISSING, the suite is reported removed, the gate passes",
          run["results"].get("benchgate / benchgate") == "success" and rows.get(("benches/parse", "parse/mixed_256")) == "MISSING" and
          rep.get("suites", {}).get("benches/sort", {}).get("kind") == "removed" and "❔ MISSING" in body and
          "suite removed" in body, json.dumps(rep)[:1500] + logs(run, "gate")[-2000:])

    comment_safety(r, c, slow, trim)
    history_race(r, c)

    # A push to another branch, and the weekly trends.
    runs = r.trigger("push", push_event("trim"), trim, "refs/heads/trim")
    check(k + "a push to a branch that is not the default one records nothing",
          runs["benchmarks-history"]["results"].get("history / history") == "skipped", runs["benchmarks-history"]["results"])
    runs = r.trigger("schedule", {"schedule": "0 4 * * 1", "repository": {"default_branch": DEFAULT_BRANCH}},
                     git("rev-parse", DEFAULT_BRANCH, cwd=c.origin), f"refs/heads/{DEFAULT_BRANCH}")
    run = runs["benchmarks-history"]
    s = "".join(run["summaries"].values())
    check(k + "weekly: the trends of every suite's history in the job summary",
          run["results"].get("history / trends") in ("success", "failure") and "## benches_hash" in s and "## benches_sort" in s,
          s[:800] + logs(run, "trends")[-1500:])

    weekly_alerts(r, c)

    # The accepted slowdown lands: the push's commits carry the trailers, the history's run
    # records them, and the dashboard marks the hash step ACCEPTED.
    git("checkout", "-q", DEFAULT_BRANCH, cwd=c.work)
    git("pull", "-q", "--ff-only", "origin", DEFAULT_BRANCH, cwd=c.work)
    before = git("rev-parse", "HEAD", cwd=c.work)
    git("merge", "-q", "--no-edit", "accept-hash", cwd=c.work)
    git("push", "-q", "origin", DEFAULT_BRANCH, cwd=c.work)
    merged = git("rev-parse", "HEAD", cwd=c.work)
    pushed = [(sha, git("log", "-1", "--format=%B", sha, cwd=c.work))
              for sha in git("rev-list", "--reverse", f"{before}..{merged}", cwd=c.work).split()]
    runs = r.trigger("push", push_event(DEFAULT_BRANCH, pushed), merged, f"refs/heads/{DEFAULT_BRANCH}")
    run = runs["benchmarks-history"]
    newest = sorted(n for n in git("ls-tree", "-r", "--name-only", "benchmark-history", cwd=c.origin, check_rc=False).split()
                    if n.startswith("benches_hash/") and n.endswith(".json") and not n.endswith(".summary.json"))
    entry = json.loads(git("show", f"benchmark-history:{newest[-1]}", cwd=c.origin)) if newest else {}
    page = open(os.path.join(r.pages, "benches_hash", "index.html")).read() if os.path.exists(os.path.join(r.pages, "benches_hash", "index.html")) else ""
    check(k + "accepted, merged: the history's run records the accepted regressions and the dashboard marks the step ACCEPTED",
          run["results"].get("history / history") == "success" and
          {a["name"] for a in entry.get("context", {}).get("accepted", [])} == {"hash/fnv_512", "hash/fnv_64"} and
          '"ACCEPTED"' in page, str(run["results"]) + json.dumps(entry.get("context", {}))[:800] + logs(run, "history")[-2500:])


def seed_history(r, c, suite, levels, accepted=None):
    """Replaces SUITE's runs on the history branch by synthetic ones, one a day ending yesterday:
    run i has each benchmark's estimates those of the newest run times levels[i].get(name, 1)
    (with a deterministic jitter of a few tenths of a percent, intervals of +-1%);
    accepted = (run, name, reason)."""
    tmp = tempfile.mkdtemp(dir=r.base)
    git("clone", "-q", "-b", "benchmark-history", c.origin, tmp)
    d = os.path.join(tmp, suite)
    names = sorted(n for n in os.listdir(d) if re.fullmatch(r"\d{8}T\d{6}Z-\w+-[0-9a-f]{8}(\.summary)?\.json", n))
    template = json.load(open(os.path.join(d, names[-1])))
    machine = re.search(r"-([0-9a-f]{8})(\.summary)?\.json$", names[-1]).group(1)
    for n in names:
        os.remove(os.path.join(d, n))
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, second=0, minute=0)

    def summarize(b, factor):
        n = len(b.get("samples") or []) or b.get("summary_of") or 1
        for key in ("iterations", "samples", "rounds", "processes", "paired"):
            b.pop(key, None)
        b["summary_of"] = n
        e = b.get("estimates") or {}
        for key in ("median", "mean"):
            # A 95% interval of +-1% whatever the template measured: the seeded series' shape is fixed.
            if isinstance((e.get(key) or {}).get("point"), (int, float)):
                point = e[key]["point"] * factor
                e[key].update(point=point, lower=point * 0.99, upper=point * 1.01)
        for key in ("stddev", "mad", "min", "max", "p10"):
            if isinstance(e.get(key), (int, float)):
                e[key] *= factor

    commits = []
    for i, level in enumerate(levels):
        run = copy.deepcopy(template)
        t = now - datetime.timedelta(days=len(levels) - i)
        commit = hashlib.sha1(f"{suite} seeded run {i}".encode()).hexdigest()
        commits.append(commit)
        run["created"] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
        run["context"]["commit"] = commit
        run["context"].pop("accepted", None)
        if accepted and accepted[0] == i:
            run["context"]["accepted"] = [{"name": accepted[1], "reason": accepted[2]}]
        for b in run["benchmarks"]:
            jitter = 1 + (int(hashlib.sha1(f"{i} {b['name']}".encode()).hexdigest()[:4], 16) / 65535 - 0.5) * 0.006
            summarize(b, level.get(b["name"], 1.0) * jitter)
        if isinstance(run.get("reference"), dict) and run["reference"].get("name"):
            summarize(run["reference"], 1.0)
        name = f"{t:%Y%m%dT%H%M%SZ}-{commit[:12]}-{machine}.summary.json"
        json.dump(run, open(os.path.join(d, name), "w"))
    git("add", "-A", cwd=tmp)
    git("-c", "user.name=seed", "-c", "user.email=seed@example.com", "commit", "-q", "-m", f"seed {suite}", cwd=tmp)
    git("push", "-q", "-f", "origin", "HEAD:benchmark-history", cwd=tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return commits


def weekly_alerts(r, c):
    """The weekly alerts: one issue per slower step of the history, opened once, updated, closed on recovery."""
    k = "weekly alerts: "
    suite = "benches_hash"
    slow = {"hash/fnv_64": 1.4, "hash/fnv_512": 1.4}
    levels = [{} for _ in range(7)] + [dict(slow) for _ in range(7)]
    commits = seed_history(r, c, suite, levels, accepted=(7, "hash/fnv_512", "four rounds, as the audit asked"))
    head = git("rev-parse", DEFAULT_BRANCH, cwd=c.origin)
    schedule = {"schedule": "0 4 * * 1", "repository": {"default_branch": DEFAULT_BRANCH}}

    def weekly():
        run = r.trigger("schedule", schedule, head, f"refs/heads/{DEFAULT_BRANCH}")["benchmarks-history"]
        issues = [i for i in r.github_state().get("issues", []) if "benchmark-alert" in i["labels"]]
        return run, issues, "".join(run["summaries"].values())

    run, issues, summary = weekly()
    body = issues[0]["body"] if issues else ""
    rng = f"{commits[6][:10]}..{commits[7][:10]}"
    check(k + "a step that stands opens one issue, with the change, the range, the dashboard and the bisect command",
          run["results"].get("history / alerts") == "success" and len(issues) == 1 and "` hash/fnv_64 `" in body and
          "+40" in issues[0]["title"] and f"`{rng}`" in body and f"--range {rng}" in body and "benches/hash" in body and
          "--filter '^hash/fnv_64$'" in body and "github.io/widgets/benches_hash/index.html" in body and
          "accepted, no alert" in summary and "fnv_512" not in "".join(i["title"] for i in issues),
          str(run["results"]) + summary[-1500:] + body[:1500] + logs(run, "alerts")[-2000:])
    wf = yaml.safe_load(open(os.path.join(ROOT, ".github", "workflows", "benchgate-history.yml")))
    writers = sorted(j for j, spec in wf["jobs"].items() if (spec.get("permissions") or {}).get("issues") == "write")
    alert_steps = wf["jobs"].get("alerts", {}).get("steps", [])
    check(k + "only the alerts job may write issues, and it checks out and builds nothing",
          writers == ["alerts"] and not any("checkout" in str(st.get("uses", "")) for st in alert_steps) and
          set((wf["jobs"]["alerts"].get("permissions") or {})) == {"issues"}, str(writers) + str(alert_steps)[:500])

    run, again, summary = weekly()
    check(k + "the next week updates the same issue instead of opening another",
          run["results"].get("history / alerts") == "success" and len(again) == 1 and again[0]["state"] == "open" and
          f"updated #{issues[0]['number'] if issues else ''}" in summary, str(run["results"]) + summary[-1500:] + logs(run, "alerts")[-1500:])

    seed_history(r, c, suite, levels + [{"hash/fnv_512": 1.4} for _ in range(7)],
                 accepted=(7, "hash/fnv_512", "four rounds, as the audit asked"))
    run, after, summary = weekly()
    said = [cm["body"] for cm in r.github_state()["comments"].get(str(issues[0]["number"]) if issues else "", [])]
    check(k + "a step that recovered closes its issue with a comment saying so",
          run["results"].get("history / alerts") == "success" and len(after) == 1 and after[0]["state"] == "closed" and
          any(b.startswith("Recovered:") for b in said), str(run["results"]) + summary[-1500:] + str(said)[:500] + logs(run, "alerts")[-1500:])


def comment_safety(r, c, slow, trim):
    pr_run = [k for k in os.listdir(r.artifacts) if os.path.isdir(os.path.join(r.artifacts, k, "benchgate-report"))]
    source = os.path.join(r.artifacts, sorted(pr_run, key=int)[-1], "benchgate-report")

    def forged(number, head, edit):
        run_id = str(9000 + number)
        dest = os.path.join(r.artifacts, run_id, "benchgate-report")
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(source, dest)
        rep = json.load(open(os.path.join(dest, "report.json")))
        edit(rep, dest)
        json.dump(rep, open(os.path.join(dest, "report.json"), "w"))
        json.dump({"number": rep["number"], "head_sha": rep["head_sha"]}, open(os.path.join(dest, "pr.json"), "w"))
        wr = {"workflow_run": {"id": run_id, "name": "benchmarks", "event": "pull_request", "conclusion": "success",
                               "head_sha": head, "head_branch": "evil", "head_repository": {"full_name": "mallory/widgets"},
                               "html_url": f"https://github.com/{REPO}/actions/runs/{run_id}"},
              "repository": {"default_branch": DEFAULT_BRANCH}}
        before = len(r.api_calls())
        runs = r.trigger("workflow_run", wr, git("rev-parse", DEFAULT_BRANCH, cwd=c.origin), f"refs/heads/{DEFAULT_BRANCH}", follow=False)
        run = runs.get("benchmarks-comment", {"logs": {}, "results": {}})
        return run, [x for x in r.api_calls()[before:] if x["method"] != "GET"]

    fork_head = git("commit-tree", f"{slow}^{{tree}}", "-p", slow, "-m", "fork", cwd=c.origin)
    git("update-ref", "refs/pull/4/head", fork_head, cwd=c.origin)
    r.set_pull(4, fork_head, "evil", "mallory/widgets")

    def number_3(rep, _):
        rep["number"], rep["head_sha"] = 3, fork_head
    run, posted = forged(4, fork_head, number_3)
    check("fork PR: a report naming another pull request (3) is refused, nothing posted",
          not posted and "refusing" in logs(run), logs(run)[-800:])

    def head_of_3(rep, _):
        rep["number"], rep["head_sha"] = 3, trim
    run, posted = forged(4, fork_head, head_of_3)
    check("fork PR: a report with a forged head SHA (PR 3's head, not the commit the run built) is refused, nothing posted",
          not posted and "not measured on the head" in logs(run), logs(run)[-800:])

    def number_text(rep, _):
        rep["number"] = "4; rm -rf ~"
    run, posted = forged(4, fork_head, number_text)
    check("fork PR: a PR 'number' that is not a number is refused", not posted and "not a pull request number" in logs(run),
          logs(run)[-500:])

    pwned = os.path.join(r.base, "pwned")

    def hostile(rep, dest):
        rep["number"], rep["head_sha"] = 4, fork_head
        rep["suites"]["benches/hash"]["rows"][0]["name"] = "@octocat #1 https://github.com/octo/widgets/issues/1 </details> | x"
        rep["suites"]["benches/hash"]["rows"][0]["status"] = "<img src=x>"
        rep["suites"]["@everyone"] = {"kind": "new", "rows": [{"name": f"$(touch {pwned})", "status": "NEW", "current": "1e9"}]}
        open(os.path.join(dest, "report.md"), "w").write("INJECTED @octocat\n")
        with open(os.path.join(dest, "evil.sh"), "w") as f:
            f.write(f"#!/bin/sh\ntouch {pwned}\n")
        os.chmod(os.path.join(dest, "evil.sh"), 0o755)
    r.add_comment(4, "mallory", MARKER + "\nfake results by someone else")
    run, posted = forged(4, fork_head, hostile)
    comments = comments_on(r, 4)
    mine = [x for x in comments if x["user"]["login"] == BOT]
    body = mine[0]["body"] if mine else ""
    free = outside_code(body)
    check("fork PR: a hostile report is rendered from its data; names stay in code spans (no mention, reference, link, HTML); "
          "nothing in the artifact runs",
          len(mine) == 1 and posted and posted[0]["method"] == "POST" and "INJECTED" not in body and
          "@octocat" in body and "@" not in free.replace("@everyone", "") and not re.search(r"#\d", free) and
          "issues/1" not in free and "<img" not in body and "</details> |" not in free and not os.path.exists(pwned),
          body[:2500])
    check("fork PR: another user's comment that starts with the marker is left alone; a second report edits the bot's own",
          bool(mine) and (forged(4, fork_head, hostile)[1][0]["method"] == "PATCH" and
                                 [x["body"] for x in comments_on(r, 4) if x["user"]["login"] == "mallory"] ==
                                 [MARKER + "\nfake results by someone else"]), str(comments_on(r, 4))[:1000])

    # Stale: PR 2's author pushed again after the measured run; that run's comment is a notice.
    newer = git("commit-tree", f"{slow}^{{tree}}", "-p", slow, "-m", "newer", cwd=c.origin)
    r.set_pull(2, newer, "slow-hash")

    def stale(rep, _):
        rep["number"], rep["head_sha"] = 2, slow
    before = [x["body"] for x in comments_on(r, 2)]
    run_id = "9002"
    _, posted = forged(2, slow, stale)
    wr_run = [v for v in os.listdir(os.path.join(r.base, "runners")) if "comment" in v]
    check("stale head: the comment job exits 0 with a notice and posts nothing",
          not posted and [x["body"] for x in comments_on(r, 2)] == before and wr_run, run_id)


def history_race(r, c):
    """Two pushes to the default branch in quick succession: both runs end up in the history."""
    git("checkout", "-q", DEFAULT_BRANCH, cwd=c.work)
    shas = []
    for i in (1, 2):
        open(os.path.join(c.work, f"NOTES-{i}.txt"), "w").write(f"change {i}\n")
        shas.append(c.commit(f"change {i}", DEFAULT_BRANCH))
    results = [None, None]
    # Whichever run pushes first, one push to the history branch is refused once, as a push that
    # lost a race to another is: its run must fetch the new tip and add its runs again.
    flag = os.path.join(r.base, "reject-once")
    open(flag, "w").close()
    hook = os.path.join(c.origin, "hooks", "pre-receive")
    with open(hook, "w") as f:
        f.write(f"#!/bin/sh\nwhile read old new ref; do\n  if [ \"$ref\" = refs/heads/benchmark-history ] && "
                f"rm '{flag}' 2>/dev/null; then\n    echo 'rejected: fetch first' >&2; exit 1\n  fi\ndone\nexit 0\n")
    os.chmod(hook, 0o755)

    def push(i):
        results[i] = r.trigger("push", push_event(DEFAULT_BRANCH), shas[i], f"refs/heads/{DEFAULT_BRANCH}")
    threads = [threading.Thread(target=push, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    commits = set()
    for f in git("ls-tree", "-r", "--name-only", "benchmark-history", cwd=c.origin).split():
        if f.endswith(".json") and f.startswith("benches_parse/"):
            commits.add(json.loads(git("show", f"benchmark-history:{f}", cwd=c.origin))["context"].get("commit"))
    hist_log = "".join(logs(x["benchmarks-history"], "history") for x in results if x)
    check("two pushes at once: both runs are in the history, after a refused push "
          "was rebuilt on the new tip",
          "fetching it and adding again" in hist_log and "history extended (attempt 2)" in hist_log and all(x and x["benchmarks-history"]["results"].get("history / history") == "success" for x in results) and
          set(shas) <= commits, str(commits) + str([x["benchmarks-history"]["results"] for x in results if x]) + hist_log[-2500:])
    depth = git("rev-list", "--count", "benchmark-history", cwd=c.origin)
    check("the history branch is one commit, whatever the number of updates", depth == "1", depth)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep", help="work in this directory and keep it (default: a temporary one, removed)")
    args = ap.parse_args()
    base = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="benchgate-ci-dry-run-")
    os.makedirs(os.path.join(base, "runners"), exist_ok=True)
    try:
        bg = make_benchgate_origin(base)
        for kind in ("meson", "cmake"):
            c = Consumer(base, bg, kind)
            r = Runner(os.path.join(base, kind), c.origin, bg, os.path.join(base, "ccache"))
            scenarios(r, c, full=kind == "meson")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    _tally.finish()


if __name__ == "__main__":
    main()
