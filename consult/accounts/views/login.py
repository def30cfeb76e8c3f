"""Getting in: sign up, confirm the address, log in (with its second step) and out, reset a
forgotten password. Also the log-in manager's user loader, which finds the session's person."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from consult.accounts import blueprint, pending_logins, services, throttle, two_factor
from consult.accounts.forms import (
    EmailOnlyForm,
    LoginForm,
    ResetPasswordForm,
    SecondStepForm,
    SignUpForm,
)
from consult.accounts.models import User
from consult.accounts.presenters import tokens_revoked
from consult.deferred import after_response
from consult.extensions import db, limiter, login_manager
from consult.forms import ActionForm
from consult.net import client_ip
from consult.web import commit, safe_next

login_manager.login_view = "accounts.login"
login_manager.login_message = "Please log in to see that page."
login_manager.session_protection = None  # sessions are checked against the database instead


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The person behind the session cookie. Noting their activity (or ending a dead session)
    is a unit of work of its own, committed here, whatever the request goes on to do."""
    if not (user_id.isascii() and user_id.isdigit()):
        return None
    checked = services.load_session(int(user_id), session.get("sid"))
    if checked.changed:
        db.session.commit()
    return checked.user


def _log_in(user: User) -> str:
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
@limiter.limit("5 per hour", key_func=throttle.email_key("signup"), methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignUpForm(email=request.args.get("email", ""))
    if form.validate_on_submit() and commit(
        lambda: services.sign_up(form.email.data, form.name.data, form.password.data),
        error_to=form.password,
    ):
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
    if form.validate_on_submit() and (
        logged_in := commit(
            lambda: _password_step(form.email.data, form.password.data, next_url),
            success=lambda greeting: greeting,
            # A wrong password shows on the field; an unconfirmed address is a warning.
            error_to={services.UnconfirmedEmail: None, services.LoginError: form.password},
        )
    ):
        if logged_in.value is None:
            return redirect(url_for("accounts.login_two_factor"))
        return redirect(next_url or url_for("main.index"))
    return render_template("accounts/login.html", form=form, next_url=next_url)


def _password_step(email: str, password: str, next_url: str | None) -> str | None:
    """Log in with the password (returns the greeting), or, with two-factor on, wait for the
    second step (returns None)."""
    user = services.authenticate(email, password)
    if user.has_two_factor:
        _await_second_factor(user, next_url)
        return None
    return _log_in(user)


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
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("accounts/login_two_factor.html", form=form), status
    next_url = safe_next(session[_PENDING].get("next"))
    done = commit(
        lambda: _second_step(user, session[_PENDING]["token"], form.code.data),
        success=lambda step: step[1],
        error_to={two_factor.PendingLoginUsed: None, two_factor.TwoFactorError: form.code},
    )
    if isinstance(done.refusal, two_factor.PendingLoginUsed):
        session.pop(_PENDING, None)
        return redirect(url_for("accounts.login"))
    if not done:
        return render_template("accounts/login_two_factor.html", form=form), 422
    if done.value and done.value[0] == "recovery":
        left = two_factor.recovery_codes_left(user)
        flash(
            f"You used a recovery code; {left} are left. If you have lost your phone, "
            "set two-factor authentication up again from your account page.",
            "warning",
        )
    return redirect(next_url or url_for("main.index"))


def _second_step(user: User, pending_token: str, code: str) -> tuple[str, str]:
    """Which kind of code was used ("app" or "recovery"), and the greeting."""
    used = two_factor.complete_login(user, pending_token, code)
    return used, _log_in(user)


@blueprint.post("/logout")
def logout():
    if ActionForm().validate_on_submit():
        commit(lambda: services.end_session(session.get("sid")))
        logout_user()
        session.clear()
        flash("You have logged out.", "success")
    return redirect(url_for("main.index"))


# --- e-mailed links: confirming the address, resetting the password ------------------------


@blueprint.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows a button and POST confirms, so mail scanners that open links spend nothing."""
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("accounts/confirm.html", form=form)
    confirmed = commit(
        lambda: services.confirm_email(token),
        success="Thank you: your e-mail address is confirmed. You can log in now.",
    )
    if not confirmed:
        return redirect(url_for("accounts.resend_confirmation"))
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    return redirect(url_for("accounts.login", email=confirmed.value.email))


@blueprint.route("/confirm", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("5 per hour", key_func=throttle.email_key("confirm"), methods=["POST"])
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
@limiter.limit("5 per hour", key_func=throttle.email_key("forgot"), methods=["POST"])
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
    if not form.validate_on_submit():
        return render_template("accounts/reset_password.html", form=form)
    changed = commit(lambda: services.reset_password(token, form.password.data))
    if not changed or changed.value is None:
        return redirect(url_for("accounts.forgot_password"))
    throttle.unlock(changed.value.user.email)
    logout_user()
    session.clear()  # then the message, which lives in the session
    flash(
        "Your password has been changed. Log in with the new one."
        + tokens_revoked(changed.value.tokens_revoked),
        "success",
    )
    return redirect(url_for("accounts.login"))
