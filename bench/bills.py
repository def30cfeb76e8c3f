"""Bill import benchmark: `make bench` (or `.venv/bin/python bench/bills.py`) prints the time
to import a 300-page print from its PDF (issue 14's target: under 10 s on this machine), and
the same bill from HTML, Word and text for comparison, with the lines read and the share
placed right.

The print is generated (tests/bills/corpus.py: our own illustrative text in the shape of a
Westminster bill, margin numbers every fifth line, running heads, schedules, a table), so the
figures can be checked against the truth. Each import runs in this process, as read_print
does; the best of --repeat runs is reported with the CPU time, since the machine may be shared.

Options: --pages N (default 300) --repeat N (default 3) --formats pdf,html,docx,text
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from consult.bills.importers import read_print  # noqa: E402
from tests.bills import corpus  # noqa: E402

TARGET_SECONDS = 10.0
RENDER = {
    "pdf": corpus.to_pdf,
    "html": corpus.to_html,
    "docx": corpus.to_docx,
    "text": lambda bill: corpus.to_text(bill).encode(),
}


def bill_of(pages: int) -> corpus.Print:
    """A generated print of at least `pages` pages (about 1.5 pages a clause)."""
    clauses = max(4, int(pages / 1.5))
    while True:
        bill = corpus.make_print(seed=300, clauses=clauses)
        if bill.pages >= pages:
            return bill
        clauses += max(1, (pages - bill.pages))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="pdf,html,docx,text")
    args = parser.parse_args()
    bill = bill_of(args.pages)
    print(f"A generated print: {bill.pages} pages, {len(bill.lines):,} lines")
    slowest_pdf = None
    for kind in args.formats.split(","):
        data = RENDER[kind](bill)
        best = None
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            parsed = read_print(data)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if best is None or wall < best[0]:
                best = (wall, cpu)
        right = sum(
            (found := parsed.line_at(truth.page, truth.line)) is not None
            and found.text == truth.text
            and found.provision == truth.provision
            for truth in bill.lines
        )
        print(
            f"{kind:>5}: {best[0]:6.2f} s (CPU {best[1]:.2f} s), {len(data) / 1e6:5.1f} MB, "
            f"{len(parsed.lines):,} lines, {right / len(bill.lines):.2%} placed right, "
            f"{len(parsed.provisions)} clauses and schedules"
        )
        if kind == "pdf":
            slowest_pdf = best[0]
    if slowest_pdf is not None:
        verdict = "met" if slowest_pdf < TARGET_SECONDS else "MISSED"
        print(f"Target: a {bill.pages}-page PDF under {TARGET_SECONDS:.0f} s: {verdict}")
        return 0 if slowest_pdf < TARGET_SECONDS else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
