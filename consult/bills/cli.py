"""`flask --app wsgi bills import FILE`: import a bill's print from the command line, as the
import page does (read in a child process within the limits), without the preview: it prints
what was read (pages, lines, clauses, problems) and saves it. With --bill it adds the next
print to that bill and prints how every amendment moved; without, it creates a bill. A file
that cannot be read exits non-zero with the importer's message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from consult.bills import services
from consult.bills.importers import kind_of
from consult.bills.importers.isolated import read_print_isolated
from consult.bills.importers.limits import ImportRefused
from consult.bills.models import Bill, BillPrint
from consult.bills.remap import Reference
from consult.bills.stages import HOUSES
from consult.bills.structure import ParsedPrint
from consult.errors import DomainError
from consult.extensions import db
from consult.organisations.models import Organisation


@dataclass(frozen=True)
class Operator:
    """The organisation as the command acts in it: the operator is nobody's account, so the
    audit log and the amendments' new revisions name no person."""

    organisation: Organisation
    user = None
    user_id = None

    @property
    def organisation_id(self) -> int:
        return self.organisation.id


def _organisation(slug: str | None) -> Organisation:
    if slug:
        found = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        if found is None:
            raise click.BadParameter(f"No organisation {slug!r}.", param_hint="--organisation")
        return found
    organisations = db.session.scalars(select(Organisation).limit(2)).all()
    if len(organisations) != 1:
        raise click.UsageError(
            "Say which organisation with --organisation SLUG"
            + (" (there are several)." if organisations else " (there is none yet).")
        )
    return organisations[0]


def _describe(parsed: ParsedPrint, name: str, kind: str) -> None:
    clauses = [p for p in parsed.provisions if not p.is_schedule]
    schedules = [p for p in parsed.provisions if p.is_schedule]
    click.echo(
        f"Read {name} ({kind}): “{parsed.title}”, {parsed.pages} pages, {len(parsed.lines):,} "
        f"lines, {len(clauses)} clauses, {len(schedules)} schedules, "
        f"{len(parsed.problems)} problems."
    )
    for provision in parsed.provisions:
        name = provision.number if provision.is_schedule else f"Clause {provision.number}"
        click.echo(
            f"  {name}: {provision.heading} (page {provision.start[0]} line "
            f"{provision.start[1]} to page {provision.end[0]} line {provision.end[1]})"
        )
    for problem in parsed.problems:
        where = f"page {problem.page}, line {problem.line}: " if problem.page else ""
        click.echo(f"  Problem: {where}{problem.message}")


def _report(added: BillPrint) -> None:
    if not added.remap:
        click.echo("No amendments to move.")
        return
    for entry in added.remap:
        old = Reference(**entry["from"]).describe() if entry.get("from") else "?"
        new = Reference(**entry["to"]).describe() if entry.get("to") else ""
        label = f"Amendment {entry.get('number') or entry['amendment']}"
        if entry["status"] == "moved":
            click.echo(f"  {label}: moved, {old} -> {new}")
        elif entry["status"] == "unchanged":
            click.echo(f"  {label}: unchanged, {old}")
        else:
            click.echo(f"  {label}: NEEDS ATTENTION, {old}: {entry.get('reason', '')}")


@click.group("bills")
def bills_group() -> None:
    """Bills: import a print."""


@bills_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation_slug", metavar="SLUG", help="Needed when several.")
@click.option("--bill", "bill_slug", metavar="SLUG", help="Add the next print to this bill.")
@click.option("--print-label", default="", help='For example "As introduced".')
@click.option("--title", default="", help="A new bill's title (default: the file's).")
@click.option("--house", type=click.Choice(HOUSES), default="commons", show_default=True)
@click.option("--session", default="", help='For example "2026-27".')
def import_command(
    file: Path,
    organisation_slug: str | None,
    bill_slug: str | None,
    print_label: str,
    title: str,
    house: str,
    session: str,
) -> None:
    """Import the print in FILE (PDF, Word .docx, HTML or text)."""
    organisation = _organisation(organisation_slug)
    operator = Operator(organisation)
    bill = None
    if bill_slug:
        bill = db.session.scalar(
            select(Bill).where(Bill.organisation_id == organisation.id, Bill.slug == bill_slug)
        )
        if bill is None:
            raise click.BadParameter(
                f"{organisation.name} has no bill {bill_slug!r}.", param_hint="--bill"
            )
    data = file.read_bytes()
    try:
        kind = kind_of(data)
        parsed = read_print_isolated(data, title=title or None)
    except ImportRefused as refused:
        raise click.ClickException(str(refused)) from None
    _describe(parsed, file.name, kind)
    try:
        if bill is None:
            made = services.create_bill(
                operator,
                parsed,
                title=title,
                label=print_label,
                source_kind=kind,
                source_name=file.name,
                session=session,
                house=house,
            )
            db.session.commit()
            click.echo(
                f"Created bill “{made.title}” ({made.slug}), print 1: {made.prints[0].label}."
            )
            return
        added = services.add_print(
            operator, bill, parsed, label=print_label, source_kind=kind, source_name=file.name
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(f"Added print {added.number} ({added.label}) to “{bill.title}”.")
    _report(added)


def init_app(app: Flask) -> None:
    app.cli.add_command(bills_group)
