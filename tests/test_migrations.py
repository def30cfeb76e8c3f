"""The models and the Alembic migrations agree, and the migrations run down and up again.

On SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (see conftest)."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from consult import create_app
from consult.extensions import db


def _differences(engine) -> list:
    """What `flask db migrate` would write: empty when models and migrations agree."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, db.metadata)


def test_the_migrations_build_exactly_the_models(app):
    """The session's schema was built by `upgrade()` (conftest), so a difference here is a
    model change without a migration, or a migration that drifted from the models."""
    differences = _differences(db.engine)

    assert differences == [], "models and migrations differ; run `flask db migrate`:\n" + "\n".join(
        map(str, differences)
    )


def test_every_model_table_exists_after_upgrade(app):
    tables = set(inspect(db.engine).get_table_names())

    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_the_database_is_at_the_single_head(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()

    assert len(heads) == 1, f"several migration heads, merge them: {heads}"
    assert set(current) == set(heads)


@contextmanager
def _throwaway_app(tmp_path: Path):
    """An app on an empty database of the same kind as the suite's, dropped afterwards:
    a SQLite file, or a new schema in the PostgreSQL database."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'throwaway.db'}"})
        return
    schema = f"migrations_{uuid.uuid4().hex[:12]}"
    with db.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    throwaway = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "connect_args": {"options": f"-csearch_path={schema}"},
            },
        }
    )
    try:
        yield throwaway
    finally:
        with throwaway.app_context():
            db.engine.dispose()
        with db.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_downgrade_to_base_and_upgrade_again(app, tmp_path):
    with _throwaway_app(tmp_path) as throwaway, throwaway.app_context():
        upgrade()
        assert _tables() == set(db.metadata.tables)

        downgrade(revision="base")
        assert _tables() == set()

        upgrade()
        assert _tables() == set(db.metadata.tables)
        assert _differences(db.engine) == []
        db.engine.dispose()


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="the throwaway schema is a PostgreSQL thing"
)
def test_the_throwaway_schema_leaves_the_suites_schema_alone(app, tmp_path):
    before = set(inspect(db.engine).get_table_names())
    with _throwaway_app(tmp_path) as throwaway, throwaway.app_context():
        upgrade()
        downgrade(revision="base")
        db.engine.dispose()

    assert set(inspect(db.engine).get_table_names()) == before


def test_versions_frozen_before_the_title_column_get_their_frozen_title(app, tmp_path):
    """e6f4a5b7c8d9 reads each existing version's title from its canonical content: the
    title as frozen, not the draft's title now."""
    from consult.drafting import services as drafting
    from consult.signing import services as signing
    from consult.signing.models import Version
    from tests import factories
    from tests.signing.support import builtin_consultation, membership

    with _throwaway_app(tmp_path) as throwaway, throwaway.app_context():
        upgrade()
        owner = factories.make_user()
        organisation = factories.make_organisation(owner)
        lead = membership(owner, organisation)
        response = drafting.create_response(lead, builtin_consultation(), "As frozen")
        signing.freeze(lead, response)
        response.title = "Renamed since"
        db.session.commit()
        db.session.remove()

        downgrade(revision="d5e3f4a6b7c8")
        assert "title" not in {
            column["name"] for column in inspect(db.engine).get_columns("versions")
        }
        upgrade()

        assert db.session.scalars(db.select(Version.title)).all() == ["As frozen"]
        db.session.remove()
        db.engine.dispose()
