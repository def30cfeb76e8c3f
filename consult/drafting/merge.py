"""Three-way merge of section texts (merge3), by line: a paragraph typed in the editor is one
line, and paragraphs are separated by blank lines, so edits to different paragraphs merge
and edits to the same paragraph conflict.

How a text is compared:
- Line endings are normalised first (CRLF and lone CR become LF), so a browser that sends CRLF
  does not turn every line into a change.
- The units are the lines that hold text. The blank lines after a line are its separator, not
  units of their own: a blank line matches every other blank line, so a matcher anchored on
  them can pair the wrong passages and read "deleted paragraph 2" as "rewrote paragraph 0
  into paragraph 2", which would quietly bring back a paragraph someone else deleted.
  A unit is compared as its text plus the kind of break after it (a line break, as inside a
  list, or a paragraph break), so turning a list into paragraphs still counts as a change.
- What comes before the first line and after the last (leading blank lines, the final
  newline) is merged on its own, as a three-way value.
- Changes that merge3 calls a conflict only because they are neighbours (a deleted paragraph
  next to an edited one, a paragraph added after one that someone else edited) are settled
  line by line when their order is not in doubt (see `_settle`). Changes to the same line,
  and lines added at the same place by both, stay conflicts.

The line matcher runs without difflib's "autojunk" heuristic (which ignores the most common
lines) unless the texts are far longer than any real section (see `_LineMatcher`)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from merge3 import Merge3

EXACT_LIMIT = 250_000  # line pairs (500 lines against 500) compared without shortcuts


@dataclass(frozen=True)
class MergeResult:
    clean: bool
    body: str | None  # the merged text when clean
    choice: str | None


class _LineMatcher(difflib.SequenceMatcher):
    """difflib's matcher, exact (no "autojunk") for texts of ordinary size. Exactness costs
    time that grows with the square of the number of lines when lines repeat (thousands of
    "-" lines): beyond EXACT_LIMIT pairs the usual heuristic, which ignores very common
    lines, keeps a hostile 200,000-character text from taking minutes."""

    def __init__(self, isjunk=None, a="", b="", autojunk=False):
        super().__init__(isjunk, a, b, autojunk=len(a) * len(b) > EXACT_LIMIT)


def normalise_newlines(text: str | None) -> str:
    """CRLF and lone CR become LF: the one form stored and compared."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class _Text:
    """A text as units: `lines[i]` is followed by `separators[i]` (its newline and any blank
    lines); `keys[i]` is what the merge compares."""

    prefix: str  # blank lines before the first line of text
    lines: list[str]
    separators: list[str]
    keys: list[str]

    @property
    def ending(self) -> str:
        return self.separators[-1] if self.separators else ""


def _parse(text: str) -> _Text:
    prefix: list[str] = []
    lines: list[str] = []
    separators: list[str] = []
    raw = text.split("\n")
    for index, line in enumerate(raw):
        newline = "" if index == len(raw) - 1 else "\n"
        if line.strip():
            lines.append(line)
            separators.append(newline)
        elif lines:
            separators[-1] += line + newline
        else:
            prefix.append(line + newline)
    last = len(lines) - 1
    keys = [
        line + ("\n" if separator == "\n" and index < last else "\n\n")
        for index, (line, separator) in enumerate(zip(lines, separators, strict=True))
    ]
    return _Text("".join(prefix), lines, separators, keys)


def _three_way(base: str, theirs: str, yours: str) -> str:
    """The value both changes agree on: whoever changed it wins; theirs if both did."""
    return yours if theirs == base else theirs


Change = tuple[int, int, tuple[str, ...]]  # base units [start, end) become these units


SIMILAR = 0.6  # lines at least this alike are one line edited, not one deleted, one added
_MOST_PAIRS = 400  # a changed passage larger than this (lines x lines) is not refined


def _similar(one: str, other: str) -> bool:
    matcher = difflib.SequenceMatcher(None, one, other, autojunk=False)
    return matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR


def _refine(base: list[str], other: list[str], i1: int, j1: int) -> list[tuple[int, int, int, int]]:
    """Split a replaced passage into smaller changes, pairing each edited line with the line
    it came from (the most such pairs, in order): "[p2, p3] became [p2']" is "p2 became p2'"
    and "p3 was deleted", so a deletion both people made is seen to be the same change."""
    rows, columns = len(base), len(other)
    if rows * columns > _MOST_PAIRS or rows + columns <= 2:
        return [(i1, i1 + rows, j1, j1 + columns)]
    alike = [[_similar(line, new) for new in other] for line in base]
    # best[i][j]: the most pairs within base[i:] and other[j:]
    best = [[0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(columns - 1, -1, -1):
            paired = best[i + 1][j + 1] + 1 if alike[i][j] else 0
            best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
    changes = []
    i = j = done_i = done_j = 0
    while i < rows and j < columns:
        if alike[i][j] and best[i][j] == best[i + 1][j + 1] + 1:
            if (done_i, done_j) != (i, j):  # unpaired lines before this pair
                changes.append((i1 + done_i, i1 + i, j1 + done_j, j1 + j))
            changes.append((i1 + i, i1 + i + 1, j1 + j, j1 + j + 1))
            i, j = done_i, done_j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    if (done_i, done_j) != (rows, columns):
        changes.append((i1 + done_i, i1 + rows, j1 + done_j, j1 + columns))
    return changes


def _changes(base: list[str], other: list[str]) -> list[tuple[int, int, int, int]]:
    """(start, end, other_start, other_end) for each change from base to other, replaced
    passages split into edited, deleted and added lines."""
    matcher = _LineMatcher(None, base, other)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            changes.extend(_refine(base[i1:i2], other[j1:j2], i1, j1))
        elif tag != "equal":
            changes.append((i1, i2, j1, j2))
    return changes


def _clash(one: Change, other: Change) -> bool:
    """Do two changes (from different people) touch the same lines, or leave the order of
    added lines in doubt?"""
    if one[0] < other[1] and other[0] < one[1]:
        return True  # overlapping lines
    for insertion, neighbour in ((one, other), (other, one)):
        start, end, lines = neighbour
        touches = insertion[0] == insertion[1] and insertion[0] in (start, end)
        # Lines added right beside another change: in order only when that change just
        # edited or removed lines; if it added lines too, whose go first is unknown.
        if touches and (start == end or len(lines) > end - start):
            return True
    return False


def _settle(
    base: list[str], theirs: list[str], yours: list[str]
) -> list[tuple[str, int, int]] | None:
    """Settle a clash that merge3 reports only because two changes are neighbours, not
    because they touch the same lines: someone deletes a paragraph while someone else edits
    the next one, or adds a paragraph at the end while someone else polishes the last one.
    Returns the merged passage as pieces (side, start, end) of "base", "theirs" or "yours",
    or None for a real conflict."""
    changes: dict[Change, tuple[str, int, int]] = {}
    for side, units in (("theirs", theirs), ("yours", yours)):
        for start, end, j1, j2 in _changes(base, units):
            # The same change made by both counts once.
            changes.setdefault((start, end, tuple(units[j1:j2])), (side, j1, j2))
    items = list(changes.items())
    for index, (one, (side, _, _)) in enumerate(items):
        for other, (other_side, _, _) in items[index + 1 :]:
            if side != other_side and _clash(one, other):
                return None
    pieces: list[tuple[str, int, int]] = []
    position = 0
    for (start, end, _units), piece in sorted(items, key=lambda item: item[0][:2]):
        if position < start:
            pieces.append(("base", position, start))
        pieces.append(piece)
        position = end
    if position < len(base):
        pieces.append(("base", position, len(base)))
    return pieces


def merge_texts(base: str, theirs: str, yours: str) -> str | None:
    """The merged text, or None when the same lines were changed differently."""
    base, theirs, yours = (normalise_newlines(text) for text in (base, theirs, yours))
    if theirs == yours or yours == base:
        return theirs
    if theirs == base:
        return yours
    texts = {"base": _parse(base), "theirs": _parse(theirs), "yours": _parse(yours)}
    # (line, separator, whether it was the last line of its text)
    merged: list[tuple[str, str, bool]] = []

    def take(side: str, start: int, end: int) -> None:
        text = texts[side]
        for index in range(start, end):
            last = index == len(text.lines) - 1
            merged.append((text.lines[index], text.separators[index], last))

    merger = Merge3(
        texts["base"].keys,
        texts["theirs"].keys,
        texts["yours"].keys,
        sequence_matcher=_LineMatcher,
    )
    for region in merger.merge_regions():
        kind = region[0]
        if kind == "unchanged":
            take("base", region[1], region[2])
        elif kind in ("a", "same"):
            take("theirs", region[1], region[2])
        elif kind == "b":
            take("yours", region[1], region[2])
        else:
            _, z1, z2, a1, a2, b1, b2 = region
            pieces = _settle(
                texts["base"].keys[z1:z2],
                texts["theirs"].keys[a1:a2],
                texts["yours"].keys[b1:b2],
            )
            if pieces is None:
                return None
            offsets = {"base": z1, "theirs": a1, "yours": b1}
            for side, start, end in pieces:
                take(side, offsets[side] + start, offsets[side] + end)

    prefix, ending = (
        _three_way(*(getattr(texts[side], name) for side in ("base", "theirs", "yours")))
        for name in ("prefix", "ending")
    )
    parts = [prefix]
    for index, (line, separator, was_last) in enumerate(merged):
        if index == len(merged) - 1:
            separator = ending
        elif was_last or not separator:
            separator = "\n\n"  # it ended its own text; here more follows
        parts.append(line + separator)
    return "".join(parts)


def merge_choice(
    base: str | None, theirs: str | None, yours: str | None
) -> tuple[bool, str | None]:
    """Merge the closed answer of a question: (clean, choice)."""
    if yours in (base, theirs):
        return True, theirs
    if theirs == base:
        return True, yours
    return False, None


def merge(
    base: tuple[str, str | None],
    theirs: tuple[str, str | None],
    yours: tuple[str, str | None],
) -> MergeResult:
    """Merge (body, choice) pairs."""
    body = merge_texts(base[0], theirs[0], yours[0])
    choice_clean, choice = merge_choice(base[1], theirs[1], yours[1])
    if body is None or not choice_clean:
        return MergeResult(clean=False, body=None, choice=None)
    return MergeResult(clean=True, body=body, choice=choice)
