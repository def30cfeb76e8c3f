"""An amendment followed live by someone who may only read it (consult/drafting/views/amendments.py,
amendment_shown; static/js/live-editor.js asks for it as the live document changes): its House
style rendered from the fields as typed, checked as the form checks them, nothing saved; a
body that is not the fields is refused, and only those who may read the section are answered."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.bills import services as bills
from consult.bills.amendments import Amendment
from consult.drafting.models import Revision, Section
from consult.extensions import db
from tests.bills.conftest import bill, bill_response  # noqa: F401 - the fixtures
from tests.drafting.pages_support import browsers_for
from tests.drafting.test_bill_responses import JUDGE


@pytest.fixture
def amendment(team, bill_response) -> Section:  # noqa: F811 - the imported fixture
    section, _outcome = bills.add_amendment(team.editor, bill_response, Amendment.from_dict(JUDGE))
    db.session.commit()
    return section


def _url(section: Section) -> str:
    return f"/responses/{section.response_id}/sections/{section.id}/amendment/shown"


def _revisions() -> int:
    return db.session.scalar(select(func.count()).select_from(Revision))


def test_a_reader_gets_the_house_style_of_the_fields_as_typed_and_nothing_is_saved(
    app, team, amendment
):
    before = _revisions()
    reply = browsers_for(app, team)("member").post(
        _url(amendment), json={"values": {**JUDGE, "insert": "judge of the High Court"}}
    )

    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert "and insert \u201cjudge of the High Court\u201d" in page
    assert "Purpose, for supporters" in page
    assert _revisions() == before


def test_the_page_of_a_reader_follows_the_amendment_live(app, team, amendment, monkeypatch):
    monkeypatch.setitem(app.config, "LIVE_EDITING", True)
    page = browsers_for(app, team)("member").get(
        f"/responses/{amendment.response_id}/sections/{amendment.id}"
    )

    html = page.get_data(as_text=True)
    assert f'data-amendment-shown-url="{_url(amendment)}"' in html
    assert "data-live-url=" in html


@pytest.mark.parametrize(
    "values",
    [
        {**JUDGE, "insert": ""},  # nothing to insert yet
        {**JUDGE, "line": "999"},  # no such line in the print
        {**JUDGE, "kind": "no-such-kind"},
        {**JUDGE, "page": "three"},
        {**JUDGE, "purpose": "Bell \x07 rings"},  # a control character, as the form refuses
        {**JUDGE, "insert": "x" * 20_001},  # longer than the form takes
    ],
)
def test_what_makes_no_amendment_yet_shows_nothing_new(app, team, amendment, values):
    reply = browsers_for(app, team)("member").post(_url(amendment), json={"values": values})

    assert reply.status_code == 204
    assert reply.get_data() == b""


@pytest.mark.parametrize(
    "body",
    [None, [], {"values": "text"}, {"values": {**JUDGE, "page": 3}}, {"values": {"insert": ["a"]}}],
)
def test_a_body_that_is_not_the_fields_is_refused_with_a_message(app, team, amendment, body):
    client = browsers_for(app, team)("member")
    reply = (
        client.post(_url(amendment), data="not json", content_type="application/json")
        if body is None
        else client.post(_url(amendment), json=body)
    )

    assert reply.status_code == 400
    assert "values" in reply.get_json()["error"]


def test_another_organisation_and_a_section_that_is_no_amendment_get_404(
    app,
    team,
    amendment,
    bill_response,  # noqa: F811 - the imported fixture
):
    outsider = browsers_for(app, team)("outsider")
    assert outsider.post(_url(amendment), json={"values": JUDGE}).status_code == 404

    clause = next(s for s in bill_response.sections if s.kind == "clause")
    member = browsers_for(app, team)("member")
    assert member.post(_url(clause), json={"values": JUDGE}).status_code == 404


def test_without_the_pages_csrf_token_nothing_is_answered(app, team, amendment):
    client = browsers_for(app, team)("member")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        reply = client.post(_url(amendment), json={"values": JUDGE})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert reply.status_code == 400
    assert "House style" not in reply.get_data(as_text=True)
