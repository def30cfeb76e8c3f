"""API v1: the caller's rights over their data (API.md, "Accounts and organisations").

GET /api/v1/me/data is the same JSON as the account page's download; DELETE /api/v1/me erases
the account, confirmed by typing its e-mail address (and the password, when one is sent)."""

from __future__ import annotations

from flask import session
from flask_login import logout_user

from consult.accounts.services import AccountError, WrongPassword
from consult.api.auth import api_caller_key, current_caller
from consult.api.body import body
from consult.api.models.accounts import EraseAccount, Erased, PersonalData
from consult.api.openapi import ACCOUNTS
from consult.api.registry import operation, reply
from consult.api.views import blueprint
from consult.errors import json_error
from consult.extensions import db, limiter
from consult.privacy import personal_data


@blueprint.get("/me/data")
@limiter.limit("30 per hour", key_func=api_caller_key)
@operation(
    "Download everything held about the caller (the account page's 'Download my data')",
    ACCOUNTS,
    responses={200: (PersonalData, "OK")},
)
def my_data():
    user = current_caller()
    data = personal_data.download(user, via="api")
    db.session.commit()
    return reply(PersonalData.model_validate(data))


@blueprint.delete("/me")
@limiter.limit("10 per hour", key_func=api_caller_key)
@operation(
    "Erase the caller's account: personal fields blanked, signatures withdrawn, sessions and "
    "tokens ended; authored text stays, attributed to 'Former member'",
    ACCOUNTS,
    body=EraseAccount,
    responses={
        200: (Erased, "Erased"),
        409: "The caller is the last owner of an organisation with other members: make "
        "another member an owner first (code last_owner)",
        422: "confirm is not the account's e-mail address, or the password is wrong",
    },
)
def delete_me():
    user = current_caller()
    erase = body(EraseAccount)
    try:
        user_id = personal_data.erase_account(
            user, password=erase.password, confirm_email=erase.confirm
        )
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
    return reply(Erased(id=user_id, status="erased"))
