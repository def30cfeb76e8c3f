"""E-mail: immediate for urgent kinds, a daily digest for the rest, off when chosen; one-click
unsubscribe per kind without logging in; security notices cannot be turned off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.drafting import services as drafting
from consult.extensions import db
from consult.notifications import emails, services
from consult.notifications.models import DEFAULT_MODES
from consult.notifications.services import PreferenceError
from consult.timeutil import utcnow
from tests import factories
from tests.notifications.conftest import notices


def _unsubscribe_path(message) -> str:
    url = message.headers["List-Unsubscribe"].strip("<>")
    return url.removeprefix("http://consult.test")


def test_the_defaults_are_immediate_for_urgent_kinds_and_digest_for_the_rest():
    immediate = {kind for kind, mode in DEFAULT_MODES.items() if mode == "immediate"}
    assert immediate == {"mention", "assignment", "suggestion", "clash", "security"}
    assert set(DEFAULT_MODES.values()) == {"immediate", "digest"}


def test_an_assignment_is_emailed_at_once_with_the_link_and_one_click_unsubscribe(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    db.session.commit()

    [message] = factories.emails_to(team.editor.email)
    assert "Olive Owner assigned \u201cSummary\u201d" in message.body
    place = f"/responses/{summary.response_id}/sections/{summary.id}"
    assert f"http://consult.test{place}" in message.body
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in message.headers["List-Unsubscribe"]
    assert "/notifications/unsubscribe/" in message.body
    assert notices("assignment")[0].emailed_at is not None


def test_a_comment_waits_for_the_digest_which_goes_once(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.member, summary, "A point.")
    db.session.commit()
    before = len(factories.emails_to(team.editor.email))  # the assignment's

    assert emails.send_digests() == 1
    db.session.commit()
    digest = factories.emails_to(team.editor.email)[-1]
    assert len(factories.emails_to(team.editor.email)) == before + 1
    assert "Mo Member commented on \u201cSummary\u201d" in digest.body
    assert "since your last digest" in digest.body

    assert emails.send_digests() == 0  # twice: nothing twice
    db.session.commit()
    assert len(factories.emails_to(team.editor.email)) == before + 1


def test_a_digest_goes_at_most_once_a_day(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.member, summary, "One.")
    db.session.commit()
    emails.send_digests()
    drafting.add_comment(team.member, summary, "Two.")
    db.session.commit()

    assert emails.send_digests() == 0
    # The next day's digest hour has come within 25 hours, summer time or not.
    assert emails.send_digests(utcnow() + timedelta(hours=25)) == 1


def test_a_notice_read_in_the_app_is_left_out_of_the_digest(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.member, summary, "A point.")
    db.session.commit()
    services.mark_all_read(team.editor)
    db.session.commit()

    assert emails.send_digests() == 0


def test_off_sends_no_email_but_keeps_the_notice(team, summary):
    services.set_preferences(team.editor, {"assignment": "off"})
    drafting.assign_section(team.owner, summary, team.editor)
    db.session.commit()

    assert factories.emails_to(team.editor.email) == []
    assert [n.delivery for n in notices("assignment")] == ["off"]
    assert emails.send_digests() == 0


def test_immediate_can_be_chosen_for_a_digest_kind(team, summary):
    services.set_preferences(team.editor, {"comment": "immediate"})
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.member, summary, "A point.")
    db.session.commit()

    assert "commented on" in factories.emails_to(team.editor.email)[-1].body


def test_security_notices_cannot_be_turned_off(team):
    with pytest.raises(PreferenceError, match="cannot"):
        services.set_preferences(team.member, {"security": "off"})
    assert services.preferences(team.member)["security"] == "immediate"
    assert emails.read_unsubscribe_token(emails.unsubscribe_token(1, ["security"])) is None


def test_an_unknown_kind_or_mode_is_refused(team):
    with pytest.raises(PreferenceError):
        services.set_preferences(team.member, {"gossip": "off"})
    with pytest.raises(PreferenceError):
        services.set_preferences(team.member, {"comment": "loudly"})


def test_the_unsubscribe_link_asks_first_then_stops_that_kind_without_logging_in(
    client, team, summary
):
    drafting.assign_section(team.owner, summary, team.editor)
    db.session.commit()
    path = _unsubscribe_path(factories.emails_to(team.editor.email)[-1])

    page = client.get(path)
    assert page.status_code == 200 and "Stop these e-mails" in page.text
    assert services.preferences(team.editor)["assignment"] == "immediate"  # a GET changes nothing
    assert page.headers["Referrer-Policy"] == "no-referrer"

    done = client.post(path, data={"List-Unsubscribe": "One-Click"})  # as a mail client does
    assert done.status_code == 200 and "no more e-mails" in done.text
    assert services.preferences(team.editor)["assignment"] == "off"
    assert services.preferences(team.editor)["comment"] == "digest"  # only that kind


def test_the_one_click_unsubscribe_works_with_csrf_on(client, team, summary, csrf_on):
    drafting.assign_section(team.owner, summary, team.editor)
    db.session.commit()
    path = _unsubscribe_path(factories.emails_to(team.editor.email)[-1])

    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert services.preferences(team.editor)["assignment"] == "off"


def test_a_forged_or_mangled_unsubscribe_link_is_not_found(client, team):
    token = emails.unsubscribe_token(team.editor.id, ["comment"])
    assert client.get(f"/notifications/unsubscribe/{token}x").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{'a' * 600}").status_code == 404
    assert services.preferences(team.editor)["comment"] == "digest"


def test_a_digest_unsubscribes_from_each_of_its_kinds(client, team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    thread = drafting.add_comment(team.editor, summary, "Mine.")
    drafting.add_comment(team.member, summary, "A point.")
    drafting.add_comment(team.member, summary, "A reply.", parent=thread)
    db.session.commit()
    emails.send_digests()
    db.session.commit()
    digest = factories.emails_to(team.editor.email)[-1]

    client.post(_unsubscribe_path(digest))
    chosen = services.preferences(team.editor)
    assert chosen["comment"] == chosen["reply"] == "off"
    assert chosen["assignment"] == "immediate"


def test_no_email_goes_to_an_unconfirmed_address(team, summary):
    team.editor.email_confirmed_at = None
    drafting.assign_section(team.owner, summary, team.editor)
    db.session.commit()

    assert factories.emails_to(team.editor.email) == []
    assert notices("assignment")[0].emailed_at is None
