"""The account page: name, password, e-mail address, where the person is logged in, API tokens
(and, through panels the app factory registers, what other domains hold for them)."""

from __future__ import annotations

from flask import abort, redirect, render_template, session, url_for
from flask_login import current_user

from consult.accounts import blueprint, services
from consult.accounts.devices import sessions_shown
from consult.accounts.forms import ApiTokenForm, ChangeEmailForm, ChangePasswordForm, ProfileForm
from consult.accounts.models import ApiToken
from consult.accounts.presenters import account_panels, tokens_revoked
from consult.accounts.throttle import user_key
from consult.extensions import db, limiter
from consult.forms import ActionForm
from consult.tokens import hash_token
from consult.web import commit
from consult.wording import count_of


def _account_page(**forms):
    forms.setdefault("profile_form", ProfileForm(name=current_user.name))
    forms.setdefault("password_form", ChangePasswordForm())
    forms.setdefault("email_form", ChangeEmailForm())
    forms.setdefault("token_form", ApiTokenForm())
    return render_template(
        "accounts/account.html",
        sessions=sessions_shown(services.active_sessions(current_user), _current_session_hash()),
        tokens=services.api_tokens(current_user),
        action_form=ActionForm(),
        **account_panels(current_user),
        **forms,
    )


def _current_session_hash() -> str | None:
    sid = session.get("sid")
    return hash_token(sid) if sid else None


def _own_token(token_id: int) -> ApiToken:
    """One of the person's own API tokens; anyone else's is a 404."""
    api_token = db.session.get(ApiToken, token_id)
    if api_token is None or api_token.user_id != current_user.id:
        abort(404)
    return api_token


@blueprint.get("/account")
def account():
    return _account_page()


@blueprint.post("/account/profile")
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit() and commit(
        lambda: services.update_profile(current_user, form.name.data),
        success="Your name has been saved.",
    ):
        return redirect(url_for("accounts.account"))
    return _account_page(profile_form=form), 422


@blueprint.post("/account/password")
@limiter.limit("10 per hour", key_func=user_key)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and commit(
        lambda: services.change_password(
            current_user, form.current_password.data, form.password.data, session.get("sid")
        ),
        success=_password_changed,
        error_to=form.current_password,
    ):
        return redirect(url_for("accounts.account"))
    return _account_page(password_form=form), 422


def _password_changed(changed: services.PasswordChanged) -> str:
    ended = changed.sessions_ended
    others = f" {ended} other session(s) were logged out." if ended else ""
    return "Your password has been changed." + others + tokens_revoked(changed.tokens_revoked)


@blueprint.post("/account/email")
@limiter.limit("10 per hour", key_func=user_key)
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit() and commit(
        lambda: services.request_email_change(
            current_user, form.current_password.data, form.email.data
        ),
        success="We have sent a link to the new address. Your address changes when you follow it.",
        error_to={services.WrongPassword: form.current_password, services.AccountError: form.email},
    ):
        return redirect(url_for("accounts.account"))
    return _account_page(email_form=form), 422


@blueprint.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    form = ActionForm()
    if form.validate_on_submit():
        # A refusal is rolled back at once: nothing half-done (a spent link) may be committed
        # later in this request (the session loader commits when it notes activity).
        commit(
            lambda: services.confirm_email_change(token, session.get("sid")),
            success="Your e-mail address has been changed.",
        )
        return redirect(url_for("main.index"))
    return render_template("accounts/confirm.html", form=form, changing_email=True)


@blueprint.post("/account/sessions/end-others")
def end_other_sessions():
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.end_other_sessions(current_user, session.get("sid")),
            success=lambda ended: f"Logged out of {count_of(ended, 'other session')}.",
        )
    return redirect(url_for("accounts.account"))


@blueprint.post("/account/tokens")
def create_token():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _account_page(token_form=form), 422
    created = commit(lambda: services.create_api_token(current_user, form.name.data))
    if not created or created.value is None:
        return redirect(url_for("accounts.account"))
    api_token, token = created.value
    return render_template("accounts/token_created.html", api_token=api_token, token=token)


@blueprint.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    api_token = _own_token(token_id)
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.revoke_api_token(current_user, api_token),
            success=f"The token “{api_token.name}” no longer works.",
        )
    return redirect(url_for("accounts.account"))
