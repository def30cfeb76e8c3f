"""Uploads through the API (issue 14's bar for hostile input): a file over the limit, a zip
bomb, a malformed, encrypted or scanned PDF, junk, scripts in HTML: each a 413 or a 422 with
a message a person can act on, never a 500 or a hang, and nothing stored. And a second print,
which moves every amendment and reports each one."""

from __future__ import annotations

import io
import time
import zipfile

import pikepdf
import pytest

from consult.bills.models import Bill, BillPrint
from consult.extensions import db
from tests.api.bills_support import (
    LEAVE_OUT,
    ON_PAGE_TWO,
    REWORDED,
    SLUG,
    amendments_url,
    bill,
    make_bill,
    pdf_print,
    second_print,
    text_print,
    upload,
)
from tests.api.helpers import assert_documented, assert_error
from tests.bills import corpus

NEW_BILL = f"/api/v1/organisations/{SLUG}/bills"


def _refused(client, headers, data: bytes, status: int, name: str = "print.pdf") -> dict:
    started = time.monotonic()
    response = upload(client, NEW_BILL, headers, data, name)
    assert time.monotonic() - started < 30, "a refusal must not hang"
    error = assert_error(response, status)
    assert_documented(response, "/api/v1/organisations/{slug}/bills", "post")
    message = error["message"]
    assert message[0].isupper() and "Traceback" not in message
    assert db.session.query(Bill).count() == 0
    return error


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(corpus.to_docx(bill()))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in source.infolist():
            bomb.writestr(info.filename, source.read(info.filename))
        bomb.writestr("word/media/bomb.bin", b"\0" * (20 * 1024 * 1024))
    return out.getvalue()


def _encrypted() -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_print())) as document:
        document.save(out, encryption=pikepdf.Encryption(user="reader", owner="owner"))
    return out.getvalue()


def test_a_body_over_the_upload_limit_is_413_before_it_is_read(app, client, bearer):
    app.config["API_MAX_UPLOAD_BYTES"] = 50_000
    try:
        error = _refused(client, bearer("editor"), pdf_print() + b" " * 60_000, 413)
    finally:
        del app.config["API_MAX_UPLOAD_BYTES"]
    assert error["code"] == "too_large"


def test_a_zip_bomb_is_413_saying_so(client, bearer):
    error = _refused(client, bearer("editor"), _zip_bomb(), 413, "bill.docx")
    assert error["code"] == "too_large" and "zip bomb" in error["message"]


@pytest.mark.parametrize(
    "data, words",
    [
        (b"%PDF-1.7\n" + b"x" * 1000, "PDF"),
        (pdf_print()[: len(pdf_print()) // 3], "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), ".docx"),
        (bytes(range(256)) * 4, "not a PDF, Word"),
        (b"   \n\n  ", "no text"),
    ],
    ids=["garbage-pdf", "truncated-pdf", "old-word", "binary", "blank"],
)
def test_a_file_that_is_no_print_it_can_read_is_422_with_why(client, bearer, data, words):
    error = _refused(client, bearer("editor"), data, 422)
    assert error["code"] == "unreadable_print" and words in error["message"]


def test_a_pdf_that_needs_a_password_is_422_asking_for_one_without(client, bearer):
    assert "password" in _refused(client, bearer("editor"), _encrypted(), 422)["message"]


def test_a_scanned_pdf_without_text_is_422_saying_so(client, bearer):
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.rect(50, 50, 400, 600, fill=1)
    canvas.showPage()
    canvas.save()
    assert "scan" in _refused(client, bearer("editor"), out.getvalue(), 422)["message"]


def test_scripts_in_an_html_print_are_neither_kept_nor_run(client, bearer):
    data = corpus.to_html(bill(), hostile=True).replace(
        b"</body>", b"<script>alert(1)</script><img src=x onerror=alert(2)></body>"
    )
    body = upload(client, NEW_BILL, bearer("editor"), data, "bill.html").get_json()
    print_id = body["prints"][0]["id"]
    for page in range(1, body["prints"][0]["pages"] + 1):
        lines = client.get(f"/api/v1/prints/{print_id}/lines?page={page}", headers=bearer("editor"))
        assert "alert" not in lines.get_data(as_text=True)


# --- a second print -------------------------------------------------------------------------


@pytest.fixture
def drafted(client, bearer, team):
    """The bill, a response to it and three amendments (drafted through the API): one below
    the line the second print inserts on page 1, one on page 2, one whose words it rewords."""
    ids = make_bill(team)
    made = {}
    for name, fields in (("moved", LEAVE_OUT), ("same", ON_PAGE_TWO), ("gone", REWORDED)):
        response = client.post(amendments_url(ids.response), json=fields, headers=bearer("editor"))
        assert response.status_code == 201, response.get_json()
        made[name] = response.get_json()["id"]
    return ids, made


def test_a_second_print_moves_the_amendments_and_reports_each(client, bearer, drafted):
    ids, made = drafted

    response = upload(
        client,
        f"/api/v1/bills/{ids.bill}/prints",
        bearer("editor"),
        second_print(),
        label="As amended in committee",
    )

    assert response.status_code == 201, response.get_json()
    assert_documented(response, "/api/v1/bills/{bill_id}/prints", "post")
    body = response.get_json()
    assert (body["label"], body["number"], body["bill"]) == ("As amended in committee", 2, ids.bill)
    assert response.headers["Location"].endswith(f"/api/v1/prints/{body['id']}")
    report = {entry["amendment"]: entry for entry in body["remap"]}
    assert report[made["moved"]]["status"] == "moved"
    assert report[made["moved"]]["from"] == {"clause": "1", "page": 1, "line": 31}
    assert report[made["moved"]]["to"] == {"clause": "1", "page": 1, "line": 32}
    assert report[made["same"]]["status"] == "unchanged"
    assert report[made["same"]]["to"] == {"clause": "2", "page": 2, "line": 8}
    assert report[made["gone"]]["status"] == "needs_attention"
    assert report[made["gone"]]["to"] is None and report[made["gone"]]["reason"]

    # The amendments follow: the moved one cites its new line, the other is flagged.
    listed = client.get(amendments_url(ids.response), headers=bearer("member")).get_json()
    by_id = {item["id"]: item for item in listed}
    assert by_id[made["moved"]]["line"] == 32
    assert by_id[made["moved"]]["reference"].startswith("Clause 1, page 1, line 32,")
    assert by_id[made["moved"]]["needs_attention"] is False
    assert by_id[made["gone"]]["needs_attention"] is True
    assert any(p["field"] == "leave_out" for p in by_id[made["gone"]]["problems"])
    # The bill's current print is the new one; the report stays on it.
    bill_body = client.get(f"/api/v1/bills/{ids.bill}", headers=bearer("member")).get_json()
    assert [p["number"] for p in bill_body["prints"]] == [1, 2]
    again = client.get(f"/api/v1/prints/{body['id']}", headers=bearer("member")).get_json()
    assert again["remap"] == body["remap"]


def test_a_hostile_second_print_is_refused_and_the_bill_keeps_its_print(client, bearer, drafted):
    ids, _made = drafted
    url = f"/api/v1/bills/{ids.bill}/prints"

    assert_error(upload(client, url, bearer("editor"), _zip_bomb(), "x.docx"), 413)
    assert_error(upload(client, url, bearer("editor"), b"%PDF-1.7 junk", "x.pdf"), 422)

    assert db.session.query(BillPrint).filter_by(bill_id=ids.bill).count() == 1


@pytest.mark.parametrize("role, status", [("member", 403), ("outsider", 404), (None, 401)])
def test_only_those_who_draft_add_prints(client, bearer, team, role, status):
    ids = make_bill(team)
    headers = bearer(role) if role else {}
    response = upload(client, f"/api/v1/bills/{ids.bill}/prints", headers, text_print())
    assert_error(response, status)
    assert db.session.query(BillPrint).filter_by(bill_id=ids.bill).count() == 1
