"""The Word renderer, read back with python-docx (and LibreOffice once): the content, Word's
own heading styles, numbering and footnotes, only consenting signatories, properties, the
DRAFT mark, hostile text kept as text, and byte-identical output."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime

import docx
import pytest
from lxml import etree

from consult.exports.builder import build_document
from consult.exports.document import Document, Paragraph, Signatories, Span
from consult.exports.docx import render_docx
from consult.exports.office import splice
from tests.exports.office_documents import (
    FINGERPRINT,
    VERIFY_URL,
    irregular_document,
    large_document,
    model_paragraph_texts,
    pdf_text_of_converted,
    rich_document,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _part_xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def _styled(word, style_name: str) -> list[str]:
    return [p.text for p in word.paragraphs if p.style.name == style_name]


def _verify(fingerprint: str) -> str:
    return f"https://consult.test/verify/{fingerprint}"


def test_every_question_and_answer_is_in_the_file_closed_choice_first(
    export_response, frozen_version
):
    document = build_document(export_response, frozen_version, "home-office")
    word = _open(render_docx(document))
    texts = [p.text for p in word.paragraphs]
    headings = _styled(word, "Heading 1")
    for part in document.parts:
        assert part.heading in headings
        if part.choice:
            at = texts.index(part.heading)
            assert texts[at + 1] == f"Answer: {part.choice}"
    for expected in model_paragraph_texts(document):
        assert any(expected in text for text in texts), expected


def test_headings_are_word_heading_styles(export_response, frozen_version):
    document = build_document(export_response, frozen_version, "select-committee")
    word = _open(render_docx(document))
    assert _styled(word, "Title") == [f"Written evidence submitted by {document.organisation}"]
    assert [p.heading for p in document.parts] == _styled(word, "Heading 1")[: len(document.parts)]
    assert 'What "biometric" should mean' in _styled(word, "Heading 2")


def test_numbered_paragraphs_use_word_numbering_not_typed_numbers(export_response, frozen_version):
    document = build_document(export_response, frozen_version, "select-committee")
    data = render_docx(document)
    body = _part_xml(data, "word/document.xml")
    numbered = body.xpath("//w:p[w:pPr/w:pStyle/@w:val='NumberedParagraph']", namespaces=NS)
    expected = [
        block for part in document.parts for block in part.blocks if isinstance(block, Paragraph)
    ]
    expected = [block for block in expected if block.number]
    assert len(numbered) == len(expected) > 5
    assert all(p.xpath("w:pPr/w:numPr/w:numId", namespaces=NS) for p in numbered)
    first_text = "".join(numbered[0].xpath(".//w:t/text()", namespaces=NS))
    assert not first_text.startswith("1")
    numbering = _part_xml(data, "word/numbering.xml")
    formats = numbering.xpath("//w:abstractNum/w:lvl/w:numFmt/@w:val", namespaces=NS)
    assert "decimal" in formats and "bullet" in formats
    # One instance carries the counter 1, 2, 3 ... across every section.
    ids = {p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS) for p in numbered}
    assert len(ids) == 1


def test_restarted_numbers_start_a_new_word_numbering_run_and_odd_ones_are_typed():
    data = render_docx(irregular_document())
    body = _part_xml(data, "word/document.xml")
    numbered = body.xpath("//w:p[w:pPr/w:pStyle/@w:val='NumberedParagraph']", namespaces=NS)
    ids = [p.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS) for p in numbered]
    assert ids[0] == ids[1] != ids[2] and ids[3] == ""
    assert "".join(numbered[3].xpath(".//w:t/text()", namespaces=NS)).startswith("2.1")
    numbering = _part_xml(data, "word/numbering.xml")
    restart = numbering.xpath(
        f"//w:num[@w:numId='{ids[2]}']//w:startOverride/@w:val", namespaces=NS
    )
    assert restart == ["1"]


def test_footnote_labels_word_would_number_differently_are_custom_marks():
    body = _part_xml(render_docx(irregular_document()), "word/document.xml")
    references = body.xpath("//w:footnoteReference", namespaces=NS)
    assert [r.get(f"{{{W}}}customMarkFollows") for r in references] == ["1", "1"]
    assert [r.getparent().xpath("string(w:t)", namespaces=NS) for r in references] == ["1", "1"]


def test_lists_are_word_lists_nested_and_restarting():
    data = render_docx(rich_document())
    body = _part_xml(data, "word/document.xml")
    list_paragraphs = body.xpath("//w:p[w:pPr/w:pStyle/@w:val='ListParagraph']", namespaces=NS)
    levels = [
        p.xpath("string(w:pPr/w:numPr/w:ilvl/@w:val)", namespaces=NS) for p in list_paragraphs
    ]
    assert levels == ["0", "0", "1", "1"]
    numbering = _part_xml(data, "word/numbering.xml")
    assert numbering.xpath(
        "//w:num/w:lvlOverride[@w:ilvl='1']/w:startOverride/@w:val", namespaces=NS
    ) == ["3"]


def test_footnotes_are_real_word_footnotes(export_response, frozen_version):
    document = build_document(export_response, frozen_version, "select-committee")
    data = render_docx(document)
    notes = _part_xml(data, "word/footnotes.xml")
    note_text = " ".join(
        "".join(n.xpath(".//w:t/text()", namespaces=NS))
        for n in notes.xpath("//w:footnote[not(@w:type)]", namespaces=NS)
    )
    assert "Biometrics and Surveillance Camera Commissioner" in note_text
    assert "Emotional Expressions Reconsidered" in note_text
    body = _part_xml(data, "word/document.xml")
    references = body.xpath("//w:footnoteReference/@w:id", namespaces=NS)
    assert references == [str(n) for n in range(1, len(references) + 1)]
    assert len(references) == sum(len(part.footnotes) for part in document.parts)
    assert any(rel.reltype.endswith("/footnotes") for rel in _open(data).part.rels.values())


def test_links_are_hyperlink_relationships():
    word = _open(render_docx(rich_document()))
    targets = {
        rel.target_ref for rel in word.part.rels.values() if rel.reltype.endswith("/hyperlink")
    }
    assert targets == {"https://www.example.org/deployments", VERIFY_URL}
    assert all(
        rel.is_external for rel in word.part.rels.values() if rel.reltype.endswith("/hyperlink")
    )


def test_signatories_table_lists_only_those_who_consented(
    export_response, signed_version, signed_names
):
    document = build_document(export_response, signed_version, "campaign", verify_url_for=_verify)
    word = _open(render_docx(document))
    organisations, people = word.tables
    assert [row.cells[0].text for row in organisations.rows] == [
        "Organisation",
        *signed_names.organisations,
    ]
    assert sorted((row.cells[0].text, row.cells[1].text) for row in people.rows[1:]) == sorted(
        signed_names.published_people
    )
    everything = "\n".join(p.text for p in word.paragraphs)
    for hidden in (
        *signed_names.unpublished_people,
        *signed_names.withdrawn,
        *signed_names.pending,
    ):
        assert hidden not in everything
        assert all(hidden not in cell.text for table in word.tables for cell in table._cells)
    assert "A further 2 signatories asked not to be named." in everything
    assert signed_version.sha256 in everything
    assert _verify(signed_version.sha256) in everything


def test_document_properties_are_set_from_the_document():
    document = rich_document()
    properties = _open(render_docx(document)).core_properties
    assert properties.title == document.title
    assert properties.author == "Northtown Residents"
    assert properties.language == "en-GB"
    assert properties.subject == document.subtitle
    assert properties.created == properties.modified == datetime(2026, 3, 12, tzinfo=UTC)
    assert properties.identifier == FINGERPRINT


def test_body_is_sans_serif_12pt_left_aligned_en_gb():
    styles = _part_xml(render_docx(rich_document()), "word/styles.xml")
    defaults = styles.find("w:docDefaults", NS)
    assert defaults.xpath("string(.//w:rFonts/@w:ascii)", namespaces=NS) == "Arial"
    assert defaults.xpath("string(.//w:sz/@w:val)", namespaces=NS) == "24"
    assert defaults.xpath("string(.//w:jc/@w:val)", namespaces=NS) == "left"
    assert defaults.xpath("string(.//w:lang/@w:val)", namespaces=NS) == "en-GB"


def test_a_draft_is_marked_in_the_title_and_on_every_page(export_response):
    document = build_document(export_response, None, "select-committee", today=date(2026, 5, 1))
    word = _open(render_docx(document))
    assert _styled(word, "Title")[0].startswith("DRAFT: Written evidence submitted by")
    header = word.sections[0].header
    assert not header.is_linked_to_previous
    assert "DRAFT" in header.paragraphs[0].text
    assert word.core_properties.title.startswith("DRAFT: ")


def test_page_numbers_are_in_the_footer_except_for_a_public_bill_committee(
    export_response, frozen_version
):
    def footer_fields(profile: str) -> list[str]:
        document = build_document(export_response, frozen_version, profile)
        footer = _open(render_docx(document)).sections[0].footer._element
        return footer.xpath(".//w:fldSimple/@w:instr")

    assert [f.strip() for f in footer_fields("select-committee")] == ["PAGE", "NUMPAGES"]
    assert footer_fields("public-bill-committee") == []


def test_hostile_names_and_markdown_stay_text(hostile_response, hostile_version, hostile_texts):
    document = build_document(hostile_response, hostile_version, "campaign", verify_url_for=_verify)
    data = render_docx(document)
    word = _open(data)
    everything = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        cell.text for table in word.tables for cell in table._cells
    )
    assert hostile_texts.organisation in everything
    assert hostile_texts.name in everything
    targets = [rel.target_ref for rel in word.part.rels.values() if rel.is_external]
    assert targets == [_verify(hostile_version.sha256)]  # the dangerous links became text
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                raw = package.read(name).lower()
                assert b"<script" not in raw and b"<img" not in raw and b"<iframe" not in raw
                assert b'target="javascript' not in raw and b'target="file:' not in raw


def test_control_characters_cannot_break_the_file():
    nasty = "Bell\x07 null\x00 escape\x1b form\x0c lone\ud800 end\r\nline"
    base = rich_document()
    part = replace(
        base.parts[1],
        heading=nasty,
        blocks=(Paragraph((Span(nasty, link="https://x.example/\x00"),)),),
    )
    document = replace(
        base,
        heading=nasty,
        organisation=nasty,
        parts=(base.parts[0], part),
        signatories=Signatories((nasty,), ((nasty, nasty),), 2),
    )
    word = _open(render_docx(document))
    assert "Bell null escape form lone end\nline" in [p.text for p in word.paragraphs]
    assert word.tables[1].rows[1].cells[0].text == "Bell null escape form lone end\nline"


def test_the_same_document_gives_byte_identical_files():
    assert render_docx(rich_document()) == render_docx(rich_document())
    with zipfile.ZipFile(io.BytesIO(render_docx(rich_document()))) as package:
        assert {info.date_time for info in package.infolist()} == {(2026, 3, 12, 0, 0, 0)}


def test_a_large_signatories_list_has_every_row_in_tables_of_at_most_500():
    document: Document = large_document(1_250, questions=3, words=600)
    word = _open(render_docx(document))
    organisations, *people = word.tables
    assert [len(table.rows) for table in people] == [501, 501, 251]  # each with its header
    assert all(table.rows[0].cells[0].text == "Name" for table in people)
    names = [row.cells[0].text for table in people for row in table.rows[1:]]
    assert names == [name for name, _ in document.signatories.people]
    assert len(organisations.rows) == 126


def test_a_table_that_cannot_be_placed_fails_the_export_instead_of_vanishing():
    marker = re.compile(rb"<!--t(\d+)-->")
    assert splice(b"a<!--t1-->b<!--t0-->", marker, [b"X", b"Y"]) == b"aYbX"
    with pytest.raises(RuntimeError):
        splice(b"a<!--t0-->", marker, [b"X", b"Y"])


def test_libreoffice_opens_the_file_cleanly(export_response, frozen_version, tmp_path):
    document = build_document(export_response, frozen_version, "home-office")
    text = pdf_text_of_converted(render_docx(document), "response.docx", tmp_path)
    flat = "".join(text.split())  # line breaks and hyphenation aside
    for part in document.parts:
        assert "".join(part.title.split()) in flat
    assert frozen_version.sha256 in flat
