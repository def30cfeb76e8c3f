"""The promise, as a property: two people edit the same text at once (paragraphs rewritten,
touched up, inserted, deleted at random) and save from the same base, A first. Either the head
holds both people's changes, or B gets a conflict and both texts are stored as revisions (A's
as the head, B's as a conflict revision). Never a silent overwrite."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.drafting import services
from consult.drafting.merge import merge_texts
from consult.extensions import db
from tests.drafting.conftest import revisions

WORDS = ["police", "cameras", "ŵyr", "ŷd", "consent", "العدالة", "📷", "rights", "oversight"]


def paragraph(label: str, words: list[str]) -> str:
    """A paragraph no other paragraph equals: a unique label leads it."""
    return f"{label} " + " ".join(words)


words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)
edit_ops = st.lists(
    st.tuples(
        st.sampled_from(["change", "touch up", "insert", "delete"]), st.integers(0, 20), words
    ),
    max_size=5,
)


def apply(author: str, base: list[str], ops) -> tuple[list[str], set[str], set[str]]:
    """(the edited paragraphs, paragraphs this person added, base paragraphs they removed)."""
    result = list(base)
    added: set[str] = set()
    for number, (op, index, new_words) in enumerate(ops):
        label = f"{author}{number}"
        if op == "insert":
            new = paragraph(label, new_words)
            result.insert(index % (len(result) + 1), new)
            added.add(new)
        elif result:
            index %= len(result)
            old = result.pop(index)
            added.discard(old)
            if op in ("change", "touch up"):
                # A touch-up keeps most of the paragraph, as real edits do.
                new = f"{old} {label}" if op == "touch up" else paragraph(label, new_words)
                result.insert(index, new)
                added.add(new)
    return result, added, set(base) - set(result)


def text(paragraphs: list[str], crlf: bool = False, separator: str = "\n\n") -> str:
    """Paragraphs (or, with separator "\n", the lines of a list)."""
    joined = separator.join(paragraphs)
    return joined.replace("\n", "\r\n") if crlf else joined


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    base_words=st.lists(words, min_size=0, max_size=8),
    ops_a=edit_ops,
    ops_b=edit_ops,
    crlf=st.booleans(),
)
def test_concurrent_edits_are_merged_or_both_kept(response, team, base_words, ops_a, ops_b, crlf):
    section = services.add_section(team.owner, response, "Property")
    db.session.commit()
    base = [paragraph(f"base{number}", w) for number, w in enumerate(base_words)]
    base_revision = None
    if base:
        base_revision = services.save_section(team.owner, section, text(base), None, None)
        db.session.commit()
        base_revision = base_revision.revision.id

    a, added_a, removed_a = apply("a", base, ops_a)
    b, added_b, removed_b = apply("b", base, ops_b)
    services.save_section(team.editor, section, text(a), None, base_revision)
    db.session.commit()
    outcome = services.save_section(team.coordinator, section, text(b, crlf), None, base_revision)
    db.session.commit()
    db.session.expire_all()

    head = section.body
    stored = revisions(section)
    if outcome.conflict is not None:
        # Both texts are kept: A's as the head, B's (normalised) as a conflict revision.
        assert head == text(a)
        assert outcome.revision.kind == "conflict"
        assert outcome.revision.body == text(b)
        assert outcome.revision.parent_id == base_revision
        assert section.head_revision_id != outcome.revision.id
        assert [r.body for r in stored if r.kind == "conflict"] == [text(b)]
        return
    # Merged (or nothing to merge): every change of both people is in the head, and every base
    # paragraph that neither removed is still there.
    # (Blank lines may be left where paragraphs were removed: paragraphs are what count.)
    merged = [p.strip() for p in re.split(r"\n\s*\n", head) if p.strip()]
    assert len(merged) == len(set(merged)), "a paragraph was duplicated"
    expected = (set(base) - removed_a - removed_b) | added_a | added_b
    assert set(merged) == expected
    # Each person's own order is kept.
    for own in (a, b):
        kept = [p for p in merged if p in own]
        assert kept == [p for p in own if p in kept]
    assert all(r.kind != "conflict" for r in stored)
    assert "\r" not in head


@settings(max_examples=300, deadline=None)
@given(
    base_words=st.lists(words, min_size=0, max_size=10),
    ops_a=edit_ops,
    ops_b=edit_ops,
    separator=st.sampled_from(["\n\n", "\n", "\n\n\n", "\n \n"]),
)
def test_merge_texts_keeps_both_changes_or_reports_a_conflict(base_words, ops_a, ops_b, separator):
    """The same property on merge.py alone, with more examples: a clean merge holds exactly
    both people's changes, and it is symmetric in what it keeps."""
    base = [paragraph(f"base{number}", w) for number, w in enumerate(base_words)]
    a, added_a, removed_a = apply("a", base, ops_a)
    b, added_b, removed_b = apply("b", base, ops_b)
    merged = merge_texts(*(text(t, separator=separator) for t in (base, a, b)))
    swapped = merge_texts(*(text(t, separator=separator) for t in (base, b, a)))
    assert (merged is None) == (swapped is None)
    if merged is None:
        return
    for result in (merged, swapped):
        found = [p.strip() for p in result.split("\n") if p.strip()]
        assert len(found) == len(set(found))
        assert set(found) == (set(base) - removed_a - removed_b) | added_a | added_b
