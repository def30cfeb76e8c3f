"""Word (.docx) rendering of the export document, for recipients who want a Word-type file.

python-docx provides the package (parts, relationships, properties, header and footer); the
body, the numbering, the footnotes part (python-docx has no footnote API) and the styles are
written as WordprocessingML directly, so headings are real heading styles, numbered paragraphs
and lists use Word's own numbering, footnotes are real footnotes and a 50,000-row signatories
table is built in one pass instead of cell by cell. All text goes through lxml (which escapes
it) after `xml_safe`, so hostile names or Markdown can only ever be text.

What goes where, and in what order, is decided by the walk the ODT renderer shares
(consult.exports.office.write_document); this module says how Word writes each piece."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
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

from consult.exports.document import Document, Span
from consult.exports.office import (
    BODY_FONT,
    CODE_FONT,
    OfficeWriter,
    Role,
    deterministic_zip,
    property_title,
    splice,
    write_document,
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
    + _paragraph_style(
        "Notice",
        "Notice",
        '<w:pBdr><w:top w:val="single" w:sz="12" w:space="4" w:color="8A5A00"/>'
        '<w:left w:val="single" w:sz="12" w:space="4" w:color="8A5A00"/>'
        '<w:bottom w:val="single" w:sz="12" w:space="4" w:color="8A5A00"/>'
        '<w:right w:val="single" w:sz="12" w:space="4" w:color="8A5A00"/></w:pBdr>'
        '<w:shd w:val="clear" w:color="auto" w:fill="FFF6E0"/><w:spacing w:after="360"/>',
        "<w:b/><w:bCs/>",
    )
    + _paragraph_style("AmendmentNumber", "Amendment number", "<w:keepNext/>", "<w:b/><w:bCs/>")
    + _paragraph_style(
        "AmendmentProvision",
        "Amendment provision",
        '<w:keepNext/><w:jc w:val="center"/>',
        "<w:b/><w:bCs/>",
    )
    + _paragraph_style(
        "AmendmentReference", "Amendment reference", '<w:keepNext/><w:spacing w:after="80"/>'
    )
    + _paragraph_style(
        "AmendmentInsertedTitle",
        "Amendment inserted title",
        '<w:keepNext/><w:ind w:left="567"/><w:spacing w:after="80"/>',
        "<w:b/><w:bCs/>",
    )
    + _paragraph_style(
        "AmendmentInserted",
        "Amendment inserted text",
        '<w:ind w:left="567"/><w:spacing w:after="80"/>',
    )
    + _paragraph_style(
        "AmendmentStatementHeading",
        "Amendment statement heading",
        '<w:keepNext/><w:spacing w:before="120" w:after="40"/>',
        '<w:b/><w:bCs/><w:i/><w:iCs/><w:sz w:val="22"/><w:szCs w:val="22"/>',
    )
    + _paragraph_style("AmendmentStatement", "Amendment statement", "", "<w:i/><w:iCs/>")
    + _paragraph_style(
        "AmendmentSupporters",
        "Amendment supporters",
        '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="6" w:color="C8CDD2"/></w:pBdr>'
        '<w:spacing w:after="240"/>',
        f'<w:color w:val="{_MUTED}"/><w:sz w:val="22"/><w:szCs w:val="22"/>',
    )
    + _paragraph_style(
        "AmendmentNote",
        "Amendment note",
        "",
        f'<w:i/><w:iCs/><w:color w:val="{_MUTED}"/><w:sz w:val="22"/><w:szCs w:val="22"/>',
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

    def paragraph(self, value: int, restart: bool) -> int:
        """The numId that makes Word show `value` on the next numbered paragraph: the running
        instance, or a new one starting at `value` where the count restarts."""
        if restart or self._paragraph_instance is None:
            self._paragraph_instance = self._instance(_PARAGRAPH_NUMBERS, 0, value)
        return self._paragraph_instance

    def fill(self, root: etree._Element) -> None:
        """Replace the template's definitions (abstract schemes must precede instances)."""
        root[:] = [*self.abstract, *self.instances]


# --- the writer -------------------------------------------------------------------------------

_STYLES: dict[Role, str] = {
    "title": "Title",
    "subtitle": "Subtitle",
    "status": "DocumentStatus",
    "body": "Normal",
    "numbered": "NumberedParagraph",
    "list": "ListParagraph",
    "quote": "Quote",
    "code": "CodeBlock",
    "rule": "HorizontalRule",
    "note": "FootnoteText",
    "lead-in": "LeadIn",
    "table-note": "TableNote",
    "table-join": "TableJoin",
    "notice": "Notice",
    "amendment-number": "AmendmentNumber",
    "amendment-provision": "AmendmentProvision",
    "amendment-reference": "AmendmentReference",
    "amendment-inserted_title": "AmendmentInsertedTitle",
    "amendment-inserted": "AmendmentInserted",
    "amendment-statement_heading": "AmendmentStatementHeading",
    "amendment-statement": "AmendmentStatement",
    "amendment-supporters": "AmendmentSupporters",
    "amendment-note": "AmendmentNote",
}
_TABLE_WIDTHS = {"Organisations": (9000,), "Individuals": (4200, 4800)}  # twips


@dataclass
class _Place:
    """Where paragraphs go (the body or a footnote) and which package part owns the hyperlink
    relationships of their runs."""

    parent: etree._Element
    part: PackagePart
    paragraph: etree._Element | None = None  # the one taking runs
    note_label: str | None = None  # a footnote's mark, written into its first paragraph
    automatic: bool = True


class _Writer(OfficeWriter):
    """Word's side of the walk: flat paragraphs (a list item is a paragraph with Word's
    numbering), footnotes in their own part, tables spliced in while packaging."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.word = docx.Document()
        self._prune_template()
        self.body = self.word.element.body
        self.sect_pr = self.body.sectPr
        self.numbering = _Numbering()
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
        self.tables: list[bytes] = []  # spliced in at the markers while packaging
        self.place = _Place(self.body, self.word.part)
        self.outer: list[_Place] = []  # where to go back to when a footnote ends
        self.lists: list[tuple[int, int]] = []  # (numId, level) of the open lists

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

    @property
    def _current(self) -> etree._Element:
        paragraph = self.place.paragraph
        if paragraph is None:
            raise RuntimeError("text written before any paragraph")
        return paragraph

    def text(self, span: Span, link: str | None) -> None:
        container = self._current
        link_id = None
        if link is not None:
            link_id = self.place.part.relate_to(link, RT.HYPERLINK, is_external=True)
            container = _el(container, "hyperlink", history="1")
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

    def strong(self, text: str) -> None:
        self._run(self._current, text, bold=True)

    def draft_mark(self, text: str) -> None:
        self._run(self._current, text, style="DraftMark")

    # --- footnotes ---

    def note_mark(self, text: str) -> None:
        self._run(self._current, text, style="FootnoteReference")

    def start_note(self, number: int, label: str, automatic: bool) -> None:
        self.note_count = number
        note_id = str(number)
        run = self._run(self._current, "", style="FootnoteReference")
        reference = _el(run, "footnoteReference", id=note_id)
        if not automatic:
            reference.set(_w("customMarkFollows"), "1")
            self._text(run, label)
        container = _el(self.notes_root, "footnote", id=note_id)
        self.outer.append(self.place)
        self.place = _Place(container, self.notes_part, note_label=label, automatic=automatic)

    def end_note(self) -> None:
        """Word shows a note's number where its text says so: a mark at the start of the
        note's first paragraph (made if the note has none)."""
        note = self.place
        first = note.parent.find(_w("p"))
        if first is None:
            first = self._paragraph(note.parent, "FootnoteText")
        mark = etree.Element(_w("r"))
        _el(_el(mark, "rPr"), "rStyle", val="FootnoteReference")
        if note.automatic:
            _el(mark, "footnoteRef")
        else:
            self._text(mark, note.note_label or "")
        space = etree.Element(_w("r"))
        self._text(space, " ")
        position = 1 if first.find(_w("pPr")) is not None else 0
        first.insert(position, mark)
        first.insert(position + 1, space)
        self.place = self.outer.pop()

    # --- paragraphs ---

    def _paragraph(
        self,
        parent: etree._Element,
        style: str,
        *,
        num_id: int | None = None,
        level: int = 0,
        indent: int | None = None,
        centred: bool = False,
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
        if centred:
            _el(ppr, "jc", val="center")
        self.place.paragraph = paragraph
        return paragraph

    def paragraph(self, role: Role, indent: int | None = None, *, centred: bool = False) -> None:
        left = _list_indent(indent) if indent is not None else None
        self._paragraph(self.place.parent, _STYLES[role], indent=left, centred=centred)

    def heading(self, level: int) -> None:
        self._paragraph(self.place.parent, f"Heading{level}")

    def numbered_paragraph(self, value: int, *, restart: bool, follows: bool) -> None:
        num_id = self.numbering.paragraph(value, restart)
        self._paragraph(self.place.parent, "NumberedParagraph", num_id=num_id)

    # --- lists ---

    def start_list(self, ordered: bool, start: int, level: int) -> None:
        num_id = self.numbering.ordered(level, start) if ordered else self.numbering.bullets
        self.lists.append((num_id, level))

    def start_item(self, start: int | None) -> None:
        num_id, level = self.lists[-1]
        self._paragraph(self.place.parent, "ListParagraph", num_id=num_id, level=level)

    def end_item(self) -> None:
        """Nothing to close: Word's list items are paragraphs."""

    def end_list(self) -> None:
        self.lists.pop()

    # --- the signatories ---

    def table(
        self, name: str, index: int, headers: tuple[str, ...], rows: list[tuple[str, ...]]
    ) -> None:
        """Leave a marker where the table goes; `render` splices its XML in while packaging.
        Inserting tens of thousands of rows into the lxml tree costs seconds, the splice costs
        a copy. A marker is a comment: no escaped text can contain one."""
        self.body.append(etree.Comment(f"signatories-table-{len(self.tables)}"))
        self.tables.append(_table_xml(name, headers, rows, _TABLE_WIDTHS[name]))

    def _splice_tables(self, name: str, content: bytes) -> bytes:
        if name != "word/document.xml":
            return content
        return splice(content, _TABLE_MARKER, self.tables)

    # --- the file ---

    def page(self, header: str | None, page_numbers: bool) -> None:
        section = self.word.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)
        section.header_distance = section.footer_distance = Mm(12)
        if header is not None:
            paragraph = section.header.paragraphs[0]
            paragraph.style = self.word.styles["Header"]
            paragraph.add_run(header, style=self.word.styles["Draft mark"])
        if page_numbers:
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

    def package(self) -> bytes:
        """The .docx file of what was written, with the same bytes every time."""
        if self.body[-1].tag != _w("p"):  # Word wants a paragraph, not a table, to end on
            self._paragraph(self.body, "Normal")
        self.body.append(self.sect_pr)  # keep the section properties last
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


def _table_xml(
    caption: str, headers: tuple[str, ...], rows: Iterable[tuple[str, ...]], widths: tuple[int, ...]
) -> bytes:
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
    writer = _Writer(document)
    write_document(document, writer)
    return writer.package()
