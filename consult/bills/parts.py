"""A bill's parts, and the things a response to it can take a view on: a whole part, a clause
or a schedule. A print stores each clause's part as the print heads it ("Part 2: Oversight
and accountability"); a response section about a whole part keeps its key ("Part 2") in
Section.clause, so the part is found again in any later print that still has it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from consult.bills.amendments import provision_name

_PART_KEY = re.compile(r"^Part [0-9]+[A-Z]*$")


class _Provision(Protocol):
    number: str
    heading: str | None
    part: str | None


@dataclass(frozen=True)
class BillPart:
    """A part of a print: its key ("Part 2"), heading and the clauses in it, in order."""

    key: str
    heading: str
    clauses: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{self.key}: {self.heading}" if self.heading else self.key


@dataclass(frozen=True)
class Respondable:
    """One thing a response can have a section on: `value` is what Section.clause holds."""

    value: str
    title: str  # "Part 2: Oversight", "Clause 4: Retention of images", "Schedule 1: ..."
    kind: str  # "part", "clause" or "schedule"


def is_part(number: str | None) -> bool:
    """Whether a section's clause names a whole part ("Part 2") rather than one clause."""
    return bool(number) and bool(_PART_KEY.match(number))  # type: ignore[arg-type]


def _split(part: str) -> tuple[str, str]:
    key, _, heading = part.partition(":")
    return key.strip(), heading.strip()


def parts_of(provisions: Iterable[_Provision]) -> list[BillPart]:
    """The print's parts in order (schedules belong to none); none when it has no parts."""
    found: dict[str, tuple[str, list[str]]] = {}
    for provision in provisions:
        if provision.number.startswith("Schedule") or not provision.part:
            continue
        key, heading = _split(provision.part)
        if not is_part(key):
            continue
        found.setdefault(key, (heading, []))[1].append(provision.number)
    return [BillPart(key, heading, tuple(numbers)) for key, (heading, numbers) in found.items()]


def part_named(provisions: Iterable[_Provision], key: str) -> BillPart | None:
    return next((part for part in parts_of(provisions) if part.key == key), None)


def provision_title(provision: _Provision) -> str:
    """ "Clause 4: Retention of images", "Schedule 1: Retention", or the bare name."""
    name = provision_name(provision.number)
    return f"{name}: {provision.heading}" if provision.heading else name


def respondables(provisions: Iterable[_Provision]) -> list[Respondable]:
    """What a response can take a view on, in the bill's order: each part just before its
    first clause, each clause, each schedule."""
    provisions = list(provisions)
    parts = {part.clauses[0]: part for part in parts_of(provisions)}
    found: list[Respondable] = []
    for provision in provisions:
        part = parts.get(provision.number)
        if part is not None:
            found.append(Respondable(part.key, part.title, "part"))
        kind = "schedule" if provision.number.startswith("Schedule") else "clause"
        found.append(Respondable(provision.number, provision_title(provision), kind))
    return found


def chosen(provisions: Iterable[_Provision], wanted: Iterable[str]) -> list[Respondable]:
    """The sections a response starts with for `wanted` (parts, clauses, schedules), in the
    bill's order. Raises ValueError naming what the print does not have, or a clause chosen
    as well as its whole part (it would be answered twice)."""
    provisions = list(provisions)
    wanted = [w.strip() for w in wanted if w and w.strip()]
    every = respondables(provisions)
    known = {r.value for r in every}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise ValueError(
            "The bill's current print has no "
            + ", ".join(_named(w) for w in unknown)
            + ": choose among its parts, clauses and schedules."
        )
    wanted_set = set(wanted)
    for part in parts_of(provisions):
        if part.key in wanted_set:
            twice = [c for c in part.clauses if c in wanted_set]
            if twice:
                raise ValueError(
                    f"{provision_name(twice[0])} is in {part.key}: choose the whole part or "
                    "its clauses, not both."
                )
    return [r for r in every if r.value in wanted_set]


def _named(value: str) -> str:
    value = value[:40]
    return value if is_part(value) else provision_name(value)
