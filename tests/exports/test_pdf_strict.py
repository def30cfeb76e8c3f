"""The PDF exports read by libraries other than pypdf, as strict readers and assistive
technology read them: qpdf (through pikepdf) checks the file's syntax and follows the
incremental update's trailer to the title, the pages and the structure tree; poppler's
pdftotext extracts the text. Every profile's PDF, the draft's and a long annex's."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date

import pikepdf
import pydyf
import pytest

from consult.consultations.profiles import PROFILES
from consult.exports.builder import build_document
from consult.exports.document import Document, Paragraph, Part, Signatories, Span
from consult.exports.pdf import render_pdf
from consult.exports.pdf_objects import ObjectWriter
from tests.exports.test_pdf import VERIFY, read

PAGE_NUMBER = re.compile(r"Page (\d+) of (\d+)")


def build(response, version, profile: str) -> Document:
    return build_document(response, version, profile, verify_url_for=lambda f: VERIFY + f)


def pdftotext(data: bytes) -> str:
    """The text poppler extracts, page by page (pages split by form feeds)."""
    finished = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return finished.stdout.decode()


def assert_strict_readers_see_the_whole_document(data: bytes, document: Document) -> None:
    """qpdf finds nothing wrong; the last trailer repeats what ISO 32000-1 §7.5.6 says an
    update's trailer must (the catalogue, the document information, the file's identifier);
    the title, the pages and the structure tree are reached from it."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert pdf.get_warnings() == []
        trailer = pdf.trailer
        assert {"/Root", "/Info", "/ID", "/Prev", "/Size"} <= set(trailer.keys())
        assert str(trailer.Info.Title) == document.title
        assert str(pdf.docinfo["/Title"]) == document.title
        assert str(pdf.docinfo["/Author"]) == document.organisation
        # The identifier's first half is the original file's, the second this update's.
        original = data[: data.index(b"%%EOF", int(trailer.Prev)) + len(b"%%EOF")]
        with pikepdf.open(io.BytesIO(original)) as first:
            assert bytes(trailer.ID[0]) == bytes(first.trailer.ID[0])
            assert bytes(trailer.ID[1]) != bytes(first.trailer.ID[1])
        assert int(trailer.Size) == max(obj.objgen[0] for obj in pdf.objects) + 1
        catalog = pdf.Root
        assert catalog.MarkInfo.Marked
        structure = catalog.StructTreeRoot
        kids = structure.K if isinstance(structure.K, pikepdf.Array) else [structure.K]
        assert kids and kids[0].Type == "/StructElem"
        page_count = len(pdf.pages)
        assert page_count == len(read(data).pages)
        for page in pdf.pages:
            assert "/StructParents" in page.obj
    if document.page_numbers:
        pages = pdftotext(data).split("\f")[:page_count]
        for index, page in enumerate(pages[1:], start=2):
            assert PAGE_NUMBER.findall(page) == [(str(index), str(page_count))]


@pytest.mark.parametrize(
    "profile", sorted(slug for slug, p in PROFILES.items() if p.layout == "response")
)
def test_every_profiles_pdf_reads_whole_in_qpdf_title_pages_and_structure(
    profile, export_response, signed_version, tmp_path
):
    document = build(export_response, signed_version, profile)
    assert document.signatories is not None
    assert_strict_readers_see_the_whole_document(render_pdf(document, cache_dir=tmp_path), document)


def test_a_drafts_pdf_reads_whole_in_qpdf(export_response, tmp_path):
    document = build(export_response, None, "home-office")
    assert document.draft
    assert_strict_readers_see_the_whole_document(render_pdf(document, cache_dir=tmp_path), document)


def one_part_document(signatories: Signatories | None) -> Document:
    part = Part(
        kind="summary",
        number=None,
        title="Summary",
        heading="Summary",
        choice=None,
        options=(),
        blocks=(Paragraph((Span("We oppose it."),)),),
        footnotes=(),
        word_count=3,
        word_limit=None,
        anchor="part-1",
    )
    return Document(
        title="A short response",
        heading="Response from a group",
        subtitle="",
        organisation="A group",
        consultation_title="A consultation",
        consultation_publisher="",
        profile_slug="home-office",
        language="en-GB",
        date=date(2026, 1, 2),
        draft=signatories is None,
        version_number=None if signatories is None else 1,
        fingerprint=None if signatories is None else "cd" * 32,
        verify_url=None if signatories is None else VERIFY + "cd" * 32,
        parts=(part,),
        signatories=signatories,
    )


def test_a_long_annex_reads_whole_in_qpdf(tmp_path):
    people = tuple((f"Signer {number:05d}", "Northtown") for number in range(2500))
    document = one_part_document(Signatories(("Group",), people, 2501))
    assert_strict_readers_see_the_whole_document(render_pdf(document, cache_dir=tmp_path), document)


def test_a_document_without_an_annex_reads_whole_in_qpdf(tmp_path):
    document = one_part_document(None)
    assert_strict_readers_see_the_whole_document(render_pdf(document, cache_dir=tmp_path), document)


@pytest.mark.parametrize("compress", [False, True], ids=["xref table", "xref stream"])
def test_an_update_repeats_the_previous_trailer_whatever_its_form(compress):
    original = pydyf.PDF()
    original.info["Title"] = pydyf.String("A title (with) \\ brackets")
    box = pydyf.Array([0, 0, 200, 200])
    original.add_page(
        pydyf.Dictionary({"Type": "/Page", "MediaBox": box, "Resources": pydyf.Dictionary()})
    )
    out = io.BytesIO()
    original.write(out, version=b"1.7", identifier=b"id (1) \\ x", compress=compress)
    writer = ObjectWriter(out.getvalue())
    writer.add("<</Made/ByTheUpdate>>")
    updated = writer.write_update("ab" * 16)

    with pikepdf.open(io.BytesIO(updated)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert str(pdf.docinfo["/Title"]) == "A title (with) \\ brackets"
        assert bytes(pdf.trailer.ID[0]) == b"id (1) \\ x"
        assert bytes(pdf.trailer.ID[1]) == bytes.fromhex("ab" * 16)
        assert len(pdf.pages) == 1
        assert int(pdf.trailer.Size) == writer.next_number
