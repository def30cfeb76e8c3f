"""Writing audit events. Called by domain services, inside the request's transaction."""

from __future__ import annotations

from typing import Any

from flask import has_request_context

from consult.audit.models import AuditEvent
from consult.extensions import db
from consult.net import hashed_client_ip

# Keys that must never reach the audit log, whatever a caller passes.
_SECRET_KEYS = {"password", "token", "secret", "password_hash", "token_hash"}


def record(
    action: str,
    *,
    actor: Any = None,
    organisation: Any = None,
    subject: Any = None,
    **details: Any,
) -> AuditEvent:
    """Append one audit event, written with the request's other changes (one flush, not one
    per event: public signing is a hot path)."""
    clean = {key: value for key, value in details.items() if key not in _SECRET_KEYS}
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        organisation_id=getattr(organisation, "id", None),
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        ip_hash=hashed_client_ip() if has_request_context() else None,
        details=clean,
    )
    db.session.add(event)
    return event
