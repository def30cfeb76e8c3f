"""Clashes (stored `conflict` revisions) are open until settled, belong to their author, and
never write over later work: a clash page reached again after it was settled says so and
saves nothing; a resolution posted from a page drawn before others saved merges with what
came after, or clashes anew. Open clashes show where people work (the editor, the section
table) to their author and to coordinators, and the editor counts revisions as History does."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.drafting import clashes
from consult.drafting.models import ClashSettlement, Revision
from consult.extensions import db
from tests import factories
from tests.drafting.pages_support import (
    browsers_for,
    flashes,
    form_fields,
    head_of,
    make_draft,
    revisions_of,
    save_text,
    text_of,
    textarea,
)
from tests.organisations.support import log_in

FIRST = "Facial recognition needs a law of its own."
SECOND = "Live use should need a judge's warrant."
LATER = "A paragraph Cora added after the clash was resolved."


def paragraphs(*texts: str) -> str:
    return "\n\n".join(texts)


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


@pytest.fixture
def draft(team):
    return make_draft(team)


def _clash(browsers, team, draft):
    """Eddie and Cora change the same paragraph; Eddie's form save clashes. Returns (their
    head, Eddie's conflict revision, the clash page's URL)."""
    summary = draft.sections["summary"]
    base = save_text(summary, paragraphs(FIRST, SECOND), team.editor)
    theirs = save_text(summary, paragraphs(FIRST, SECOND + " (Cora's)"), team.coordinator)
    browsers("editor").post(
        draft.editor("summary"),
        data={"body": paragraphs(FIRST, SECOND + " (Eddie's)"), "base_revision": str(base.id)},
    )
    yours = revisions_of(summary)[-1]
    assert yours.kind == "conflict"
    return theirs, yours, f"{draft.editor('summary')}/conflict/{yours.id}"


def _settlement(revision_id: int) -> ClashSettlement | None:
    db.session.expire_all()
    return db.session.scalar(
        select(ClashSettlement).where(ClashSettlement.revision_id == revision_id)
    )


# --- a settled clash is never settled again ----------------------------------------------------


@pytest.mark.parametrize("button", ["edited", "mine", "theirs"])
def test_a_resolved_clash_page_submitted_again_keeps_the_work_done_since(
    browsers, team, draft, button
):
    """The issue's journey: Eddie resolves, Cora adds a paragraph, Eddie reaches the same
    clash page again (Back, history, a bookmark) and presses a button."""
    _theirs, _yours, url = _clash(browsers, team, draft)
    eddie = browsers("editor")
    stale = form_fields(eddie.get(url).get_data(as_text=True), url)  # the page as first drawn
    resolved = paragraphs(FIRST, SECOND + " (both of ours)")
    eddie.post(url, data={**stale, "body": resolved, "resolution": "edited"})
    assert head_of(draft.sections["summary"]).body == resolved
    later = save_text(draft.sections["summary"], paragraphs(resolved, LATER), team.coordinator)

    again = eddie.get(url)
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "This clash is already settled" in text_of(page)
    assert "You resolved it" in text_of(page)
    assert LATER in text_of(page)  # the current text is offered
    assert 'name="resolution"' not in page  # no buttons that would settle it again
    for base in (stale["base_revision"], str(later.id)):  # the cached page, or one redrawn
        answer = eddie.post(url, data={**stale, "base_revision": base, "resolution": button})
        assert answer.status_code in (302, 409)
        assert "Saved. The clash is resolved." not in " ".join(
            flashes(eddie.get(answer.headers["Location"]).get_data(as_text=True))
            if answer.status_code == 302
            else [text_of(answer.get_data(as_text=True))]
        )
        head = head_of(draft.sections["summary"])
        assert head.id == later.id, "a settled clash must not write over later work"


def test_a_settled_clash_posted_again_keeps_the_text_sent_and_offers_to_merge_it(
    browsers, team, draft
):
    theirs, yours, url = _clash(browsers, team, draft)
    eddie = browsers("editor")
    stale = form_fields(eddie.get(url).get_data(as_text=True), url)
    eddie.post(url, data={**stale, "resolution": "theirs"})  # dismissed: Cora's text stays
    assert _settlement(yours.id).outcome == "dismissed"
    save_text(draft.sections["summary"], paragraphs(FIRST, SECOND + " (Cora's)", LATER), team.owner)

    sent = paragraphs("A new opening line.", FIRST, SECOND + " (Cora's)")
    answer = eddie.post(url, data={**stale, "body": sent, "resolution": "edited"})

    page = answer.get_data(as_text=True)
    assert answer.status_code == 409
    assert "Nothing was saved from this page" in text_of(page)
    assert textarea(page, "body") == sent  # the words sent are still here
    offer = form_fields(page, draft.editor("summary"))
    assert offer["base_revision"] == str(theirs.id)  # saved from what the page showed: merged
    merged = eddie.post(draft.editor("summary"), data={**offer, "body": sent})
    assert merged.status_code == 302
    assert head_of(draft.sections["summary"]).body == paragraphs(
        "A new opening line.", FIRST, SECOND + " (Cora's)", LATER
    )


def test_resolving_from_a_page_drawn_before_a_later_overlapping_edit_makes_a_new_clash(
    browsers, team, draft
):
    _theirs, yours, url = _clash(browsers, team, draft)
    eddie = browsers("editor")
    fields = form_fields(eddie.get(url).get_data(as_text=True), url)
    later = save_text(
        draft.sections["summary"], paragraphs(FIRST, SECOND + " (Olive's)"), team.owner
    )

    answer = eddie.post(
        url, data={**fields, "body": paragraphs(FIRST, SECOND + " (agreed)"), "resolution": "mine"}
    )

    newer = revisions_of(draft.sections["summary"])[-1]
    assert newer.kind == "conflict" and newer.id != yours.id
    assert head_of(draft.sections["summary"]).id == later.id  # nothing written over
    assert answer.headers["Location"].endswith(f"/conflict/{newer.id}")
    settled = _settlement(yours.id)
    assert (settled.outcome, settled.result_revision_id) == ("replaced", newer.id)
    assert _settlement(newer.id) is None  # the new clash is open
    page = eddie.get(url).get_data(as_text=True)
    assert "This clash is already settled" in text_of(page)
    assert f"/conflict/{newer.id}" in page  # the old page leads to the one still open


def test_resolving_records_who_settled_the_clash_and_what_it_made(browsers, team, draft):
    _theirs, yours, url = _clash(browsers, team, draft)
    fields = form_fields(browsers("editor").get(url).get_data(as_text=True), url)

    browsers("editor").post(url, data={**fields, "resolution": "mine"})

    settled = _settlement(yours.id)
    head = head_of(draft.sections["summary"])
    assert (settled.outcome, settled.settled_by_id, settled.result_revision_id) == (
        "resolved",
        team.editor.id,
        head.id,
    )


# --- a clash page belongs to its author -------------------------------------------------------


def test_only_the_author_and_coordinators_may_open_a_clash(app, browsers, team, draft):
    theirs, yours, url = _clash(browsers, team, draft)
    other_editor = factories.add_member(
        team.organisation, factories.make_user(name="Edna Second"), "editor"
    )
    edna = log_in(app.test_client(), other_editor)
    fields = form_fields(browsers("editor").get(url).get_data(as_text=True), url)

    for browser in (edna, browsers("member"), browsers("outsider")):
        assert browser.get(url).status_code == 404
        assert browser.post(url, data={**fields, "resolution": "mine"}).status_code == 404
    assert head_of(draft.sections["summary"]).id == theirs.id
    assert _settlement(yours.id) is None

    own = text_of(browsers("editor").get(url).get_data(as_text=True))
    assert "Your edit clashed with someone else's" in own
    for role in ("coordinator", "owner"):
        page = text_of(browsers(role).get(url).get_data(as_text=True))
        assert "Eddie Editor's edit clashed with someone else's" in page
        assert "Your edit" not in page
        assert "Eddie Editor's version" in page


def test_a_coordinator_may_settle_a_clash_on_the_authors_behalf(browsers, team, draft):
    _theirs, yours, url = _clash(browsers, team, draft)
    cora = browsers("coordinator")
    fields = form_fields(cora.get(url).get_data(as_text=True), url)

    cora.post(url, data={**fields, "resolution": "theirs"})

    settled = _settlement(yours.id)
    assert (settled.outcome, settled.settled_by_id) == ("dismissed", team.coordinator.id)
    page = text_of(browsers("editor").get(url).get_data(as_text=True))
    assert "Cora Coordinator settled it on your behalf" in page


# --- open clashes show where people work ------------------------------------------------------


def test_the_editor_shows_an_open_clash_to_its_author_and_coordinators(browsers, team, draft):
    _theirs, _yours, url = _clash(browsers, team, draft)

    own = browsers("editor").get(draft.editor("summary")).get_data(as_text=True)
    cora = browsers("coordinator").get(draft.editor("summary")).get_data(as_text=True)
    mo = browsers("member").get(draft.editor("summary")).get_data(as_text=True)

    assert "You have an unresolved clash in this section" in text_of(own)
    assert f'href="{url}"' in own
    assert "Eddie Editor has an unresolved clash in this section" in text_of(cora)
    assert f'href="{url}"' in cora
    assert "unresolved clash" not in text_of(mo) and url not in mo

    fields = form_fields(browsers("editor").get(url).get_data(as_text=True), url)
    browsers("editor").post(url, data={**fields, "resolution": "mine"})
    settled = browsers("editor").get(draft.editor("summary")).get_data(as_text=True)
    assert "unresolved clash" not in text_of(settled)


def test_the_section_table_marks_open_clashes_for_their_author_and_coordinators(
    browsers, team, draft
):
    _theirs, _yours, url = _clash(browsers, team, draft)

    def summary_row(role: str) -> str:
        page = browsers(role).get(draft.url).get_data(as_text=True)
        row = re.search(rf'<tr id="s{draft.sections["summary"]}">(.*?)</tr>', page, re.S)
        return row.group(1)

    for role in ("editor", "coordinator", "owner"):
        row = summary_row(role)
        assert "Unresolved clash" in text_of(row)
        assert f'href="{url}"' in row
    assert "clash" not in text_of(summary_row("member")).lower()


def test_the_editor_counts_revisions_as_the_history_page_does(browsers, team, draft):
    _clash(browsers, team, draft)  # 2 edits, then a clash: 3 revisions, the head is the 2nd
    eddie = browsers("editor")

    editor = text_of(eddie.get(draft.editor("summary")).get_data(as_text=True))
    history = text_of(eddie.get(draft.editor("summary") + "/history").get_data(as_text=True))

    assert "History (3 revisions)" in editor
    assert "Revisions (3)" in history


def test_open_clashes_are_listed_once_for_a_response_in_one_query(team, draft, browsers):
    _theirs, yours, _url = _clash(browsers, team, draft)
    response = draft.response()

    mine = clashes.open_clashes(response, team.editor, everyone=False)
    all_of_them = clashes.open_clashes(response, team.coordinator, everyone=True)

    assert [clash.revision_id for clash in mine] == [yours.id]
    assert [clash.author for clash in all_of_them] == ["Eddie Editor"]
    assert clashes.open_clashes(response, team.coordinator, everyone=False) == []
    assert db.session.get(Revision, yours.id).kind == "conflict"
