"""Exports of a response to a bill, rendered to real files and read back: written evidence to a
Public Bill Committee (Word, ODT) with each clause's position and the suggested amendments in
House style; an amendment paper (PDF, Word) with NC numbers, "To move the following Clause—"
and the organisations supporting each amendment; a second reading briefing that fits two pages
or says it does not; the illustrative notice in every format; drafts marked DRAFT; and only the
profiles that fit a bill offered for it (shared/context/bills.md §3-§5)."""

from __future__ import annotations

import io
import re
import subprocess

import docx
import pytest
from odf import teletype
from odf import text as tx
from odf.namespaces import TEXTNS
from odf.opendocument import load
from pypdf import PdfReader

from consult.bills.house_style import House
from consult.consultations.profiles import PROFILES
from consult.drafting import services as drafting
from consult.drafting.markdown import word_count
from consult.exports import services
from consult.exports.bills import ILLUSTRATIVE_NOTICE, read_amendments
from consult.exports.builder import build_document
from consult.exports.document import Document, Paragraph
from consult.exports.docx import render_docx
from consult.exports.odt import render_odt
from consult.exports.pdf import render_pdf
from consult.exports.text import render_markdown
from consult.extensions import db
from tests.exports.bill_fixtures import (
    AMENDMENTS,
    CLAUSES,
    NAMED_PARTNER,
    REFERENCE,
    WITHDRAWN_PARTNER,
    write_bill_response,
)
from tests.exports.conftest import builtin_consultation, membership
from tests.exports.export_support import file_of

VERIFY = "https://consult.test/verify/"
INSERTED = "\u201c(1A) An authorisation under subsection (1) lasts no longer than 24 hours.\u201d"
TO_MOVE = "To move the following Clause\u2014"


def build(export, profile: str, *, draft: bool = False) -> Document:
    version = None if draft else export.version
    return build_document(
        export.response, version, profile, verify_url_for=lambda sha256: VERIFY + sha256
    )


def pdftotext(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")


def squashed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def word_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph of a Word file."""
    return [(p.style.name, p.text) for p in docx.Document(io.BytesIO(data)).paragraphs]


def odt_paragraphs(data: bytes) -> list[tuple[str, str]]:
    odt = load(io.BytesIO(data))
    return [
        (p.attributes.get((TEXTNS, "style-name")), teletype.extractText(p))
        for p in odt.text.getElementsByType(tx.P)
    ]


def model_numbers(document: Document) -> list[str]:
    return [
        block.number
        for part in document.parts
        for block in part.blocks
        if isinstance(block, Paragraph) and block.number
    ]


# --- written evidence to a Public Bill Committee ---------------------------------------------


def test_the_evidence_reads_the_frozen_bill_and_sets_out_clauses_then_amendments(bill_export):
    document = build(bill_export, "public-bill-committee")

    assert document.consultation_title == "Police Reform Bill (illustrative)"
    assert [part.kind for part in document.parts] == [
        "summary", "about", "clause", "clause", "clause", "amendments", "recommendations",
    ]  # fmt: skip
    clause = document.parts[2]
    assert clause.heading == "Clause 1: Use of live facial recognition"
    assert (clause.answer_label, clause.choice) == ("Our position", "Amend")
    assert clause.word_count == word_count(CLAUSES["1"][1]) == 26
    assert document.total_words == sum(part.word_count for part in document.parts)
    assert document.parts[0].blocks[0].items  # the summary first, as bullets, not numbered
    assert model_numbers(document) == [str(n) for n in range(1, 11)]
    assert document.warnings == ()  # no question answers asked of a bill
    assert document.notices == (ILLUSTRATIVE_NOTICE,)


def test_evidence_in_word_has_house_style_references_and_numbered_paragraphs(bill_export):
    document = build(bill_export, "public-bill-committee")
    data = render_docx(document)
    paragraphs = word_paragraphs(data)

    assert ("Amendment reference", REFERENCE) in paragraphs
    assert ("Amendment inserted text", INSERTED) in paragraphs
    assert ("Amendment reference", TO_MOVE) in paragraphs
    assert ("Amendment statement heading", "Member\u2019s explanatory statement") in paragraphs
    assert ("Heading 1", "Clause 1: Use of live facial recognition") in paragraphs
    assert ("Normal", "Our position: Amend") in paragraphs
    assert ("Heading 2", "Amendment 1: Judicial authorisation") in paragraphs
    numbered = [text for style, text in paragraphs if style == "Numbered paragraph"]
    assert len(numbered) == len(model_numbers(document)) == 10
    assert "What this amendment does: A judge, not a senior police officer, would decide." in (
        numbered
    )
    footer = docx.Document(io.BytesIO(data)).sections[0].footer._element
    assert footer.xpath(".//w:fldSimple/@w:instr") == []  # no page numbers for the committee


def test_evidence_in_odt_has_house_style_references_and_numbered_paragraphs(bill_export):
    document = build(bill_export, "public-bill-committee")
    data = render_odt(document)
    paragraphs = odt_paragraphs(data)

    assert ("Amendment_20_reference", REFERENCE) in paragraphs
    assert ("Amendment_20_inserted", INSERTED) in paragraphs
    assert ("Amendment_20_statement", AMENDMENTS[0][1]["explanatory_statement"]) in paragraphs
    odt = load(io.BytesIO(data))
    items = [
        item
        for element in odt.text.getElementsByType(tx.List)
        if element.attributes.get((TEXTNS, "style-name")) == "Paragraph_20_numbers"
        for item in element.getElementsByType(tx.ListItem)
    ]
    assert len(items) == len(model_numbers(document)) == 10


def test_a_clause_explained_without_a_position_is_flagged_and_no_question_is_asked(team):
    response = write_bill_response(team)
    clause = next(s for s in drafting.live_sections(response) if s.clause == "2")
    drafting.save_section(team.editor, clause, "We are unsure.", None, clause.head_revision_id)
    db.session.commit()

    document = build_document(response, None, "public-bill-committee")

    assert [w.code for w in document.warnings] == ["clause-without-position"]
    assert document.warnings[0].message.startswith("Clause 2: Code of practice has an explanation")


def test_an_amendment_whose_text_cannot_be_read_is_left_out_and_named():
    sections = [
        ("Broken one", "Kind: leave_out\nWhatever here"),
        ("Fine", "Kind: stand_part\nClause: 2"),
    ]
    drafted, warnings = read_amendments(sections)

    assert [item.title for item in drafted] == ["Fine"]
    assert [w.code for w in warnings] == ["amendment-unreadable"]
    assert "“Broken one” is left out" in warnings[0].message and "Line 2" in warnings[0].message


# --- the amendment paper ---------------------------------------------------------------------


def test_the_amendment_paper_pdf_numbers_new_clauses_and_names_supporters(bill_export, tmp_path):
    data = render_pdf(build(bill_export, "amendment-paper"), cache_dir=tmp_path)
    text = squashed(pdftotext(data))

    assert "Police Reform Bill (illustrative) Committee stage, House of Commons" in text
    assert REFERENCE in text
    assert f"NC1 {TO_MOVE} \u201cCommissioner for Biometrics" in text
    assert "Schedule 1 be the First Schedule to the Bill" in text
    supporters = f"Supported by: Northtown Residents, {NAMED_PARTNER}"
    assert text.count(supporters) == len(AMENDMENTS)
    assert WITHDRAWN_PARTNER not in text  # withdrew its co-signature
    order = [
        m.group(1) for m in re.finditer(r"(?:^|\s)(NC1|[1-4]) (?:Clause|To move|Schedule)", text)
    ]
    assert order == ["1", "2", "3", "NC1", "4"]  # clauses, new clauses, then schedules
    assert ILLUSTRATIVE_NOTICE in text
    assert pages(data) == 2


def test_the_amendment_paper_in_word_sets_statements_in_italics_with_supporters(bill_export):
    data = render_docx(build(bill_export, "amendment-paper"))
    paragraphs = word_paragraphs(data)
    word = docx.Document(io.BytesIO(data))

    assert paragraphs[0] == ("Title", "Police Reform Bill (illustrative)")
    assert paragraphs[1] == ("Subtitle", "Committee stage, House of Commons")
    assert ("Amendment number", "NC1") in paragraphs
    assert ("Amendment reference", TO_MOVE) in paragraphs
    assert ("Amendment inserted title", "\u201cCommissioner for Biometrics") in paragraphs
    statements = [text for style, text in paragraphs if style == "Amendment statement"]
    assert len(statements) == len(AMENDMENTS)
    assert word.styles["Amendment statement"].font.italic is True
    supporters = [text for style, text in paragraphs if style == "Amendment supporters"]
    assert set(supporters) == {f"Supported by: Northtown Residents, {NAMED_PARTNER}"}
    assert not any("Signatories" in text for _style, text in paragraphs)


def _odt_centred(data: bytes) -> list[tuple[str, bool]]:
    """(text, centred) of each paragraph of an ODT file's front: a paragraph is centred
    when its automatic style says so."""
    from odf.namespaces import FONS, STYLENS
    from odf.style import ParagraphProperties, Style

    odt = load(io.BytesIO(data))
    centred = {
        style.getAttribute("name")
        for style in odt.automaticstyles.getElementsByType(Style)
        for properties in style.getElementsByType(ParagraphProperties)
        if properties.attributes.get((FONS, "text-align")) == "center"
    }
    assert all(
        style.attributes.get((STYLENS, "parent-style-name"))
        for style in odt.automaticstyles.getElementsByType(Style)
        if style.getAttribute("name") in centred
    )  # each keeps its named style (Title, Subtitle ...) as its parent
    return [
        (teletype.extractText(p), p.attributes.get((TEXTNS, "style-name")) in centred)
        for p in odt.text.getElementsByType(tx.P)
    ][:3]


def test_the_amendment_papers_heading_is_centred_in_word_and_odt_as_in_the_pdf(bill_export):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paper = build(bill_export, "amendment-paper")
    evidence = build(bill_export, "public-bill-committee")
    word = docx.Document(io.BytesIO(render_docx(paper))).paragraphs[:3]
    plain = docx.Document(io.BytesIO(render_docx(evidence))).paragraphs[:3]

    assert [p.style.name for p in word] == ["Title", "Subtitle", "Document status"]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in word)
    assert not any(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in plain)  # evidence: left
    front = _odt_centred(render_odt(paper))
    assert front[0] == ("Police Reform Bill (illustrative)", True)
    assert all(centred for _text, centred in front)
    assert not any(centred for _text, centred in _odt_centred(render_odt(evidence)))


def test_a_lords_paper_heads_the_bill_hl_and_cites_page_and_line_under_the_clause(team):
    response = write_bill_response(team)
    response.bill.house, response.bill.stage = "lords", "lords_committee"
    db.session.commit()

    text = render_markdown(build_document(response, None, "amendment-paper"))

    assert text.startswith("# Police Reform Bill (illustrative) \\[HL\\]\n\nCommittee stage")
    assert "**Clause 1**\n\n**1**\n\nPage 1, line 4, leave out \u201cauthorised" in text
    assert "Insert the following new Clause\u2014" in text
    assert "DRAFT" in text


def test_a_stage_decides_the_papers_heading(team):
    response = write_bill_response(team)
    response.bill.stage = "report"
    db.session.commit()
    document = build_document(response, None, "amendment-paper")
    assert document.subtitle == "Report stage, House of Commons"
    assert "Leave out Schedule 1" in render_markdown(document)  # not "stand part" at report


# --- the briefing ------------------------------------------------------------------------------


def test_a_briefing_fits_two_pages_leads_with_the_ask_and_names_the_clauses(bill_export, tmp_path):
    document = build(bill_export, "briefing")
    data = render_pdf(document, cache_dir=tmp_path)
    text = squashed(pdftotext(data))

    assert pages(data) <= 2
    assert services.check(document, "pdf") == ()
    headings = ["What we ask", "Our recommendations", "The clauses concerned",
                "Our key amendments", "Who we are", "Who supports this briefing"]  # fmt: skip
    assert [part.heading for part in document.parts] == headings
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "Clause 1: Use of live facial recognition: Amend." in text
    assert "Schedule 1: Retention: Oppose." in text
    assert REFERENCE in text
    assert "\u201cCommissioner for Biometrics\u201d (Its full text is on our amendment paper.)" in (
        text
    )
    assert (
        f"supported by 3 signatories, including {NAMED_PARTNER}, Eddie Editor and 1 other "
        "signatory." in text
    )  # the member who asked not to be named is only counted
    assert bill_export.version.sha256[:8] in text
    assert document.signatories is None  # no annex: the names are in the text


def test_a_briefing_too_long_for_two_pages_is_reported_and_nothing_is_cut(team, tmp_path):
    long_summary = "\n".join(
        f"- Point {n}: " + "the bill must be changed to protect everyone's privacy " * 6
        for n in range(1, 31)
    )
    response = write_bill_response(team, summary=long_summary + " Lastword.")
    document = build_document(response, None, "briefing")

    warnings = services.check(document, "pdf")

    assert [w.code for w in warnings] == ["over-page-limit"]
    filled = services.pdf_pages(document)
    assert filled > 2
    assert warnings[0].message.startswith(
        f"The briefing fills {filled} pages of A4, not the 2 it must fit on: nothing has been cut"
    )
    assert "What we ask (" in warnings[0].message  # the longest part is named
    data = render_pdf(document, cache_dir=tmp_path)
    assert pages(data) == filled
    assert "Lastword." in pdftotext(data)  # every word is there


# --- in every format -----------------------------------------------------------------------------


def _text_of(format: str, data: bytes) -> str:
    if format == "pdf":
        return squashed(pdftotext(data))
    if format == "docx":
        return "\n".join(text for _style, text in word_paragraphs(data))
    if format == "odt":
        return "\n".join(text for _style, text in odt_paragraphs(data))
    return data.decode("utf-8")


@pytest.mark.parametrize("profile", ["public-bill-committee", "briefing", "amendment-paper"])
def test_every_format_says_the_bill_text_is_ours_not_parliaments(bill_export, profile, tmp_path):
    document = build(bill_export, profile)
    for format in services.formats_for(PROFILES[profile]):
        if format == "pdf":
            data = render_pdf(document, cache_dir=tmp_path)
        else:
            data = services.RENDERERS[format](document, lambda _fraction: None)
        assert ILLUSTRATIVE_NOTICE in _text_of(format, data).replace("\\", ""), format


def test_a_bill_that_is_not_illustrative_carries_no_notice(team):
    response = write_bill_response(team, illustrative=False)
    for profile in ("public-bill-committee", "briefing", "amendment-paper"):
        document = build_document(response, None, profile)
        assert document.notices == ()
        assert "illustrative" not in render_markdown(document).lower()


def test_drafts_of_bill_exports_are_marked_draft(bill_export, tmp_path):
    paper = build(bill_export, "amendment-paper", draft=True)
    reader = PdfReader(io.BytesIO(render_pdf(paper, cache_dir=tmp_path)))
    assert all("DRAFT" in page.extract_text() for page in reader.pages)
    evidence_draft = build(bill_export, "public-bill-committee", draft=True)
    evidence = docx.Document(io.BytesIO(render_docx(evidence_draft)))
    assert evidence.paragraphs[0].text.startswith("DRAFT: Written evidence submitted by")
    assert "DRAFT" in evidence.sections[0].header.paragraphs[0].text


# --- which profiles a bill response is offered ---------------------------------------------------


def test_a_bill_response_is_offered_the_bill_profiles_and_a_consultation_response_the_others(
    team, bill_export
):
    bill_profiles = ["public-bill-committee", "briefing", "amendment-paper"]
    assert list(services.profiles_of(bill_export.response)) == bill_profiles
    consultation = drafting.create_response(
        membership(team.owner, team.organisation), builtin_consultation(), "On the consultation"
    )
    assert not set(services.profiles_of(consultation)) & set(bill_profiles)
    with pytest.raises(services.ExportError, match="Choose one of the profiles"):
        services.request_export(
            membership(team.owner, team.organisation),
            consultation,
            format="pdf",
            profile="amendment-paper",
        )


def test_the_export_page_lists_only_the_bill_profiles(client, login_as, team, bill_export):
    login_as(team.coordinator)
    page = client.get(f"/responses/{bill_export.response.id}/export").get_data(as_text=True)

    assert "Amendment paper for a Member to table" in page
    assert "Second reading briefing for MPs and peers" in page
    assert "Public Bill Committee" in page
    assert "Home Office consultation" not in page


def test_the_export_page_preselects_a_profile_asked_for_in_the_address_when_it_fits(
    client, login_as, team, bill_export
):
    login_as(team.coordinator)
    url = f"/responses/{bill_export.response.id}/export"
    paper = client.get(f"{url}?profile=amendment-paper").get_data(as_text=True)
    unfit = client.get(f"{url}?profile=home-office").get_data(as_text=True)
    unknown = client.get(f"{url}?profile=nonsense").get_data(as_text=True)

    assert re.search(r'name="profile" value="amendment-paper"[^>]*checked', paper)
    assert "is our own example, written to show how Consult works" in paper  # illustrative
    assert not re.search(r'name="profile" value="public-bill-committee"[^>]*checked', paper)
    for page in (unfit, unknown):  # a consultation's recipient, or none: the response's own
        assert re.search(r'name="profile" value="public-bill-committee"[^>]*checked', page)


def test_the_export_command_makes_an_amendment_paper(app, tmp_path, bill_export):
    output = tmp_path / "paper.pdf"
    result = app.test_cli_runner().invoke(
        args=["export", str(bill_export.response.id), "--format", "pdf",
              "--profile", "amendment-paper", "--output", str(output)]
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "profile amendment-paper" in result.output
    assert "NC1" in pdftotext(output.read_bytes())


def test_the_export_command_refuses_a_bill_profile_for_a_consultation_response(app, tmp_path, team):
    response = drafting.create_response(
        membership(team.owner, team.organisation), builtin_consultation(), "On the consultation"
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["export", str(response.id), "--format", "pdf", "--profile", "briefing",
              "--output", str(tmp_path / "x.pdf")]
    )  # fmt: skip
    assert result.exit_code != 0
    assert "Choose one of the profiles" in result.output


def test_an_export_job_of_the_paper_keeps_its_file(team, bill_export):
    from consult.exports import jobs

    job = services.request_export(
        membership(team.owner, team.organisation),
        bill_export.response,
        format="docx",
        profile="amendment-paper",
        version=bill_export.version,
    )
    db.session.commit()
    jobs.run_job(job.id)
    db.session.expire_all()
    content = file_of(services.load_job(job.id)).content
    assert ("Amendment number", "NC1") in word_paragraphs(content)


def test_house_style_follows_the_house_the_bill_is_in(bill_export):
    from consult.exports.bills import bill_facts

    facts = bill_facts(bill_export.response, {})
    assert facts.house is House.COMMONS and facts.paper_stage == "committee"


def test_the_text_page_of_a_bill_response_shows_the_notice_and_positions(
    client, login_as, team, bill_export
):
    login_as(team.coordinator)
    page = client.get(f"/responses/{bill_export.response.id}/export/text").get_data(as_text=True)

    assert "Consult&#39;s own illustrative text" in page
    assert "Our position:</span> <strong>Amend</strong>" in page


def test_a_paper_after_a_new_print_warns_of_old_references_and_amendments_that_no_longer_fit(
    team, bill_export
):
    """A Member must not table references to a print the House no longer uses: exporting the
    frozen version after a reprint says so, and names the amendment whose words are gone."""
    from consult.bills import services as bills
    from tests.bills.sample import HEADINGS, LINES, make_print

    reprinted = [
        (page, line, text.replace("authorised officer", "appropriate officer"), *rest)
        for page, line, text, *rest in LINES
    ]
    bills.add_print(
        membership(team.owner, team.organisation),
        bill_export.response.bill,
        make_print(reprinted, HEADINGS),
        label="As amended in committee",
        source_kind="text",
    )
    found = build(bill_export, "amendment-paper").warnings
    codes = [warning.code for warning in found]
    assert "older-print" in codes
    assert any(
        warning.code == "amendment-needs-attention" and "As amended in committee" in warning.message
        for warning in found
    )
    assert not [
        w
        for w in build(bill_export, "amendment-paper", draft=True).warnings
        if w.code == "older-print"
    ]
