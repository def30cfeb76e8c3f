"""Consultation pages: what an organisation can respond to, one consultation's questions and
the submission profiles, and adding the organisation's own consultation."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from wtforms import Field

from consult.consultations import blueprint, services
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
from consult.consultations.permissions import load_consultation
from consult.consultations.presenters import closing_of, new_response_url, summarise_profile
from consult.consultations.profiles import PROFILES
from consult.organisations.permissions import can, load_membership
from consult.timeutil import utcnow
from consult.web import commit


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
    if form.validate_on_submit() and (
        added := commit(
            lambda: services.create_consultation(
                membership,
                title=form.title.data,
                publisher=form.publisher.data,
                closes_at=form.closes_at,
                questions=form.drafts,
                description=form.description.data or "",
            ),
            success=_added,
            # The form checks what the service checks; this only catches a rule added there.
            error_to={
                services.DetailsError: form.title,
                services.QuestionsError: _questions_field(form),
            },
            forbidden_is_403=True,
        )
    ):
        return redirect(
            url_for("consultations.show", slug=slug, consultation_slug=added.value.slug)
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


def _questions_field(form: ConsultationForm) -> Field:
    """Where the questions came from (known once the form is validated): the file or the box."""
    return form.questions_file if form.questions_from == "file" else form.questions_text


def _added(consultation: Consultation) -> str:
    count = len(consultation.questions)
    return (
        f"“{consultation.title}” is added with {count} "
        f"question{'' if count == 1 else 's'}. Check them below, then start a response."
    )


@blueprint.get("/o/<slug>/consultations/<consultation_slug>")
def show(slug: str, consultation_slug: str):
    membership = load_membership(slug)
    consultation = load_consultation(membership, consultation_slug)
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
