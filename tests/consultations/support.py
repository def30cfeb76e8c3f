"""Helpers for the consultation page tests."""

from __future__ import annotations

import html
import io
import re

from sqlalchemy import func, select

from consult.consultations.models import Consultation
from consult.extensions import db


def new_url(organisation) -> str:
    return f"/o/{organisation.slug}/consultations/new"


def form_data(**overrides) -> dict:
    """A valid "add a consultation" form, pasted questions, with `overrides` on top."""
    data = {
        "title": "Call for evidence: policing and new technology",
        "publisher": "Justice and Home Affairs Committee",
        "closes_on": "",
        "description": "",
        "questions_text": "1. Should live facial recognition need a warrant? (scale)\n"
        "2. What safeguards are missing? [500 words]",
    }
    data.update(overrides)
    return data


def upload(content: bytes | str, filename: str = "questions.csv") -> tuple:
    """A file field value for the test client's multipart form."""
    if isinstance(content, str):
        content = content.encode()
    return (io.BytesIO(content), filename)


def post_upload(client, organisation, content, filename="questions.csv", **overrides):
    data = form_data(questions_text="", questions_file=upload(content, filename), **overrides)
    return client.post(new_url(organisation), data=data, content_type="multipart/form-data")


def field_error(page: str, field_id: str) -> str | None:
    """The inline error message shown under one field, as a person reads it."""
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    if not match:
        return None
    text = re.sub(r"<[^>]+>", " ", match.group(1))
    return " ".join(html.unescape(text).split()).removeprefix("Error: ")


def textarea_value(page: str, field_id: str) -> str:
    match = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {field_id}"
    return html.unescape(match.group(1)).lstrip("\r\n")


def input_value(page: str, field_id: str) -> str | None:
    match = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page)
    assert match, f"no input {field_id}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else None


def consultations_of(organisation) -> list[Consultation]:
    return list(
        db.session.scalars(
            select(Consultation)
            .where(Consultation.organisation_id == organisation.id)
            .order_by(Consultation.id)
        )
    )


def consultation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Consultation))
