"""The bills API beyond reading and importing: a response to a chosen subset of a bill (whole
parts among its clauses and schedules), removing an amendment (kept, restorable), settling an
amendment's clash through its PUT (as the section PUT does), and setting a bill's stage, stage
dates and evidence deadline with PATCH /bills/{id}.

The generated bill (tests/api/bills_support.py) has three parts: clauses 1-2 ("Part 1:
Facial recognition"), 3-4 ("Part 2: Oversight and accountability"), 5-6, then two
schedules."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.bills.models import Bill
from consult.drafting.models import ClashSettlement, Section
from consult.extensions import db
from tests.api.bills_support import LEAVE_OUT, SLUG, amendments_url, make_bill
from tests.api.helpers import assert_documented, assert_error

RESPONSES = "/api/v1/organisations/{slug}/responses"
ONE = "/api/v1/responses/{response_id}/amendments/{amendment_id}"
BILL = "/api/v1/bills/{bill_id}"


@pytest.fixture
def ids(team):
    return make_bill(team)


def _start(client, headers, bill_id, clauses):
    return client.post(
        f"/api/v1/organisations/{SLUG}/responses",
        json={"bill": bill_id, "title": "Our view of Part 2", "clauses": clauses},
        headers=headers,
    )


# --- a response to parts, clauses and schedules ---------------------------------------------


def test_a_response_to_a_whole_part_has_one_section_for_it_among_those_chosen(client, bearer, ids):
    response = _start(client, bearer("editor"), ids.bill, ["Schedule 1", "Part 2", "1"])

    assert response.status_code == 201, response.get_json()
    assert_documented(response, RESPONSES, "post")
    clauses = [s for s in response.get_json()["sections"] if s["kind"] == "clause"]
    assert [(s["clause"], s["title"]) for s in clauses] == [
        ("1", "Clause 1: Use of live facial recognition"),
        ("Part 2", "Part 2: Oversight and accountability"),
        ("Schedule 1", "Schedule 1: Supplementary provision"),
    ]
    assert all(s["position"] is None for s in clauses)


def test_a_part_section_takes_a_position_like_a_clause(client, bearer, ids):
    body = _start(client, bearer("editor"), ids.bill, ["Part 2"]).get_json()
    part = next(s for s in body["sections"] if s["clause"] == "Part 2")

    saved = client.put(
        f"/api/v1/responses/{body['id']}/sections/{part['id']}",
        json={"body": "Oversight must be independent.", "position": "amend", "base_revision": None},
        headers=bearer("editor"),
    )

    assert saved.status_code == 200, saved.get_json()
    again = client.get(f"/api/v1/responses/{body['id']}", headers=bearer("member")).get_json()
    shown = next(s for s in again["sections"] if s["clause"] == "Part 2")
    assert shown["position"] == "amend"


@pytest.mark.parametrize(
    "clauses, said",
    [
        (["Part 9"], "no Part 9"),
        (["12"], "no Clause 12"),
        (["Part 2", "3"], "Clause 3 is in Part 2"),
        ([], "at least one"),
    ],
)
def test_what_the_print_lacks_or_a_clause_with_its_part_is_422_naming_clauses(
    client, bearer, ids, clauses, said
):
    before = db.session.query(Section).count()

    response = _start(client, bearer("editor"), ids.bill, clauses)

    error = assert_error(response, 422)
    assert said in error["fields"]["clauses"]
    assert db.session.query(Section).count() == before


def test_clauses_that_are_not_strings_are_422(client, bearer, ids):
    assert "clauses" in str(
        assert_error(_start(client, bearer("editor"), ids.bill, [4]), 422)["fields"]
    )


def test_no_clauses_sent_is_every_clause_and_schedule_and_no_part(client, bearer, ids):
    response = client.post(
        f"/api/v1/organisations/{SLUG}/responses",
        json={"bill": ids.bill},
        headers=bearer("editor"),
    )
    clauses = [s["clause"] for s in response.get_json()["sections"] if s["kind"] == "clause"]
    assert clauses == ["1", "2", "3", "4", "5", "6", "Schedule 1", "Schedule 2"]


# --- removing an amendment ------------------------------------------------------------------


@pytest.fixture
def amendment(client, bearer, ids):
    body = client.post(
        amendments_url(ids.response), json=LEAVE_OUT, headers=bearer("editor")
    ).get_json()
    return ids.response, body["id"], body["head_revision"]


def test_removing_an_amendment_takes_it_out_and_keeps_it_to_restore(client, bearer, amendment):
    response_id, amendment_id, head = amendment

    removed = client.delete(
        f"{amendments_url(response_id)}/{amendment_id}", headers=bearer("editor")
    )

    assert removed.status_code == 204 and removed.get_data() == b""
    listed = client.get(amendments_url(response_id), headers=bearer("member")).get_json()
    assert listed == []
    gone = client.get(f"{amendments_url(response_id)}/{amendment_id}", headers=bearer("member"))
    assert_error(gone, 404)
    section = db.session.get(Section, amendment_id)
    assert section.removed_at is not None and section.head_revision_id == head
    # Removing it again: it is no longer a live amendment.
    again = client.delete(f"{amendments_url(response_id)}/{amendment_id}", headers=bearer("editor"))
    assert_error(again, 404)


@pytest.mark.parametrize("role, status", [("member", 403), ("outsider", 404), (None, 401)])
def test_only_those_who_draft_remove_amendments(client, bearer, amendment, role, status):
    response_id, amendment_id, _head = amendment
    headers = bearer(role) if role else {}
    assert_error(
        client.delete(f"{amendments_url(response_id)}/{amendment_id}", headers=headers), status
    )
    assert db.session.get(Section, amendment_id).removed_at is None


def test_a_clause_section_is_not_removed_as_an_amendment(client, bearer, ids):
    url = f"{amendments_url(ids.response)}/{ids.clause_section}"
    assert_error(client.delete(url, headers=bearer("editor")), 404)
    assert db.session.get(Section, ids.clause_section).removed_at is None


# --- settling an amendment's clash through its PUT ------------------------------------------


def _put(client, headers, amendment, base, clash=None, **changes):
    response_id, amendment_id, _head = amendment
    sent = {**LEAVE_OUT, **changes, "base_revision": base}
    if clash is not None:
        sent["clash"] = clash
    return client.put(f"{amendments_url(response_id)}/{amendment_id}", json=sent, headers=headers)


def _settlement(revision_id: int) -> ClashSettlement | None:
    db.session.expire_all()
    return db.session.scalar(
        select(ClashSettlement).where(ClashSettlement.revision_id == revision_id)
    )


def _clash(client, bearer, amendment) -> dict:
    base = amendment[2]
    assert _put(client, bearer("editor"), amendment, base, insert="a judge").status_code == 200
    answer = _put(client, bearer("coordinator"), amendment, base, insert="a magistrate")
    assert_error(answer, 409, "edit_conflict")
    return answer.get_json()["conflict"]


def test_an_amendment_save_naming_its_clash_resolves_it_once(client, bearer, amendment):
    conflict = _clash(client, bearer, amendment)
    cora = bearer("coordinator")

    resolved = _put(
        client,
        cora,
        amendment,
        conflict["their_revision"],
        clash=conflict["your_revision"],
        insert="a judge or a magistrate",
    )

    assert resolved.status_code == 200, resolved.get_json()
    assert_documented(resolved, ONE, "put")
    head = resolved.get_json()["head_revision"]
    settled = _settlement(conflict["your_revision"])
    assert (settled.outcome, settled.result_revision_id) == ("resolved", head)
    assert resolved.get_json()["amendment"]["insert"] == "a judge or a magistrate"

    again = _put(client, cora, amendment, head, clash=conflict["your_revision"], insert="a sheriff")
    error = assert_error(again, 409, "clash_settled")
    assert_documented(again, ONE, "put")
    assert "already settled" in error["message"]


def test_a_clash_that_is_not_the_callers_is_422_and_saves_nothing(client, bearer, amendment):
    conflict = _clash(client, bearer, amendment)

    # Eddie (an editor) did not make Cora's clash: he may not settle it.
    answer = _put(
        client,
        bearer("editor"),
        amendment,
        conflict["their_revision"],
        clash=conflict["your_revision"],
        insert="a sheriff",
    )

    assert "clash" in assert_error(answer, 422)["fields"]
    assert _settlement(conflict["your_revision"]) is None


# --- a bill's stage, stage dates and evidence deadline ---------------------------------------


def test_patch_sets_the_stage_its_date_and_the_evidence_deadline(client, bearer, ids):
    response = client.patch(
        f"/api/v1/bills/{ids.bill}",
        json={
            "stage": "committee",
            "stage_dates": {"committee": "2026-07-14", "report": "2026-09-01"},
            "evidence_deadline": "2026-07-10",
        },
        headers=bearer("editor"),
    )

    assert response.status_code == 200, response.get_json()
    assert_documented(response, BILL, "patch")
    body = response.get_json()
    assert body["stage"] == "committee"
    dates = {stage["key"]: stage["date"] for stage in body["stages"]}
    assert dates["committee"] == "2026-07-14" and dates["report"] == "2026-09-01"
    assert body["evidence_deadline"].startswith("2026-07-10T23:59")
    assert [s["key"] for s in body["stages"] if s["current"]] == ["committee"]


def test_patch_changes_only_what_is_sent_and_null_clears(client, bearer, ids):
    editor = bearer("editor")
    url = f"/api/v1/bills/{ids.bill}"
    client.patch(
        url,
        json={"stage_dates": {"committee": "2026-07-14"}, "evidence_deadline": "2026-07-10"},
        headers=editor,
    )

    body = client.patch(
        url, json={"stage_dates": {"committee": None, "report": "2026-09-01"}}, headers=editor
    ).get_json()

    assert body["stage"] == "second_reading"
    dates = {stage["key"]: stage["date"] for stage in body["stages"]}
    assert dates["committee"] is None and dates["report"] == "2026-09-01"
    assert body["evidence_deadline"].startswith("2026-07-10")
    cleared = client.patch(url, json={"evidence_deadline": None}, headers=editor).get_json()
    assert cleared["evidence_deadline"] is None


@pytest.mark.parametrize(
    "sent, field",
    [
        ({}, "stage"),
        ({"stage": "made_up"}, "stage"),
        ({"stage_dates": {"made_up": "2026-07-14"}}, "stage_dates"),
        ({"stage_dates": {"committee": "14 July"}}, "stage_dates"),
        ({"evidence_deadline": "2026-02-30"}, "evidence_deadline"),
        ({"stage_dates": "2026-07-14"}, "stage_dates"),
    ],
)
def test_patch_refuses_what_is_not_a_stage_or_a_date(client, bearer, ids, sent, field):
    response = client.patch(f"/api/v1/bills/{ids.bill}", json=sent, headers=bearer("editor"))
    assert field in str(assert_error(response, 422)["fields"])
    assert db.session.get(Bill, ids.bill).stage == "second_reading"


@pytest.mark.parametrize("role, status", [("member", 403), ("outsider", 404), (None, 401)])
def test_only_those_who_draft_set_a_bills_stage(client, bearer, ids, role, status):
    headers = bearer(role) if role else {}
    response = client.patch(
        f"/api/v1/bills/{ids.bill}", json={"stage": "committee"}, headers=headers
    )
    assert_error(response, status)
    assert db.session.get(Bill, ids.bill).stage == "second_reading"
