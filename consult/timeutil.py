"""Time helpers: every stored time is naive UTC, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (what the database columns store)."""
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat(moment: datetime | None) -> str | None:
    """ISO 8601 with a Z, as the API promises."""
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat() + "Z"
