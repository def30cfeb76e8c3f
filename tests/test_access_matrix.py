"""The access matrix: every route x every method x every kind of visitor, against a policy.

POLICY below classifies every endpoint of the application. The matrix walks the whole URL map
(every rule but static files) for every method a rule allows (HEAD and OPTIONS aside), as each
of: anonymous, member, editor, coordinator, owner, an outsider (owner of another organisation)
and an invitee (a logged-in person with a pending invitation to the team's organisation), with
path parameters filled from real objects of the `team` fixture, and checks:

- anonymous on a login-required page -> 302 to /login; anonymous on the API -> 401 in JSON;
- someone outside the team's organisation -> 404 for its objects, never 403 (its existence is
  not revealed), and none of its names or its people's names in any page they are shown;
- a member whose role lacks the permission (from consult/organisations/permissions.py) -> 403;
- an allowed visitor -> 2xx/3xx; nobody ever gets a 5xx;
- whenever access is refused (302 to /login, 401, 403, 404, a refused invitation), no row
  changed in the tables that matter.

A new route that POLICY does not classify fails `test_every_route_is_classified`; classify it
here (and give its path parameters and a valid request body) when you add it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import text

from consult.accounts.services import create_api_token
from consult.extensions import db
from consult.organisations import services as organisations
from consult.organisations.permissions import PERMISSIONS, ROLES
from tests import factories
from tests.organisations.support import (
    audit_events,
    location_path,
    log_in,
    membership,
    role_of,
)

# --- the policy -----------------------------------------------------------------------------

# Who may use an endpoint.
PUBLIC = "public"  # anyone, logged in or not
LOGIN = "login"  # anyone logged in; anonymous -> /login
DEV_ONLY = "dev-only"  # public, but only when the instance shows development pages
ORG = "org"  # a member of the organisation in the URL whose role has `permission`
OWN = "own"  # an object of one account (the team owner's API token): others get 404
INVITATION_LINK = "invitation-link"  # whoever holds an invitation link (public)
INVITATION_ACCEPT = "invitation-accept"  # link holder, logged in: only the invitee joins
MY_INVITATION = "my-invitation"  # an invitation addressed to the logged-in person's address
API_PUBLIC = "api-public"  # JSON API, no token needed
API = "api"  # JSON API, any valid bearer token; none -> 401
API_ORG = "api-org"  # JSON API, a member of the organisation in the URL with `permission`
API_INVITATION_ACCEPT = "api-invitation-accept"  # token holder; only the invitee joins

# Requests run in phases, so that those that end something (accepting, declining, leaving,
# logging out) come after everything that needs it; within a phase, in URL order.
NORMAL, ACCEPT, DECLINE, LEAVE, LOG_OUT = range(5)

Body = Mapping[str, Any] | Callable[["World"], Mapping[str, Any]]


@dataclass(frozen=True)
class Access:
    kind: str
    permission: str | None = None  # a key of PERMISSIONS, for ORG and API_ORG
    body: Mapping[str, Body] = field(default_factory=dict)  # per method: form data or JSON
    params: Mapping[str, str] = field(default_factory=dict)  # path parameter -> World key
    phase: int = NORMAL


PASSWORD = factories.PASSWORD
BOGUS_LINK = {"token": "bogus_link_token"}
INVITATION_B = {"token": "invitation_b_token", "invitation_id": "invitation_b_id"}

POLICY: dict[str, Access] = {
    # pages for everyone
    "main.index": Access(PUBLIC),
    "main.privacy": Access(PUBLIC),
    "main.healthz": Access(PUBLIC),
    "main.dev_outbox": Access(DEV_ONLY),
    # accounts: the ways in are public; the e-mailed links carry their own token
    "accounts.signup": Access(
        PUBLIC,
        body={"POST": {"name": "New Person", "email": "new@example.org", "password": PASSWORD}},
    ),
    "accounts.signup_sent": Access(PUBLIC),
    "accounts.login": Access(
        PUBLIC, body={"POST": {"email": "nobody@example.org", "password": "not the password"}}
    ),
    "accounts.confirm_email": Access(PUBLIC, params=BOGUS_LINK),
    "accounts.resend_confirmation": Access(PUBLIC, body={"POST": {"email": "nobody@example.org"}}),
    "accounts.forgot_password": Access(PUBLIC, body={"POST": {"email": "nobody@example.org"}}),
    "accounts.reset_password": Access(
        PUBLIC, params=BOGUS_LINK, body={"POST": {"password": PASSWORD, "confirm": PASSWORD}}
    ),
    "accounts.confirm_email_change": Access(PUBLIC, params=BOGUS_LINK),
    # the account page and what it does: one's own account only
    "accounts.account": Access(LOGIN),
    "accounts.update_profile": Access(LOGIN, body={"POST": lambda w: {"name": w.user_name}}),
    "accounts.change_password": Access(
        LOGIN, body={"POST": {"current_password": PASSWORD, "password": PASSWORD}}
    ),
    "accounts.change_email": Access(
        LOGIN,
        body={
            "POST": lambda w: {
                "email": f"new-{w.identity}@example.org",
                "current_password": PASSWORD,
            }
        },
    ),
    "accounts.end_other_sessions": Access(LOGIN),
    "accounts.create_token": Access(LOGIN, body={"POST": {"name": "Matrix"}}),
    "accounts.revoke_token": Access(OWN, params={"token_id": "owner_spare_token_id"}),
    "accounts.logout": Access(LOGIN, phase=LOG_OUT),
    # organisations
    "organisations.create": Access(LOGIN, body={"POST": {"name": "Matrix Group"}}),
    "organisations.roles": Access(LOGIN),
    "organisations.show": Access(ORG, "view"),
    "organisations.members": Access(ORG, "view"),
    "organisations.switch": Access(ORG, "view"),
    "organisations.leave": Access(ORG, "view", phase=LEAVE),
    "organisations.settings": Access(
        ORG, "rename", body={"POST": lambda w: {"name": w.values["organisation_name"]}}
    ),
    "organisations.invite": Access(
        ORG, "invite", body={"POST": {"email": "html-invite@example.org", "role": "member"}}
    ),
    "organisations.resend_invitation": Access(
        ORG, "invite", params={"invitation_id": "invitation_a_id"}
    ),
    "organisations.revoke_invitation": Access(
        ORG, "invite", params={"invitation_id": "invitation_a_id"}
    ),
    "organisations.change_role": Access(
        ORG,
        "manage_members",
        params={"membership_id": "role_victim_id"},
        body={"POST": {"role": "editor"}},
    ),
    "organisations.remove_member": Access(
        ORG, "manage_members", params={"membership_id": "removal_victim_id"}
    ),
    # invitations, as the invitee sees them
    "organisations.invitation": Access(INVITATION_LINK, params=INVITATION_B),
    "organisations.accept_invitation": Access(INVITATION_ACCEPT, params=INVITATION_B, phase=ACCEPT),
    "organisations.decline_invitation": Access(INVITATION_LINK, params=INVITATION_B, phase=DECLINE),
    "organisations.accept_my_invitation": Access(MY_INVITATION, params=INVITATION_B, phase=ACCEPT),
    "organisations.decline_my_invitation": Access(
        MY_INVITATION, params=INVITATION_B, phase=DECLINE
    ),
    # JSON API v1
    "api.openapi": Access(API_PUBLIC),
    "api.me": Access(API),
    "api.list_organisations": Access(API),
    "api.create_organisation": Access(API, body={"POST": {"name": "Matrix API Group"}}),
    "api.get_organisation": Access(API_ORG, "view"),
    "api.create_invitation": Access(
        API_ORG, "invite", body={"POST": {"email": "api-invite@example.org", "role": "member"}}
    ),
    "api.accept_invitation": Access(API_INVITATION_ACCEPT, params=INVITATION_B, phase=ACCEPT),
}

DEFAULT_PARAMS = {"slug": "slug"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
IDENTITIES = ("anonymous", "member", "editor", "coordinator", "owner", "outsider", "invitee")
API_KINDS = {API_PUBLIC, API, API_ORG, API_INVITATION_ACCEPT}
TOKEN_KINDS = {INVITATION_LINK, INVITATION_ACCEPT, API_INVITATION_ACCEPT}

# Outcomes.
OK = "allowed (2xx/3xx)"
TO_LOGIN = "302 to /login"
UNAUTHORISED = "401 JSON"
FORBIDDEN = "403"
NOT_FOUND = "404"
REFUSED = "3xx, nothing joined"


def expected_outcome(access: Access, identity: str, app, role: str | None = None) -> str:
    """What `identity` should get; `role` is their role in the team's organisation (the
    invitee has one once they have accepted)."""
    kind = access.kind
    if kind in (PUBLIC, INVITATION_LINK, API_PUBLIC):
        return OK
    if kind == DEV_ONLY:
        return OK if app.config["SHOW_DEV_OUTBOX"] else NOT_FOUND
    if identity == "anonymous":
        return UNAUTHORISED if kind in API_KINDS else TO_LOGIN
    role = role or (identity if identity in ROLES else None)
    if kind in (LOGIN, API):
        return OK
    if kind in (ORG, API_ORG):
        if role is None:
            return NOT_FOUND
        allowed_roles, _ = PERMISSIONS[access.permission]
        return OK if role in allowed_roles else FORBIDDEN
    if kind == OWN:
        return OK if identity == "owner" else NOT_FOUND
    if kind == INVITATION_ACCEPT:
        return OK if identity == "invitee" else REFUSED
    if kind == API_INVITATION_ACCEPT:
        return OK if identity == "invitee" else FORBIDDEN
    if kind == MY_INVITATION:
        return OK if identity == "invitee" else NOT_FOUND
    raise AssertionError(f"no expectation for {kind}")


# --- the world the matrix runs in -----------------------------------------------------------


@dataclass
class World:
    identity: str
    user_name: str
    values: dict[str, Any]
    secrets: list[str]  # names that someone outside the organisation must never see


def build_world(app, team, identity: str) -> World:
    """Objects for the path parameters: victims for role changes and removals, two pending
    invitations (A, managed by id; B, to the invitee, used by its link) and a spare token."""
    organisation = team.organisation
    # A name no template uses as an example, so that finding it in a page means a leak.
    organisation.name = "Northtown Residents Matrix Org"
    role_victim = factories.add_member(organisation, factories.make_user(name="Val Victim"))
    removal_victim = factories.add_member(organisation, factories.make_user(name="Rex Removed"))
    invitee = factories.make_user(email="invitee@example.org", name="Ina Invitee")
    owner = membership(organisation, team.owner)
    with app.test_request_context():
        invitation_a, _ = organisations.invite(owner, "pending@example.org", "member")
        invitation_b, token_b = organisations.invite(owner, invitee.email, "editor")
    spare_token, _ = create_api_token(team.owner, "spare")
    db.session.commit()
    users = {role: team.user(role) for role in ROLES} | {
        "outsider": team.outsider,
        "invitee": invitee,
    }
    user = users.get(identity)
    secrets = [organisation.name] + [
        person.name for person in (*[team.user(r) for r in ROLES], role_victim, removal_victim)
    ]
    return World(
        identity=identity,
        user_name=user.name if user else "Nobody",
        values={
            "user": user,
            "slug": organisation.slug,
            "organisation_name": organisation.name,
            "role_victim_id": membership(organisation, role_victim).id,
            "removal_victim_id": membership(organisation, removal_victim).id,
            "invitation_a_id": invitation_a.id,
            "invitation_b_id": invitation_b.id,
            "invitation_b_token": token_b,
            "owner_spare_token_id": spare_token.id,
            "bogus_link_token": "not-a-real-link-token",
        },
        secrets=secrets,
    )


def snapshot() -> dict[str, list]:
    """The rows that a refused request must not change (volatile timestamps left out)."""
    queries = {
        "organisations": "SELECT id, slug, name FROM organisations",
        "memberships": "SELECT id, organisation_id, user_id, role FROM memberships",
        "invitations": "SELECT id, organisation_id, email, role, token_hash, expires_at, "
        "accepted_at, declined_at, revoked_at FROM invitations",
        "users": "SELECT id, email, name, password_hash, email_confirmed_at, "
        "current_organisation_id FROM users",
        "api_tokens": "SELECT id, user_id, revoked_at FROM api_tokens",
        "email_links": "SELECT id, used_at FROM email_links",
        "outbox_messages": "SELECT id FROM outbox_messages",
        "audit_events": "SELECT id, action FROM audit_events",
    }
    with db.engine.connect() as connection:
        return {
            name: sorted(tuple(row) for row in connection.execute(text(sql)))
            for name, sql in queries.items()
        }


def requests_to_make(app) -> list[tuple[int, str, str, str, Access]]:
    """(phase, rule, method, endpoint, access) for every rule but static, in running order."""
    planned = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        access = POLICY[rule.endpoint]
        for method in sorted((rule.methods or set()) & set(METHODS)):
            planned.append((access.phase, rule.rule, method, rule.endpoint, access))
    return sorted(planned, key=lambda item: item[:3])


def url_for_rule(app, endpoint: str, rule: str, access: Access, world: World) -> str:
    names = {**DEFAULT_PARAMS, **access.params}
    arguments = {}
    for argument in next(r for r in app.url_map.iter_rules(endpoint) if r.rule == rule).arguments:
        assert argument in names, f"{endpoint}: say which object fills <{argument}> in POLICY"
        arguments[argument] = world.values[names[argument]]
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **arguments, _external=False)


def send(client, method: str, url: str, access: Access, world: World, headers: dict):
    body = access.body.get(method, {})
    if callable(body):
        body = body(world)
    if access.kind in API_KINDS:
        kwargs = {"json": dict(body)} if method != "GET" else {}
        return client.open(url, method=method, headers=headers, **kwargs)
    return client.open(url, method=method, data=dict(body) if method != "GET" else None)


def check(response, outcome: str, access: Access) -> str | None:
    """None if the response is the expected outcome, else what went wrong."""
    is_api = access.kind in API_KINDS
    status = response.status_code
    redirect = location_path(response) if 300 <= status < 400 else None
    if status >= 500:
        return f"server error {status}"
    if is_api and status != 204 and response.mimetype != "application/json" and status != 302:
        return f"{status} answered with {response.mimetype}, not JSON"
    if outcome == OK:
        if not 200 <= status < 400:
            return f"{status}, expected 2xx/3xx"
        if redirect == "/login" and access.kind not in (PUBLIC, INVITATION_LINK):
            return "sent to log in, expected to be allowed"
        return None
    if outcome == TO_LOGIN:
        return None if status in (302, 303) and redirect == "/login" else f"{status} {redirect}"
    if outcome == REFUSED:
        return None if 300 <= status < 400 and redirect != "/login" else f"{status} {redirect}"
    if outcome == UNAUTHORISED:
        if status != 401:
            return f"{status}, expected 401"
        return None if response.get_json()["error"]["code"] == "unauthorised" else "no JSON error"
    wanted = {FORBIDDEN: 403, NOT_FOUND: 404}[outcome]
    return None if status == wanted else f"{status}, expected {wanted}"


# --- the tests ------------------------------------------------------------------------------


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    unclassified = sorted(endpoints - set(POLICY))
    assert not unclassified, (
        f"routes without an access policy: {unclassified}. Classify them in POLICY in "
        "tests/test_access_matrix.py."
    )
    stale = sorted(set(POLICY) - endpoints)
    assert not stale, f"POLICY names endpoints that no longer exist: {stale}"
    for endpoint, access in POLICY.items():
        if access.kind in (ORG, API_ORG):
            assert access.permission in PERMISSIONS, (endpoint, access.permission)
        else:
            assert access.permission is None, endpoint


@pytest.mark.parametrize("identity", IDENTITIES)
def test_access_matrix(app, team, api_token, identity):
    world = build_world(app, team, identity)
    user = world.values["user"]
    client = app.test_client()
    headers = {}
    if user is not None:
        log_in(client, user)
        headers = api_token(user)
    outside = identity in ("anonymous", "outsider")

    failures: list[str] = []
    tried = 0
    for _phase, rule, method, endpoint, access in requests_to_make(app):
        url = url_for_rule(app, endpoint, rule, access, world)
        role = identity if identity in ROLES else None
        if identity == "invitee":  # from the moment they accept
            role = role_of(team.organisation, user)
        outcome = expected_outcome(access, identity, app, role)
        before = snapshot() if outcome != OK else None
        response = send(client, method, url, access, world, headers)
        tried += 1
        where = f"{identity:<11} {method:<6} {url} ({endpoint})"
        problem = check(response, outcome, access)
        if problem:
            failures.append(f"{where}: {problem}; policy: {outcome}")
        if before is not None:
            after = snapshot()
            changed = [table for table in before if before[table] != after[table]]
            if changed:
                failures.append(f"{where}: refused ({response.status_code}) but changed {changed}")
        if outside and access.kind not in TOKEN_KINDS:
            page = response.get_data(as_text=True)
            leaked = [secret for secret in world.secrets if secret in page]
            if leaked:
                failures.append(f"{where}: shows {leaked} to someone outside the organisation")

    print(f"access matrix: {identity}: {tried} route x method requests, {len(failures)} failures")
    assert not failures, "\n".join(failures)
    if identity == "invitee":
        # Accepted in the ACCEPT phase (through the API, first in URL order), left in LEAVE.
        assert [e.action for e in audit_events("invitation.accepted")] == ["invitation.accepted"]
        assert role_of(team.organisation, user) is None


def test_the_matrix_reaches_every_permission_and_outcome(app):
    """Guards the matrix itself: every permission the organisation routes use, and each
    outcome, is exercised by some (identity, route)."""
    outcomes = {
        expected_outcome(POLICY[endpoint], identity, app)
        for *_, endpoint, _access in requests_to_make(app)
        for identity in IDENTITIES
    }
    assert {OK, TO_LOGIN, UNAUTHORISED, FORBIDDEN, NOT_FOUND, REFUSED} <= outcomes
    used = {access.permission for access in POLICY.values() if access.permission}
    assert {"view", "invite", "manage_members", "rename"} <= used
