"""Issue 14's re-mapping bar, as a property: prints are made up, amendments drafted against them
(every kind that cites a page and line, and clause stand part), the print edited at random
(lines inserted and deleted, words changed, often inside an amendment's own words, clauses
added, removed and renumbered, pages re-flowed), and the amendments followed into the new print.

Every word of the made-up prints has an identity (tests/bills/synthetic.py), so the test knows
where an amendment's words went. It checks that:
- an amendment mapped (`unchanged` or `moved`) points at the very words it pointed at before,
  now at their new page and line and in the clause now holding them, and checks clean against
  the new print: nothing is ever mapped to a line that does not hold its words, nor to a copy of
  them elsewhere. Where the two texts allow another reading of the edit (of two identical lines,
  deleting either gives the same print, so a word of the first may as well be the second's), a
  place where the words survive, with the words either side beside them, on that reading is
  also their place;
- an amendment whose words survive unambiguously is mapped. "Unambiguously": the words are
  there once in each print, the words either side of them survive beside them, and (for "to end
  of line" and "at end insert") they still end a line, and a passage still starts and ends on
  one page. Anything else may be flagged `needs_attention`, and every amendment whose words did
  not survive must be.

Run longer with HYPOTHESIS_PROFILE=long (3,000 examples) or BILLS_REMAP_EXAMPLES=N.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from consult.bills.amendments import Amendment, Kind, blocking
from consult.bills.printtext import PrintText, keys
from consult.bills.remap import Status, remap
from consult.bills.validation import check_against_print, locate
from tests.bills.synthetic import VOCABULARY, Draft, Word, build, edited

EXAMPLES = int(
    os.environ.get(
        "BILLS_REMAP_EXAMPLES", 3000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 150
    )
)
STATEMENT = "This amendment would change the words of the clause."
KINDS = ("leave_out", "leave_out_insert", "after", "at_end", "to_end", "to_words", "stand_part")

lines = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=9)
clauses = st.lists(lines, min_size=1, max_size=10)
bills = st.lists(clauses, min_size=1, max_size=6)
amendment_specs = st.lists(
    st.tuples(st.sampled_from(KINDS), *[st.integers(0, 50)] * 5), min_size=1, max_size=8
)
small = st.integers(0, 60)
edits = st.lists(
    st.one_of(
        st.tuples(st.just("insert_line"), small, small, st.integers(1, 8)),
        st.tuples(st.just("delete_line"), small, small),
        st.tuples(st.just("change_word"), small, small, small),
        st.tuples(st.just("change_target"), small, small),  # a word of an amendment's target
        st.tuples(st.just("insert_clause"), small, st.integers(1, 4)),
        st.tuples(st.just("delete_clause"), small),
        st.tuples(st.just("renumber"), st.integers(1, 3)),
        st.tuples(st.just("reflow"), st.integers(3, 40)),
    ),
    max_size=8,
)


def draft_amendment(spec: tuple, draft: Draft, text: PrintText) -> Amendment | None:
    """An amendment of the kind named, on words picked by the numbers, or None when the
    numbers pick something the print cannot have (it must check clean against the print)."""
    kind, c, line_pick, w, n, extra = spec
    numbers = draft.numbers()
    number = numbers[c % len(numbers)]
    body = [i for i, line in enumerate(text.lines) if line.provision == number][1:]
    if kind == "stand_part":
        return Amendment(Kind.STAND_PART, clause=number, explanatory_statement=STATEMENT)
    if not body:
        return None
    index = body[line_pick % len(body)]
    page, line = text.ref(index)
    common = dict(clause=number, page=page, line=line, explanatory_statement=STATEMENT)
    if kind == "at_end":
        amendment = Amendment(Kind.INSERT, insert="fresh words", **common)
        return amendment if not blocking(check_against_print(amendment, text)) else None
    first, end = text.first_token(index), text.end_token(index)
    start = first + w % (end - first)
    clause_end = text.end_token(body[-1])
    length = min(1 + n % 3, clause_end - start)
    words = " ".join(text.keys[start : start + length])
    hits = text.find_on_line(index, keys(words))
    occurrence = hits.index(start) + 1 if len(hits) > 1 else None
    common["occurrence"] = occurrence
    if kind == "leave_out":
        amendment = Amendment(Kind.LEAVE_OUT, leave_out=words, **common)
    elif kind == "leave_out_insert":
        amendment = Amendment(Kind.LEAVE_OUT_INSERT, leave_out=words, insert="fresh", **common)
    elif kind == "after":
        amendment = Amendment(Kind.INSERT, after=words, insert="fresh", **common)
    else:
        later = [i for i in body if i >= index and text.ref(i)[0] == page][: 1 + extra % 3]
        to_index = later[-1]
        to_line = text.ref(to_index)[1] if to_index != index else None
        if kind == "to_end":
            passage = dict(to_end_of_line=True, to_line=to_line)
        else:
            y_first, y_end = text.first_token(to_index), text.end_token(to_index)
            y = text.keys[y_first + extra % (y_end - y_first)]
            passage = dict(to_words=y, to_line=to_line)
        amendment = Amendment(
            Kind.LEAVE_OUT,
            from_words=words,
            explanatory_statement=STATEMENT,
            **passage,
            **{k: v for k, v in common.items() if k != "explanatory_statement"},
        )
    return amendment if not blocking(check_against_print(amendment, text)) else None


def resolve_edits(operations: list[tuple], targets: list[list[Word]]) -> list[tuple]:
    """ "change_target" (amendment, offset) becomes a change to that word of its target."""
    resolved = []
    for operation in operations:
        if operation[0] == "change_target":
            if targets and any(targets):
                target = [t for t in targets if t][operation[1] % len([t for t in targets if t])]
                resolved.append(("change_ident", target[operation[2] % len(target)].ident))
        else:
            resolved.append(operation)
    return resolved


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(bill=bills, per_page=st.integers(3, 40), specs=amendment_specs, operations=edits)
# Of Schedule 1's two lines "the authorised" the first is deleted, and with it the second word
# of the amendment's "the the": but deleting the second line gives the very same print, in
# which the words survive untouched and must be mapped. The text cannot tell the two apart, so
# the mapping is right on either reading (and the second example is that other reading).
@example(
    bill=[[["the"]], [["the"]], [["the"], ["the", "authorised"], ["the", "authorised"]]],
    per_page=3,
    specs=[("leave_out", 2, 0, 0, 1, 0)],
    operations=[("delete_line", 2, 1)],
)
@example(
    bill=[[["the"]], [["the"]], [["the"], ["the", "authorised"], ["the", "authorised"]]],
    per_page=3,
    specs=[("leave_out", 2, 0, 0, 1, 0)],
    operations=[("delete_line", 2, 2)],
)
def test_amendments_follow_their_words_or_are_flagged(bill, per_page, specs, operations):
    draft = build(bill, lines_per_page=per_page, schedules=1 if len(bill) > 2 else 0)
    old_print, old_stream = draft.parsed()
    old = PrintText(old_print)
    amendments = [a for spec in specs if (a := draft_amendment(spec, draft, old)) is not None]
    spans = [locate(a, old)[0] for a in amendments]
    targets = [
        [old_stream[p] for p in range(span.start, span.end)] if span else [] for span in spans
    ]
    new_draft = edited(draft, resolve_edits(operations, targets))
    new_print, new_stream = new_draft.parsed()
    new = PrintText(new_print)
    where_now = {word.ident: position for position, word in enumerate(new_stream)}

    results = remap(amendments, old, new)

    assert len(results) == len(amendments)
    for amendment, span, result in zip(amendments, spans, results, strict=True):
        if span is None:
            check_stand_part(amendment, result, draft, new_draft)
            continue
        truth = Truth(span, old, old_stream, new, where_now, amendment)
        event(f"{result.status}, survived={truth.survived}, must_map={truth.must_map}")
        event(f"distinct={truth.distinct}")
        if result.status is Status.NEEDS_ATTENTION:
            assert not truth.must_map, (amendment, result.reason)
            assert result.new is None and result.reason
            continue
        new_amendment = result.new
        assert new_amendment is not None
        assert not blocking(check_against_print(new_amendment, new)), result
        if truth.distinct:
            cited = {new.ref(line): line for line in truth.lines}
            assert cited, (amendment, result, "mapped, but its words did not survive")
            reference = (new_amendment.page, new_amendment.line)
            assert reference in cited, (result, "mapped to a line that does not hold its words")
            assert new_amendment.clause == new.lines[cited[reference]].provision
        same = (amendment.page, amendment.line, amendment.clause, amendment.to_line) == (
            new_amendment.page,
            new_amendment.line,
            new_amendment.clause,
            new_amendment.to_line,
        )
        assert (result.status is Status.UNCHANGED) == (
            same and amendment.occurrence == new_amendment.occurrence
        )


class Truth:
    """What became of an amendment's words, from their identities.

    `survived`: every word of the target is in the new print, side by side, still ending a
    line where it must and (a passage) starting and ending on one page. `must_map`: it survived
    unambiguously (above). `lines`: the lines a new reference may cite: the line of the words if
    they survived, and the line they would be on by any other reading of the edit that gives
    the same text in which they survived with the words either side still beside them
    (`_other_readings`). `distinct`: no other place in the old print holds the same words with
    the same word just before or just after them. Where that fails, which copy went where can be
    undecidable from the text (of "a b a b", deleting either "a b" gives "a b"), so a mapping is
    checked only against the text (it must be to a line holding the words), not against the
    identities."""

    def __init__(self, span, old, old_stream, new, where_now, amendment):
        ids = [old_stream[p].ident for p in range(span.start, span.end)]
        positions = [where_now.get(i) for i in ids]
        together = None not in positions and positions == list(
            range(positions[0], positions[0] + len(positions))
        )
        line = _cited_line(span, new, positions[0], amendment) if together else None
        self.survived = line is not None
        sequence = tuple(old.keys[span.start : span.end])
        occurrences = old.find(sequence)
        unique = len(occurrences) == 1 and len(new.find(sequence)) == 1
        self.must_map = self.survived and unique and self._beside(span, old_stream, where_now)
        self.lines = {line} if self.survived else set()
        for start in _other_readings(span, old, old_stream, new, where_now):
            self.lines.add(_cited_line(span, new, start, amendment))
        self.lines.discard(None)
        length = len(sequence)
        self.distinct = not any(
            _neighbour(old.keys, o - 1) == _neighbour(old.keys, span.start - 1)
            or _neighbour(old.keys, o + length) == _neighbour(old.keys, span.start + length)
            for o in occurrences
            if o != span.start
        )

    def _beside(self, span, old_stream, where_now) -> bool:
        """Whether the words just before and just after the target are still just before and
        just after it (or it is still at the start or end of the print)."""
        if not self.survived:
            return False
        first = where_now[old_stream[span.start].ident]
        last = where_now[old_stream[span.end - 1].ident]
        if span.start == 0:
            before = first == 0
        else:
            before = where_now.get(old_stream[span.start - 1].ident) == first - 1
        if span.end == len(old_stream):
            after = last == len(where_now) - 1
        else:
            after = where_now.get(old_stream[span.end].ident) == last + 1
        return before and after


def _cited_line(span, new, first: int, amendment) -> int | None:
    """The line a reference to the target, now at `first` in the new print, must cite; None if
    it no longer ends a line where it must or a passage now runs over a page break."""
    last = first + span.end - span.start - 1
    if span.at_line_end and not new.ends_line(last):
        return None
    if span.to_line is not None and new.ref(new.line_of(first))[0] != new.ref(new.line_of(last))[0]:
        return None
    return new.line_of(last) if amendment.at_end_of_line else new.line_of(first)


def _other_readings(span, old, old_stream, new, where_now) -> list[int]:
    """Where (the new position of its first word) the target survived, with the words just
    before and after it still beside it, on any reading of the edit that the two texts allow.

    A reading pairs the words the edit kept (the new print's words that were in the old one),
    in order, with old words of the same text; the identities give one such pairing, but when
    text repeats there are others, and nothing in the prints tells them apart (of two identical
    lines, deleting the first or the second gives the same print). The target survived beside
    its neighbours at `start` on some reading if those words of the new print are kept ones,
    next to each other among them, and the kept words before and after can be paired, in
    order, with the old words before and after."""
    kept = sorted(where_now[word.ident] for word in old_stream if word.ident in where_now)
    rank = {position: index for index, position in enumerate(kept)}
    texts = [new.keys[position] for position in kept]
    # earliest[j]: where the shortest stretch from the old print's start holding texts[:j] in
    # order ends; latest[j]: where the shortest stretch to its end holding texts[j:] starts.
    earliest, cursor = [0], 0
    for text in texts:
        cursor = old.keys.index(text, cursor) + 1
        earliest.append(cursor)
    latest, cursor = [len(old.keys)], len(old.keys)
    for text in reversed(texts):
        cursor -= 1
        while old.keys[cursor] != text:
            cursor -= 1
        latest.append(cursor)
    latest.reverse()
    length, places = span.end - span.start, []
    at_start, at_end = span.start == 0, span.end == len(old.keys)
    # The old words that must stay together: the target and the words either side of it.
    low, high = span.start - (not at_start), span.end - at_end
    for start in new.find(tuple(old.keys[span.start : span.end])):
        if (at_start and start != 0) or (at_end and start + length != len(new.keys)):
            continue
        new_low, new_high = start - (span.start - low), start + (high - span.start)
        if new_low not in rank or new_high not in rank:
            continue
        first, last = rank[new_low], rank[new_high]
        if (
            last - first == high - low
            and tuple(new.keys[new_low : new_high + 1]) == tuple(old.keys[low : high + 1])
            and earliest[first] <= low
            and latest[last + 1] > high
        ):
            places.append(start)
    return places


def _neighbour(keys: list[str], position: int) -> str | None:
    return keys[position] if 0 <= position < len(keys) else None


def check_stand_part(amendment, result, draft: Draft, new_draft: Draft) -> None:
    """Clause stand part follows its clause through renumbering, or is flagged if it went."""
    uid = {n: c.uid for c, n in zip(draft.clauses, draft.numbers(), strict=True)}[amendment.clause]
    now = {c.uid: n for c, n in zip(new_draft.clauses, new_draft.numbers(), strict=True)}
    if uid not in now:
        assert result.status is Status.NEEDS_ATTENTION, result
        return
    assert result.status is not Status.NEEDS_ATTENTION, result
    assert result.new.clause == now[uid]
    assert (result.status is Status.UNCHANGED) == (now[uid] == amendment.clause)
