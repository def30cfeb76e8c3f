"""`flask --app wsgi backup FILE` and `restore FILE`: a restore gives back exactly the data that
was backed up (every table, row for row), on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from consult import ops
from consult.consultations.models import Consultation
from consult.drafting import services as drafting
from consult.extensions import db
from consult.organisations.services import membership_of
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import Signature
from tests import factories


def _every_table() -> dict[str, list[tuple]]:
    """Every row of every table (Alembic's too), in primary-key order."""
    tables = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).all()
            tables[table.name] = [tuple(row) for row in rows]
        tables["alembic_version"] = [
            tuple(row) for row in connection.execute(text("SELECT * FROM alembic_version"))
        ]
    return tables


@pytest.fixture
def filled(team):
    """Drafts, a version, signatures, consent records, audit events and e-mails."""
    owner = membership_of(team.owner, team.organisation)
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.slug == "facial-recognition-framework")
    )
    response = drafting.create_response(owner, consultation, "Ünïcode “response” ✊")
    for section in drafting.live_sections(response)[:2]:
        drafting.save_section(
            team.editor, section, "Text\nwith **Markdown** and « quotes »", None, None
        )
    version = signing.freeze(owner, response, "First")
    signing.open_signing(owner, version, True, None)
    signing.sign_as_member(team.member, version, "Mo", "Union", True)
    signing.sign_publicly(version, "Pat", "pat@example.org", "", False, consent.CURRENT_VERSION)
    db.session.commit()


def test_a_restore_gives_back_identical_data(app, filled, tmp_path):
    before = _every_table()
    assert sum(len(rows) for rows in before.values()) > 20
    runner = app.test_cli_runner()
    backup_file = tmp_path / "consult.backup"

    result = runner.invoke(args=["backup", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert backup_file.stat().st_size > 0

    # Life goes on after the backup: someone signs up, a signature is deleted.
    factories.make_user(email="later@example.org")
    db.session.execute(db.delete(Signature).where(Signature.kind == "public"))
    db.session.commit()
    assert _every_table() != before

    result = runner.invoke(args=["restore", str(backup_file), "--force"])
    assert result.exit_code == 0, result.output
    assert _every_table() == before


def test_restore_refuses_a_database_that_holds_data_without_force(app, filled, tmp_path):
    runner = app.test_cli_runner()
    backup_file = tmp_path / "consult.backup"
    runner.invoke(args=["backup", str(backup_file)])
    factories.make_user(email="later@example.org")
    db.session.commit()
    before = _every_table()

    result = runner.invoke(args=["restore", str(backup_file)])

    assert result.exit_code == 1
    assert "not empty" in result.output and "--force" in result.output
    assert _every_table() == before


def test_backup_never_overwrites_an_existing_file(app, tmp_path):
    existing = tmp_path / "precious"
    existing.write_text("keep me")

    result = app.test_cli_runner().invoke(args=["backup", str(existing)])

    assert result.exit_code == 1 and "exists already" in result.output
    assert existing.read_text() == "keep me"


def test_restore_of_a_file_that_is_not_a_backup_says_so(app, tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a backup\n" * 100)

    result = app.test_cli_runner().invoke(args=["restore", str(junk), "--force"])

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "not" in result.output.lower() or "failed" in result.output.lower()


def test_missing_postgresql_tools_give_a_clear_message(monkeypatch):
    monkeypatch.setattr(ops.shutil, "which", lambda _name: None)

    with pytest.raises(ops.OperationFailed, match=r"pg_dump is not installed.*postgresql-client"):
        ops._tool("pg_dump")
