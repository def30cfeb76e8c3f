"""The built-in consultation, as plain data (also read by the migration that installs it).

Themes of the Home Office consultation on a legal framework for law-enforcement use of
biometrics and facial recognition (open 4 December 2025 to 12 February 2026), paraphrased
and numbered by us; see shared/context/consultations.md."""

from __future__ import annotations

SCALE_OPTIONS = ["Agree", "Neither agree nor disagree", "Disagree", "Don't know"]

FACIAL_RECOGNITION = {
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

BUILTIN_CONSULTATIONS = (FACIAL_RECOGNITION,)
