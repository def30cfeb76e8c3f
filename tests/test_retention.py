"""Retention (`flask --app wsgi retention run`): each kind of personal data goes once its period
is over, and nothing younger is touched. Rows are aged by moving their dates into the past."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.accounts.models import EmailLink, UserSession
from consult.accounts.services import start_session
from consult.audit.models import AuditEvent
from consult.audit.services import record
from consult.consultations.models import Consultation
from consult.drafting import services as drafting
from consult.exports.models import ExportFile
from consult.extensions import db
from consult.mail import OutboxMessage, send_email
from consult.organisations import services as organisations
from consult.organisations.models import Invitation
from consult.privacy import retention
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import ConsentRecord, Signature
from consult.timeutil import utcnow
from tests import factories

DAY = timedelta(days=1)


def _membership(user, organisation):
    return organisations.membership_of(user, organisation)


def _builtin() -> Consultation:
    return db.session.scalar(
        select(Consultation).where(Consultation.slug == "facial-recognition-framework")
    )


@pytest.fixture
def open_version(team):
    """A version of a team response, open for public signing, of the built-in consultation."""
    owner = _membership(team.owner, team.organisation)
    response = drafting.create_response(owner, _builtin(), "Our response")
    version = signing.freeze(owner, response, "First")
    signing.open_signing(owner, version, True, None)
    db.session.commit()
    return version


def _public_signature(version, email: str, confirmed: bool = True) -> Signature:
    signing.sign_publicly(version, "Pat Public", email, "Residents", True, consent.CURRENT_VERSION)
    db.session.flush()
    signature = db.session.scalar(select(Signature).where(Signature.email == email))
    if confirmed:
        signature.status = "confirmed"
        signature.confirmed_at = utcnow()
    db.session.commit()
    return signature


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _close(version, days_ago: int) -> None:
    """Signing of the version and its consultation both closed `days_ago` days ago."""
    moment = utcnow() - days_ago * DAY
    version.signing_open = False
    version.signing_closes_at = moment
    version.response.consultation.closes_at = moment
    db.session.commit()


def test_unconfirmed_signatures_go_after_seven_days_and_younger_ones_stay(open_version):
    stale = _public_signature(open_version, "stale@example.org", confirmed=False)
    fresh = _public_signature(open_version, "fresh@example.org", confirmed=False)
    confirmed = _public_signature(open_version, "kept@example.org")
    stale.created_at = utcnow() - 8 * DAY
    fresh.created_at = utcnow() - 6 * DAY
    confirmed.created_at = utcnow() - 30 * DAY
    db.session.commit()
    stale_id = stale.id

    counts = retention.run()

    assert counts["unconfirmed_signatures"] == 1
    remaining = set(db.session.scalars(select(Signature.email)))
    assert remaining == {"fresh@example.org", "kept@example.org"}
    assert not db.session.scalars(
        select(ConsentRecord).where(ConsentRecord.signature_id == stale_id)
    ).all()


def test_signer_data_is_anonymised_after_the_period_and_counts_stay(app, team, open_version):
    member = signing.sign_as_member(team.member, open_version, "Mo", "Union", True)
    coalition = signing.sign_as_member(
        team.outsider, open_version, None, None, True, on_behalf_of=team.other_organisation
    )
    public = _public_signature(open_version, "pat@example.org")
    db.session.commit()
    count_before = signing.confirmed_count(open_version)
    days = app.config["SIGNER_RETENTION_DAYS"]
    _close(open_version, days_ago=days + 1)

    counts = retention.run()

    assert counts["signer_data"] == 3
    db.session.expire_all()
    assert signing.confirmed_count(open_version) == count_before == 3
    for signature in (member, public):
        assert signature.name == signing.ANONYMISED_NAME
        assert (signature.email, signature.user_id, signature.affiliation) == (None, None, "")
        assert signature.consent_public is False
        assert signature.signer_key == f"anonymised:{signature.id}"
    assert coalition.name == team.other_organisation.name
    assert (coalition.email, coalition.user_id) == (None, None)
    organisations_listed, people = signing.public_lists(open_version)
    assert organisations_listed == [team.other_organisation.name] and people == []
    # Consent history stays (it names nobody), and a second run finds nothing more.
    assert db.session.scalar(select(func.count()).where(ConsentRecord.signature_id == public.id))
    assert retention.run()["signer_data"] == 0


@pytest.mark.parametrize(
    "how", ["closed too recently", "signing still open", "consultation still open"]
)
def test_signer_data_is_kept_until_both_ends_are_older_than_the_period(
    app, team, open_version, how
):
    signature = _public_signature(open_version, "pat@example.org")
    days = app.config["SIGNER_RETENTION_DAYS"]
    long_ago = utcnow() - (days + 10) * DAY
    if how == "closed too recently":
        _close(open_version, days_ago=days - 1)
    elif how == "signing still open":  # consultation long closed, signing never closed
        open_version.response.consultation.closes_at = long_ago
    else:  # signing closed long ago, the consultation has not closed yet
        _close(open_version, days_ago=days + 10)
        open_version.response.consultation.closes_at = utcnow() + DAY
    db.session.commit()

    assert retention.run()["signer_data"] == 0
    db.session.expire_all()
    assert (signature.name, signature.email) == ("Pat Public", "pat@example.org")


def test_invitations_go_a_period_after_expiring(app, team):
    owner = _membership(team.owner, team.organisation)
    old, _ = organisations.invite(owner, "old@example.org", "member")
    recent, _ = organisations.invite(owner, "recent@example.org", "member")
    organisations.invite(owner, "pending@example.org", "member")
    days = app.config["INVITATION_RETENTION_DAYS"]
    old.expires_at = utcnow() - (days + 1) * DAY
    recent.expires_at = utcnow() - (days - 1) * DAY
    db.session.commit()

    assert retention.run()["invitations"] == 1
    emails = set(db.session.scalars(select(Invitation.email)))
    assert emails == {"recent@example.org", "pending@example.org"}


def test_timed_out_sessions_and_expired_links_go_live_ones_stay(app, team):
    start_session(team.member, "old browser")
    start_session(team.editor, "idle browser")
    start_session(team.owner, "current browser")
    db.session.flush()
    sessions = {s.user_agent: s for s in db.session.scalars(select(UserSession))}
    sessions["old browser"].created_at = utcnow() - app.config["PERMANENT_SESSION_LIFETIME"] - DAY
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    sessions["idle browser"].last_seen_at = utcnow() - idle
    for purpose, expires in (("reset_password", -DAY), ("confirm_email", DAY)):
        db.session.add(
            EmailLink(
                user=team.member,
                purpose=purpose,
                token_hash=purpose.ljust(64, "0"),
                expires_at=utcnow() + expires,
            )
        )
    db.session.commit()

    counts = retention.run()

    assert (counts["sessions"], counts["email_links"]) == (2, 1)
    assert list(db.session.scalars(select(UserSession.user_agent))) == ["current browser"]
    assert list(db.session.scalars(select(EmailLink.purpose))) == ["confirm_email"]


def test_old_outbox_mail_and_old_ip_hashes_go_events_stay(app, team):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.9"}):
        record("test.old", actor=team.owner)
        old_event = factories.newest_audit_event()
        record("test.new", actor=team.owner)
        new_event = factories.newest_audit_event()
        send_email("old@example.org", "Old", "An old link")
        send_email("new@example.org", "New", "A new link")
    old_event.created_at = utcnow() - (app.config["IP_HASH_RETENTION_DAYS"] + 1) * DAY
    db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to == "old@example.org")
    ).created_at = utcnow() - (app.config["OUTBOX_RETENTION_DAYS"] + 1) * DAY
    db.session.commit()
    assert old_event.ip_hash and new_event.ip_hash

    counts = retention.run()

    assert (counts["outbox"], counts["ip_hashes"]) == (1, 1)
    assert list(db.session.scalars(select(OutboxMessage.to))) == ["new@example.org"]
    db.session.expire_all()
    assert old_event.ip_hash is None and new_event.ip_hash is not None
    assert db.session.get(AuditEvent, old_event.id).action == "test.old"


def test_audit_events_go_after_the_audit_period_and_younger_ones_stay(app, team):
    days = app.config["AUDIT_RETENTION_DAYS"]
    for action, age in (("test.too_old", days + 1), ("test.kept", days - 1)):
        record(action, actor=team.owner)
        factories.newest_audit_event().created_at = utcnow() - age * DAY
    db.session.commit()

    counts = retention.run()

    assert counts["audit_events"] == 1
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "test.too_old" not in actions and {"test.kept", "retention.run"} <= actions


def test_a_dry_run_counts_exactly_and_changes_nothing(open_version):
    stale = _public_signature(open_version, "stale@example.org", confirmed=False)
    stale.created_at = utcnow() - 8 * DAY
    db.session.commit()
    events_before = _count(AuditEvent)

    counts = retention.run(dry_run=True)

    assert counts["unconfirmed_signatures"] == 1
    assert _count(Signature) == 1
    assert _count(AuditEvent) == events_before


def test_a_real_run_is_audited_with_its_counts(open_version):
    _public_signature(open_version, "stale@example.org", confirmed=False).created_at = (
        utcnow() - 8 * DAY
    )
    db.session.commit()

    retention.run()

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.run"))
    assert event.details["unconfirmed_signatures"] == 1
    assert "stale@example.org" not in str(event.details)


def test_old_export_files_go_and_recent_ones_stay(app):
    days = app.config["EXPORT_RETENTION_DAYS"]
    for name, age in (("old.pdf", days + 1), ("recent.pdf", days - 1)):
        db.session.add(
            ExportFile(
                cache_key=name,
                content=b"%PDF-1.7 signers",
                content_type="application/pdf",
                file_name=name,
                size=16,
                created_at=utcnow() - age * DAY,
            )
        )
    db.session.commit()

    assert retention.run(dry_run=True)["exports"] == 1
    assert _count(ExportFile) == 2
    assert retention.run()["exports"] == 1
    assert list(db.session.scalars(select(ExportFile.file_name))) == ["recent.pdf"]


def test_the_command_prints_a_count_per_kind(app, open_version):
    _public_signature(open_version, "stale@example.org", confirmed=False).created_at = (
        utcnow() - 8 * DAY
    )
    db.session.commit()
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    real = runner.invoke(args=["retention", "run"])

    assert dry.exit_code == 0 and real.exit_code == 0, dry.output + real.output
    assert "unconfirmed_signatures: would remove 1" in dry.output
    assert "unconfirmed_signatures: removed 1" in real.output
    for kind in retention.kinds():
        assert f"{kind.name}: removed " in real.output
