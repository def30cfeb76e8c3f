"""Partner organisations: the page behind the partner link, where the owners and coordinators
of other organisations co-sign for them, and replacing the link (which revokes the old one)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from consult.forms import ActionForm
from consult.signing import blueprint, presenters, services
from consult.signing.forms import PartnerSignForm, Problem, ask_consent_again
from consult.signing.permissions import load_partner_version, load_version, partner_memberships
from consult.web import commit


@blueprint.post("/versions/<int:version_id>/partner-link")
def new_partner_link(version_id: int):
    found, membership = load_version(version_id, "freeze")
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.replace_partner_link(membership, found),
            success="Here is a new partner link. The old one no longer works: send the new one "
            "to the partners who still need to sign.",
        )
    return redirect(url_for("signing.version", version_id=found.id, _anchor="partners"))


@blueprint.route("/sign/<int:version_id>/partner/<token>", methods=["GET", "POST"])
def partner(version_id: int, token: str):
    found = load_partner_version(version_id, token)
    mine = partner_memberships(current_user, found)
    signed = services.organisation_signatures(found, [m.organisation_id for m in mine])
    unsigned = [m for m in mine if m.organisation_id not in signed]
    form = PartnerSignForm().offer(unsigned)
    problem = Problem()
    if request.method == "POST" and form.validate_on_submit():
        chosen = form.chosen(unsigned)
        if commit(
            lambda: services.sign_as_member(
                current_user, found, None, None, True, on_behalf_of=chosen
            ),
            success=f"{chosen.name} now co-signs version {found.number} of “{found.title}”.",
            error_to=problem,
        ):
            return redirect(request.path)
    if form.statement_version.errors:
        ask_consent_again(form)
    return render_template(
        "signing/partner.html",
        **presenters.partner_page(found, mine, unsigned, signed),
        form=form,
        problem=problem.message,
    ), 422 if request.method == "POST" else 200
