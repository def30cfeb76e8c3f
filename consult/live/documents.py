"""A section as a Yjs document (pycrdt): the Markdown in the Y.Text `body` (API.md, "Live
editing") and the closed answer in the Y.Map `fields` under `choice`; an amendment's fields
as Y.Texts and values of `fields` (below). Pure functions on pycrdt documents; no database,
no sockets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pycrdt import Doc, Map, Text

from consult.bills.amendments import FIELD_KINDS, FREE_TEXT_FIELDS

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
    with doc.transaction():
        changed = replace_text(body(doc), text)
        if choice_of(doc) != choice:
            fields(doc)[CHOICE] = choice or ""
    # A deletion alone leaves the state vector as it was: only `changed` tells.
    if not changed and doc.get_state() == before:
        return b""
    return doc.get_update(before)


def replace_text(text: Text, new: str) -> bool:
    """Make `text` say `new` by the smallest change (in a transaction of the caller's);
    whether it changed."""
    old = str(text)
    change = change_between(old, new)
    if change is None:
        return False
    start = utf8_offset(old, change.start)
    if change.removed:
        del text[start : utf8_offset(old, change.start + change.removed)]
    if change.inserted:
        text.insert(start, change.inserted)
    return True


# --- an amendment (a section of kind "amendment") ---------------------------------------------
# Each of its free-text fields is a Y.Text of its own, named AMENDMENT_PREFIX + the field, so
# that two people typing in different fields both keep their words (and in the same field,
# their words merge); the rest (kind, clause, page, line ...) are values in `fields`, as typed.
# The Y.Text `body` stays empty: the revision's text is made from the fields
# (bills/amendment_text.py), never edited as text.

AMENDMENT_PREFIX = "amendment."
AMENDMENT_TEXTS = FREE_TEXT_FIELDS
AMENDMENT_FLAGS = ("to_end_of_line",)  # true or false; every other value is a string
AMENDMENT_FIELDS = ("kind", *FIELD_KINDS)  # every field, the texts among them


def amendment_field(doc: Doc, name: str) -> Text:
    """The Y.Text of one of an amendment's free-text fields."""
    return doc.get(AMENDMENT_PREFIX + name, type=Text)


def amendment_values(doc: Doc) -> dict[str, str | bool]:
    """What the document holds for each field ("" or False when nothing yet)."""
    values: dict[str, str | bool] = {}
    for name in AMENDMENT_FIELDS:
        if name in AMENDMENT_TEXTS:
            values[name] = str(amendment_field(doc, name))
        else:
            value = fields(doc).get(name)
            values[name] = bool(value) if name in AMENDMENT_FLAGS else _scalar(value)
    return values


def _scalar(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def set_amendment_values(doc: Doc, values: Mapping[str, str | bool]) -> bytes:
    """Make these fields say these values (a text field by its smallest change, so words typed
    live elsewhere in it stay); the update to send (empty bytes when nothing changed)."""
    before = doc.get_state()
    changed = False
    with doc.transaction():
        for name, value in values.items():
            if name in AMENDMENT_TEXTS:
                changed |= replace_text(amendment_field(doc, name), str(value))
            elif fields(doc).get(name) != value:
                fields(doc)[name] = value
                changed = True
    return doc.get_update(before) if changed else b""


def initial_amendment_state(values: Mapping[str, str | bool]) -> bytes:
    """The first state of an amendment's document (made once, as initial_state)."""
    doc = new_doc()
    set_amendment_values(doc, values)
    return doc.get_update()
