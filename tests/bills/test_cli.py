"""`flask bills import FILE`: it prints what was read and saves a bill, or with --bill adds the
next print and prints how the amendments moved; a file that cannot be read exits non-zero
with the importer's message."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.bills import services
from consult.bills.amendments import Amendment, Kind
from consult.bills.models import Bill
from consult.drafting import services as drafting
from consult.extensions import db
from tests.bills import corpus
from tests.drafting.conftest import membership_of

SMALL = corpus.make_print(seed=5, clauses=5, schedules=1)


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def _invoke(*args: str):
        result = runner.invoke(args=list(args))
        db.session.expire_all()
        return result

    return _invoke


def test_importing_a_pdf_creates_a_bill_and_says_what_was_read(cli, team, tmp_path):
    path = tmp_path / "bill.pdf"
    path.write_bytes(corpus.to_pdf(SMALL))
    result = cli(
        "bills", "import", str(path), "--organisation", team.organisation.slug,
        "--print-label", "As introduced",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"{SMALL.pages} pages" in result.output
    assert "5 clauses, 1 schedules" in result.output
    assert "Clause 1: Use of live facial recognition (page 1 line" in result.output
    bill = db.session.scalar(select(Bill).where(Bill.organisation_id == team.organisation.id))
    assert bill.title == "Police Reform Bill"
    assert bill.current_print.label == "As introduced"
    assert bill.current_print.source_kind == "pdf"


def test_with_several_organisations_the_organisation_must_be_named(cli, team, tmp_path):
    path = tmp_path / "bill.txt"
    path.write_text(corpus.to_text(SMALL))
    result = cli("bills", "import", str(path))
    assert result.exit_code != 0
    assert "--organisation" in result.output


def test_a_file_that_cannot_be_read_exits_with_the_message(cli, team, tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7 this is not a real PDF")
    result = cli("bills", "import", str(path), "--organisation", team.organisation.slug)
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert db.session.scalar(select(Bill)) is None


def test_the_next_print_moves_the_amendments_and_reports_them(cli, team, tmp_path):
    from tests.bills.sample import HEADINGS, LINES, PRINT, make_print

    coordinator = membership_of(team.coordinator, team.organisation)
    bill = services.create_bill(
        coordinator, PRINT, title="Police Reform Bill (illustrative)", source_kind="text"
    )
    response = drafting.create_bill_response(coordinator, bill, "Evidence")
    services.add_amendment(
        team.editor,
        response,
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
    shifted = make_print(
        [(p, n + 1 if p == 1 else n, t, c, s) for p, n, t, c, s in LINES], HEADINGS
    )
    text = "\f".join(
        "\n".join(
            f"{line.line:>3}  {line.text}" if line.line % 5 == 0 else line.text
            for line in shifted.lines
            if line.page == page
        )
        for page in (1, 2)
    )
    path = tmp_path / "second.txt"
    path.write_text("\n" + text)
    result = cli(
        "bills", "import", str(path), "--organisation", team.organisation.slug,
        "--bill", bill.slug, "--print-label", "As amended",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Added print 2 (As amended)" in result.output
    assert "Amendment 1: moved, Clause 1, page 1, line 7 -> Clause 1, page 1, line 8" in (
        result.output
    )
