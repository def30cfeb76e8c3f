"""The built-in consultation, as plain data (also read by the migrations).

The Home Office consultation "Legal framework for using facial recognition in law
enforcement" (open 4 December 2025 to 12 February 2026) asked 17 questions. "Text for online
forms" lines answers up with the Home Office's questionnaire by number, so our numbering and
wording must be the form's. Each question names the published source quoting it word for
word, or none: then the wording is ours and the app says plainly that it could not be checked
(nor, with it, the question's number or whether the form offers the closed answers). What was
verified where is noted beside the questions, in builtin_history."""

from __future__ import annotations

from consult.consultations.builtin_history import QUESTIONS_AS_ASKED

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
    # The latest shape (see builtin_history: to change the questions, add a new shape there
    # and a migration that moves databases to it; the migrations read the old shapes).
    "questions": QUESTIONS_AS_ASKED,
}

BUILTIN_CONSULTATIONS = (FACIAL_RECOGNITION,)
