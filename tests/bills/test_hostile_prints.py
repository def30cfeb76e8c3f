"""Hostile uploads (issue 14's bar): a file too large, too many pages, too slow, a malformed
or encrypted PDF, a zip bomb as .docx, huge or deeply nested HTML, scripts in HTML, junk. Each
is refused with a plain-English ImportRefused (a DomainError, so the API answers 413 or 422),
never an exception of another kind and never a hang."""

from __future__ import annotations

import contextlib
import io
import random
import struct
import time
import zipfile

import pikepdf
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from consult.bills.importers import ImportRefused, Limits, read_print, read_text
from consult.bills.importers.isolated import read_print_isolated
from consult.errors import DomainError
from tests.bills import corpus


@pytest.fixture(scope="module")
def bill():
    return corpus.make_print(seed=5, clauses=6)


@pytest.fixture(scope="module")
def pdf(bill):
    return corpus.to_pdf(bill)


@pytest.fixture(scope="module")
def docx(bill):
    return corpus.to_docx(bill)


def refused(data: bytes, **kwargs) -> ImportRefused:
    started = time.monotonic()
    with pytest.raises(ImportRefused) as caught:
        read_print(data, **kwargs)
    assert time.monotonic() - started < 10, "a refusal must be quick"
    assert isinstance(caught.value, DomainError)
    message = str(caught.value)
    assert message and "Traceback" not in message and message[0].isupper()
    return caught.value


# ---- size, pages, time, lines -----------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(pdf):
    error = refused(pdf, limits=Limits(max_bytes=len(pdf) - 1))
    assert error.too_large and "MB" in str(error)


def test_a_pdf_with_too_many_pages_is_refused(pdf, bill):
    error = refused(pdf, limits=Limits(max_pages=bill.pages))  # it has a contents page too
    assert error.too_large and f"{bill.pages + 1} pages" in str(error)


def test_text_with_too_many_pages_is_refused():
    assert refused(b"1 Title\f" * 20, limits=Limits(max_pages=10)).too_large


@pytest.mark.parametrize("kind", ["pdf", "docx", "html", "text"])
def test_an_import_over_its_time_is_stopped(kind, bill):
    data = {
        "pdf": corpus.to_pdf,
        "docx": corpus.to_docx,
        "html": corpus.to_html,
        "text": lambda b: corpus.to_text(b).encode(),
    }[kind](bill)
    error = refused(data, limits=Limits(max_seconds=-1))
    assert "took longer than" in str(error)


def test_too_many_lines_are_refused(pdf):
    assert refused(pdf, limits=Limits(max_lines=50)).too_large


def test_a_page_stuffed_with_characters_is_refused(pdf):
    error = refused(pdf, limits=Limits(max_chars_per_page=200))
    assert "characters" in str(error)


def test_a_child_process_is_stopped_when_it_overruns(pdf):
    started = time.monotonic()
    with pytest.raises(ImportRefused, match="took longer than"):
        read_print_isolated(pdf, timeout=0.01)
    assert time.monotonic() - started < 10


def test_the_child_process_reads_what_read_print_reads(pdf):
    assert read_print_isolated(pdf) == read_print(pdf)
    with pytest.raises(ImportRefused, match="not a PDF that can be read"):
        read_print_isolated(pdf[: len(pdf) // 3])


# ---- PDFs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"x" * 1000,
        b"%PDF-",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>",
    ],
    ids=["garbage", "header-only", "no-pages"],
)
def test_a_malformed_pdf_is_refused(data):
    assert "PDF" in str(refused(data)) or "no text" in str(refused(data))


def test_a_truncated_pdf_is_refused_or_read_never_crashes(pdf):
    for cut in (len(pdf) // 4, len(pdf) // 2, len(pdf) - 200):
        with contextlib.suppress(ImportRefused):
            read_print(pdf[:cut])


def test_a_pdf_with_random_bytes_changed_never_crashes(pdf):
    rng = random.Random(14)
    for _ in range(25):
        damaged = bytearray(pdf)
        for _ in range(30):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        with contextlib.suppress(ImportRefused):
            read_print(bytes(damaged))


def _encrypt(pdf: bytes, user: str) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(out, encryption=pikepdf.Encryption(user=user, owner="owner-secret"))
    return out.getvalue()


def test_a_pdf_that_needs_a_password_is_refused(pdf):
    assert "password" in str(refused(_encrypt(pdf, user="reader-secret")))


def test_a_pdf_encrypted_without_a_reading_password_is_read(pdf, bill):
    """Restrictions on printing or copying do not stop reading the text of a public bill."""
    parsed = read_print(_encrypt(pdf, user=""))
    assert len(parsed.lines) == len(bill.lines)


def test_a_scanned_pdf_without_text_is_refused():
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.rect(50, 50, 400, 600, fill=1)
    canvas.showPage()
    canvas.save()
    assert "scan" in str(refused(out.getvalue()))


# ---- Word -------------------------------------------------------------------------------


def _rezip(docx: bytes, extra: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", method) as zout:
        for info in source.infolist():
            zout.writestr(info.filename, extra.pop(info.filename, source.read(info.filename)))
        for name, content in extra.items():
            zout.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_unopened(docx):
    bomb = _rezip(docx, {"word/media/bomb.bin": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 200_000
    error = refused(bomb)
    assert error.too_large and "zip bomb" in str(error)


def test_a_docx_unpacking_past_the_total_limit_is_refused(docx):
    padded = _rezip(docx, {"word/media/big.bin": random.Random(1).randbytes(3 * 1024 * 1024)})
    error = refused(padded, limits=Limits(max_unzipped_bytes=2 * 1024 * 1024))
    assert error.too_large and "unpack" in str(error)


def test_a_docx_with_thousands_of_parts_is_refused(docx):
    many = _rezip(docx, {f"word/x{i}.xml": b"<x/>" for i in range(2100)})
    assert "parts" in str(refused(many))


def test_a_docx_that_lies_about_its_sizes_is_refused(docx):
    """A part declared as 4 kB that inflates to 30 MB: the zip reader stops at the declared
    size and fails its checksum; nothing inflates the rest."""
    big = b"<w:t>" + b"A" * (30 * 1024 * 1024) + b"</w:t>"
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        document = source.read("word/document.xml")
    data = bytearray(_rezip(docx, {"word/document.xml": document.replace(b"<w:t>", big, 1)}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 4000)  # the local header's size
    central = data.find(b"PK\x01\x02")
    while central != -1:  # and the central directory's
        length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + length]) == b"word/document.xml":
            struct.pack_into("<I", data, central + 24, 4000)
        central = data.find(b"PK\x01\x02", central + 4)
    assert "could not be read" in str(refused(bytes(data)))


def test_entities_in_a_docx_are_not_expanded(docx):
    laughs = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        f'<!ENTITY a{i} "{("&a;" if i == 0 else f"&a{i - 1};") * 10}">'.encode() for i in range(9)
    )
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        document = source.read("word/document.xml").split(b"?>", 1)[1]
    bomb = _rezip(docx, {"word/document.xml": laughs + b"]>" + document.replace(b">A<", b">&a8;<")})
    try:
        parsed = read_print(bomb)
    except ImportRefused:
        return
    assert max(len(line.text) for line in parsed.lines) < 10_000


def test_a_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "not a Word document" in str(refused(out.getvalue()))


def test_an_old_or_protected_word_file_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
    assert ".docx" in str(refused(ole))


def test_a_broken_zip_is_refused(docx):
    assert "Word" in str(refused(docx[: len(docx) // 2]))


# ---- HTML -------------------------------------------------------------------------------


def test_scripts_and_handlers_in_html_are_neither_kept_nor_run(bill):
    data = corpus.to_html(bill, hostile=True).replace(
        b"</body>",
        b"<script>BE IT ENACTED alert(1)</script><img src=x onerror=alert(2)>"
        b"<style>p{color:red}</style><iframe srcdoc='<p>7 Evil clause</p>'></iframe>"
        b"<noscript>9 Hidden</noscript><template><p>8 Template</p></template></body>",
    )
    parsed = read_print(data)
    text = " ".join(line.text for line in parsed.lines)
    for word in ("alert", "fetch", "pwned", "Evil", "Hidden", "Template", "color"):
        assert word not in text
    assert parsed.title == corpus.TITLE
    assert len(parsed.lines) == len(bill.lines)


def test_html_with_too_many_elements_is_refused():
    huge = b"<html><body>" + b"<p>x</p>" * 300_000 + b"</body></html>"
    error = refused(huge, limits=Limits(max_html_elements=100_000))
    assert error.too_large and "elements" in str(error)


def test_deeply_nested_html_is_refused():
    deep = b"<html><body>" + b"<div>" * 50_000 + b"1 Heading" + b"</div>" * 50_000
    assert "nested" in str(refused(deep))


# ---- anything at all -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [b"", b"   \n\n  ", bytes(range(256)) * 4], ids=["empty", "blank", "binary"]
)
def test_empty_or_binary_files_are_refused(data):
    refused(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_are_read_or_refused(data):
    with contextlib.suppress(ImportRefused):
        read_print(data)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["PART 1", "SCHEDULE 2", "(1) text", "(i) x", "“(2) quoted", "\f"]),
            st.from_regex(r"\d{1,3}[A-Z]? [A-Z][a-z ]{0,20}", fullmatch=True),
            st.text(max_size=60),
        ),
        max_size=60,
    )
)
# Found in CI: a page whose running head read "0" was numbered page 0, after page 1, and the
# schedule ended before it began.
@example(rows=["Aaaaaaaaaaa", "SCHEDULE 2", "\f", "0 Aaaaaaaaaaa", "PART 1"])
def test_any_pasted_text_is_read_or_refused(rows):
    try:
        parsed = read_text("\n".join(rows))
    except ImportRefused:
        return
    for provision in parsed.provisions:
        assert provision.start <= provision.end
