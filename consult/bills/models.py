"""Bill tables. A bill belongs to one organisation (as its own consultations do); each of its
prints is stored once, as imported, and never changed: amendments cite its pages and lines, and
a later print is a new row whose import re-maps them (services/prints.py).

A print's lines are rows (one per printed line, with its page and line as printed) so that one
page can be read without the rest; its clauses and schedules are rows with where they start and
end. `ParsedPrint` (structure.py) is rebuilt from them for validation and re-mapping.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.bills.stages import HOUSE_NAMES, HOUSES, STAGE_KEYS, STAGES
from consult.extensions import db
from consult.organisations.models import Organisation
from consult.timeutil import utcnow

PRINT_SOURCES = ("pdf", "docx", "html", "text")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Bill(db.Model):
    __tablename__ = "bills"
    __table_args__ = (
        UniqueConstraint("organisation_id", "slug", name="uq_bills_organisation_slug"),
        CheckConstraint(_in("house", HOUSES), name="house"),
        CheckConstraint(_in("stage", STAGE_KEYS), name="stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    session: Mapped[str] = mapped_column(String(20), default="")
    # Where the bill was introduced: decides the order of its stages and, for a Lords bill,
    # the "[HL]" / "[Lords]" in an amendment paper's heading.
    house: Mapped[str] = mapped_column(String(10), default="commons")
    stage: Mapped[str] = mapped_column(String(30), default="second_reading")
    # {stage key: "YYYY-MM-DD"}: the date each stage is expected or took place, where known.
    stage_dates: Mapped[dict] = mapped_column(JSON, default=dict)
    # The Public Bill Committee's last day for written evidence.
    evidence_deadline: Mapped[datetime | None]
    # Our own text, not Parliament's: every page and export that shows it says so.
    illustrative: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    prints: Mapped[list[BillPrint]] = relationship(
        back_populates="bill", cascade="all, delete-orphan", order_by="BillPrint.number"
    )

    @property
    def publisher(self) -> str:
        """Who a response to it goes to, as a sentence names it: the House it is in now."""
        house = STAGES[self.stage].house
        return HOUSE_NAMES.get(house if house in HOUSE_NAMES else self.house, "Parliament")

    @property
    def closes_at(self) -> datetime | None:
        """The next deadline a response works to: the committee's evidence deadline while the
        bill is before the committee or earlier."""
        return self.evidence_deadline

    @property
    def current_print(self) -> BillPrint | None:
        """The latest print: what new amendments are written against."""
        return self.prints[-1] if self.prints else None


class BillPrint(db.Model):
    """One published text of a bill, numbered 1, 2 ... in the order imported."""

    __tablename__ = "bill_prints"
    __table_args__ = (
        UniqueConstraint("bill_id", "number", name="uq_bill_prints_bill_number"),
        CheckConstraint(_in("source_kind", PRINT_SOURCES), name="source_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(100))
    source_kind: Mapped[str] = mapped_column(String(10))
    source_name: Mapped[str] = mapped_column(String(200), default="")
    pages: Mapped[int] = mapped_column(default=0)
    line_count: Mapped[int] = mapped_column(default=0)
    # What the importer could not place: [{"message", "page", "line"}].
    problems: Mapped[list] = mapped_column(JSON, default=list)
    # How the amendments written against the print before moved onto this one, as the API
    # gives it: [{"amendment", "from", "to", "status", "reason"}].
    remap: Mapped[list] = mapped_column(JSON, default=list)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    bill: Mapped[Bill] = relationship(back_populates="prints")
    provisions: Mapped[list[PrintProvision]] = relationship(
        cascade="all, delete-orphan", order_by="PrintProvision.position"
    )


class PrintProvision(db.Model):
    """A clause or schedule of a print: its number ("4", "Schedule 1"), heading, and the page
    and line it starts and ends on (inclusive)."""

    __tablename__ = "print_provisions"
    __table_args__ = (
        UniqueConstraint("print_id", "position", name="uq_print_provisions_print_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    print_id: Mapped[int] = mapped_column(ForeignKey("bill_prints.id", ondelete="CASCADE"))
    position: Mapped[int]
    number: Mapped[str] = mapped_column(String(30))
    heading: Mapped[str] = mapped_column(String(300), default="")
    part: Mapped[str | None] = mapped_column(String(300))
    start_page: Mapped[int]
    start_line: Mapped[int]
    end_page: Mapped[int]
    end_line: Mapped[int]


class PrintLine(db.Model):
    """One printed line: its page and margin line number, its text as printed, and the clause
    (or schedule) and subsection it is in."""

    __tablename__ = "print_lines"
    __table_args__ = (
        UniqueConstraint("print_id", "position", name="uq_print_lines_print_position"),
        Index("ix_print_lines_print_page_line", "print_id", "page", "line"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    print_id: Mapped[int] = mapped_column(ForeignKey("bill_prints.id", ondelete="CASCADE"))
    position: Mapped[int]
    page: Mapped[int]
    line: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    provision: Mapped[str | None] = mapped_column(String(30))
    subsection: Mapped[str | None] = mapped_column(String(30))
    hyphenated: Mapped[bool] = mapped_column(default=False)
