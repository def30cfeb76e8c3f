"""A section as a Yjs document (pycrdt): the Markdown in the Y.Text `body` (API.md, "Live
editing") and the closed answer in the Y.Map `fields` under `choice`. Pure functions on
pycrdt documents; no database, no sockets."""

from __future__ import annotations

from dataclasses import dataclass

from pycrdt import Doc, Map, Text

BODY = "body"
FIELDS = "fields"
CHOICE = "choice"


def new_doc(state: bytes | None = None) -> Doc:
    """A document, from a stored state if given."""
    doc = Doc()
    doc.get(BODY, type=Text)
    doc.get(FIELDS, type=Map)
    if state:
        doc.apply_update(state)
    return doc


def body(doc: Doc) -> Text:
    return doc.get(BODY, type=Text)


def fields(doc: Doc) -> Map:
    return doc.get(FIELDS, type=Map)


def text_of(doc: Doc) -> str:
    return str(body(doc))


def choice_of(doc: Doc) -> str | None:
    value = fields(doc).get(CHOICE)
    return value if isinstance(value, str) and value else None


def utf8_offset(text: str, index: int) -> int:
    """Where character `index` of `text` is for pycrdt, which counts a Text's positions in
    UTF-8 bytes ("é" takes two)."""
    return len(text[:index].encode("utf-8"))


def initial_state(text: str, choice: str | None) -> bytes:
    """The first state of a section's document, made once (see services.document_state):
    two documents made separately from the same text would hold it twice once merged."""
    doc = new_doc()
    with doc.transaction():
        body(doc).insert(0, text)
        if choice is not None:
            fields(doc)[CHOICE] = choice
    return doc.get_update()


def merged(*states: bytes) -> bytes:
    """One state holding every edit of all the states (Yjs updates commute)."""
    doc = new_doc()
    for state in states:
        if state:
            doc.apply_update(state)
    return doc.get_update()


@dataclass(frozen=True)
class TextChange:
    """Replace `removed` characters at `start` by `inserted`."""

    start: int
    removed: int
    inserted: str


def change_between(old: str, new: str) -> TextChange | None:
    """The one replacement that turns `old` into `new` (common prefix and suffix kept), so
    that an edit made outside the live document touches only what it changed; words typed
    live elsewhere in the text stay where they are."""
    if old == new:
        return None
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    return TextChange(prefix, len(old) - prefix - suffix, new[prefix : len(new) - suffix])


def set_content(doc: Doc, text: str, choice: str | None) -> bytes:
    """Make the document say `text` with `choice`, as the smallest edit; return the update
    (empty bytes when nothing changed) to send to everyone holding the document."""
    before = doc.get_state()
    old = text_of(doc)
    change = change_between(old, text)
    with doc.transaction():
        if change is not None:
            start = utf8_offset(old, change.start)
            if change.removed:
                del body(doc)[start : utf8_offset(old, change.start + change.removed)]
            if change.inserted:
                body(doc).insert(start, change.inserted)
        if choice_of(doc) != choice:
            fields(doc)[CHOICE] = choice or ""
    if change is None and doc.get_state() == before:
        return b""
    return doc.get_update(before)
