"""A frozen response to a bill for the export tests: the sample print (our own illustrative
text), a position and an explanation on each clause, amendments of several kinds, and
co-signing organisations (one of which asked not to be named). Made through the real services,
so it holds only what the application lets people store."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from consult.bills import services as bills
from consult.bills.amendments import Amendment
from consult.drafting import services as drafting
from consult.drafting.models import Response
from consult.extensions import db
from consult.signing import services as signing
from consult.signing.models import Version
from tests import factories
from tests.bills.sample import PRINT
from tests.exports.export_support import membership

SUMMARY = """\
- Live facial recognition should need a judge's authorisation, not a police officer's.
- The Biometrics Commissioner must be consulted on the code of practice.
- Images must be deleted within 24 hours, not 28 days."""

ABOUT = (
    "Northtown Residents is a community association of 1,200 households. Our members have "
    "lived with repeated live facial recognition deployments at the town-centre station."
)

CLAUSES = {
    "1": (
        "amend",
        "Clause 1 lets a police officer authorise live facial recognition. A decision this "
        "intrusive should be a judge's.\n\nAn authorisation should also be limited in time.",
    ),
    "2": ("concerns", "The code of practice should be laid before Parliament and approved."),
    "Schedule 1": ("oppose", "Twenty-eight days is far too long to keep the images of everyone."),
}

RECOMMENDATIONS = """\
1. Require a judge to authorise every use of live facial recognition.
2. Create an independent Commissioner for Biometrics."""

# (title, fields): a leave out and insert, an insertion set out at the end of a line, words
# left out, a clause stand part and a new clause.
AMENDMENTS = [
    (
        "Judicial authorisation",
        {
            "kind": "leave_out_insert",
            "page": 1,
            "line": 4,
            "leave_out": "authorised officer",
            "insert": "judge",
            "explanatory_statement": "This amendment would require a judge to authorise the "
            "use of live facial recognition.",
            "purpose": "A judge, not a senior police officer, would decide.",
        },
    ),
    (
        "",
        {
            "kind": "insert",
            "page": 1,
            "line": 6,
            "insert": "(1A) An authorisation under subsection (1) lasts no longer than 24 hours.",
            "explanatory_statement": "This amendment would limit an authorisation to 24 hours.",
            "purpose": "Each use would need a fresh authorisation every day.",
        },
    ),
    (
        "Consultation on the code",
        {
            "kind": "leave_out",
            "page": 2,
            "line": 3,
            "leave_out": "and such other persons as the Secretary of State",
            "explanatory_statement": "This amendment is consequential on the new clause.",
        },
    ),
    (
        "Retention",
        {
            "kind": "stand_part",
            "clause": "Schedule 1",
            "explanatory_statement": "This would remove the Schedule on retention.",
            "purpose": "We oppose keeping images for 28 days.",
        },
    ),
    (
        "Independent oversight",
        {
            "kind": "new_clause",
            "title": "Commissioner for Biometrics",
            "text": "(1) The Secretary of State must appoint a Commissioner for Biometrics.\n"
            "(2) The Commissioner must review each authorisation under section 1.",
            "explanatory_statement": "This new clause would create an independent "
            "Commissioner to review every authorisation.",
            "purpose": "Someone independent of the police would check every use.",
        },
    ),
]

REFERENCE = "Clause 1, page 1, line 4, leave out “authorised officer” and insert “judge”"
NAMED_PARTNER = "Open Rights Coalition"
WITHDRAWN_PARTNER = "Withdrawn Partners Trust"


@dataclass(frozen=True)
class BillExport:
    response: Response
    version: Version


def write_bill_response(team, *, illustrative: bool = True, summary: str = SUMMARY) -> Response:
    owner = membership(team.owner, team.organisation)
    bill = bills.create_bill(
        owner,
        PRINT,
        title="Police Reform Bill (illustrative)" if illustrative else "Police Reform Bill",
        label="As introduced",
        source_kind="text",
        illustrative=illustrative,
    )
    bill.stage = "committee"
    response = drafting.create_bill_response(owner, bill, "Our evidence on the Police Reform Bill")
    for section in drafting.live_sections(response):
        if section.kind == "summary":
            drafting.save_section(team.editor, section, summary, None, None)
        elif section.kind == "about":
            drafting.save_section(team.editor, section, ABOUT, None, None)
        elif section.kind == "recommendations":
            drafting.save_section(team.editor, section, RECOMMENDATIONS, None, None)
        elif section.kind == "clause":
            position, text = CLAUSES[section.clause]
            drafting.save_section(team.editor, section, text, position, None)
    for title, fields in AMENDMENTS:
        bills.add_amendment(team.editor, response, Amendment.from_dict(fields), title)
    db.session.commit()
    return response


def freeze_and_cosign(team, response: Response) -> Version:
    """Frozen by the owner; two partner organisations co-sign (an organisation's name is
    always public), one then withdraws; a member signs and is named, another is not."""
    version = signing.freeze(membership(team.owner, team.organisation), response, "v1")
    signing.open_signing(membership(team.coordinator, team.organisation), version, False, None)
    for name in (NAMED_PARTNER, WITHDRAWN_PARTNER):
        owner = factories.make_user(name=f"Owner of {name}")
        partner = factories.make_organisation(owner, name=name)
        signature = signing.sign_as_member(owner, version, None, None, True, on_behalf_of=partner)
    signing.withdraw(signature, "account")
    signing.sign_as_member(team.editor, version, None, None, True)
    signing.sign_as_member(team.member, version, None, None, False)
    db.session.commit()
    return version


@pytest.fixture
def bill_export(team) -> BillExport:
    response = write_bill_response(team)
    return BillExport(response, freeze_and_cosign(team, response))
