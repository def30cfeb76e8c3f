"""A person who has left a trace in every table that can point at people: the privacy tests
download their data and erase them, and check both against the database schema."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from consult.accounts import pending_logins, two_factor
from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.bills import services as bills
from consult.consultations.models import Consultation
from consult.consultations.services import create_consultation, parse_numbered_list
from consult.drafting import services as drafting
from consult.exports.models import ExportJob
from consult.extensions import db
from consult.live import documents
from consult.live.models import LiveDocument
from consult.notifications import services as notifications
from consult.organisations import services as organisations
from consult.signing import consent
from consult.signing import services as signing
from tests import factories
from tests.bills.sample import PRINT
from tests.organisations.support import membership

NAME = "Zephyrine Quillfeather"
EMAIL = "zephyrine.quillfeather@example.org"
AFFILIATION = "Quillfeather Institute"
USER_AGENT = "QuillfeatherBrowser/7.1"
WRITTEN = "Text that Zephyrine wrote for the organisation."


@dataclass
class Person:
    user: User
    client: object  # logged in
    headers: dict[str, str]  # a bearer token
    other_organisation_id: int


@pytest.fixture
def person(app, team, make_client) -> Person:
    """A coordinator of the team's organisation (and member of the other one) who wrote,
    commented, suggested, decided, settled a clash, froze, signed (from the account and with
    the public form), invited, was invited, asked for an export, has a session, a token, a
    reset link, e-mails, two-factor with recovery codes, and is present on a section."""
    user = factories.make_user(email=EMAIL, name=NAME)
    factories.add_member(team.organisation, user, "coordinator")
    lead = membership(team.organisation, user)
    client = make_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    factories_login = client.post("/login", data={"email": EMAIL, "password": factories.PASSWORD})
    assert factories_login.status_code == 302
    with app.test_request_context():
        create_consultation(
            lead, "Privacy consultation", "Privacy Publisher", None, parse_numbered_list("1. Q?")
        )
        builtin = db.session.scalar(
            select(Consultation).where(Consultation.slug == "facial-recognition-framework")
        )
        response = drafting.create_response(lead, builtin, "Privacy response")
        section = next(s for s in response.sections if s.kind == "summary")
        revision = drafting.save_section(user, section, WRITTEN, None, None).revision
        drafting.assign_section(user, section, user)
        comment = drafting.add_comment(user, section, "A comment they wrote.")
        drafting.set_comment_resolved(user, comment, True)
        drafting.suggest(user, section, "A suggestion they wrote.", revision.id)
        theirs = drafting.suggest(team.member, section, "Someone else's idea.", revision.id)
        drafting.reject_suggestion(user, theirs)
        drafting.save_section(team.editor, section, "An editor's rewrite.", None, revision.id)
        clash = drafting.save_section(
            team.coordinator, section, "A coordinator's rewrite.", None, revision.id
        ).revision
        drafting.dismiss_clash(user, section, clash)  # settled by the person
        drafting.heartbeat(user, section, True)
        bills.create_bill(lead, PRINT, title="Privacy bill", source_kind="text")

        members_version = signing.freeze(lead, response, "for members")
        signing.open_signing(lead, members_version, public=False, closes_at=None)
        signing.sign_as_member(user, members_version, None, AFFILIATION, True)
        public_version = signing.freeze(lead, response, "for the public")
        signing.open_signing(lead, public_version, public=True, closes_at=None)
        signing.sign_publicly(
            public_version, NAME, EMAIL, AFFILIATION, True, consent.CURRENT_VERSION
        )

        organisations.invite(lead, "colleague@example.org", "member")
        outsider = membership(team.other_organisation, team.outsider)
        invitation, _ = organisations.invite(outsider, EMAIL, "member")
        organisations.accept_invitation(user, invitation)

        accounts.request_password_reset(EMAIL)
        two_factor.begin_setup(user)
        totp = two_factor.totp_for(user)
        two_factor.enable(user, totp.generate_otp(int(time.time()) // two_factor.STEP_SECONDS))
        pending_logins.begin(user)  # a log-in waiting for its second factor
        # Their e-mail choice for one kind of notice (their suggestion above told the
        # organisation's coordinators, and the member's told them).
        notifications.set_preferences(user, {"comment": "off"})
    db.session.add(  # they typed last in the section's live document
        LiveDocument(
            section_id=section.id,
            state=documents.initial_state(section.body, None),
            last_editor_id=user.id,
        )
    )
    db.session.add(
        ExportJob(
            response_id=response.id,
            profile="home-office",
            format="pdf",
            cache_key="privacy-test",
            requested_by_id=user.id,
        )
    )
    _token, token = accounts.create_api_token(user, "Privacy script")
    db.session.commit()
    return Person(
        user=user,
        client=client,
        headers={"Authorization": f"Bearer {token}"},
        other_organisation_id=team.other_organisation.id,
    )
