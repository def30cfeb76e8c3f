"""Drafting pages: an organisation's responses, the response dashboard (a compact overview of
the sections), each section's Manage page (status and assignee, title, place, removal), the
whole-response preview, the section editor (with comments and suggested edits), the conflict
screen and the history of a section.

Every page works without JavaScript: the editor is a form that saves through the same
`services.save_section` as the API's autosave, so a no-script save merges or conflicts exactly
like an autosave. static/js/editor.js adds the toolbar, the live preview, autosave and presence.

Each view has one shape: load (404 for what is missing or belongs to another organisation) ->
permission (403) -> validate the form -> one service call -> commit once -> redirect. A form
that fails re-renders its page with the person's input still in it and a 422."""

from __future__ import annotations

import re
from collections import Counter

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from consult.consultations.models import Consultation
from consult.consultations.profiles import PROFILES
from consult.consultations.services import visible_consultations
from consult.drafting import clashes, services
from consult.drafting.diff import readable_ops
from consult.drafting.forms import (
    MAX_ID,
    AddSectionForm,
    CommentForm,
    MoveSectionForm,
    NewResponseForm,
    RenameSectionForm,
    ReplyForm,
    ResolveForm,
    ResponseSettingsForm,
    SectionDetailsForm,
    SectionForm,
    SuggestionForm,
    choices,
)
from consult.drafting.markdown import render_response, word_count
from consult.drafting.models import (
    STATUS_LABELS,
    Comment,
    Response,
    Revision,
    Section,
    Suggestion,
)
from consult.drafting.permissions import (
    can_comment,
    can_decide_suggestion,
    can_edit,
    can_settle_any_clash,
    can_suggest,
    can_view,
)
from consult.extensions import db
from consult.forms import ActionForm
from consult.organisations.models import Membership
from consult.organisations.permissions import load_membership
from consult.timeutil import ago, isotime, utcnow, when

blueprint = Blueprint("drafting", __name__)

# What an organisation or consultation slug can look like; anything else (a NUL byte, say,
# which PostgreSQL would refuse) names nothing and is a 404 before any query.
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
HISTORY_PAGE_SIZE = 50
MERGED_MESSAGE = (
    "Saved. Someone else edited this section meanwhile; your changes were merged with theirs."
)
CONFLICT_MESSAGE = (
    "Someone else changed the same part while you were editing. Both versions are kept: "
    "choose what the section should say."
)
KIND_LABELS = {"edit": "Edit", "merge": "Merge", "conflict": "Conflict", "restore": "Restore"}


# --- loading --------------------------------------------------------------------------------


def _valid_id(value: int) -> int:
    if not 0 < value <= MAX_ID:
        abort(404)
    return value


def _organisation_membership(slug: str, action: str) -> Membership:
    if not _SLUG.fullmatch(slug):
        abort(404)
    return load_membership(slug, action)


# Every drafting page starts with these two statements, built once here (building an ORM
# statement with its eager loads costs more than running it): the response with the current
# person's membership of its organisation, in one query; then the section with what the
# section pages show of it: its head revision (text included) and the head's author, its
# question and its assignee.
_RESPONSE_AND_MEMBERSHIP = (
    select(Response, Membership)
    .outerjoin(
        Membership,
        (Membership.organisation_id == Response.organisation_id)
        & (Membership.user_id == bindparam("user_id")),
    )
    .where(Response.id == bindparam("response_id"))
    .options(joinedload(Response.organisation), joinedload(Response.consultation))
)
_SECTION = (
    select(Section)
    .where(Section.id == bindparam("section_id"))
    .options(
        joinedload(Section.head).joinedload(Revision.author),
        joinedload(Section.question),
        joinedload(Section.assignee),
    )
)


def _response_and_membership(response_id: int) -> tuple[Response, Membership]:
    """The response and the current person's membership of its organisation, or 404."""
    found = db.session.execute(
        _RESPONSE_AND_MEMBERSHIP,
        {
            "response_id": _valid_id(response_id),
            "user_id": current_user.id if current_user.is_authenticated else None,
        },
    ).first()
    if found is None:
        abort(404)
    response, membership = found
    if membership is None or not can_view(membership):
        abort(404)
    return response, membership


def _require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def load_response(response_id: int, action: str = "view") -> tuple[Response, Membership]:
    response, membership = _response_and_membership(response_id)
    _require(_allows(membership, action))
    return response, membership


def load_section(
    response_id: int, section_id: int, action: str = "view"
) -> tuple[Response, Section, Membership]:
    """The section of a response the person can see (404 otherwise), then the permission."""
    response, membership = _response_and_membership(response_id)
    section = db.session.scalar(_SECTION, {"section_id": _valid_id(section_id)})
    if section is None or section.response_id != response.id:
        abort(404)
    _require(_allows(membership, action))
    return response, section, membership


def _allows(membership: Membership, action: str) -> bool:
    return {"view": can_view, "draft": can_edit, "comment": can_comment}[action](membership)


def _revision_in(section: Section, revision_id: int) -> Revision:
    revision = db.session.get(Revision, _valid_id(revision_id))
    if revision is None or revision.section_id != section.id:
        abort(404)
    return revision


def _comment_in(section: Section, comment_id: int) -> Comment:
    comment = db.session.get(Comment, _valid_id(comment_id))
    if comment is None or comment.section_id != section.id:
        abort(404)
    return comment


def _suggestion_in(section: Section, suggestion_id: int) -> Suggestion:
    suggestion = db.session.get(Suggestion, _valid_id(suggestion_id))
    if suggestion is None or suggestion.section_id != section.id:
        abort(404)
    return suggestion


# --- small presentation helpers -------------------------------------------------------------


def section_label(section: Section | services.SectionOverview) -> str:
    """How a section is named in lists: "Question 3", or its own title."""
    if section.kind == "question" and section.number is not None:
        return f"Question {section.number}"
    return section.title


class SectionLinks:
    """The addresses of a response's section pages, each built once per page with url_for
    and a placeholder id, then filled in per section: `links("editor", section.id)`. A
    40-section dashboard would otherwise call url_for three times a row."""

    ENDPOINTS = ("editor", "history", "manage_section")

    def __init__(self, response: Response) -> None:
        placeholder = str(MAX_ID)
        self._parts: dict[str, tuple[str, str]] = {}
        for name in self.ENDPOINTS:
            url = url_for(f"drafting.{name}", response_id=response.id, section_id=MAX_ID)
            head, _, tail = url.rpartition(placeholder)  # the section id comes last
            self._parts[name] = (head, tail)

    def __call__(self, name: str, section_id: int) -> str:
        head, tail = self._parts[name]
        return f"{head}{section_id}{tail}"


def _word_limit(section: Section) -> int | None:
    return section.question.word_limit if section.question is not None else None


def _is_scale(section: Section) -> bool:
    return section.question is not None and section.question.kind == "scale"


def _closing(consultation: Consultation) -> dict | None:
    """The closing date in words: days left, today, or closed."""
    if consultation.closes_at is None:
        return None
    now = utcnow()
    closes = consultation.closes_at
    if closes <= now:
        return {"closed": True, "date": closes, "text": "Closed"}
    days = (closes.date() - now.date()).days
    text = "Closes today" if days == 0 else f"{days} day{'' if days == 1 else 's'} left"
    return {"closed": False, "date": closes, "text": text, "days": days}


def _profile_heading(response: Response) -> str:
    profile = PROFILES.get(response.profile)
    heading = profile.heading if profile else "Response from {organisation}"
    return heading.replace("{organisation}", response.organisation.name).replace(
        "{consultation}", response.consultation.title
    )


def status_badge(status: str) -> Markup:
    """A section's status as a badge: the words carry the meaning, colour helps. (Built in
    Python, not a Jinja macro: the dashboard and the editor's sidebar show one per section.)"""
    modifier = escape(status.replace("_", "-"))
    label = escape(STATUS_LABELS.get(status, status))
    return Markup(f'<span class="badge badge--status badge--{modifier}">{label}</span>')  # noqa: S704


def word_count_badge(count: int, limit: int | None = None, id: str | None = None) -> Markup:
    """ "240 words", "240 of 500 words" or "640 of 500 words: 140 over": never colour alone."""
    count = int(count)
    over = bool(limit) and count > limit
    attributes = f' id="{escape(id)}"' if id else ""
    if not limit:
        text = f"{count:,} word{'' if count == 1 else 's'}"
    else:
        text = f"{count:,} of {int(limit):,} words"
        if over:
            text += f'<span class="word-count__over">: {count - limit:,} over</span>'
    classes = "word-count word-count--over" if over else "word-count"
    return Markup(f'<span class="{classes}"{attributes}>{text}</span>')  # noqa: S704


def clash_marker(found: list[clashes.OpenClash], url: str) -> str:
    """A section's open clashes as the section table marks them: a link to the (oldest) clash
    screen, saying whose they are when they are not all the viewer's."""
    count = len(found)
    text = "Unresolved clash" if count == 1 else f"{count} unresolved clashes"
    authors = sorted(
        {clash.author or "a former member" for clash in found if clash.author_id != current_user.id}
    )
    whose = f" (by {', '.join(authors)})" if authors else ""
    return f' <a class="badge badge--clash" href="{escape(url)}">{text}{escape(whose)}</a>'


def section_rows(
    sections: list[services.SectionOverview],
    links: SectionLinks,
    can_edit: bool,
    clash_markers: dict[int, str] | None = None,
) -> Markup:
    """The dashboard's table rows, one per section: its name, status (and any open clash the
    viewer may settle), assignee, words, last change and links. Built in Python rather than
    in the template, for the reason the badges are: drawn in Jinja, a 40-section dashboard's
    rows took twice as long, half of the page's rendering."""
    clash_markers = clash_markers or {}
    rows = []
    for section in sections:
        label = escape(section_label(section))
        number = (
            f'<span class="section-table__number">{label}</span>'
            if section.kind == "question"
            else ""
        )
        if section.assignee:
            assignee = escape(section.assignee)
        else:
            assignee = '<span class="muted">nobody</span>'
        if section.changed_at:
            moment = section.changed_at
            change = (
                '<span class="section-table__prefix">Last edit </span>'
                f'<time datetime="{isotime(moment)}" title="{when(moment)}">{ago(moment)}</time>'
                f'<span class="muted"> by {escape(section.changed_by or "a former member")}</span>'
            )
        else:
            change = '<span class="muted">No text yet</span>'
        manage = (
            f'<a href="{links("manage_section", section.id)}">Manage'
            f'<span class="visually-hidden"> {label}</span></a>'
            if can_edit
            else ""
        )
        rows.append(
            f'<tr id="s{section.id}">'
            '<td data-label="Section" class="section-table__section">'
            f"{number} "
            f'<a class="section-table__title" href="{links("editor", section.id)}">'
            f"{escape(section.title)}</a></td>"
            f'<td data-label="Status">{status_badge(section.status)}'
            f"{clash_markers.get(section.id, '')}</td>"
            '<td data-label="Assigned to" class="section-table__who">'
            f'<span class="section-table__prefix">Assigned to </span>{assignee}</td>'
            '<td data-label="Words" class="section-table__words">'
            f"{word_count_badge(section.word_count, section.word_limit)}</td>"
            f'<td data-label="Last change" class="section-table__change">{change}</td>'
            '<td data-label="Links" class="table__actions section-table__links">'
            f'<a href="{links("history", section.id)}">History'
            f'<span class="visually-hidden"> of {label}</span></a> {manage}</td>'
            "</tr>\n"
        )
    return Markup("".join(rows))  # noqa: S704 - every value above is escaped or our own


def section_nav_items(
    sections: list[services.SectionOverview], current_id: int, links: SectionLinks
) -> Markup:
    """The editor's list of sections, one link each with its status and words; the current
    section is marked, and carries the data the live word count updates. Built in Python
    for the reason section_rows is: it is drawn on every editor page, once per section."""
    items = []
    for item in sections:
        number = (
            f'<span class="section-nav__number">{item.number}.</span> '
            if item.kind == "question"
            else ""
        )
        current = meta = ""
        if item.id == current_id:
            current = ' aria-current="page"'
            meta = " data-nav-words"
            if item.word_limit:
                meta += f' data-limit="{item.word_limit}"'
        items.append(
            f'<li><a href="{links("editor", item.id)}"{current}>'
            f'<span class="section-nav__name">{number}{escape(item.title)}</span> '
            f'<span class="section-nav__meta"{meta}>{status_badge(item.status)} '
            f"{word_count_badge(item.word_count, item.word_limit)}</span></a></li>\n"
        )
    return Markup("".join(items))  # noqa: S704 - every value above is escaped or our own


@blueprint.context_processor
def _drafting_globals() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "kind_labels": KIND_LABELS,
        "section_label": section_label,
        "profiles": PROFILES,
        "status_badge_html": status_badge,
        "word_count_html": word_count_badge,
        "section_rows": section_rows,
        "section_nav_items": section_nav_items,
    }


# --- an organisation's responses ------------------------------------------------------------


@blueprint.get("/o/<slug>/responses")
def responses(slug: str):
    membership = _organisation_membership(slug, "view")
    return render_template(
        "drafting/list.html",
        membership=membership,
        organisation=membership.organisation,
        responses=services.responses_of(membership.organisation),
        can_edit=can_edit(membership),
    )


@blueprint.route("/o/<slug>/responses/new", methods=["GET", "POST"])
def new_response(slug: str):
    membership = _organisation_membership(slug, "draft")
    organisation = membership.organisation
    consultations = visible_consultations(organisation)
    form = NewResponseForm()
    form.consultation.choices = choices([(c.slug, c.title) for c in consultations])
    if request.method == "GET":
        wanted = request.args.get("consultation", "")
        slugs = [c.slug for c in consultations]
        form.consultation.data = wanted if wanted in slugs else (slugs[0] if slugs else None)
    if form.validate_on_submit():
        consultation = next(c for c in consultations if c.slug == form.consultation.data)
        try:
            response = services.create_response(
                membership, consultation, form.title.data or "", form.profile.data
            )
        except services.DraftingError as error:
            db.session.rollback()
            form.profile.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                f"Your response is ready, with a section for each of the "
                f"{len(consultation.questions)} questions. Assign sections to share the work.",
                "success",
            )
            return redirect(url_for("drafting.dashboard", response_id=response.id))
    return render_template(
        "drafting/new.html",
        form=form,
        membership=membership,
        organisation=organisation,
        consultations=consultations,
        closing={c.id: _closing(c) for c in consultations},
    ), 422 if form.errors else 200


# --- the response dashboard -----------------------------------------------------------------


def _dashboard_page(
    response: Response,
    membership: Membership,
    *,
    add_form: AddSectionForm | None = None,
    settings_form: ResponseSettingsForm | None = None,
    status: int = 200,
):
    """The dashboard: an overview of the sections (status, assignee, words, last change) with
    links to each one's editor, history and "Manage" page, the activity feed and, for
    editors, adding sections, reinstating removed ones and the response's settings.

    It holds only a handful of forms: changing one section (its status, assignee, title,
    place) happens on that section's Manage page or in its editor, so a 40-section response
    is a compact page that renders quickly."""
    editing = can_edit(membership)
    rows = services.section_overview(response, with_removed=True)
    sections = [row for row in rows if row.removed_at is None]
    counts = Counter(section.status for section in sections)
    open_clashes = (
        clashes.by_section(
            clashes.open_clashes(response, current_user, everyone=can_settle_any_clash(membership))
        )
        if editing
        else {}
    )
    return render_template(
        "drafting/dashboard.html",
        response=response,
        membership=membership,
        organisation=response.organisation,
        consultation=response.consultation,
        sections=sections,
        links=SectionLinks(response),
        clash_markers={
            section_id: clash_marker(
                found,
                url_for(
                    "drafting.conflict",
                    response_id=response.id,
                    section_id=section_id,
                    revision_id=found[0].revision_id,
                ),
            )
            for section_id, found in open_clashes.items()
        },
        removed=rows[len(sections) :] if editing else [],  # they come after the live ones
        activity=services.recent_activity(response, limit=12),
        section_by_id={row.id: row for row in rows},  # the activity feed names its sections
        counts=counts,
        total_words=services.total_words(sections),
        word_limit=services.word_limit(response),
        profile=PROFILES.get(response.profile),
        closing=_closing(response.consultation),
        can_edit=editing,
        # The signing pages are built separately: link to them once they exist.
        signing=_has_endpoint("signing.versions"),
        add_form=add_form or AddSectionForm(formdata=None),
        settings_form=settings_form
        or ResponseSettingsForm(formdata=None, title=response.title, profile=response.profile),
    ), status


def _has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


@blueprint.get("/responses/<int:response_id>")
def dashboard(response_id: int):
    response, membership = load_response(response_id)
    return _dashboard_page(response, membership)


@blueprint.post("/responses/<int:response_id>/settings")
def update_settings(response_id: int):
    response, membership = load_response(response_id, "draft")
    form = ResponseSettingsForm()
    if form.validate_on_submit():
        try:
            services.update_response(response, current_user, form.title.data, form.profile.data)
        except services.DraftingError as error:
            db.session.rollback()
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            flash("The response's settings are saved.", "success")
            return redirect(url_for("drafting.dashboard", response_id=response.id))
    return _dashboard_page(response, membership, settings_form=form, status=422)


@blueprint.post("/responses/<int:response_id>/sections")
def add_section(response_id: int):
    response, membership = load_response(response_id, "draft")
    form = AddSectionForm()
    if form.validate_on_submit():
        try:
            section = services.add_section(current_user, response, form.new_title.data)
        except services.DraftingError as error:
            db.session.rollback()
            form.new_title.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Section “{section.title}” added.", "success")
            return redirect(
                url_for("drafting.dashboard", response_id=response.id, _anchor=f"s{section.id}")
            )
    return _dashboard_page(response, membership, add_form=form, status=422)


# --- managing one section -------------------------------------------------------------------


def _manage_page(
    response: Response,
    section: Section,
    membership: Membership,
    *,
    details_form: SectionDetailsForm | None = None,
    rename_form: RenameSectionForm | None = None,
    status: int = 200,
):
    """One section's Manage page: its status and assignee (one form), title, place in the
    response and removal; for a removed section, reinstating it. A form that failed comes
    back with its message and the person's input."""
    sections = services.section_overview(response)
    position = next((i for i, s in enumerate(sections) if s.id == section.id), None)
    members = services.assignable_members(response)
    if details_form is None:
        details_form = SectionDetailsForm.for_section(section).limit_to(members)
    return render_template(
        "drafting/manage.html",
        response=response,
        section=section,
        membership=membership,
        organisation=response.organisation,
        sections=sections,
        position=position,
        previous=sections[position - 1] if position else None,
        next=sections[position + 1]
        if position is not None and position + 1 < len(sections)
        else None,
        details_form=details_form,
        rename_form=rename_form or RenameSectionForm(formdata=None, title=section.title),
        links=SectionLinks(response),
    ), status


def _back_to(response: Response, section: Section):
    """After a change to a section go back where it was made: the editor (`?back=editor`)
    or the section's Manage page."""
    if request.args.get("back") == "editor":
        return redirect(url_for("drafting.editor", response_id=response.id, section_id=section.id))
    return redirect(
        url_for("drafting.manage_section", response_id=response.id, section_id=section.id)
    )


@blueprint.route(
    "/responses/<int:response_id>/sections/<int:section_id>/manage", methods=["GET", "POST"]
)
def manage_section(response_id: int, section_id: int):
    """GET: the Manage page. POST: its main form, the section's status and assignee (also
    sent from the editor page, with `?back=editor`)."""
    response, section, membership = load_section(response_id, section_id, "draft")
    if request.method == "GET":
        return _manage_page(response, section, membership)
    members = services.assignable_members(response)
    form = SectionDetailsForm().limit_to(members)
    if form.validate_on_submit():
        assignee = next((user for user in members if str(user.id) == form.assignee.data), None)
        try:
            status_changed, assignee_changed = form.changed()
            services.update_section(
                current_user,
                section,
                form.status.data if status_changed else None,
                assignee,
                assign=assignee_changed,
            )
        except services.DraftingError as error:
            db.session.rollback()
            form.assignee.errors.append(str(error))
        else:
            db.session.commit()
            who = f"assigned to {assignee.name}" if assignee else "not assigned to anyone"
            flash(
                f"“{section_label(section)}” is {STATUS_LABELS[section.status].lower()} and {who}.",
                "success",
            )
            return _back_to(response, section)
    return _manage_page(response, section, membership, details_form=form, status=422)


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/rename")
def rename_section(response_id: int, section_id: int):
    response, section, membership = load_section(response_id, section_id, "draft")
    form = RenameSectionForm()
    if form.validate_on_submit():
        try:
            services.rename_section(current_user, section, form.title.data)
        except services.DraftingError as error:
            db.session.rollback()
            form.title.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Section renamed to “{section.title}”.", "success")
            return _back_to(response, section)
    return _manage_page(response, section, membership, rename_form=form, status=422)


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/move")
def move_section(response_id: int, section_id: int):
    """One form with two buttons, "Move up" and "Move down" (the button sends `direction`)."""
    response, section, _membership = load_section(response_id, section_id, "draft")
    form = MoveSectionForm()
    if form.validate_on_submit():
        if section.removed_at is None:
            services.move_section(current_user, section, form.direction.data)
            db.session.commit()
            flash(f"“{section_label(section)}” moved {form.direction.data}.", "success")
    else:
        flash("Move a section with its “Move up” and “Move down” buttons.", "error")
    return _back_to(response, section)


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/remove")
def remove_section(response_id: int, section_id: int):
    response, section, _membership = load_section(response_id, section_id, "draft")
    if ActionForm().validate_on_submit():
        try:
            services.remove_section(current_user, section)
        except services.DraftingError as error:
            db.session.rollback()
            flash(str(error), "error")
            return _back_to(response, section)
        db.session.commit()
        flash(
            f"“{section.title}” was removed. Its text and history are kept: reinstate it "
            "from “Removed sections”.",
            "success",
        )
    return redirect(url_for("drafting.dashboard", response_id=response.id, _anchor="removed"))


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/reinstate")
def reinstate_section(response_id: int, section_id: int):
    response, section, _membership = load_section(response_id, section_id, "draft")
    if ActionForm().validate_on_submit() and section.removed_at is not None:
        services.restore_section(current_user, section)
        db.session.commit()
        flash(f"“{section.title}” is back, at the end of the response.", "success")
    return redirect(
        url_for("drafting.dashboard", response_id=response.id, _anchor=f"s{section.id}")
    )


# --- the whole response, as the recipient reads it ------------------------------------------


@blueprint.get("/responses/<int:response_id>/preview")
def preview(response_id: int):
    """The current text through the one response renderer (markdown.render_response), as the
    API's /html and the exports show it, with the draft's gaps pointed out."""
    response, membership = load_response(response_id)
    sections = services.live_sections(response)
    consultation = response.consultation
    subtitle = f"Response to: {consultation.title}"
    if consultation.publisher:
        subtitle += f" ({consultation.publisher})"
    document = render_response(
        response,
        sections,
        heading=_profile_heading(response),
        subtitle=subtitle,
        contents=True,
        placeholders=True,
    )
    return render_template(
        "drafting/preview.html",
        response=response,
        membership=membership,
        organisation=response.organisation,
        consultation=consultation,
        document=Markup(document),  # noqa: S704 - escaped and sanitised by render_response
        profile=PROFILES.get(response.profile),
        total_words=services.total_words(sections),
        word_limit=services.word_limit(response),
    )


# --- the editor -----------------------------------------------------------------------------


def _editor_page(
    response: Response,
    section: Section,
    membership: Membership,
    *,
    form: SectionForm | None = None,
    comment_form: CommentForm | None = None,
    suggestion_form: SuggestionForm | None = None,
    reply: tuple[int, ReplyForm] | None = None,
    status: int = 200,
):
    """The editor page. A fixed number of queries, however many sections or revisions the
    response has (tests/drafting/test_editor_queries.py holds it to that): the sidebar lists
    the sections as overview rows (plain values, one query), and load_section brought the
    section itself with its head, the head's author, its question and its assignee."""
    sections = services.section_overview(response)
    head = section.head
    editing = can_edit(membership) and section.removed_at is None
    members = services.assignable_members(response) if editing else []
    if form is None:
        form = SectionForm(
            formdata=None,
            body=section.body,
            choice=section.choice or "",
            base_revision=section.head_revision_id,
        )
        body_words = section.word_count  # counted when the head was saved
    else:
        body_words = word_count(form.body.data or "")  # the person's unsaved text
    suggestions = services.open_suggestions(section)
    # The section's open clashes, for those who may settle them: the author's own, or all
    # of them for an owner or a coordinator.
    open_clashes = (
        clashes.open_clashes_in(section, current_user, everyone=can_settle_any_clash(membership))
        if can_edit(membership)
        else []
    )
    position = next((i for i, s in enumerate(sections) if s.id == section.id), None)
    api_base = f"{request.script_root}/api/v1/responses/{response.id}/sections/{section.id}"
    return render_template(
        "drafting/editor.html",
        response=response,
        section=section,
        membership=membership,
        organisation=response.organisation,
        sections=sections,
        # One section per question, made with the response and never removed: counted here
        # rather than by loading the consultation's questions.
        question_count=sum(1 for item in sections if item.kind == "question"),
        total_words=services.total_words(sections),
        response_word_limit=services.word_limit(response),
        position=position,
        previous=sections[position - 1] if position else None,
        next=sections[position + 1]
        if position is not None and position + 1 < len(sections)
        else None,
        head=head,
        head_author=head.author if head else None,
        revision_count=services.revision_count(section),
        open_clashes=open_clashes,
        word_limit=_word_limit(section),
        scale=_is_scale(section),
        options=section.question.options if _is_scale(section) else [],
        wording_verified=section.question.wording_verified if section.question else None,
        form=form,
        body_words=body_words,
        can_edit=editing,
        may_draft=can_edit(membership),
        can_comment=can_comment(membership),
        can_suggest=can_suggest(membership) and section.removed_at is None,
        can_decide=can_decide_suggestion(membership, section) and section.removed_at is None,
        threads=services.comment_threads(section),
        suggestions=suggestions,
        suggestion_ops={
            s.id: readable_ops(s.base_revision.body if s.base_revision else "", s.body)
            for s in suggestions
        },
        others=services.others_present(section, current_user),
        comment_form=comment_form or CommentForm(formdata=None),
        suggestion_form=suggestion_form
        or SuggestionForm(
            formdata=None, suggestion=section.body, suggestion_base=section.head_revision_id
        ),
        reply=reply,
        members=members,  # the assignee choices of the status and assignment form
        links=SectionLinks(response),
        api={
            "save": api_base,
            "presence": f"{api_base}/presence",
            "preview": f"{request.script_root}/api/v1/preview",
        },
    ), status


def _after_save(
    response: Response,
    section: Section,
    outcome: services.SaveOutcome,
    saved: str,
    suggestion: Suggestion | None = None,
):
    """Where a save leads: the conflict screen (carrying the suggestion being accepted, if
    that is what clashed), or back to the editor with what happened."""
    if outcome.conflict is not None:
        flash(CONFLICT_MESSAGE, "warning")
        return redirect(
            url_for(
                "drafting.conflict",
                response_id=response.id,
                section_id=section.id,
                revision_id=outcome.revision.id,
                suggestion=suggestion.id if suggestion else None,
            )
        )
    if outcome.merged:
        flash(MERGED_MESSAGE, "success")
    elif outcome.unchanged:
        flash("Saved. Nothing had changed since the last save.", "success")
    else:
        flash(saved, "success")
    return redirect(url_for("drafting.editor", response_id=response.id, section_id=section.id))


def _save_error_field(form: SectionForm, message: str):
    """Where a refused save's message belongs: the answer choice, or the text."""
    return form.choice if "choice" in message.lower() or "Choose one" in message else form.body


def _without_control_characters(form) -> None:
    """The text comes back to the page without the NUL or other control characters that
    stopped the save (the message says they were taken out)."""
    for field in form:
        if isinstance(field.data, str) and services.has_control_characters(field.data):
            field.data = services.CONTROL_CHARACTERS.sub("", field.data)


@blueprint.route("/responses/<int:response_id>/sections/<int:section_id>", methods=["GET", "POST"])
def editor(response_id: int, section_id: int):
    response, section, membership = load_section(response_id, section_id)
    if request.method == "GET":
        return _editor_page(response, section, membership)
    _require(can_edit(membership))
    form = SectionForm()
    if form.validate_on_submit():
        try:
            outcome = services.save_section(
                current_user,
                section,
                form.body.data or "",
                form.choice.data or None,
                form.base_revision.data,
            )
        except services.DraftingError as error:
            db.session.rollback()
            _save_error_field(form, str(error)).errors.append(str(error))
        else:
            db.session.commit()
            return _after_save(response, section, outcome, "Saved")
    _without_control_characters(form)
    return _editor_page(response, section, membership, form=form, status=422)


# --- history --------------------------------------------------------------------------------


def _int_arg(name: str) -> int | bool | None:
    """A whole-number query argument: the number, None when absent, False when unusable."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        return False
    return int(raw)


@blueprint.get("/responses/<int:response_id>/sections/<int:section_id>/history")
def history(response_id: int, section_id: int):
    """One page of revisions (their text is not loaded) and the word diff between two of
    them, `from` and `to` (any revisions of the section, on any page); by default the head
    and the revision it was made from."""
    response, section, membership = load_section(response_id, section_id)
    revisions, total = services.revision_page(section, _int_arg("page") or 1, HISTORY_PAGE_SIZE)
    pages = max(1, -(-total // HISTORY_PAGE_SIZE))
    page = min(_int_arg("page") or 1, pages)
    problem = None
    from_id, to_id = _int_arg("from"), _int_arg("to")
    from_revision = to_revision = None
    if from_id is False or to_id is False:
        problem = "Choose two revisions of this section to compare."
    else:
        to_revision = services.find_revision(section, to_id) if to_id else None
        from_revision = services.find_revision(section, from_id) if from_id else None
        if (to_id and to_revision is None) or (from_id and from_revision is None):
            problem = "Choose two revisions of this section to compare."
            from_revision = to_revision = None
            from_id = None
    if to_revision is None:
        to_revision = section.head
        if to_revision is None and total:
            to_revision = services.revision_page(section, 1, 1)[0][0]
    if from_revision is None and not from_id and to_revision and to_revision.parent_id:
        from_revision = services.find_revision(section, to_revision.parent_id)
    ops = (
        readable_ops(from_revision.body if from_revision else "", to_revision.body)
        if to_revision
        else []
    )
    return render_template(
        "drafting/history.html",
        response=response,
        section=section,
        membership=membership,
        organisation=response.organisation,
        revisions=revisions,
        revision_count=total,
        page=page,
        pages=pages,
        from_revision=from_revision,
        to_revision=to_revision,
        ops=ops,
        problem=problem,
        can_edit=can_edit(membership) and section.removed_at is None,
    ), 400 if problem else 200


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/restore/<int:revision_id>")
def restore(response_id: int, section_id: int, revision_id: int):
    response, section, _membership = load_section(response_id, section_id, "draft")
    revision = _revision_in(section, revision_id)
    if ActionForm().validate_on_submit():
        try:
            restored = services.restore_revision(current_user, section, revision)
        except services.DraftingError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                f"Revision {revision.number} is the current text again "
                f"(saved as revision {restored.number}; nothing was deleted).",
                "success",
            )
            return redirect(
                url_for("drafting.editor", response_id=response.id, section_id=section.id)
            )
    return redirect(url_for("drafting.history", response_id=response.id, section_id=section.id))


# --- comments -------------------------------------------------------------------------------


def _to_comments(response: Response, section: Section):
    return redirect(
        url_for(
            "drafting.editor", response_id=response.id, section_id=section.id, _anchor="comments"
        )
    )


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/comments")
def add_comment(response_id: int, section_id: int):
    response, section, membership = load_section(response_id, section_id, "comment")
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(current_user, section, form.comment.data, form.quote.data or None)
        except services.DraftingError as error:
            db.session.rollback()
            form.comment.errors.append(str(error))
        else:
            db.session.commit()
            flash("Comment added.", "success")
            return _to_comments(response, section)
    _without_control_characters(form)
    return _editor_page(response, section, membership, comment_form=form, status=422)


@blueprint.post(
    "/responses/<int:response_id>/sections/<int:section_id>/comments/<int:comment_id>/replies"
)
def reply_to_comment(response_id: int, section_id: int, comment_id: int):
    response, section, membership = load_section(response_id, section_id, "comment")
    comment = _comment_in(section, comment_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.add_comment(current_user, section, form.reply.data, parent=comment)
        except services.DraftingError as error:
            db.session.rollback()
            form.reply.errors.append(str(error))
        else:
            db.session.commit()
            flash("Reply added.", "success")
            return _to_comments(response, section)
    _without_control_characters(form)
    return _editor_page(response, section, membership, reply=(comment.id, form), status=422)


@blueprint.post(
    "/responses/<int:response_id>/sections/<int:section_id>/comments/<int:comment_id>/resolve"
)
def resolve_comment(response_id: int, section_id: int, comment_id: int):
    response, section, _membership = load_section(response_id, section_id, "comment")
    comment = _comment_in(section, comment_id)
    form = ResolveForm()
    if form.validate_on_submit():
        resolved = form.resolved.data == "yes"
        services.set_comment_resolved(current_user, comment, resolved)
        db.session.commit()
        flash("Comment resolved." if resolved else "Comment reopened.", "success")
    else:
        flash("Resolve or reopen a comment with its button.", "error")
    return _to_comments(response, section)


# --- suggested edits ------------------------------------------------------------------------


@blueprint.post("/responses/<int:response_id>/sections/<int:section_id>/suggestions")
def suggest(response_id: int, section_id: int):
    response, section, membership = load_section(response_id, section_id, "comment")
    _require(can_suggest(membership))
    form = SuggestionForm()
    if form.validate_on_submit():
        try:
            services.suggest(
                current_user,
                section,
                form.suggestion.data or "",
                form.suggestion_base.data,
                form.note.data or "",
            )
        except services.DraftingError as error:
            db.session.rollback()
            form.suggestion.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                "Suggestion sent. The section's assignee or a coordinator will accept or "
                "reject it.",
                "success",
            )
            return redirect(
                url_for(
                    "drafting.editor",
                    response_id=response.id,
                    section_id=section.id,
                    _anchor="suggestions",
                )
            )
    _without_control_characters(form)
    return _editor_page(response, section, membership, suggestion_form=form, status=422)


@blueprint.post(
    "/responses/<int:response_id>/sections/<int:section_id>/suggestions/<int:suggestion_id>/accept"
)
def accept_suggestion(response_id: int, section_id: int, suggestion_id: int):
    response, section, membership = load_section(response_id, section_id)
    suggestion = _suggestion_in(section, suggestion_id)
    _require(can_decide_suggestion(membership, section))
    if ActionForm().validate_on_submit():
        try:
            outcome = services.accept_suggestion(current_user, suggestion)
        except services.DraftingError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            if outcome.conflict is not None:
                flash(
                    "The suggestion changes the same part as a later edit. Both versions are "
                    "kept: choose what the section should say. Saving the text accepts the "
                    "suggestion; keeping the current text rejects it.",
                    "warning",
                )
                return redirect(
                    url_for(
                        "drafting.conflict",
                        response_id=response.id,
                        section_id=section.id,
                        revision_id=outcome.revision.id,
                        suggestion=suggestion.id,
                    )
                )
            if outcome.merged:
                flash(
                    "Suggestion accepted and merged with the edits made since it was written.",
                    "success",
                )
            else:
                flash("Suggestion accepted: it is now the section's text.", "success")
    return redirect(
        url_for(
            "drafting.editor", response_id=response.id, section_id=section.id, _anchor="suggestions"
        )
    )


@blueprint.post(
    "/responses/<int:response_id>/sections/<int:section_id>/suggestions/<int:suggestion_id>/reject"
)
def reject_suggestion(response_id: int, section_id: int, suggestion_id: int):
    response, section, membership = load_section(response_id, section_id)
    suggestion = _suggestion_in(section, suggestion_id)
    _require(can_decide_suggestion(membership, section))
    if ActionForm().validate_on_submit():
        try:
            services.reject_suggestion(current_user, suggestion)
        except services.DraftingError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Suggestion rejected. It stays on record.", "success")
    return redirect(
        url_for(
            "drafting.editor", response_id=response.id, section_id=section.id, _anchor="suggestions"
        )
    )


# The person's responses across their organisations: another page on this blueprint.
from consult.drafting import overview_views  # noqa: E402, F401
