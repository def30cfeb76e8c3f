"""The whole bill journey in a real browser, as issue 14 asks: the coordinator imports a bill's
print as a PDF (checking what was read before saving it), starts a response; an editor gives a
position on a clause and drafts two amendments (words left out and replaced, and a new clause);
the coordinator freezes a version and opens it to members; a member co-signs; the coordinator
exports the amendment paper (PDF) and the Public Bill Committee evidence (Word), and the files
are read back: House-style references, NC1, the supporters, the organisation's evidence.

The PDF comes from tests/bills/corpus.py: our own illustrative text in a real bill's layout."""

from __future__ import annotations

import re

import docx
import pypdf
import pytest
from playwright.sync_api import expect

from consult.bills.amendments import Amendment, blocking
from consult.bills.importers import read_print
from consult.bills.validation import check_against_print
from tests.bills import corpus
from tests.e2e.test_exports import export_and_download, jobs_in_threads  # noqa: F401
from tests.e2e.test_signing import DESKTOP, accept_dialogs, log_in

pytestmark = pytest.mark.e2e

STATEMENT = "This amendment would put a judge in place of these words."


def _words_to_amend(pdf: bytes) -> tuple[int, int, str]:
    """A page, line and three words of clause 2 that are on that line once (as the print was
    read), so an amendment can leave them out."""
    parsed = read_print(pdf)
    for line in parsed.lines:
        words = line.text.split()
        if line.provision != "2" or line.hyphenated or len(words) < 6:
            continue
        candidate = " ".join(words[2:5])
        amendment = Amendment.from_dict(
            {
                "kind": "leave_out_insert",
                "page": line.page,
                "line": line.line,
                "leave_out": candidate,
                "insert": "a judge",
                "explanatory_statement": STATEMENT,
            }
        )
        if candidate.isascii() and not blocking(check_against_print(amendment, parsed)):
            return line.page, line.line, candidate
    raise AssertionError("no line of clause 2 to amend")


def test_import_a_bill_draft_amend_freeze_co_sign_and_export_the_paper_and_evidence(
    browsing,
    team,
    tmp_path,
    jobs_in_threads,  # noqa: F811
):
    slug = team.organisation.slug
    pdf = corpus.to_pdf(corpus.make_print(seed=5, clauses=6, schedules=1))
    page_no, line_no, words = _words_to_amend(pdf)
    upload = tmp_path / "police-reform-bill.pdf"
    upload.write_bytes(pdf)

    # The coordinator imports the print and checks what was read before saving it.
    cora = browsing.new_page("cora", **DESKTOP)
    accept_dialogs(cora)
    log_in(cora, team.coordinator, f"/o/{slug}/bills/import")
    cora.get_by_label("Upload the print").set_input_files(str(upload))
    cora.get_by_label("Print label (optional)").fill("As introduced")
    cora.get_by_role("button", name="Read the file").click()
    expect(cora.get_by_role("heading", name="Clauses and schedules")).to_be_visible(timeout=30_000)
    expect(cora.locator("main")).to_contain_text("Clause 2")
    browsing.screenshot(cora, "bill-journey-01-preview")
    browsing.check_accessibility(cora, "import preview")
    cora.get_by_role("button", name="Save this bill").click()
    expect(cora.get_by_role("heading", name=re.compile("Bill"))).to_be_visible()
    browsing.screenshot(cora, "bill-journey-02-bill")

    # ... and starts a response to it.
    cora.get_by_text("Start a response").first.click()
    cora.get_by_role("button", name="Start a response").click()
    expect(cora.get_by_role("heading", name=re.compile("^Response to the"))).to_be_visible()
    response_path = re.sub(r"^https?://[^/]+", "", cora.url).split("?")[0]
    assert re.fullmatch(r"/responses/\d+", response_path), response_path

    # An editor takes a position on clause 2 with the bill's text beside it ...
    eddie = browsing.new_page("eddie", **DESKTOP)
    log_in(eddie, team.editor, response_path)
    eddie.get_by_role("link", name=re.compile(r"^Clause 2:")).first.click()
    expect(eddie.get_by_role("heading", name="The bill\u2019s text")).to_be_visible()
    eddie.wait_for_load_state("load")  # editor.js, as below
    eddie.get_by_label("Amend").check(force=True)
    eddie.get_by_label("Explain your position").fill(
        "Authorisation belongs with a judge, not a senior officer."
    )
    eddie.get_by_role("button", name="Save", exact=True).click()
    expect(eddie.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved"))

    # ... writes the summary and who we are (the committee wants both) ...
    for section, text in (
        ("Summary", "- Authorisation should rest with a judge.\n- Publish a yearly report."),
        (re.compile(r"^About "), "A residents' association of 400 households in Northtown."),
    ):
        eddie.goto(response_path)
        eddie.get_by_role("link", name=section).first.click()
        expect(eddie.get_by_label("Text", exact=True)).to_be_visible()
        # editor.js saves in place and says "Saved"; a click before it ran posts the form
        # (saved all the same, the page says so differently): wait for the page's scripts.
        eddie.wait_for_load_state("load")
        eddie.get_by_label("Text", exact=True).fill(text)
        eddie.get_by_role("button", name="Save", exact=True).click()
        expect(eddie.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved"))

    # ... and drafts two amendments: words replaced, and a new clause.
    eddie.goto(f"{response_path}/amendments/new")
    eddie.get_by_label("Leave out words and insert others").check(force=True)
    eddie.get_by_label("Page", exact=True).fill(str(page_no))
    eddie.get_by_label("Line", exact=True).fill(str(line_no))
    eddie.get_by_label("Words to leave out").fill(words)
    eddie.get_by_label("Words to insert").fill("a judge")
    eddie.get_by_label("Explanatory statement").fill(STATEMENT)
    eddie.get_by_role("button", name="Add the amendment").click()
    expect(eddie.get_by_text("Amendment 1 added.")).to_be_visible()

    eddie.goto(f"{response_path}/amendments/new")
    eddie.get_by_label("New clause", exact=True).check(force=True)
    eddie.get_by_label("Title of the new clause or schedule").fill("Annual report on use")
    eddie.get_by_label("Text of the new clause or schedule").fill(
        "(1) The Secretary of State must publish a report each year on the use of facial"
        " recognition by police forces."
    )
    eddie.get_by_label("Explanatory statement").fill(
        "This new clause would require a yearly report on police use of facial recognition."
    )
    eddie.get_by_role("button", name="Add the amendment").click()
    expect(eddie.get_by_text("Amendment 2 added.")).to_be_visible()
    eddie.goto(response_path)
    expect(eddie.locator(".amendment-card").first).to_contain_text(
        f"Clause 2, page {page_no}, line {line_no}, leave out \u201c{words}\u201d"
    )
    browsing.screenshot(eddie, "bill-journey-03-response")
    browsing.check_accessibility(eddie, "bill response")

    # The coordinator freezes a version and opens it to members; a member co-signs it.
    cora.goto(f"{response_path}/versions")
    cora.get_by_role("button", name="Freeze this version").click()
    expect(cora.get_by_text("Version 1 is frozen")).to_be_visible()
    cora.get_by_label(re.compile("^Members of")).check()
    cora.get_by_role("button", name="Open signing").click()
    sign_path = re.sub(r"^https?://[^/]+", "", cora.locator("#sign-url").input_value())

    mo = browsing.new_page("mo", **DESKTOP)
    log_in(mo, team.member, sign_path)
    expect(mo.locator("main")).to_contain_text("To move the following Clause")
    mo.get_by_label("I agree").check()
    mo.get_by_role("button", name="Sign this version").click()
    expect(mo.locator("main")).to_contain_text(re.compile("signed|Signed"))
    browsing.screenshot(mo, "bill-journey-04-signed")

    # The coordinator exports the amendment paper (PDF) and the committee evidence (Word).
    cora.goto(f"{response_path}/export")
    cora.get_by_label("Amendment paper for a Member to table").check()
    _name, paper = export_and_download(browsing, cora, "PDF", "bill-journey-paper")
    paper_text = "\n".join(page.extract_text() for page in pypdf.PdfReader(paper).pages)
    flat = " ".join(paper_text.split())
    assert "NC1" in flat and "To move the following Clause" in flat
    assert f"page {page_no}, line {line_no}, leave out" in flat
    assert team.organisation.name in flat  # the supporters
    assert "illustrative" not in flat.lower()  # an imported print is nobody's demo text

    cora.goto(f"{response_path}/export")
    cora.get_by_label("Public Bill Committee", exact=True).check()
    _name, evidence = export_and_download(browsing, cora, "Word (.docx)", "bill-journey-pbc")
    paragraphs = " ".join(p.text for p in docx.Document(evidence).paragraphs)
    assert "Authorisation belongs with a judge" in paragraphs
    assert f"leave out \u201c{words}\u201d and insert \u201ca judge\u201d" in paragraphs
