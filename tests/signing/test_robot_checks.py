"""The public signing form's checks against robots never turn a person away, nor tell them
something happened that did not: a submission that looks like a robot's (too fast, the hidden
field filled in, its stamp missing, altered, for another version, or already used) records and
sends nothing, and the form comes back as typed, asking the person to confirm once more; a
second press signs. Each stamp signs once, on every instance (the database remembers it), and
the coordinator sees how many submissions each check held back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.extensions import db
from consult.privacy import retention
from consult.signing import robots
from consult.signing.models import UsedFormStamp, Version
from consult.timeutil import utcnow
from tests.organisations.support import location_path
from tests.signing.pages_support import (
    anonymous,
    browsers_for,
    checkbox,
    fresh,
    hidden_value,
    mail_count,
    make_version,
    public_form,
    signatures,
    stamp,
    text_of,
)

ASKED = "Please confirm that you want to sign"


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


def _post(client, version_id: int, data: dict):
    return client.post(f"/sign/{version_id}", data=data)


def test_a_form_sent_at_once_is_kept_and_a_second_press_signs(team, app):
    version = make_version(team, public=True)
    person = anonymous(app)
    data = public_form(
        app,
        version.id,
        "fast@example.org",
        name="Fay Fast",
        affiliation="Tenants",
        publish="y",
        started=stamp(app, version.id, seconds_ago=0.5),  # autofill, then a click
    )
    reply = _post(person, version.id, data)
    assert reply.status_code == 200  # not the "Check your e-mail" page
    page = reply.get_data(as_text=True)
    assert ASKED in text_of(page) and "Check your e-mail" not in text_of(page)
    assert signatures(version.id) == [] and mail_count("fast@example.org") == 0
    # everything typed is kept, both boxes as ticked
    for name, value in (("name", "Fay Fast"), ("email", "fast@example.org")):
        assert f'name="{name}"' in page and f'value="{value}"' in page
    assert "checked" in checkbox(page, "consent") and "checked" in checkbox(page, "publish")
    again = hidden_value(page, "started")
    assert again != data["started"]

    reply = _post(person, version.id, {**data, "started": again})  # pressed again at once
    assert reply.status_code == 302 and location_path(reply) == f"/sign/{version.id}/sent"
    [signature] = signatures(version.id)
    assert (signature.status, signature.name, signature.consent_public) == (
        "pending",
        "Fay Fast",
        True,
    )
    assert mail_count("fast@example.org") == 1
    assert robots.counts(fresh(Version, version.id)) == {
        "too_fast": 1,
        "honeypot": 0,
        "no_stamp": 0,
        "reused": 0,
        "confirmed_again": 1,
    }


@pytest.mark.parametrize(
    ("reason", "fields"),
    [
        ("honeypot", {"website": "http://spam.example"}),
        ("too_fast", {"started": "now"}),
        ("no_stamp", {"started": ""}),
        ("no_stamp", {"started": "forged.stamp.value"}),
        ("no_stamp", {"started": "another version"}),
    ],
)
def test_what_the_checks_hold_back_is_counted_and_never_told_it_was_sent(team, app, reason, fields):
    version = make_version(team, public=True)
    if fields.get("started") == "now":
        fields["started"] = stamp(app, version.id, seconds_ago=0)
    elif fields.get("started") == "another version":
        fields["started"] = stamp(app, version.id + 1)
    reply = _post(
        anonymous(app), version.id, public_form(app, version.id, "bot@example.org", **fields)
    )
    assert reply.status_code == 200
    text = text_of(reply.get_data(as_text=True))
    assert ASKED in text and "Check your e-mail" not in text
    assert signatures(version.id) == [] and mail_count("bot@example.org") == 0
    assert robots.counts(fresh(Version, version.id))[reason] == 1


def test_a_stamp_signs_once(team, app):
    version = make_version(team, public=True)
    used = stamp(app, version.id)
    first = _post(
        anonymous(app), version.id, public_form(app, version.id, "a@example.org", started=used)
    )
    assert location_path(first) == f"/sign/{version.id}/sent"
    replayed = _post(
        anonymous(app), version.id, public_form(app, version.id, "b@example.org", started=used)
    )
    assert replayed.status_code == 200
    text = text_of(replayed.get_data(as_text=True))
    assert "This form has already been used to sign" in text
    assert [s.email for s in signatures(version.id)] == ["a@example.org"]
    assert mail_count("b@example.org") == 0
    assert robots.counts(fresh(Version, version.id))["reused"] == 1
    # the person who meant it presses again on the form they were given
    again = hidden_value(replayed.get_data(as_text=True), "started")
    reply = _post(
        anonymous(app), version.id, public_form(app, version.id, "b@example.org", started=again)
    )
    assert location_path(reply) == f"/sign/{version.id}/sent"
    assert sorted(s.email for s in signatures(version.id)) == ["a@example.org", "b@example.org"]


def test_a_stamp_whose_signature_failed_can_sign_after_the_mistake_is_put_right(team, app):
    version = make_version(team, public=True)
    started = stamp(app, version.id)
    stale = public_form(app, version.id, "a@example.org", started=started, statement_version="old")
    reply = _post(anonymous(app), version.id, stale)
    assert reply.status_code == 422 and signatures(version.id) == []
    assert db.session.get(UsedFormStamp, robots.read_stamp(started, version).nonce) is None
    fixed = public_form(
        app,
        version.id,
        "a@example.org",
        started=hidden_value(reply.get_data(as_text=True), "started"),
    )
    assert location_path(_post(anonymous(app), version.id, fixed)) == f"/sign/{version.id}/sent"


def test_a_form_drawn_again_after_a_mistake_keeps_its_start_time(team, app):
    version = make_version(team, public=True)
    started = stamp(app, version.id, seconds_ago=30)
    reply = _post(
        anonymous(app),
        version.id,
        public_form(app, version.id, "a@example.org", started=started, consent=None),
    )
    assert reply.status_code == 422
    redrawn = robots.read_stamp(hidden_value(reply.get_data(as_text=True), "started"), version)
    original = robots.read_stamp(started, version)
    assert redrawn.nonce != original.nonce
    assert redrawn.started == original.started and not redrawn.confirmed
    # so putting the mistake right at once is not taken for a robot
    fixed = public_form(
        app,
        version.id,
        "a@example.org",
        started=hidden_value(reply.get_data(as_text=True), "started"),
    )
    assert location_path(_post(anonymous(app), version.id, fixed)) == f"/sign/{version.id}/sent"


def test_the_minimum_fill_time_is_the_configured_one(team, app, monkeypatch):
    version = make_version(team, public=True)
    monkeypatch.setitem(app.config, "SIGNING_MIN_FILL_SECONDS", 60)
    early = _post(
        anonymous(app),
        version.id,
        public_form(app, version.id, "early@example.org", started=stamp(app, version.id, 30)),
    )
    assert ASKED in text_of(early.get_data(as_text=True))
    monkeypatch.setitem(app.config, "SIGNING_MIN_FILL_SECONDS", 10)
    later = _post(
        anonymous(app),
        version.id,
        public_form(app, version.id, "later@example.org", started=stamp(app, version.id, 30)),
    )
    assert location_path(later) == f"/sign/{version.id}/sent"
    assert [s.email for s in signatures(version.id)] == ["later@example.org"]


def test_the_coordinator_sees_what_the_checks_held_back(team, app, browsers):
    version = make_version(team, public=True)
    for n in range(3):
        _post(
            anonymous(app),
            version.id,
            public_form(app, version.id, f"bot{n}@example.org", website="http://spam.example"),
        )
    _post(
        anonymous(app),
        version.id,
        public_form(app, version.id, "fast@example.org", started=stamp(app, version.id, 0)),
    )
    page = browsers("coordinator").get(f"/versions/{version.id}/signatures")
    text = text_of(page.get_data(as_text=True))
    assert "Held back by the checks against robots: 4" in text
    assert "Signed after confirming once more: 0" in text
    assert "Hidden field filled in 3" in text and "Sent too fast 1" in text


def test_used_stamps_are_forgotten_once_they_expire(team, app):
    version = make_version(team, public=True)
    _post(anonymous(app), version.id, public_form(app, version.id, "a@example.org"))
    assert db.session.query(UsedFormStamp).count() == 1
    assert retention.run(now=utcnow())["used_form_stamps"] == 0
    later = utcnow() + timedelta(seconds=robots.FORM_MAX_AGE + 7200)
    assert retention.run(now=later)["used_form_stamps"] == 1
    assert db.session.query(UsedFormStamp).count() == 0
