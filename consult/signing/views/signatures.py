"""Signing and signatures: the signing page with its forms (members, and the public with
e-mail confirmation), the links in signers' e-mails (confirming, managing, withdrawing,
erasing) and withdrawing from one's account.

Public signing answers every accepted submission with the same "Check your e-mail" page (a
new address, a repeat, or one that has already signed), so nobody can learn from it who has
signed. A submission that the checks against robots hold back (robots.py) is never told that:
the form comes back, as typed, asking the person to confirm once more."""

from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from consult.accounts.services import normalise_email
from consult.extensions import limiter
from consult.forms import ActionForm
from consult.organisations.models import Membership
from consult.organisations.permissions import membership_of
from consult.signing import blueprint, consent, presenters, robots, services
from consult.signing.forms import (
    MemberSignForm,
    Problem,
    PublicationForm,
    PublicSignForm,
    ask_consent_again,
)
from consult.signing.models import Signature, Version
from consult.signing.permissions import (
    load_confirmed_signature,
    load_public_version,
    load_signable,
    load_signature,
)
from consult.web import commit

# Rate limits of the public form (its checks against robots are in robots.py).
PUBLIC_IP_LIMIT = "30 per minute;300 per hour"
PUBLIC_EMAIL_LIMIT = "5 per hour"
EXPIRED_FORM = "This page was open for a long time. Please check your details and sign again."

# --- the signing page -----------------------------------------------------------------------


def _no_store(response):
    """Pages with a person's own details, a form token tied to their session, or live
    counts: no cache keeps them for someone else."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _sign_page(
    version: Version,
    membership: Membership | None,
    *,
    member_form: MemberSignForm | None = None,
    public_form: PublicSignForm | None = None,
    problem: str | None = None,
    ask_again: str | None = None,
    stamp: str | None = None,
    status: int = 200,
):
    """The signing page. `ask_again`: why a public submission was held back (robots.py),
    to ask the person to confirm; `stamp`: the public form's stamp, if not a fresh one."""
    shown = presenters.sign_page(version, membership)
    if current_user.is_authenticated:
        if member_form is None:
            member_form = MemberSignForm(formdata=None, display_name=current_user.name)
    elif public_form is None:
        public_form = PublicSignForm(formdata=None)
    if public_form is not None:
        public_form.started.data = stamp or robots.new_stamp(version)
        public_form.website.data = ""
    page = render_template(
        "signing/sign.html",
        **shown,
        member_form=member_form,
        public_form=public_form,
        problem=problem,
        ask_again=ask_again,
        action_form=ActionForm(formdata=None),
    )
    return _no_store(make_response(page, status))


@blueprint.get("/sign/<int:version_id>")
def sign(version_id: int):
    found, membership = load_signable(version_id)
    return _sign_page(found, membership)


@blueprint.post("/sign/<int:version_id>/member")
def sign_member(version_id: int):
    found, membership = load_signable(version_id)
    form = MemberSignForm()
    problem = Problem()
    if form.validate_on_submit() and commit(
        lambda: services.sign_as_member(
            current_user,
            found,
            form.display_name.data,
            form.affiliation.data,
            bool(form.publish.data),
        ),
        success=f"Thank you: your signature of version {found.number} is recorded and counted.",
        error_to=problem,
    ):
        return redirect(url_for("signing.sign", version_id=found.id))
    if form.statement_version.errors:
        ask_consent_again(form)
    return _sign_page(found, membership, member_form=form, problem=problem.message, status=422)


def _signer_email_key() -> str:
    """Per address (normalised as the signature's key is), so one inbox cannot be flooded
    with confirmation e-mails from many client addresses."""
    return "sign-email:" + normalise_email(request.form.get("email", ""))[:254]


def _no_email() -> bool:
    return not request.form.get("email", "").strip()


def _public_form_again(version: Version, form: PublicSignForm, **shown):
    """The public form shown again as typed, to the lead organisation's member or anyone."""
    membership = membership_of(current_user, version.response.organisation)
    return _sign_page(version, membership, public_form=form, **shown)


@blueprint.post("/sign/<int:version_id>")
@limiter.limit(PUBLIC_IP_LIMIT)
@limiter.limit(PUBLIC_EMAIL_LIMIT, key_func=_signer_email_key, exempt_when=_no_email)
def sign_public(version_id: int):
    found = load_public_version(version_id)
    form = PublicSignForm()
    if not form.validate_on_submit():
        stamp = robots.redrawn_stamp(form.started.data, found)
        return _public_form_again(found, form, stamp=stamp, status=422)
    problem = Problem()
    signed = commit(
        lambda: services.sign_with_form(
            found,
            form.started.data,
            form.website.data,
            form.name.data,
            form.email.data,
            form.affiliation.data,
            bool(form.publish.data),
            form.statement_version.data or "",
        ),
        error_to=problem,
    )
    if not signed:
        if form.statement_version.data != consent.CURRENT_VERSION:
            ask_consent_again(form)
        stamp = robots.redrawn_stamp(form.started.data, found)
        return _public_form_again(found, form, problem=problem.message, stamp=stamp, status=422)
    verdict = signed.value
    if verdict.outcome == "ask_again":  # held back (and counted): confirm once more
        stamp = robots.redrawn_stamp(form.started.data, found, confirmed=True)
        return _public_form_again(found, form, ask_again=verdict.reason, stamp=stamp)
    if verdict.outcome == "expired":
        stamp = robots.new_stamp(found, confirmed=True)
        return _public_form_again(found, form, problem=EXPIRED_FORM, stamp=stamp, status=422)
    return redirect(url_for("signing.sent", version_id=found.id))


@blueprint.get("/sign/<int:version_id>/sent")
def sent(version_id: int):
    found = load_public_version(version_id, open_now=False)
    return render_template("signing/sent.html", **presenters.sent_page(found))


# --- confirming, managing and withdrawing ----------------------------------------------------


@blueprint.route("/signatures/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("60 per hour", methods=["POST"])
def confirm(token: str):
    """GET shows a button and POST confirms, so mail scanners that open links confirm nothing."""
    form = ActionForm()
    if form.validate_on_submit():
        problem = Problem()
        if confirmed := commit(lambda: services.confirm(token), error_to=problem):
            session["confirmed_signature"] = confirmed.value.id
            return redirect(url_for("signing.confirmed"))
        return render_template("signing/confirm.html", form=form, problem=problem.message), 400
    return render_template("signing/confirm.html", form=form, problem=None)


@blueprint.get("/signatures/confirmed")
def confirmed():
    """The page after confirming (POST/redirect/GET): only the browser that confirmed sees it."""
    signature = load_confirmed_signature(session.get("confirmed_signature"))
    page = render_template("signing/confirmed.html", **presenters.confirmed_page(signature))
    return _no_store(make_response(page))


def _managed(token: str) -> Signature:
    """The signature an e-mailed management link names, else a 404 saying the link is not
    valid (the link, not a page, is what is missing)."""
    signature = services.signature_for_manage_token(token)
    if signature is None:
        abort(make_response(render_template("signing/link_invalid.html"), 404))
    return signature


@blueprint.get("/signatures/manage/<token>")
def manage(token: str):
    signature = _managed(token)
    return render_template(
        "signing/manage.html",
        **presenters.manage_page(signature, token),
        action_form=ActionForm(formdata=None),
    )


@blueprint.post("/signatures/manage/<token>/withdraw")
@limiter.limit("60 per hour")
def manage_withdraw(token: str):
    signature = _managed(token)
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.withdraw(signature, "e-mail link"),
            success="Your signature is withdrawn. It no longer counts.",
        )
    return redirect(url_for("signing.manage", token=token))


@blueprint.post("/signatures/manage/<token>/publication")
@limiter.limit("60 per hour")
def manage_publication(token: str):
    signature = _managed(token)
    form = PublicationForm()
    if form.validate_on_submit():
        publish = form.publish.data == "yes"
        commit(
            lambda: services.set_name_published(signature, publish, "e-mail link"),
            success="Your name will be listed with the response. Your signature still counts."
            if publish
            else "Your name is no longer listed with the response. Your signature still counts.",
        )
    return redirect(url_for("signing.manage", token=token))


@blueprint.post("/signatures/manage/<token>/erase")
@limiter.limit("60 per hour")
def manage_erase(token: str):
    signature = _managed(token)
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.erase_public_signer(signature),
            success="Your signature is withdrawn and your name, e-mail address and affiliation "
            "are erased.",
        )
    return redirect(url_for("signing.manage", token=token))


@blueprint.post("/signatures/<int:signature_id>/withdraw")
def withdraw(signature_id: int):
    signature = load_signature(signature_id)
    if ActionForm().validate_on_submit():
        whose = f"{signature.name}\u2019s" if signature.kind == "organisation" else "Your"
        commit(
            lambda: services.withdraw(signature, "account", actor=current_user),
            success=lambda _: (
                f"{whose} signature of “{signature.version.title}” (version "
                f"{signature.version.number}) is withdrawn. It no longer counts."
            ),
        )
    if request.args.get("next") == "account":
        return redirect(url_for("accounts.account", _anchor="signatures"))
    return redirect(url_for("signing.sign", version_id=signature.version_id))
