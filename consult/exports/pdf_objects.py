"""A small PDF object writer that appends an incremental update to an existing file.

The body of a PDF export is rendered (and cached) by WeasyPrint; the annex and the page
furniture are added by appending new and replaced objects after the original bytes, with a
cross-reference stream pointing back to the original one and a trailer that repeats the
original's entries, as ISO 32000-1 §7.5.6 asks. Of the original bytes only that trailer is
read; the rest is never parsed, only extended, so this costs little even for hundreds of annex
pages;
small objects go into compressed object streams (tens of thousands of structure elements
would otherwise take megabytes). Everything is written in a fixed order: the same input gives
the same bytes."""

from __future__ import annotations

import re
import zlib

OBJECTS_PER_STREAM = 500


def pdf_string(text: str) -> str:
    """A PDF text string (UTF-16BE with byte order mark, hex), safe for any character."""
    return "<feff" + text.encode("utf-16-be").hex() + ">"


# The entries of the previous trailer that an update's trailer repeats (ISO 32000-1 §7.5.6:
# all but /Prev; the cross-reference stream's own /Type, /Size, /Index, /W, /Length, /Filter
# and /DecodeParms describe that stream and are written anew, and so is /ID's second half).
CARRIED_ENTRIES = ("Root", "Info", "Encrypt")
_SPACE = b" \t\r\n\f\x00"
_DELIMITERS = b"()<>[]{}/%"
_REFERENCE = re.compile(rb"\s+(\d+)\s+R")


def _skip_space(data: bytes, at: int) -> int:
    while at < len(data):
        if data[at] in _SPACE:
            at += 1
        elif data[at : at + 1] == b"%":  # a comment, to the end of the line
            while at < len(data) and data[at] not in b"\r\n":
                at += 1
        else:
            break
    return at


def _object_end(data: bytes, at: int) -> int:
    """Where the PDF object that starts at `at` ends (one past its last byte)."""
    if data.startswith(b"<<", at):
        at = _skip_space(data, at + 2)
        while not data.startswith(b">>", at):
            at = _skip_space(data, _object_end(data, at))  # a key, then its value
            at = _skip_space(data, _value_end(data, at))
        return at + 2
    first = data[at : at + 1]
    if first == b"[":
        at = _skip_space(data, at + 1)
        while data[at : at + 1] != b"]":
            at = _skip_space(data, _value_end(data, at))
        return at + 1
    if first == b"(":  # a literal string: balanced parentheses, backslash escapes
        depth = 0
        while True:
            char = data[at : at + 1]
            if not char:
                raise ValueError("A literal string runs past the end of the file.")
            if char == b"\\":
                at += 2
                continue
            depth += {b"(": 1, b")": -1}.get(char, 0)
            at += 1
            if depth == 0:
                return at
    if first == b"<":  # a hexadecimal string
        return data.index(b">", at) + 1
    at += 1  # a name (after its slash), a number or a keyword
    while at < len(data) and data[at] not in _SPACE and data[at] not in _DELIMITERS:
        at += 1
    return at


def _value_end(data: bytes, at: int) -> int:
    """Like `_object_end`, reading "12 0 R" as one value (an indirect reference)."""
    end = _object_end(data, at)
    if data[at : at + 1].isdigit():
        reference = _REFERENCE.match(data, end)
        if reference:
            return reference.end()
    return end


def trailer_entries(pdf: bytes, xref_offset: int) -> dict[str, bytes]:
    """The top-level entries of the trailer at `xref_offset` (a cross-reference stream's
    dictionary, or a classic table's `trailer`), each value as it is written."""
    if pdf.startswith(b"xref", xref_offset):
        at = pdf.index(b"<<", pdf.index(b"trailer", xref_offset))
    else:
        at = pdf.index(b"<<", xref_offset)
    entries: dict[str, bytes] = {}
    at = _skip_space(pdf, at + 2)
    while not pdf.startswith(b">>", at):
        key_end = _object_end(pdf, at)
        value_start = _skip_space(pdf, key_end)
        value_end = _value_end(pdf, value_start)
        entries[pdf[at + 1 : key_end].decode("latin-1")] = pdf[value_start:value_end]
        at = _skip_space(pdf, value_end)
    return entries


def _first_identifier(value: bytes) -> bytes:
    """The first string of an /ID array, as written."""
    start = _skip_space(value, value.index(b"[") + 1)
    return value[start : _object_end(value, start)]


class ObjectWriter:
    """Collects new and replaced objects for one incremental update of `original`, new ones
    numbered from the original's /Size, and writes them after it."""

    def __init__(self, original: bytes) -> None:
        self.original = original
        self.previous_xref = int(original[original.rindex(b"startxref") + 9 :].split()[0])
        self.previous_trailer = trailer_entries(original, self.previous_xref)
        self.next_number = int(self.previous_trailer["Size"])
        self._plain: dict[int, bytes] = {}  # may go into object streams
        self._direct: dict[int, bytes] = {}  # streams and replaced objects: written in full

    def reserve(self) -> int:
        number = self.next_number
        self.next_number += 1
        return number

    def add(self, body: str | bytes, number: int | None = None) -> int:
        number = self.reserve() if number is None else number
        self._plain[number] = body.encode("latin-1") if isinstance(body, str) else body
        return number

    def replace(self, number: int, body: bytes) -> None:
        """Give an object of the original file a new value."""
        self._direct[number] = body

    def stream(self, data: bytes, extra: str = "", number: int | None = None) -> int:
        number = self.reserve() if number is None else number
        packed = zlib.compress(data, 6)
        self._direct[number] = (
            f"<</Length {len(packed)}/Filter/FlateDecode{extra}>>\nstream\n".encode()
            + packed
            + b"\nendstream"
        )
        return number

    def write_update(self, update_id: str) -> bytes:
        """The original bytes followed by this update. Its trailer repeats the original's
        catalogue, document information and encryption (readers such as qpdf read only the
        last trailer), and keeps the first half of the file identifier, the second being
        `update_id` (hex), as a changed file's should (ISO 32000-1 §14.4)."""
        out = bytearray(self.original)
        if not out.endswith(b"\n"):
            out += b"\n"
        offsets: dict[int, tuple[int, int, int]] = {}  # number -> (type, field 2, field 3)

        plain = sorted(self._plain.items())
        for start in range(0, len(plain), OBJECTS_PER_STREAM):
            chunk = plain[start : start + OBJECTS_PER_STREAM]
            header, bodies, position = [], [], 0
            for number, body in chunk:
                header.append(f"{number} {position}")
                bodies.append(body)
                position += len(body) + 1
            head = " ".join(header).encode() + b"\n"
            container = self.stream(
                head + b"\n".join(bodies) + b"\n",
                extra=f"/Type/ObjStm/N {len(chunk)}/First {len(head)}",
            )
            for index, (number, _) in enumerate(chunk):
                offsets[number] = (2, container, index)

        for number, body in sorted(self._direct.items()):
            offsets[number] = (1, len(out), 0)
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"

        xref_number = self.reserve()
        offsets[xref_number] = (1, len(out), 0)
        numbers = sorted(offsets)
        ranges: list[list[int]] = []
        for number in numbers:
            if ranges and ranges[-1][0] + ranges[-1][1] == number:
                ranges[-1][1] += 1
            else:
                ranges.append([number, 1])
        rows = b"".join(
            offsets[n][0].to_bytes(1, "big")
            + offsets[n][1].to_bytes(4, "big")
            + offsets[n][2].to_bytes(2, "big")
            for n in numbers
        )
        packed = zlib.compress(rows, 6)
        index = " ".join(f"{start} {count}" for start, count in ranges)
        carried = b"".join(
            b"/" + key.encode() + b" " + self.previous_trailer[key]
            for key in CARRIED_ENTRIES
            if key in self.previous_trailer
        )
        first_id = (
            _first_identifier(self.previous_trailer["ID"])
            if "ID" in self.previous_trailer
            else f"<{update_id}>".encode()
        )
        out += (
            f"{xref_number} 0 obj\n<</Type/XRef/Size {self.next_number}/Index[{index}]"
            f"/W[1 4 2]/Prev {self.previous_xref}"
        ).encode()
        out += carried + b"/ID[" + first_id + f"<{update_id}>]".encode()
        out += f"/Length {len(packed)}/Filter/FlateDecode>>\nstream\n".encode()
        out += packed + b"\nendstream\nendobj\n"
        out += f"startxref\n{offsets[xref_number][1]}\n%%EOF\n".encode()
        return bytes(out)
