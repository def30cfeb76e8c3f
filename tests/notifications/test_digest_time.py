"""The daily digest goes once a day at NOTIFICATION_DIGEST_HOUR, local time (Europe/London by
default, summer time included): `send-due` run every few minutes sends it once, a run before
the hour sends nothing, and a late run (even after a missed day) still sends it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from consult.config import UnsafeConfiguration, build_config
from consult.drafting import services as drafting
from consult.extensions import db
from consult.notifications import emails
from tests import factories
from tests.notifications.conftest import notices

WINTER = datetime(2026, 1, 14)  # London is on GMT: 8 o'clock is 08:00 UTC
SUMMER = datetime(2026, 7, 14)  # London is on BST: 8 o'clock is 07:00 UTC


def _comment_at(team, summary, moment: datetime, text: str = "A point.") -> None:
    """A comment on the editor's section, its notice dated `moment` (waiting for the digest)."""
    drafting.add_comment(team.member, summary, text)
    db.session.flush()
    notices("comment")[-1].created_at = moment
    db.session.commit()


def _digests_to(user) -> int:
    return sum("since your last digest" in m.body for m in factories.emails_to(user.email))


@pytest.fixture
def assigned(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    db.session.commit()
    return summary


def test_the_digest_slot_is_the_local_hour_with_summer_time():
    assert emails.digest_slot(WINTER.replace(hour=9), 8, "Europe/London") == WINTER.replace(hour=8)
    assert emails.digest_slot(SUMMER.replace(hour=9), 8, "Europe/London") == SUMMER.replace(hour=7)
    # Before the hour: yesterday's.
    assert emails.digest_slot(WINTER.replace(hour=7, minute=59), 8, "Europe/London") == (
        WINTER - timedelta(days=1)
    ).replace(hour=8)
    assert emails.digest_slot(WINTER.replace(hour=9), 8, "America/New_York") == (
        WINTER - timedelta(days=1)
    ).replace(hour=13)


def test_a_run_every_few_minutes_sends_the_digest_once_at_the_hour(team, assigned):
    _comment_at(team, assigned, WINTER.replace(hour=6))
    # Yesterday's digest went (a run yesterday at 08:00): before 08:00 today nothing goes.
    assert emails.send_digests(WINTER - timedelta(days=1) + timedelta(hours=8)) == 0
    db.session.commit()

    moment = WINTER.replace(hour=6)
    sent = []
    while moment < WINTER.replace(hour=12):
        sent.append((moment.strftime("%H:%M"), emails.send_digests(moment)))
        db.session.commit()
        moment += timedelta(minutes=5)

    assert [at for at, count in sent if count] == ["08:00"]
    assert _digests_to(team.editor) == 1


def test_a_run_that_comes_late_still_sends_the_days_digest(team, assigned):
    emails.send_digests(WINTER - timedelta(days=1) + timedelta(hours=8, minutes=1))
    _comment_at(team, assigned, WINTER.replace(hour=2))
    db.session.commit()

    assert emails.send_digests(WINTER.replace(hour=15, minute=30)) == 1  # no run 08:00-15:30
    assert emails.send_digests(WINTER.replace(hour=16)) == 0
    db.session.commit()
    assert _digests_to(team.editor) == 1


def test_a_missed_day_is_caught_up_by_the_next_run(team, assigned):
    _comment_at(team, assigned, WINTER.replace(hour=2))
    # No run at all on the 14th after 08:00: the first run, at 03:00 on the 15th, sends it.
    assert emails.send_digests((WINTER + timedelta(days=1)).replace(hour=3)) == 1
    db.session.commit()
    assert _digests_to(team.editor) == 1


def test_a_notice_after_the_days_digest_waits_for_the_next_day(team, assigned):
    _comment_at(team, assigned, WINTER.replace(hour=7), "Before.")
    assert emails.send_digests(WINTER.replace(hour=8, minute=5)) == 1
    db.session.commit()
    _comment_at(team, assigned, WINTER.replace(hour=9), "After.")

    assert emails.send_digests(WINTER.replace(hour=23)) == 0
    assert emails.send_digests((WINTER + timedelta(days=1)).replace(hour=7, minute=59)) == 0
    assert emails.send_digests((WINTER + timedelta(days=1)).replace(hour=8)) == 1
    db.session.commit()
    assert _digests_to(team.editor) == 2


def test_the_hour_follows_the_setting_and_summer_time(app, team, assigned):
    app.config["NOTIFICATION_DIGEST_HOUR"] = 18
    emails.send_digests((SUMMER - timedelta(days=1)).replace(hour=17, minute=1))  # yesterday's
    _comment_at(team, assigned, SUMMER.replace(hour=9))
    db.session.commit()

    assert emails.send_digests(SUMMER.replace(hour=16, minute=55)) == 0  # 17:55 in London
    assert emails.send_digests(SUMMER.replace(hour=17)) == 1  # 18:00 in London
    db.session.commit()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("NOTIFICATION_DIGEST_HOUR", "24", "hour of the day"),
        ("NOTIFICATION_DIGEST_HOUR", "eight", "hour of the day"),
        ("NOTIFICATION_DIGEST_TIMEZONE", "Mars/Olympus_Mons", "time zone"),
        ("NOTIFICATION_DIGEST_TIMEZONE", "../../etc/passwd", "time zone"),
    ],
)
def test_a_digest_setting_that_makes_no_sense_is_refused(tmp_path, variable, value, message):
    with pytest.raises(UnsafeConfiguration, match=message):
        build_config(str(tmp_path), {"CONSULT_ENV": "test", variable: value})


def test_the_digest_settings_default_to_8_in_london(tmp_path):
    config = build_config(str(tmp_path), {"CONSULT_ENV": "test"})
    assert config["NOTIFICATION_DIGEST_HOUR"] == 8
    assert config["NOTIFICATION_DIGEST_TIMEZONE"] == "Europe/London"
