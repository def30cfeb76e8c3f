"""Demo data for `make run` and screenshots: an organisation with a person in each role.
Idempotent, so `make run` can call it every time."""

from __future__ import annotations

from sqlalchemy import select

from consult.accounts import services as accounts
from consult.extensions import db
from consult.organisations.models import Membership, Organisation

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for the demo; `demo` refuses production
DEMO_ORGANISATION = "Demo Civil Liberties Network"
DEMO_SLUG = "demo-civil-liberties-network"
DEMO_PEOPLE = (
    ("coordinator@demo.example", "Alex Morgan", "owner"),
    ("editor@demo.example", "Sam Patel", "editor"),
    ("member@demo.example", "Jo Williams", "member"),
)


def seed_demo() -> bool:
    """Create what is missing of the demo data; True when anything was created."""
    created = False
    # By slug: it is unique (a second insert would fail), while names are not, and another
    # group's organisation that happens to share the name must not gain the demo accounts.
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == DEMO_SLUG))
    if organisation is None:
        organisation = Organisation(name=DEMO_ORGANISATION, slug=DEMO_SLUG)
        db.session.add(organisation)
        db.session.flush()
        created = True
    for email, name, role in DEMO_PEOPLE:
        user = accounts.find_user(email)
        if user is None:
            user = accounts.create_confirmed_user(email, name, DEMO_PASSWORD)
            created = True
        membership = db.session.scalar(
            select(Membership).where(
                Membership.organisation_id == organisation.id, Membership.user_id == user.id
            )
        )
        if membership is None:
            db.session.add(Membership(organisation=organisation, user=user, role=role))
            user.current_organisation_id = organisation.id
            created = True
    db.session.flush()
    return created
