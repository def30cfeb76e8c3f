"""The bill rules that touch the database: bills and their prints (services/prints.py) and
amendments drafted as sections of a response to a bill (services/amendments.py)."""

from consult.bills.services.amendments import (
    add_amendment,
    amendment_of,
    amendment_sections,
    check_amendment,
    house_style,
    preview_amendment,
    review_amendment,
    save_amendment,
    save_live_amendment,
)
from consult.bills.services.prints import (
    add_print,
    bills_of,
    create_bill,
    lines_on_page,
    parsed_print,
    set_stage,
)

__all__ = [
    "add_amendment",
    "add_print",
    "amendment_of",
    "amendment_sections",
    "bills_of",
    "check_amendment",
    "create_bill",
    "house_style",
    "lines_on_page",
    "parsed_print",
    "preview_amendment",
    "review_amendment",
    "save_amendment",
    "save_live_amendment",
    "set_stage",
]
