"""The PDF export, read back with pypdf: every question and answer, only the signatories who
agreed to be named, the fingerprint, tags, outline and metadata, page furniture, the DRAFT
mark, profiles without page numbers, hostile text shown as text, a fetcher that refuses
anything but the app's static files, and byte-identical re-renders."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from consult.exports import pdf as pdf_export
from consult.exports.builder import build_document
from consult.exports.document import (
    Block,
    CodeBlock,
    Document,
    Heading,
    ListBlock,
    Paragraph,
    Part,
    Quote,
    Signatories,
    Span,
)
from consult.exports.pdf import render_pdf
from consult.exports.pdf_fonts import TextSet
from consult.exports.pdf_layout import lay_out_annex
from consult.exports.pdf_worker import STATIC_BASE, RefusedURL, static_fetcher
from tests.exports.conftest import SIGNED

VERIFY = "https://consult.test/verify/"
PAGE_NUMBER = re.compile(r"Page (\d+) of (\d+)")


def build(response, version, profile: str = "campaign") -> Document:
    return build_document(response, version, profile, verify_url_for=lambda f: VERIFY + f)


def read(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data), strict=True)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def texts_of(blocks: tuple[Block, ...]) -> list[str]:
    """Every paragraph, heading, list item, quote and code line of the blocks, as text."""
    found: list[str] = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            found.append("".join(span.text for span in block.spans))
        elif isinstance(block, ListBlock):
            for item in block.items:
                found.extend(texts_of(item))
        elif isinstance(block, Quote):
            found.extend(texts_of(block.blocks))
        elif isinstance(block, CodeBlock):
            found.extend(line for line in block.text.splitlines() if line.strip())
    return found


def structure_types(reader: PdfReader, node=None) -> list[str]:
    """The types of all structure elements under `node` (default: all), in document order."""
    found: list[str] = []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]["/K"] if node is None else node]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
            continue
        node = node.get_object()
        if isinstance(node, dict) and node.get("/Type") == "/StructElem":
            found.append(node["/S"])
            stack.append(node.get("/K", []))
    return found


def annex_types(reader: PdfReader) -> list[str]:
    """The structure types inside the signatories annex (the document's last section)."""
    root = reader.trailer["/Root"]["/StructTreeRoot"]["/K"]
    document = (root[0] if isinstance(root, list) else root).get_object()
    annex = document["/K"][-1].get_object()
    assert annex["/S"] == "/Sect"
    return structure_types(reader, annex["/K"])


def assert_marked_content_matches_the_parent_tree(reader: PdfReader) -> None:
    """Every marked-content id drawn on a page has its structure element in the parent tree,
    and every entry there is drawn: what assistive technology follows from text to tags."""
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    for page in reader.pages:
        drawn = [int(n) for n in re.findall(rb"/MCID (\d+)", page.get_contents().get_data())]
        assert sorted(drawn) == list(range(len(parents[page["/StructParents"]])))


def outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []
    stack = [reader.outline]
    while stack:
        for entry in stack.pop():
            if isinstance(entry, list):
                stack.append(entry)
            else:
                titles.append(entry.title)
    return titles


@pytest.fixture
def small_document() -> Document:
    """A one-question document, built directly, for tests that need no database."""
    part = Part(
        kind="question",
        number=1,
        title="Should the framework cover all biometrics?",
        heading="Question 1: Should the framework cover all biometrics?",
        choice="Agree",
        options=("Agree", "Disagree"),
        blocks=(Paragraph((Span("Yes, every biometric technology."),)),),
        footnotes=(),
        word_count=4,
        word_limit=None,
        anchor="part-1",
    )
    return Document(
        title="Small response",
        heading="Response from Small Group",
        subtitle="Response to a consultation",
        organisation="Small Group",
        consultation_title="A consultation",
        consultation_publisher="Home Office",
        profile_slug="campaign",
        language="en-GB",
        date=date(2026, 11, 26),
        draft=False,
        version_number=2,
        fingerprint="ab" * 32,
        verify_url=VERIFY + "ab" * 32,
        parts=(part,),
        signatories=None,
    )


def test_campaign_pdf_holds_every_answer_only_named_signatories_and_its_fingerprint(
    export_response, signed_version, tmp_path
):
    document = build(export_response, signed_version)
    reader = read(render_pdf(document, cache_dir=tmp_path))
    pages = [page.extract_text() for page in reader.pages]
    text = squash("\n".join(pages))

    for part in document.parts:
        assert squash(part.heading) in text
        if part.choice:
            assert squash(f"Our answer: {part.choice}") in text
        for paragraph in texts_of(part.blocks):
            assert squash(paragraph)[:60] in text, paragraph
    for name in SIGNED.organisations:
        assert squash(name) in text
    for name, affiliation in SIGNED.published_people:
        assert squash(f"{name}, {affiliation}" if affiliation else name) in text
    for name in SIGNED.unpublished_people + SIGNED.withdrawn + SIGNED.pending:
        assert squash(name) not in text
    assert signed_version.sha256 in text
    assert squash(VERIFY + signed_version.sha256) in text
    # "And N others": the confirmed signers who are not named.
    named = len(SIGNED.organisations) + len(SIGNED.published_people)
    others = SIGNED.confirmed_total - named
    assert squash(f"And {others} others who signed without being named") in text


def test_pdf_is_tagged_with_outline_metadata_and_right_page_numbers(
    export_response, signed_version, tmp_path
):
    document = build(export_response, signed_version)
    reader = read(render_pdf(document, cache_dir=tmp_path))
    catalog = reader.trailer["/Root"]

    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == document.title
    assert reader.metadata.author == document.organisation
    types = structure_types(reader)
    assert "/H1" in types and "/H2" in types and "/Figure" in types
    assert_marked_content_matches_the_parent_tree(reader)
    # The annex's names are tagged too: one list item per named signatory.
    named = len(SIGNED.organisations) + len(SIGNED.published_people)
    assert annex_types(reader).count("/LBody") == named
    titles = outline_titles(reader)
    for part in document.parts:
        assert part.heading in titles
    assert "Annex: signatories" in titles and "Verification" in titles
    assert "Organisations (2)" in titles and "Individuals (2)" in titles  # the annex's groups

    # The contents' page numbers point at the pages where the parts are.
    pages = [page.extract_text() for page in reader.pages]
    contents = "\n".join(pages[1:3])  # 17 questions: the contents run onto a second page
    listed = re.search(r"Annex: signatories[ .]*(\d+)", contents)
    assert "The organisations and people below" in pages[int(listed.group(1)) - 1]
    listed = re.search(r"Verification[ .]*(\d+)", contents)
    assert signed_version.sha256[:8] in pages[int(listed.group(1)) - 1]

    total = len(reader.pages)
    for index, page in enumerate(reader.pages):
        numbers = PAGE_NUMBER.findall(page.extract_text())
        if index == 0:  # the cover
            assert numbers == []
        else:
            assert numbers == [(str(index + 1), str(total))]


def test_draft_is_marked_on_every_page(export_response, tmp_path):
    document = build(export_response, None, "home-office")
    reader = read(render_pdf(document, cache_dir=tmp_path))

    assert document.draft
    for page in reader.pages:
        assert "DRAFT" in page.extract_text()


def test_public_bill_committee_pdf_has_no_page_numbers(export_response, frozen_version, tmp_path):
    document = build(export_response, frozen_version, "public-bill-committee")
    reader = read(render_pdf(document, cache_dir=tmp_path))

    assert not document.page_numbers
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert not PAGE_NUMBER.search(page.extract_text())


def test_hostile_names_and_markdown_are_shown_as_text(
    hostile_response, hostile_version, hostile_texts, tmp_path
):
    document = build(hostile_response, hostile_version)
    reader = read(render_pdf(document, cache_dir=tmp_path))
    text = squash("\n".join(page.extract_text() for page in reader.pages))

    assert squash(hostile_texts.organisation) in text
    assert squash('=HYPERLINK("http://evil")') in text  # a co-signing organisation
    assert squash('<script>alert("name")</script>') in text  # a named signatory
    assert squash('<script>alert("summary")</script>') in text
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    assert "/JavaScript" not in catalog.get("/Names", {})
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A", {})
            assert action.get("/S") in (None, "/URI", "/GoTo")
            if "/URI" in action:
                assert str(action["/URI"]).startswith(("http://", "https://", "mailto:"))
    assert reader.metadata.title == hostile_texts.title


def test_fetcher_refuses_remote_and_file_urls_and_serves_static_files():
    fetcher = static_fetcher()

    for url in (
        "https://evil.example/pixel.png",
        "http://127.0.0.1/secret",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD4=",
        STATIC_BASE + "../config.py",
        STATIC_BASE + "%2e%2e/config.py",
    ):
        with pytest.raises(RefusedURL):
            fetcher(url)
    assert len(fetcher.refused) == 6
    response = fetcher(STATIC_BASE + "css/print.css")
    assert b"@font-face" in response.read()


def test_weasyprint_never_loads_a_remote_or_file_image():
    from weasyprint import HTML

    fetcher = static_fetcher()
    html = (
        '<html lang="en"><body><img src="https://evil.example/pixel.png" alt="">'
        '<img src="file:///etc/passwd" alt=""><p>Text</p></body></html>'
    )
    data = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).write_pdf()

    assert fetcher.refused == ["https://evil.example/pixel.png", "file:///etc/passwd"]
    assert b"/Image" not in data


def test_same_document_gives_the_same_bytes_with_or_without_the_cache(small_document, tmp_path):
    document = replace(
        small_document,
        signatories=Signatories(("Open Rights Coalition",), (("Ann Example", ""),), 3),
    )
    cold = render_pdf(document, cache_dir=tmp_path)
    warm = render_pdf(document, cache_dir=tmp_path)
    uncached = render_pdf(document)

    assert cold == warm == uncached


def test_new_signatures_reuse_the_cached_body(small_document, tmp_path, monkeypatch):
    signatories = Signatories((), (("Ann Example", ""),), 1)
    render_pdf(replace(small_document, signatories=signatories), cache_dir=tmp_path)

    def no_rendering(*args):
        raise AssertionError("the body should have come from the cache")

    monkeypatch.setattr(pdf_export, "render_body", no_rendering)
    more = Signatories((), (("Ann Example", ""), ("Bea Example", "Northtown")), 2)
    steps: list[int] = []
    data = render_pdf(
        replace(small_document, signatories=more), cache_dir=tmp_path, progress=steps.append
    )

    assert "Bea Example, Northtown" in read(data).pages[-1].extract_text()
    assert steps == sorted(steps) and steps[0] == 0 and steps[-1] == 100


def test_large_annex_is_paginated_tagged_and_numbered_across_pages(small_document, tmp_path):
    people = tuple(
        (f"Signer {number:05d}", "Northtown" if number % 2 else "") for number in range(3000)
    )
    document = replace(
        small_document,
        signatories=Signatories(
            organisations=tuple(f"Group {number:03d}" for number in range(40)),
            people=people,
            confirmed_total=3100,
        ),
    )
    reader = read(render_pdf(document, cache_dir=tmp_path))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)

    total = len(pages)
    assert total > 20
    for index, page in enumerate(pages[1:], start=2):
        assert PAGE_NUMBER.findall(page) == [(str(index), str(total))]
    assert all(f"Signer {number:05d}" in text for number in range(3000))
    assert "And 60 others who signed without being named." in text
    assert_marked_content_matches_the_parent_tree(reader)
    types = annex_types(reader)
    assert types.count("/LBody") == 3040
    assert types.count("/L") == 2 and types.count("/H3") == 2
    # A long group gets a bookmark per initial letter; a short one does not.
    groups = reader.outline[-1][-1]  # under the title, under "Annex: signatories"
    assert [entry.title for entry in groups if not isinstance(entry, list)][-2:] == [
        "Organisations (40)",
        "Individuals (3,000)",
    ]
    assert [entry.title for entry in groups[-1]] == ["S"]


def test_annex_entries_wrapped_or_beyond_the_fonts_keep_their_whole_text():
    long_affiliation = "Institute for the Study of Surveillance, Department of Sociology, " * 3
    layout = lay_out_annex(
        Signatories(
            organisations=(),
            people=(
                ("Ann Example", long_affiliation),
                ("王小明", ""),
                ("Zoë Ó Súilleabháin", ""),
                ("דוד לוי", ""),
            ),
            confirmed_total=4,
        )
    )
    entries = [item for item in layout.pages[0] if layout.groups[item.group] == "L"]

    assert [entry.actual_text for entry in entries] == [
        f"Ann Example, {long_affiliation}",
        "王小明",
        None,  # drawn whole by the bundled fonts
        "דוד לוי",  # drawn right to left: the structure keeps the reading order
    ]
    assert "\u2026" not in entries[0].actual_text
    last_letter = TextSet("regular").runs("\u05d9")[0].hexes[0]  # yod, the name's last
    assert re.search(r"<([0-9a-f]{4})", entries[3].ops).group(1) == last_letter


def test_in_the_app_the_body_is_cached_where_the_setting_says(
    app, small_document, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "EXPORT_PDF_CACHE_DIR", str(tmp_path / "pdf-cache"))
    with app.app_context():
        render_pdf(small_document)

    assert len(list((tmp_path / "pdf-cache").glob("*.pdf"))) == 1
    assert len(list((tmp_path / "pdf-cache").glob("*.json"))) == 1
