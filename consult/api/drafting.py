"""API v1 endpoints for consultations and drafting (../shared/API.md, "Consultations" and
"Drafting"), plus the calls the browser editor makes: live preview and presence.

Every view has the one shape: load (404, also for another organisation's objects) -> check the
permission (403) -> validate the body (400/422) -> one service call -> commit once."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, url_for
from pydantic import BaseModel

from consult.api import loaders
from consult.api.auth import api_caller_key, current_caller
from consult.api.body import SECTION, InvalidBody, body, json_body, query, validated
from consult.api.fields import NOT_VALID
from consult.api.loaders import NOT_MEMBER, NOT_VISIBLE
from consult.api.models.base import Error, ErrorDetail
from consult.api.models.drafting import (
    Consultation,
    DiffQuery,
    Html,
    NewBillResponse,
    NewResponse,
    Presence,
    PresenceUpdate,
    Preview,
    PreviewRequest,
    Response,
    ResponsePresence,
    ResponseSummary,
    RestoredSection,
    RestoreRevision,
    Revision,
    RevisionDiff,
    RevisionSummary,
    SavedSection,
    SaveSection,
    WordOp,
    conflict_of,
)
from consult.api.openapi import CONSULTATIONS, DRAFTING
from consult.api.registry import Reply, operation, reply
from consult.api.views import blueprint
from consult.bills import parts
from consult.bills.models import Bill
from consult.consultations import services as consultations
from consult.consultations.profiles import DEFAULT_PROFILE
from consult.drafting import diff, markdown
from consult.drafting import models as drafted
from consult.drafting import services as drafting
from consult.drafting.errors import ClashSettled
from consult.drafting.permissions import can_edit, can_open_clash
from consult.errors import json_error
from consult.extensions import db, limiter
from consult.forms import MAX_ID
from consult.organisations import services as organisations
from consult.organisations.models import Membership

# Rendering is the costliest thing a caller can ask for (up to a few tenths of a second of CPU
# for text made to be slow, markdown.SECTION_UNITS): at most this often per caller, which the
# editor's live preview (one after each pause in typing) never needs.
RENDER_LIMIT = "60 per minute"
NOT_EDITOR = "The caller's role cannot draft (members read and comment)"
RENDER_LIMITED = "More than 60 renders a minute by this caller; see Retry-After"
EDIT_CONFLICT = (
    "Someone else changed the same part of this section since you started. Your text is saved "
    "as a separate revision; compare both and save the text you want to keep."
)


def clash_of(
    section: drafted.Section, membership: Membership, revision_id: int | None
) -> drafted.Revision | None:
    """The open clash a save names (`clash`: the your_revision of an earlier 409), if the
    caller may settle it (its author, or an owner or coordinator); 422 otherwise, the same
    for a clash that is not there as for one that is not theirs."""
    if revision_id is None:
        return None
    clash = db.session.get(drafted.Revision, revision_id)
    if (
        clash is None
        or clash.section_id != section.id
        or clash.kind != "conflict"
        or not can_open_clash(membership, clash)
    ):
        raise InvalidBody(
            422,
            NOT_VALID,
            {"clash": "Not a clash of yours in this section (send your_revision of a 409)."},
        )
    return clash


def _drafting_error(error: drafting.DraftingError):
    db.session.rollback()  # the save may have taken the section's lock before refusing
    return json_error(422, str(error))


# --- consultations --------------------------------------------------------------------------


@blueprint.get("/consultations")
@operation(
    "The built-in consultations and the caller's organisations' own (open ones first, soonest "
    "closing first, for each organisation in turn)",
    CONSULTATIONS,
    responses={200: ([Consultation], "OK")},
)
def list_consultations():
    """The built-in consultations and those of every organisation the caller belongs to, each
    once, in the service's order (open ones first, soonest closing first)."""
    memberships = organisations.memberships_of(current_caller())
    slugs = {membership.organisation_id: membership.organisation.slug for membership in memberships}
    found = consultations.visible_consultations_for([m.organisation for m in memberships])
    return reply([Consultation.of(consultation, slugs) for consultation in found])


# --- responses ------------------------------------------------------------------------------


@blueprint.post("/organisations/<slug>/responses")
@operation(
    "Start a response (editor or above). To a consultation: a section for the summary, about "
    "us, each question and recommendations. To a bill (`bill`: its id): the summary, about "
    "us, a clause section for each clause and schedule of its current print (with a "
    "position) and recommendations; amendments are added as they are drafted",
    DRAFTING,
    body=(NewResponse, NewBillResponse),
    one_of=True,
    responses={
        201: (Response, "Created (Location: the response)"),
        403: NOT_EDITOR,
        404: NOT_MEMBER,
        422: "Invalid fields, both or neither of consultation and bill, an unknown "
        "consultation or bill (or another organisation's), a bill with no print yet, or an "
        "unknown submission profile (see error.fields)",
    },
)
def create_response(slug: str):
    membership = loaders.organisation_membership(slug, "draft")
    data = json_body()
    if ("bill" in data) == ("consultation" in data):
        message = "Send either `consultation` (a slug) or `bill` (an id), not both."
        raise InvalidBody(422, NOT_VALID, {"consultation": message, "bill": message})
    try:
        if "bill" in data:
            response = _bill_response(membership, validated(NewBillResponse, data))
        else:
            response = _consultation_response(membership, validated(NewResponse, data))
    except drafting.DraftingError as error:
        return _drafting_error(error)
    db.session.commit()
    answer, status = reply(Response.of(response), 201)
    answer.headers["Location"] = url_for("api.get_response", response_id=response.id)
    return answer, status


def _consultation_response(membership: Membership, new: NewResponse) -> drafted.Response:
    consultation = consultations.find_visible(new.consultation, membership.organisation)
    if consultation is None:
        raise InvalidBody(
            422,
            NOT_VALID,
            {"consultation": "No consultation with that slug is open to this organisation."},
        )
    return drafting.create_response(
        membership, consultation, new.title or "", new.profile or DEFAULT_PROFILE
    )


def _bill_response(membership: Membership, new: NewBillResponse) -> drafted.Response:
    bill = db.session.get(Bill, new.bill)
    if bill is None or bill.organisation_id != membership.organisation_id:
        raise InvalidBody(422, NOT_VALID, {"bill": "This organisation has no bill with that id."})
    if new.clauses is not None and bill.current_print is not None:
        try:
            if not parts.chosen(bill.current_print.provisions, new.clauses):
                raise ValueError("Choose at least one part, clause or schedule of the bill.")
        except ValueError as refused:
            raise InvalidBody(422, NOT_VALID, {"clauses": str(refused)}) from None
    return drafting.create_bill_response(
        membership, bill, new.title or "", new.profile, new.clauses
    )


@blueprint.get("/organisations/<slug>/responses")
@operation(
    "The organisation's responses, most recently changed first",
    DRAFTING,
    responses={200: ([ResponseSummary], "OK"), 404: NOT_MEMBER},
)
def list_responses(slug: str):
    membership = loaders.organisation_membership(slug, "view")
    responses = drafting.responses_of(membership.organisation)
    totals = drafting.total_words_of(responses)
    return reply([ResponseSummary.of(r, totals.get(r.id, 0)) for r in responses])


@blueprint.get("/responses/<int:response_id>")
@operation(
    "A response with its sections in order (removed sections left out)",
    DRAFTING,
    responses={200: (Response, "OK"), 404: NOT_VISIBLE},
)
def get_response(response_id: int):
    response, _membership = loaders.response(response_id)
    return reply(Response.of(response))


@blueprint.get("/responses/<int:response_id>/html")
@limiter.limit(RENDER_LIMIT, key_func=api_caller_key)
@operation(
    "The whole response rendered to sanitised HTML, safe to embed. A section whose formatting "
    "is too complex to lay out in time comes as plain text paragraphs after a note "
    '(<p class="plain-text-note">)',
    DRAFTING,
    responses={200: (Html, "OK"), 404: NOT_VISIBLE, 429: RENDER_LIMITED},
)
def response_html(response_id: int):
    response, _membership = loaders.response(response_id)
    html = markdown.render_response(response, drafting.live_sections(response))
    return reply(Html(html=html))


# --- saving a section -----------------------------------------------------------------------


@blueprint.put("/responses/<int:response_id>/sections/<int:section_id>")
@operation(
    "Save a section's text from the revision it started from (editor or above). If others "
    "saved since, the changes are merged; if they overlap, the text is kept as a conflict "
    "revision and both texts come back with a 409",
    DRAFTING,
    body=SaveSection,
    body_limit=SECTION,
    responses={
        200: (SavedSection, "Saved (merged: true if merged)"),
        403: NOT_EDITOR,
        404: NOT_VISIBLE,
        409: "code edit_conflict: the same part was changed by someone else; `conflict` holds "
        "both texts and `your_revision`, already saved. code clash_settled: the `clash` sent "
        "was settled already (on its page, or by someone else); nothing was saved",
        422: f"Invalid fields: text over {drafting.MAX_BODY_LENGTH:,} characters, a choice the "
        "question does not offer (or any choice outside scale questions and clause sections; "
        "a position outside clause sections, or one that is not a position), a base revision of "
        "another section, base_revision null although the section has text, a `clash` that is "
        "not yours in this section, or a removed section",
    },
)
def save_section(response_id: int, section_id: int):
    section, membership = loaders.section(response_id, section_id, write=True)
    save = body(SaveSection)
    choice = _choice_of(section, save)
    if save.base_revision is None and section.head_revision_id is not None:
        raise InvalidBody(
            422,
            "Some fields are missing.",
            {
                "base_revision": "This section already has text: send the revision your "
                "text starts from (the section's head_revision when you loaded it)."
            },
        )
    clash = clash_of(section, membership, save.clash)
    try:
        outcome = drafting.save_section(
            membership.user, section, save.body, choice, save.base_revision, clash=clash
        )
    except ClashSettled as error:
        db.session.rollback()
        return json_error(409, str(error), code="clash_settled")
    except drafting.DraftingError as error:
        return _drafting_error(error)
    db.session.commit()  # with a conflict, this keeps the person's text before answering 409
    return saved_or_conflict(section, outcome, lambda: SavedSection.of(section, outcome))


def _choice_of(section: drafted.Section, save: SaveSection):
    """The closed answer a save sends: `choice`, or for a clause section `position` (its other
    name there). Left out, the answer is not being changed: the service keeps the one of the
    text the caller started from (null clears it)."""
    sent = save.model_fields_set
    if "position" in sent:
        if section.kind != "clause":
            raise InvalidBody(422, NOT_VALID, {"position": "Only clause sections take a position."})
        if "choice" in sent and save.choice != save.position:
            raise InvalidBody(
                422,
                NOT_VALID,
                {"position": "Send the position once: as `position` or as `choice`."},
            )
        return save.position
    return save.choice if "choice" in sent else drafting.KEEP_CHOICE


def saved_or_conflict(
    section: drafted.Section, outcome: drafting.SaveOutcome, saved: Callable[[], BaseModel]
):
    """A save's answer, for sections and amendments alike: 200 with `saved()` (merged or
    not), or 409 edit_conflict with both texts (the caller's already kept as a revision)."""
    if outcome.conflict is not None:
        conflict = conflict_of(section, outcome.conflict)
        detail = ErrorDetail(code="edit_conflict", message=EDIT_CONFLICT)
        return reply(Error(error=detail, conflict=conflict, resolve_url=conflict.resolve_url), 409)
    return reply(saved())


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/restore")
@operation(
    "Make an earlier revision's text the head again, as a new revision of kind restore "
    "(editor or above)",
    DRAFTING,
    body=RestoreRevision,
    responses={
        200: (RestoredSection, "Restored"),
        403: NOT_EDITOR,
        404: NOT_VISIBLE,
        422: "Not a revision of this section, or a removed section",
    },
)
def restore_revision(response_id: int, section_id: int):
    section, membership = loaders.section(response_id, section_id, write=True)
    revision = db.session.get(drafted.Revision, body(RestoreRevision).revision)
    if revision is None or revision.section_id != section.id:
        raise InvalidBody(422, NOT_VALID, {"revision": "Not a revision of this section."})
    try:
        restored = drafting.restore_revision(membership.user, section, revision)
    except drafting.DraftingError as error:
        return _drafting_error(error)
    db.session.commit()
    return reply(RestoredSection.of(section, restored, revision))


# --- history --------------------------------------------------------------------------------


@blueprint.get("/responses/<int:response_id>/sections/<int:section_id>/revisions")
@operation(
    "A section's revisions, newest first (conflict revisions included)",
    DRAFTING,
    responses={200: ([RevisionSummary], "OK"), 404: NOT_VISIBLE},
)
def list_revisions(response_id: int, section_id: int):
    section, _membership = loaders.section(response_id, section_id)
    return reply([RevisionSummary.of(r) for r in drafting.revisions_of(section)])


@blueprint.get("/revisions/<int:revision_id>")
@operation(
    "One revision with its text",
    DRAFTING,
    responses={200: (Revision, "OK"), 404: NOT_VISIBLE},
)
def get_revision(revision_id: int):
    return reply(Revision.of(loaders.revision(revision_id)))


@blueprint.get("/revisions/<int:revision_id>/diff")
@operation(
    "What changed from `against` (or, without it, from the revision's parent) to this "
    "revision: a unified diff and word-level operations",
    DRAFTING,
    query=DiffQuery,
    responses={
        200: (RevisionDiff, "OK"),
        404: "Either revision is not visible to the caller, or `against` belongs to another "
        "response",
        422: "`against` is not a revision id",
    },
)
def diff_revision(revision_id: int):
    """The revision compared with `against` (any revision of the same response), or with its
    parent when `against` is left out (the first revision: with an empty text)."""
    revision = loaders.revision(revision_id)
    against = query(DiffQuery).against
    if against is None:
        older = db.session.get(drafted.Revision, revision.parent_id) if revision.parent_id else None
    else:
        older = db.session.get(drafted.Revision, against) if against <= MAX_ID else None
        if older is None or older.section.response_id != revision.section.response_id:
            abort(404, "No such revision in this response.")

    def label(item: drafted.Revision | None) -> str:
        return f"revision {item.number} (id {item.id})" if item else "empty"

    old_body = older.body if older else ""
    return reply(
        RevisionDiff(
            from_=older.id if older else None,
            to=revision.id,
            diff=diff.unified(old_body, revision.body, label(older), label(revision)),
            ops=[WordOp(**op) for op in diff.word_ops(old_body, revision.body)],
        )
    )


# --- the editor's helpers: preview and presence ---------------------------------------------


@blueprint.post("/preview")
@limiter.limit(RENDER_LIMIT, key_func=api_caller_key)
@operation(
    "Render Markdown as the pages and exports will (the editor's live preview); a text whose "
    "formatting is too complex to lay out in time comes as plain text paragraphs after a note",
    DRAFTING,
    body=PreviewRequest,
    body_limit=SECTION,
    responses={200: (Preview, "OK"), 429: RENDER_LIMITED},
)
def preview():
    text = body(PreviewRequest).body
    return reply(Preview(html=markdown.render(text), word_count=markdown.word_count(text)))


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/presence")
@operation(
    "Heartbeat from an editor that has the section open (any member): who else has it open, "
    "and its head now",
    DRAFTING,
    body=PresenceUpdate,
    responses={200: (Presence, "OK"), 404: NOT_VISIBLE},
)
def section_presence(response_id: int, section_id: int):
    section, membership = loaders.section(response_id, section_id)
    # Only someone who may edit is shown as "editing"; a member reading is just present.
    editing = body(PresenceUpdate).editing and can_edit(membership)
    others = drafting.heartbeat(membership.user, section, editing)
    # The answer is read before the commit: the commit expires the rows, and another person
    # leaving at that moment would delete a row this answer still had to read.
    answer = Presence.of(others, section)
    db.session.commit()
    return reply(answer)


@blueprint.get("/responses/<int:response_id>/presence")
@operation(
    "Who else is in the response now, and in which section (the dashboard's 'Here now')",
    DRAFTING,
    responses={200: (ResponsePresence, "OK"), 404: NOT_VISIBLE},
)
def response_presence(response_id: int):
    response, membership = loaders.response(response_id)
    return reply(ResponsePresence.of(drafting.present_in_response(response.id, membership.user)))


@blueprint.delete("/responses/<int:response_id>/sections/<int:section_id>/presence")
@operation(
    "The caller closed the section",
    DRAFTING,
    responses={204: Reply(None, "Left"), 404: NOT_VISIBLE},
)
def leave_section(response_id: int, section_id: int):
    section, membership = loaders.section(response_id, section_id)
    drafting.leave_section(membership.user, section)
    db.session.commit()
    return "", 204
