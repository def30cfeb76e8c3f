"""An amendment edited live: each free-text field is a text of its own in the section's Yjs
document and the other fields are values beside them, so two people typing in different fields
both keep their words; the revisions written from it are the amendment's text exactly as a
form's save writes it (bills/amendment_text.py), checked as a save checks it; the access rules
are those of any section."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from consult.bills import amendment_text
from consult.bills import services as bills
from consult.bills.amendments import FIELD_KINDS, Amendment, differing_fields, typed_values
from consult.drafting import services as drafting
from consult.drafting.models import Revision, Section
from consult.extensions import db
from consult.live import documents
from consult.live.models import LiveDocument
from tests.bills.conftest import bill, bill_response  # noqa: F401 - the fixtures
from tests.drafting.pages_support import browsers_for
from tests.drafting.test_bill_responses import JUDGE
from tests.live.test_live_access import bearer, handshake, refused_before_the_upgrade, round_trip


@pytest.fixture
def amendment(team, bill_response) -> Section:  # noqa: F811 - the imported fixture
    """An amendment (a section of kind "amendment") in a response to the sample bill."""
    section, _outcome = bills.add_amendment(team.editor, bill_response, Amendment.from_dict(JUDGE))
    db.session.commit()
    return section


def revisions(section: Section) -> list[Revision]:
    db.session.rollback()  # see what the clock's thread committed
    return list(
        db.session.scalars(
            select(Revision).where(Revision.section_id == section.id).order_by(Revision.number)
        )
    )


def wait_until(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def append(words: str):
    return lambda text: text.insert(len(text), words)


def replace_with(words: str):
    return lambda text: documents.replace_text(text, words)


# --- the document, without a server ------------------------------------------------------------


def test_every_field_of_an_amendment_is_a_text_or_a_value_of_the_document():
    assert set(documents.AMENDMENT_TEXTS) <= set(FIELD_KINDS)
    assert ("kind", *FIELD_KINDS) == documents.AMENDMENT_FIELDS
    assert {name for name, _label in amendment_text.FIELDS} == set(documents.AMENDMENT_FIELDS)


def test_an_amendment_round_trips_through_its_document():
    made = Amendment.from_dict({**JUDGE, "clause": "1", "insert": "a judge\nof the High Court"})
    doc = documents.new_doc(documents.initial_amendment_state(typed_values(made.as_dict())))
    back = Amendment.from_dict(documents.amendment_values(doc))
    assert back == made
    assert amendment_text.dump(back) == amendment_text.dump(made)


def test_a_field_emptied_by_a_head_is_emptied_for_every_editor():
    """A deletion alone leaves the state vector as it was; the update must still be sent."""
    stored = documents.initial_amendment_state({"kind": "insert", "after": "officer"})
    doc, editor = documents.new_doc(stored), documents.new_doc(stored)
    editor.apply_update(documents.set_amendment_values(doc, {"after": ""}))
    assert documents.amendment_values(editor)["after"] == ""


def test_a_head_changes_only_the_fields_that_mean_something_else():
    """Words as typed (a trailing space, quotes) stay while someone is typing them; a field
    of another kind is left alone; a field whose meaning changed is set."""
    typed = {
        **typed_values(Amendment.from_dict(JUDGE).as_dict()),
        "leave_out": "“authorised  officer” ",
        "insert": "judge\n",
        "title": "typed under another kind",
        "explanatory_statement": "Old statement.",
    }
    head = Amendment.from_dict({**JUDGE, "clause": "1", "explanatory_statement": "New one."})
    assert differing_fields(typed, head) == {"clause": "1", "explanatory_statement": "New one."}


# --- through the real socket --------------------------------------------------------------------


def test_the_live_document_of_an_amendment_holds_its_saved_fields(team, amendment, connect):
    eddie = connect(team.editor, amendment)
    values = eddie.amendment()
    assert values["kind"] == "leave_out_insert"
    assert values["clause"] == "1"  # completed from the print when it was saved
    assert (values["page"], values["line"]) == ("1", "4")
    assert values["insert"] == "judge"
    assert values["to_end_of_line"] is False
    assert eddie.text() == ""  # the fields are the document; no text to edit as a whole


def test_two_people_editing_different_fields_both_keep_their_words(team, amendment, connect):
    eddie = connect(team.editor, amendment)
    cora = connect(team.coordinator, amendment)
    eddie.edit(append(" of the High Court"), field="insert")
    cora.edit(append(" Cameras are intrusive."), field="purpose")
    cora.set_value("subsection", "(1)")

    def both(values) -> bool:
        return values["insert"].endswith("High Court") and values["subsection"] == "(1)"

    for client in (eddie, cora):
        values = client.wait_for(
            lambda v: both(v) and "intrusive" in v["purpose"], of=client.amendment
        )
        assert values["insert"] == "judge of the High Court"
        assert values["purpose"] == JUDGE["purpose"] + " Cameras are intrusive."

    head = wait_until(
        lambda: next(
            (
                r
                for r in reversed(revisions(amendment))
                if "intrusive" in r.body and "High" in r.body
            ),
            None,
        )
    )
    saved = amendment_text.load(head.body)
    assert saved.insert == "judge of the High Court"
    assert saved.purpose.endswith("Cameras are intrusive.")
    assert saved.subsection == "(1)"
    assert amendment_text.dump(saved) == head.body  # written exactly as a form's save writes it
    assert {r.author_id for r in revisions(amendment)[1:]} <= {team.editor.id, team.coordinator.id}


def test_an_edit_that_makes_the_amendment_invalid_writes_nothing_and_keeps_the_words(
    team, amendment, connect
):
    """As a refused form: nothing saved, nothing typed lost (here: kept in the live document,
    stored), and the first edit that makes it an amendment again is saved."""
    eddie = connect(team.editor, amendment)
    eddie.edit(replace_with("chief constable"), field="leave_out")
    wait_until(
        lambda: (row := _stored(amendment)) is not None and "chief constable" in row["leave_out"]
    )
    time.sleep(1.0)  # well past the pause that would have written a revision
    assert len(revisions(amendment)) == 1

    eddie.edit(replace_with("authorised officer"), field="leave_out")
    eddie.edit(append(" sitting alone"), field="insert")
    head = wait_until(lambda: next((r for r in revisions(amendment) if "alone" in r.body), None))
    assert amendment_text.load(head.body).leave_out == "authorised officer"


def _stored(section: Section) -> dict | None:
    db.session.rollback()
    row = db.session.get(LiveDocument, section.id)
    return documents.amendment_values(documents.new_doc(row.state)) if row else None


def test_a_form_save_reaches_live_editors_field_by_field(team, amendment, connect, app):
    """A save from the form (or the API) while someone types in another field: they see it,
    and keep their words."""
    app.config["LIVE_PAUSE_SECONDS"] = 60  # their words are not yet a revision
    eddie = connect(team.editor, amendment)
    base = amendment.head_revision_id
    eddie.edit(append(" Typed live."), field="purpose")
    wait_until(lambda: (row := _stored(amendment)) and "Typed live." in row["purpose"])
    outcome = bills.save_amendment(
        team.coordinator,
        db.session.get(Section, amendment.id),
        Amendment.from_dict(
            {**JUDGE, "explanatory_statement": "This amendment would need a judge."}
        ),
        base,
    )
    db.session.commit()
    assert outcome.conflict is None and outcome.merged  # the live words became a revision first
    values = eddie.wait_for(
        lambda v: v["explanatory_statement"] == "This amendment would need a judge.",
        of=eddie.amendment,
    )
    assert values["purpose"].endswith("Typed live.")
    assert amendment_text.load(revisions(amendment)[-1].body).purpose.endswith("Typed live.")


def test_a_member_sees_an_amendment_live_but_cannot_change_it(team, amendment, connect, hub):
    eddie = connect(team.editor, amendment)
    mo = connect(team.member, amendment)
    mo.edit(append(" by a member"), field="insert")
    round_trip(mo)
    eddie.edit(append(" now"), field="purpose")
    mo.wait_for(lambda v: v["purpose"].endswith(" now"), of=mo.amendment)
    round_trip(eddie)
    assert eddie.amendment()["insert"] == "judge"
    assert documents.amendment_values(hub.rooms[amendment.id].doc)["insert"] == "judge"


def test_an_outsider_is_told_an_amendment_does_not_exist(server, team, amendment, hub, token_of):
    refused_before_the_upgrade(
        handshake(server, amendment.id, bearer(token_of(team.outsider))), 404
    )


def test_a_removed_amendment_takes_no_live_edits(team, amendment, connect, hub):
    drafting.remove_section(team.editor, amendment)
    db.session.commit()
    eddie = connect(team.editor, amendment)
    eddie.edit(append(" after removal"), field="insert")
    round_trip(eddie)
    assert documents.amendment_values(hub.rooms[amendment.id].doc)["insert"] == "judge"
    assert len(revisions(amendment)) == 1


def test_a_document_made_before_amendments_were_live_gets_its_fields_from_the_head(
    team, amendment, connect
):
    """A read-only view of an amendment (before this change) stored its text as `body`."""
    db.session.add(
        LiveDocument(section_id=amendment.id, state=documents.initial_state(amendment.body, None))
    )
    db.session.commit()
    eddie = connect(team.editor, amendment)
    assert eddie.amendment()["insert"] == "judge"
    assert eddie.amendment()["kind"] == "leave_out_insert"


# --- the page ------------------------------------------------------------------------------------


def _form_tag(page: str) -> str:
    return re.search(r"<form[^>]*data-amendment-form[^>]*>", page).group(0)


def test_the_amendment_form_is_live_for_those_who_may_edit_it(app, team, amendment, monkeypatch):
    monkeypatch.setitem(app.config, "LIVE_EDITING", True)
    browsers = browsers_for(app, team)
    url = f"/responses/{amendment.response_id}/sections/{amendment.id}"
    page = browsers("editor").get(url).get_data(as_text=True)
    assert f'data-live-url="/api/v1/live/sections/{amendment.id}"' in _form_tag(page)
    assert 'data-live-texts="' + " ".join(documents.AMENDMENT_TEXTS) + '"' in _form_tag(page)
    assert "data-live-status" in page
    assert "js/live-editor.js" in page
    member_page = browsers("member").get(url).get_data(as_text=True)
    assert "data-amendment-form" not in member_page  # members read it in House style, live
    assert "data-amendment-shown-url=" in member_page


def test_a_refused_amendment_form_is_not_live_so_what_was_typed_stays(
    app, team, amendment, monkeypatch
):
    monkeypatch.setitem(app.config, "LIVE_EDITING", True)
    browsers = browsers_for(app, team)
    url = f"/responses/{amendment.response_id}/sections/{amendment.id}"
    page = browsers("editor").get(url).get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|base_revision)"[^>]*value="([^"]*)"', page))
    result = browsers("editor").post(
        f"{url}/amendment", data={**fields, **JUDGE, "leave_out": "chief constable"}
    )
    assert result.status_code == 422
    assert "data-live-url" not in result.get_data(as_text=True)
