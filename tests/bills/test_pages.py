"""The bill pages: importing a bill (file or pasted text) through a preview that shows what
was read and what could not be, saving it, the bill's page with its stages and deadlines,
the print, clause and page views with printed line numbers and the difference between
prints, and starting a response. Hostile uploads get a 4xx and a message, never a 500."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from consult.bills import pending
from consult.bills import services as bill_services
from consult.bills.models import Bill
from consult.drafting.models import Response
from consult.extensions import db
from tests.bills import corpus
from tests.drafting.conftest import membership_of

SMALL = corpus.make_print(seed=3, clauses=6, schedules=1)


@pytest.fixture
def bill(bill):
    """The sample bill, committed (the pages read it from other sessions)."""
    db.session.commit()
    return bill


@pytest.fixture
def bill_response(bill_response):
    db.session.commit()
    return bill_response


def _upload(data: bytes, name: str) -> tuple[io.BytesIO, str]:
    return (io.BytesIO(data), name)


def _token(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[-1]


def import_file(client, slug, data: bytes, name: str, **fields):
    return client.post(
        f"/o/{slug}/bills/import",
        data={"upload": _upload(data, name), "house": "commons", **fields},
        content_type="multipart/form-data",
    )


def import_text(client, slug, text: str, **fields):
    return client.post(f"/o/{slug}/bills/import", data={"text": text, "house": "commons", **fields})


def _bills(team) -> list[Bill]:
    return list(
        db.session.scalars(select(Bill).where(Bill.organisation_id == team.organisation.id))
    )


# --- importing ------------------------------------------------------------------------------


def test_a_pdf_is_previewed_with_every_clause_and_saved_only_when_confirmed(team, login_as):
    client = login_as(team.editor)
    slug = team.organisation.slug
    response = import_file(client, slug, corpus.to_pdf(SMALL), "bill.pdf", label="As introduced")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    preview_url = response.headers["Location"]
    page = client.get(preview_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"{SMALL.pages}</span> pages" in html
    for heading in corpus.HEADINGS[:6]:
        assert heading in html
    assert "Schedule 1" in html
    assert "page 1, line" in html  # where each clause starts
    assert _bills(team) == []  # nothing saved before the person confirms
    assert re.search(r'name="title"[^>]*value="Police Reform Bill"', html)  # as the file says

    saved = client.post(preview_url, data={"title": "Police Reform Bill"})
    assert saved.status_code == 302
    (bill,) = _bills(team)
    assert saved.headers["Location"].endswith(f"/bills/{bill.id}")
    assert bill.title == "Police Reform Bill"
    assert bill.current_print.source_kind == "pdf"
    assert bill.current_print.pages == SMALL.pages
    assert [p.number for p in bill.current_print.provisions][:6] == ["1", "2", "3", "4", "5", "6"]
    # The pending import is gone once saved: a second confirm is told so.
    again = client.post(preview_url, data={"title": "Police Reform Bill"})
    assert again.status_code == 410
    assert "no longer waiting" in again.get_data(as_text=True)


def test_pasted_text_is_previewed_with_the_problems_it_has(team, login_as):
    client = login_as(team.coordinator)
    response = import_text(
        client, team.organisation.slug, corpus.to_text(SMALL), title="My pasted bill"
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "My pasted bill" in html
    assert "What could not be read" in html
    assert "front matter" in html  # the contents page, reported as left out
    assert re.search(r'name="title"[^>]*value="My pasted bill"', html)
    client.post(response.headers["Location"], data={"title": "My pasted bill"})
    (bill,) = _bills(team)
    assert bill.title == "My pasted bill"
    assert bill.current_print.source_kind == "text"


UNTITLED_TEXT = (
    "1 Use of cameras\n(1) A police force may use cameras in public places.\n"
    "2 Commencement\nThis Act comes into force on the day on which it is passed.\n"
)


def test_pasted_text_without_a_title_is_named_on_the_preview_and_an_empty_title_is_refused(
    team, login_as
):
    client = login_as(team.editor)
    response = import_text(client, team.organisation.slug, UNTITLED_TEXT)
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "Untitled bill" not in html  # the importer's stand-in is not offered as a title
    assert "read from pasted text." in html and "(TEXT)" not in html
    assert "every line was counted as if on page 1" in html  # no "form feeds"
    assert re.search(r'<input[^>]*name="title"[^>]*value=""', html)

    empty = client.post(preview_url, data={"title": "   "})
    assert empty.status_code == 422
    assert "Give the bill&#39;s title" in empty.get_data(as_text=True)
    assert _bills(team) == []  # refused: nothing saved, the import still waits

    saved = client.post(preview_url, data={"title": "  Cameras  Bill "})
    assert saved.status_code == 302
    (bill,) = _bills(team)
    assert bill.title == "Cameras Bill"


def test_the_preview_saves_the_title_as_changed_there(team, login_as):
    client = login_as(team.editor)
    response = import_file(client, team.organisation.slug, corpus.to_pdf(SMALL), "bill.pdf")
    client.post(response.headers["Location"], data={"title": "Police Reform Bill [HL]"})
    (bill,) = _bills(team)
    assert bill.title == "Police Reform Bill [HL]"


def test_a_file_and_pasted_text_together_or_neither_are_refused(team, login_as):
    client = login_as(team.editor)
    slug = team.organisation.slug
    neither = client.post(f"/o/{slug}/bills/import", data={"house": "commons"})
    assert neither.status_code == 422
    assert "Choose the print" in neither.get_data(as_text=True)
    both = client.post(
        f"/o/{slug}/bills/import",
        data={"upload": _upload(b"1 Clause", "a.txt"), "text": "1 Clause", "house": "commons"},
        content_type="multipart/form-data",
    )
    assert both.status_code == 422
    assert "not both" in both.get_data(as_text=True)


# --- hostile uploads ------------------------------------------------------------------------


def test_a_malformed_pdf_is_refused_with_a_message(team, login_as):
    client = login_as(team.editor)
    response = import_file(
        client,
        team.organisation.slug,
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF garbage",
        "x.pdf",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert _bills(team) == []


def test_a_zip_bomb_docx_is_refused(team, login_as):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " " * 80_000_000 + "</w:document>")
    client = login_as(team.editor)
    response = import_file(client, team.organisation.slug, out.getvalue(), "bomb.docx")
    assert response.status_code in (413, 422)
    assert "There is a problem" in response.get_data(as_text=True)


def test_a_file_over_the_upload_limit_is_a_413_page_before_it_is_read(
    app, team, login_as, monkeypatch
):
    monkeypatch.setitem(app.config, "BILL_UPLOAD_MAX_BYTES", 100_000)
    client = login_as(team.editor)
    response = import_file(client, team.organisation.slug, b"x" * 400_000, "huge.txt")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "larger than" in html and "MB, the most a bill print may be" in html


def test_a_file_just_over_the_field_limit_is_refused_on_the_form(app, team, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "BILL_UPLOAD_MAX_BYTES", 100_000)
    client = login_as(team.editor)
    response = import_file(client, team.organisation.slug, b"x" * 120_000, "big.txt")
    assert response.status_code in (413, 422)
    assert "larger than" in response.get_data(as_text=True)


def test_script_in_html_is_shown_escaped_in_the_preview(team, login_as):
    html_print = corpus.to_html(SMALL).replace(
        b"Use of live facial recognition",
        b"Use of live <script>alert(1)</script> recognition",
        1,
    )
    client = login_as(team.editor)
    response = import_file(client, team.organisation.slug, html_print, "bill.html")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


# --- the pending import ---------------------------------------------------------------------


def test_someone_else_cannot_save_my_import(team, login_as, make_client):
    from tests.conftest import login

    client = login_as(team.editor)
    response = import_text(client, team.organisation.slug, corpus.to_text(SMALL))
    url = response.headers["Location"]
    other = make_client()
    login(other, team.coordinator)
    refused = other.post(url)
    assert refused.status_code == 403
    assert "uploaded by someone else" in refused.get_data(as_text=True)
    assert _bills(team) == []


def test_an_import_expires_after_an_hour(team, login_as, monkeypatch):
    client = login_as(team.editor)
    response = import_text(client, team.organisation.slug, corpus.to_text(SMALL))
    url = response.headers["Location"]
    later = time.time() + pending.LIFETIME_SECONDS + 5
    monkeypatch.setattr(pending.time, "time", lambda: later)
    refused = client.post(url)
    assert refused.status_code == 410
    assert "expired" in refused.get_data(as_text=True)
    assert _bills(team) == []


def test_expired_imports_are_cleaned_when_another_is_kept(app, team, login_as):
    client = login_as(team.editor)
    import_text(client, team.organisation.slug, corpus.to_text(SMALL))
    with app.test_request_context():
        assert pending.clean_expired(time.time() + pending.LIFETIME_SECONDS + 5) >= 1


def test_a_made_up_token_is_not_waiting(team, login_as):
    client = login_as(team.editor)
    for token in ("x" * 32, "../../etc/passwd", "short"):
        response = client.get(f"/o/{team.organisation.slug}/bills/import/{token}")
        assert response.status_code in (404, 410)


# --- permissions ----------------------------------------------------------------------------


def test_a_member_may_read_bills_but_not_import_or_change_them(team, bill, login_as):
    client = login_as(team.member)
    slug = team.organisation.slug
    assert client.get(f"/o/{slug}/bills").status_code == 200
    assert client.get(f"/bills/{bill.id}").status_code == 200
    assert client.get(f"/o/{slug}/bills/import").status_code == 403
    assert client.get(f"/bills/{bill.id}/prints/import").status_code == 403
    assert client.post(f"/bills/{bill.id}/stage", data={"stage": "report"}).status_code == 403
    assert client.post(f"/bills/{bill.id}/responses", data={}).status_code == 403


def test_an_outsider_gets_404_for_every_bill_url(team, bill, login_as):
    client = login_as(team.outsider)
    bill_print = bill.current_print
    slug = team.organisation.slug
    for url in (
        f"/o/{slug}/bills",
        f"/o/{slug}/bills/import",
        f"/o/{slug}/bills/import/{'a' * 32}",
        f"/bills/{bill.id}",
        f"/bills/{bill.id}/prints/import",
        f"/bills/{bill.id}/prints/import/{'a' * 32}",
        f"/prints/{bill_print.id}",
        f"/prints/{bill_print.id}/clauses/1",
        f"/prints/{bill_print.id}/pages/1",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/bills/{bill.id}/stage", f"/bills/{bill.id}/responses"):
        assert client.post(url, data={}).status_code == 404, url


# --- the bill's page ------------------------------------------------------------------------


def test_the_bill_page_says_the_text_is_illustrative_and_lists_the_stages(team, bill, login_as):
    html = login_as(team.member).get(f"/bills/{bill.id}").get_data(as_text=True)
    assert "Illustrative text written by Consult for the demo" in html
    assert "not the text of any bill before Parliament" in html
    assert html.index("Second reading (House of Commons)") < html.index("Public Bill Committee")
    assert "Written evidence, with suggested amendments, to the Public Bill Committee" in html
    assert "Amendments for an MP to table at report" in html  # "an MP", never "a MP"
    assert "Amendments for a peer to table at report" in html


def test_the_stage_form_sets_the_stage_the_dates_and_the_deadline(team, bill, login_as):
    client = login_as(team.editor)
    soon = date.today() + timedelta(days=5)
    response = client.post(
        f"/bills/{bill.id}/stage",
        data={
            "stage": "committee",
            "evidence_deadline": soon.isoformat(),
            "date_committee": (soon + timedelta(days=2)).isoformat(),
            "date_report": (soon + timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    db.session.refresh(bill)
    assert bill.stage == "committee"
    assert bill.evidence_deadline.date() == soon
    assert bill.stage_dates["report"] == (soon + timedelta(days=20)).isoformat()
    html = client.get(f"/bills/{bill.id}").get_data(as_text=True)
    assert "Written evidence to the Public Bill Committee" in html
    assert re.search(r"[45] days left", html)


def test_a_wrong_stage_or_date_is_refused_on_the_form(team, bill, login_as):
    client = login_as(team.editor)
    response = client.post(
        f"/bills/{bill.id}/stage", data={"stage": "nowhere", "evidence_deadline": "31/02/2026"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "Enter a real date" in html


def test_starting_a_response_with_chosen_clauses(team, bill, login_as):
    client = login_as(team.editor)
    response = client.post(f"/bills/{bill.id}/responses", data={"title": "", "clauses": ["2"]})
    assert response.status_code == 302
    started = db.session.scalar(select(Response).where(Response.bill_id == bill.id))
    assert response.headers["Location"].endswith(f"/responses/{started.id}")
    clauses = [s.clause for s in started.sections if s.kind == "clause"]
    assert clauses == ["2"]


def test_a_clause_that_is_not_in_the_print_cannot_be_chosen(team, bill, login_as):
    client = login_as(team.editor)
    response = client.post(f"/bills/{bill.id}/responses", data={"clauses": ["99"]})
    assert response.status_code == 422


# --- prints, clauses, pages ----------------------------------------------------------------


def test_the_clause_page_numbers_lines_as_printed_and_each_line_has_an_anchor(team, bill, login_as):
    client = login_as(team.member)
    bill_print = bill.current_print
    html = client.get(f"/prints/{bill_print.id}/clauses/2").get_data(as_text=True)
    assert 'id="p1-l9"' in html and 'id="p2-l1"' in html  # over the page break
    assert 'id="p1-l10"' in html
    assert "printed-line__number printed-line__number--shown" in html  # line 10
    assert "first print" in html
    assert client.get(f"/prints/{bill_print.id}/clauses/Schedule 1").status_code == 200
    assert client.get(f"/prints/{bill_print.id}/clauses/77").status_code == 404
    page = client.get(f"/prints/{bill_print.id}/pages/2").get_data(as_text=True)
    assert "SCHEDULE 1" in page
    assert client.get(f"/prints/{bill_print.id}/pages/9").status_code == 404


def test_the_clause_page_shows_what_changed_since_the_print_before(team, bill, login_as):
    from tests.bills.sample import HEADINGS, LINES, make_print

    changed = [
        (p, n, t.replace("necessary and proportionate", "strictly necessary"), c, s)
        for p, n, t, c, s in LINES
    ]
    bill_services.add_print(
        membership_of(team.coordinator, team.organisation),
        bill,
        make_print(changed, HEADINGS),
        label="As amended in committee",
        source_kind="text",
    )
    db.session.commit()
    second = bill.current_print
    html = login_as(team.member).get(f"/prints/{second.id}/clauses/1").get_data(as_text=True)
    assert "As introduced" in html
    assert "[removed: " in html and "[added: " in html
    assert re.search(r"<del>.*necessary and proportionate", html)


def test_the_print_page_shows_the_remapping_report_with_links(team, bill, bill_response, login_as):
    from consult.bills.amendments import Amendment, Kind
    from tests.bills.sample import HEADINGS, LINES, make_print

    editor = membership_of(team.editor, team.organisation)
    bill_services.add_amendment(
        team.editor,
        bill_response,
        Amendment(
            kind=Kind.LEAVE_OUT_INSERT,
            clause="1",
            page=1,
            line=7,
            leave_out="authorised officer",
            insert="judge",
        ),
    )
    db.session.commit()
    shifted = [(p, n + 1 if p == 1 else n, t, c, s) for p, n, t, c, s in LINES]
    bill_services.add_print(
        editor, bill, make_print(shifted, HEADINGS), label="As amended", source_kind="text"
    )
    db.session.commit()
    html = login_as(team.member).get(f"/prints/{bill.current_print.id}").get_data(as_text=True)
    assert "How the amendments moved" in html
    assert "Moved: 1" in html
    assert "Clause 1, page 1, line 7 → Clause 1, page 1, line 8" in html
    assert f"/responses/{bill_response.id}/sections/" in html


# --- the organisation's bills and the dashboard ---------------------------------------------


def test_the_bills_list_shows_stage_deadline_prints_and_responses(
    team, bill, bill_response, login_as
):
    bill.evidence_deadline = datetime.combine(
        date.today() + timedelta(days=10), datetime.min.time()
    )
    db.session.commit()
    html = login_as(team.member).get(f"/o/{team.organisation.slug}/bills").get_data(as_text=True)
    assert bill.title in html
    assert "Second reading (House of Commons)" in html
    assert re.search(r"(9|10) days left", html)
    assert "Import a bill" not in html  # a member may not import


def test_the_dashboard_lists_bills_soonest_deadline_first_with_what_to_send(
    team, bill, bill_response, login_as, make_client
):
    from tests.bills.sample import PRINT
    from tests.conftest import login

    later = bill_services.create_bill(
        membership_of(team.coordinator, team.organisation),
        PRINT,
        title="Another Bill (illustrative)",
        source_kind="text",
    )
    later.evidence_deadline = datetime.combine(
        date.today() + timedelta(days=40), datetime.min.time()
    )
    bill.stage = "committee"
    bill.evidence_deadline = datetime.combine(date.today() + timedelta(days=3), datetime.min.time())
    db.session.commit()
    client = login_as(team.coordinator)
    html = client.get("/").get_data(as_text=True)
    assert "Bills: stages and deadlines" in html
    assert html.index(bill.title) < html.index("Another Bill (illustrative)")
    assert "3 days left" in html
    assert "Written evidence, with suggested amendments, to the Public Bill Committee" in html
    assert f"/responses/{bill_response.id}/export" in html  # a coordinator may export
    # ... for the stage's output: the committee's evidence
    assert f"/responses/{bill_response.id}/export?profile=public-bill-committee" in html
    member_client = make_client()
    login(member_client, team.member)
    member = member_client.get("/").get_data(as_text=True)
    assert f"/responses/{bill_response.id}/export" not in member
    assert bill.title in member


def test_with_csrf_on_a_too_large_upload_is_still_a_413_page(app, team, login_as, monkeypatch):
    """The limit is raised (and enforced) before the CSRF check reads the body."""
    monkeypatch.setitem(app.config, "BILL_UPLOAD_MAX_BYTES", 100_000)
    client = login_as(team.editor)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # after logging in
    response = import_file(client, team.organisation.slug, b"x" * 400_000, "huge.txt")
    assert response.status_code == 413
    assert "the most a bill print may be" in response.get_data(as_text=True)
