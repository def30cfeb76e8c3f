"""Differences between two texts: word-level operations for people, a unified diff for tools."""

from __future__ import annotations

import difflib
import re

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_ops(old: str, new: str) -> list[dict[str, str]]:
    """[{"op": "equal"|"delete"|"insert", "text"}...]: what changed, word by word.
    Consecutive operations of the same kind are joined so the list stays short."""
    before = _TOKENS.findall(old or "")
    after = _TOKENS.findall(new or "")
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    ops: list[dict[str, str]] = []

    def add(op: str, tokens: list[str]) -> None:
        if not tokens:
            return
        text = "".join(tokens)
        if ops and ops[-1]["op"] == op:
            ops[-1]["text"] += text
        else:
            ops.append({"op": op, "text": text})

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", before[i1:i2])
        else:
            add("delete", before[i1:i2])
            add("insert", after[j1:j2])
    return ops


def unified(old: str, new: str, old_label: str, new_label: str) -> str:
    lines = difflib.unified_diff(
        (old or "").splitlines(keepends=True),
        (new or "").splitlines(keepends=True),
        fromfile=old_label,
        tofile=new_label,
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
