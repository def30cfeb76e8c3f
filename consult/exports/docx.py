"""Word (.docx) rendering of the export document, for recipients who want a Word-type file.

python-docx provides the package (parts, relationships, properties, header and footer); the
body, the numbering, the footnotes part (python-docx has no footnote API) and the styles are
written as WordprocessingML directly, so headings are real heading styles, numbered paragraphs
and lists use Word's own numbering, footnotes are real footnotes and a 50,000-row signatories
table is built in one pass instead of cell by cell. All text goes through lxml (which escapes
it) after `xml_safe`, so hostile names or Markdown can only ever be text."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part as PackagePart
from docx.opc.part import XmlPart
from docx.shared import Mm
from lxml import etree

from consult.exports.document import (
    Block,
    CodeBlock,
    Document,
    Footnote,
    Heading,
    ListBlock,
    Paragraph,
    Part,
    Quote,
    Rule,
    Signatories,
    Span,
)
from consult.exports.office import (
    BODY_FONT,
    CODE_FONT,
    DRAFT_MARK,
    ParagraphNumbering,
    deterministic_zip,
    display_title,
    footnotes_number_themselves,
    heading_outline,
    property_title,
    referenced_footnotes,
    signatories_intro,
    splice,
    status_line,
    supporters_line,
    table_runs,
    unnamed_line,
    verification_lines,
    xml_safe,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TABLE_MARKER = re.compile(rb"<!--signatories-table-(\d+)-->")
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """A w: child with w: attributes (keyword `val` becomes w:val)."""
    return etree.SubElement(parent, _w(tag), {_w(k): v for k, v in attrs.items()})


# --- styles -----------------------------------------------------------------------------------
# One compact style sheet replaces the template's (blue Calibri/Cambria, US English): sans-serif
# 12 pt body, left-aligned, dark headings, en-GB, as government writing guidance asks.

_INK = "1A1A1A"
_HEADING_INK = "0B2545"
_MUTED = "4D4D4D"


def _paragraph_style(
    style_id: str,
    name: str,
    ppr: str = "",
    rpr: str = "",
    *,
    based_on: str | None = "Normal",
    next_style: str | None = None,
) -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    following = f'<w:next w:val="{next_style}"/>' if next_style else ""
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f"{based}{following}<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


def _heading_style(level: int, size: int, before: int, extra_rpr: str = "") -> str:
    return _paragraph_style(
        f"Heading{level}",
        f"heading {level}",
        f'<w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="120"/>'
        f'<w:outlineLvl w:val="{level - 1}"/>',
        f'<w:b/><w:bCs/>{extra_rpr}<w:color w:val="{_HEADING_INK}"/>'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>',
        next_style="Normal",
    )


_FONTS = (
    f'<w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:eastAsia="{BODY_FONT}" '
    f'w:cs="{BODY_FONT}"/>'
)
_CODE_FONTS = f'<w:rFonts w:ascii="{CODE_FONT}" w:hAnsi="{CODE_FONT}" w:cs="{CODE_FONT}"/>'

STYLES_XML = (
    f'<w:styles xmlns:w="{W_NS}">'
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    f'{_FONTS}<w:color w:val="{_INK}"/><w:sz w:val="24"/><w:szCs w:val="24"/>'
    '<w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/>'
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
    '<w:spacing w:after="160" w:line="288" w:lineRule="auto"/><w:jc w:val="left"/>'
    "</w:pPr></w:pPrDefault></w:docDefaults>"
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
    "<w:qFormat/><w:pPr><w:widowControl/></w:pPr></w:style>"
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
    '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    "</w:style>"
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    "<w:semiHidden/></w:style>"
    + _paragraph_style(
        "Title",
        "Title",
        '<w:keepNext/><w:spacing w:before="0" w:after="120" w:line="240" w:lineRule="auto"/>',
        f'<w:b/><w:bCs/><w:color w:val="{_HEADING_INK}"/><w:sz w:val="44"/><w:szCs w:val="44"/>',
        next_style="Subtitle",
    )
    + _paragraph_style(
        "Subtitle",
        "Subtitle",
        '<w:keepNext/><w:spacing w:after="80"/>',
        f'<w:color w:val="{_MUTED}"/><w:sz w:val="28"/><w:szCs w:val="28"/>',
        next_style="Normal",
    )
    + _paragraph_style(
        "DocumentStatus",
        "Document status",
        '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="8" w:color="0B2545"/></w:pBdr>'
        '<w:spacing w:after="360"/>',
        f'<w:color w:val="{_MUTED}"/>',
    )
    + _heading_style(1, 32, 480)
    + _heading_style(2, 28, 320)
    + _heading_style(3, 24, 240)
    + _heading_style(4, 24, 240, "<w:i/><w:iCs/>")
    + _paragraph_style(
        "NumberedParagraph",
        "Numbered paragraph",
        '<w:ind w:left="567" w:hanging="567"/>',
    )
    + _paragraph_style(
        "ListParagraph",
        "List Paragraph",
        '<w:spacing w:after="80"/>',
    )
    + _paragraph_style(
        "Quote",
        "Quote",
        '<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" w:color="9AA5B1"/></w:pBdr>'
        '<w:ind w:left="567" w:right="567"/>',
        '<w:color w:val="333333"/>',
    )
    + _paragraph_style(
        "CodeBlock",
        "Code block",
        '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
        '<w:spacing w:after="160" w:line="240" w:lineRule="auto"/><w:ind w:left="284"/>',
        f'{_CODE_FONTS}<w:sz w:val="22"/><w:szCs w:val="22"/>',
    )
    + _paragraph_style(
        "HorizontalRule",
        "Horizontal rule",
        '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="9AA5B1"/></w:pBdr>'
        '<w:spacing w:after="240"/>',
    )
    + _paragraph_style(
        "FootnoteText",
        "footnote text",
        '<w:spacing w:after="40" w:line="240" w:lineRule="auto"/>',
        '<w:sz w:val="20"/><w:szCs w:val="20"/>',
    )
    + _paragraph_style(
        "TableHeading",
        "Table Heading",
        '<w:keepNext/><w:spacing w:before="40" w:after="40"/>',
        "<w:b/><w:bCs/>",
    )
    + _paragraph_style("TableText", "Table Contents", '<w:spacing w:before="20" w:after="20"/>')
    + _paragraph_style("TableNote", "Table note", '<w:spacing w:before="160"/>')
    + _paragraph_style("LeadIn", "Lead-in", "<w:keepNext/>")
    + _paragraph_style(
        "TableJoin",
        "Table join",
        '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>',
        '<w:sz w:val="2"/><w:szCs w:val="2"/>',
    )
    + _paragraph_style("Header", "header", '<w:jc w:val="center"/>', f'<w:color w:val="{_MUTED}"/>')
    + _paragraph_style("Footer", "footer", '<w:jc w:val="center"/>', f'<w:color w:val="{_MUTED}"/>')
    + '<w:style w:type="character" w:styleId="FootnoteReference">'
    '<w:name w:val="footnote reference"/>'
    '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
    '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
    '<w:rPr><w:color w:val="1F4E9A"/><w:u w:val="single"/></w:rPr></w:style>'
    '<w:style w:type="character" w:styleId="InlineCode"><w:name w:val="Inline code"/>'
    f'<w:rPr>{_CODE_FONTS}<w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr></w:style>'
    '<w:style w:type="character" w:styleId="DraftMark"><w:name w:val="Draft mark"/>'
    '<w:rPr><w:b/><w:bCs/><w:color w:val="B00020"/></w:rPr></w:style>'
    '<w:style w:type="table" w:styleId="SignatoriesTable"><w:name w:val="Signatories table"/>'
    '<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>'
    '<w:top w:val="single" w:sz="8" w:space="0" w:color="0B2545"/>'
    '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="0B2545"/>'
    '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="C8CDD2"/>'
    "</w:tblBorders></w:tblPr></w:style>"
    "</w:styles>"
)


# --- numbering --------------------------------------------------------------------------------

_BULLETS = ("•", "◦", "▪")
_ORDERED_FORMATS = ("decimal", "lowerLetter", "lowerRoman")
_LEVELS = 9
_LIST_INDENT = 567  # twips per list level (1 cm)
_BULLET_LIST, _ORDERED_LIST, _PARAGRAPH_NUMBERS = 0, 1, 2  # abstractNum ids


def _list_indent(level: int) -> int:
    """Text indent of a list level: level 0's marker sits where numbered paragraphs' text
    starts, so lists read as part of the paragraph above."""
    return _LIST_INDENT * (level + 1) + 360


class _Numbering:
    """numbering.xml built from scratch: one bullet scheme, one ordered scheme (a new instance
    per ordered list, so each restarts at its own start), and a paragraph-number scheme whose
    instances continue or restart as ParagraphNumbering says."""

    def __init__(self) -> None:
        self.abstract: list[etree._Element] = [self._list_scheme(_BULLET_LIST, ordered=False)]
        self.abstract.append(self._list_scheme(_ORDERED_LIST, ordered=True))
        self.instances: list[etree._Element] = []
        self.bullets = self._instance(_BULLET_LIST)
        paragraphs = etree.Element(
            _w("abstractNum"), {_w("abstractNumId"): str(_PARAGRAPH_NUMBERS)}
        )
        _el(paragraphs, "multiLevelType", val="singleLevel")
        self._level(paragraphs, 0, "decimal", "%1.", 567, 567)
        self.abstract.append(paragraphs)
        self._paragraph_instance: int | None = None
        self.paragraphs = ParagraphNumbering()

    @staticmethod
    def _level(
        scheme: etree._Element, level: int, fmt: str, text: str, left: int, hanging: int
    ) -> None:
        lvl = _el(scheme, "lvl", ilvl=str(level))
        _el(lvl, "start", val="1")
        _el(lvl, "numFmt", val=fmt)
        _el(lvl, "lvlText", val=text)
        _el(lvl, "lvlJc", val="left")
        ppr = _el(lvl, "pPr")
        _el(ppr, "ind", left=str(left), hanging=str(hanging))
        if fmt == "bullet":
            _el(_el(lvl, "rPr"), "rFonts", ascii=BODY_FONT, hAnsi=BODY_FONT, hint="default")

    def _list_scheme(self, abstract_id: int, *, ordered: bool) -> etree._Element:
        scheme = etree.Element(_w("abstractNum"), {_w("abstractNumId"): str(abstract_id)})
        _el(scheme, "multiLevelType", val="hybridMultilevel")
        for level in range(_LEVELS):
            if ordered:
                fmt, text = _ORDERED_FORMATS[level % 3], f"%{level + 1}."
            else:
                fmt, text = "bullet", _BULLETS[level % 3]
            self._level(scheme, level, fmt, text, _list_indent(level), 360)
        return scheme

    def _instance(self, abstract_id: int, level: int = 0, start: int | None = None) -> int:
        num_id = len(self.instances) + 1
        num = etree.Element(_w("num"), {_w("numId"): str(num_id)})
        _el(num, "abstractNumId", val=str(abstract_id))
        if start is not None:
            override = _el(num, "lvlOverride", ilvl=str(level))
            _el(override, "startOverride", val=str(start))
        self.instances.append(num)
        return num_id

    def ordered(self, level: int, start: int) -> int:
        return self._instance(_ORDERED_LIST, level, start)

    def paragraph(self, number: str) -> int | None:
        """The numId that makes Word show `number` on the next numbered paragraph (None: a
        number Word cannot count, typed instead)."""
        placed = self.paragraphs.place(number)
        if placed is None:
            return None
        value, new = placed
        if new:
            self._paragraph_instance = self._instance(_PARAGRAPH_NUMBERS, 0, value)
        return self._paragraph_instance

    def fill(self, root: etree._Element) -> None:
        """Replace the template's definitions (abstract schemes must precede instances)."""
        root[:] = [*self.abstract, *self.instances]


# --- the writer -------------------------------------------------------------------------------


@dataclass
class _Target:
    """Where runs are being written: the package part that owns hyperlink relationships, and
    the footnotes a reference may point at (None inside a footnote, which cannot nest one)."""

    part: PackagePart
    notes: dict[str, Footnote] | None
    outline: dict[int, int] | None = None  # heading level -> Word heading (None in a note)


class _Writer:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.word = docx.Document()
        self._prune_template()
        self.body = self.word.element.body
        self.sect_pr = self.body.sectPr
        self.numbering = _Numbering()
        self.automatic_notes = footnotes_number_themselves(document)
        self.notes_root = etree.Element(_w("footnotes"), nsmap={"w": W_NS, "r": R_NS})
        for note_id, kind in (("-1", "separator"), ("0", "continuationSeparator")):
            note = _el(self.notes_root, "footnote", type=kind, id=note_id)
            _el(_el(_el(note, "p"), "r"), kind)
        self.notes_part = XmlPart(
            PackURI("/word/footnotes.xml"),
            CT.WML_FOOTNOTES,
            self.notes_root,
            self.word.part.package,
        )
        self.note_count = 0
        self.used_notes: set[str] = set()
        self.tables: list[bytes] = []  # spliced in at the markers while packaging

    def _prune_template(self) -> None:
        """Drop what python-docx's template carries that would misdescribe our file: a
        thumbnail of an empty page, Word 2010's duplicate style sheet, a bibliography store and
        extended properties claiming Microsoft Word wrote it."""
        unwanted = {RT.THUMBNAIL, RT.EXTENDED_PROPERTIES, RT.CUSTOM_XML}
        unwanted.add("http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects")
        for rels in (self.word.part.package.rels, self.word.part.rels):
            for rel_id in [rid for rid, rel in rels.items() if rel.reltype in unwanted]:
                del rels[rel_id]
        self.word.styles.element[:] = list(etree.fromstring(STYLES_XML))

    # --- runs ---

    def _text(self, run: etree._Element, text: str) -> None:
        """Text into a run: newlines become breaks and tabs tabs, as Word wants them."""
        for index, line in enumerate(xml_safe(text).split("\n")):
            if index:
                _el(run, "br")
            for position, piece in enumerate(line.split("\t")):
                if position:
                    _el(run, "tab")
                if piece:
                    _el(run, "t").text = piece
                    run[-1].set(_SPACE, "preserve")

    def _run(
        self,
        parent: etree._Element,
        text: str,
        *,
        style: str | None = None,
        bold: bool = False,
        italic: bool = False,
        code_font: bool = False,
    ) -> etree._Element:
        run = _el(parent, "r")
        if style or bold or italic or code_font:
            rpr = _el(run, "rPr")
            if style:
                _el(rpr, "rStyle", val=style)
            if code_font:
                _el(rpr, "rFonts", ascii=CODE_FONT, hAnsi=CODE_FONT, cs=CODE_FONT)
            if bold:
                _el(rpr, "b")
            if italic:
                _el(rpr, "i")
        self._text(run, text)
        return run

    def _link_id(self, url: str, target: _Target) -> str | None:
        safe = xml_safe(url).strip()
        if not safe.lower().startswith(("http://", "https://", "mailto:")):
            return None
        return target.part.relate_to(safe, RT.HYPERLINK, is_external=True)

    def _spans(self, paragraph: etree._Element, spans: tuple[Span, ...], target: _Target) -> None:
        for span in spans:
            if span.footnote is not None:
                self._footnote_reference(paragraph, span, target)
                continue
            container = paragraph
            link_id = self._link_id(span.link, target) if span.link else None
            if link_id is not None:
                container = _el(paragraph, "hyperlink", history="1")
                container.set(f"{{{R_NS}}}id", link_id)
            style = "Hyperlink" if link_id else ("InlineCode" if span.code else None)
            self._run(
                container,
                span.text,
                style=style,
                bold=span.bold,
                italic=span.italic,
                code_font=span.code and link_id is not None,
            )

    # --- footnotes ---

    def _footnote_reference(self, paragraph: etree._Element, span: Span, target: _Target) -> None:
        note = target.notes.get(span.footnote) if target.notes else None
        if note is None or note.id in self.used_notes:  # Word cannot point at one note twice
            self._run(paragraph, span.text, style="FootnoteReference")
            return
        self.used_notes.add(note.id)
        self.note_count += 1
        note_id = str(self.note_count)
        run = self._run(paragraph, "", style="FootnoteReference")
        reference = _el(run, "footnoteReference", id=note_id)
        if not self.automatic_notes:
            reference.set(_w("customMarkFollows"), "1")
            self._text(run, note.label)
        self._footnote_body(note, note_id)

    def _footnote_body(self, note: Footnote, note_id: str) -> None:
        container = _el(self.notes_root, "footnote", id=note_id)
        self._blocks(container, note.blocks, _Target(self.notes_part, None), "FootnoteText")
        first = container.find(_w("p"))
        if first is None:
            first = self._paragraph(container, "FootnoteText")
        mark = etree.Element(_w("r"))
        _el(_el(mark, "rPr"), "rStyle", val="FootnoteReference")
        if self.automatic_notes:
            _el(mark, "footnoteRef")
        else:
            self._text(mark, note.label)
        space = etree.Element(_w("r"))
        self._text(space, " ")
        position = 1 if first.find(_w("pPr")) is not None else 0
        first.insert(position, mark)
        first.insert(position + 1, space)

    # --- blocks ---

    def _paragraph(
        self,
        parent: etree._Element,
        style: str,
        *,
        num_id: int | None = None,
        level: int = 0,
        indent: int | None = None,
    ) -> etree._Element:
        paragraph = _el(parent, "p")
        ppr = _el(paragraph, "pPr")
        _el(ppr, "pStyle", val=style)
        if num_id is not None:
            num_pr = _el(ppr, "numPr")
            _el(num_pr, "ilvl", val=str(level))
            _el(num_pr, "numId", val=str(num_id))
        if indent is not None:
            _el(ppr, "ind", left=str(indent))
        return paragraph

    def _blocks(
        self,
        parent: etree._Element,
        blocks: tuple[Block, ...],
        target: _Target,
        style: str = "Normal",
        *,
        depth: int = 0,
        indent: int | None = None,
    ) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self._body_paragraph(parent, block, target, style, indent)
            elif isinstance(block, Heading):
                heading_style = (
                    f"Heading{target.outline.get(block.level, 4)}" if target.outline else style
                )
                self._spans(self._paragraph(parent, heading_style), block.spans, target)
            elif isinstance(block, ListBlock):
                self._list(parent, block, target, depth)
            elif isinstance(block, Quote):
                self._blocks(parent, block.blocks, target, "Quote", depth=depth)
            elif isinstance(block, CodeBlock):
                run = self._run(self._paragraph(parent, "CodeBlock", indent=indent), "")
                self._text(run, block.text.rstrip("\n"))
            elif isinstance(block, Rule):
                self._paragraph(parent, "HorizontalRule")

    def _body_paragraph(
        self,
        parent: etree._Element,
        block: Paragraph,
        target: _Target,
        style: str,
        indent: int | None,
    ) -> None:
        num_id = self.numbering.paragraph(block.number) if block.number else None
        if num_id is not None:
            paragraph = self._paragraph(parent, "NumberedParagraph", num_id=num_id)
        elif block.number:  # a number no counter can produce: typed, with the same indent
            paragraph = self._paragraph(parent, "NumberedParagraph")
            self._run(paragraph, f"{block.number}\t")
        else:
            paragraph = self._paragraph(parent, style, indent=indent)
        self._spans(paragraph, block.spans, target)

    def _list(self, parent: etree._Element, block: ListBlock, target: _Target, depth: int) -> None:
        level = min(depth, _LEVELS - 1)
        num_id = (
            self.numbering.ordered(level, block.start) if block.ordered else self.numbering.bullets
        )
        for item in block.items:
            rest: tuple[Block, ...] = item
            paragraph = self._paragraph(parent, "ListParagraph", num_id=num_id, level=level)
            if item and isinstance(item[0], Paragraph):
                self._spans(paragraph, item[0].spans, target)
                rest = item[1:]
            self._blocks(
                parent, rest, target, "ListParagraph", depth=depth + 1, indent=_list_indent(level)
            )

    # --- the document ---

    def _front_matter(self) -> None:
        document = self.document
        title = self._paragraph(self.body, "Title")
        if document.draft:
            self._run(title, "DRAFT: ", style="DraftMark")
            self._run(title, document.heading)
        else:
            self._run(title, display_title(document))
        if document.subtitle:
            self._run(self._paragraph(self.body, "Subtitle"), document.subtitle)
        supporters = supporters_line(document)
        if supporters:
            self._run(self._paragraph(self.body, "Subtitle"), supporters)
        self._run(self._paragraph(self.body, "DocumentStatus"), status_line(document))

    def _part(self, part: Part) -> None:
        self._run(self._paragraph(self.body, "Heading1"), part.heading)
        answer = self.document.answer_of(part)
        if answer is not None:
            paragraph = self._paragraph(self.body, "Normal")
            self._run(paragraph, "Answer: ", bold=True)
            self._run(paragraph, answer)
        notes = {note.id: note for note in referenced_footnotes(part)}
        self._blocks(self.body, part.blocks, _Target(self.word.part, notes, heading_outline(part)))

    def _signatories(self, signatories: Signatories) -> None:
        self._run(self._paragraph(self.body, "Heading1"), "Signatories")
        self._run(self._paragraph(self.body, "LeadIn"), signatories_intro(signatories))
        if signatories.organisations:
            self._run(self._paragraph(self.body, "Heading2"), "Organisations")
            rows = ((name,) for name in signatories.organisations)
            self._table("Organisations", ("Organisation",), rows, (9000,))
        if signatories.people:
            self._run(self._paragraph(self.body, "Heading2"), "Individuals")
            self._table("Individuals", ("Name", "Affiliation"), signatories.people, (4200, 4800))
        unnamed = unnamed_line(signatories)
        if unnamed:
            self._run(self._paragraph(self.body, "TableNote"), unnamed)

    def _table(self, caption: str, headers: tuple[str, ...], rows, widths: tuple[int, ...]) -> None:
        """Leave markers where the tables go (one per run of rows, joined by a hairline
        paragraph: Word would merge touching tables); `render` splices each table's XML in
        while packaging. Inserting tens of thousands of rows into the lxml tree costs seconds,
        the splice costs a copy. A marker is a comment: no escaped text can contain one."""
        for index, run in enumerate(table_runs(rows)):
            if index:
                self._paragraph(self.body, "TableJoin")
            self.body.append(etree.Comment(f"signatories-table-{len(self.tables)}"))
            self.tables.append(_table_xml(caption, headers, run, widths))

    def _splice_tables(self, name: str, content: bytes) -> bytes:
        if name != "word/document.xml":
            return content
        return splice(content, _TABLE_MARKER, self.tables)

    def _verification(self) -> None:
        lines = verification_lines(self.document)
        if lines is None:
            return
        intro, link_intro = lines
        self._run(self._paragraph(self.body, "Heading1"), "Verification")
        self._run(self._paragraph(self.body, "LeadIn"), intro)
        self._run(
            self._paragraph(self.body, "LeadIn"),
            self.document.fingerprint or "",
            style="InlineCode",
        )
        if link_intro and self.document.verify_url:
            paragraph = self._paragraph(self.body, "Normal")
            self._run(paragraph, link_intro)
            link = Span(self.document.verify_url, link=self.document.verify_url)
            self._spans(paragraph, (link, Span(".")), _Target(self.word.part, None))

    def _page(self) -> None:
        section = self.word.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)
        section.header_distance = section.footer_distance = Mm(12)
        if self.document.draft:
            header = section.header.paragraphs[0]
            header.style = self.word.styles["Header"]
            header.add_run(DRAFT_MARK, style=self.word.styles["Draft mark"])
        if self.document.page_numbers:
            footer = section.footer.paragraphs[0]
            footer.style = self.word.styles["Footer"]
            footer_p = footer._p
            self._run(footer_p, "Page ")
            _field(footer_p, "PAGE")
            self._run(footer_p, " of ")
            _field(footer_p, "NUMPAGES")

    def _properties(self) -> None:
        document = self.document
        moment = datetime(document.date.year, document.date.month, document.date.day, tzinfo=UTC)
        props = self.word.core_properties
        props.title = xml_safe(property_title(document))
        props.subject = xml_safe(document.subtitle or document.consultation_title)
        props.author = xml_safe(document.organisation)
        props.last_modified_by = xml_safe(document.organisation)
        props.language = document.language
        props.created = props.modified = moment
        props.revision = 1
        props.comments = "Draft: not for submission" if document.draft else ""
        props.content_status = "Draft" if document.draft else "Final"
        props.identifier = document.fingerprint or ""
        props.version = str(document.version_number or "")
        props.keywords = xml_safe(document.consultation_title)
        props.category = xml_safe(document.consultation_publisher)

    def _settings(self) -> None:
        settings = self.word.settings.element
        for tag in ("rsids", "savePreviewPicture", "proofState"):
            for element in settings.findall(_w(tag)):
                settings.remove(element)
        language = settings.find(_w("themeFontLang"))
        if language is not None:
            language.set(_w("val"), self.document.language)
        if self.note_count:
            footnote_pr = etree.Element(_w("footnotePr"))
            for note_id in ("-1", "0"):
                _el(footnote_pr, "footnote", id=note_id)
            settings.find(_w("compat")).addprevious(footnote_pr)

    def render(self) -> bytes:
        self._front_matter()
        for part in self.document.parts:
            self._part(part)
        if self.document.signatories is not None:
            self._signatories(self.document.signatories)
        self._verification()
        if self.body[-1].tag != _w("p"):  # Word wants a paragraph, not a table, to end on
            self._paragraph(self.body, "Normal")
        self.body.append(self.sect_pr)  # keep the section properties last
        self._page()
        self.numbering.fill(self.word.part.numbering_part.element)
        if self.note_count:
            self.word.part.relate_to(self.notes_part, RT.FOOTNOTES)
        self._settings()
        self._properties()
        out = io.BytesIO()
        self.word.save(out)
        return deterministic_zip(out.getvalue(), self.document.date, self._splice_tables)


def _field(paragraph: etree._Element, instruction: str) -> None:
    simple = _el(paragraph, "fldSimple", instr=f" {instruction} ")
    _el(_el(simple, "r"), "t").text = "1"


def _cell(text: str, style: str) -> str:
    return (
        f'<w:tc><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r>'
        f'<w:t xml:space="preserve">{escape(xml_safe(text))}</w:t></w:r></w:p></w:tc>'
    )


def _table_xml(caption: str, headers: tuple[str, ...], rows, widths: tuple[int, ...]) -> bytes:
    """A signatories table as WordprocessingML text (cell-by-cell python-docx calls take
    minutes for 50,000 rows; this takes a fraction of a second). The header row repeats on
    every page; every cell text is made XML-safe and escaped."""
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    header = "".join(_cell(text, "TableHeading") for text in headers)
    out = [
        f'<w:tbl><w:tblPr><w:tblStyle w:val="SignatoriesTable"/>'
        '<w:tblW w:w="5000" w:type="pct"/>'
        '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f'<w:tblCaption w:val="{escape(caption)}"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header}</w:tr>"
    ]
    out.extend(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        + "".join(_cell(text, "TableText") for text in row)
        + "</w:tr>"
        for row in rows
    )
    out.append("</w:tbl>")
    return "".join(out).encode()


def render_docx(document: Document) -> bytes:
    """The document as a Word file: the same document always gives the same bytes."""
    return _Writer(document).render()
