"""The clause reader and the sources' own rules, on small hand-written prints: what a line is
(clause heading, subsection, paragraph, cross-heading, quoted text), what the reader reports,
and how HTML and Word mark pages and lines."""

from __future__ import annotations

import io

import pytest

from consult.bills.importers import ImportRefused, kind_of, read_print, read_text
from consult.bills.importers.lines import clean
from consult.bills.printtext import PrintText, keys
from consult.bills.structure import ParsedPrint, PrintedLine

PASTED = """Police Reform Bill
A BILL TO make provision about policing.
Authorisation
1 Use of live facial recognition
(1) A chief officer may authorise—
(a) the use of live facial recognition;
(h) a record of each use;
(i) the deletion of images, and
(j) a report to the Commissioner, which must—
(i) say how many images were taken, and
(ii) say how many were deleted.
(2) In section 39A of the Police Act 1996, after subsection (4) insert—
“(4A) The code must set out—
(a) when images may be kept, and
(b) how long they may be kept.”
(3) An authorisation lasts 12 months.
2 Watchlists
A watchlist must be reviewed every 2010 days, and
5 years after that.
"""


def labels(parsed: ParsedPrint) -> list[tuple[str | None, str | None]]:
    return [(line.provision, line.subsection) for line in parsed.lines]


def test_pasted_text_without_pages_is_numbered_on_page_1_and_says_so():
    parsed = read_text(PASTED)
    assert "no page breaks" in parsed.problems[0].message
    assert {line.page for line in parsed.lines} == {1}
    assert [line.line for line in parsed.lines] == list(range(1, 20))
    assert parsed.lines[0].text == "Police Reform Bill"  # one page: the first line is text


def test_subsections_paragraphs_and_quoted_text():
    got = labels(read_text(PASTED))
    assert got[2] == (None, None)  # a cross-heading belongs to no clause yet
    assert got[3] == ("1", None)  # the heading
    assert got[4:7] == [("1", "(1)"), ("1", "(1)(a)"), ("1", "(1)(h)")]
    assert got[7] == ("1", "(1)(i)")  # (i) after (h) is a paragraph
    assert got[8:11] == [("1", "(1)(j)"), ("1", "(1)(j)(i)"), ("1", "(1)(j)(ii)")]
    assert got[11:15] == [("1", "(2)")] * 4  # the quoted (4A), (a), (b) are another Act's
    assert got[15] == ("1", "(3)")
    assert got[16:] == [("2", None)] * 3  # "5 years" is not clause 5


def test_clause_numbers_out_of_sequence_or_twice_are_reported():
    parsed = read_print(
        b"<html><body><p><b>1 First</b></p><p>(1) Text.</p><p><b>3 Third</b></p><p>Text.</p>"
        b"<p><b>3 Again</b></p><p>Text.</p></body></html>"
    )
    messages = [problem.message for problem in parsed.problems]
    assert any("Clause 3 follows clause 1" in message for message in messages)
    assert any("3 appears twice" in message for message in messages)
    assert [provision.number for provision in parsed.provisions] == ["1", "3"]


def test_text_with_no_clause_headings_is_reported():
    parsed = read_text("Some notes about the bill.\nNothing numbered here.")
    assert any("No clause headings" in problem.message for problem in parsed.problems)


def test_html_pages_by_id_or_page_break_and_lines_by_br():
    html = (
        '<html><body><div id="page-7"><p><strong>1 Heading</strong><br>(1) First line<br>'
        "second line.</p></div>"
        '<p style="page-break-before: always"><span class="lineNumber">1</span>(2) Next.</p>'
        "</body></html>"
    )
    parsed = read_print(html.encode())
    assert [(line.page, line.line, line.text) for line in parsed.lines] == [
        (7, 1, "1 Heading"),
        (7, 2, "(1) First line"),
        (7, 3, "second line."),
        (8, 1, "(2) Next."),
    ]
    assert parsed.provision("1").end == (8, 1)  # a clause over a page break


def test_html_headings_by_class_as_legislation_sites_mark_them():
    html = (
        '<html><body><p class="LegP1GroupTitle">1 Use of images</p><p>(1) Text.</p>'
        '<p class="LegCrossHeading">Oversight</p><p class="LegP1GroupTitle">2 Reports</p>'
        "<p>Text.</p></body></html>"
    )
    parsed = read_print(html.encode())
    assert [(p.number, p.heading) for p in parsed.provisions] == [
        ("1", "Use of images"),
        ("2", "Reports"),
    ]
    assert parsed.lines[2].provision is None  # the cross-heading


def test_word_page_breaks_rendered_breaks_line_breaks_and_typed_margin_numbers():
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement

    document = Document()
    document.add_paragraph().add_run("1 Heading").bold = True
    document.add_paragraph("(1) line 1")
    for number in range(2, 5):  # the fifth line has its margin number typed before a tab
        document.add_paragraph(f"5\tline {number}" if number == 4 else f"line {number}")
    document.add_paragraph("end of page").add_run().add_break(WD_BREAK.PAGE)
    paragraph = document.add_paragraph("(2) on page 2")
    paragraph.add_run(" and a line break").add_break()
    paragraph.add_run("after it.")
    rendered = document.add_paragraph()  # where Word's last layout turned the page
    rendered.add_run()._r.append(OxmlElement("w:lastRenderedPageBreak"))
    rendered.add_run("page 3")
    out = io.BytesIO()
    document.save(out)
    parsed = read_print(out.getvalue())
    assert [(line.page, line.line, line.text, line.subsection) for line in parsed.lines] == [
        (1, 1, "1 Heading", None),
        (1, 2, "(1) line 1", "(1)"),
        (1, 3, "line 2", "(1)"),
        (1, 4, "line 3", "(1)"),
        (1, 5, "line 4", "(1)"),
        (1, 6, "end of page", "(1)"),
        (2, 1, "(2) on page 2 and a line break", "(2)"),
        (2, 2, "after it.", "(2)"),
        (3, 1, "page 3", "(2)"),
    ]
    assert [problem.message[:40] for problem in parsed.problems] == [
        "Word does not store where its lines wrap"
    ]


def test_kinds_are_told_from_the_bytes_not_the_name():
    assert kind_of(b"%PDF-1.7 ...") == "pdf"
    assert kind_of(b"PK\x03\x04...") == "docx"
    assert kind_of(b"\xef\xbb\xbf<!DOCTYPE html><html>") == "html"
    assert kind_of(b"1 Heading\n(1) Text") == "text"
    with pytest.raises(ImportRefused):
        kind_of(b"\x00\x01\x02")


def test_clean_keeps_printed_text_and_drops_control_characters():
    assert clean("  the\u00a0authori\ufffe ") == "the authori-"
    assert clean("a\x00b\x1bc\u202ed") == "a b c d"


def test_whole_words_and_the_page_line_index():
    lines = [
        PrintedLine(1, 1, "the authori-", "1", None, hyphenated=True),
        PrintedLine(1, 2, "sed officer may co-", "1", None, hyphenated=True),
        PrintedLine(1, 3, "operate.", "1", None),
        PrintedLine(2, 1, "(2) Next", "1", "(2)"),
    ]
    parsed = ParsedPrint("Bill", lines=list(lines))
    assert parsed.whole_words(1, 1) == "the authorised"
    assert parsed.whole_words(1, 2) == "authorised officer may cooperate."
    assert parsed.whole_words(1, 3) == "cooperate."
    assert parsed.whole_words(9, 9) is None
    assert parsed.line_at(2, 1).text == "(2) Next"
    parsed.lines[3] = PrintedLine(2, 5, "(2) Moved", "1", "(2)")  # replaced in place
    assert parsed.line_at(2, 1) is None
    assert parsed.line_at(2, 5).text == "(2) Moved"
    parsed.lines.append(PrintedLine(3, 1, "More", "2", None))
    assert parsed.line_at(3, 1).text == "More"


def test_refusals_are_domain_errors_that_say_whether_too_large():
    from consult.errors import DomainError

    error = ImportRefused("Too big.", too_large=True)
    assert isinstance(error, DomainError) and error.too_large
    assert not ImportRefused("Unreadable.").too_large


def test_a_word_the_importer_saw_broken_is_found_whole_even_where_the_text_alone_would_not_say():
    # "Sub-" / "Section" could be a compound or a broken word; the PDF layout told the importer.
    lines = [
        PrintedLine(1, 1, "in this Sub-", "1", hyphenated=True),
        PrintedLine(1, 2, "Section the officer", "1"),
    ]
    text = PrintText(ParsedPrint("Bill", lines=lines))
    assert text.find(keys("this SubSection the")) == [1]
    unflagged = PrintText(
        ParsedPrint("Bill", lines=[PrintedLine(1, 1, "in this Sub-", "1"), lines[1]])
    )
    assert unflagged.find(keys("this SubSection the")) == []
    assert text.index_of(1, 2) == 1 and text.index_of(2, 1) is None
