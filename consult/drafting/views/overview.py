"""The person's responses across their organisations (the header's "Responses")."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from consult.drafting import blueprint
from consult.drafting.presenters import responses_of_person
from consult.forms import page_number


@blueprint.get("/responses")
def my_responses() -> ResponseReturnValue:
    page = page_number()
    rows, has_next = responses_of_person(current_user, page)
    return render_template("drafting/mine.html", rows=rows, page=page, has_next=has_next)
