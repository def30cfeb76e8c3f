"""The one loader per bill object, used by the pages and the API alike: a bill or print of an
organisation the person does not belong to is a 404 (its existence is not revealed); a role
that does not allow the action is a 403. Bills are an organisation's own, as its consultations
are: members see them, those who may draft import and change them ("draft")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user

from consult.bills.models import Bill, BillPrint
from consult.drafting.models import Response, Section
from consult.drafting.permissions import allows, load_section
from consult.extensions import db
from consult.forms import MAX_ID
from consult.organisations.models import Membership
from consult.organisations.permissions import require_membership

if TYPE_CHECKING:
    from consult.accounts.models import User


def _get(model, object_id: int):
    if not 0 < object_id <= MAX_ID:
        abort(404)
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def load_bill(
    bill_id: int, action: str = "view", *, user: User | None = None
) -> tuple[Bill, Membership]:
    """The bill and the person's membership of its organisation (the logged-in person's unless
    `user` is given), if their role allows `action`."""
    bill = _get(Bill, bill_id)
    membership = require_membership(
        current_user if user is None else user, bill.organisation, action
    )
    return bill, membership


def load_print(
    print_id: int, action: str = "view", *, user: User | None = None
) -> tuple[BillPrint, Membership]:
    """A print and the person's membership of its bill's organisation."""
    bill_print = _get(BillPrint, print_id)
    membership = require_membership(
        current_user if user is None else user, bill_print.bill.organisation, action
    )
    return bill_print, membership


def load_bill_in(membership: Membership, slug: str) -> Bill:
    """The bill at `slug` of the membership's own organisation; 404 for any other."""
    bill = db.session.scalar(
        db.select(Bill).where(Bill.organisation_id == membership.organisation_id, Bill.slug == slug)
    )
    if bill is None:
        abort(404)
    return bill


def load_amendment(
    response_id: int, amendment_id: int, action: str = "view", *, user: User | None = None
) -> tuple[Response, Section, Membership]:
    """An amendment (a live section of kind amendment) of a response the person can see:
    404 for anything else, also another response's amendment or a removed one; then 403 if
    their role does not allow `action`."""
    response, section, membership = load_section(response_id, amendment_id, "view", user=user)
    if section.kind != "amendment" or section.removed_at is not None:
        abort(404)
    if not allows(membership, action):
        abort(403)
    return response, section, membership
