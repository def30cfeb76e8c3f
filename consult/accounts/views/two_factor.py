"""Two-factor pages on the account: set up (QR code, first code), recovery codes, switch off;
and the instance's rule that owners must set it up first (REQUIRE_TWO_FACTOR_FOR_OWNERS)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from consult.accounts import blueprint, services, two_factor
from consult.accounts.forms import DisableTwoFactorForm, TwoFactorCodeForm
from consult.accounts.throttle import user_key
from consult.errors import json_error
from consult.extensions import limiter
from consult.web import commit

# What an owner who must set two-factor up can still reach: the set-up itself, logging out,
# their rights over their data (which no instance rule may take away), the privacy notice.
_REACHABLE_WITHOUT_TWO_FACTOR = frozenset(
    {
        "static",
        "main.privacy",
        "main.healthz",
        "api.openapi",
        "accounts.login_two_factor",
        "accounts.two_factor",
        "accounts.two_factor_setup",
        "accounts.logout",
        "accounts.download_data",
        "accounts.delete_account",
    }
)


@blueprint.before_app_request
def _require_two_factor_for_owners():
    """Owners without two-factor are sent to set it up before anything else. API requests
    with a bearer token are not affected (a token is a separate credential); the API used
    from a logged-in browser is refused with 403 two_factor_required."""
    if not current_app.config.get("REQUIRE_TWO_FACTOR_FOR_OWNERS"):
        return None
    endpoint = request.endpoint
    if endpoint is None or endpoint in _REACHABLE_WITHOUT_TWO_FACTOR:
        return None
    if request.blueprint == "api" and request.headers.get("Authorization"):
        return None
    if not current_user.is_authenticated or not two_factor.must_set_up(current_user):
        return None
    message = "This instance asks owners to use two-factor authentication. Set it up first."
    if request.blueprint == "api":
        return json_error(403, message, code="two_factor_required")
    flash(message, "warning")
    return redirect(url_for("accounts.two_factor_setup"))


def _status_page(disable_form=None, codes_form=None, status: int = 200):
    return render_template(
        "accounts/two_factor.html",
        recovery_codes_left=two_factor.recovery_codes_left(current_user)
        if current_user.has_two_factor
        else 0,
        disable_form=disable_form or DisableTwoFactorForm(formdata=None),
        codes_form=codes_form or TwoFactorCodeForm(formdata=None),
        required=two_factor.must_set_up(current_user),
    ), status


def _not_on():
    flash("Two-factor authentication is not on.", "warning")
    return redirect(url_for("accounts.two_factor"))


@blueprint.get("/account/two-factor", endpoint="two_factor")
def two_factor_status():
    return _status_page()


def _setup_page(form, status: int = 200):
    """The QR code and secret to scan. The secret being set up is stored (and committed) when
    the page is first shown, so reloading it does not invalidate a code just scanned."""
    secret = commit(lambda: two_factor.begin_setup(current_user)).value or ""
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        qr_code=two_factor.qr_code_svg(uri),
        secret=two_factor.group_secret(secret),
    ), status


@blueprint.route("/account/two-factor/setup", methods=["GET", "POST"])
@limiter.limit("20 per hour", key_func=user_key, methods=["POST"])
def two_factor_setup():
    if current_user.has_two_factor:
        flash("Two-factor authentication is already on.", "success")
        return redirect(url_for("accounts.two_factor"))
    form = TwoFactorCodeForm()
    if not form.validate_on_submit():
        return _setup_page(form, 422 if form.errors else 200)
    enabled = commit(lambda: two_factor.enable(current_user, form.code.data), error_to=form.code)
    if not enabled:
        return _setup_page(form, 422)
    return render_template("accounts/recovery_codes.html", codes=enabled.value, first_time=True)


@blueprint.post("/account/two-factor/recovery-codes")
@limiter.limit("10 per hour", key_func=user_key)
def replace_recovery_codes():
    if not current_user.has_two_factor:
        return _not_on()
    form = TwoFactorCodeForm()
    if form.validate_on_submit() and (
        replaced := commit(
            lambda: two_factor.regenerate_recovery_codes(current_user, form.code.data),
            error_to=form.code,
        )
    ):
        return render_template(
            "accounts/recovery_codes.html", codes=replaced.value, first_time=False
        )
    return _status_page(codes_form=form, status=422)


@blueprint.post("/account/two-factor/disable")
@limiter.limit("10 per hour", key_func=user_key)
def disable_two_factor():
    if not current_user.has_two_factor:
        return _not_on()
    form = DisableTwoFactorForm()
    if form.validate_on_submit() and commit(
        lambda: two_factor.disable(current_user, form.current_password.data, form.code.data),
        success="Two-factor authentication is off.",
        error_to={
            services.WrongPassword: form.current_password,
            two_factor.TwoFactorError: form.code,
        },
    ):
        return redirect(url_for("accounts.two_factor"))
    return _status_page(disable_form=form, status=422)
