"""Download my data (UK GDPR Art. 15 and 20) and erasure (Art. 17), checked against the
database schema: every column that points at a person (a foreign key to users.id, or an e-mail
address) must be in consult.privacy.personal_data.LINKS, must show in the download, and must
be handled by the erasure so that nothing personal of the erased person survives anywhere."""

from __future__ import annotations

import json

from sqlalchemy import JSON, String, Text, func, select

from consult.accounts.models import User
from consult.drafting.models import Revision
from consult.extensions import db
from consult.privacy.personal_data import FORMER_MEMBER, LINKS
from consult.signing.models import Signature
from tests.privacy.conftest import AFFILIATION, EMAIL, NAME, USER_AGENT, WRITTEN


def _columns_pointing_at_people() -> set[tuple[str, str]]:
    """From the schema: (table, column) for every foreign key to users.id and every column
    that holds an e-mail address (the account's own address aside)."""
    found = set()
    for table in db.metadata.tables.values():
        for column in table.columns:
            if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                found.add((table.name, column.name))
            is_address = column.name in ("email", "to") or column.name.endswith("_email")
            if is_address and table.name != "users":
                found.add((table.name, column.name))
    return found


def test_every_column_pointing_at_people_is_covered_by_the_download(person, client):
    pointing = _columns_pointing_at_people()
    covered = {(link.table, link.column) for link in LINKS}
    missing = sorted(pointing - covered)
    tables = {table for table, _ in pointing}
    covered_tables = {table for table, _ in pointing & covered}
    print(
        f"privacy: {len(covered_tables)}/{len(tables)} tables pointing at people covered by "
        f"/me/data ({len(pointing & covered)}/{len(pointing)} columns)"
    )
    assert not missing, (
        f"columns pointing at people that /me/data and erasure do not know: {missing}. "
        "Add them to LINKS in consult/privacy/personal_data.py."
    )
    assert not covered - pointing, f"LINKS names columns that are gone: {covered - pointing}"
    # Each part of the download lists the rows of one table.
    for section in {link.section for link in LINKS}:
        assert len({link.table for link in LINKS if link.section == section}) == 1, section

    data = client.get("/api/v1/me/data", headers=person.headers).get_json()
    empty = sorted({link.section for link in LINKS if not data.get(link.section)})
    assert not empty, f"the person has rows there, but the download shows none: {empty}"
    assert data["account"]["email"] == EMAIL and data["account"]["name"] == NAME


def test_the_download_holds_what_they_wrote_and_their_consent_but_no_secret(person, client):
    response = client.get("/api/v1/me/data", headers=person.headers)
    assert response.status_code == 200
    data = response.get_json()
    assert WRITTEN in [r["body"] for r in data["revisions"]]
    assert {s["kind"] for s in data["signatures"]} == {"member", "public"}
    assert all(s["consent_records"] for s in data["signatures"])
    assert data["sessions"][0]["user_agent"] == USER_AGENT
    assert data["api_tokens"][0]["name"] == "Privacy script"
    assert len(data["recovery_codes"]) == 10
    assert {o["name"] for o in data["account"]["organisations"]} == {
        "Northtown Residents",
        "Rival Group",
    }
    assert {m["organisation_name"] for m in data["memberships"]} == {
        "Northtown Residents",
        "Rival Group",
    }

    dumped = json.dumps(data)
    user = db.session.get(User, person.user.id)
    secrets = [user.password_hash, user.totp_secret, person.headers["Authorization"][7:]]
    assert not [secret for secret in secrets if secret in dumped]
    assert "_hash" not in dumped and "totp_secret" not in dumped


def test_the_account_page_button_downloads_the_same_data(person, client):
    api = client.get("/api/v1/me/data", headers=person.headers).get_json()
    page = person.client.get("/account")
    assert "/account/data" in page.text
    download = person.client.get("/account/data")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    mine = json.loads(download.text)
    assert set(mine) == set(api)
    assert mine["revisions"] == api["revisions"]


def test_the_download_needs_a_token_or_a_session(client, db):
    response = client.get("/api/v1/me/data")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorised"


def _personal_values() -> list[str]:
    return [NAME, EMAIL, AFFILIATION, USER_AGENT, "Zephyrine Quillfeather", "zephyrine"]


def _text_columns():
    for table in db.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON):
                yield table, column


def test_erasure_leaves_no_personal_field_of_the_person_anywhere(person, client):
    user_id = person.user.id
    erased = client.delete("/api/v1/me", headers=person.headers, json={"confirm": EMAIL})
    assert erased.status_code == 200, erased.text
    assert erased.get_json() == {"id": user_id, "status": "erased"}

    # 1. No text column of any table holds their name, address, affiliation or browser.
    leftovers, scanned, tables = [], 0, set()
    with db.engine.connect() as connection:
        for table, column in _text_columns():
            scanned += 1
            tables.add(table.name)
            for (value,) in connection.execute(select(column).where(column.is_not(None))):
                text = json.dumps(value) if not isinstance(value, str) else value
                found = [v for v in _personal_values() if v.lower() in text.lower()]
                if found and WRITTEN not in text:
                    leftovers.append(f"{table.name}.{column.name}: {found}")
    # 2. Every link to the person was handled: rows deleted, columns cleared, or kept (their
    # text is the organisation's work) pointing at an account with nothing personal left.
    remaining = {}
    for link in LINKS:
        table = db.metadata.tables[link.table]
        value = user_id if link.by == "id" else EMAIL
        remaining[(link.table, link.column)] = db.session.scalar(
            select(func.count()).select_from(table).where(table.c[link.column] == value)
        )
    not_handled = [
        key
        for link in LINKS
        if link.erasure != "keep" and remaining[key := (link.table, link.column)]
    ]
    print(
        f"privacy: erasure left {len(leftovers)} personal values in {scanned} text columns of "
        f"{len(tables)} tables; {len(LINKS) - len(not_handled)}/{len(LINKS)} links to the person "
        "handled"
    )
    assert not leftovers, leftovers
    assert not not_handled, not_handled

    user = db.session.get(User, user_id)
    assert user.name == FORMER_MEMBER and user.email.endswith("@erased.invalid")
    assert user.totp_secret is None and not user.has_two_factor and user.erased_at
    # Their words stay, attributed to the blanked account.
    kept = db.session.scalar(select(Revision).where(Revision.body == WRITTEN))
    assert kept.author_id == user_id
    # Their signatures are withdrawn and no longer say who it was.
    statuses = db.session.scalars(select(Signature.status).where(Signature.kind != "organisation"))
    assert set(statuses) == {"withdrawn"}
