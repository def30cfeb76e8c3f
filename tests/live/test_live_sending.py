"""How the server writes to live editors (consult/live/outbox.py): a room's updates and cursors
wait for the writer's turn and go to each person in one write, every message framed once;
nothing is lost or reordered by waiting; a person who stops reading is told to reconnect
(close 1013) without holding back anyone else."""

from __future__ import annotations

import socket

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, BytesMessage, CloseConnection, Message, Request

from consult.live import documents, protocol
from consult.live.outbox import frame
from consult.live.protocol import AwarenessEntry, Sync
from consult.live.rooms import CLOSE_TOO_SLOW, Room
from tests.live.simulation import connection_to
from tests.live.test_live_access import bearer, room_text, round_trip


class Batches:
    """A transport that keeps what the writer gives it: each write's bytes, read back into
    messages as a client reads frames."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.sent: list[bytes] = []
        self.close_code: int | None = None

    def send(self, message: bytes) -> None:
        self.sent.append(message)

    def write(self, data: bytes, count: int) -> None:
        self.writes.append(data)
        assert len(unframe(data)) == count

    def close(self, code: int, reason: str) -> None:
        self.close_code = code

    def messages(self) -> list[bytes]:
        return [message for data in self.writes for message in unframe(data)]


def unframe(data: bytes) -> list[bytes]:
    """The messages in a server's frames, each of which must be a whole, unmasked,
    uncompressed binary message (what every y-websocket client reads)."""
    messages, at = [], 0
    while at < len(data):
        first, second = data[at], data[at + 1]
        assert first == 0x82 and second < 0x80  # FIN, binary, not compressed; not masked
        length, at = second, at + 2
        if length == 126:
            length, at = int.from_bytes(data[at : at + 2], "big"), at + 2
        elif length == 127:
            length, at = int.from_bytes(data[at : at + 8], "big"), at + 8
        messages.append(data[at : at + length])
        at += length
    assert at == len(data)
    return messages


def a_room_with_a_writer() -> tuple[Room, list[Room]]:
    scheduled: list[Room] = []
    return Room(1, 1, documents.initial_state("", None), schedule=scheduled.append), scheduled


def update_typing(doc, text: str) -> bytes:
    before = doc.get_state()
    body = documents.body(doc)
    body.insert(len(body), text)
    return protocol.create_update_message(doc.get_update(before))


def test_a_rooms_updates_wait_for_the_writer_and_reach_everyone_but_their_sender():
    room, scheduled = a_room_with_a_writer()
    ada_wire, bea_wire, cy_wire = Batches(), Batches(), Batches()
    ada = connection_to(ada_wire, user_id=1)
    bea = connection_to(bea_wire, user_id=2)
    cy = connection_to(cy_wire, user_id=3, writable=False)
    for connection in (ada, bea, cy):
        room.join(connection)
    ada_doc, bea_doc = documents.new_doc(), documents.new_doc()
    room.receive(ada, update_typing(ada_doc, "Ada "))
    room.receive(bea, update_typing(bea_doc, "Bea "))
    room.receive(ada, update_typing(ada_doc, "again "))
    assert scheduled == [room]  # once, however much waits
    assert not ada_wire.writes and not bea_wire.writes and not cy_wire.writes

    batches = {connection.id: (data, count) for connection, data, count in room.flush(frame)}
    for connection in (ada, bea, cy):
        connection.transport.write(*batches[connection.id])

    assert len(cy_wire.writes) == 1 and len(cy_wire.messages()) == 3  # one write, three updates
    assert len(bea_wire.messages()) == 2 and len(ada_wire.messages()) == 1  # not their own
    for wire in (ada_wire, bea_wire, cy_wire):
        doc = documents.new_doc(room.doc.get_update())
        for message in wire.messages():
            parsed = protocol.parse(message)
            assert isinstance(parsed, Sync)
            doc.apply_update(parsed.payload)
        assert documents.text_of(doc) == room.text_and_choice()[0]
    assert room.flush(frame) == []  # nothing waits twice


def test_what_goes_to_other_instances_waits_for_the_writer_and_goes_in_one_call_in_order():
    published: list[list[tuple[str, bytes]]] = []
    scheduled: list[Room] = []
    room = Room(1, 1, documents.initial_state("", None), published.append, scheduled.append)
    ada = connection_to(Batches(), user_id=1)
    room.join(ada)
    doc = documents.new_doc()
    sent = [update_typing(doc, word) for word in ("One ", "two ", "three ")]
    for message in sent:
        room.receive(ada, message)
    room.receive(ada, protocol.awareness_message([AwarenessEntry(9, 1, {"cursor": None})]))
    assert published == [] and scheduled == [room]
    room.flush(frame)
    [batch] = published
    assert [kind for kind, _payload in batch] == ["update", "update", "update", "awareness"]
    assert [protocol.create_update_message(payload) for _kind, payload in batch[:3]] == sent


def test_what_arrives_while_the_relay_publishes_goes_out_at_the_next_turn():
    """Publishing to Redis takes a round trip outside the room's lock, and keystrokes keep
    arriving meanwhile: they must schedule the room again (they were stranded, and the room
    never again scheduled: every later keystroke waited forever)."""
    doc = documents.new_doc()
    first, *later = [update_typing(doc, word) for word in ("before ", "during ", "after ")]
    scheduled: list[Room] = []

    def publish(messages):
        if len(scheduled) == 1:
            room.receive(ada, later[0])  # another thread's keystroke, mid round trip

    room = Room(1, 1, documents.initial_state("", None), publish, scheduled.append)
    ada = connection_to(Batches(), user_id=1)
    bea_wire = Batches()
    room.join(ada)
    room.join(connection_to(bea_wire, user_id=2))
    room.receive(ada, first)
    for connection, data, count in room.flush(frame):
        connection.transport.write(data, count)
    assert len(scheduled) == 2  # the keystroke during the publish scheduled the room again
    room.receive(ada, later[1])
    for connection, data, count in room.flush(frame):
        connection.transport.write(data, count)
    assert len(bea_wire.messages()) == 3


def test_only_each_cursors_latest_place_is_passed_on():
    room, _scheduled = a_room_with_a_writer()
    ada_wire, bea_wire = Batches(), Batches()
    ada = connection_to(ada_wire, user_id=1)
    bea = connection_to(bea_wire, user_id=2)
    room.join(ada)
    room.join(bea)
    for clock in range(1, 6):
        entry = AwarenessEntry(77, clock, {"cursor": {"anchor": clock}})
        room.receive(ada, protocol.awareness_message([entry]))
    batches = {connection.id: (data, count) for connection, data, count in room.flush(frame)}
    assert ada.id not in batches  # their own cursor is not sent back
    bea_wire.write(*batches[bea.id])
    [message] = bea_wire.messages()
    [entry] = protocol.parse(message)
    assert (entry.client_id, entry.clock, entry.state["cursor"]) == (77, 5, {"anchor": 5})
    assert entry.state["user"]["name"] == "Ada"


# --- through the real socket -----------------------------------------------------------------


def test_people_typing_fast_together_end_with_the_same_text(team, summary, connect, hub):
    people = [connect(user, summary) for user in (team.editor, team.coordinator, team.owner)]
    words = [[f"w{number}x{n}" for n in range(60)] for number in range(len(people))]
    for n in range(60):  # at the start or the end, in turn: no word splits another
        for number, person in enumerate(people):
            word, at_end = words[number][n], number % 2
            person.edit(lambda body, w=word, e=at_end: body.insert(len(body) * e, w + " "))
    for person in people:
        round_trip(person)
    expected = room_text(hub, summary)
    assert all(w in expected for typed in words for w in typed)
    for person in people:
        assert person.wait_for(lambda text: text == expected) == expected


def raw_websocket(server: str, section_id: int, token: str) -> tuple[socket.socket, WSConnection]:
    """A client that reads only when the test says, its receive buffer kept small."""
    host, port = server.split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    wire = WSConnection(ConnectionType.CLIENT)
    target = f"/api/v1/live/sections/{section_id}"
    headers = list(bearer(token).items())
    sock.sendall(wire.send(Request(host=server, target=target, extra_headers=headers)))
    while True:
        wire.receive_data(sock.recv(4096))
        if any(isinstance(event, AcceptConnection) for event in wire.events()):
            return sock, wire


def test_an_edit_sent_with_the_closing_frame_is_kept(team, summary, connect, server, token_of):
    """An editor closing the tab right after typing: the update and the closing frame may
    reach the server in one read (the update was dropped with the connection)."""
    watcher = connect(team.coordinator, summary)
    sock, wire = raw_websocket(server, summary.id, token_of(team.editor))
    doc = documents.new_doc()
    last_words = update_typing(doc, "Said, then gone.")
    sock.sendall(wire.send(Message(data=last_words)) + wire.send(CloseConnection(code=1000)))
    assert watcher.wait_for(lambda text: text == "Said, then gone.") == "Said, then gone."
    sock.close()


def test_a_reader_that_falls_behind_is_told_to_reconnect_and_holds_no_one_back(
    team, summary, connect, server, token_of, hub, monkeypatch, app
):
    monkeypatch.setitem(app.config, "LIVE_SEND_QUEUE", 5)
    sleepy, sleepy_wire = raw_websocket(server, summary.id, token_of(team.owner))
    typist = connect(team.editor, summary)
    watcher = connect(team.coordinator, summary)
    pasted = "x" * 190_000
    for n in range(40):  # big pastes, each taken back: more than the sockets' buffers hold
        typist.edit(lambda body, n=n: body.insert(0, f"{n}{pasted}"))
        typist.edit(lambda body: body.__delitem__(slice(0, len(body))))
    typist.edit(lambda body: body.insert(0, "Still flowing."))
    watcher.wait_for(lambda text: text == "Still flowing.")

    # What the sleepy reader was sent is whole frames, then the closing one: 1013.
    sleepy.settimeout(10)
    codes, messages = [], 0
    while not codes:
        data = sleepy.recv(65536)
        assert data, "the server closed the socket without a closing frame"
        sleepy_wire.receive_data(data)
        for event in sleepy_wire.events():
            if isinstance(event, CloseConnection):
                codes.append(event.code)
            elif isinstance(event, BytesMessage) and event.message_finished:
                messages += 1
    sleepy.close()
    assert codes == [CLOSE_TOO_SLOW]
    assert messages < 80  # not sent everything: it syncs again when it reconnects
    assert typist.close_code is None and watcher.close_code is None
