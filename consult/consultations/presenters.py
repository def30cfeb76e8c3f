"""What the consultation pages show: a submission profile in a coordinator's words, where a
consultation stands against its closing date, and the link that starts a response to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from flask import request, url_for
from werkzeug.routing import BuildError

from consult.consultations.models import Consultation
from consult.consultations.profiles import DEFAULT_PROFILE, SubmissionProfile

# How the submission profiles' data reads to a person.
FORMAT_LABELS = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "odt": "OpenDocument (.odt)",
    "md": "Plain text",
}
PART_LABELS = {
    "summary": "Summary",
    "about": "About us",
    "recommendations": "Recommendations",
}


@dataclass(frozen=True)
class ProfileSummary:
    """A submission profile in the words a coordinator chooses by."""

    profile: SubmissionProfile
    formats: str
    required_parts: str
    layout: str
    is_default: bool


def summarise_profile(profile: SubmissionProfile) -> ProfileSummary:
    formats = [FORMAT_LABELS.get(name, name.upper()) for name in profile.formats]
    if formats:
        formats[0] += " (preferred)"
    layout = "Question by question" if profile.question_by_question else "Numbered paragraphs"
    if profile.summary_first:
        layout += ", summary first"
    return ProfileSummary(
        profile=profile,
        formats=", ".join(formats),
        required_parts=", ".join(
            PART_LABELS.get(part, part.replace("_", " ").capitalize())
            for part in profile.required_parts
        )
        or "Nothing in particular",
        layout=layout,
        is_default=profile.slug == DEFAULT_PROFILE,
    )


@dataclass(frozen=True)
class Closing:
    """Where a consultation stands against its closing date, in words."""

    is_open: bool
    closes_at: datetime | None
    days_left: int | None = None

    @property
    def label(self) -> str:
        if self.closes_at is None:
            return "No closing date"
        if not self.is_open:
            return "Closed"
        if self.days_left == 0:
            return "Closes today"
        return f"{self.days_left} day{'' if self.days_left == 1 else 's'} left"


def closing_of(consultation: Consultation, now: datetime) -> Closing:
    closes_at = consultation.closes_at
    if closes_at is None:
        return Closing(is_open=True, closes_at=None)
    if closes_at < now:
        return Closing(is_open=False, closes_at=closes_at)
    return Closing(
        is_open=True, closes_at=closes_at, days_left=(closes_at.date() - now.date()).days
    )


def new_response_url(organisation_slug: str, consultation_slug: str) -> str:
    """The drafting blueprint's "start a response" page for this consultation. Built by its
    endpoint when it is registered; until then by its documented path."""
    try:
        return url_for(
            "drafting.new_response", slug=organisation_slug, consultation=consultation_slug
        )
    except BuildError:
        query = urlencode({"consultation": consultation_slug})
        return f"{request.script_root}/o/{quote(organisation_slug)}/responses/new?{query}"
