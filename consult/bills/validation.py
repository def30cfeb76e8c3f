"""Checking an amendment against the print it cites, the way the Public Bill Office would
before tabling it: the page and line exist, the line is in the clause named, the quoted words
are on that line (once, or the person says which), a passage ends where it says.

Messages are for campaign staff, not drafters: plain words, exact about page and line, and
saying what to do ("quote more words, or say 'the first'"). Every problem is returned, not just
the first, so one round of fixes is enough.

`locate` is shared with re-mapping: where in the print's token stream the amendment bites.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from consult.bills.amendments import (
    LOCATED,
    Amendment,
    AmendmentProblem,
    Kind,
    check,
    provision_name,
)
from consult.bills.house_style import ORDINALS, quote
from consult.bills.printtext import PrintText, as_text, keys
from consult.bills.structure import ParsedPrint

# An insertion at the end of a line is followed into a new print by the line's last words.
END_OF_LINE_WORDS = 4


@dataclass(frozen=True)
class Span:
    """Where an amendment bites in a print's token stream: tokens `start` to `end` (exclusive),
    the line its reference cites (`line`, an index into the print's lines), the line a passage
    ends on (`to_line`), and whether the span must end at the end of a line ("to end of line",
    "at end insert")."""

    start: int
    end: int
    line: int
    to_line: int | None = None
    at_line_end: bool = False


def _where(page: int, line: int) -> str:
    return f"page {page}, line {line}"


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _choices(count: int) -> str:
    """ "the first or the second" ... for telling a person which to say."""
    names = [f"the {ORDINALS[i]}" for i in range(min(count, len(ORDINALS)))]
    return ", ".join(names[:-1]) + f" or {names[-1]}"


def _unique_example(text: PrintText, index: int, position: int, length: int) -> str | None:
    """Longer words round the one at `position` that are on line `index` only once: what the
    person could quote instead (more words after, then before)."""
    first, end = text.first_token(index), text.end_token(index)
    for extra_after in range(1, end - position - length + 1):
        sequence = tuple(text.keys[position : position + length + extra_after])
        if len(text.find_on_line(index, sequence)) == 1:
            return text.printed(position, position + length + extra_after)
    for extra_before in range(1, position - first + 1):
        sequence = tuple(text.keys[position - extra_before : position + length])
        if len(text.find_on_line(index, sequence)) == 1:
            return text.printed(position - extra_before, position + length)
    return None


def find_anchor(
    text: PrintText,
    index: int,
    words: str,
    occurrence: int | None,
    field: str,
    problems: list[AmendmentProblem],
) -> int | None:
    """The position where quoted `words` start on line `index` (the `occurrence`th when they
    are there more than once), or None with the reason added to `problems`."""
    sequence = keys(words)
    if not sequence:
        return None
    page, line = text.ref(index)
    where = _where(page, line)
    hits = text.find_on_line(index, sequence)
    if not hits:
        problems.append(AmendmentProblem(_not_on_line(text, index, words, sequence), field))
        return None
    if occurrence is None and len(hits) > 1:
        example = _unique_example(text, index, hits[0], len(sequence))
        instead = f" (for example {quote(example)})" if example else ""
        problems.append(
            AmendmentProblem(
                f"{quote(words)} appears {_times(len(hits))} on {where}: quote more words"
                f"{instead}, or say which one is meant ({_choices(len(hits))}).",
                field,
            )
        )
        return None
    if occurrence is not None and occurrence > len(hits):
        problems.append(
            AmendmentProblem(
                f"{quote(words)} appears only {_times(len(hits))} on {where}: there is no "
                f"{ORDINALS[occurrence - 1] if occurrence <= len(ORDINALS) else occurrence} "
                "one.",
                "occurrence",
            )
        )
        return None
    if occurrence is not None and len(hits) == 1:
        problems.append(
            AmendmentProblem(
                f"{quote(words)} appears only once on {where}: there is no need to say which.",
                "occurrence",
                warning=True,
            )
        )
    return hits[(occurrence or 1) - 1]


def _not_on_line(text: PrintText, index: int, words: str, sequence: tuple[str, ...]) -> str:
    """Why quoted words are not found on a line, and where they are if anywhere."""
    page, line = text.ref(index)
    where = _where(page, line)
    loose = text.casefold_on_line(index, sequence)
    if loose:
        printed = text.printed(loose[0], loose[0] + len(sequence))
        return (
            f"On {where} the words are printed {quote(printed)}: quote them exactly as printed, "
            "capitals and all."
        )
    elsewhere = text.lines_holding(sequence)
    if elsewhere:
        places = [_where(*text.ref(i)) for i in elsewhere]
        listed = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
        return f"{quote(words)} is not on {where}. It is on {listed}."
    return (
        f"{quote(words)} is not on {where}, nor anywhere else in this print. That line reads: "
        f"{quote(text.lines[index].text.strip())}."
    )


def _line_problem(text: PrintText, page: int, line: int) -> AmendmentProblem:
    """Why there is no line at page/line, with what there is."""
    spans = text.page_lines
    if page not in spans:
        last = max(spans, default=0)
        return AmendmentProblem(
            f"This print has no page {page} (its pages run from 1 to {last}).", "page"
        )
    low, high = spans[page]
    return AmendmentProblem(
        f"Page {page} has lines {low} to {high}: there is no line {line}.", "line"
    )


def _provision_problems(
    amendment: Amendment, text: PrintText, index: int
) -> list[AmendmentProblem]:
    """The line should be in the clause (or schedule) the amendment names."""
    if not amendment.clause:
        return []
    actual = text.lines[index].provision
    if actual == amendment.clause:
        return []
    page, line = text.ref(index)
    named = provision_name(amendment.clause)
    provision = text.print.provision(amendment.clause)
    if provision is None:
        return [_missing_provision(text, amendment.clause, "clause")]
    runs = f" {named} runs from {_where(*provision.start)} to {_where(*provision.end)}."
    if actual is None:
        said = f"Page {page}, line {line} is not in any clause or schedule."
    else:
        said = f"Page {page}, line {line} is in {provision_name(actual)}, not {named}."
    return [AmendmentProblem(said + runs, "clause")]


def _missing_provision(text: PrintText, number: str, field: str) -> AmendmentProblem:
    """There is no such clause or schedule: say which there are."""
    clauses = [n for n in text.provision_order if not n.startswith("Schedule")]
    schedules = [n for n in text.provision_order if n.startswith("Schedule")]
    there = []
    if len(clauses) == 1:
        there.append(f"clause {clauses[0]}")
    elif clauses:
        there.append(f"clauses {clauses[0]} to {clauses[-1]}")
    if schedules:
        there.append(f"{len(schedules)} schedule{'s' if len(schedules) > 1 else ''}")
    has = f" (it has {' and '.join(there)})" if there else ""
    return AmendmentProblem(f"This print has no {provision_name(number)}{has}.", field)


def locate(
    amendment: Amendment, source: ParsedPrint | PrintText
) -> tuple[Span | None, list[AmendmentProblem]]:
    """Where a page-and-line amendment bites in the print, or None and why not. Amendments
    of other kinds (and ones missing their page or line) have no span and no problems here."""
    text = as_text(source)
    problems: list[AmendmentProblem] = []
    if amendment.kind not in LOCATED or amendment.page is None or amendment.line is None:
        return None, problems
    index = text.index_of(amendment.page, amendment.line)
    if index is None:
        return None, [_line_problem(text, amendment.page, amendment.line)]
    problems += _provision_problems(amendment, text, index)
    if amendment.is_passage:
        span = _passage(amendment, text, index, problems)
    elif amendment.kind is Kind.INSERT and not amendment.after:
        span = _end_of_line(text, index, problems)
    else:
        field = "after" if amendment.kind is Kind.INSERT else "leave_out"
        words = amendment.anchor
        start = find_anchor(text, index, words, amendment.occurrence, field, problems)
        length = len(keys(words))
        span = None if start is None else Span(start, start + length, index)
    return span, problems


def _end_of_line(text: PrintText, index: int, problems: list[AmendmentProblem]) -> Span | None:
    """ "At end insert": the line's last words mark the place."""
    first, end = text.first_token(index), text.end_token(index)
    if first == end:
        page, line = text.ref(index)
        problems.append(
            AmendmentProblem(
                f"{_where(page, line).capitalize()} has no words to insert after.", "line"
            )
        )
        return None
    start = max(first, end - END_OF_LINE_WORDS)
    return Span(start, end, index, at_line_end=True)


def _passage(
    amendment: Amendment, text: PrintText, index: int, problems: list[AmendmentProblem]
) -> Span | None:
    """ "Leave out from “X” to end of line N" or "to “Y” in line N": X on the cited line, the
    end on line N of the same page, after X."""
    start = find_anchor(
        text, index, amendment.from_words, amendment.occurrence, "from_words", problems
    )
    page, line = text.ref(index)
    last_line = amendment.to_line or line
    end_index = text.index_of(page, last_line)
    if end_index is None:
        problems.append(_line_problem(text, page, last_line))
        return None
    if text.lines[end_index].provision != text.lines[index].provision:
        problems.append(
            AmendmentProblem(
                f"The passage runs from {_where(page, line)} into another clause or schedule "
                f"(line {last_line}): check where it should end.",
                "to_line",
                warning=True,
            )
        )
    if start is None:
        return None
    after_from = start + len(keys(amendment.from_words))
    if amendment.to_end_of_line:
        end = text.end_token(end_index)
        if end <= after_from:
            problems.append(
                AmendmentProblem(
                    f"Nothing follows {quote(amendment.from_words)} on {_where(page, line)}: "
                    "there is nothing to leave out from there to the end of the line.",
                    "from_words",
                )
            )
            return None
        return Span(start, end, index, end_index, at_line_end=True)
    return _passage_to_words(amendment, text, index, end_index, start, after_from, problems)


def _passage_to_words(
    amendment: Amendment,
    text: PrintText,
    index: int,
    end_index: int,
    start: int,
    after_from: int,
    problems: list[AmendmentProblem],
) -> Span | None:
    """The end of "from “X” to “Y” [in line N]": the first Y after X on line N; on a later
    line, Y must be there once (or the person quotes more)."""
    sequence = keys(amendment.to_words)
    page, last_line = text.ref(end_index)
    hits = [p for p in text.find_on_line(end_index, sequence) if p >= after_from]
    where = _where(page, last_line)
    if not hits:
        problems.append(
            AmendmentProblem(
                f"{quote(amendment.to_words)} is not on {where}"
                + (f" after {quote(amendment.from_words)}." if end_index == index else "."),
                "to_words",
            )
        )
        return None
    if end_index != index and len(hits) > 1:
        problems.append(
            AmendmentProblem(
                f"{quote(amendment.to_words)} appears {_times(len(hits))} on {where}: quote "
                "more words to say where the passage ends.",
                "to_words",
            )
        )
        return None
    return Span(start, hits[0] + len(sequence), index, end_index)


def _subsection_problems(
    amendment: Amendment, text: PrintText, span: Span | None
) -> list[AmendmentProblem]:
    """A subsection named that is not the one the line is in (a warning: importers cannot
    always tell subsections)."""
    if span is None or not amendment.subsection:
        return []
    actual = text.lines[span.line].subsection
    if not actual:
        return []
    wanted, have = amendment.subsection.strip("() "), actual.strip("() ")
    if have == wanted or have.startswith(f"{wanted})("):
        return []
    page, line = text.ref(span.line)
    return [
        AmendmentProblem(
            f"Page {page}, line {line} is in subsection {actual}, not ({wanted}).",
            "subsection",
            warning=True,
        )
    ]


def check_against_print(
    amendment: Amendment, source: ParsedPrint | PrintText
) -> list[AmendmentProblem]:
    """Every problem with the amendment, its own (`amendments.check`) and against the print."""
    text = as_text(source)
    problems = check(amendment)
    span, located = locate(amendment, text)
    problems += located + _subsection_problems(amendment, text, span)
    known = text.provision_order
    if amendment.kind is Kind.STAND_PART and amendment.clause and amendment.clause not in known:
        problems.append(_missing_provision(text, amendment.clause, "clause"))
    new = amendment.kind in (Kind.NEW_CLAUSE, Kind.NEW_SCHEDULE)
    if new and amendment.position and amendment.position not in known:
        problems.append(_missing_provision(text, amendment.position, "position"))
    return problems


def completed(amendment: Amendment, source: ParsedPrint | PrintText) -> Amendment:
    """The amendment with what the print tells: the clause its line is in when none was named
    (Commons style cites it), and no "first" when the words are on the line only once."""
    text = as_text(source)
    if amendment.kind not in LOCATED or amendment.page is None or amendment.line is None:
        return amendment
    index = text.index_of(amendment.page, amendment.line)
    if index is None:
        return amendment
    if amendment.clause is None and text.lines[index].provision is not None:
        amendment = replace(amendment, clause=text.lines[index].provision)
    if amendment.occurrence is not None and amendment.anchor:
        hits = text.find_on_line(index, keys(amendment.anchor))
        if len(hits) == 1:
            amendment = replace(amendment, occurrence=None)
    return amendment
