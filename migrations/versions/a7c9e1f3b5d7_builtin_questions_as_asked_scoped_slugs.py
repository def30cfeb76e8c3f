"""the built-in consultation gets the Home Office's 17 questions; consultation slugs are
scoped to what an organisation sees

Revision ID: a7c9e1f3b5d7
Revises: a7c3e5f9b1d2
Create Date: 2026-11-27 10:00:00.000000

Questions. The first template paraphrased the consultation's themes as 15 questions of our
own; the Home Office asked 17 ("Text for online forms" lines answers up by number). Each old
question becomes the new question that asks the same thing (OLD_TO_NEW below), keeping its
row, so every section, revision, comment and suggestion stays attached to it; responses to
the built-in consultation get an empty section for each question the first template lacked.
Question sections are then put in number order in the places question sections occupy, so
every other section (the summary, a custom section placed between two questions) keeps its
place. Nothing is deleted. Frozen versions are not touched: they keep the words and numbers
people signed ("Text for online forms" says where such an answer belongs now).

Downgrade reverses the mapping. A section of a question the first template lacked becomes a
custom section with its title and text when anything was written in it (revisions, comments
or suggestions), and is dropped only when it holds nothing. (A closed answer chosen in such a
section stays in its revisions, but a custom section does not show one.)

Slugs. Unique per organisation (and among built-in ones) instead of globally. Downgrade
restores the global constraint, first renaming (with "-2", "-3", ...) any organisation's
slug that has since been taken twice: nothing is lost, but such an address changes.
"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a7c9e1f3b5d7"
down_revision = "a7c3e5f9b1d2"
branch_labels = None
depends_on = None

BUILTIN_SLUG = "facial-recognition-framework"

# Old (first template) question number -> the Home Office's number for the question that
# asks the same thing. Matched by meaning: each old question and its new one ask about the same
# subject, so an answer written to one answers the other. Only 1 and 5 are numbered from the
# form itself (the LGA's response quotes them); the other numbers follow the order of the
# consultation document's themes as published summaries give it: the technologies, the
# bodies, seriousness of harm, then images, rights, other databases and authorisation, then
# bias, then oversight. Every old question has a counterpart, so none becomes a custom section.
OLD_TO_NEW = {
    1: 1,  # all biometric technologies -> the form's question 1 (verified)
    2: 2,  # inferential technologies -> the second technology asked about
    3: 3,  # object-based identification -> the third technology
    4: 4,  # live, retrospective and operator-initiated -> the last technology question
    5: 5,  # only law enforcement bodies, for a law enforcement purpose -> question 5 (verified)
    6: 6,  # seriousness of harm as the test -> first of the "when" questions
    7: 7,  # what makes a harm serious -> follows the test
    8: 8,  # for which purposes -> follows the factors
    9: 12,  # who authorises a deployment -> authorisation, after images, rights, databases
    10: 10,  # privacy, expression and assembly -> the rights question, after images (9)
    11: 11,  # searching other government databases -> its own safeguard question
    12: 13,  # bias and discrimination -> after authorisation, before oversight
    13: 14,  # a single independent oversight body -> first oversight question
    14: 16,  # the body's powers -> after whether it takes on the commissioners' work (15)
    15: 17,  # anything else -> the last question
}
# The Home Office's questions that the first template lacked (given empty sections):
# 9 (acquiring, retaining and using facial images) and 15 (the new body taking on the
# Biometrics and Surveillance Camera Commissioner's and the Forensic Science Regulator's work).
_TEMPORARY = 1000  # renumbering goes through number + 1000, clear of every real number

consultations = sa.table(
    "consultations",
    sa.column("id", sa.Integer),
    sa.column("slug", sa.String),
    sa.column("organisation_id", sa.Integer),
)
questions = sa.table(
    "questions",
    sa.column("id", sa.Integer),
    sa.column("consultation_id", sa.Integer),
    sa.column("number", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("kind", sa.String),
    sa.column("options", sa.JSON),
    sa.column("wording_source", sa.String),
)
responses = sa.table(
    "responses",
    sa.column("id", sa.Integer),
    sa.column("consultation_id", sa.Integer),
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
    sa.column("word_count", sa.Integer),
    sa.column("lock_version", sa.Integer),
    sa.column("removed_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)
revisions = sa.table("revisions", sa.column("id", sa.Integer), sa.column("section_id", sa.Integer))
comments = sa.table("comments", sa.column("id", sa.Integer), sa.column("section_id", sa.Integer))
suggestions = sa.table(
    "suggestions", sa.column("id", sa.Integer), sa.column("section_id", sa.Integer)
)
presence = sa.table("presence", sa.column("section_id", sa.Integer))

BUILTIN_ONLY = sa.text("organisation_id IS NULL")


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


def _builtin_id(connection):
    return connection.scalar(
        sa.select(consultations.c.id).where(
            consultations.c.slug == BUILTIN_SLUG, consultations.c.organisation_id.is_(None)
        )
    )


def _questions_by_number(connection, consultation_id):
    rows = connection.execute(
        sa.select(questions.c.id, questions.c.number, questions.c.text).where(
            questions.c.consultation_id == consultation_id
        )
    ).all()
    return {row.number: row for row in rows}


def _expect(found, template, name):
    """The built-in questions must be exactly `template` (number -> text) before changing
    them: anything else is a database this migration does not understand, and is left alone
    rather than guessed at."""
    texts = {number: row.text for number, row in found.items()}
    if texts != template:
        differing = sorted(set(texts) ^ set(template)) or sorted(
            number for number in texts if texts[number] != template[number]
        )
        raise RuntimeError(
            f"The built-in consultation {BUILTIN_SLUG!r} does not hold the {name} questions "
            f"(question {differing[0]} differs); they were changed outside the migrations. "
            "Restore them, then migrate."
        )


def _renumber(connection, moves):
    """Question id -> new number, through temporary numbers so that the unique
    (consultation, number) constraint never sees two questions with one number."""
    for question_id, number in moves.items():
        connection.execute(
            questions.update()
            .where(questions.c.id == question_id)
            .values(number=number + _TEMPORARY)
        )
    for question_id, number in moves.items():
        connection.execute(
            questions.update().where(questions.c.id == question_id).values(number=number)
        )


def _set_wording(connection, question_id, kind, text, source, scale_options):
    connection.execute(
        questions.update()
        .where(questions.c.id == question_id)
        .values(
            text=text,
            kind=kind,
            options=list(scale_options) if kind == "scale" else [],
            wording_source=source,
        )
    )


def _retitle_sections(connection, question_id, number, text):
    """Question sections show their question's number and wording."""
    connection.execute(
        sections.update()
        .where(sections.c.kind == "question", sections.c.question_id == question_id)
        .values(number=number, title=text[:300])
    )


def _response_ids(connection, consultation_id):
    return connection.scalars(
        sa.select(responses.c.id).where(responses.c.consultation_id == consultation_id)
    ).all()


def _order_question_sections(connection, response_id):
    """Question sections in number order, in the places question sections occupy now (a
    section added for a new question takes a place after the last of them); every other
    section keeps its place. Positions 0..n-1 over the live sections, as the app keeps them."""
    live = connection.execute(
        sa.select(sections.c.id, sections.c.kind, sections.c.number, sections.c.position)
        .where(sections.c.response_id == response_id, sections.c.removed_at.is_(None))
        .order_by(sections.c.position, sections.c.id)
    ).all()
    placed = [row for row in live if not (row.kind == "question" and row.position < 0)]
    new = [row for row in live if row.kind == "question" and row.position < 0]
    if new:
        last_question = max(
            (index for index, row in enumerate(placed) if row.kind == "question"),
            default=len(placed) - 1,
        )
        placed[last_question + 1 : last_question + 1] = new
    ordered = iter(
        sorted((row for row in placed if row.kind == "question"), key=lambda row: row.number)
    )
    final = [next(ordered) if row.kind == "question" else row for row in placed]
    for position, row in enumerate(final):
        if row.position != position:
            connection.execute(
                sections.update().where(sections.c.id == row.id).values(position=position)
            )


def _holds_anything(connection, section_id):
    return any(
        connection.scalar(sa.select(sa.exists().where(table.c.section_id == section_id)))
        for table in (revisions, comments, suggestions)
    )


def _upgrade_questions(connection):
    from consult.consultations.builtin import SCALE_OPTIONS
    from consult.consultations.builtin_history import FIRST_TEMPLATE, QUESTIONS_AS_ASKED

    consultation_id = _builtin_id(connection)
    if consultation_id is None:
        return  # nothing installed: the app installs the current questions itself
    found = _questions_by_number(connection, consultation_id)
    _expect(found, {n: t for n, (_k, t) in enumerate(FIRST_TEMPLATE["questions"], 1)}, "first")
    new = {question["number"]: question for question in QUESTIONS_AS_ASKED}

    _renumber(connection, {found[old].id: OLD_TO_NEW[old] for old in OLD_TO_NEW})
    for old, number in OLD_TO_NEW.items():
        question = new[number]
        _set_wording(
            connection,
            found[old].id,
            question["kind"],
            question["text"],
            question["source"],
            SCALE_OPTIONS,
        )
        _retitle_sections(connection, found[old].id, number, question["text"])
    added = {}
    for number in sorted(set(new) - set(OLD_TO_NEW.values())):
        question = new[number]
        added[number] = connection.execute(
            questions.insert()
            .values(
                consultation_id=consultation_id,
                number=number,
                text=question["text"],
                kind=question["kind"],
                wording_source=question["source"],
                options=list(SCALE_OPTIONS) if question["kind"] == "scale" else [],
            )
            .returning(questions.c.id)
        ).scalar_one()

    now = _now()
    for response_id in _response_ids(connection, consultation_id):
        for number, question_id in added.items():
            connection.execute(
                sections.insert().values(
                    response_id=response_id,
                    kind="question",
                    question_id=question_id,
                    number=number,
                    title=new[number]["text"][:300],
                    position=-number,  # placed by _order_question_sections
                    status="not_started",
                    word_count=0,
                    lock_version=0,
                    updated_at=now,
                )
            )
        _order_question_sections(connection, response_id)


def _downgrade_questions(connection):
    from consult.consultations.builtin import SCALE_OPTIONS
    from consult.consultations.builtin_history import FIRST_TEMPLATE, QUESTIONS_AS_ASKED

    consultation_id = _builtin_id(connection)
    if consultation_id is None:
        return
    found = _questions_by_number(connection, consultation_id)
    _expect(found, {q["number"]: q["text"] for q in QUESTIONS_AS_ASKED}, "current")
    kept = set(OLD_TO_NEW.values())
    for number, row in found.items():
        if number in kept:
            continue
        for section in connection.execute(
            sa.select(sections.c.id).where(sections.c.question_id == row.id)
        ).all():
            if _holds_anything(connection, section.id):
                # Someone wrote here: keep every word, as a custom section under its title.
                connection.execute(
                    sections.update()
                    .where(sections.c.id == section.id)
                    .values(kind="custom", question_id=None, number=None)
                )
            else:
                connection.execute(presence.delete().where(presence.c.section_id == section.id))
                connection.execute(sections.delete().where(sections.c.id == section.id))
        connection.execute(questions.delete().where(questions.c.id == row.id))

    _renumber(connection, {found[number].id: old for old, number in OLD_TO_NEW.items()})
    for old, number in OLD_TO_NEW.items():
        kind, text = FIRST_TEMPLATE["questions"][old - 1]
        _set_wording(connection, found[number].id, kind, text, None, SCALE_OPTIONS)
        _retitle_sections(connection, found[number].id, old, text)
    for response_id in _response_ids(connection, consultation_id):
        _order_question_sections(connection, response_id)


def _make_slugs_globally_unique(connection):
    """Give every slug held more than once a free suffix, the built-in (or else the oldest)
    keeping it, so that the global constraint can come back."""
    rows = connection.execute(
        sa.select(
            consultations.c.id, consultations.c.slug, consultations.c.organisation_id
        ).order_by(consultations.c.organisation_id.is_not(None), consultations.c.id)
    ).all()
    taken = {row.slug for row in rows}
    seen = set()
    for row in rows:
        if row.slug not in seen:
            seen.add(row.slug)
            continue
        number = 2
        while f"{row.slug[:90]}-{number}" in taken:
            number += 1
        slug = f"{row.slug[:90]}-{number}"
        taken.add(slug)
        seen.add(slug)
        connection.execute(
            consultations.update().where(consultations.c.id == row.id).values(slug=slug)
        )


def upgrade():
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wording_source", sa.String(length=500), nullable=True))
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_consultations_slug", type_="unique")
        batch_op.create_unique_constraint(
            "uq_consultations_organisation_slug", ["organisation_id", "slug"]
        )
    op.create_index(
        "uq_consultations_builtin_slug",
        "consultations",
        ["slug"],
        unique=True,
        sqlite_where=BUILTIN_ONLY,
        postgresql_where=BUILTIN_ONLY,
    )
    _upgrade_questions(op.get_bind())


def downgrade():
    connection = op.get_bind()
    _downgrade_questions(connection)
    _make_slugs_globally_unique(connection)
    op.drop_index("uq_consultations_builtin_slug", table_name="consultations")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_consultations_organisation_slug", type_="unique")
        batch_op.create_unique_constraint("uq_consultations_slug", ["slug"])
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("wording_source")
