#!/usr/bin/env python3
"""Runs the GitHub Actions workflows in .github/workflows/ on this machine, against a
throwaway git repository, with only GitHub's API stubbed.

Every job's `run:` steps execute as GitHub runs them (bash -eo pipefail, the job's working
directory, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, the workflow/job/step `env:` with `${{ }}`
expressions evaluated). The actions the workflows use are emulated: checkout (a clone of the
throwaway origin at the event's commit), upload/download-artifact (a directory per run),
upload-pages-artifact and deploy-pages (a directory). `gh api` is a stub on PATH that answers
from a recorded state (pull requests, comments) and logs every call, so a test can check what
would have been posted.

    tools/ci-dry-run.py [--keep DIR] [--scenario NAME ...]

Scenarios (default: all): fork-pr (a pull request from a fork that slows a benchmark: the gate
fails, the comment is created, a second run updates it), forged-report (an artifact naming
another pull request: refused, nothing posted), long-report (a report over GitHub's limit:
truncated with a link), history (two pushes to main with retention 1, one push rejected
once: the retry adds the run; the dashboard published), weekly (the trend summary).
Prints one line per check and "N passed, N failed"; exit 1 when a check failed.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

import benchkit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKFLOWS = os.path.join(ROOT, ".github", "workflows")
REPO = "octo/benchgate-demo"
MARKER = "<!-- benchgate-report -->"

# The dry run builds one small bench binary instead of the project's suites.
OVERRIDES = {
    "BENCH_TARGETS": "examples/regression_demo",
    "BENCH_BINARIES": "examples/regression_demo",
    "BENCH_FLAGS": "--quick",
    # -O1: the steps, not the speed of the code, are under test, and it compiles in half the time.
    "BENCH_MESON_OPTIONS": "-Doptimization=1 -Ddebug=false -Db_ndebug=true -Dtests=false",
}

GH_STUB = r'''#!/usr/bin/env python3
# A stand-in for `gh api`: answers from STATE, logs every call to CALLS.
import json, os, re, sys
state_path, calls_path = os.environ["GH_STUB_STATE"], os.environ["GH_STUB_CALLS"]
state = json.load(open(state_path))
args = sys.argv[1:]
if not args or args[0] != "api":
    sys.exit("gh stub: only 'gh api' is stubbed")
args = args[1:]
method, jq, body, path = "GET", None, None, None
i = 0
while i < len(args):
    a = args[i]
    if a == "-X": method = args[i + 1]; i += 2
    elif a == "--jq": jq = args[i + 1]; i += 2
    elif a == "--input": body = json.load(open(args[i + 1])); i += 2
    elif a == "--paginate": i += 1
    elif path is None: path = a; i += 1
    else: sys.exit(f"gh stub: unexpected argument {a}")
with open(calls_path, "a") as f:
    f.write(json.dumps({"method": method, "path": path, "jq": jq, "body": body}) + "\n")
m = re.fullmatch(r"repos/[^/]+/[^/]+/pulls/(\d+)", path)
if m and method == "GET":
    pr = state["pulls"].get(m.group(1))
    if pr is None: sys.exit("gh: Not Found (HTTP 404)")
    if jq != ".head.sha": sys.exit(f"gh stub: unsupported filter {jq}")
    print(pr["head"]["sha"]); sys.exit(0)
m = re.fullmatch(r"repos/[^/]+/[^/]+/issues/(\d+)/comments", path)
if m and method == "GET":
    comments = state["comments"].get(m.group(1), [])
    marker = re.search(r'startswith\("([^"]*)"\)', jq or "")
    for c in comments:
        if marker and c["body"].startswith(marker.group(1)): print(c["id"])
    sys.exit(0)
if m and method == "POST":
    state["next_id"] += 1
    state["comments"].setdefault(m.group(1), []).append({"id": state["next_id"], "body": body["body"]})
    json.dump(state, open(state_path, "w")); print(json.dumps({"id": state["next_id"]})); sys.exit(0)
m = re.fullmatch(r"repos/[^/]+/[^/]+/issues/comments/(\d+)", path)
if m and method == "PATCH":
    for comments in state["comments"].values():
        for c in comments:
            if c["id"] == int(m.group(1)):
                c["body"] = body["body"]; json.dump(state, open(state_path, "w")); print("{}"); sys.exit(0)
    sys.exit("gh: Not Found (HTTP 404)")
sys.exit(f"gh stub: {method} {path} is not stubbed")
'''

_tally = benchkit.Tally(detail_limit=1500)
check = _tally.record


def git(*args, cwd=None, check_rc=True):
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check_rc and r.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout.strip()


# ---------------------------------------------------------------- expressions

def lookup(ctx, dotted):
    v = ctx
    for part in dotted.split("."):
        if isinstance(v, dict) and part in v:
            v = v[part]
        else:
            return ""
    return v


def evaluate(expr, ctx):
    """The subset of GitHub's expression language the workflows use: context lookups,
    string/number literals, ==, !=, &&, ||, and always()/success()/failure()."""
    expr = expr.strip()
    for op in ("||", "&&"):
        parts = split_top(expr, op)
        if len(parts) > 1:
            vals = [evaluate(p, ctx) for p in parts]
            return any(truthy(v) for v in vals) if op == "||" else all(truthy(v) for v in vals)
    for op in ("==", "!="):
        parts = split_top(expr, op)
        if len(parts) == 2:
            a, b = (str(evaluate(p, ctx)) for p in parts)
            return (a == b) if op == "==" else (a != b)
    if expr in ("always()",):
        return True
    if expr == "success()":
        return ctx["_job_ok"]
    if expr == "failure()":
        return not ctx["_job_ok"]
    if re.fullmatch(r"'[^']*'", expr):
        return expr[1:-1]
    if re.fullmatch(r"-?\d+(\.\d+)?", expr):
        return expr
    if re.fullmatch(r"[A-Za-z_][\w.-]*", expr):
        return lookup(ctx, expr)
    raise ValueError(f"expression not supported by the dry run: {expr}")


def split_top(expr, op):
    parts, depth, quote, start, i = [], 0, False, 0, 0
    while i < len(expr):
        c = expr[i]
        if c == "'":
            quote = not quote
        elif not quote and c == "(":
            depth += 1
        elif not quote and c == ")":
            depth -= 1
        elif not quote and depth == 0 and expr.startswith(op, i):
            parts.append(expr[start:i])
            start = i + len(op)
            i += len(op)
            continue
        i += 1
    parts.append(expr[start:])
    return parts


def truthy(v):
    return v not in ("", False, None, 0, "0", "false")


def substitute(value, ctx):
    if not isinstance(value, str):
        return value
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(evaluate(m.group(1), ctx)), value)


def condition(text, ctx):
    if text is None:
        return ctx["_job_ok"]
    text = str(text).strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", text)
    expr = m.group(1) if m else text
    uses_status = re.search(r"\b(always|success|failure|cancelled)\(\)", expr)
    result = truthy(evaluate(expr, ctx))
    return result if uses_status else (result and ctx["_job_ok"])


# ---------------------------------------------------------------- the runner

class Runner:
    def __init__(self, base, origin):
        self.base = base
        self.origin = origin
        self.artifacts = os.path.join(base, "artifacts")
        self.pages = os.path.join(base, "pages")
        self.bin = os.path.join(base, "bin")
        self.state = os.path.join(base, "github-state.json")
        self.calls = os.path.join(base, "github-calls.jsonl")
        os.makedirs(self.bin, exist_ok=True)
        with open(os.path.join(self.bin, "gh"), "w") as f:
            f.write(GH_STUB)
        os.chmod(os.path.join(self.bin, "gh"), 0o755)
        json.dump({"pulls": {}, "comments": {}, "next_id": 1000}, open(self.state, "w"))
        open(self.calls, "w").close()
        self.run_counter = 0

    def github_state(self):
        return json.load(open(self.state))

    def set_pull(self, number, head_sha):
        s = self.github_state()
        s["pulls"][str(number)] = {"head": {"sha": head_sha}}
        json.dump(s, open(self.state, "w"))

    def api_calls(self):
        return [json.loads(l) for l in open(self.calls) if l.strip()]

    def run_workflow(self, name, event_name, event, sha, env_overrides=None, artifact_runs=None):
        """Runs every job of the workflow file `name` for one event; returns a dict with the
        run id, each job's result and step logs, the summaries."""
        wf = yaml.safe_load(open(os.path.join(WORKFLOWS, name)))
        self.run_counter += 1
        run_id = str(self.run_counter)
        os.makedirs(os.path.join(self.artifacts, run_id), exist_ok=True)
        github = {"event_name": event_name, "event": event, "sha": sha, "repository": REPO, "token": "stub-token",
                  "run_id": run_id, "ref": "refs/heads/main"}
        wf_env = {k: str(v) for k, v in (wf.get("env") or {}).items()}
        wf_env.update(env_overrides or {})
        results, logs, summaries = {}, {}, {}
        jobs = wf["jobs"]
        order = []
        while len(order) < len(jobs):
            for j, spec in jobs.items():
                needs = spec.get("needs") or []
                needs = [needs] if isinstance(needs, str) else needs
                if j not in order and all(n in order for n in needs):
                    order.append(j)
        for job in order:
            spec = jobs[job]
            needs = spec.get("needs") or []
            needs = [needs] if isinstance(needs, str) else needs
            needs_ctx = {n: {"result": results[n]} for n in needs}
            ctx = {"github": github, "env": wf_env, "needs": needs_ctx, "matrix": {}, "steps": {},
                   "_job_ok": all(results[n] == "success" for n in needs)}
            if not condition(spec.get("if"), ctx):
                results[job] = "skipped"
                continue
            matrix = (spec.get("strategy") or {}).get("matrix") or {}
            combos = [{}]
            for key, values in matrix.items():
                combos = [dict(c, **{key: v}) for c in combos for v in values]
            outcome = "success"
            for i, combo in enumerate(combos):
                label = job + (f"[{','.join(str(v) for v in combo.values())}]" if combo else "")
                ok, log, summary = self.run_job(label, spec, dict(ctx, matrix=combo, _job_ok=True), run_id,
                                                artifact_runs or {})
                logs[label], summaries[label] = log, summary
                if not ok:
                    outcome = "failure"
            results[job] = outcome
        return {"run_id": run_id, "results": results, "logs": logs, "summaries": summaries}

    def run_job(self, label, spec, ctx, run_id, artifact_runs):
        ws = tempfile.mkdtemp(prefix=re.sub(r"\W", "_", label) + "-", dir=os.path.join(self.base, "runners"))
        workspace = os.path.join(ws, "repo")
        os.makedirs(workspace)
        job_env = dict(ctx["env"])
        for k, v in (spec.get("env") or {}).items():
            job_env[k] = str(substitute(v, ctx))
        ctx["env"] = job_env
        log, summary = [], []
        for n, step in enumerate(spec.get("steps") or []):
            name = step.get("name") or step.get("uses") or f"step {n}"
            if not condition(step.get("if"), ctx):
                log.append(f"-- skipped: {name}")
                continue
            step_env = dict(job_env)
            for k, v in (step.get("env") or {}).items():
                step_env[k] = str(substitute(v, ctx))
            ctx["env"] = step_env
            name = substitute(name, ctx)
            outputs = {}
            if "uses" in step:
                with_ = {k: str(substitute(v, ctx)) for k, v in (step.get("with") or {}).items()}
                ok, text, outputs = self.action(step["uses"], with_, workspace, ctx, run_id, artifact_runs)
            else:
                out_file = os.path.join(ws, f"output-{n}")
                sum_file = os.path.join(ws, f"summary-{n}")
                open(out_file, "w").close()
                open(sum_file, "w").close()
                env = dict(os.environ)
                env.update(step_env)
                env.update({"GITHUB_OUTPUT": out_file, "GITHUB_STEP_SUMMARY": sum_file, "GITHUB_WORKSPACE": workspace,
                            "GITHUB_SHA": ctx["github"]["sha"], "GITHUB_REPOSITORY": REPO, "GITHUB_RUN_ID": run_id,
                            "GITHUB_EVENT_NAME": ctx["github"]["event_name"], "CI": "true",
                            "PATH": self.bin + os.pathsep + os.environ.get("PATH", ""),
                            "GH_STUB_STATE": self.state, "GH_STUB_CALLS": self.calls,
                            # The jobs build the same sources many times over (each shard, each
                            # run): Meson uses ccache when it is installed, with this run's cache.
                            "CCACHE_DIR": os.path.join(self.base, "ccache")})
                script = os.path.join(ws, f"step-{n}.sh")
                open(script, "w").write(substitute(step["run"], ctx))
                cwd = os.path.join(workspace, step.get("working-directory", ""))
                r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=cwd, env=env,
                                   capture_output=True, text=True, timeout=1800)
                ok, text = r.returncode == 0, r.stdout + r.stderr
                for line in open(out_file):
                    if "=" in line:
                        k, v = line.rstrip("\n").split("=", 1)
                        outputs[k] = v
                summary.append(open(sum_file).read())
            if step.get("id"):
                ctx["steps"][step["id"]] = {"outputs": outputs, "outcome": "success" if ok else "failure"}
            log.append(f"-- {'ok' if ok else 'FAILED'}: {name}\n{text}")
            if not ok:
                ctx["_job_ok"] = False
            ctx["env"] = job_env
        return ctx["_job_ok"], "\n".join(log), "".join(summary)

    def action(self, uses, with_, workspace, ctx, run_id, artifact_runs):
        action = uses.split("@")[0]
        if action == "actions/checkout":
            ref = with_.get("ref") or ctx["github"]["sha"]
            git("clone", "-q", self.origin, workspace)
            git("checkout", "-q", "--detach", ref, cwd=workspace)
            return True, f"checked out {ref[:10]}", {}
        if action == "actions/upload-artifact":
            src = os.path.join(workspace, with_["path"])
            files = glob.glob(os.path.join(src, "*")) if os.path.isdir(src) else []
            if not files and with_.get("if-no-files-found") == "ignore":
                return True, "no files", {}
            if not files:
                return False, f"upload-artifact: no files at {with_['path']}", {}
            dest = os.path.join(self.artifacts, run_id, with_["name"])
            shutil.copytree(src, dest, dirs_exist_ok=True)
            return True, f"uploaded {len(files)} file(s) as {with_['name']}", {}
        if action == "actions/download-artifact":
            source_run = with_.get("run-id") or run_id
            source_run = artifact_runs.get(source_run, source_run)
            root = os.path.join(self.artifacts, source_run)
            dest = os.path.join(workspace, with_.get("path", "."))
            names = ([with_["name"]] if "name" in with_ else
                     sorted(os.path.basename(p) for p in glob.glob(os.path.join(root, with_.get("pattern", "*")))))
            if not names or not all(os.path.isdir(os.path.join(root, n)) for n in names):
                return False, f"download-artifact: no artifact {with_.get('name') or with_.get('pattern')} in run {source_run}", {}
            for n in names:
                target = dest if (with_.get("merge-multiple") == "True" or "name" in with_) else os.path.join(dest, n)
                shutil.copytree(os.path.join(root, n), target, dirs_exist_ok=True)
            return True, f"downloaded {', '.join(names)}", {}
        if action == "actions/upload-pages-artifact":
            shutil.rmtree(self.pages, ignore_errors=True)
            shutil.copytree(os.path.join(workspace, with_["path"]), self.pages)
            return True, "pages artifact", {}
        if action == "actions/deploy-pages":
            open(os.path.join(self.base, "pages-deployed"), "w").write(self.pages)
            return True, "deployed", {"page_url": "https://octo.github.io/benchgate-demo/"}
        return False, f"action {uses} is not emulated by the dry run", {}


# ---------------------------------------------------------------- scenarios

def make_origin(base):
    """A bare origin holding this project's HEAD as main, one more commit on main after the
    branch point, and a pull-request branch that makes the demo 40% slower."""
    origin = os.path.join(base, "origin.git")
    work = os.path.join(base, "author")
    git("clone", "-q", "--no-local", ROOT, work)
    git("checkout", "-q", "-B", "main", cwd=work)
    git("config", "user.name", "dry run", cwd=work)
    git("config", "user.email", "dry-run@example.invalid", cwd=work)
    git("checkout", "-q", "-b", "slower-demo", cwd=work)
    demo = os.path.join(work, "examples", "regression_demo.cpp")
    text = open(demo).read().replace("#define BENCHGATE_DEMO_BUILD_SLOWDOWN 0", "#define BENCHGATE_DEMO_BUILD_SLOWDOWN 40")
    open(demo, "w").write(text)
    git("commit", "-qam", "demo: 40% more work", cwd=work)
    pr_head = git("rev-parse", "HEAD", cwd=work)
    git("checkout", "-q", "main", cwd=work)
    branch_point = git("rev-parse", "HEAD", cwd=work)
    open(os.path.join(work, "NOTES.txt"), "w").write("landed on main after the branch point\n")
    git("add", "NOTES.txt", cwd=work)
    git("commit", "-qm", "main moves on", cwd=work)
    main_head = git("rev-parse", "HEAD", cwd=work)
    git("clone", "-q", "--bare", work, origin)
    git("push", "-q", origin, "slower-demo", cwd=work)
    return origin, work, {"pr_head": pr_head, "branch_point": branch_point, "main_head": main_head}


def pr_event(shas, number, fork):
    return {"number": number, "pull_request": {
        "number": number, "head": {"sha": shas["pr_head"], "repo": {"fork": fork, "full_name": "fork/benchgate-demo"}},
        "base": {"sha": shas["main_head"], "repo": {"full_name": REPO}}}}


def workflow_run_event(run_id, head_sha, conclusion):
    # Pull requests from forks are not listed in workflow_run.pull_requests: the number must
    # come from the artifact, which is why the comment workflow validates it.
    return {"workflow_run": {"id": run_id, "event": "pull_request", "conclusion": conclusion, "head_sha": head_sha,
                             "html_url": f"https://github.com/{REPO}/actions/runs/{run_id}", "pull_requests": []}}


def scenario_fork_pr(r, shas):
    pr = r.run_workflow("benchmarks.yml", "pull_request", pr_event(shas, 7, fork=True), shas["pr_head"], OVERRIDES)
    gate_logs = "\n".join(v for k, v in pr["logs"].items() if k.startswith("gate"))
    check("fork PR: both shards build the head and its merge base (not main's tip)",
          gate_logs.count(f"merge base {shas['branch_point']}") == 2 and shas["main_head"] not in gate_logs.split("merge base")[1][:41],
          gate_logs[-3000:])
    check("fork PR: the duet gate finds the 40% slower demo and fails the gate job; the report job still runs",
          pr["results"].get("gate") == "failure" and pr["results"].get("report") == "success" and "REGRESSION" in gate_logs,
          str(pr["results"]) + gate_logs[-2000:])
    report_summary = pr["summaries"].get("report", "")
    check("fork PR: the job summary holds the markdown report with the marker",
          report_summary.startswith(MARKER) and "| Benchmark |" in report_summary, report_summary[:500])
    art = os.path.join(r.artifacts, pr["run_id"], "benchmark-report")
    meta = json.load(open(os.path.join(art, "pr.json"))) if os.path.exists(os.path.join(art, "pr.json")) else {}
    check("fork PR: the report artifact carries the PR number, the head SHA and JUnit files",
          meta == {"number": 7, "head_sha": shas["pr_head"]} and glob.glob(os.path.join(art, "*.xml")), meta)

    r.set_pull(7, shas["pr_head"])
    c1 = r.run_workflow("benchmarks-comment.yml", "workflow_run", workflow_run_event(pr["run_id"], shas["pr_head"], "failure"),
                        shas["main_head"])
    comments = r.github_state()["comments"].get("7", [])
    workspaces = glob.glob(os.path.join(r.base, "runners", "comment-*", "repo"))
    check("comment workflow: one comment with the marker and the verdicts on PR 7, without checking out any code",
          c1["results"].get("comment") == "success" and len(comments) == 1 and comments[0]["body"].startswith(MARKER) and
          "REGRESSION" in comments[0]["body"] and workspaces and
          all(os.listdir(w) == ["report"] for w in workspaces),
          str(c1["results"]) + str([os.listdir(w) for w in workspaces]) + (comments[0]["body"][:600] if comments else ""))
    # The comment workflow again (as for a later run of the gate): the comment is edited.
    r.run_workflow("benchmarks-comment.yml", "workflow_run", workflow_run_event(pr["run_id"], shas["pr_head"], "failure"),
                   shas["main_head"])
    comments = r.github_state()["comments"].get("7", [])
    methods = [c["method"] for c in r.api_calls() if "/comments" in c["path"] and c["method"] != "GET"]
    check("a second run updates the same comment (PATCH), never a second one",
          len(comments) == 1 and methods == ["POST", "PATCH"], str(methods))
    return pr


def scenario_forged(r, shas, pr):
    forged_run = str(int(pr["run_id"]) + 1000)
    src = os.path.join(r.artifacts, pr["run_id"], "benchmark-report")
    dest = os.path.join(r.artifacts, forged_run, "benchmark-report")
    shutil.copytree(src, dest)
    json.dump({"number": 8, "head_sha": shas["pr_head"]}, open(os.path.join(dest, "pr.json"), "w"))
    r.set_pull(8, shas["main_head"])
    before = len(r.api_calls())
    c = r.run_workflow("benchmarks-comment.yml", "workflow_run", workflow_run_event(forged_run, shas["pr_head"], "success"),
                       shas["main_head"])
    posted = [x for x in r.api_calls()[before:] if x["method"] != "GET"]
    check("a report naming another PR (whose head is not the measured commit) is refused; nothing posted",
          c["results"].get("comment") == "failure" and not posted and "refusing" in c["logs"].get("comment", ""),
          c["logs"].get("comment", "")[-800:])
    json.dump({"number": "8; rm -rf /", "head_sha": shas["pr_head"]}, open(os.path.join(dest, "pr.json"), "w"))
    c = r.run_workflow("benchmarks-comment.yml", "workflow_run", workflow_run_event(forged_run, shas["pr_head"], "success"),
                       shas["main_head"])
    check("a PR 'number' that is not a number is refused", c["results"].get("comment") == "failure" and
          "not a pull request number" in c["logs"].get("comment", ""), c["logs"].get("comment", "")[-500:])


def scenario_long(r, shas, pr):
    long_run = str(int(pr["run_id"]) + 2000)
    src = os.path.join(r.artifacts, pr["run_id"], "benchmark-report")
    dest = os.path.join(r.artifacts, long_run, "benchmark-report")
    shutil.copytree(src, dest)
    body = open(os.path.join(dest, "report.md")).read()
    open(os.path.join(dest, "report.md"), "w").write(body + ("| row | of | a | very | long | report |\n" * 4000))
    r.set_pull(9, shas["pr_head"])
    json.dump({"number": 9, "head_sha": shas["pr_head"]}, open(os.path.join(dest, "pr.json"), "w"))
    r.run_workflow("benchmarks-comment.yml", "workflow_run", workflow_run_event(long_run, shas["pr_head"], "success"),
                   shas["main_head"])
    comments = r.github_state()["comments"].get("9", [])
    check("a report over GitHub's comment limit is truncated under 64 KB with a link to the run's artifact",
          len(comments) == 1 and len(comments[0]["body"].encode()) < 65536 and "truncated" in comments[0]["body"] and
          f"actions/runs/{long_run}" in comments[0]["body"], len(comments[0]["body"]) if comments else "no comment")


def scenario_history(r, shas, origin):
    hook = os.path.join(origin, "hooks", "pre-receive")
    flag = os.path.join(r.base, "reject-once")
    with open(hook, "w") as f:
        f.write(f"#!/bin/sh\n# Rejects one push to the history branch, as a push that lost a race is.\n"
                f"while read old new ref; do\n  if [ \"$ref\" = refs/heads/benchmark-history ] && [ -f '{flag}' ]; then\n"
                f"    rm -f '{flag}'; echo 'rejected: fetch first' >&2; exit 1\n  fi\ndone\nexit 0\n")
    os.chmod(hook, 0o755)
    env = dict(OVERRIDES, KEEP_RUNS="1")
    runs = []
    for i in range(2):
        if i == 1:
            open(flag, "w").close()
        runs.append(r.run_workflow("benchmarks-main.yml", "push", {"ref": "refs/heads/main"}, shas["main_head"], env))
    listing = git("ls-tree", "-r", "--name-only", "benchmark-history", cwd=origin).split()
    entries = [n for n in listing if n.startswith("regression_demo/") and n.endswith(".json")]
    hist_log = runs[1]["logs"].get("history", "")
    check("two pushes to main: every job succeeds; with KEEP_RUNS=1 the history branch keeps the newest run only",
          all(x["results"] == {"measure": "success", "history": "success", "pages": "success"} for x in runs) and
          len(entries) == 1 and "regression_demo/.benchgate-history" in listing,
          str([x["results"] for x in runs]) + str(listing) + runs[-1]["logs"].get("history", "")[-1500:])
    check("a push rejected once (a lost race) is retried on the fetched tip and lands",
          "fetching it and adding again" in hist_log and "history extended (attempt 2)" in hist_log, hist_log[-1500:])
    log = git("log", "--format=%s", "benchmark-history", cwd=origin).splitlines()
    check("each push is one commit on the history branch", len(log) == 2 and all(shas["main_head"] in s for s in log), log)
    page = os.path.join(r.pages, "regression_demo", "index.html")
    html = open(page).read() if os.path.exists(page) else ""
    check("the dashboard is generated from the history and published (pages artifact, deploy)",
          html.startswith("<!") and os.path.exists(os.path.join(r.pages, "index.html")) and
          os.path.exists(os.path.join(r.base, "pages-deployed")) and not re.search(r"(src|href)=[\"']?(https?:)?//", html),
          str(os.listdir(r.pages)) if os.path.isdir(r.pages) else "no pages")


def scenario_weekly(r, shas):
    w = r.run_workflow("benchmarks-weekly.yml", "schedule", {}, shas["main_head"], OVERRIDES)
    s = w["summaries"].get("trends", "")
    check("weekly: the full suite's table and the trend of the history in the job summary",
          "| Benchmark |" in s and "Benchmark trends" in s and "regression_demo" in s and
          w["results"]["trends"] in ("success", "failure"), s[:800] + w["logs"].get("trends", "")[-1000:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keep", help="work in this directory and keep it (default: a temporary one, removed)")
    ap.add_argument("--scenario", action="append", choices=["fork-pr", "forged-report", "long-report", "history", "weekly"])
    args = ap.parse_args()
    wanted = set(args.scenario or ["fork-pr", "forged-report", "long-report", "history", "weekly"])
    base = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="benchgate-ci-dry-run-")
    os.makedirs(os.path.join(base, "runners"), exist_ok=True)
    try:
        origin, _, shas = make_origin(base)
        r = Runner(base, origin)
        pr = None
        if wanted & {"fork-pr", "forged-report", "long-report"}:
            pr = scenario_fork_pr(r, shas)
        if "forged-report" in wanted:
            scenario_forged(r, shas, pr)
        if "long-report" in wanted:
            scenario_long(r, shas, pr)
        if wanted & {"history", "weekly"}:
            scenario_history(r, shas, origin)
        if "weekly" in wanted:
            # The weekly job reads the history branch the pushes above wrote.
            scenario_weekly(r, shas)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    _tally.finish()


if __name__ == "__main__":
    main()
