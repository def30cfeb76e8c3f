"""None of an organisation's private text reaches, by e-mail, a person outside it.

Two organisations each draft a response whose sections, comments and version notes carry
markers unique to that organisation, freeze and open versions for signing, get public,
member and partner-organisation signatures, invite people and rename their draft. Then every
kind of e-mail the app sends is triggered (account: sign-up confirmation, "already
registered", password reset, password changed, e-mail change and e-mail changed;
organisations: invitation; signing: signature confirmation, "already signed", re-sign
invitations to people and to partner organisations). There is no two-factor e-mail.

The rule, for every message in the outbox to an address that is not a member of an
organisation X: it contains none of X's private text, which is
- the text of its sections and comments, and the notes of its versions;
- the title its draft has now, when that title was never frozen into a version (a response
  renamed after its version was frozen has not published the new title).
What such a message may contain: X's name, and the title of a response *as frozen in a
version opened for signing* that the person signed or is invited to sign (or to join X, for
an invitation), since the signing page shows exactly those to the public."""

from __future__ import annotations

from sqlalchemy import select

from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.consultations.models import Consultation
from consult.drafting import services as drafting
from consult.extensions import db
from consult.mail import OutboxMessage
from consult.organisations.models import Membership
from consult.organisations.services import invite, membership_of
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import Signature
from tests import factories
from tests.factories import PASSWORD
from tests.security import figures

# Every kind of e-mail the app sends, by the start of its subject.
EMAIL_KINDS = {
    "Confirm your e-mail address": "sign-up confirmation",
    "Someone tried to sign up": "already registered",
    "Reset your Consult password": "password reset",
    "Your Consult password was changed": "password changed",
    "Confirm your new e-mail address": "e-mail change",
    "Your Consult e-mail address was changed": "e-mail changed",
    "You are invited to join": "invitation",
    "Confirm your signature on": "signature confirmation",
    "You have already signed": "already signed",
    "A new version of": "re-sign invitation",
}


def _draft_and_sign(organisation, owner, marker: str, partner_coordinator, partner) -> None:
    """A response of `organisation` full of private text, signed across two versions, its
    draft renamed after the second version was frozen and before signing opened."""
    lead = membership_of(owner, organisation)
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.slug == "facial-recognition-framework")
    )
    response = drafting.create_response(lead, consultation, f"Public title {marker}")
    sections = drafting.live_sections(response)
    for section in sections[:2]:
        drafting.save_section(owner, section, f"{marker}-SECTION-TEXT v1", None, None)
    drafting.add_comment(owner, sections[0], f"{marker}-COMMENT")
    first = signing.freeze(lead, response, f"{marker}-VERSION-NOTE one")
    signing.open_signing(lead, first, True, None)

    # A public signer (confirmation, then "already signed"), a member, a partner organisation.
    public = f"public.{marker.lower()}@example.org"
    signing.sign_publicly(first, "Pat Public", public, "Tenants", True, consent.CURRENT_VERSION)
    db.session.flush()
    signature = db.session.scalar(select(Signature).where(Signature.email == public))
    signature.status = "confirmed"
    signing.sign_publicly(first, "Pat Public", public, "Tenants", True, consent.CURRENT_VERSION)
    signing.sign_as_member(owner, first, None, None, False)
    signing.sign_as_member(partner_coordinator, first, None, None, True, on_behalf_of=partner)

    # Version 2, frozen, then the draft renamed privately, then signing opened: re-sign
    # invitations go to the public signer and the partner organisation.
    drafting.save_section(owner, sections[0], f"{marker}-SECTION-TEXT v2", None, None)
    second = signing.freeze(lead, response, f"{marker}-VERSION-NOTE two")
    drafting.update_response(response, owner, f"{marker}-DRAFT-TITLE", response.profile)
    signing.open_signing(lead, second, True, None)
    signing.sign_publicly(
        second,
        "Sam Second",
        f"second.{marker.lower()}@example.org",
        "",
        False,
        consent.CURRENT_VERSION,
    )
    db.session.flush()


def _account_emails(user, outsider_address: str) -> None:
    """Every account e-mail, for one person of the organisation."""
    accounts.sign_up(outsider_address, "New Person", PASSWORD)
    accounts.sign_up(user.email, "Someone", PASSWORD)  # already registered
    accounts.request_password_reset(user.email)
    accounts.change_password(user, PASSWORD, PASSWORD + "-new", None)
    new_address = f"new.{user.email}"
    accounts.request_email_change(user, PASSWORD + "-new", new_address)
    db.session.flush()
    path = factories.link_in_last_email(new_address, "/account/email/confirm/")
    accounts.confirm_email_change(path.rstrip("/").rsplit("/", 1)[-1], None)
    db.session.flush()


def test_no_email_to_an_outsider_carries_an_organisations_private_text(team):
    markers = {team.organisation.id: "NORTHTOWN", team.other_organisation.id: "RIVAL"}
    partner_of_a = factories.add_member(
        team.other_organisation, factories.make_user(name="Ria Rival"), "coordinator"
    )
    partner_of_b = team.coordinator
    _draft_and_sign(
        team.organisation, team.owner, "NORTHTOWN", partner_of_a, team.other_organisation
    )
    _draft_and_sign(
        team.other_organisation, team.outsider, "RIVAL", partner_of_b, team.organisation
    )
    invite(membership_of(team.owner, team.organisation), "joiner.a@example.org", "member")
    invite(membership_of(team.outsider, team.other_organisation), "joiner.b@example.org", "editor")
    _account_emails(team.member, "newcomer.a@example.org")
    _account_emails(team.outsider, "newcomer.b@example.org")
    db.session.commit()

    messages = db.session.scalars(select(OutboxMessage)).all()
    kinds = {
        kind
        for message in messages
        for start, kind in EMAIL_KINDS.items()
        if message.subject.startswith(start)
    }
    checked = leaks = 0
    problems = []
    for organisation_id, marker in markers.items():
        insiders = {
            user.email
            for user in db.session.scalars(
                select(User)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.organisation_id == organisation_id)
            )
        }
        private = [
            f"{marker}-SECTION-TEXT",
            f"{marker}-COMMENT",
            f"{marker}-VERSION-NOTE",
            f"{marker}-DRAFT-TITLE",
        ]
        for message in messages:
            if message.to in insiders:
                continue
            checked += 1
            text = f"{message.subject}\n{message.body}"
            found = [secret for secret in private if secret in text]
            if found:
                leaks += 1
                problems.append(f"to {message.to} ({message.subject!r}): {found}")

    figures.add("e-mail kinds exercised", len(kinds))
    figures.add("e-mails checked for another organisation's text", checked)
    figures.add("e-mail leaks", leaks)
    print(f"e-mail kinds: {sorted(kinds)}; messages checked: {checked}; leaks: {leaks}")
    assert kinds == set(EMAIL_KINDS.values()), sorted(kinds)
    assert not problems, "\n".join(problems)
