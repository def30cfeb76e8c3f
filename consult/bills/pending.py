"""An import waiting for its person to check it: what the importer read from an upload, kept
on the server (never in the cookie) between the preview and "Save this bill".

Why a file: the preview must show exactly what will be saved, and the person must not upload
a 20 MB PDF twice. The print as read is written as JSON to the instance folder under a random
token, bound to the uploader and their organisation (and the bill, for a next print), and
expires after an hour; expired ones are removed whenever another is kept. Only the person who
uploaded can save it: anyone else, or the uploader after an hour, is told so plainly.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flask import current_app

from consult.bills.errors import BillError
from consult.bills.structure import ParsedPrint

LIFETIME_SECONDS = 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


class PendingImportGone(BillError):
    """The import is not waiting any more (expired, saved already, or never was)."""


class PendingImportNotYours(BillError):
    """Someone else uploaded this file: only they may save it."""


@dataclass
class PendingImport:
    """What the preview shows and "Save this bill" stores."""

    token: str
    user_id: int
    organisation_id: int
    bill_id: int | None  # set for the next print of a bill
    source_kind: str
    source_name: str
    title: str = ""
    label: str = ""
    house: str = "commons"
    session: str = ""
    created: float = field(default_factory=time.time)
    parsed: ParsedPrint | None = None

    @property
    def expires_in_minutes(self) -> int:
        return max(0, int((self.created + LIFETIME_SECONDS - time.time()) // 60))


def _folder() -> Path:
    folder = Path(
        current_app.config.get("BILL_IMPORT_DIR")
        or os.path.join(current_app.instance_path, "bill-imports")
    )
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _path(token: str) -> Path | None:
    return _folder() / f"{token}.json" if TOKEN.fullmatch(token or "") else None


def keep(pending: PendingImport, parsed: ParsedPrint) -> str:
    """Write the import under a new token (returned), removing expired ones first."""
    clean_expired()
    pending.token = secrets.token_urlsafe(24)
    record = asdict(pending) | {"parsed": parsed.as_plain()}
    path = _path(pending.token)
    assert path is not None
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record), encoding="utf-8")
    temporary.replace(path)
    return pending.token


def load(token: str, user_id: int, organisation_id: int, bill_id: int | None) -> PendingImport:
    """The import waiting under `token` for this person (in this organisation, for this bill)."""
    path = _path(token)
    try:
        record = json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        record = None
    if record is None or time.time() - record["created"] > LIFETIME_SECONDS:
        if path is not None:
            path.unlink(missing_ok=True)
        raise PendingImportGone(
            "This import is no longer waiting: an upload waits an hour to be checked and "
            "saved, and this one has expired or was saved already. Please upload the file again."
        )
    if (record["organisation_id"], record["bill_id"]) != (organisation_id, bill_id):
        raise PendingImportGone("This import belongs to another page. Please upload again.")
    if record["user_id"] != user_id:
        raise PendingImportNotYours(
            "This import was uploaded by someone else: only the person who uploaded a file "
            "can check and save it. Upload the file yourself to import it."
        )
    parsed = ParsedPrint.from_plain(record.pop("parsed"))
    return PendingImport(**record, parsed=parsed)


def discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def clean_expired(now: float | None = None) -> int:
    """Remove imports older than an hour; returns how many went."""
    now = time.time() if now is None else now
    removed = 0
    for path in _folder().glob("*.json"):
        try:
            if now - path.stat().st_mtime > LIFETIME_SECONDS:
                path.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    return removed
