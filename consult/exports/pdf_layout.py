"""The PDF export's own layout: the signatories annex, the page furniture and the joining.

The annex is pre-paginated: every entry is measured first ("Name, affiliation", one line of
fixed height, or, when wider than its column, wrapped at spaces onto further indented lines,
never cut; the whole text is then also the structure element's ActualText), so the names per
page are known before anything is drawn, and a page costs a few string joins instead of a
WeasyPrint layout. Its first page is the body's last page, below the annex heading that
WeasyPrint laid out in a block of fixed height.

`finish` then appends, as one incremental update to WeasyPrint's bytes: the running header,
"Page X of Y" footer and DRAFT mark on every page (as artifacts, so assistive technology skips
them), the annex pages, the fonts they use, and the annex's structure elements (headings, a
list of list items per group) attached to the body's structure tree, with their parent-tree
entries, and bookmarks for the groups (and, in long lists, their initial letters): the joined
file is one tagged document."""

from __future__ import annotations

import hashlib
import math
import unicodedata
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

from consult.exports.document import Document, Signatories
from consult.exports.pdf_fonts import Run, TextSet
from consult.exports.pdf_objects import ObjectWriter, pdf_string

MM = 72 / 25.4


@dataclass(frozen=True)
class PageGeometry:
    """A4 and its margins, shared by the print template and the drawing here."""

    width_mm: float = 210
    height_mm: float = 297
    top_mm: float = 25
    right_mm: float = 22
    bottom_mm: float = 25
    left_mm: float = 22
    annex_opening_mm: float = 34  # the annex heading's block on the body's last page

    @property
    def width(self) -> float:
        return self.width_mm * MM

    @property
    def height(self) -> float:
        return self.height_mm * MM

    @property
    def left(self) -> float:
        return self.left_mm * MM

    @property
    def right(self) -> float:
        return (self.width_mm - self.right_mm) * MM

    @property
    def top(self) -> float:
        return (self.height_mm - self.top_mm) * MM

    @property
    def content_height(self) -> float:
        return (self.height_mm - self.top_mm - self.bottom_mm) * MM


PAGE = PageGeometry()
NAME_SIZE = 11.0
LEADING = 15.0
BASELINE = 11.5  # from the top of a line to its baseline
HEADING_SIZE = 12.5
HEADING_LINES = 2
COLUMNS = 2
GUTTER = 8 * MM
COLUMN_WIDTH = (PAGE.right - PAGE.left - GUTTER * (COLUMNS - 1)) / COLUMNS
INDENT = 4 * MM  # an entry's further lines, so that where each entry starts stands out
FURNITURE_SIZE = 9.0
LETTER_BOOKMARKS = 300  # groups this long get a bookmark per initial letter
WATERMARK_SIZE = 120.0
INK, MUTED, ACCENT = "0.106 0.122 0.141 rg", "0.333 0.365 0.4 rg", "0.122 0.227 0.373 rg"


@dataclass
class Item:
    """One marked, tagged piece of an annex page: a group heading or note, or one entry."""

    group: int  # index into AnnexLayout.groups
    ops: str  # content operators, drawn inside the item's marked-content sequence
    actual_text: str | None = None  # the whole entry, when its lines do not read as it does


@dataclass
class Bookmark:
    """An outline entry of the annex: a group, with its initial letters in long lists."""

    title: str
    page: int  # index into AnnexLayout.pages
    top: float
    letters: list[Bookmark] = field(default_factory=list)


@dataclass
class AnnexLayout:
    groups: list[str]  # structure type per group: "H3", "L" (of entries) or "P"
    pages: list[list[Item]]  # pages[0] is drawn on the body's last page
    bookmarks: list[Bookmark] = field(default_factory=list)
    regular: TextSet = field(default_factory=lambda: TextSet("regular"))
    bold: TextSet = field(default_factory=lambda: TextSet("bold"))


def lay_out_annex(signatories: Signatories) -> AnnexLayout:
    """Organisations, then individuals with their affiliation, in columns filled top to
    bottom; then how many signed without being named."""
    layout = AnnexLayout(groups=[], pages=[[]])
    first_lines = int((PAGE.content_height - PAGE.annex_opening_mm * MM) / LEADING)
    full_lines = int(PAGE.content_height / LEADING)
    state = {"line": 0, "capacity": first_lines, "top": PAGE.top - PAGE.annex_opening_mm * MM}

    def new_page() -> None:
        layout.pages.append([])
        state.update(line=0, capacity=full_lines, top=PAGE.top)

    def baseline(line: int) -> float:
        return state["top"] - line * LEADING - BASELINE

    sections = []
    if signatories.organisations:
        count = len(signatories.organisations)
        sections.append(
            (f"Organisations ({count:,})", [(n, "") for n in signatories.organisations])
        )
    if signatories.people:
        sections.append((f"Individuals ({len(signatories.people):,})", signatories.people))
    for title, people in sections:
        if state["capacity"] - state["line"] < HEADING_LINES + 1:
            new_page()
        runs, _ = layout.bold.fit(title, HEADING_SIZE, PAGE.right - PAGE.left)
        bookmark = Bookmark(title, len(layout.pages) - 1, baseline(state["line"]) + 12)
        layout.bookmarks.append(bookmark)
        letter = None
        layout.groups.append("H3")
        layout.pages[-1].append(
            Item(
                len(layout.groups) - 1,
                f"BT 1 0 0 1 {PAGE.left:.2f} {baseline(state['line'] + 1) + 2:.2f} Tm {ACCENT} "
                f"{layout.bold.show(runs, HEADING_SIZE)} ET",
            )
        )
        state["line"] += HEADING_LINES
        layout.groups.append("L")
        group = len(layout.groups) - 1
        entries = [annex_entry(layout.regular, name, affiliation) for name, affiliation in people]
        # Lines still to place from each entry on: the last page's columns are balanced.
        remaining = list(accumulate((len(entry.lines) for entry in reversed(entries)), initial=0))
        remaining.reverse()
        done = 0
        while done < len(entries):
            if state["line"] >= state["capacity"]:
                new_page()
            available = state["capacity"] - state["line"]
            rows = _column_height(entries, done, available, remaining[done])
            ends = _columns(entries, done, rows, rows == full_lines)
            if ends[-1] == done:  # not even the next entry fits below what is on this page
                new_page()
                continue
            for column, end in enumerate(ends):
                x = PAGE.left + column * (COLUMN_WIDTH + GUTTER)
                row = 0
                for index in range(done, end):
                    name = people[index][0]
                    initial = name[:1].upper() if name[:1].isalpha() else "#"
                    if len(entries) >= LETTER_BOOKMARKS and initial != letter:
                        top = baseline(state["line"] + row) + 11
                        bookmark.letters.append(Bookmark(initial, len(layout.pages) - 1, top))
                        letter = initial
                    top = baseline(state["line"] + row)
                    layout.pages[-1].append(_draw(group, entries[index], x, top))
                    row += len(entries[index].lines)
                done = end
            state["line"] += rows
        state["line"] += 1
    others = signatories.confirmed_total - len(signatories.organisations) - len(signatories.people)
    if others > 0:
        if state["line"] >= state["capacity"]:
            new_page()
        text = f"And {others:,} other{'s' if others != 1 else ''} who signed without being named."
        runs, _ = layout.regular.fit(text, NAME_SIZE, PAGE.right - PAGE.left)
        layout.groups.append("P")
        layout.pages[-1].append(
            Item(
                len(layout.groups) - 1,
                f"BT 1 0 0 1 {PAGE.left:.2f} {baseline(state['line']):.2f} Tm {INK} "
                f"{layout.regular.show(runs, NAME_SIZE)} ET",
            )
        )
    return layout


def _columns(entries: list[Entry], start: int, height: int, fresh: bool) -> list[int]:
    """Where each column of `height` lines ends, filled from entry `start` on in order (an
    entry never breaks across columns). An entry taller than a column is given a column of
    its own only on a `fresh` page, where waiting would not help; elsewhere it waits."""
    ends, index = [], start
    for _ in range(COLUMNS):
        row = 0
        while index < len(entries) and (
            row + len(entries[index].lines) <= height or (row == 0 and fresh)
        ):
            row += len(entries[index].lines)
            index += 1
        ends.append(index)
    return ends


def _column_height(entries: list[Entry], start: int, available: int, lines_left: int) -> int:
    """How many lines each column of this page takes, from entry `start` on: all `available`
    ones, or, when the rest fits on this page, the fewest that hold it (balanced columns)."""
    fresh = available == int(PAGE.content_height / LEADING)
    if lines_left > available * COLUMNS or _columns(entries, start, available, fresh)[-1] < len(
        entries
    ):
        return available
    height = max(math.ceil(lines_left / COLUMNS), 1)
    while _columns(entries, start, height, fresh and height == available)[-1] < len(entries):
        height += 1
    return height


class Entry(NamedTuple):
    """One signatory, measured and drawn but not yet placed: the operators that draw each of
    its lines at the current text position, and the whole entry's text when the lines do not
    give it as it reads (wrapped, right to left, or beyond the bundled fonts). Only strings
    in a tuple: 50,000 of them waiting to be placed give the garbage collector nothing to
    walk, as the runs they were made from would."""

    lines: tuple[str, ...]
    actual_text: str | None


def annex_entry(text: TextSet, name: str, affiliation: str) -> Entry:
    """The name, then ", affiliation" in grey (see `entry_lines`), ready to be placed."""
    lines, right_to_left = entry_lines(text, name, affiliation)
    drawn = []
    for ink, grey in lines:
        ops = f"{INK} {text.show(ink, NAME_SIZE)}" if ink else ""
        if grey:
            ops += f"{' ' if ops else ''}{MUTED} {text.show(grey, NAME_SIZE)}"
        drawn.append(ops)
    # Wrapped, drawn right to left, or holding characters no bundled font has: assistive
    # technology and copying get the whole entry, in reading order, from the structure element.
    missing = any("0000" in run.hexes for ink, grey in lines for run in (*ink, *grey))
    if len(lines) > 1 or missing or right_to_left:
        return Entry(tuple(drawn), f"{name}, {affiliation}" if affiliation else name)
    return Entry(tuple(drawn), None)


def entry_lines(
    text: TextSet, name: str, affiliation: str
) -> tuple[list[tuple[list[Run], list[Run]]], bool]:
    """The runs of each line of an entry, as (name's, affiliation's), and whether the name is
    drawn right to left. One line when it fits (nearly always, and cheaply: one measurement of
    each), else wrapped onto further lines, indented. Nothing is ever cut."""
    name_runs, name_width = text.measure(name)
    extra = f", {affiliation}" if affiliation else ""
    extra_runs, extra_width = text.measure(extra, remember=True) if extra else ([], 0)
    if name_width + extra_width <= COLUMN_WIDTH * 1000 / NAME_SIZE:
        lines = [(name_runs, extra_runs)]
    else:
        lines = _wrap(name_runs, extra_runs)
    right_to_left = _right_to_left(name)
    if right_to_left:
        lines = [(_reversed(ink), grey) for ink, grey in lines]
    return lines, right_to_left


def _wrap(ink: list[Run], grey: list[Run]) -> list[tuple[list[Run], list[Run]]]:
    """The measured runs broken into lines that fit the column (the first full width, the
    others indented): after a space, or inside a word only when the word alone is wider than
    a line (never before a combining mark). From the widths already measured: nothing is
    measured again."""
    chars = [char for run in (*ink, *grey) for char in run.chars]
    widths = [width for run in (*ink, *grey) for width in run.widths]
    limit = COLUMN_WIDTH * 1000 / NAME_SIZE
    starts = [0]  # where each line starts, as an index into `chars`
    width = 0
    opportunity = None  # the latest place to break after a space on this line
    for index, char in enumerate(chars):
        if char == " ":
            width += widths[index]
            continue
        if index > starts[-1] and chars[index - 1] == " ":
            opportunity, opportunity_width = index, width
        if width + widths[index] > limit and index > starts[-1]:
            if opportunity is not None:
                starts.append(opportunity)
                width -= opportunity_width
            elif not unicodedata.combining(char):
                starts.append(index)
                width = 0
            opportunity = None
            limit = (COLUMN_WIDTH - INDENT) * 1000 / NAME_SIZE
        width += widths[index]
    ends = [*starts[1:], len(chars)]
    split = sum(len(run.chars) for run in ink)
    lines = []
    for start, end in zip(starts, ends, strict=True):
        while end > start and chars[end - 1] == " ":
            end -= 1  # spaces at a line's end are not drawn
        lines.append(
            (_slice(ink, start, min(end, split)), _slice(grey, start - split, end - split))
        )
    return lines


def _slice(runs: list[Run], start: int, end: int) -> list[Run]:
    """The characters `start` to `end` of `runs` (counted across them), as runs."""
    sliced, offset = [], 0
    for run in runs:
        low, high = max(start - offset, 0), min(end - offset, len(run.chars))
        if low < high:
            part = Run(run.face)
            part.chars, part.hexes = run.chars[low:high], run.hexes[low:high]
            part.widths = run.widths[low:high]
            sliced.append(part)
        offset += len(run.chars)
    return sliced


def _draw(group: int, entry: Entry, x: float, y: float) -> Item:
    """The entry's lines at `x`, the first on baseline `y`, the later ones indented below."""
    first, *more = entry.lines
    ops = f"BT 1 0 0 1 {x:.2f} {y:.2f} Tm {first} ET"
    for index, line in enumerate(more, start=1):
        ops += f" BT 1 0 0 1 {x + INDENT:.2f} {y - index * LEADING:.2f} Tm {line} ET"
    return Item(group, ops, entry.actual_text)


def _right_to_left(text: str) -> bool:
    """A name written only in right-to-left scripts (Hebrew, Arabic): drawn in reverse order,
    so it reads right to left (without shaping, Arabic letters are not joined)."""
    classes = {unicodedata.bidirectional(char) for char in text}
    return bool(classes & {"R", "AL"}) and "L" not in classes


def _reversed(runs: list[Run]) -> list[Run]:
    flipped = []
    for run in reversed(runs):
        copy = Run(run.face)
        copy.chars, copy.hexes, copy.widths = run.chars[::-1], run.hexes[::-1], run.widths[::-1]
        flipped.append(copy)
    return flipped


# --- page furniture ---------------------------------------------------------------------------


def _furniture(document: Document, index: int, total: int, regular: TextSet) -> str:
    """Running header (not on the first page) and footer (not on a cover), as artifacts."""
    ops = []
    if index > 0:
        runs, _ = regular.fit(document.title, FURNITURE_SIZE, (PAGE.right - PAGE.left) * 0.8)
        y = PAGE.height - 14 * MM
        ops.append(
            "/Artifact <</Type/Pagination/Subtype/Header>> BDC "
            f"BT 1 0 0 1 {PAGE.left:.2f} {y:.2f} Tm {MUTED} "
            f"{regular.show(runs, FURNITURE_SIZE)} ET "
            f"q 0.79 0.82 0.86 RG 0.6 w {PAGE.left:.2f} {y - 6:.2f} m "
            f"{PAGE.right:.2f} {y - 6:.2f} l S Q EMC"
        )
    if index > 0 or not document.cover_page:
        y = 14 * MM
        if document.draft:
            left = "Draft, not for submission"
        elif document.fingerprint:
            left = f"Version {document.version_number} · fingerprint {document.fingerprint[:12]}"
        else:
            left = document.organisation
        runs, _ = regular.fit(left, FURNITURE_SIZE, (PAGE.right - PAGE.left) * 0.6)
        footer = (
            f"BT 1 0 0 1 {PAGE.left:.2f} {y:.2f} Tm {MUTED} {regular.show(runs, FURNITURE_SIZE)} ET"
        )
        if document.page_numbers:
            number_runs, width = regular.measure(f"Page {index + 1} of {total}")
            x = PAGE.right - width * FURNITURE_SIZE / 1000
            footer += (
                f" BT 1 0 0 1 {x:.2f} {y:.2f} Tm {INK} "
                f"{regular.show(number_runs, FURNITURE_SIZE)} ET"
            )
        ops.append(f"/Artifact <</Type/Pagination/Subtype/Footer>> BDC {footer} EMC")
    return "\n".join(ops)


def _watermark(bold: TextSet) -> str:
    """DRAFT across the page, behind the content, as an artifact."""
    runs, width = bold.measure("DRAFT")
    angle = math.radians(50)
    cos, sin = math.cos(angle), math.sin(angle)
    half_w, half_h = width * WATERMARK_SIZE / 2000, WATERMARK_SIZE * 0.35
    x = PAGE.width / 2 - half_w * cos + half_h * sin
    y = PAGE.height / 2 - half_w * sin - half_h * cos
    return (
        "/Artifact <</Type/Pagination/Subtype/Watermark>> BDC q BT "
        f"{cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x:.2f} {y:.2f} Tm 0.9 0.9 0.9 rg "
        f"{bold.show(runs, WATERMARK_SIZE)} ET Q EMC\n"
    )


# --- joining ----------------------------------------------------------------------------------


def _bookmark_groups(
    writer: ObjectWriter, chain: list[dict], bookmarks: list[Bookmark], page_numbers: list[int]
) -> None:
    """Bookmarks for the annex's groups (their letters folded in), under the annex's own
    bookmark (chain[0]); the counts of the open bookmarks above it grow by as many."""
    if not chain or not bookmarks or chain[0]["first"] is not None:
        return
    first, last = _outline_items(writer, chain[0]["number"], bookmarks, page_numbers)
    added = len(bookmarks)
    annex = chain[0]
    writer.replace(
        annex["number"],
        _dictionary(annex["entries"], First=first, Last=last, Count=str(added)),
    )
    for ancestor in chain[1:]:
        count = ancestor["count"]
        children = {"First": ancestor["first"], "Last": ancestor["last"]}
        writer.replace(
            ancestor["number"],
            _dictionary(
                ancestor["entries"],
                **{key: value for key, value in children.items() if value},
                Count=str(count + added if count >= 0 else count - added),
            ),
        )
        if count < 0:  # a closed bookmark: what is above it does not see the new ones
            break


def _outline_items(
    writer: ObjectWriter, parent: int, bookmarks: list[Bookmark], page_numbers: list[int]
) -> tuple[str, str]:
    """Write sibling outline items (each group's letters below it, folded); return the
    references of the first and the last."""
    numbers = [writer.reserve() for _ in bookmarks]
    for index, bookmark in enumerate(bookmarks):
        links = f"/Prev {numbers[index - 1]} 0 R" if index else ""
        links += f"/Next {numbers[index + 1]} 0 R" if index + 1 < len(bookmarks) else ""
        if bookmark.letters:
            first, last = _outline_items(writer, numbers[index], bookmark.letters, page_numbers)
            links += f"/First {first}/Last {last}/Count {-len(bookmark.letters)}"
        writer.add(
            f"<</Title{pdf_string(bookmark.title)}/Parent {parent} 0 R{links}"
            f"/Dest[{page_numbers[bookmark.page]} 0 R/XYZ {PAGE.left:.2f} {bookmark.top:.2f} 0]>>",
            numbers[index],
        )
    return f"{numbers[0]} 0 R", f"{numbers[-1]} 0 R"


def _dictionary(entries: dict[str, str], **extra: str) -> bytes:
    items = {**entries, **extra}
    return ("<<" + "".join(f"/{key} {value}" for key, value in items.items()) + ">>").encode(
        "latin-1"
    )


def finish(body: bytes, layout: dict, document: Document, annex: AnnexLayout | None) -> bytes:
    """WeasyPrint's body (described by pdf_worker.describe_body) with page furniture on
    every page and the annex appended, as one incremental update."""
    writer = ObjectWriter(body)
    annex = annex or AnnexLayout(groups=[], pages=[[]])
    regular, bold = annex.regular, annex.bold
    body_pages = layout["pages"]
    total = len(body_pages) + len(annex.pages) - 1

    # Content first (it records the glyphs used), fonts after.
    watermark = _watermark(bold) if document.draft else ""
    furniture = [_furniture(document, index, total, regular) for index in range(total)]

    nums = layout["parent_tree"]["nums"]
    last_key = body_pages[-1]["struct_parents"]
    last_count = next(count for key, _, count in nums if key == last_key)
    next_key = max(key for key, _, _ in nums) + 1
    holder_number = layout["holder"]["number"]

    # The annex: marked content on its pages, one structure element per group and entry.
    page_numbers = [body_pages[-1]["number"]] + [writer.reserve() for _ in annex.pages[1:]]
    group_numbers = [writer.reserve() for _ in annex.groups]
    group_kids: list[list[str]] = [[] for _ in annex.groups]
    streams: list[str] = []
    parent_entries: list[list[int]] = []
    for page_index, items in enumerate(annex.pages):
        mcid = last_count if page_index == 0 else 0
        page_ref = f"{page_numbers[page_index]} 0 R"
        marked, parents = [], []
        for item in items:
            tag = annex.groups[item.group]
            if tag == "L":
                item_number, body_number = writer.reserve(), writer.reserve()
                actual = f"/ActualText{pdf_string(item.actual_text)}" if item.actual_text else ""
                writer.add(
                    f"<</Type/StructElem/S/LI/P {group_numbers[item.group]} 0 R"
                    f"/K[{body_number} 0 R]>>",
                    item_number,
                )
                writer.add(
                    f"<</Type/StructElem/S/LBody/P {item_number} 0 R/Pg {page_ref}"
                    f"/K {mcid}{actual}>>",
                    body_number,
                )
                group_kids[item.group].append(f"{item_number} 0 R")
                parents.append(body_number)
                tag = "LBody"
            else:
                group_kids[item.group].append(f"<</Type/MCR/Pg {page_ref}/MCID {mcid}>>")
                parents.append(group_numbers[item.group])
            marked.append(f"/{tag} <</MCID {mcid}>> BDC {item.ops} EMC")
            mcid += 1
        streams.append("\n".join(marked))
        parent_entries.append(parents)
    for number, tag, kids in zip(group_numbers, annex.groups, group_kids, strict=True):
        writer.add(
            f"<</Type/StructElem/S/{tag}/P {holder_number} 0 R/K[{' '.join(kids)}]>>", number
        )

    fonts = {**regular.embed(writer), **bold.embed(writer)}
    font_entries = "".join(f"/{name} {number} 0 R" for name, number in sorted(fonts.items()))
    prefix = writer.stream(("q\n" + watermark + "q\n").encode())

    # Body pages: furniture after the content (and the annex's first names on the last page).
    for index, page in enumerate(body_pages):
        extra = furniture[index] + ("\n" + streams[0] if index == len(body_pages) - 1 else "")
        suffix = writer.stream(("Q\nQ\n" + extra).encode())
        contents = page["contents"].strip()
        old = contents[1:-1] if contents.startswith("[") else contents
        writer.replace(
            page["number"],
            _dictionary(page["entries"], Contents=f"[{prefix} 0 R {old} {suffix} 0 R]"),
        )
    for number, resources in layout["resources"].items():
        if resources.get("is_font_dict"):  # shared by the pages: add ours to it
            writer.replace(
                int(number), _dictionary(resources["entries"])[:-2] + font_entries.encode() + b">>"
            )
        elif "fonts" in resources:
            theirs = "".join(f"/{k} {v}" for k, v in resources["fonts"].items())
            writer.replace(
                int(number),
                _dictionary(resources["entries"], Font=f"<<{theirs}{font_entries}>>"),
            )

    # The annex's own pages.
    resources_number = writer.add(f"<</Font<<{font_entries}>>/ProcSet[/PDF/Text]>>")
    new_keys = []
    for offset, (number, stream) in enumerate(zip(page_numbers[1:], streams[1:], strict=True)):
        key = next_key + offset
        new_keys.append(key)
        content = writer.stream(
            (watermark + stream + "\n" + furniture[len(body_pages) + offset]).encode()
        )
        writer.add(
            f"<</Type/Page/Parent {layout['pages_root']} 0 R/MediaBox[0 0 {PAGE.width:.2f} "
            f"{PAGE.height:.2f}]/Resources {resources_number} 0 R/Contents {content} 0 R"
            f"/StructParents {key}/Tabs/S>>",
            number,
        )

    # The page tree, the structure tree and the parent tree.
    kids = " ".join(f"{n} 0 R" for n in [p["number"] for p in body_pages] + page_numbers[1:])
    writer.replace(
        layout["pages_root"],
        _dictionary(layout["pages_entries"], Kids=f"[{kids}]", Count=str(total)),
    )
    holder_kids = " ".join(layout["holder"]["kids"] + [f"{n} 0 R" for n in group_numbers])
    writer.replace(holder_number, _dictionary(layout["holder"]["entries"], K=f"[{holder_kids}]"))
    entries = []
    for key, value, _ in nums:
        if key == last_key and parent_entries[0]:
            value = value.rstrip()[:-1] + "".join(f" {n} 0 R" for n in parent_entries[0]) + "]"
        entries.append(f"{key} {value}")
    for key, parents in zip(new_keys, parent_entries[1:], strict=True):
        entries.append(f"{key} [{' '.join(f'{n} 0 R' for n in parents)}]")
    writer.replace(
        layout["parent_tree"]["number"], f"<</Nums[{' '.join(entries)}]>>".encode("latin-1")
    )

    _bookmark_groups(writer, layout["outline"], annex.bookmarks, page_numbers)

    identifier = layout["identifier"]
    update = hashlib.sha256(
        (identifier + "".join(furniture) + "".join(streams)).encode()
    ).hexdigest()[:32]
    return writer.write_update(update)
