"""What a section's live document may take from a person, checked before it takes it.

Someone with edit rights (or a script with their token) could otherwise grow a document without
bound: a Yjs update may create any root type by any name (which nobody's editor shows, yet
every instance keeps, relays and stores), or simply hold megabytes. So each update from a
socket is read first (consult/live/updates.py) and refused if it puts anything where the
document's kind has nothing (a root not among `roots_of(kind)`, a map's entry in a text or a
text's in the map, a nested type or sub-document, an embed or format mark: FOREIGN_CONTENT), or
if the document would grow beyond LIVE_MAX_DOCUMENT_BYTES. A refused update is never applied,
relayed or stored: the room applies in its place an update that deletes it
(`updates.stand_ins`: words typed into a text as deleted text in their place, anything else as
its clocks, empty) and sends that to everyone; an item placed after a clock so left empty is
refused in turn (it has no place); the sender's editor then deletes what it had typed, as when
the room undoes a body with control characters (consult/live/rooms.py), and its later edits
still apply. At the limit, even those clocks are kept only for people the document already
knows (a run of them then merges into their last), so a script inventing client ids cannot grow
it a few bytes a message either: that sender's later edits follow clocks the document lacks.

An update that follows clocks of its sender the document lacks (`updates.after_gap`: sent
right after a reconnect, before the editor's answer to the room's sync step 1, or after the
room lost what came before) is neither applied nor refused: the room asks its sender again
(`Behind`), as yrs would show it in the room alone and misplace what later fills the gap.

The size is the document's encoded state, measured only when a running estimate (the last
measure plus the bytes of every update since) nears the limit: measuring is a full encoding,
too slow for every keystroke. Updates waiting for what they follow (pycrdt keeps them out of
the encoded state) are counted too, until what they waited for arrives."""

from __future__ import annotations

from dataclasses import dataclass

from pycrdt import Doc

from consult.live import documents, updates

# Config's LIVE_MAX_DOCUMENT_BYTES default (consult/config.py), for rooms made without it.
DEFAULT_MAX_DOCUMENT_BYTES = 4 * 1024 * 1024

TEXT, MAP = "text", "map"

# What no document of ours holds: our texts hold strings, the map scalars (lib0's `any`), and
# updates carry deletions. An embed or a format mark in a text takes a position its string
# does not show (an embed of "" reads as an empty insert), so the room's undo of unsaveable
# words (rooms.py) would miss by one and leave the others' documents unlike its own; nested
# types and sub-documents would grow it unseen.
FOREIGN_CONTENT = frozenset(
    {updates.JSON, updates.BINARY, updates.EMBED, updates.FORMAT, updates.TYPE, updates.DOC}
)


def roots_of(kind: str) -> dict[str, str]:
    """The root types a document of this section kind has, by name: a section's body and
    fields; an amendment's fields and a text for each free-text field (its body stays, empty
    but for amendments first opened read-only: documents.py)."""
    roots = {documents.BODY: TEXT, documents.FIELDS: MAP}
    if kind == "amendment":
        roots |= {documents.AMENDMENT_PREFIX + name: TEXT for name in documents.AMENDMENT_TEXTS}
    return roots


class Behind(Exception):
    """The update follows clocks of its sender that the document lacks. Yjs would keep it
    waiting for them; yrs takes it at once after a placeholder for them, without counting it
    in its state vector (so its transaction's update, all the room passes on and looks at for
    unsaveable words, leaves it out) and, when they do arrive, puts them after it where a
    reload puts them before. So the room asks its sender for all it lacks instead (a sync step
    1, which an editor answers at any time with everything since): the words come again, with
    what they follow."""


@dataclass(frozen=True)
class Refusal:
    """What stands in for a refused update: `everyone`, applied to the document and sent to
    all; `sender`, sent to the person who sent it (their editor deletes what it had typed)."""

    everyone: bytes
    sender: bytes


class Guard:
    """One room's check of updates from its people (the room holds its lock while asking)."""

    def __init__(self, doc: Doc, kind: str, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES) -> None:
        self.roots = roots_of(kind)
        self.max_bytes = max_bytes
        self.estimate = len(doc.get_update())
        self.pending = 0  # bytes of updates applied but waiting for what they follow
        self.refusals = 0  # updates refused so far
        self.empty: dict[int, list[tuple[int, int]]] = {}  # clocks refusals left empty
        self._waiting: dict[int, int] = {}  # client -> the clock they wait to reach

    def check(self, doc: Doc, update: bytes) -> tuple[updates.Update, Refusal | None]:
        """The update read, and None if the document may take it, or else what to apply and
        send in its place. ValueError if it is no update; Behind if it follows what the
        document lacks of its sender."""
        parsed = updates.read(update)
        known = updates.state_vector(doc.get_state())
        updates.check_references(parsed, known)
        if updates.after_gap(parsed, known):
            raise Behind
        if (
            not self._misplaced(parsed)
            and not updates.after_empty(parsed, self.empty, known)
            and not (_grows(parsed, known) and self._too_big(doc, len(update)))
        ):
            updates.check_splits(parsed, known)  # what would be applied
            return parsed, None
        self.refusals += 1
        ranges = updates.reach(parsed.structs, known)
        for_sender = updates.tombstones(ranges, parsed.deleted)
        if self.estimate + self.pending + len(for_sender) > self.max_bytes:
            # No room even for the clocks of people new to the document (a run of them
            # merges into the last for people it knows): those are refused to the sender
            # alone, whose later edits then wait for them, and are refused in turn.
            ranges = {client: run for client, run in ranges.items() if run[0] > 0}
        texts = [name for name, shape in self.roots.items() if shape == TEXT]
        everyone = updates.stand_ins(
            ranges, parsed.structs, parsed.deleted, texts, known, self.empty
        )
        return parsed, Refusal(everyone, for_sender)

    def applied(self, doc: Doc, parsed: updates.Update, size: int) -> None:
        """After an update was applied: count it, and whatever of it waits."""
        self.estimate += size
        if not parsed.structs and not parsed.deleted:
            return
        known = updates.state_vector(doc.get_state())
        waiting = _beyond(parsed, known)
        if waiting:
            self.pending += size
            for client, clock in waiting.items():
                self._waiting[client] = max(clock, self._waiting.get(client, 0))
        elif self._waiting and all(known.get(c, 0) >= at for c, at in self._waiting.items()):
            self.pending, self._waiting = 0, {}

    def grew(self, size: int) -> None:
        """An update from elsewhere (another instance, the database) was applied."""
        self.estimate += size

    def _misplaced(self, parsed: updates.Update) -> bool:
        for item in parsed.structs:
            if item.content in FOREIGN_CONTENT or item.parent_id:
                return True
            if item.parent is not None:
                shape = self.roots.get(item.parent)
                if shape is None or (shape == MAP) != item.parent_sub:
                    return True
        return False

    def _too_big(self, doc: Doc, size: int) -> bool:
        if self.estimate + self.pending + size <= self.max_bytes:
            return False
        self.estimate = len(doc.get_update())
        return self.estimate + self.pending + size > self.max_bytes


def _grows(parsed: updates.Update, known: dict[int, int]) -> bool:
    """Whether the update holds anything the document lacks (not only deletions of what it
    has, which anyone may always make, however large the document)."""
    return bool(_beyond(parsed, known, stop_at_first=True))


def _beyond(
    parsed: updates.Update, known: dict[int, int], stop_at_first: bool = False
) -> dict[int, int]:
    """Client -> the furthest clock the update's structs or deletions reach beyond `known`."""
    beyond: dict[int, int] = {}
    ends = [(s.client, s.end) for s in parsed.structs if s.content != updates.SKIP]
    ends += [(c, clock + n) for c, spans in parsed.deleted.items() for clock, n in spans]
    for client, end in ends:
        if end > known.get(client, 0):
            beyond[client] = max(end, beyond.get(client, 0))
            if stop_at_first:
                break
    return beyond
