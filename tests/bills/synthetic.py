"""Prints of a bill made up for tests and benchmarks, whose every word carries an identity, so
that after a print is edited (lines inserted or deleted, words changed, clauses added, removed or
renumbered, pages re-flowed) a test knows where each original word went, or that it went.

A `Draft` is the bill's text (clauses of lines of `Word`s); `Draft.parsed()` lays it out on
pages as a `ParsedPrint` and returns, beside it, the word behind every token of the print's token
stream. Edits produce fresh words ("fresh12") that are never in the vocabulary, so text an edit
writes cannot pass for text that was there.
"""

from __future__ import annotations

import copy
import itertools
import random
from dataclasses import dataclass, field, replace

from consult.bills.amendments import Amendment, Kind
from consult.bills.structure import ParsedPrint, PrintedLine, Provision

# Words of a bill about cameras: enough of them to make most phrases of two or three words
# unique in a print, few enough that single words repeat (as "the" and "may" do in real bills).
_WORDS = (
    "the authorised officer may use live facial recognition in a public place where chief "
    "constable is satisfied that it necessary and proportionate for purpose of preventing "
    "serious crime code practice must be published by Secretary State after consulting "
    "Biometrics Commissioner any image retained deleted within days unless required"
)
VOCABULARY = tuple(_WORDS.split())


@dataclass(frozen=True)
class Word:
    text: str
    ident: int


@dataclass
class Clause:
    """A clause (or a schedule): an identity (kept through renumbering), heading words, lines."""

    uid: int
    heading: list[Word]
    lines: list[list[Word]]
    schedule: bool = False


@dataclass
class Draft:
    clauses: list[Clause]
    lines_per_page: int = 30
    first_number: int = 1
    _fresh: itertools.count = field(default_factory=lambda: itertools.count(1_000_000))

    def fresh(self) -> Word:
        """A word no print has had before."""
        ident = next(self._fresh)
        return Word(f"fresh{ident}", ident)

    def numbers(self) -> list[str]:
        """The number each clause (or schedule) has in this draft, in order."""
        result, clause_number, schedule_number = [], self.first_number, 1
        for clause in self.clauses:
            if clause.schedule:
                result.append(f"Schedule {schedule_number}")
                schedule_number += 1
            else:
                result.append(str(clause_number))
                clause_number += 1
        return result

    def parsed(self) -> tuple[ParsedPrint, list[Word]]:
        """The draft as a print (the heading line of each provision first, numbered as now),
        and the word behind each token of the print's token stream."""
        lines: list[PrintedLine] = []
        stream: list[Word] = []
        provisions: list[Provision] = []
        for clause, number in zip(self.clauses, self.numbers(), strict=True):
            # The number printed in the heading is a word of its own, new when it changes.
            number_words = [
                Word(part, _number_ident(clause.uid, number, i))
                for i, part in enumerate(number.split())
            ]
            start = len(lines)
            for words in [number_words + clause.heading, *clause.lines]:
                page, line = divmod(len(lines), self.lines_per_page)
                text = " ".join(word.text for word in words)
                lines.append(PrintedLine(page + 1, line + 1, text, number))
                stream.extend(words)
            provisions.append(
                Provision(
                    number,
                    " ".join(w.text for w in clause.heading),
                    (lines[start].page, lines[start].line),
                    (lines[-1].page, lines[-1].line),
                )
            )
        return ParsedPrint("Illustrative Bill", lines, provisions), stream


_NUMBER_IDENTS: dict[tuple[int, str, int], int] = {}


def _number_ident(uid: int, number: str, part: int) -> int:
    """The identity of a word of a clause's printed number: the same while the number stays."""
    return _NUMBER_IDENTS.setdefault((uid, number, part), -1 - len(_NUMBER_IDENTS))


def build(spec: list[list[list[str]]], lines_per_page: int = 30, schedules: int = 0) -> Draft:
    """A draft from words: `spec[c][l]` is line l of clause c (the last `schedules` of them are
    schedules). Every word gets an identity; each clause gets a heading of its own."""
    ident = itertools.count(1)
    clauses = []
    for c, clause_lines in enumerate(spec):
        heading = [Word("Heading", next(ident)), Word(f"h{c}", next(ident))]
        lines = [[Word(text, next(ident)) for text in line] for line in clause_lines]
        clauses.append(Clause(c, heading, lines, schedule=c >= len(spec) - schedules))
    return Draft(clauses, lines_per_page)


def edited(draft: Draft, operations: list[tuple]) -> Draft:
    """A copy of the draft with each operation applied in turn (indexes are taken modulo what
    there is, so any numbers make a valid edit):

    - ("insert_line", clause, line, n): n fresh words as a new line before `line`;
    - ("delete_line", clause, line);
    - ("change_word", clause, line, word): the word replaced by a fresh one;
    - ("change_ident", ident): the word with that identity (wherever it now is) replaced;
    - ("insert_clause", at, n): a new clause of n lines of fresh words (later ones renumber);
    - ("delete_clause", at);
    - ("renumber", k): every clause's number goes up by k;
    - ("reflow", lines_per_page): the pages broken elsewhere.
    """
    result = Draft(
        [
            replace(c, heading=list(c.heading), lines=[list(words) for words in c.lines])
            for c in draft.clauses
        ],
        draft.lines_per_page,
        draft.first_number,
        copy.copy(draft._fresh),  # words are immutable: only the lists are copied
    )
    for operation in operations:
        _apply(result, operation)
    return result


def _apply(draft: Draft, operation: tuple) -> None:
    name, *args = operation
    clauses = draft.clauses
    if name == "renumber":
        draft.first_number += args[0]
    elif name == "reflow":
        draft.lines_per_page = max(3, args[0])
    elif name == "insert_clause":
        uid = draft.fresh().ident  # never an old clause's, even one deleted
        lines = [[draft.fresh() for _ in range(4)] for _ in range(max(1, args[1]))]
        heading = [draft.fresh(), draft.fresh()]
        clauses.insert(args[0] % (len(clauses) + 1), Clause(uid, heading, lines))
    elif not clauses:
        return
    elif name == "change_ident":
        for clause in clauses:
            for line in clause.lines:
                for index, word in enumerate(line):
                    if word.ident == args[0]:
                        line[index] = draft.fresh()
    elif name == "delete_clause":
        if len(clauses) > 1:
            del clauses[args[0] % len(clauses)]
    else:
        _apply_to_line(draft, clauses[args[0] % len(clauses)], name, args[1:])


def _apply_to_line(draft: Draft, clause: Clause, name: str, args: list[int]) -> None:
    lines = clause.lines
    if name == "insert_line":
        lines.insert(args[0] % (len(lines) + 1), [draft.fresh() for _ in range(max(1, args[1]))])
    elif not lines:
        return
    elif name == "delete_line":
        if len(lines) > 1:
            del lines[args[0] % len(lines)]
    elif name == "change_word":
        line = lines[args[0] % len(lines)]
        if line:
            line[args[1] % len(line)] = draft.fresh()
    else:
        raise ValueError(name)


def random_bill(clauses: int = 3, lines: int = 12) -> list[list[list[str]]]:
    """Clauses of lines of eight words drawn at random (with a fixed seed) from the vocabulary."""
    chosen = random.Random(14)
    return [[chosen.choices(VOCABULARY, k=8) for _ in range(lines)] for _ in range(clauses)]


def position_of(parsed, line_index: int, offset: int) -> int:
    """The stream position of word `offset` of line `line_index` (the made-up prints have one
    token a word)."""
    return sum(len(line.text.split()) for line in parsed.lines[:line_index]) + offset


def amendment_at(parsed, position: int, length: int) -> Amendment:
    """An amendment leaving out `length` words from stream position `position`."""
    words, index = [], 0
    for index, line in enumerate(parsed.lines):  # noqa: B007
        count = len(line.text.split())
        if position < count:
            words = line.text.split()[position : position + length]
            break
        position -= count
    line = parsed.lines[index]
    hits = [i for i in range(len(line.text.split())) if line.text.split()[i : i + length] == words]
    occurrence = hits.index(position) + 1 if len(hits) > 1 else None
    return Amendment(
        Kind.LEAVE_OUT,
        clause=line.provision,
        page=line.page,
        line=line.line,
        leave_out=" ".join(words),
        occurrence=occurrence,
        explanatory_statement="This amendment would leave out the words.",
    )
