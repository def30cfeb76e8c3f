"""The PDF's signatories annex with names and affiliations too long for a line: wrapped onto
further lines, never cut; the columns and page breaks still right; the whole entry in the text
that pypdf and poppler extract and in the structure element assistive technology reads."""

from __future__ import annotations

import re
from dataclasses import replace

from consult.exports.document import Signatories
from consult.exports.pdf import render_pdf
from consult.exports.pdf_fonts import TextSet
from consult.exports.pdf_layout import (
    COLUMN_WIDTH,
    COLUMNS,
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


def test_wrapped_entries_keep_the_columns_the_order_and_the_page_margins():
    signatories = Signatories((), people(), 400)
    layout = lay_out_annex(signatories)
    bottom = PAGE.top - PAGE.content_height
    middle = PAGE.left + COLUMN_WIDTH + (PAGE.right - PAGE.left - COLUMNS * COLUMN_WIDTH) / 2
    placed = []  # (page, column, first line's y) per entry, in the order drawn
    wrapped = 0
    for number, page in enumerate(layout.pages):
        occupied: dict[int, list[tuple[float, float]]] = {0: [], 1: []}
        for item in page:
            if layout.groups[item.group] != "L":
                continue
            lines = [(float(x), float(y)) for x, y in POSITION.findall(item.ops)]
            column = 0 if lines[0][0] < middle else 1
            top, low = lines[0][1], lines[-1][1]
            assert low >= bottom, "an entry runs into the bottom margin"
            assert [y for _, y in lines] == sorted((y for _, y in lines), reverse=True)
            assert all(x > lines[0][0] for x, _ in lines[1:]), "further lines are indented"
            for above, below in occupied[column]:
                assert low > above or top < below, "two entries overlap"
            occupied[column].append((top, low))
            placed.append((number, column, -top))
            wrapped += len(lines) > 1
    assert wrapped == sum(1 for name, _ in signatories.people if LONG_NAME in name) + 1
    # Read column by column, page by page, the entries come in the order given.
    assert placed == sorted(placed)
    assert len(placed) == len(signatories.people)


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
