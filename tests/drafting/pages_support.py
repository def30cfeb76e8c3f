"""Helpers for the drafting page tests: a response to work on, browsers per role, the pages'
own forms, and a query counter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape

from sqlalchemy import event, select

from consult.consultations.models import Consultation
from consult.drafting import services
from consult.drafting.models import Response, Revision, Section
from consult.extensions import db
from consult.organisations.services import membership_of
from tests.organisations.support import forms_in, location_path, log_in, text_of

BUILTIN = "facial-recognition-framework"
__all__ = ["location_path", "text_of"]  # re-exported for the page tests


@dataclass
class Draft:
    """A response of the team's organisation and its sections, by kind or question number."""

    response_id: int
    sections: dict[object, int] = field(default_factory=dict)  # "summary", 1..15, ...

    @property
    def url(self) -> str:
        return f"/responses/{self.response_id}"

    def section(self, key) -> Section:
        return db.session.get(Section, self.sections[key])

    def editor(self, key) -> str:
        return f"{self.url}/sections/{self.sections[key]}"

    def response(self) -> Response:
        return db.session.get(Response, self.response_id)


def make_draft(team, profile: str | None = None, title: str = "Our response") -> Draft:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == BUILTIN))
    response = services.create_response(
        membership_of(team.coordinator, team.organisation), consultation, title, profile
    )
    db.session.commit()
    found = Draft(response_id=response.id)
    for section in response.sections:
        found.sections[section.number if section.kind == "question" else section.kind] = section.id
    return found


def browsers_for(app, team):
    """browsers(role) -> a test client logged in as that member of the team ("outsider" for
    the owner of another organisation, "anonymous" for nobody); one per role per test."""
    made: dict[str, object] = {}

    def _browser(role: str):
        if role not in made:
            client = app.test_client()
            if role != "anonymous":
                log_in(client, team.user(role))
            made[role] = client
        return made[role]

    return _browser


def save_text(section_id: int, body: str, user, choice: str | None = None) -> Revision | None:
    """Save as `user` from the current head (a plain edit), committed."""
    section = db.session.get(Section, section_id)
    outcome = services.save_section(user, section, body, choice, section.head_revision_id)
    db.session.commit()
    return outcome.revision


def revisions_of(section_id: int) -> list[Revision]:
    """Oldest first."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Revision).where(Revision.section_id == section_id).order_by(Revision.number)
        )
    )


def head_of(section_id: int) -> Revision | None:
    db.session.expire_all()
    section = db.session.get(Section, section_id)
    return section.head


def flashes(page: str) -> list[str]:
    return [
        text_of(message)
        for message in re.findall(r'<div class="flash[^"]*"[^>]*>(.*?)</div>', page, re.S)
    ]


def form_fields(page: str, action_part: str) -> dict[str, str]:
    """The fields (hidden ones included) of the POST form whose action contains action_part."""
    matches = [
        form
        for form in forms_in(page)
        if form.method == "post" and form.action and action_part in unescape(form.action)
    ]
    assert matches, f"no form posting to {action_part}"
    return dict(matches[0].fields)


def textarea(page: str, name: str) -> str:
    """The text of a textarea, as the browser would show it."""
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return unescape(match.group(1))


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


_CHANGE = re.compile(
    r'<(ins|del)><span class="visually-hidden">\[(?:added|removed): </span>(.*?)'
    r'<span class="visually-hidden">\]</span></\1>',
    re.S,
)


def changes(page: str, which: int = 0) -> list[tuple[str, str]]:
    """The marked changes of the page's `which`-th word diff: [("added"|"removed", text)]."""
    blocks = re.findall(r'<div class="diff">(.*?)</div>', page, re.S)
    assert len(blocks) > which, "no word diff on the page"
    return [
        ("added" if tag == "ins" else "removed", unescape(text).strip())
        for tag, text in _CHANGE.findall(blocks[which])
    ]
