"""An amendment as the text of a revision, so that amendments are drafted exactly as sections
are: every save is a revision, two people's edits merge line by line (each field is a line, or
an indented block), a real clash shows both texts, and history, diff and restore read it.

    Kind: leave_out_insert
    Clause: 4
    Page: 3
    Line: 12
    Leave out: authorised officer
    Insert:
      judge
    Explanatory statement: This amendment would require a judge to authorise ...

`dump` writes only the fields that are set, always in the same order; `load` reads what `dump`
wrote, or what a person typed resolving a clash, and says which line it cannot read.
"""

from __future__ import annotations

from consult.bills.amendments import Amendment, Kind
from consult.bills.errors import BillError

# (field, label) in the order they are written; the blocks may span lines.
FIELDS = (
    ("kind", "Kind"),
    ("clause", "Clause"),
    ("page", "Page"),
    ("line", "Line"),
    ("subsection", "Subsection"),
    ("leave_out", "Leave out"),
    ("from_words", "From"),
    ("to_words", "To"),
    ("to_end_of_line", "To end of line"),
    ("to_line", "To line"),
    ("after", "After"),
    ("occurrence", "Occurrence"),
    ("position", "Position"),
    ("title", "Title"),
    ("insert", "Insert"),
    ("text", "Text"),
    ("explanatory_statement", "Explanatory statement"),
    ("purpose", "Purpose"),
)
BLOCKS = frozenset({"insert", "text", "purpose"})
INDENT = "  "
_BY_LABEL = {label.lower(): name for name, label in FIELDS}


def dump(amendment: Amendment) -> str:
    """The amendment as revision text: `load(dump(a)) == a`."""
    values = amendment.as_dict()
    lines: list[str] = []
    for name, label in FIELDS:
        value = values.get(name)
        if value in (None, "", False):
            continue
        if name in BLOCKS:
            lines.append(f"{label}:")
            lines += [f"{INDENT}{part}" for part in str(value).split("\n")]
        elif value is True:
            lines.append(f"{label}: yes")
        else:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


def load(text: str) -> Amendment:
    """The amendment a revision's text holds; BillError naming the line it cannot read."""
    values: dict[str, str] = {}
    block: str | None = None
    for number, raw in enumerate(text.replace("\r", "").split("\n"), start=1):
        if block is not None and (raw.startswith(INDENT) or not raw.strip()):
            values[block] = (values[block] + "\n" + raw.removeprefix(INDENT)).lstrip("\n")
            continue
        if not raw.strip():
            continue
        label, colon, value = raw.partition(":")
        name = _BY_LABEL.get(label.strip().lower())
        if not colon or name is None:
            raise BillError(
                f"Line {number} of the amendment (“{raw.strip()[:60]}”) is not one of its "
                "fields: write it as “Field: value”, e.g. “Leave out: authorised officer”."
            )
        if name in values:
            raise BillError(f"The amendment gives “{label.strip()}” twice (line {number}).")
        values[name] = value.strip()
        block = name if name in BLOCKS else None
    if "to_end_of_line" in values:
        values["to_end_of_line"] = values["to_end_of_line"].lower() in ("yes", "true", "1")
    if values.get("kind") not in {kind.value for kind in Kind}:
        kinds = ", ".join(kind.value for kind in Kind)
        raise BillError(f"Say what kind of amendment this is (Kind:), one of: {kinds}.")
    for name in ("page", "line", "to_line", "occurrence"):
        if values.get(name) and not str(values[name]).isdigit():
            label = dict(FIELDS)[name]
            raise BillError(f"{label} must be a whole number, not “{values[name][:20]}”.")
    return Amendment.from_dict(values)
