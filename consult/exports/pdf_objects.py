"""A small PDF object writer that appends an incremental update to an existing file.

The body of a PDF export is rendered (and cached) by WeasyPrint; the annex and the page
furniture are added by appending new and replaced objects after the original bytes, with a
cross-reference stream pointing back to the original one. The original bytes are never
parsed for writing, only extended, so this costs little even for hundreds of annex pages;
small objects go into compressed object streams (tens of thousands of structure elements
would otherwise take megabytes). Everything is written in a fixed order: the same input gives
the same bytes."""

from __future__ import annotations

import zlib

OBJECTS_PER_STREAM = 500


def pdf_string(text: str) -> str:
    """A PDF text string (UTF-16BE with byte order mark, hex), safe for any character."""
    return "<feff" + text.encode("utf-16-be").hex() + ">"


class ObjectWriter:
    """Collects objects numbered from `first_number` (the original file's /Size) and writes
    them, with replaced originals, as one incremental update."""

    def __init__(self, first_number: int) -> None:
        self.next_number = first_number
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

    def write_update(self, original: bytes, trailer: str, previous_xref: int) -> bytes:
        """The original bytes followed by this update; `trailer` holds /Root, /Info, /ID."""
        out = bytearray(original)
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
        out += (
            f"{xref_number} 0 obj\n<</Type/XRef/Size {self.next_number}/Index[{index}]"
            f"/W[1 4 2]/Prev {previous_xref}{trailer}/Length {len(packed)}"
            "/Filter/FlateDecode>>\nstream\n"
        ).encode()
        out += packed + b"\nendstream\nendobj\n"
        out += f"startxref\n{offsets[xref_number][1]}\n%%EOF\n".encode()
        return bytes(out)
