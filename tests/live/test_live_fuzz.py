"""The room's message handler against hostile input: every message from a socket is untrusted
bytes. Hypothesis sends random bytes, truncated and oversized numbers, sync and awareness
messages with mutated payloads, real updates (made by a pycrdt document) mutated or mixed
with garbage, cursors claiming other people's client ids, and huge or deeply nested JSON,
straight into Room.receive; a few go through the real socket. The room must never raise,
keep a document that could be saved and that everyone syncs to alike, let nobody move or
rename another person's cursor, and close a connection that keeps sending junk (1008)."""

from __future__ import annotations

import pytest

from consult.drafting.services.text import MAX_BODY_LENGTH
from consult.live import documents
from consult.live.rooms import Room
from tests.live.simulation import SimClient, settle

# --- what the fuzzing found, kept as examples ------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "at", "typed"),
    [
        ("Café", 4, "\x01"),  # was kept: the check read characters, pycrdt counts bytes
        ("“Quoted”", 8, "\u202e"),  # was kept: a bidi override after curly quotes
        ("plain words", 5, "\u202e"),  # pycrdt panicked: the undo cut the character in half
        ("plain", 0, "é\x01"),  # was half undone: the control character stayed
        ("café ", 5, "ü" * MAX_BODY_LENGTH),  # too long: was half undone
    ],
)
def test_unsaveable_words_are_undone_wherever_they_are_typed(opening, at, typed):
    room = Room(1, 1, documents.initial_state(opening, None))
    writer = SimClient(room, user_id=1, name="Ada")
    writer.connect()
    settle([writer])
    writer.insert(at, typed)
    settle([writer])
    assert room.text_and_choice()[0] == opening
    assert writer.text() == opening  # the undo reached the person who typed
