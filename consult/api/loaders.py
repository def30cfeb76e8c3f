"""Loading what a request names, with the permission check: one function per object, each the
domain's own loader (`<domain>/permissions.py`, shared with the pages) given the API's caller
(a bearer token's owner, or the person of the session). A signed-in outsider gets 404 (whether
it exists is not revealed), the wrong role 403, and nobody 401 where logging in may help.
Here too: what those refusals mean, as the OpenAPI document tells it."""

from __future__ import annotations

from consult.accounts.models import User
from consult.api.auth import api_user, current_caller
from consult.bills import permissions as bills
from consult.bills.models import Bill, BillPrint
from consult.drafting import permissions as drafting
from consult.drafting.models import Response, Revision, Section
from consult.organisations import permissions as organisations
from consult.organisations.models import Membership, Organisation
from consult.signing import permissions as signing
from consult.signing.models import Signature, Version

# What the loaders' refusals mean, as the OpenAPI document tells it.
NOT_MEMBER = "No such organisation, or the caller is not a member"
NOT_VISIBLE = (
    "No such response (section, revision), or it belongs to an organisation the caller is not "
    "a member of"
)
NOT_MEMBER_VERSION = (
    "No such version, or the caller is not a member of its organisation (and it is not open "
    "to the public)"
)
ANONYMOUS_VERSION = (
    "No or invalid token, and the version is not open to the public (or does not exist)"
)
NOT_VISIBLE_BILL = (
    "No such bill (print, amendment), or it belongs to an organisation the caller is not a "
    "member of"
)
# Anyone may read these of a version open to the public (auth.PUBLIC_VERSION_ENDPOINTS).
VISIBLE_VERSION = {401: ANONYMOUS_VERSION, 404: NOT_MEMBER_VERSION}


# --- organisations --------------------------------------------------------------------------


def organisation_membership(slug: str, action: str = "view") -> Membership:
    """The caller's membership of `slug`: 404 if not a member (or no such organisation),
    403 if the role does not allow the action."""
    return organisations.load_membership(slug, action, user=current_caller())


def partner_organisation(user: User, slug: str) -> Organisation:
    """The organisation `slug` that the caller may sign for (its owner or coordinator); 403
    otherwise, also for an unknown slug: whether an organisation exists is not revealed."""
    return signing.load_partner_organisation(slug, user=user)


# --- drafting -------------------------------------------------------------------------------


def response(response_id: int, action: str = "view") -> tuple[Response, Membership]:
    """A response of the caller's organisation whose role allows `action` ("view", "draft",
    "freeze", "export")."""
    return drafting.load_response(response_id, action, user=current_caller())


def section(
    response_id: int, section_id: int, *, write: bool = False
) -> tuple[Section, Membership]:
    """A section of that response (another response's section is a 404)."""
    _response, found, membership = drafting.load_section(
        response_id, section_id, _drafting(write), user=current_caller()
    )
    return found, membership


def revision(revision_id: int) -> Revision:
    """A revision the caller may read."""
    return drafting.load_revision_by_id(revision_id, user=current_caller())[0]


def _drafting(write: bool) -> str:
    return "draft" if write else "view"


# --- bills ----------------------------------------------------------------------------------


def bill(bill_id: int, action: str = "view") -> tuple[Bill, Membership]:
    """A bill of one of the caller's organisations whose role allows `action` ("view",
    "draft" to import a print)."""
    return bills.load_bill(bill_id, action, user=current_caller())


def bill_print(print_id: int) -> BillPrint:
    """A print of a bill the caller may read."""
    return bills.load_print(print_id, "view", user=current_caller())[0]


def amendment(
    response_id: int, amendment_id: int, *, write: bool = False
) -> tuple[Response, Section, Membership]:
    """An amendment of that response (a section of another kind, or of another response, is
    a 404)."""
    return bills.load_amendment(response_id, amendment_id, _drafting(write), user=current_caller())


# --- versions and signing -------------------------------------------------------------------


def version(version_id: int) -> tuple[Version, Membership | None]:
    """The version and the caller's membership of its organisation, or None for the public
    once the version is publicly visible. Otherwise an anonymous caller gets 401 (logging in
    may help) and a signed-in outsider 404."""
    return signing.load_visible_version(version_id, user=api_user())


def signing_target(version_id: int) -> signing.SigningTarget:
    """What `version` checks, as the one row public signing needs (signing.SigningTarget)."""
    return signing.load_visible_signing_target(version_id, user=api_user())


def coordinated_version(version_id: int) -> tuple[Version, Membership]:
    """A version whose signing the caller runs (owner or coordinator)."""
    return signing.load_version(version_id, "freeze", user=current_caller())


def own_signature(signature_id: int) -> Signature:
    """A signature the caller may withdraw; anyone else's is a 404."""
    return signing.load_signature(signature_id, user=current_caller())
