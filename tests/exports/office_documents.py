"""Export documents built directly (no database) for the DOCX and ODT renderer tests: every
block and inline kind the model has, footnotes, numbered paragraphs, signatories, and a size
knob for measuring large signatory annexes."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from consult.exports.document import (
    Block,
    CodeBlock,
    Document,
    Footnote,
    Heading,
    ListBlock,
    Paragraph,
    Part,
    Quote,
    Rule,
    Signatories,
    Span,
)

FINGERPRINT = "3f" * 32
VERIFY_URL = "https://consult.example.org/verify/" + FINGERPRINT
OPTIONS = ("Agree", "Neither agree nor disagree", "Disagree", "Don't know")
WORDS = (
    "Live facial recognition scans every face that passes a camera and compares it with a "
    "watch-list, so people who are suspected of nothing are processed in large numbers. "
)


def _p(text: str, number: str | None = None) -> Paragraph:
    return Paragraph((Span(text),), number)


def _question(number: int, words: int, paragraph_numbers: list[int] | None) -> Part:
    """A question whose explanation has about `words` words in paragraphs of ~120 words."""
    sentences = max(1, words // 24)
    blocks = []
    for start in range(0, sentences, 5):
        text = f"Point {start // 5 + 1} on question {number}. " + WORDS * min(5, sentences - start)
        label = None
        if paragraph_numbers is not None:
            paragraph_numbers[0] += 1
            label = str(paragraph_numbers[0])
        blocks.append(_p(text.strip(), label))
    return Part(
        kind="question",
        number=number,
        title=f"Should the framework cover technology number {number}?",
        heading=f"Question {number}: Should the framework cover technology number {number}?",
        choice=OPTIONS[number % 3],
        options=OPTIONS,
        blocks=tuple(blocks),
        footnotes=(),
        word_count=words,
        word_limit=None,
        anchor=f"part-{number + 2}",
    )


def rich_document(*, numbered: bool = True, draft: bool = False) -> Document:
    """A small select-committee document using every kind of block and span."""
    note = Footnote(
        "part-3-1",
        "1",
        (
            Paragraph(
                (
                    Span("Biometrics Commissioner, "),
                    Span("Annual report", italic=True),
                    Span(", 2023."),
                )
            ),
        ),
    )
    summary = Part(
        kind="summary",
        number=None,
        title="Summary",
        heading="Summary",
        choice=None,
        options=(),
        blocks=(
            ListBlock(
                ordered=False,
                items=(
                    (_p("Live facial recognition needs prior judicial authorisation."),),
                    (
                        _p("The framework must cover every biometric technology:"),
                        ListBlock(ordered=True, items=((_p("gait"),), (_p("voice"),)), start=3),
                    ),
                ),
            ),
        ),
        footnotes=(),
        word_count=20,
        word_limit=None,
        anchor="part-1",
    )
    about = Part(
        kind="about",
        number=None,
        title="About us",
        heading="About us",
        choice=None,
        options=(),
        blocks=(
            Paragraph(
                (
                    Span("Northtown Residents is a "),
                    Span("community association", bold=True),
                    Span(" of 1,200 households; see "),
                    Span("our deployments page", link="https://www.example.org/deployments"),
                    Span("."),
                ),
                "1" if numbered else None,
            ),
            Paragraph(
                (Span("We are unfunded and "), Span("independent", italic=True), Span(".")),
                "2" if numbered else None,
            ),
        ),
        footnotes=(),
        word_count=25,
        word_limit=None,
        anchor="part-2",
    )
    question = Part(
        kind="question",
        number=1,
        title="Should the framework cover all biometric technologies?",
        heading="Question 1: Should the framework cover all biometric technologies?",
        choice="Agree",
        options=OPTIONS,
        blocks=(
            Paragraph(
                (
                    Span("A single framework is overdue, as the commissioner said."),
                    Span("1", footnote="part-3-1"),
                ),
                "3" if numbered else None,
            ),
            Heading(1, (Span("What biometric should mean"),)),
            Paragraph(
                (Span("Use "), Span("match_threshold", code=True), Span(" values above 0.9.")),
                "4" if numbered else None,
            ),
            Quote(
                (_p("There is no reliable way to read a person's inner state from their face."),)
            ),
            CodeBlock("false-match rate: 1 in 6,000\nvendor figure, 2024\n"),
            Rule(),
            Paragraph((Span("Tabs\tand\nline breaks survive."),), "5" if numbered else None),
        ),
        footnotes=(note,),
        word_count=60,
        word_limit=None,
        anchor="part-3",
    )
    return Document(
        title="Northtown Residents' response on facial recognition",
        heading="Written evidence submitted by Northtown Residents",
        subtitle="Response to Legal framework for biometrics — Home Office",
        organisation="Northtown Residents",
        consultation_title="Legal framework for biometrics",
        consultation_publisher="Home Office",
        profile_slug="select-committee",
        language="en-GB",
        date=date(2026, 3, 12),
        draft=draft,
        version_number=None if draft else 2,
        fingerprint=None if draft else FINGERPRINT,
        verify_url=None if draft else VERIFY_URL,
        parts=(summary, about, question),
        signatories=None
        if draft
        else Signatories(
            organisations=("Open Rights Coalition", "Privacy First Alliance"),
            people=(("Dr Amira Hussain", "University of Northtown"), ("Eddie Editor", "")),
            confirmed_total=6,
        ),
        co_signing_organisations=()
        if draft
        else ("Open Rights Coalition", "Privacy First Alliance"),
        total_words=105,
        word_limit=3000,
        numbered_paragraphs=numbered,
    )


def large_document(signatories: int, *, questions: int = 30, words: int = 12_000) -> Document:
    """The benchmark document: `questions` questions, about `words` words, `signatories`
    named people (a tenth of them also listed as organisations' signatories)."""
    counter = [0]
    parts = tuple(_question(n, words // questions, counter) for n in range(1, questions + 1))
    people = tuple(
        (f"Signatory {n:06d} Example-Surname", "University of Somewhere" if n % 3 else "")
        for n in range(signatories)
    )
    organisations = tuple(
        f"Organisation {n:05d} for Civil Liberties" for n in range(signatories // 10)
    )
    base = rich_document()
    return replace(
        base,
        parts=parts,
        signatories=Signatories(organisations, people, signatories + len(organisations) + 5),
        co_signing_organisations=organisations[:3],
        total_words=words,
    )


def _paragraphs(blocks: tuple[Block, ...]) -> Iterator[Paragraph]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _paragraphs(item)
        elif isinstance(block, Quote):
            yield from _paragraphs(block.blocks)


def model_paragraph_texts(document: Document) -> list[str]:
    """Each paragraph's words as the model holds them (footnote marks left out), so a test can
    look for every one of them in a rendered file."""
    texts = []
    for part in document.parts:
        for paragraph in _paragraphs(part.blocks):
            text = "".join(span.text for span in paragraph.spans if span.footnote is None)
            if text.strip():
                texts.append(text)
    return texts


def pdf_text_of_converted(data: bytes, filename: str, tmp_path: Path) -> str:
    """Convert the file to PDF with LibreOffice (a throwaway profile) and return the PDF's
    text; a file LibreOffice cannot open gives no PDF and fails the test. Skipped where
    LibreOffice is not installed, unless the CI environment variable is set."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (libreoffice or soffice) must be on PATH in CI")
        pytest.skip("LibreOffice (libreoffice or soffice) is not on PATH")
    source = tmp_path / filename
    source.write_bytes(data)
    result = subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = tmp_path / "out" / (source.stem + ".pdf")
    assert result.returncode == 0 and converted.exists(), result.stderr
    return "\n".join(page.extract_text() for page in PdfReader(converted).pages)


def irregular_document() -> Document:
    """Numbers and footnote labels the office suites cannot simply count on: paragraph
    numbers 1, 2, then 1 again and a "2.1"; each part's footnote labelled "1"."""
    base = rich_document()

    def part(anchor: str, numbers: tuple[str, ...]) -> Part:
        note = Footnote(f"{anchor}-1", "1", (_p(f"Source for {anchor}."),))
        blocks = tuple(
            Paragraph((Span(f"Paragraph {number} of {anchor}."),), number) for number in numbers
        )
        first = blocks[0]
        blocks = (replace(first, spans=(*first.spans, Span("1", footnote=note.id))), *blocks[1:])
        return replace(base.parts[1], anchor=anchor, blocks=blocks, footnotes=(note,))

    return replace(base, parts=(part("part-a", ("1", "2")), part("part-b", ("1", "2.1"))))
