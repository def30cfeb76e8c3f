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
  changed in the tables that matter;
- an allowed request that is meant to change something (Access.changes) did change its table,
  so that a write which silently does nothing (a form that never validates) is caught.

The drafting and consultation routes get a response of the team's organisation with sections
set up for each route that changes them (a section to remove, one already removed to reinstate,
a conflict revision, a comment, open suggestions on sections with known assignees...), and the
request bodies that depend on the moment (the section's current head) are read from the
database just before the request is sent.

A new route that POLICY does not classify fails `test_every_route_is_classified`; classify it
here (and give its path parameters and a valid request body) when you add it.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select, text

from consult.accounts import two_factor
from consult.accounts.services import create_api_token
from consult.bills import pending
from consult.bills.importers import read_print
from consult.consultations.models import Consultation
from consult.consultations.services import create_consultation, parse_numbered_list
from consult.drafting import services as drafting
from consult.drafting.models import Response, Section
from consult.exports.models import ExportFile, ExportJob
from consult.extensions import db
from consult.notifications import services as notifications
from consult.notifications.emails import unsubscribe_token
from consult.notifications.forms import CHOOSABLE
from consult.notifications.models import Notification
from consult.organisations import services as organisations
from consult.organisations.permissions import PERMISSIONS, ROLES
from consult.signing import consent, robots
from consult.signing import services as signing
from consult.tokens import new_token
from tests import factories
from tests.organisations.support import (
    audit_events,
    location_path,
    log_in,
    membership,
    role_of,
)
from tests.security import bills_world, figures

# --- the policy -----------------------------------------------------------------------------

# Who may use an endpoint.
PUBLIC = "public"  # anyone, logged in or not
LOGIN = "login"  # anyone logged in; anonymous -> /login
DEV_ONLY = "dev-only"  # public, but only when the instance shows development pages
ORG = "org"  # a member of the organisation in the URL (or owning the object in the URL)
# whose role has `permission`
OWN = "own"  # an object of one account (the team owner's API token): others get 404
INVITATION_LINK = "invitation-link"  # whoever holds an invitation link (public)
INVITATION_ACCEPT = "invitation-accept"  # link holder, logged in: only the invitee joins
MY_INVITATION = "my-invitation"  # an invitation addressed to the logged-in person's address
API_PUBLIC = "api-public"  # JSON API, no token needed
API = "api"  # JSON API, any valid bearer token; none -> 401
API_ORG = "api-org"  # JSON API, a member of the organisation in the URL with `permission`
API_INVITATION_ACCEPT = "api-invitation-accept"  # token holder; only the invitee joins
API_OWN = "api-own"  # JSON API, an object of one account (the team owner's notice): others 404
# Accepting or rejecting a suggested edit (consult/drafting/permissions.py): an owner or a
# coordinator, or the section's assignee if their role may draft; other members 403, others 404.
DECIDE_SUGGESTION = "decide-suggestion"
SUGGESTION_DECIDERS = frozenset({"owner", "coordinator"})
# A clash (a conflict revision, consult/drafting/clash_views.py): its author (the editor, in
# the world) and owners and coordinators, who may settle it on the author's behalf; anyone
# else 404, as for something that does not exist.
CLASH = "clash"
CLASH_OPENERS = frozenset({"owner", "coordinator", "editor"})
# Signing (consult/signing/views.py, consult/api/signing.py).
# A partner organisation's signing link (the token is in the URL): anyone logged in reads it;
# signing with it (POST) needs sign_for_organisation in an organisation other than the lead
# one. In the world only the outsider (owner of another organisation) has that; the others
# post the outsider's organisation too, which is not theirs to choose: 422, nothing signed.
PARTNER_LINK = "partner-link"
# A signature: its signer, or an owner/coordinator of the organisation that co-signed it
# (Access.signer: the identity who may); anyone else 404; anonymous -> /login (API: 401).
SIGNER = "signer"
API_SIGNER = "api-signer"
# Deleting one's account (consult/privacy/personal_data.py). The page asks for the password:
# the matrix sends a wrong one (422, nothing erased). The API really erases, last of all: the
# owner and the outsider are each the last owner of an organisation with other members
# (409, nothing erased); everyone else is erased.
CONFIRMED_BY_PASSWORD = "confirmed-by-password"
API_ERASE = "api-erase"
LAST_OWNERS = frozenset({"owner", "outsider"})

# Requests run in phases, so that those that end something (accepting, declining, leaving,
# logging out) come after everything that needs it; within a phase, in URL order.
NORMAL, ACCEPT, DECLINE, LEAVE, LOG_OUT = range(5)
ERASE = LOG_OUT + 1  # with a bearer token, after the browser has logged out

Body = Mapping[str, Any] | Callable[["World"], Mapping[str, Any]]


@dataclass(frozen=True)
class Access:
    kind: str
    permission: str | None = None  # a key of PERMISSIONS, for ORG and API_ORG
    body: Mapping[str, Body] = field(default_factory=dict)  # per method: form data or JSON
    params: Mapping[str, str] = field(default_factory=dict)  # path parameter -> World key
    phase: int = NORMAL
    # per method, a permission other than `permission` (the editor: view to read, draft to save)
    method_permissions: Mapping[str, str] = field(default_factory=dict)
    # per method, the table (a key of SNAPSHOT_QUERIES) an allowed request must change
    changes: Mapping[str, str] = field(default_factory=dict)
    # DECIDE_SUGGESTION: the role of the section's assignee in the world (None: nobody)
    assignee: str | None = None
    # SIGNER, API_SIGNER: the identity who may withdraw the signature in the URL
    signer: str | None = None
    # The page shows a version to whoever may read it (anyone, once it is open to the public;
    # a partner link's holder; a signer with their e-mailed link): the organisation's name,
    # the response's title and the frozen text (World.published) are no secret there, but
    # its people's names, comments and the rest of World.secrets still are.
    discloses: bool = False
    # The API answers with a file (not JSON) when the request is allowed (exports).
    file: bool = False
    # The body is a multipart form (bytes values are sent as files), not JSON (uploads).
    multipart: bool = False
    # A page route that takes JSON (sent by the page's script), not a form.
    json: bool = False
    # Query string parameters the route needs.
    query: Mapping[str, Any] = field(default_factory=dict)
    # A WebSocket endpoint: an allowed plain GET is told to upgrade (426); the socket itself
    # is checked in tests/live/test_live_access.py.
    upgrade: bool = False


PASSWORD = factories.PASSWORD
BOGUS_LINK = {"token": "bogus_link_token"}
INVITATION_B = {"token": "invitation_b_token", "invitation_id": "invitation_b_id"}
BUILTIN = "facial-recognition-framework"
FROZEN_VERSION = {"version_id": "frozen_version_id"}  # see build_signing
MEMBERS_VERSION = {"version_id": "members_version_id"}
PUBLIC_VERSION = {"version_id": "public_version_id"}
EXPORT = {"export_id": "export_id"}  # see build_exports
BILL = {"bill_id": "bill_id"}  # see build_bills and tests/security/bills_world.py
PRINT = BILL_PRINT = {"print_id": "print_id"}
MATRIX_PRINT_TEXT = "1 Matrix clause\n(1) A constable may do a matrix thing.\n"
BILL_RESPONSE = {"response_id": "bill_response_id"}
AMENDMENT_OF = {**BILL_RESPONSE, "amendment_id": "amendment_id"}


# An amendment to the bill of build_bills (tests/security/bills_world.py), as the form sends it.
MATRIX_AMENDMENT = {key: str(value) for key, value in bills_world.AMENDMENT.items()}


def head(key: str = "section_id") -> Callable[[World], str]:
    """The section's current head revision id, read when the request is sent ("" for none)."""

    def _head(world: World) -> str:
        return world.head(key) or ""

    return _head


def current_totp_code(user) -> str:
    """The code the user's authenticator app shows now ("000000" when none is set up)."""
    if user is None:
        return "000000"
    db.session.refresh(user)
    totp = two_factor.totp_for(user)
    return totp.now() if totp else "000000"


def form(**fields: Any) -> Callable[[World], dict[str, Any]]:
    """A body whose callable fields are filled in when the request is sent."""
    return lambda w: {
        name: value(w) if callable(value) else value for name, value in fields.items()
    }


def in_section(key: str, **more: str) -> dict[str, str]:
    """Path parameters for a route under a section: which World keys fill them."""
    return {"response_id": "response_id", "section_id": key, **more}


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
    # A new password revokes the person's API tokens: with logging out, after the API's turn.
    "accounts.change_password": Access(
        LOGIN, body={"POST": {"current_password": PASSWORD, "password": PASSWORD}}, phase=LOG_OUT
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
    # two-factor (consult/accounts/views/two_factor.py): nobody has it on until the set-up's
    # POST (after its GET made the secret, in URL order) sends the code of the moment, so the
    # earlier POSTs only say it is off; the log-in's second step needs a pending password step
    "accounts.login_two_factor": Access(PUBLIC, body={"POST": {"code": "000000"}}),
    "accounts.two_factor": Access(LOGIN),
    "accounts.two_factor_setup": Access(
        LOGIN,
        body={"POST": lambda w: {"code": current_totp_code(w.values["user"])}},
        changes={"POST": "recovery_codes"},
    ),
    "accounts.replace_recovery_codes": Access(LOGIN, body={"POST": {"code": "000000"}}),
    "accounts.disable_two_factor": Access(
        LOGIN, body={"POST": {"current_password": PASSWORD, "code": "000000"}}
    ),
    # the person's data: download it, delete the account
    "accounts.download_data": Access(LOGIN),
    "accounts.delete_account": Access(
        CONFIRMED_BY_PASSWORD, body={"POST": {"current_password": "not the password at all"}}
    ),
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
    # consultations
    "consultations.index": Access(ORG, "view"),
    "consultations.show": Access(ORG, "view"),  # the organisation's own consultation
    "consultations.create": Access(
        ORG,
        "freeze",
        body={
            "POST": {
                "title": "Matrix consultation",
                "publisher": "Matrix Publisher",
                "questions_text": "1. Matrix question? (scale)",
            }
        },
        changes={"POST": "consultations"},
    ),
    # drafting pages: a response of the organisation and its sections
    "drafting.responses": Access(ORG, "view"),
    "drafting.my_responses": Access(LOGIN),
    "drafting.new_response": Access(
        ORG,
        "draft",
        body={"POST": {"consultation": BUILTIN, "profile": "home-office", "title": "Matrix new"}},
        changes={"POST": "responses"},
    ),
    "drafting.dashboard": Access(ORG, "view"),
    "drafting.preview": Access(ORG, "view"),
    "drafting.update_settings": Access(
        ORG,
        "draft",
        body={"POST": {"title": "Matrix retitled", "profile": "select-committee"}},
        changes={"POST": "responses"},
    ),
    "drafting.add_section": Access(
        ORG, "draft", body={"POST": {"new_title": "Matrix added"}}, changes={"POST": "sections"}
    ),
    "drafting.rename_section": Access(
        ORG,
        "draft",
        params=in_section("annex_id"),  # a question section keeps its wording (422)
        body={"POST": {"title": "Matrix renamed annex"}},
        changes={"POST": "sections"},
    ),
    "drafting.move_section": Access(
        ORG,
        "draft",
        params=in_section("annex_id"),
        body={"POST": {"direction": "up"}},
        changes={"POST": "sections"},
    ),
    "drafting.remove_section": Access(
        ORG, "draft", params=in_section("removable_id"), changes={"POST": "sections"}
    ),
    "drafting.reinstate_section": Access(
        ORG, "draft", params=in_section("removed_id"), changes={"POST": "sections"}
    ),
    # A section's Manage page (GET) and its main form (POST): status and assignee together.
    "drafting.manage_section": Access(
        ORG,
        "draft",
        params=in_section("about_id"),
        body={
            "POST": lambda w: {
                "status": "ready_for_review",
                "assignee": str(w.values["member_user_id"]),
            }
        },
        changes={"POST": "sections"},
    ),
    "drafting.editor": Access(
        ORG,
        "view",
        method_permissions={"POST": "draft"},
        body={"POST": form(body="Matrix edited text.", base_revision=head(), choice="")},
        changes={"POST": "revisions"},
    ),
    "drafting.conflict": Access(
        CLASH,
        params=in_section("section_id", revision_id="conflict_revision_id"),
        body={
            "POST": form(body="Matrix resolved text.", base_revision=head(), resolution="edited")
        },
        changes={"POST": "revisions"},
    ),
    "drafting.history": Access(ORG, "view"),
    "drafting.restore": Access(
        ORG,
        "draft",
        params=in_section("section_id", revision_id="first_revision_id"),
        changes={"POST": "revisions"},
    ),
    "drafting.add_comment": Access(
        ORG,
        "comment",
        body={"POST": {"comment": "Matrix new comment.", "quote": ""}},
        changes={"POST": "comments"},
    ),
    "drafting.reply_to_comment": Access(
        ORG,
        "comment",
        params=in_section("section_id", comment_id="comment_id"),
        body={"POST": {"reply": "Matrix reply."}},
        changes={"POST": "comments"},
    ),
    "drafting.resolve_comment": Access(
        ORG,
        "comment",
        params=in_section("section_id", comment_id="comment_id"),
        body={"POST": {"resolved": "yes"}},
        changes={"POST": "comments"},
    ),
    "drafting.suggest": Access(
        ORG,
        "comment",
        body={
            "POST": form(
                suggestion="Matrix suggested text.", note="Matrix note.", suggestion_base=head()
            )
        },
        changes={"POST": "suggestions"},
    ),
    # a response to a bill (build_drafts): adding an amendment (its page, and the form's
    # POST, which adds a section) and editing one (the form on its editor page posts here)
    "drafting.new_amendment": Access(
        ORG,
        "draft",
        params={"response_id": "bill_response_id"},
        body={"POST": {**MATRIX_AMENDMENT, "action": "save"}},
        changes={"POST": "sections"},
    ),
    "drafting.edit_amendment": Access(
        ORG,
        "draft",
        params={"response_id": "bill_response_id", "section_id": "amendment_id"},
        body={
            "POST": form(
                **{**MATRIX_AMENDMENT, "insert": "Matrix judge"},
                base_revision=head("amendment_id"),
            )
        },
        changes={"POST": "revisions"},
    ),
    # a reader's page following an amendment typed live: its House style (nothing saved)
    "drafting.amendment_shown": Access(
        ORG,
        "view",
        params={"response_id": "bill_response_id", "section_id": "amendment_id"},
        body={"POST": {"values": MATRIX_AMENDMENT}},
        json=True,
    ),
    "drafting.accept_suggestion": Access(
        DECIDE_SUGGESTION,
        params=in_section("accept_section_id", suggestion_id="accept_suggestion_id"),
        assignee="editor",  # an assignee who may draft decides
        changes={"POST": "suggestions"},
    ),
    "drafting.reject_suggestion": Access(
        DECIDE_SUGGESTION,
        params=in_section("reject_section_id", suggestion_id="reject_suggestion_id"),
        assignee="member",  # an assignee who may not draft does not
        changes={"POST": "suggestions"},
    ),
    # bill pages (consult/bills/views/): members read bills and prints; those who may draft
    # import (the preview's token is the visitor's own: build_bills), set the stage and start
    # a response.
    "bills.index": Access(ORG, "view"),
    "bills.show": Access(ORG, "view", params=BILL),
    "bills.set_stage": Access(
        ORG, "draft", params=BILL, body={"POST": {"stage": "committee"}}, changes={"POST": "bills"}
    ),
    "bills.start_response": Access(
        ORG,
        "draft",
        params=BILL,
        body={"POST": {"title": "Matrix bill response"}},
        changes={"POST": "responses"},
    ),
    "bills.import_bill": Access(
        ORG, "draft", body={"POST": {"text": MATRIX_PRINT_TEXT, "house": "commons"}}
    ),
    "bills.preview_bill": Access(
        ORG,
        "draft",
        params={"token": "bill_import_token"},
        body={"POST": {"title": "Matrix bill"}},
        changes={"POST": "bills"},
    ),
    "bills.import_print": Access(
        ORG, "draft", params=BILL, body={"POST": {"text": MATRIX_PRINT_TEXT, "label": "Matrix"}}
    ),
    "bills.preview_print": Access(
        ORG,
        "draft",
        params={**BILL, "token": "print_import_token"},
        changes={"POST": "bill_prints"},
    ),
    "bills.show_print": Access(ORG, "view", params=PRINT),
    "bills.clause": Access(ORG, "view", params={**PRINT, "number": "clause_number"}),
    "bills.page": Access(ORG, "view", params={**PRINT, "page": "print_page"}),
    # signing pages: versions of the response (build_signing). Lead members read a version;
    # owners and coordinators freeze, open and close signing, replace the partner link and see
    # who signed.
    "signing.versions": Access(ORG, "view"),
    "signing.freeze": Access(
        ORG, "freeze", body={"POST": {"note": "Matrix freeze"}}, changes={"POST": "versions"}
    ),
    "signing.version": Access(ORG, "view", params=FROZEN_VERSION),
    "signing.diff": Access(ORG, "view", params=FROZEN_VERSION),
    "signing.update_signing": Access(
        ORG,
        "freeze",
        params={"version_id": "to_open_version_id"},
        body={"POST": {"operation": "open", "audience": "members"}},
        changes={"POST": "versions"},
    ),
    "signing.new_partner_link": Access(
        ORG, "freeze", params=FROZEN_VERSION, changes={"POST": "versions"}
    ),
    "signing.signatures": Access(ORG, "freeze", params=FROZEN_VERSION),
    "signing.signatures_csv": Access(ORG, "freeze", params=FROZEN_VERSION),
    # The signing page of a version open to members only: its organisation's members, in any
    # role; anyone else logged in 404, anonymous -> /login. (Open to the public, it is public:
    # "signing.changes" below reads the public version through the same loader.)
    "signing.sign": Access(ORG, "sign", params=MEMBERS_VERSION),
    "signing.sign_member": Access(
        ORG,
        "sign",
        params=MEMBERS_VERSION,
        body={
            "POST": {
                "display_name": "Matrix Member Signer",
                "consent": "y",
                "statement_version": consent.CURRENT_VERSION,
            }
        },
        changes={"POST": "signatures"},
    ),
    # A version open to the public: anyone reads it and signs with the public form (a pending
    # signature and a confirmation e-mail; 404 for any other version).
    "signing.sign_public": Access(
        PUBLIC,
        params=PUBLIC_VERSION,
        discloses=True,
        body={
            "POST": lambda w: {
                "name": "Matrix Public Signer",
                "email": f"public-{w.identity}@example.org",
                "consent": "y",
                "statement_version": consent.CURRENT_VERSION,
                "started": w.values["form_stamp"](),
                "website": "",
            }
        },
        changes={"POST": "signatures"},
    ),
    "signing.sent": Access(PUBLIC, params=PUBLIC_VERSION, discloses=True),
    "signing.changes": Access(PUBLIC, params=PUBLIC_VERSION, discloses=True),
    "signing.partner": Access(
        PARTNER_LINK,
        params={"version_id": "members_version_id", "token": "partner_token"},
        discloses=True,
        body={
            "POST": lambda w: {
                "organisation": str(w.values["partner_organisation_id"]),
                "consent": "y",
                "statement_version": consent.CURRENT_VERSION,
            }
        },
        changes={"POST": "signatures"},
    ),
    # The links in a public signer's e-mails: whoever holds them.
    "signing.confirm": Access(
        PUBLIC, params={"token": "confirm_token"}, discloses=True, changes={"POST": "signatures"}
    ),
    # Only in the browser that has just confirmed: signing.confirm's POST runs just before
    # (URL order), in the same client.
    "signing.confirmed": Access(PUBLIC, discloses=True),
    "signing.manage": Access(PUBLIC, params={"token": "withdraw_manage_token"}, discloses=True),
    "signing.manage_withdraw": Access(
        PUBLIC,
        params={"token": "withdraw_manage_token"},
        discloses=True,
        changes={"POST": "signatures"},
    ),
    "signing.manage_publication": Access(
        PUBLIC,
        params={"token": "publication_manage_token"},
        body={"POST": {"publish": "no"}},
        discloses=True,
        changes={"POST": "signatures"},
    ),
    "signing.manage_erase": Access(
        PUBLIC,
        params={"token": "erase_manage_token"},
        discloses=True,
        changes={"POST": "signatures"},
    ),
    # The outsider's organisation's co-signature, given by another of its coordinators: the
    # outsider withdraws it as the organisation's owner.
    "signing.withdraw": Access(
        SIGNER,
        signer="outsider",
        params={"signature_id": "co_signature_id"},
        changes={"POST": "signatures"},
    ),
    "signing.verify": Access(PUBLIC),
    # A fingerprint never published (the version was never opened or exported): nothing shown.
    "signing.verify_fingerprint": Access(PUBLIC, params={"sha256": "frozen_sha256"}),
    # JSON API v1
    "api.openapi": Access(API_PUBLIC),
    "api.me": Access(API),
    "api.my_data": Access(API),
    "api.delete_me": Access(
        API_ERASE,
        body={"DELETE": lambda w: {"confirm": getattr(w.values["user"], "email", "")}},
        phase=ERASE,
        changes={"DELETE": "users"},
    ),
    # the organisation's audit log (consult/audit/views.py)
    "audit.organisation_log": Access(ORG, "view_audit"),
    "api.list_organisations": Access(API),
    "api.create_organisation": Access(API, body={"POST": {"name": "Matrix API Group"}}),
    "api.get_organisation": Access(API_ORG, "view"),
    "api.create_invitation": Access(
        API_ORG, "invite", body={"POST": {"email": "api-invite@example.org", "role": "member"}}
    ),
    "api.accept_invitation": Access(API_INVITATION_ACCEPT, params=INVITATION_B, phase=ACCEPT),
    # JSON API v1: consultations and drafting
    "api.list_consultations": Access(API),  # the built-in ones and the caller's organisations'
    "api.preview": Access(API, body={"POST": {"body": "# x"}}),
    "api.create_response": Access(
        API_ORG,
        "draft",
        body={"POST": {"consultation": BUILTIN, "title": "Matrix"}},
        changes={"POST": "responses"},
    ),
    "api.list_responses": Access(API_ORG, "view"),
    "api.get_response": Access(API_ORG, "view"),
    "api.response_presence": Access(API_ORG, "view"),
    "api.response_html": Access(API_ORG, "view"),
    "api.list_revisions": Access(API_ORG, "view"),
    "api.get_revision": Access(API_ORG, "view", params={"revision_id": "first_revision_id"}),
    "api.diff_revision": Access(API_ORG, "view", params={"revision_id": "first_revision_id"}),
    "api.section_presence": Access(
        API_ORG, "view", body={"POST": {"editing": True}}, changes={"POST": "presence"}
    ),
    # The world has the caller present on the section, so that leaving removes a row.
    "api.leave_section": Access(API_ORG, "view", changes={"DELETE": "presence"}),
    "api.live_section": Access(API_ORG, "view", params={"section_id": "section_id"}, upgrade=True),
    "api.save_section": Access(
        API_ORG,
        "draft",
        body={"PUT": lambda w: {"body": "Matrix API text.", "base_revision": w.head()}},
        changes={"PUT": "revisions"},
    ),
    "api.restore_revision": Access(
        API_ORG,
        "draft",
        body={"POST": lambda w: {"revision": w.values["first_revision_id"]}},
        changes={"POST": "revisions"},
    ),
    # JSON API v1: versions and signing. A version not open to the public: its organisation
    # (401 without a token, 404 for others); open to the public: anyone.
    "api.freeze_version": Access(
        API_ORG,
        "freeze",
        body={"POST": {"note": "Matrix API freeze"}},
        changes={"POST": "versions"},
    ),
    "api.list_versions": Access(API_ORG, "view"),
    "api.get_version": Access(API_ORG, "view", params=FROZEN_VERSION),
    "api.consent_statement": Access(API_ORG, "view", params=FROZEN_VERSION),
    "api.version_content": Access(API_PUBLIC, params=PUBLIC_VERSION, discloses=True),
    "api.list_signatures": Access(API_PUBLIC, params=PUBLIC_VERSION, discloses=True),
    "api.set_signing": Access(
        API_ORG,
        "freeze",
        params={"version_id": "to_close_version_id"},
        body={"POST": {"open": False}},
        changes={"POST": "versions"},
    ),
    # Without an e-mail address, the caller signs as themselves: a version open to members.
    "api.sign_version": Access(
        API_ORG,
        "sign",
        params={"version_id": "members_api_version_id"},
        body={"POST": {"consent_public": False, "consent_statement": consent.CURRENT_VERSION}},
        changes={"POST": "signatures"},
    ),
    "api.confirm_signature": Access(
        API_PUBLIC,
        body={"POST": lambda w: {"token": w.values["api_confirm_token"]}},
        changes={"POST": "signatures"},
    ),
    "api.withdraw_by_token": Access(
        API_PUBLIC,
        body={"POST": lambda w: {"token": w.values["api_manage_token"]}},
        changes={"POST": "signatures"},
    ),
    # The editor's own signature (their account's, on the public version).
    "api.withdraw_signature": Access(
        API_SIGNER,
        signer="editor",
        params={"signature_id": "editor_signature_id"},
        changes={"DELETE": "signatures"},
    ),
    "api.verify_fingerprint": Access(
        API_PUBLIC, params={"sha256": "public_sha256"}, discloses=True
    ),
    # Exports (consult/exports/views.py, consult/api/exports.py): owners and coordinators.
    # A finished export of the world's response (build_exports); new ones are Markdown of the
    # draft, made in the request in tests.
    "exports.export": Access(
        ORG,
        "export",
        body={
            "POST": {
                "version": "draft",
                "profile": "home-office",
                "format": "md",
                "override": "y",
                "export": "y",
            }
        },
        changes={"POST": "export_jobs"},
    ),
    "exports.job": Access(ORG, "export", params=EXPORT),
    "exports.download": Access(ORG, "export", params=EXPORT),
    "exports.preview": Access(ORG, "export", params={**EXPORT, "page": "export_page"}),
    "exports.text": Access(ORG, "export"),
    "exports.text_download": Access(ORG, "export", params={"kind": "export_text_kind"}),
    "api.create_export": Access(
        API_ORG,
        "export",
        body={"POST": {"format": "md", "version": "draft"}},
        changes={"POST": "export_jobs"},
    ),
    "api.get_export": Access(API_ORG, "export", params=EXPORT),
    "api.export_file": Access(API_ORG, "export", params=EXPORT, file=True),
    # Bills, prints and amendments (consult/api/bills.py, consult/api/amendments.py): members
    # read them; those who draft import prints and draft amendments. The upload is the world's
    # own print again, so the world's amendment still fits the current print after it.
    "api.create_bill": Access(
        API_ORG,
        "draft",
        multipart=True,
        body={"POST": lambda w: {"file": bills_world.print_file(), "title": "Matrix API Bill"}},
        changes={"POST": "bills"},
    ),
    "api.list_bills": Access(API_ORG, "view"),
    "api.get_bill": Access(API_ORG, "view", params=BILL),
    "api.add_print": Access(
        API_ORG,
        "draft",
        params=BILL,
        multipart=True,
        body={"POST": lambda w: {"file": bills_world.print_file(), "label": "Matrix reprint"}},
        changes={"POST": "bill_prints"},
    ),
    "api.get_print": Access(API_ORG, "view", params=BILL_PRINT),
    "api.print_clauses": Access(API_ORG, "view", params=BILL_PRINT),
    "api.print_lines": Access(API_ORG, "view", params=BILL_PRINT, query={"page": 1}),
    "api.create_amendment": Access(
        API_ORG,
        "draft",
        params=BILL_RESPONSE,
        body={"POST": bills_world.AMENDMENT},
        changes={"POST": "sections"},
    ),
    "api.list_amendments": Access(API_ORG, "view", params=BILL_RESPONSE),
    "api.get_amendment": Access(API_ORG, "view", params=AMENDMENT_OF),
    "api.save_amendment": Access(
        API_ORG,
        "draft",
        params=AMENDMENT_OF,
        body={
            "PUT": lambda w: {
                **bills_world.AMENDMENT,
                "insert": "inform the Commissioner",
                "base_revision": w.head("amendment_id"),
            }
        },
        changes={"PUT": "revisions"},
    ),
    "api.check_amendment": Access(
        API_ORG, "view", params=BILL_RESPONSE, body={"POST": bills_world.AMENDMENT}
    ),
    "api.delete_amendment": Access(
        API_ORG,
        "draft",
        params={**BILL_RESPONSE, "amendment_id": "removable_amendment_id"},
        changes={"DELETE": "sections"},
    ),
    "api.update_bill": Access(
        API_ORG,
        "draft",
        params=BILL,
        body={"PATCH": {"stage": "committee", "evidence_deadline": "2030-07-10"}},
        changes={"PATCH": "bills"},
    ),
    # Notifications (consult/notifications/views.py, consult/api/notifications.py): each
    # person's own; a notice is its recipient's alone (the team owner's, in the world:
    # build_notifications), anyone else's is a 404. The unsubscribe link is public: its signed
    # token names the owner and one kind.
    "notifications.index": Access(LOGIN),
    "notifications.open_notice": Access(
        OWN, params={"notification_id": "owner_notification_id"}, changes={"POST": "notifications"}
    ),
    "notifications.mark_read": Access(
        OWN,
        params={"notification_id": "owner_unread_notification_id"},
        changes={"POST": "notifications"},
    ),
    # Marking all read comes after the notices are opened and marked one by one.
    "notifications.mark_all_read": Access(LOGIN, phase=LEAVE),
    "notifications.preferences": Access(
        LOGIN,
        body={"POST": dict.fromkeys(CHOOSABLE, "digest")},
        changes={"POST": "notification_preferences"},
    ),
    "notifications.unsubscribe": Access(
        PUBLIC,
        params={"token": "unsubscribe_token"},
        changes={"POST": "notification_preferences"},
    ),
    "api.my_notifications": Access(API),
    "api.unread_notifications": Access(API),
    "api.mark_notification_read": Access(
        API_OWN,
        params={"notification_id": "owner_api_notification_id"},
        changes={"POST": "notifications"},
    ),
    "api.mark_all_notifications_read": Access(API, phase=LEAVE),
    "api.notification_preferences": Access(API),
    "api.set_notification_preferences": Access(
        API,
        body={"PUT": {"preferences": {"comment": "off"}}},
        changes={"PUT": "notification_preferences"},
    ),
}

DEFAULT_PARAMS = {
    "slug": "slug",
    "consultation_slug": "consultation_slug",
    "response_id": "response_id",
    "section_id": "section_id",  # the section with text, a conflict, a comment
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
IDENTITIES = ("anonymous", "member", "editor", "coordinator", "owner", "outsider", "invitee")
API_KINDS = {API_PUBLIC, API, API_ORG, API_INVITATION_ACCEPT, API_SIGNER, API_ERASE, API_OWN}
TOKEN_KINDS = {INVITATION_LINK, INVITATION_ACCEPT, API_INVITATION_ACCEPT}

# Outcomes.
OK = "allowed (2xx/3xx)"
TO_LOGIN = "302 to /login"
UNAUTHORISED = "401 JSON"
FORBIDDEN = "403"
NOT_FOUND = "404"
REFUSED = "3xx, nothing joined"
INVALID = "422, nothing changed"
CONFLICT = "409, nothing changed"


def expected_outcome(
    access: Access, identity: str, app, role: str | None = None, method: str = "GET"
) -> str:
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
        permission = access.method_permissions.get(method, access.permission)
        allowed_roles, _ = PERMISSIONS[permission]
        return OK if role in allowed_roles else FORBIDDEN
    if kind == CLASH:
        return OK if role in CLASH_OPENERS else NOT_FOUND
    if kind == DECIDE_SUGGESTION:
        if role is None:
            return NOT_FOUND
        drafters, _ = PERMISSIONS["draft"]
        if role in SUGGESTION_DECIDERS or (role == access.assignee and role in drafters):
            return OK
        return FORBIDDEN
    if kind in (SIGNER, API_SIGNER):
        return OK if identity == access.signer else NOT_FOUND
    if kind == PARTNER_LINK:
        return OK if method == "GET" or identity == "outsider" else INVALID
    if kind == CONFIRMED_BY_PASSWORD:
        return OK if method == "GET" else INVALID
    if kind == API_ERASE:
        return CONFLICT if identity in LAST_OWNERS else OK
    if kind in (OWN, API_OWN):
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
    # secrets that a version open to the public shows (see Access.discloses)
    published: list[str] = field(default_factory=list)

    def head(self, key: str = "section_id") -> int | None:
        """The current head revision of a section of the world, from the database."""
        return db.session.scalar(
            select(Section.head_revision_id).where(Section.id == self.values[key])
        )


def build_world(app, team, identity: str) -> World:
    """Objects for the path parameters: victims for role changes and removals, two pending
    invitations (A, managed by id; B, to the invitee, used by its link), a spare token, and
    the organisation's consultation and response (build_drafts)."""
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
    drafts, draft_secrets = build_drafts(team, owner, user)
    signing_values, published = build_signing(app, team, drafts["response_id"])
    export_values = build_exports(drafts["response_id"], signing_values["frozen_version_id"])
    bill_values, bill_secrets = build_bills(team, user)
    notification_values = build_notifications(app, team, drafts)
    secrets = (
        [organisation.name]
        + [person.name for person in (*[team.user(r) for r in ROLES], role_victim, removal_victim)]
        + draft_secrets
        + bill_secrets
    )
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
            **drafts,
            **signing_values,
            **export_values,
            **bill_values,
            **notification_values,
        },
        secrets=secrets,
        published=published,
    )


def _save(section: Section, author, body: str, base_id: int | None):
    outcome = drafting.save_section(author, section, body, None, base_id)
    assert outcome.revision is not None
    return outcome


def build_drafts(team, owner, user) -> tuple[dict[str, Any], list[str]]:
    """The organisation's own consultation, and a response with a section for each kind of
    change: the text section (two revisions, a conflict revision made from the first, a
    comment, and `user` present on it), a custom annex to rename and move, one to remove, one
    already removed to reinstate, and two open suggestions, on the recommendations (assigned
    to the editor) and on an annex assigned to the member. Returns (World values, secrets)."""
    consultation = create_consultation(
        owner,
        "Matrix consultation",
        "Matrix Publisher",
        None,
        parse_numbered_list("1. Matrix question? (scale)"),
    )
    builtin = db.session.scalar(select(Consultation).where(Consultation.slug == BUILTIN))
    response = drafting.create_response(owner, builtin, "Matrix Response Title")
    by_kind = {s.kind: s for s in response.sections if s.kind != "question"}
    text_section, about = by_kind["summary"], by_kind["about"]

    first = _save(text_section, team.editor, "Matrix summary first draft.", None).revision
    second = _save(text_section, team.coordinator, "Matrix summary second draft.", first.id)
    clash = drafting.save_section(
        team.editor, text_section, "Matrix summary clashing draft.", None, first.id
    )
    assert clash.conflict is not None and second.revision.id == text_section.head_revision_id
    comment = drafting.add_comment(team.member, text_section, "Matrix comment on the summary.")
    if user is not None:  # the outsider too: a refused DELETE must leave the row alone
        drafting.heartbeat(user, text_section, False)

    annex = drafting.add_section(team.owner, response, "Matrix annex")
    removable = drafting.add_section(team.owner, response, "Matrix removable annex")
    removed = drafting.add_section(team.owner, response, "Matrix removed annex")
    drafting.remove_section(team.owner, removed)

    accept_section = by_kind["recommendations"]
    drafting.assign_section(team.owner, accept_section, team.editor)
    base = _save(accept_section, team.editor, "Matrix recommendations.", None).revision
    to_accept = drafting.suggest(team.member, accept_section, "Matrix better.", base.id)
    reject_section = drafting.add_section(team.owner, response, "Matrix annex to reject")
    drafting.assign_section(team.owner, reject_section, team.member)
    base = _save(reject_section, team.editor, "Matrix annex text.", None).revision
    to_reject = drafting.suggest(team.member, reject_section, "Matrix worse.", base.id)
    db.session.commit()

    values = {
        "consultation_slug": consultation.slug,
        "response_id": response.id,
        "section_id": text_section.id,
        "first_revision_id": first.id,
        "conflict_revision_id": clash.revision.id,
        "comment_id": comment.id,
        "about_id": about.id,
        "annex_id": annex.id,
        "removable_id": removable.id,
        "removed_id": removed.id,
        "accept_section_id": accept_section.id,
        "accept_suggestion_id": to_accept.id,
        "reject_section_id": reject_section.id,
        "reject_suggestion_id": to_reject.id,
        "member_user_id": team.member.id,
    }
    secrets = [
        "Matrix consultation",
        "Matrix question?",
        "Matrix Response Title",
        "Matrix summary",
        "Matrix comment",
        "Matrix annex",
        "Matrix recommendations",
    ]
    return values, secrets


def build_bills(team, user) -> tuple[dict[str, Any], list[str]]:
    """The organisation's bill, its print, a response and an amendment (bills_world), and an
    import of a bill and of its next print waiting for the visitor to save them (their own
    tokens: only the uploader may)."""
    values, secrets = bills_world.build_bills(team)
    values.update(
        clause_number="1",
        print_page=1,
        bill_import_token="x" * 32,
        print_import_token="x" * 32,
    )
    if user is not None:
        imports = (("bill_import_token", None), ("print_import_token", values["bill_id"]))
        for key, bill_id in imports:
            values[key] = pending.keep(
                pending.PendingImport(
                    token="",
                    user_id=user.id,
                    organisation_id=team.organisation.id,
                    bill_id=bill_id,
                    source_kind="text",
                    source_name="matrix.txt",
                    title="Matrix Imported Bill",
                ),
                # The same text as the bill's print: saving it moves no amendment.
                read_print(bills_world.print_file()),
            )
    return values, [*secrets, "Matrix Imported Bill"]


def build_signing(app, team, response_id: int) -> tuple[dict[str, Any], list[str]]:
    """Versions of the response, each for what changes it: "frozen" (never opened: read, diff,
    signatures, a new partner link, its fingerprint must stay unpublished), "members" (open to
    members: the signing page and the partner link), "public" (open to the public), "to_open",
    "to_close" and "members_api" (the API's member signature). On the public version: public
    signatures with known links (one to confirm on the page, one through the API; one to
    withdraw and one to erase on the page, one to withdraw through the API), the editor's own
    unpublished signature and the outsider's organisation's co-signature, given by one of its
    coordinators. Returns (World values, the secrets a public version shows)."""
    response = db.session.get(Response, response_id)
    lead = membership(team.organisation, team.owner)
    partner = factories.add_member(
        team.other_organisation, factories.make_user(name="Paula Partner"), "coordinator"
    )
    with app.test_request_context():

        def version(note: str, public: bool | None = None):
            frozen = signing.freeze(lead, response, f"Matrix {note}")
            if public is not None:
                signing.open_signing(lead, frozen, public=public, closes_at=None)
            return frozen

        members = version("members", public=False)
        public = version("public", public=True)
        frozen = version("frozen")
        to_open = version("to open")
        to_close = version("to close", public=False)
        members_api = version("members api", public=False)

        def public_signature(name: str, confirmed: bool = False) -> tuple[str, str]:
            """(confirm token, manage token) of a new public signature."""
            address = name.lower().replace(" ", ".") + "@example.org"
            result = signing.sign_publicly(public, name, address, "", True, consent.CURRENT_VERSION)
            confirm_token, result.signature.confirm_token_hash = new_token()
            manage_token, result.signature.manage_token_hash = new_token()
            if confirmed:
                signing.confirm(confirm_token)
            return confirm_token, manage_token

        confirm_token, _ = public_signature("Pat Pending")
        api_confirm_token, _ = public_signature("Pam Pending")
        _, withdraw_manage_token = public_signature("Wes Withdrawn", confirmed=True)
        _, erase_manage_token = public_signature("Eve Erased", confirmed=True)
        _, publication_manage_token = public_signature("Pia Published", confirmed=True)
        _, api_manage_token = public_signature("Abe Api", confirmed=True)
        editors = signing.sign_as_member(team.editor, public, None, None, False)
        co_signature = signing.sign_as_member(
            partner, public, None, None, True, on_behalf_of=team.other_organisation
        )
    db.session.commit()
    values = {
        "frozen_version_id": frozen.id,
        "members_version_id": members.id,
        "public_version_id": public.id,
        "to_open_version_id": to_open.id,
        "to_close_version_id": to_close.id,
        "members_api_version_id": members_api.id,
        "frozen_sha256": frozen.sha256,
        "public_sha256": public.sha256,
        "partner_token": URLSafeSerializer(app.secret_key, salt="partner-link").dumps(
            {"v": members.id, "n": members.partner_link_nonce}
        ),
        "partner_organisation_id": team.other_organisation.id,
        # A new public form's stamp (each signs once) as if the page had been drawn a minute
        # ago: a form sent back faster than a person types is held back, to be confirmed.
        "form_stamp": partial(robots.new_stamp, public, started=time.time() - 60),
        "confirm_token": confirm_token,
        "api_confirm_token": api_confirm_token,
        "withdraw_manage_token": withdraw_manage_token,
        "erase_manage_token": erase_manage_token,
        "publication_manage_token": publication_manage_token,
        "api_manage_token": api_manage_token,
        "editor_signature_id": editors.id,
        "co_signature_id": co_signature.id,
    }
    published = [
        team.organisation.name,
        "Matrix Response Title",
        "Matrix summary",
        "Matrix annex",
        "Matrix recommendations",
    ]
    return values, published


def build_exports(response_id: int, version_id: int) -> dict[str, Any]:
    """A finished PDF export of the frozen version, with its file and a first-page preview
    (stand-in bytes: the matrix checks who may fetch them, the export tests what they hold)."""
    key = "e" * 64
    job = ExportJob(
        response_id=response_id,
        version_id=version_id,
        profile="home-office",
        format="pdf",
        status="done",
        progress=100,
        cache_key=key,
    )
    db.session.add_all(
        [
            job,
            ExportFile(
                cache_key=key,
                content=b"%PDF-1.7 matrix",
                content_type="application/pdf",
                file_name="matrix.pdf",
                size=15,
            ),
            ExportFile(
                cache_key=f"{key}:p1",
                content=b"\x89PNG matrix",
                content_type="image/png",
                file_name="page-1.png",
                size=12,
            ),
        ]
    )
    db.session.commit()
    return {"export_id": job.id, "export_page": 1, "export_text_kind": "md"}


def build_notifications(app, team, drafts: dict[str, Any]) -> dict[str, Any]:
    """Three unread notices to the team owner (one to open, one to mark read on the page, one
    through the API) and the owner's link to stop e-mails about deadlines."""
    section = db.session.get(Section, drafts["about_id"])
    for _ in range(3):
        notifications.notify(
            "comment",
            [team.owner],
            actor=team.member,
            organisation_id=team.organisation.id,
            response=section.response,
            section=section,
        )
    db.session.commit()
    notices = db.session.scalars(
        select(Notification)
        .where(Notification.recipient_id == team.owner.id)
        .order_by(Notification.id)
    ).all()[-3:]
    with app.test_request_context():
        token = unsubscribe_token(team.owner.id, ["deadline"])
    return {
        "owner_notification_id": notices[0].id,
        "owner_unread_notification_id": notices[1].id,
        "owner_api_notification_id": notices[2].id,
        "unsubscribe_token": token,
    }


# The rows that a refused request must not change (volatile timestamps left out).
SNAPSHOT_QUERIES = {
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
    "consultations": "SELECT id, slug, title, publisher, organisation_id FROM consultations",
    "questions": "SELECT id, consultation_id, number, text, kind FROM questions",
    "responses": "SELECT id, organisation_id, consultation_id, title, profile, status, "
    "updated_at FROM responses",
    "sections": "SELECT id, response_id, kind, title, position, assignee_id, status, "
    "head_revision_id, word_count, lock_version, removed_at, updated_at FROM sections",
    "revisions": "SELECT id, section_id, number, kind, parent_id, author_id, body, choice "
    "FROM revisions",
    "comments": "SELECT id, section_id, parent_id, author_id, body, quote, resolved_at, "
    "resolved_by_id FROM comments",
    "suggestions": "SELECT id, section_id, base_revision_id, body, note, status, decided_by_id, "
    "result_revision_id FROM suggestions",
    "presence": "SELECT id, section_id, user_id, editing FROM presence",
    "versions": "SELECT id, response_id, number, sha256, note, signing_open, signing_public, "
    "signing_closes_at, signing_opened_at, published_at, partner_link_nonce FROM versions",
    "signatures": "SELECT id, version_id, kind, signer_key, user_id, organisation_id, name, "
    "email, affiliation, consent_public, status, confirm_token_hash, manage_token_hash, "
    "confirmed_at, withdrawn_at FROM signatures",
    "consent_records": "SELECT id, signature_id, action, method FROM consent_records",
    "recovery_codes": "SELECT id, user_id, used_at FROM recovery_codes",
    "export_jobs": "SELECT id, response_id, version_id, profile, format, status FROM export_jobs",
    "bills": "SELECT id, organisation_id, slug, title, stage, evidence_deadline FROM bills",
    "bill_prints": "SELECT id, bill_id, number, label, pages, line_count FROM bill_prints",
    "notifications": "SELECT id, recipient_id, kind, read_at FROM notifications",
    "notification_preferences": "SELECT user_id, kind, mode FROM notification_preferences",
}


def snapshot(tables: tuple[str, ...] | None = None) -> dict[str, list]:
    """The rows of these tables (all of SNAPSHOT_QUERIES by default), in one connection."""
    with db.engine.connect() as connection:
        return {
            name: sorted(tuple(row) for row in connection.execute(text(SNAPSHOT_QUERIES[name])))
            for name in tables or SNAPSHOT_QUERIES
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

        return url_for(endpoint, **arguments, **access.query, _external=False)


def send(client, method: str, url: str, access: Access, world: World, headers: dict):
    body = access.body.get(method, {})
    if callable(body):
        body = body(world)
    if access.multipart:
        form = {
            name: (io.BytesIO(value), "print.txt") if isinstance(value, bytes) else value
            for name, value in body.items()
        }
        return client.open(
            url, method=method, headers=headers, data=form, content_type="multipart/form-data"
        )
    if access.kind in API_KINDS or access.json:
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
    json_expected = is_api and status not in (204, 302) and not (access.file and outcome == OK)
    if json_expected and response.mimetype != "application/json":
        return f"{status} answered with {response.mimetype}, not JSON"
    if outcome == OK and access.upgrade:
        return None if status == 426 else f"{status}, expected 426 (upgrade to a WebSocket)"
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
    wanted = {FORBIDDEN: 403, NOT_FOUND: 404, INVALID: 422, CONFLICT: 409}[outcome]
    return None if status == wanted else f"{status}, expected {wanted}"


# --- the tests ------------------------------------------------------------------------------


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    unclassified = sorted(endpoints - set(POLICY))
    assert not unclassified, (
        f"routes without an access policy: {unclassified}. Classify them in POLICY in "
        "tests/security/test_access_matrix.py."
    )
    figures.add("access matrix: routes classified", len(endpoints))
    stale = sorted(set(POLICY) - endpoints)
    assert not stale, f"POLICY names endpoints that no longer exist: {stale}"
    for endpoint, access in POLICY.items():
        if access.kind in (ORG, API_ORG):
            assert access.permission in PERMISSIONS, (endpoint, access.permission)
            assert set(access.method_permissions.values()) <= set(PERMISSIONS), endpoint
        else:
            assert access.permission is None and not access.method_permissions, endpoint


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
    renewed = False
    for phase, rule, method, endpoint, access in requests_to_make(app):
        if phase == ERASE and user is not None and not renewed:
            # The password change (LOG_OUT phase) revoked the token: erase with a new one.
            headers, renewed = api_token(user), True
        url = url_for_rule(app, endpoint, rule, access, world)
        role = identity if identity in ROLES else None
        if identity == "invitee":  # from the moment they accept
            role = role_of(team.organisation, user)
        outcome = expected_outcome(access, identity, app, role, method)
        must_change = access.changes.get(method) if outcome == OK else None
        tables = None if outcome != OK else (must_change,) if must_change else ()
        before = snapshot(tables) if tables != () else None
        response = send(client, method, url, access, world, headers)
        tried += 1
        where = f"{identity:<11} {method:<6} {url} ({endpoint})"
        problem = check(response, outcome, access)
        if problem:
            failures.append(f"{where}: {problem}; policy: {outcome}")
        if before is not None:
            after = snapshot(tuple(before))
            changed = [table for table in before if before[table] != after[table]]
            if outcome != OK and changed:
                failures.append(f"{where}: refused ({response.status_code}) but changed {changed}")
            if must_change and not changed and not problem:
                failures.append(
                    f"{where}: allowed ({response.status_code}) but changed nothing in "
                    f"{must_change}"
                )
        # Someone with no place in the organisation (the invitee, until they accept) sees
        # nothing of it either where it is not found.
        unknown = role is None and outcome == NOT_FOUND
        if (outside or unknown) and access.kind not in TOKEN_KINDS:
            page = response.get_data(as_text=True)
            secret_here = [
                s for s in world.secrets if not (access.discloses and s in world.published)
            ]
            leaked = [secret for secret in secret_here if secret in page]
            if leaked:
                failures.append(f"{where}: shows {leaked} to someone outside the organisation")

    print(f"access matrix: {identity}: {tried} route x method requests, {len(failures)} failures")
    figures.add("access matrix: route x method x identity requests", tried)
    figures.add("access matrix: identities walked")
    assert not failures, "\n".join(failures)
    if identity == "invitee":
        # Accepted in the ACCEPT phase (through the API, first in URL order), left in LEAVE.
        assert [e.action for e in audit_events("invitation.accepted")] == ["invitation.accepted"]
        assert role_of(team.organisation, user) is None


def test_the_matrix_reaches_every_permission_and_outcome(app):
    """Guards the matrix itself: every permission the organisation routes use, and each
    outcome, is exercised by some (identity, route)."""
    outcomes = {
        expected_outcome(access, identity, app, method=method)
        for _phase, _rule, method, _endpoint, access in requests_to_make(app)
        for identity in IDENTITIES
    }
    assert {OK, TO_LOGIN, UNAUTHORISED, FORBIDDEN, NOT_FOUND, REFUSED} <= outcomes
    used = {access.permission for access in POLICY.values() if access.permission} | {
        permission
        for access in POLICY.values()
        for permission in access.method_permissions.values()
    }
    assert {"view", "invite", "manage_members", "rename", "draft", "comment", "freeze"} <= used
    assert "export" in used
    # Both ways of deciding a suggestion: as owner/coordinator, and as the section's assignee
    # (allowed if their role may draft, refused otherwise).
    deciding = [a for a in POLICY.values() if a.kind == DECIDE_SUGGESTION]
    assert {a.assignee for a in deciding} >= {"editor", "member"}
    for access in POLICY.values():
        assert set(access.changes) <= set(METHODS) and set(access.changes.values()) <= set(
            SNAPSHOT_QUERIES
        )
