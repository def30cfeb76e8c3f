"""Running an instance: backup and restore, the production check, retention.

The commands (`flask --app wsgi backup FILE | restore FILE | check | retention run`) are
registered by consult/cli.py. Backups are taken while the app runs: SQLite through its online
backup API (a consistent copy, even mid-write), PostgreSQL with pg_dump's custom format.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump and pg_restore only: argument lists, no shell
from pathlib import Path

import click
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from consult.config import (
    PLACEHOLDER_CONTROLLER,
    PLACEHOLDER_PRIVACY_EMAIL,
    production_problems,
)
from consult.extensions import db
from consult.privacy import retention

# --- backup and restore ---------------------------------------------------------------------


class OperationFailed(click.ClickException):
    """A backup, restore or check that cannot go on; the message says what to do."""


def _database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise OperationFailed("This SQLite database lives in memory: there is nothing to back up.")
    return url.database


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the PostgreSQL tools, and an environment carrying the
    password (never on the command line, where other users of the machine could read it)."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, environment


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise OperationFailed(
            f"{name} is not installed. Install the PostgreSQL client tools of the server's "
            "major version (Debian: apt-get install postgresql-client)."
        )
    return path


def _run(command: list[str], environment: dict[str, str]) -> None:
    # A PostgreSQL tool found on PATH, an argument list, no shell.
    result = subprocess.run(  # noqa: S603  # nosec B603
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise OperationFailed(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def backup(destination: Path) -> None:
    """Write a consistent copy of the database to `destination`."""
    url = _database_url()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(destination)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    dsn, environment = _libpq(url)
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*command, "--file", str(destination), "--dbname", dsn], environment)


def tables_with_rows() -> list[str]:
    """Tables of the current database holding any row (Alembic's bookkeeping aside)."""
    names = inspect(db.engine).get_table_names()
    with db.engine.connect() as connection:
        return [
            name
            for name in names
            if name != "alembic_version"
            and connection.execute(
                select(text("1")).select_from(text(_quoted(name))).limit(1)
            ).first()
            is not None
        ]


def _quoted(name: str) -> str:
    return db.engine.dialect.identifier_preparer.quote(name)


def restore(source: Path, force: bool = False) -> None:
    """Replace the database with a backup. Refuses a database that holds data unless
    `force`: a restore pointed at the wrong database must not silently wipe it."""
    if not source.is_file():
        raise OperationFailed(f"No backup file at {source}.")
    occupied = tables_with_rows()
    if occupied and not force:
        raise OperationFailed(
            f"The database is not empty ({len(occupied)} tables hold data, e.g. "
            f"{', '.join(occupied[:3])}). Restore into an empty database, or add --force to "
            "replace what is there."
        )
    db.session.remove()
    db.engine.dispose()
    url = _database_url()
    if url.get_backend_name() == "sqlite":
        _restore_sqlite(source, _sqlite_path(url))
        return
    dsn, environment = _libpq(url)
    command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", "--clean", "--if-exists"]
    _run([*command, "--dbname", dsn, str(source)], environment)


def _restore_sqlite(source: Path, path: str) -> None:
    backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if backup_file.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise OperationFailed(f"{source} is not a sound SQLite backup.")
    except sqlite3.DatabaseError as error:
        backup_file.close()
        raise OperationFailed(f"{source} is not an SQLite backup ({error}).") from None
    target = sqlite3.connect(path)
    try:
        with target:
            backup_file.backup(target)
    finally:
        target.close()
        backup_file.close()


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(destination: Path) -> None:
    """Back up the database to FILE (safe while the app runs)."""
    if destination.exists():
        raise OperationFailed(f"{destination} exists already: choose a new file name.")
    backup(destination)
    click.echo(f"Backed up the database to {destination} ({destination.stat().st_size} bytes).")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(source: Path, force: bool) -> None:
    """Restore the database from a backup FILE made by `backup`."""
    restore(source, force)
    click.echo(f"Restored the database from {source}.")


# --- the production check -------------------------------------------------------------------


def configuration_problems(workers: int, instances: int) -> tuple[list[str], list[str]]:
    """(problems, warnings) of the running configuration for production use. The problems
    that stop production at start-up come from consult/config.py, applied to the settings in
    force; the others depend on how the instance is deployed."""
    app = current_app
    config = app.config
    problems = production_problems(
        {
            "SECRET_KEY": config["SECRET_KEY"],
            "FLASK_DEBUG": "1" if app.debug else "",
            "PUBLIC_URL": config["PUBLIC_URL"],
        }
    )
    warnings = []
    if config["CONSULT_ENV"] != "production":
        problems.append(
            f"CONSULT_ENV is {config['CONSULT_ENV']!r}: set it to 'production' (development "
            "defaults keep a generated key and show the outbox page)."
        )
    if not config["SESSION_COOKIE_SECURE"]:
        problems.append("The session cookie is sent without HTTPS (SESSION_COOKIE_SECURE off).")
    if not config["MAIL_SERVER"]:
        problems.append(
            "MAIL_SERVER is not set: confirmation, reset and invitation e-mails would only be "
            "kept in the outbox."
        )
    elif config["MAIL_FROM"].endswith(".invalid>"):
        problems.append("MAIL_FROM is the placeholder address: set a real sender.")
    if instances > 1 and not config["REDIS_URL"]:
        problems.append(
            f"{instances} instances without REDIS_URL: each would keep its own rate limits, "
            "multiplying every allowance."
        )
    if workers * instances > 1 and config["LIVE_EDITING"] and not config["REDIS_URL"]:
        problems.append(
            f"{workers * instances} worker processes without REDIS_URL: live editors served by "
            "different processes would not see each other's words (set REDIS_URL, or run one "
            "worker, or LIVE_EDITING=false)."
        )
    warnings += _privacy_notice_warnings(config)
    if _database_url().get_backend_name() == "sqlite":
        warnings.append(
            "SQLite in production: fine for one small instance; use PostgreSQL for more."
            + (f" With {workers} workers, writers queue for the one database file." * (workers > 1))
        )
    problems += _database_problems()
    return problems, warnings


def _privacy_notice_warnings(config) -> list[str]:
    """The privacy notice must say who is responsible for people's data and how to reach them;
    until set, it shows development placeholders."""
    unset = []
    if config["PRIVACY_CONTROLLER"] == PLACEHOLDER_CONTROLLER:
        unset.append("PRIVACY_CONTROLLER (who runs this instance)")
    if config["PRIVACY_CONTACT_EMAIL"] == PLACEHOLDER_PRIVACY_EMAIL:
        unset.append("PRIVACY_CONTACT_EMAIL (where people ask about their data)")
    if not unset:
        return []
    return [f"The privacy notice shows a placeholder: set {' and '.join(unset)}."]


def _database_problems() -> list[str]:
    """The database answers and its schema is the one this code expects."""
    state = current_app.extensions["migrate"]  # Flask-Migrate's settings for this app
    script = ScriptDirectory.from_config(state.migrate.get_config(state.directory))
    try:
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
    except SQLAlchemyError as error:
        return [f"The database does not answer: {type(error).__name__}."]
    if set(current) != set(script.get_heads()):
        return ["The database schema is not up to date: run `flask --app wsgi db upgrade`."]
    return []


@click.command("check")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=lambda: int(os.environ.get("WEB_CONCURRENCY") or 1),
    help="Worker processes per instance (default: WEB_CONCURRENCY or 1).",
)
@click.option("--instances", type=click.IntRange(min=1), default=1, help="App instances.")
def check_command(workers: int, instances: int) -> None:
    """Refuse an unsafe production configuration (exit 1 and list the problems)."""
    problems, warnings = configuration_problems(workers, instances)
    for warning in warnings:
        click.echo(f"warning: {warning}")
    if problems:
        click.echo("Not safe for production:", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1)
    click.echo("OK: this configuration is fit for production.")


# --- retention ------------------------------------------------------------------------------

retention_cli = AppGroup("retention", help="Remove personal data past its retention period.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would go; change nothing.")
def retention_run(dry_run: bool) -> None:
    """Purge everything past its period (consult/privacy/retention.py); prints the counts."""
    counts = retention.run(dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    for kind in retention.kinds():
        click.echo(f"{kind.name}: {verb} {counts[kind.name]} ({kind.description})")
