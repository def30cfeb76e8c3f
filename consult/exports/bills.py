"""The exports of a response to a bill: the parts only a bill has, arranged for each stage.

The builder (builder.py) reads the sections as for any response; here a response to a bill
gets what its recipients need (shared/context/bills.md §3-§5):
- written evidence to a Public Bill Committee ("response" layout): the sections in order,
  each clause with our position in words, and the suggested amendments before the
  recommendations, each in House style with its explanatory statement and what it does;
- a second reading briefing ("briefing"): the ask first, the clauses concerned with our
  position on each, the key amendments in brief, who we are and who supports us, on two
  pages (services.check measures the PDF; nothing is ever cut);
- an amendment paper ("amendment-paper"): the amendments in House style, in the order and
  with the numbers of a paper (NC1 ...), each with its statement and the organisations
  supporting it, for a Member to table as it stands.

Amendments are rendered from their frozen text (consult.bills.amendment_text.load) by
consult.bills.house_style, never retyped. A bill marked illustrative is our own text, and every
export of it says so prominently (`Document.notices`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from consult.bills import amendment_text
from consult.bills.amendments import STATEMENT_WORD_LIMIT, Amendment, Kind, blocking
from consult.bills.errors import BillError
from consult.bills.house_style import (
    CLOSE,
    STAGE_NAMES,
    House,
    Rendered,
    Role,
    bill_title,
    paper_numbers,
    paper_order,
    render,
    render_paper,
)
from consult.bills.services import parsed_print
from consult.bills.stages import HOUSE_NAMES, amendment_stage, sitting_house
from consult.bills.validation import check_against_print
from consult.drafting.markdown import word_count
from consult.drafting.models import Response
from consult.exports.document import (
    AmendmentBlock,
    AmendmentLine,
    Block,
    Document,
    Heading,
    ListBlock,
    Paragraph,
    Part,
    ProfileWarning,
    Quote,
    Signatories,
    Span,
)
from consult.wording import count_of, listed

ILLUSTRATIVE_NOTICE = (
    "Illustrative text: the bill quoted in this document is Consult's own illustrative text, "
    "written to show how the app works. It is not the text of a bill published by Parliament "
    "or the Government, and no words in it are theirs."
)
BRIEFING_NAMES = 24  # supporters named in a briefing; the rest are counted
_DEFAULT_TITLE = re.compile(r"^Amendment \d+$")
_NEW = {Kind.NEW_CLAUSE: "New clause", Kind.NEW_SCHEDULE: "New schedule"}


@dataclass(frozen=True)
class BillFacts:
    """What an export says about the bill: as the version froze it (title, House of
    introduction, print, whether it is illustrative), and the stage it is at now (an
    amendment paper is headed for the stage it will be tabled at)."""

    title: str
    introduced: str  # "commons" or "lords"
    illustrative: bool
    print_label: str | None
    stage: str  # the bill's current stage key

    @property
    def house(self) -> House:
        """The House the bill is in now, whose style an amendment follows."""
        return House(sitting_house(self.stage, self.introduced))

    @property
    def paper_stage(self) -> str:
        return amendment_stage(self.stage)


@dataclass(frozen=True)
class Drafted:
    """An amendment section read back into its fields."""

    title: str
    amendment: Amendment


def bill_facts(response: Response, frozen: dict) -> BillFacts:
    """The bill as `frozen` (a version's "bill" content; {} for the draft) names it, the rest
    from the live bill. Illustrative if either says so: the notice is never lost."""
    bill = response.bill
    printed = frozen.get("print") if "print" in frozen else None
    if not frozen and bill.current_print is not None:
        printed = {"label": bill.current_print.label}
    return BillFacts(
        title=frozen.get("title", bill.title),
        introduced=frozen.get("house", bill.house),
        illustrative=bool(frozen.get("illustrative")) or bill.illustrative,
        print_label=printed["label"] if printed else None,
        stage=bill.stage,
    )


def read_amendments(
    sections: Iterable[tuple[str, str]],
) -> tuple[list[Drafted], list[ProfileWarning]]:
    """The amendments that the (title, text) of amendment sections hold, and a warning for
    each that cannot be read (it is left out, and the warning says so) or whose statement is
    over the House's limit."""
    drafted: list[Drafted] = []
    warnings: list[ProfileWarning] = []
    for title, body in sections:
        try:
            amendment = amendment_text.load(body)
        except BillError as error:
            warnings.append(
                ProfileWarning(
                    "amendment-unreadable", f"“{title}” is left out of the export: {error}"
                )
            )
            continue
        drafted.append(Drafted(title, amendment))
        words = word_count(amendment.explanatory_statement)
        if words > STATEMENT_WORD_LIMIT:
            warnings.append(
                ProfileWarning(
                    "statement-too-long",
                    f"The explanatory statement of “{title}” has {words} words; the "
                    f"House asks for at most {STATEMENT_WORD_LIMIT}.",
                )
            )
    return drafted, warnings


def against_current_print(
    response: Response, facts: BillFacts, drafted: Sequence[Drafted]
) -> list[ProfileWarning]:
    """A warning for each amendment whose page and line no longer fit the bill's latest print
    (a new print came after it was written or frozen, and re-mapping could not move it), and
    one when the text exported cites an earlier print than the latest: a Member must not
    table references to a print the House no longer uses."""
    current = response.bill.current_print
    if current is None:
        return []
    warnings: list[ProfileWarning] = []
    if facts.print_label is not None and facts.print_label != current.label:
        warnings.append(
            ProfileWarning(
                "older-print",
                f"These amendments cite the print “{facts.print_label}”, but the bill has "
                f"been reprinted as “{current.label}”: page and line numbers may have moved. "
                "Check the amendments against the new print and freeze a new version.",
            )
        )
    parsed = parsed_print(current)
    for item in drafted:
        problems = blocking(check_against_print(item.amendment, parsed))
        if problems:
            warnings.append(
                ProfileWarning(
                    "amendment-needs-attention",
                    f"“{item.title}” does not fit the print “{current.label}”: "
                    f"{problems[0].message}",
                )
            )
    return warnings


# --- pieces -------------------------------------------------------------------------------------


def amendment_block(rendered: Rendered, supporters: Sequence[str] = ()) -> AmendmentBlock:
    """The rendered amendment's lines, as they are, and who supports it."""
    lines = [AmendmentLine(str(p.role), p.text) for p in rendered.paragraphs]
    if supporters:
        lines.append(AmendmentLine(str(Role.SUPPORTERS), f"Supported by: {', '.join(supporters)}"))
    return AmendmentBlock(tuple(lines))


def _text_paragraphs(text: str, label: str = "") -> list[Paragraph]:
    """Plain text (a purpose) as paragraphs, the first opening with `label` in bold."""
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text.strip()) if chunk.strip()]
    paragraphs = []
    for index, chunk in enumerate(chunks):
        spans = (Span(label, bold=True),) if label and index == 0 else ()
        paragraphs.append(Paragraph((*spans, Span(chunk))))
    return paragraphs


def _words(blocks: Iterable[Block]) -> int:
    """Words as the reader sees them in synthesised blocks (no Markdown in them)."""
    texts: list[str] = []

    def walk(items: Iterable[Block]) -> None:
        for block in items:
            if isinstance(block, (Paragraph, Heading)):
                texts.append(" ".join(span.text for span in block.spans))
            elif isinstance(block, ListBlock):
                for item in block.items:
                    walk(item)
            elif isinstance(block, Quote):
                walk(block.blocks)
            elif isinstance(block, AmendmentBlock):
                texts.extend(line.text for line in block.lines)

    walk(blocks)
    return sum(word_count(text) for text in texts)


def made_part(kind: str, heading: str, blocks: Sequence[Block], anchor: str) -> Part:
    """A part the export makes (not a section of the response)."""
    return Part(
        kind=kind,
        number=None,
        title=heading or kind,
        heading=heading,
        choice=None,
        options=(),
        blocks=tuple(blocks),
        footnotes=(),
        word_count=_words(blocks),
        word_limit=None,
        anchor=anchor,
    )


def _numbered(drafted: Sequence[Drafted], facts: BillFacts) -> list[tuple[str, Drafted]]:
    """The amendments in the order of an amendment paper, with its numbers (NC1, 1, 2 ...)."""
    amendments = [item.amendment for item in drafted]
    order = paper_order(amendments, facts.house)
    numbers = paper_numbers(amendments, order)
    return [(numbers[index], drafted[index]) for index in order]


def _name(number: str, item: Drafted) -> str:
    """ "Amendment 3", "New clause NC1: Independent oversight"."""
    name = f"{_NEW.get(item.amendment.kind, 'Amendment')} {number}"
    if item.title and not _DEFAULT_TITLE.match(item.title):
        name += f": {item.title}"
    return name


def _print_sentence(facts: BillFacts) -> str:
    if not facts.print_label:
        return ""
    return f" Page and line numbers are those of the print “{facts.print_label}”."


def _render(item: Drafted, facts: BillFacts, **options) -> Rendered:
    return render(item.amendment, house=facts.house, stage=facts.paper_stage, **options)


# --- written evidence (the "response" layout) --------------------------------------------------


def evidence_amendments(drafted: Sequence[Drafted], facts: BillFacts) -> Part | None:
    """The suggested amendments for written evidence: each named, set out in House style with
    its explanatory statement, then what it does in plain words."""
    if not drafted:
        return None
    blocks: list[Block] = [
        Paragraph(
            (
                Span(
                    "We suggest the following amendments. Each is set out as it would be "
                    "tabled, with its explanatory statement, followed by what it does."
                    + _print_sentence(facts)
                ),
            )
        )
    ]
    for number, item in _numbered(drafted, facts):
        blocks.append(Heading(1, (Span(_name(number, item)),)))
        blocks.append(amendment_block(_render(item, facts)))
        blocks += _text_paragraphs(item.amendment.purpose, "What this amendment does: ")
    return made_part("amendments", "Suggested amendments", blocks, "part-amendments")


def _evidence(parts: list[Part], amendments: Part | None) -> list[Part]:
    """The amendments go before the recommendations (or last)."""
    if amendments is None:
        return parts
    at = next((i for i, part in enumerate(parts) if part.kind == "recommendations"), len(parts))
    return [*parts[:at], amendments, *parts[at:]]


# --- the briefing ------------------------------------------------------------------------------


def _first_paragraph(part: Part) -> list[Block]:
    first = next((block for block in part.blocks if isinstance(block, Paragraph)), None)
    return [replace(first, number=None)] if first is not None else []


def _clauses_part(parts: Sequence[Part]) -> Part | None:
    """The clauses we take a view on: each named with our position, and the first paragraph
    of what we say about it."""
    items = []
    for part in parts:
        if part.kind != "clause" or part.choice in (None, "No view"):
            continue
        named = Paragraph((Span(part.heading, bold=True), Span(f": {part.choice}.")))
        items.append((named, *_first_paragraph(part)))
    if not items:
        return None
    return made_part(
        "clauses", "The clauses concerned", [ListBlock(False, tuple(items))], "part-clauses"
    )


def _briefly(item: Drafted, facts: BillFacts) -> AmendmentBlock:
    """An amendment for a briefing: the reference as tabled, and for a new clause or schedule
    its title alone, quoted, with a note that its text is on the amendment paper."""
    rendered = _render(item, facts, statement=False)
    if item.amendment.kind not in _NEW:
        return amendment_block(rendered)
    lines = [AmendmentLine(str(p.role), p.text) for p in rendered.paragraphs]
    head = [line for line in lines if line.role == Role.REFERENCE]
    title = next((line for line in lines if line.role == Role.INSERTED_TITLE), None)
    if title is not None:
        closed = title.text if title.text.endswith(CLOSE) else title.text + CLOSE
        head.append(replace(title, text=closed))
    head.append(AmendmentLine("note", "(Its full text is on our amendment paper.)"))
    return AmendmentBlock(tuple(head))


def _key_amendments(drafted: Sequence[Drafted], facts: BillFacts) -> Part | None:
    if not drafted:
        return None
    blocks: list[Block] = []
    for number, item in _numbered(drafted, facts):
        blocks.append(Heading(1, (Span(_name(number, item)),)))
        blocks.append(_briefly(item, facts))
        what = item.amendment.purpose or item.amendment.explanatory_statement
        blocks += _text_paragraphs(what, "What it does: ")
    return made_part("amendments", "Our key amendments", blocks, "part-amendments")


def _supporters_part(organisation: str, signatories: Signatories | None) -> Part:
    """Who sends the briefing and, for a version, how many signed it and the names of those
    who agreed to be named."""
    sentences = [f"This briefing comes from {organisation}."]
    if signatories is not None and signatories.confirmed_total:
        names = [
            *signatories.organisations,
            *(name for name, _affiliation in signatories.people),
        ]
        shown = names[:BRIEFING_NAMES]
        total = count_of(signatories.confirmed_total, "signatory", "signatories")
        more = signatories.confirmed_total - len(shown)
        if not shown:
            sentences.append(f"It is supported by {total}.")
        elif more <= 0:
            sentences.append(f"It is supported by {total}: {listed(shown)}.")
        else:
            others = count_of(more, "other signatory", "other signatories")
            sentences.append(f"It is supported by {total}, including {listed([*shown, others])}.")
    blocks = [Paragraph((Span(" ".join(sentences)),))]
    return made_part("supporters", "Who supports this briefing", blocks, "part-supporters")


def _briefing(
    parts: list[Part],
    drafted: Sequence[Drafted],
    facts: BillFacts,
    organisation: str,
    signatories: Signatories | None,
) -> list[Part]:
    """The ask, the clauses, the key amendments, who we are, who supports us."""
    by_kind = {part.kind: part for part in reversed(parts)}  # the first of each kind
    arranged: list[Part | None] = []
    if "summary" in by_kind:
        arranged.append(replace(by_kind["summary"], heading="What we ask"))
    if "recommendations" in by_kind:
        arranged.append(replace(by_kind["recommendations"], heading="Our recommendations"))
    arranged.append(_clauses_part(parts))
    arranged.append(_key_amendments(drafted, facts))
    if "about" in by_kind:
        arranged.append(replace(by_kind["about"], heading="Who we are"))
    arranged.append(_supporters_part(organisation, signatories))
    return [part for part in arranged if part is not None]


# --- the amendment paper -------------------------------------------------------------------------


def _paper(
    drafted: Sequence[Drafted], facts: BillFacts, supporters: Sequence[str], organisation: str
) -> Part:
    intro = (
        f"Amendments proposed by {organisation} for a Member to table. The numbers are "
        "provisional: the House numbers amendments when they are tabled." + _print_sentence(facts)
    )
    blocks: list[Block] = [Paragraph((Span(intro, italic=True),))]
    if not drafted:
        blocks.append(Paragraph((Span("The response has no amendments yet."),)))
    paper = render_paper(
        [item.amendment for item in drafted],
        title=facts.title,
        house=facts.house,
        stage=facts.paper_stage,
        lords_starter=facts.introduced == "lords",
        supporters=[supporters] * len(drafted),
    )
    blocks += [amendment_block(entry.rendered, entry.supporters) for entry in paper.entries]
    return made_part("amendments", "", blocks, "part-amendments")


def paper_supporters(organisation: str, signatories: Signatories | None) -> list[str]:
    """The response's organisation, then the organisations that co-signed the version and
    agreed to be named (signing.public_lists: confirmed, consent to publish)."""
    others = signatories.organisations if signatories is not None else ()
    return [organisation, *(name for name in others if name != organisation)]


# --- arranging the document ----------------------------------------------------------------------


def arrange(
    document: Document,
    response: Response,
    frozen: dict,
    amendment_sections: Sequence[tuple[str, str]],
    signatories: Signatories | None,
) -> Document:
    """The built document of a response to a bill, arranged for its profile's layout, with
    the illustrative notice where the bill is our own text."""
    facts = bill_facts(response, frozen)
    drafted, found = read_amendments(amendment_sections)
    found += against_current_print(response, facts, drafted)
    parts = list(document.parts)
    notices = (ILLUSTRATIVE_NOTICE,) if facts.illustrative else ()
    where = HOUSE_NAMES.get(facts.house.value, "Parliament")
    changes: dict = {"notices": notices, "found": (*document.found, *found)}
    if document.layout == "briefing":
        changes["parts"] = tuple(
            _briefing(parts, drafted, facts, document.organisation, signatories)
        )
        changes["subtitle"] = f"A briefing for Members of the {where} from {document.organisation}"
        changes["title"] = document.heading
        changes["signatories"] = None
        changes["co_signing_organisations"] = ()
    elif document.layout == "amendment-paper":
        supporters = paper_supporters(document.organisation, signatories)
        changes["parts"] = (_paper(drafted, facts, supporters, document.organisation),)
        changes["empty_parts"] = ()
        changes["heading"] = bill_title(facts.title, facts.house, facts.introduced == "lords")
        changes["title"] = f"Amendments to the {changes['heading']}"
        changes["subtitle"] = f"{STAGE_NAMES.get(facts.paper_stage, facts.paper_stage)}, {where}"
        changes["co_signing_organisations"] = ()
        if not drafted:
            found.append(ProfileWarning("no-amendments", "The response has no amendments."))
            changes["found"] = (*document.found, *found)
    else:
        changes["parts"] = tuple(_evidence(parts, evidence_amendments(drafted, facts)))
        changes["subtitle"] = f"Written evidence on the {facts.title}"
    return replace(document, **changes)
