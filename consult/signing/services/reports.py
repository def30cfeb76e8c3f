"""What the signatures come to: counts, the published list of signatories, the coordinator's
paged list, chart figures and CSV of the signatures."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, cast, func, select

from consult.accounts.models import User
from consult.audit.services import record
from consult.extensions import db
from consult.signing.models import Signature, Version
from consult.timeutil import isoformat, uk_time

# Spreadsheets run a cell starting with one of these as a formula.
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SignaturePage:
    """One page of the coordinator's list of signatures."""

    rows: list[Signature]
    total: int
    page: int
    pages: int


def signature_page(
    version: Version,
    *,
    kind: str | None = None,
    status: str | None = None,
    name: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> SignaturePage:
    """The version's signatures, newest first, filtered by kind, status and part of a name;
    a page past the end gives the last page."""
    query = select(Signature).where(Signature.version_id == version.id)
    if kind:
        query = query.where(Signature.kind == kind)
    if status:
        query = query.where(Signature.status == status)
    if name:
        query = query.where(func.lower(Signature.name).contains(name.lower(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = list(
        db.session.scalars(
            query.order_by(Signature.created_at.desc(), Signature.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return SignaturePage(rows, total, page, pages)


def status_counts(version: Version) -> dict[str, int]:
    """How many of the version's signatures are pending, confirmed and withdrawn."""
    return dict(
        db.session.execute(
            select(Signature.status, func.count())
            .where(Signature.version_id == version.id)
            .group_by(Signature.status)
        ).all()
    )


def _published(version: Version):
    """The version's published signatories: confirmed, and listed by their choice."""
    return select(Signature.kind, Signature.name, Signature.affiliation).where(
        Signature.version_id == version.id,
        Signature.status == "confirmed",
        Signature.consent_public.is_(True),
    )


def _by_kind(rows) -> tuple[list[str], list[tuple[str, str]]]:
    """(organisations' names, [(name, affiliation)] of people) from published rows."""
    organisations = [name for kind, name, _ in rows if kind == "organisation"]
    people = [(name, affiliation) for kind, name, affiliation in rows if kind != "organisation"]
    return organisations, people


def published_signatories(
    version: Version, page: int, per_page: int
) -> tuple[list[str], list[tuple[str, str]], bool]:
    """One page of the published signatories: co-signing organisations first, then the
    people who chose publication, each by name. Returns (organisations, [(name,
    affiliation)], whether there is a next page)."""
    rows = db.session.execute(
        _published(version)
        .order_by((Signature.kind != "organisation"), func.lower(Signature.name), Signature.id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    organisations, people = _by_kind(rows[:per_page])
    return organisations, people, len(rows) > per_page


def confirmed_count(version: Version) -> int:
    """How many signatures count: the confirmed ones, whatever their kind."""
    return db.session.scalar(
        select(func.count())
        .select_from(Signature)
        .where(Signature.version_id == version.id, Signature.status == "confirmed")
    )


def public_lists(version: Version) -> tuple[list[str], list[tuple[str, str]]]:
    """(co-signing organisations, [(name, affiliation)] of individuals who chose publication)."""
    return _by_kind(
        db.session.execute(
            _published(version).order_by(func.lower(Signature.name), Signature.id)
        ).all()
    )


def london_date(moment: datetime) -> date:
    """The UK calendar day of a naive UTC time (GMT in winter, BST in summer)."""
    return uk_time(moment).date()


def daily_counts(version: Version) -> list[tuple[str, int]]:
    """Confirmed signatures per UK day (by confirmation time), for the coordinator's chart.

    The database counts per UTC hour ("YYYY-MM-DD HH", the same text on SQLite and
    PostgreSQL), and the hours are put into UK days here: the UK's offset from UTC is always
    whole hours, so this is exact, and it reads at most 24 rows a day however many signed."""
    hour = func.substr(cast(Signature.confirmed_at, String), 1, 13)
    rows = db.session.execute(
        select(hour, func.count())
        .where(
            Signature.version_id == version.id,
            Signature.status == "confirmed",
            Signature.confirmed_at.is_not(None),
        )
        .group_by(hour)
    ).all()
    days: dict[date, int] = {}
    for utc_hour, count in rows:
        day = london_date(datetime.strptime(utc_hour, "%Y-%m-%d %H"))
        days[day] = days.get(day, 0) + count
    return [(day.isoformat(), days[day]) for day in sorted(days)]


def csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: make them plain text."""
    if value and value.startswith(CSV_FORMULA_PREFIXES):
        return "'" + value
    return value


def signatories_csv(version: Version, include_emails: bool) -> str:
    """Confirmed signatories. Names and affiliations only of those who consented to
    publication, unless the reader is a coordinator (include_emails), who sees all of them."""
    header = ["kind", "name", "affiliation", "publish_name", "confirmed_at"]
    if include_emails:
        header.insert(2, "email")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    rows = db.session.scalars(
        select(Signature)
        .where(Signature.version_id == version.id, Signature.status == "confirmed")
        .order_by(Signature.confirmed_at, Signature.id)
    )
    for signature in rows:
        if not include_emails and not signature.consent_public:
            continue
        row = [
            signature.kind,
            csv_safe(signature.name),
            csv_safe(signature.affiliation),
            "yes" if signature.consent_public else "no",
            isoformat(signature.confirmed_at),
        ]
        if include_emails:
            row.insert(2, csv_safe(signature.email or ""))
        writer.writerow(row)
    return out.getvalue()


def download_signatories_csv(user: User, version: Version) -> str:
    """The coordinator's CSV of every confirmed signatory, e-mail addresses included: recorded
    in the audit log, since personal data leaves Consult with it."""
    body = signatories_csv(version, include_emails=True)
    record(
        "signatures.csv_downloaded",
        actor=user,
        organisation=version.response.organisation,
        subject=version,
        number=version.number,
    )
    return body
