"""Template filters and globals, registered once by the app factory: how times and Markdown
read on every page, and the few facts each domain's templates ask for (macros imported by
other templates see globals, not context processors, so these are globals)."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from consult.drafting.markdown import render as render_markdown
from consult.drafting.services import responses_of
from consult.exports.permissions import can_export
from consult.exports.services import FORMAT_LABELS
from consult.forms import csrf_field
from consult.signing.presenters import KIND_LABELS, STATE_LABELS, STATUS_LABELS, signing_state
from consult.timeutil import ago, isotime, when


def markdown(text: str | None, anchor_prefix: str | None = None) -> Markup:
    """The one renderer (sanitised by nh3), marked safe for the template."""
    return Markup(render_markdown(text or "", anchor_prefix=anchor_prefix))  # noqa: S704


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(ago=ago, when=when, isotime=isotime, markdown=markdown)
    app.jinja_env.globals.update(
        csrf_field=csrf_field,
        # The organisation page's "Responses" card (most recently changed first).
        organisation_responses=responses_of,
        # The response pages link to the export page for those who may use it.
        can_export=can_export,
        export_format_labels=FORMAT_LABELS,
        signing_state=signing_state,
        signing_state_labels=STATE_LABELS,
        signature_kind_labels=KIND_LABELS,
        signature_status_labels=STATUS_LABELS,
    )
