"""Deadline reminders: a response's closing date (its consultation's, or the next deadline of
its bill: the committee's evidence deadline or a stage's date) reminds its coordinators and
the assignees of its unfinished sections 7 days before, 2 days before and on the day.

Each reminder is a notice with a key of its own (response, date, step): made once per person,
so `send-due` run twice, or run late, sends nothing twice. A run that starts late sends the
step due now (a run 5 days before sends the 7-day one; 1 day before, the 2-day one). The
queries are a few per response with a deadline near, none per person."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from consult.bills.models import Bill
from consult.bills.presenters import long_date, next_deadline, today
from consult.consultations.models import Consultation
from consult.drafting.models import Response, Section
from consult.extensions import db
from consult.notifications.services import notify
from consult.organisations.models import Membership
from consult.organisations.permissions import PERMISSIONS

STEPS = (0, 2, 7)  # days before the deadline, nearest first
HORIZON = max(STEPS)


def step_for(days_left: int) -> int | None:
    """The reminder due with `days_left` to go: the nearest step not before it."""
    return next((step for step in STEPS if 0 <= days_left <= step), None)


def _when(day: date, days_left: int) -> str:
    if days_left == 0:
        return f"today ({long_date(day)})"
    if days_left == 1:
        return f"tomorrow ({long_date(day)})"
    return f"in {days_left} days ({long_date(day)})"


def _deadlines(on: date) -> list[tuple[Response, date]]:
    """Every response with a deadline within HORIZON days, with that deadline's date."""
    start = datetime.combine(on, time.min)
    found = [
        (response, closes_at.date())
        for response, closes_at in db.session.execute(
            select(Response, Consultation.closes_at)
            .join(Consultation, Response.consultation_id == Consultation.id)
            .where(
                Consultation.closes_at >= start,
                Consultation.closes_at < start + timedelta(days=HORIZON + 1),
            )
        )
    ]
    for response in db.session.scalars(
        select(Response).join(Bill, Response.bill_id == Bill.id).options(joinedload(Response.bill))
    ):
        deadline = next_deadline(response.bill, on)
        if deadline is not None and deadline.days <= HORIZON:
            found.append((response, deadline.day))
    return found


def send_reminders(on: date | None = None) -> int:
    """Make the deadline reminders due on `on` (today in the UK); returns how many notices
    were made. Immediate ones are e-mailed at once, the others wait for the digest."""
    on = on or today()
    due = [
        (response, day, step)
        for response, day in _deadlines(on)
        if (step := step_for((day - on).days)) is not None
    ]
    if not due:
        return 0
    ids = [response.id for response, _day, _step in due]
    assignees: dict[int, set[int]] = defaultdict(set)
    unfinished: set[int] = set()
    for response_id, assignee_id in db.session.execute(
        select(Section.response_id, Section.assignee_id).where(
            Section.response_id.in_(ids),
            Section.removed_at.is_(None),
            Section.status != "agreed",
        )
    ):
        unfinished.add(response_id)
        if assignee_id is not None:
            assignees[response_id].add(assignee_id)
    coordinating, _ = PERMISSIONS["freeze"]
    coordinators: dict[int, list[int]] = defaultdict(list)
    for organisation_id, user_id in db.session.execute(
        select(Membership.organisation_id, Membership.user_id).where(
            Membership.organisation_id.in_({response.organisation_id for response, *_ in due}),
            Membership.role.in_(coordinating),
        )
    ):
        coordinators[organisation_id].append(user_id)
    made = 0
    for response, day, step in due:
        if response.id not in unfinished:
            continue  # every section agreed: nothing to remind anyone of
        recipients = coordinators[response.organisation_id] + sorted(assignees[response.id])
        made += len(
            notify(
                "deadline",
                recipients,
                organisation_id=response.organisation_id,
                response=response,
                detail=_when(day, (day - on).days),
                dedupe_key=f"deadline:{response.id}:{day.isoformat()}:{step}",
            )
        )
    return made
