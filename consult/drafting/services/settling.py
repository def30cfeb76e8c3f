"""Settling a clash from its screen: keep the current text ("theirs"), keep the clash's own
text ("mine") or save an edited text; and with it the suggested edit whose acceptance
clashed, if that is what clashed (accepted with the saved text, rejected with "theirs").

A clash is settled once (see consult/drafting/clashes.py); saving from it goes through the
same merge as any save, from the head the screen showed."""

from __future__ import annotations

from consult.accounts.models import User
from consult.drafting import clashes
from consult.drafting.errors import DraftingError
from consult.drafting.models import Revision, Section, Suggestion
from consult.drafting.services.discussion import accept_resolved_suggestion, reject_suggestion
from consult.drafting.services.saving import SaveOutcome, lock_section, save_section
from consult.drafting.services.sections import refuse_if_removed

RESOLUTIONS = ("edited", "mine", "theirs")


def dismiss_clash(user: User, section: Section, clash: Revision) -> None:
    """Settle an open clash by keeping the current text ("Keep theirs"): nothing is written
    to the section; the clash's text stays in the history."""
    refuse_if_removed(section)
    lock_section(section)  # in turn with saves that might settle the same clash
    clashes.check_open(section, clash)
    clashes.settle(user, section, clash, "dismissed", section.head)


def settle_clash(
    user: User,
    section: Section,
    clash: Revision,
    resolution: str,
    body: str,
    choice: str | None,
    base_revision_id: int | None,
    suggestion: Suggestion | None = None,
) -> SaveOutcome | None:
    """Settle `clash` as the person chose: "theirs" keeps the current text (None is
    returned; the suggestion, if any, is rejected); "mine" saves the clash's own text and
    "edited" the text given, both from `base_revision_id` (the head the screen showed), and
    a clean save accepts the suggestion. ClashSettled if someone settled it meanwhile."""
    if resolution not in RESOLUTIONS:
        raise DraftingError("Choose one of the buttons below the text.")
    if resolution == "theirs":
        dismiss_clash(user, section, clash)
        if suggestion is not None:
            reject_suggestion(user, suggestion)
        return None
    if resolution == "mine":
        body, choice = clash.body, clash.choice
    outcome = save_section(user, section, body, choice, base_revision_id, clash=clash)
    if suggestion is not None and outcome.conflict is None and outcome.revision:
        accept_resolved_suggestion(user, suggestion, outcome.revision)
    return outcome
