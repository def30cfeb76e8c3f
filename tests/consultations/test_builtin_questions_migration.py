"""a7c9e1f3b5d7: responses written against the first template's 15 questions move onto the
Home Office's 17, keeping every word and revision, and move back on downgrade.

Runs on a throwaway database of the suite's kind (SQLite, or PostgreSQL with
TEST_DATABASE_URL), built by the real migrations. While the schema is not at head, rows are
written and read with Core tables naming only the columns that schema has, never through the
models (which follow head), and the test upgrades to this migration, not to head, so a later
migration can neither break it nor change what it checks."""

from __future__ import annotations

import importlib
import json

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from consult.consultations.builtin import FACIAL_RECOGNITION, SCALE_OPTIONS
from consult.consultations.builtin_history import FIRST_TEMPLATE
from consult.extensions import db
from consult.timeutil import utcnow
from tests import factories
from tests.test_migrations import _throwaway_app

MIGRATION = importlib.import_module(
    "migrations.versions.a7c9e1f3b5d7_builtin_questions_as_asked_scoped_slugs"
)
BEFORE = MIGRATION.down_revision  # the schema just before it
AFTER = MIGRATION.revision
OLD_TO_NEW = MIGRATION.OLD_TO_NEW
OLD_TEXTS = {number: text for number, (_kind, text) in enumerate(FIRST_TEMPLATE["questions"], 1)}
NEW = {question["number"]: question for question in FACIAL_RECOGNITION["questions"]}

# The columns these tables have both before and after the migration (NOT NULL ones given
# explicitly, as no server defaults fill them in).
responses = sa.table(
    "responses",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("consultation_id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("profile", sa.String),
    sa.column("status", sa.String),
    sa.column("created_by_id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)
sections = sa.table(
    "sections",
    sa.column("id", sa.Integer),
    sa.column("response_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("question_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("title", sa.String),
    sa.column("position", sa.Integer),
    sa.column("status", sa.String),
    sa.column("head_revision_id", sa.Integer),
    sa.column("word_count", sa.Integer),
    sa.column("lock_version", sa.Integer),
    sa.column("removed_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)
revisions = sa.table(
    "revisions",
    sa.column("id", sa.Integer),
    sa.column("section_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("parent_id", sa.Integer),
    sa.column("author_id", sa.Integer),
    sa.column("body", sa.Text),
    sa.column("choice", sa.String),
    sa.column("title", sa.String),
    sa.column("word_count", sa.Integer),
    sa.column("created_at", sa.DateTime),
)
comments = sa.table(
    "comments",
    sa.column("id", sa.Integer),
    sa.column("section_id", sa.Integer),
    sa.column("author_id", sa.Integer),
    sa.column("body", sa.Text),
    sa.column("created_at", sa.DateTime),
)
versions = sa.table(
    "versions",
    sa.column("id", sa.Integer),
    sa.column("response_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("sha256", sa.String),
    sa.column("content", sa.Text),
    sa.column("title", sa.String),
    sa.column("note", sa.String),
    sa.column("created_by_id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("signing_open", sa.Boolean),
    sa.column("signing_public", sa.Boolean),
    sa.column("partner_link_nonce", sa.String),
)
head = revisions.alias("head")


def _insert(table: sa.TableClause, **values) -> int:
    """Insert one row; its id."""
    return db.session.execute(sa.insert(table).values(**values).returning(table.c.id)).scalar_one()


def _builtin_questions() -> dict[int, tuple]:
    """number -> (id, text, kind, options) of the built-in consultation, read without the ORM
    (whose Question has columns an old schema lacks)."""
    rows = db.session.execute(
        text(
            "SELECT q.id, q.number, q.text, q.kind, q.options FROM questions q "
            "JOIN consultations c ON c.id = q.consultation_id "
            "WHERE c.slug = 'facial-recognition-framework' AND c.organisation_id IS NULL"
        )
    ).all()

    def options(value):
        return json.loads(value) if isinstance(value, str) else value

    return {row.number: (row.id, row.text, row.kind, options(row.options)) for row in rows}


def _write(
    section_id: int, title: str, author_id: int, *bodies: str, choice: str | None = None
) -> None:
    """Revisions 1..n of a section, the last one its head, as the app stores them."""
    parent_id = None
    for number, body in enumerate(bodies, start=1):
        parent_id = _insert(
            revisions,
            section_id=section_id,
            number=number,
            kind="edit",
            author_id=author_id,
            body=body,
            choice=choice,
            title=title,
            word_count=len(body.split()),
            parent_id=parent_id,
            created_at=utcnow(),
        )
    db.session.execute(
        sa.update(sections)
        .where(sections.c.id == section_id)
        .values(head_revision_id=parent_id, word_count=len(bodies[-1].split()), status="drafting")
    )


def _old_response(organisation_id: int, author_id: int) -> int:
    """A response to the first template with text (two revisions) in every question section,
    a comment, a custom section moved in between questions 3 and 4, and a frozen version."""
    questions = _builtin_questions()
    consultation_id = db.session.scalar(
        text("SELECT id FROM consultations WHERE slug = 'facial-recognition-framework'")
    )
    now = utcnow()
    title = "Written before the real questions"
    response_id = _insert(
        responses,
        organisation_id=organisation_id,
        consultation_id=consultation_id,
        title=title,
        profile="home-office",
        status="drafting",
        created_by_id=author_id,
        created_at=now,
        updated_at=now,
    )
    plan = [("summary", None, "Summary"), ("about", None, "About us")]
    plan += [("question", number, OLD_TEXTS[number]) for number in range(1, 4)]
    plan += [("custom", None, "Annex: what we saw")]
    plan += [("question", number, OLD_TEXTS[number]) for number in range(4, 16)]
    plan += [("recommendations", None, "Recommendations")]
    for position, (kind, number, section_title) in enumerate(plan):
        section_id = _insert(
            sections,
            response_id=response_id,
            kind=kind,
            number=number,
            title=section_title,
            position=position,
            question_id=questions[number][0] if number else None,
            status="not_started",
            word_count=0,
            lock_version=0,
            updated_at=now,
        )
        scale = number is not None and questions[number][2] == "scale"
        _write(
            section_id,
            section_title,
            author_id,
            f"First thoughts on {section_title}",
            f"Our answer on {section_title}",
            choice="Agree" if scale else None,
        )
        if number == 13:
            _insert(
                comments,
                section_id=section_id,
                author_id=author_id,
                body="Sources?",
                created_at=now,
            )
    _insert(
        versions,
        response_id=response_id,
        number=1,
        sha256="f" * 64,
        title=title,
        content='{"sections": "as frozen"}',
        note="",
        created_by_id=author_id,
        created_at=now,
        signing_open=False,
        signing_public=False,
        partner_link_nonce="",
    )
    db.session.commit()
    return response_id


def _live(response_id: int) -> list[sa.Row]:
    """The response's sections in order, each with its head revision's body and choice."""
    return list(
        db.session.execute(
            sa.select(sections, head.c.body.label("head_body"), head.c.choice.label("head_choice"))
            .select_from(sections.outerjoin(head, head.c.id == sections.c.head_revision_id))
            .where(sections.c.response_id == response_id, sections.c.removed_at.is_(None))
            .order_by(sections.c.position)
        )
    )


def _bodies(section_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(revisions.c.body)
            .where(revisions.c.section_id == section_id)
            .order_by(revisions.c.number)
        )
    )


def _count(table: sa.TableClause) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(table))


def test_old_responses_move_onto_the_seventeen_questions_and_back_keeping_every_word(app, tmp_path):
    with _throwaway_app(tmp_path) as throwaway, throwaway.app_context():
        upgrade(revision=BEFORE)
        owner = factories.make_user()
        owner_id = owner.id
        response_id = _old_response(factories.make_organisation(owner).id, owner_id)
        revision_count = _count(revisions)
        db.session.remove()

        upgrade(revision=AFTER)

        questions = _builtin_questions()
        assert {
            number: (question_text, kind, options)
            for number, (_id, question_text, kind, options) in questions.items()
        } == {
            number: (q["text"], q["kind"], SCALE_OPTIONS if q["kind"] == "scale" else [])
            for number, q in NEW.items()
        }
        live = _live(response_id)
        assert [(s.kind, s.number) for s in live] == (
            [("summary", None), ("about", None)]
            + [("question", number) for number in (1, 2, 3)]
            + [("custom", None)]
            + [("question", number) for number in range(4, 18)]
            + [("recommendations", None)]
        )
        assert [s.position for s in live] == list(range(len(live)))
        by_number = {s.number: s for s in live if s.kind == "question"}
        for old, new in OLD_TO_NEW.items():
            section = by_number[new]
            assert section.title == NEW[new]["text"]
            assert section.question_id == questions[new][0]
            assert _bodies(section.id) == [
                f"First thoughts on {OLD_TEXTS[old]}",
                f"Our answer on {OLD_TEXTS[old]}",
            ]
            assert section.head_body == f"Our answer on {OLD_TEXTS[old]}"
            assert section.head_choice == ("Agree" if NEW[new]["kind"] == "scale" else None)
        for added in set(NEW) - set(OLD_TO_NEW.values()):
            assert by_number[added].head_revision_id is None
            assert by_number[added].status == "not_started"
            assert by_number[added].title == NEW[added]["text"]
        assert _count(revisions) == revision_count
        assert db.session.scalar(sa.select(comments.c.body)) == "Sources?"
        assert db.session.scalar(sa.select(comments.c.section_id)) == by_number[OLD_TO_NEW[13]].id
        assert db.session.scalar(sa.select(versions.c.content)) == '{"sections": "as frozen"}'

        # Someone answers a question the first template lacked, then the app is downgraded.
        written_id = by_number[9].id
        _write(written_id, by_number[9].title, owner_id, "Watchlists must be narrow.")
        empty_id = by_number[15].id
        db.session.commit()
        db.session.remove()

        downgrade(revision=BEFORE)

        questions = _builtin_questions()
        assert {number: q[1] for number, q in questions.items()} == OLD_TEXTS
        live = _live(response_id)
        assert [(s.kind, s.number) for s in live] == (
            [("summary", None), ("about", None)]
            + [("question", number) for number in (1, 2, 3)]
            + [("custom", None)]
            + [("question", number) for number in range(4, 9)]
            + [("custom", None)]  # the answer to the form's question 9, kept
            + [("question", number) for number in range(9, 16)]
            + [("recommendations", None)]
        )
        kept = next(s for s in live if s.id == written_id)
        assert kept.title == NEW[9]["text"] and kept.question_id is None
        assert _bodies(kept.id) == ["Watchlists must be narrow."]
        assert (
            db.session.scalar(sa.select(sections.c.id).where(sections.c.id == empty_id)) is None
        )  # held nothing
        by_number = {s.number: s for s in live if s.kind == "question"}
        for old in OLD_TO_NEW:
            assert by_number[old].title == OLD_TEXTS[old]
            assert _bodies(by_number[old].id)[-1] == f"Our answer on {OLD_TEXTS[old]}"
        assert _count(revisions) == revision_count + 1
        db.session.remove()

        upgrade(revision=AFTER)  # and up again: the kept answer stays a custom section beside 9

        live = _live(response_id)
        assert [s.number for s in live if s.kind == "question"] == list(range(1, 18))
        assert _bodies(written_id) == ["Watchlists must be narrow."]
        db.session.remove()
        db.engine.dispose()


def test_downgrading_gives_a_slug_two_organisations_share_a_free_suffix(app, tmp_path):
    from consult.consultations import services
    from consult.consultations.services import QuestionDraft
    from tests.drafting.conftest import membership_of

    with _throwaway_app(tmp_path) as throwaway, throwaway.app_context():
        upgrade()  # head: the consultations are made by today's services, through the models
        made = []
        for _ in range(2):
            owner = factories.make_user()
            organisation = factories.make_organisation(owner)
            made.append(
                services.create_consultation(
                    membership_of(owner, organisation), "Clean air", "", None,
                    [QuestionDraft(1, "Q?")],
                ).id
            )  # fmt: skip
        db.session.commit()
        db.session.remove()

        downgrade(revision=BEFORE)

        slugs = db.session.execute(
            text("SELECT id, slug FROM consultations WHERE organisation_id IS NOT NULL ORDER BY id")
        ).all()
        assert [tuple(row) for row in slugs] == [(made[0], "clean-air"), (made[1], "clean-air-2")]
        db.session.remove()
        upgrade(revision=AFTER)
        db.session.remove()
        db.engine.dispose()
