"""Text drawn straight into PDF content streams, for the parts of a PDF that WeasyPrint does not
lay out: the signatories annex and the page furniture (running header, "Page X of Y", DRAFT).

Why not WeasyPrint for those: a box per name costs milliseconds, so 50,000 signatories took
minutes. Here a line is a run of glyph ids measured from the font's own advance widths, which
costs microseconds, and the fonts are the bundled ones the body uses (Atkinson Hyperlegible,
then DejaVu Sans for other scripts), embedded as subsets with a ToUnicode map, so the text
stays searchable, copyable and readable by assistive technology. No shaping or kerning: fine
for names in alphabetic scripts; scripts that need shaping (Arabic, Indic) show their letters
unjoined."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from functools import cache, lru_cache

from fontTools import subset
from fontTools.ttLib import TTFont

from consult import assets
from consult.exports.pdf_objects import ObjectWriter

FONT_DIR = assets.STATIC / "fonts"
ELLIPSIS = "\u2026"

# Each weight: the files tried in order for every character (the first holding it draws it).
FAMILIES = {
    "regular": (
        "atkinson-hyperlegible-latin-400-normal.woff2",
        "atkinson-hyperlegible-latin-ext-400-normal.woff2",
        "DejaVuSans.ttf",
    ),
    "bold": (
        "atkinson-hyperlegible-latin-700-normal.woff2",
        "atkinson-hyperlegible-latin-ext-700-normal.woff2",
        "DejaVuSans-Bold.ttf",
    ),
}


class Face:
    """One font file: which characters it has, their glyph ids and advance widths (in 1/1000
    of the font size), and the metrics its PDF font descriptor needs."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        font = TTFont(FONT_DIR / file_name, lazy=True)
        scale = 1000 / font["head"].unitsPerEm
        order = font.getGlyphOrder()
        ids = {name: index for index, name in enumerate(order)}
        metrics = font["hmtx"].metrics
        self.glyphs: dict[str, tuple[int, int]] = {
            chr(code): (ids[name], round(metrics[name][0] * scale))
            for code, name in font.getBestCmap().items()
        }
        self.notdef_width = round(metrics[order[0]][0] * scale)
        head, os2 = font["head"], font["OS/2"]
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.ascent = round(os2.sTypoAscender * scale)
        self.descent = round(os2.sTypoDescender * scale)
        self.cap_height = round(getattr(os2, "sCapHeight", 0) * scale) or self.ascent
        self.italic_angle = float(font["post"].italicAngle)
        self.postscript_name = font["name"].getDebugName(6) or "Font"
        font.close()


@cache
def face(file_name: str) -> Face:
    return Face(file_name)


class Run:
    """Consecutive characters drawn with one face: their glyph ids (as hex, ready for a
    content stream) and advance widths."""

    __slots__ = ("chars", "face", "hexes", "widths")

    def __init__(self, face: Face) -> None:
        self.face = face
        self.chars: list[str] = []
        self.hexes: list[str] = []
        self.widths: list[int] = []

    @property
    def width(self) -> int:
        return sum(self.widths)


class TextSet:
    """Lays out text in one weight and remembers every character it drew, so that the fonts
    embedded at the end hold exactly those glyphs (and their Unicode text)."""

    def __init__(self, weight: str) -> None:
        self.prefix = f"Consult{weight.capitalize()}"
        self.faces = [face(name) for name in FAMILIES[weight]]
        self.used: dict[Face, set[str]] = {found: set() for found in self.faces}
        # char -> (face, glyph id as hex, width), or None for characters that draw nothing
        self._glyphs: dict[str, tuple[Face, str, int] | None] = {}
        self._measured: dict[str, tuple[list[Run], int]] = {}
        self._names = {found: f"{self.prefix}{index}" for index, found in enumerate(self.faces)}

    def _glyph(self, char: str) -> tuple[Face, str, int] | None:
        if not _drawable(char):
            return None
        chosen = next((f for f in self.faces if char in f.glyphs), self.faces[-1])
        gid, width = chosen.glyphs.get(char, (0, chosen.notdef_width))
        return chosen, f"{gid:04x}", width

    def runs(self, text: str) -> list[Run]:
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
        table = self._glyphs
        try:
            glyphs = [table[char] for char in text]
        except KeyError:
            for char in text:
                if char not in table:
                    table[char] = self._glyph(char)
            glyphs = [table[char] for char in text]
        if None not in glyphs and len({glyph[0] for glyph in glyphs}) <= 1:
            if not glyphs:
                return []
            run = Run(glyphs[0][0])  # the usual case: one face draws the whole text
            run.chars = list(text)
            run.hexes = [glyph[1] for glyph in glyphs]
            run.widths = [glyph[2] for glyph in glyphs]
            return [run]
        runs: list[Run] = []
        run = None
        for char, glyph in zip(text, glyphs, strict=True):
            if glyph is None:
                continue  # control and format characters would confuse readers
            chosen, hex_id, width = glyph
            if run is None or run.face is not chosen:
                run = Run(chosen)
                runs.append(run)
            run.chars.append(char)
            run.hexes.append(hex_id)
            run.widths.append(width)
        return runs

    def measure(self, text: str, *, remember: bool = False) -> tuple[list[Run], int]:
        """The runs of `text` and its width in 1/1000 of the font size; `remember` keeps
        them for texts that come back often (affiliations)."""
        if remember and text in self._measured:
            return self._measured[text]
        runs = self.runs(text)
        measured = runs, sum(sum(run.widths) for run in runs)
        if remember:
            self._measured[text] = measured
        return measured

    def width(self, text: str, size: float) -> float:
        return self.measure(text)[1] * size / 1000

    def fit(self, text: str, size: float, max_width: float) -> tuple[list[Run], bool]:
        """The runs of `text`, cut at the end with an ellipsis when it is wider than
        max_width, and whether it was cut."""
        runs, width = self.measure(text)
        limit = max_width * 1000 / size
        if width <= limit:
            return runs, False
        budget = limit - self.measure(ELLIPSIS)[1]
        kept: list[str] = []
        total = 0
        for run in runs:
            for char, glyph_width in zip(run.chars, run.widths, strict=True):
                if total + glyph_width > budget:
                    return self.runs("".join(kept).rstrip(" ,;") + ELLIPSIS), True
                total += glyph_width
                kept.append(char)
        return runs, False

    def show(self, runs: list[Run], size: float) -> str:
        """Content-stream operators drawing `runs` at the current text position."""
        operators = []
        for run in runs:
            self.used[run.face].update(run.chars)
            operators.append(
                f"/{self.resource_name(run.face)} {size:g} Tf <{''.join(run.hexes)}> Tj"
            )
        return " ".join(operators)

    def resource_name(self, face: Face) -> str:
        return self._names[face]

    def embed(self, writer: ObjectWriter) -> dict[str, int]:
        """Embed the fonts this set used; resource name -> font object number."""
        return {
            self.resource_name(found): embed_font(
                writer, found, {found.glyphs.get(c, (0, 0))[0]: c for c in sorted(used)}
            )
            for found, used in self.used.items()
            if used
        }


def _drawable(char: str) -> bool:
    return unicodedata.category(char) not in {"Cc", "Cf", "Zl", "Zp"}


def embed_font(writer: ObjectWriter, face: Face, used: dict[int, str]) -> int:
    """Write a Type0 font holding the used glyphs of `face`; return its object number."""
    gids = sorted(used)
    tag = "".join(
        chr(65 + byte % 26)
        for byte in hashlib.sha256(f"{face.file_name}:{gids}".encode()).digest()[:6]
    )
    base_font = f"{tag}+{face.postscript_name}"
    font_file = _subset(face.file_name, tuple(gids))
    file_number = writer.stream(font_file, extra=f"/Length1 {len(font_file)}")
    descriptor = writer.add(
        f"<</Type/FontDescriptor/FontName/{base_font}/Flags 32"
        f"/FontBBox[{' '.join(map(str, face.bbox))}]/ItalicAngle {face.italic_angle:g}"
        f"/Ascent {face.ascent}/Descent {face.descent}/CapHeight {face.cap_height}"
        f"/StemV 80/FontFile2 {file_number} 0 R>>"
    )
    widths = " ".join(f"{gid}[{face_width(face, gid)}]" for gid in gids)
    cid_font = writer.add(
        f"<</Type/Font/Subtype/CIDFontType2/BaseFont/{base_font}"
        "/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>"
        f"/FontDescriptor {descriptor} 0 R/W[{widths}]/CIDToGIDMap/Identity>>"
    )
    to_unicode = writer.stream(_to_unicode_cmap(used).encode())
    return writer.add(
        f"<</Type/Font/Subtype/Type0/BaseFont/{base_font}/Encoding/Identity-H"
        f"/DescendantFonts[{cid_font} 0 R]/ToUnicode {to_unicode} 0 R>>"
    )


@cache
def _widths_by_gid(file_name: str) -> dict[int, int]:
    found = face(file_name)
    widths = {gid: width for gid, width in found.glyphs.values()}
    widths[0] = found.notdef_width
    return widths


def face_width(face: Face, gid: int) -> int:
    return _widths_by_gid(face.file_name)[gid]


@lru_cache(maxsize=32)
def _subset(file_name: str, gids: tuple[int, ...]) -> bytes:
    """A TrueType subset keeping the glyph ids (so the content streams need no remapping);
    the timestamp is left alone so that the same glyphs give the same bytes."""
    font = TTFont(FONT_DIR / file_name, recalcTimestamp=False)
    font.flavor = None
    options = subset.Options()
    options.retain_gids = True
    options.notdef_outline = True
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=list(gids))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _to_unicode_cmap(used: dict[int, str]) -> str:
    entries = sorted(used.items())
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>> def",
        "/CMapName/Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <ffff> endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>" for gid, char in chunk)
        lines.append("endbfchar")
    lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return "\n".join(lines)
