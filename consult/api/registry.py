"""What each API view takes and answers, declared on the view itself: the OpenAPI document is
made from these declarations and the URL map (consult/api/openapi.py), the body is read and
checked by the same models (consult/api/body.py), and the replies are made from them
(`reply`). So a shape is written once, as a model, and the document cannot drift from the code.

    @blueprint.post("/organisations")
    @operation("Create an organisation; ...", ACCOUNTS, body=NewOrganisation,
               responses={201: (OrganisationMembership, "Created")})
    def create_organisation(): ..."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify
from pydantic import BaseModel

from consult.api.body import SMALL, BodyLimit


@dataclass(frozen=True)
class Reply:
    """One documented answer: its model (None: no body, e.g. a 204; or one described by
    `media_types` and `schema`, e.g. a file), what it means, and whether it is a list."""

    model: type[BaseModel] | None
    description: str
    media_types: tuple[str, ...] = ()
    schema: dict[str, Any] | None = None
    array: bool = False


@dataclass(frozen=True)
class Operation:
    """An endpoint as the document describes it. `responses`: the status codes particular to
    it (a string is an error's meaning; the Error model is its body); the ones every endpoint
    shares (401, 400/413/422 with a body, 429) are added by the document. `body`: the models
    the body may take (several: any of them, or `one_of` exactly one); `query`: the model of
    the query string's parameters; `media_type`: how the body is sent (JSON, or
    multipart/form-data for a file upload)."""

    summary: str
    tag: str
    responses: Mapping[int, Reply | str]
    body: tuple[type[BaseModel], ...] = ()
    body_required: bool = True
    one_of: bool = False
    query: type[BaseModel] | None = None
    body_limit: BodyLimit = SMALL
    media_type: str = "application/json"


def operation(
    summary: str,
    tag: str,
    *,
    responses: Mapping[int, Reply | tuple | str],
    body: type[BaseModel] | Sequence[type[BaseModel]] = (),
    body_required: bool = True,
    one_of: bool = False,
    query: type[BaseModel] | None = None,
    body_limit: BodyLimit = SMALL,
    media_type: str = "application/json",
) -> Callable:
    """Declare what the decorated view takes and answers (see the module's docstring).
    A response given as (Model, description) or ([Model], description) is JSON."""
    bodies = (body,) if isinstance(body, type) else tuple(body)
    declared = {status: _reply(answer) for status, answer in responses.items()}

    def decorate(view: Callable) -> Callable:
        view.api_operation = Operation(  # type: ignore[attr-defined]
            summary,
            tag,
            declared,
            bodies,
            body_required,
            one_of,
            query,
            body_limit,
            media_type,
        )
        return view

    return decorate


def _reply(answer: Reply | tuple | str) -> Reply | str:
    if isinstance(answer, (Reply, str)):
        return answer
    model, description = answer
    if isinstance(model, list):
        return Reply(model[0], description, array=True)
    return Reply(model, description)


def dump(model: BaseModel) -> dict[str, Any]:
    """A reply model as JSON data. Fields with a default are left out when not given (the
    few that appear only sometimes, such as an export's `error`)."""
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def reply(answer: BaseModel | Sequence[BaseModel], status: int = 200) -> tuple[Response, int]:
    """The JSON answer made from a reply model (or a list of them)."""
    if isinstance(answer, BaseModel):
        return jsonify(dump(answer)), status
    return jsonify([dump(item) for item in answer]), status
