"""What a downloaded export is called, and how it is sent.

A file name is made of safe characters only (lower-case ASCII letters, digits and hyphens:
accents are dropped from their letters, "Réponse" gives "reponse"), its title part cut at a
word boundary, and always ends with which version, which profile and the extension.

A stored file's content type is a whole Content-Type header ("text/markdown; charset=utf-8"):
it is sent as it is, not as a MIME type that Werkzeug would add a second charset to."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

from flask import Response, send_file

TITLE_LENGTH = 60  # characters of the title in a file name, at most


def slug(text: str, limit: int = TITLE_LENGTH) -> str:
    """`text` as lower-case ASCII words joined by hyphens, cut after the last whole word that
    fits in `limit` (a first word longer than that is cut: there is nothing better)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    kept: list[str] = []
    for word in words:
        if len("-".join([*kept, word])) > limit:
            break
        kept.append(word)
    if not kept and words:
        return words[0][:limit]
    return "-".join(kept)


def file_name(title: str, version_number: int | None, profile: str, day: date, ext: str) -> str:
    """For example "northtown-residents-response-v2-home-office.pdf"; the draft's says the
    day it was made instead of a version."""
    which = f"v{version_number}" if version_number is not None else f"draft-{day.isoformat()}"
    return f"{slug(title) or 'response'}-{which}-{profile}.{ext}"


def attachment(content: bytes, content_type: str, name: str) -> Response:
    """A download of `content` called `name`, with `content_type` as its exact Content-Type,
    never cached."""
    response = send_file(
        io.BytesIO(content),
        mimetype=content_type,
        as_attachment=True,
        download_name=name,
        max_age=0,
    )
    response.headers["Content-Type"] = content_type
    return response
