"""The clash screen: a person's edit that changed the same part as someone else's (a stored
`conflict` revision, see clashes.py) compared with the current text, and settled once.

A clash page belongs to its author; owners and coordinators may open it too and settle it on
the author's behalf, and the page says whose edit it is. Everyone else gets a 404.

Settling goes through the same merge as any save, from the head the page showed (the form's
base_revision): if others saved since, the resolution is merged with their work, or, if it
overlaps, kept as a newer clash that replaces this one. A clash that is settled already
(reached again with Back, from the history or a bookmark) says so and shows the current text;
a form posted from such a page saves nothing in the clash's name and gives back the text it
carried, with a button that saves it as an ordinary edit (merged, like any other)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from consult.drafting import clashes, services
from consult.drafting.diff import readable_ops
from consult.drafting.errors import ClashSettled
from consult.drafting.forms import ConflictForm
from consult.drafting.models import ClashSettlement, Response, Revision, Section, Suggestion
from consult.drafting.permissions import can_decide_suggestion, can_open_clash
from consult.drafting.views import (
    _after_save,
    _int_arg,
    _is_scale,
    _save_error_field,
    _valid_id,
    _without_control_characters,
    blueprint,
    load_section,
)
from consult.extensions import db
from consult.organisations.models import Membership

FORMER_MEMBER = "A former member"
_CLASH = (
    select(Revision)
    .where(Revision.id == bindparam("revision_id"))
    .options(joinedload(Revision.author))
)


def load_clash(
    response_id: int, section_id: int, revision_id: int
) -> tuple[Response, Section, Membership, Revision]:
    """The clash (a conflict revision of the section) for its author, or for an owner or a
    coordinator; a 404 for anyone else, as for something that does not exist."""
    response, section, membership = load_section(response_id, section_id)
    clash = db.session.scalar(_CLASH, {"revision_id": _valid_id(revision_id)})
    if (
        clash is None
        or clash.section_id != section.id
        or clash.kind != "conflict"
        or not can_open_clash(membership, clash)
    ):
        abort(404)
    return response, section, membership, clash


def _suggestion_to_settle(
    section: Section, membership: Membership, suggestion_id: int | bool | None
) -> Suggestion | None:
    """The open suggestion of this section whose acceptance clashed, if the clash screen was
    opened for one and the person may decide it; None otherwise (the screen then settles the
    clash as any other)."""
    if not suggestion_id:
        return None
    suggestion = db.session.get(Suggestion, suggestion_id)
    if (
        suggestion is None
        or suggestion.section_id != section.id
        or suggestion.status != "open"
        or not can_decide_suggestion(membership, section)
    ):
        return None
    return suggestion


def _whose(clash: Revision) -> dict[str, object]:
    """How the page names the clash's author to the person looking: "Your edit" to the
    author, "Eddie Editor's edit" to a coordinator settling it for them."""
    own = clash.author_id == current_user.id
    name = clash.author.name if clash.author is not None else FORMER_MEMBER
    return {"own": own, "author_name": name, "possessive": "Your" if own else f"{name}'s"}


def _conflict_page(
    response: Response,
    section: Section,
    membership: Membership,
    yours: Revision,
    form: ConflictForm | None = None,
    suggestion: Suggestion | None = None,
    status: int = 200,
):
    base = services.find_revision(section, yours.parent_id) if yours.parent_id else None
    theirs = section.head
    if form is None:
        form = ConflictForm(
            formdata=None,
            body=yours.body,
            choice=yours.choice or "",
            base_revision=section.head_revision_id,  # the head this page shows
            suggestion=suggestion.id if suggestion else None,
        )
    base_body = base.body if base else ""
    return render_template(
        "drafting/conflict.html",
        response=response,
        section=section,
        membership=membership,
        organisation=response.organisation,
        base=base,
        theirs=theirs,
        yours=yours,
        suggestion=suggestion,
        theirs_ops=readable_ops(base_body, theirs.body if theirs else ""),
        yours_ops=readable_ops(base_body, yours.body),
        scale=_is_scale(section),
        options=section.question.options if _is_scale(section) else [],
        form=form,
        **_whose(yours),
    ), status


def _settled_line(clash: Revision, settlement: ClashSettlement) -> tuple[str, str]:
    """Who settled the clash and how, in two parts around "3 minutes ago": ("Cora
    Coordinator settled it on your behalf", ", keeping the text as it was")."""
    by = settlement.settled_by
    if by is not None and by.id == current_user.id:
        who = "You"
    else:
        who = by.name if by is not None else FORMER_MEMBER
    behalf = ""
    if clash.author_id == current_user.id and (by is None or by.id != current_user.id):
        behalf = " on your behalf"
    if settlement.outcome == "resolved":
        return f"{who} resolved it{behalf}", ""
    if settlement.outcome == "dismissed":
        return f"{who} settled it{behalf}", ", keeping the text as it was"
    return (
        f"{who} saved from it again{behalf}",
        ", and that save clashed too: a newer clash replaces this one",
    )


def _settled_page(
    response: Response,
    section: Section,
    membership: Membership,
    clash: Revision,
    settlement: ClashSettlement,
    sent: ConflictForm | None = None,
    status: int = 200,
):
    """The page of a clash settled already: who settled it and how, and the current text.
    With `sent` (a form posted from a stale page), the text it carried, nothing saved."""
    newer = None
    if settlement.outcome == "replaced" and settlement.result_revision is not None:
        newer = settlement.result_revision
        if not can_open_clash(membership, newer):
            newer = None
    lead, tail = _settled_line(clash, settlement)
    sent_body = sent_choice = sent_base = None
    if sent is not None:
        mine = sent.resolution.data == "mine"
        sent_body = clash.body if mine else sent.body.data or ""
        sent_choice = clash.choice if mine else sent.choice.data or None
        sent_base = sent.base_revision.data
    return render_template(
        "drafting/clash_settled.html",
        response=response,
        section=section,
        membership=membership,
        organisation=response.organisation,
        clash=clash,
        settlement=settlement,
        settled_lead=lead,
        settled_tail=tail,
        newer=newer,
        scale=_is_scale(section),
        sent=sent is not None,
        sent_body=sent_body,
        sent_choice=sent_choice,
        sent_base=sent_base,
        sent_changes=sent is not None
        and (sent_body, sent_choice) != (section.body, section.choice),
        **_whose(clash),
    ), status


def _posted_to_settled(
    response: Response,
    section: Section,
    membership: Membership,
    clash: Revision,
    settlement: ClashSettlement,
    form: ConflictForm,
):
    """A form posted for a clash settled already: nothing is saved in its name. "Keep
    theirs" had nothing to do; any other button gets its text back, to save as an edit."""
    if (form.resolution.data or "edited") == "theirs":
        flash("This clash was already settled, so nothing changed.", "info")
        return redirect(
            url_for(
                "drafting.conflict",
                response_id=response.id,
                section_id=section.id,
                revision_id=clash.id,
            )
        )
    return _settled_page(response, section, membership, clash, settlement, sent=form, status=409)


@blueprint.route(
    "/responses/<int:response_id>/sections/<int:section_id>/conflict/<int:revision_id>",
    methods=["GET", "POST"],
)
def conflict(response_id: int, section_id: int, revision_id: int):
    response, section, membership, yours = load_clash(response_id, section_id, revision_id)
    settlement = clashes.settlement_of(yours)
    if settlement is not None:
        if request.method == "GET":
            return _settled_page(response, section, membership, yours, settlement)
        form = ConflictForm()
        if form.validate_on_submit():
            return _posted_to_settled(response, section, membership, yours, settlement, form)
        _without_control_characters(form)
        return _settled_page(
            response, section, membership, yours, settlement, sent=form, status=422
        )
    if request.method == "GET":
        suggestion = _suggestion_to_settle(section, membership, _int_arg("suggestion"))
        return _conflict_page(response, section, membership, yours, suggestion=suggestion)
    form = ConflictForm()
    suggestion = None
    if form.validate_on_submit():
        suggestion = _suggestion_to_settle(section, membership, form.suggestion.data)
        resolution = form.resolution.data or "edited"
        outcome = None
        try:
            if resolution == "theirs":
                services.dismiss_clash(current_user, section, yours)
                if suggestion is not None:
                    services.reject_suggestion(current_user, suggestion)
            else:
                body, choice = form.body.data or "", form.choice.data or None
                if resolution == "mine":
                    body, choice = yours.body, yours.choice
                outcome = services.save_section(
                    current_user, section, body, choice, form.base_revision.data, clash=yours
                )
                if suggestion is not None and outcome.conflict is None and outcome.revision:
                    services.accept_resolved_suggestion(current_user, suggestion, outcome.revision)
        except ClashSettled as error:
            db.session.rollback()  # settled by someone else while this request waited
            settlement = clashes.settlement_of(yours)
            if settlement is not None:
                return _posted_to_settled(response, section, membership, yours, settlement, form)
            _save_error_field(form, str(error)).errors.append(str(error))
        except services.DraftingError as error:
            db.session.rollback()
            _save_error_field(form, str(error)).errors.append(str(error))
        else:
            db.session.commit()
            if outcome is None:
                return _kept_theirs(response, section, yours, suggestion)
            saved = "Saved. The clash is resolved."
            if suggestion is not None and outcome.conflict is None:
                saved += " The suggestion is accepted."
            return _after_save(response, section, outcome, saved, suggestion)
    _without_control_characters(form)
    return _conflict_page(
        response, section, membership, yours, form=form, suggestion=suggestion, status=422
    )


def _kept_theirs(
    response: Response, section: Section, clash: Revision, suggestion: Suggestion | None
):
    if suggestion is not None:
        kept = "Kept the current text; the suggestion is marked rejected."
    elif clash.author_id == current_user.id:
        kept = "Kept their version."
    else:
        kept = "Kept the current text."
    whose = _whose(clash)["possessive"]
    version = "Yours" if whose == "Your" else f"{whose} version"
    flash(f"{kept} {version} stays in the history as revision {clash.number}.", "success")
    return redirect(url_for("drafting.editor", response_id=response.id, section_id=section.id))
