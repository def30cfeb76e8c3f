"""API v1 endpoints for exports (../shared/API.md, "Exports").

Owners and coordinators ask for a file and get a job back at once (202); they poll its status
and download the file when it is done. Someone outside the organisation gets a 404 for its
responses and exports alike."""

from __future__ import annotations

from consult.api import loaders
from consult.api.auth import current_caller
from consult.api.body import InvalidBody, body
from consult.api.fields import NOT_VALID
from consult.api.loaders import NOT_VISIBLE
from consult.api.models.exports import DRAFT, FILE_TYPES, ExportRequest, ExportStatus
from consult.api.openapi import EXPORTS
from consult.api.registry import Reply, operation, reply
from consult.api.views import blueprint
from consult.errors import json_error
from consult.exports import jobs, services
from consult.exports.files import attachment
from consult.exports.permissions import load_job
from consult.extensions import db
from consult.organisations.services import NotAllowed

NOT_EXPORTER = "Only owners and coordinators export"
NOT_VISIBLE_EXPORT = (
    "No such export, or it belongs to an organisation the caller is not a member of"
)


def _version_of(response, asked: int | str | None):
    """The version asked for: its id (or its number); "draft" for the current draft (None);
    left out or null, the latest frozen version (the draft if none was frozen yet)."""
    if asked is None:
        versions = services.versions_for_export(response)
        return versions[0] if versions else None
    if asked == DRAFT:
        return None
    version = services.find_version(response, asked)
    if version is None:
        raise InvalidBody(422, NOT_VALID, {"version": "This response has no such version."})
    return version


@blueprint.post("/responses/<int:response_id>/exports")
@operation(
    "Ask for a file of a version (or the draft) for a submission profile; poll the returned "
    "export until it is done (at once when the same file is cached)",
    EXPORTS,
    body=ExportRequest,
    responses={
        202: (ExportStatus, "Accepted: the export job"),
        403: NOT_EXPORTER,
        404: NOT_VISIBLE,
    },
)
def create_export(response_id: int):
    response, membership = loaders.response(response_id, "export")
    asked = body(ExportRequest)
    version = _version_of(response, asked.version)
    try:
        job = services.request_export(
            membership,
            response,
            format=asked.format,
            profile=asked.profile or response.profile,
            version=version,
        )
    except NotAllowed as error:
        return json_error(403, str(error))
    except services.ExportError as error:
        return json_error(422, str(error))
    db.session.commit()
    jobs.dispatch(job)
    db.session.refresh(job)
    return reply(ExportStatus.of(job), 202)


@blueprint.get("/exports/<int:export_id>")
@operation(
    "An export's status and progress (a job past its time limit is failed)",
    EXPORTS,
    responses={200: (ExportStatus, "OK"), 403: NOT_EXPORTER, 404: NOT_VISIBLE_EXPORT},
)
def get_export(export_id: int):
    job, _membership = load_job(current_caller(), export_id)
    if services.expire_if_stuck(job):
        db.session.commit()
    else:
        jobs.resume_if_orphaned(job)
    return reply(ExportStatus.of(job))


@blueprint.get("/exports/<int:export_id>/file")
@operation(
    "The finished file, with its content type and a file name (Content-Disposition: attachment)",
    EXPORTS,
    responses={
        200: Reply(None, "The file", FILE_TYPES, {"type": "string", "format": "binary"}),
        403: NOT_EXPORTER,
        404: NOT_VISIBLE_EXPORT + "; or the file is no longer kept (code file_expired): "
        "export again",
        409: "Not done yet (code not_ready), or failed",
    },
)
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
