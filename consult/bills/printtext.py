"""A print's words, indexed for the amendment rules: every line found by its page and line in
constant time, and the whole print as one stream of word tokens that runs across line and page
breaks.

Amendments quote words ("leave out “authorised officer”"), so checking one against a print and
following it into the next print is a matter of finding token sequences: on a cited line when
checking, anywhere (with the words around them) when re-mapping. A stream that ignores line
breaks is what makes re-mapping survive re-flowed pages and re-wrapped lines; the line each
token starts on turns a match back into a page and line. Built once per print and reused for
every amendment, so a 300-page print with 100 amendments costs one pass, not 100.
"""

from __future__ import annotations

import re
from functools import cached_property
from itertools import pairwise
from typing import NamedTuple

from consult.bills.structure import ParsedPrint, PrintedLine

# Curly and straight quotes, apostrophes and dashes are typed every which way: one key for each.
_FOLD = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote, the apostrophe of printed text
        "\u201b": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u00a0": " ",
    }
)
# A word (with inner apostrophes or hyphens: "officer's", "law-enforcement") or one mark.
_TOKEN = re.compile(r"\w+(?:['\-]\w+)*|[^\w\s]")
# A word broken at the end of a line: a letter, then a hyphen (not a dash) as the last mark.
_BROKEN_WORD = re.compile(r"\w[-\u2010]$")


def unsoft(text: str) -> str:
    """The text without soft hyphens (they are not printed)."""
    return text.replace("\u00ad", "")


def fold(text: str) -> str:
    """The text with quotes, apostrophes, dashes and spaces of every kind made one kind (one
    character for one, so places in the folded text are places in the text)."""
    return unsoft(text).translate(_FOLD)


class Token(NamedTuple):
    """One word or mark of a line: its text as printed and where it is in the line. (A named
    tuple: a 300-page print has some 100,000 of them, made in one go.)"""

    text: str
    key: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """The words and marks of a piece of text, in order, with their places in the text (less
    any soft hyphens). A word's key leaves out hyphens inside it, so a word broken at the end of
    a line ("authori-" + "sed") matches the word whole, and "law-enforcement" matches however a
    print hyphenates it."""
    text = unsoft(text)
    result = []
    for match in _TOKEN.finditer(fold(text)):
        start, end = match.span()
        word = match.group()
        result.append(
            Token(text[start:end], word.replace("-", "") if end - start > 1 else word, start, end)
        )
    return result


def keys(text: str) -> tuple[str, ...]:
    """The comparison keys of the words someone quoted."""
    return tuple(token.key for token in tokens(text))


class PrintText:
    """A `ParsedPrint` indexed for finding words: lines by page and line, the print as one
    token stream (`keys`, with `token_line` the index of the line each token starts on), and
    where each key occurs."""

    def __init__(self, parsed: ParsedPrint) -> None:
        self.print = parsed
        self.lines: list[PrintedLine] = parsed.lines
        self.keys: list[str] = []
        self.token_line: list[int] = []
        # line_first[i]: the index of the first token that starts on line i; line_first[-1] is
        # the number of tokens. A word broken across two lines belongs to the first, and the
        # line it ends on is marked in `carried` (its first printed token is not its own).
        self.line_first: list[int] = []
        self.line_tokens: list[list[Token]] = [tokens(line.text) for line in self.lines]
        self.carried: list[bool] = []
        carry = False
        for index, line_tokens in enumerate(self.line_tokens):
            self.carried.append(carry and bool(line_tokens))
            if self.carried[-1]:  # the rest of a word broken at the end of the line before
                self.keys.pop()  # the hyphen
                self.token_line.pop()
                self.keys[-1] += line_tokens[0].key
            self.line_first.append(len(self.keys))
            own = line_tokens[1:] if self.carried[-1] else line_tokens
            for token in own:
                self.keys.append(token.key)
                self.token_line.append(index)
            # The importer knows a broken word from the layout (`hyphenated`); a print made
            # some other way is read for one: a final hyphen, then a small letter.
            carry = bool(own and index + 1 < len(self.lines)) and (
                self.lines[index].hyphenated
                or bool(
                    len(own) > 1
                    and _BROKEN_WORD.search(unsoft(self.lines[index].text).rstrip())
                    and self._starts_lower(index + 1)
                )
            )
        self.line_first.append(len(self.keys))

    def _starts_lower(self, index: int) -> bool:
        """Whether line `index` starts with a small letter (so a hyphen before it breaks a word)."""
        following = self.line_tokens[index]
        return bool(following) and following[0].text[:1].islower()

    # Lines -----------------------------------------------------------------------------------

    def index_of(self, page: int, line: int) -> int | None:
        """The index in `lines` of the line printed at page/line, or None."""
        return self.print.position(page, line)

    @cached_property
    def page_lines(self) -> dict[int, tuple[int, int]]:
        """For every page: its first and last line number."""
        spans: dict[int, tuple[int, int]] = {}
        for line in self.lines:
            low, high = spans.get(line.page, (line.line, line.line))
            spans[line.page] = (min(low, line.line), max(high, line.line))
        return spans

    def ref(self, index: int) -> tuple[int, int]:
        """(page, line) of the line at `index`."""
        line = self.lines[index]
        return line.page, line.line

    def first_token(self, index: int) -> int:
        """The index of the first token that starts on line `index`."""
        return self.line_first[index]

    def end_token(self, index: int) -> int:
        """One past the last token that starts on line `index`."""
        return self.line_first[index + 1]

    def ends_line(self, token: int) -> bool:
        """Whether token `token` is the last one of its line."""
        return token + 1 == self.line_first[self.token_line[token] + 1]

    def line_of(self, token: int) -> int:
        """The index of the line token `token` starts on."""
        return self.token_line[token]

    # Words -----------------------------------------------------------------------------------

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        """Every key and the token indexes it is at, in order."""
        found: dict[str, list[int]] = {}
        for position, key in enumerate(self.keys):
            found.setdefault(key, []).append(position)
        return found

    def matches_at(self, position: int, sequence: tuple[str, ...]) -> bool:
        """Whether the token stream holds `sequence` starting at `position`."""
        end = position + len(sequence)
        return end <= len(self.keys) and tuple(self.keys[position:end]) == sequence

    @cached_property
    def pairs(self) -> dict[tuple[str, str], list[int]]:
        """Every two keys side by side and where they start: a phrase's rarest pair narrows the
        places to look at to a handful, even when each of its words is common."""
        found: dict[tuple[str, str], list[int]] = {}
        for position, pair in enumerate(pairwise(self.keys)):
            found.setdefault(pair, []).append(position)
        return found

    def find(self, sequence: tuple[str, ...]) -> list[int]:
        """Every position (in order) where `sequence` starts in the whole print."""
        if len(sequence) < 2:
            return list(self.positions.get(sequence[0], ())) if sequence else []
        count, offset = min(
            (len(self.pairs.get(pair, ())), offset)
            for offset, pair in enumerate(pairwise(sequence))
        )
        if count == 0:
            return []
        pair = (sequence[offset], sequence[offset + 1])
        starts = (p - offset for p in self.pairs[pair] if p >= offset)
        return [p for p in starts if self.matches_at(p, sequence)]

    def find_on_line(self, index: int, sequence: tuple[str, ...]) -> list[int]:
        """Positions where `sequence` starts on line `index` (it may run onto the lines after)."""
        return [
            p
            for p in range(self.first_token(index), self.end_token(index))
            if self.matches_at(p, sequence)
        ]

    def lines_holding(self, sequence: tuple[str, ...], limit: int = 3) -> list[int]:
        """The first few lines (indexes) on which `sequence` starts, for telling a person where
        words they quoted actually are."""
        found: list[int] = []
        for position in self.find(sequence):
            line = self.token_line[position]
            if line not in found:
                found.append(line)
            if len(found) == limit:
                break
        return found

    def casefold_on_line(self, index: int, sequence: tuple[str, ...]) -> list[int]:
        """Positions on line `index` where `sequence` starts if capitals are not told apart."""
        wanted = tuple(key.casefold() for key in sequence)
        end = len(wanted)
        return [
            p
            for p in range(self.first_token(index), self.end_token(index))
            if tuple(key.casefold() for key in self.keys[p : p + end]) == wanted
        ]

    def printed(self, start: int, end: int) -> str:
        """The words from token `start` to `end` (exclusive) as printed when they are on one
        line, otherwise their keys joined by spaces (good enough for a message)."""
        line = self.token_line[start]
        if self.token_line[end - 1] != line:
            return " ".join(self.keys[start:end])
        offset = start - self.line_first[line] + self.carried[line]
        line_tokens = self.line_tokens[line]
        first, last = line_tokens[offset], line_tokens[offset + end - start - 1]
        return unsoft(self.lines[line].text)[first.start : last.end]

    # Provisions ------------------------------------------------------------------------------

    @cached_property
    def provision_order(self) -> list[str]:
        """Clause and schedule numbers in the order their lines come in the print."""
        seen: list[str] = []
        for line in self.lines:
            if line.provision is not None and line.provision not in seen:
                seen.append(line.provision)
        return seen


def as_text(source: ParsedPrint | PrintText) -> PrintText:
    """The index of a print (built here when given the print itself)."""
    return source if isinstance(source, PrintText) else PrintText(source)
