"""The privacy notice says how long each kind of personal data is kept (UK GDPR Art. 13(2)(a)),
with the periods this instance is configured with, which are the ones retention applies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.privacy import retention
from tests.organisations.support import text_of

PERIODS = {
    "SIGNER_RETENTION_DAYS": 400,
    "INVITATION_RETENTION_DAYS": 14,
    "OUTBOX_RETENTION_DAYS": 21,
    "EXPORT_RETENTION_DAYS": 45,
    "IP_HASH_RETENTION_DAYS": 1,
    "AUDIT_RETENTION_DAYS": 730,
    "NOTIFICATION_RETENTION_DAYS": 60,
}


@pytest.fixture
def configured(app, monkeypatch):
    for name, days in PERIODS.items():
        monkeypatch.setitem(app.config, name, days)
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 90)
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(hours=24))


def test_the_notice_states_each_period_as_configured(client, configured):
    notice = text_of(client.get("/privacy").text)

    assert "How long we keep it" in notice
    assert "erased 400 days after both the signing and the consultation closed" in notice
    assert "deleted 14 days after the link expired" in notice
    assert (
        "Copies of e-mails we sent (when no mail server is set up, or it was unreachable): "
        "deleted after 21 days" in notice
    )
    assert "which list the signatories: deleted after 45 days" in notice
    assert "cleared after 1 day, and each event is deleted after 730 days" in notice
    assert "when you read it): deleted 60 days after they were made" in notice
    assert "after 90 minutes without use (24 hours at most)" in notice
    assert "Signatures never confirmed from the e-mailed link: deleted after 7 days" in notice


# Kinds whose period is not a setting: the notice states them in words (7 days; sessions
# after their timeout; e-mailed links once they expire, with the sessions).
FIXED_PERIODS = {"unconfirmed_signatures", "sessions", "email_links"}
# Kinds that hold nothing about a person, so the notice has no line for them: a used signing
# form's stamp is a random nonce and its expiry time.
NOT_PERSONAL = {"used_form_stamps"}


def test_every_kind_retention_removes_has_its_period_in_the_notice(client, configured):
    """A new kind of retention needs a line in the notice (and a place in PERIODS above): each
    kind's description names its setting, and the notice shows that setting's value."""
    notice = text_of(client.get("/privacy").text)
    for kind in retention.kinds():
        if kind.name in NOT_PERSONAL:
            continue
        settings = [name for name in PERIODS if name in kind.description]
        assert settings or kind.name in FIXED_PERIODS, f"{kind.name}: which period applies?"
        for name in settings:
            assert f"{PERIODS[name]} day" in notice, (kind.name, name)


# --- who is responsible, and how to complain (UK GDPR Art. 13(1)(a) and 13(2)(d)) -----------


def test_the_notice_names_the_controller_and_how_to_reach_them_as_configured(
    app, client, monkeypatch
):
    monkeypatch.setitem(app.config, "PRIVACY_CONTROLLER", "Northfield Digital Rights Trust")
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT_EMAIL", "dataprotection@northfield.example")
    monkeypatch.setitem(app.config, "PRIVACY_POSTAL_ADDRESS", "1 Mill Lane, Leeds LS1 4AB")
    monkeypatch.setitem(app.config, "PRIVACY_ICO_REGISTRATION", "ZB123456")

    page = client.get("/privacy").text
    notice = text_of(page)

    assert "run by Northfield Digital Rights Trust , the controller for account data" in notice
    assert 'href="mailto:dataprotection@northfield.example"' in page
    assert "Post 1 Mill Lane, Leeds LS1 4AB" in notice
    assert "Information Commissioner's Office as ZB123456" in notice
    assert "write to Northfield Digital Rights Trust at dataprotection@northfield.example" in notice


def test_the_notice_says_how_to_complain_to_the_ico_in_plain_text(client):
    page = client.get("/privacy").text
    notice = text_of(page)

    assert "right to complain to the Information Commissioner's Office (ICO)" in notice
    assert "ico.org.uk" in notice and "0303 123 1113" in notice
    assert 'href="https://ico.org.uk' not in page  # plain text: no link out of the site


def test_without_settings_the_notice_shows_the_development_placeholders(client):
    notice = text_of(client.get("/privacy").text)

    assert "run by Consult development instance" in notice
    assert "privacy@consult.invalid" in notice
    assert "Post" not in notice.split("Who is responsible")[1].split("What we keep")[0]
