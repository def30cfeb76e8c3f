"""What the browser tests found that is not a failure, printed at the end of the run by the
terminal summary in tests/conftest.py: axe-core's moderate and minor findings, and the
screenshots taken (in test-artifacts/e2e/)."""

from __future__ import annotations

LESSER_FINDINGS: list[str] = []
SCREENSHOTS: list[str] = []
