#!/usr/bin/env python3
"""Checks that the repository is ready to deploy. Exit code 0 means ready."""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--branch", default="main")
    parser.add_argument("--skip-tests", action="store_true")
    args = parser.parse_args()

    problems: list[str] = []
    if shutil.which("flyctl") is None:
        problems.append("flyctl is not installed (https://fly.io/docs/flyctl/install/)")
    if not Path("fly.toml").is_file():
        problems.append("fly.toml is missing: run `flyctl launch --no-deploy` first")

    status = run("git", "status", "--porcelain")
    if status.stdout.strip():
        problems.append("the working tree has uncommitted changes")
    branch = run("git", "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    if branch != args.branch:
        problems.append(f"on branch {branch!r}, expected {args.branch!r}")

    if not args.skip_tests and Path("package.json").is_file():
        tests = run("npm", "test", "--silent")
        if tests.returncode != 0:
            problems.append("npm test failed:\n" + tests.stdout[-2000:] + tests.stderr[-2000:])

    for problem in problems:
        print(f"✗ {problem}")
    if not problems:
        print("✓ ready to deploy")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
