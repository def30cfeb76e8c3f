"""A Yjs update (format v1, what y-websocket and pycrdt send) read without applying it, so the
room can see what an update would put where before the document takes it (consult/live/
guard.py), and write the update that stands in for a refused one.

pycrdt applies an update whole and cannot say what it holds; once applied, a root type cannot
be taken out of a document again (even emptied, its name stays in the stored state). So the
structs are read here: for each one, its client and clock range, and (for an item that names
its parent, as the first item of a type does) the root it goes in, whether it is a map's entry
(`parent_sub`), and what its content is. The format is lib0's: Yjs's encoding.js and
yrs's update.rs write it; the parts are named as there. Anything that does not read as an
update is a ValueError, as pycrdt's apply_update raises; so is what Yjs never writes and yrs
panics on (a PanicException, which escapes any `except Exception`): a client twice or with no
structs, a struct of no length, a clock past 32 bits, an origin in a gap of the update's own
clocks (`check_references`). tests/live/test_live_fuzz.py keeps the updates that found them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Content kinds (the low five bits of an item's info byte, Yjs's contentRefs)
GC = 0
DELETED = 1
JSON = 2
BINARY = 3
STRING = 4
EMBED = 5
FORMAT = 6
TYPE = 7
ANY = 8
DOC = 9
SKIP = 10
XML_ELEMENT, XML_HOOK = 3, 5  # type refs that carry a name
MAX_NUMBER = 2**53 - 1  # lib0's largest (JavaScript's largest safe integer)
MAX_CLOCK = 2**32 - 1  # yrs keeps clocks in 32 bits, and panics on an update past them
_OUTSIDE_THE_BMP = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 code units each
MAX_ANY_DEPTH = 64  # our documents hold scalars; lib0 itself stops at nothing


@dataclass(frozen=True)
class Struct:
    """One struct of an update: `length` clocks of `client` from `clock`. `content` is GC or
    SKIP for those, else the item's content kind. `parent` is the root's name when the item
    names its root, `parent_id` when it names an item (a nested type) instead; an item with
    an origin names neither (it goes where its origin is)."""

    client: int
    clock: int
    length: int
    content: int
    parent: str | None = None
    parent_id: bool = False
    parent_sub: bool = False
    # Where a string's clocks fall inside a character (the second half of a UTF-16 pair).
    halves: tuple[int, ...] = ()
    # Where the item goes, as written: its left and right origins (client, clock), or (with
    # neither) its parent's name as bytes; what `stand_ins` writes again.
    origin: tuple[int, int] | None = None
    right_origin: tuple[int, int] | None = None
    parent_name: bytes | None = None

    @property
    def end(self) -> int:
        return self.clock + self.length


@dataclass(frozen=True)
class Update:
    structs: list[Struct]
    deleted: dict[int, list[tuple[int, int]]]  # client -> [(clock, length)]
    refs: list[tuple[int, int]]  # the (client, clock) of each origin and parent it names


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def byte(self) -> int:
        if self.at >= len(self.data):
            raise ValueError("truncated update")
        self.at += 1
        return self.data[self.at - 1]

    def varuint(self) -> int:
        """lib0's unsigned number: at most 53 bits, as lib0 reads it (yrs reads 64, and
        panics on clocks near that). Read inline: it is most of the reading's time."""
        data, at = self.data, self.at
        value = shift = 0
        while True:
            if at >= len(data):
                raise ValueError("truncated update")
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            if value > MAX_NUMBER:
                raise ValueError("a number out of range")
            if byte < 0x80:
                self.at = at
                return value
            shift += 7

    def id(self) -> tuple[int, int]:
        """A struct's id: (client, clock)."""
        client, clock = self.varuint(), self.varuint()
        if clock > MAX_CLOCK:
            raise ValueError("a clock past the last")
        return client, clock

    def skip_varint(self) -> None:
        while self.byte() >= 0x80:
            pass

    def bytes(self, count: int) -> bytes:
        if self.at + count > len(self.data):
            raise ValueError("truncated update")
        self.at += count
        return self.data[self.at - count : self.at]

    def buffer(self) -> bytes:
        return self.bytes(self.varuint())

    def string(self) -> str:
        try:
            return self.buffer().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError("a string that is not UTF-8") from error

    def any(self, depth: int = 0) -> None:
        """Skip one lib0 `any` value (readAny)."""
        if depth > MAX_ANY_DEPTH:
            raise ValueError("a value nested too deep")
        tag = self.byte()
        if tag in (127, 126, 121, 120):  # undefined, null, false, true
            return
        if tag == 125:
            self.skip_varint()
        elif tag in (124, 123, 122):  # float32, float64, bigint64
            self.bytes({124: 4, 123: 8, 122: 8}[tag])
        elif tag in (119, 116):  # string, Uint8Array
            self.buffer()
        elif tag == 118:  # object
            for _ in range(self.varuint()):
                self.buffer()
                self.any(depth + 1)
        elif tag == 117:  # array
            for _ in range(self.varuint()):
                self.any(depth + 1)
        else:
            raise ValueError("an unknown value")

    def content(self, kind: int) -> tuple[int, tuple[int, ...]]:
        """Read an item's content: its length in clocks, and for a string the offsets of the
        clocks that are the second half of a character (outside the Basic Multilingual
        Plane, a character takes two UTF-16 code units, so two clocks)."""
        if kind == STRING:
            text = self.string()
            length = len(text.encode("utf-16-le")) // 2  # in C: a paste may be 200,000 long
            if length == len(text):
                return length, ()
            # The n-th pair's second half is at its index in the text plus n pairs before it.
            pairs = [match.start() for match in _OUTSIDE_THE_BMP.finditer(text)]
            return length, tuple(at + n + 1 for n, at in enumerate(pairs))
        return self._content_length(kind), ()

    def _content_length(self, kind: int) -> int:
        if kind == DELETED:
            return self.varuint()
        if kind == JSON:
            count = self.varuint()
            for _ in range(count):
                self.buffer()
            return count
        if kind in (BINARY, EMBED):
            self.buffer()
        elif kind == FORMAT:
            self.buffer()
            self.buffer()
        elif kind == TYPE:
            if self.varuint() in (XML_ELEMENT, XML_HOOK):
                self.buffer()
        elif kind == ANY:
            count = self.varuint()
            for _ in range(count):
                self.any()
            return count
        elif kind == DOC:
            self.buffer()
            self.any()
        else:
            raise ValueError("an unknown content")
        return 1


def read(data: bytes) -> Update:
    """The structs and deletions of a v1 update; ValueError if it is not one."""
    reader = _Reader(data)
    structs: list[Struct] = []
    refs: list[tuple[int, int]] = []
    clients: set[int] = set()
    for _ in range(reader.varuint()):
        count = reader.varuint()
        client = reader.varuint()
        clock = reader.varuint()
        # Yjs and yrs write each client once, with structs; yrs panics on either (dividing
        # by zero, BlockSet::exclude).
        if not count or client in clients:
            raise ValueError("a client with no structs, or twice")
        clients.add(client)
        for _ in range(count):
            item = _struct(reader, client, clock, refs)
            structs.append(item)
            clock = item.end
    deleted: dict[int, list[tuple[int, int]]] = {}
    for _ in range(reader.varuint()):
        client = reader.varuint()
        ranges = deleted.setdefault(client, [])
        for _ in range(reader.varuint()):
            clock, length = reader.varuint(), reader.varuint()
            if clock + length > MAX_CLOCK:
                raise ValueError("a deletion past the last clock")
            ranges.append((clock, length))
    return Update(structs, deleted, refs)


def _struct(reader: _Reader, client: int, clock: int, refs: list[tuple[int, int]]) -> Struct:
    info = reader.byte()
    kind = info & 0x1F
    if kind in (GC, SKIP):
        return _counted(Struct(client, clock, reader.varuint(), kind))
    origin = right_origin = None
    if info & 0x80:  # a left origin
        origin = reader.id()
        refs.append(origin)
    if info & 0x40:  # a right origin
        right_origin = reader.id()
        refs.append(right_origin)
    parent, parent_name, parent_id, parent_sub = None, None, False, False
    if not info & 0xC0:  # no origin: the item says where it goes
        if reader.varuint() == 1:
            parent_name = reader.buffer()
            try:
                parent = parent_name.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ValueError("a string that is not UTF-8") from error
        else:
            refs.append(reader.id())
            parent_id = True
        if info & 0x20:
            reader.buffer()
            parent_sub = True
    length, halves = reader.content(kind)
    return _counted(
        Struct(
            client, clock, length, kind, parent, parent_id, parent_sub, halves,
            origin, right_origin, parent_name,
        )
    )  # fmt: skip


def _counted(item: Struct) -> Struct:
    """Yjs writes no struct of no length, and yrs takes no clock past 32 bits: yrs panics
    on either (dividing by zero, an index out of bounds, an unwrap)."""
    if item.length == 0 or item.end > MAX_CLOCK:
        raise ValueError("a struct of no length, or past the last clock")
    return item


def check_references(update: Update, known: dict[int, int]) -> None:
    """ValueError if the update names a clock of one of its own clients that neither it nor
    the document (`known`, its state vector) holds: a gap it skips. Yjs never writes one (a
    client's run starts where the receiver's clocks of it end); yrs panics on some."""
    held: dict[int, list[tuple[int, int]]] = {}
    for item in update.structs:
        if item.content != SKIP:
            held.setdefault(item.client, []).append((item.clock, item.end))
    for client, clock in update.refs:
        runs = held.get(client)
        if runs is None or clock < known.get(client, 0):
            continue
        if not any(start <= clock < end for start, end in runs):
            raise ValueError("a reference into a gap of the update's own clocks")


def after_gap(update: Update, known: dict[int, int]) -> bool:
    """Whether a struct of the update starts past the clocks of its client that the document
    (`known`, its state vector) and the update's own structs before it hold: it follows a
    gap. Yjs keeps such a struct waiting until what comes before it arrives; yrs takes it at
    once, but not as Yjs would (guard.Behind). An editor sends one when the receiver lacks
    what it sent before: typed right after reconnecting, before its answer to the room's sync
    step 1; or after the room lost it (a crash before storing) or dropped it."""
    reached = dict(known)
    for item in update.structs:
        if item.content == SKIP:
            continue  # a gap Yjs writes when it merges updates: what follows is after one
        if item.clock > reached.get(item.client, 0):
            return True
        reached[item.client] = max(item.end, reached.get(item.client, 0))
    return False


def check_splits(update: Update, known: dict[int, int]) -> None:
    """ValueError if a string of the update overlaps what the document holds of its client
    (`known`, its state vector) so that what is new starts in the middle of a character.
    yrs then cuts the character in two, and its halves read differently in different
    documents (one took it as nothing, another as a character): the room's undo of unsaveable
    words missed, and documents parted. Yjs never does this: it cuts strings between
    characters, and re-sends what it sent before from where the receiver's clocks end."""
    for item in update.structs:
        held = known.get(item.client, 0)
        if item.halves and item.clock < held < item.end and (held - item.clock) in item.halves:
            raise ValueError("a string whose new part starts inside a character")


def state_vector(data: bytes) -> dict[int, int]:
    """A document's state vector (Doc.get_state) as client -> next clock."""
    reader = _Reader(data)
    return {reader.varuint(): reader.varuint() for _ in range(reader.varuint())}


def _varuint(number: int) -> bytes:
    out = bytearray()
    while True:
        byte, number = number & 0x7F, number >> 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return bytes(out)


def reach(structs: Iterable[Struct], known: dict[int, int]) -> dict[int, tuple[int, int]]:
    """For each client whose clocks these structs take beyond `known` (a state vector): from
    where the document's clocks of it end to where the furthest struct does, gaps included."""
    ends: dict[int, int] = {}
    for item in structs:
        if item.content != SKIP and item.end > known.get(item.client, 0):
            ends[item.client] = max(item.end, ends.get(item.client, 0))
    return {client: (known.get(client, 0), end) for client, end in ends.items()}


def origin_from(item: Struct, at: int) -> tuple[int, int] | None:
    """The left origin of the item's part from clock `at` on: cut inside the item (as Yjs
    writes a part, and yrs cuts what a document already holds), the clock before it."""
    return (item.client, at - 1) if at > item.clock else item.origin


def _deleted_text(item: Struct, at: int) -> bytes:
    """The part of a string item from clock `at` on, as a deleted item in the same place:
    the same origins (or, cut, the clock before as its left origin, as Yjs writes a part),
    or the same parent, with no content but its length."""
    offset = at - item.clock
    origin = origin_from(item, at)
    info = DELETED | (0x80 if origin else 0) | (0x40 if item.right_origin else 0)
    out = [bytes([info])]
    for found in (origin, item.right_origin):
        if found:
            out += [_varuint(found[0]), _varuint(found[1])]
    if not origin and not item.right_origin:
        out += [_varuint(1), _varuint(len(item.parent_name or b"")), item.parent_name or b""]
    out.append(_varuint(item.length - offset))
    return b"".join(out)


def stand_ins(
    ranges: dict[int, tuple[int, int]],
    structs: Iterable[Struct],
    deleted: dict[int, list[tuple[int, int]]],
    texts: Iterable[str],
    known: dict[int, int],
    empty: dict[int, list[tuple[int, int]]],
) -> bytes:
    """As `tombstones`, but words typed into one of `texts` stand in as deleted text in their
    place rather than as clocks with no place, so that an edit their sender then makes beside
    them (their editor holds them, deleted, as its origin) lands in the same place for
    everyone. Only where each origin is the document's already (`known`) or another word
    placed here: after an empty clock an item has no place, and yrs and Yjs would disagree
    where it goes. Anything else, a map's entry (which would displace the key's value) among
    them, stays empty clocks, added to `empty` (client -> [(start, end)]): an item placed
    after one of those later has no place either (Guard refuses it)."""
    texts = set(texts)
    by_client: dict[int, list[Struct]] = {}
    for item in structs:
        if item.client in ranges and item.content not in (GC, SKIP):
            by_client.setdefault(item.client, []).append(item)
    placed: dict[int, list[tuple[int, int]]] = {}

    def has_place(found: tuple[int, int] | None) -> bool:
        if found is None:
            return True
        client, clock = found
        if within(empty, client, clock):
            return False
        return clock < known.get(client, 0) or within(placed, client, clock)

    def leave_empty(client: int, start: int, end: int) -> bytes:
        empty.setdefault(client, []).append((start, end))
        return bytes([GC]) + _varuint(end - start)

    out = [_varuint(len(ranges))]
    for client, (start, end) in ranges.items():
        parts, at = [], start
        for item in sorted(by_client.get(client, []), key=lambda struct: struct.clock):
            if item.end <= at:
                continue
            if item.clock > at:
                parts.append(leave_empty(client, at, item.clock))
                at = item.clock
            origin = origin_from(item, at)
            if (
                item.content == STRING
                and not item.parent_id
                and not item.parent_sub
                and (item.parent is None or item.parent in texts)
                and has_place(origin)
                and has_place(item.right_origin)
            ):
                placed.setdefault(client, []).append((at, item.end))
                parts.append(_deleted_text(item, at))
            else:
                parts.append(leave_empty(client, at, item.end))
            at = item.end
        if at < end:
            parts.append(leave_empty(client, at, end))
        out += [_varuint(len(parts)), _varuint(client), _varuint(start), *parts]
    return b"".join(out) + _delete_set(ranges, deleted)


def within(runs: dict[int, list[tuple[int, int]]], client: int, clock: int) -> bool:
    """Whether (client, clock) is in one of the runs (client -> [(start, end)])."""
    return any(start <= clock < end for start, end in runs.get(client, []))


def after_empty(
    update: Update, empty: dict[int, list[tuple[int, int]]], known: dict[int, int]
) -> bool:
    """Whether an item of the update goes after (or before) a clock left empty by a refusal:
    it has no place, and yrs (which puts it somewhere) and Yjs (which drops it) disagree. An
    item partly known already goes after the clock before its new part, as yrs cuts it."""
    for item in update.structs:
        held = known.get(item.client, 0)
        origin = origin_from(item, held) if held < item.end else item.origin
        if any(
            found is not None and within(empty, *found) for found in (origin, item.right_origin)
        ):
            return True
    return False


def _delete_set(
    ranges: dict[int, tuple[int, int]], deleted: dict[int, list[tuple[int, int]]]
) -> bytes:
    removed: dict[int, list[tuple[int, int]]] = {c: list(r) for c, r in deleted.items()}
    for client, (start, end) in ranges.items():
        removed.setdefault(client, []).append((start, end - start))
    out = [_varuint(len(removed))]
    for client, spans in removed.items():
        out += [_varuint(client), _varuint(len(spans))]
        out += [_varuint(clock) + _varuint(length) for clock, length in spans]
    return b"".join(out)


def tombstones(
    ranges: dict[int, tuple[int, int]], deleted: dict[int, list[tuple[int, int]]]
) -> bytes:
    """An update that fills these clock ranges with nothing (a GC struct, as Yjs leaves of
    what was deleted) and deletes them, with the deletions in `deleted` too. Applied in place
    of a refused update, the document gets none of its content yet knows its clocks, so the
    sender's later edits (which follow them) still apply; the sender, given it, deletes what
    it had typed, and everyone sees the same text. Gaps are filled too: nothing waits."""
    out = [_varuint(len(ranges))]
    for client, (start, end) in ranges.items():
        out += [_varuint(1), _varuint(client), _varuint(start), bytes([GC]), _varuint(end - start)]
    return b"".join(out) + _delete_set(ranges, deleted)


__all__ = [
    "Struct",
    "Update",
    "after_empty",
    "after_gap",
    "check_references",
    "reach",
    "read",
    "stand_ins",
    "state_vector",
    "tombstones",
]
