"""Differences between two texts: word-level operations for people, a unified diff for tools."""

from __future__ import annotations

import difflib
import re

_TOKENS = re.compile(r"\s+|[^\s]+")
_LINES = re.compile(r"[^\n]*\n|[^\n]+")
# Beyond this many pairs (of lines, or of words in one changed passage), let difflib skip very
# common items (its "autojunk" heuristic): the diff stays correct, and a 200,000-character
# section rewritten end to end, or made of thousands of identical lines, takes milliseconds
# rather than minutes.
_EXACT_LIMIT = 250_000


def word_ops(old: str, new: str) -> list[dict[str, str]]:
    """[{"op": "equal"|"delete"|"insert", "text"}...]: what changed, word by word.
    Consecutive operations of the same kind are joined so the list stays short.

    Lines (paragraphs) are compared first, then words only inside the lines that changed, so
    a small edit to a long section costs little."""
    ops: list[dict[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1]["op"] == op:
            ops[-1]["text"] += text
        else:
            ops.append({"op": op, "text": text})

    before = _LINES.findall(old or "")
    after = _LINES.findall(new or "")
    exact = len(before) * len(after) <= _EXACT_LIMIT  # see _EXACT_LIMIT
    lines = difflib.SequenceMatcher(a=before, b=after, autojunk=not exact)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            add("equal", "".join(before[i1:i2]))
        else:
            _word_ops("".join(before[i1:i2]), "".join(after[j1:j2]), add)
    return ops


def _word_ops(old: str, new: str, add) -> None:
    before = _TOKENS.findall(old)
    after = _TOKENS.findall(new)
    exact = len(before) * len(after) <= _EXACT_LIMIT
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=not exact)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", "".join(before[i1:i2]))
        else:
            add("delete", "".join(before[i1:i2]))
            add("insert", "".join(after[j1:j2]))


def unified(old: str, new: str, old_label: str, new_label: str) -> str:
    lines = difflib.unified_diff(
        (old or "").splitlines(keepends=True),
        (new or "").splitlines(keepends=True),
        fromfile=old_label,
        tofile=new_label,
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def readable_ops(old: str, new: str) -> list[dict[str, str]]:
    """diff.word_ops, regrouped for reading: a change that differs word by word ("with" ->
    "and", "real" -> "an") reads better as one removed passage and one added passage, so the
    spaces and short words between neighbouring changes join them."""
    ops = word_ops(old, new)
    out: list[dict[str, str]] = []
    removed = added = ""

    def flush() -> None:
        nonlocal removed, added
        if removed:
            out.append({"op": "delete", "text": removed})
        if added:
            out.append({"op": "insert", "text": added})
        removed = added = ""

    for index, op in enumerate(ops):
        if op["op"] == "delete":
            removed += op["text"]
        elif op["op"] == "insert":
            added += op["text"]
        else:
            text = op["text"]
            between = (removed or added) and index + 1 < len(ops)
            small = not text.strip() or (len(text.split()) == 1 and len(text.strip()) <= 3)
            if between and small and "\n\n" not in text:
                removed += text
                added += text
            else:
                flush()
                out.append(op)
    flush()
    return out
