"""API v1 endpoints for consultations and drafting (../shared/API.md, "Consultations" and
"Drafting"), plus the calls the browser editor makes: live preview and presence.

Every view has the one shape: load (404, also for another organisation's objects) -> check the
permission (403) -> validate the body (400/422) -> one service call -> commit once."""

from __future__ import annotations

from flask import abort, jsonify, request, url_for
from sqlalchemy import select

from consult.api.auth import api_caller_key
from consult.api.schemas import (
    MAX_ID,
    InvalidBody,
    allow_large_body,
    bool_field,
    id_field,
    json_body,
    markdown_field,
    text_field,
)
from consult.api.views import blueprint, caller_membership, current_caller
from consult.consultations import services as consultations
from consult.consultations.models import Consultation
from consult.consultations.profiles import DEFAULT_PROFILE, PROFILES
from consult.drafting import diff, markdown
from consult.drafting import services as drafting
from consult.drafting.errors import ClashSettled
from consult.drafting.models import Response, Revision, Section
from consult.drafting.permissions import can_edit, can_open_clash, can_view
from consult.errors import json_error
from consult.extensions import db, limiter
from consult.organisations import services as organisations
from consult.organisations.models import Membership
from consult.timeutil import isoformat

FORMER_MEMBER = "Former member"
# A section holds up to drafting.MAX_BODY_LENGTH characters. In JSON that is at most 4 bytes a
# character as UTF-8 (what browsers send) or 6 as a \\uXXXX escape (Python's json.dumps), so
# the endpoints that carry a section's text take that much plus room for the other fields;
# anything larger is a 413 before it is read (config: API_MAX_SECTION_BODY_BYTES).
SECTION_BODY_BYTES = 6 * drafting.MAX_BODY_LENGTH + 64 * 1024
large_body = allow_large_body("API_MAX_SECTION_BODY_BYTES", SECTION_BODY_BYTES)
# Rendering is the costliest thing a caller can ask for (up to a few tenths of a second of CPU
# for text made to be slow, markdown.SECTION_UNITS): at most this often per caller, which the
# editor's live preview (one after each pause in typing) never needs.
RENDER_LIMIT = "60 per minute"


# --- loading, with the permission check -----------------------------------------------------


def _membership_for(response: Response | None, *, write: bool) -> Membership:
    """The caller's membership of the response's organisation: 401 without a caller, 404 when
    they cannot see it (not a member, or no such response), 403 when they may read but not
    write."""
    user = current_caller()
    membership = None
    if response is not None:
        membership = organisations.membership_of(user, response.organisation)
    if membership is None or not can_view(membership):
        abort(404)
    if write and not can_edit(membership):
        abort(403)
    return membership


def _load_response(response_id: int, *, write: bool = False) -> tuple[Response, Membership]:
    response = db.session.get(Response, response_id) if response_id <= MAX_ID else None
    membership = _membership_for(response, write=write)
    assert response is not None  # otherwise a 404 above
    return response, membership


def _load_section(
    response_id: int, section_id: int, *, write: bool = False
) -> tuple[Section, Membership]:
    """A section of that response (another response's section is a 404)."""
    section = None
    if response_id <= MAX_ID and section_id <= MAX_ID:
        section = db.session.scalar(
            select(Section).where(Section.id == section_id, Section.response_id == response_id)
        )
    membership = _membership_for(section.response if section else None, write=write)
    assert section is not None
    return section, membership


def _load_revision(revision_id: int) -> Revision:
    revision = db.session.get(Revision, revision_id) if revision_id <= MAX_ID else None
    _membership_for(revision.section.response if revision else None, write=False)
    assert revision is not None
    return revision


def _choice_of(section: Section, revision_id: int | None) -> str | None:
    revision = db.session.get(Revision, revision_id) if revision_id is not None else None
    return revision.choice if revision is not None and revision.section_id == section.id else None


def _clash_of(section: Section, membership: Membership, revision_id: int | None) -> Revision | None:
    """The open clash a save names (`clash`: the your_revision of an earlier 409), if the
    caller may settle it (its author, or an owner or coordinator); 422 otherwise, the same
    for a clash that is not there as for one that is not theirs."""
    if revision_id is None:
        return None
    clash = db.session.get(Revision, revision_id)
    if (
        clash is None
        or clash.section_id != section.id
        or clash.kind != "conflict"
        or not can_open_clash(membership, clash)
    ):
        raise InvalidBody(
            422,
            "Some fields are not valid.",
            {"clash": "Not a clash of yours in this section (send your_revision of a 409)."},
        )
    return clash


def _drafting_error(error: drafting.DraftingError):
    db.session.rollback()  # the save may have taken the section's lock before refusing
    return json_error(422, str(error))


# --- JSON shapes ----------------------------------------------------------------------------


def _question_json(question) -> dict:
    return {
        "number": question.number,
        "text": question.text,
        "kind": question.kind,
        "options": list(question.options or []),
        "word_limit": question.word_limit,
        "wording_verified": question.wording_verified,
        "wording_source": question.wording_source,
    }


def _consultation_json(consultation: Consultation, organisation_slugs: dict[int, str]) -> dict:
    return {
        "id": consultation.id,
        "slug": consultation.slug,
        "title": consultation.title,
        "publisher": consultation.publisher,
        "description": consultation.description,
        "opens_at": isoformat(consultation.opens_at),
        "closes_at": isoformat(consultation.closes_at),
        "organisation": organisation_slugs.get(consultation.organisation_id)
        if consultation.organisation_id is not None
        else None,
        "questions": [_question_json(question) for question in consultation.questions],
    }


def _author_name(revision: Revision) -> str:
    return revision.author.name if revision.author is not None else FORMER_MEMBER


def _section_json(section: Section) -> dict:
    head = section.head
    return {
        "id": section.id,
        "kind": section.kind,
        "number": section.number,
        "title": section.title,
        "body": head.body if head else "",
        "choice": head.choice if head else None,
        "head_revision": section.head_revision_id,
        "word_count": section.word_count,
        "status": section.status,
        "assignee": (
            {"id": section.assignee.id, "name": section.assignee.name}
            if section.assignee is not None
            else None
        ),
        "position": section.position,
        "updated_at": isoformat(section.updated_at),
        "question": _question_json(section.question) if section.question is not None else None,
    }


def _response_json(response: Response) -> dict:
    sections = drafting.live_sections(response)
    return {
        "id": response.id,
        "title": response.title,
        "organisation": response.organisation.slug,
        "consultation": response.consultation.slug,
        "status": response.status,
        "profile": response.profile,
        "word_limit": drafting.word_limit(response),
        "word_count": drafting.total_words(sections),
        "created_at": isoformat(response.created_at),
        "updated_at": isoformat(response.updated_at),
        "sections": [_section_json(section) for section in sections],
    }


def _revision_summary_json(revision: Revision) -> dict:
    return {
        "id": revision.id,
        "number": revision.number,
        "kind": revision.kind,
        "author": _author_name(revision),
        "created_at": isoformat(revision.created_at),
        "word_count": revision.word_count,
        "parent": revision.parent_id,
    }


def _head_json(section: Section, revision: Revision | None) -> dict:
    """What a save or a restore answers: the section's head after it."""
    return {
        "head_revision": section.head_revision_id,
        "revision_number": revision.number if revision else None,
        "kind": revision.kind if revision else None,
        "body": revision.body if revision else "",
        "choice": revision.choice if revision else None,
        "word_count": section.word_count,
        "updated_at": isoformat(section.updated_at),
    }


def _resolve_path(section: Section, your_revision: Revision) -> str:
    """The HTML conflict screen (served by the drafting pages, built separately)."""
    return f"/responses/{section.response_id}/sections/{section.id}/conflict/{your_revision.id}"


def _conflict_response(section: Section, conflict: drafting.Conflict):
    base, theirs, yours = conflict.base, conflict.theirs, conflict.yours
    resolve_url = _resolve_path(section, yours)
    message = (
        "Someone else changed the same part of this section since you started. Your text is "
        "saved as a separate revision; compare both and save the text you want to keep."
    )
    conflict_json = {
        "base_revision": base.id if base else None,
        "their_revision": theirs.id if theirs else None,
        "your_revision": yours.id,
        "your_revision_number": yours.number,
        "base": base.body if base else "",
        "theirs": theirs.body if theirs else "",
        "yours": yours.body,
        "base_choice": base.choice if base else None,
        "their_choice": theirs.choice if theirs else None,
        "your_choice": yours.choice,
        "resolve_url": resolve_url,
    }
    payload = {
        "error": {"code": "edit_conflict", "message": message},
        "conflict": conflict_json,
        "resolve_url": resolve_url,
    }
    return jsonify(payload), 409


# --- consultations --------------------------------------------------------------------------


@blueprint.get("/consultations")
def list_consultations():
    """The built-in consultations and those of every organisation the caller belongs to, each
    once, in the service's order (open ones first, soonest closing first)."""
    user = current_caller()
    memberships = organisations.memberships_of(user)
    slugs = {membership.organisation_id: membership.organisation.slug for membership in memberships}
    found = consultations.visible_consultations_for([m.organisation for m in memberships])
    return jsonify([_consultation_json(consultation, slugs) for consultation in found])


# --- responses ------------------------------------------------------------------------------


@blueprint.post("/organisations/<slug>/responses")
def create_response(slug: str):
    membership = caller_membership(slug, "draft")
    data = json_body()
    consultation_slug = text_field(data, "consultation", max_length=100)
    title = text_field(data, "title", max_length=200, required=False) or ""
    profile = data.get("profile")
    if profile is None:
        profile = DEFAULT_PROFILE
    elif not isinstance(profile, str) or profile not in PROFILES:
        raise InvalidBody(
            422, "Some fields are not valid.", {"profile": f"One of: {', '.join(PROFILES)}."}
        )
    consultation = consultations.find_visible(consultation_slug, membership.organisation)
    if consultation is None:
        raise InvalidBody(
            422,
            "Some fields are not valid.",
            {"consultation": "No consultation with that slug is open to this organisation."},
        )
    try:
        response = drafting.create_response(membership, consultation, title, profile)
    except drafting.DraftingError as error:
        return _drafting_error(error)
    db.session.commit()
    body = jsonify(_response_json(response))
    body.headers["Location"] = url_for("api.get_response", response_id=response.id)
    return body, 201


@blueprint.get("/organisations/<slug>/responses")
def list_responses(slug: str):
    membership = caller_membership(slug, "view")
    responses = drafting.responses_of(membership.organisation)
    totals = drafting.total_words_of(responses)
    return jsonify(
        [
            {
                "id": response.id,
                "title": response.title,
                "consultation": response.consultation.slug,
                "status": response.status,
                "profile": response.profile,
                "word_count": totals.get(response.id, 0),
                "word_limit": drafting.word_limit(response),
                "updated_at": isoformat(response.updated_at),
            }
            for response in responses
        ]
    )


@blueprint.get("/responses/<int:response_id>")
def get_response(response_id: int):
    response, _membership = _load_response(response_id)
    return jsonify(_response_json(response))


@blueprint.get("/responses/<int:response_id>/html")
@limiter.limit(RENDER_LIMIT, key_func=api_caller_key)
def response_html(response_id: int):
    response, _membership = _load_response(response_id)
    html = markdown.render_response(response, drafting.live_sections(response))
    return jsonify({"html": html})


# --- saving a section -----------------------------------------------------------------------


@blueprint.put("/responses/<int:response_id>/sections/<int:section_id>")
@large_body
def save_section(response_id: int, section_id: int):
    section, membership = _load_section(response_id, section_id, write=True)
    data = json_body()
    body = markdown_field(data, "body", max_length=drafting.MAX_BODY_LENGTH)
    choice = data.get("choice")
    if choice is not None and not isinstance(choice, str):
        raise InvalidBody(422, "Some fields have the wrong type.", {"choice": "Must be a string."})
    base_revision = id_field(data, "base_revision", nullable=True)
    if "choice" not in data:
        # Left out: the caller is not changing the closed answer, so it stays as it was in
        # the text they started from (null clears it).
        choice = _choice_of(section, base_revision)
    if base_revision is None and section.head_revision_id is not None:
        raise InvalidBody(
            422,
            "Some fields are missing.",
            {
                "base_revision": "This section already has text: send the revision your "
                "text starts from (the section's head_revision when you loaded it)."
            },
        )
    clash = _clash_of(section, membership, id_field(data, "clash", required=False, nullable=True))
    try:
        outcome = drafting.save_section(
            membership.user, section, body, choice, base_revision, clash=clash
        )
    except ClashSettled as error:
        db.session.rollback()
        return json_error(409, str(error), code="clash_settled")
    except drafting.DraftingError as error:
        return _drafting_error(error)
    db.session.commit()  # with a conflict, this keeps the person's text before answering 409
    if outcome.conflict is not None:
        return _conflict_response(section, outcome.conflict)
    result = _head_json(section, outcome.revision)
    result["merged"] = outcome.merged
    result["unchanged"] = outcome.unchanged
    return jsonify(result)


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/restore")
def restore_revision(response_id: int, section_id: int):
    section, membership = _load_section(response_id, section_id, write=True)
    revision_id = id_field(json_body(), "revision")
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.section_id != section.id:
        raise InvalidBody(
            422, "Some fields are not valid.", {"revision": "Not a revision of this section."}
        )
    try:
        restored = drafting.restore_revision(membership.user, section, revision)
    except drafting.DraftingError as error:
        return _drafting_error(error)
    db.session.commit()
    result = _head_json(section, restored)
    result["restored_from"] = revision.id
    return jsonify(result)


# --- history --------------------------------------------------------------------------------


@blueprint.get("/responses/<int:response_id>/sections/<int:section_id>/revisions")
def list_revisions(response_id: int, section_id: int):
    section, _membership = _load_section(response_id, section_id)
    return jsonify([_revision_summary_json(r) for r in drafting.revisions_of(section)])


@blueprint.get("/revisions/<int:revision_id>")
def get_revision(revision_id: int):
    revision = _load_revision(revision_id)
    body = _revision_summary_json(revision)
    body.update(
        {
            "section": revision.section_id,
            "response": revision.section.response_id,
            "title": revision.title,
            "body": revision.body,
            "choice": revision.choice,
        }
    )
    return jsonify(body)


@blueprint.get("/revisions/<int:revision_id>/diff")
def diff_revision(revision_id: int):
    """The revision compared with `against` (any revision of the same response), or with its
    parent when `against` is left out (the first revision: with an empty text)."""
    revision = _load_revision(revision_id)
    against_arg = request.args.get("against")
    if against_arg is None:
        older = db.session.get(Revision, revision.parent_id) if revision.parent_id else None
    else:
        if not (against_arg.isascii() and against_arg.isdigit()) or len(against_arg) > 10:
            raise InvalidBody(
                422, "Some parameters are not valid.", {"against": "Must be a revision id."}
            )
        older = db.session.get(Revision, int(against_arg)) if int(against_arg) <= MAX_ID else None
        if older is None or older.section.response_id != revision.section.response_id:
            abort(404, "No such revision in this response.")

    def label(item: Revision | None) -> str:
        return f"revision {item.number} (id {item.id})" if item else "empty"

    old_body = older.body if older else ""
    return jsonify(
        {
            "from": older.id if older else None,
            "to": revision.id,
            "diff": diff.unified(old_body, revision.body, label(older), label(revision)),
            "ops": diff.word_ops(old_body, revision.body),
        }
    )


# --- the editor's helpers: preview and presence ---------------------------------------------


@blueprint.post("/preview")
@large_body
@limiter.limit(RENDER_LIMIT, key_func=api_caller_key)
def preview():
    current_caller()
    body = markdown_field(json_body(), "body", max_length=drafting.MAX_BODY_LENGTH)
    return jsonify({"html": markdown.render(body), "word_count": markdown.word_count(body)})


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/presence")
def section_presence(response_id: int, section_id: int):
    section, membership = _load_section(response_id, section_id)
    # Only someone who may edit is shown as "editing"; a member reading is just present.
    editing = bool_field(json_body(), "editing", default=False) and can_edit(membership)
    others = drafting.heartbeat(membership.user, section, editing)
    db.session.commit()
    return jsonify(
        {
            "others": [{"name": p.user.name, "editing": p.editing} for p in others],
            "head_revision": section.head_revision_id,
            "updated_at": isoformat(section.updated_at),
        }
    )


@blueprint.delete("/responses/<int:response_id>/sections/<int:section_id>/presence")
def leave_section(response_id: int, section_id: int):
    section, membership = _load_section(response_id, section_id)
    drafting.leave_section(membership.user, section)
    db.session.commit()
    return "", 204
