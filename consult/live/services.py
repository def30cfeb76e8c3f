"""The live document's database side: its stored state, the revisions written from it, and
edits made outside it (API saves, restores, accepted suggestions) sent into it.

The revisions stay the source of truth. Three rules keep the two in step:
1. A save, a restore or a freeze that finds live words not yet in a revision writes them as
   one first (`catch_up`, on drafting's section_locked and response_freezing), so the usual
   merge keeps them, or shows a clash with both texts kept.
2. A new head made outside the live document is applied to it as the smallest text change
   (`apply_head`, on head_moved): live editors see it, and words they type meanwhile merge.
3. Storing merges with what is stored (`store`): two instances, or an API save and a room,
   never overwrite each other's edits.
An amendment's document holds its fields (documents.py); its revisions are written, and its
new heads applied, field by field, through the bill services (`_write`, `_apply_amendment`).
Services flush; the caller commits (the request, or the clock for the rooms)."""

from __future__ import annotations

from pycrdt import Doc
from sqlalchemy import select

from consult.accounts.models import User
from consult.bills import amendment_text
from consult.bills.amendments import differing_fields
from consult.bills.errors import BillError
from consult.bills.services import save_live_amendment
from consult.drafting.models import Response, Revision, Section
from consult.drafting.services import lock_section, save_live_text
from consult.extensions import db
from consult.live import documents
from consult.live.models import LiveDocument

# Updates made in a transaction, passed to the rooms once it commits (never before: a rolled
# back save must not reach anyone's screen). Set by consult/live/hub.py.
PENDING_KEY = "live_updates"
RECHECK_KEY = "live_rechecks"  # organisations whose members' rights changed
# Sections this transaction found without a live document while holding their row lock: none
# can be made before it commits (document_state makes one under that lock), so a save's
# apply_head need not ask again (one query a save, not two, when nobody edits live).
NOT_LIVE_KEY = "live_absent"


def _stored(section_id: int, *, for_update: bool = False) -> LiveDocument | None:
    statement = select(LiveDocument).where(LiveDocument.section_id == section_id)
    if for_update:
        statement = statement.with_for_update()
    return db.session.scalars(statement.execution_options(populate_existing=True)).first()


def document_state(section: Section) -> bytes:
    """The section's stored live state, made from its head revision the first time. Made
    under the section's row lock, so that it is made once: two documents made separately
    from the same text would hold it twice once merged."""
    row = _stored(section.id)
    if row is not None and not _lacks_fields(section, row.state):
        return row.state
    lock_section(section, catch_up_live=False)
    row = _stored(section.id)
    if row is None:
        row = LiveDocument(section_id=section.id, state=_initial_state(section))
        db.session.add(row)
        db.session.flush()
        db.session.info.get(NOT_LIVE_KEY, set()).discard(section.id)
    elif _lacks_fields(section, row.state):
        doc = documents.new_doc(row.state)
        _apply_amendment(doc, section.body)
        row.state = doc.get_update()
        db.session.flush()
    return row.state


def _lacks_fields(section: Section, state: bytes) -> bool:
    """An amendment's document made before amendments were edited live (a read-only view
    of its text): its fields are to be filled from the head once."""
    if section.kind != "amendment":
        return False
    return not documents.fields(documents.new_doc(state)).get("kind")


def _initial_state(section: Section) -> bytes:
    if section.kind != "amendment":
        return documents.initial_state(section.body, section.choice)
    doc = documents.new_doc()
    _apply_amendment(doc, section.body)
    return doc.get_update()


def _apply_amendment(doc: Doc, body: str) -> bytes:
    """Make an amendment's document say the amendment in `body` (a revision's text), changing
    only the fields whose meaning differs; the update (empty bytes if none, or if the text is
    no amendment: its words then stay as they are)."""
    try:
        amendment = amendment_text.load(body)
    except BillError:
        return b""
    typed = documents.amendment_values(doc)
    return documents.set_amendment_values(doc, differing_fields(typed, amendment))


def _write(author: User | None, section: Section, doc: Doc) -> Revision | None:
    """The document's words as a revision by `author` (None if there is nothing new, or an
    amendment that cannot be saved as it stands)."""
    if section.kind == "amendment":
        values = documents.amendment_values(doc)
        return save_live_amendment(author, section, values)
    return save_live_text(author, section, documents.text_of(doc), documents.choice_of(doc))


def store(section_id: int, state: bytes, editor_id: int | None) -> bytes | None:
    """Merge a room's state into the stored one; the merged state (None if the section's
    document is gone: the section was deleted)."""
    row = _stored(section_id, for_update=True)
    if row is None:
        return None
    merged = documents.merged(row.state, state)
    if merged != row.state:
        row.state = merged
        if editor_id is not None:
            row.last_editor_id = editor_id
        db.session.flush()
    return merged


def checkpoint(section_id: int, author_id: int | None, state: bytes) -> bytes | None:
    """Store the room's state and write its text as a revision by `author_id` (whose burst
    of edits ended) if it differs from the head; the merged state, to give back to the room."""
    section = db.session.get(Section, section_id)
    if section is None:
        return None
    lock_section(section, catch_up_live=False)
    merged = store(section_id, state, author_id)
    if merged is None or author_id is None:
        return merged
    _write(db.session.get(User, author_id), section, documents.new_doc(merged))
    return merged


def catch_up(section: Section) -> Revision | None:
    """Rule 1: words in the stored live document but in no revision become one, by whoever
    typed last. The caller holds the section's row lock."""
    row = _stored(section.id)
    if row is None:
        db.session.info.setdefault(NOT_LIVE_KEY, set()).add(section.id)
        return None
    author = db.session.get(User, row.last_editor_id) if row.last_editor_id else None
    return _write(author, section, documents.new_doc(row.state))


def catch_up_response(response: Response) -> None:
    """Before a freeze: every section's live words into revisions (rooms in this process
    store theirs first: consult/live/hub.py)."""
    section_ids = select(Section.id).where(Section.response_id == response.id)
    rows = db.session.scalars(
        select(LiveDocument.section_id).where(LiveDocument.section_id.in_(section_ids))
    ).all()
    for section_id in rows:
        section = db.session.get(Section, section_id)
        if section is not None and section.removed_at is None:
            lock_section(section, catch_up_live=False)
            catch_up(section)


def apply_head(section: Section, revision: Revision) -> None:
    """Rule 2: make the stored document say what the new head says (the smallest change), and
    queue the update for the rooms when the transaction commits."""
    if section.id in db.session.info.get(NOT_LIVE_KEY, ()):
        return
    row = _stored(section.id)
    if row is None:
        return
    doc = documents.new_doc(row.state)
    if section.kind == "amendment":
        update = _apply_amendment(doc, revision.body)
    else:
        update = documents.set_content(doc, revision.body, revision.choice)
    if not update:
        return
    row.state = doc.get_update()
    db.session.flush()
    db.session.info.setdefault(PENDING_KEY, []).append((section.id, update))


def updated_since(section_ids: list[int]) -> dict[int, tuple[bytes, object]]:
    """The stored state and time of each of these sections' documents (for the clock to
    notice edits another process stored)."""
    if not section_ids:
        return {}
    rows = db.session.execute(
        select(LiveDocument.section_id, LiveDocument.state, LiveDocument.updated_at).where(
            LiveDocument.section_id.in_(section_ids)
        )
    )
    return {section_id: (state, updated_at) for section_id, state, updated_at in rows}


def take_pending(session) -> tuple[list[tuple[int, bytes]], set[int]]:
    """The updates and rechecks a transaction queued (emptied: each is passed on once, and what
    it knew under its locks ends with it)."""
    session.info.pop(NOT_LIVE_KEY, None)
    return session.info.pop(PENDING_KEY, []), session.info.pop(RECHECK_KEY, set())


def recheck_after_commit(organisation_id: int) -> None:
    """Check everyone connected to the organisation's sections again, once this commits."""
    db.session.info.setdefault(RECHECK_KEY, set()).add(organisation_id)
