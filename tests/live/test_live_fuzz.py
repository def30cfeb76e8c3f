"""The room's message handler against hostile input: every message from a socket is untrusted
bytes. Hypothesis sends random bytes, truncated and oversized numbers, sync and awareness
messages with mutated payloads, real updates (made by a pycrdt document) mutated or mixed
with garbage, cursors claiming other people's client ids, and huge or deeply nested JSON,
straight into Room.receive; a few go through the real socket. The room must never raise,
keep a document that could be saved and that everyone syncs to alike, let nobody move or
rename another person's cursor, and close a connection that keeps sending junk (1008)."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Array, Doc, Map, Text, XmlFragment, XmlText
from simple_websocket import Client

from consult.drafting.services.text import MAX_BODY_LENGTH, check_plain_text
from consult.live import documents, protocol
from consult.live.guard import roots_of
from consult.live.protocol import MAX_AWARENESS_ENTRIES, AwarenessEntry
from consult.live.rooms import CLOSE_POLICY, MAX_STRIKES, Room
from consult.live.updates import check_references, reach, state_vector
from consult.live.updates import read as read_update
from tests.live.simulation import (
    Recorder,
    SimClient,
    connection_to,
    doc_of,
    fresh_text,
    settle,
    utf8_offset,
)

OPENING = "Opening words, “quoted”, café — 📷 then plain ASCII."
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _opening_state() -> bytes:
    doc = doc_of(1)
    documents.body(doc).insert(0, OPENING)
    return doc.get_update()


OPENING_STATE = _opening_state()


def new_room() -> Room:
    return Room(1, 1, OPENING_STATE)


# --- the pieces of a message ------------------------------------------------------------------


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


numbers = st.one_of(
    st.integers(0, 300).map(varuint),
    st.sampled_from([2**32, 2**53 - 1, 2**53, 2**63, 2**64]).map(varuint),  # at the limits
    st.integers(2**53 - 2, 2**80).map(varuint),  # beyond a client id, a clock, 64 bits
    st.binary(min_size=1, max_size=12).map(lambda b: bytes(x | 0x80 for x in b)),  # truncated
    st.integers(11, 40).map(lambda n: b"\x80" * n + b"\x01"),  # a number that never ends
)


def framed(payload: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    """A payload with its length first: right, too long, too short, or nonsense."""
    return st.one_of(
        payload.map(lambda p: varuint(len(p)) + p),
        st.tuples(payload, st.integers(1, 2**40)).map(lambda t: varuint(len(t[0]) + t[1]) + t[0]),
        st.tuples(payload, st.integers(1, 8)).map(
            lambda t: varuint(max(0, len(t[0]) - t[1])) + t[0]
        ),
        st.tuples(numbers, payload).map(lambda t: t[0] + t[1]),
    )


# Edits as a pycrdt document makes them, from the room's opening text.
ALPHABET = "ab \n\téü“”—📷\x00\x01\x1b\u202e\r"
edits = st.lists(
    st.tuples(st.integers(0, 80), st.text(alphabet=ALPHABET, max_size=6), st.integers(0, 4)),
    min_size=1,
    max_size=4,
)


def update_from(ops, whole: bool = False) -> bytes:
    """An update (or, `whole`, the whole state) from a document synced with the room's
    opening text: each op deletes `removed` characters at `at` and types `words` there."""
    doc = doc_of(77, OPENING_STATE)
    before = doc.get_state()
    for at, words, removed in ops:
        text = documents.text_of(doc)
        at = min(at, len(text))
        start, stop = utf8_offset(text, at), utf8_offset(text, at + removed)
        if stop > start:
            del documents.body(doc)[start:stop]
        if words:
            documents.body(doc).insert(start, words)
    return doc.get_update() if whole else doc.get_update(before)


mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "cut", "insert", "append"]),
        st.integers(0, 10**6),
        st.integers(0, 255),
    ),
    min_size=1,
    max_size=4,
)


def mutate(data: bytes, changes) -> bytes:
    out = bytearray(data)
    for kind, where, byte in changes:
        at = where % (len(out) + 1)
        if kind == "flip" and out:
            out[at % len(out)] ^= byte or 1
        elif kind == "cut":
            del out[at:]
        elif kind == "insert":
            out.insert(at, byte)
        else:
            out += bytes([byte]) * (1 + where % 40)
    return bytes(out)


updates = st.tuples(edits, st.booleans()).map(lambda t: update_from(*t))
mutated_updates = st.tuples(updates, mutations).map(lambda t: mutate(*t))
update_payloads = st.one_of(st.binary(max_size=80), updates, mutated_updates)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
# JSON no cursor may have: not an object, too deep, NaN, not UTF-8, numbers too long to read.
not_cursors = st.one_of(
    json_values.filter(lambda v: not isinstance(v, dict | None)).map(
        lambda v: json.dumps(v).encode()
    ),
    st.integers(40, 50_000).map(lambda n: b"[" * n + b"]" * n),  # deeper than any cursor
    st.integers(40, 50_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.integers(5_000, 20_000).map(lambda n: b'{"n":' + b"9" * n + b"}"),
    st.sampled_from([b"NaN", b'{"a":NaN}', b'{"a":[-Infinity]}', b"\xff\xfe", b"{", b""]),
)
json_texts = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),  # floats include NaN and Infinity
    st.dictionaries(st.text(max_size=8), json_values, max_size=4).map(
        lambda d: json.dumps(d | {"user": {"name": "Olive Owner", "color": "#000"}}).encode()
    ),
    st.integers(3_000, 300_000).map(lambda n: b'{"cursor":"' + b"x" * n + b'"}'),
    st.sampled_from([b'{"a":"\xed\xa0\x80"}', b'{"a":"\\ud800"}']),  # lone surrogates
    not_cursors,
    st.binary(max_size=40),
)
awareness_entries = st.lists(
    st.tuples(numbers, numbers, framed(json_texts)).map(b"".join), max_size=3
)
awareness_payloads = st.tuples(numbers, awareness_entries).map(lambda t: t[0] + b"".join(t[1]))

messages = st.one_of(
    st.binary(max_size=64),
    st.tuples(numbers, st.binary(max_size=32)).map(b"".join),
    st.tuples(st.sampled_from([0, 1, 2, 3, 200]).map(varuint), framed(update_payloads)).map(
        lambda t: b"\x00" + t[0] + t[1]
    ),
    update_payloads.map(protocol.create_update_message),
    framed(awareness_payloads).map(lambda p: b"\x01" + p),
    st.binary(max_size=8).map(lambda junk: b"\x03" + junk),
)


# --- the properties ---------------------------------------------------------------------------


def assert_sound(room: Room, watchers: list[SimClient]) -> None:
    """The room's document could be saved, a fresh tab syncs to the same text, and everyone
    who watched the room's messages holds the same text as the room."""
    text, choice = room.text_and_choice()
    assert len(text) <= MAX_BODY_LENGTH
    check_plain_text(text)  # raises for what no revision may hold
    assert fresh_text(room) == (text, choice)
    settle(watchers)
    for watcher in watchers:
        assert watcher.text() == text


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 2), messages), max_size=30))
def test_no_message_makes_the_room_raise_or_spoil_the_document(sent):
    room = new_room()
    senders = [connection_to(Recorder(), user_id=n, writable=n != 2) for n in range(3)]
    for sender in senders:
        room.join(sender)
    watcher = SimClient(room, user_id=9, name="Watcher", writable=False)
    watcher.connect()
    settle([watcher])
    for who, message in sent:
        room.receive(senders[who], message)
    assert_sound(room, [watcher])


def applies(payload: bytes) -> bool:
    """Whether the room takes these bytes as an update at all (on a document as the room's):
    its reader must (consult/live/updates.py, which refuses some that make pycrdt panic),
    then pycrdt."""
    try:
        read_update(payload)
        doc_of(78, OPENING_STATE).apply_update(payload)
    except ValueError:
        return False
    return True


# Messages the room cannot use, each one a strike against the connection that sent it.
# pycrdt reads a number of entries first: four thousand million of them runs out of bytes.
NEVER_ENOUGH = b"\xff\xff\xff\xff\x0f"
not_updates = st.one_of(
    st.binary(max_size=80).map(lambda tail: NEVER_ENOUGH + tail),
    mutated_updates.filter(lambda p: not applies(p)),
)
malformed = st.one_of(
    st.just(b""),
    st.binary(min_size=1, max_size=12).map(lambda b: bytes(x | 0x80 for x in b)),  # truncated
    st.tuples(st.integers(4, 2**40) | st.just(2), st.binary(max_size=16)).map(
        lambda t: varuint(t[0]) + t[1]  # no such message type
    ),
    st.tuples(st.integers(3, 2**40), st.binary(max_size=16)).map(
        lambda t: b"\x00" + varuint(t[0]) + t[1]  # no such sync step
    ),
    st.tuples(st.sampled_from([0, 1, 2]), st.binary(max_size=16), st.integers(1, 2**40)).map(
        lambda t: bytes([0, t[0]]) + varuint(len(t[1]) + t[2]) + t[1]  # cut short
    ),
    not_updates.map(protocol.create_update_message),
    st.binary(max_size=24).map(lambda tail: protocol.sync_step1(NEVER_ENOUGH + tail)),
    not_cursors.map(raw_awareness),
    st.integers(MAX_AWARENESS_ENTRIES + 1, 2**20).map(
        lambda n: b"\x01" + varuint(len(varuint(n))) + varuint(n)  # too many entries
    ),
)
# What an editor's connection may send without changing the text: junk, and questions.
garbage = st.one_of(
    malformed,
    st.binary(max_size=40).map(protocol.sync_step1),
    framed(awareness_payloads).map(lambda p: b"\x01" + p),
    st.binary(max_size=8).map(lambda junk: b"\x03" + junk),
)


honest_edits = st.lists(
    st.tuples(st.integers(0, 200), st.text(alphabet="ab é“”📷\n", max_size=5), st.integers(0, 3)),
    min_size=1,
    max_size=3,
)


def room_with_writer() -> tuple[Room, SimClient]:
    room = new_room()
    writer = SimClient(room, user_id=1, name="Ada")
    writer.connect()
    settle([writer])
    return room, writer


def type_honestly(writer: SimClient, step) -> None:
    for at, words, removed in step:
        at = min(at, len(writer.text()))
        writer.delete(at, removed)
        writer.insert(at, words)
    settle([writer])


@FUZZ
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("edit"), honest_edits),
            st.tuples(st.just("garbage"), garbage),
            st.tuples(st.just("read-only"), updates),
        ),
        min_size=1,
        max_size=MAX_STRIKES,  # the editor's garbage alone never gets it disconnected
    )
)
def test_garbage_between_real_edits_changes_nothing(steps):
    """An editor's real updates (a pycrdt document), with garbage from the same connection
    and real updates from a read-only one in between: the room's text is the editor's."""
    room, writer = room_with_writer()
    reader = connection_to(Recorder(), user_id=2, writable=False)
    room.join(reader)
    for kind, step in steps:
        if kind == "edit":
            type_honestly(writer, step)
        elif kind == "garbage":
            room.receive(writer.connection, step)
        else:  # a real update, from someone who may only read
            room.receive(reader, protocol.create_update_message(step))
        assert writer.online, "an honest editor was disconnected"
    # Garbage may be a real update that also deletes: refused, its deletions are still made
    # (an editor sending it had made them), and reach this one with the refusal.
    settle([writer])
    assert room.text_and_choice()[0] == writer.text()
    assert_sound(room, [writer])


# --- root types and sizes (consult/live/guard.py) ----------------------------------------------

root_names = st.one_of(
    st.sampled_from(["body", "fields", "choice", "amendment.insert", "amendment.", "Body"]),
    st.text(max_size=12),
)
root_types = st.sampled_from([Text, Map, Array, XmlFragment])


def _fill(root, words: str) -> None:
    """Put words in a root of any type, as a script's document would."""
    if isinstance(root, Text):
        root.insert(0, words)
    elif isinstance(root, Map):
        root[words[:8] or "k"] = words
    elif isinstance(root, Array):
        root.append(words)
    else:
        root.children.append(XmlText(words))


stray_updates = st.tuples(
    st.lists(st.tuples(root_names, root_types, st.text(max_size=8)), min_size=1, max_size=3),
    st.booleans(),
)


def stray_update(roots, synced: bool) -> bytes:
    """An update putting words in roots of any name and type, from a document synced with the
    room (pycrdt then keeps our roots' types) or a fresh one (it may retype them)."""
    doc = doc_of(79, OPENING_STATE) if synced else Doc(client_id=79)
    before = doc.get_state()
    used = set()
    for name, kind, words in roots:
        if name in used:  # pycrdt would take it as the other type, and may panic
            continue
        used.add(name)
        try:
            root = doc.get(name, type=kind)
        except (TypeError, ValueError):  # a root of ours, already of the other type
            continue
        _fill(root, words)
    return doc.get_update(before)


@FUZZ
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("edit"), honest_edits),
            st.tuples(st.just("stray"), stray_updates),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_no_update_gives_a_section_a_root_it_does_not_use(steps):
    """An editor's real edits between updates making roots of any name and type (some in
    the body, which are words like any): the room keeps only a section's roots, the editor
    ends with the room's text, and a new tab syncs to the same."""
    room, writer = room_with_writer()
    script = connection_to(Recorder(), user_id=3)
    room.join(script)
    for kind, step in steps:
        if kind == "edit":
            type_honestly(writer, step)
        else:
            room.receive(script, protocol.create_update_message(stray_update(*step)))
    assert set(room.doc.keys()) <= set(roots_of("question"))
    assert set(documents.new_doc(room.doc.get_update()).keys()) <= set(roots_of("question"))
    assert script.strikes == 0 and writer.online
    assert_sound(room, [writer])  # the writer too holds the room's text


@FUZZ
@given(st.one_of(updates, stray_updates.map(lambda t: stray_update(*t))))
def test_every_update_a_document_makes_is_read_whole(payload):
    """The room reads an update before applying it: what a Yjs document writes must read,
    and the reading must cover every clock the update takes."""
    parsed = read_update(payload)
    doc = doc_of(78, OPENING_STATE)
    known = state_vector(doc.get_state())
    check_references(parsed, known)
    doc.apply_update(payload)
    reached = {client: end for client, (_start, end) in reach(parsed.structs, known).items()}
    for client, clock in state_vector(doc.get_state()).items():
        assert clock <= max(known.get(client, 0), reached.get(client, 0))


@FUZZ
@given(mutated_updates)
def test_a_mutated_update_the_room_would_read_never_makes_pycrdt_panic(payload):
    """pycrdt panics on some malformed updates (a PanicException, which no `except` of the
    room's catches): the room's reading must refuse each of those first."""
    doc = doc_of(78, OPENING_STATE)
    try:
        check_references(read_update(payload), state_vector(doc.get_state()))
        doc.apply_update(payload)
    except (ValueError, RuntimeError):  # refused: the room strikes it
        return
    reached = reach(read_update(payload).structs, {})
    assert all(end <= 2**53 for _start, end in reached.values())


# --- cursors ----------------------------------------------------------------------------------

claimed_entries = st.lists(
    st.tuples(
        st.sampled_from([7, 8, 9]),  # 7 is the victim's; 8 and 9 are free
        st.integers(0, 2**40),
        st.one_of(st.none(), st.dictionaries(st.text(max_size=6), json_values, max_size=3)),
    ),
    min_size=1,
    max_size=4,
)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["socket", "relay", "while Vera is away"]),
            st.one_of(claimed_entries, messages),
        ),
        max_size=12,
    )
)
def test_nobody_moves_or_renames_another_persons_cursor(sent):
    """Mallory claims Vera's client id (7) and others, with any clock, any state, and
    any `user`: from her own socket, from another instance through the relay, or while
    Vera's connection has dropped (Vera's tab comes back with the same id)."""
    room = new_room()
    vera = connection_to(Recorder(), user_id=1, name="Vera Victim")
    mallory = connection_to(Recorder(), user_id=2, name="Mallory")
    obi = connection_to(Recorder(), user_id=3, name="Obi", writable=False)
    for connection in (vera, mallory, obi):
        room.join(connection)
    clock = 10
    room.receive(vera, protocol.awareness_message([AwarenessEntry(7, clock, {"cursor": 3})]))
    seen = obi.transport
    for route, message in sent:
        if isinstance(message, list):
            message = protocol.awareness_message([AwarenessEntry(*entry) for entry in message])
        if route == "while Vera is away":
            room.leave(vera)
        already = len(seen.sent)
        if route == "relay":
            room.absorb_awareness(message)
        else:
            room.receive(mallory, message)
        for entry in Recorder.entries(seen.sent[already:]):
            assert entry.client_id != 7, "someone else's message moved Vera's cursor"
            if route != "relay" and entry.state is not None:
                assert entry.state["user"] == mallory.identity()
        if route == "while Vera is away":
            vera = connection_to(Recorder(), user_id=1, name="Vera Victim")
            room.join(vera)
            clock += 1
            cursor = AwarenessEntry(7, clock, {"cursor": clock})
            room.receive(vera, protocol.awareness_message([cursor]))
    assert room.awareness[7].state == {
        "cursor": 3 if clock == 10 else clock,
        "user": vera.identity(),
    }
    assert seen.awareness()[0].state["user"]["name"] == "Vera Victim"
    for message in seen.sent:
        _assert_strict_json(message)


def _assert_strict_json(message: bytes) -> None:
    """Browsers read cursor states with JSON.parse: no NaN, no Infinity."""

    def refuse(constant: str):
        raise AssertionError(f"the room sent {constant}, which JSON.parse refuses")

    parsed = protocol.parse(message)
    if isinstance(parsed, list):
        for entry in parsed:
            json.loads(json.dumps(entry.state), parse_constant=refuse)


# --- what the fuzzing above found, kept as examples ------------------------------------------


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


def _panic_base() -> bytes:
    doc = doc_of(1)
    documents.body(doc).insert(0, "Opening café 📷 words")
    documents.fields(doc)["choice"] = "yes"
    return doc.get_update()


@pytest.mark.parametrize(
    ("state", "update"),
    [
        # a client with no structs (yrs: BlockSet::exclude unwraps nothing)
        (OPENING_STATE, b"\x01\x00\x01\x01\x00\x04\x01\x04body"),
        # client 77 twice (yrs divides by zero)
        (
            _panic_base(),
            b"\x02\x01M\x00(\x01\x06fields\x01k\x01w\x01v\x04M\x00\x04\x01\x04body\x07Opening"
            b"\x81\x01\x06\x01\x84\x01\x07\x10caf\xc3\xa9 \xf0\x9f\x93\xb7 words(\x01\x06fields"
            b"\x06choice\x01w\x03yes\x01\x01\x01\x07\x01",
        ),
        # a clock past 32 bits (yrs unwraps nothing)
        (
            _panic_base(),
            b"\x02\x02M\x00\x84\x01\x14\x01a(\x01\x06fields\x01k\x01x\x02\x01\xcc\xcc\x92\xcc"
            b"\xcc\x00\x04\x01\x04body\x18Opening caf\xc3\xa9 \xf0\x9f\x93\xb7 words(\x01\x06"
            b"fields\x06choice\x01w\x03yes\x00",
        ),
    ],
    ids=["a client with no structs", "a client twice", "a clock past 32 bits"],
)
def test_an_update_that_makes_pycrdt_panic_is_refused_as_malformed(state, update):
    """yrs panics on these (a PanicException, which no `except ValueError` catches, so the
    connection's handler died mid-apply); Yjs never writes them. Hypothesis found them."""
    room = Room(1, 1, state)
    sender = connection_to(Recorder())
    room.join(sender)
    text = room.text_and_choice()
    room.receive(sender, protocol.create_update_message(update))
    assert sender.strikes == 1
    assert room.text_and_choice() == text


def test_a_text_long_in_bytes_but_not_in_characters_is_kept():
    """The length check counts bytes first (pycrdt's measure) and characters only when the
    bytes are too many: "é" is two bytes, one character."""
    room = Room(1, 1, documents.initial_state("", None))
    writer = SimClient(room, user_id=1, name="Ada")
    writer.connect()
    settle([writer])
    typed = "é" * (MAX_BODY_LENGTH // 2 + 10)
    writer.insert(0, typed)
    settle([writer])
    assert room.text_and_choice()[0] == typed


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


# --- many malformed messages ------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(malformed, min_size=MAX_STRIKES + 1, max_size=MAX_STRIKES + 5))
def test_a_connection_sending_many_malformed_messages_is_closed(junk):
    room = new_room()
    transport = Recorder()
    pest = connection_to(transport)
    room.join(pest)
    for message in junk:
        room.receive(pest, message)
    assert transport.close_code == CLOSE_POLICY
    before = room.text_and_choice()
    room.receive(pest, protocol.create_update_message(update_from([(0, "late", 0)])))
    assert room.text_and_choice() == before  # a closed connection is not heard


def test_a_few_malformed_messages_are_forgiven():
    room = new_room()
    transport = Recorder()
    clumsy = connection_to(transport)
    room.join(clumsy)
    for _ in range(MAX_STRIKES):
        room.receive(clumsy, b"\x07junk")
    room.receive(clumsy, protocol.create_update_message(update_from([(0, "Still heard. ", 0)])))
    assert transport.close_code is None
    assert room.text_and_choice()[0] == "Still heard. " + OPENING


# --- through the real socket ------------------------------------------------------------------


SOCKET_JUNK = [
    b"",
    b"\xff" * 10,
    b"\x00\x07\x01\x00",
    b"\x00\x02\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01",
    protocol.create_update_message(b"\x01\x02\x03\x04"),
    raw_awareness(b"[" * 100_000 + b"]" * 100_000),
    protocol.sync_step1(b"\xff\xff\xff"),
]


def test_junk_through_the_socket_closes_that_socket_only(team, summary, connect, server, token_of):
    ada = connect(team.editor, summary)
    ada.edit(lambda body: body.insert(0, "Kept words."))
    pest = Client.connect(
        f"ws://{server}/api/v1/live/sections/{summary.id}",
        headers={"Authorization": f"Bearer {token_of(team.owner)}"},
    )
    pest.send("a text frame: the protocol is binary")
    for round_ in range(MAX_STRIKES):
        pest.send(SOCKET_JUNK[round_ % len(SOCKET_JUNK)])
    deadline = time.monotonic() + 10
    while pest.connected and time.monotonic() < deadline:
        time.sleep(0.02)
    assert pest.close_reason == CLOSE_POLICY
    ada.edit(lambda body: body.insert(len(body), " More."))
    bea = connect(team.coordinator, summary)
    assert bea.wait_for(lambda text: text.endswith("More.")) == "Kept words. More."
    assert ada.close_code is None


@pytest.mark.parametrize(
    "junk", [raw_awareness(b"[" * 100_000 + b"]" * 100_000), raw_awareness(b'{"a":NaN}')]
)
def test_hostile_cursor_json_through_the_socket_is_ignored(team, summary, connect, junk):
    ada = connect(team.editor, summary)
    bea = connect(team.coordinator, summary)
    ada.socket.send(junk)
    ada.edit(lambda body: body.insert(0, "After the junk."))
    assert bea.wait_for(lambda text: text == "After the junk.")
    assert all(json.dumps(state, allow_nan=False) for state in bea.awareness.values())
    assert ada.close_code is None


def test_a_dropped_connections_cursor_cannot_be_taken_by_someone_else():
    """Vera's tab keeps its client id when its connection drops and comes back; meanwhile
    Mallory (who saw that id in Vera's cursor) claims it. Vera's returning tab must get
    it back, and nobody must see Mallory's cursor under Vera's id."""
    room = new_room()
    obi = connection_to(Recorder(), user_id=3, name="Obi")
    vera = connection_to(Recorder(), user_id=1, name="Vera Victim")
    mallory = connection_to(Recorder(), user_id=2, name="Mallory")
    for connection in (obi, vera, mallory):
        room.join(connection)
    room.receive(vera, protocol.awareness_message([AwarenessEntry(7, 1, {"cursor": 3})]))
    room.leave(vera)
    room.receive(mallory, protocol.awareness_message([AwarenessEntry(7, 5, {"cursor": 40})]))
    back = connection_to(Recorder(), user_id=1, name="Vera Victim")
    room.join(back)
    room.receive(back, protocol.awareness_message([AwarenessEntry(7, 6, {"cursor": 4})]))
    seen = [(entry.client_id, entry.state) for entry in obi.transport.awareness()]
    assert seen == [
        (7, {"cursor": 3, "user": vera.identity()}),
        (7, None),  # Vera left
        (7, {"cursor": 4, "user": vera.identity()}),  # and came back
    ]
    assert room.awareness[7].state == {"cursor": 4, "user": vera.identity()}
