"""Which consultations an organisation may see: the built-in ones and its own. Whether a
person may see an organisation's is its membership's question (organisations.permissions)."""

from __future__ import annotations

from flask import abort

from consult.consultations.models import Consultation
from consult.consultations.services import find_visible
from consult.organisations.models import SLUG, Membership


def load_consultation(membership: Membership, consultation_slug: str) -> Consultation:
    """A consultation `membership`'s organisation can answer; 404 for another organisation's
    own (whose existence is not revealed) and for a slug that cannot be one."""
    if not SLUG.fullmatch(consultation_slug):
        abort(404)
    consultation = find_visible(consultation_slug, membership.organisation)
    if consultation is None:
        abort(404)
    return consultation
