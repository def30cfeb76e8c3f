"""The bootstrap CLI of API.md: users create, tokens create, demo, outbox list."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from consult.accounts.models import ApiToken, User
from consult.demo import DEMO_ORGANISATION, DEMO_PASSWORD
from consult.extensions import db
from consult.mail import OutboxMessage, send_email
from consult.organisations.models import Membership, Organisation
from tests import factories
from tests.conftest import login


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def _invoke(*args: str):
        result = runner.invoke(args=list(args))
        db.session.expire_all()  # see what the command committed
        return result

    return _invoke


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- users create ---------------------------------------------------------------------------


def test_users_create_makes_a_confirmed_user_who_can_log_in(cli, client):
    result = cli(
        "users",
        "create",
        "--email",
        "New.Person@Example.org",
        "--name",
        "New Person",
        "--password",
        "a long enough password",
    )

    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user is not None and user.is_confirmed
    assert "new.person@example.org" in result.stdout
    login(client, user, password="a long enough password")
    assert client.get("/account").status_code == 200


def test_users_create_refuses_a_taken_address_cleanly(cli):
    factories.make_user(email="taken@example.org")

    result = cli(
        "users",
        "create",
        "--email",
        "TAKEN@example.org",
        "--name",
        "Again",
        "--password",
        "a long enough password",
    )

    assert result.exit_code != 0
    assert "already exists" in result.stderr
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert _count(User) == 1


@pytest.mark.parametrize(
    ("email", "name", "password", "complaint"),
    [
        ("not-an-address", "Name", "a long enough password", "e-mail"),
        ("a@example.org", "Name", "short", "at least"),
        ("a@example.org", "x" * 121, "a long enough password", "120"),
        ("a@example.org", "   ", "a long enough password", "name"),
        ("a" * 250 + "@example.org", "Name", "a long enough password", "254"),
    ],
)
def test_users_create_refuses_bad_input_without_a_traceback(cli, email, name, password, complaint):
    result = cli("users", "create", "--email", email, "--name", name, "--password", password)

    assert result.exit_code != 0
    assert complaint in result.stderr
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert _count(User) == 0


# --- tokens create --------------------------------------------------------------------------


def test_tokens_create_prints_only_a_working_token(cli, client, team):
    result = cli("tokens", "create", "--email", team.editor.email, "--name", "Campaign site")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    token = lines[0]
    assert token.startswith("cst_") and token == token.strip()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["email"] == team.editor.email
    stored = db.session.scalars(select(ApiToken)).one()
    assert stored.name == "Campaign site"
    assert stored.token_hash != token


def test_tokens_create_has_a_default_name(cli, team):
    assert cli("tokens", "create", "--email", team.member.email).exit_code == 0

    assert db.session.scalars(select(ApiToken)).one().name == "CLI token"


def test_tokens_create_for_an_unknown_address_fails_cleanly(cli):
    result = cli("tokens", "create", "--email", "nobody@example.org")

    assert result.exit_code != 0
    assert result.stdout == ""
    assert "No account" in result.stderr
    assert _count(ApiToken) == 0


def test_tokens_create_refuses_an_overlong_name(cli, team):
    result = cli("tokens", "create", "--email", team.member.email, "--name", "n" * 81)

    assert result.exit_code != 0
    assert result.stdout == ""
    assert _count(ApiToken) == 0


# --- demo -----------------------------------------------------------------------------------


def _demo_counts() -> dict[str, int]:
    return {
        "users": _count(User),
        "organisations": _count(Organisation),
        "memberships": _count(Membership),
    }


def test_demo_seeds_the_organisation_and_a_person_in_each_role(cli, client):
    result = cli("demo")

    assert result.exit_code == 0, result.output
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION)
    )
    assert organisation is not None
    assert DEMO_ORGANISATION == "Demo Civil Liberties Network"
    roles = {m.user.email: m.role for m in organisation.memberships}
    assert roles == {
        "coordinator@demo.example": "owner",
        "editor@demo.example": "editor",
        "member@demo.example": "member",
    }
    for email in roles:
        assert email in result.stdout
    assert DEMO_PASSWORD in result.stdout
    # The printed logins work.
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@demo.example"))
    login(client, coordinator, password=DEMO_PASSWORD)


def test_demo_is_idempotent(cli):
    first = cli("demo")
    counts = _demo_counts()
    second = cli("demo")

    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert _demo_counts() == counts == {"users": 3, "organisations": 1, "memberships": 3}
    assert "already present" in second.stdout


def test_demo_completes_a_partly_seeded_demo(cli):
    factories.make_user(email="editor@demo.example", name="Already Here")

    result = cli("demo")

    assert result.exit_code == 0, result.output
    assert _demo_counts() == {"users": 3, "organisations": 1, "memberships": 3}


def test_demo_refuses_in_production(cli, app, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULT_ENV", "production")

    result = cli("demo")

    assert result.exit_code != 0
    assert "production" in result.stderr
    assert _demo_counts() == {"users": 0, "organisations": 0, "memberships": 0}


# --- outbox list ----------------------------------------------------------------------------


def test_outbox_list_json_prints_the_mails_newest_last(cli):
    send_email("first@example.org", "First", "Body one")
    send_email("second@example.org", "Second ✉", "Body two\nwith two lines")
    db.session.commit()

    result = cli("outbox", "list", "--json")

    assert result.exit_code == 0, result.output
    messages = json.loads(result.stdout)
    assert [set(m) for m in messages] == [{"to", "subject", "body", "created_at"}] * 2
    assert [m["to"] for m in messages] == ["first@example.org", "second@example.org"]
    assert messages[1]["subject"] == "Second ✉"
    assert messages[1]["body"] == "Body two\nwith two lines"
    assert all(m["created_at"].endswith("Z") for m in messages)


def test_outbox_list_json_is_an_empty_list_when_nothing_was_sent(cli):
    result = cli("outbox", "list", "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_outbox_list_holds_the_mail_the_app_sends(cli, client):
    client.post(
        "/signup",
        data={"name": "Ana", "email": "ana@example.org", "password": "a long enough password"},
    )

    messages = json.loads(cli("outbox", "list", "--json").stdout)

    assert messages[-1]["to"] == "ana@example.org"
    assert "/confirm/" in messages[-1]["body"]
    assert _count(OutboxMessage) == len(messages)


def test_outbox_list_without_json_is_one_line_a_mail(cli):
    send_email("a@example.org", "Hello", "Body")
    db.session.commit()

    result = cli("outbox", "list")

    assert result.exit_code == 0
    assert "a@example.org" in result.stdout and "Hello" in result.stdout


def _send(count: int) -> None:
    from consult.mail import send_emails

    send_emails([(f"p{n}@example.org", f"Mail {n}", "Body") for n in range(count)])
    db.session.commit()


def test_outbox_list_json_lists_every_stored_mail_not_just_the_newest_200(cli):
    _send(250)

    result = cli("outbox", "list", "--json")

    assert result.exit_code == 0, result.output
    messages = json.loads(result.stdout)
    assert [m["subject"] for m in messages] == [f"Mail {n}" for n in range(250)]
    assert result.stderr == ""  # nothing was left out, so nothing to say


def test_outbox_list_pages_back_from_the_newest_and_says_when_the_list_is_cut(cli):
    _send(7)

    newest = cli("outbox", "list", "--json", "--limit", "3")
    older = cli("outbox", "list", "--json", "--limit", "3", "--offset", "3")
    oldest = cli("outbox", "list", "--json", "--limit", "3", "--offset", "6")

    assert [m["subject"] for m in json.loads(newest.stdout)] == ["Mail 4", "Mail 5", "Mail 6"]
    assert [m["subject"] for m in json.loads(older.stdout)] == ["Mail 1", "Mail 2", "Mail 3"]
    assert [m["subject"] for m in json.loads(oldest.stdout)] == ["Mail 0"]
    assert "3 of the 7 stored e-mails" in newest.stderr
    assert "--offset 3" in newest.stderr
    assert "--offset 6" in older.stderr
    assert "1 of the 7 stored e-mails" in oldest.stderr


def test_outbox_list_says_so_when_the_offset_passes_every_mail(cli):
    _send(2)

    result = cli("outbox", "list", "--json", "--offset", "5")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "0 of the 2 stored e-mails" in result.stderr


def test_outbox_list_refuses_a_nonsense_limit(cli):
    result = cli("outbox", "list", "--json", "--limit", "0")

    assert result.exit_code == 2
    assert "Traceback" not in result.output


# --- demo --signatories ---------------------------------------------------------------------


def _demo_signing_version():
    from consult.demo import DEMO_SIGNING_NOTE
    from consult.signing.models import Version

    return db.session.scalar(select(Version).where(Version.note == DEMO_SIGNING_NOTE))


def test_demo_signatories_gives_a_public_version_confirmed_signatures(cli, client):
    from consult.signing import services as signing
    from consult.signing.models import ConsentRecord, Signature

    result = cli("demo", "--signatories", "400")

    assert result.exit_code == 0, result.output
    version = _demo_signing_version()
    assert version is not None and version.number == 1
    assert signing.is_open(version) and version.signing_public
    assert f"/api/v1/versions/{version.id}" in result.stdout and "400 confirmed" in result.stdout
    rows = list(db.session.scalars(select(Signature).where(Signature.version_id == version.id)))
    assert len(rows) == 400 == signing.confirmed_count(version)
    assert len({row.signer_key for row in rows}) == 400
    assert all(row.kind == "public" and row.status == "confirmed" for row in rows)
    named = sum(row.consent_public for row in rows)
    assert 150 <= named <= 250  # about half chose to be named
    # Realistic names, not "Person 17": a first and a last name, many different ones.
    assert all(len(row.name.split()) == 2 for row in rows)
    assert len({row.name for row in rows}) > 300
    assert all(row.confirmed_at > row.created_at for row in rows)
    # Every signature has its consent record.
    assert _count(ConsentRecord) == 400
    # And the API sees them, as anyone would (the version is public).
    listed = client.get(f"/api/v1/versions/{version.id}/signatures?per_page=500").get_json()
    assert listed["count"] == 400 and len(listed["public"]) == named


def test_demo_signatories_is_idempotent_and_tops_up(cli):
    from consult.signing import services as signing
    from consult.signing.models import Version

    assert cli("demo", "--signatories", "120").exit_code == 0
    again = cli("demo", "--signatories", "120")
    assert again.exit_code == 0 and "(0 added)" in again.stdout
    version = _demo_signing_version()
    assert signing.confirmed_count(version) == 120

    more = cli("demo", "--signatories", "150")

    assert "(30 added)" in more.stdout
    assert signing.confirmed_count(version) == 150
    assert _count(Version) == 1


def test_demo_signatories_zero_opens_an_empty_version(cli):
    from consult.signing import services as signing

    result = cli("demo", "--signatories", "0")

    assert result.exit_code == 0
    version = _demo_signing_version()
    assert version is not None and signing.confirmed_count(version) == 0


def test_demo_without_signatories_freezes_nothing(cli):
    from consult.signing.models import Version

    assert cli("demo").exit_code == 0
    assert _count(Version) == 0


@pytest.mark.parametrize("value", ["-1", "many", "2000000"])
def test_demo_signatories_refuses_a_bad_number_cleanly(cli, value):
    result = cli("demo", "--signatories", value)

    assert result.exit_code == 2
    assert "--signatories" in result.output
    assert _demo_counts() == {"users": 0, "organisations": 0, "memberships": 0}


def test_demo_signatories_invites_earlier_signers_without_a_server_name(cli, app, monkeypatch):
    """The CLI has no request: opening the demo version still builds the e-mails' links."""
    from consult.demo import _demo_owner, seed_demo
    from consult.signing import services as signing

    seed_demo()
    response, owner = _demo_owner()
    with app.test_request_context():
        earlier = signing.freeze(owner, response, "Earlier")
        signing.open_signing(owner, earlier, False, None)
        signing.sign_as_member(owner.user, earlier, None, None, False)
    db.session.commit()
    monkeypatch.setitem(app.config, "SERVER_NAME", None)

    result = cli("demo", "--signatories", "3")

    assert result.exit_code == 0, result.output
    invitation = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == "coordinator@demo.example")
    ).all()[-1]
    assert "new version" in invitation.subject
    assert f"/versions/{_demo_signing_version().id}/changes" in invitation.body
