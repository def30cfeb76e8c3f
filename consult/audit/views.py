"""The organisation's audit log, for its owners: newest first, paged, filtered (which events
they see: audit/log.py)."""

from __future__ import annotations

from flask import render_template, request

from consult.audit import blueprint, log
from consult.audit.forms import AuditFilterForm
from consult.audit.presenters import describe, load_context, shown_details
from consult.forms import page_number
from consult.organisations.permissions import load_membership


@blueprint.get("/o/<slug>/audit")
def organisation_log(slug: str):
    membership = load_membership(slug, "view_audit")
    organisation = membership.organisation
    form = AuditFilterForm(request.args)
    form.kind.choices = [("", "All events")] + [
        (key, label) for key, (label, _) in log.KINDS.items()
    ]
    form.person.choices = [("", "Everyone")] + [
        (str(i), name) for i, name in log.people(organisation)
    ]
    filters = log.Filters()
    if form.validate():
        filters = log.Filters(
            kind=form.kind.data or None,
            person=int(form.person.data) if form.person.data else None,
            since=form.since.data,
            until=form.until.data,
        )
    page = page_number()
    events, has_next = log.events_page(organisation, filters, page)
    asked = {
        key: request.args[key][:40]
        for key in ("kind", "person", "since", "until")
        if request.args.get(key)
    }
    return render_template(
        "audit/log.html",
        organisation=organisation,
        form=form,
        events=events,
        context=load_context(event for event, _name, _erased in events),
        page=page,
        has_next=has_next,
        filters=asked,
        describe=describe,
        shown_details=shown_details,
    ), 422 if form.errors else 200
