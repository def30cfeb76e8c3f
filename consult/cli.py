"""Command-line tools: `flask --app wsgi users create | tokens create | demo | outbox list`,
and the operations commands of consult/ops.py (backup, restore, check, retention run)."""

from __future__ import annotations

import json

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import AppGroup

from consult.accounts import services as accounts
from consult.demo import DEMO_PASSWORD, seed_demo, seed_signatories
from consult.extensions import db
from consult.forms import has_control_characters
from consult.mail import count_outbox, outbox
from consult.ops import backup_command, check_command, restore_command, retention_cli
from consult.signing import services as signing

users_cli = AppGroup("users", help="Manage user accounts.")
tokens_cli = AppGroup("tokens", help="Manage personal API tokens.")
outbox_cli = AppGroup("outbox", help="Read e-mails kept when no SMTP server is set.")


def _text(value: str, what: str, max_length: int) -> str:
    """Check a value the way the forms do, so the database never sees what they would refuse."""
    value = value.strip()
    if not value:
        raise click.BadParameter(f"Give a {what}.")
    if len(value) > max_length:
        raise click.BadParameter(f"At most {max_length} characters.")
    if has_control_characters(value):
        raise click.BadParameter("Remove the control characters.")
    return value


def _email(_ctx, _param, value: str) -> str:
    value = _text(value, "e-mail address", 254)
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise click.BadParameter("Not a valid e-mail address.") from None
    return value


@users_cli.command("create")
@click.option("--email", required=True, callback=_email)
@click.option("--name", required=True, callback=lambda _c, _p, value: _text(value, "name", 120))
@click.option("--password", required=True)
def create_user(email: str, name: str, password: str) -> None:
    """Create a confirmed user who can log in at once."""
    try:
        user = accounts.create_confirmed_user(email, name, password)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} (id {user.id}).")


@tokens_cli.command("create")
@click.option("--email", required=True)
@click.option(
    "--name",
    "label",
    default="CLI token",
    show_default=True,
    callback=lambda _c, _p, value: _text(value, "token name", 80),
)
def create_token(email: str, label: str) -> None:
    """Print a new API token for the user (the token only, on stdout)."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    _api_token, token = accounts.create_api_token(user, label)
    db.session.commit()
    click.echo(token)


@outbox_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Print only the N newest e-mails (after --offset). Default: all of them.",
)
@click.option(
    "--offset",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Leave out the N newest e-mails first, to page back in time.",
)
def list_outbox(as_json: bool, limit: int | None, offset: int) -> None:
    """Stored e-mails, newest last. When --limit or --offset leave some out, a note on
    stderr says how many were printed and how to see the others."""
    total = count_outbox()
    printed = 0
    if as_json:
        click.echo("[", nl=False)
    for message in outbox(limit, skip_newest=offset):
        entry = message.as_dict()
        if as_json:
            text = json.dumps(entry, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            click.echo(("," if printed else "") + "\n  " + text, nl=False)
        else:
            click.echo(f"{entry['created_at']}  to {entry['to']}: {entry['subject']}")
        printed += 1
    if as_json:
        click.echo("\n]" if printed else "]")
    if printed < total:
        click.echo(_outbox_cut_note(printed, total, offset), err=True)


def _outbox_cut_note(printed: int, total: int, offset: int) -> str:
    """Say what part of the outbox was printed, so a cut list is never taken for all of it."""
    note = f"Printed {printed} of the {total} stored e-mails"
    if offset:
        note += f", leaving out the {offset} newest"
    older = total - offset - printed
    if older > 0:
        note += f". {older} older: add --offset {offset + printed} to see them"
    return note + "."


@click.command("demo")
@click.option(
    "--signatories",
    type=click.IntRange(min=0, max=1_000_000),
    default=None,
    metavar="N",
    help="Also give the demo response a frozen version, open for public signing, with N "
    "confirmed signatures (about half named publicly).",
)
def demo(signatories: int | None) -> None:
    """Seed the demo organisation and users (idempotent) and print the logins."""
    if current_app.config["CONSULT_ENV"] == "production":
        raise click.ClickException("The demo data has known passwords: not in production.")
    created = seed_demo()
    version, added = seed_signatories(signatories) if signatories is not None else (None, 0)
    db.session.commit()
    click.echo("Demo data " + ("created." if created else "already present."))
    click.echo(f"Log in at /login with any of these (password: {DEMO_PASSWORD}):")
    click.echo("  coordinator@demo.example  (owner)")
    click.echo("  editor@demo.example       (editor)")
    click.echo("  member@demo.example       (member)")
    if version is not None:
        click.echo(
            f"Version {version.number} of the demo response (id {version.id}, sha256 "
            f"{version.sha256}) is open for public signing: {signing.confirmed_count(version)} "
            f"confirmed signatures ({added} added). API: /api/v1/versions/{version.id}"
        )


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(demo)
    for command in (backup_command, restore_command, check_command, retention_cli):
        app.cli.add_command(command)
