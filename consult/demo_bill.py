"""The demo's bill (`flask demo`): OUR OWN illustrative text in the shape of a Westminster bill
about police use of facial recognition, laid out as a print (pages of numbered lines, margin
numbers every fifth line, a running head) and imported through the real text importer, so
the demo shows what an import of a published print gives.

Why our own words: the real bill's text is not available to us, and nothing may be put in
Parliament's or the Government's mouth. The bill is saved with `illustrative=True`, so every
page and export that shows it says plainly that it is not the text of any bill before
Parliament; its title says so too. Its stage dates are ours, set from the day of seeding.
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from consult.accounts.models import User
from consult.bills import services as bills
from consult.bills.amendments import Amendment, Kind
from consult.bills.importers import read_text
from consult.bills.models import Bill
from consult.bills.structure import ParsedPrint
from consult.drafting import services as drafting
from consult.drafting.models import Response
from consult.extensions import db
from consult.organisations.models import Membership, Organisation

DEMO_BILL_TITLE = "Police Reform Bill (illustrative text)"
DEMO_BILL_RESPONSE = "Our evidence on the Police Reform Bill (illustrative)"
RUNNING_HEAD = "Police Reform Bill (illustrative text, not Parliament's)"
LINES_PER_PAGE = 28
WIDTH = 66

# (part or None, number, heading, [(marker, text)]): our own drafting, in a bill's shape.
PARTS = {
    1: "FACIAL RECOGNITION BY POLICE FORCES",
    7: "OVERSIGHT",
    10: "GENERAL",
}
CLAUSES: list[tuple[int, str, list[tuple[str, str]]]] = [
    (1, "Use of live facial recognition", [
        ("(1)", "A police force may use live facial recognition in a public place only under "
                "an authorisation given under section 2."),
        ("(2)", "In this Act “live facial recognition” means the use of a system that compares, "
                "as they are captured, images of the faces of persons in a place with images of "
                "persons on a watchlist in order to identify any of them."),
        ("(3)", "Nothing in this section authorises the use of live facial recognition at or "
                "near a place of worship, a school, a hospital or an assembly held for the "
                "purpose of protest."),
    ]),
    (2, "Authorisation of use", [
        ("(1)", "An authorisation may be given by an authorised officer where the officer is "
                "satisfied that the use is necessary for the purpose of locating a person who "
                "is wanted in connection with a serious offence or who is at risk of serious "
                "harm, and that it is proportionate to that purpose."),
        ("(2)", "In this section “authorised officer” means an officer of at least the rank of "
                "superintendent who is not directly involved in the operation concerned."),
        ("(3)", "An authorisation must specify— (a) the place and the period of the use, which "
                "may not exceed 24 hours; (b) the watchlist to be used; and (c) the grounds on "
                "which the officer is satisfied as mentioned in subsection (1)."),
        ("(4)", "A record of every authorisation must be kept and published within 28 days "
                "after the end of the period it specifies."),
    ]),
    (3, "Watchlists", [
        ("(1)", "A watchlist may include an image of a person only if that person is wanted "
                "by a court, is unlawfully at large, or is a missing person at risk of serious "
                "harm."),
        ("(2)", "A watchlist must be compiled for each authorisation and must be destroyed at "
                "the end of the period that the authorisation specifies."),
    ]),
    (4, "Retrospective facial recognition", [
        ("(1)", "A police force may compare an image of an unidentified person with images "
                "held by the force for the purpose of identifying that person only in connection "
                "with the investigation of an offence for which a person aged 18 or over may be "
                "sentenced to imprisonment for a term of two years or more."),
        ("(2)", "A comparison under this section may not be made against images held for the "
                "purposes of passports, immigration control or driving licences."),
    ]),
    (5, "Deletion of images", [
        ("(1)", "An image of a person captured by live facial recognition that does not match "
                "an image on the watchlist must be deleted immediately and automatically."),
        ("(2)", "An image that matches an image on the watchlist must be deleted within 31 "
                "days unless it is needed as evidence in criminal proceedings."),
    ]),
    (6, "Prohibited uses", [
        ("(1)", "A police force may not use a system that infers the emotions, intentions or "
                "characteristics of a person from images of that person's face or body."),
        ("(2)", "A police force may not use facial recognition to identify persons taking part "
                "in a lawful assembly or procession."),
    ]),
    (7, "The Biometrics Commissioner", [
        ("(1)", "There is to be a Biometrics Commissioner, to be appointed by the Secretary of "
                "State after consulting the Information Commissioner."),
        ("(2)", "Schedule 1 makes further provision about the Commissioner."),
    ]),
    (8, "Code of practice", [
        ("(1)", "The Secretary of State must issue a code of practice about the use of facial "
                "recognition by police forces."),
        ("(2)", "Before issuing the code the Secretary of State must consult the Biometrics "
                "Commissioner, the Information Commissioner and such other persons as the "
                "Secretary of State considers appropriate."),
        ("(3)", "The code may not be issued unless a draft of it has been laid before, and "
                "approved by a resolution of, each House of Parliament."),
    ]),
    (9, "Annual report", [
        ("(1)", "The Biometrics Commissioner must publish a report each year on the use of "
                "facial recognition by police forces, including the number of authorisations, "
                "of persons identified and of false matches."),
    ]),
    (10, "Interpretation", [
        ("(1)", "In this Act— “police force” means a police force in England and Wales; "
                "“serious offence” has the meaning given by regulations made by the Secretary "
                "of State; “watchlist” means a list of images compiled under section 3."),
    ]),
    (11, "Short title", [
        ("", "This Act may be cited as the Police Reform Act (illustrative)."),
    ]),
]  # fmt: skip
SCHEDULE = (
    "THE BIOMETRICS COMMISSIONER",
    [
        ("1", "The Commissioner holds office for a single term of five years and may be "
              "removed only on an address from both Houses of Parliament."),
        ("2", "The Commissioner may inspect any system used by a police force for facial "
              "recognition and may require a chief officer to suspend its use pending an "
              "inspection."),
        ("3", "The Secretary of State must provide the Commissioner with such staff and "
              "resources as the Commissioner reasonably requires."),
    ],
)  # fmt: skip


def _wrapped(marker: str, text: str) -> list[str]:
    return textwrap.wrap(f"{marker} {text}".strip(), WIDTH)


def print_text() -> str:
    """The bill as text copied from a print: a form feed between pages, the running head at
    the top of each, the margin number before every fifth line."""
    rows = [
        "A",
        "BILL",
        "TO",
        *textwrap.wrap(
            "Make provision about the use of facial recognition technology by police forces "
            "in England and Wales; to establish a Biometrics Commissioner; and for connected "
            "purposes. (Illustrative text written for the Consult demo.)",
            WIDTH,
        ),
    ]
    for number, heading, items in CLAUSES:
        if number in PARTS:
            part = list(PARTS).index(number) + 1
            rows += [f"PART {part}", PARTS[number]]
        rows.append(f"{number} {heading}")
        for marker, text in items:
            rows += _wrapped(marker, text)
    rows += ["SCHEDULE 1", "Section 7", SCHEDULE[0]]
    for marker, text in SCHEDULE[1]:
        rows += _wrapped(marker, text)
    pages = []
    for start in range(0, len(rows), LINES_PER_PAGE):
        page = start // LINES_PER_PAGE + 1
        head = RUNNING_HEAD if page == 1 else f"{page}    {RUNNING_HEAD}"
        body = [
            f"{index:>3}  {row}" if index % 5 == 0 else row
            for index, row in enumerate(rows[start : start + LINES_PER_PAGE], start=1)
        ]
        pages.append("\n".join([head, *body]))
    return "\f".join(pages) + "\n"


def demo_print() -> ParsedPrint:
    return read_text(print_text(), title=DEMO_BILL_TITLE)


def _where(parsed: ParsedPrint, words: str) -> tuple[int, int]:
    """The page and line on which `words` are printed."""
    for line in parsed.lines:
        if words in line.text:
            return line.page, line.line
    raise LookupError(words)  # pragma: no cover - the text above has them


def seed_demo_bill(organisation: Organisation, people: dict[str, User]) -> bool:
    """The illustrative bill, its stages, and a response with clause positions and two
    amendments, once (by the bill's slug in the demo organisation)."""
    exists = db.session.scalar(
        select(Bill.id).where(
            Bill.organisation_id == organisation.id, Bill.title == DEMO_BILL_TITLE
        )
    )
    if exists:
        return False
    owner = db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id,
            Membership.user_id == people["owner"].id,
        )
    )
    parsed = demo_print()
    bill = bills.create_bill(
        owner,
        parsed,
        title=DEMO_BILL_TITLE,
        label="As introduced (illustrative)",
        source_kind="text",
        source_name="police-reform-bill-illustrative.txt",
        session="2026-27",
        house="commons",
        illustrative=True,
    )
    today = date.today()
    bills.set_stage(
        owner,
        bill,
        "second_reading",
        {
            "first_reading": today - timedelta(days=12),
            "second_reading": today + timedelta(days=9),
            "committee": today + timedelta(days=23),
            "report": today + timedelta(days=51),
            "third_reading": today + timedelta(days=51),
        },
        datetime.combine(today + timedelta(days=30), time(23, 59)),
    )
    _seed_response(owner, bill, parsed, people)
    return True


POSITIONS = {
    "1": ("amend", "We support putting live facial recognition on a statutory footing, but "
                   "subsection (3) must also cover places where people seek medical or legal "
                   "help."),
    "2": ("amend", "Authorisation by a police officer, however senior, is not independent. A "
                   "judge should authorise each deployment: see our amendment 1."),
    "4": ("concerns", "The two-year threshold covers a very wide range of offences. Searches "
                      "should be limited to the serious offences listed in regulations."),
    "6": ("support", "We strongly support the prohibition of emotion recognition and of "
                     "identifying people at lawful protests."),
}  # fmt: skip

# What the demo's response says before its clauses: enough for the committee's evidence and the
# briefing to have a summary and a sentence about who is writing.
OPENING = {
    "summary": "- Live facial recognition needs a law, and this bill is a start.\n"
    "- A judge, not a senior officer, should authorise each deployment (clause 2).\n"
    "- People identified should be told, so that they can challenge a wrong match (new "
    "clause).",
    "about": "The Demo Civil Liberties Network is a coalition of 40 local groups in England and "
    "Wales working on privacy, protest rights and fair policing.",
}


def _seed_response(
    owner: Membership, bill: Bill, parsed: ParsedPrint, people: dict[str, User]
) -> Response:
    response = drafting.create_bill_response(owner, bill, DEMO_BILL_RESPONSE)
    editor = people["editor"]
    for section in drafting.live_sections(response):
        if section.kind in OPENING:
            drafting.save_section(
                editor, section, OPENING[section.kind], None, section.head_revision_id
            )
        if section.kind == "clause" and section.clause in POSITIONS:
            position, text = POSITIONS[section.clause]
            drafting.save_section(editor, section, text, position, section.head_revision_id)
    page, line = _where(parsed, "superintendent")
    bills.add_amendment(
        editor,
        response,
        Amendment(
            kind=Kind.LEAVE_OUT_INSERT,
            page=page,
            line=line,
            leave_out="superintendent",
            insert="chief superintendent, with the approval of a judge,",
            explanatory_statement="This amendment would require a judge to approve each "
            "authorisation of live facial recognition.",
            purpose="A judge, not the police themselves, should decide when live facial "
            "recognition is used.",
        ),
    )
    bills.add_amendment(
        people["owner"],
        response,
        Amendment(
            kind=Kind.NEW_CLAUSE,
            title="Notification of persons identified",
            text="(1) A police force that identifies a person by facial recognition must tell "
            "that person so in writing within 90 days, unless doing so would prejudice an "
            "investigation.\n(2) The Biometrics Commissioner must review each decision not to "
            "tell a person.",
            explanatory_statement="This new clause would require police forces to tell people "
            "that they were identified by facial recognition.",
            purpose="People should know when they have been identified, so that they can "
            "challenge a wrong match.",
        ),
    )
    return response
