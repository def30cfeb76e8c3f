"""The live editor's bundle is what its committed sources build: `make bundle`'s steps (npm ci
from assets/live-editor's package-lock.json, then build.mjs) run in a scratch folder give the
committed static/js/live-editor.js and static/vendor/live-editor/LICENSES.txt byte for byte.
So nobody can change the bundle by hand, nor a dependency without its lockfile and licences.

Needs node, npm and the npm registry: without them the test is skipped, except in CI (the CI
variable is set), where CI machines have all three and a skip would hide a stale bundle."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "assets" / "live-editor"
BUILT = ("static/js/live-editor.js", "static/vendor/live-editor/LICENSES.txt")


def cannot(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must check the live editor's bundle, but {reason}", pytrace=False)
    pytest.skip(reason)


def run(command: list[str], folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=folder, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_committed_bundle_is_what_the_locked_sources_build(tmp_path):
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        cannot("node and npm are not installed (apt-get install nodejs npm)")
    work = tmp_path / "live-editor"
    shutil.copytree(SOURCES, work, ignore=shutil.ignore_patterns("node_modules"))

    installed = run([npm, "ci", "--no-audit", "--no-fund"], work)
    if installed.returncode != 0:
        cannot(f"npm ci failed (is the npm registry reachable?):\n{installed.stderr[-2000:]}")
    built = run([node, "build.mjs", "--out", str(tmp_path / "out")], work)
    assert built.returncode == 0, built.stderr

    for name in BUILT:
        fresh = (tmp_path / "out" / name).read_bytes()
        committed = (ROOT / name).read_bytes()
        assert fresh == committed, (
            f"{name} is not what assets/live-editor builds: run `make bundle` and commit it "
            f"({len(committed)} bytes committed, {len(fresh)} built)"
        )
