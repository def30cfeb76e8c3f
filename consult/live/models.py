"""The live document of a section: its Yjs state (one compact update), kept in the database so
that a restart, or another instance, starts from what everyone typed. The revisions stay the
record: this is the working copy that live editors share between revisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from consult.extensions import db
from consult.timeutil import utcnow


class LiveDocument(db.Model):
    __tablename__ = "live_documents"

    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), primary_key=True
    )
    # Doc.get_update() of the merged document: garbage-collected (deleted text leaves only
    # small tombstone ranges), so it stays near the size of the text itself.
    state: Mapped[bytes] = mapped_column(LargeBinary)
    # Who typed last: a freeze that finds words not yet in a revision writes them as theirs.
    last_editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
