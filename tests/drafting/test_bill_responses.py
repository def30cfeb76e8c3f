"""The drafting pages of a response to a bill, without JavaScript: starting one from the new
response form (all clauses, or those ticked), the dashboard (positions beside the clauses, the
amendments in House style, "needs attention" after a new print, the illustrative notice), a
clause section's editor (the position as radio buttons, the bill's text beside it, quoting a
line in a comment) and the amendment form (add, edit, preview, problems beside their fields
with nothing typed lost, merges, clashes, history and restore).

The bill is tests/bills/sample.py: our own illustrative text in the shape of a real bill."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlalchemy import select

from consult.bills import amendment_text
from consult.bills import services as bills
from consult.bills.amendments import Amendment
from consult.drafting import services
from consult.drafting.models import Comment, Response, Section
from consult.extensions import db
from tests.bills.sample import HEADINGS, LINES, PRINT, make_print
from tests.drafting.conftest import membership_of
from tests.drafting.pages_support import (
    browsers_for,
    flashes,
    form_fields,
    location_path,
    revisions_of,
    text_of,
)

JUDGE = {
    "kind": "leave_out_insert",
    "page": "1",
    "line": "4",
    "leave_out": "authorised officer",
    "insert": "judge",
    "explanatory_statement": "This amendment would require a judge to authorise the use.",
    "purpose": "Only a judge, not a police officer, should switch the cameras on.",
}


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


@pytest.fixture
def bill(team):
    made = bills.create_bill(
        membership_of(team.coordinator, team.organisation),
        PRINT,
        title="Police Reform Bill",
        label="As introduced",
        source_kind="text",
        illustrative=True,
    )
    db.session.commit()
    return made


@pytest.fixture
def bill_response(team, bill):
    made = services.create_bill_response(
        membership_of(team.editor, team.organisation), bill, "Our evidence"
    )
    db.session.commit()
    return made


def _clause(response: Response, number: str) -> Section:
    return next(s for s in response.sections if s.kind == "clause" and s.clause == number)


def _add(team, response: Response, **changes) -> Section:
    section, _outcome = bills.add_amendment(
        team.editor, response, Amendment.from_dict({**JUDGE, **changes})
    )
    db.session.commit()
    return section


def _page(result) -> str:
    return result.get_data(as_text=True)


def _value(page: str, name: str) -> str:
    """The value of the input (or text of the textarea) named `name`, as a browser has it."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    if found:
        return unescape(found.group(1))
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)
    assert found, f"no field {name}"
    return unescape(found.group(1))


def _form(page: str, action: str) -> dict[str, str]:
    """The fields of the POST form to `action`, its text boxes included, as a browser sends
    them (the first button's value for `action`)."""
    fields = form_fields(page, action)
    body = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.S)
    assert body, f"no form posting to {action}"
    for name in re.findall(r'<textarea[^>]*name="([^"]+)"', body.group(0)):
        fields[name] = _value(body.group(0), name)
    return fields


def _error_beside(page: str, field: str) -> str:
    found = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', page, re.S)
    assert found, f"no error beside {field}"
    return text_of(found.group(1))


# --- starting a response to a bill ----------------------------------------------------------


def test_the_new_response_form_offers_the_organisations_bills_with_their_clauses(
    browsers, team, bill
):
    page = _page(browsers("editor").get(f"/o/{team.organisation.slug}/responses/new"))

    assert 'value="bill:police-reform-bill"' in page
    assert "Police Reform Bill" in page
    assert "illustrative text, not Parliament" in page
    assert 'value="police-reform-bill:Schedule 1"' in page
    assert "Clause 2: Code of practice" in page


def test_a_bill_chosen_in_the_link_is_chosen_with_the_committee_profile(browsers, team, bill):
    page = _page(
        browsers("editor").get(f"/o/{team.organisation.slug}/responses/new?bill={bill.slug}")
    )

    assert re.search(r'value="bill:police-reform-bill"[^>]*checked', page)
    assert re.search(r'value="public-bill-committee"[^>]*checked', page)


def test_starting_a_response_to_a_bill_makes_a_section_per_clause(browsers, team, bill):
    result = browsers("editor").post(
        f"/o/{team.organisation.slug}/responses/new",
        data={"consultation": "bill:police-reform-bill", "profile": "public-bill-committee"},
    )

    assert result.status_code == 302
    response = db.session.scalar(select(Response).where(Response.bill_id == bill.id))
    assert response.title == "Response to the Police Reform Bill"
    assert [s.clause for s in response.sections if s.kind == "clause"] == [
        "1",
        "2",
        "Schedule 1",
    ]
    assert location_path(result) == f"/responses/{response.id}"


def test_only_the_clauses_ticked_get_a_section(browsers, team, bill):
    browsers("editor").post(
        f"/o/{team.organisation.slug}/responses/new",
        data={
            "consultation": "bill:police-reform-bill",
            "profile": "public-bill-committee",
            "clauses": ["police-reform-bill:2", "police-reform-bill:Schedule 1"],
            "title": "Our evidence on clause 2",
        },
    )

    response = db.session.scalar(select(Response).where(Response.bill_id == bill.id))
    assert [s.clause for s in response.sections if s.kind == "clause"] == ["2", "Schedule 1"]
    assert response.title == "Our evidence on clause 2"


def test_an_unknown_bill_is_refused_with_a_message(browsers, team, bill):
    result = browsers("editor").post(
        f"/o/{team.organisation.slug}/responses/new",
        data={"consultation": "bill:no-such-bill", "profile": "public-bill-committee"},
    )

    assert result.status_code == 422
    assert "Choose one of the listed consultations or bills." in _page(result)


def test_a_response_to_a_bill_is_named_after_the_bill_in_the_lists(browsers, team, bill_response):
    dashboard = _page(browsers("member").get(f"/responses/{bill_response.id}"))
    mine = _page(browsers("member").get("/responses"))
    preview = _page(browsers("member").get(f"/responses/{bill_response.id}/preview"))

    assert "Response to the Police Reform Bill" in text_of(dashboard)
    # One sentence, the bill named once: "Response to the X, a bill before ..., now at ..."
    assert (
        "Response to the Police Reform Bill, a bill before the House of Commons, now at second "
        "reading." in text_of(dashboard)
    )
    assert "Our evidence" in mine and "Police Reform Bill" in mine
    assert "Response to the Police Reform Bill" in text_of(preview)


# --- the dashboard --------------------------------------------------------------------------


def test_the_dashboard_shows_each_clauses_position_and_says_the_text_is_illustrative(
    browsers, team, bill_response
):
    clause = _clause(bill_response, "1")
    services.save_section(team.editor, clause, "We oppose live use.", "oppose", None)
    db.session.commit()

    page = text_of(_page(browsers("member").get(f"/responses/{bill_response.id}")))

    assert "Clause 1: Use of live facial recognition Position: Oppose" in page
    assert "Clause 2: Code of practice No position yet" in page
    assert "Illustrative text." in page


def test_the_dashboard_lists_amendments_in_house_style_with_their_purpose(
    browsers, team, bill_response
):
    _add(team, bill_response)

    page = text_of(_page(browsers("member").get(f"/responses/{bill_response.id}")))

    assert (
        "Amendment 1 Drafting Clause 1, page 1, line 4, leave out \u201cauthorised officer\u201d"
        " and insert \u201cjudge\u201d"
    ) in page
    assert "Member\u2019s explanatory statement This amendment would require a judge" in page
    assert "Purpose, for supporters Only a judge, not a police officer" in page
    assert "Needs attention" not in page


def test_an_amendment_whose_words_vanish_in_a_new_print_needs_attention(
    browsers, team, bill, bill_response
):
    _add(team, bill_response)
    rows = [
        (page, line, text.replace("An authorised officer", "A chief constable"), *rest)
        for page, line, text, *rest in LINES
    ]
    bills.add_print(
        membership_of(team.coordinator, team.organisation),
        bill,
        make_print(rows, HEADINGS),
        label="As amended in committee",
        source_kind="text",
    )
    db.session.commit()

    page = text_of(_page(browsers("member").get(f"/responses/{bill_response.id}")))

    assert "Needs attention" in page
    assert "print \u201cAs amended in committee\u201d" in page


# --- a clause section -----------------------------------------------------------------------


def test_a_clause_section_shows_the_bill_text_beside_it_with_page_and_line(
    browsers, team, bill_response
):
    clause = _clause(bill_response, "2")

    page = _page(browsers("editor").get(f"/responses/{bill_response.id}/sections/{clause.id}"))

    assert 'class="clause-layout"' in page
    lines = re.findall(
        r'<li class="bill-text__line" id="p(\d+)l(\d+)">.*?<span class="bill-text__words"[^>]*>'
        r"(.*?)</span>",
        page,
        re.S,
    )
    assert [(int(p), int(n), unescape(t)) for p, n, t in lines] == [
        (1, 9, "2 Code of practice"),
        (1, 10, "(1) The Secretary of State must issue a code of practice about the"),
        (2, 1, "use of live facial recognition by police forces."),
        (2, 2, "(2) Before issuing the code the Secretary of State must consult the Bio-"),
        (2, 3, "metrics Commissioner and such other persons as the Secretary of State"),
        (2, 4, "considers appropriate."),
    ]
    assert "Page 2" in text_of(page)


def test_the_position_is_chosen_with_radio_buttons_and_saved_as_the_choice(
    browsers, team, bill_response
):
    clause = _clause(bill_response, "1")
    url = f"/responses/{bill_response.id}/sections/{clause.id}"
    page = _page(browsers("editor").get(url))
    assert [label for label in re.findall(r'name="choice" value="([a-z_]+)"', page)] == [
        "support",
        "oppose",
        "amend",
        "concerns",
        "no_view",
    ]

    fields = form_fields(page, url)
    result = browsers("editor").post(
        url, data={**fields, "body": "It needs a judge.", "choice": "amend"}
    )

    assert result.status_code == 302
    db.session.expire_all()
    assert db.session.get(Section, clause.id).choice == "amend"
    member_page = _page(browsers("member").get(url))
    assert "Position: Amend" in text_of(member_page)
    # The live view names a position picked meanwhile by its label, from the page.
    labels = re.search(r"data-live-choice-labels='([^']*)'", member_page)
    assert json.loads(unescape(labels.group(1)))["no_view"] == "No view"


def test_a_position_that_is_not_one_of_the_five_is_refused_beside_the_choice(
    browsers, team, bill_response
):
    clause = _clause(bill_response, "1")
    url = f"/responses/{bill_response.id}/sections/{clause.id}"
    fields = form_fields(_page(browsers("editor").get(url)), url)

    result = browsers("editor").post(url, data={**fields, "body": "Kept.", "choice": "Agree"})

    assert result.status_code == 422
    page = _page(result)
    assert "Choose a position on the clause" in page
    assert "Kept." in page


def test_quote_beside_a_line_opens_the_comment_form_quoting_it_and_the_comment_keeps_it(
    browsers, team, bill_response
):
    clause = _clause(bill_response, "1")
    url = f"/responses/{bill_response.id}/sections/{clause.id}"
    page = _page(browsers("member").get(url))
    link = re.search(r'href="([^"]*quote_page=1[^"]*quote_line=5[^"]*)"', page)
    assert link, "no Quote link for page 1, line 5"

    quoting = _page(browsers("member").get(unescape(link.group(1))))
    quote = _value(quoting, "quote")
    assert quote == (
        "Page 1, line 5: \u201crecognition in a public place where the officer is satisfied "
        "that the\u201d"
    )
    result = browsers("member").post(
        f"{url}/comments", data={"comment": "Who decides this?", "quote": quote}
    )

    assert result.status_code == 302
    comment = db.session.scalar(select(Comment).where(Comment.section_id == clause.id))
    assert comment.quote == quote
    shown = text_of(_page(browsers("editor").get(url)))
    assert "Quoting: Page 1, line 5: \u201crecognition in a public place" in shown


def test_a_quote_of_a_line_the_print_does_not_have_is_ignored(browsers, team, bill_response):
    clause = _clause(bill_response, "1")
    url = f"/responses/{bill_response.id}/sections/{clause.id}"

    page = _page(browsers("member").get(f"{url}?quote_page=9&quote_line=99"))
    odd = _page(browsers("member").get(f"{url}?quote_page=x&quote_line=99999999999"))

    assert _value(page, "quote") == "" and _value(odd, "quote") == ""


# --- adding an amendment --------------------------------------------------------------------


def test_adding_an_amendment_through_the_form_saves_it_in_house_style(
    browsers, team, bill_response
):
    url = f"/responses/{bill_response.id}/amendments/new"
    page = _page(browsers("editor").get(url))
    for label in (
        "Leave out words",
        "Leave out words and insert others",
        "Insert words",
        "Leave out a whole clause (clause stand part)",
        "New clause",
        "New schedule",
    ):
        assert f">{label}</label>" in page

    result = browsers("editor").post(url, data={**form_fields(page, url), **JUDGE})

    assert result.status_code == 302
    section = db.session.scalar(
        select(Section).where(Section.response_id == bill_response.id, Section.kind == "amendment")
    )
    assert location_path(result) == f"/responses/{bill_response.id}/sections/{section.id}"
    saved = amendment_text.load(section.body)
    assert (saved.clause, saved.page, saved.line, saved.insert) == ("1", 1, 4, "judge")
    editor = text_of(_page(browsers("editor").get(location_path(result))))
    assert "Amendment 1 added." in editor
    assert "leave out \u201cauthorised officer\u201d and insert \u201cjudge\u201d" in editor


def test_problems_are_shown_beside_their_fields_and_nothing_typed_is_lost(
    browsers, team, bill_response
):
    url = f"/responses/{bill_response.id}/amendments/new"
    typed = {
        **JUDGE,
        "line": "5",  # the words are on line 4
        "explanatory_statement": " ".join(["word"] * 55),
        "title": "Typed under another kind",
    }

    result = browsers("editor").post(url, data=typed)

    assert result.status_code == 422
    page = _page(result)
    assert "authorised officer" in _error_beside(page, "leave_out")
    assert "55 words" in _error_beside(page, "explanatory_statement")
    summary = text_of(re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0))
    assert "There is a problem" in summary and "55 words" in summary
    for name in ("line", "leave_out", "insert", "explanatory_statement", "purpose", "title"):
        assert _value(page, name) == typed[name], name
    assert re.search(r'value="leave_out_insert"[^>]*checked', page)
    assert not db.session.scalar(select(Section).where(Section.kind == "amendment"))


def test_a_page_that_is_not_a_number_is_told_so(browsers, team, bill_response):
    result = browsers("editor").post(
        f"/responses/{bill_response.id}/amendments/new", data={**JUDGE, "page": "three"}
    )

    assert result.status_code == 422
    assert "Give the page as a whole number, like 3." in _error_beside(_page(result), "page")


def test_preview_shows_the_house_style_without_saving(browsers, team, bill_response):
    result = browsers("editor").post(
        f"/responses/{bill_response.id}/amendments/new",
        data={**JUDGE, "kind": "stand_part", "clause": "2", "action": "preview"},
    )

    assert result.status_code == 200
    page = _page(result)
    assert "Preview in House style" in page
    assert "Clause 2 stand part" in text_of(page)
    assert _value(page, "clause") == "2"
    assert not db.session.scalar(select(Section).where(Section.kind == "amendment"))


def test_a_warning_is_shown_but_does_not_stop_the_save(browsers, team, bill_response):
    result = browsers("editor").post(
        f"/responses/{bill_response.id}/amendments/new",
        data={**JUDGE, "explanatory_statement": "We think a judge should decide."},
    )

    assert result.status_code == 302
    messages = flashes(_page(browsers("editor").get(location_path(result))))
    assert any("Worth a second look" in message for message in messages)


# --- editing an amendment -------------------------------------------------------------------


def _edit_url(response: Response, section: Section) -> str:
    return f"/responses/{response.id}/sections/{section.id}/amendment"


def test_the_amendment_editor_is_the_form_drawn_from_the_head_revision(
    browsers, team, bill_response
):
    section = _add(team, bill_response)

    page = _page(browsers("editor").get(f"/responses/{bill_response.id}/sections/{section.id}"))

    fields = _form(page, _edit_url(bill_response, section))
    assert fields["base_revision"] == str(section.head_revision_id)
    assert fields["leave_out"] == "authorised officer" and fields["insert"] == "judge"
    assert "Remove this amendment" in page
    assert 'name="body"' not in page  # no raw text box for an amendment


def test_editing_an_amendment_saves_a_new_revision(browsers, team, bill_response):
    section = _add(team, bill_response)
    page = _page(browsers("editor").get(f"/responses/{bill_response.id}/sections/{section.id}"))
    fields = _form(page, _edit_url(bill_response, section))

    result = browsers("editor").post(
        _edit_url(bill_response, section), data={**fields, "insert": "circuit judge"}
    )

    assert result.status_code == 302
    assert amendment_text.load(revisions_of(section.id)[-1].body).insert == "circuit judge"
    assert len(revisions_of(section.id)) == 2


def test_a_refused_edit_keeps_what_was_typed_and_saves_nothing(browsers, team, bill_response):
    section = _add(team, bill_response)
    page = _page(browsers("editor").get(f"/responses/{bill_response.id}/sections/{section.id}"))
    fields = _form(page, _edit_url(bill_response, section))

    result = browsers("editor").post(
        _edit_url(bill_response, section),
        data={**fields, "leave_out": "chief constable", "insert": "sheriff"},
    )

    assert result.status_code == 422
    page = _page(result)
    assert "chief constable" in _error_beside(page, "leave_out")
    assert _value(page, "insert") == "sheriff"
    assert len(revisions_of(section.id)) == 1


def test_two_peoples_edits_of_different_fields_of_an_amendment_merge(browsers, team, bill_response):
    section = _add(team, bill_response)
    url = f"/responses/{bill_response.id}/sections/{section.id}"
    editor_fields = _form(_page(browsers("editor").get(url)), _edit_url(bill_response, section))
    coordinator_fields = _form(
        _page(browsers("coordinator").get(url)), _edit_url(bill_response, section)
    )
    browsers("coordinator").post(
        _edit_url(bill_response, section),
        data={**coordinator_fields, "purpose": "A judge is independent of the police."},
    )

    result = browsers("editor").post(
        _edit_url(bill_response, section), data={**editor_fields, "insert": "circuit judge"}
    )

    assert result.status_code == 302
    merged = amendment_text.load(revisions_of(section.id)[-1].body)
    assert merged.insert == "circuit judge"
    assert merged.purpose == "A judge is independent of the police."
    assert revisions_of(section.id)[-1].kind == "merge"
    assert any("merged" in m for m in flashes(_page(browsers("editor").get(url))))


def test_a_clash_on_an_amendment_shows_both_texts_in_house_style(browsers, team, bill_response):
    section = _add(team, bill_response)
    url = f"/responses/{bill_response.id}/sections/{section.id}"
    editor_fields = _form(_page(browsers("editor").get(url)), _edit_url(bill_response, section))
    coordinator_fields = _form(
        _page(browsers("coordinator").get(url)), _edit_url(bill_response, section)
    )
    browsers("coordinator").post(
        _edit_url(bill_response, section), data={**coordinator_fields, "insert": "magistrate"}
    )

    result = browsers("editor").post(
        _edit_url(bill_response, section), data={**editor_fields, "insert": "circuit judge"}
    )

    assert result.status_code == 302
    assert "/conflicts/" in location_path(result) or "/conflict" in location_path(result)
    clash = text_of(_page(browsers("editor").get(location_path(result))))
    assert "insert \u201cmagistrate\u201d" in clash
    assert "insert \u201ccircuit judge\u201d" in clash


def test_the_history_of_an_amendment_shows_it_in_house_style_and_restores_it(
    browsers, team, bill_response
):
    section = _add(team, bill_response)
    first = section.head_revision_id
    bills.save_amendment(
        team.editor,
        section,
        Amendment.from_dict({**JUDGE, "insert": "circuit judge"}),
        section.head_revision_id,
    )
    db.session.commit()
    history_url = f"/responses/{bill_response.id}/sections/{section.id}/history"

    history = text_of(_page(browsers("member").get(history_url)))
    assert "insert \u201ccircuit judge\u201d" in history
    assert "insert \u201cjudge\u201d" in history  # the revision it was made from

    result = browsers("editor").post(f"{history_url.rsplit('/', 1)[0]}/restore/{first}")
    assert result.status_code == 302
    assert amendment_text.load(revisions_of(section.id)[-1].body).insert == "judge"


def test_an_amendment_is_removed_like_any_section(browsers, team, bill_response):
    section = _add(team, bill_response)
    url = f"/responses/{bill_response.id}/sections/{section.id}/remove"

    result = browsers("editor").post(url)

    assert result.status_code == 302
    db.session.expire_all()
    assert db.session.get(Section, section.id).removed_at is not None
    page = text_of(_page(browsers("editor").get(f"/responses/{bill_response.id}")))
    assert "No amendments yet" in page


# --- who may ----------------------------------------------------------------------------------


def test_a_consultations_response_has_no_amendment_form(browsers, team):
    from tests.drafting.pages_support import make_draft

    draft = make_draft(team)

    assert browsers("editor").get(f"{draft.url}/amendments/new").status_code == 404


def test_members_read_amendments_but_may_not_add_or_edit_them(browsers, team, bill_response):
    section = _add(team, bill_response)
    url = f"/responses/{bill_response.id}/sections/{section.id}"

    assert (
        browsers("member").get(f"/responses/{bill_response.id}/amendments/new").status_code == 403
    )
    assert browsers("member").post(_edit_url(bill_response, section), data=JUDGE).status_code == 403
    page = _page(browsers("member").get(url))
    assert "leave out \u201cauthorised officer\u201d" in text_of(page)
    assert "data-amendment-form" not in page
    assert browsers("outsider").get(url).status_code == 404
    assert (
        browsers("outsider").get(f"/responses/{bill_response.id}/amendments/new").status_code == 404
    )


def test_a_clause_section_offers_an_amendment_to_its_clause(browsers, team, bill_response):
    clause = _clause(bill_response, "2")
    page = _page(browsers("editor").get(f"/responses/{bill_response.id}/sections/{clause.id}"))
    link = re.search(r'href="([^"]*/amendments/new\?clause=2)"', page)
    assert link and "Propose an amendment to clause 2" in text_of(page)

    form = _page(browsers("editor").get(unescape(link.group(1))))

    assert _value(form, "clause") == "2"


def test_a_suggested_edit_of_an_amendment_is_accepted_through_the_merge(
    browsers, team, bill_response
):
    section = _add(team, bill_response)
    url = f"/responses/{bill_response.id}/sections/{section.id}"
    page = _page(browsers("member").get(url))
    offered = _value(page, "suggestion")
    assert offered.startswith("Kind: leave_out_insert")  # the fields, one a line
    # ... and beside the box, how that text is written (as on a clash page)
    assert 'aria-describedby="suggestion-hint amendment-format"' in page
    assert "one field a line" in text_of(page)

    browsers("member").post(
        f"{url}/suggestions",
        data={
            "suggestion": offered.replace("  judge", "  magistrate"),
            "note": "A magistrate is quicker to reach.",
            "suggestion_base": str(section.head_revision_id),
        },
    )
    suggestion_id = re.search(r'id="suggestion-(\d+)"', _page(browsers("editor").get(url)))
    result = browsers("coordinator").post(f"{url}/suggestions/{suggestion_id.group(1)}/accept")

    assert result.status_code == 302
    assert amendment_text.load(revisions_of(section.id)[-1].body).insert == "magistrate"
    page = text_of(_page(browsers("member").get(url)))
    assert "insert \u201cmagistrate\u201d" in page


def test_a_suggestion_that_is_not_an_amendment_is_refused_with_the_line_it_cannot_read(
    browsers, team, bill_response
):
    section = _add(team, bill_response)
    url = f"/responses/{bill_response.id}/sections/{section.id}"

    result = browsers("member").post(
        f"{url}/suggestions",
        data={"suggestion": "Just say judge.", "suggestion_base": str(section.head_revision_id)},
    )

    assert result.status_code == 422
    assert "Line 1 of the amendment (\u201cJust say judge.\u201d)" in text_of(_page(result))
    assert "Just say judge." in _value(_page(result), "suggestion")
    assert len(revisions_of(section.id)) == 1


def _amendment_clash(browsers, team, bill_response) -> tuple[Section, str]:
    """An amendment the editor and the coordinator both changed in its Insert line: the
    editor's clash page."""
    section = _add(team, bill_response)
    url = f"/responses/{bill_response.id}/sections/{section.id}"
    editor_fields = _form(_page(browsers("editor").get(url)), _edit_url(bill_response, section))
    coordinator_fields = _form(
        _page(browsers("coordinator").get(url)), _edit_url(bill_response, section)
    )
    browsers("coordinator").post(
        _edit_url(bill_response, section), data={**coordinator_fields, "insert": "magistrate"}
    )
    result = browsers("editor").post(
        _edit_url(bill_response, section), data={**editor_fields, "insert": "circuit judge"}
    )
    return section, location_path(result)


def test_the_clash_page_of_an_amendment_explains_the_field_format_above_the_text(
    browsers, team, bill_response
):
    _section, clash_url = _amendment_clash(browsers, team, bill_response)
    page = _page(browsers("editor").get(clash_url))

    explained = page.index('id="amendment-format"')
    assert explained < page.index('<textarea id="body"')
    assert 'aria-describedby="amendment-format"' in page
    help_text = text_of(page[explained : page.index('<textarea id="body"')])
    for _name, label in amendment_text.FIELDS:
        assert f"{label}:" in help_text
    assert "Leave out: authorised officer" in help_text  # an example line


def test_a_clash_text_that_is_no_amendment_is_kept_with_the_line_it_cannot_read(
    browsers, team, bill_response
):
    section, clash_url = _amendment_clash(browsers, team, bill_response)
    fields = _form(_page(browsers("editor").get(clash_url)), clash_url)
    typed = "Kind: leave_out_insert\nPage: 1\nLeave it out: authorised officer\nInsert:\n  judge"
    heads = len(revisions_of(section.id))

    result = browsers("editor").post(
        clash_url, data={**fields, "body": typed, "resolution": "edited"}
    )

    page = _page(result)
    assert result.status_code == 422
    assert _value(page, "body").replace("\r\n", "\n") == typed
    assert "Line 3 of the amendment" in _error_beside(page, "body")
    assert 'id="amendment-format"' in page  # the explanation is still there
    assert len(revisions_of(section.id)) == heads  # nothing saved
