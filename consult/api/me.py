"""API v1: the caller's rights over their data (API.md, "Accounts and organisations").

GET /api/v1/me/data is the same JSON as the account page's download; DELETE /api/v1/me erases
the account, confirmed by typing its e-mail address (and the password, when one is sent)."""

from __future__ import annotations

from flask import jsonify, session
from flask_login import logout_user

from consult.accounts.services import AccountError, WrongPassword
from consult.api.auth import api_caller_key
from consult.api.schemas import json_body, text_field
from consult.api.views import blueprint, current_caller
from consult.audit.services import record
from consult.errors import json_error
from consult.extensions import db, limiter
from consult.privacy import personal_data


@blueprint.get("/me/data")
@limiter.limit("30 per hour", key_func=api_caller_key)
def my_data():
    user = current_caller()
    data = personal_data.personal_data(user)
    record("account.data_downloaded", actor=user, subject=user, via="api")
    db.session.commit()
    return jsonify(data)


@blueprint.delete("/me")
@limiter.limit("10 per hour", key_func=api_caller_key)
def delete_me():
    user = current_caller()
    data = json_body()
    confirm = text_field(data, "confirm", max_length=254)
    password = text_field(data, "password", max_length=256, required=False)
    try:
        user_id = personal_data.erase_account(user, password=password, confirm_email=confirm)
    except personal_data.ErasureRefused as error:
        db.session.rollback()
        return json_error(409, str(error), code="last_owner")
    except WrongPassword as error:
        db.session.rollback()
        return json_error(422, str(error), fields={"password": str(error)})
    except AccountError as error:
        db.session.rollback()
        return json_error(422, str(error), fields={"confirm": str(error)})
    db.session.commit()
    logout_user()
    session.clear()
    return jsonify({"id": user_id, "status": "erased"})
