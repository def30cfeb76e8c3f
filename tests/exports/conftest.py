"""Export fixtures, shared by the builder, text, PDF, DOCX/ODT and job tests: a fully written
response of the team's organisation to the built-in facial-recognition consultation, its
frozen version, that version with a realistic mix of signatures, and a response full of
hostile input (markup, scripts, dangerous links, spreadsheet formulas).

Everything is made through the real drafting and signing services, so the fixtures hold only
what the application itself would let people store."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.drafting import services as drafting
from consult.drafting.models import Response
from consult.extensions import db
from consult.organisations.models import Membership, Organisation
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import Version
from tests import factories

BUILTIN_SLUG = "facial-recognition-framework"

SUMMARY = """\
- Live facial recognition should be used only with **prior judicial authorisation**.
- The framework must cover *every* biometric technology, including emotion inference.
- A single, well-funded oversight body needs real powers of sanction.
- Watch-lists must be narrow, published in outline, and reviewed every 28 days."""

ABOUT = """\
Northtown Residents is a community association of 1,200 households in the north of the \
city. Our members have lived with repeated \
[live facial recognition deployments](https://www.example.org/deployments) at the \
town-centre station since 2023.

We are unfunded and independent; this response was written by a working group of twelve \
members and agreed at our general meeting."""

# (closed choice or None, Markdown) for each of the 17 questions, by number.
ANSWERS: dict[int, tuple[str | None, str]] = {
    1: (
        "Agree",
        """\
A single framework is overdue. Today the rules are spread across common law, the Data \
Protection Act 2018 and guidance that changes from force to force.[^1]

## What "biometric" should mean

The definition should follow the *function* of the technology, not its brand name:

1. facial recognition, live and retrospective;
2. gait, voice and iris recognition;
3. any future technique that identifies a person from their body.

[^1]: See the Biometrics and Surveillance Camera Commissioner's annual report, 2023.""",
    ),
    2: (
        "Agree",
        """\
Emotion and intent inference is **not scientifically sound**, and its use by police should \
be prohibited rather than regulated. As one researcher put it:

> There is no reliable way to read a person's inner state from their face.

Including it in the framework is the only way to say so in law.[^note]

[^note]: Barrett et al., *Emotional Expressions Reconsidered*, 2019.""",
    ),
    3: (
        "Neither agree nor disagree",
        """\
Object-based identification (clothing, belongings, vehicles) raises different questions. \
We would support its inclusion if the same safeguards applied, in particular:

- a record of every search;
- deletion of non-matches at once;
- the same authorisation levels as for faces.""",
    ),
    4: (
        None,
        """\
Yes. The three uses carry very different risks:

| Use | Risk |
| --- | --- |
| Live | mass scanning of everyone passing |
| Retrospective | searches of old footage |

Live use scans thousands of people who are suspected of nothing; it should need a judge's \
warrant. Retrospective searches should need a superintendent's authority and a log entry.""",
    ),
    5: (
        "Disagree",
        """\
The framework should apply to **any body** using these technologies for a law-enforcement \
purpose, including private companies acting for the police and local authorities. \
Otherwise the rules can be avoided by outsourcing.""",
    ),
    6: (
        "Agree",
        """\
Seriousness of harm is the right test, provided it is written in the Act and not left to \
guidance. See also our answer to question 7.""",
    ),
    7: (
        None,
        """\
A harm should count as serious only if it involves:

- a risk to life or of serious injury;
- an offence carrying at least five years' imprisonment;
- a missing person at risk of harm.

Shoplifting, anti-social behaviour and public-order offences should *not* qualify.[^1]

[^1]: This mirrors the threshold in the Investigatory Powers Act 2016, s. 263.""",
    ),
    8: (
        None,
        """\
Use should be permitted only to locate a named person who is wanted for a serious offence \
or is at risk, and never to monitor a protest, a place of worship or a school gate.""",
    ),
    9: (
        None,
        """\
Watch-lists should be drawn up afresh for each deployment and deleted when it ends. Custody \
images of people never charged must be deleted.""",
    ),
    10: (
        None,
        """\
The framework should forbid deployments that target lawful assemblies and should require a \
published impact assessment before any deployment. Our model assessment is at \
<https://www.example.org/assessments>.""",
    ),
    11: (
        "Disagree",
        """\
Searching passport, immigration and driving-licence databases would turn every adult into \
a suspect in a permanent line-up. Those images were given for another purpose.""",
    ),
    12: (
        None,
        """\
A judge should authorise every live deployment in advance, except in a genuine emergency, \
when an officer of at least the rank of superintendent may authorise it for up to 24 hours.""",
    ),
    13: (
        None,
        """\
Every system must be **independently tested** for differences in accuracy by sex, age and \
ethnicity before use, and the results published. Deployments must stop if a significant \
difference is found.

```
false-match rate: 1 in 6,000 (vendor figure, 2024)
```""",
    ),
    14: (
        "Agree",
        """\
One body, with one set of published standards, would end the current confusion.""",
    ),
    15: (
        "Neither agree nor disagree",
        """\
Bringing the commissioners together makes sense only if the new body keeps their independence.""",
    ),
    16: (
        None,
        """\
The body should be able to:

1. set binding standards and statutory codes;
2. investigate on its own initiative;
    - including inspecting watch-lists;
    - and auditing match logs;
3. order a deployment to stop, and impose fines.

***

It must be funded independently of the Home Office.""",
    ),
    17: (
        None,
        """\
Thank you for the chance to respond. We would be glad to give oral evidence.""",
    ),
}

RECOMMENDATIONS = """\
1. Require prior judicial authorisation for live facial recognition.
2. Ban emotion-inference technologies for law enforcement.
3. Create a single oversight body with powers of sanction.
4. Publish every watch-list's size and criteria."""


@dataclass(frozen=True)
class ExportTexts:
    """What the `export_response` fixture wrote, so tests can look for it in the output."""

    summary: str
    about: str
    answers: dict[int, tuple[str | None, str]]
    recommendations: str


def builtin_consultation() -> Consultation:
    return db.session.scalar(select(Consultation).where(Consultation.slug == BUILTIN_SLUG))


def membership(user, organisation) -> Membership:
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )


def write_sections(user, response: Response, texts: dict[tuple[str, int | None], tuple]) -> None:
    """Save (choice, body) into the live sections, keyed by (kind, question number)."""
    for section in drafting.live_sections(response):
        key = (section.kind, section.number)
        if key in texts:
            choice, body = texts[key]
            drafting.save_section(user, section, body, choice, section.head_revision_id)


@pytest.fixture
def export_texts() -> ExportTexts:
    return ExportTexts(SUMMARY, ABOUT, dict(ANSWERS), RECOMMENDATIONS)


@pytest.fixture
def export_response(team) -> Response:
    """A complete response by Northtown Residents (the team's organisation) to the built-in
    consultation: every section written in Markdown (headings, emphasis, lists nested and
    numbered, a quote, a table, code, a rule, links), a closed choice on every scale
    question, and footnotes in three sections, each labelled from 1 in its own section.
    It holds no contact details and has under 3,000 words, so it breaks no profile rule."""
    response = drafting.create_response(
        membership(team.owner, team.organisation),
        builtin_consultation(),
        "Northtown Residents' response on facial recognition",
    )
    texts: dict[tuple[str, int | None], tuple] = {
        ("summary", None): (None, SUMMARY),
        ("about", None): (None, ABOUT),
        ("recommendations", None): (None, RECOMMENDATIONS),
    }
    texts.update({("question", number): answer for number, answer in ANSWERS.items()})
    write_sections(team.editor, response, texts)
    db.session.commit()
    return response


@pytest.fixture
def frozen_version(team, export_response) -> Version:
    """`export_response` frozen as version 1 by its owner (signing not opened)."""
    version = signing.freeze(membership(team.owner, team.organisation), export_response, "v1")
    db.session.commit()
    return version


def _confirm_public(version: Version, name: str, email: str, affiliation: str, public: bool):
    signing.sign_publicly(version, name, email, affiliation, public, consent.CURRENT_VERSION)
    message = factories.emails_to(email)[-1]
    token = re.search(r"/signatures/confirm/([A-Za-z0-9_\-]+)", message.body).group(1)
    return signing.confirm(token)


@dataclass(frozen=True)
class SignedNames:
    """Who signed `signed_version`, by what should and should not be published."""

    organisations: tuple[str, ...]  # co-signing organisations (always published)
    published_people: tuple[tuple[str, str], ...]  # (name, affiliation), consented
    unpublished_people: tuple[str, ...]  # confirmed, but did not consent to publication
    withdrawn: tuple[str, ...]
    pending: tuple[str, ...]
    confirmed_total: int


SIGNED = SignedNames(
    organisations=("Open Rights Coalition", "Privacy First Alliance"),
    published_people=(
        ("Dr Amira Hussain", "University of Northtown"),
        ("Eddie Editor", ""),
    ),
    unpublished_people=("Quiet Quentin", "Mo Member"),
    withdrawn=("Wanda Withdrawn",),
    pending=("Penny Pending",),
    confirmed_total=6,
)


@pytest.fixture
def signed_names() -> SignedNames:
    return SIGNED


@pytest.fixture
def signed_version(team, frozen_version) -> Version:
    """`frozen_version` opened for public signing, signed by two partner organisations, two
    people who consented to publication (one with an affiliation), two who did not, one who
    withdrew and one who never confirmed (see SIGNED)."""
    version = frozen_version
    signing.open_signing(membership(team.coordinator, team.organisation), version, True, None)
    for name in SIGNED.organisations:
        owner = factories.make_user(name=f"Owner of {name}")
        partner = factories.make_organisation(owner, name=name)
        signing.sign_as_member(owner, version, None, None, True, on_behalf_of=partner)
    signing.sign_as_member(team.editor, version, None, None, True)
    signing.sign_as_member(team.member, version, None, None, False)
    _confirm_public(
        version, "Dr Amira Hussain", "amira@example.org", "University of Northtown", True
    )
    _confirm_public(version, "Quiet Quentin", "quentin@example.org", "", False)
    withdrawn = _confirm_public(version, "Wanda Withdrawn", "wanda@example.org", "", True)
    signing.withdraw(withdrawn, "e-mail link")
    signing.sign_publicly(
        version, "Penny Pending", "penny@example.org", None, True, consent.CURRENT_VERSION
    )
    db.session.commit()
    return version


HOSTILE_NAME = "<script>alert(\"name\")</script> =cmd|' /C calc'!A0"
HOSTILE_ORGANISATION = "<b>Evil</b> & Co <script>alert(1)</script>"
HOSTILE_TITLE = '<img src=x onerror=alert("title")>'
HOSTILE_SECTION_TITLE = '<script>alert("section")</script> [click](javascript:alert(1))'
HOSTILE_SUMMARY = """\
<script>alert("summary")</script>

<div onclick="alert(1)">**Bold** inside a div</div>

- [a javascript link](javascript:alert(document.cookie))
- [a data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
- [a vbscript link](vbscript:msgbox(1)) and <javascript:alert(2)>
- =cmd|' /C calc'!A0 and +SUM(1,2) and @SUM(A1)"""
HOSTILE_ANSWER = """\
An image from afar: ![tracking pixel](https://evil.example/pixel.png)

A local file: ![secrets](file:///etc/passwd) and [a file link](file:///etc/passwd)

Inline HTML: <img src="x" onerror="alert(1)"> <iframe src="https://evil.example"></iframe>

<style>body { display: none }</style>

A footnote with a trap.[^x]

[^x]: <script>alert("footnote")</script> [see](javascript:alert(3))"""


@dataclass(frozen=True)
class HostileTexts:
    name: str
    organisation: str
    title: str
    section_title: str
    summary: str
    answer: str


@pytest.fixture
def hostile_texts() -> HostileTexts:
    return HostileTexts(
        HOSTILE_NAME,
        HOSTILE_ORGANISATION,
        HOSTILE_TITLE,
        HOSTILE_SECTION_TITLE,
        HOSTILE_SUMMARY,
        HOSTILE_ANSWER,
    )


@pytest.fixture
def hostile_response(db) -> Response:
    """A response whose organisation, title, custom section title and text are hostile:
    raw HTML and scripts, javascript:/data:/vbscript:/file: links, remote and file: images,
    spreadsheet formulas. Summary and question 1 (with the choice "Agree") hold the hostile
    Markdown; a custom section has a hostile title. Its owner is called HOSTILE_NAME."""
    owner = factories.make_user(name=HOSTILE_NAME)
    organisation: Organisation = factories.make_organisation(owner, name=HOSTILE_ORGANISATION)
    response = drafting.create_response(
        membership(owner, organisation), builtin_consultation(), HOSTILE_TITLE
    )
    custom = drafting.add_section(owner, response, HOSTILE_SECTION_TITLE)
    drafting.save_section(owner, custom, HOSTILE_ANSWER, None, None)
    write_sections(
        owner,
        response,
        {
            ("summary", None): (None, HOSTILE_SUMMARY),
            ("question", 1): ("Agree", HOSTILE_ANSWER),
        },
    )
    db.session.commit()
    return response


@pytest.fixture
def hostile_version(hostile_response) -> Version:
    """`hostile_response` frozen and opened for public signing, signed by a partner
    organisation and a public signer (who consented to publication) with hostile names."""
    response = hostile_response
    owner_membership = db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == response.organisation_id, Membership.role == "owner"
        )
    )
    version = signing.freeze(owner_membership, response, "hostile")
    signing.open_signing(owner_membership, version, True, None)
    partner_owner = factories.make_user(name="Partner Owner")
    partner = factories.make_organisation(partner_owner, name='=HYPERLINK("http://evil")')
    signing.sign_as_member(partner_owner, version, None, None, True, on_behalf_of=partner)
    _confirm_public(version, HOSTILE_NAME, "hostile@example.org", "<i>Affil</i> =1+1", True)
    db.session.commit()
    return version


# A frozen response to a bill, co-signed (tests/exports/bill_fixtures.py).
from tests.exports.bill_fixtures import bill_export  # noqa: E402, F401
