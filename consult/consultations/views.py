"""Consultation pages: what an organisation can respond to, one consultation's questions and
the submission profiles, and adding the organisation's own consultation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.routing import BuildError

from consult.consultations import services
from consult.consultations.builtin import SCALE_OPTIONS
from consult.consultations.forms import (
    CSV_EXAMPLE,
    JSON_EXAMPLE,
    MAX_UPLOAD_BYTES,
    NUMBERED_LIST_EXAMPLE,
    ConsultationForm,
    as_numbered_list,
)
from consult.consultations.models import Consultation
from consult.consultations.profiles import DEFAULT_PROFILE, PROFILES, SubmissionProfile
from consult.extensions import db
from consult.organisations.permissions import can, load_membership
from consult.organisations.services import NotAllowed
from consult.timeutil import utcnow

blueprint = Blueprint("consultations", __name__)

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


def _load_consultation(membership, consultation_slug: str) -> Consultation:
    """A consultation this organisation can answer; 404 for another organisation's own."""
    consultation = services.find_visible(consultation_slug, membership.organisation)
    if consultation is None:
        abort(404)
    return consultation


@blueprint.get("/o/<slug>/consultations")
def index(slug: str):
    membership = load_membership(slug)
    now = utcnow()
    consultations = services.visible_consultations(membership.organisation)
    return render_template(
        "consultations/index.html",
        membership=membership,
        organisation=membership.organisation,
        consultations=[(c, closing_of(c, now)) for c in consultations],
        own_count=sum(1 for c in consultations if not c.is_builtin),
        can=can,
        new_response_url=new_response_url,
    )


@blueprint.route("/o/<slug>/consultations/new", methods=["GET", "POST"])
def create(slug: str):
    membership = load_membership(slug, "freeze")
    form = ConsultationForm()
    if form.validate_on_submit():
        try:
            consultation = services.create_consultation(
                membership,
                title=form.title.data,
                publisher=form.publisher.data,
                closes_at=form.closes_at,
                questions=form.drafts,
                description=form.description.data or "",
            )
        except NotAllowed:
            abort(403)
        except services.QuestionsError as error:
            # The form checks what the service checks; this only catches a rule added there.
            db.session.rollback()
            message = str(error)
            field = form.title if "title" in message or "publisher" in message else None
            field = field or (form.questions_file if form.questions_from == "file" else None)
            (field or form.questions_text).errors.append(message)
        else:
            db.session.commit()
            count = len(consultation.questions)
            flash(
                f"“{consultation.title}” is added with {count} "
                f"question{'' if count == 1 else 's'}. Check them below, then start a response.",
                "success",
            )
            return redirect(
                url_for("consultations.show", slug=slug, consultation_slug=consultation.slug)
            )
    kept_upload = False
    if form.questions_from == "file" and form.drafts:
        # The file was read but another field needs fixing: browsers do not send a file twice,
        # so its questions move into the box, where they are kept and can be checked.
        form.questions_text.data = as_numbered_list(form.drafts)
        kept_upload = True
    return render_template(
        "consultations/new.html",
        form=form,
        membership=membership,
        organisation=membership.organisation,
        kept_upload=kept_upload,
        numbered_list_example=NUMBERED_LIST_EXAMPLE,
        csv_example=CSV_EXAMPLE,
        json_example=JSON_EXAMPLE,
        max_upload_kb=MAX_UPLOAD_BYTES // 1024,
        scale_options=SCALE_OPTIONS,
    ), 422 if form.errors else 200


@blueprint.get("/o/<slug>/consultations/<consultation_slug>")
def show(slug: str, consultation_slug: str):
    membership = load_membership(slug)
    consultation = _load_consultation(membership, consultation_slug)
    questions = consultation.questions
    return render_template(
        "consultations/show.html",
        membership=membership,
        organisation=membership.organisation,
        consultation=consultation,
        questions=questions,
        scale_count=sum(1 for question in questions if question.kind == "scale"),
        unverified=[q.number for q in questions if q.wording_verified is False],
        verified_numbers=[q.number for q in questions if q.wording_verified],
        closing=closing_of(consultation, utcnow()),
        profiles=[summarise_profile(profile) for profile in PROFILES.values()],
        scale_options=SCALE_OPTIONS,
        can=can,
        new_response_url=new_response_url,
    )
