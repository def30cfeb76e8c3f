"""Partner organisations: the owners and coordinators of other organisations co-sign a
version for their organisation with the partner link (permissions.partner_token), which the
lead organisation's coordinators may replace to revoke it."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from consult.audit.services import record
from consult.extensions import db
from consult.organisations.models import Membership
from consult.signing.models import Signature, Version
from consult.signing.services.versions import require_coordinator


def replace_partner_link(membership: Membership, version: Version) -> None:
    """A new nonce: every partner link given out before stops working (a link forwarded too
    widely is revoked this way)."""
    require_coordinator(membership, version.response, "replace the partner link")
    version.partner_link_nonce = secrets.token_hex(8)
    record(
        "signing.partner_link_replaced",
        actor=membership.user,
        organisation=version.response.organisation,
        subject=version,
    )


def organisation_signatures(version: Version, organisation_ids: list[int]) -> dict[int, Signature]:
    """The confirmed co-signatures of the version by these organisations, by organisation."""
    if not organisation_ids:
        return {}
    rows = db.session.scalars(
        select(Signature).where(
            Signature.version_id == version.id,
            Signature.kind == "organisation",
            Signature.status == "confirmed",
            Signature.organisation_id.in_(organisation_ids),
        )
    )
    return {signature.organisation_id: signature for signature in rows}
