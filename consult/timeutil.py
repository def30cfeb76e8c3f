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


def parse_utc(value: str) -> datetime:
    """An ISO 8601 date and time as naive UTC (one without an offset is taken as UTC), or a
    ValueError. A time whose offset takes it outside the years 1 to 9999 in UTC, such as
    0001-01-01T00:00:00+14:00, is a ValueError too, not the OverflowError Python raises."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        raise ValueError(f"{value} is outside the years 1 to 9999 in UTC") from None
