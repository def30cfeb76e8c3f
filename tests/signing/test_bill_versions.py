"""Frozen responses to a bill on the signing pages: the version page, the signing page and the
verification page name the bill (not a consultation), say when its text is our own
illustrative text, show each clause's position and every amendment in House style; and
co-signing a version signs its amendments with the rest, because they are in the content whose
fingerprint is signed: change an amendment's words and the fingerprint changes."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from sqlalchemy import select

from consult.bills import services as bills
from consult.bills.amendments import Amendment
from consult.drafting import services as drafting
from consult.extensions import db
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import ConsentRecord
from consult.signing.services.versions import canonical_bytes, canonical_content
from tests.bills.sample import PRINT
from tests.organisations.support import text_of
from tests.signing.pages_support import browsers_for
from tests.signing.support import mails_to, membership

JUDGE = {
    "kind": "leave_out_insert",
    "page": 1,
    "line": 4,
    "leave_out": "authorised officer",
    "insert": "judge",
    "explanatory_statement": "This amendment would require a judge to authorise the use.",
    "purpose": "A judge is independent of the police.",
}
REFERENCE = (
    "Clause 1, page 1, line 4, leave out \u201cauthorised officer\u201d"
    " and insert \u201cjudge\u201d"
)


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


@pytest.fixture
def bill_response(team):
    bill = bills.create_bill(
        membership(team.coordinator, team.organisation),
        PRINT,
        title="Police Reform Bill",
        label="As introduced",
        source_kind="text",
        illustrative=True,
    )
    response = drafting.create_bill_response(
        membership(team.editor, team.organisation), bill, "Our evidence"
    )
    clause = next(s for s in response.sections if s.kind == "clause" and s.clause == "1")
    drafting.save_section(team.editor, clause, "A judge should decide.", "amend", None)
    bills.add_amendment(team.editor, response, Amendment.from_dict(JUDGE))
    db.session.commit()
    return response


@pytest.fixture
def bill_version(team, bill_response):
    version = signing.freeze(membership(team.owner, team.organisation), bill_response, "First")
    db.session.commit()
    return version


def test_the_version_page_names_the_bill_and_shows_positions_and_amendments_in_house_style(
    browsers, bill_version
):
    page = text_of(browsers("member").get(f"/versions/{bill_version.id}").get_data(as_text=True))

    assert (
        "response to the Police Reform Bill, a bill before the House of Commons "
        "(page and line numbers from the print \u201cAs introduced\u201d)."
    ) in page
    assert "consultation" not in page.split("Version 1", 1)[1].lower().split("fingerprint")[0]
    assert "Illustrative text." in page
    assert "Clause 1: Use of live facial recognition Position: Amend A judge should decide." in page
    assert f"Amendment 1 {REFERENCE} Member\u2019s explanatory statement This amendment" in page
    assert "Purpose, for supporters A judge is independent of the police." in page
    assert "Kind: leave_out_insert" not in page  # never the stored field lines


def test_the_signing_page_of_a_bill_response_says_what_is_signed(browsers, team, bill_version):
    signing.open_signing(membership(team.coordinator, team.organisation), bill_version, True, None)
    db.session.commit()

    page = text_of(browsers("anonymous").get(f"/sign/{bill_version.id}").get_data(as_text=True))

    assert "response to the Police Reform Bill, a bill before the House of Commons" in page
    assert "a consultation by" not in page
    assert "Illustrative text." in page
    assert REFERENCE in page


def test_verifying_a_published_bill_version_names_the_bill(browsers, team, bill_version):
    signing.open_signing(membership(team.coordinator, team.organisation), bill_version, True, None)
    db.session.commit()

    page = text_of(
        browsers("anonymous").get(f"/verify/{bill_version.sha256}").get_data(as_text=True)
    )

    assert "Bill Police Reform Bill, a bill before the House of Commons" in page
    assert "illustrative text, not Parliament\u2019s" in page
    assert REFERENCE in page


def test_the_fingerprint_changes_when_an_amendments_words_change(team, bill_response):
    frozen_at = datetime(2026, 6, 1, 12, 0, 0)

    def fingerprint() -> str:
        content = canonical_content(bill_response, 1, frozen_at)
        return hashlib.sha256(canonical_bytes(content)).hexdigest()

    before = fingerprint()
    section = bills.amendment_sections(bill_response)[0]
    bills.save_amendment(
        team.editor,
        section,
        Amendment.from_dict({**JUDGE, "insert": "circuit judge"}),
        section.head_revision_id,
    )
    db.session.commit()

    assert fingerprint() != before
    assert any(
        "Insert:\n  circuit judge" in frozen["body"]
        for frozen in canonical_content(bill_response, 1, frozen_at)["sections"]
        if frozen["kind"] == "amendment"
    )


def test_a_signature_of_a_bill_version_is_of_its_amendments_too(team, bill_response):
    first = signing.freeze(membership(team.owner, team.organisation), bill_response, "First")
    section = bills.amendment_sections(bill_response)[0]
    bills.save_amendment(
        team.editor,
        section,
        Amendment.from_dict({**JUDGE, "insert": "circuit judge"}),
        section.head_revision_id,
    )
    second = signing.freeze(membership(team.owner, team.organisation), bill_response, "Second")
    signing.open_signing(membership(team.coordinator, team.organisation), first, False, None)
    signature = signing.sign_as_member(team.editor, first, None, None, False)
    db.session.commit()

    assert first.sha256 != second.sha256
    assert signature.version_id == first.id
    signed = [s for s in signing.content_of(first)["sections"] if s["kind"] == "amendment"]
    assert [s["body"].split("Insert:\n  ", 1)[1].split("\n")[0] for s in signed] == ["judge"]


def test_a_public_signature_through_the_api_names_the_bill_in_its_consent_and_e_mail(
    client, team, bill_version
):
    """The public API reads the version as one row (SigningTarget): a bill response's version
    must still name the bill, as the form's path does."""
    coordinator = membership(team.coordinator, team.organisation)
    signing.open_signing(coordinator, bill_version, True, None)
    db.session.commit()

    reply = client.post(
        f"/api/v1/versions/{bill_version.id}/signatures",
        json={
            "name": "Pat Public",
            "email": "pat@example.org",
            "consent_public": False,
            "consent_statement": consent.CURRENT_VERSION,
        },
    )

    assert reply.status_code == 202, reply.get_data(as_text=True)
    (record,) = db.session.scalars(select(ConsentRecord))
    assert record.statement == consent.statement("Northtown Residents", "Police Reform Bill")
    (mail,) = mails_to("pat@example.org")
    assert "Northtown Residents's response to\n“Police Reform Bill” (version 1)" in mail.body
    assert mail.body.rstrip().endswith("on behalf of Northtown Residents")
