"""Signing pages: the versions of a response, one version (its text, fingerprint and signing
controls), differences between versions, the signing page (members, the public, partner
organisations), confirmation and management links from e-mails, the coordinator's view of
the signatures with a chart and a CSV, and the public verification page.

Each view has the house shape: load (404 for what is missing or hidden) -> permission (403)
-> validate the form -> one service call -> commit once -> redirect. A form that fails comes
back with the person's input and a 422.

Public signing answers every accepted submission with the same "Check your e-mail" page
(a new address, a repeat, one that has already signed, or a robot caught by the honeypot or
the minimum fill time), so nobody can learn from it who has signed."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from consult.accounts.services import normalise_email
from consult.accounts.views import secret_url
from consult.audit.services import record
from consult.drafting.forms import MAX_ID, choices
from consult.drafting.markdown import RESPONSE_UNITS, Budget, word_count
from consult.drafting.markdown import render as render_markdown
from consult.drafting.models import Response
from consult.drafting.views import readable_ops
from consult.extensions import db, limiter
from consult.forms import ActionForm
from consult.organisations import services as organisations
from consult.organisations.models import Membership
from consult.organisations.permissions import can
from consult.organisations.services import NotAllowed
from consult.signing import consent, services
from consult.signing.forms import (
    FreezeForm,
    MemberSignForm,
    OpenSigningForm,
    PartnerSignForm,
    PublicSignForm,
    SignatureFilterForm,
    VerifyForm,
)
from consult.signing.models import Signature, Version
from consult.signing.services import LONDON, SigningError, is_open
from consult.timeutil import utcnow

blueprint = Blueprint("signing", __name__)

# Anti-robot settings for the public form; the minimum fill time is SIGNING_MIN_FILL_SECONDS
# (consult/config.py).
FORM_MAX_AGE = 24 * 3600  # a page left open longer is drawn again with a fresh stamp
PUBLIC_IP_LIMIT = "30 per minute;300 per hour"
PUBLIC_EMAIL_LIMIT = "5 per hour"
SIGNATURES_PAGE_SIZE = 50
PUBLIC_NAMES_SHOWN = 200  # the signing page lists this many published names, then "and N more"
SUMMARY_KINDS = ("summary",)
STATE_LABELS = {
    "not_open": "Not open for signing",
    "members": "Open to members",
    "public": "Open to the public",
    "closed": "Signing closed",
}
KIND_LABELS = {"member": "Member", "organisation": "Organisation", "public": "Public"}
STATUS_LABELS = {
    "confirmed": "Confirmed",
    "pending": "Waiting for confirmation",
    "withdrawn": "Withdrawn",
}


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


def signing_state(version: Version) -> str:
    if version.signing_opened_at is None and not version.signing_open:
        return "not_open"
    if is_open(version):
        return "public" if version.signing_public else "members"
    return "closed"


@blueprint.record_once
def _template_globals(state) -> None:
    """Globals rather than a context processor, so imported macros see them too."""
    state.app.jinja_env.globals.update(
        signing_state=signing_state,
        signing_state_labels=STATE_LABELS,
        signature_kind_labels=KIND_LABELS,
        signature_status_labels=STATUS_LABELS,
    )


# --- presenting a version -------------------------------------------------------------------


# Versions never change, so their rendered text is kept by fingerprint: the public signing
# page does not run Markdown on every visit.
_RENDERED: OrderedDict[str, dict] = OrderedDict()
_RENDERED_LIMIT = 64


def section_label(section: dict) -> str:
    if section.get("kind") == "question" and section.get("number") is not None:
        return f"Question {section['number']}"
    return section.get("title") or "Section"


def rendered(version: Version) -> dict:
    """The version's frozen content, with each section's Markdown rendered once."""
    cached = _RENDERED.get(version.sha256)
    if cached is not None:
        return cached
    content = services.content_of(version)
    sections = []
    budget = Budget(RESPONSE_UNITS)  # shared by the sections, as markdown.render_response does
    for index, section in enumerate(content.get("sections", []), start=1):
        body = section.get("body") or ""
        sections.append(
            {
                "anchor": f"v{version.id}-section-{index}",
                "kind": section.get("kind"),
                "number": section.get("number"),
                "label": section_label(section),
                "title": section.get("title") or "",
                "choice": section.get("choice"),
                "html": render_markdown(body, f"v{version.id}-{index}", budget)
                if body.strip()
                else "",
                "words": word_count(body),
            }
        )
    summary = next(
        (s for s in sections if s["kind"] in SUMMARY_KINDS and s["html"]),
        None,
    )
    result = {
        "content": content,
        "sections": sections,
        "summary": summary,
        "words": sum(s["words"] for s in sections),
    }
    _RENDERED[version.sha256] = result
    while len(_RENDERED) > _RENDERED_LIMIT:
        try:
            _RENDERED.popitem(last=False)
        except KeyError:  # another thread emptied it first
            break
    return result


def _section_key(section: dict) -> tuple:
    if section.get("kind") == "question" and section.get("number") is not None:
        return ("question", section["number"])
    if section.get("kind") in ("summary", "about", "recommendations"):
        return (section["kind"],)
    return (section.get("kind"), section.get("title"))


def compare(older: Version, newer: Version) -> dict:
    """What changed from `older` to `newer`, section by section: word-level operations for
    sections in both, and the sections added or removed."""
    before: dict[tuple, list[dict]] = {}
    for section in services.content_of(older).get("sections", []):
        before.setdefault(_section_key(section), []).append(section)
    changed, unchanged, added = [], [], []
    for section in services.content_of(newer).get("sections", []):
        matches = before.get(_section_key(section))
        if not matches:
            added.append(section)
            continue
        old = matches.pop(0)
        ops = readable_ops(old.get("body") or "", section.get("body") or "")
        entry = {
            "label": section_label(section),
            "section": section,
            "old": old,
            "ops": ops,
            "title_changed": (old.get("title") or "") != (section.get("title") or ""),
            "choice_changed": old.get("choice") != section.get("choice"),
        }
        text_changed = any(op["op"] != "equal" for op in ops)
        if text_changed or entry["title_changed"] or entry["choice_changed"]:
            changed.append(entry)
        else:
            unchanged.append(entry)
    removed = [section for sections in before.values() for section in sections]
    return {
        "older": older,
        "newer": newer,
        "changed": changed,
        "unchanged": unchanged,
        "added": added,
        "removed": removed,
        "same": not (changed or added or removed),
    }


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
    return render_template(
        "signing/versions.html",
        response=response,
        organisation=response.organisation,
        membership=membership,
        versions=versions,
        counts={version.id: services.confirmed_count(version) for version in versions},
        can_freeze=can(membership, "freeze"),
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
        sign_url=url_for("signing.sign", version_id=version.id, _external=True),
        partner_url=url_for(
            "signing.partner",
            version_id=version.id,
            token=services.partner_token(version),
            _external=True,
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
    previous = services.previous_version(found)
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


def _stamp_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="sign-form-started")


def form_stamp(version: Version) -> str:
    """When the form was drawn, signed so that it cannot be forged."""
    return _stamp_serializer().dumps(version.id)


def _fill_time_verdict(stamp: str | None, version: Version) -> str:
    """ "person", "robot" (no stamp, a forged one, or sent too fast) or "expired"."""
    try:
        value, signed_at = _stamp_serializer().loads(
            stamp or "", max_age=FORM_MAX_AGE, return_timestamp=True
        )
    except SignatureExpired:
        return "expired"
    except BadData:
        return "robot"
    if value != version.id:
        return "robot"
    elapsed = (datetime.now(UTC) - signed_at).total_seconds()
    minimum = current_app.config["SIGNING_MIN_FILL_SECONDS"]
    return "robot" if elapsed < minimum else "person"


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
    status: int = 200,
):
    response = version.response
    organisations_signed, people = services.public_lists(version)
    open_now = is_open(version)
    may_sign = open_now and (version.signing_public or membership is not None)
    my_signature = _my_signature(version)
    later = services.latest_version_after(version)
    if current_user.is_authenticated:
        if member_form is None:
            member_form = MemberSignForm(formdata=None, display_name=current_user.name)
    elif public_form is None:
        public_form = PublicSignForm(formdata=None)
    if public_form is not None:
        public_form.started.data = form_stamp(version)
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
    problem = None
    if form.validate_on_submit():
        verdict = _fill_time_verdict(form.started.data, found)
        if form.website.data or verdict == "robot":
            # A robot gets the page a person gets, and nothing is recorded or sent.
            return redirect(url_for("signing.sent", version_id=found.id))
        if verdict == "expired":
            problem = (
                "This page was open for a long time. Please check your details and sign again."
            )
        else:
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
                problem = str(error)
                if form.statement_version.data != consent.CURRENT_VERSION:
                    _reconsent(form)
            else:
                db.session.commit()
                return redirect(url_for("signing.sent", version_id=found.id))
    return _sign_page(found, _lead_membership(found), public_form=form, problem=problem, status=422)


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
@secret_url
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
                f"{chosen.name} now co-signs version {found.number} of “{found.response.title}”.",
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
@secret_url
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
@secret_url
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
@secret_url
def manage_withdraw(token: str):
    signature = _managed(token)
    if signature is None:
        return _invalid_link()
    if ActionForm().validate_on_submit():
        services.withdraw(signature, "e-mail link")
        db.session.commit()
        flash("Your signature is withdrawn. It no longer counts.", "success")
    return redirect(url_for("signing.manage", token=token))


@blueprint.post("/signatures/manage/<token>/erase")
@limiter.limit("60 per hour")
@secret_url
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
            f"{whose} signature of “{signature.version.response.title}” (version "
            f"{signature.version.number}) is withdrawn. It no longer counts.",
            "success",
        )
    if request.args.get("next") == "account":
        return redirect(url_for("accounts.account", _anchor="signatures"))
    return redirect(url_for("signing.sign", version_id=signature.version_id))


# --- the coordinator's view -----------------------------------------------------------------


def chart(days: list[tuple[str, int]], today: date | None = None) -> dict | None:
    """Geometry for a server-drawn SVG of the running total of confirmed signatures by day,
    from the first confirmation to today."""
    if not days:
        return None
    counts = {date.fromisoformat(day): count for day, count in days}
    first, last = min(counts), max(max(counts), today or max(counts))
    if first == last:
        first -= timedelta(days=1)
    series, total, day = [], 0, first
    while day <= last:
        total += counts.get(day, 0)
        series.append({"day": day, "new": counts.get(day, 0), "total": total})
        day += timedelta(days=1)
    width, height = 640, 240
    left, right, top, bottom = 56, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(1, total)
    step = plot_w / max(1, len(series) - 1)

    def y(value: int) -> float:
        return round(top + plot_h - plot_h * value / peak, 1)

    points = [
        (round(left + index * step, 1), y(point["total"])) for index, point in enumerate(series)
    ]
    line = " ".join(f"{x},{yy}" for x, yy in points)
    area = f"{left},{top + plot_h} {line} {points[-1][0]},{top + plot_h}"
    ticks = sorted({0, peak // 2, peak})
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "line": line,
        "area": area,
        "points": points,
        "y_ticks": [{"value": value, "y": y(value)} for value in ticks],
        "x_labels": [
            {"x": points[0][0], "text": series[0]["day"].strftime("%-d %b"), "anchor": "start"},
            {"x": points[-1][0], "text": series[-1]["day"].strftime("%-d %b"), "anchor": "end"},
        ],
        "series": series,
        "total": total,
    }


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
    )
