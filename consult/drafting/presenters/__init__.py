"""What the drafting pages show, built from models (the views only load, check, call a
service and render what is built here):

- fragments.py: labels, badges and section tables, the HTML drawn once per section
- pages.py: each page's template context (response, section, editor, history, clash screen)
- mine.py: the person's responses across their organisations (the header's "Responses")"""

from __future__ import annotations

from consult.drafting.presenters.fragments import (
    KIND_LABELS,
    SectionLinks,
    clash_marker,
    section_label,
    section_nav_items,
    section_rows,
    status_badge,
    template_globals,
    word_count_badge,
)
from consult.drafting.presenters.mine import PAGE_SIZE, ResponseRow, responses_of_person
from consult.drafting.presenters.pages import (
    HISTORY_PAGE_SIZE,
    conflict_page,
    dashboard_page,
    editor_page,
    history_page,
    kept_theirs_message,
    manage_page,
    new_response_page,
    preview_page,
    settled_page,
    whose,
)

__all__ = [
    "HISTORY_PAGE_SIZE",
    "KIND_LABELS",
    "PAGE_SIZE",
    "ResponseRow",
    "SectionLinks",
    "clash_marker",
    "conflict_page",
    "dashboard_page",
    "editor_page",
    "history_page",
    "kept_theirs_message",
    "manage_page",
    "new_response_page",
    "preview_page",
    "responses_of_person",
    "section_label",
    "section_nav_items",
    "section_rows",
    "settled_page",
    "status_badge",
    "template_globals",
    "whose",
    "word_count_badge",
]
