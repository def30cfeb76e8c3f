"""Signing pages, a list of routes per part: versions.py (the versions of a response, one
version and its signing controls, differences, what changed), signatures.py (the signing page
and its forms, the links in signers' e-mails, withdrawing), partners.py (partner organisations'
link), reports.py (the coordinator's list, chart and CSV of signatures) and verify.py (the
public verification of a fingerprint). What they show is built in ../presenters.py; who may see
what is decided in ../permissions.py.

Each view has the house shape: load (404 for what is missing or hidden) -> permission (403)
-> validate the form -> one service call -> commit once (consult.web.commit) -> redirect. A
form that fails comes back with the person's input and a 422."""

from flask import redirect, request, url_for

from consult.signing import blueprint
from consult.signing.views import partners, reports, signatures, verify, versions

__all__ = ["blueprint", "partners", "reports", "signatures", "verify", "versions"]


@blueprint.errorhandler(401)
def _log_in_first(_error):
    """A loader's 401 (nobody is logged in, and logging in may help): the log-in page, which
    comes back here after, whether or not what was asked for exists."""
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
