"""Two-factor authentication: set-up with a QR code and a first code, the log-in's second step
(no session before it passes), wrong codes, replay, recovery codes once only, throttling,
switching off, new recovery codes, and the instance's rule for owners."""

from __future__ import annotations

import json
import re

import pytest

from consult.accounts import pending_logins, two_factor
from consult.accounts.models import PendingLogin, RecoveryCode, User
from consult.audit.models import AuditEvent
from consult.extensions import db
from consult.timeutil import utcnow
from consult.tokens import hash_token
from tests import factories
from tests.accounts.conftest import is_logged_in, log_in, logged_in_client, sessions_of

STEP = two_factor.STEP_SECONDS


class Clock:
    """The TOTP clock, moved by the test: codes of the next step become valid at once."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def next_step(self) -> None:
        self.now += STEP


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(1_800_000_000.0)
    monkeypatch.setattr(two_factor, "time", fake)
    return fake


def code_now(user: User, clock: Clock) -> str:
    fresh = db.session.get(User, user.id)
    db.session.refresh(fresh)
    totp = two_factor.totp_for(fresh)
    assert totp is not None
    return totp.generate_otp(int(clock.now) // STEP)


def turn_on(client, user: User, clock: Clock) -> list[str]:
    """Set two-factor up through the pages; returns the recovery codes shown."""
    page = client.get("/account/two-factor/setup")
    assert page.status_code == 200
    shown = client.post("/account/two-factor/setup", data={"code": code_now(user, clock)})
    assert shown.status_code == 200, shown.text[:500]
    codes = re.findall(r"<code>([a-z0-9]{4}(?:-[a-z0-9]{4}){3})</code>", shown.text)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    clock.next_step()
    return codes


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


def _second_step(client, code: str):
    return client.post("/login/two-factor", data={"code": code})


def test_setting_up_shows_a_qr_code_and_the_secret_and_needs_a_first_code(make_client, db, clock):
    user = factories.make_user()
    browser = logged_in_client(make_client, user)

    page = browser.get("/account/two-factor/setup")
    assert page.status_code == 200
    assert "<svg" in page.text and "style=" not in page.text.split("<svg", 1)[1].split("</svg>")[0]
    secret = two_factor.totp_for(db.session.get(User, user.id)).secret
    assert two_factor.group_secret(secret) in page.text
    # The secret is stored encrypted, not as it is shown.
    stored = db.session.get(User, user.id).totp_secret
    assert secret not in stored

    wrong = browser.post("/account/two-factor/setup", data={"code": "000000"})
    assert wrong.status_code == 422
    assert "not right" in wrong.text
    assert not db.session.get(User, user.id).has_two_factor

    codes = turn_on(browser, user, clock)
    assert db.session.get(User, user.id).has_two_factor
    hashes = set(db.session.scalars(db.select(RecoveryCode.code_hash)))
    assert hashes == {hash_token(code.replace("-", "")) for code in codes}
    # Never shown again: the set-up page now sends back to the status page.
    again = browser.get("/account/two-factor/setup")
    assert again.status_code == 302
    assert two_factor.group_secret(secret) not in browser.get("/account/two-factor").text
    assert [e.actor_id for e in _events("two_factor.enabled")] == [user.id]


def test_log_in_asks_for_the_code_before_any_session_exists(make_client, db, clock):
    user = factories.make_user()
    turn_on(logged_in_client(make_client, user), user, clock)
    browser = make_client()

    first = log_in(browser, user.email)
    assert first.status_code == 302 and first.headers["Location"] == "/login/two-factor"
    assert len(sessions_of(user)) == 1  # only the set-up browser's
    assert not is_logged_in(browser)

    second = _second_step(browser, code_now(user, clock))
    assert second.status_code == 302
    assert len(sessions_of(user)) == 2
    assert is_logged_in(browser)


def test_a_wrong_code_is_refused_and_audited(make_client, db, clock):
    user = factories.make_user()
    turn_on(logged_in_client(make_client, user), user, clock)
    browser = make_client()
    log_in(browser, user.email)

    refused = _second_step(browser, "123456")
    assert refused.status_code == 422
    assert "not right" in refused.text
    assert not is_logged_in(browser)
    assert [e.actor_id for e in _events("two_factor.failed")] == [user.id]


def test_a_code_is_accepted_once_only(make_client, db, clock):
    user = factories.make_user()
    turn_on(logged_in_client(make_client, user), user, clock)
    code = code_now(user, clock)
    first, second = make_client(), make_client()
    log_in(first, user.email)
    assert _second_step(first, code).status_code == 302

    log_in(second, user.email)
    assert _second_step(second, code).status_code == 422
    assert not is_logged_in(second)


def test_a_recovery_code_works_once(make_client, db, clock):
    user = factories.make_user()
    codes = turn_on(logged_in_client(make_client, user), user, clock)
    first, second = make_client(), make_client()
    log_in(first, user.email)
    used = _second_step(first, codes[3].upper().replace("-", " "))
    assert used.status_code == 302
    assert is_logged_in(first)

    log_in(second, user.email)
    assert _second_step(second, codes[3]).status_code == 422
    [event] = _events("two_factor.recovery_code_used")
    assert event.details == {"remaining": two_factor.RECOVERY_CODE_COUNT - 1}


def test_the_password_step_expires(make_client, db, clock):
    user = factories.make_user()
    turn_on(logged_in_client(make_client, user), user, clock)
    browser = make_client()
    log_in(browser, user.email)
    db.session.execute(
        db.update(PendingLogin).values(created_at=utcnow() - pending_logins.LIFETIME)
    )
    db.session.commit()

    late = _second_step(browser, code_now(user, clock))
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert not is_logged_in(browser)


def _pending_cookie(browser) -> dict:
    with browser.session_transaction() as session:
        return dict(session["pending_login"])


def _replay(cookie: dict, make_client):
    """A new browser carrying a copy of someone's pending log-in."""
    thief = make_client(remote_addr="198.51.100.66")
    with thief.session_transaction() as session:
        session["pending_login"] = cookie
    return thief


def test_a_copied_pending_log_in_cannot_be_replayed_after_it_succeeded(make_client, db, clock):
    user = factories.make_user()
    turn_on(logged_in_client(make_client, user), user, clock)
    browser = make_client()
    log_in(browser, user.email)
    copied = _pending_cookie(browser)
    assert _second_step(browser, code_now(user, clock)).status_code == 302

    clock.next_step()
    thief = _replay(copied, make_client)
    replayed = _second_step(thief, code_now(user, clock))
    assert replayed.status_code == 302 and replayed.headers["Location"] == "/login"
    assert not is_logged_in(thief)
    assert db.session.scalars(db.select(PendingLogin)).all() == []


def test_a_new_log_in_ends_the_earlier_pending_one(make_client, db, clock):
    user = factories.make_user()
    turn_on(logged_in_client(make_client, user), user, clock)
    earlier = make_client()
    log_in(earlier, user.email)
    copied = _pending_cookie(earlier)
    log_in(make_client(), user.email)

    for browser in (earlier, _replay(copied, make_client)):
        refused = _second_step(browser, code_now(user, clock))
        assert refused.status_code == 302 and refused.headers["Location"] == "/login"
        assert not is_logged_in(browser)


def test_a_pending_log_in_is_bound_to_its_own_attempt(make_client, db, clock):
    """The cookie's account id cannot be swapped for another account's (it is checked
    against the attempt's server-side record), nor a token invented."""
    user, other = factories.make_user(), factories.make_user()
    turn_on(logged_in_client(make_client, user), user, clock)
    turn_on(logged_in_client(make_client, other), other, clock)
    browser = make_client()
    log_in(browser, user.email)
    cookie = _pending_cookie(browser)

    for forged in (cookie | {"user": other.id}, cookie | {"token": "made-up"}):
        refused = _second_step(_replay(forged, make_client), code_now(other, clock))
        assert refused.status_code == 302 and refused.headers["Location"] == "/login"


def test_a_password_change_ends_pending_log_ins(make_client, db, clock):
    user = factories.make_user()
    owner_browser = logged_in_client(make_client, user)
    turn_on(owner_browser, user, clock)
    attacker = make_client(remote_addr="198.51.100.66")
    log_in(attacker, user.email)  # someone who knew the old password

    owner_browser.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "a brand new passphrase"},
    )

    refused = _second_step(attacker, code_now(user, clock))
    assert refused.status_code == 302 and refused.headers["Location"] == "/login"


def test_guessing_the_second_factor_is_throttled_per_account(make_client, db, clock):
    target = factories.make_user()
    bystander = factories.make_user()
    turn_on(logged_in_client(make_client, target), target, clock)
    turn_on(logged_in_client(make_client, bystander), bystander, clock)
    attacker = make_client()
    for attempt in range(5):
        log_in(attacker, target.email)  # a fresh password step does not reset the count
        assert _second_step(attacker, f"00000{attempt}").status_code == 422
    log_in(attacker, target.email)
    blocked = _second_step(attacker, code_now(target, clock))
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0

    other = make_client()
    log_in(other, bystander.email)
    assert _second_step(other, code_now(bystander, clock)).status_code == 302


def test_switching_off_needs_the_password_and_a_code(make_client, db, clock):
    user = factories.make_user()
    browser = logged_in_client(make_client, user)
    turn_on(browser, user, clock)

    wrong = browser.post(
        "/account/two-factor/disable",
        data={"current_password": "not my password", "code": code_now(user, clock)},
    )
    assert wrong.status_code == 422
    assert db.session.get(User, user.id).has_two_factor

    done = browser.post(
        "/account/two-factor/disable",
        data={"current_password": factories.PASSWORD, "code": code_now(user, clock)},
    )
    assert done.status_code == 302
    fresh = db.session.get(User, user.id)
    assert not fresh.has_two_factor and fresh.totp_secret is None
    assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0
    assert len(_events("two_factor.disabled")) == 1
    assert log_in(make_client(), user.email).headers["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(make_client, db, clock):
    user = factories.make_user()
    browser = logged_in_client(make_client, user)
    old = turn_on(browser, user, clock)

    page = browser.post("/account/two-factor/recovery-codes", data={"code": code_now(user, clock)})
    assert page.status_code == 200
    new = re.findall(r"<code>([a-z0-9-]{19})</code>", page.text)
    assert len(new) == two_factor.RECOVERY_CODE_COUNT and not set(new) & set(old)
    clock.next_step()
    stale = make_client()
    log_in(stale, user.email)
    assert _second_step(stale, old[0]).status_code == 422
    assert _second_step(stale, new[0]).status_code == 302


def test_owners_must_set_up_two_factor_when_the_instance_requires_it(
    app, team, make_client, api_token, db, clock
):
    app.config["REQUIRE_TWO_FACTOR_FOR_OWNERS"] = True
    try:
        owner = make_client()
        assert log_in(owner, team.owner.email).status_code == 302
        slug = team.organisation.slug
        for path in (f"/o/{slug}", "/", "/account"):
            sent = owner.get(path)
            assert sent.headers["Location"] == "/account/two-factor/setup", path
        # The API from the same browser is refused; a bearer token is not affected.
        refused = owner.get("/api/v1/me")
        assert refused.status_code == 403
        assert refused.get_json()["error"]["code"] == "two_factor_required"
        assert make_client().get("/api/v1/me", headers=api_token(team.owner)).status_code == 200
        # Other roles are not asked.
        assert logged_in_client(make_client, team.member).get(f"/o/{slug}").status_code == 200

        turn_on(owner, team.owner, clock)
        assert owner.get(f"/o/{slug}").status_code == 200
    finally:
        app.config["REQUIRE_TWO_FACTOR_FOR_OWNERS"] = False


def test_the_secret_and_codes_never_reach_the_audit_log(make_client, db, clock):
    user = factories.make_user()
    browser = logged_in_client(make_client, user)
    codes = turn_on(browser, user, clock)
    secret = two_factor.totp_for(db.session.get(User, user.id)).secret
    stale = make_client()
    log_in(stale, user.email)
    _second_step(stale, "999999")
    _second_step(stale, codes[0])

    logged = json.dumps([e.details for e in db.session.scalars(db.select(AuditEvent))])
    for secret_value in [secret, *codes, *(c.replace("-", "") for c in codes)]:
        assert secret_value not in logged
