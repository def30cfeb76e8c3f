"""Amendments to a bill, drafted as sections of a response to it (kind "amendment"), so they
have everything sections have: revisions, merge, clashes, comments, suggestions, history and
restore, and they are frozen, fingerprinted and co-signed with the rest. The fields live in
the revision's text (amendment_text.py); these functions check them against the bill's current
print before anything is saved, and render them in House style."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from consult.accounts.models import User
from consult.audit.services import record
from consult.bills import amendment_text
from consult.bills.amendments import Amendment, AmendmentProblem, blocking, check, for_kind
from consult.bills.errors import BillError
from consult.bills.house_style import House, Rendered, render
from consult.bills.services.prints import parsed_print
from consult.bills.stages import amendment_stage, sitting_house
from consult.bills.validation import check_against_print, completed
from consult.drafting.models import Response, Revision, Section
from consult.drafting.services import SaveOutcome, save_live_text, save_section
from consult.drafting.services.text import MAX_TITLE_LENGTH
from consult.extensions import db


class AmendmentRefused(BillError):
    """The amendment cannot be saved as it stands: `problems` says every reason, each naming
    the field to change (the API returns them; the form shows them beside the fields)."""

    def __init__(self, problems: list[AmendmentProblem]) -> None:
        super().__init__(" ".join(problem.message for problem in problems))
        self.problems = problems


def amendment_sections(response: Response) -> list[Section]:
    """The response's live amendments, in the order they were added."""
    return [
        section
        for section in response.sections
        if section.kind == "amendment" and section.removed_at is None
    ]


def amendment_of(section: Section) -> Amendment:
    """The amendment a section's head revision holds (BillError when its text, say after a
    clash was resolved by hand, is not one)."""
    return amendment_text.load(section.body)


def check_amendment(response: Response, amendment: Amendment) -> list[AmendmentProblem]:
    """Every problem with the amendment, against the bill's current print (warnings too)."""
    bill = response.bill
    if bill is None or bill.current_print is None:
        raise BillError("Amendments are written to a bill: this response answers a consultation.")
    return check_against_print(amendment, parsed_print(bill.current_print))


@dataclass(frozen=True)
class Preview:
    """What saving an amendment would check and make: every problem (warnings too) and, when
    none stops it, the amendment completed from the print (its clause) and in House style."""

    amendment: Amendment | None
    problems: list[AmendmentProblem]
    rendered: Rendered | None


def review_amendment(section: Section) -> Preview:
    """A saved amendment as it stands against the bill's current print: its problems (a new
    print may have changed its words) and its House style, unless its text is no amendment
    (a clash resolved by hand) or lacks a part it needs."""
    try:
        amendment = amendment_of(section)
    except BillError as error:
        return Preview(None, [AmendmentProblem(str(error))], None)
    problems = check_amendment(section.response, amendment)
    complete = not blocking(check(amendment))
    return Preview(
        amendment, problems, house_style(section.response, amendment) if complete else None
    )


def preview_amendment(response: Response, amendment: Amendment) -> Preview:
    """Check and render an amendment without saving it (a form's or a client's "check"), so a
    person sees the House style and fixes every problem before anything is written."""
    problems = check_amendment(response, amendment)
    if blocking(problems):
        return Preview(amendment, problems, None)
    done = completed(amendment, parsed_print(response.bill.current_print))
    return Preview(done, problems, house_style(response, done))


def _checked(response: Response, amendment: Amendment) -> Amendment:
    problems = blocking(check_amendment(response, amendment))
    if problems:
        raise AmendmentRefused(problems)
    return completed(amendment, parsed_print(response.bill.current_print))


def add_amendment(
    user: User, response: Response, amendment: Amendment, title: str = ""
) -> tuple[Section, SaveOutcome]:
    """A new amendment at the end of the response, numbered after the last one, its first
    revision holding the amendment as checked against the current print."""
    amendment = _checked(response, amendment)
    number = (
        db.session.scalar(
            select(func.max(Section.number)).where(
                Section.response_id == response.id, Section.kind == "amendment"
            )
        )
        or 0
    ) + 1
    position = (
        db.session.scalar(
            select(func.max(Section.position)).where(Section.response_id == response.id)
        )
        or 0
    ) + 1
    title = " ".join(title.split())[:MAX_TITLE_LENGTH] or f"Amendment {number}"
    section = Section(
        response_id=response.id,
        kind="amendment",
        number=number,
        title=title,
        position=position,
        status="drafting",
    )
    db.session.add(section)
    db.session.flush()
    outcome = save_section(user, section, amendment_text.dump(amendment), None, None)
    record(
        "amendment.created",
        actor=user,
        organisation=response.organisation,
        subject=section,
        response=response.id,
        kind=str(amendment.kind),
    )
    return section, outcome


def save_amendment(
    user: User,
    section: Section,
    amendment: Amendment,
    base_revision_id: int | None,
    clash: Revision | None = None,
) -> SaveOutcome:
    """Save a person's edit of an amendment, made from `base_revision_id`, through the same
    merge as any section (an edit of another field by someone else merges; the same field
    changed two ways is a clash, both kept). `clash`: the open clash this save settles, as
    for sections (drafting.save_section)."""
    if section.kind != "amendment":
        raise BillError("That section is not an amendment.")
    amendment = _checked(section.response, amendment)
    return save_section(
        user, section, amendment_text.dump(amendment), None, base_revision_id, clash=clash
    )


def save_live_amendment(
    user: User | None, section: Section, values: dict[str, str | bool]
) -> Revision | None:
    """Write an amendment's live document (its fields as typed, `values`) as a revision by
    `user`, checked and completed as save_amendment checks and completes a form's, and
    written as the same text (amendment_text.dump). The caller holds the section's row lock.
    An amendment a save would refuse is not written, as a refused save writes nothing; its
    words stay in the live document (as in a refused form), to be written once they make an
    amendment that can be saved. None then, or when the head says it already."""
    try:
        amendment = _checked(section.response, Amendment.from_dict(for_kind(values)))
    except (BillError, ValueError):
        return None
    return save_live_text(user, section, amendment_text.dump(amendment), None)


def _house_now(response: Response) -> House:
    return House(sitting_house(response.bill.stage, response.bill.house))


def house_style(response: Response, amendment: Amendment, number: str | None = None) -> Rendered:
    """The amendment as the House the bill is in now prints it, at its current stage."""
    return render(
        amendment,
        house=_house_now(response),
        stage=amendment_stage(response.bill.stage),
        number=number,
    )
