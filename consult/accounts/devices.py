"""A browser's User-Agent string in words a person recognises ("Chrome on Android"), for the
list of places they are logged in. Browsers disguise themselves as one another, so the
tokens are tried from the most specific (Edge, Opera, Samsung Internet carry "Chrome" too) to
the most general; anything unrecognised is "Unknown browser" rather than a raw string."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from consult.accounts.models import UserSession
from consult.net import hashed_client_ip

# (pattern, name), first match wins.
_BROWSERS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"\bEdg(?:e|A|iOS)?/", "Edge"),
        (r"\b(?:OPR|OPT|Opera)/", "Opera"),
        (r"\bSamsungBrowser/", "Samsung Internet"),
        (r"\bVivaldi/", "Vivaldi"),
        (r"\b(?:Firefox|FxiOS)/", "Firefox"),
        (r"\bCriOS/", "Chrome"),
        (r"\b(?:Headless)?Chrom(?:e|ium)/", "Chrome"),
        (r"\bVersion/[\d.]+.*\bSafari/", "Safari"),
        (r"\b(?:curl|Wget|python-requests|python-httpx|HTTPie)/", "A script or command-line tool"),
    )
)

_SYSTEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"\biPhone\b", "iPhone"),
        (r"\biPad\b", "iPad"),
        (r"\bAndroid\b", "Android"),
        (r"\bCrOS\b", "ChromeOS"),
        (r"\bWindows\b", "Windows"),
        (r"\bMacintosh\b|\bMac OS X\b", "Mac"),
        (r"\bLinux\b", "Linux"),
    )
)


def _first(patterns: tuple[tuple[re.Pattern[str], str], ...], text: str) -> str | None:
    return next((name for pattern, name in patterns if pattern.search(text)), None)


def describe_device(user_agent: str | None) -> str:
    """ "Chrome on Android", "Safari on iPhone", "Firefox", "Unknown browser"."""
    text = user_agent or ""
    browser = _first(_BROWSERS, text)
    system = _first(_SYSTEMS, text)
    if browser and system:
        return f"{browser} on {system}"
    if browser:
        return browser
    return f"A browser on {system}" if system else "Unknown browser"


@dataclass(frozen=True)
class SessionShown:
    """One place the person is logged in, as the account page lists it."""

    id: int
    device: str
    current: bool
    last_used: datetime
    started: datetime
    # "on this network" / "on another network" than the request's (None: the current session,
    # or not known). Compared as keyed hashes: the address itself is never stored.
    network: str | None


def sessions_shown(sessions: Iterable[UserSession], current_hash: str | None) -> list[SessionShown]:
    """The person's sessions, this browser's first, then the most recently used."""
    here = hashed_client_ip()
    shown = [
        SessionShown(
            id=row.id,
            device=describe_device(row.user_agent),
            current=row.token_hash == current_hash,
            last_used=row.last_seen_at,
            started=row.created_at,
            network=None
            if row.token_hash == current_hash or row.ip_hash is None
            else "on this network"
            if row.ip_hash == here
            else "on another network",
        )
        for row in sessions
    ]
    return sorted(shown, key=lambda s: (not s.current, -s.last_used.timestamp()))
