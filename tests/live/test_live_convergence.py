"""No lost word, as properties (issue 15's second safety bar). Several editors' pycrdt
documents type and delete at random places at once, through a Room, with the network in the
test's hands (tests/live/simulation.py): messages arrive when hypothesis says, connections
drop with messages in flight, people keep typing offline and rejoin with sync step 1 and 2.
The hub's clock (Hub.work) stores the document and writes revisions as it goes, and API
saves change the text from outside; the process may crash and reopen the room from what it
stored. Concurrent deletions are legitimate, so the promise is:
everyone converges on one text, which holds each character typed exactly once unless
someone deleted it, and the revisions and the stored document hold it too."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from consult.drafting import services as drafting
from consult.drafting.models import Section
from consult.extensions import db
from consult.live import documents
from consult.live import services as live
from consult.live.models import LiveDocument
from consult.live.rooms import Room
from tests.live.simulation import SimClient, fresh_text, settle

WRITING = st.text(
    alphabet=st.sampled_from("ab \n“”é—ŵ📷العدل") | st.characters(codec="utf-8"), max_size=30
)


@settings(max_examples=200, deadline=None)
@given(old=WRITING, new=WRITING)
@example(old="Café au lait", new="Café au lait!")  # was "Café au lai!t"
@example(old="“Quoted” words here", new="“Quoted” words there")  # was "wotrds here"
def test_an_edit_made_outside_lands_exactly_where_it_was_made(old, new):
    """An API save, a restore or an accepted suggestion reaches the live document as the
    smallest change (documents.set_content): the text becomes exactly the saved one, for
    the room and for every editor who applies the update."""
    stored = documents.initial_state(old, None)
    doc = documents.new_doc(stored)
    update = documents.set_content(doc, new, None)
    assert documents.text_of(doc) == new
    editor = documents.new_doc(stored)
    if update:  # nothing to send when nothing changed
        editor.apply_update(update)
    assert documents.text_of(editor) == new


# --- many people, dropped connections, revisions ----------------------------------------------

# The clock's turns are the test's steps: it stores at every turn, and checks rights only
# at the last (everyone=True), where it takes a database query per person.
LIVE_CLOCKS = {
    "LIVE_STORE_SECONDS": 0.0,
    "LIVE_LONGEST_BURST_SECONDS": 3600.0,
    "LIVE_RECHECK_SECONDS": 3600.0,
}


class Characters:
    """Characters never typed before in this example, so that each one, wherever it ends
    up, says who typed it and whether anyone deleted it. Two, three and four bytes long in
    turn (pycrdt counts UTF-8 bytes; browsers count UTF-16 units)."""

    POOLS = (0x100, 0x4E00, 0x20000)  # Latin Extended, CJK, CJK Extension B

    def __init__(self) -> None:
        self.count = 0

    def take(self, number: int) -> str:
        taken = ""
        for _ in range(number):
            base = self.POOLS[self.count % 3]
            taken += chr(base + self.count // 3)
            self.count += 1
        return taken


class Story:
    """One example: a section, its room, three editors' tabs, and what everyone did to it."""

    def __init__(self, team, response, hub, app) -> None:
        self.team, self.hub, self.app = team, hub, app
        self.section = drafting.add_section(team.owner, response, "Live property")
        self.characters = Characters()
        opening = self.characters.take(6)
        drafting.save_section(team.owner, self.section, opening, None, None)
        db.session.commit()
        self.room = self.open_room()
        self.typed = set(opening)
        self.deleted: set[str] = set()
        people = (team.editor, team.coordinator, team.owner)
        self.tabs = [SimClient(self.room, user_id=p.id, name=p.name) for p in people]
        for tab in self.tabs:
            tab.connect()
        settle(self.tabs)

    def open_room(self) -> Room:
        """The room as a process opens it: from the stored state."""
        section = db.session.get(Section, self.section.id)
        room = Room(section.id, section.response.organisation_id, live.document_state(section))
        db.session.commit()
        return room

    def crash(self) -> None:
        """The process dies: every connection drops, and whatever the room held but had not
        stored is gone. The next process opens the room from the stored state; each tab
        still holds everything its person typed, and gives it back when it rejoins."""
        for tab in self.tabs:
            tab.disconnect()
        self.hub.rooms.pop(self.section.id, None)
        self.room = self.open_room()
        for tab in self.tabs:
            tab.room = self.room

    def type(self, tab: SimClient, at: int, length: int) -> None:
        words = self.characters.take(length)
        tab.insert(at % (len(tab.text()) + 1), words)
        self.typed |= set(words)

    def delete(self, tab: SimClient, at: int, length: int) -> None:
        text = tab.text()
        if text:
            self.deleted |= set(tab.delete(at % len(text), length))

    def tick(self, revisions: bool, everyone: bool = False) -> None:
        """One turn of the hub's clock: store the room's state, and with `revisions` write
        one for each person who typed (their pause has ended)."""
        self.app.config["LIVE_PAUSE_SECONDS"] = 0.0 if revisions else 3600.0
        self.hub.rooms[self.section.id] = self.room  # the clock closes rooms nobody is in
        self.hub.work(everyone=everyone)
        db.session.rollback()  # see what the clock committed

    def close(self) -> None:
        """Everyone leaves and the room closes (the hub's clock turns over every room)."""
        for tab in self.tabs:
            tab.disconnect()
        self.hub.rooms.pop(self.section.id, None)

    def save_from_outside(self, at: int, append: bool) -> None:
        """An API save from the head (which the clock has just brought up to date): one
        character deleted, or one added at the end."""
        self.tick(revisions=True, everyone=True)
        section = db.session.get(Section, self.section.id)
        head = section.head
        body = head.body
        if append:
            words = self.characters.take(1)
            self.typed |= set(words)
            body += words
        elif body:
            at %= len(body)
            self.deleted.add(body[at])
            body = body[:at] + body[at + 1 :]
        drafting.save_section(self.team.owner, section, body, None, head.id)
        db.session.commit()  # passed on to the room after the commit (hub.pass_on)


tab_numbers = st.integers(0, 2)
steps = st.one_of(
    st.tuples(st.just("type"), tab_numbers, st.integers(0, 10**6), st.integers(1, 4)),
    st.tuples(st.just("delete"), tab_numbers, st.integers(0, 10**6), st.integers(1, 3)),
    st.tuples(st.just("to room"), tab_numbers, st.integers(1, 6)),
    st.tuples(st.just("to tab"), tab_numbers, st.integers(1, 6)),
    st.tuples(st.just("drop"), tab_numbers),
    st.tuples(st.just("rejoin"), tab_numbers),
    st.tuples(st.just("tick"), st.booleans()),
    st.tuples(st.just("crash")),
    st.tuples(st.just("save"), st.integers(0, 10**6), st.booleans()),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(story=st.lists(steps, min_size=1, max_size=40))
def test_no_word_is_lost_whatever_the_network_does(team, response, hub, app, monkeypatch, story):
    """Three people edit at once; connections drop (what was in flight is lost), they keep
    typing offline and rejoin (sync step 1 and 2); the clock stores the document and
    writes revisions; API saves delete and add words; the process crashes and reopens the
    room from the stored state. In the end: every tab and the room
    say the same; every character typed is there unless someone deleted it, once; the last
    revision and the stored document say it too."""
    for key, value in LIVE_CLOCKS.items():
        monkeypatch.setitem(app.config, key, value)
    world = Story(team, response, hub, app)
    try:
        play(world, story)
    finally:
        world.close()


def play(world: Story, story) -> None:
    for step in story:
        kind, *args = step
        if kind in ("type", "delete"):
            who, at, length = args
            getattr(world, kind)(world.tabs[who], at, length)
        elif kind in ("to room", "to tab"):
            who, count = args
            tab = world.tabs[who]
            deliver = tab.deliver_to_room if kind == "to room" else tab.deliver_from_room
            for _ in range(count):
                deliver()
        elif kind == "drop":
            world.tabs[args[0]].disconnect()
        elif kind == "rejoin":
            if not world.tabs[args[0]].online:
                world.tabs[args[0]].connect()
        elif kind == "tick":
            world.tick(revisions=args[0])
        elif kind == "crash":
            world.crash()
        else:
            world.save_from_outside(*args)
    for tab in world.tabs:
        if not tab.online:
            tab.connect()
    settle(world.tabs)
    world.tick(revisions=True, everyone=True)
    settle(world.tabs)

    text = world.room.text_and_choice()[0]
    assert [tab.text() for tab in world.tabs] == [text] * 3
    assert fresh_text(world.room)[0] == text
    assert sorted(text) == sorted(world.typed - world.deleted)  # each once, none lost
    section = db.session.get(Section, world.section.id)
    assert section.head.body == text
    stored = db.session.get(LiveDocument, world.section.id)
    assert documents.text_of(documents.new_doc(stored.state)) == text
