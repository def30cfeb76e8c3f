"""Following amendments into a new print of the bill.

A bill is reprinted after committee and when it passes to the other House: pages re-flow, lines
come and go, clauses are renumbered, and every page-and-line reference written against the old
print may now point at the wrong words. Here each amendment is matched to the new print by its
words (what it leaves out, inserts after, or ends a line with) together with the words around
them, and reported as `unchanged`, `moved` (old -> new reference) or `needs_attention` (the words
changed, vanished, or could be in more than one place). Never a silent wrong mapping: a match is
taken only when it is the best place for the words in the new print by a clear margin *and* the
amendment's own place in the old print is the best source for that match (so of two identical
passages one of which was deleted, neither is guessed at), and the new reference is checked
against the new print before it is returned.

The matching works on each print as one stream of words (`printtext.PrintText`), so re-flowed
pages and re-wrapped lines do not disturb it; it is deterministic (ties are never broken by
chance, they are reported).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property

from consult.bills.amendments import (
    LOCATED,
    Amendment,
    Kind,
    blocking,
    provision_name,
)
from consult.bills.house_style import quote
from consult.bills.printtext import PrintText, as_text, fold, keys
from consult.bills.structure import ParsedPrint
from consult.bills.validation import Span, locate

# How many words either side of the target are compared, and how many must agree (in total,
# counting outwards from the target) before a match is trusted. A tie is looked at again with
# a longer reach before it is called ambiguous.
CONTEXT = 8
LONG_CONTEXT = 64
MIN_AGREEMENT = 2


class Status(StrEnum):
    UNCHANGED = "unchanged"
    MOVED = "moved"
    NEEDS_ATTENTION = "needs_attention"


@dataclass(frozen=True)
class Reference:
    """Where an amendment points: clause, page, line (and the line a passage ends on)."""

    clause: str | None
    page: int | None
    line: int | None
    to_line: int | None = None

    @classmethod
    def of(cls, amendment: Amendment) -> Reference:
        return cls(amendment.clause, amendment.page, amendment.line, amendment.to_line)

    def describe(self) -> str:
        """ "Clause 4, page 3, line 12" (or as much of it as there is)."""
        parts = [provision_name(self.clause)] if self.clause else []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        text = ", ".join(parts)
        if self.to_line is not None and self.to_line != self.line:
            text += f" to line {self.to_line}"
        return text[:1].upper() + text[1:]

    def as_dict(self) -> dict[str, int | str | None]:
        return {"clause": self.clause, "page": self.page, "line": self.line}


@dataclass(frozen=True)
class Remapped:
    """What became of one amendment: `new` is it rewritten for the new print (None when it
    needs attention, with `reason` saying why in plain words)."""

    amendment: Amendment
    status: Status
    new: Amendment | None = None
    reason: str = ""

    @property
    def old_reference(self) -> Reference:
        return Reference.of(self.amendment)

    @property
    def new_reference(self) -> Reference | None:
        return Reference.of(self.new) if self.new is not None else None

    def as_dict(self) -> dict:
        """The API's form: {"from", "to", "status", "reason"}."""
        new = self.new_reference
        return {
            "from": self.old_reference.as_dict(),
            "to": new.as_dict() if new else None,
            "status": str(self.status),
            "reason": self.reason,
        }


def remap(
    amendments: Sequence[Amendment],
    old: ParsedPrint | PrintText,
    new: ParsedPrint | PrintText,
) -> list[Remapped]:
    """Every amendment (written against `old`) followed into `new`, in the same order."""
    old_text, new_text = as_text(old), as_text(new)
    provisions = ProvisionMap(old_text, new_text)
    return [_remap(amendment, old_text, new_text, provisions) for amendment in amendments]


def _attention(amendment: Amendment, reason: str) -> Remapped:
    return Remapped(amendment, Status.NEEDS_ATTENTION, None, reason)


def _settled(amendment: Amendment, new: Amendment) -> Remapped:
    same = Reference.of(amendment) == Reference.of(new) and amendment.occurrence == new.occurrence
    return Remapped(amendment, Status.UNCHANGED if same else Status.MOVED, new)


def _remap(
    amendment: Amendment, old: PrintText, new: PrintText, provisions: ProvisionMap
) -> Remapped:
    if amendment.kind in LOCATED:
        return _remap_located(amendment, old, new)
    field = "clause" if amendment.kind is Kind.STAND_PART else "position"
    number = getattr(amendment, field)
    if not number:
        return Remapped(amendment, Status.UNCHANGED, amendment)
    mapped = provisions.get(number)
    if mapped is None:
        heading = provisions.heading(number)
        named = provision_name(number) + (f" ({quote(heading)})" if heading else "")
        return _attention(
            amendment,
            f"{named} cannot be found in the new print (it may have been removed or its heading "
            "changed): say again which clause this is about.",
        )
    return _settled(amendment, replace(amendment, **{field: mapped}))


def _remap_located(amendment: Amendment, old: PrintText, new: PrintText) -> Remapped:
    span, problems = locate(amendment, old)
    if span is None or blocking(problems):
        why = blocking(problems)[0].message if blocking(problems) else "it has no page and line"
        return _attention(
            amendment,
            f"It does not match the old print ({why.rstrip('.')}), so it cannot be followed: "
            "check it against the new print.",
        )
    position, reason = follow(span, old, new)
    if position is None:
        return _attention(amendment, reason)
    end = position + span.end - span.start
    if span.at_line_end and not new.ends_line(end - 1):
        return _attention(
            amendment,
            f"{quote(old.printed(span.start, span.end))} no longer ends a line in the new print "
            "(the lines are broken differently): check where the amendment should now bite.",
        )
    rewritten = _rewrite(amendment, span, new, position, end)
    if rewritten is None:
        return _attention(
            amendment,
            "The passage now runs over a page break in the new print: split it or check it.",
        )
    check_span, problems = locate(rewritten, new)
    # "At end" is checked by where the line ends (the line may have more words than before).
    placed = check_span is not None and (
        check_span.end == end if amendment.at_end_of_line else check_span.start == position
    )
    if not placed or blocking(problems):
        return _attention(  # a safety net: never hand back a reference that does not check
            amendment, "It could not be placed in the new print with certainty: check it."
        )
    return _settled(amendment, rewritten)


def _rewrite(
    amendment: Amendment, span: Span, new: PrintText, position: int, end: int
) -> Amendment | None:
    """The amendment with its reference in the new print: the line of its words (for "at end",
    the line they end), the clause that line is in, "first"/"second" recounted, and the line a
    passage ends on. None when a passage would run from one page to another."""
    first_line = new.line_of(end - 1) if amendment.at_end_of_line else new.line_of(position)
    page, line = new.ref(first_line)
    printed = new.lines[first_line]
    to_line = amendment.to_line
    if span.to_line is not None:
        last_page, last_line = new.ref(new.line_of(end - 1))
        if last_page != page:
            return None
        to_line = None if amendment.to_line is None and last_line == line else last_line
    occurrence = None
    if amendment.anchor:
        hits = new.find_on_line(first_line, keys(amendment.anchor))
        occurrence = hits.index(position) + 1 if len(hits) > 1 else None
    subsection = (printed.subsection or amendment.subsection) if amendment.subsection else None
    clause = printed.provision if amendment.clause is not None else None
    return replace(
        amendment,
        page=page,
        line=line,
        to_line=to_line,
        clause=clause,
        subsection=subsection,
        occurrence=occurrence,
    )


def _agreement(
    a: PrintText, start: int, length: int, b: PrintText, at: int, reach: int
) -> tuple[int, int]:
    """How many words agree before and after a match, counting outwards from it up to `reach`
    each way and stopping at the first difference. The start or end of the print counts as one
    word agreeing when both matches are there."""
    a_keys, b_keys = a.keys, b.keys
    before = 0
    for step in range(1, reach + 1):
        i, j = start - step, at - step
        if i < 0 or j < 0:
            before += i < 0 and j < 0
            break
        if a_keys[i] != b_keys[j]:
            break
        before += 1
    after = 0
    a_end, b_end = start + length, at + length
    for step in range(reach):
        i, j = a_end + step, b_end + step
        if i >= len(a_keys) or j >= len(b_keys):
            after += i >= len(a_keys) and j >= len(b_keys)
            break
        if a_keys[i] != b_keys[j]:
            break
        after += 1
    return before, after


def follow(span: Span, old: PrintText, new: PrintText) -> tuple[int | None, str]:
    """Where the words of `span` (in `old`) are in `new`: (the start position, "") or (None,
    the reason in plain words).

    A place is taken only if (1) the words either side of it agree with the old print on both
    sides (so an insertion or change right beside the words, or words that now stand somewhere
    else, are left to a person), (2) more words around it agree than around any other place
    holding the words (ties are looked at again with a longer reach, then reported), and (3) no
    other place in the old print holding the same words agrees with it as well (so it is this
    amendment's words that went there, not a copy's)."""
    sequence = tuple(old.keys[span.start : span.end])
    words = quote(old.printed(span.start, span.end))
    length = len(sequence)
    candidates = new.find(sequence)
    if not candidates:
        return None, (
            f"{words} is no longer in the new print: the words were changed or removed. "
            "Check what the new print says there and redraft the amendment."
        )
    for reach in (CONTEXT, LONG_CONTEXT):
        scored = sorted(
            (
                (sum(sides), min(sides), c)
                for c in candidates
                for sides in [_agreement(old, span.start, length, new, c, reach)]
            ),
            key=lambda item: (-item[0], item[2]),
        )
        best, weakest_side, position = scored[0]
        tied = len(scored) > 1 and scored[1][0] == best
        if not tied:
            break
    if weakest_side < 1 or best < MIN_AGREEMENT:
        return None, (
            f"{words} is in the new print, but the words around it have changed, so it cannot "
            "be told for certain that it is the same place: check it."
        )
    if tied:
        return None, (
            f"{words} is in more than one place in the new print with the same words around "
            "it: say which one the amendment means."
        )
    rivals = (o for o in old.find(sequence) if o != span.start)
    if any(sum(_agreement(old, o, length, new, position, reach)) >= best for o in rivals):
        return None, (
            f"{words} is in more than one place in the old print, and the new print does not "
            "tell which one this amendment's words became: check it."
        )
    return position, ""


class ProvisionMap:
    """Old clause and schedule numbers -> new ones, by heading (clauses are renumbered when
    others are added or removed; their headings rarely change), or failing that by the lines
    they hold. Only a one-to-one match counts."""

    def __init__(self, old: PrintText, new: PrintText) -> None:
        self.old, self.new = old, new
        self._headings_old = {p.number: _heading_key(p.heading) for p in old.print.provisions}
        self._cache: dict[str, str | None] = {}

    def heading(self, number: str) -> str:
        """The old heading of a clause or schedule ("" when it has none)."""
        provision = self.old.print.provision(number)
        return provision.heading if provision else ""

    def get(self, number: str) -> str | None:
        """The new number of old clause (or schedule) `number`, or None."""
        if number not in self._cache:
            self._cache[number] = self._match(number)
        return self._cache[number]

    def _match(self, number: str) -> str | None:
        key = self._headings_old.get(number)
        schedule = number.startswith("Schedule")
        if key:
            same_old = [n for n, k in self._headings_old.items() if k == key]
            same_new = [
                p.number
                for p in self.new.print.provisions
                if _heading_key(p.heading) == key and p.number.startswith("Schedule") == schedule
            ]
            if len(same_old) == 1 and len(same_new) == 1:
                return same_new[0]
            if same_new:
                return None  # the heading is there more than once: not a guess to make
        return self._by_lines(number, schedule)

    def _by_lines(self, number: str, schedule: bool) -> str | None:
        """The new provision holding more than half of the old one's lines, counting only lines
        printed once in each print (a line that recurs, "(a) the Secretary of State;", says
        nothing about where a provision went), if one new provision does."""
        old_counts, new_counts = self._old_lines, self._new_lines
        lines = [line for line, owner in old_counts.items() if owner == (number, 1)]
        if not lines:
            return None
        shares: dict[str, int] = {}
        for line in lines:
            owner, count = new_counts.get(line, (None, 0))
            if owner is not None and count == 1 and owner.startswith("Schedule") == schedule:
                shares[owner] = shares.get(owner, 0) + 1
        total = sum(1 for owner, _ in old_counts.values() if owner == number)
        good = [n for n, count in shares.items() if count * 2 > total]
        return good[0] if len(good) == 1 else None

    @cached_property
    def _old_lines(self) -> dict[str, tuple[str | None, int]]:
        return self._line_counts(self.old)

    @cached_property
    def _new_lines(self) -> dict[str, tuple[str | None, int]]:
        return self._line_counts(self.new)

    @staticmethod
    def _line_counts(text: PrintText) -> dict[str, tuple[str | None, int]]:
        """Each line's text -> (the provision it is in, how many times it is printed)."""
        counts: dict[str, tuple[str | None, int]] = {}
        for line in text.lines:
            key = fold(line.text).strip()
            counts[key] = (line.provision, counts.get(key, (None, 0))[1] + 1)
        return counts


def _heading_key(heading: str) -> str:
    return " ".join(fold(heading).casefold().split())
