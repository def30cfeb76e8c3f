"""Helpers for the signing page tests (tests/signing/test_pages*.py): a response with some text
frozen into versions, browsers per role, the public form as a browser would send it (with a
form-fill stamp from the past, so the minimum fill time passes), and e-mailed links.

Plain functions, not fixtures: the signing service tests keep their own fixtures in
tests/signing/conftest.py, and these helpers do not depend on them."""

from __future__ import annotations

import re
import time
from html import unescape
from types import SimpleNamespace

from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.consultations.models import Consultation
from consult.drafting import services as drafting
from consult.extensions import db
from consult.mail import OutboxMessage
from consult.organisations.services import membership_of
from consult.signing import consent, robots
from consult.signing import services as signing
from consult.signing.models import ConsentRecord, Signature, Version
from tests import factories
from tests.organisations.support import log_in, text_of

__all__ = ["text_of"]

BUILTIN = "facial-recognition-framework"
SUMMARY = "We welcome a framework, but it must **protect** rights, not just permit use."
ANSWER = "Live facial recognition needs prior judicial authorisation.\n\n- one\n- two"
ROLES = ("owner", "coordinator", "editor", "member", "outsider", "anonymous")


# --- responses and versions -----------------------------------------------------------------


def make_response(team, title: str = "Our response"):
    """A response of the team's organisation with a summary and an answer to question 1."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == BUILTIN))
    response = drafting.create_response(
        membership_of(team.coordinator, team.organisation), consultation, title
    )
    for section in drafting.live_sections(response):
        if section.kind == "summary":
            drafting.save_section(team.editor, section, SUMMARY, None, None)
        elif section.kind == "question" and section.number == 1:
            drafting.save_section(team.editor, section, ANSWER, "Agree", None)
    db.session.commit()
    return response


def section(response, kind: str, number: int | None = None):
    for found in drafting.live_sections(response):
        if found.kind == kind and (number is None or found.number == number):
            return found
    raise AssertionError(f"no {kind} section {number or ''}")


def rewrite(team, response, kind: str, body: str, number: int | None = None) -> None:
    found = section(response, kind, number)
    drafting.save_section(team.editor, found, body, found.choice, found.head_revision_id)
    db.session.commit()


def freeze(team, response, note: str = "") -> Version:
    version = signing.freeze(membership_of(team.coordinator, team.organisation), response, note)
    db.session.commit()
    return version


def open_signing(team, version: Version, public: bool = True, closes_at=None) -> Version:
    signing.open_signing(
        membership_of(team.coordinator, team.organisation), version, public, closes_at
    )
    db.session.commit()
    return version


def make_version(team, public: bool | None = True, note: str = "First") -> Version:
    """A response frozen as version 1; opened for public signing (True), for members only
    (False), or not opened at all (None)."""
    version = freeze(team, make_response(team), note)
    if public is not None:
        open_signing(team, version, public)
    return version


def fresh(model, id_: int):
    """The row as the database has it now (after requests committed)."""
    db.session.expire_all()
    return db.session.get(model, id_)


# --- browsers -------------------------------------------------------------------------------


def browsers_for(app, team):
    """browsers(role) -> a test client logged in as that person of the team ("outsider" is
    the owner of another organisation, "anonymous" nobody); one client per role."""
    made: dict[str, object] = {}

    def _browser(role: str, remote_addr: str = "127.0.0.1"):
        if role not in made:
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = remote_addr
            if role != "anonymous":
                log_in(client, team.user(role))
            made[role] = client
        return made[role]

    return _browser


def logged_in(app, user, remote_addr: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote_addr
    return log_in(client, user)


def anonymous(app, remote_addr: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote_addr
    return client


# --- the public form ------------------------------------------------------------------------


def stamp(app, version_id: int, seconds_ago: float = 10, confirmed: bool = False) -> str:
    """The form's "started" field as if the page had been drawn `seconds_ago` seconds ago
    (`confirmed`: drawn again to ask the person to confirm)."""
    with app.app_context():
        return robots.new_stamp(
            SimpleNamespace(id=version_id), started=time.time() - seconds_ago, confirmed=confirmed
        )


def public_form(app, version_id: int, email: str, **fields) -> dict:
    """What the public signing form sends when filled in by a person: consent ticked,
    publishing not, the current statement, a stamp from 10 seconds ago, the trap empty."""
    data = {
        "name": "Sam Signer",
        "email": email,
        "affiliation": "",
        "consent": "y",
        "statement_version": consent.CURRENT_VERSION,
        "started": stamp(app, version_id),
        "website": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def member_form(**fields) -> dict:
    data = {
        "display_name": "Mo Member",
        "affiliation": "",
        "consent": "y",
        "statement_version": consent.CURRENT_VERSION,
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def partner_token(app, version: Version) -> str:
    serializer = URLSafeSerializer(app.config["SECRET_KEY"], salt="partner-link")
    return serializer.dumps({"v": version.id, "n": version.partner_link_nonce})


# --- what happened --------------------------------------------------------------------------


def signatures(version_id: int) -> list[Signature]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Signature).where(Signature.version_id == version_id).order_by(Signature.id)
        )
    )


def signature_count(version_id: int | None = None) -> int:
    query = select(func.count()).select_from(Signature)
    if version_id is not None:
        query = query.where(Signature.version_id == version_id)
    return db.session.scalar(query)


def confirmed(version_id: int) -> int:
    db.session.expire_all()
    return signing.confirmed_count(db.session.get(Version, version_id))


def consent_records(signature_id: int) -> list[ConsentRecord]:
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.signature_id == signature_id)
            .order_by(ConsentRecord.id)
        )
    )


def mail_count(address: str | None = None) -> int:
    query = select(func.count()).select_from(OutboxMessage)
    if address is not None:
        query = query.where(OutboxMessage.to == address)
    return db.session.scalar(query)


def link(address: str, kind: str) -> str:
    """The path of the /signatures/<kind>/ link in the newest e-mail to the address."""
    return factories.link_in_last_email(address, f"/signatures/{kind}/")


def audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def checkbox(page: str, name: str) -> str:
    """The <input> tag of the checkbox with that name."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert match, f"no input named {name}"
    assert 'type="checkbox"' in match.group(0), match.group(0)
    return match.group(0)


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name} field"
    return unescape(match.group(1))
