"""SECURITY.md says how each promise is tested: every test file it names must exist, so the
page cannot drift from the suite."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_file_named_in_security_md_exists():
    text = (ROOT / "SECURITY.md").read_text()
    named = set(re.findall(r"`((?:tests/[\w/]*)?test_\w+\.py|tests/[\w/]+\.py)`", text))
    assert len(named) > 20
    existing = {path.relative_to(ROOT).as_posix() for path in (ROOT / "tests").rglob("*.py")}
    names = {path.rsplit("/", 1)[-1] for path in existing}
    missing = sorted(
        name for name in named if (name not in existing if "/" in name else name not in names)
    )
    assert not missing, f"SECURITY.md names test files that do not exist: {missing}"
