"""The demo's bill: our own illustrative text imported through the real text importer, marked
illustrative everywhere it is shown, with stages, a response with clause positions and two
amendments; seeding twice adds nothing."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from consult.bills.models import Bill
from consult.demo import seed_demo
from consult.demo_bill import DEMO_BILL_TITLE, demo_print
from consult.drafting.models import Response, Section
from consult.extensions import db
from tests.conftest import login


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def test_the_demo_print_reads_as_a_bill_with_parts_a_schedule_and_a_page_break():
    parsed = demo_print()
    numbers = [p.number for p in parsed.provisions]
    assert numbers == [*map(str, range(1, 12)), "Schedule 1"]
    assert not parsed.problems
    assert len({p.part for p in parsed.provisions if p.part}) >= 2
    assert any(p.start[0] != p.end[0] for p in parsed.provisions)  # over a page break


def test_seeding_the_demo_twice_gives_one_illustrative_bill_with_a_response(db):
    started = time.perf_counter()
    assert seed_demo()
    db.session.commit()
    seed_demo()
    db.session.commit()
    elapsed = time.perf_counter() - started
    bills = db.session.scalars(select(Bill).where(Bill.title == DEMO_BILL_TITLE)).all()
    assert len(bills) == 1
    bill = bills[0]
    assert bill.illustrative and "illustrative" in bill.title.lower()
    assert bill.stage_dates and bill.evidence_deadline is not None
    responses = db.session.scalars(select(Response).where(Response.bill_id == bill.id)).all()
    assert len(responses) == 1
    sections = select(Section).where(Section.response_id == responses[0].id)
    assert _count(sections.where(Section.kind == "amendment")) == 2
    positions = [s.head.choice for s in responses[0].sections if s.kind == "clause" and s.head]
    assert sorted(positions) == ["amend", "amend", "concerns", "support"]
    assert elapsed < 20


def test_every_demo_bill_page_says_the_text_is_illustrative(db, client):
    from consult.accounts.services import find_user

    seed_demo()
    db.session.commit()
    bill = db.session.scalar(select(Bill).where(Bill.title == DEMO_BILL_TITLE))
    login(client, find_user("member@demo.example"), password="demo-password")
    first = bill.current_print
    for url in (
        f"/bills/{bill.id}",
        f"/prints/{first.id}",
        f"/prints/{first.id}/clauses/2",
        f"/prints/{first.id}/pages/1",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "not the text of any bill before Parliament" in page.get_data(as_text=True), url
    dashboard = client.get("/").get_data(as_text=True)
    assert DEMO_BILL_TITLE in dashboard
    assert "Illustrative text, not Parliament" in dashboard
