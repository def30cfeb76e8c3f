"""Time helpers: every stored time is naive UTC, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

# UK time, in which people read and type dates (summer time included).
LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """Now, in UTC, without tzinfo (what the database columns store)."""
    return datetime.now(UTC).replace(tzinfo=None)


def end_of_day(day: date | None) -> datetime | None:
    """A deadline given as a day, kept as 23:59 on it (as consultations' closing dates are)."""
    return None if day is None else datetime.combine(day, time(23, 59))


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


def uk_time(moment: datetime) -> datetime:
    """A stored (naive UTC) time in UK time."""
    return moment.replace(tzinfo=UTC).astimezone(LONDON)


# --- times as people read them (template filters too: consult/templating.py) ---------------


def ago(moment: datetime | None) -> str:
    """ "3 minutes ago", "yesterday", "4 Mar 2026": how long ago, in words."""
    if moment is None:
        return ""
    seconds = int((utcnow() - moment).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        minutes = seconds // 60
        return f"{minutes} minute{'' if minutes == 1 else 's'} ago"
    if seconds < 86400:
        hours = seconds // 3600
        return f"{hours} hour{'' if hours == 1 else 's'} ago"
    days = seconds // 86400
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return uk_time(moment).strftime("%-d %b %Y")


def when(moment: datetime | None) -> str:
    """A full date and time in UK time: "26 Nov 2026, 11:55"."""
    if moment is None:
        return ""
    return uk_time(moment).strftime("%-d %b %Y, %H:%M")


def isotime(moment: datetime | None) -> str:
    """For a <time datetime="..."> attribute: isoformat, or nothing."""
    return isoformat(moment) or ""
