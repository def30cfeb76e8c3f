"""The title a new response gets when nobody gives one, made from the consultation so that it
reads as a sentence would: "Response to the Home Office consultation on a new legal framework
for law-enforcement use of biometrics, ..." rather than "Response to A new legal framework...".
"""

from __future__ import annotations

import re

from consult.bills.models import Bill
from consult.consultations.models import Consultation

MAX_LENGTH = 200  # Response.title

# Opening words of a consultation's title that are capitalised only because they come first:
# they are lower-cased after "consultation on". Any other first word (a name such as "Scotland",
# an acronym such as "AI") keeps its capital.
_ORDINARY_OPENINGS = frozenset(
    {
        "a",
        "an",
        "the",
        "new",
        "proposed",
        "proposals",
        "changes",
        "draft",
        "reform",
        "reforms",
        "reforming",
        "review",
        "improving",
        "strengthening",
        "modernising",
        "tackling",
        "making",
        "our",
        "police",
        "policing",
        "how",
        "whether",
        "what",
    }
)

_QUOTES = {"\u201c": "\u201d", '"': '"', "\u2018": "\u2019", "'": "'"}
_KIND_PREFIX = re.compile(
    r"^(?:(?:a|the)\s+)?(consultation|call for evidence)\s*(?:on|:|-|\u2013|\u2014)\s*", re.I
)
_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")


def _unquoted(text: str) -> str:
    """The title without quotation marks around it or a full stop after it."""
    text = text.strip().rstrip(".").strip()
    while len(text) > 1 and _QUOTES.get(text[0]) == text[-1]:
        text = text[1:-1].strip().rstrip(".").strip()
    return text


def _sentence_case_opening(subject: str) -> str:
    """Lower-case the first letter when the first word is an ordinary one written with a
    capital only because it opened the title ("A new framework" -> "a new framework")."""
    first = subject.split(" ", 1)[0]
    if first.lower() in _ORDINARY_OPENINGS and first == first.capitalize():
        return subject[0].lower() + subject[1:]
    return subject


def _publisher(publisher: str | None) -> str:
    """ "Home Office (Data and Identity Directorate)" -> "Home Office"; no leading "The"."""
    name = _PARENTHESIS.sub("", publisher or "").strip()
    return re.sub(r"^the\s+", "", name, flags=re.I)


def _shortened(title: str) -> str:
    if len(title) <= MAX_LENGTH:
        return title
    cut = title[: MAX_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "\u2026"


def response_to(title: str, publisher: str | None) -> str:
    """ "Response to the <publisher> consultation on <title, as in a sentence>" (a "call for
    evidence" when the title says so or a committee publishes it). Also the subtitle of an
    export, which has only the frozen title and publisher."""
    subject = _unquoted(title)
    kind = "consultation"
    prefix = _KIND_PREFIX.match(subject)
    if prefix and prefix.end() < len(subject):
        kind = prefix.group(1).lower()
        subject = subject[prefix.end() :]
    publisher = _publisher(publisher)
    if "committee" in publisher.lower():
        kind = "call for evidence"
    who = f"the {publisher} {kind}" if publisher else f"the {kind}"
    return f"Response to {who} on {_sentence_case_opening(subject)}"


def default_response_title(consultation: Consultation) -> str:
    """The title of a response nobody named, at most 200 characters."""
    return _shortened(response_to(consultation.title, consultation.publisher))


def bill_response_title(bill: Bill) -> str:
    """ "Response to the Police Reform Bill": a response to a bill's default title, and how
    pages name what it answers (no "the The ..." when the bill's title has its own)."""
    title = " ".join(bill.title.split())
    if title.lower().startswith("the "):
        title = title[4:]
    return _shortened(f"Response to the {title}")
