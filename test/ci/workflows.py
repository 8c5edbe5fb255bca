#!/usr/bin/env python3
"""Checks of the GitHub Actions workflows in .github/workflows/: each validated against the
published workflow schema with @action-validator/cli (installed by the dependency step into
tools/ci-validate/), then the security rules the workflows promise, read from the YAML:
least-privilege `permissions:` on the workflow and on every job, no pull_request_target, no
`${{ }}` expansion inside shell (values reach scripts through `env:`), the comment workflow
never checks out code, the PR gate compares with the merge base.

    test/ci/workflows.py
Exit 77 (skipped) when the validator is not installed.
"""
import glob
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import benchkit  # noqa: E402

VALIDATOR = os.path.join(ROOT, "tools", "ci-validate", "node_modules", ".bin", "action-validator")
files = sorted(glob.glob(os.path.join(ROOT, ".github", "workflows", "*.yml")))
tally = benchkit.Tally(detail_limit=1200)
check = tally.record


if not os.access(VALIDATOR, os.X_OK):
    print("skipped: @action-validator/cli is not installed (make test installs it into tools/ci-validate; "
          "or: npm ci --prefix tools/ci-validate)")
    sys.exit(77)

check("four workflows: the PR gate, its comment, pushes to main, weekly",
      [os.path.basename(f) for f in files] ==
      ["benchmarks-comment.yml", "benchmarks-main.yml", "benchmarks-weekly.yml", "benchmarks.yml"], files)
for f in files:
    name = os.path.basename(f)
    r = subprocess.run([VALIDATOR, f], capture_output=True, text=True)
    check(f"{name}: valid against the workflow schema", r.returncode == 0, r.stdout + r.stderr)
    wf = yaml.safe_load(open(f))
    on = wf.get(True, wf.get("on"))  # YAML 1.1 reads the key `on` as true
    check(f"{name}: never pull_request_target", "pull_request_target" not in (on or {}), on)
    check(f"{name}: a workflow-level permissions block", "permissions" in wf, list(wf))
    for job, spec in wf["jobs"].items():
        check(f"{name}: job {job} states its permissions", isinstance(spec.get("permissions"), dict), spec.get("permissions"))
        for step in spec.get("steps", []):
            run = step.get("run", "")
            check(f"{name}: {job}: '{step.get('name', step.get('uses'))}' expands no ${{{{ }}}} inside shell",
                  "${{" not in run, run[:300])

pr = yaml.safe_load(open(os.path.join(ROOT, ".github", "workflows", "benchmarks.yml")))
perms = [pr["permissions"]] + [j["permissions"] for j in pr["jobs"].values()]
check("benchmarks.yml: read-only everywhere (contents: read), so fork PRs run it unchanged",
      all(p == {"contents": "read"} for p in perms), perms)
gate_text = open(os.path.join(ROOT, ".github", "workflows", "benchmarks.yml")).read()
check("benchmarks.yml: the PR head and its merge base (fetch-depth 0, git merge-base), duet mode, fails on REGRESSION",
      "fetch-depth: 0" in gate_text and "git merge-base" in gate_text and "--against" in gate_text and
      "--shard" in gate_text and "$GITHUB_STEP_SUMMARY" in gate_text, "")
check("benchmarks.yml: the thresholds come from REGRESSION_THRESHOLD, WARN_THRESHOLD, IMPROVEMENT_THRESHOLD",
      pr["env"].get("REGRESSION_THRESHOLD") == 10 and pr["env"].get("WARN_THRESHOLD") == 5 and
      pr["env"].get("IMPROVEMENT_THRESHOLD") == 10 and '--threshold "$REGRESSION_THRESHOLD"' in gate_text and
      '--warn-threshold "$WARN_THRESHOLD"' in gate_text and '--improvement-threshold "$IMPROVEMENT_THRESHOLD"' in gate_text,
      pr["env"])
cm = yaml.safe_load(open(os.path.join(ROOT, ".github", "workflows", "benchmarks-comment.yml")))
steps = [s for j in cm["jobs"].values() for s in j.get("steps", [])]
check("benchmarks-comment.yml: workflow_run of benchmarks; pull-requests: write and actions: read only; no checkout",
      cm[True]["workflow_run"]["workflows"] == ["benchmarks"] and
      cm["jobs"]["comment"]["permissions"] == {"pull-requests": "write", "actions": "read"} and
      not any("checkout" in s.get("uses", "") for s in steps), cm["jobs"]["comment"]["permissions"])
mn = yaml.safe_load(open(os.path.join(ROOT, ".github", "workflows", "benchmarks-main.yml")))
check("benchmarks-main.yml: one concurrency group, not cancelled; write access only where the history is pushed",
      mn["concurrency"] == {"group": "benchmark-history", "cancel-in-progress": False} and
      mn["jobs"]["measure"]["permissions"] == {"contents": "read"} and
      mn["jobs"]["history"]["permissions"] == {"contents": "write"} and
      mn["jobs"]["pages"]["permissions"] == {"pages": "write", "id-token": "write"}, mn.get("concurrency"))
wk = yaml.safe_load(open(os.path.join(ROOT, ".github", "workflows", "benchmarks-weekly.yml")))
check("benchmarks-weekly.yml: a weekly schedule and workflow_dispatch",
      "schedule" in wk[True] and "workflow_dispatch" in wk[True], wk[True])

tally.finish()
