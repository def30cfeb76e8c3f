"""What a live document may be made to hold (consult/live/guard.py): an editor, or a script
with their token, may not put anything where the section's kind has nothing (a root type of
another name or type, a nested type, a sub-document), nor grow the document beyond
LIVE_MAX_DOCUMENT_BYTES. Such an update is never applied, passed on or stored: what stands in
for it deletes what its sender typed, in their editor too, and their later edits still apply.
And an amendment's fields are held to the form's limits as they are typed, as the body is."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycrdt import Array, Doc, Map, Text, XmlFragment, XmlText

from consult.bills.amendments import FREE_TEXT_LIMITS
from consult.config import UnsafeConfiguration, build_config
from consult.extensions import db
from consult.live import documents, protocol, updates
from consult.live.guard import roots_of
from consult.live.models import LiveDocument
from consult.live.rooms import Room
from tests.live.simulation import Recorder, SimClient, connection_to, fresh_text, settle
from tests.live.test_live_access import round_trip

HOSTILE = "HOSTILE"  # in every refused update: it must reach no one and nothing stored
OPENING = "Opening words."


def section_room(**options) -> tuple[Room, list[bytes]]:
    """A section's room holding OPENING, and what it passes to other instances."""
    published: list[bytes] = []
    room = Room(
        1,
        1,
        documents.initial_state(OPENING, None),
        lambda messages: published.extend(payload for _kind, payload in messages),
        **options,
    )
    return room, published


def hostile_update(room: Room, change, *, synced: bool = True) -> tuple[Doc, bytes]:
    """A script's document (synced with the room, or fresh) and the update `change` makes."""
    doc = Doc(client_id=4242)
    if synced:
        doc.apply_update(room.doc.get_update())
    before = doc.get_state()
    change(doc)
    return doc, doc.get_update(before)


def sync_update(update: bytes) -> bytes:
    return protocol.create_update_message(update)


def visible(doc: Doc) -> str:
    """Everything a document shows, whatever its roots (deleted content shows nothing)."""
    return " ".join(str(root) for _name, root in doc.items() if root is not None)


MISPLACED = {
    "a text of another name": lambda d: d.get("notes", type=Text).insert(0, HOSTILE * 100),
    "a map of another name": lambda d: d.get("stash", type=Map).update({"k": HOSTILE}),
    "an array of another name": lambda d: d.get("list", type=Array).append(HOSTILE),
    "an XML fragment": lambda d: d.get("xml", type=XmlFragment).children.append(XmlText(HOSTILE)),
    "a text under an amendment's name": lambda d: d.get(
        documents.AMENDMENT_PREFIX + "insert", type=Text
    ).insert(0, HOSTILE),
    "a map nested in the fields": lambda d: d.get("fields", type=Map).update(
        {"nested": Map({"k": HOSTILE})}
    ),
    "a text nested in the fields": lambda d: d.get("fields", type=Map).update(
        {"nested": Text(HOSTILE)}
    ),
    "a sub-document in the fields": lambda d: d.get("fields", type=Map).update({HOSTILE: Doc()}),
    "body words and another root at once": lambda d: (
        d.get("body", type=Text).insert(0, "Fine words. "),
        d.get("notes", type=Text).insert(0, HOSTILE),
    ),
}
# Our own names as the other type: only a document that never had them can make these.
MISTYPED = {
    "the body as a map": lambda d: d.get("body", type=Map).update({HOSTILE: "v"}),
    "the fields as a text": lambda d: d.get("fields", type=Text).insert(0, HOSTILE),
}


def _refused_and_undone(room: Room, published: list[bytes], doc: Doc, update: bytes) -> None:
    roots = set(room.doc.keys())
    state = room.doc.get_update()
    sender = connection_to(Recorder(), user_id=7, name="Mallory")
    watcher = connection_to(Recorder(), user_id=2, name="Obi")
    room.join(sender)
    room.join(watcher)
    room.receive(sender, sync_update(update))
    assert HOSTILE.encode() not in room.doc.get_update()
    assert set(room.doc.keys()) == roots
    assert room.text_and_choice() == (OPENING, None)
    assert not any(HOSTILE.encode() in message for message in watcher.transport.sent)
    assert not any(HOSTILE.encode() in payload for payload in published)
    # What the room stored stays as it was but for the clocks the refused update took.
    assert documents.text_of(documents.new_doc(room.doc.get_update())) == OPENING
    assert updates.state_vector(room.doc.get_state()) != updates.state_vector(
        documents.new_doc(state).get_state()
    )
    # The sender is told: their document deletes what the room refused.
    for message in sender.transport.sent:
        parsed = protocol.parse(message)
        if isinstance(parsed, protocol.Sync) and parsed.step != 0:
            doc.apply_update(parsed.payload)
    assert HOSTILE not in visible(doc)
    # ... and their later edits still apply, for everyone.
    before = doc.get_state()
    doc.get("body", type=Text).insert(0, "Later. ")
    room.receive(sender, sync_update(doc.get_update(before)))
    assert room.text_and_choice()[0] == "Later. " + OPENING
    assert sender.strikes == 0 and not sender.closed


@pytest.mark.parametrize("change", MISPLACED.values(), ids=MISPLACED.keys())
def test_an_update_putting_anything_where_a_section_has_nothing_is_refused(change):
    room, published = section_room()
    doc, update = hostile_update(room, change)
    _refused_and_undone(room, published, doc, update)


@pytest.mark.parametrize("change", MISTYPED.values(), ids=MISTYPED.keys())
def test_a_sections_own_roots_used_as_the_other_type_are_refused(change):
    room, _published = section_room()
    _doc, update = hostile_update(room, change, synced=False)
    room_before = room.doc.get_update()
    sender = connection_to(Recorder(), user_id=7)
    room.join(sender)
    room.receive(sender, sync_update(update))
    assert HOSTILE.encode() not in room.doc.get_update()
    assert room.text_and_choice() == (OPENING, None)
    assert len(room.doc.get_update()) < len(room_before) + 16  # the refused clocks alone


def test_an_amendment_takes_its_fields_but_no_other_root():
    values = {"kind": "insert", "insert": "a judge", "purpose": "Oversight."}
    room = Room(1, 1, documents.initial_amendment_state(values), kind="amendment")
    writer = connection_to(Recorder())
    room.join(writer)

    def send(change) -> None:
        _doc, update = hostile_update(room, change)
        room.receive(writer, sync_update(update))

    send(lambda d: documents.amendment_field(d, "purpose").insert(0, "Plain. "))
    send(lambda d: documents.fields(d).update({"page": "3"}))
    send(lambda d: d.get(documents.AMENDMENT_PREFIX + "nonsense", type=Text).insert(0, HOSTILE))
    send(lambda d: d.get("notes", type=Map).update({"k": HOSTILE}))
    values = documents.amendment_values(room.doc)
    assert values["purpose"] == "Plain. Oversight." and values["page"] == "3"
    assert HOSTILE.encode() not in room.doc.get_update()
    assert set(room.doc.keys()) <= set(roots_of("amendment"))


def test_roots_of_each_kind_are_those_its_editor_uses():
    assert roots_of("question") == {"body": "text", "fields": "map"}
    amendment = roots_of("amendment")
    assert {name for name, shape in amendment.items() if shape == "text"} == {
        "body",
        *(documents.AMENDMENT_PREFIX + name for name in documents.AMENDMENT_TEXTS),
    }


# --- the size of a document --------------------------------------------------------------------

LIMIT = 64 * 1024


def test_a_document_may_not_grow_beyond_its_limit_and_may_shrink_again():
    room, published = section_room(max_bytes=LIMIT)
    writer = SimClient(room, user_id=1, name="Ada")
    reader = SimClient(room, user_id=2, name="Bo")
    for client in (writer, reader):
        client.connect()
    settle([writer, reader])
    first = "a" * 40_000
    writer.insert(0, first)
    settle([writer, reader])
    assert room.text_and_choice()[0] == first + OPENING
    writer.insert(0, "b" * 40_000)  # the document would take about 80 KB: refused
    settle([writer, reader])
    for text in (room.text_and_choice()[0], writer.text(), reader.text()):
        assert text == first + OPENING
    assert not any(b"bbbb" in payload for payload in published)
    assert len(room.doc.get_update()) <= LIMIT
    writer.delete(0, 30_000)  # deleting is always allowed, and makes room
    writer.insert(0, "c" * 20_000)
    settle([writer, reader])
    assert room.text_and_choice()[0] == "c" * 20_000 + "a" * 10_000 + OPENING
    assert reader.text() == room.text_and_choice()[0]
    assert writer.connection is not None and writer.connection.strikes == 0


def test_updates_waiting_for_what_they_follow_count_towards_the_limit():
    """pycrdt keeps an update whose predecessors it lacks aside, outside the encoded state:
    a script sending only such updates would otherwise grow the room without bound."""
    room, _published = section_room(max_bytes=LIMIT)
    sender = connection_to(Recorder(), user_id=7)
    room.join(sender)
    doc = Doc(client_id=4343)
    doc.apply_update(room.doc.get_update())
    doc.get("body", type=Text).insert(0, "never sent")  # what the others wait for
    for _ in range(10):
        before = doc.get_state()
        doc.get("body", type=Text).insert(0, "x" * 10_000)
        room.receive(sender, sync_update(doc.get_update(before)))
    assert room.guard.pending <= LIMIT
    assert room.text_and_choice()[0] == OPENING


def test_a_string_whose_new_part_starts_inside_a_character_is_refused_as_malformed():
    """Re-sent clocks with other words, so that what the room lacks starts at the second half
    of "📷" (two UTF-16 code units): yrs would cut the character in two, and its halves read
    differently in different documents, which parted the room's undo and everyone's text."""
    room, published = section_room()
    sender = connection_to(Recorder(), user_id=7)
    room.join(sender)
    first = Doc(client_id=4242)
    first.apply_update(room.doc.get_update())
    before = first.get_state()
    first.get("body", type=Text).insert(0, "abcd\U0001f4f7")  # clocks 0-5; the camera 4 and 5
    room.receive(sender, sync_update(first.get_update(before)))
    again = Doc(client_id=4242)
    again.apply_update(documents.initial_state(OPENING, None))
    state = again.get_state()
    again.get("body", type=Text).insert(0, "abcde\U0001f4f7x")  # the room lacks clocks 6 and 7
    held, published_before = room.text_and_choice()[0], len(published)

    room.receive(sender, sync_update(again.get_update(state)))

    assert sender.strikes == 1
    assert room.text_and_choice()[0] == held == "abcd\U0001f4f7" + OPENING
    assert len(published) == published_before


def test_an_edit_beside_ones_own_refused_words_lands_in_the_same_place_for_everyone():
    """The refused words stand in as deleted text in their place (updates.stand_ins), so an
    edit their sender then makes right beside them (its origin one of them, deleted in its
    editor) goes where the sender put it in the room, in others' documents and after a
    reload; as clocks with no place it went to the start of the text for all but them."""
    room, _published = section_room(max_bytes=16 * 1024)
    typist, watcher = SimClient(room, user_id=1, name="Ada"), SimClient(room, user_id=2, name="Bo")
    for client in (typist, watcher):
        client.connect()
    settle([typist, watcher])
    typist.insert(0, "w" * 13_000)
    settle([typist, watcher])
    typist.insert(5, "z" * 4_000)  # past the limit: refused, and deleted in the typist's editor
    settle([typist, watcher])
    assert room.guard.refusals == 1

    typist.insert(5, "OK")
    settle([typist, watcher])

    text = room.text_and_choice()[0]
    assert text == "w" * 5 + "OK" + "w" * 12_995 + OPENING
    assert typist.text() == watcher.text() == fresh_text(room)[0] == text


def test_an_edit_placed_after_clocks_a_refusal_left_empty_is_refused_too():
    """A script's map entry in the body is refused, its clocks left empty; the same client's
    next update re-sends those clocks as text, so its new part goes after an empty clock: it
    has no place (yrs put it at the start, a reload elsewhere), so it is refused as well."""
    room, _published = section_room()
    script = connection_to(Recorder(), user_id=7)
    room.join(script)
    as_map = Doc(client_id=79)
    as_map.get("body", type=Map)["k"] = "v"
    room.receive(script, sync_update(as_map.get_update()))
    as_text = Doc(client_id=79)
    as_text.get("body", type=Text).insert(0, "00")
    room.receive(script, sync_update(as_text.get_update()))

    assert room.guard.refusals == 2
    assert room.text_and_choice()[0] == fresh_text(room)[0] == OPENING
    assert script.strikes == 0


# With control characters, all the update inserted is undone, as for words sent offline.
@pytest.mark.parametrize(("typed", "kept"), [("a", "a" + OPENING + "b"), ("\x01", OPENING)])
def test_words_typed_before_a_rejoining_editor_has_sent_what_it_typed_offline(typed, kept):
    """An editor types offline, rejoins, and types again before answering the room's sync
    step 1: its update follows clocks the room lacks. yrs took it at once, uncounted: nothing
    was passed on or undone (control characters stayed in the document). The room asks for
    what it lacks instead, and takes the words with what they follow."""
    room, _published = section_room()
    typist, watcher = SimClient(room, user_id=1, name="Ada"), SimClient(room, user_id=2, name="Bo")
    for client in (typist, watcher):
        client.connect()
    settle([typist, watcher])
    typist.disconnect()
    typist.insert(len(OPENING), "b")  # offline
    typist.connect()
    typist.insert(0, typed)  # before the room's sync step 1 reaches it
    while typist.deliver_to_room():
        pass
    settle([watcher])
    assert room.text_and_choice()[0] == watcher.text() == fresh_text(room)[0] == OPENING

    settle([typist, watcher])
    text = room.text_and_choice()[0]
    assert text == kept
    assert typist.text() == watcher.text() == fresh_text(room)[0] == text
    assert room.guard.refusals == 0 and typist.connection.strikes == 0


def test_an_update_following_clocks_the_room_lacks_waits_for_them():
    """Sent again or never, it is not applied before what it follows: the room asks its
    sender for all it lacks (a sync step 1 with its state vector)."""
    room, _published = section_room()
    script = connection_to(Recorder(), user_id=7)
    room.join(script)
    doc = Doc(client_id=4242)
    doc.apply_update(room.doc.get_update())
    body = doc.get("body", type=Text)
    body.insert(len(body), "lost")
    before = doc.get_state()
    body.insert(0, "ahead")

    room.receive(script, sync_update(doc.get_update(before)))
    assert room.text_and_choice()[0] == fresh_text(room)[0] == OPENING
    asked = protocol.parse(script.transport.sent[-1])
    assert asked.step == protocol.YSyncMessageType.SYNC_STEP1
    assert asked.payload == room.doc.get_state()
    assert script.strikes == 0

    room.receive(script, protocol.sync_step2(doc.get_update(asked.payload)))
    assert room.text_and_choice()[0] == fresh_text(room)[0] == "ahead" + OPENING + "lost"


def test_refusals_from_ever_new_client_ids_do_not_grow_a_full_document():
    """A refused update leaves its clocks behind (empty) so that its sender's later edits
    apply; a script inventing a client id for each message would make each leave a few bytes,
    so at the limit those of people new to the document are not kept."""
    limit = 16 * 1024
    room, _published = section_room(max_bytes=limit)
    sender = connection_to(Recorder(), user_id=7)
    room.join(sender)
    words = "w" * 13_000  # no room left for 4,000 more
    _doc, update = hostile_update(room, lambda d: d.get("body", type=Text).insert(0, words))
    room.receive(sender, sync_update(update))
    state = room.doc.get_update()
    for client_id in range(100, 2100):
        doc = Doc(client_id=client_id)
        doc.apply_update(state)
        before = doc.get_state()
        doc.get("body" if client_id % 2 else "notes", type=Text).insert(0, "z" * 4000)
        room.receive(sender, sync_update(doc.get_update(before)))
    assert len(room.doc.get_update()) <= limit
    assert room.text_and_choice()[0] == words + OPENING
    assert sender.strikes == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(1, 12_000), st.booleans()),
        min_size=1,
        max_size=30,
    )
)
def test_however_people_type_a_document_stays_within_its_limit(edits):
    limit = 32 * 1024
    room, _published = section_room(max_bytes=limit)
    clients = [SimClient(room, user_id=n + 1, name=f"P{n}") for n in range(3)]
    for client in clients:
        client.connect()
    settle(clients)
    for who, size, delete in edits:
        client = clients[who]
        if delete and client.text():
            client.delete(0, min(size, len(client.text())))
        else:
            client.insert(len(client.text()) // 2, "é" * size)
        settle(clients)
        # The limit is checked before an update is applied against the last measure plus
        # the update's own size; applying it may split a run of text (tens of bytes).
        assert len(room.doc.get_update()) <= limit + 256
    text = room.text_and_choice()[0]
    assert fresh_text(room)[0] == text  # what is kept, and what a new tab or reload shows
    if room.guard.refusals == 0:
        assert {client.text() for client in clients} == {text}
    # After a refusal, live views can differ from the room's text until a reload: the refused
    # items' clocks reach the others empty (no position), so an edit the refused sender then
    # makes beside its own refused words, or one waiting for clocks a full document sent only
    # to its sender, lands elsewhere or waits. Nothing kept is lost; see the notes.


# --- an amendment's fields, as typed -----------------------------------------------------------


def amendment_room() -> tuple[Room, SimClient, SimClient]:
    values = {"kind": "insert", "insert": "a judge", "purpose": "Oversight."}
    room = Room(1, 1, documents.initial_amendment_state(values), kind="amendment")
    writer = SimClient(room, user_id=1, name="Ada")
    reader = SimClient(room, user_id=2, name="Bo")
    for client in (writer, reader):
        client.connect()
    settle([writer, reader])
    return room, writer, reader


def type_into(client: SimClient, field: str, words: str) -> None:
    text = documents.amendment_field(client.doc, field)
    text.insert(len(text), words)


@pytest.mark.parametrize("field", documents.AMENDMENT_TEXTS)
@pytest.mark.parametrize("typed", ["\x01", "\u202e", "ok\x00"])
def test_control_characters_typed_in_an_amendments_field_are_undone_for_everyone(field, typed):
    room, writer, reader = amendment_room()
    before = documents.amendment_values(room.doc)[field]
    type_into(writer, field, typed)
    settle([writer, reader])
    for doc in (room.doc, writer.doc, reader.doc):
        assert documents.amendment_values(doc)[field] == before


@pytest.mark.parametrize("field", documents.AMENDMENT_TEXTS)
def test_an_amendments_field_may_hold_what_its_form_allows_and_no_more(field):
    room, writer, reader = amendment_room()
    before = str(documents.amendment_field(room.doc, field))
    room_left = FREE_TEXT_LIMITS[field] - len(before)
    type_into(writer, field, "é" * room_left)  # up to the limit: kept
    settle([writer, reader])
    full = before + "é" * room_left
    assert documents.amendment_values(room.doc)[field] == full
    type_into(writer, field, "é")  # one more: undone
    settle([writer, reader])
    for doc in (room.doc, writer.doc, reader.doc):
        assert documents.amendment_values(doc)[field] == full


# --- through the real socket ------------------------------------------------------------------


def test_a_script_with_a_token_cannot_store_a_root_or_grow_a_document_beyond_the_limit(
    team, summary, connect, hub, monkeypatch, app
):
    monkeypatch.setitem(app.config, "LIVE_MAX_DOCUMENT_BYTES", 48 * 1024)
    eddie = connect(team.editor, summary)
    mallory = connect(team.owner, summary)  # edit rights, used from a script
    mallory.in_document(lambda doc: doc.get("notes", type=Text).insert(0, HOSTILE * 1000))
    mallory.edit(lambda body: body.insert(0, "y" * 60_000))
    eddie.edit(lambda body: body.insert(0, "Kept."))
    round_trip(mallory)
    round_trip(eddie)
    mallory.wait_for(lambda text: text == "Kept.")
    # Told: undone in their document.
    assert mallory.in_document(lambda doc: str(doc.get("notes", type=Text))) == ""
    assert hub.rooms[summary.id].text_and_choice()[0] == "Kept."
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        db.session.rollback()  # see what the clock's thread committed
        stored = db.session.get(LiveDocument, summary.id)
        if b"Kept." in stored.state:
            break
        time.sleep(0.05)
    state = documents.new_doc(stored.state)
    assert documents.text_of(state) == "Kept."
    assert "notes" not in set(state.keys()) and HOSTILE.encode() not in stored.state
    assert eddie.close_code is None and mallory.close_code is None


def test_the_document_limit_is_never_below_the_message_limit(tmp_path):
    config = build_config(str(tmp_path), {"CONSULT_ENV": "development"})
    assert config["LIVE_MAX_DOCUMENT_BYTES"] >= 4 * config["LIVE_MAX_MESSAGE_BYTES"]
    with pytest.raises(UnsafeConfiguration, match="LIVE_MAX_DOCUMENT_BYTES"):
        build_config(
            str(tmp_path),
            {"CONSULT_ENV": "development", "LIVE_MAX_DOCUMENT_BYTES": "1000"},
        )
    with pytest.raises(UnsafeConfiguration, match="LIVE_MAX_DOCUMENT_BYTES"):
        build_config(
            str(tmp_path),
            {"CONSULT_ENV": "development", "LIVE_MAX_DOCUMENT_BYTES": "lots"},
        )
