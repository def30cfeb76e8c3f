"""What the audit log shows of each event, in words: what happened, which response, section or
version it concerns, and its details with their values as the rest of Consult names them
("Ready for review", "Coordinator", "open to: the public"), never as stored
(`ready_for_review`, `public: True`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from consult.accounts.models import User
from consult.audit.models import AuditEvent
from consult.bills.models import Bill
from consult.bills.stages import STAGES
from consult.consultations.profiles import PROFILES
from consult.drafting.models import STATUS_LABELS, Response, Section
from consult.exports.models import ExportJob
from consult.exports.services import FORMAT_LABELS
from consult.extensions import db
from consult.organisations.permissions import ROLE_LABELS
from consult.signing.models import Signature, Version

# What each event means, for a person reading the log ("<who> <did this>").
DESCRIPTIONS = {
    "account.signed_up": "signed up",
    "account.created": "was given an account",
    "account.email_confirmed": "confirmed their e-mail address",
    "account.logged_in": "logged in",
    "account.login_failed": "failed to log in (wrong password)",
    "account.password_changed": "changed their password",
    "account.password_reset_requested": "asked for a password reset link",
    "account.password_reset": "reset their password",
    "account.email_changed": "changed their e-mail address",
    "account.data_downloaded": "downloaded their personal data",
    "account.erased": "erased their account",
    "api_token.created": "created an API token",
    "api_token.revoked": "revoked an API token",
    "two_factor.enabled": "turned two-factor authentication on",
    "two_factor.disabled": "turned two-factor authentication off",
    "two_factor.failed": "gave a wrong two-factor code",
    "two_factor.recovery_code_used": "logged in with a recovery code",
    "two_factor.recovery_codes_replaced": "made new recovery codes",
    "organisation.created": "created the organisation",
    "organisation.renamed": "renamed the organisation",
    "membership.role_changed": "changed a member's role",
    "membership.removed": "removed a member",
    "membership.left": "left the organisation",
    "invitation.sent": "sent an invitation",
    "invitation.resent": "sent an invitation again",
    "invitation.revoked": "revoked an invitation",
    "invitation.accepted": "accepted an invitation",
    "invitation.declined": "declined an invitation",
    "consultation.created": "added a consultation",
    "response.created": "started a response",
    "response.updated": "changed a response's settings",
    "section.added": "added a section",
    "section.renamed": "renamed a section",
    "section.removed": "removed a section",
    "section.reinstated": "put a section back",
    "section.restored": "restored an earlier revision",
    "section.assigned": "assigned a section",
    "section.status_changed": "changed a section's status",
    "section.edit_conflict": "saved an edit that clashed with another",
    "section.clash_settled": "settled a clash between edits",
    "version.frozen": "froze a version",
    "signing.opened": "opened signing",
    "signing.closed": "closed signing",
    "signing.partner_link_replaced": "replaced the partner signing link",
    "signing.resign_invited": "invited earlier signers to sign again",
    "signature.pending": "signed (waiting for e-mail confirmation)",
    "signature.confirmed": "confirmed a signature",
    "signature.withdrawn": "withdrew a signature",
    "signature.erased": "erased a signer's details",
    "signatures.csv_downloaded": "downloaded the signatories (CSV)",
    "bill.created": "imported a bill",
    "bill.print_added": "imported a new print of a bill",
    "bill.stage_changed": "changed a bill's stage",
    "amendment.created": "drafted an amendment",
    "export.requested": "asked for an export",
    "export.downloaded": "downloaded an export",
}


def describe(event: AuditEvent) -> str:
    """A sentence for the event, without its actor."""
    return DESCRIPTIONS.get(event.action, event.action.replace("_", " ").replace(".", ": "))


# --- details --------------------------------------------------------------------------------


def _words(names: dict[str, str]) -> Callable[[object], str]:
    return lambda value: names.get(str(value), str(value))


def _profile(value: object) -> str:
    profile = PROFILES.get(str(value))
    return profile.name if profile else str(value)


def _yes_no(value: object) -> str:
    return "yes" if value is True else "no" if value is False else str(value)


_ROLE = _words(ROLE_LABELS)
_STATUS = _words(STATUS_LABELS)
_FORMAT = _words({**FORMAT_LABELS, "txt": "Plain text (.txt)"})
_WHO_MAY_SIGN = lambda value: "the public" if value is True else "members only"  # noqa: E731
_VERSION = lambda value: "the current draft" if value is None else str(value)  # noqa: E731
_SIGNED_AS = _words(
    {
        "member": "a member",
        "organisation": "an organisation",
        "public": "a member of the public",
    }
)
_HOW = _words(
    {
        "account": "their account page",
        "api": "the API",
        "web form": "the signing page",
        "e-mail link": "the link in their e-mail",
        "e-mail link (api)": "the link in their e-mail, through the API",
        "account erased": "erasing their account",
    }
)
_VIA = _words({"api": "the API", "cli": "the command line"})
_STAGE = lambda value: STAGES[value].name if value in STAGES else str(value)  # noqa: E731
_AMENDMENT_KIND = _words(
    {
        "leave_out": "leave out words",
        "leave_out_insert": "leave out words and insert others",
        "insert": "insert words",
        "stand_part": "leave out a clause",
        "new_clause": "new clause",
        "new_schedule": "new schedule",
    }
)
_REASON = _words({"replaced": "a new invitation to the same address replaced it"})
_OUTCOME = _words(
    {
        "resolved": "resolved into one text",
        "dismissed": "kept the text already saved",
        "replaced": "a newer clash took its place",
    }
)


@dataclass(frozen=True)
class Detail:
    """One detail an event may carry: its label and how its value reads."""

    label: str
    words: Callable[[object], str] = str
    # Other labels and wording for some actions (the same key means different things).
    for_actions: dict[str, tuple[str, Callable[[object], str]]] = field(default_factory=dict)


# Details worth showing, in this order; anything else stays out of the page.
DETAILS = {
    "previous": Detail("from", _STATUS),
    "status": Detail("to", _STATUS),
    "old": Detail("from", for_actions={"membership.role_changed": ("from", _ROLE)}),
    "new": Detail("to", for_actions={"membership.role_changed": ("to", _ROLE)}),
    "role": Detail("role", _ROLE),
    "email": Detail("address"),
    "number": Detail("version"),
    "version": Detail("version", _VERSION),
    "kind": Detail(
        "signed as", _SIGNED_AS, for_actions={"amendment.created": ("kind", _AMENDMENT_KIND)}
    ),
    "method": Detail("how", _HOW),
    "public": Detail("open to", _WHO_MAY_SIGN),
    "invited": Detail("people invited"),
    "format": Detail("format", _FORMAT),
    "profile": Detail("for", _profile),
    "warnings_overridden": Detail("exported despite warnings", _yes_no),
    "reason": Detail("why", _REASON),
    "remaining": Detail("recovery codes left"),
    "via": Detail("via", _VIA),
    "outcome": Detail("outcome", _OUTCOME),
    "print": Detail("print"),
    "stage": Detail("stage", _STAGE),
    "moved": Detail("amendments moved"),
    "needs_attention": Detail("amendments needing attention"),
}

# Details that name a person by account id: shown by name (an erased one as "a former member").
PERSON_DETAILS = {"member": "member", "assignee": "assigned to"}


def _detail_words(action: str, key: str, value: object) -> tuple[str, str]:
    detail = DETAILS[key]
    label, words = detail.for_actions.get(action, (detail.label, detail.words))
    return label, words(value)


# --- what an event concerns -----------------------------------------------------------------

SECTION_TITLE_LENGTH = 80


def section_label(kind: str, number: int | None, title: str) -> str:
    """ "Question 3: Should it also cover ..." or the section's own title, kept short."""
    label = title
    if kind == "question" and number:
        label = f"Question {number}: {title}"
    elif kind == "amendment" and number and not title.startswith("Amendment"):
        label = f"Amendment {number}: {title}"
    if len(label) > SECTION_TITLE_LENGTH:
        label = label[: SECTION_TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "\u2026"
    return label


def _sections(ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    rows = db.session.execute(
        select(Section.id, Section.kind, Section.number, Section.title, Response.title)
        .join(Response, Section.response_id == Response.id)
        .where(Section.id.in_(ids))
    )
    return {
        section_id: [("response", response), ("section", section_label(kind, number, title))]
        for section_id, kind, number, title, response in rows
    }


def _responses(ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    rows = db.session.execute(select(Response.id, Response.title).where(Response.id.in_(ids)))
    return {response_id: [("response", title)] for response_id, title in rows}


def _versions(ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    rows = db.session.execute(
        select(Version.id, Response.title)
        .join(Response, Version.response_id == Response.id)
        .where(Version.id.in_(ids))
    )
    return {version_id: [("response", title)] for version_id, title in rows}


def _signatures(ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    rows = db.session.execute(
        select(Signature.id, Response.title, Version.number)
        .join(Version, Signature.version_id == Version.id)
        .join(Response, Version.response_id == Response.id)
        .where(Signature.id.in_(ids))
    )
    return {
        signature_id: [("response", title), ("version", str(number))]
        for signature_id, title, number in rows
    }


def _export_jobs(ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    rows = db.session.execute(
        select(ExportJob.id, Response.title)
        .join(Response, ExportJob.response_id == Response.id)
        .where(ExportJob.id.in_(ids))
    )
    return {job_id: [("response", title)] for job_id, title in rows}


def _bills(ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    rows = db.session.execute(select(Bill.id, Bill.title).where(Bill.id.in_(ids)))
    return {bill_id: [("bill", title)] for bill_id, title in rows}


# Subject type (the model's class name, as audit.services.record stores it) -> its loader.
_SUBJECT_LOADERS = {
    "Section": _sections,
    "Response": _responses,
    "Version": _versions,
    "Signature": _signatures,
    "ExportJob": _export_jobs,
    "Bill": _bills,
}


@dataclass
class LogContext:
    """What a page of events refers to, loaded with one query per kind of thing (at most one
    for people and one per subject type, whatever the page holds)."""

    names: dict[int, str]
    subjects: dict[tuple[str, int], list[tuple[str, str]]]


def load_context(events: Iterable[AuditEvent]) -> LogContext:
    events = list(events)
    return LogContext(names=_people_named(events), subjects=_subjects_named(events))


def _people_named(events: list[AuditEvent]) -> dict[int, str]:
    ids = {
        value
        for event in events
        for key in PERSON_DETAILS
        if isinstance(value := (event.details or {}).get(key), int)
    }
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name, User.erased_at).where(User.id.in_(ids)))
    return {user_id: "a former member" if erased else name for user_id, name, erased in rows}


def _subjects_named(events: list[AuditEvent]) -> dict[tuple[str, int], list[tuple[str, str]]]:
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.subject_type in _SUBJECT_LOADERS and event.subject_id is not None:
            wanted.setdefault(event.subject_type, set()).add(event.subject_id)
    return {
        (subject_type, subject_id): shown
        for subject_type, ids in wanted.items()
        for subject_id, shown in _SUBJECT_LOADERS[subject_type](ids).items()
    }


def shown_details(event: AuditEvent, context: LogContext) -> list[tuple[str, str]]:
    """(label, value) pairs to show: what the event concerns, then its details in words."""
    details = event.details or {}
    concerns = context.subjects.get((event.subject_type or "", event.subject_id or 0), [])
    people = [
        (label, context.names[details[key]])
        for key, label in PERSON_DETAILS.items()
        if details.get(key) in context.names
    ]
    labelled = [_detail_words(event.action, key, details[key]) for key in DETAILS if key in details]
    already = {label for label, _ in concerns}
    return concerns + people + [(label, value) for label, value in labelled if label not in already]
