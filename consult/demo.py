"""Demo data for `make run` and screenshots: an organisation with a person in each role, a
half-drafted response to the built-in facial-recognition consultation, and an illustrative
bill (our own text, consult/demo_bill.py) with a response and two amendments. Idempotent, so
`make run` can call it every time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, insert, literal, select

from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.consultations.models import Consultation
from consult.consultations.services import find_visible, install_builtin_consultations
from consult.demo_bill import seed_demo_bill
from consult.drafting import services as drafting
from consult.drafting.models import Response, Section
from consult.extensions import db
from consult.organisations.models import Membership, Organisation
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import ConsentRecord, Signature, Version
from consult.timeutil import utcnow

DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for the demo; `demo` refuses production
DEMO_ORGANISATION = "Demo Civil Liberties Network"
DEMO_SLUG = "demo-civil-liberties-network"
DEMO_PEOPLE = (
    ("coordinator@demo.example", "Alex Morgan", "owner"),
    ("editor@demo.example", "Sam Patel", "editor"),
    ("member@demo.example", "Jo Williams", "member"),
)
DEMO_CONSULTATION = "facial-recognition-framework"
DEMO_RESPONSE_TITLE = "Our response to the Home Office on facial recognition"

# Our own words, from a civil-liberties point of view. Keys: "summary", "about", or the
# question number; values: (choice for scale questions or None, text, writer, assignee, status).
# Writers and assignees are "coordinator" or "editor" (DEMO_PEOPLE by role).
DEMO_TEXT: dict[object, tuple[str | None, str, str, str | None, str]] = {
    "summary": (
        None,
        "We welcome a single statutory framework: police use of facial recognition has grown "
        "for a decade on the strength of guidance, local policies and one court judgment. "
        "But a framework that mainly authorises use would make things worse, not better.\n\n"
        "Our main points:\n\n"
        "- Live facial recognition in public spaces should be allowed only for a short, closed "
        "list of the most serious crimes, with prior judicial authorisation.\n"
        "- Searching passport, immigration or driving-licence photographs must be ruled out: "
        "people gave those images to get a document, not to join a police line-up.\n"
        "- Inferring emotion or intent from faces should be prohibited outright.\n"
        "- The new regulator needs the power to stop deployments, not only to publish codes.",
        "coordinator",
        "coordinator",
        "ready_for_review",
    ),
    "about": (
        None,
        "The Demo Civil Liberties Network is a coalition of 40 local groups in England and "
        "Wales working on privacy, protest rights and fair policing. Our members have observed "
        "live facial recognition deployments in six cities since 2020 and support people who "
        "were stopped after a false match.\n\n"
        "This response was written by our policy group with members' comments. We are happy "
        "for it to be published.",
        "coordinator",
        "coordinator",
        "agreed",
    ),
    1: (
        "Agree",
        "Yes. The public experiences these tools as one thing: a camera that knows who they "
        "are. If the framework covers facial recognition but not gait, voice or iris "
        "recognition, forces will simply move to whichever technology is least regulated.\n\n"
        "The definitions should be technology-neutral and look at what a system does "
        "(identify, track or categorise people from their bodies), not at today's product "
        "names.",
        "editor",
        "editor",
        "agreed",
    ),
    2: (
        "Agree",
        "It should cover them in order to prohibit them. Systems that claim to read emotion, "
        "deception or 'hostile intent' from a face rest on contested science.[^1] Using them "
        "to decide whom to stop or search would put people at risk on the basis of a guess "
        "about their inner state.\n\n"
        "[^1]: The Information Commissioner's Office warned in 2022 that emotion analysis "
        "technologies are immature and may never meet the requirements of data protection law.",
        "editor",
        "editor",
        "ready_for_review",
    ),
    4: (
        None,
        "Yes, they carry different risks and need different rules, but no mode is harmless.\n\n"
        "**Live** facial recognition scans everyone who walks past a camera van, in real time. "
        "It is the most intrusive and should need prior judicial authorisation, a published "
        "deployment notice and a list of the people being sought.\n\n"
        "**Retrospective** searches of images after an event feel less dramatic, yet they can "
        "be run against thousands of photographs of a protest. They need a threshold of "
        "serious crime and independent sign-off above a set number of searches.\n\n"
        "**Operator-initiated** searches from an officer's phone turn every stop into a "
        "potential identity check. They should be limited to people who have been arrested.",
        "editor",
        "editor",
        "drafting",
    ),
    6: (
        "Agree",
        "A seriousness test is the right approach, provided it is a real threshold written in "
        "law and not a list of examples that grows with each deployment. The test should be "
        "applied per deployment, and the reasons recorded and published afterwards.",
        "coordinator",
        "editor",
        "drafting",
    ),
    9: (
        None,
        "Watchlists should hold only people wanted for a serious offence or missing people at "
        "risk, be compiled afresh for each deployment and be deleted when it ends. Custody "
        "photographs of people who were never charged must be deleted, as the High Court "
        "required in 2012; many are still held.",
        "editor",
        "editor",
        "drafting",
    ),
    10: (
        None,
        "People must be able to attend a protest, a place of worship or a clinic without being "
        "identified by the state. The framework should:\n\n"
        "1. prohibit live facial recognition at or near protests and religious gatherings;\n"
        "2. require deletion within 24 hours of all images of people who are not on a watchlist;\n"
        "3. give everyone a right to be told if they were identified by a search, once that no "
        "longer harms an investigation.\n\n"
        "Without these safeguards the mere presence of the vans will keep people away from "
        "lawful protest: the chilling effect is the harm, even when no one is arrested.",
        "editor",
        "editor",
        "drafting",
    ),
    11: (
        "Disagree",
        "No. More than 45 million passport and driving-licence photographs were collected for "
        "a different purpose, under different rules. Opening them to police searches would "
        "turn most adults in the country into permanent suspects in a digital line-up, without "
        "any debate in Parliament about that change.",
        "coordinator",
        None,
        "drafting",
    ),
}
DEMO_COMMENT = (
    "Can we cite the judgment here? Bridges v South Wales Police (2020) is the obvious one.",
    "member",
    "summary",
)


def seed_demo() -> bool:
    """Create what is missing of the demo data; True when anything was created."""
    created = False
    # By slug: it is unique (a second insert would fail), while names are not, and another
    # group's organisation that happens to share the name must not gain the demo accounts.
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == DEMO_SLUG))
    if organisation is None:
        organisation = Organisation(name=DEMO_ORGANISATION, slug=DEMO_SLUG)
        db.session.add(organisation)
        db.session.flush()
        created = True
    people: dict[str, User] = {}
    for email, name, role in DEMO_PEOPLE:
        user = accounts.find_user(email)
        if user is None:
            user = accounts.create_confirmed_user(email, name, DEMO_PASSWORD)
            created = True
        membership = db.session.scalar(
            select(Membership).where(
                Membership.organisation_id == organisation.id, Membership.user_id == user.id
            )
        )
        if membership is None:
            db.session.add(Membership(organisation=organisation, user=user, role=role))
            user.current_organisation_id = organisation.id
            created = True
        people[role] = user
    db.session.flush()
    created = _seed_response(organisation, people) or created
    created = seed_demo_bill(organisation, people) or created
    return created


def _seed_response(organisation: Organisation, people: dict[str, User]) -> bool:
    """A half-drafted response to the built-in consultation, once."""
    consultation = find_visible(DEMO_CONSULTATION, organisation)
    if consultation is None:
        install_builtin_consultations()
        consultation = find_visible(DEMO_CONSULTATION, organisation)
    if (
        consultation is None or not consultation.is_builtin
    ):  # pragma: no cover - the built-in list changed
        return False
    exists = db.session.scalar(
        select(Response.id).where(
            Response.organisation_id == organisation.id,
            Response.consultation_id == consultation.id,
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
    writers = {"coordinator": people["owner"], "editor": people["editor"]}
    response = drafting.create_response(owner, consultation, DEMO_RESPONSE_TITLE, "home-office")
    sections = drafting.live_sections(response)
    by_key: dict[object, Section] = {}
    for section in sections:
        by_key[section.number if section.kind == "question" else section.kind] = section
    # Question 4 was written in two goes, and the coordinator polished its opening while the
    # editor was still writing: the history shows the merge.
    q4 = by_key[4]
    opening, *rest = DEMO_TEXT[4][1].split("\n\n")
    first = drafting.save_section(
        writers["editor"], q4, "\n\n".join([opening, *rest[:1]]), None, None
    )
    drafting.save_section(
        writers["coordinator"],
        q4,
        "\n\n".join([opening.replace("Yes, they", "They"), *rest[:1]]),
        None,
        first.revision.id,
    )
    drafting.save_section(writers["editor"], q4, DEMO_TEXT[4][1], None, first.revision.id)
    for key, (choice, text, writer, assignee, status) in DEMO_TEXT.items():
        section = by_key[key]
        if key != 4:
            drafting.save_section(writers[writer], section, text, choice, section.head_revision_id)
        if assignee:
            drafting.assign_section(writers["coordinator"], section, writers[assignee])
        drafting.set_status(writers["coordinator"], section, status)
    # Two more sections waiting for the editor, not started yet.
    for number in (7, 12):
        drafting.assign_section(writers["coordinator"], by_key[number], people["editor"])
    body, role, key = DEMO_COMMENT
    drafting.add_comment(people[role], by_key[key], body, quote="one court judgment")
    drafting.suggest(
        people["member"],
        by_key[6],
        by_key[6].body.replace(
            "and the reasons recorded and published afterwards.",
            "and the reasons recorded, reviewed by the regulator and published within a month.",
        ),
        by_key[6].head_revision_id,
        note="Publishing 'afterwards' has no deadline; forces could wait years.",
    )
    db.session.flush()
    return True


# --- signatories (`flask demo --signatories N`) ---------------------------------------------

DEMO_SIGNING_NOTE = "Demo version for signatures (flask demo --signatories)"
# Generated signers' addresses are on this reserved domain: they identify the demo's rows, so
# that running the command again adds only what is missing.
SIGNATORY_DOMAIN = "signers.demo.example"
FIRST_NAMES = (
    "Aisha", "Alan", "Amelia", "Amir", "Ann", "Arjun", "Beth", "Bronwen", "Callum", "Chen",
    "Chloe", "Ciaran", "Daniel", "Deborah", "Dylan", "Eilidh", "Emeka", "Emma", "Fatima",
    "Fiona", "Gareth", "Grace", "Hamza", "Hannah", "Harry", "Isla", "Ivan", "Jack", "Jasmine",
    "John", "Kwame", "Laura", "Leah", "Liam", "Lucy", "Mairead", "Maria", "Mohammed", "Niamh",
    "Noah", "Olivia", "Oluwaseun", "Owen", "Priya", "Rhys", "Rosa", "Ruth", "Sam", "Sean",
    "Siobhan", "Sophie", "Tariq", "Tom", "Uzma", "Wei", "Yusuf", "Zainab", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Ahmed", "Ali", "Bailey", "Begum", "Brown", "Campbell", "Chowdhury", "Clarke",
    "Davies", "Doherty", "Edwards", "Evans", "Fraser", "Green", "Griffiths", "Hall", "Hughes",
    "Hussain", "Jackson", "James", "Jones", "Kaur", "Kelly", "Khan", "Kowalski", "Lewis", "Li",
    "MacDonald", "Martin", "Mensah", "Morgan", "Murphy", "Nowak", "O'Brien", "Okafor", "Patel",
    "Phillips", "Price", "Reid", "Roberts", "Robinson", "Scott", "Shah", "Singh", "Smith",
    "Stewart", "Taylor", "Thomas", "Thompson", "Walker", "Watson", "White", "Williams",
    "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip
AFFILIATIONS = (
    "Resident, Leeds", "Tenants' association", "Student, University of Glasgow", "Teacher",
    "Community organiser", "Retired solicitor", "Nurse, Cardiff", "Local councillor",
    "Faith group volunteer", "Youth worker, Bristol", "Trade union rep", "Software developer",
)  # fmt: skip
SIGNING_PERIOD = timedelta(days=14)
_BATCH = 5_000


def _signatory(index: int, now) -> dict:
    """Signatory number `index`: always the same person, so the data can be regenerated."""
    mixed = (index * 2_654_435_761) % 2**32  # Knuth's multiplicative hash: spread, repeatable
    first = FIRST_NAMES[mixed % len(FIRST_NAMES)]
    last = LAST_NAMES[(mixed // len(FIRST_NAMES)) % len(LAST_NAMES)]
    local = f"{first}.{last}".lower().replace("'", "")
    email = f"{local}.{index}@{SIGNATORY_DOMAIN}"
    # Signing picks up as the campaign spreads; each confirmation follows within hours.
    fraction = ((mixed >> 8) % 10_000) / 10_000
    confirmed_at = now - SIGNING_PERIOD * (fraction**2)
    return {
        "kind": "public",
        "signer_key": f"email:{email}",
        "name": f"{first} {last}",
        "email": email,
        "affiliation": AFFILIATIONS[mixed % len(AFFILIATIONS)] if mixed % 10 < 3 else "",
        "consent_public": (mixed >> 4) % 2 == 0,  # about half choose to be named
        "status": "confirmed",
        "created_at": confirmed_at - timedelta(minutes=5 + mixed % 600),
        "confirmed_at": confirmed_at,
    }


def _demo_owner() -> tuple[Response, Membership]:
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == DEMO_SLUG))
    owner = accounts.find_user(DEMO_PEOPLE[0][0])
    response = db.session.scalar(
        select(Response)
        .join(Consultation, Response.consultation_id == Consultation.id)
        .where(
            Response.organisation_id == organisation.id,
            Consultation.slug == DEMO_CONSULTATION,
            Consultation.organisation_id.is_(None),
        )
    )
    membership = db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == owner.id
        )
    )
    return response, membership


def seed_signatories(count: int) -> tuple[Version, int]:
    """Give the demo response (seed_demo() first) a frozen version open for public signing
    with `count` confirmed public signatures, about half of them consenting to publication,
    each with its consent record. Idempotent: only the missing signatories are added, with
    bulk INSERTs, so 50,000 take seconds. Returns (the version, how many were added)."""
    response, owner = _demo_owner()
    version = db.session.scalar(
        select(Version).where(Version.response_id == response.id, Version.note == DEMO_SIGNING_NOTE)
    )
    if version is None:
        version = signing.freeze(owner, response, DEMO_SIGNING_NOTE)
        # Opening e-mails the signers of any earlier version, with links at PUBLIC_URL.
        signing.open_signing(owner, version, True, None)
    have = db.session.scalar(
        select(func.count())
        .select_from(Signature)
        .where(
            Signature.version_id == version.id,
            Signature.email.like(f"%@{SIGNATORY_DOMAIN}"),
        )
    )
    statement = consent.statement(response.organisation.name, response.subject.title)
    now = utcnow()
    added = 0
    # The rows added now are those above the highest id so far (all in this transaction).
    before = db.session.scalar(select(func.max(Signature.id))) or 0
    for start in range(have, count, _BATCH):
        rows = [
            {"version_id": version.id, **_signatory(index, now)}
            for index in range(start, min(start + _BATCH, count))
        ]
        db.session.execute(insert(Signature), rows)
        added += len(rows)
    # Their consent records, in one INSERT ... SELECT: far faster than returning 50,000 ids.
    demo_rows = select(
        Signature.id,
        literal("given"),
        literal("demo data"),
        literal(consent.CURRENT_VERSION),
        literal(statement),
        Signature.consent_public,
        Signature.created_at,
    ).where(
        Signature.version_id == version.id,
        Signature.id > before,
        Signature.email.like(f"%@{SIGNATORY_DOMAIN}"),
    )
    db.session.execute(
        insert(ConsentRecord).from_select(
            [
                "signature_id",
                "action",
                "method",
                "statement_version",
                "statement",
                "consent_public",
                "created_at",
            ],
            demo_rows,
        )
    )
    db.session.flush()
    return version, added
