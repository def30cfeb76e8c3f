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
from consult.live import documents, protocol
from consult.live.protocol import AwarenessEntry
from consult.live.rooms import Room
from tests.live.simulation import Recorder, SimClient, connection_to, doc_of, settle

OPENING = "Opening words, “quoted”, café — 📷 then plain ASCII."


def _opening_state() -> bytes:
    doc = doc_of(1)
    documents.body(doc).insert(0, OPENING)
    return doc.get_update()


OPENING_STATE = _opening_state()


def new_room() -> Room:
    return Room(1, 1, OPENING_STATE)


def varuint(number: int) -> bytes:
    """lib0's variable-length unsigned integer, for any size (pycrdt's stops at 64 bits)."""
    out = bytearray()
    while True:
        byte, number = number & 0x7F, number >> 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def raw_awareness(state: bytes, client_id: int = 7) -> bytes:
    """An awareness message with one entry whose JSON state is `state`, as sent."""
    payload = varuint(1) + varuint(client_id) + varuint(1) + varuint(len(state)) + state
    return b"\x01" + varuint(len(payload)) + payload


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


@pytest.mark.parametrize(
    "state",
    [
        b"[" * 100_000 + b"]" * 100_000,  # RecursionError escaped Room.receive
        b'{"a":' * 50 + b"1" + b"}" * 50,  # deeper than any cursor
        b'{"cursor":NaN}',  # passed on as NaN, which browsers' JSON.parse refuses
        b'{"cursor":{"head":-Infinity}}',
    ],
)
def test_cursor_states_that_browsers_could_not_read_are_refused(state):
    room = new_room()
    sender = connection_to(Recorder())
    observer = connection_to(Recorder(), user_id=2)
    room.join(sender)
    room.join(observer)
    room.receive(sender, raw_awareness(state))
    room.absorb_awareness(raw_awareness(state, client_id=8))
    assert sender.strikes == 1
    assert observer.transport.awareness() == [] and room.awareness == {}


def test_a_cursor_relayed_from_another_instance_cannot_move_one_here():
    """Mallory, served by another instance, claims Vera's client id there (where it is
    free): that instance passes it on, and this one must not show it to anyone."""
    room = new_room()
    vera = connection_to(Recorder(), name="Vera Victim")
    obi = connection_to(Recorder(), user_id=2, name="Obi")
    room.join(vera)
    room.join(obi)
    room.receive(vera, protocol.awareness_message([AwarenessEntry(7, 1, {"cursor": 3})]))
    mallory = {"user": {"name": "Mallory"}, "cursor": 40}
    elsewhere = {"user": {"name": "Bea"}, "cursor": 9}
    for state in (mallory, None):
        room.absorb_awareness(
            protocol.awareness_message(
                [AwarenessEntry(7, 99, state), AwarenessEntry(8, 1, elsewhere)]
            )
        )
    relayed = obi.transport.awareness()[1:]
    assert [entry.client_id for entry in relayed] == [8, 8]
    assert room.awareness[7].state == {"cursor": 3, "user": vera.identity()}
