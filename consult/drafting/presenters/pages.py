"""Each drafting page's template context, built from models: the response's pages (new,
dashboard, preview), a section's (Manage, editor, history) and the clash screen. The views
load, check and call services; what a page shows is decided here.

Functions that depend on who is looking take the `viewer` (the person) explicitly."""

from __future__ import annotations

from collections import Counter

from flask import current_app, request, url_for
from markupsafe import Markup

from consult.accounts.models import User
from consult.bills.models import Bill
from consult.bills.parts import respondables
from consult.consultations.models import Consultation
from consult.consultations.profiles import BILL_PROFILE, DEFAULT_PROFILE, PROFILES
from consult.drafting import clashes, services
from consult.drafting.diff import readable_ops
from consult.drafting.forms import (
    BILL_CHOICE,
    AddSectionForm,
    AmendmentForm,
    CommentForm,
    ConflictForm,
    NewResponseForm,
    RenameSectionForm,
    ReplyForm,
    ResponseSettingsForm,
    SectionDetailsForm,
    SectionForm,
    SuggestionForm,
)
from consult.drafting.markdown import render_response, word_count
from consult.drafting.models import (
    POSITION_LABELS,
    ClashSettlement,
    Response,
    Revision,
    Section,
    Suggestion,
)
from consult.drafting.permissions import (
    can_comment,
    can_decide_suggestion,
    can_edit,
    can_open_clash,
    can_settle_any_clash,
    can_suggest,
)
from consult.drafting.presenters import bills as bill_presenters
from consult.drafting.presenters.fragments import SectionLinks, clash_marker
from consult.organisations.models import Membership
from consult.timeutil import utcnow

HISTORY_PAGE_SIZE = 50
FORMER_MEMBER = "A former member"
COMPARE_PROBLEM = "Choose two revisions of this section to compare."


# --- facts a page states ----------------------------------------------------------------------


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
        "{consultation}", response.subject.title
    )


def _neighbours(sections: list[services.SectionOverview], section: Section) -> dict:
    """Where the section is in the response, and the sections before and after it."""
    position = next((i for i, s in enumerate(sections) if s.id == section.id), None)
    return {
        "position": position,
        "previous": sections[position - 1] if position else None,
        "next": sections[position + 1]
        if position is not None and position + 1 < len(sections)
        else None,
    }


def _page(response: Response, membership: Membership) -> dict:
    """What every page of a response names: the response, the person's membership and the
    organisation."""
    return {
        "response": response,
        "membership": membership,
        "organisation": response.organisation,
    }


# --- the pages of a response --------------------------------------------------------------------


def new_response_page(
    membership: Membership,
    consultations: list[Consultation],
    form: NewResponseForm,
    bills: list[Bill] = (),
) -> dict:
    """Starting a response: the consultations open to the organisation, with their closing
    dates in words, and its bills with their clauses to choose from."""
    ticked = set(form.clauses.data or [])
    return {
        "form": form,
        "membership": membership,
        "organisation": membership.organisation,
        "consultations": consultations,
        "closing": {c.id: _closing(c) for c in consultations},
        "bill_profile": BILL_PROFILE,
        "default_profile": DEFAULT_PROFILE,
        "bills": [
            {
                **bill_presenters.bill_facts(bill),
                "value": BILL_CHOICE + bill.slug,
                "provisions": [
                    {
                        "value": f"{bill.slug}:{choice.value}",
                        "label": choice.title,
                        "kind": choice.kind,
                        "heading": None,
                        "ticked": f"{bill.slug}:{choice.value}" in ticked,
                    }
                    for choice in respondables(bill.current_print.provisions)
                ],
            }
            for bill in bills
        ],
    }


def dashboard_page(
    response: Response,
    membership: Membership,
    viewer: User,
    *,
    add_form: AddSectionForm | None = None,
    settings_form: ResponseSettingsForm | None = None,
) -> dict:
    """The dashboard: an overview of the sections (status, assignee, words, last change) with
    links to each one's editor, history and "Manage" page, the activity feed and, for
    editors, adding sections, reinstating removed ones and the response's settings.

    It holds only a handful of forms: changing one section (its status, assignee, title,
    place) happens on that section's Manage page or in its editor, so a 40-section response
    is a compact page that renders quickly."""
    editing = can_edit(membership)
    rows = services.section_overview(response, with_removed=True)
    sections = [row for row in rows if row.removed_at is None]
    open_clashes = (
        clashes.by_section(
            clashes.open_clashes(response, viewer, everyone=can_settle_any_clash(membership))
        )
        if editing
        else {}
    )
    return {
        **_page(response, membership),
        "consultation": response.subject,
        "subject_line": bill_presenters.subject_line(response),
        "sections": sections,
        # A bill's amendments are listed on their own, in House style, below the table.
        "table_sections": [section for section in sections if section.kind != "amendment"],
        **bill_presenters.dashboard_extras(response),
        "links": SectionLinks(response),
        "clash_markers": {
            section_id: clash_marker(
                found,
                url_for(
                    "drafting.conflict",
                    response_id=response.id,
                    section_id=section_id,
                    revision_id=found[0].revision_id,
                ),
                viewer,
            )
            for section_id, found in open_clashes.items()
        },
        "present": services.present_in_response(response.id, viewer),
        "presence_url": url_for("api.response_presence", response_id=response.id),
        "removed": rows[len(sections) :] if editing else [],  # they come after the live ones
        "activity": services.recent_activity(response, limit=12),
        "section_by_id": {row.id: row for row in rows},  # the activity feed names its sections
        "counts": Counter(section.status for section in sections),
        "total_words": services.total_words(sections),
        "word_limit": services.word_limit(response),
        "profile": PROFILES.get(response.profile),
        "closing": _closing(response.subject),
        "can_edit": editing,
        # The signing pages are built separately: link to them once they exist.
        "signing": "signing.versions" in current_app.view_functions,
        "add_form": add_form or AddSectionForm(formdata=None),
        "settings_form": settings_form
        or ResponseSettingsForm(formdata=None, title=response.title, profile=response.profile),
    }


def preview_page(response: Response, membership: Membership) -> dict:
    """The current text through the one response renderer (markdown.render_response), as the
    API's /html and the exports show it, with the draft's gaps pointed out."""
    sections = services.live_sections(response)
    consultation = response.subject
    if response.bill is not None:
        subtitle = bill_presenters.subject_line(response)
    else:
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
    return {
        **_page(response, membership),
        "consultation": consultation,
        "document": Markup(document),  # noqa: S704 - escaped and sanitised by render_response
        "profile": PROFILES.get(response.profile),
        "total_words": services.total_words(sections),
        "word_limit": services.word_limit(response),
    }


# --- the pages of a section ---------------------------------------------------------------------


def manage_page(
    response: Response,
    section: Section,
    membership: Membership,
    *,
    details_form: SectionDetailsForm | None = None,
    rename_form: RenameSectionForm | None = None,
) -> dict:
    """One section's Manage page: its status and assignee (one form), title, place in the
    response and removal; for a removed section, reinstating it. A form that failed comes
    back with its message and the person's input."""
    sections = services.section_overview(response)
    if details_form is None:
        members = services.assignable_members(response)
        details_form = SectionDetailsForm.for_section(section).limit_to(members)
    return {
        **_page(response, membership),
        "section": section,
        "sections": sections,
        **_neighbours(sections, section),
        "details_form": details_form,
        "rename_form": rename_form or RenameSectionForm(formdata=None, title=section.title),
        "links": SectionLinks(response),
    }


def editor_page(
    response: Response,
    section: Section,
    membership: Membership,
    viewer: User,
    *,
    form: SectionForm | None = None,
    comment_form: CommentForm | None = None,
    suggestion_form: SuggestionForm | None = None,
    reply: tuple[int, ReplyForm] | None = None,
    amendment: dict | None = None,
    quote: str | None = None,
) -> dict:
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
        clashes.open_clashes_in(section, viewer, everyone=can_settle_any_clash(membership))
        if can_edit(membership)
        else []
    )
    scale = _is_scale(section)
    api_base = f"{request.script_root}/api/v1/responses/{response.id}/sections/{section.id}"
    return {
        **_page(response, membership),
        "section": section,
        "sections": sections,
        # One section per question, made with the response and never removed: counted here
        # rather than by loading the consultation's questions.
        "question_count": sum(1 for item in sections if item.kind == "question"),
        "total_words": services.total_words(sections),
        "response_word_limit": services.word_limit(response),
        **_neighbours(sections, section),
        "head": head,
        "head_author": head.author if head else None,
        "revision_count": services.revision_count(section),
        "open_clashes": open_clashes,
        "word_limit": section.question.word_limit if section.question is not None else None,
        "scale": scale,
        "options": section.question.options if scale else [],
        "wording_verified": section.question.wording_verified if section.question else None,
        "form": form,
        "body_words": body_words,
        "can_edit": editing,
        "may_draft": can_edit(membership),
        "can_comment": can_comment(membership),
        "can_suggest": can_suggest(membership) and section.removed_at is None,
        "can_decide": can_decide_suggestion(membership, section) and section.removed_at is None,
        "threads": services.comment_threads(section),
        "suggestions": suggestions,
        "suggestion_ops": {
            s.id: readable_ops(s.base_revision.body if s.base_revision else "", s.body)
            for s in suggestions
        },
        "others": services.others_present(section, viewer),
        "comment_form": comment_form or CommentForm(formdata=None, quote=quote),
        "quoting": quote is not None,
        "suggestion_form": suggestion_form
        or SuggestionForm(
            formdata=None, suggestion=section.body, suggestion_base=section.head_revision_id
        ),
        "reply": reply,
        "members": members,  # the assignee choices of the status and assignment form
        "links": SectionLinks(response),
        "api": {
            "save": api_base,
            "presence": f"{api_base}/presence",
            "preview": f"{request.script_root}/api/v1/preview",
        },
        **_bill_editor(response, section, editing, amendment),
    }


def _bill_editor(
    response: Response, section: Section, editing: bool, amendment: dict | None
) -> dict:
    """What a bill's clause or amendment section adds to the editor: the clause's text
    beside the response and its positions, or the amendment's form (as it failed, or drawn
    from the head revision) and its House style."""
    if response.bill is None or section.kind not in ("clause", "amendment"):
        return {"bill_section": None}
    if section.kind == "clause":
        return {"bill_section": "clause", **bill_presenters.clause_context(response, section)}
    entry = bill_presenters.amendment_entry(response, section)
    if amendment is None:
        values = bill_presenters.amendment_values(section)
        form = AmendmentForm.for_amendment(values or {}, section.head_revision_id)
        amendment = bill_presenters.amendment_form_context(response, form)
    return {
        "bill_section": "amendment",
        "amendment_entry": entry,
        # A suggested edit of an amendment is its text, one field a line: how to write it.
        "amendment_format": bill_presenters.amendment_format(),
        **amendment,
    }


def history_page(
    response: Response,
    section: Section,
    membership: Membership,
    page: int,
    from_id: int | bool | None,
    to_id: int | bool | None,
) -> dict:
    """One page of revisions (their text is not loaded) and the word diff between two of
    them, `from` and `to` (any revisions of the section, on any page; False: an unusable
    number); by default the head and the revision it was made from. `problem` says when
    the two asked for cannot be compared."""
    revisions, total = services.revision_page(section, page, HISTORY_PAGE_SIZE)
    pages = max(1, -(-total // HISTORY_PAGE_SIZE))
    problem = None
    from_revision = to_revision = None
    if from_id is False or to_id is False:
        problem = COMPARE_PROBLEM
    else:
        to_revision = services.find_revision(section, to_id) if to_id else None
        from_revision = services.find_revision(section, from_id) if from_id else None
        if (to_id and to_revision is None) or (from_id and from_revision is None):
            problem = COMPARE_PROBLEM
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
    return {
        **_page(response, membership),
        "section": section,
        "revisions": revisions,
        "revision_count": total,
        "page": min(page, pages),
        "pages": pages,
        "from_revision": from_revision,
        "to_revision": to_revision,
        "ops": ops,
        "problem": problem,
        "can_edit": can_edit(membership) and section.removed_at is None,
        **_bill_versions(response, section, to=to_revision, **{"from": from_revision}),
    }


# --- the clash screen ---------------------------------------------------------------------------


def whose(clash: Revision, viewer: User) -> dict[str, object]:
    """How the page names the clash's author to the person looking: "Your edit" to the
    author, "Eddie Editor's edit" to a coordinator settling it for them."""
    own = clash.author_id == viewer.id
    name = clash.author.name if clash.author is not None else FORMER_MEMBER
    return {"own": own, "author_name": name, "possessive": "Your" if own else f"{name}'s"}


def conflict_page(
    response: Response,
    section: Section,
    membership: Membership,
    viewer: User,
    yours: Revision,
    *,
    form: ConflictForm | None = None,
    suggestion: Suggestion | None = None,
) -> dict:
    """The person's clashing edit beside the current text, both as changes from the text
    they started from, and the form that settles it."""
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
    scale = _is_scale(section)
    return {
        **_page(response, membership),
        "section": section,
        "base": base,
        "theirs": theirs,
        "yours": yours,
        "suggestion": suggestion,
        "theirs_ops": readable_ops(base_body, theirs.body if theirs else ""),
        "yours_ops": readable_ops(base_body, yours.body),
        "scale": scale,
        "options": section.question.options if scale else [],
        "form": form,
        **whose(yours, viewer),
        **_bill_versions(response, section, theirs=theirs, yours=yours),
    }


def _bill_versions(response: Response, section: Section, **revisions: Revision | None) -> dict:
    """For a bill's sections, what the clash and history pages add: a clause's positions
    (its choice), and each revision of an amendment in House style, so two amendments are
    compared as they would be printed as well as field by field."""
    if response.bill is None or section.kind not in ("clause", "amendment"):
        return {"positions": [], "house_styles": {}, "amendment_format": None}
    amendment = section.kind == "amendment"
    return {
        "amendment_format": bill_presenters.amendment_format() if amendment else None,
        "positions": list(POSITION_LABELS.items()) if section.kind == "clause" else [],
        "house_styles": {
            name: bill_presenters.rendered_revision(response, revision.body)
            for name, revision in revisions.items()
            if revision is not None and section.kind == "amendment"
        },
    }


def _settled_line(clash: Revision, settlement: ClashSettlement, viewer: User) -> tuple[str, str]:
    """Who settled the clash and how, in two parts around "3 minutes ago": ("Cora
    Coordinator settled it on your behalf", ", keeping the text as it was")."""
    by = settlement.settled_by
    if by is not None and by.id == viewer.id:
        who = "You"
    else:
        who = by.name if by is not None else FORMER_MEMBER
    behalf = ""
    if clash.author_id == viewer.id and (by is None or by.id != viewer.id):
        behalf = " on your behalf"
    if settlement.outcome == "resolved":
        return f"{who} resolved it{behalf}", ""
    if settlement.outcome == "dismissed":
        return f"{who} settled it{behalf}", ", keeping the text as it was"
    return (
        f"{who} saved from it again{behalf}",
        ", and that save clashed too: a newer clash replaces this one",
    )


def settled_page(
    response: Response,
    section: Section,
    membership: Membership,
    viewer: User,
    clash: Revision,
    settlement: ClashSettlement,
    sent: ConflictForm | None = None,
) -> dict:
    """The page of a clash settled already: who settled it and how, and the current text.
    With `sent` (a form posted from a stale page), the text it carried, nothing saved."""
    newer = None
    if settlement.outcome == "replaced" and settlement.result_revision is not None:
        newer = settlement.result_revision
        if not can_open_clash(membership, newer):
            newer = None
    lead, tail = _settled_line(clash, settlement, viewer)
    sent_body = sent_choice = sent_base = None
    if sent is not None:
        mine = sent.resolution.data == "mine"
        sent_body = clash.body if mine else sent.body.data or ""
        sent_choice = clash.choice if mine else sent.choice.data or None
        sent_base = sent.base_revision.data
    return {
        **_page(response, membership),
        "section": section,
        "clash": clash,
        "settlement": settlement,
        "settled_lead": lead,
        "settled_tail": tail,
        "newer": newer,
        "scale": _is_scale(section),
        "sent": sent is not None,
        "sent_body": sent_body,
        "sent_choice": sent_choice,
        "sent_base": sent_base,
        "sent_changes": sent is not None
        and (sent_body, sent_choice) != (section.body, section.choice),
        **whose(clash, viewer),
    }


def kept_theirs_message(clash: Revision, suggestion: Suggestion | None, viewer: User) -> str:
    """What the person is told after keeping the current text over their clash."""
    if suggestion is not None:
        kept = "Kept the current text; the suggestion is marked rejected."
    elif clash.author_id == viewer.id:
        kept = "Kept their version."
    else:
        kept = "Kept the current text."
    possessive = whose(clash, viewer)["possessive"]
    version = "Yours" if possessive == "Your" else f"{possessive} version"
    return f"{kept} {version} stays in the history as revision {clash.number}."
