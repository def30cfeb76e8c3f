"""Responding to a bill through the API: a response with a section per clause (each with a
position), and amendments: checked against the current print (422 with the reason per field),
rendered in House style, saved from a base revision with the section PUT's merge and 409."""

from __future__ import annotations

import pytest

from consult.drafting.models import Section
from consult.extensions import db
from tests.api.bills_support import LEAVE_OUT, SLUG, TITLE, amendments_url, make_bill
from tests.api.helpers import ISO_UTC, assert_documented, assert_error

AMENDMENTS = "/api/v1/responses/{response_id}/amendments"
ONE = AMENDMENTS + "/{amendment_id}"
REFERENCE = (
    "Clause 1, page 1, line 31, leave out \u201clive identification\u201d and insert "
    "\u201cauthorised\u201d"
)


@pytest.fixture
def ids(team):
    return make_bill(team)


def _create(client, headers, response_id, **changes):
    return client.post(amendments_url(response_id), json={**LEAVE_OUT, **changes}, headers=headers)


# --- a response to a bill -------------------------------------------------------------------


def test_a_response_to_a_bill_names_it_and_has_a_section_per_clause(client, bearer, ids):
    response = client.post(
        f"/api/v1/organisations/{SLUG}/responses",
        json={"bill": ids.bill, "title": "Evidence to the committee"},
        headers=bearer("editor"),
    )

    assert response.status_code == 201, response.get_json()
    assert_documented(response, "/api/v1/organisations/{slug}/responses", "post")
    body = response.get_json()
    assert body["consultation"] is None
    assert body["bill"] == {
        "id": ids.bill,
        "slug": "police-reform-bill-illustrative",
        "title": TITLE,
        "illustrative": False,
    }
    assert body["profile"] == "public-bill-committee"
    clauses = [s for s in body["sections"] if s["kind"] == "clause"]
    assert [s["clause"] for s in clauses] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "Schedule 1",
        "Schedule 2",
    ]
    assert clauses[0]["title"] == "Clause 1: Use of live facial recognition"
    assert {s["position"] for s in clauses} == {None}
    assert [s["kind"] for s in body["sections"]][:2] == ["summary", "about"]
    listed = client.get(f"/api/v1/organisations/{SLUG}/responses", headers=bearer("member"))
    assert {item["bill"]["id"] for item in listed.get_json() if item["bill"]} == {ids.bill}


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"bill": 2**31 - 1}, "bill"),
        ({"bill": "1"}, "bill"),
        ({"bill": 1, "consultation": "facial-recognition-framework"}, "bill"),
        ({"title": "Neither"}, "consultation"),
    ],
)
def test_a_response_needs_one_known_bill_or_consultation(client, bearer, ids, payload, field):
    response = client.post(
        f"/api/v1/organisations/{SLUG}/responses", json=payload, headers=bearer("editor")
    )
    assert field in assert_error(response, 422)["fields"]


def test_another_organisations_bill_cannot_be_answered(client, bearer, team, ids):
    theirs = make_bill(team, team.other_organisation)
    response = client.post(
        f"/api/v1/organisations/{SLUG}/responses",
        json={"bill": theirs.bill},
        headers=bearer("editor"),
    )
    assert "bill" in assert_error(response, 422)["fields"]


def test_a_clause_section_takes_a_position_as_position_or_choice(client, bearer, ids):
    url = f"/api/v1/responses/{ids.response}/sections/{ids.clause_section}"
    saved = client.put(
        url,
        json={"body": "We oppose it.", "position": "oppose", "base_revision": None},
        headers=bearer("editor"),
    )
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["choice"] == "oppose"
    head = saved.get_json()["head_revision"]
    # Left out, the position stays; "choice" is the same thing.
    kept = client.put(
        url, json={"body": "We oppose it firmly.", "base_revision": head}, headers=bearer("editor")
    )
    assert kept.get_json()["choice"] == "oppose"
    body = client.get(f"/api/v1/responses/{ids.response}", headers=bearer("member")).get_json()
    section = next(s for s in body["sections"] if s["id"] == ids.clause_section)
    assert (section["position"], section["choice"], section["clause"]) == ("oppose", "oppose", "1")

    wrong = client.put(
        url,
        json={"body": "x", "position": "Agree", "base_revision": head},
        headers=bearer("editor"),
    )
    assert "position" in assert_error(wrong, 422)["message"]
    both = client.put(
        url,
        json={"body": "x", "position": "support", "choice": "amend", "base_revision": head},
        headers=bearer("editor"),
    )
    assert "position" in assert_error(both, 422)["fields"]


def test_only_clause_sections_take_a_position(client, bearer, team, ids, draft):
    response = client.put(
        f"/api/v1/responses/{draft.response_id}/sections/{draft.summary}",
        json={"body": "x", "position": "support", "base_revision": None},
        headers=bearer("editor"),
    )
    assert "position" in assert_error(response, 422)["fields"]


# --- amendments -----------------------------------------------------------------------------


def test_an_amendment_is_checked_against_the_print_and_given_in_house_style(client, bearer, ids):
    response = _create(client, bearer("editor"), ids.response)

    assert response.status_code == 201, response.get_json()
    assert_documented(response, AMENDMENTS, "post")
    body = response.get_json()
    assert {"id", "number", "house_style", "head_revision"} <= set(body)
    assert body["number"] == 1 and body["label"] == "Amendment 1"
    assert body["clause"] == "1"  # filled in from the print
    assert body["reference"] == REFERENCE
    assert body["house_style"].splitlines()[0] == REFERENCE
    assert "Member\u2019s explanatory statement" in body["house_style"]
    assert body["problems"] == [] and body["needs_attention"] is False
    assert response.headers["Location"].endswith(
        f"/api/v1/responses/{ids.response}/amendments/{body['id']}"
    )
    second = _create(client, bearer("editor"), ids.response, kind="leave_out", insert="")
    assert second.get_json()["number"] == 2


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"line": 30}, "leave_out", "line 30"),
        ({"page": 40}, "page", "page 40"),
        ({"kind": "stand_part", "clause": "99"}, "clause", "99"),
        ({"insert": ""}, "insert", "insert"),
        ({"explanatory_statement": "word " * 51}, "explanatory_statement", "51 words"),
    ],
    ids=["words-not-on-line", "no-such-page", "no-such-clause", "nothing-to-insert", "long"],
)
def test_an_amendment_that_does_not_fit_the_print_is_422_with_the_reason(
    client, bearer, ids, changes, field, words
):
    response = _create(client, bearer("editor"), ids.response, **changes)

    error = assert_error(response, 422)
    assert_documented(response, AMENDMENTS, "post")
    assert words in error["fields"][field], error
    assert db.session.query(Section).filter_by(kind="amendment").count() == 0


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"kind": "delete"}, "kind"),
        ({"page": 0}, "page"),
        ({"line": "3"}, "line"),
        ({"to_end_of_line": "yes"}, "to_end_of_line"),
        ({"insert": 5}, "insert"),
    ],
)
def test_fields_of_the_wrong_kind_are_422(client, bearer, ids, changes, field):
    error = assert_error(_create(client, bearer("editor"), ids.response, **changes), 422)
    assert field in error["fields"]


def test_amendments_are_written_to_a_bill_not_a_consultation(client, bearer, draft):
    response = _create(client, bearer("editor"), draft.response_id)
    error = assert_error(response, 422, "not_a_bill_response")
    assert "consultation" in error["message"]
    check = client.post(
        amendments_url(draft.response_id, "/check"), json=LEAVE_OUT, headers=bearer("editor")
    )
    assert_error(check, 422, "not_a_bill_response")
    listed = client.get(amendments_url(draft.response_id), headers=bearer("editor"))
    assert listed.get_json() == []


@pytest.mark.parametrize("role, status", [("member", 403), ("outsider", 404), (None, 401)])
def test_only_those_who_draft_add_amendments(client, bearer, ids, role, status):
    headers = bearer(role) if role else {}
    assert_error(_create(client, headers, ids.response), status)
    assert db.session.query(Section).filter_by(kind="amendment").count() == 0


def test_the_list_gives_each_amendment_with_its_fields_and_problems(client, bearer, ids):
    _create(client, bearer("editor"), ids.response)
    _create(
        client,
        bearer("editor"),
        ids.response,
        kind="new_clause",
        title="Independent oversight",
        text="(1) The Commissioner must review each authorisation.",
        explanatory_statement="",
    )

    response = client.get(amendments_url(ids.response), headers=bearer("member"))

    assert_documented(response, AMENDMENTS, "get")
    first, second = response.get_json()
    assert (first["kind"], first["leave_out"], first["insert"]) == (
        "leave_out_insert",
        "live identification",
        "authorised",
    )
    assert first["explanatory_statement"].startswith("This amendment would")
    assert second["kind"] == "new_clause"
    assert second["house_style"].startswith("To move the following Clause\u2014")
    # No explanatory statement: a warning, not a refusal.
    assert [(p["field"], p["warning"]) for p in second["problems"]] == [
        ("explanatory_statement", True)
    ]
    assert second["needs_attention"] is False
    one = client.get(f"{amendments_url(ids.response)}/{second['id']}", headers=bearer("member"))
    assert_documented(one, ONE, "get")
    assert one.get_json() == second


def test_check_renders_and_validates_without_saving(client, bearer, ids):
    url = amendments_url(ids.response, "/check")
    good = client.post(url, json=LEAVE_OUT, headers=bearer("member"))
    assert_documented(good, AMENDMENTS + "/check", "post")
    assert good.get_json()["valid"] is True
    assert good.get_json()["reference"] == REFERENCE
    bad = client.post(url, json={**LEAVE_OUT, "line": 30}, headers=bearer("member"))
    assert bad.status_code == 200
    body = bad.get_json()
    assert body["valid"] is False and body["house_style"] is None
    assert any(p["field"] == "leave_out" and not p["warning"] for p in body["problems"])
    assert db.session.query(Section).filter_by(kind="amendment").count() == 0


# --- saving from a base revision ------------------------------------------------------------


@pytest.fixture
def amendment(client, bearer, ids):
    body = _create(client, bearer("editor"), ids.response).get_json()
    return ids.response, body["id"], body["head_revision"]


def _put(client, headers, amendment, base, **changes):
    response_id, amendment_id, _head = amendment
    return client.put(
        f"{amendments_url(response_id)}/{amendment_id}",
        json={**LEAVE_OUT, **changes, "base_revision": base},
        headers=headers,
    )


def test_a_save_from_the_head_is_a_plain_edit(client, bearer, amendment):
    response = _put(client, bearer("editor"), amendment, amendment[2], insert="a judge")

    assert response.status_code == 200, response.get_json()
    assert_documented(response, ONE, "put")
    body = response.get_json()
    assert body["merged"] is False and body["head_revision"] != amendment[2]
    assert body["amendment"]["insert"] == "a judge"
    assert "Insert:\n  a judge" in body["body"]
    assert ISO_UTC.match(body["updated_at"]) and ISO_UTC.match(body["amendment"]["updated_at"])


def test_edits_of_different_fields_from_the_same_base_both_stay(client, bearer, amendment):
    base = amendment[2]
    statement = "This amendment would require a judge to authorise the use."
    first = _put(client, bearer("editor"), amendment, base, explanatory_statement=statement)
    assert first.status_code == 200

    second = _put(client, bearer("coordinator"), amendment, base, insert="a judge")

    assert second.status_code == 200, second.get_json()
    body = second.get_json()
    assert body["merged"] is True
    assert (body["amendment"]["insert"], body["amendment"]["explanatory_statement"]) == (
        "a judge",
        statement,
    )


def test_the_same_field_changed_two_ways_is_a_409_with_both_texts(client, bearer, amendment):
    base = amendment[2]
    assert _put(client, bearer("editor"), amendment, base, insert="a judge").status_code == 200

    response = _put(client, bearer("coordinator"), amendment, base, insert="a magistrate")

    error = assert_error(response, 409, "edit_conflict")
    assert_documented(response, ONE, "put")
    conflict = response.get_json()["conflict"]
    assert conflict["base_revision"] == base
    assert "a judge" in conflict["theirs"] and "a magistrate" in conflict["yours"]
    assert conflict["your_revision"]  # kept, not lost
    assert error["message"]
    head = client.get(f"{amendments_url(amendment[0])}/{amendment[1]}", headers=bearer("member"))
    assert head.get_json()["insert"] == "a judge"


def test_a_save_that_no_longer_fits_the_print_is_422_and_saves_nothing(client, bearer, amendment):
    response = _put(client, bearer("editor"), amendment, amendment[2], leave_out="no such words")
    assert "leave_out" in assert_error(response, 422)["fields"]
    head = client.get(f"{amendments_url(amendment[0])}/{amendment[1]}", headers=bearer("member"))
    assert head.get_json()["head_revision"] == amendment[2]


def test_a_save_needs_its_base_revision(client, bearer, amendment):
    response_id, amendment_id, _head = amendment
    response = client.put(
        f"{amendments_url(response_id)}/{amendment_id}", json=LEAVE_OUT, headers=bearer("editor")
    )
    assert "base_revision" in assert_error(response, 422)["fields"]


@pytest.mark.parametrize("role, status", [("member", 403), ("outsider", 404), (None, 401)])
def test_only_those_who_draft_save_amendments(client, bearer, amendment, role, status):
    headers = bearer(role) if role else {}
    assert_error(_put(client, headers, amendment, amendment[2], insert="x"), status)


def test_a_section_that_is_no_amendment_or_of_another_response_is_404(
    client, bearer, team, ids, amendment
):
    response_id, amendment_id, _head = amendment
    not_amendment = client.get(
        f"{amendments_url(response_id)}/{ids.clause_section}", headers=bearer("member")
    )
    assert_error(not_amendment, 404)
    other = make_bill(team)
    elsewhere = client.get(
        f"{amendments_url(other.response)}/{amendment_id}", headers=bearer("member")
    )
    assert_error(elsewhere, 404)


def test_another_organisations_amendments_are_404(client, bearer, team):
    theirs = make_bill(team, team.other_organisation)
    made = _create(client, bearer("outsider"), theirs.response)
    assert made.status_code == 201
    amendment_id = made.get_json()["id"]

    for url in (
        amendments_url(theirs.response),
        f"{amendments_url(theirs.response)}/{amendment_id}",
    ):
        assert_error(client.get(url, headers=bearer("owner")), 404)
    assert_error(_create(client, bearer("owner"), theirs.response), 404)


def test_a_response_to_a_bill_reads_back_whole_with_its_amendments(client, bearer, ids):
    """GET of the response and its HTML hold the amendment (as a section of kind amendment)."""
    made = _create(client, bearer("editor"), ids.response).get_json()

    body = client.get(f"/api/v1/responses/{ids.response}", headers=bearer("member"))
    html = client.get(f"/api/v1/responses/{ids.response}/html", headers=bearer("member"))

    assert_documented(body, "/api/v1/responses/{response_id}", "get")
    section = next(s for s in body.get_json()["sections"] if s["kind"] == "amendment")
    assert (section["id"], section["number"], section["position"]) == (made["id"], 1, None)
    assert html.status_code == 200 and "live identification" in html.get_json()["html"]
