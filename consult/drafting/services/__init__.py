"""Drafting rules, one module per thing they serve; this package is the one name callers use
(`from consult.drafting import services`), so pages, the API and other domains need not know
which module holds a rule.

- text.py: what a text may hold (limits, control characters)
- responses.py: starting a response, its settings, the overview rows and activity its pages show
- sections.py: adding, renaming, moving, removing sections; status and assignee
- saving.py: saving text with merge (the heart of it), restoring, the history
- settling.py: settling a clash from its screen
- discussion.py: comments and suggested edits
- presence.py: who else has a section open

Services take models and plain values, enforce the rules, write the audit events and flush;
the request commits once (consult/web.py for pages)."""

from __future__ import annotations

from consult.drafting.errors import ClashSettled, DraftingError
from consult.drafting.services.discussion import (
    accept_resolved_suggestion,
    accept_suggestion,
    add_comment,
    comment_threads,
    open_suggestions,
    reject_suggestion,
    set_comment_resolved,
    suggest,
)
from consult.drafting.services.presence import (
    PRESENCE_WINDOW,
    heartbeat,
    leave_section,
    mark_present,
    others_present,
    present_in_response,
)
from consult.drafting.services.responses import (
    Activity,
    SectionOverview,
    create_bill_response,
    create_response,
    live_sections,
    recent_activity,
    responses_of,
    section_overview,
    total_words,
    total_words_of,
    update_response,
    word_limit,
)
from consult.drafting.services.saving import (
    KEEP_CHOICE,
    Conflict,
    SaveOutcome,
    find_revision,
    lock_section,
    restore_revision,
    revision_count,
    revision_page,
    revisions_of,
    save_live_text,
    save_section,
)
from consult.drafting.services.sections import (
    add_section,
    assign_section,
    assignable_members,
    move_section,
    remove_section,
    rename_section,
    restore_section,
    set_status,
    update_section,
)
from consult.drafting.services.settling import dismiss_clash, settle_clash
from consult.drafting.services.text import (
    CONTROL_CHARACTERS,
    MAX_BODY_LENGTH,
    MAX_TITLE_LENGTH,
    check_plain_text,
    has_control_characters,
)

__all__ = [
    "CONTROL_CHARACTERS",
    "KEEP_CHOICE",
    "MAX_BODY_LENGTH",
    "MAX_TITLE_LENGTH",
    "PRESENCE_WINDOW",
    "Activity",
    "ClashSettled",
    "Conflict",
    "DraftingError",
    "SaveOutcome",
    "SectionOverview",
    "accept_resolved_suggestion",
    "accept_suggestion",
    "add_comment",
    "add_section",
    "assign_section",
    "assignable_members",
    "check_plain_text",
    "comment_threads",
    "create_bill_response",
    "create_response",
    "dismiss_clash",
    "find_revision",
    "has_control_characters",
    "heartbeat",
    "leave_section",
    "live_sections",
    "lock_section",
    "mark_present",
    "move_section",
    "open_suggestions",
    "others_present",
    "present_in_response",
    "recent_activity",
    "reject_suggestion",
    "remove_section",
    "rename_section",
    "responses_of",
    "restore_revision",
    "restore_section",
    "revision_count",
    "revision_page",
    "revisions_of",
    "save_live_text",
    "save_section",
    "section_overview",
    "set_comment_resolved",
    "set_status",
    "settle_clash",
    "suggest",
    "total_words",
    "total_words_of",
    "update_response",
    "update_section",
    "word_limit",
]
