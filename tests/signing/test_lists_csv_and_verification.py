"""What is shown: counts from confirmed rows, public lists with only those who chose to be
named, CSV that spreadsheets cannot run as formulas, and verification of published versions."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from consult.extensions import db
from consult.signing import services as signing
from consult.timeutil import utcnow
from tests import factories
from tests.signing.support import membership, sign, sign_and_confirm

# --- CSV formula safety ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Sam Signer", "Sam Signer"),
        ("Ann = Bob", "Ann = Bob"),
        ("", ""),
    ],
)
def test_cells_that_spreadsheets_would_run_are_made_plain_text(value, expected):
    assert signing.csv_safe(value) == expected


def test_the_csv_of_signatories_is_formula_safe(team, public_version):
    sign_and_confirm(
        public_version, "evil@example.org", "=cmd|' /C calc'!A0", affiliation="@SUM(1)",
        consent_public=True,
    )  # fmt: skip
    sign_and_confirm(public_version, "minus@example.org", "-Minus Person", consent_public=True)
    sign_and_confirm(public_version, "plus@example.org", "+Plus Person", consent_public=True)

    rows = list(csv.DictReader(io.StringIO(signing.signatories_csv(public_version, True))))

    names = sorted(row["name"] for row in rows)
    assert names == ["'+Plus Person", "'-Minus Person", "'=cmd|' /C calc'!A0"]
    assert {row["affiliation"] for row in rows} == {"'@SUM(1)", ""}
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_the_csv_without_emails_lists_only_those_who_chose_to_be_named(team, public_version):
    sign_and_confirm(public_version, "ann@example.org", "Ann Public", consent_public=True)
    sign_and_confirm(public_version, "bob@example.org", "Bob Private", consent_public=False)
    sign(public_version, "pat@example.org", "Pat Pending", consent_public=True)

    public_csv = signing.signatories_csv(public_version, include_emails=False)
    full_csv = signing.signatories_csv(public_version, include_emails=True)

    assert "Ann Public" in public_csv and "Bob Private" not in public_csv
    assert "@example.org" not in public_csv
    assert "Bob Private" in full_csv and "bob@example.org" in full_csv
    assert "Pat Pending" not in full_csv


# --- public lists ---------------------------------------------------------------------------


def test_public_lists_name_only_consenting_people_and_list_organisations_apart(
    team, public_version
):
    partner = factories.make_organisation(name="Allied Group")
    signing.sign_as_member(
        factories.add_member(partner, role="coordinator"), public_version, None, None, False,
        partner,
    )  # fmt: skip
    db.session.commit()
    sign_and_confirm(public_version, "zoe@example.org", "zoe Last", affiliation="Uni")
    sign_and_confirm(public_version, "amy@example.org", "Amy First", consent_public=True)
    sign_and_confirm(public_version, "ben@example.org", "ben Second", consent_public=True)
    _, withdrawn = sign_and_confirm(
        public_version, "wes@example.org", "Wes Withdrawn", consent_public=True
    )
    signing.withdraw(withdrawn, "e-mail link")
    db.session.commit()

    organisations, people = signing.public_lists(public_version)

    assert organisations == ["Allied Group"]
    assert people == [("Amy First", ""), ("ben Second", "")]  # alphabetical, any case
    assert signing.confirmed_count(public_version) == 4


def test_daily_counts_count_confirmed_signatures_by_day(public_version):
    sign_and_confirm(public_version, "a@example.org")
    sign_and_confirm(public_version, "b@example.org")
    sign(public_version, "c@example.org")

    assert signing.daily_counts(public_version) == [(signing.london_date(utcnow()).isoformat(), 2)]


def test_daily_counts_use_uk_days_in_summer_time_and_in_winter(public_version):
    """British Summer Time 2026 ends at 01:00 UTC on 25 October: an evening signature at
    23:30 UTC belongs to the next UK day in summer, and to the same day in winter."""
    confirmed_at = [
        datetime(2026, 10, 24, 22, 59),  # 23:59 BST, 24 October
        datetime(2026, 10, 24, 23, 30),  # 00:30 BST, 25 October
        datetime(2026, 10, 25, 0, 59),  # 01:59 BST, 25 October (the last summer minute)
        datetime(2026, 10, 25, 23, 30),  # 23:30 GMT, 25 October
        datetime(2026, 10, 26, 0, 0),  # 00:00 GMT, 26 October
        datetime(2026, 3, 29, 0, 30),  # 00:30 GMT, 29 March (summer time starts at 01:00)
        datetime(2026, 3, 29, 23, 30),  # 00:30 BST, 30 March
    ]
    for index, moment in enumerate(confirmed_at):
        _, signature = sign_and_confirm(public_version, f"s{index}@example.org")
        signature.confirmed_at = moment
    sign(public_version, "pending@example.org")
    db.session.commit()

    assert signing.daily_counts(public_version) == [
        ("2026-03-29", 1),
        ("2026-03-30", 1),
        ("2026-10-24", 1),
        ("2026-10-25", 3),
        ("2026-10-26", 1),
    ]


# --- verification ---------------------------------------------------------------------------


def test_a_fingerprint_is_verifiable_only_once_signing_was_opened(team, version):
    assert signing.find_published(version.sha256) is None

    signing.open_signing(membership(team.coordinator, team.organisation), version, False, None)
    db.session.commit()

    assert signing.find_published(version.sha256) == version
    assert signing.find_published(version.sha256.upper()) == version
    signing.close_signing(membership(team.coordinator, team.organisation), version)
    assert signing.find_published(version.sha256) == version  # it stays published


def test_an_exported_version_is_verifiable(version):
    """Exports mark the version published (published_at), as opening signing does."""
    version.published_at = utcnow()
    db.session.commit()

    assert signing.find_published(version.sha256) == version


@pytest.mark.parametrize("fingerprint", ["", "abc", "g" * 64, "0" * 64, "0" * 65])
def test_other_fingerprints_find_nothing(public_version, fingerprint):
    assert signing.find_published(fingerprint) is None


def test_public_visibility_follows_public_signing(team, version):
    coordinator = membership(team.coordinator, team.organisation)
    assert not signing.publicly_visible(version)

    signing.open_signing(coordinator, version, False, None)
    assert not signing.publicly_visible(version)
    signing.open_signing(coordinator, version, True, None)
    assert signing.publicly_visible(version)
    signing.close_signing(coordinator, version)
    assert signing.publicly_visible(version)  # what people signed stays readable
