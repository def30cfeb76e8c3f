"""The bills API (API.md, "Bills, prints and amendments"): importing a bill from a print file,
reading its stages, clauses and lines, and who may do what. Hostile uploads and a second
print's re-mapping are in test_bill_uploads.py; amendments in test_bill_amendments.py."""

from __future__ import annotations

import pytest

from consult.bills.models import Bill
from consult.extensions import db
from tests.api.bills_support import SLUG, TITLE, bill, make_bill, pdf_print, text_print, upload
from tests.api.helpers import assert_documented, assert_error

CREATE = "/api/v1/organisations/{slug}/bills"


def _import(client, headers, data=None, name="print.txt", slug=SLUG, **fields):
    return upload(
        client, f"/api/v1/organisations/{slug}/bills", headers, data or text_print(), name, **fields
    )


@pytest.fixture
def imported(team):
    return make_bill(team)


# --- importing ------------------------------------------------------------------------------


def test_an_editor_imports_a_bill_from_a_text_print(client, bearer):
    response = _import(client, bearer("editor"), title=TITLE, print_label="As introduced")

    assert response.status_code == 201, response.get_json()
    assert_documented(response, CREATE, "post")
    body = response.get_json()
    assert body["title"] == TITLE and body["slug"] == "police-reform-bill-illustrative"
    assert response.headers["Location"].endswith(f"/api/v1/bills/{body['id']}")
    [first] = body["prints"]
    assert (first["label"], first["pages"], first["clauses"]) == ("As introduced", 6, 8)
    assert first["lines"] == len(bill().lines) and first["source_kind"] == "text"
    # The contents page of the copied text is left out, and said so.
    assert [p["message"] for p in body["problems"]] == [
        "Page i (front matter, such as the contents) was left out."
    ]
    assert db.session.get(Bill, body["id"]).organisation.slug == SLUG


def test_a_pdf_print_as_published_gives_the_printed_page_and_line_of_every_line(client, bearer):
    headers = bearer("coordinator")
    body = _import(client, headers, pdf_print(), "bill.pdf").get_json()
    assert body["title"] == "Police Reform Bill"  # from the print itself
    print_id = body["prints"][0]["id"]
    assert body["prints"][0]["source_kind"] == "pdf"

    read = []
    for page in range(1, body["prints"][0]["pages"] + 1):
        answer = client.get(f"/api/v1/prints/{print_id}/lines?page={page}", headers=headers)
        assert_documented(answer, "/api/v1/prints/{print_id}/lines", "get")
        read += [(x["page"], x["line"], x["text"], x["clause"]) for x in answer.get_json()]

    truth = [(x.page, x.line, x.text, x.provision) for x in bill().lines]
    assert len(read) == len(truth)
    assert sum(a == b for a, b in zip(read, truth, strict=True)) >= 0.99 * len(truth)


def test_the_title_may_be_left_to_the_print_and_a_house_given(client, bearer):
    body = _import(client, bearer("owner"), house="lords", session="2026-27").get_json()
    assert body["title"] == "Police Reform Bill"
    assert (body["house"], body["session"], body["stage"]) == (
        "lords",
        "2026-27",
        "lords_second_reading",
    )


@pytest.mark.parametrize(
    "fields, field",
    [({"house": "senate"}, "house"), ({"title": "x" * 301}, "title")],
)
def test_invalid_fields_are_422_naming_the_field(client, bearer, fields, field):
    error = assert_error(_import(client, bearer("editor"), **fields), 422)
    assert field in error["fields"]


def test_a_body_that_is_not_a_multipart_form_is_400(client, bearer):
    response = client.post(
        f"/api/v1/organisations/{SLUG}/bills", json={"title": "x"}, headers=bearer("editor")
    )
    assert "multipart/form-data" in assert_error(response, 400)["message"]


def test_a_form_without_a_file_is_422(client, bearer):
    response = client.post(
        f"/api/v1/organisations/{SLUG}/bills",
        data={"title": "No file"},
        headers=bearer("editor"),
        content_type="multipart/form-data",
    )
    assert "file" in assert_error(response, 422)["fields"]
    response = client.post(
        f"/api/v1/organisations/{SLUG}/bills",
        data={"file": "text, not a file"},
        headers=bearer("editor"),
        content_type="multipart/form-data",
    )
    assert "file part" in assert_error(response, 422)["fields"]["file"]


@pytest.mark.parametrize("role, status", [("member", 403), ("outsider", 404), (None, 401)])
def test_only_those_who_draft_import_bills(client, bearer, role, status):
    headers = bearer(role) if role else {}
    assert_error(_import(client, headers), status)
    assert db.session.query(Bill).count() == 0


# --- reading --------------------------------------------------------------------------------


def test_a_bill_has_its_stages_in_order_with_the_current_one_and_its_prints(
    client, bearer, imported
):
    response = client.get(f"/api/v1/bills/{imported.bill}", headers=bearer("member"))

    assert_documented(response, "/api/v1/bills/{bill_id}", "get")
    body = response.get_json()
    assert {"id", "slug", "title", "stage", "stages", "prints"} <= set(body)
    assert body["stage"] == "second_reading" and body["illustrative"] is False
    keys = [stage["key"] for stage in body["stages"]]
    assert keys[:3] == ["first_reading", "second_reading", "committee"]
    assert keys[-1] == "royal_assent"
    current = [stage for stage in body["stages"] if stage["current"]]
    assert [stage["key"] for stage in current] == ["second_reading"]
    assert "briefing" in current[0]["output"] and current[0]["profile"] == "briefing"
    assert [p["id"] for p in body["prints"]] == [imported.print]
    assert body["current_print"] == imported.print


def test_the_organisation_lists_its_bills(client, bearer, imported):
    response = client.get(f"/api/v1/organisations/{SLUG}/bills", headers=bearer("member"))
    assert_documented(response, "/api/v1/organisations/{slug}/bills", "get")
    assert [item["id"] for item in response.get_json()] == [imported.bill]


def test_a_prints_clauses_and_schedules_with_where_each_starts_and_ends(client, bearer, imported):
    response = client.get(f"/api/v1/prints/{imported.print}/clauses", headers=bearer("member"))

    assert_documented(response, "/api/v1/prints/{print_id}/clauses", "get")
    clauses = response.get_json()
    assert [c["number"] for c in clauses] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "Schedule 1",
        "Schedule 2",
    ]
    assert clauses[0] == {
        "number": "1",
        "kind": "clause",
        "heading": "Use of live facial recognition",
        "part": clauses[0]["part"],
        "start": {"page": 1, "line": 13},
        "end": {"page": 1, "line": 32},
    }
    assert clauses[1]["end"] == {"page": 2, "line": 9}  # over a page break
    assert clauses[6]["kind"] == "schedule"


def test_a_pages_lines_with_their_margin_numbers_and_clauses(client, bearer, imported):
    response = client.get(f"/api/v1/prints/{imported.print}/lines?page=2", headers=bearer("member"))

    lines = response.get_json()
    truth = bill().on_page(2)
    assert [(x["line"], x["text"], x["clause"]) for x in lines] == [
        (x.line, x.text, x.provision) for x in truth
    ]
    assert lines[0]["hyphenated"] is True and lines[0]["page"] == 2


@pytest.mark.parametrize("page", ["0", "x", "-1", "1.5", "", "²", "99999"])
def test_a_page_that_is_not_a_page_number_is_422(client, bearer, imported, page):
    response = client.get(
        f"/api/v1/prints/{imported.print}/lines?page={page}", headers=bearer("member")
    )
    assert "page" in assert_error(response, 422)["fields"]


def test_no_page_at_all_is_422(client, bearer, imported):
    response = client.get(f"/api/v1/prints/{imported.print}/lines", headers=bearer("member"))
    assert "page" in assert_error(response, 422)["fields"]


def test_a_page_beyond_the_print_is_404_saying_how_many_pages_it_has(client, bearer, imported):
    response = client.get(f"/api/v1/prints/{imported.print}/lines?page=7", headers=bearer("member"))
    error = assert_error(response, 404, "no_such_page")
    assert "6 pages" in error["message"]


def test_a_print_says_what_could_not_be_placed(client, bearer, imported):
    response = client.get(f"/api/v1/prints/{imported.print}", headers=bearer("member"))
    assert_documented(response, "/api/v1/prints/{print_id}", "get")
    body = response.get_json()
    assert body["bill"] == imported.bill and body["remap"] == []
    assert body["problems"] == len(body["problem_list"]) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/bills/{bill}",
        "/api/v1/prints/{print}",
        "/api/v1/prints/{print}/clauses",
        "/api/v1/prints/{print}/lines?page=1",
    ],
)
def test_another_organisations_bill_and_prints_are_404(client, bearer, team, url):
    theirs = make_bill(team, team.other_organisation)
    target = url.format(bill=theirs.bill, print=theirs.print)

    error = assert_error(client.get(target, headers=bearer("owner")), 404)

    assert "Rival" not in error["message"] and TITLE not in error["message"]
    assert client.get(target, headers=bearer("outsider")).status_code == 200
    assert_error(client.get(target), 401)
