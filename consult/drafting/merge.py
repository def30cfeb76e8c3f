"""Three-way merge of section texts (merge3), by line: a paragraph typed in the editor is one
line, and paragraphs are separated by blank lines, so edits to different paragraphs merge
and edits to the same paragraph conflict."""

from __future__ import annotations

from dataclasses import dataclass

from merge3 import Merge3


@dataclass(frozen=True)
class MergeResult:
    clean: bool
    body: str | None  # the merged text when clean
    choice: str | None


def _lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def merge_texts(base: str, theirs: str, yours: str) -> str | None:
    """The merged text, or None when the same lines were changed differently."""
    if theirs == yours or yours == base:
        return theirs
    if theirs == base:
        return yours
    merger = Merge3(_lines(base), _lines(theirs), _lines(yours))
    merged: list[str] = []
    for group in merger.merge_groups():
        kind = group[0]
        if kind == "conflict":
            return None
        merged.extend(group[1])
    return "".join(merged)


def merge_choice(
    base: str | None, theirs: str | None, yours: str | None
) -> tuple[bool, str | None]:
    """Merge the closed answer of a question: (clean, choice)."""
    if yours in (base, theirs):
        return True, theirs
    if theirs == base:
        return True, yours
    return False, None


def merge(
    base: tuple[str, str | None],
    theirs: tuple[str, str | None],
    yours: tuple[str, str | None],
) -> MergeResult:
    """Merge (body, choice) pairs."""
    body = merge_texts(base[0], theirs[0], yours[0])
    choice_clean, choice = merge_choice(base[1], theirs[1], yours[1])
    if body is None or not choice_clean:
        return MergeResult(clean=False, body=None, choice=None)
    return MergeResult(clean=True, body=body, choice=choice)
