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
