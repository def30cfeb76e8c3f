"""Counting and listing things in plain English, the same way on every page and in every file:
"1 organisation", "2 organisations and 1 individual", never "0 organisations and 2 individuals".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def count_of(number: int, one: str, many: str | None = None) -> str:
    """ "1 signatory", "2,400 signatories": the number with the noun in the right number."""
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def listed(items: Sequence[str], conjunction: str = "and") -> str:
    """ "A", "A and B", "A, B and C" (or "A, B or C"): no serial comma, as in the rest of
    Consult's wording."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def counts_phrase(counts: Iterable[tuple[int, str, str]]) -> str:
    """Only the non-zero counts of (number, singular, plural), listed: "2 organisations and
    1 individual", "3 individuals"; an empty string when every count is zero."""
    return listed([count_of(number, one, many) for number, one, many in counts if number])
