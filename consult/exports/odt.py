"""OpenDocument Text (.odt) rendering of the export document, for recipients who take a
Word-type file and for people who use LibreOffice.

odfpy writes the package; headings use the standard "Heading n" styles with outline levels,
lists and numbered paragraphs are real ODF lists (text:list), footnotes are real notes
(text:note), signatories are a table with a repeated header row. odfpy escapes every text and
attribute value; `xml_safe` first removes characters XML cannot carry at all.

What goes where, and in what order, is decided by the walk the Word renderer shares
(consult.exports.office.write_document); this module says how ODF writes each piece."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import datetime
from xml.sax.saxutils import escape

from odf import dc, meta, teletype
from odf import style as st
from odf import table as tb
from odf import text as tx
from odf.element import Element
from odf.namespaces import nsdict
from odf.opendocument import OpenDocumentText

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

_INK = "#1a1a1a"
_HEADING_INK = "#0b2545"
_MUTED = "#4d4d4d"
_LEVELS = 9
_BULLETS = ("•", "◦", "▪")
_ORDERED_FORMATS = ("1", "a", "i")

# odfpy declares, on every root element, the namespaces it has met so far in this process, in
# the order it met them (a class attribute all documents share). Registering the standard set
# up front keeps that set fixed (and stops it growing while another thread is writing);
# `_canonical_root` then writes the declarations sorted, so the bytes never depend on what
# the process did before.
for _uri, _prefix in nsdict.items():
    Element.namespaces.setdefault(_uri, _prefix)
_ROOT_TAG = re.compile(rb"<(?:office:document-[a-z]+|manifest:manifest)\b[^>]*>")
_DECLARATION = re.compile(rb' xmlns:[\w.-]+="([^"]*)"')
_STANDARD = {uri.encode() for uri in nsdict}
_ROWS_MARKER = re.compile(rb'<table:table-row table:style-name="SpliceRows(\d+)"/>')


# --- styles -----------------------------------------------------------------------------------


def _paragraph_style(
    name: str,
    display: str,
    paragraph: dict[str, str] | None = None,
    text: dict[str, str] | None = None,
    *,
    parent: str | None = "Standard",
    **attrs: str,
) -> st.Style:
    style = st.Style(name=name, displayname=display, family="paragraph", **attrs)
    if parent:
        style.setAttribute("parentstylename", parent)
    if paragraph:
        style.addElement(st.ParagraphProperties(**paragraph))
    if text:
        style.addElement(st.TextProperties(**text))
    return style


def _heading(level: int, size: str, above: str) -> st.Style:
    return _paragraph_style(
        f"Heading_20_{level}",
        f"Heading {level}",
        {"margintop": above, "marginbottom": "0.2cm", "keepwithnext": "always"},
        {
            "fontsize": size,
            "fontweight": "bold",
            "color": _HEADING_INK,
            **({"fontstyle": "italic"} if level == 4 else {}),
        },
        defaultoutlinelevel=str(level),
        nextstylename="Text_20_body",
    )


def _list_level(level: int, label: Element, indent: float, hanging: float = 0.64) -> Element:
    properties = st.ListLevelProperties(listlevelpositionandspacemode="label-alignment")
    properties.addElement(
        st.ListLevelLabelAlignment(
            labelfollowedby="listtab",
            listtabstopposition=f"{indent:.2f}cm",
            textindent=f"-{hanging:.2f}cm",
            marginleft=f"{indent:.2f}cm",
        )
    )
    label.addElement(properties)
    return label


def _list_styles() -> list[Element]:
    bullets = tx.ListStyle(name="Bullets", displayname="Bullets")
    ordered = tx.ListStyle(name="Ordered", displayname="Ordered list")
    for level in range(1, _LEVELS + 1):
        indent = 1.64 + 1.0 * (level - 1)  # level 1's marker under numbered paragraphs' text
        bullets.addElement(
            _list_level(
                level,
                tx.ListLevelStyleBullet(level=str(level), bulletchar=_BULLETS[(level - 1) % 3]),
                indent,
            )
        )
        ordered.addElement(
            _list_level(
                level,
                tx.ListLevelStyleNumber(
                    level=str(level), numformat=_ORDERED_FORMATS[(level - 1) % 3], numsuffix="."
                ),
                indent,
            )
        )
    paragraphs = tx.ListStyle(name="Paragraph_20_numbers", displayname="Paragraph numbers")
    paragraphs.addElement(
        _list_level(1, tx.ListLevelStyleNumber(level="1", numformat="1", numsuffix="."), 1.0, 1.0)
    )
    return [bullets, ordered, paragraphs]


def _text_style(name: str, display: str, **properties: str) -> st.Style:
    style = st.Style(name=name, displayname=display, family="text")
    style.addElement(st.TextProperties(**properties))
    return style


def _common_styles() -> list[Element]:
    default = st.DefaultStyle(family="paragraph")
    default.addElement(
        st.TextProperties(
            fontname=BODY_FONT,
            fontsize="12pt",
            language="en",
            country="GB",
            color=_INK,
        )
    )
    default.addElement(st.ParagraphProperties(textalign="start", lineheight="120%"))
    code = {"fontname": CODE_FONT, "fontsize": "11pt"}
    return [
        default,
        _paragraph_style("Standard", "Standard", {"marginbottom": "0.28cm"}, parent=None),
        _paragraph_style("Text_20_body", "Text body", {"marginbottom": "0.28cm"}),
        _paragraph_style(
            "Title",
            "Title",
            {"marginbottom": "0.2cm", "keepwithnext": "always"},
            {"fontsize": "22pt", "fontweight": "bold", "color": _HEADING_INK},
        ),
        _paragraph_style(
            "Subtitle",
            "Subtitle",
            {"marginbottom": "0.15cm"},
            {"fontsize": "14pt", "color": _MUTED},
        ),
        _paragraph_style(
            "Document_20_status",
            "Document status",
            {
                "marginbottom": "0.6cm",
                "borderbottom": f"0.75pt solid {_HEADING_INK}",
                "padding": "0.15cm",
                "paddingleft": "0cm",
            },
            {"color": _MUTED},
        ),
        _heading(1, "16pt", "0.85cm"),
        _heading(2, "14pt", "0.55cm"),
        _heading(3, "12pt", "0.4cm"),
        _heading(4, "12pt", "0.4cm"),
        _paragraph_style("Numbered_20_paragraph", "Numbered paragraph", {"marginbottom": "0.28cm"}),
        _paragraph_style("List_20_Paragraph", "List Paragraph", {"marginbottom": "0.14cm"}),
        _paragraph_style(
            "Quotations",
            "Quotations",
            {
                "marginleft": "1cm",
                "marginright": "1cm",
                "borderleft": "2.25pt solid #9aa5b1",
                "paddingleft": "0.25cm",
                "marginbottom": "0.28cm",
            },
            {"color": "#333333"},
        ),
        _paragraph_style(
            "Preformatted_20_Text",
            "Preformatted Text",
            {"backgroundcolor": "#f2f2f2", "marginleft": "0.5cm", "marginbottom": "0.28cm"},
            code,
        ),
        _paragraph_style(
            "Horizontal_20_Line",
            "Horizontal Line",
            {"borderbottom": "0.75pt solid #9aa5b1", "marginbottom": "0.4cm"},
            {"fontsize": "6pt"},
        ),
        _paragraph_style(
            "Footnote",
            "Footnote",
            {"marginbottom": "0.07cm", "marginleft": "0.5cm", "textindent": "-0.5cm"},
            {"fontsize": "10pt"},
        ),
        _paragraph_style(
            "Table_20_Contents", "Table Contents", {"margintop": "0.04cm", "marginbottom": "0.04cm"}
        ),
        _paragraph_style(
            "Table_20_Heading",
            "Table Heading",
            {"margintop": "0.07cm", "marginbottom": "0.07cm"},
            {"fontweight": "bold"},
        ),
        _paragraph_style("Table_20_note", "Table note", {"margintop": "0.28cm"}),
        _paragraph_style(
            "Table_20_join",
            "Table join",
            {"margintop": "0cm", "marginbottom": "0cm", "lineheight": "0.02cm"},
            {"fontsize": "1pt"},
        ),
        _paragraph_style(
            "Lead_2d_in", "Lead-in", {"marginbottom": "0.28cm", "keepwithnext": "always"}
        ),
        *_amendment_styles(),
        _paragraph_style("Header", "Header", {"textalign": "center"}, {"color": _MUTED}),
        _paragraph_style("Footer", "Footer", {"textalign": "center"}, {"color": _MUTED}),
        _text_style("Strong_20_Emphasis", "Strong Emphasis", fontweight="bold"),
        _text_style(
            "Internet_20_link",
            "Internet link",
            color="#1f4e9a",
            textunderlinestyle="solid",
            textunderlinewidth="auto",
            textunderlinecolor="font-color",
        ),
        _text_style("Draft_20_mark", "Draft mark", fontweight="bold", color="#b00020"),
        *_list_styles(),
    ]


def _amendment_styles() -> list[Element]:
    """The notice box and the styles of an amendment in House style, as in the Word file."""
    italic, bold = {"fontstyle": "italic"}, {"fontweight": "bold"}
    small_muted = {"fontsize": "11pt", "color": _MUTED}
    keep = {"keepwithnext": "always", "marginbottom": "0.14cm"}
    box = "1pt solid #8a5a00"
    return [
        _paragraph_style(
            "Notice",
            "Notice",
            {
                "border": box,
                "padding": "0.15cm",
                "backgroundcolor": "#fff6e0",
                "marginbottom": "0.6cm",
            },
            bold,
        ),
        _paragraph_style("Amendment_20_number", "Amendment number", keep, bold),
        _paragraph_style(
            "Amendment_20_provision", "Amendment provision", {**keep, "textalign": "center"}, bold
        ),
        _paragraph_style("Amendment_20_reference", "Amendment reference", keep),
        _paragraph_style(
            "Amendment_20_inserted_20_title",
            "Amendment inserted title",
            {**keep, "marginleft": "1cm"},
            bold,
        ),
        _paragraph_style(
            "Amendment_20_inserted",
            "Amendment inserted text",
            {"marginleft": "1cm", "marginbottom": "0.14cm"},
        ),
        _paragraph_style(
            "Amendment_20_statement_20_heading",
            "Amendment statement heading",
            {**keep, "margintop": "0.2cm"},
            {**italic, **bold, "fontsize": "11pt"},
        ),
        _paragraph_style(
            "Amendment_20_statement", "Amendment statement", {"marginbottom": "0.28cm"}, italic
        ),
        _paragraph_style(
            "Amendment_20_supporters",
            "Amendment supporters",
            {
                "borderbottom": "0.5pt solid #c8cdd2",
                "paddingbottom": "0.1cm",
                "marginbottom": "0.4cm",
            },
            small_muted,
        ),
        _paragraph_style(
            "Amendment_20_note",
            "Amendment note",
            {"marginbottom": "0.28cm"},
            {**italic, **small_muted},
        ),
    ]


# --- the writer -------------------------------------------------------------------------------

_STYLES: dict[Role, str] = {
    "title": "Title",
    "subtitle": "Subtitle",
    "status": "Document_20_status",
    "body": "Text_20_body",
    "numbered": "Numbered_20_paragraph",
    "list": "List_20_Paragraph",
    "quote": "Quotations",
    "code": "Preformatted_20_Text",
    "rule": "Horizontal_20_Line",
    "note": "Footnote",
    "lead-in": "Lead_2d_in",
    "table-note": "Table_20_note",
    "table-join": "Table_20_join",
    "notice": "Notice",
    "amendment-number": "Amendment_20_number",
    "amendment-provision": "Amendment_20_provision",
    "amendment-reference": "Amendment_20_reference",
    "amendment-inserted_title": "Amendment_20_inserted_20_title",
    "amendment-inserted": "Amendment_20_inserted",
    "amendment-statement_heading": "Amendment_20_statement_20_heading",
    "amendment-statement": "Amendment_20_statement",
    "amendment-supporters": "Amendment_20_supporters",
    "amendment-note": "Amendment_20_note",
}
_TABLE_WIDTHS = {"Organisations": ("16cm",), "Individuals": ("7.5cm", "8.5cm")}


class _Writer(OfficeWriter):
    """ODF's side of the walk: nested elements (a list holds its items, an item its blocks, a
    footnote sits in its paragraph), table rows spliced in while packaging."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.odt = OpenDocumentText()
        self.span_styles: dict[tuple[bool, bool, bool], str] = {}
        self.centred_styles: set[str] = set()
        self.tables: list[bytes] = []  # body rows, spliced in at the markers while packaging
        self._superscript_added = False
        self.parents: list[Element] = [self.odt.text]  # the innermost takes new blocks
        self.current: Element | None = None  # the paragraph taking text
        self.outer: list[Element | None] = []  # the paragraphs that refer to open footnotes
        self.numbered: Element | None = None  # the list of the last numbered paragraph
        self.columns: list[st.Style] = []  # the column styles of the table being written
        for name, generic, pitch in (
            (BODY_FONT, "swiss", "variable"),
            (CODE_FONT, "modern", "fixed"),
        ):
            self.odt.fontfacedecls.addElement(
                st.FontFace(name=name, fontfamily=name, fontfamilygeneric=generic, fontpitch=pitch)
            )
        for element in _common_styles():
            self.odt.styles.addElement(element)
        self._table_styles()

    def _table_styles(self) -> None:
        """The signatories tables: full width, a rule under every row, the header row between
        two dark rules (as in the Word file)."""
        table = st.Style(name="SignatoriesTable", family="table")
        table.addElement(st.TableProperties(width="16cm", align="left", margintop="0.1cm"))
        self.odt.automaticstyles.addElement(table)
        for name, top, bottom in (
            ("SignatoriesCell", "none", "0.5pt solid #c8cdd2"),
            ("SignatoriesHeading", f"1pt solid {_HEADING_INK}", f"0.75pt solid {_HEADING_INK}"),
        ):
            cell = st.Style(name=name, family="table-cell")
            cell.addElement(
                st.TableCellProperties(
                    padding="0.04cm",
                    bordertop=top,
                    borderbottom=bottom,
                    borderleft="none",
                    borderright="none",
                )
            )
            self.odt.automaticstyles.addElement(cell)

    def _add(self, element: Element) -> Element:
        self.parents[-1].addElement(element)
        return element

    def _start(self, element: Element) -> None:
        """Add `element` and write what follows inside it."""
        self._add(element)
        self.parents.append(element)

    def _end(self) -> None:
        self.parents.pop()

    @property
    def _paragraph(self) -> Element:
        if self.current is None:
            raise RuntimeError("text written before any paragraph")
        return self.current

    # --- inline ---

    def _span_style(self, span: Span) -> str | None:
        key = (span.bold, span.italic, span.code)
        if not any(key):
            return None
        if key not in self.span_styles:
            name = f"T{len(self.span_styles) + 1}"
            properties: dict[str, str] = {}
            if span.bold:
                properties["fontweight"] = "bold"
            if span.italic:
                properties["fontstyle"] = "italic"
            if span.code:
                properties.update(fontname=CODE_FONT, fontsize="11pt")
            style = st.Style(name=name, family="text")
            style.addElement(st.TextProperties(**properties))
            self.odt.automaticstyles.addElement(style)
            self.span_styles[key] = name
        return self.span_styles[key]

    def text(self, span: Span, link: str | None) -> None:
        container = self._paragraph
        if link is not None:
            container = tx.A(href=link, type="simple", stylename="Internet_20_link")
            self._paragraph.addElement(container)
        style = self._span_style(span)
        if style is not None:
            inner = tx.Span(stylename=style)
            container.addElement(inner)
            container = inner
        teletype.addTextToElement(container, xml_safe(span.text))

    def _styled(self, style: str, text: str) -> None:
        span = tx.Span(stylename=style)
        teletype.addTextToElement(span, xml_safe(text))
        self._paragraph.addElement(span)

    def strong(self, text: str) -> None:
        self._styled("Strong_20_Emphasis", text)

    def draft_mark(self, text: str) -> None:
        self._styled("Draft_20_mark", text)

    # --- footnotes ---

    def note_mark(self, text: str) -> None:
        self._styled(self._superscript(), text)

    def _superscript(self) -> str:
        if not self._superscript_added:
            style = st.Style(name="Tsup", family="text")
            style.addElement(st.TextProperties(textposition="super 58%"))
            self.odt.automaticstyles.addElement(style)
            self._superscript_added = True
        return "Tsup"

    def start_note(self, number: int, label: str, automatic: bool) -> None:
        note = tx.Note(id=f"ftn{number}", noteclass="footnote")
        citation = tx.NoteCitation(text=xml_safe(label))
        if not automatic:
            citation.setAttribute("label", xml_safe(label))
        note.addElement(citation)
        self._paragraph.addElement(note)
        body = tx.NoteBody()
        note.addElement(body)
        self.parents.append(body)
        self.outer.append(self.current)

    def end_note(self) -> None:
        """A note body needs a paragraph, even an empty one."""
        if not self.parents[-1].childNodes:
            self._add(tx.P(stylename="Footnote"))
        self._end()
        self.current = self.outer.pop()

    # --- paragraphs ---

    def _open(self, paragraph: Element) -> None:
        self.current = paragraph
        self._add(paragraph)

    def paragraph(self, role: Role, indent: int | None = None, *, centred: bool = False) -> None:
        style = self._centred(_STYLES[role]) if centred else _STYLES[role]
        self._open(tx.P(stylename=style))

    def _centred(self, style: str) -> str:
        """An automatic style: `style`, centred (LibreOffice still shows it as `style`)."""
        name = f"{style}_centred"
        if name not in self.centred_styles:
            centred = st.Style(name=name, family="paragraph", parentstylename=style)
            centred.addElement(st.ParagraphProperties(textalign="center"))
            self.odt.automaticstyles.addElement(centred)
            self.centred_styles.add(name)
        return name

    def heading(self, level: int) -> None:
        self._open(tx.H(outlinelevel=str(level), stylename=f"Heading_20_{level}"))

    def numbered_paragraph(self, value: int, *, restart: bool, follows: bool) -> None:
        """An item of a paragraph-number list: the list the previous paragraph is in, or a
        new one that starts at this paragraph's number, so the numbers are exactly the
        builder's whatever comes between."""
        item = tx.ListItem()
        numbered = self.numbered
        same_list = follows and not restart and numbered is not None
        if not same_list or numbered.parentNode is not self.parents[-1]:
            numbered = self.numbered = tx.List(stylename="Paragraph_20_numbers")
            item.setAttribute("startvalue", str(value))
            self._add(numbered)
        numbered.addElement(item)
        self.current = tx.P(stylename="Numbered_20_paragraph")
        item.addElement(self.current)

    # --- lists ---

    def start_list(self, ordered: bool, start: int, level: int) -> None:
        """A list; nested lists sit inside their item, so the list style's levels apply."""
        self._start(tx.List(stylename="Ordered" if ordered else "Bullets"))

    def start_item(self, start: int | None) -> None:
        item = tx.ListItem()
        if start is not None:
            item.setAttribute("startvalue", str(start))
        self._start(item)
        self._open(tx.P(stylename="List_20_Paragraph"))

    def end_item(self) -> None:
        self._end()

    def end_list(self) -> None:
        self._end()

    # --- the signatories ---

    def table(
        self, name: str, index: int, headers: tuple[str, ...], rows: list[tuple[str, ...]]
    ) -> None:
        """A table whose header row repeats on every page. Body rows are written as text and
        spliced into content.xml while packaging (odfpy builds and serialises each element in
        Python: minutes for 50,000 rows); every cell is made XML-safe and escaped."""
        if not index:
            self.columns = []
            for number, width in enumerate(_TABLE_WIDTHS[name]):
                column_style = st.Style(name=f"{name}Column{number}", family="table-column")
                column_style.addElement(st.TableColumnProperties(columnwidth=width))
                self.odt.automaticstyles.addElement(column_style)
                self.columns.append(column_style)
        table = tb.Table(
            name=f"{name} {index + 1}" if index else name, stylename="SignatoriesTable"
        )
        for column_style in self.columns:
            # The default cell style also tells odfpy the (spliced) cells' style is used,
            # so it writes that automatic style out.
            table.addElement(
                tb.TableColumn(stylename=column_style, defaultcellstylename="SignatoriesCell")
            )
        header_rows = tb.TableHeaderRows()
        header = tb.TableRow()
        for text in headers:
            cell = tb.TableCell(valuetype="string", stylename="SignatoriesHeading")
            paragraph = tx.P(stylename="Table_20_Heading")
            teletype.addTextToElement(paragraph, text)
            cell.addElement(paragraph)
            header.addElement(cell)
        header_rows.addElement(header)
        table.addElement(header_rows)
        table.addElement(tb.TableRow(stylename=f"SpliceRows{len(self.tables)}"))
        self.tables.append(_rows_xml(rows))
        self._add(table)

    # --- the file ---

    def page(self, header: str | None, page_numbers: bool) -> None:
        layout = st.PageLayout(name="Page")
        layout.addElement(
            st.PageLayoutProperties(
                pagewidth="21cm",
                pageheight="29.7cm",
                printorientation="portrait",
                margintop="1.2cm",
                marginbottom="1.2cm",
                marginleft="2.5cm",
                marginright="2.5cm",
            )
        )
        for kind in (st.HeaderStyle, st.FooterStyle):
            holder = kind()
            holder.addElement(st.HeaderFooterProperties(minheight="1.3cm", margin="0.5cm"))
            layout.addElement(holder)
        self.odt.automaticstyles.addElement(layout)
        master = st.MasterPage(name="Standard", pagelayoutname=layout)
        if header is not None:
            top = st.Header()
            paragraph = tx.P(stylename="Header")
            mark = tx.Span(stylename="Draft_20_mark")
            teletype.addTextToElement(mark, header)
            paragraph.addElement(mark)
            top.addElement(paragraph)
            master.addElement(top)
        if page_numbers:
            footer = st.Footer()
            paragraph = tx.P(stylename="Footer")
            teletype.addTextToElement(paragraph, "Page ")
            paragraph.addElement(tx.PageNumber(selectpage="current", text="1"))
            teletype.addTextToElement(paragraph, " of ")
            paragraph.addElement(tx.PageCount(text="1"))
            footer.addElement(paragraph)
            master.addElement(footer)
        self.odt.masterstyles.addElement(master)

    def _properties(self) -> None:
        document = self.document
        moment = datetime(document.date.year, document.date.month, document.date.day).isoformat()
        info = self.odt.meta
        info.addElement(dc.Title(text=xml_safe(property_title(document))))
        info.addElement(dc.Subject(text=xml_safe(document.subtitle or document.consultation_title)))
        info.addElement(dc.Description(text="Draft: not for submission" if document.draft else ""))
        info.addElement(meta.InitialCreator(text=xml_safe(document.organisation)))
        info.addElement(dc.Creator(text=xml_safe(document.organisation)))
        info.addElement(meta.CreationDate(text=moment))
        info.addElement(dc.Date(text=moment))
        info.addElement(dc.Language(text=document.language))
        info.addElement(meta.Keyword(text=xml_safe(document.consultation_title)))
        if document.fingerprint:
            info.addElement(meta.UserDefined(name="SHA-256 fingerprint", text=document.fingerprint))

    def _package_entry(self, name: str, content: bytes) -> bytes:
        """Canonical namespace declarations in every XML entry, table rows in content.xml."""
        if not name.endswith(".xml"):
            return content
        content = _canonical_root(content)
        if name != "content.xml":
            return content
        return splice(content, _ROWS_MARKER, self.tables)

    def package(self) -> bytes:
        """The .odt file of what was written, with the same bytes every time."""
        self._properties()
        out = io.BytesIO()
        self.odt.write(out)
        return deterministic_zip(out.getvalue(), self.document.date, self._package_entry)


def _canonical_root(content: bytes) -> bytes:
    root = _ROOT_TAG.search(content, 0, 8192)
    if root is None:
        return content
    tag = root.group(0)
    declarations = sorted(
        {m.group(0) for m in _DECLARATION.finditer(tag) if m.group(1) in _STANDARD}
    )
    bare = _DECLARATION.sub(b"", tag)
    name_end = bare.find(b" ") if b" " in bare else len(bare) - 1
    canonical = bare[:name_end] + b"".join(declarations) + bare[name_end:]
    return content[: root.start()] + canonical + content[root.end() :]


def _rows_xml(rows: Iterable[tuple[str, ...]]) -> bytes:
    cell = (
        '<table:table-cell table:style-name="SignatoriesCell" office:value-type="string">'
        '<text:p text:style-name="Table_20_Contents">{}</text:p></table:table-cell>'
    )
    return "".join(
        "<table:table-row>"
        + "".join(cell.format(escape(xml_safe(text))) for text in row)
        + "</table:table-row>"
        for row in rows
    ).encode()


def render_odt(document: Document) -> bytes:
    """The document as an OpenDocument Text file: the same document always gives the same
    bytes."""
    writer = _Writer(document)
    write_document(document, writer)
    return writer.package()
