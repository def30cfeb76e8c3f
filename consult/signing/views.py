"""Signing pages: the versions of a response, one version (its text, fingerprint and signing
controls), differences between versions, the signing page (members, the public, partner
organisations), confirmation and management links from e-mails, the coordinator's view of
the signatures with a chart and a CSV, and the public verification page. What they show is
built in presenters.py.

Each view has the house shape: load (404 for what is missing or hidden) -> permission (403)
-> validate the form -> one service call -> commit once -> redirect. A form that fails comes
back with the person's input and a 422.

Public signing answers every accepted submission with the same "Check your e-mail" page (a
new address, a repeat, or one that has already signed), so nobody can learn from it who has
signed. A submission that the checks against robots hold back (robots.py) is never told that:
the form comes back, as typed, asking the person to confirm once more."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from consult.accounts.services import normalise_email
from consult.audit.services import record
from consult.drafting.forms import MAX_ID, choices
from consult.drafting.models import Response
from consult.exports import services as export_services
from consult.extensions import db, limiter
from consult.forms import ActionForm
from consult.links import public_url
from consult.organisations import services as organisations
from consult.organisations.models import Membership
from consult.organisations.permissions import can
from consult.organisations.services import NotAllowed
from consult.signing import consent, robots, services
from consult.signing.forms import (
    FreezeForm,
    MemberSignForm,
    OpenSigningForm,
    PartnerSignForm,
    PublicationForm,
    PublicSignForm,
    SignatureFilterForm,
    VerifyForm,
)
from consult.signing.models import Signature, Version
from consult.signing.presenters import chart, compare, rendered
from consult.signing.services import SigningError, is_open
from consult.timeutil import LONDON, utcnow

blueprint = Blueprint("signing", __name__)

# Rate limits of the public form (its checks against robots are in robots.py).
PUBLIC_IP_LIMIT = "30 per minute;300 per hour"
PUBLIC_EMAIL_LIMIT = "5 per hour"
SIGNATURES_PAGE_SIZE = 50
PUBLIC_NAMES_SHOWN = 200  # the signing page lists this many published names, then "and N more"

# --- loading --------------------------------------------------------------------------------


def _valid_id(value: int) -> int:
    if not 0 < value <= MAX_ID:
        abort(404)
    return value


def _find_version(version_id: int) -> Version | None:
    """Loaded plainly, without eager joins: the services lock the version row (FOR UPDATE),
    which PostgreSQL refuses on the nullable side of an outer join."""
    if not 0 < version_id <= MAX_ID:
        return None
    return db.session.get(Version, version_id)


def _lead_membership(version: Version) -> Membership | None:
    return organisations.membership_of(current_user, version.response.organisation)


def load_response(response_id: int, action: str = "view") -> tuple[Response, Membership]:
    """The response and the person's membership of its organisation: 404 for anyone else,
    403 when their role does not allow `action`."""
    response = db.session.get(Response, _valid_id(response_id))
    if response is None:
        abort(404)
    membership = organisations.membership_of(current_user, response.organisation)
    if membership is None:
        abort(404)
    if not can(membership, action):
        abort(403)
    return response, membership


def load_version(version_id: int, action: str = "view") -> tuple[Version, Membership]:
    """A version seen from inside its organisation (404 for others, 403 by role)."""
    version = _find_version(version_id)
    if version is None:
        abort(404)
    membership = _lead_membership(version)
    if membership is None:
        abort(404)
    if not can(membership, action):
        abort(403)
    return version, membership


def _open_to_public(version: Version) -> bool:
    return version.signing_public and is_open(version)


def load_signable(version_id: int) -> tuple[Version, Membership | None]:
    """The signing page's audience: anyone while the version is open to the public; the lead
    organisation's members otherwise (they also see it closed, as signers will). Anyone else
    gets a 404, and an anonymous visitor is asked to log in first, whether or not the version
    exists, so the answer tells a stranger nothing."""
    version = _find_version(version_id)
    if version is not None and _open_to_public(version):
        return version, _lead_membership(version)
    if not current_user.is_authenticated:
        abort(redirect(url_for("accounts.login", next=request.full_path.rstrip("?"))))
    if version is None:
        abort(404)
    membership = _lead_membership(version)
    if membership is None:
        abort(404)
    return version, membership


def _to_utc(moment: datetime | None) -> datetime | None:
    """A closing time typed in UK time, as the naive UTC the database stores."""
    if moment is None:
        return None
    return moment.replace(tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


def _to_london(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(LONDON).replace(tzinfo=None)


# --- versions -------------------------------------------------------------------------------


def _versions_page(response: Response, membership: Membership, form=None, status: int = 200):
    versions = services.versions_of(response)
    can_freeze = can(membership, "freeze")
    # Before freezing, the same check as before exporting: a warning, not a block (answering
    # only some questions is a choice an organisation may make).
    profile, problems = export_services.check_draft(response) if can_freeze else (None, ())
    return render_template(
        "signing/versions.html",
        response=response,
        organisation=response.organisation,
        membership=membership,
        versions=versions,
        counts={version.id: services.confirmed_count(version) for version in versions},
        can_freeze=can_freeze,
        check_profile=profile,
        problems=problems,
        form=form or FreezeForm(formdata=None),
    ), status


@blueprint.get("/responses/<int:response_id>/versions")
def versions(response_id: int):
    response, membership = load_response(response_id)
    return _versions_page(response, membership)


@blueprint.post("/responses/<int:response_id>/versions")
def freeze(response_id: int):
    response, membership = load_response(response_id, "freeze")
    form = FreezeForm()
    if form.validate_on_submit():
        version = services.freeze(membership, response, form.note.data or "")
        db.session.commit()
        flash(
            f"Version {version.number} is frozen. Its text will never change; drafting goes on "
            "in the response as before.",
            "success",
        )
        return redirect(url_for("signing.version", version_id=version.id))
    return _versions_page(response, membership, form=form, status=422)


def _version_page(version: Version, membership: Membership, form=None, status: int = 200):
    coordinating = can(membership, "freeze")
    if form is None and coordinating:
        form = OpenSigningForm(
            formdata=None,
            audience="public" if version.signing_public else "members",
            closes_at=_to_london(version.signing_closes_at) if is_open(version) else None,
        )
    return render_template(
        "signing/version.html",
        version=version,
        response=version.response,
        organisation=version.response.organisation,
        membership=membership,
        text=rendered(version),
        previous=services.previous_version(version),
        count=services.confirmed_count(version),
        coordinating=coordinating,
        form=form,
        sign_url=public_url("signing.sign", version_id=version.id),
        partner_url=public_url(
            "signing.partner", version_id=version.id, token=services.partner_token(version)
        )
        if coordinating
        else None,
        action_form=ActionForm(formdata=None),
    ), status


@blueprint.get("/versions/<int:version_id>")
def version(version_id: int):
    found, membership = load_version(version_id)
    return _version_page(found, membership)


@blueprint.post("/versions/<int:version_id>/signing")
def update_signing(version_id: int):
    found, membership = load_version(version_id, "freeze")
    form = OpenSigningForm()
    if form.validate_on_submit():
        if form.operation.data == "close":
            services.close_signing(membership, found)
            db.session.commit()
            flash(
                f"Signing of version {found.number} is closed. Signatures already given "
                "still count.",
                "success",
            )
            return redirect(url_for("signing.version", version_id=found.id, _anchor="signing"))
        try:
            services.open_signing(
                membership,
                found,
                public=form.audience.data == "public",
                closes_at=_to_utc(form.closes_at.data),
            )
        except SigningError as error:
            db.session.rollback()
            form.closes_at.errors.append(str(error))
        else:
            db.session.commit()
            who = "anyone with the link" if found.signing_public else "members"
            flash(f"Version {found.number} is open for signing by {who}.", "success")
            return redirect(url_for("signing.version", version_id=found.id, _anchor="signing"))
    return _version_page(found, membership, form=form, status=422)


@blueprint.post("/versions/<int:version_id>/partner-link")
def new_partner_link(version_id: int):
    found, membership = load_version(version_id, "freeze")
    if ActionForm().validate_on_submit():
        services.replace_partner_link(membership, found)
        db.session.commit()
        flash(
            "Here is a new partner link. The old one no longer works: send the new one to "
            "the partners who still need to sign.",
            "success",
        )
    return redirect(url_for("signing.version", version_id=found.id, _anchor="partners"))


def _int_arg(name: str) -> int | bool | None:
    raw = request.args.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        return False
    return int(raw)


@blueprint.get("/versions/<int:version_id>/diff")
def diff(version_id: int):
    found, membership = load_version(version_id)
    against = _int_arg("against")
    if against is False:
        abort(404)
    if against:
        other = db.session.get(Version, against)
        if other is None or other.response_id != found.response_id:
            abort(404)
    else:
        other = services.previous_version(found)
    comparison = None
    if other is not None and other.id != found.id:
        older, newer = (other, found) if other.number < found.number else (found, other)
        comparison = compare(older, newer)
    return render_template(
        "signing/diff.html",
        version=found,
        other=other,
        response=found.response,
        organisation=found.response.organisation,
        membership=membership,
        versions=services.versions_of(found.response),
        comparison=comparison,
    )


@blueprint.get("/versions/<int:version_id>/changes")
def changes(version_id: int):
    found, membership = load_signable(version_id)
    previous = services.previous_version(found, public_only=membership is None)
    return render_template(
        "signing/changes.html",
        version=found,
        response=found.response,
        organisation=found.response.organisation,
        membership=membership,
        previous=previous,
        comparison=compare(previous, found) if previous else None,
        text=rendered(found),
        open_now=is_open(found),
    )


# --- the signing page -----------------------------------------------------------------------


def _my_signature(version: Version) -> Signature | None:
    if not current_user.is_authenticated:
        return None
    return next(
        (
            signature
            for signature in services.signatures_of_user(current_user)
            if signature.version_id == version.id and signature.kind != "organisation"
        ),
        None,
    )


def _reconsent(form) -> None:
    """After a stale statement the new one must be read and agreed afresh."""
    form.statement_version.data = consent.CURRENT_VERSION
    form.consent.data = False


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
    response = version.response
    organisations_signed, people = services.public_lists(version)
    open_now = is_open(version)
    may_sign = open_now and (version.signing_public or membership is not None)
    my_signature = _my_signature(version)
    later = services.latest_version_after(version, public_only=membership is None)
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
        version=version,
        response=response,
        organisation=response.organisation,
        consultation=response.consultation,
        membership=membership,
        text=rendered(version),
        count=services.confirmed_count(version),
        co_signing=organisations_signed,
        people=people[:PUBLIC_NAMES_SHOWN],
        more_people=max(0, len(people) - PUBLIC_NAMES_SHOWN),
        open_now=open_now,
        may_sign=may_sign,
        my_signature=my_signature,
        member_form=member_form,
        public_form=public_form,
        statement=consent.statement(response.organisation.name, response.consultation.title),
        statement_version=consent.CURRENT_VERSION,
        problem=problem,
        ask_again=ask_again,
        later=later,
        later_visible=later is not None and (membership is not None or _open_to_public(later)),
        action_form=ActionForm(formdata=None),
    )
    return _no_store(make_response(page, status))


def _no_store(response):
    """Pages with a person's own details, a form token tied to their session, or live
    counts: no cache keeps them for someone else."""
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/sign/<int:version_id>")
def sign(version_id: int):
    found, membership = load_signable(version_id)
    return _sign_page(found, membership)


@blueprint.post("/sign/<int:version_id>/member")
def sign_member(version_id: int):
    found, membership = load_signable(version_id)
    form = MemberSignForm()
    problem = None
    if form.validate_on_submit():
        try:
            services.sign_as_member(
                current_user,
                found,
                form.display_name.data,
                form.affiliation.data,
                bool(form.publish.data),
            )
        except (SigningError, NotAllowed) as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            flash(
                f"Thank you: your signature of version {found.number} is recorded and counted.",
                "success",
            )
            return redirect(url_for("signing.sign", version_id=found.id))
    if form.statement_version.errors:
        _reconsent(form)
    return _sign_page(found, membership, member_form=form, problem=problem, status=422)


def _public_version(version_id: int) -> Version:
    found = _find_version(version_id)
    if found is None or not _open_to_public(found):
        abort(404)
    return found


def _signer_email_key() -> str:
    """Per address (normalised as the signature's key is), so one inbox cannot be flooded
    with confirmation e-mails from many client addresses."""
    return "sign-email:" + normalise_email(request.form.get("email", ""))[:254]


def _no_email() -> bool:
    return not request.form.get("email", "").strip()


@blueprint.post("/sign/<int:version_id>")
@limiter.limit(PUBLIC_IP_LIMIT)
@limiter.limit(PUBLIC_EMAIL_LIMIT, key_func=_signer_email_key, exempt_when=_no_email)
def sign_public(version_id: int):
    found = _public_version(version_id)
    form = PublicSignForm()
    if not form.validate_on_submit():
        stamp = robots.redrawn_stamp(form.started.data, found)
        return _sign_page(found, _lead_membership(found), public_form=form, stamp=stamp, status=422)
    verdict = robots.admit(form.started.data, form.website.data, found)
    if verdict.outcome == "ask_again":
        db.session.commit()  # the count of what the checks held back
        stamp = robots.redrawn_stamp(form.started.data, found, confirmed=True)
        return _sign_page(
            found, _lead_membership(found), public_form=form, ask_again=verdict.reason, stamp=stamp
        )
    if verdict.outcome == "expired":
        problem = "This page was open for a long time. Please check your details and sign again."
        stamp = robots.new_stamp(found, confirmed=True)
        return _sign_page(
            found,
            _lead_membership(found),
            public_form=form,
            problem=problem,
            stamp=stamp,
            status=422,
        )
    try:
        services.sign_publicly(
            found,
            form.name.data,
            form.email.data,
            form.affiliation.data,
            bool(form.publish.data),
            form.statement_version.data or "",
        )
    except SigningError as error:
        db.session.rollback()
        if form.statement_version.data != consent.CURRENT_VERSION:
            _reconsent(form)
        stamp = robots.redrawn_stamp(form.started.data, found)
        return _sign_page(
            found,
            _lead_membership(found),
            public_form=form,
            problem=str(error),
            stamp=stamp,
            status=422,
        )
    db.session.commit()
    return redirect(url_for("signing.sent", version_id=found.id))


@blueprint.get("/sign/<int:version_id>/sent")
def sent(version_id: int):
    found = _find_version(version_id)
    if found is None or not found.signing_public:
        abort(404)
    return render_template(
        "signing/sent.html",
        version=found,
        response=found.response,
        organisation=found.response.organisation,
        hours=int(services.UNCONFIRMED_LIFETIME.total_seconds() // 3600),
    )


# --- partner organisations ------------------------------------------------------------------


@blueprint.route("/sign/<int:version_id>/partner/<token>", methods=["GET", "POST"])
def partner(version_id: int, token: str):
    found = _find_version(version_id)
    if found is None or not services.partner_token_valid(found, token):
        abort(404)
    lead = found.response.organisation
    mine = [
        membership
        for membership in organisations.memberships_of(current_user)
        if membership.organisation_id != lead.id and can(membership, "sign_for_organisation")
    ]
    signed = services.organisation_signatures(found, [m.organisation_id for m in mine])
    unsigned = [m for m in mine if m.organisation_id not in signed]
    form = PartnerSignForm()
    form.organisation.choices = choices(
        [(str(m.organisation_id), m.organisation.name) for m in unsigned]
    )
    problem = None
    if request.method == "POST" and form.validate_on_submit():
        chosen = next(
            m.organisation for m in unsigned if str(m.organisation_id) == form.organisation.data
        )
        try:
            services.sign_as_member(current_user, found, None, None, True, on_behalf_of=chosen)
        except (SigningError, NotAllowed) as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            flash(
                f"{chosen.name} now co-signs version {found.number} of “{found.title}”.",
                "success",
            )
            return redirect(request.path)
    if form.statement_version.errors:
        _reconsent(form)
    return render_template(
        "signing/partner.html",
        version=found,
        response=found.response,
        organisation=lead,
        consultation=found.response.consultation,
        text=rendered(found),
        count=services.confirmed_count(found),
        open_now=is_open(found),
        memberships=mine,
        unsigned=unsigned,
        signed=signed,
        form=form,
        problem=problem,
        statement=consent.statement(lead.name, found.response.consultation.title),
        statement_version=consent.CURRENT_VERSION,
    ), 422 if request.method == "POST" else 200


# --- confirming, managing and withdrawing ----------------------------------------------------


@blueprint.route("/signatures/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("60 per hour", methods=["POST"])
def confirm(token: str):
    """GET shows a button and POST confirms, so mail scanners that open links confirm nothing."""
    form = ActionForm()
    if form.validate_on_submit():
        try:
            signature = services.confirm(token)
        except SigningError as error:
            db.session.rollback()
            return render_template("signing/confirm.html", form=form, problem=str(error)), 400
        db.session.commit()
        session["confirmed_signature"] = signature.id
        return redirect(url_for("signing.confirmed"))
    return render_template("signing/confirm.html", form=form, problem=None)


@blueprint.get("/signatures/confirmed")
def confirmed():
    """The page after confirming (POST/redirect/GET): only the browser that confirmed sees it."""
    signature_id = session.get("confirmed_signature")
    signature = db.session.get(Signature, signature_id) if isinstance(signature_id, int) else None
    if signature is None or signature.status != "confirmed":
        abort(404)
    version = signature.version
    page = render_template(
        "signing/confirmed.html",
        signature=signature,
        version=version,
        response=version.response,
        organisation=version.response.organisation,
        count=services.confirmed_count(version),
        public_page=_open_to_public(version),
    )
    return _no_store(make_response(page))


def _managed(token: str) -> Signature | None:
    return services.signature_for_manage_token(token)


def _invalid_link():
    return render_template("signing/link_invalid.html"), 404


@blueprint.get("/signatures/manage/<token>")
def manage(token: str):
    signature = _managed(token)
    if signature is None:
        return _invalid_link()
    version = signature.version
    records = services.consent_history(signature)
    return render_template(
        "signing/manage.html",
        signature=signature,
        version=version,
        response=version.response,
        organisation=version.response.organisation,
        records=records,
        erased=signature.signer_key.startswith("erased:"),
        public_page=_open_to_public(version),
        token=token,
        action_form=ActionForm(formdata=None),
    )


@blueprint.post("/signatures/manage/<token>/withdraw")
@limiter.limit("60 per hour")
def manage_withdraw(token: str):
    signature = _managed(token)
    if signature is None:
        return _invalid_link()
    if ActionForm().validate_on_submit():
        services.withdraw(signature, "e-mail link")
        db.session.commit()
        flash("Your signature is withdrawn. It no longer counts.", "success")
    return redirect(url_for("signing.manage", token=token))


@blueprint.post("/signatures/manage/<token>/publication")
@limiter.limit("60 per hour")
def manage_publication(token: str):
    signature = _managed(token)
    if signature is None:
        return _invalid_link()
    form = PublicationForm()
    if form.validate_on_submit():
        publish = form.publish.data == "yes"
        try:
            services.set_name_published(signature, publish, "e-mail link")
        except SigningError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                "Your name will be listed with the response. Your signature still counts."
                if publish
                else "Your name is no longer listed with the response. Your signature still "
                "counts.",
                "success",
            )
    return redirect(url_for("signing.manage", token=token))


@blueprint.post("/signatures/manage/<token>/erase")
@limiter.limit("60 per hour")
def manage_erase(token: str):
    signature = _managed(token)
    if signature is None:
        return _invalid_link()
    if ActionForm().validate_on_submit():
        services.erase_public_signer(signature)
        db.session.commit()
        flash(
            "Your signature is withdrawn and your name, e-mail address and affiliation are erased.",
            "success",
        )
    return redirect(url_for("signing.manage", token=token))


def _may_withdraw(signature: Signature) -> bool:
    """A person's own signature: the signer. An organisation's co-signature: whoever is an
    owner or coordinator of that organisation now (someone removed from it no longer may)."""
    if signature.kind == "organisation":
        if signature.organisation is None:
            return False
        partner = organisations.membership_of(current_user, signature.organisation)
        return can(partner, "sign_for_organisation")
    return signature.user_id == current_user.id


@blueprint.post("/signatures/<int:signature_id>/withdraw")
def withdraw(signature_id: int):
    signature = db.session.get(Signature, _valid_id(signature_id))
    if signature is None or not _may_withdraw(signature):
        abort(404)
    if ActionForm().validate_on_submit():
        services.withdraw(signature, "account", actor=current_user)
        db.session.commit()
        whose = f"{signature.name}\u2019s" if signature.kind == "organisation" else "Your"
        flash(
            f"{whose} signature of “{signature.version.title}” (version "
            f"{signature.version.number}) is withdrawn. It no longer counts.",
            "success",
        )
    if request.args.get("next") == "account":
        return redirect(url_for("accounts.account", _anchor="signatures"))
    return redirect(url_for("signing.sign", version_id=signature.version_id))


# --- the coordinator's view -----------------------------------------------------------------


@blueprint.get("/versions/<int:version_id>/signatures")
def signatures(version_id: int):
    found, membership = load_version(version_id, "freeze")
    filters = SignatureFilterForm(request.args)
    valid = filters.validate()
    listing = services.signature_page(
        found,
        kind=filters.kind.data if valid else None,
        status=filters.status.data if valid else None,
        name=filters.q.data if valid else None,
        page=_int_arg("page") or 1,
        per_page=SIGNATURES_PAGE_SIZE,
    )
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "signing/signatures.html",
        version=found,
        response=found.response,
        organisation=found.response.organisation,
        membership=membership,
        chart=chart(services.daily_counts(found), services.london_date(utcnow())),
        filters=filters,
        filtered=valid and any((filters.kind.data, filters.status.data, filters.q.data)),
        rows=listing.rows,
        total=listing.total,
        page=listing.page,
        pages=listing.pages,
        args=args,
        by_status=services.status_counts(found),
        robot_checks=robots.counts(found),
    ), 200 if valid else 400


@blueprint.get("/versions/<int:version_id>/signatures.csv")
def signatures_csv(version_id: int):
    found, _membership = load_version(version_id, "freeze")
    body = services.signatories_csv(found, include_emails=True)
    record(
        "signatures.csv_downloaded",
        actor=current_user,
        organisation=found.response.organisation,
        subject=found,
        number=found.number,
    )
    db.session.commit()
    # A byte-order mark, so spreadsheet programs read names as UTF-8.
    response = make_response("\ufeff" + body)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    filename = f"signatories-response-{found.response_id}-version-{found.number}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- verification ---------------------------------------------------------------------------


@blueprint.get("/verify")
def verify():
    form = VerifyForm(request.args)
    if "fingerprint" in request.args and form.validate():
        return redirect(url_for("signing.verify_fingerprint", sha256=form.fingerprint.data))
    return render_template(
        "signing/verify.html", form=form, version=None, searched=None
    ), 400 if form.errors else 200


@blueprint.get("/verify/<sha256>")
def verify_fingerprint(sha256: str):
    fingerprint = sha256.strip().lower()
    found = services.find_published(fingerprint)
    form = VerifyForm(formdata=None, fingerprint=fingerprint if len(fingerprint) == 64 else "")
    return render_template(
        "signing/verify.html",
        form=form,
        version=found,
        searched=fingerprint[:64],
        content=services.content_of(found) if found else None,
        count=services.confirmed_count(found) if found else None,
        text=rendered(found) if found and services.text_public(found) else None,
    )
