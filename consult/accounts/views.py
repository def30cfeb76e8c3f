"""Account pages: sign up, confirm, log in and out, reset password, account settings, tokens."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from consult.accounts import pending_logins, services, throttle, two_factor
from consult.accounts.devices import sessions_shown
from consult.accounts.forms import (
    ApiTokenForm,
    ChangeEmailForm,
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    SecondStepForm,
    SignUpForm,
)
from consult.accounts.models import ApiToken, User
from consult.deferred import after_response
from consult.extensions import db, limiter, login_manager
from consult.forms import ActionForm
from consult.net import client_ip
from consult.signing import services as signing
from consult.tokens import hash_token
from consult.web import safe_next
from consult.wording import count_of

blueprint = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to see that page."
login_manager.session_protection = None  # sessions are checked against the database instead


@login_manager.user_loader
def load_user(user_id: str):
    if not (user_id.isascii() and user_id.isdigit()):
        return None
    return services.load_session(int(user_id), session.get("sid"))


def _email_key(purpose: str):
    """A rate-limit key for the address in the form, so one inbox can be protected without
    limiting everyone who shares the client's IP address."""

    def key() -> str:
        return f"{purpose}:" + throttle.form_email()

    return key


def _user_key() -> str:
    """Changes made while logged in are limited per person, not per shared office address."""
    return f"user:{current_user.get_id()}"


def _log_in(user) -> str:
    """Start a fresh session: the old cookie's contents are dropped (no session fixation), and
    any session the browser still held ends on the server too, so its old id is worthless.
    Returns the greeting: "Welcome back" only for someone who has logged in before."""
    returning = user.last_login_at is not None
    services.end_session(session.get("sid"))
    session.clear()
    session["sid"] = services.start_session(user, request.headers.get("User-Agent", ""))
    session.permanent = True
    login_user(user)
    return f"Welcome back, {user.name}." if returning else f"Welcome to Consult, {user.name}."


@blueprint.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("5 per hour", key_func=_email_key("signup"), methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignUpForm(email=request.args.get("email", ""))
    if form.validate_on_submit():
        try:
            services.sign_up(form.email.data, form.name.data, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            session["signup_email"] = services.normalise_email(form.email.data)
            return redirect(url_for("accounts.signup_sent"))
    return render_template("accounts/signup.html", form=form)


@blueprint.get("/signup/check-your-email")
def signup_sent():
    return render_template("accounts/signup_sent.html", email=session.get("signup_email"))


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(throttle.ATTEMPTS_PER_CLIENT, methods=["POST"])
@limiter.shared_limit(
    throttle.FAILURES_PER_ACCOUNT_AND_CLIENT,
    scope=throttle.ACCOUNT_AND_CLIENT_SCOPE,
    key_func=throttle.account_and_client_key,
    methods=["POST"],
    deduct_when=throttle.failed,
    error_message=throttle.LOCKED_FROM_HERE,
)
@limiter.shared_limit(
    throttle.FAILURES_PER_ACCOUNT,
    scope=throttle.ACCOUNT_SCOPE,
    key_func=throttle.account_key,
    methods=["POST"],
    deduct_when=throttle.failed,
    error_message=throttle.LOCKED_EVERYWHERE,
)
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.index"))
    form = LoginForm(email=request.args.get("email", "")[:254])
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.UnconfirmedEmail as error:
            services.resend_confirmation(form.email.data)
            db.session.commit()
            flash(str(error), "warning")
        except services.LoginError as error:
            db.session.commit()  # keep the failed-login audit event
            form.password.errors.append(str(error))
        else:
            if user.has_two_factor:
                _await_second_factor(user, next_url)
                db.session.commit()
                return redirect(url_for("accounts.login_two_factor"))
            greeting = _log_in(user)
            db.session.commit()
            flash(greeting, "success")
            return redirect(next_url or url_for("main.index"))
    return render_template("accounts/login.html", form=form, next_url=next_url)


# --- the log-in's second step (two-factor authentication) ---------------------------------

_PENDING = "pending_login"


def _await_second_factor(user: User, next_url: str | None) -> None:
    """The password was right: the browser gets a token for this attempt alone, kept on the
    server (single use, replaced by the next attempt, short-lived). No session exists until
    the second factor is given, so nothing else is reachable yet."""
    services.end_session(session.get("sid"))
    session.clear()
    session[_PENDING] = {"token": pending_logins.begin(user), "user": user.id, "next": next_url}


def _pending_user() -> User | None:
    pending = session.get(_PENDING)
    if not isinstance(pending, dict):
        return None
    user = pending_logins.user_for(pending.get("token"))
    if user is None or user.id != pending.get("user") or not user.has_two_factor:
        return None
    return user


def _second_step_key() -> str:
    """Guesses at the second factor are limited per account, whoever sends them."""
    pending = session.get(_PENDING)
    if isinstance(pending, dict):
        return f"second-step:{pending.get('user')}"
    return f"second-step:ip:{client_ip()}"


@blueprint.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(
    "5 per 15 minutes",
    key_func=_second_step_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
def login_two_factor():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    user = _pending_user()
    if user is None:
        session.pop(_PENDING, None)
        flash("Please log in again.", "warning")
        return redirect(url_for("accounts.login"))
    form = SecondStepForm()
    if form.validate_on_submit():
        try:
            used = two_factor.check_second_factor(user, form.code.data)
        except two_factor.TwoFactorError as error:
            db.session.commit()  # keep the audit event of the failed attempt
            form.code.errors.append(str(error))
            return render_template("accounts/login_two_factor.html", form=form), 422
        next_url = safe_next(session[_PENDING].get("next"))
        if not pending_logins.spend(session[_PENDING]["token"]):  # another request used it
            db.session.rollback()
            session.pop(_PENDING, None)
            flash("Please log in again.", "warning")
            return redirect(url_for("accounts.login"))
        greeting = _log_in(user)
        db.session.commit()
        flash(greeting, "success")
        if used == "recovery":
            left = two_factor.recovery_codes_left(user)
            flash(
                f"You used a recovery code; {left} are left. If you have lost your phone, "
                "set two-factor authentication up again from your account page.",
                "warning",
            )
        return redirect(next_url or url_for("main.index"))
    status = 422 if form.errors else 200
    return render_template("accounts/login_two_factor.html", form=form), status


@blueprint.post("/logout")
def logout():
    if ActionForm().validate_on_submit():
        services.end_session(session.get("sid"))
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have logged out.", "success")
    return redirect(url_for("main.index"))


@blueprint.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows a button and POST confirms, so mail scanners that open links spend nothing."""
    form = ActionForm()
    if form.validate_on_submit():
        try:
            user = services.confirm_email(token)
        except services.AccountError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("accounts.resend_confirmation"))
        db.session.commit()
        flash("Thank you: your e-mail address is confirmed. You can log in now.", "success")
        if current_user.is_authenticated:
            return redirect(url_for("main.index"))
        return redirect(url_for("accounts.login", email=user.email))
    return render_template("accounts/confirm.html", form=form)


@blueprint.route("/confirm", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("5 per hour", key_func=_email_key("confirm"), methods=["POST"])
def resend_confirmation():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        after_response(services.resend_confirmation, form.email.data)  # the same time either way
        flash(
            "If that address has an account waiting for confirmation, we have sent a new link.",
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/resend_confirmation.html", form=form)


@blueprint.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("5 per hour", key_func=_email_key("forgot"), methods=["POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        after_response(services.request_password_reset, form.email.data)  # the same time either way
        flash(
            "If that address has an account, we have sent a link to reset the password. "
            "It works for one hour.",
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    # Say at once if the link is dead, before the person chooses (or corrects) a password.
    try:
        services.check_link(token, "reset_password")
    except services.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            changed = services.reset_password(token, form.password.data)
        except services.AccountError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("accounts.forgot_password"))
        db.session.commit()
        throttle.unlock(changed.user.email)
        logout_user()
        session.clear()
        flash(
            "Your password has been changed. Log in with the new one."
            + _tokens_revoked(changed.tokens_revoked),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


def _tokens_revoked(count: int) -> str:
    """The sentence that tells the person their API tokens stopped working, if any did."""
    if not count:
        return ""
    tokens = "Your API token" if count == 1 else f"Your {count} API tokens"
    verb = "has" if count == 1 else "have"
    return (
        f" {tokens} {verb} been revoked, as a new password asks: make new ones on your account "
        "page for the tools that still need them."
    )


# --- the account page -----------------------------------------------------------------------


def _account_page(**forms):
    forms.setdefault("profile_form", ProfileForm(name=current_user.name))
    forms.setdefault("password_form", ChangePasswordForm())
    forms.setdefault("email_form", ChangeEmailForm())
    forms.setdefault("token_form", ApiTokenForm())
    return render_template(
        "accounts/account.html",
        sessions=sessions_shown(services.active_sessions(current_user), _current_session_hash()),
        tokens=services.api_tokens(current_user),
        signatures=signing.signatures_of_user(current_user),
        action_form=ActionForm(),
        **forms,
    )


def _current_session_hash() -> str | None:
    sid = session.get("sid")
    return hash_token(sid) if sid else None


@blueprint.get("/account")
def account():
    return _account_page()


@blueprint.post("/account/profile")
def update_profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _account_page(profile_form=form), 422
    services.update_profile(current_user, form.name.data)
    db.session.commit()
    flash("Your name has been saved.", "success")
    return redirect(url_for("accounts.account"))


@blueprint.post("/account/password")
@limiter.limit("10 per hour", key_func=_user_key)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            changed = services.change_password(
                current_user, form.current_password.data, form.password.data, session.get("sid")
            )
        except services.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            db.session.commit()
            ended = changed.sessions_ended
            others = f" {ended} other session(s) were logged out." if ended else ""
            flash(
                "Your password has been changed."
                + others
                + _tokens_revoked(changed.tokens_revoked),
                "success",
            )
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form), 422


@blueprint.post("/account/email")
@limiter.limit("10 per hour", key_func=_user_key)
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.current_password.data, form.email.data)
        except services.WrongPassword as error:
            form.current_password.errors.append(str(error))
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                "We have sent a link to the new address. Your address changes when you follow it.",
                "success",
            )
            return redirect(url_for("accounts.account"))
    return _account_page(email_form=form), 422


@blueprint.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.confirm_email_change(token, session.get("sid"))
        except services.AccountError as error:
            # Nothing half-done may be committed later in this request (the session loader
            # commits when it notes activity), so undo the spent link explicitly.
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("main.index"))
        db.session.commit()
        flash("Your e-mail address has been changed.", "success")
        return redirect(url_for("main.index"))
    return render_template("accounts/confirm.html", form=form, changing_email=True)


@blueprint.post("/account/sessions/end-others")
def end_other_sessions():
    if ActionForm().validate_on_submit():
        ended = services.end_other_sessions(current_user, session.get("sid"))
        db.session.commit()
        flash(f"Logged out of {count_of(ended, 'other session')}.", "success")
    return redirect(url_for("accounts.account"))


@blueprint.post("/account/tokens")
def create_token():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _account_page(token_form=form), 422
    api_token, token = services.create_api_token(current_user, form.name.data)
    db.session.commit()
    return render_template("accounts/token_created.html", api_token=api_token, token=token)


@blueprint.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    api_token = db.session.get(ApiToken, token_id)
    if api_token is None or api_token.user_id != current_user.id:
        abort(404)
    if ActionForm().validate_on_submit():
        services.revoke_api_token(current_user, api_token)
        db.session.commit()
        flash(f"The token “{api_token.name}” no longer works.", "success")
    return redirect(url_for("accounts.account"))


# Two-factor management and the person's data: more pages on this blueprint.
from consult.accounts import personal_data_views, two_factor_views  # noqa: E402, F401
