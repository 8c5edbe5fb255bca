#!/usr/bin/env python3
"""benchgate gates benchgate: this repository's own pull-request workflow, run on this machine
against a reference commit, so that a change that slows benchgate down fails as a user's pull
request would.

It runs .github/workflows/benchmarks.yml (which calls benchgate-pr.yml, the reusable workflow
projects adopt) through the same runner as tools/ci-dry-run.py: every `run:` step with `bash -e`
as GitHub does, the shards one after another on this machine, only GitHub's API and the runner
image stubbed. The pull request's head is HEAD (committed work only) and its base the
reference: HEAD's first parent unless --reference or BENCHGATE_REFERENCE names another commit.
Unlike the dry run, the suites are built with this repository's bench profile and measured in
full (no quick mode): the workflow builds the head and the reference side by side and compares
each suite in duet mode.

    tools/self-gate.py [--reference REV] [--head REV] [--keep DIR]

Prints the gate jobs' tables, the report and a last line "self-gate: passed|failed|skipped|
could not run ..."; exits 0 when the gate passed (or was skipped: no reference commit in this
clone), 1 on a REGRESSION, 2 when the gate could not run.
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKFLOW_NAME = "benchmarks"   # the `name:` of .github/workflows/benchmarks.yml


def load_dry_run():
    spec = importlib.util.spec_from_file_location("ci_dry_run", os.path.join(ROOT, "tools", "ci-dry-run.py"))
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    spec.loader.exec_module(module)
    return module


def git(*args, check=True):
    r = subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout.strip() if r.returncode == 0 else None


def commit_of(rev):
    return git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", default=os.environ.get("BENCHGATE_REFERENCE") or None,
                    help="the commit to gate against (default: the head's first parent)")
    ap.add_argument("--head", default="HEAD", help="the commit to gate (default: HEAD)")
    ap.add_argument("--keep", help="work in this directory and keep it (default: a temporary one, removed)")
    args = ap.parse_args()
    start = time.monotonic()

    head = commit_of(args.head)
    if not head:
        print(f"self-gate: could not run: {args.head} is not a commit of this repository")
        return 2
    reference_rev = args.reference or f"{head}^1"
    reference = commit_of(reference_rev)
    if not reference and not args.reference and git("rev-parse", "--is-shallow-repository", check=False) == "true":
        git("fetch", "-q", "--deepen=1", check=False)   # a shallow clone: its parent may be one fetch away
        reference = commit_of(reference_rev)
    if not reference:
        if args.reference:
            print(f"self-gate: could not run: the reference {args.reference} is not a commit of this repository")
            return 2
        # Like a suite that is new in a pull request: nothing to compare with, nothing gated.
        print(f"self-gate: skipped: {head[:10]} has no first parent in this clone (a root commit or a shallow clone)")
        return 0
    if git("status", "--porcelain", "--untracked-files=no", check=False):
        print(f"self-gate: note: uncommitted changes are not gated; the head is the commit {head[:10]}")
    print(f"self-gate: head {head[:10]} against the reference {reference[:10]} "
          f"({git('log', '-1', '--format=%s', reference)[:80]})", flush=True)

    dry = load_dry_run()
    base = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="benchgate-self-gate-")
    try:
        # The pull request's repository: a bare copy of this one whose branches hold the head
        # and the reference, which is where the workflow's checkout fetches from.
        origin = os.path.join(base, "origin.git")
        shutil.rmtree(origin, ignore_errors=True)
        dry.git("init", "-q", "--bare", origin)
        dry.git("config", "uploadpack.allowAnySHA1InWant", "true", cwd=origin)
        dry.git("push", "-q", origin, f"{head}:refs/heads/self-gate-head", f"{reference}:refs/heads/{dry.DEFAULT_BRANCH}",
                cwd=ROOT)
        dry.git("push", "-q", "-f", origin, f"{head}:refs/pull/1/head", cwd=ROOT)
        # This machine as the runner: full measurements, the suites' own build profile, and a
        # compiler cache of this run's own that the second shard's builds hit.
        ccache = os.path.join(base, "ccache")
        machine = {"CCACHE_DIR": ccache, "CCACHE_BASEDIR": base, "CCACHE_NOHASHDIR": "true"}
        runner = dry.Runner(os.path.join(base, "run"), origin, None, ccache, machine=machine)
        event = dry.pr_event(1, head, "self-gate-head", reference)
        runs = runner.trigger("pull_request", event, head, "refs/pull/1/merge", follow=False)
        run = runs.get(WORKFLOW_NAME)
        if run is None:
            print(f"self-gate: could not run: the head has no '{WORKFLOW_NAME}' workflow on pull_request")
            return 2
        if run["refused"]:
            print(f"self-gate: could not run: {run['refused']}")
            return 2
        for label, log in run["logs"].items():
            if "/ gate" in label:
                print(f"== {label}\n{log}\n")
        report_md = os.path.join(runner.artifacts, run["run_id"], "benchgate-report", "report.md")
        report_json = os.path.join(runner.artifacts, run["run_id"], "benchgate-report", "report.json")
        if os.path.exists(report_md):
            print(open(report_md).read())
        verdict = json.load(open(report_json)).get("verdict") if os.path.exists(report_json) else None
        results = ", ".join(f"{k}: {v}" for k, v in run["results"].items() if "(" not in k)
        took = f"{time.monotonic() - start:.0f} s"
        if verdict == "passed" and "failure" not in run["results"].values():
            print(f"self-gate: passed ({results}; {took})")
            return 0
        if verdict == "failed":
            print(f"self-gate: failed: a REGRESSION against {reference[:10]} ({results}; {took})")
            return 1
        for label, log in run["logs"].items():
            if "/ gate" not in label:
                print(f"== {label}\n{log}\n")
        print(f"self-gate: could not run ({results}; {took})")
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
