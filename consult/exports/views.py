"""Export pages: choose a version, a submission profile and a format, check the profile's
rules, watch the job's progress, see the first pages and download; and the text of each
answer for online questionnaires, with a copy button per question.

Each view has the house shape: load (404 outside the organisation) -> permission (403 for
members who may not export) -> validate the form -> one service call -> commit once ->
redirect. Owners and coordinators export (consult/organisations/permissions.py)."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from consult.consultations.profiles import PROFILES, SubmissionProfile
from consult.drafting.forms import choices
from consult.drafting.models import Response
from consult.drafting.permissions import load_response
from consult.exports import blueprint, jobs, services
from consult.exports.files import attachment
from consult.exports.forms import DRAFT, ExportForm, TextForm
from consult.exports.permissions import load_job
from consult.signing.models import Version
from consult.web import commit

__all__ = ["blueprint"]  # the app factory registers it from here


def _version_choices(versions: list[Version]) -> list:
    pairs = [
        (
            str(version.number),
            f"Version {version.number}, {version.created_at:%-d %b %Y}"
            + (" (latest)" if index == 0 else ""),
        )
        for index, version in enumerate(versions)
    ]
    return choices([*pairs, (DRAFT, "The current draft (marked DRAFT on every page)")])


def _chosen_version(versions: list[Version], value: str | None) -> Version | None:
    return next((v for v in versions if str(v.number) == value), None)


def _profile_choices(profiles: dict[str, SubmissionProfile]) -> list:
    return choices([(slug, profile.name) for slug, profile in profiles.items()])


# --- the export page --------------------------------------------------------------------------


@blueprint.route("/responses/<int:response_id>/export", methods=["GET", "POST"])
def export(response_id: int) -> ResponseReturnValue:
    response, membership = load_response(response_id, "export")
    versions = services.versions_for_export(response)
    profiles = services.profiles_of(response)  # only those that fit a consultation, or a bill
    form = ExportForm()
    form.version.choices = _version_choices(versions)
    form.profile.choices = _profile_choices(profiles)
    if request.method == "GET":
        wanted = request.args.get("version", "")  # "Export this version" on a version's page
        known = wanted == DRAFT or _chosen_version(versions, wanted) is not None
        form.version.data = wanted if known else str(versions[0].number) if versions else DRAFT
        asked = request.args.get("profile", "")  # the dashboard's link for a bill's stage
        form.profile.data = asked if asked in profiles else services.default_profile_of(response)
        form.format.data = profiles[form.profile.data].formats[0]
    warnings = None
    status = 200
    if form.validate_on_submit():
        version = _chosen_version(versions, form.version.data)
        document = services.build(response, version, form.profile.data)
        warnings = services.check(document, form.format.data)
        if form.export.data:
            if warnings and not form.override.data:
                form.override.errors = [
                    "Tick this box to export despite the problems, or fix them first."
                ]
                status = 422
            elif requested := commit(
                lambda: services.request_export(
                    membership,
                    response,
                    format=form.format.data,
                    profile=form.profile.data,
                    version=version,
                    warnings_overridden=bool(warnings),
                ),
                forbidden_is_403=True,
            ):
                jobs.dispatch(requested.value)  # after the commit: the runner reads the job
                return redirect(url_for("exports.job", export_id=requested.value.id))
            else:
                status = 422
    elif request.method == "POST":
        status = 422
    profile = profiles.get(form.profile.data) or profiles[services.default_profile_of(response)]
    return render_template(
        "exports/export.html",
        response=response,
        organisation=response.organisation,
        form=form,
        warnings=warnings,
        formats=services.formats_for(profile),
        formats_by_profile={slug: services.formats_for(item) for slug, item in profiles.items()},
        profile_names={slug: item.name for slug, item in profiles.items()},
        profile=profile,
        profiles=profiles,
        recent=services.recent_jobs(response),
    ), status


# --- a job: progress, preview, download -------------------------------------------------------


@blueprint.get("/exports/<int:export_id>")
def job(export_id: int) -> ResponseReturnValue:
    job, _membership = load_job(current_user, export_id)
    if not commit(lambda: services.expire_if_stuck(job)).value:
        jobs.resume_if_orphaned(job)
    return render_template(
        "exports/job.html",
        job=job,
        response=job.response,
        organisation=job.response.organisation,
        file=services.file_info(job),
        previews=services.previews_of(job),
        profile=PROFILES.get(job.profile),
    )


@blueprint.get("/exports/<int:export_id>/download")
def download(export_id: int) -> ResponseReturnValue:
    job, _membership = load_job(current_user, export_id)
    downloaded = commit(lambda: services.download(current_user, job))  # audited
    if not downloaded:  # not ready, or no longer kept: the job's page says so
        return redirect(url_for("exports.job", export_id=job.id))
    file = downloaded.value
    return attachment(file.content, file.content_type, file.file_name)


@blueprint.get("/exports/<int:export_id>/pages/<int:page>.png")
def preview(export_id: int, page: int) -> ResponseReturnValue:
    job, _membership = load_job(current_user, export_id)
    image = services.preview_image(job, page)
    if image is None:
        abort(404)
    return send_file(io.BytesIO(image.content), mimetype="image/png", max_age=0)


# --- text for online questionnaires ---------------------------------------------------------


def _text_choices(response: Response) -> tuple[TextForm, Version | None, str]:
    """The version and profile chosen in the query string (the defaults otherwise)."""
    versions = services.versions_for_export(response)
    form = TextForm(request.args)
    form.version.choices = _version_choices(versions)
    form.profile.choices = _profile_choices(services.profiles_of(response))
    if request.args and not form.validate():
        flash("That version or profile does not exist: here is the latest version.", "warning")
    if not request.args or form.errors:
        form.version.data = str(versions[0].number) if versions else DRAFT
        form.profile.data = services.default_profile_of(response)
    return form, _chosen_version(versions, form.version.data), form.profile.data


@blueprint.get("/responses/<int:response_id>/export/text")
def text(response_id: int) -> ResponseReturnValue:
    from consult.exports.text import part_text

    response, _membership = load_response(response_id, "export")
    form, version, profile = _text_choices(response)
    document = services.build(response, version, profile)
    return render_template(
        "exports/text.html",
        response=response,
        organisation=response.organisation,
        form=form,
        document=document,
        parts=[(part, part_text(part)) for part in document.parts],
        query={"version": form.version.data, "profile": profile},
    )


@blueprint.get("/responses/<int:response_id>/export/response.<any(md, txt):kind>")
def text_download(response_id: int, kind: str) -> ResponseReturnValue:
    response, membership = load_response(response_id, "export")
    _form, version, profile = _text_choices(response)
    made = commit(
        lambda: services.text_file(membership, response, version, profile, kind),
        forbidden_is_403=True,
    )
    if not made:
        return redirect(url_for("exports.text", response_id=response.id))
    file_name, content = made.value
    return attachment(content.encode("utf-8"), services.CONTENT_TYPES[kind], file_name)
