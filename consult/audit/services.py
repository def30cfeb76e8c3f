"""Writing audit events. Called by domain services, inside the request's transaction."""

from __future__ import annotations

from typing import Any

from flask import has_request_context

from consult.audit.models import AuditEvent
from consult.extensions import db
from consult.net import hashed_client_ip
from consult.timeutil import utcnow

# Keys that must never reach the audit log, whatever a caller passes.
_SECRET_KEYS = {"password", "token", "secret", "password_hash", "token_hash"}


def record(
    action: str,
    *,
    actor: Any = None,
    organisation: Any = None,
    organisation_id: int | None = None,
    subject: Any = None,
    **details: Any,
) -> None:
    """Append one audit event to the request's transaction: a plain INSERT, built once,
    rather than an ORM object for the flush to sort out (public signing is a hot path, and
    may name the organisation by `organisation_id` alone, not having loaded it)."""
    clean = {key: value for key, value in details.items() if key not in _SECRET_KEYS}
    if organisation is not None:
        organisation_id = getattr(organisation, "id", None)
    db.session.execute(
        _INSERT_EVENT,
        {
            "created_at": utcnow(),
            "action": action,
            "actor_id": getattr(actor, "id", None),
            "organisation_id": organisation_id,
            "subject_type": type(subject).__name__ if subject is not None else None,
            "subject_id": getattr(subject, "id", None),
            "ip_hash": hashed_client_ip() if has_request_context() else None,
            "details": clean,
        },
    )


_INSERT_EVENT = AuditEvent.__table__.insert()
