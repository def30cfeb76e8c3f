"""A bill's stages in Parliament, in order, and what a campaign sends at each (shared/context/
bills.md §2, §3, §5): a briefing before a second reading, written evidence and amendments for a
committee, amendments again at report. Plain data: the dashboard, the bill's page and the
exports read it, so a rule about stages is stated once.
"""

from __future__ import annotations

from dataclasses import dataclass

HOUSES = ("commons", "lords")
HOUSE_NAMES = {"commons": "House of Commons", "lords": "House of Lords"}


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    house: str
    # What a campaign sends for this stage, and to whom; "" when there is nothing to send.
    output: str = ""
    # The export profile that makes it, when Consult makes it.
    profile: str | None = None


def _house_stages(house: str, member: str) -> tuple[Stage, ...]:
    prefix = "" if house == "commons" else "lords_"
    where = HOUSE_NAMES[house]
    a_member = f"an {member}" if member == "MP" else f"a {member}"  # "an MP", "a peer"
    committee = (
        Stage(
            f"{prefix}committee",
            "Public Bill Committee" if house == "commons" else "Committee stage (Lords)",
            house,
            "Written evidence, with suggested amendments, to the Public Bill Committee"
            if house == "commons"
            else f"Amendments for {a_member} to table, with a briefing",
            "public-bill-committee" if house == "commons" else "amendment-paper",
        ),
    )
    return (
        Stage(f"{prefix}first_reading", f"First reading ({where})", house),
        Stage(
            f"{prefix}second_reading",
            f"Second reading ({where})",
            house,
            f"A two-page briefing for {member}s before the debate",
            "briefing",
        ),
        *committee,
        Stage(
            f"{prefix}report",
            f"Report stage ({where})",
            house,
            f"Amendments for {a_member} to table at report",
            "amendment-paper",
        ),
        Stage(f"{prefix}third_reading", f"Third reading ({where})", house),
    )


def _commons_first() -> tuple[Stage, ...]:
    return (
        *_house_stages("commons", "MP"),
        *_house_stages("lords", "peer"),
        Stage("ping_pong", "Consideration of amendments", "both"),
        Stage("royal_assent", "Royal Assent", "both"),
    )


def _lords_first() -> tuple[Stage, ...]:
    return (
        *_house_stages("lords", "peer"),
        *_house_stages("commons", "MP"),
        Stage("ping_pong", "Consideration of amendments", "both"),
        Stage("royal_assent", "Royal Assent", "both"),
    )


_ORDERS = {"commons": _commons_first(), "lords": _lords_first()}
STAGE_KEYS = tuple(stage.key for stage in _ORDERS["commons"])
STAGES = {stage.key: stage for stage in _ORDERS["commons"]}


def stages_for(house: str) -> tuple[Stage, ...]:
    """The stages of a bill introduced in `house`, in the order it meets them."""
    return _ORDERS[house]


def sitting_house(stage_key: str, introduced: str) -> str:
    """The House a bill at `stage_key` is in ("commons" or "lords"); between the Houses (or
    at an unknown stage), the one it was introduced in."""
    stage = STAGES.get(stage_key)
    return stage.house if stage is not None and stage.house in HOUSES else introduced


def amendment_stage(stage_key: str) -> str:
    """What the amendment paper's heading calls the stage ("committee", "report" ...), from
    the bill's current stage: amendments are tabled for committee until report begins."""
    name = stage_key.removeprefix("lords_")
    if name in ("report", "third_reading"):
        return name
    if stage_key in ("ping_pong", "royal_assent"):
        return "lords_amendments"
    return "committee"
