"""Helpers for the organisation tests and the access matrix (clients come from the root
conftest: each request runs in its own application context, as in production)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from sqlalchemy import func, select

from consult.audit.models import AuditEvent
from consult.extensions import db
from consult.organisations.models import Invitation, Membership, Organisation
from tests import factories


def log_in(client, user, password: str = factories.PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert urlsplit(response.headers["Location"]).path != "/login"
    return client


def text_of(page: str) -> str:
    """The visible text of a page: tags dropped, entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def form_actions(page: str) -> list[str]:
    """The action URLs of the POST forms in a page, in order."""
    return [html.unescape(action) for action in re.findall(r'<form[^>]*action="([^"]+)"', page)]


def location_path(response) -> str:
    return urlsplit(response.headers["Location"]).path


def follow(client, response):
    """GET the page a redirect points at (keeps flashes for that one page)."""
    assert response.status_code in (301, 302, 303), response.status_code
    return client.get(response.headers["Location"])


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def membership(organisation, user) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    )


def role_of(organisation, user) -> str | None:
    found = membership(organisation, user)
    return found.role if found else None


def organisation_by_slug(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def invitations_to(email: str) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation).where(Invitation.email == email.lower()).order_by(Invitation.id)
        )
    )


def audit_actions(organisation=None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if organisation is not None:
        query = query.where(AuditEvent.organisation_id == organisation.id)
    return list(db.session.scalars(query))


def audit_events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


# --- submitting a page's own forms ----------------------------------------------------------


@dataclass
class Form:
    action: str | None
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._button: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(attributes.get("action"), attributes.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attributes.get("name"):
            if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                return
            self._form.fields[attributes["name"]] = attributes.get("value", "")
        elif tag == "select" and attributes.get("name"):
            self._select = attributes["name"]
        elif tag == "option" and self._select:
            if self._select not in self._form.fields or "selected" in attributes:
                self._form.fields[self._select] = attributes.get("value", "")
        elif tag == "button":
            self._button = []

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "button" and self._button is not None and self._form is not None:
            self._form.buttons.append(" ".join("".join(self._button).split()))
            self._button = None


def forms_in(page: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(page)
    return parser.forms


def submit(client, url: str, *, action: str | None = None, button: str | None = None, **values):
    """GET `url`, find its POST form (the one whose action contains `action` and/or whose
    button says `button`), fill in `values` over the form's own fields (hidden fields and the
    CSRF token included) and send it, as a browser would."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    candidates = [
        form
        for form in forms_in(response.get_data(as_text=True))
        if form.method == "post"
        and (action is None or action in (form.action or url))
        and (button is None or any(button in label for label in form.buttons))
    ]
    assert len(candidates) == 1, f"{len(candidates)} forms match {action!r}/{button!r} in {url}"
    form = candidates[0]
    unknown = set(values) - set(form.fields)
    assert not unknown, f"the form at {url} has no field(s) {unknown}"
    target = urljoin(url, form.action) if form.action else url
    return client.post(target, data={**form.fields, **values})


def link_in(page: str, path_prefix: str) -> str:
    """The first link in a page whose URL starts with `path_prefix`."""
    for href in re.findall(r'href="([^"]+)"', page):
        href = html.unescape(href)
        if href.startswith(path_prefix):
            return href
    raise AssertionError(f"no link to {path_prefix} in the page")
