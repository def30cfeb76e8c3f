"""Schemathesis against our own OpenAPI document: every operation that /api/v1/openapi.json
describes gets requests generated from the document itself, by the owner of an organisation
with a drafted response, frozen versions open for signing, signatures and an export (the
access matrix's world), plus an invitation and a signature of the owner's own:

- fuzzing: requests that fit the document (positive) and that break it (negative: wrong
  types, missing and unknown fields, out-of-range values, no token or a broken one), with
  generated path parameters and with the world's real ids (those the access matrix uses);
- schemathesis's coverage phase: for each parameter and field, the boundary values and each
  kind of wrong value, with generated and with real ids;
- once, the access matrix's valid request.

Every answer: no 5xx; a status code, content type, headers and body the document lists for
the operation; a 4xx for a request the document calls invalid; a 401 without the token. So
the document is proven truthful for bad input as well as good, and a new endpoint is fuzzed
as soon as it is documented. Derandomized: the same requests on every run."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)

from consult.extensions import limiter
from tests.security import figures
from tests.security.schemathesis_support import (
    CHECKS,
    config,
    failure_summary,
    owners_own_objects,
    policy_body,
    real_path_parameters,
)
from tests.security.test_access_matrix import build_world

# Examples per operation (each a request), beside the coverage phase's boundary and wrong
# values for every field: 40 made this one test a sixth of the suite's time (306 s of CPU on a
# loaded 2-core machine) for no failure that 20 missed.
EXAMPLES_PER_OPERATION = 20
GENERATED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # the same requests on every run, so a failure can be replayed
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def owner_world(app, team, api_token, monkeypatch):
    """The access matrix's world seen by the team's owner, the owner's own invitation and
    signature, the owner's API token, and a client whose every request runs in its own app
    context, as in production."""
    monkeypatch.setattr(limiter, "enabled", False)  # measure the handlers, not the limiter
    world = build_world(app, team, "owner")
    own = owners_own_objects(app, team, world)
    token = api_token(team.owner)["Authorization"].removeprefix("Bearer ")
    return world, own, token, app.test_client()


def _cases(operation, real: dict):
    """Generated requests for one operation: positive and negative, with generated path
    parameters and with the world's real ones."""
    positive, negative = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
    strategies = [operation.as_strategy(positive), operation.as_strategy(negative)]
    if real:
        strategies.append(operation.as_strategy(positive, path_parameters=real))
        strategies.append(operation.as_strategy(negative, path_parameters=real))
    return st.one_of(strategies)


@dataclass
class Tally:
    """What the run did: requests sent, 5xx answers, operations that answered 2xx."""

    sent: int = 0
    server_errors: int = 0
    answered: set[str] = field(default_factory=set)


def _send(case, client, tally: Tally, path_parameters: dict | None = None) -> None:
    """Send one generated request (with these path parameters instead of the generated ones:
    schemathesis sees the change and judges the request as sent) and check the answer."""
    if path_parameters:
        case.path_parameters.update(path_parameters)
    response = case.call(session=client)
    tally.sent += 1
    tally.server_errors += response.status_code >= 500
    if response.status_code < 300:
        tally.answered.add(case.operation.label)
    case.validate_response(response, checks=CHECKS, transport_kwargs={"session": client})


def _fuzz(cases, client, tally: Tally, examples: int = EXAMPLES_PER_OPERATION) -> None:
    """Send an operation's generated requests; raises on the first failure (shrunk by
    Hypothesis to the simplest request that shows it)."""

    @settings(GENERATED, max_examples=examples)
    @given(case=cases)
    def run(case) -> None:
        _send(case, client, tally)

    run()


def _cover(operation, client, tally: Tally, path_parameters: dict) -> None:
    """Schemathesis's coverage phase (as its pytest plugin runs it): for each parameter and
    field, the boundary values and the wrong ones the document implies (missing, null, wrong
    type, too long, out of range, another content type, another method)."""
    config = HypothesisTestConfig(
        project=operation.schema.config,
        modes=[HypothesisTestMode.COVERAGE],
        settings=settings(GENERATED, phases=[Phase.explicit]),
    )
    create_test(
        operation=operation,
        test_func=lambda case: _send(case, client, tally, path_parameters),
        config=config,
    )()


def test_every_documented_operation_answers_generated_requests_as_documented(app, owner_world):
    world, own, token, client = owner_world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config(token))
    operations = [result.ok() for result in schema.get_all_operations()]
    tally, failures = Tally(), []
    for operation in operations:
        real = real_path_parameters(app, operation, world, own)
        body = policy_body(app, operation, world)
        try:
            _fuzz(_cases(operation, real), client, tally)
            _cover(operation, client, tally, {})
            if real:
                _cover(operation, client, tally, real)
            if body is not None:  # and once the access matrix's valid request
                _fuzz(operation.as_strategy(path_parameters=real, body=body), client, tally, 1)
        except (Exception, BaseExceptionGroup) as error:  # schemathesis: a FailureGroup
            failures.append(f"{operation.label}: {failure_summary(error)}")

    never = sorted({operation.label for operation in operations} - tally.answered)
    figures.add("schemathesis: operations fuzzed", len(operations))
    figures.add("schemathesis: generated requests sent", tally.sent)
    figures.add("schemathesis: 5xx seen", tally.server_errors)
    figures.add("schemathesis: operations answered 2xx", len(tally.answered))
    print(
        f"schemathesis: {tally.sent} requests to {len(operations)} operations, never 2xx: {never}"
    )
    assert not failures, "\n\n".join(failures)
    assert len(operations) >= 30
    # The generated requests get past authentication and validation to the work itself:
    # only a few operations may refuse all of them (here, erasing the owner's account: the
    # last owner of an organisation with members is refused with 409).
    assert len(tally.answered) >= len(operations) * 3 // 4, never
