"""The coordinator's view of a version's signatures (chart, filters, pages), the CSV of
signatories (owners and coordinators only, audited, safe in spreadsheets), and the public
verification page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from consult.extensions import db
from consult.signing import services
from consult.signing.models import Signature
from consult.timeutil import utcnow
from tests.organisations.support import location_path
from tests.signing.pages_support import (
    anonymous,
    audit,
    browsers_for,
    link,
    make_version,
    public_form,
    text_of,
)


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


def add_signature(version, number: int, **fields) -> Signature:
    """A signature row straight into the database: quicker than the form for long lists."""
    values = {
        "version_id": version.id,
        "kind": "public",
        "signer_key": f"email:s{number}@example.org",
        "name": f"Signer {number:03d}",
        "email": f"s{number}@example.org",
        "status": "confirmed",
        "confirmed_at": utcnow(),
        "consent_public": False,
    }
    values.update(fields)
    signature = Signature(**values)
    db.session.add(signature)
    db.session.commit()
    return signature


# --- the coordinator's view -----------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("member", 403), ("outsider", 404)])
def test_only_owners_and_coordinators_see_the_signatures(team, browsers, role, status):
    version = make_version(team, public=True)
    assert browsers(role).get(f"/versions/{version.id}/signatures").status_code == status
    assert browsers(role).get(f"/versions/{version.id}/signatures.csv").status_code == status
    assert audit("signatures.csv_downloaded") == []


def test_anonymous_visitors_are_sent_to_log_in(team, browsers):
    version = make_version(team, public=True)
    for path in (f"/versions/{version.id}/signatures", f"/versions/{version.id}/signatures.csv"):
        reply = browsers("anonymous").get(path)
        assert reply.status_code == 302 and location_path(reply) == "/login"


def test_the_coordinator_sees_every_signature_with_e_mails_and_a_chart(team, browsers):
    version = make_version(team, public=True)
    now = utcnow()
    add_signature(version, 1, confirmed_at=now - timedelta(days=3), name="Ada Early")
    add_signature(version, 2, confirmed_at=now - timedelta(days=1), consent_public=True)
    add_signature(version, 3, status="pending", confirmed_at=None)
    add_signature(version, 4, status="withdrawn", withdrawn_at=now, name="Wil Withdrawn")
    reply = browsers("coordinator").get(f"/versions/{version.id}/signatures")
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    text = text_of(page)
    for expected in ("Ada Early", "s1@example.org", "s3@example.org", "Wil Withdrawn"):
        assert expected in text
    assert "Waiting for confirmation" in text and "Withdrawn" in text
    assert '<svg viewBox="0 0 640 240" class="chart__svg" role="img"' in page
    assert "<polyline" in page and "style=" not in page[page.index("<svg") : page.index("</svg>")]
    # the text alternative: every day from the first to the last, with the running total
    table = text_of(page[page.index("chart-table") :])
    assert "Running total" in table
    assert f"{(now - timedelta(days=3)).strftime('%-d %b %Y')} 1 1" in table
    assert f"{now.strftime('%-d %b %Y')} 0 2" in table
    assert f'href="/versions/{version.id}/signatures.csv"' in page


def test_a_first_day_of_signatures_is_one_point_not_a_line_up_from_the_day_before(team, browsers):
    version = make_version(team, public=True)
    add_signature(version, 1)
    add_signature(version, 2)
    page = browsers("coordinator").get(f"/versions/{version.id}/signatures").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<polyline" not in svg and "<polygon" not in svg
    assert svg.count("<circle") == 1
    today = services.london_date(utcnow())
    rows = text_of(page[page.index("<tbody", page.index("chart-table")) : page.index("</tbody>")])
    assert rows == f"{today.strftime('%-d %b %Y')} 2 2"  # no day before it, at 0


def test_no_chart_before_the_first_confirmed_signature(team, browsers):
    version = make_version(team, public=True)
    page = browsers("owner").get(f"/versions/{version.id}/signatures").get_data(as_text=True)
    assert "<svg" not in page
    assert "No confirmed signatures yet" in text_of(page)


def test_filters_by_kind_status_and_name(team, browsers):
    version = make_version(team, public=True)
    add_signature(version, 1, name="Alice Public")
    add_signature(version, 2, name="Bob Pending", status="pending", confirmed_at=None)
    add_signature(
        version,
        3,
        kind="member",
        signer_key="user:999",
        name="Carol Member",
        email="carol@example.org",
    )
    add_signature(version, 4, name="100%_literal")
    browser = browsers("coordinator")

    def names(query: str) -> str:
        reply = browser.get(f"/versions/{version.id}/signatures?{query}")
        assert reply.status_code == 200
        page = reply.get_data(as_text=True)
        return text_of(page[page.index("All signatures") :])

    assert "Carol Member" in names("kind=member") and "Alice Public" not in names("kind=member")
    pending = names("status=pending")
    assert "Bob Pending" in pending and "Alice Public" not in pending
    assert "Alice Public" in names("q=alice") and "Bob Pending" not in names("q=alice")
    literal = names("q=%25_")  # % and _ are matched literally, not as wildcards
    assert "100%_literal" in literal and "Alice Public" not in literal
    assert "(1 matching)" in names("q=carol")
    assert browser.get(f"/versions/{version.id}/signatures?kind=robot").status_code == 400


def test_long_lists_are_paginated(team, browsers):
    version = make_version(team, public=True)
    for number in range(55):
        add_signature(version, number)
    browser = browsers("coordinator")
    first = browser.get(f"/versions/{version.id}/signatures").get_data(as_text=True)
    assert "Page 1 of 2" in text_of(first)
    assert first.count('data-label="Name"') == 50
    assert f'href="/versions/{version.id}/signatures?page=2"' in first
    second = browser.get(f"/versions/{version.id}/signatures?page=2").get_data(as_text=True)
    assert second.count('data-label="Name"') == 5
    assert browser.get(f"/versions/{version.id}/signatures?page=99").status_code == 200


# --- the CSV --------------------------------------------------------------------------------


def test_the_csv_is_for_coordinators_audited_and_never_cached(team, browsers):
    version = make_version(team, public=True)
    add_signature(version, 1, name="Ada Lovelace", affiliation="Analytical", consent_public=True)
    add_signature(version, 2, name="Quiet Person")
    add_signature(version, 3, name="Pending Person", status="pending", confirmed_at=None)
    reply = browsers("coordinator").get(f"/versions/{version.id}/signatures.csv")
    assert reply.status_code == 200
    assert reply.mimetype == "text/csv"
    assert reply.headers["Cache-Control"] == "no-store"
    disposition = reply.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"version-{version.number}.csv" in disposition
    body = reply.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["name"] for row in rows] == ["Ada Lovelace", "Quiet Person"]
    assert rows[0]["email"] == "s1@example.org" and rows[0]["publish_name"] == "yes"
    browsers("owner").get(f"/versions/{version.id}/signatures.csv")
    events = audit("signatures.csv_downloaded")
    assert [event.actor_id for event in events] == [team.coordinator.id, team.owner.id]
    assert all(event.subject_id == version.id for event in events)
    assert events[0].organisation_id == team.organisation.id


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_formula_prefixed_names_are_made_safe_in_the_csv(team, browsers, app, name):
    version = make_version(team, public=True)
    client = anonymous(app)
    client.post(
        f"/sign/{version.id}", data=public_form(app, version.id, "f@example.org", name=name)
    )
    anonymous(app).post(link("f@example.org", "confirm"))
    body = browsers("coordinator").get(f"/versions/{version.id}/signatures.csv")
    [row] = list(csv.DictReader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff"))))
    assert row["name"] == "'" + name


# --- verification ---------------------------------------------------------------------------


def test_anyone_verifies_a_published_fingerprint(team, app):
    version = make_version(team, public=True)
    add_signature(version, 1)
    add_signature(version, 2, status="withdrawn")
    client = anonymous(app)
    form = client.get("/verify")
    assert form.status_code == 200
    assert 'name="fingerprint"' in form.get_data(as_text=True)
    pasted = " ".join([version.sha256[:32].upper(), version.sha256[32:]])
    reply = client.get("/verify", query_string={"fingerprint": pasted})
    assert reply.status_code == 302
    assert location_path(reply) == f"/verify/{version.sha256}"
    text = text_of(client.get(location_path(reply)).get_data(as_text=True))
    assert "This fingerprint matches a published version" in text
    for expected in ("Our response", "Northtown Residents", "Confirmed signatures 1"):
        assert expected in text
    assert f"Version {version.number}" in text


def test_unpublished_and_unknown_fingerprints_are_not_confirmed(team, app):
    unpublished = make_version(team, public=None)
    client = anonymous(app)
    for fingerprint in (unpublished.sha256, "0" * 64, "not-a-fingerprint"):
        reply = client.get(f"/verify/{fingerprint}")
        assert reply.status_code == 200
        text = text_of(reply.get_data(as_text=True))
        assert "We have no published version with this fingerprint" in text
        assert "Our response" not in text


def test_a_malformed_fingerprint_is_explained_on_the_form(team, app):
    reply = anonymous(app).get("/verify", query_string={"fingerprint": "abc"})
    assert reply.status_code == 400
    assert "A fingerprint is 64 characters" in text_of(reply.get_data(as_text=True))
