"""Helpers for the drafting API tests: a response to work on, and short calls for saving."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.drafting import services as drafting
from consult.drafting.models import Revision, Section
from consult.extensions import db
from consult.organisations.services import membership_of

BUILTIN = "facial-recognition-framework"
SCALE_OPTIONS = ["Agree", "Neither agree nor disagree", "Disagree", "Don't know"]


@dataclass
class Draft:
    """Ids of a fresh response and of some of its sections."""

    response_id: int
    summary: int  # section ids
    about: int
    scale_question: int  # question 1 (scale)
    open_question: int  # question 4 (open)
    recommendations: int

    @property
    def url(self) -> str:
        return f"/api/v1/responses/{self.response_id}"

    def section_url(self, section_id: int, tail: str = "") -> str:
        return f"{self.url}/sections/{section_id}{tail}"


def make_draft(team, title: str = "Our response", profile: str | None = None) -> Draft:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == BUILTIN))
    membership = membership_of(team.editor, team.organisation)
    response = drafting.create_response(membership, consultation, title, profile)
    db.session.commit()
    by_kind: dict[str, int] = {}
    questions: dict[int, int] = {}
    for section in response.sections:
        if section.kind == "question":
            questions[section.number] = section.id
        else:
            by_kind[section.kind] = section.id
    return Draft(
        response_id=response.id,
        summary=by_kind["summary"],
        about=by_kind["about"],
        scale_question=questions[1],
        open_question=questions[4],
        recommendations=by_kind["recommendations"],
    )


def put_section(client, headers, draft: Draft, section_id: int, body: str, base, **extra):
    """PUT a section's text; `extra` may carry "choice"."""
    return client.put(
        draft.section_url(section_id),
        json={"body": body, "base_revision": base, **extra},
        headers=headers,
    )


def save(client, headers, draft: Draft, section_id: int, body: str, base=None, **extra) -> dict:
    """A save that must succeed; returns its JSON."""
    response = put_section(client, headers, draft, section_id, body, base, **extra)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def revision(revision_id: int) -> Revision:
    found = db.session.get(Revision, revision_id)
    assert found is not None
    return found


def section(section_id: int) -> Section:
    found = db.session.get(Section, section_id)
    assert found is not None
    return found


SAFE_TAGS = {
    "h1", "h2", "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "sup", "sub", "section", "table", "thead", "tbody",
    "tr", "th", "td",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "title", "id", "class", "rel", "start", "align"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_safe_html(html: str) -> None:
    """As a browser would parse it: only harmless tags and attributes, and links only to
    http(s), mailto or an anchor on the page. Hostile text may remain, escaped, as text."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        assert tag in SAFE_TAGS, (tag, attrs)
        assert set(attrs) <= SAFE_ATTRIBUTES, (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        if href:
            assert href.startswith(("http://", "https://", "mailto:", "#")), href
    lowered = html.lower()
    for raw in ("<script", "<iframe", "<img", "<div", "<style", "<object", "<embed", "<svg"):
        assert raw not in lowered, raw
