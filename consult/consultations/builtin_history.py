"""The shapes the built-in consultation's questions have had, each exactly as shipped.

Migrations read them: 140b0a5d444b installed the first template on every database, and
a7c9e1f3b5d7 maps responses written against it onto the Home Office's questions (and back, on
downgrade). `builtin.py` points at the latest shape. Never edit a shape: a database built from
scratch must pass through the same states as one that lived through them. To change the
questions, add a new shape here, point `builtin.py` at it, and write a migration."""

from __future__ import annotations

# The first template (15 questions): the consultation's themes, paraphrased and numbered by
# us before the Home Office's own questions were found. (kind, text) in number order.
FIRST_TEMPLATE = {
    "slug": "facial-recognition-framework",
    "title": (
        "A new legal framework for law-enforcement use of biometrics, facial recognition "
        "and similar technologies"
    ),
    "publisher": "Home Office (Data and Identity Directorate)",
    "description": (
        "The government's proposals for a single legal framework covering police and other "
        "law-enforcement use of facial recognition (live, retrospective and operator-initiated), "
        "other biometrics, inferential technologies and object-based identification, with an "
        "independent oversight body and a 'seriousness of harm' test."
    ),
    "opens_at": "2025-12-04T00:00:00",
    "closes_at": "2026-02-12T23:59:00",
    "questions": [
        ("scale", "Should the framework cover all biometric technologies used by law enforcement?"),
        ("scale", "Should it also cover inferential technologies that infer emotion or intent?"),
        (
            "scale",
            "Should it also cover object-based identification (clothing, belongings, vehicles)?",
        ),
        (
            "open",
            "Should live, retrospective and operator-initiated facial recognition be treated "
            "differently?",
        ),
        (
            "scale",
            "Should the framework apply only to law-enforcement bodies acting for a "
            "law-enforcement purpose?",
        ),
        (
            "scale",
            "Should the seriousness of the harm being addressed govern when the technologies "
            "may be used?",
        ),
        ("open", "Which factors should make a harm \u201cserious\u201d enough?"),
        ("open", "For which purposes should use be permitted?"),
        ("open", "Who should be able to authorise a deployment, and at what rank or level?"),
        ("open", "How should privacy, freedom of expression and freedom of assembly be protected?"),
        (
            "scale",
            "Should searches of other government databases (passport, immigration, driving "
            "licence) be allowed?",
        ),
        ("open", "How should the framework prevent bias and discrimination?"),
        ("scale", "Should there be a single independent oversight body?"),
        (
            "open",
            "What powers should that body have (standards, statutory codes, investigations, "
            "sanctions)?",
        ),
        ("open", "Anything else you want to tell us?"),
    ],
}


# The Local Government Association's published response, "Submission from LGA: Consultation
# on a new legal framework for law enforcement use of biometrics, facial recognition and
# similar technologies", which reproduces the form. Two copies of it were read: one quotes
# question 1, the other question 5; each question cites the copy it was read in.
LGA_RESPONSE_Q1 = "https://lb2.local.gov.uk/node/8282029"
LGA_RESPONSE_Q5 = (
    "https://www2.local.gov.uk/parliament/briefings-and-responses/"
    "submission-lga-consultation-new-legal-framework-law-enforcement"
)


def _question(number: int, kind: str, text: str, source: str | None = None) -> dict:
    return {"number": number, "kind": kind, "text": text, "source": source}


# The Home Office's questions as a7c9e1f3b5d7 installed them: the form's numbering, each with
# the published source that quotes it word for word, or None where the wording is ours.
# Verified, from searches of published responses:
# - 1 and 5: the Local Government Association's response, which reproduces the form (the
#   question, then "Agree / Neither agree nor disagree / Disagree / Don't know", then "Please
#   explain your answer").
# - That there are 17 questions: press reports of the launch.
# Not found in any published source we could read: the wording of 2-4 and 6-17, so their
# numbers and whether each offers the closed answers are our best reading of the consultation
# document's order and themes.
QUESTIONS_AS_ASKED = [
    _question(
        1,
        "scale",
        "To what extent do you agree or disagree that a new legal framework should apply "
        "to all use of \u2018biometric technologies\u2019 by law enforcement organisations?",
        LGA_RESPONSE_Q1,
    ),
    _question(
        2,
        "scale",
        "Should the new legal framework also apply to inferential technologies, which "
        "infer emotion or intent from a person's expressions or movements?",
    ),
    _question(
        3,
        "scale",
        "Should the new legal framework also apply to object-based identification "
        "(clothing, belongings, vehicles)?",
    ),
    _question(
        4,
        "open",
        "Should live, retrospective and operator-initiated facial recognition be treated "
        "differently?",
    ),
    _question(
        5,
        "scale",
        "Do you think a new legal framework should only apply to law enforcement "
        "organisations\u2019 use of facial recognition and similar technologies for a law "
        "enforcement purpose?",
        LGA_RESPONSE_Q5,
    ),
    _question(
        6,
        "scale",
        "Should the seriousness of the harm being addressed govern when the technologies "
        "may be used?",
    ),
    _question(7, "open", "Which factors should make a harm \u201cserious\u201d enough?"),
    _question(8, "open", "For which purposes should use be permitted?"),
    _question(
        9,
        "open",
        "What rules should govern how law enforcement organisations acquire, retain and "
        "use facial images, for example for watchlists?",
    ),
    _question(
        10,
        "open",
        "How should privacy, freedom of expression and freedom of assembly be protected?",
    ),
    _question(
        11,
        "scale",
        "Should searches of other government databases (passport, immigration, driving "
        "licence) be allowed?",
    ),
    _question(
        12,
        "open",
        "Who should be able to authorise a deployment, and at what rank or level?",
    ),
    _question(13, "open", "How should the framework prevent bias and discrimination?"),
    _question(14, "scale", "Should there be a single independent oversight body?"),
    _question(
        15,
        "scale",
        "Should that body take on the work of the Biometrics and Surveillance Camera "
        "Commissioner and the Forensic Science Regulator?",
    ),
    _question(
        16,
        "open",
        "What powers should that body have (standards, statutory codes, investigations, "
        "sanctions)?",
    ),
    _question(17, "open", "Anything else you want to tell us?"),
]
