"""The one document model every export reads (PDF, DOCX, ODT, Markdown, plain text).

A builder (`consult.exports.builder.build_document`) turns a frozen version (or the current
draft) and a submission profile into a `Document`; each renderer walks that structure, so the
formats never drift apart. Text in the model is plain text, never HTML: a renderer escapes it
for its own format, so hostile Markdown or names cannot inject markup anywhere.

Markdown is parsed once (markdown-it-py, the drafting renderer's parser) into the small block
and inline vocabulary below; anything else (raw HTML, images) is dropped or kept as text: an
image as its alt text, a table as a bullet list with a "Header: cell; Header: cell" item per
row, raw HTML and links to other schemes as the literal words the writer typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# --- inline -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A run of text with one set of styles. `link` is an http(s) or mailto URL (others are
    dropped by the builder); `footnote` marks a footnote reference: its `text` is the number
    the reader sees ("1") and `footnote` the id of a `Footnote` in the same `Part`. A "\\n" in
    `text` is a hard line break (Markdown's two trailing spaces or backslash)."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None
    footnote: str | None = None


# --- blocks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """`number` is the paragraph number the profile asks for ("12"), else None."""

    spans: tuple[Span, ...]
    number: str | None = None


@dataclass(frozen=True)
class Heading:
    """A heading inside a section's text: level 1 is the highest a writer can use there (the
    renderer places it below the section's own heading)."""

    level: int  # 1-4
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple[Block, ...], ...]  # each item: its blocks (paragraphs, nested lists)
    start: int = 1


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class CodeBlock:
    text: str


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class AmendmentLine:
    """One line of an amendment in House style. `role` is a consult.bills.house_style.Role
    value ("number", "reference", "inserted_title", "inserted", "statement_heading",
    "statement", "supporters", "provision"), or "note" for a line of ours about it."""

    role: str
    text: str


@dataclass(frozen=True)
class AmendmentBlock:
    """An amendment set out as the House prints it (consult.bills.house_style.render), line by
    line with each line's role, so that every format sets the reference, the inserted text
    (indented), the explanatory statement (in italics, under its heading) and the supporters
    in their own styles. Renderers never change its characters: the words are ready to table."""

    lines: tuple[AmendmentLine, ...]


Block = Paragraph | Heading | ListBlock | Quote | CodeBlock | Rule | AmendmentBlock


@dataclass(frozen=True)
class Footnote:
    id: str  # unique in the document: the part's anchor and the note's number, "part-3-fn1"
    label: str  # what the reader sees, "1"
    blocks: tuple[Block, ...]


# --- the document -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One section of the response: summary, about, question, recommendations or custom."""

    kind: str
    number: int | None  # the question's number
    title: str  # the section's title (a question's wording)
    heading: str  # as the reader sees it: "Question 3: ..." or the title
    choice: str | None  # a scale question's closed answer ("Agree"), None if open/unanswered
    options: tuple[str, ...]  # a scale question's options, in order (empty if open)
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...]
    word_count: int
    word_limit: int | None  # the question's own limit, if any
    anchor: str  # unique id for links and bookmarks, e.g. "part-3"
    # The consultation's question this part answers, as the consultation asks it now (for a
    # frozen version, possibly renumbered or reworded since): its number and wording, and
    # whether that wording is verified (Question.wording_verified). None outside questions.
    asked_number: int | None = None
    asked_text: str | None = None
    wording_verified: bool | None = None

    @property
    def asked_differently(self) -> bool:
        """A question part whose number or wording is not the consultation's question now:
        a version frozen before the questions changed."""
        return self.asked_number is not None and (
            self.asked_number != self.number or self.asked_text != self.title
        )

    # False when the text was too complex to format in time: its blocks are then its words as
    # plain paragraphs (consult.drafting.markdown.parse), and the profile check says so.
    formatted: bool = True
    # How the closed answer is introduced: a clause's is "Our position" (None: the default,
    # "Our answer" in print, "Answer" in the office and text formats).
    answer_label: str | None = None


@dataclass(frozen=True)
class Signatories:
    """Only the confirmed signatures whose signers consented to publication, sorted by name."""

    organisations: tuple[str, ...]
    people: tuple[tuple[str, str], ...]  # (name, affiliation or "")
    confirmed_total: int  # all confirmed signatures, published or not (for "and N others")


@dataclass(frozen=True)
class ProfileWarning:
    """Something that breaks the submission profile: the coordinator sees it and may go on."""

    code: str  # "over-word-limit", "question-over-word-limit", "missing-part", ...
    message: str  # a sentence for a person
    part: str | None = None  # the Part's anchor it concerns, if any


@dataclass(frozen=True)
class Document:
    title: str  # the document title (PDF metadata, Word properties, the first heading)
    heading: str  # the profile's heading, e.g. "Written evidence submitted by Liberty Now"
    subtitle: str  # e.g. "Response to the Home Office consultation on <title>"
    organisation: str  # the respondent
    consultation_title: str
    consultation_publisher: str
    profile_slug: str  # a key of consult.consultations.profiles.PROFILES
    language: str  # BCP 47, "en-GB"
    date: date  # the version's freezing date (the draft: the day of export)
    draft: bool  # True: the current draft, marked DRAFT on every page
    version_number: int | None  # None for a draft
    fingerprint: str | None  # the version's SHA-256 (hex), None for a draft
    verify_url: str | None  # the public verification page of that fingerprint
    parts: tuple[Part, ...]
    signatories: Signatories | None  # None when the profile leaves them out or it is a draft
    co_signing_organisations: tuple[str, ...] = ()  # for the cover page
    warnings: tuple[ProfileWarning, ...] = field(default_factory=tuple)
    total_words: int = 0
    word_limit: int | None = None  # the profile's limit
    page_numbers: bool = True  # False for the Public Bill Committee
    cover_page: bool = False
    numbered_paragraphs: bool = False
    question_by_question: bool = False  # closed choice, then explanation, per question
    # Sections with neither text nor a closed answer: left out of `parts` (a submission does
    # not show empty headings), kept here only for the profile check. Renderers ignore them.
    empty_parts: tuple[Part, ...] = ()
    # What the PDF lays out: "response", "briefing" or "amendment-paper" (the profile's).
    layout: str = "response"
    # Said prominently under the title in every format: that a bill's text is our own
    # illustrative text, not Parliament's (consult/exports/bills.py).
    notices: tuple[str, ...] = ()
    # For a briefing: how many pages its PDF may fill (the pre-export check measures it).
    page_limit: int | None = None
    # What the builder found reading the response that the profile check reports with its
    # own findings (an amendment whose text cannot be read, so it is left out).
    found: tuple[ProfileWarning, ...] = ()

    def answer_of(self, part: Part) -> str | None:
        """The closed-answer line every format shows before a question's explanation ("Agree"),
        "Not answered" for a scale question left without one where the recipient reads answers
        question by question, and None when there is nothing to show."""
        if part.choice:
            return part.choice
        if self.question_by_question and part.options:
            return "Not answered"
        return None
