"""The person's rights on the account page: download my data, delete my account."""

from __future__ import annotations

import json

from flask import flash, make_response, redirect, render_template, session, url_for
from flask_login import current_user, logout_user

from consult.accounts import personal_data, services
from consult.accounts.forms import DeleteAccountForm
from consult.accounts.views import _user_key, blueprint
from consult.audit.services import record
from consult.extensions import db, limiter
from consult.timeutil import utcnow


@blueprint.get("/account/data")
@limiter.limit("30 per hour", key_func=_user_key)
def download_data():
    """The same JSON as GET /api/v1/me/data, as a file to keep."""
    data = personal_data.personal_data(current_user)
    record("account.data_downloaded", actor=current_user, subject=current_user)
    db.session.commit()
    response = make_response(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    filename = f"consult-my-data-{utcnow():%Y-%m-%d}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _delete_page(form, status: int = 200):
    return render_template(
        "accounts/delete_account.html",
        form=form,
        blocking=personal_data.organisations_blocking_erasure(current_user),
        deleted_with=personal_data.organisations_deleted_with(current_user),
    ), status


@blueprint.route("/account/delete", methods=["GET", "POST"])
@limiter.limit("10 per hour", key_func=_user_key, methods=["POST"])
def delete_account():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _delete_page(form, 422 if form.errors else 200)
    try:
        personal_data.erase_account(current_user, password=form.current_password.data)
    except services.WrongPassword as error:
        form.current_password.errors.append(str(error))
        return _delete_page(form, 422)
    except services.AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _delete_page(DeleteAccountForm(formdata=None), 409)
    db.session.commit()
    logout_user()
    session.clear()
    flash(
        "Your account is deleted: your name, e-mail address and signatures are erased, "
        "and you are logged out everywhere.",
        "success",
    )
    return redirect(url_for("main.index"))
