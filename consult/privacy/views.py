"""Privacy pages: the privacy notice, and the person's rights from their account page
(download my data, delete my account).

They keep the endpoints templates, tests and the API contract name, so they join the "main"
and "accounts" blueprints rather than having one of their own; the app factory imports this
module before it registers those blueprints."""

from __future__ import annotations

import json

from flask import flash, make_response, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from consult.accounts import blueprint as accounts
from consult.accounts.services import WrongPassword
from consult.accounts.throttle import user_key
from consult.extensions import limiter
from consult.pages import blueprint as main
from consult.privacy import personal_data
from consult.privacy.forms import DeleteAccountForm
from consult.timeutil import utcnow
from consult.web import commit


@main.get("/privacy")
def privacy():
    return render_template("privacy/notice.html")


@accounts.get("/account/data")
@limiter.limit("30 per hour", key_func=user_key)
def download_data():
    """The same JSON as GET /api/v1/me/data, as a file to keep."""
    data = commit(lambda: personal_data.download(current_user)).value
    response = make_response(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    filename = f"consult-my-data-{utcnow():%Y-%m-%d}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _delete_page(form: DeleteAccountForm, status: int = 200):
    return render_template(
        "privacy/delete_account.html",
        form=form,
        blocking=personal_data.organisations_blocking_erasure(current_user),
        deleted_with=personal_data.organisations_deleted_with(current_user),
    ), status


@accounts.route("/account/delete", methods=["GET", "POST"])
@limiter.limit("10 per hour", key_func=user_key, methods=["POST"])
def delete_account():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _delete_page(form, 422 if form.errors else 200)
    erased = commit(
        lambda: personal_data.erase_account(current_user, password=form.current_password.data),
        error_to={WrongPassword: form.current_password},
    )
    if isinstance(erased.refusal, WrongPassword):
        return _delete_page(form, 422)
    if not erased:  # the last owner of an organisation with other members, say
        return _delete_page(DeleteAccountForm(formdata=None), 409)
    logout_user()
    session.clear()  # then the message, which lives in the session
    flash(
        "Your account is deleted: your name, e-mail address and signatures are erased, "
        "and you are logged out everywhere.",
        "success",
    )
    return redirect(url_for("main.index"))
