"""Build the one document model (consult.exports.document) from a response and a profile.

A frozen version's words come from its canonical content (what people signed), never from
today's draft; the draft is built from the live sections and marked as such. Markdown goes
through the drafting renderer's own markdown-it parser, and its tokens are mapped onto the
model's small vocabulary: anything outside it (raw HTML, images) survives only as plain text,
and links only with an http, https or mailto target. The profile check then lists what breaks
the recipient's rules, for the coordinator to see before exporting."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from markdown_it.token import Token

from consult.consultations.models import Question
from consult.consultations.profiles import PROFILES, SubmissionProfile
from consult.drafting.markdown import (
    RESPONSE_UNITS,
    Budget,
    parse,
    plain_paragraphs,
    section_heading,
    word_count,
)
from consult.drafting.models import POSITION_LABELS, Response
from consult.drafting.services import live_sections
from consult.drafting.titles import response_to
from consult.exports.bills import arrange
from consult.exports.document import (
    Block,
    CodeBlock,
    Document,
    Footnote,
    Heading,
    ListBlock,
    Paragraph,
    Part,
    ProfileWarning,
    Quote,
    Rule,
    Signatories,
    Span,
)
from consult.signing import services as signing
from consult.signing.models import Version
from consult.timeutil import utcnow
from consult.wording import listed

LANGUAGE = "en-GB"
LINK_PREFIXES = ("http://", "https://", "mailto:")
PLACEHOLDER = re.compile(r"\{(organisation|consultation)\}")


class UnknownProfile(ValueError):
    """The profile slug names none of consult.consultations.profiles.PROFILES."""


@dataclass(frozen=True)
class SectionText:
    """One section's words, from a version's canonical content or from the live draft."""

    kind: str
    number: int | None
    title: str
    choice: str | None
    body: str
    clause: str | None = None  # a clause section's provision ("4", "Schedule 1")


@dataclass(frozen=True)
class _Source:
    sections: list[SectionText]
    organisation: str
    subject_title: str  # the consultation's or the bill's title
    publisher: str
    title: str  # the response's
    when: date
    bill: dict | None  # a bill response's frozen "bill" content ({} for the draft), else None


# --- Markdown to blocks -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    bold: bool = False
    italic: bool = False
    link: str | None = None


class _PartReader:
    """Turns one section's Markdown tokens into blocks and footnotes. Footnote labels carry on
    from `first_label`, so that they never repeat across the document."""

    def __init__(self, tokens: Sequence[Token], anchor: str, first_label: int) -> None:
        self.tokens = tokens
        self.position = 0
        self.anchor = anchor
        self.first_label = first_label

    def footnote_id(self, index: int) -> str:
        return f"{self.anchor}-fn{index + 1}"

    def footnote_label(self, index: int) -> str:
        return str(self.first_label + index)

    # blocks

    def blocks(self, closing: str | None = None) -> tuple[Block, ...]:
        """Blocks up to the token of type `closing` (consumed), or to the end."""
        blocks: list[Block] = []
        tokens = self.tokens
        while self.position < len(tokens):
            token = tokens[self.position]
            self.position += 1
            kind = token.type
            if kind == closing:
                break
            if kind == "paragraph_open":
                spans = self.spans(tokens[self.position].children or ())
                self.position += 1  # the inline token; the loop passes over paragraph_close
                if spans:
                    blocks.append(Paragraph(spans))
            elif kind == "heading_open":
                spans = self.spans(tokens[self.position].children or ())
                self.position += 1
                if spans:
                    blocks.append(Heading(min(int(token.tag[1:]), 4), spans))
            elif kind in ("bullet_list_open", "ordered_list_open"):
                blocks.append(self.list_block(token))
            elif kind == "blockquote_open":
                inner = self.blocks("blockquote_close")
                if inner:
                    blocks.append(Quote(inner))
            elif kind in ("fence", "code_block"):
                blocks.append(CodeBlock(token.content.rstrip("\n")))
            elif kind == "hr":
                blocks.append(Rule())
            elif kind == "table_open":
                blocks.append(self.table())
            elif kind == "footnote_block_open":
                break  # the footnotes come last; `footnotes` reads them
            # Anything else (paragraph and heading ends, footnote back-links) carries no text.
        return tuple(blocks)

    def list_block(self, opening: Token) -> ListBlock:
        closing = opening.type.replace("_open", "_close")
        items: list[tuple[Block, ...]] = []
        while self.tokens[self.position].type != closing:
            self.position += 1  # list_item_open
            items.append(self.blocks("list_item_close"))
        self.position += 1
        start = opening.attrs.get("start", 1) if opening.type == "ordered_list_open" else 1
        return ListBlock(
            ordered=opening.type == "ordered_list_open", items=tuple(items), start=int(start)
        )

    def table(self) -> ListBlock:
        """The model has no tables (guidance keeps them for data, and answers rarely hold
        any): each body row becomes a bullet "Header: cell; Header: cell"."""
        headers: list[tuple[Span, ...]] = []
        rows: list[list[tuple[Span, ...]]] = []
        in_head = False
        while True:
            token = self.tokens[self.position]
            self.position += 1
            if token.type == "table_close":
                break
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open" and not in_head:
                rows.append([])
            elif token.type == "inline":
                cell = self.spans(token.children or ())
                if in_head:
                    headers.append(cell)
                else:
                    rows[-1].append(cell)
        if not rows:  # a header row alone: show it as the one row
            return ListBlock(ordered=False, items=((Paragraph(_merge(_joined(headers))),),))
        items = []
        for row in rows:
            spans: list[Span] = []
            for column, cell in enumerate(row):
                header = headers[column] if column < len(headers) else ()
                if spans:
                    spans.append(Span("; "))
                if header:
                    spans.append(Span(_plain(header) + ": ", bold=True))
                spans.extend(cell)
            items.append((Paragraph(_merge(spans)),))
        return ListBlock(ordered=False, items=tuple(items))

    def footnotes(self) -> tuple[Footnote, ...]:
        """The footnote definitions markdown-it gathers at the end, in order of first
        reference (definitions never referenced are not shown, as on the page)."""
        notes: list[Footnote] = []
        while self.position < len(self.tokens):
            token = self.tokens[self.position]
            self.position += 1
            if token.type == "footnote_open":
                index = token.meta["id"]
                blocks = self.blocks("footnote_close")
                notes.append(Footnote(self.footnote_id(index), self.footnote_label(index), blocks))
        return tuple(notes)

    # inline

    def spans(self, children: Iterable[Token]) -> tuple[Span, ...]:
        spans: list[Span] = []
        style = _Style()
        outer: list[_Style] = []  # the style before each open link, to restore at its close
        for child in children:
            kind = child.type
            if kind == "text":
                if child.content:
                    spans.append(_span(child.content, style))
            elif kind == "softbreak":
                spans.append(_span(" ", style))
            elif kind == "hardbreak":
                spans.append(_span("\n", style))
            elif kind == "code_inline":
                spans.append(Span(child.content, style.bold, style.italic, True, style.link))
            elif kind == "strong_open":
                style = replace(style, bold=True)
            elif kind == "strong_close":
                style = replace(style, bold=False)
            elif kind == "em_open":
                style = replace(style, italic=True)
            elif kind == "em_close":
                style = replace(style, italic=False)
            elif kind == "link_open":
                outer.append(style)
                href = str(child.attrs.get("href", "")).strip()
                if href.lower().startswith(LINK_PREFIXES):
                    style = replace(style, link=href)
            elif kind == "link_close":
                style = replace(style, link=outer.pop().link if outer else None)
            elif kind == "image":
                alt = _plain(self.spans(child.children or ()))
                if alt:
                    spans.append(_span(alt, style))
            elif kind == "footnote_ref":
                index = child.meta["id"]
                spans.append(Span(self.footnote_label(index), footnote=self.footnote_id(index)))
            # s_open/s_close (strikethrough) have no style in the model: the words stay.
        return _merge(spans)


def _span(text: str, style: _Style) -> Span:
    return Span(text, bold=style.bold, italic=style.italic, link=style.link)


def _merge(spans: Sequence[Span]) -> tuple[Span, ...]:
    """Join neighbouring runs of the same style (text, a soft break, text: one run)."""
    merged: list[Span] = []
    for span in spans:
        last = merged[-1] if merged else None
        if (
            last is not None
            and span.footnote is None
            and last.footnote is None
            and (last.bold, last.italic, last.code, last.link)
            == (span.bold, span.italic, span.code, span.link)
        ):
            merged[-1] = replace(last, text=last.text + span.text)
        else:
            merged.append(span)
    return tuple(merged)


def _joined(cells: Iterable[tuple[Span, ...]]) -> list[Span]:
    spans: list[Span] = []
    for cell in cells:
        if spans:
            spans.append(Span("; "))
        spans.extend(cell)
    return spans


def _plain(spans: Iterable[Span]) -> str:
    return "".join(span.text for span in spans)


def parse_part(
    markdown: str, anchor: str, first_label: int, budget: Budget | None = None
) -> tuple[tuple[Block, ...], tuple[Footnote, ...], bool]:
    """One section's Markdown as (blocks, footnotes, formatted), footnotes labelled from
    `first_label`. A text too complex to format within the renderer's work budget (shared
    through `budget` by the whole document) comes as plain paragraphs, every word kept, and
    `formatted` False, as the pages show it."""
    markdown = markdown or ""
    tokens = parse(markdown, {}, budget)
    if tokens is None:
        paragraphs = (Paragraph((Span(text),)) for text in plain_paragraphs(markdown))
        return tuple(paragraphs), (), False
    reader = _PartReader(tokens, anchor, first_label)
    blocks = reader.blocks()
    return blocks, reader.footnotes(), True


# --- numbering --------------------------------------------------------------------------------


def _number_paragraphs(parts: list[Part]) -> list[Part]:
    """Number every top-level paragraph outside the summary, 1, 2, 3 across the document."""
    counter = 0
    numbered = []
    for part in parts:
        if part.kind == "summary":
            numbered.append(part)
            continue
        blocks = []
        for block in part.blocks:
            if isinstance(block, Paragraph):
                counter += 1
                block = replace(block, number=str(counter))
            blocks.append(block)
        numbered.append(replace(part, blocks=tuple(blocks)))
    return numbered


# --- the document -----------------------------------------------------------------------------


def profile_of(slug: str) -> SubmissionProfile:
    try:
        return PROFILES[slug]
    except KeyError:
        raise UnknownProfile(
            f"There is no submission profile called {slug!r}; choose one of "
            f"{', '.join(sorted(PROFILES))}."
        ) from None


def _section_text(kind, number, title, choice, body, clause) -> SectionText:
    return SectionText(kind, number, title, choice, body or "", clause)


def _source(response: Response, version: Version | None, today: date | None) -> _Source:
    """The words to export (a version's as frozen, or the live draft's), and who and what they
    answer: a frozen version names its consultation, or its bill, as it was then."""
    if version is not None:
        content = signing.content_of(version)
        subject = content.get("consultation") or content.get("bill") or {}
        return _Source(
            sections=[
                _section_text(
                    s["kind"], s["number"], s["title"], s["choice"], s["body"], s.get("clause")
                )
                for s in content["sections"]
            ],
            organisation=content["organisation"]["name"],
            subject_title=subject.get("title", ""),
            publisher=subject.get("publisher", ""),
            title=content["response"]["title"],
            when=version.created_at.date(),
            bill=content.get("bill"),
        )
    return _Source(
        sections=[
            _section_text(s.kind, s.number, s.title, s.choice, s.body, s.clause)
            for s in live_sections(response)
        ],
        organisation=response.organisation.name,
        subject_title=response.subject.title,
        publisher=response.subject.publisher,
        title=response.title,
        when=today or utcnow().date(),
        bill={} if response.bill is not None else None,
    )


def _signatories(version: Version) -> Signatories:
    """Consenting, confirmed signers only (signing.public_lists), sorted here so that the
    order does not depend on the database's collation."""
    organisations, people = signing.public_lists(version)
    return Signatories(
        organisations=tuple(sorted(organisations, key=lambda name: (name.casefold(), name))),
        people=tuple(sorted(people, key=lambda person: (person[0].casefold(), person))),
        confirmed_total=signing.confirmed_count(version),
    )


class _Questions:
    """The consultation's questions, to find the one a question section answers. A draft's
    sections carry their question's number and wording; a frozen version's carry them as they
    were when it was frozen, so its question may since have moved (found by its wording) or
    been reworded (found by its number)."""

    def __init__(self, questions: list[Question]) -> None:
        self.by_number = {question.number: question for question in questions}
        self.by_wording: dict[str, Question] = {}
        for question in questions:
            self.by_wording.setdefault(question.text, question)

    def asked(self, section: SectionText) -> Question | None:
        by_number = self.by_number.get(section.number)  # type: ignore[arg-type]
        if by_number is not None and by_number.text == section.title:
            return by_number
        return self.by_wording.get(section.title) or by_number


def section_part(
    section: SectionText,
    anchor: str,
    first_label: int,
    budget: Budget,
    question: Question | None = None,
) -> Part:
    """One section as a part: its Markdown parsed (footnotes labelled from `first_label`),
    its closed answer (a clause's position in words), its word count."""
    blocks, footnotes, formatted = parse_part(section.body, anchor, first_label, budget)
    scale = question is not None and question.kind == "scale"
    clause = section.kind == "clause"
    choice = section.choice or None
    return Part(
        kind=section.kind,
        number=section.number,
        title=section.title,
        heading=section_heading(section),  # type: ignore[arg-type]
        choice=POSITION_LABELS.get(choice, choice) if clause and choice else choice,
        options=tuple(question.options) if scale else (),
        blocks=blocks,
        footnotes=footnotes,
        word_count=word_count(section.body),
        word_limit=question.word_limit if question is not None else None,
        anchor=anchor,
        asked_number=question.number if question is not None else None,
        asked_text=question.text if question is not None else None,
        wording_verified=question.wording_verified if question is not None else None,
        formatted=formatted,
        answer_label="Our position" if clause else None,
    )


def build_document(
    response: Response,
    version: Version | None,
    profile_slug: str,
    *,
    verify_url_for: Callable[[str], str] | None = None,
    today: date | None = None,
) -> Document:
    """The response as `profile_slug`'s recipient wants it: `version`'s frozen words with its
    consenting signatories and fingerprint, or (version None) the current draft, marked as a
    draft. The profile check's warnings are in `Document.warnings`. Same inputs, equal
    documents. `verify_url_for(fingerprint)` gives the public verification page's URL.
    A response to a bill is arranged by consult/exports/bills.py (its clauses, amendments in
    House style, the briefing and the amendment paper)."""
    profile = profile_of(profile_slug)
    source = _source(response, version, today)
    if source.bill is None and profile.subject == "bill" and profile.layout != "response":
        raise UnknownProfile(f"The profile “{profile.name}” is for responses to a bill.")
    questions = _Questions(response.consultation.questions if response.consultation else [])

    parts: list[Part] = []
    amendments: list[SectionText] = []
    next_label = 1
    budget = Budget(RESPONSE_UNITS)  # as the response's pages have it (markdown.render_response)
    for position, section in enumerate(source.sections, start=1):
        if section.kind == "amendment":
            amendments.append(section)
            continue
        question = questions.asked(section) if section.kind == "question" else None
        part = section_part(section, f"part-{position}", next_label, budget, question)
        next_label += len(part.footnotes)
        parts.append(part)
    empty = tuple(part for part in parts if not part.blocks and part.choice is None)
    parts = [part for part in parts if part.blocks or part.choice is not None]

    signatories = _signatories(version) if version is not None else None
    names = {"organisation": source.organisation, "consultation": source.subject_title}
    # One pass, so that a name holding "{consultation}" stays as it is.
    heading = PLACEHOLDER.sub(lambda match: names[match.group(1)], profile.heading)
    if "{consultation}" in profile.heading:  # the heading names the consultation already
        subtitle = f"Consultation published by {source.publisher}" if source.publisher else ""
    else:
        subtitle = response_to(source.subject_title, source.publisher)
    document = Document(
        title=source.title,
        heading=heading,
        subtitle=subtitle,
        organisation=source.organisation,
        consultation_title=source.subject_title,
        consultation_publisher=source.publisher,
        profile_slug=profile.slug,
        language=LANGUAGE,
        date=source.when,
        draft=version is None,
        version_number=version.number if version is not None else None,
        fingerprint=version.sha256 if version is not None else None,
        verify_url=verify_url_for(version.sha256)
        if version is not None and verify_url_for
        else None,
        parts=tuple(parts),
        signatories=signatories if profile.signatories else None,
        co_signing_organisations=signatories.organisations if signatories else (),
        word_limit=profile.word_limit,
        page_numbers=profile.page_numbers,
        cover_page=profile.cover_page,
        numbered_paragraphs=profile.numbered_paragraphs,
        question_by_question=profile.question_by_question,
        empty_parts=empty,
        layout=profile.layout,
        page_limit=profile.page_limit,
    )
    if source.bill is not None:
        amendment_texts = [(section.title, section.body) for section in amendments]
        document = arrange(document, response, source.bill, amendment_texts, signatories)
    if profile.numbered_paragraphs:
        document = replace(document, parts=tuple(_number_paragraphs(list(document.parts))))
    document = replace(document, total_words=sum(part.word_count for part in document.parts))
    return replace(document, warnings=check_profile(document))


# --- the profile check ------------------------------------------------------------------------

PART_NAMES = {
    "summary": "a summary",
    "about": "an introduction about your organisation",
    "recommendations": "recommendations",
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number: starts with "+" or "0" (UK style), then 9 to 12 more digits in groups.
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(0\)[ .-]?)?|\(?0)\d[\d ().-]{7,16}\d(?!\w)")


def _words(count: int) -> str:
    return f"{count:,} word" + ("" if count == 1 else "s")


def _texts(blocks: Iterable[Block]) -> Iterable[str]:
    """Every piece of text in the blocks, link targets included."""
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            for span in block.spans:
                yield span.text
                if span.link:
                    yield span.link
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _texts(item)
        elif isinstance(block, Quote):
            yield from _texts(block.blocks)
        elif isinstance(block, CodeBlock):
            yield block.text


def _contact_details(part: Part) -> list[str]:
    text = "\n".join(
        [
            part.title,
            *_texts(part.blocks),
            *(t for note in part.footnotes for t in _texts(note.blocks)),
        ]
    )
    found = [match.group(0).removeprefix("mailto:") for match in EMAIL.finditer(text)]
    for match in PHONE.finditer(text):
        digits = sum(char.isdigit() for char in match.group(0))
        if 10 <= digits <= 13:
            found.append(match.group(0).strip())
    return list(dict.fromkeys(found))


def _label(part: Part) -> str:
    """How a warning names a part: "Question 4", or the section's title."""
    if part.kind == "question" and part.number is not None:
        return f"Question {part.number}"
    return part.title


def capitalised(text: str) -> str:
    """The text with a capital first letter, to start a sentence with it."""
    return text[:1].upper() + text[1:]


def answered(part: Part) -> bool:
    """A question has an answer when it has words or, for a scale question, a closed one."""
    return bool(part.word_count or part.choice)


def unanswered_questions(parts: Iterable[Part]) -> str | None:
    """The sentence naming every question without an answer by its number, or None."""
    questions = sorted(
        (part for part in parts if part.kind == "question"), key=lambda part: part.number or 0
    )
    missing = [str(part.number) for part in questions if not answered(part)]
    if not missing:
        return None
    if len(missing) == len(questions):
        if len(questions) == 1:
            return "The question has no answer."
        return f"None of the {len(questions)} questions has an answer."
    which = f"question {missing[0]}" if len(missing) == 1 else f"questions {listed(missing)}"
    verb = "has" if len(missing) == 1 else "have"
    return f"{len(missing)} of the {len(questions)} questions {verb} no answer: {which}."


def check_profile(document: Document) -> tuple[ProfileWarning, ...]:
    """What in the document breaks its profile's rules, each as a sentence a coordinator
    understands. Warnings, not errors: the coordinator may still export."""
    profile = profile_of(document.profile_slug)
    addressee = profile.addressee
    parts = document.parts
    every_part = (*parts, *document.empty_parts)
    warnings: list[ProfileWarning] = list(document.found)

    blank = unanswered_questions(every_part)
    if blank:
        warnings.append(ProfileWarning("unanswered-questions", blank))
    if profile.word_limit is not None and document.total_words > profile.word_limit:
        longest = sorted(parts, key=lambda part: -part.word_count)[:3]
        excess = document.total_words - profile.word_limit
        sections = listed([f"{_label(part)} ({_words(part.word_count)})" for part in longest])
        warnings.append(
            ProfileWarning(
                "over-word-limit",
                f"The response has {_words(document.total_words)}, {_words(excess)} more than "
                f"the {_words(profile.word_limit)} {addressee} accepts. The longest sections "
                f"are {sections}.",
            )
        )
    for part in parts:
        if part.word_limit is not None and part.word_count > part.word_limit:
            warnings.append(
                ProfileWarning(
                    "question-over-word-limit",
                    f"{_label(part)} has {_words(part.word_count)}, "
                    f"{_words(part.word_count - part.word_limit)} more than the "
                    f"{_words(part.word_limit)} the consultation allows for it.",
                    part.anchor,
                )
            )
    for kind in profile.required_parts:
        of_kind = [part for part in every_part if part.kind == kind]
        name = PART_NAMES.get(kind, kind)
        if not of_kind:
            warnings.append(
                ProfileWarning(
                    "missing-part",
                    f"The response has no section for {name}, which {addressee} expects.",
                )
            )
        elif not any(part.word_count for part in of_kind):
            warnings.append(
                ProfileWarning(
                    "missing-part",
                    f"“{of_kind[0].title}” is empty, but {addressee} expects {name}.",
                    of_kind[0].anchor,
                )
            )
    summary = next((part for part in parts if part.kind == "summary"), None)
    if profile.summary_first and summary is not None and summary.word_count:
        if not any(isinstance(block, ListBlock) for block in summary.blocks):
            warnings.append(
                ProfileWarning(
                    "summary-not-bullets",
                    f"{capitalised(addressee)} expects the summary as a bullet-point list: start "
                    f"each point of “{summary.title}” on a new line with “- ”.",
                    summary.anchor,
                )
            )
        if parts[0] is not summary:
            warnings.append(
                ProfileWarning(
                    "summary-not-first",
                    f"{capitalised(addressee)} expects the summary first: move "
                    f"“{summary.title}” to the top of the response.",
                    summary.anchor,
                )
            )
    if profile.question_by_question:
        for part in sorted(parts, key=lambda part: part.number or 0):
            if part.options and part.choice is None:
                options = listed([f"“{option}”" for option in part.options], "or")
                warnings.append(
                    ProfileWarning(
                        "no-closed-answer",
                        f"{_label(part)} has an explanation but no closed answer. "
                        f"{capitalised(addressee)} expects one of {options} before the "
                        "explanation.",
                        part.anchor,
                    )
                )
    for part in parts:
        if not part.formatted:
            warnings.append(
                ProfileWarning(
                    "formatting-not-shown",
                    f"{_label(part)} has more formatting marks (such as brackets, asterisks or "
                    f"table lines) than can be laid out, so it is exported as plain text. Its "
                    f"words are all there; simplify its formatting to export it formatted.",
                    part.anchor,
                )
            )
    for part in parts:
        if part.kind == "clause" and part.choice is None and part.word_count:
            warnings.append(
                ProfileWarning(
                    "clause-without-position",
                    f"{_label(part)} has an explanation but no position: say whether you "
                    "support or oppose it, would amend it, or have concerns about it.",
                    part.anchor,
                )
            )
    if not profile.contact_details:
        for part in parts:
            found = _contact_details(part)
            if found:
                warnings.append(
                    ProfileWarning(
                        "contact-details",
                        f"{_label(part)} contains contact details ({listed(found)}). "
                        f"{capitalised(addressee)} publishes the evidence it receives, so put "
                        "them in the covering e-mail instead.",
                        part.anchor,
                    )
                )
    return tuple(warnings)
