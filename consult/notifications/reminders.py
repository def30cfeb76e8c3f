"""Reminders made by `send-due`. Clashes left open: a save that met a real clash is kept as
a clash for its author to settle (they see it at once, on the clash screen); one still open
an hour later tells its author once, in case they moved on (send_clash_reminders). Deadline
reminders: a response's closing date (its consultation's, or the next deadline of
its bill: the committee's evidence deadline or a stage's date) reminds its coordinators and
the assignees of its unfinished sections 7 days before, 2 days before and on the day.

Each reminder is a notice with a key of its own (response, date, step): made once per person,
so `send-due` run twice, or run late, sends nothing twice. A run that starts late sends the
step due now (a run 5 days before sends the 7-day one; 1 day before, the 2-day one). The
queries are a few per response with a deadline near, none per person."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import joinedload

from consult.bills.models import Bill
from consult.bills.presenters import long_date, next_deadline, today
from consult.consultations.models import Consultation
from consult.drafting.models import ClashSettlement, Response, Revision, Section
from consult.drafting.permissions import can_edit
from consult.extensions import db
from consult.notifications.models import Notification
from consult.notifications.services import Notice, notify, notify_each
from consult.organisations.models import Membership
from consult.organisations.permissions import PERMISSIONS
from consult.timeutil import utcnow

STEPS = (0, 2, 7)  # days before the deadline, nearest first
HORIZON = max(STEPS)
# A clash still open this long after it was made tells its author (once). Sooner would
# interrupt someone who is settling it; clashes older than CLASH_REMINDER_UNTIL (made before
# reminders existed, or while send-due did not run) have been on their home page for long
# enough, and a notice then would be noise.
CLASH_REMINDER_AFTER = timedelta(hours=1)
CLASH_REMINDER_UNTIL = timedelta(days=7)


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


def send_clash_reminders(now: datetime | None = None) -> int:
    """Tell the author of each clash still open an hour after it was made (once: a notice
    per clash, keyed to it; a clash settled meanwhile is not found). Its author must still
    be a member who may draft, as the home page's list of clashes asks. Returns how many
    notices were made. Two queries and the notices' few, whatever the number of clashes."""
    now = now or utcnow()
    told = exists().where(Notification.kind == "clash", Notification.revision_id == Revision.id)
    found = db.session.execute(
        select(Revision, Section, Response)
        .join(Section, Section.id == Revision.section_id)
        .join(Response, Response.id == Section.response_id)
        .outerjoin(ClashSettlement, ClashSettlement.revision_id == Revision.id)
        .where(
            and_(
                Revision.kind == "conflict",
                ClashSettlement.id.is_(None),
                Revision.author_id.is_not(None),
                Revision.created_at <= now - CLASH_REMINDER_AFTER,
                Revision.created_at > now - CLASH_REMINDER_UNTIL,
                Section.removed_at.is_(None),
                ~told,
            )
        )
        .order_by(Revision.id)
    ).all()
    return notify_each(
        "clash",
        [
            Notice(
                recipient_id=clash.author_id,
                organisation_id=response.organisation_id,
                objects={"response": response, "section": section, "revision": clash},
                dedupe_key=f"clash:{clash.id}",
            )
            for clash, section, response in found
        ],
        may_see=can_edit,
    )
