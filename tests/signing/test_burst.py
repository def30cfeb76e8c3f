"""A burst: many requests for the same few signers at the same instant, each in its own thread,
app context and database session, released together by a barrier. However they interleave,
each signer ends with exactly one signature row, and the confirmed count is the number of
distinct signers: the unique (version, signer) constraint and INSERT ... ON CONFLICT decide,
not a check-then-insert in Python.

20 threads on PostgreSQL (CI runs the suite there with TEST_DATABASE_URL set); a smaller
burst on SQLite, which lets one writer in at a time."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.extensions import db
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import Signature, Version
from tests.signing.support import mails_to, token_in

ADDRESSES = [f"signer{n}@example.org" for n in range(5)]


def spellings(count: int) -> list[str]:
    """`count` ways of writing the five addresses: varied case and surrounding spaces."""
    forms = []
    for n in range(count):
        address = ADDRESSES[n % len(ADDRESSES)]
        variant = (n // len(ADDRESSES)) % 4
        forms.append(
            [address, address.upper(), f"  {address.title()} ", f"\t{address.capitalize()}\n"][
                variant
            ]
        )
    return forms


def run_at_once(app, count: int, work) -> list[object]:
    """Run work(n) in `count` threads released together; re-raise the first error."""
    barrier = threading.Barrier(count, timeout=60)
    results: dict[int, object] = {}
    errors: list[BaseException] = []

    def thread(n: int) -> None:
        with app.app_context(), app.test_request_context(base_url="http://consult.test"):
            try:
                results[n] = work(n, barrier)
            except BaseException as error:  # reported below
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=thread, args=(n,)) for n in range(count)]
    for each in threads:
        each.start()
    for each in threads:
        each.join(timeout=120)
    assert not any(each.is_alive() for each in threads), "a thread never finished"
    if errors:
        raise errors[0]
    return [results[n] for n in range(count)]


def public_burst(app, version_id: int, count: int) -> list[str]:
    forms = spellings(count)

    def work(n: int, barrier: threading.Barrier) -> str:
        version = db.session.get(Version, version_id)
        version.response.organisation  # noqa: B018 - load before the start line
        version.response.consultation  # noqa: B018
        db.session.commit()  # give the connection back while waiting
        barrier.wait()
        result = signing.sign_publicly(
            version, f"Signer {n}", forms[n], None, n % 2 == 0, consent.CURRENT_VERSION
        )
        db.session.commit()
        return result.outcome

    return run_at_once(app, count, work)


def check_one_row_per_address_then_confirm(version: Version, count: int) -> None:
    db.session.expire_all()
    rows = list(db.session.scalars(select(Signature).where(Signature.version_id == version.id)))
    assert sorted(row.email for row in rows) == ADDRESSES
    assert len({row.signer_key for row in rows}) == len(ADDRESSES)
    assert signing.confirmed_count(version) == 0
    # Every attempt sent one e-mail; the newest link of each address confirms it.
    assert sum(len(mails_to(address)) for address in ADDRESSES) == count
    for address in ADDRESSES:
        confirmed = 0
        for message in reversed(mails_to(address)):
            try:
                signing.confirm(token_in(message, "confirm"))
            except signing.LinkNotValid:  # replaced by a later attempt's link
                db.session.rollback()
            else:
                db.session.commit()
                confirmed += 1
        assert confirmed == 1, address
    assert signing.confirmed_count(version) == len(ADDRESSES)
    assert db.session.scalar(
        select(func.count()).select_from(Signature).where(Signature.version_id == version.id)
    ) == len(ADDRESSES)


def member_burst(app, version_id: int, user_id: int, count: int) -> list[int]:
    def work(n: int, barrier: threading.Barrier) -> int:
        version = db.session.get(Version, version_id)
        user = db.session.get(User, user_id)
        version.response.organisation  # noqa: B018
        db.session.commit()
        barrier.wait()
        signature = signing.sign_as_member(user, version, None, None, n % 2 == 0)
        db.session.commit()
        return signature.id

    return run_at_once(app, count, work)


def _postgresql_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip(
            "a 20-thread burst needs a database with concurrent writers (PostgreSQL): set "
            "TEST_DATABASE_URL (CI does); SQLite runs the smaller burst below"
        )


def _sqlite_only() -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite variant; PostgreSQL runs the 20-thread burst")


def test_twenty_public_signatures_of_five_addresses_at_once_on_postgresql(app, public_version):
    _postgresql_only()
    outcomes = public_burst(app, public_version.id, 20)

    assert outcomes.count("new") == len(ADDRESSES)
    check_one_row_per_address_then_confirm(public_version, 20)


def test_ten_member_signatures_of_one_person_at_once_on_postgresql(app, team, members_version):
    _postgresql_only()
    ids = member_burst(app, members_version.id, team.member.id, 10)

    assert len(set(ids)) == 1
    assert signing.confirmed_count(members_version) == 1


def test_a_burst_on_sqlite_also_ends_with_one_row_per_address(app, public_version):
    _sqlite_only()
    public_burst(app, public_version.id, 10)

    check_one_row_per_address_then_confirm(public_version, 10)


def test_member_signatures_at_once_on_sqlite_are_one_row(app, team, members_version):
    _sqlite_only()
    ids = member_burst(app, members_version.id, team.member.id, 6)

    assert len(set(ids)) == 1
    assert signing.confirmed_count(members_version) == 1
