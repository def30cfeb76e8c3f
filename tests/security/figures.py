"""The figures the security tests measure, printed at the end of the run (see conftest.py):
routes x methods x identities the access matrix covered, junk inputs and XSS payloads tried,
requests sent and 5xx answers seen. Tests add to them; the terminal summary prints them, so
CI logs show what was proven, not only that it passed."""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()


def add(name: str, amount: int = 1) -> None:
    """Count `amount` more of `name` (e.g. add("xss payloads tried", 30))."""
    FIGURES[name] += amount
