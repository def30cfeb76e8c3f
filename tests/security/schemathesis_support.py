"""What the schemathesis test needs from the rest of the suite: the checks it runs, and for an
operation of the OpenAPI document, the access matrix's real path parameters and valid body
(tests/security/test_access_matrix.py classifies every route and says which objects of its
world fill each path parameter)."""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from consult.extensions import db
from consult.organisations import services as organisations
from consult.signing import services as signing
from consult.signing.models import Version
from tests.organisations.support import membership
from tests.security.test_access_matrix import DEFAULT_PARAMS, POLICY, World


def invalid_data_is_refused(ctx, response, case) -> bool | None:
    """Schemathesis's negative_data_rejection, but for a query parameter sent several times:
    the API reads the first value, as Flask does, so ?per_page=5&per_page=x is a valid
    request that schemathesis would count as an invalid one (an array for an integer)."""
    if any(isinstance(value, list) for value in (case.query or {}).values()):
        return None
    return negative_data_rejection(ctx, response, case)


# Never a 5xx; every answer as documented (status, content type, headers, body); a request
# the document calls invalid is refused with a 4xx; an operation that needs a token refuses
# the same request without one (schemathesis sends it again, without the token).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    invalid_data_is_refused,
    ignored_auth,
]


def config(token: str) -> schemathesis.Config:
    """Schemathesis's settings: the bearer token for positive requests (negative ones go
    without it, or with a broken one, and must get 401); and a request the document calls
    invalid must get one of the API's refusals (../shared/API.md), where a field over its
    documented length may be refused as 413, the body being too large."""
    return schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"bearerAuth": {"bearer": token}}},
            "checks": {
                "negative_data_rejection": {
                    "expected-statuses": [400, 401, 403, 404, 409, 413, 422, 429]
                }
            },
        }
    )


_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _endpoint(app, operation) -> str:
    """The Flask endpoint serving an operation of the document ({name} for <int:name>)."""
    method = operation.method.upper()
    for rule in app.url_map.iter_rules():
        if _CONVERTER.sub(r"{\1}", rule.rule) == operation.path and method in rule.methods:
            return rule.endpoint
    raise LookupError(f"no route serves {operation.label}")


def owners_own_objects(app, team, world: World) -> dict[str, Any]:
    """Path parameters that are the owner's own, where the matrix's are someone else's: an
    invitation to the owner from the other organisation (its token), and the owner's
    signature of the version open to the public."""
    inviter = membership(team.other_organisation, team.outsider)
    version = db.session.get(Version, world.values["public_version_id"])
    with app.test_request_context():
        _invitation, token = organisations.invite(inviter, team.owner.email, "member")
        signature = signing.sign_as_member(team.owner, version, None, None, False)
    db.session.commit()
    return {"token": token, "signature_id": signature.id}


def real_path_parameters(app, operation, world: World, own: dict[str, Any]) -> dict[str, Any]:
    """The world's objects in this operation's path: the owner's own (`own`) where the
    parameter names one, else those the access matrix uses."""
    endpoint = _endpoint(app, operation)
    names = {**DEFAULT_PARAMS, **POLICY[endpoint].params}
    real = {}
    for parameter in operation.path_parameters:
        if parameter.name in own:
            real[parameter.name] = own[parameter.name]
        else:
            assert parameter.name in names, (
                f"{endpoint}: say which object fills <{parameter.name}> in POLICY"
            )
            real[parameter.name] = world.values[names[parameter.name]]
    return real


def policy_body(app, operation, world: World) -> dict[str, Any] | None:
    """The valid body the access matrix sends to this operation (None if it has no body)."""
    if not operation.body:
        return None
    body = POLICY[_endpoint(app, operation)].body.get(operation.method.upper())
    if callable(body):
        body = body(world)
    return dict(body) if body else None


def failure_summary(error: BaseException, limit: int = 2500) -> str:
    """An exception from a Hypothesis run, with its notes (the request that failed), short
    enough that the report of all operations stays readable."""
    text = "\n".join([f"{type(error).__name__}: {error}", *getattr(error, "__notes__", [])])
    return text if len(text) <= limit else text[:limit] + " [...]"
