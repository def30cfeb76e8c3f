"""Amendments benchmark: `.venv/bin/python bench/amendments.py` prints how long it takes, on a
made-up 300-page print (12,000 lines, about 95,000 words) and a reprint of it (a clause added,
lines deleted, words changed, clauses renumbered, pages broken elsewhere), to
(a) index each print for the amendment rules (consult/bills/printtext.py),
(b) check 100 amendments against the old print (consult/bills/validation.py),
(c) re-map the 100 amendments to the reprint (consult/bills/remap.py), with what became of them.
Issue 14 asks that re-mapping a 300-page print with 100 amendments be fast; the figures are the
median of --repeat runs (the first run of (c) includes building the word-pair index).

Options: --repeat N, --amendments N."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from consult.bills.printtext import PrintText  # noqa: E402
from consult.bills.remap import remap  # noqa: E402
from consult.bills.validation import check_against_print  # noqa: E402
from tests.bills.synthetic import (  # noqa: E402
    amendment_at,
    build,
    edited,
    position_of,
    random_bill,
)

EDITS = [
    ("insert_clause", 3, 5),
    ("delete_line", 10, 7),
    ("insert_line", 30, 2, 9),
    ("change_word", 50, 3, 2),
    ("renumber", 1),
    ("reflow", 37),
]


def timed(function, repeat: int) -> tuple[float, object]:
    """The median time of `repeat` calls, and what the last one returned."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--amendments", type=int, default=100)
    options = parser.parse_args()

    draft = build(random_bill(clauses=120, lines=99), lines_per_page=40)
    old, _ = draft.parsed()
    new, _ = edited(draft, EDITS).parsed()
    step = len(old.lines) // options.amendments
    amendments = [
        amendment_at(old, position_of(old, i * step + 1, 2), 3) for i in range(options.amendments)
    ]
    print(f"old print: {old.pages} pages, {len(old.lines):,} lines")
    print(f"new print: {new.pages} pages, {len(new.lines):,} lines")

    index_time, old_text = timed(lambda: PrintText(old), options.repeat)
    print(f"(a) index a print: {index_time:.2f} s")
    new_text = PrintText(new)
    check_time, _ = timed(
        lambda: [check_against_print(a, old_text) for a in amendments], options.repeat
    )
    print(f"(b) check {len(amendments)} amendments against it: {check_time:.2f} s")
    remap_time, results = timed(lambda: remap(amendments, old_text, new_text), options.repeat)
    statuses = Counter(str(r.status) for r in results)
    count = len(amendments)
    print(f"(c) re-map {count} amendments to the reprint: {remap_time:.2f} s {dict(statuses)}")
    whole, _ = timed(lambda: remap(amendments, old, new), 1)
    print(f"    the same from the two prints, indexing included: {whole:.2f} s")


if __name__ == "__main__":
    main()
