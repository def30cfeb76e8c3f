"""Labels, badges and section tables: the HTML the drafting pages draw once per section,
built in Python (a 40-section page drawn in Jinja took twice as long), every value escaped."""

from __future__ import annotations

from flask import url_for
from markupsafe import Markup, escape

from consult.accounts.models import User
from consult.consultations.profiles import PROFILES
from consult.drafting import clashes, services
from consult.drafting.models import STATUS_LABELS, Response, Section
from consult.forms import MAX_ID
from consult.timeutil import ago, isotime, when

KIND_LABELS = {"edit": "Edit", "merge": "Merge", "conflict": "Conflict", "restore": "Restore"}


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


def clash_marker(found: list[clashes.OpenClash], url: str, viewer: User) -> str:
    """A section's open clashes as the section table marks them: a link to the (oldest) clash
    screen, saying whose they are when they are not all the viewer's."""
    count = len(found)
    text = "Unresolved clash" if count == 1 else f"{count} unresolved clashes"
    authors = sorted(
        {clash.author or "a former member" for clash in found if clash.author_id != viewer.id}
    )
    whose = f" (by {', '.join(authors)})" if authors else ""
    return f' <a class="badge badge--clash" href="{escape(url)}">{text}{escape(whose)}</a>'


def section_rows(
    sections: list[services.SectionOverview],
    links: SectionLinks,
    can_edit: bool,
    clash_markers: dict[int, str] | None = None,
    positions: dict[int, str] | None = None,
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
            f"{escape(section.title)}</a>{_position(section, positions)}</td>"
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


def _position(section: services.SectionOverview, positions: dict[int, str]) -> str:
    """A clause section's position as the table shows it, or "No position yet"."""
    if section.kind != "clause":
        return ""
    label = positions.get(section.id)
    if label is None:
        return ' <span class="position position--none">No position yet</span>'
    modifier = escape(label.lower().replace(" ", "-"))
    return (
        f' <span class="position position--{modifier}">'
        f'<span class="visually-hidden">Position: </span>{escape(label)}</span>'
    )


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


def template_globals() -> dict:
    """What every drafting page's template may use (the blueprint's context processor)."""
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
