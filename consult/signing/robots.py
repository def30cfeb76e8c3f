"""Checks against robots on the public signing form, which never turn a person away.

The form carries a signed stamp: the version, a random nonce, when the form was first drawn,
and whether the person was already asked to confirm. A submission that looks like a robot's
(sent faster than SIGNING_MIN_FILL_SECONDS, the hidden "website" field filled in, a stamp
missing or altered, or a stamp already used to sign) is held back: nothing is recorded or
e-mailed, and the form comes back with everything typed kept, asking the person to confirm
once more. Browsers' autofill makes a one-second submission normal, so being fast is no proof
of being a robot; a second, deliberate press is what a simple robot does not give. Behind it
the e-mailed confirmation link is the check that counts: a signature counts only once the
owner of the address confirms it (the JSON API relies on that alone, with its rate limits).

Each stamp signs once: its nonce is remembered in the database (every instance of the app sees
it, and it is written in the signing's transaction, so a signature that fails leaves the stamp
usable) until the stamp expires. How many submissions each check held back is counted per
version, for the coordinator's page of signatures."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from consult.extensions import db
from consult.signing.models import RobotCheckCount, UsedFormStamp, Version
from consult.timeutil import utcnow

FORM_MAX_AGE = 24 * 3600  # seconds: a page left open longer is drawn again with a fresh stamp
HELD_BACK = ("too_fast", "honeypot", "no_stamp", "reused")

_DIALECTS = {"postgresql": postgresql, "sqlite": sqlite}
# Built once for each database (public signing is a hot path): remember a nonce unless it is
# known (RETURNING tells which), and add one to a version's counter for a reason.
_USE_NONCE = {
    name: dialect.insert(UsedFormStamp.__table__)
    .on_conflict_do_nothing(index_elements=["nonce"])
    .returning(UsedFormStamp.__table__.c.nonce)
    for name, dialect in _DIALECTS.items()
}


def _counting(dialect):
    insert = dialect.insert(RobotCheckCount.__table__)
    return insert.on_conflict_do_update(
        index_elements=["version_id", "reason"],
        set_={"count": RobotCheckCount.count + 1, "last_at": insert.excluded.last_at},
    )


_COUNT = {name: _counting(dialect) for name, dialect in _DIALECTS.items()}


@dataclass(frozen=True)
class Stamp:
    """What a form's stamp says, once its signature is checked."""

    version_id: int
    nonce: str
    started: float  # when the form was first drawn (seconds since the epoch)
    confirmed: bool  # drawn again to confirm: the person has pressed "Sign" once already


@dataclass(frozen=True)
class Verdict:
    """ "sign", "ask_again" (held back for `reason`) or "expired" (draw the form again)."""

    outcome: str
    reason: str | None = None
    stamp: Stamp | None = None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="sign-form-stamp")


def new_stamp(version: Version, *, started: float | None = None, confirmed: bool = False) -> str:
    """A stamp for a form about to be drawn: a fresh nonce; `started` keeps the time the
    person first saw the form when it comes back to them (after a mistake in it)."""
    return _serializer().dumps(
        {
            "v": version.id,
            "n": secrets.token_urlsafe(12),
            "t": round(time.time() if started is None else started, 3),
            "c": int(confirmed),
        }
    )


def read_stamp(text: str | None, version: Version) -> Stamp | None:
    """The stamp, or None when it is missing, altered or made for another version."""
    if not text or len(text) > 300:
        return None
    try:
        data = _serializer().loads(text)
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("v") != version.id:
        return None
    nonce, started, confirmed = data.get("n"), data.get("t"), data.get("c")
    if not (isinstance(nonce, str) and 0 < len(nonce) <= 32):
        return None
    if not isinstance(started, int | float) or confirmed not in (0, 1):
        return None
    return Stamp(version.id, nonce, float(started), bool(confirmed))


def redrawn_stamp(text: str | None, version: Version, *, confirmed: bool = False) -> str:
    """The stamp for the form drawn again: a new nonce, the same start (when the old stamp
    was good and not expired), confirmed if either it was or `confirmed`."""
    old = read_stamp(text, version)
    if old is None or time.time() - old.started > FORM_MAX_AGE:
        return new_stamp(version, confirmed=confirmed)
    return new_stamp(version, started=old.started, confirmed=confirmed or old.confirmed)


def judge(text: str | None, honeypot: str | None, version: Version) -> Verdict:
    """Whether a submitted form may sign, before anything is written (see the module text).
    A stamp from a form the person was asked to confirm signs however fast it comes back, and
    even with the hidden field filled in (autofill may fill it again)."""
    stamp = read_stamp(text, version)
    if stamp is None:
        return Verdict("ask_again", "no_stamp")
    elapsed = time.time() - stamp.started
    if elapsed > FORM_MAX_AGE:
        return Verdict("expired", stamp=stamp)
    if stamp.confirmed:
        return Verdict("sign", stamp=stamp)
    if honeypot:
        return Verdict("ask_again", "honeypot", stamp)
    if elapsed < current_app.config["SIGNING_MIN_FILL_SECONDS"]:
        return Verdict("ask_again", "too_fast", stamp)
    return Verdict("sign", stamp=stamp)


def admit(text: str | None, honeypot: str | None, version: Version) -> Verdict:
    """Judge the form and, when it may sign, use up its stamp; a stamp used before is held
    back as "reused". Every submission held back is counted; one signing after confirming
    once more too ("confirmed_again"). Flushes; the caller commits (also when held back, so
    that the count stays), or rolls back if the signature fails (the stamp stays usable)."""
    verdict = judge(text, honeypot, version)
    if verdict.outcome == "sign":
        assert verdict.stamp is not None
        if not _use(verdict.stamp):
            verdict = Verdict("ask_again", "reused", verdict.stamp)
        elif verdict.stamp.confirmed:
            count(version, "confirmed_again")
    if verdict.outcome == "ask_again":
        assert verdict.reason is not None
        count(version, verdict.reason)
    return verdict


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _use(stamp: Stamp) -> bool:
    """Remember the stamp's nonce until it expires; False if it was remembered already.
    Concurrent submissions of one stamp (a double click) queue on the key: one signs."""
    expires_at = utcnow() + timedelta(seconds=FORM_MAX_AGE + 3600)
    used = db.session.scalar(
        _USE_NONCE[_dialect()], {"nonce": stamp.nonce, "expires_at": expires_at}
    )
    return used is not None


def count(version: Version, reason: str) -> None:
    """One more for this version and reason (one row each, whatever the numbers)."""
    db.session.execute(
        _COUNT[_dialect()],
        {"version_id": version.id, "reason": reason, "count": 1, "last_at": utcnow()},
    )


def counts(version: Version) -> dict[str, int]:
    """{reason: how many} for the version, every reason present (zero when none)."""
    found = dict(
        db.session.execute(
            select(RobotCheckCount.reason, RobotCheckCount.count).where(
                RobotCheckCount.version_id == version.id
            )
        ).all()
    )
    return {reason: found.get(reason, 0) for reason in (*HELD_BACK, "confirmed_again")}


def purge_used_stamps(now: datetime) -> int:
    """Forget used stamps that have expired (a form that old is drawn again anyway)."""
    result = db.session.execute(delete(UsedFormStamp).where(UsedFormStamp.expires_at < now))
    return result.rowcount or 0
