"""Many writers at the same instant, each in its own thread, app context and database session,
all saving the same section from the same base (a barrier releases them together).

Afterwards every submitted text is in some revision (the head, a merge, or a conflict
revision), the revision numbers are unique and gapless, the history is a line (each head's
parent is the head before it), and the section's head pointer and word count agree with its
newest non-conflict revision.

20 writers on PostgreSQL (row locks; CI runs the suite there with TEST_DATABASE_URL set);
5 on SQLite, which serialises writers with its write lock and busy_timeout."""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import select

from consult.accounts.models import User
from consult.drafting import services
from consult.drafting.errors import ClashSettled
from consult.drafting.markdown import word_count
from consult.drafting.models import ClashSettlement, Revision, Section
from consult.extensions import db
from tests.drafting.conftest import paragraphs

PARAGRAPHS = 10


def base_text() -> str:
    return paragraphs(*(f"Paragraph {k} as everyone first saw it." for k in range(PARAGRAPHS)))


def writer_text(writer: int, spread: int) -> tuple[str, str]:
    """(the whole text writer `writer` saves, the paragraph they changed). Writers k and
    k + spread change the same paragraph differently, so some saves must conflict; the
    others touch different paragraphs and must merge."""
    index = writer % spread
    changed = f"Paragraph {index} as writer {writer} rewrote it, ŵ ŷ 📷."
    lines = [f"Paragraph {k} as everyone first saw it." for k in range(PARAGRAPHS)]
    lines[index] = changed
    return paragraphs(*lines), changed


def run_writers(app, section_id, base_id, user_ids, writers: int, spread: int):
    barrier = threading.Barrier(writers, timeout=60)
    outcomes: dict[int, tuple[str, int]] = {}
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_ids[writer % len(user_ids)])
                section = db.session.get(Section, section_id)
                # Hand the connection back before waiting, so that writers still waiting for
                # one from the pool cannot hold the others at the barrier.
                db.session.commit()
                barrier.wait()
                text, _changed = writer_text(writer, spread)
                outcome = services.save_section(user, section, text, None, base_id)
                db.session.commit()
                kind = "conflict" if outcome.conflict else outcome.revision.kind
                outcomes[writer] = (kind, outcome.revision.id)
            except BaseException as error:  # reported below, with the thread's traceback
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    if errors:
        raise errors[0]
    return outcomes


def check_nothing_was_lost(section_id, base_id, writers: int, spread: int, outcomes) -> None:
    db.session.expire_all()
    section = db.session.get(Section, section_id)
    stored = list(
        db.session.scalars(
            select(Revision).where(Revision.section_id == section_id).order_by(Revision.number)
        )
    )
    # One revision for the base and exactly one for every writer.
    assert len(outcomes) == writers
    assert [r.number for r in stored] == list(range(1, writers + 2))
    assert len({r.id for r in stored}) == writers + 1

    heads = [r for r in stored if r.kind != "conflict"]
    conflicts = [r for r in stored if r.kind == "conflict"]
    head = heads[-1]
    assert section.head_revision_id == head.id
    assert section.word_count == head.word_count == word_count(head.body)
    # The history is a line: every head was made from the one before it.
    assert heads[0].id == base_id
    for before, after in itertools.pairwise(heads):
        assert after.parent_id == before.id
        assert after.kind in ("edit", "merge")
    for conflict in conflicts:
        assert conflict.parent_id == base_id

    conflict_bodies = {r.body for r in conflicts}
    for writer in range(writers):
        kind, revision_id = outcomes[writer]
        text, changed = writer_text(writer, spread)
        if kind == "conflict":
            assert text in conflict_bodies, f"writer {writer}'s text is lost"
        else:
            # Saved as a head: its change is still in the final text, since any later save
            # that touched the same paragraph from the old base had to conflict.
            assert changed in head.body, f"writer {writer}'s change was overwritten"
            assert any(changed in r.body for r in heads if r.id == revision_id)
    # Every paragraph holds one writer's version; the other writer of it got a conflict.
    changed_paragraphs = {writer % spread for writer in range(writers)}
    assert len(conflicts) == writers - len(changed_paragraphs)


def prepare(response, team) -> tuple[int, int, list[int]]:
    section = services.add_section(team.owner, response, "Written by many at once")
    base = services.save_section(team.owner, section, base_text(), None, None).revision
    db.session.commit()
    return section.id, base.id, [team.owner.id, team.coordinator.id, team.editor.id]


def test_twenty_writers_at_once_on_postgresql(app, response, team):
    if db.engine.dialect.name != "postgresql":
        pytest.skip(
            "20 simultaneous writers need PostgreSQL's row locks: set TEST_DATABASE_URL "
            "(CI does); the SQLite variant below runs 5 writers"
        )
    section_id, base_id, users = prepare(response, team)
    outcomes = run_writers(app, section_id, base_id, users, writers=20, spread=10)
    check_nothing_was_lost(section_id, base_id, 20, 10, outcomes)


def test_five_writers_at_once_on_sqlite(app, response, team):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite variant; PostgreSQL runs the 20-writer test")
    section_id, base_id, users = prepare(response, team)
    outcomes = run_writers(app, section_id, base_id, users, writers=5, spread=3)
    check_nothing_was_lost(section_id, base_id, 5, 3, outcomes)


def test_a_save_compares_with_the_committed_head_not_a_stale_loaded_one(app, response, team):
    """The section (and its head) may have been loaded before someone else's save committed;
    the save must merge against that newer head, not the one it has in memory."""
    section_id, base_id, users = prepare(response, team)
    section = db.session.get(Section, section_id)
    assert section.head.id == base_id  # loaded into this session
    text, changed = writer_text(1, PARAGRAPHS)

    def someone_else() -> None:
        with app.app_context():
            other = db.session.get(Section, section_id)
            services.save_section(db.session.get(User, users[0]), other, text, None, base_id)
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=someone_else)
    thread.start()
    thread.join(timeout=60)
    mine, my_change = writer_text(2, PARAGRAPHS)
    outcome = services.save_section(team.editor, section, mine, None, base_id)
    db.session.commit()
    assert outcome.merged
    assert changed in section.body and my_change in section.body
    assert outcome.revision.number == 3


def test_two_people_settling_one_clash_at_once_settle_it_once(app, response, team):
    """The author resolves while a coordinator keeps the current text, at the same instant:
    one of them settles the clash, the other is told it was settled (ClashSettled), and
    nothing is written in the clash's name twice."""
    section_id, base_id, _users = prepare(response, team)
    section = db.session.get(Section, section_id)
    first, _ = writer_text(1, PARAGRAPHS)
    services.save_section(team.owner, section, first, None, base_id)
    clashing, _ = writer_text(1 + PARAGRAPHS, PARAGRAPHS)  # the same paragraph, differently
    clash = services.save_section(team.editor, section, clashing, None, base_id).revision
    db.session.commit()
    head_id = section.head_revision_id
    barrier = threading.Barrier(2, timeout=60)
    results: dict[str, str] = {}

    def settle(who: str) -> None:
        with app.app_context():
            try:
                mine = db.session.get(Section, section_id)
                conflict = db.session.get(Revision, clash.id)
                user = db.session.get(
                    User, team.editor.id if who == "author" else team.coordinator.id
                )
                db.session.commit()
                barrier.wait()
                if who == "author":
                    services.save_section(user, mine, clashing, None, head_id, clash=conflict)
                else:
                    services.dismiss_clash(user, mine, conflict)
                db.session.commit()
                results[who] = "settled"
            except ClashSettled:
                db.session.rollback()
                results[who] = "refused"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=settle, args=(who,)) for who in ("author", "coordinator")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(results.values()) == ["refused", "settled"]
    db.session.expire_all()
    settlements = db.session.scalars(
        select(ClashSettlement).where(ClashSettlement.revision_id == clash.id)
    ).all()
    assert len(settlements) == 1
    written = db.session.scalars(
        select(Revision).where(Revision.section_id == section_id, Revision.id > clash.id)
    ).all()
    assert len(written) == (1 if results["author"] == "settled" else 0)
