"""Who may export: owners and coordinators of the response's organisation. The loaders below
are shared by the pages and the API: 404 for anyone outside the organisation (its objects
are not revealed), 403 for a member whose role does not allow exporting."""

from __future__ import annotations

from flask import abort

from consult.accounts.models import User
from consult.drafting.models import Response
from consult.exports import services
from consult.exports.models import ExportJob
from consult.organisations.models import Membership
from consult.organisations.permissions import can, require_membership


def can_export(membership: Membership | None, response: Response) -> bool:
    return (
        membership is not None
        and membership.organisation_id == response.organisation_id
        and can(membership, "export")
    )


def load_job(user: User, job_id: int) -> tuple[ExportJob, Membership]:
    job = services.load_job(job_id)
    if job is None:
        abort(404)
    return job, require_membership(user, job.response.organisation, "export")
