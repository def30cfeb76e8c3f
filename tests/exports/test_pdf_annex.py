"""The PDF's signatories annex with names and affiliations too long for a line: wrapped onto
further lines, never cut; the columns and page breaks still right; the whole entry in the text
that pypdf and poppler extract and in the structure element assistive technology reads."""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from consult.exports.document import Signatories
from consult.exports.pdf import render_pdf
from consult.exports.pdf_fonts import TextSet
from consult.exports.pdf_layout import (
    COLUMN_WIDTH,
    COLUMNS,
    HEADING_SIZE,
    INDENT,
    NAME_SIZE,
    PAGE,
    annex_entry,
    entry_lines,
    lay_out_annex,
)
from tests.exports.test_pdf import (
    assert_marked_content_matches_the_parent_tree,
    read,
    small_document,  # noqa: F401 - a fixture
    squash,
)
from tests.exports.test_pdf_strict import pdftotext

LONG_NAME = (
    "Professor Dame Margaretha Alexandrina Wilhelmina Featherstonehaugh-Cholmondeley "
    "Ó Súilleabháin-Venkataraghavan, Chair of the Independent Review of Biometrics"
)
LONG_AFFILIATION = (
    "Editor, Northtown Privacy Group and the Northtown Residents' Association Working Party "
    "on Live Facial Recognition, Surveillance Cameras and the Retention of Custody Images"
)
UNBROKEN = "Northtown" * 22  # one "word" wider than a column: broken between letters
POSITION = re.compile(r"BT 1 0 0 1 ([\d.]+) ([\d.]+) Tm")


def people() -> tuple[tuple[str, str], ...]:
    """Many ordinary signers with long ones among them, some near page and column ends."""
    found = []
    for number in range(400):
        if number % 37 == 5:
            found.append((f"{LONG_NAME} {number:03d}", LONG_AFFILIATION))
        elif number == 200:
            found.append((f"Signer {number:03d}", UNBROKEN))
        else:
            found.append((f"Signer {number:03d}", "Northtown" if number % 2 else ""))
    return tuple(found)


def test_long_names_and_affiliations_are_wrapped_whole_in_the_extracted_text(
    small_document,  # noqa: F811
    tmp_path,
):
    signatories = Signatories((LONG_AFFILIATION,), people(), 401)
    document = replace(small_document, signatories=signatories)
    data = render_pdf(document, cache_dir=tmp_path)
    reader = read(data)
    by_pypdf = squash("".join(page.extract_text() for page in reader.pages))
    by_poppler = squash(pdftotext(data))

    assert len(LONG_NAME) + len(LONG_AFFILIATION) > 300
    for text in (by_pypdf, by_poppler):
        assert "\u2026" not in text
        assert squash(LONG_AFFILIATION) in text  # the organisation
        for name, affiliation in signatories.people:
            assert squash(f"{name}, {affiliation}" if affiliation else name) in text
    assert_marked_content_matches_the_parent_tree(reader)


def assert_well_placed(signatories: Signatories) -> int:
    """Every entry inside the page's margins, its further lines indented below its first, in
    one column, overlapping no other entry, heading or closing note; read column by column,
    page by page, in the order given. Returns how many entries were wrapped."""
    layout = lay_out_annex(signatories)
    bottom = PAGE.top - PAGE.content_height
    middle = PAGE.left + COLUMN_WIDTH + (PAGE.right - PAGE.left - COLUMNS * COLUMN_WIDTH) / 2
    placed = []  # (group, page, column, -first line's y) per entry, in the order drawn
    wrapped = 0
    for number, page in enumerate(layout.pages):
        occupied: dict[int, list[tuple[float, float]]] = {0: [], 1: []}
        across = []  # headings and the closing note: the page's whole width
        for item in page:
            lines = [(float(x), float(y)) for x, y in POSITION.findall(item.ops)]
            top, low = lines[0][1], lines[-1][1]
            assert low >= bottom and top <= PAGE.top, "an entry runs into the margin"
            if layout.groups[item.group] != "L":
                across.append((top + HEADING_SIZE, low))
                continue
            column = 0 if lines[0][0] < middle else 1
            assert [y for _, y in lines] == sorted((y for _, y in lines), reverse=True)
            assert all(x > lines[0][0] for x, _ in lines[1:]), "further lines are indented"
            for other_top, other_low in occupied[column] + across:
                assert low > other_top or top < other_low, "two entries overlap"
            occupied[column].append((top + NAME_SIZE, low))
            placed.append((item.group, number, column, -top))
            wrapped += len(lines) > 1
    assert placed == sorted(placed)
    named = len(signatories.organisations) + len(signatories.people)
    assert len(placed) == named
    return wrapped


def test_wrapped_entries_keep_the_columns_the_order_and_the_page_margins():
    signatories = Signatories((), people(), 400)

    wrapped = assert_well_placed(signatories)

    assert wrapped == sum(1 for name, _ in signatories.people if LONG_NAME in name) + 1


@pytest.mark.parametrize("seed", range(12))
def test_any_mix_of_long_and_short_entries_is_placed_without_overlap(seed):
    rng = random.Random(seed)
    mixed = []
    for number in range(rng.randint(5, 300)):
        if rng.random() < 0.2:
            name = LONG_NAME[: rng.randint(20, len(LONG_NAME))]
            mixed.append((name, LONG_AFFILIATION[: rng.randint(0, len(LONG_AFFILIATION))]))
        else:
            mixed.append((f"Signer {number}", "Northtown" if number % 2 else ""))
    organisations = tuple(f"Organisation {n}" for n in range(rng.randint(0, 60)))

    assert_well_placed(Signatories(organisations, tuple(mixed), len(mixed) + 70))


def test_an_entry_is_wrapped_into_lines_that_fit_the_column_and_read_as_the_whole():
    text = TextSet("regular")
    for name, affiliation in ((LONG_NAME, LONG_AFFILIATION), ("Ann", UNBROKEN), (UNBROKEN, "")):
        lines, _ = entry_lines(text, name, affiliation)
        whole = f"{name}, {affiliation}" if affiliation else name
        widths = [sum(run.width for run in (*ink, *grey)) * NAME_SIZE / 1000 for ink, grey in lines]
        drawn = ["".join(c for run in (*ink, *grey) for c in run.chars) for ink, grey in lines]

        assert len(lines) > 1
        assert widths[0] <= COLUMN_WIDTH
        assert all(width <= COLUMN_WIDTH - INDENT for width in widths[1:])
        assert squash("".join(drawn)) == squash(whole)  # every character, none added
        assert annex_entry(text, name, affiliation).actual_text == whole
    # The name is drawn in ink and the affiliation in grey, whichever line they fall on.
    lines, _ = entry_lines(text, LONG_NAME, LONG_AFFILIATION)
    assert squash("".join(c for ink, _ in lines for run in ink for c in run.chars)) == squash(
        LONG_NAME
    )
    [(name_runs, affiliation_runs)], _ = entry_lines(text, "Ann Example", "Northtown")
    assert "".join(name_runs[0].chars) == "Ann Example"
    assert "".join(affiliation_runs[0].chars) == ", Northtown"
