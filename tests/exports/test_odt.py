"""The OpenDocument renderer, read back with odfpy (and LibreOffice once): the content, heading
styles and outline levels, real lists for numbered paragraphs, real footnotes, only consenting
signatories, properties, the DRAFT mark, hostile text kept as text, byte-identical output."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date

from lxml import etree
from odf import dc, meta, teletype
from odf import style as st
from odf import table as tb
from odf import text as tx
from odf.element import Element
from odf.namespaces import OFFICENS, STYLENS, TEXTNS
from odf.opendocument import load

from consult.exports.builder import build_document
from consult.exports.document import Paragraph, Signatories, Span
from consult.exports.odt import render_odt
from tests.exports.office_documents import (
    FINGERPRINT,
    VERIFY_URL,
    irregular_document,
    large_document,
    model_paragraph_texts,
    pdf_text_of_converted,
    rich_document,
)


def _open(data: bytes):
    return load(io.BytesIO(data))


def _attr(element: Element, namespace: str, name: str) -> str | None:
    return element.attributes.get((namespace, name))


def _texts(odt, kind) -> list[str]:
    return [teletype.extractText(e) for e in odt.text.getElementsByType(kind)]


def _headings(odt, level: int) -> list[str]:
    return [
        teletype.extractText(h)
        for h in odt.text.getElementsByType(tx.H)
        if _attr(h, TEXTNS, "outline-level") == str(level)
        and _attr(h, TEXTNS, "style-name") == f"Heading_20_{level}"
    ]


def _meta(odt, kind) -> str:
    return teletype.extractText(odt.meta.getElementsByType(kind)[0])


def _verify(fingerprint: str) -> str:
    return f"https://consult.test/verify/{fingerprint}"


def test_every_question_and_answer_is_in_the_file_closed_choice_first(
    export_response, frozen_version
):
    document = build_document(export_response, frozen_version, "home-office")
    odt = _open(render_odt(document))
    paragraphs = _texts(odt, tx.P)
    assert _headings(odt, 1)[: len(document.parts)] == [part.heading for part in document.parts]
    for part in document.parts:
        if part.choice:
            assert f"Answer: {part.choice}" in paragraphs
    for expected in model_paragraph_texts(document):
        assert any(expected in text for text in paragraphs), expected


def test_headings_use_heading_styles_with_outline_levels(export_response, frozen_version):
    document = build_document(export_response, frozen_version, "select-committee")
    odt = _open(render_odt(document))
    title = [
        teletype.extractText(p)
        for p in odt.text.getElementsByType(tx.P)
        if _attr(p, TEXTNS, "style-name") == "Title"
    ]
    assert title == [f"Written evidence submitted by {document.organisation}"]
    assert 'What "biometric" should mean' in _headings(odt, 2)
    styles = {_attr(s, STYLENS, "display-name") for s in odt.styles.getElementsByType(st.Style)}
    assert {"Heading 1", "Heading 2", "Heading 3", "Title"} <= styles


def test_numbered_paragraphs_are_a_real_list_keeping_the_builders_numbers(
    export_response, frozen_version
):
    document = build_document(export_response, frozen_version, "select-committee")
    odt = _open(render_odt(document))
    lists = [
        element
        for element in odt.text.getElementsByType(tx.List)
        if _attr(element, TEXTNS, "style-name") == "Paragraph_20_numbers"
    ]
    numbers = [
        int(block.number)
        for part in document.parts
        for block in part.blocks
        if isinstance(block, Paragraph) and block.number
    ]
    items = [item for element in lists for item in element.getElementsByType(tx.ListItem)]
    assert len(items) == len(numbers) > 5
    starts = [int(_attr(element.childNodes[0], TEXTNS, "start-value")) for element in lists]
    assert starts[0] == 1 and starts == sorted(starts)
    assert set(starts) <= set(numbers)
    assert not teletype.extractText(items[0]).startswith("1")


def test_restarted_numbers_start_a_new_list_and_odd_ones_are_typed():
    odt = _open(render_odt(irregular_document()))
    lists = [
        element
        for element in odt.text.getElementsByType(tx.List)
        if _attr(element, TEXTNS, "style-name") == "Paragraph_20_numbers"
    ]
    assert [len(element.childNodes) for element in lists] == [2, 1]
    assert [_attr(element.childNodes[0], TEXTNS, "start-value") for element in lists] == ["1", "1"]
    assert any(text.startswith("2.1\tParagraph 2.1") for text in _texts(odt, tx.P))


def test_footnote_labels_the_suite_would_number_differently_are_custom_labels():
    odt = _open(render_odt(irregular_document()))
    citations = [
        n.getElementsByType(tx.NoteCitation)[0] for n in odt.text.getElementsByType(tx.Note)
    ]
    assert [_attr(c, TEXTNS, "label") for c in citations] == ["1", "1"]


def test_lists_are_real_lists_nested_and_restarting():
    odt = _open(render_odt(rich_document()))
    bullets = [
        element
        for element in odt.text.getElementsByType(tx.List)
        if _attr(element, TEXTNS, "style-name") == "Bullets"
    ]
    assert len(bullets) == 1
    nested = list(bullets[0].getElementsByType(tx.List))[1:]  # [0] is the list itself
    assert [_attr(element, TEXTNS, "style-name") for element in nested] == ["Ordered"]
    assert _attr(nested[0].childNodes[0], TEXTNS, "start-value") == "3"


def test_footnotes_are_real_notes(export_response, frozen_version):
    document = build_document(export_response, frozen_version, "select-committee")
    odt = _open(render_odt(document))
    notes = odt.text.getElementsByType(tx.Note)
    assert len(notes) == sum(len(part.footnotes) for part in document.parts)
    assert all(_attr(note, TEXTNS, "note-class") == "footnote" for note in notes)
    bodies = " ".join(teletype.extractText(n.getElementsByType(tx.NoteBody)[0]) for n in notes)
    assert "Biometrics and Surveillance Camera Commissioner" in bodies
    citations = [teletype.extractText(n.getElementsByType(tx.NoteCitation)[0]) for n in notes]
    assert citations == [str(n) for n in range(1, len(notes) + 1)]


def test_links_are_real_links():
    odt = _open(render_odt(rich_document()))
    targets = [link.getAttribute("href") for link in odt.text.getElementsByType(tx.A)]
    assert targets == ["https://www.example.org/deployments", VERIFY_URL]


def test_signatories_table_lists_only_those_who_consented(
    export_response, signed_version, signed_names
):
    document = build_document(export_response, signed_version, "campaign", verify_url_for=_verify)
    odt = _open(render_odt(document))
    tables = {t.getAttribute("name"): t for t in odt.text.getElementsByType(tb.Table)}

    def rows(name: str) -> list[tuple[str, ...]]:
        return [
            tuple(teletype.extractText(cell) for cell in row.getElementsByType(tb.TableCell))
            for row in tables[name].getElementsByType(tb.TableRow)
        ]

    assert rows("Organisations") == [("Organisation",), *((n,) for n in signed_names.organisations)]
    assert sorted(rows("Individuals")[1:]) == sorted(signed_names.published_people)
    assert tables["Individuals"].getElementsByType(tb.TableHeaderRows)
    everything = "\n".join(_texts(odt, tx.P))
    for hidden in (
        *signed_names.unpublished_people,
        *signed_names.withdrawn,
        *signed_names.pending,
    ):
        assert hidden not in everything
    assert "A further 2 signatories asked not to be named." in everything
    assert signed_version.sha256 in everything
    assert _verify(signed_version.sha256) in everything


def test_document_properties_are_set_from_the_document():
    document = rich_document()
    odt = _open(render_odt(document))
    assert _meta(odt, dc.Title) == document.title
    assert _meta(odt, dc.Creator) == _meta(odt, meta.InitialCreator) == "Northtown Residents"
    assert _meta(odt, dc.Language) == "en-GB"
    assert _meta(odt, dc.Subject) == document.subtitle
    assert _meta(odt, meta.CreationDate) == _meta(odt, dc.Date) == "2026-03-12T00:00:00"
    assert _meta(odt, meta.UserDefined) == FINGERPRINT


def test_a_draft_is_marked_in_the_title_and_on_every_page(export_response):
    document = build_document(export_response, None, "select-committee", today=date(2026, 5, 1))
    odt = _open(render_odt(document))
    assert _texts(odt, tx.P)[0].startswith("DRAFT: Written evidence submitted by")
    (master,) = odt.masterstyles.getElementsByType(st.MasterPage)
    assert "DRAFT" in teletype.extractText(master.getElementsByType(st.Header)[0])
    assert _meta(odt, dc.Title).startswith("DRAFT: ")


def test_page_numbers_are_in_the_footer_except_for_a_public_bill_committee(
    export_response, frozen_version
):
    def page_numbers(profile: str) -> int:
        odt = _open(render_odt(build_document(export_response, frozen_version, profile)))
        return len(odt.masterstyles.getElementsByType(tx.PageNumber))

    assert page_numbers("select-committee") == 1
    assert page_numbers("public-bill-committee") == 0


def test_hostile_names_and_markdown_stay_text(hostile_response, hostile_version, hostile_texts):
    document = build_document(hostile_response, hostile_version, "campaign", verify_url_for=_verify)
    data = render_odt(document)
    odt = _open(data)
    everything = "\n".join(_texts(odt, tx.P))
    assert hostile_texts.organisation in everything
    assert hostile_texts.name in everything
    links = [link.getAttribute("href") for link in odt.text.getElementsByType(tx.A)]
    assert links == [_verify(hostile_version.sha256)]  # the dangerous links became text
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            raw = package.read(name).lower()
            assert b"<script" not in raw and b"<img" not in raw and b"<iframe" not in raw


def test_control_characters_cannot_break_the_file():
    nasty = "Bell\x07 null\x00 escape\x1b form\x0c lone\ud800 end"
    base = rich_document()
    part = replace(base.parts[1], heading=nasty, blocks=(Paragraph((Span(nasty),)),))
    document = replace(
        base,
        heading=nasty,
        parts=(base.parts[0], part),
        signatories=Signatories((nasty,), ((nasty, nasty),), 2),
    )
    odt = _open(render_odt(document))
    assert _texts(odt, tx.P).count("Bell null escape form lone end") == 5


def test_every_style_the_text_uses_is_defined():
    data = render_odt(large_document(30, questions=2, words=100))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        content, styles = (etree.fromstring(package.read(n)) for n in ("content.xml", "styles.xml"))
    name = f"{{{STYLENS}}}name"
    defined = {e.get(name) for tree in (content, styles) for e in tree.iter() if e.get(name)}
    used = {
        value
        for element in content.find(f"{{{OFFICENS}}}body").iter()
        for key, value in element.attrib.items()
        if key.endswith("}style-name")
    }
    assert "SignatoriesCell" in used
    assert used <= defined


def test_the_same_document_gives_byte_identical_files():
    first = render_odt(rich_document())
    _open(first)  # reading a file registers namespaces in odfpy; output must not change
    assert render_odt(rich_document()) == first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert package.infolist()[0].filename == "mimetype"
        assert package.infolist()[0].compress_type == zipfile.ZIP_STORED
        assert {info.date_time for info in package.infolist()} == {(2026, 3, 12, 0, 0, 0)}


def test_a_large_signatories_list_has_every_row_in_tables_of_at_most_500():
    document = large_document(1_250, questions=3, words=600)
    odt = _open(render_odt(document))
    tables = [t for t in odt.text.getElementsByType(tb.Table)]
    names = [t.getAttribute("name") for t in tables]
    assert names == ["Organisations", "Individuals", "Individuals 2", "Individuals 3"]
    rows = [t.getElementsByType(tb.TableRow) for t in tables[1:]]
    assert [len(r) for r in rows] == [501, 501, 251]
    listed = [teletype.extractText(row.childNodes[0]) for run in rows for row in run[1:]]
    assert listed == [name for name, _ in document.signatories.people]


def test_libreoffice_opens_the_file_cleanly(export_response, frozen_version, tmp_path):
    document = build_document(export_response, frozen_version, "home-office")
    text = pdf_text_of_converted(render_odt(document), "response.odt", tmp_path)
    flat = "".join(text.split())  # line breaks and hyphenation aside
    for part in document.parts:
        assert "".join(part.title.split()) in flat
    assert frozen_version.sha256 in flat
