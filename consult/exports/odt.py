"""OpenDocument Text (.odt) rendering of the export document, for recipients who take a
Word-type file and for people who use LibreOffice.

odfpy writes the package; headings use the standard "Heading n" styles with outline levels,
lists and numbered paragraphs are real ODF lists (text:list), footnotes are real notes
(text:note), signatories are a table with a repeated header row. odfpy escapes every text and
attribute value; `xml_safe` first removes characters XML cannot carry at all."""

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


# --- the writer -------------------------------------------------------------------------------


class _Writer:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.odt = OpenDocumentText()
        self.automatic_notes = footnotes_number_themselves(document)
        self.numbering = ParagraphNumbering()
        self.span_styles: dict[tuple[bool, bool, bool], str] = {}
        self.used_notes: set[str] = set()
        self.note_count = 0
        self.tables: list[bytes] = []  # body rows, spliced in at the markers while packaging
        self._superscript_added = False
        self.outline: dict[int, int] = {}  # the current part's heading levels -> outline levels
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

    def _spans(
        self, paragraph: Element, spans: Iterable[Span], notes: dict[str, Footnote] | None
    ) -> None:
        for span in spans:
            if span.footnote is not None:
                self._note(paragraph, span, notes)
                continue
            container = paragraph
            url = xml_safe(span.link or "").strip()
            if url.lower().startswith(("http://", "https://", "mailto:")):
                container = tx.A(href=url, type="simple", stylename="Internet_20_link")
                paragraph.addElement(container)
            style = self._span_style(span)
            if style is not None:
                inner = tx.Span(stylename=style)
                container.addElement(inner)
                container = inner
            teletype.addTextToElement(container, xml_safe(span.text))

    def _note(self, paragraph: Element, span: Span, notes: dict[str, Footnote] | None) -> None:
        note = notes.get(span.footnote) if notes else None
        if note is None or note.id in self.used_notes:
            marker = tx.Span(stylename=self._superscript())
            teletype.addTextToElement(marker, xml_safe(span.text))
            paragraph.addElement(marker)
            return
        self.used_notes.add(note.id)
        self.note_count += 1
        element = tx.Note(id=f"ftn{self.note_count}", noteclass="footnote")
        citation = tx.NoteCitation(text=xml_safe(note.label))
        if not self.automatic_notes:
            citation.setAttribute("label", xml_safe(note.label))
        element.addElement(citation)
        body = tx.NoteBody()
        self._blocks(body, note.blocks, None, "Footnote")
        if not body.childNodes:
            body.addElement(tx.P(stylename="Footnote"))
        element.addElement(body)
        paragraph.addElement(element)

    def _superscript(self) -> str:
        if not self._superscript_added:
            style = st.Style(name="Tsup", family="text")
            style.addElement(st.TextProperties(textposition="super 58%"))
            self.odt.automaticstyles.addElement(style)
            self._superscript_added = True
        return "Tsup"

    # --- blocks ---

    def _blocks(
        self,
        parent: Element,
        blocks: tuple[Block, ...],
        notes: dict[str, Footnote] | None,
        style: str = "Text_20_body",
    ) -> None:
        numbered: Element | None = None  # the paragraph-number list being filled
        for block in blocks:
            if isinstance(block, Paragraph) and block.number:
                numbered = self._numbered(parent, block, notes, numbered)
                continue
            numbered = None
            if isinstance(block, Paragraph):
                paragraph = tx.P(stylename=style)
                self._spans(paragraph, block.spans, notes)
                parent.addElement(paragraph)
            elif isinstance(block, Heading):
                level = self.outline.get(block.level, 4)
                element = (
                    tx.H(outlinelevel=str(level), stylename=f"Heading_20_{level}")
                    if notes is not None
                    else tx.P(stylename=style)  # a heading inside a footnote: plain text
                )
                self._spans(element, block.spans, notes)
                parent.addElement(element)
            elif isinstance(block, ListBlock):
                parent.addElement(self._list(block, notes))
            elif isinstance(block, Quote):
                self._blocks(parent, block.blocks, notes, "Quotations")
            elif isinstance(block, CodeBlock):
                paragraph = tx.P(stylename="Preformatted_20_Text")
                teletype.addTextToElement(paragraph, xml_safe(block.text.rstrip("\n")))
                parent.addElement(paragraph)
            elif isinstance(block, Rule):
                parent.addElement(tx.P(stylename="Horizontal_20_Line"))

    def _numbered(
        self,
        parent: Element,
        block: Paragraph,
        notes: dict[str, Footnote] | None,
        numbered: Element | None,
    ) -> Element | None:
        """A numbered paragraph as an item of a paragraph-number list, added to `numbered` (the
        list the previous block opened) or to a new list that starts at this paragraph's
        number, so the numbers are exactly the builder's whatever comes between. Returns the
        list the next numbered paragraph may continue."""
        placed = self.numbering.place(block.number or "")
        paragraph = tx.P(stylename="Numbered_20_paragraph")
        if placed is None:  # a number no counter can produce: typed
            teletype.addTextToElement(paragraph, f"{xml_safe(block.number or '')}\t")
            self._spans(paragraph, block.spans, notes)
            parent.addElement(paragraph)
            return None
        value, new = placed
        item = tx.ListItem()
        if new or numbered is None:
            numbered = tx.List(stylename="Paragraph_20_numbers")
            item.setAttribute("startvalue", str(value))
            parent.addElement(numbered)
        self._spans(paragraph, block.spans, notes)
        item.addElement(paragraph)
        numbered.addElement(item)
        return numbered

    def _list(self, block: ListBlock, notes: dict[str, Footnote] | None) -> Element:
        """A list; nested lists sit inside their item, so the list style's levels apply."""
        element = tx.List(stylename="Ordered" if block.ordered else "Bullets")
        for index, item in enumerate(block.items):
            list_item = tx.ListItem()
            if index == 0 and block.ordered and block.start != 1:
                list_item.setAttribute("startvalue", str(block.start))
            if not item or not isinstance(item[0], Paragraph):
                list_item.addElement(tx.P(stylename="List_20_Paragraph"))
            self._blocks(list_item, item, notes, "List_20_Paragraph")
            element.addElement(list_item)
        return element

    # --- the document ---

    def _add(self, element: Element) -> Element:
        self.odt.text.addElement(element)
        return element

    def _line(self, style: str, text: str) -> Element:
        paragraph = tx.P(stylename=style)
        teletype.addTextToElement(paragraph, xml_safe(text))
        return self._add(paragraph)

    def _front_matter(self) -> None:
        document = self.document
        title = tx.P(stylename="Title")
        if document.draft:
            mark = tx.Span(stylename="Draft_20_mark")
            teletype.addTextToElement(mark, "DRAFT: ")
            title.addElement(mark)
            teletype.addTextToElement(title, xml_safe(document.heading))
        else:
            teletype.addTextToElement(title, xml_safe(display_title(document)))
        self._add(title)
        if document.subtitle:
            self._line("Subtitle", document.subtitle)
        supporters = supporters_line(document)
        if supporters:
            self._line("Subtitle", supporters)
        self._line("Document_20_status", status_line(document))

    def _heading(self, level: int, text: str) -> None:
        heading = tx.H(outlinelevel=str(level), stylename=f"Heading_20_{level}")
        teletype.addTextToElement(heading, xml_safe(text))
        self._add(heading)

    def _part(self, part: Part) -> None:
        self._heading(1, part.heading)
        answer = self.document.answer_of(part)
        if answer is not None:
            paragraph = tx.P(stylename="Text_20_body")
            label = tx.Span(stylename="Strong_20_Emphasis")
            teletype.addTextToElement(label, "Answer: ")
            paragraph.addElement(label)
            teletype.addTextToElement(paragraph, xml_safe(answer))
            self._add(paragraph)
        notes = {note.id: note for note in referenced_footnotes(part)}
        self.outline = heading_outline(part)
        self._blocks(self.odt.text, part.blocks, notes)

    def _table(
        self,
        name: str,
        headers: tuple[str, ...],
        rows: Iterable[tuple[str, ...]],
        widths: tuple[str, ...],
    ) -> None:
        """Tables (one per run of rows, see `table_runs`, joined by a hairline paragraph) whose
        header row repeats on every page. Body rows are written as text and spliced into
        content.xml while packaging (odfpy builds and serialises each element in Python:
        minutes for 50,000 rows); every cell is made XML-safe and escaped."""
        columns = []
        for index, width in enumerate(widths):
            column_style = st.Style(name=f"{name}Column{index}", family="table-column")
            column_style.addElement(st.TableColumnProperties(columnwidth=width))
            self.odt.automaticstyles.addElement(column_style)
            columns.append(column_style)
        for index, run in enumerate(table_runs(rows)):
            if index:
                self._add(tx.P(stylename="Table_20_join"))
            table = tb.Table(
                name=f"{name} {index + 1}" if index else name, stylename="SignatoriesTable"
            )
            for column_style in columns:
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
            self.tables.append(_rows_xml(run))
            self._add(table)

    def _signatories(self, signatories: Signatories) -> None:
        self._heading(1, "Signatories")
        self._line("Lead_2d_in", signatories_intro(signatories))
        if signatories.organisations:
            self._heading(2, "Organisations")
            self._table(
                "Organisations",
                ("Organisation",),
                ((name,) for name in signatories.organisations),
                ("16cm",),
            )
        if signatories.people:
            self._heading(2, "Individuals")
            self._table(
                "Individuals", ("Name", "Affiliation"), signatories.people, ("7.5cm", "8.5cm")
            )
        unnamed = unnamed_line(signatories)
        if unnamed:
            self._line("Table_20_note", unnamed)

    def _verification(self) -> None:
        lines = verification_lines(self.document)
        if lines is None:
            return
        intro, link_intro = lines
        self._heading(1, "Verification")
        self._line("Lead_2d_in", intro)
        fingerprint = tx.P(stylename="Lead_2d_in")
        self._spans(fingerprint, (Span(self.document.fingerprint or "", code=True),), None)
        self._add(fingerprint)
        if link_intro and self.document.verify_url:
            paragraph = tx.P(stylename="Text_20_body")
            url = self.document.verify_url
            self._spans(paragraph, (Span(link_intro), Span(url, link=url), Span(".")), None)
            self._add(paragraph)

    def _page(self) -> None:
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
        if self.document.draft:
            header = st.Header()
            paragraph = tx.P(stylename="Header")
            mark = tx.Span(stylename="Draft_20_mark")
            teletype.addTextToElement(mark, DRAFT_MARK)
            paragraph.addElement(mark)
            header.addElement(paragraph)
            master.addElement(header)
        if self.document.page_numbers:
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

    def render(self) -> bytes:
        self._front_matter()
        for part in self.document.parts:
            self._part(part)
        if self.document.signatories is not None:
            self._signatories(self.document.signatories)
        self._verification()
        self._page()
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
    return _Writer(document).render()
