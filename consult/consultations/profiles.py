"""Submission profiles: the recipient's rules, as data (shared/context/consultations.md §3).

Exports, word-count warnings and the pre-export check all read these, so a rule is stated once."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SubmissionProfile:
    slug: str
    name: str
    recipient: str
    # The recipient as a sentence names it, lower case ("the Home Office"): the profile check's
    # messages start with it or put it after a verb, so it must read as the subject of one.
    addressee: str
    formats: tuple[str, ...]  # preferred first
    word_limit: int | None
    required_parts: tuple[str, ...]  # section kinds that must have text
    question_by_question: bool  # closed choice, then explanation, per question
    numbered_paragraphs: bool
    summary_first: bool
    heading: str  # "{organisation}" is replaced
    page_numbers: bool = True
    contact_details: bool = True
    cover_page: bool = False
    signatories: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)
    # What a response must answer for the profile to apply to it: "consultation" or "bill".
    subject: str = "consultation"
    # How the export lays the response out: "response" (its sections in order), "briefing"
    # (the ask first, the clauses and amendments in brief) or "amendment-paper" (the
    # amendments in House style, for a Member to table). See consult/exports/bills.py.
    layout: str = "response"
    # Pages the PDF must fit on (a briefing: two); the pre-export check measures it.
    page_limit: int | None = None


PROFILES: dict[str, SubmissionProfile] = {
    profile.slug: profile
    for profile in (
        SubmissionProfile(
            slug="home-office",
            name="Home Office consultation",
            recipient="Home Office",
            addressee="the Home Office",
            formats=("pdf", "docx", "odt", "md"),
            word_limit=None,
            required_parts=("about",),
            question_by_question=True,
            numbered_paragraphs=False,
            summary_first=False,
            heading="Response from {organisation}",
            notes=(
                "Answer per question: the closed choice, then the explanation.",
                "Say whom your organisation represents.",
            ),
        ),
        SubmissionProfile(
            slug="select-committee",
            name="Commons select committee (written evidence)",
            recipient="House of Commons select committee",
            addressee="a Commons select committee",
            formats=("docx", "odt", "md"),
            word_limit=3000,
            required_parts=("summary", "about"),
            question_by_question=False,
            numbered_paragraphs=True,
            summary_first=True,
            heading="Written evidence submitted by {organisation}",
            notes=(
                "A Word-type file, not PDF; under 25 MB; annexes inside the one file.",
                "Open with a bullet-point summary and a short introduction about you.",
            ),
        ),
        SubmissionProfile(
            slug="public-bill-committee",
            name="Public Bill Committee",
            recipient="House of Commons Public Bill Committee",
            addressee="a Public Bill Committee",
            formats=("docx", "odt", "md"),
            word_limit=3000,
            required_parts=("summary", "about"),
            question_by_question=False,
            numbered_paragraphs=True,
            summary_first=True,
            heading="Written evidence submitted by {organisation}",
            page_numbers=False,
            contact_details=False,
            notes=(
                "No page numbers; contact details go in the covering e-mail, not the document.",
                "Proposed amendments with explanations are the most useful content.",
            ),
            subject="bill",
        ),
        SubmissionProfile(
            slug="briefing",
            name="Second reading briefing for MPs and peers",
            recipient="MPs and peers, before the second reading debate",
            addressee="a briefing for MPs and peers",
            formats=("pdf", "md"),
            word_limit=None,
            required_parts=("summary",),
            question_by_question=False,
            numbered_paragraphs=False,
            summary_first=True,
            heading="Second reading briefing: {consultation}",
            notes=(
                "Two pages of A4 at most: the ask first, then the clauses concerned and our "
                "position on each, our key amendments, who we are and who supports us.",
                "Too long to fit is reported before export; nothing is cut.",
            ),
            subject="bill",
            layout="briefing",
            page_limit=2,
        ),
        SubmissionProfile(
            slug="amendment-paper",
            name="Amendment paper for a Member to table",
            recipient="An MP or peer who will table the amendments",
            addressee="an amendment paper",
            formats=("pdf", "docx", "odt", "md"),
            word_limit=None,
            required_parts=(),
            question_by_question=False,
            numbered_paragraphs=False,
            summary_first=False,
            heading="{consultation}",
            signatories=False,
            notes=(
                "The amendments in House style, in the order the House takes them (new "
                "clauses NC1, NC2 ...), each with its explanatory statement and the "
                "organisations supporting it.",
                "The numbers are provisional: the House numbers amendments when they are tabled.",
            ),
            subject="bill",
            layout="amendment-paper",
        ),
        SubmissionProfile(
            slug="campaign",
            name="Campaign publication",
            recipient="Campaign website, public record and the press",
            addressee="a campaign publication",
            formats=("pdf", "md", "docx", "odt"),
            word_limit=None,
            required_parts=("summary",),
            question_by_question=True,
            numbered_paragraphs=False,
            summary_first=True,
            heading="{organisation}: response to {consultation}",
            cover_page=True,
            notes=("Lists only the signatories who consented to publication.",),
        ),
    )
}

DEFAULT_PROFILE = "home-office"
# What a response to a bill is made for first: written evidence to the Public Bill Committee.
BILL_PROFILE = "public-bill-committee"
SUBJECTS = ("consultation", "bill")


def profiles_for(subject: str) -> dict[str, SubmissionProfile]:
    """The profiles that make sense for a response to a `subject` ("consultation" or "bill"):
    a consultation's recipients for a consultation, Parliament's stages for a bill."""
    return {slug: profile for slug, profile in PROFILES.items() if profile.subject == subject}


def default_profile(subject: str) -> str:
    """The profile a response to `subject` is exported for when it names none that fits."""
    return BILL_PROFILE if subject == "bill" else DEFAULT_PROFILE
