"""API v1 endpoints for exports (../shared/API.md, "Exports").

Owners and coordinators ask for a file and get a job back at once (202); they poll its status
and download the file when it is done. Someone outside the organisation gets a 404 for its
responses and exports alike."""

from __future__ import annotations

from flask import jsonify

from consult.api.schemas import InvalidBody, choice_field, json_body
from consult.api.views import blueprint, current_caller
from consult.consultations.profiles import PROFILES
from consult.errors import json_error
from consult.exports import jobs, services
from consult.exports.files import attachment
from consult.exports.models import EXPORT_FORMATS
from consult.exports.permissions import load_job, load_response
from consult.extensions import db
from consult.organisations.services import NotAllowed

DRAFT = "draft"


def _version_field(data: dict, response):
    """`version`: a version's id (or its number), "draft" for the current draft; left out or
    null, the latest frozen version (the draft if none was frozen yet)."""
    value = data.get("version")
    if value is None:
        versions = services.versions_for_export(response)
        return versions[0] if versions else None
    if value == DRAFT:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidBody(
            422, "Some fields are not valid.", {"version": 'A version id, or "draft".'}
        )
    version = services.find_version(response, value)
    if version is None:
        raise InvalidBody(
            422, "Some fields are not valid.", {"version": "This response has no such version."}
        )
    return version


@blueprint.post("/responses/<int:response_id>/exports")
def create_export(response_id: int):
    response, membership = load_response(current_caller(), response_id)
    data = json_body()
    format = choice_field(data, "format", EXPORT_FORMATS)
    profile = choice_field(data, "profile", tuple(PROFILES), default=response.profile)
    version = _version_field(data, response)
    try:
        job = services.request_export(
            membership, response, format=format, profile=profile, version=version
        )
    except NotAllowed as error:
        return json_error(403, str(error))
    except services.ExportError as error:
        return json_error(422, str(error))
    db.session.commit()
    jobs.dispatch(job)
    db.session.refresh(job)
    return jsonify(services.job_json(job)), 202


@blueprint.get("/exports/<int:export_id>")
def get_export(export_id: int):
    job, _membership = load_job(current_caller(), export_id)
    if services.expire_if_stuck(job):
        db.session.commit()
    else:
        jobs.resume_if_orphaned(job)
    return jsonify(services.job_json(job))


@blueprint.get("/exports/<int:export_id>/file")
def export_file(export_id: int):
    user = current_caller()
    job, _membership = load_job(user, export_id)
    if job.status != "done":
        message = "The file is not ready yet: poll the export until it is done."
        return json_error(409, job.error or message, code="not_ready")
    try:
        file = services.download(user, job)
    except services.ExportError as error:  # purged after the retention period
        return json_error(404, str(error), code="file_expired")
    db.session.commit()
    return attachment(file.content, file.content_type, file.file_name)
