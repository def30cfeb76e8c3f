"""An amendment to a bill as structured data, and the checks that need no print.

A coalition drafts amendments for a Member to table, so each one must say exactly what it
changes in the House's own terms (which clause, page and line; which words go; what goes in),
carry an explanatory statement within the House's limit, and a plain-language purpose for the
coalition's supporters. Keeping the parts apart (rather than a line of text someone typed)
lets the app render House style exactly (`house_style`), check the reference against the print
(`validation`) and move it to the next print when one comes (`remap`).

Sources for the rules here: Office of the Parliamentary Counsel, *Style Manual for Amendments
to Bills* (updated 11 March 2024), called "OPC" below; House of Lords Public Bill Office, *A
Guide to House of Lords Amendment Style* (May 2015), "Lords Guide"; House of Commons Procedure
Committee guidelines for explanatory statements (HC 410, 2009-10, para 2), "Procedure Committee".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What an amendment does (the API's `kind`)."""

    LEAVE_OUT = "leave_out"  # leave out words
    LEAVE_OUT_INSERT = "leave_out_insert"  # leave out words and insert others
    INSERT = "insert"  # insert after a word, or at the end of a line
    STAND_PART = "stand_part"  # leave out a whole clause (in committee: oppose "stand part")
    NEW_CLAUSE = "new_clause"
    NEW_SCHEDULE = "new_schedule"


# The kinds that point at a page and line of the print.
LOCATED = frozenset({Kind.LEAVE_OUT, Kind.LEAVE_OUT_INSERT, Kind.INSERT})
LEAVING_OUT = frozenset({Kind.LEAVE_OUT, Kind.LEAVE_OUT_INSERT})
INSERTING = frozenset({Kind.LEAVE_OUT_INSERT, Kind.INSERT})

# Which kinds each field is for (every field but `kind`): an amendment is made from its kind's
# fields alone, so words typed under another kind (the form hides them, a live document keeps
# them) never slip in.
_NEW = frozenset({Kind.NEW_CLAUSE, Kind.NEW_SCHEDULE})
FIELD_KINDS: dict[str, tuple[str, ...]] = {
    name: tuple(str(kind) for kind in Kind if kind in kinds)
    for name, kinds in {
        "clause": LOCATED | {Kind.STAND_PART},
        "page": LOCATED,
        "line": LOCATED,
        "subsection": LOCATED,
        "leave_out": LEAVING_OUT,
        "from_words": LEAVING_OUT,
        "to_words": LEAVING_OUT,
        "to_end_of_line": LEAVING_OUT,
        "to_line": LEAVING_OUT,
        "after": {Kind.INSERT},
        "occurrence": LOCATED,
        "insert": INSERTING,
        "title": _NEW,
        "text": _NEW,
        "position": _NEW,
        "explanatory_statement": set(Kind),
        "purpose": set(Kind),
    }.items()
}

# Procedure Committee guideline 1: "an explanatory statement of not more than 50 words".
STATEMENT_WORD_LIMIT = 50

_SPACES = re.compile(r"\s+")
_OUTER_QUOTES = {"\u201c": "\u201d", '"': '"', "\u2018": "\u2019", "'": "'"}
_PROVISION = re.compile(r"^(?:clause\s+)?(\d+[A-Z]*)$|^schedule\s+(\d+[A-Z]*)$", re.IGNORECASE)


# The fields that hold words a person writes (not a reference, a number or a choice): each is
# edited live as a text of its own (consult/live/documents.py), so two people's words merge.
FREE_TEXT_FIELDS = (
    "leave_out",
    "from_words",
    "to_words",
    "after",
    "insert",
    "title",
    "text",
    "explanatory_statement",
    "purpose",
)

# The most characters each free-text field may hold: the amendment form refuses more
# (consult/drafting/forms.py), and a live document undoes more as it is typed
# (consult/live/rooms.py).
MAX_WORDS_LENGTH = 2_000  # quoted words, titles, references
MAX_AMENDMENT_TEXT = 20_000  # inserted text, a new clause's text, the purpose
FREE_TEXT_LIMITS: dict[str, int] = {
    "leave_out": MAX_WORDS_LENGTH,
    "from_words": MAX_WORDS_LENGTH,
    "to_words": MAX_WORDS_LENGTH,
    "after": MAX_WORDS_LENGTH,
    "insert": MAX_AMENDMENT_TEXT,
    "title": MAX_WORDS_LENGTH,
    "text": MAX_AMENDMENT_TEXT,
    "explanatory_statement": MAX_WORDS_LENGTH,
    "purpose": MAX_AMENDMENT_TEXT,
}


def for_kind(values: Mapping[str, Any]) -> dict[str, Any]:
    """`kind` and the values of the fields that kind uses (FIELD_KINDS), as from_dict takes
    them: what a form or a live document holds, without what was typed under another kind."""
    kind = str(values.get("kind") or "")
    chosen = {name: values.get(name) for name, kinds in FIELD_KINDS.items() if kind in kinds}
    return {"kind": kind, **chosen}


def typed_values(values: Mapping[str, Any]) -> dict[str, str | bool]:
    """Stored values (`Amendment.as_dict`) as a person's form or live document holds them:
    text, numbers written out, nothing as "", and `to_end_of_line` true or false."""
    return {
        name: value if isinstance(value, bool) else "" if value is None else str(value)
        for name, value in values.items()
    }


@dataclass(frozen=True)
class Amendment:
    """One amendment. Which fields count depends on `kind`:

    - leave out (and insert): `leave_out` (the words), or a passage: `from_words` with either
      `to_words` ("leave out from “X” to “Y” [in line N]") or `to_end_of_line` ("leave out from
      “X” to end of line [N]"); `to_line` is the N of either form (None: the same line). In
      House style the words after "from" stay and the words after "to" go.
    - insert: `after` (the words it goes after) or nothing (at the end of the line), and
      `insert`. Inserted text of several lines, or a unit such as "( ) ...", is set out below
      the reference as House style does.
    - stand part: `clause` names the clause (or schedule) to leave out.
    - new clause / new schedule: `title` and `text`; `position` ("23", "Schedule 2") is where
      a Lords amendment says it goes ("After Clause 23").

    `occurrence` says which one is meant (1 = "first") when the quoted words (`leave_out`,
    `from_words` or `after`) are on the line more than once. `explanatory_statement` is
    printed with the amendment; `purpose` is for supporters and never goes to Parliament.
    """

    kind: Kind
    clause: str | None = None
    page: int | None = None
    line: int | None = None
    subsection: str | None = None
    leave_out: str = ""
    from_words: str = ""
    to_words: str = ""
    to_end_of_line: bool = False
    to_line: int | None = None
    after: str = ""
    occurrence: int | None = None
    insert: str = ""
    title: str = ""
    text: str = ""
    position: str | None = None
    explanatory_statement: str = ""
    purpose: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Amendment:
        """An amendment from what a form or the API sent (unknown keys ignored), tidied the
        way a person means it: quoted words lose surrounding quotes and extra spaces, "Clause
        4" is "4", numbers are numbers. Raises ValueError on a kind it does not know."""
        known = {f.name for f in fields(cls)}
        values = {name: data[name] for name in known if data.get(name) not in (None, "")}
        values["kind"] = Kind(str(data.get("kind", "")).strip())
        return normalised(cls(**values))

    def as_dict(self) -> dict[str, Any]:
        """Plain values for storage and the API: `from_dict(a.as_dict()) == a`."""
        values = asdict(self)
        values["kind"] = str(self.kind)
        return values

    @property
    def anchor(self) -> str:
        """The quoted words that fix where on the line the amendment bites, if any."""
        if self.kind in LEAVING_OUT:
            return self.from_words or self.leave_out
        if self.kind is Kind.INSERT:
            return self.after
        return ""

    @property
    def is_passage(self) -> bool:
        """Whether it leaves out a passage ("from ... to ...") rather than quoted words."""
        return self.kind in LEAVING_OUT and bool(self.from_words)

    @property
    def at_end_of_line(self) -> bool:
        """Whether it inserts at the end of the line (no words to insert after)."""
        return self.kind is Kind.INSERT and not self.after


def quoted_words(text: str) -> str:
    """Words someone quoted from the bill, as the bill would have them: spaces collapsed and any
    quotes the person put round them taken off (they are House style's to add)."""
    text = _SPACES.sub(" ", text).strip()
    while len(text) >= 2 and _OUTER_QUOTES.get(text[0]) == text[-1]:
        text = text[1:-1].strip()
    return text


def set_out_text(text: str) -> str:
    """Text to insert, or a new clause's body: lines kept (each is a line of the amendment),
    spaces within lines collapsed, blank lines dropped."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "").split("\n"))
    return "\n".join(line for line in lines if line)


def provision_number(value: str | None) -> str | None:
    """ "Clause 4", "clause 4" and "4" are "4"; "schedule 1" is "Schedule 1" (the print's own
    way of naming provisions). Anything else is kept as typed, to be reported as not found."""
    if value is None:
        return None
    value = _SPACES.sub(" ", str(value)).strip()
    match = _PROVISION.match(value)
    if not match:
        return value or None
    return match.group(1) if match.group(1) else f"Schedule {match.group(2)}"


def normalised(amendment: Amendment) -> Amendment:
    """The same amendment with every field in its canonical form."""

    def number(value: Any) -> int | None:
        return None if value in (None, "") else int(value)

    return replace(
        amendment,
        clause=provision_number(amendment.clause),
        position=provision_number(amendment.position),
        page=number(amendment.page),
        line=number(amendment.line),
        to_line=number(amendment.to_line),
        occurrence=number(amendment.occurrence),
        subsection=quoted_words(amendment.subsection or "") or None,
        leave_out=quoted_words(amendment.leave_out),
        from_words=quoted_words(amendment.from_words),
        to_words=quoted_words(amendment.to_words),
        to_end_of_line=bool(amendment.to_end_of_line),
        after=quoted_words(amendment.after),
        insert=set_out_text(amendment.insert),
        title=quoted_words(amendment.title),
        text=set_out_text(amendment.text),
        explanatory_statement=_SPACES.sub(" ", amendment.explanatory_statement).strip(),
        purpose=amendment.purpose.strip(),
    )


def provision_name(number: str) -> str:
    """ "4" -> "Clause 4"; "Schedule 1" stays as it is."""
    return number if number.startswith("Schedule") else f"Clause {number}"


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of characters between spaces."""
    return len(text.split())


@dataclass(frozen=True)
class AmendmentProblem:
    """Something wrong (or, when `warning`, worth a second look) with an amendment, said so
    campaign staff can fix it: `field` names the API field to change."""

    message: str
    field: str | None = None
    warning: bool = False


def check(amendment: Amendment) -> list[AmendmentProblem]:
    """Every problem that can be seen without the print: what each kind needs, and the
    explanatory statement's limit. All of them, so a person fixes everything in one go."""
    problems: list[AmendmentProblem] = []
    kind = amendment.kind

    def need(condition: bool, message: str, field: str) -> None:
        if not condition:
            problems.append(AmendmentProblem(message, field))

    if kind in LOCATED:
        need(amendment.page is not None, "Say which page of the print it amends.", "page")
        need(amendment.line is not None, "Say which line of that page it amends.", "line")
        for name in ("page", "line", "to_line", "occurrence"):
            value = getattr(amendment, name)
            label = name.replace("_", " ")
            need(value is None or value >= 1, f"The {label} must be 1 or more.", name)
    if kind in LEAVING_OUT:
        problems.extend(_leaving_out_problems(amendment))
    if kind in INSERTING:
        need(bool(amendment.insert), "Say what words to insert.", "insert")
    if kind is Kind.LEAVE_OUT and amendment.insert:
        problems.append(
            AmendmentProblem(
                "This amendment only leaves words out: choose “leave out and insert” to put "
                "other words in their place.",
                "kind",
            )
        )
    if kind is Kind.STAND_PART:
        need(bool(amendment.clause), "Say which clause (or schedule) to leave out.", "clause")
    if kind in (Kind.NEW_CLAUSE, Kind.NEW_SCHEDULE):
        what = "clause" if kind is Kind.NEW_CLAUSE else "schedule"
        need(bool(amendment.title), f"Give the new {what} a title.", "title")
        need(bool(amendment.text), f"Write the text of the new {what}.", "text")
    problems.extend(statement_problems(amendment.explanatory_statement))
    return problems


def _leaving_out_problems(amendment: Amendment) -> list[AmendmentProblem]:
    """A leave-out quotes the words, or the start of a passage and where it ends; not both."""
    problems: list[AmendmentProblem] = []
    if amendment.leave_out and amendment.from_words:
        problems.append(
            AmendmentProblem(
                "Either quote the words to leave out, or say where a passage starts and ends "
                "(“from” ... “to”), not both.",
                "leave_out",
            )
        )
    elif not amendment.leave_out and not amendment.from_words:
        problems.append(AmendmentProblem("Quote the words to leave out.", "leave_out"))
    if amendment.from_words:
        if bool(amendment.to_words) == amendment.to_end_of_line:
            problems.append(
                AmendmentProblem(
                    "Say where the passage ends: at some words (“to ...”) or at the end of a line.",
                    "to_words",
                )
            )
    elif amendment.to_words or amendment.to_end_of_line or amendment.to_line is not None:
        problems.append(
            AmendmentProblem(
                "A passage that ends somewhere needs the words it starts from (“from ...”).",
                "from_words",
            )
        )
    start, end = amendment.line, amendment.to_line
    if start is not None and end is not None and end < start:
        problems.append(
            AmendmentProblem(
                f"The passage cannot end on line {end}, before the line it starts on (line "
                f"{start}).",
                "to_line",
            )
        )
    return problems


_ARGUING = re.compile(r"\b(we|our|us|should|must be rejected|unacceptable)\b", re.IGNORECASE)


def statement_problems(statement: str) -> list[AmendmentProblem]:
    """The Procedure Committee's rules for an explanatory statement: at most 50 words (an error:
    the House would not print it), describing the amendment's effect rather than arguing for it
    (a warning, since only a reader can tell; first person and "should" are the usual signs)."""
    if not statement:
        return [
            AmendmentProblem(
                "Add an explanatory statement (up to 50 words saying what the amendment does): "
                "Members and the committee rely on it.",
                "explanatory_statement",
                warning=True,
            )
        ]
    problems: list[AmendmentProblem] = []
    count = word_count(statement)
    if count > STATEMENT_WORD_LIMIT:
        problems.append(
            AmendmentProblem(
                f"The explanatory statement has {count} words: the House prints at most "
                f"{STATEMENT_WORD_LIMIT}. Cut {count - STATEMENT_WORD_LIMIT}.",
                "explanatory_statement",
            )
        )
    if _ARGUING.search(statement):
        problems.append(
            AmendmentProblem(
                "An explanatory statement describes what the amendment would do, in neutral "
                "words (“This amendment would ...”), not why “we” want it or what “should” "
                "happen: put the argument in the purpose for supporters.",
                "explanatory_statement",
                warning=True,
            )
        )
    return problems


def differing_fields(
    values: Mapping[str, str | bool], amendment: Amendment
) -> dict[str, str | bool]:
    """What to change in `values` (as typed: `typed_values`) so that they say `amendment`:
    its kind and the fields of its kind whose typed value means something else. Words that
    differ only as from_dict tidies them (spaces, quotes) are left as typed, and so are the
    fields of other kinds, so a saved amendment never snatches words from under a typist."""
    wanted = typed_values(amendment.as_dict())
    names = ("kind", *(name for name, kinds in FIELD_KINDS.items() if amendment.kind in kinds))
    return {
        name: wanted[name]
        for name in names
        if _meaning(amendment.kind, name, values.get(name)) != getattr(amendment, name)
    }


def _meaning(kind: Kind, name: str, value: Any) -> Any:
    """A typed value as from_dict tidies it (itself when it cannot be: "three" for a page)."""
    if name == "kind":
        return value
    try:
        return getattr(Amendment.from_dict({"kind": kind, name: value}), name)
    except (TypeError, ValueError):
        return value


def blocking(problems: list[AmendmentProblem]) -> list[AmendmentProblem]:
    """The problems that must be fixed (not warnings)."""
    return [problem for problem in problems if not problem.warning]


def schedule_effect_problems(amendments: list[Amendment]) -> dict[int, list[AmendmentProblem]]:
    """Lords Guide, "Amendments to insert": a new schedule "must be accompanied by a new Clause
    (or, if appropriate, a new subsection in an existing Clause) to give effect to" it. For
    each new schedule (by index) that no other amendment in the list refers to by its title,
    a warning saying what to add."""
    problems: dict[int, list[AmendmentProblem]] = {}
    for index, amendment in enumerate(amendments):
        if amendment.kind is not Kind.NEW_SCHEDULE or not amendment.title:
            continue
        title = amendment.title.casefold()
        given_effect = any(
            title in f"{other.text} {other.insert}".casefold()
            for other_index, other in enumerate(amendments)
            if other_index != index and other.kind is not Kind.NEW_SCHEDULE
        )
        if not given_effect:
            problems[index] = [
                AmendmentProblem(
                    "A new schedule needs a clause that gives it effect: add a new clause (or "
                    "a subsection) saying, for example, "
                    f"“Schedule ({amendment.title}) has effect.”",
                    "title",
                    warning=True,
                )
            ]
    return problems
