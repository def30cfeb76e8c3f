"""Markdown and plain text of a built document, whole or one part at a time.

The whole response is what a coordinator e-mails or publishes as text; one part is what a
person pastes into the Home Office's online questionnaire under that question (the
explanation only: the closed answer is chosen in the questionnaire's own buttons).

The model holds plain text, so the Markdown writer escapes every character that Markdown
would read as markup: the output re-renders to exactly the words in the model, and names or
text such as "<script>", "[x](javascript:...)" or "# 1." stay words."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from consult.exports.document import (
    AmendmentBlock,
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

DRAFT_NOTICE = "DRAFT: the current draft, not a frozen version. Do not submit."

# Characters that may start markup anywhere in a line. "&" only matters before an entity.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~^])|&(?=#?\w+;)")
# What may start a block at the beginning of a line: a heading, a list item or a setext
# underline ("1." or "1)" too: its punctuation is escaped, the digits stay).
_LINE_START = re.compile(r"^([ \t]*)([#+=-])", re.MULTILINE)
_NUMBERED_START = re.compile(r"^([ \t]*\d{1,9})([.)])", re.MULTILINE)


_MAYBE_SPECIAL = re.compile(r"[\\`*_\[\]<>|~^&#+=\-.)\n]")


def _escape(text: str) -> str:
    """Plain text as Markdown that renders as exactly that text."""
    if not _MAYBE_SPECIAL.search(text):
        return text  # most names and many runs of words: nothing to escape
    text = _INLINE_SPECIAL.sub(lambda match: "\\" + (match.group(1) or "&"), text)
    text = _NUMBERED_START.sub(r"\1\\\2", text)
    text = _LINE_START.sub(r"\1\\\2", text)
    return text.replace("\n", "\\\n")  # a hard line break


def _date(document: Document) -> str:
    return f"{document.date.day} {document.date:%B %Y}"


# --- inline -----------------------------------------------------------------------------------


def _code_span(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") or not text.strip() else text
    return f"{fence}{padded.replace(chr(10), ' ')}{fence}"


def _link(text: str, url: str) -> str:
    url = re.sub(r"[<>\s]", lambda match: f"%{ord(match.group(0)):02X}", url)
    return f"[{text}](<{url}>)"


class _InlineMarkdown:
    """Spans as Markdown. Emphasis markers open and close where the style changes (not per
    span: "*a**b*" would not read back), spaces stay outside them (emphasis cannot start or
    end with a space), and a link is written whole, its own styles inside its brackets."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.open: list[str] = []  # the emphasis markers open now, outermost first
        self.pending = ""  # trailing spaces of the last run, written after any closing marker
        self.after_reference = False  # the last thing written was a footnote reference

    def close(self, keep: int = 0) -> None:
        while len(self.open) > keep:
            self.out.append(self.open.pop())
        self.out.append(self.pending)
        self.pending = ""

    def style(self, bold: bool, italic: bool, lasts: tuple[int, int] = (0, 0)) -> None:
        """Open and close markers for the next run. Of two markers opened at once, the one
        that lasts longer (`lasts`: runs left in bold, in italic) goes outside."""
        marks = [("**", bold, lasts[0]), ("*", italic, lasts[1])]
        # Of two that last as long, one open already stays outside ("*a **b***", not
        # "*a****b***", which reads back as literal asterisks).
        opened = {mark: depth for depth, mark in enumerate(self.open)}
        order = sorted(marks, key=lambda m: (-m[2], opened.get(m[0], len(opened))))
        wanted = [mark for mark, on, _ in order if on]
        keep = 0
        while keep < len(self.open) and keep < len(wanted) and self.open[keep] == wanted[keep]:
            keep += 1
        if keep < len(self.open):
            self.close(keep)
        for mark in wanted[keep:]:
            self.out.append(self.pending + mark)
            self.pending = ""
            self.open.append(mark)

    def write(self, text: str) -> None:
        text = self.pending + text
        self.pending = ""
        tail = next((index for index in range(len(self.out) - 1, -1, -1) if self.out[index]), None)
        if tail is not None:
            before = self.out[tail]
            if text.startswith("[") and before.endswith("!"):
                self.out[tail] = before[:-1] + "\\!"  # "![" would make the link an image
            elif text.startswith((":", "(")) and self.after_reference:
                text = "\\" + text  # "[^1]:" is a footnote's definition, "[^1](x)" a link
        self.out.append(text)
        self.after_reference = False

    def span(self, span: Span, lasts: tuple[int, int] = (0, 0)) -> None:
        if span.footnote is not None:
            self.write(f"[^{span.text}]")
            self.after_reference = True
            return
        if span.link is not None:
            self.close()
            inner = _InlineMarkdown()
            inner.span(replace(span, link=None))
            self.write(_link(inner.text(), span.link))
            return
        if span.code:
            self.style(span.bold, span.italic, lasts)
            self.write(_code_span(span.text))
            return
        core = span.text.strip()
        if not core:
            self.pending += _escape(span.text)
            return
        lead = span.text[: len(span.text) - len(span.text.lstrip())]
        self.pending += _escape(lead)
        self.style(span.bold, span.italic, lasts)
        self.write(_escape(core))
        self.pending = _escape(span.text[len(span.text.rstrip()) :])

    def text(self) -> str:
        self.close()
        return "".join(self.out)


def _inline_markdown(spans: Sequence[Span]) -> str:
    # How many runs each style lasts from each span on (spaces and footnote references do not
    # interrupt it; a link does, as it is written whole).
    lasts = [(0, 0)] * (len(spans) + 1)
    for index in range(len(spans) - 1, -1, -1):
        span, (bold, italic) = spans[index], lasts[index + 1]
        if span.footnote is not None or (not span.text.strip() and not span.code):
            lasts[index] = (bold, italic)
        elif span.link is not None:
            lasts[index] = (0, 0)
        else:
            lasts[index] = ((bold + 1) * span.bold, (italic + 1) * span.italic)
    writer = _InlineMarkdown()
    for span, last in zip(spans, lasts, strict=False):
        writer.span(span, last)
    return writer.text()


def _text_span(span: Span) -> str:
    if span.footnote is not None:
        return f"[{span.text}]"
    if span.link is None:
        return span.text
    target = span.link.removeprefix("mailto:")
    return span.text if span.text.strip() == target else f"{span.text} ({target})"


def _inline_text(spans: Sequence[Span]) -> str:
    return "".join(_text_span(span) for span in spans)


# --- blocks -----------------------------------------------------------------------------------


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join(
        [first + lines[0], *((rest + line) if line else line.rstrip() for line in lines[1:])]
    )


class _Writer:
    """Blocks as Markdown or plain text: the two differ only in inline text and markers."""

    def __init__(self, markdown: bool, numbers: bool) -> None:
        self.markdown = markdown
        self.numbers = numbers  # show paragraph numbers ("12. ")
        self.depth = 0  # of lists inside lists
        # Markdown's ordered lists take ")" so that they never run on from a numbered
        # paragraph ("4. ..." then "1. ..." would be one list, numbered 4, 5, 6).
        self.delimiter = ")" if markdown else "."
        self.inline: Callable[[Sequence[Span]], str] = (
            _inline_markdown if markdown else _inline_text
        )

    def blocks(self, blocks: Iterable[Block]) -> str:
        return "\n\n".join(self.each(blocks))

    def each(self, blocks: Iterable[Block]) -> list[str]:
        """Each block's text. Two lists of one kind in a row would read back as one list, so
        the second takes the other marker ("*" or ".")."""
        texts: list[str] = []
        previous: Block | None = None
        alternate = False
        for block in blocks:
            if isinstance(block, ListBlock):
                same_kind = isinstance(previous, ListBlock) and previous.ordered == block.ordered
                alternate = same_kind and not alternate
                texts.append(self.list_block(block, alternate))
            else:
                texts.append(self.block(block))
            previous = block
        return texts

    def block(self, block: Block) -> str:
        if isinstance(block, Paragraph):
            text = self.inline(block.spans)
            if self.numbers and block.number is not None:
                marker = f"{block.number}. "
                return _indent(text, marker, " " * len(marker))
            return text
        if isinstance(block, Heading):
            text = self.inline(block.spans).replace("\\\n", " ").replace("\n", " ")
            return f"{'#' * (block.level + 2)} {text}" if self.markdown else text
        if isinstance(block, ListBlock):
            return self.list_block(block)
        if isinstance(block, Quote):
            return "\n".join(
                f"> {line}" if line else ">" for line in self.blocks(block.blocks).split("\n")
            )
        if isinstance(block, CodeBlock):
            if not self.markdown:
                return _indent(block.text, "    ", "    ")
            longest = max((len(run) for run in re.findall(r"`{3,}", block.text)), default=2)
            fence = "`" * (longest + 1)
            return f"{fence}\n{block.text}\n{fence}"
        if isinstance(block, Rule):
            return "___" if self.markdown else "* * *"  # "- ---" would be one rule
        if isinstance(block, AmendmentBlock):
            return self.amendment(block)
        raise TypeError(f"not a block of the document model: {block!r}")

    def amendment(self, block: AmendmentBlock) -> str:
        """An amendment in House style, a line a paragraph: inserted text set out (quoted in
        Markdown, indented in plain text), the number in bold, the statement in italics."""
        chunks: list[str] = []
        set_out = False  # the previous line was inserted text
        for line in block.lines:
            text = self.text(line.text)
            if line.role in ("inserted", "inserted_title"):
                chunk = f"> {text}" if self.markdown else f"    {text}"
                if set_out:
                    chunks[-1] += ("\n>\n" if self.markdown else "\n") + chunk
                else:
                    chunks.append(chunk)
                set_out = True
                continue
            set_out = False
            if self.markdown and line.role in ("number", "provision"):
                text = f"**{text}**"
            elif self.markdown and line.role in ("statement_heading", "statement", "note"):
                text = f"*{text}*"
            chunks.append(text)
        return "\n\n".join(chunks)

    def list_block(self, block: ListBlock, alternate: bool = False) -> str:
        # Tight (no blank lines) when each item is at most a paragraph followed by lists.
        tight = all(
            all(isinstance(inner, ListBlock) for inner in item[1:])
            and isinstance(item[0], (Paragraph, ListBlock))
            for item in block.items
            if item
        )
        delimiter = self.delimiter if not alternate else {")": ".", ".": ")"}[self.delimiter]
        # A nested list's marker differs from its parent's: "- - -" would be a rule.
        bullet = "* " if alternate else ("- ", "+ ")[self.depth % 2]
        self.depth += 1
        items = []
        for offset, item in enumerate(block.items):
            marker = f"{block.start + offset}{delimiter} " if block.ordered else bullet
            body = ("\n" if tight else "\n\n").join(self.each(item))
            items.append(_indent(body, marker, " " * len(marker)))
        self.depth -= 1
        return ("\n" if tight else "\n\n").join(items)

    def footnotes(self, footnotes: Iterable[Footnote]) -> str:
        notes = []
        for note in footnotes:
            body = self.blocks(note.blocks)
            if self.markdown:
                notes.append(_indent(body, f"[^{note.label}]: ", "    "))
            else:
                marker = f"[{note.label}] "
                notes.append(_indent(body, marker, " " * len(marker)))
        return "\n\n".join(notes)

    def explanation(self, part: Part) -> str:
        blocks = self.each(part.blocks)
        if self.numbers and not self.markdown:
            # Plain text: lists, quotes and code sit indented under the numbered paragraphs,
            # so that a list's "1." is not read as paragraph 1.
            blocks = [
                text
                if isinstance(block, (Paragraph, Heading, Rule))
                else _indent(text, "    ", "    ")
                for block, text in zip(part.blocks, blocks, strict=True)
            ]
        chunks = ["\n\n".join(blocks)]
        if part.footnotes:
            chunks.append(self.footnotes(part.footnotes))
        return "\n\n".join(chunk for chunk in chunks if chunk)

    def text(self, value: str) -> str:
        return _escape(value) if self.markdown else value

    def heading(self, level: int, value: str) -> str:
        if self.markdown:
            return f"{'#' * level} {self.text(value)}"
        underline = "=" if level == 1 else "-"
        return f"{value}\n{underline * max(len(value), 3)}"


# --- the whole document -----------------------------------------------------------------------


def _signatories(writer: _Writer, signatories: Signatories) -> list[str]:
    chunks = [writer.heading(2, "Signatories")]
    if signatories.organisations:
        chunks.append(writer.heading(3, "Organisations") if writer.markdown else "Organisations")
        chunks.append("\n".join(f"- {writer.text(name)}" for name in signatories.organisations))
    if signatories.people:
        chunks.append(writer.heading(3, "Individuals") if writer.markdown else "Individuals")
        chunks.append(
            "\n".join(
                f"- {writer.text(name)}" + (f", {writer.text(affiliation)}" if affiliation else "")
                for name, affiliation in signatories.people
            )
        )
    named = len(signatories.organisations) + len(signatories.people)
    unnamed = signatories.confirmed_total - named
    total = signatories.confirmed_total
    summary = f"{total:,} signature{'' if total == 1 else 's'} in all"
    if unnamed > 0:
        summary += f", including {unnamed:,} from people who asked not to be named"
    chunks.append(summary + ".")
    return chunks


def _render(document: Document, markdown: bool) -> str:
    writer = _Writer(markdown, numbers=document.numbered_paragraphs)
    chunks = [writer.heading(1, document.heading)]
    if document.subtitle:
        chunks.append(writer.text(document.subtitle))
    if document.draft:
        notice = f"{DRAFT_NOTICE} Exported on {_date(document)}."
        chunks.append(f"**{writer.text(notice)}**" if markdown else notice)
    else:
        chunks.append(writer.text(f"Version {document.version_number}, {_date(document)}"))
    for notice in document.notices:
        chunks.append(f"**{writer.text(notice)}**" if markdown else notice)
    for part in document.parts:
        if part.heading:
            chunks.append(writer.heading(2, part.heading))
        answer = document.answer_of(part)
        if answer is not None:
            answer, label = writer.text(answer), part.answer_label or "Answer"
            chunks.append(f"**{label}:** {answer}" if markdown else f"{label}: {answer}")
        explanation = writer.explanation(part)
        if explanation:
            chunks.append(explanation)
    if document.signatories is not None and document.signatories.confirmed_total:
        chunks.extend(_signatories(writer, document.signatories))
    if document.fingerprint:
        chunks.append(writer.heading(2, "Fingerprint"))
        chunks.append(
            writer.text(
                f"Version {document.version_number} of this response has the SHA-256 fingerprint:"
            )
        )
        chunks.append(f"`{document.fingerprint}`" if markdown else document.fingerprint)
        if document.verify_url:
            url = f"<{document.verify_url}>" if markdown else document.verify_url
            chunks.append(f"{writer.text('Check it at')} {url}")
    return "\n\n".join(chunks) + "\n"


def render_markdown(document: Document) -> str:
    """The whole response as Markdown (CommonMark with footnotes), safe to render again."""
    return _render(document, markdown=True)


def render_text(document: Document) -> str:
    """The whole response as plain text: no markup, links spelt out, footnotes as [1]."""
    return _render(document, markdown=False)


def part_markdown(part: Part) -> str:
    """One part's explanation as Markdown, to paste under its question (no heading, no
    closed answer, no paragraph numbers: the questionnaire has its own)."""
    return _Writer(markdown=True, numbers=False).explanation(part)


def part_text(part: Part) -> str:
    """One part's explanation as plain text, to paste into a questionnaire's text box."""
    return _Writer(markdown=False, numbers=False).explanation(part)
