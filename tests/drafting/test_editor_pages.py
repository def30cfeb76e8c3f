"""The section editor without JavaScript: reading, saving through the form (clean, merged,
conflicting), the conflict screen, history with restore, comments and suggested edits, and
input that must be refused with a clear message and nothing lost."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from consult.drafting import services
from consult.drafting.models import Comment, Revision, Section, Suggestion
from consult.extensions import db
from tests.drafting.pages_support import (
    browsers_for,
    changes,
    flashes,
    form_fields,
    head_of,
    location_path,
    make_draft,
    revisions_of,
    save_text,
    text_of,
    textarea,
)

FIRST = "Facial recognition needs a law of its own."
SECOND = "Live use should need a judge's warrant."
THIRD = "Retrospective searches need limits too."


def paragraphs(*texts: str) -> str:
    return "\n\n".join(texts)


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


@pytest.fixture
def draft(team):
    return make_draft(team)


@pytest.fixture
def summary(draft):
    return draft.sections["summary"]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _post_editor(browser, draft, key, body, base, **extra):
    data = {"body": body, "base_revision": "" if base is None else str(base), **extra}
    return browser.post(draft.editor(key), data=data)


# --- reading the editor ---------------------------------------------------------------------


def test_an_editor_sees_the_question_the_form_and_who_changed_it_last(browsers, team, draft):
    revision = save_text(draft.sections[2], FIRST, team.coordinator, choice="Agree")

    page = browsers("editor").get(draft.editor(2)).get_data(as_text=True)
    text = text_of(page)

    assert "Question 2 of 17" in text
    assert "Should the new legal framework also apply to inferential technologies" in text
    assert textarea(page, "body") == FIRST
    assert f'name="base_revision" value="{revision.id}"' in page
    for option in ("Agree", "Neither agree nor disagree", "Disagree", "Don't know"):
        assert f'value="{option}"' in page.replace("&#39;", "'")
    assert re.search(r'value="Agree"\s+checked', page)
    assert "Last changed just now by Cora Coordinator" in text
    assert "8 words" in text
    assert 'src="/static/js/editor.js"' in page
    assert "<script>" not in page  # no inline script under the CSP


def test_the_editor_page_carries_what_autosave_updates(browsers, team, draft):
    """editor.js updates "Last changed", the history count, the section's words in the
    sidebar and the total after each autosave: the page marks those places."""
    save_text(draft.sections[1], "Three words here.", team.editor)
    save_text(draft.sections[4], "One two three four.", team.editor)

    page = browsers("editor").get(draft.editor(4)).get_data(as_text=True)

    assert 'data-user-name="Eddie Editor"' in page
    assert re.search(r"<li data-last-changed>Last changed <time [^>]*data-ago>", page)
    assert re.search(r'<a href="[^"]+/history" data-history>History \(1 revision\)</a>', page)
    assert 'data-total data-total-words="7" data-section-words="4"' in page
    assert page.count("data-nav-words") == 1
    assert 'src="/static/js/presence.js"' not in page  # editor.js does presence itself


def test_the_editor_has_a_sidebar_of_sections_with_states_and_word_counts(browsers, team, draft):
    save_text(draft.sections[1], "Three words here.", team.editor)

    page = browsers("editor").get(draft.editor(2)).get_data(as_text=True)
    sidebar = page.split('class="section-nav"', 1)[1].split("</nav>", 1)[0]

    assert sidebar.count("<li>") == 20
    assert "Drafting" in sidebar and "3 words" in sidebar and "Not started" in sidebar
    assert f'href="{draft.editor(2)}" aria-current="page"' in sidebar


def test_open_questions_have_no_choice(browsers, draft):
    page = browsers("editor").get(draft.editor(4)).get_data(as_text=True)

    assert 'name="choice"' not in page
    assert "Your answer" in page


def test_members_read_the_text_and_are_offered_to_suggest_an_edit(browsers, team, draft):
    head = save_text(draft.sections["summary"], "We **object**.", team.editor)

    page = browsers("member").get(draft.editor("summary")).get_data(as_text=True)

    assert "<strong>object</strong>" in page
    assert 'name="body"' not in page  # no editing form
    assert 'src="/static/js/editor.js"' not in page  # (the live view, read-only, is another script)
    # A small script keeps presence and the "changed since you opened it" notice current.
    assert 'src="/static/js/presence.js"' in page
    assert "data-watch" in page and f'data-head="{head.id}"' in page
    assert (
        f'data-presence-url="/api/v1/responses/{draft.response_id}/sections/'
        f'{draft.sections["summary"]}/presence"' in page
    )
    assert "Suggest an edit" in page
    assert textarea(page, "suggestion") == "We **object**."
    assert "Add a comment" in page


@pytest.mark.parametrize(("role", "status"), [("outsider", 404), ("anonymous", 302)])
def test_outsiders_and_anonymous_visitors_get_nothing(browsers, team, draft, role, status):
    save_text(draft.sections["summary"], "Secret plans.", team.editor)

    for tail in ("", "/history"):
        answer = browsers(role).get(draft.editor("summary") + tail)
        assert answer.status_code == status
        assert "Secret plans" not in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/responses/{response}/sections/999999",
        "/responses/{response}/sections/99999999999999999999",
        "/responses/{response}/sections/{other}",
        "/responses/{response}/sections/{summary}/conflict/999999",
        "/responses/{response}/sections/{summary}/conflict/{revision}",  # not a conflict
        "/responses/{response}/sections/{summary}/conflict/99999999999999999999",
    ],
)
def test_unknown_sections_and_revisions_are_not_found(browsers, team, draft, path):
    other = make_draft(team, title="Another")
    revision = save_text(draft.sections["summary"], FIRST, team.editor)
    url = path.format(
        response=draft.response_id,
        summary=draft.sections["summary"],
        other=other.sections["summary"],
        revision=revision.id,
    )

    assert browsers("editor").get(url).status_code == 404


# --- saving without JavaScript --------------------------------------------------------------


def test_a_clean_save_makes_a_new_head_and_says_saved(browsers, team, draft):
    browser = browsers("editor")

    answer = _post_editor(browser, draft, 1, FIRST, None, choice="Agree")

    assert answer.status_code == 302
    assert location_path(answer) == draft.editor(1)
    head = head_of(draft.sections[1])
    assert (head.body, head.choice, head.kind, head.author_id) == (
        FIRST,
        "Agree",
        "edit",
        team.editor.id,
    )
    assert "Saved" in flashes(browser.get(draft.editor(1)).get_data(as_text=True))
    assert db.session.get(Section, draft.sections[1]).status == "drafting"


def test_a_save_from_an_old_base_merges_with_the_other_persons_edit(browsers, team, draft):
    base = save_text(draft.sections["summary"], paragraphs(FIRST, SECOND), team.editor)
    save_text(draft.sections["summary"], paragraphs(FIRST + " Now.", SECOND), team.coordinator)
    browser = browsers("editor")

    answer = _post_editor(
        browser, draft, "summary", paragraphs(FIRST, SECOND + " Always."), base.id
    )

    assert answer.status_code == 302 and location_path(answer) == draft.editor("summary")
    head = head_of(draft.sections["summary"])
    assert head.kind == "merge"
    assert head.body == paragraphs(FIRST + " Now.", SECOND + " Always.")
    page = browser.get(draft.editor("summary")).get_data(as_text=True)
    assert (
        "Saved. Someone else edited this section meanwhile; your changes were merged with theirs."
        in flashes(page)
    )
    assert f'name="base_revision" value="{head.id}"' in page


def test_an_overlapping_save_keeps_both_texts_and_opens_the_conflict_screen(browsers, team, draft):
    base = save_text(draft.sections["summary"], FIRST, team.editor)
    theirs = save_text(
        draft.sections["summary"], "Their version of the sentence.", team.coordinator
    )
    browser = browsers("editor")

    answer = _post_editor(browser, draft, "summary", "My version of the sentence.", base.id)

    yours = revisions_of(draft.sections["summary"])[-1]
    assert (yours.kind, yours.body, yours.parent_id) == (
        "conflict",
        "My version of the sentence.",
        base.id,
    )
    assert head_of(draft.sections["summary"]).id == theirs.id  # never overwritten
    assert location_path(answer) == f"{draft.editor('summary')}/conflict/{yours.id}"

    page = browser.get(location_path(answer)).get_data(as_text=True)
    text = text_of(page)
    assert (
        "Someone else changed the same part while you were editing. Both versions are kept." in text
    )
    assert "Theirs: the current text" in text and "Yours" in text
    theirs_changes, your_changes = changes(page, 0), changes(page, 1)
    assert theirs_changes == [("removed", FIRST), ("added", "Their version of the sentence.")]
    assert your_changes == [("removed", FIRST), ("added", "My version of the sentence.")]
    assert textarea(page, "body") == "My version of the sentence."
    assert f'name="base_revision" value="{theirs.id}"' in page
    for label in ("Save this text", "Use mine", "Keep theirs"):
        assert label in text


def _conflict(team, draft, browsers):
    """Make a conflict on the summary through the form; returns (their head, your conflict)."""
    base = save_text(draft.sections["summary"], paragraphs(FIRST, SECOND), team.editor)
    theirs = save_text(
        draft.sections["summary"], paragraphs(FIRST, SECOND + " (theirs)"), team.coordinator
    )
    answer = _post_editor(
        browsers("editor"), draft, "summary", paragraphs(FIRST, SECOND + " (mine)"), base.id
    )
    yours = revisions_of(draft.sections["summary"])[-1]
    assert yours.kind == "conflict", answer.status_code
    return theirs, yours


def test_resolving_saves_the_edited_text_as_the_new_head(browsers, team, draft):
    theirs, yours = _conflict(team, draft, browsers)
    url = f"{draft.editor('summary')}/conflict/{yours.id}"
    resolved = paragraphs(FIRST, SECOND + " (both of us)")

    answer = browsers("editor").post(
        url, data={"body": resolved, "base_revision": str(theirs.id), "resolution": "edited"}
    )

    assert location_path(answer) == draft.editor("summary")
    head = head_of(draft.sections["summary"])
    assert (head.body, head.kind, head.parent_id) == (resolved, "edit", theirs.id)
    page = browsers("editor").get(draft.editor("summary")).get_data(as_text=True)
    assert "Saved. The clash is resolved." in flashes(page)


def test_use_mine_and_keep_theirs(browsers, team, draft):
    theirs, yours = _conflict(team, draft, browsers)
    url = f"{draft.editor('summary')}/conflict/{yours.id}"
    browser = browsers("editor")

    kept = browser.post(
        url, data={"body": "ignored", "base_revision": str(theirs.id), "resolution": "theirs"}
    )
    assert head_of(draft.sections["summary"]).id == theirs.id  # nothing changed
    assert "Kept their version. Yours stays in the history as revision 3." in flashes(
        browser.get(location_path(kept)).get_data(as_text=True)
    )

    # The clash is settled: its page saves nothing more in its name.
    again = browser.post(
        url, data={"body": "ignored", "base_revision": str(theirs.id), "resolution": "mine"}
    )
    assert again.status_code == 409
    assert head_of(draft.sections["summary"]).id == theirs.id

    save_text(draft.sections["summary"], paragraphs(FIRST, SECOND + " (again)"), team.coordinator)
    theirs, yours = _conflict(team, draft, browsers)
    browser.post(
        f"{draft.editor('summary')}/conflict/{yours.id}",
        data={"body": "ignored", "base_revision": str(theirs.id), "resolution": "mine"},
    )
    assert head_of(draft.sections["summary"]).body == yours.body


def test_resolving_after_the_head_moved_again_merges_and_settles_the_clash(browsers, team, draft):
    theirs, yours = _conflict(team, draft, browsers)
    url = f"{draft.editor('summary')}/conflict/{yours.id}"
    # Meanwhile someone adds a third paragraph: the resolution merges with it.
    later = save_text(
        draft.sections["summary"], paragraphs(FIRST, SECOND + " (theirs)", THIRD), team.coordinator
    )

    browsers("editor").post(
        url,
        data={"body": paragraphs(FIRST, SECOND + " (agreed)"), "base_revision": str(theirs.id)},
    )

    head = head_of(draft.sections["summary"])
    assert head.kind == "merge" and head.parent_id == later.id
    assert head.body == paragraphs(FIRST, SECOND + " (agreed)", THIRD)

    # Someone edits the same paragraph again, and the settled clash's page is posted again
    # (from the page as drawn, or redrawn): nothing is saved in its name, nothing overwritten.
    save_text(
        draft.sections["summary"],
        paragraphs(FIRST, SECOND + " (third try)", THIRD),
        team.coordinator,
    )
    for base in (theirs.id, head.id):
        answer = browsers("editor").post(
            url,
            data={
                "body": paragraphs(FIRST, SECOND + " (mine again)", THIRD),
                "base_revision": str(base),
            },
        )
        assert answer.status_code == 409
        assert "This clash is already settled" in text_of(answer.get_data(as_text=True))
    assert revisions_of(draft.sections["summary"])[-1].body.endswith(
        SECOND + " (third try)\n\n" + THIRD
    )
    assert SECOND + " (third try)" in head_of(draft.sections["summary"]).body


@pytest.mark.parametrize(
    ("role", "status", "clash_status"),
    [("member", 403, 404), ("outsider", 404, 404), ("anonymous", 302, 302)],
)
def test_only_editors_save_or_resolve(browsers, team, draft, role, status, clash_status):
    """A member may not save (403); a clash page is its author's (and coordinators'):
    for anyone else it does not exist."""
    theirs, yours = _conflict(team, draft, browsers)
    before = _count(Revision)
    browser = browsers(role)

    saved = _post_editor(browser, draft, "summary", "Hijacked", theirs.id)
    resolved = browser.post(
        f"{draft.editor('summary')}/conflict/{yours.id}",
        data={"body": "Hijacked", "base_revision": str(theirs.id)},
    )
    shown = browser.get(f"{draft.editor('summary')}/conflict/{yours.id}")

    assert saved.status_code == status
    assert resolved.status_code == shown.status_code == clash_status
    assert _count(Revision) == before


# --- refused input: a clear message, nothing lost --------------------------------------------


def test_a_huge_text_is_refused_with_the_text_still_in_the_textarea(browsers, team, draft):
    huge = "word " * 40_001  # 200,005 characters

    answer = _post_editor(browsers("editor"), draft, "summary", huge, None)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "A section can hold at most 200,000 characters." in page
    assert textarea(page, "body") == huge
    assert 'aria-invalid="true"' in page
    assert "data-unsaved" in page  # the script keeps it in the browser
    assert _count(Revision) == 0


def test_a_body_beyond_the_request_limit_gets_a_clear_page(browsers, draft):
    answer = _post_editor(browsers("editor"), draft, "summary", "x" * 3_000_000, None)

    assert answer.status_code == 413
    assert "That was too large" in answer.get_data(as_text=True)


def test_a_nul_character_is_refused_and_the_text_comes_back_without_it(browsers, draft):
    answer = _post_editor(browsers("editor"), draft, "summary", "Before\x00after", None)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "invisible NUL character" in page
    assert textarea(page, "body") == "Beforeafter"
    assert "\x00" not in page
    assert _count(Revision) == 0


@pytest.mark.parametrize("text", ["Bell\x07 and escape\x1b", "Over\u202eride"])
def test_control_characters_are_refused_and_the_text_comes_back_without_them(browsers, draft, text):
    answer = _post_editor(browsers("editor"), draft, "summary", f"Before {text} after", None)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "invisible control characters" in page
    assert (
        textarea(page, "body")
        == "Before " + text.replace("\x07", "").replace("\x1b", "").replace("\u202e", "") + " after"
    )
    assert "\x07" not in page and "\u202e" not in page
    assert _count(Revision) == 0


@pytest.mark.parametrize("base", ["abc", "-1", "0", "99999999999999999999", "1.5"])
def test_a_malformed_base_revision_is_refused_clearly(browsers, draft, base):
    answer = _post_editor(browsers("editor"), draft, "summary", "My text", base)

    assert answer.status_code == 422
    assert textarea(answer.get_data(as_text=True), "body") == "My text"
    assert _count(Revision) == 0


def test_a_base_revision_of_another_section_is_refused(browsers, team, draft):
    elsewhere = save_text(draft.sections["about"], "About us.", team.editor)

    answer = _post_editor(browsers("editor"), draft, "summary", "My text", elsewhere.id)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "The base revision does not belong to this section." in page
    assert textarea(page, "body") == "My text"
    assert revisions_of(draft.sections["summary"]) == []


def test_a_choice_that_is_not_an_option_is_refused(browsers, draft):
    open_question = _post_editor(browsers("editor"), draft, 4, "Text", None, choice="Agree")
    scale_question = _post_editor(browsers("editor"), draft, 1, "Text", None, choice="Perhaps")

    assert open_question.status_code == scale_question.status_code == 422
    assert "Only questions with a closed answer take a choice." in open_question.get_data(
        as_text=True
    )
    assert "Choose one of: Agree" in scale_question.get_data(as_text=True)
    assert textarea(scale_question.get_data(as_text=True), "body") == "Text"


def test_a_save_that_does_not_send_the_answer_keeps_it(browsers, team, draft):
    # services.save_section's rule, as for the API's PUT without "choice": an editor form
    # that did not send the answer at all is not changing it.
    first = save_text(draft.sections[1], FIRST, team.coordinator, choice="Agree")

    answer = _post_editor(browsers("editor"), draft, 1, paragraphs(FIRST, SECOND), first.id)

    assert answer.status_code == 302
    head = head_of(draft.sections[1])
    assert (head.body, head.choice) == (paragraphs(FIRST, SECOND), "Agree")


def test_a_save_that_sends_no_chosen_answer_clears_it(browsers, team, draft):
    first = save_text(draft.sections[1], FIRST, team.coordinator, choice="Agree")

    answer = _post_editor(browsers("editor"), draft, 1, FIRST, first.id, choice="")

    assert answer.status_code == 302
    assert head_of(draft.sections[1]).choice is None


def test_saving_a_removed_section_is_refused_and_the_text_kept(browsers, team, draft):
    section = db.session.get(Section, draft.sections["summary"])
    services.remove_section(team.coordinator, section)
    db.session.commit()

    answer = _post_editor(browsers("editor"), draft, "summary", "Late words", None)

    assert answer.status_code == 422
    assert "This section was removed." in answer.get_data(as_text=True)


def test_the_editor_form_works_with_csrf_protection_on(browsers, draft, app, monkeypatch):
    browser = browsers("editor")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = browser.get(draft.editor("summary")).get_data(as_text=True)
    fields = form_fields(page, draft.editor("summary"))

    refused = browser.post(draft.editor("summary"), data={"body": "No token", "base_revision": ""})
    saved = browser.post(draft.editor("summary"), data={**fields, "body": "With the token"})

    assert refused.status_code == 400
    assert saved.status_code == 302
    assert head_of(draft.sections["summary"]).body == "With the token"


# --- history and restore --------------------------------------------------------------------


def test_history_lists_revisions_newest_first_with_a_word_diff(browsers, team, draft):
    save_text(draft.sections["summary"], "We object to this plan.", team.editor)
    save_text(draft.sections["summary"], "We strongly object to this plan.", team.coordinator)

    page = browsers("member").get(draft.editor("summary") + "/history").get_data(as_text=True)
    text = text_of(page)

    assert "Revisions (2)" in text
    table = text.split("Revisions (2)", 1)[1]
    assert table.index("Cora Coordinator") < table.index("Eddie Editor")  # newest first
    assert "Changes in revision 2 compared with revision 1" in text
    assert changes(page) == [("added", "strongly")]
    assert "Restore this revision" not in text  # members cannot restore


def test_history_compares_any_two_revisions(browsers, team, draft):
    first = save_text(draft.sections["summary"], "One.", team.editor)
    save_text(draft.sections["summary"], "One. Two.", team.editor)
    third = save_text(draft.sections["summary"], "One. Two. Three.", team.editor)

    url = f"{draft.editor('summary')}/history?from={first.id}&to={third.id}"
    page = browsers("editor").get(url).get_data(as_text=True)

    assert "Changes in revision 3 compared with revision 1" in text_of(page)
    assert changes(page) == [("added", "Two. Three.")]


@pytest.mark.parametrize(
    "query", ["from=abc", "to=-3", "from=99999999999999999999", "to=999999", "from={other}"]
)
def test_bad_revision_ids_in_a_comparison_are_explained(browsers, team, draft, query):
    save_text(draft.sections["summary"], "One.", team.editor)
    other = save_text(draft.sections["about"], "Elsewhere.", team.editor)

    answer = browsers("editor").get(
        f"{draft.editor('summary')}/history?" + query.format(other=other.id)
    )

    assert answer.status_code == 400
    assert "Choose two revisions of this section to compare." in answer.get_data(as_text=True)
    assert "Elsewhere" not in answer.get_data(as_text=True)


def test_history_pages_long_lists(browsers, team, draft):
    for number in range(55):
        save_text(draft.sections["summary"], f"Version {number}.", team.editor)

    first = browsers("editor").get(draft.editor("summary") + "/history").get_data(as_text=True)
    second = (
        browsers("editor").get(draft.editor("summary") + "/history?page=2").get_data(as_text=True)
    )
    beyond = browsers("editor").get(draft.editor("summary") + "/history?page=99")

    assert "Page 1 of 2" in first and "Older revisions" in first
    assert "Version 0." not in text_of(first).split("Revisions (55)")[1]
    assert "Page 2 of 2" in second
    assert beyond.status_code == 200


def test_history_compares_revisions_on_any_page(browsers, team, draft):
    first = save_text(draft.sections["summary"], "Version first.", team.editor)
    for number in range(55):
        save_text(draft.sections["summary"], f"Version {number}.", team.editor)
    head = head_of(draft.sections["summary"])

    url = f"{draft.editor('summary')}/history?from={first.id}&to={head.id}"
    page = browsers("editor").get(url).get_data(as_text=True)

    assert "Changes in revision 56 compared with revision 1" in text_of(page)
    assert changes(page) == [("removed", "first."), ("added", "54.")]
    assert "Page 1 of 2" in page


def test_history_reads_a_page_of_revisions_without_their_texts(browsers, team, draft):
    """A page of the history reads the page's rows (no texts) and the two compared
    revisions: the same queries for 3 revisions or 60."""
    from tests.drafting.pages_support import count_queries

    browser = browsers("editor")
    url = draft.editor("summary") + "/history"

    def queries() -> int:
        browser.get(url)
        with count_queries() as statements:
            assert browser.get(url).status_code == 200
        return len(statements)

    for number in range(3):
        save_text(draft.sections["summary"], f"Version {number}.", team.editor)
    few = queries()
    for number in range(57):
        save_text(draft.sections["summary"], f"Version {number} again.", team.editor)

    assert queries() == few


def test_restoring_makes_a_new_head_and_deletes_nothing(browsers, team, draft):
    first = save_text(draft.sections["summary"], "The first words.", team.editor)
    save_text(draft.sections["summary"], "Other words.", team.coordinator)
    browser = browsers("editor")
    page = browser.get(draft.editor("summary") + "/history").get_data(as_text=True)
    assert f"/restore/{first.id}" in page

    answer = browser.post(f"{draft.editor('summary')}/restore/{first.id}")

    assert location_path(answer) == draft.editor("summary")
    all_revisions = revisions_of(draft.sections["summary"])
    assert [r.kind for r in all_revisions] == ["edit", "edit", "restore"]
    assert head_of(draft.sections["summary"]).body == "The first words."
    assert "Revision 1 is the current text again" in " ".join(
        flashes(browser.get(draft.editor("summary")).get_data(as_text=True))
    )


@pytest.mark.parametrize(
    ("role", "status"), [("member", 403), ("outsider", 404), ("anonymous", 302)]
)
def test_only_editors_restore(browsers, team, draft, role, status):
    first = save_text(draft.sections["summary"], "The first words.", team.editor)
    save_text(draft.sections["summary"], "Other words.", team.editor)

    answer = browsers(role).post(f"{draft.editor('summary')}/restore/{first.id}")

    assert answer.status_code == status
    assert head_of(draft.sections["summary"]).body == "Other words."


def test_a_revision_of_another_section_cannot_be_restored_here(browsers, team, draft):
    elsewhere = save_text(draft.sections["about"], "About us.", team.editor)

    answer = browsers("editor").post(f"{draft.editor('summary')}/restore/{elsewhere.id}")

    assert answer.status_code == 404
    assert revisions_of(draft.sections["summary"]) == []


# --- comments ---------------------------------------------------------------------------------


def test_members_comment_quote_reply_and_resolve(browsers, team, draft):
    member, editor = browsers("member"), browsers("editor")
    comments = f"{draft.editor('summary')}/comments"

    answer = member.post(comments, data={"comment": "Is this too strong?", "quote": "we object"})
    assert location_path(answer) == draft.editor("summary")
    comment = db.session.scalars(select(Comment)).one()

    editor.post(f"{comments}/{comment.id}/replies", data={"reply": "No, keep it."})
    page = member.get(draft.editor("summary")).get_data(as_text=True)
    text = text_of(page)
    assert "Mo Member" in text and "Is this too strong?" in text
    assert "Quoting: we object" in text
    assert "Eddie Editor" in text and "No, keep it." in text
    assert "Comments (1 open)" in text

    member.post(f"{comments}/{comment.id}/resolve", data={"resolved": "yes"})
    text = text_of(member.get(draft.editor("summary")).get_data(as_text=True))
    assert "No open comments." in text and "Resolved comments (1)" in text

    member.post(f"{comments}/{comment.id}/resolve", data={"resolved": "no"})
    assert "Comments (1 open)" in text_of(
        member.get(draft.editor("summary")).get_data(as_text=True)
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"comment": "   "}, "Write a comment first."),
        ({"comment": "x" * 10_001}, "at most 10,000 characters"),
        ({"comment": "Hidden\x00byte"}, "control characters"),
        ({"comment": "Fine", "quote": "q" * 5_001}, "5,000 characters"),
    ],
)
def test_a_bad_comment_is_explained_and_kept(browsers, draft, data, message):
    answer = browsers("member").post(f"{draft.editor('summary')}/comments", data=data)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert message in page
    if data["comment"].strip() and "\x00" not in data["comment"]:
        assert textarea(page, "comment") == data["comment"]
    assert _count(Comment) == 0


def test_a_bad_reply_reopens_its_form_with_the_message(browsers, team, draft):
    section = db.session.get(Section, draft.sections["summary"])
    comment = services.add_comment(team.member, section, "A question")
    db.session.commit()

    answer = browsers("editor").post(
        f"{draft.editor('summary')}/comments/{comment.id}/replies", data={"reply": "r" * 10_001}
    )

    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "A reply can be at most 10,000 characters." in page
    assert textarea(page, "reply") == "r" * 10_001
    assert _count(Comment) == 1


def test_comments_of_another_section_cannot_be_touched_through_this_one(browsers, team, draft):
    about = db.session.get(Section, draft.sections["about"])
    comment = services.add_comment(team.member, about, "About comment")
    db.session.commit()
    base = draft.editor("summary") + f"/comments/{comment.id}"

    assert browsers("member").post(base + "/replies", data={"reply": "x"}).status_code == 404
    assert browsers("member").post(base + "/resolve", data={"resolved": "yes"}).status_code == 404
    assert db.session.get(Comment, comment.id).resolved_at is None


@pytest.mark.parametrize(("role", "status"), [("outsider", 404), ("anonymous", 302)])
def test_outsiders_cannot_comment(browsers, draft, role, status):
    answer = browsers(role).post(f"{draft.editor('summary')}/comments", data={"comment": "Hi"})

    assert answer.status_code == status
    assert _count(Comment) == 0


# --- suggested edits --------------------------------------------------------------------------


def _suggest(browser, draft, key, body, base, note=""):
    return browser.post(
        f"{draft.editor(key)}/suggestions",
        data={
            "suggestion": body,
            "note": note,
            "suggestion_base": "" if base is None else str(base),
        },
    )


def test_a_member_suggests_and_a_coordinator_accepts(browsers, team, draft):
    base = save_text(draft.sections["summary"], "We object to the plan.", team.editor)

    answer = _suggest(
        browsers("member"), draft, "summary", "We firmly object to the plan.", base.id, "Stronger"
    )
    assert location_path(answer) == draft.editor("summary")
    suggestion = db.session.scalars(select(Suggestion)).one()

    page = browsers("coordinator").get(draft.editor("summary")).get_data(as_text=True)
    text = text_of(page)
    assert "From Mo Member" in text and "Stronger" in text
    assert changes(page) == [("added", "firmly")]
    assert "Accept" in text and "Reject" in text

    browsers("coordinator").post(f"{draft.editor('summary')}/suggestions/{suggestion.id}/accept")

    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status == "accepted"
    head = head_of(draft.sections["summary"])
    assert head.body == "We firmly object to the plan." and head.author_id == team.coordinator.id


def test_an_accepted_suggestion_merges_with_later_edits(browsers, team, draft):
    base = save_text(draft.sections["summary"], paragraphs(FIRST, SECOND), team.editor)
    _suggest(browsers("member"), draft, "summary", paragraphs(FIRST + " Indeed.", SECOND), base.id)
    save_text(draft.sections["summary"], paragraphs(FIRST, SECOND + " Later."), team.editor)
    suggestion = db.session.scalars(select(Suggestion)).one()

    browsers("owner").post(f"{draft.editor('summary')}/suggestions/{suggestion.id}/accept")

    assert head_of(draft.sections["summary"]).body == paragraphs(
        FIRST + " Indeed.", SECOND + " Later."
    )


def test_an_accepted_suggestion_that_clashes_opens_the_conflict_screen(browsers, team, draft):
    base = save_text(draft.sections["summary"], FIRST, team.editor)
    _suggest(browsers("member"), draft, "summary", "The member's sentence.", base.id)
    later = save_text(draft.sections["summary"], "The editor's sentence.", team.editor)
    suggestion = db.session.scalars(select(Suggestion)).one()

    answer = browsers("coordinator").post(
        f"{draft.editor('summary')}/suggestions/{suggestion.id}/accept"
    )

    clash = revisions_of(draft.sections["summary"])[-1]
    assert clash.kind == "conflict" and clash.body == "The member's sentence."
    assert location_path(answer) == f"{draft.editor('summary')}/conflict/{clash.id}"
    assert head_of(draft.sections["summary"]).id == later.id
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status == "open"


def _clash(browsers, team, draft):
    """A member's suggestion that clashes with a later edit; the coordinator accepts it and
    lands on the conflict screen. Returns (suggestion, conflict screen's URL)."""
    base = save_text(draft.sections["summary"], FIRST, team.editor)
    _suggest(browsers("member"), draft, "summary", "The member's sentence.", base.id)
    save_text(draft.sections["summary"], "The editor's sentence.", team.editor)
    suggestion = db.session.scalars(select(Suggestion)).one()
    answer = browsers("coordinator").post(
        f"{draft.editor('summary')}/suggestions/{suggestion.id}/accept"
    )
    return suggestion, answer.headers["Location"]


def test_resolving_a_suggestions_clash_accepts_it_with_the_resolving_revision(
    browsers, team, draft
):
    suggestion, screen = _clash(browsers, team, draft)
    clash = revisions_of(draft.sections["summary"])[-1]
    assert screen.endswith(f"/conflict/{clash.id}?suggestion={suggestion.id}")

    page = browsers("coordinator").get(screen).get_data(as_text=True)
    fields = form_fields(page, f"/conflict/{clash.id}")
    assert fields["suggestion"] == str(suggestion.id)
    assert "You are accepting the suggested edit from Mo Member" in text_of(page)
    answer = browsers("coordinator").post(
        f"{draft.editor('summary')}/conflict/{clash.id}",
        data={**fields, "body": "The editor's and the member's sentence.", "resolution": "edited"},
    )

    assert location_path(answer) == draft.editor("summary")
    head = head_of(draft.sections["summary"])
    assert head.body == "The editor's and the member's sentence."
    db.session.expire_all()
    decided = db.session.get(Suggestion, suggestion.id)
    assert (decided.status, decided.result_revision_id) == ("accepted", head.id)
    assert decided.decided_by_id == team.coordinator.id
    shown = browsers("coordinator").get(draft.editor("summary")).get_data(as_text=True)
    assert "The suggestion is accepted." in " ".join(flashes(shown))
    assert "No open suggestions." in shown


def test_keeping_the_current_text_rejects_the_clashing_suggestion(browsers, team, draft):
    suggestion, screen = _clash(browsers, team, draft)
    page = browsers("coordinator").get(screen).get_data(as_text=True)
    clash = revisions_of(draft.sections["summary"])[-1]
    fields = form_fields(page, f"/conflict/{clash.id}")

    browsers("coordinator").post(
        f"{draft.editor('summary')}/conflict/{clash.id}", data={**fields, "resolution": "theirs"}
    )

    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status == "rejected"
    assert head_of(draft.sections["summary"]).body == "The editor's sentence."


def test_a_conflict_screen_only_settles_a_suggestion_its_visitor_may_decide(browsers, team, draft):
    """The assignee accepted a suggestion and it clashed; the section was then given to
    someone else. Resolving their own clash saves the text, but the suggestion stays open:
    deciding it is no longer theirs to do."""
    section = db.session.get(Section, draft.sections["summary"])
    services.assign_section(team.owner, section, team.editor)
    db.session.commit()
    base = save_text(draft.sections["summary"], FIRST, team.editor)
    _suggest(browsers("member"), draft, "summary", "The member's sentence.", base.id)
    save_text(draft.sections["summary"], "The coordinator's sentence.", team.coordinator)
    suggestion = db.session.scalars(select(Suggestion)).one()
    screen = (
        browsers("editor")
        .post(f"{draft.editor('summary')}/suggestions/{suggestion.id}/accept")
        .headers["Location"]
    )
    clash = revisions_of(draft.sections["summary"])[-1]
    assert clash.kind == "conflict" and clash.author_id == team.editor.id
    services.assign_section(team.owner, db.session.get(Section, section.id), team.member)
    db.session.commit()

    page = browsers("editor").get(screen).get_data(as_text=True)
    fields = form_fields(page, f"/conflict/{clash.id}")
    assert fields["suggestion"] == ""
    assert "You are accepting" not in page

    browsers("editor").post(
        f"{draft.editor('summary')}/conflict/{clash.id}",
        data={**fields, "suggestion": str(suggestion.id), "resolution": "mine"},
    )

    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status == "open"
    assert head_of(draft.sections["summary"]).body == "The member's sentence."


def test_the_assignee_may_decide_but_another_editor_may_not(browsers, team, draft):
    base = save_text(draft.sections["summary"], FIRST, team.editor)
    _suggest(browsers("member"), draft, "summary", FIRST + " More.", base.id)
    suggestion = db.session.scalars(select(Suggestion)).one()
    reject = f"{draft.editor('summary')}/suggestions/{suggestion.id}/reject"

    page = browsers("editor").get(draft.editor("summary")).get_data(as_text=True)
    assert f"/suggestions/{suggestion.id}/accept" not in page
    assert browsers("editor").post(reject).status_code == 403
    assert browsers("member").post(reject).status_code == 403
    assert browsers("outsider").post(reject).status_code == 404

    section = db.session.get(Section, draft.sections["summary"])
    services.assign_section(team.coordinator, section, team.editor)
    db.session.commit()
    browsers("editor").post(reject)

    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status == "rejected"
    assert head_of(draft.sections["summary"]).body == FIRST


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (FIRST, "The suggestion is the same as the text it starts from."),
        ("x" * 200_001, "at most 200,000 characters"),
        ("Null\x00byte", "invisible NUL character"),
    ],
)
def test_a_bad_suggestion_is_explained_and_kept(browsers, team, draft, body, message):
    base = save_text(draft.sections["summary"], FIRST, team.editor)

    answer = _suggest(browsers("member"), draft, "summary", body, base.id)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert message in page
    assert textarea(page, "suggestion") == body.replace("\x00", "")
    assert _count(Suggestion) == 0


def test_suggestions_of_another_section_cannot_be_decided_here(browsers, team, draft):
    about = db.session.get(Section, draft.sections["about"])
    suggestion = services.suggest(team.member, about, "Elsewhere.", None)
    db.session.commit()

    answer = browsers("owner").post(f"{draft.editor('summary')}/suggestions/{suggestion.id}/accept")

    assert answer.status_code == 404
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status == "open"
