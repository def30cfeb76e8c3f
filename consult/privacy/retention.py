"""Retention: personal data is kept only as long as it is needed (UK GDPR storage limitation).

`flask --app wsgi retention run` (daily, from cron or a systemd timer) purges each kind of
data through its own domain's function, prints how many of each went and writes one audit
event. `--dry-run` does the same inside a transaction that is rolled back, so the counts are
exact and nothing changes. The periods are settings (consult/config.py):

- unconfirmed public signatures: 7 days after signing (the confirmation link's lifetime);
- used stamps of the public signing form (kept to refuse a form sent again): once expired;
- individual signers' names, e-mail addresses and affiliations: SIGNER_RETENTION_DAYS after
  both the version's signing and the consultation closed (the rows and counts stay);
- invitations: INVITATION_RETENTION_DAYS after the link expired;
- export files (kept in the database): EXPORT_RETENTION_DAYS after they were made;
- stored e-mails (the outbox): OUTBOX_RETENTION_DAYS;
- notifications (read or not): NOTIFICATION_RETENTION_DAYS after they were made;
- logged-in sessions: as soon as they time out (idle or absolute), and used or expired e-mail
  links (confirmation, reset, address change) as soon as they expire;
- hashed client addresses in the audit log: IP_HASH_RETENTION_DAYS;
- audit events themselves: AUDIT_RETENTION_DAYS (long enough to look into what happened during
  a consultation and after it; they name people and, for invitations, e-mail addresses).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from consult.accounts.models import EmailLink, UserSession
from consult.audit.models import AuditEvent
from consult.audit.services import record
from consult.exports.services import purge_old_exports
from consult.extensions import db
from consult.mail import purge_outbox
from consult.notifications.services import purge_old_notifications
from consult.organisations.services import purge_ended_invitations
from consult.signing.robots import purge_used_stamps
from consult.signing.services import anonymise_ended_signatures, purge_unconfirmed
from consult.timeutil import utcnow


@dataclass(frozen=True)
class Kind:
    """One kind of data that retention removes: `purge(now)` returns how many went."""

    name: str
    description: str
    purge: Callable[[datetime], int]


def _days(setting: str) -> timedelta:
    return timedelta(days=current_app.config[setting])


def _expired_sessions(now: datetime) -> int:
    """Sessions past the idle or absolute timeout: load_session refuses them already, but
    their rows (with the browser's user agent) would otherwise stay until the next visit."""
    config = current_app.config
    idle_since = now - timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    started_before = now - config["PERMANENT_SESSION_LIFETIME"]
    statement = db.delete(UserSession).where(
        db.or_(UserSession.last_seen_at < idle_since, UserSession.created_at < started_before)
    )
    return db.session.execute(statement).rowcount or 0


def _expired_email_links(now: datetime) -> int:
    """E-mail links that can no longer be used (a new address may be waiting in one)."""
    statement = db.delete(EmailLink).where(EmailLink.expires_at < now)
    return db.session.execute(statement).rowcount or 0


def _old_ip_hashes(now: datetime) -> int:
    """Audit events keep who did what; the keyed hash of the client address is only useful
    to correlate recent abuse, so it is blanked after IP_HASH_RETENTION_DAYS."""
    statement = (
        db.update(AuditEvent)
        .where(
            AuditEvent.ip_hash.is_not(None),
            AuditEvent.created_at < now - _days("IP_HASH_RETENTION_DAYS"),
        )
        .values(ip_hash=None)
    )
    return db.session.execute(statement).rowcount or 0


def _old_audit_events(now: datetime) -> int:
    statement = db.delete(AuditEvent).where(
        AuditEvent.created_at < now - _days("AUDIT_RETENTION_DAYS")
    )
    return db.session.execute(statement).rowcount or 0


def kinds() -> list[Kind]:
    """Everything retention removes (all of it in the database), in the order it runs."""
    return [
        Kind(
            "unconfirmed_signatures",
            "public signatures never confirmed within 7 days",
            purge_unconfirmed,
        ),
        Kind(
            "used_form_stamps",
            "used stamps of the public signing form, once expired",
            purge_used_stamps,
        ),
        Kind(
            "signer_data",
            "names and e-mail addresses of signers, SIGNER_RETENTION_DAYS after signing "
            "and the consultation closed",
            lambda now: anonymise_ended_signatures(now - _days("SIGNER_RETENTION_DAYS")),
        ),
        Kind(
            "invitations",
            "invitations whose link expired more than INVITATION_RETENTION_DAYS ago",
            lambda now: purge_ended_invitations(now - _days("INVITATION_RETENTION_DAYS")),
        ),
        Kind(
            "exports",
            "export files made more than EXPORT_RETENTION_DAYS ago",
            lambda now: purge_old_exports(now - _days("EXPORT_RETENTION_DAYS")),
        ),
        Kind("sessions", "logged-in sessions past their timeout", _expired_sessions),
        Kind("email_links", "expired confirmation and reset links", _expired_email_links),
        Kind(
            "outbox",
            "stored e-mails older than OUTBOX_RETENTION_DAYS",
            lambda now: purge_outbox(now - _days("OUTBOX_RETENTION_DAYS")),
        ),
        Kind(
            "notifications",
            "notifications made more than NOTIFICATION_RETENTION_DAYS ago",
            lambda now: purge_old_notifications(now - _days("NOTIFICATION_RETENTION_DAYS")),
        ),
        Kind(
            "ip_hashes",
            "hashed client addresses in audit events older than IP_HASH_RETENTION_DAYS",
            _old_ip_hashes,
        ),
        Kind(
            "audit_events",
            "audit events older than AUDIT_RETENTION_DAYS",
            _old_audit_events,
        ),
    ]


def run(now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Purge everything past its period; returns {kind: count}. A dry run rolls back; a real
    run records one audit event and commits: the run is a job of its own (from the CLI), not
    part of a request, so it is its own unit of work."""
    now = now or utcnow()
    counts = {kind.name: kind.purge(now) for kind in kinds()}
    if dry_run:
        db.session.rollback()
    else:
        record("retention.run", **counts)
        db.session.commit()
    return counts
