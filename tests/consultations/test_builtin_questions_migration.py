"""a7c9e1f3b5d7: responses written against the first template's 15 questions move onto the
Home Office's 17, keeping every word and revision, and move back on downgrade.

Runs on a throwaway database of the suite's kind (SQLite, or PostgreSQL with
TEST_DATABASE_URL), built by the real migrations."""

from __future__ import annotations

import importlib
import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from consult.consultations.builtin import FACIAL_RECOGNITION, SCALE_OPTIONS
from consult.consultations.builtin_history import FIRST_TEMPLATE
from consult.drafting.models import Comment, Response, Revision, Section
from consult.extensions import db
from consult.signing.models import Version
from consult.timeutil import utcnow
from tests import factories
from tests.test_migrations import _throwaway_app

MIGRATION = importlib.import_module(
    "migrations.versions.a7c9e1f3b5d7_builtin_questions_as_asked_scoped_slugs"
)
# The schema just before it. The test writes its old responses through the models, so this
# migration stays the newest one until the test writes them without the models.
BEFORE = MIGRATION.down_revision
OLD_TO_NEW = MIGRATION.OLD_TO_NEW
OLD_TEXTS = {number: text for number, (_kind, text) in enumerate(FIRST_TEMPLATE["questions"], 1)}
NEW = {question["number"]: question for question in FACIAL_RECOGNITION["questions"]}


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


def _write(section: Section, author_id: int, *bodies: str, choice: str | None = None) -> None:
    """Revisions 1..n of a section, the last one its head, as the app stores them."""
    parent = None
    for number, body in enumerate(bodies, start=1):
        revision = Revision(
            section_id=section.id,
            number=number,
            kind="edit",
            author_id=author_id,
            body=body,
            choice=choice,
            title=section.title,
            word_count=len(body.split()),
            parent_id=parent.id if parent else None,
        )
        db.session.add(revision)
        db.session.flush()
        parent = revision
    section.head_revision_id = parent.id
    section.word_count = parent.word_count
    section.status = "drafting"


def _old_response(organisation, author) -> Response:
    """A response to the first template with text (two revisions) in every question section,
    a comment, a custom section moved in between questions 3 and 4, and a frozen version."""
    questions = _builtin_questions()
    consultation_id = db.session.scalar(
        text("SELECT id FROM consultations WHERE slug = 'facial-recognition-framework'")
    )
    response = Response(
        organisation_id=organisation.id,
        consultation_id=consultation_id,
        title="Written before the real questions",
        created_by_id=author.id,
    )
    db.session.add(response)
    db.session.flush()
    plan = [("summary", None, "Summary"), ("about", None, "About us")]
    plan += [("question", number, OLD_TEXTS[number]) for number in range(1, 4)]
    plan += [("custom", None, "Annex: what we saw")]
    plan += [("question", number, OLD_TEXTS[number]) for number in range(4, 16)]
    plan += [("recommendations", None, "Recommendations")]
    for position, (kind, number, title) in enumerate(plan):
        section = Section(
            response_id=response.id,
            kind=kind,
            number=number,
            title=title,
            position=position,
            question_id=questions[number][0] if number else None,
        )
        db.session.add(section)
        db.session.flush()
        scale = number is not None and questions[number][2] == "scale"
        _write(
            section,
            author.id,
            f"First thoughts on {title}",
            f"Our answer on {title}",
            choice="Agree" if scale else None,
        )
        if number == 13:
            db.session.add(Comment(section_id=section.id, author_id=author.id, body="Sources?"))
    db.session.add(
        Version(
            response_id=response.id,
            number=1,
            sha256="f" * 64,
            title=response.title,
            content='{"sections": "as frozen"}',
            created_by_id=author.id,
            created_at=utcnow(),
        )
    )
    db.session.commit()
    return response


def _live(response_id: int) -> list[Section]:
    return list(
        db.session.scalars(
            select(Section)
            .where(Section.response_id == response_id, Section.removed_at.is_(None))
            .order_by(Section.position)
        )
    )


def _bodies(section: Section) -> list[str]:
    return list(
        db.session.scalars(
            select(Revision.body).where(Revision.section_id == section.id).order_by(Revision.number)
        )
    )


def test_old_responses_move_onto_the_seventeen_questions_and_back_keeping_every_word(app, tmp_path):
    with _throwaway_app(tmp_path) as throwaway, throwaway.app_context():
        upgrade(revision=BEFORE)
        owner = factories.make_user()
        owner_id = owner.id
        response_id = _old_response(factories.make_organisation(owner), owner).id
        revision_count = db.session.scalar(select(db.func.count(Revision.id)))
        db.session.remove()

        upgrade()

        questions = _builtin_questions()
        assert {
            number: (question_text, kind, options)
            for number, (_id, question_text, kind, options) in questions.items()
        } == {
            number: (q["text"], q["kind"], SCALE_OPTIONS if q["kind"] == "scale" else [])
            for number, q in NEW.items()
        }
        sections = _live(response_id)
        assert [(s.kind, s.number) for s in sections] == (
            [("summary", None), ("about", None)]
            + [("question", number) for number in (1, 2, 3)]
            + [("custom", None)]
            + [("question", number) for number in range(4, 18)]
            + [("recommendations", None)]
        )
        assert [s.position for s in sections] == list(range(len(sections)))
        by_number = {s.number: s for s in sections if s.kind == "question"}
        for old, new in OLD_TO_NEW.items():
            section = by_number[new]
            assert section.title == NEW[new]["text"]
            assert section.question_id == questions[new][0]
            assert _bodies(section) == [
                f"First thoughts on {OLD_TEXTS[old]}",
                f"Our answer on {OLD_TEXTS[old]}",
            ]
            assert section.head.body == f"Our answer on {OLD_TEXTS[old]}"
            assert section.head.choice == ("Agree" if NEW[new]["kind"] == "scale" else None)
        for added in set(NEW) - set(OLD_TO_NEW.values()):
            assert by_number[added].head_revision_id is None
            assert by_number[added].status == "not_started"
            assert by_number[added].title == NEW[added]["text"]
        assert db.session.scalar(select(db.func.count(Revision.id))) == revision_count
        assert db.session.scalar(select(Comment.body)) == "Sources?"
        assert db.session.scalar(select(Comment.section_id)) == by_number[OLD_TO_NEW[13]].id
        assert db.session.scalar(select(Version.content)) == '{"sections": "as frozen"}'

        # Someone answers a question the first template lacked, then the app is downgraded.
        written_id = by_number[9].id
        _write(by_number[9], owner_id, "Watchlists must be narrow.")
        empty_id = by_number[15].id
        db.session.commit()
        db.session.remove()

        downgrade(revision=BEFORE)

        questions = _builtin_questions()
        assert {number: q[1] for number, q in questions.items()} == OLD_TEXTS
        sections = _live(response_id)
        assert [(s.kind, s.number) for s in sections] == (
            [("summary", None), ("about", None)]
            + [("question", number) for number in (1, 2, 3)]
            + [("custom", None)]
            + [("question", number) for number in range(4, 9)]
            + [("custom", None)]  # the answer to the form's question 9, kept
            + [("question", number) for number in range(9, 16)]
            + [("recommendations", None)]
        )
        kept = next(s for s in sections if s.id == written_id)
        assert kept.title == NEW[9]["text"] and kept.question_id is None
        assert _bodies(kept) == ["Watchlists must be narrow."]
        assert db.session.get(Section, empty_id) is None  # held nothing
        by_number = {s.number: s for s in sections if s.kind == "question"}
        for old in OLD_TO_NEW:
            assert by_number[old].title == OLD_TEXTS[old]
            assert _bodies(by_number[old])[-1] == f"Our answer on {OLD_TEXTS[old]}"
        assert db.session.scalar(select(db.func.count(Revision.id))) == revision_count + 1
        db.session.remove()

        upgrade()  # and up again: the kept answer stays a custom section beside question 9

        sections = _live(response_id)
        assert [s.number for s in sections if s.kind == "question"] == list(range(1, 18))
        assert _bodies(next(s for s in sections if s.id == written_id)) == [
            "Watchlists must be narrow."
        ]
        db.session.remove()
        db.engine.dispose()


def test_downgrading_gives_a_slug_two_organisations_share_a_free_suffix(app, tmp_path):
    from consult.consultations import services
    from consult.consultations.services import QuestionDraft
    from tests.drafting.conftest import membership_of

    with _throwaway_app(tmp_path) as throwaway, throwaway.app_context():
        upgrade()
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
        upgrade()
        db.session.remove()
        db.engine.dispose()
