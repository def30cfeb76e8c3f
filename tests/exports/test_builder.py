"""The document builder and the profile check, read through real built documents: the frozen
words (not later edits), only consenting signatories, the draft mark, paragraph numbers,
footnote labels, hostile input, each profile warning, and determinism."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from consult.consultations.models import Question
from consult.consultations.profiles import PROFILES
from consult.drafting import services as drafting
from consult.exports.builder import UnknownProfile, build_document, check_profile, parse_part
from consult.exports.document import (
    Block,
    CodeBlock,
    Document,
    Heading,
    ListBlock,
    Paragraph,
    Part,
    Quote,
    Rule,
    Span,
)
from consult.extensions import db
from consult.signing import services as signing
from tests.exports.conftest import ANSWERS, SIGNED, membership

VERIFY = "https://consult.test/verify/"

# The profiles a response to a consultation can be exported for (a briefing and an amendment
# paper need a bill: tests/exports/test_bill_exports.py).
RESPONSE_PROFILES = {slug: p for slug, p in PROFILES.items() if p.layout == "response"}


def verify_url(fingerprint: str) -> str:
    return VERIFY + fingerprint


def build(response, version, profile: str = "campaign", **more) -> Document:
    return build_document(response, version, profile, verify_url_for=verify_url, **more)


def section(response, kind: str, number: int | None = None):
    return next(
        s
        for s in drafting.live_sections(response)
        if s.kind == kind and (number is None or s.number == number)
    )


def rewrite(user, response, kind: str, body: str, number: int | None = None, choice=None):
    target = section(response, kind, number)
    drafting.save_section(user, target, body, choice, target.head_revision_id)
    db.session.commit()


def spans_of(blocks: tuple[Block, ...]) -> Iterator[Span]:
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            yield from block.spans
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from spans_of(item)
        elif isinstance(block, Quote):
            yield from spans_of(block.blocks)


def every_span(document: Document) -> Iterator[Span]:
    for part in document.parts:
        yield from spans_of(part.blocks)
        for note in part.footnotes:
            yield from spans_of(note.blocks)


def text_of(part: Part) -> str:
    return "".join(span.text for span in spans_of(part.blocks))


def question(document: Document, number: int) -> Part:
    return next(p for p in document.parts if p.kind == "question" and p.number == number)


def codes(document: Document) -> list[str]:
    return [warning.code for warning in document.warnings]


def question_numbers(response, kind: str | None = None) -> list[int]:
    """The consultation's question numbers (of one kind, "scale" or "open"), in order: the
    tests below do not depend on how many questions it has or how they are numbered."""
    questions = response.consultation.questions
    return sorted(q.number for q in questions if kind is None or q.kind == kind)


# --- content ----------------------------------------------------------------------------------


def test_every_question_and_answer_of_the_version_is_in_the_document(signed_version):
    document = build(signed_version.response, signed_version)

    assert [p.kind for p in document.parts] == [
        "summary",
        "about",
        *["question"] * 17,
        "recommendations",
    ]
    for number, (choice, body) in ANSWERS.items():
        part = question(document, number)
        assert part.choice == choice
        assert body[:20] in text_of(part)
        assert part.heading.startswith(f"Question {number}: ")
    scale = question(document, 1)
    assert scale.options == ("Agree", "Neither agree nor disagree", "Disagree", "Don't know")
    assert question(document, 4).options == ()
    assert document.heading == (
        "Northtown Residents: response to A new legal framework for law-enforcement use of "
        "biometrics, facial recognition and similar technologies"
    )
    assert document.title == "Northtown Residents' response on facial recognition"
    assert (document.organisation, document.language) == ("Northtown Residents", "en-GB")
    assert document.consultation_publisher == "Home Office (Data and Identity Directorate)"


def test_a_version_keeps_its_frozen_words_after_the_draft_changes(team, signed_version):
    response = signed_version.response
    rewrite(team.editor, response, "question", "We changed our mind entirely.", 1, "Disagree")

    frozen = build(response, signed_version)
    assert question(frozen, 1).choice == "Agree"
    assert "A single framework is overdue" in text_of(question(frozen, 1))
    assert "changed our mind" not in text_of(question(frozen, 1))
    assert frozen.fingerprint == signed_version.sha256
    assert frozen.verify_url == VERIFY + signed_version.sha256
    assert (frozen.draft, frozen.version_number) == (False, 1)
    assert frozen.date == signed_version.created_at.date()

    draft = build(response, None, today=date(2026, 1, 5))
    assert question(draft, 1).choice == "Disagree"
    assert text_of(question(draft, 1)) == "We changed our mind entirely."


def test_a_draft_is_marked_and_has_no_fingerprint_or_signatories(export_response):
    draft = build(export_response, None, today=date(2026, 1, 5))

    assert draft.draft is True
    assert draft.date == date(2026, 1, 5)
    assert (draft.fingerprint, draft.verify_url, draft.version_number) == (None, None, None)
    assert draft.signatories is None
    assert draft.co_signing_organisations == ()


def test_only_confirmed_signatories_who_consented_are_listed(signed_version):
    document = build(signed_version.response, signed_version)

    assert document.signatories is not None
    assert document.signatories.organisations == SIGNED.organisations
    assert document.signatories.people == SIGNED.published_people
    assert document.signatories.confirmed_total == SIGNED.confirmed_total
    assert document.co_signing_organisations == SIGNED.organisations
    listed = " ".join(name for name, _ in document.signatories.people)
    for name in (*SIGNED.unpublished_people, *SIGNED.withdrawn, *SIGNED.pending):
        assert name not in listed


def test_profile_settings_are_copied_onto_the_document(frozen_version):
    response = frozen_version.response
    for slug, profile in RESPONSE_PROFILES.items():
        document = build(response, frozen_version, slug)
        assert document.profile_slug == slug
        assert document.word_limit == profile.word_limit
        assert document.page_numbers == profile.page_numbers
        assert document.cover_page == profile.cover_page
        assert document.numbered_paragraphs == profile.numbered_paragraphs
        assert document.question_by_question == profile.question_by_question
    committee = build(response, frozen_version, "public-bill-committee")
    assert committee.heading == "Written evidence submitted by Northtown Residents"
    assert committee.page_numbers is False


def test_an_organisation_name_is_put_into_the_heading_as_it_is(team, export_response):
    team.organisation.name = "Friends of {consultation}"
    db.session.commit()

    document = build(export_response, None, "select-committee")

    assert document.heading == "Written evidence submitted by Friends of {consultation}"


def test_unknown_profile_is_refused_with_the_profiles_named(export_response):
    with pytest.raises(UnknownProfile, match="campaign, home-office"):
        build(export_response, None, "parliament")


def test_empty_sections_are_left_out_but_still_checked(team, export_response):
    rewrite(team.editor, export_response, "question", "", 4)
    rewrite(team.editor, export_response, "question", "", 1, None)

    document = build(export_response, None, "home-office")

    assert 4 not in [p.number for p in document.parts]
    assert [p.number for p in document.empty_parts] == [1, 4]
    assert codes(document) == ["unanswered-questions"]
    total = len(question_numbers(export_response))
    assert document.warnings[0].message == (
        f"2 of the {total} questions have no answer: questions 1 and 4."
    )


# --- numbering and footnotes ------------------------------------------------------------------


def test_numbered_paragraphs_run_through_the_document_outside_the_summary(team, frozen_version):
    response = frozen_version.response
    rewrite(team.editor, response, "summary", "A paragraph.\n\n- and a point")
    document = build(response, None, "select-committee")

    numbers = [
        block.number
        for part in document.parts
        for block in part.blocks
        if isinstance(block, Paragraph) and part.kind != "summary"
    ]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    assert len(numbers) > 15
    summary = document.parts[0]
    assert summary.blocks[0] == Paragraph((Span("A paragraph."),), number=None)
    items = question(document, 1).blocks[3]  # list items keep no numbers
    assert isinstance(items, ListBlock)
    assert all(block.number is None for item in items.items for block in item)

    unnumbered = build(response, frozen_version, "home-office")
    assert all(
        block.number is None
        for part in unnumbered.parts
        for block in part.blocks
        if isinstance(block, Paragraph)
    )


def test_footnote_labels_run_across_the_document_and_never_repeat(frozen_version):
    document = build(frozen_version.response, frozen_version)

    notes = [note for part in document.parts for note in part.footnotes]
    assert [note.label for note in notes] == ["1", "2", "3"]
    assert len({note.id for note in notes}) == 3
    for part in document.parts:
        ids = {note.id: note.label for note in part.footnotes}
        for span in spans_of(part.blocks):
            if span.footnote is not None:
                assert ids[span.footnote] == span.text
    assert notes[0].blocks == (
        Paragraph(
            (
                Span(
                    "See the Biometrics and Surveillance Camera Commissioner's annual report, 2023."
                ),
            )
        ),
    )


# --- Markdown to blocks -----------------------------------------------------------------------


def test_markdown_maps_onto_the_block_vocabulary():
    markdown = (
        "# Top\n\n##### Deep\n\nSome **bold *both*** and `code` and [a link](https://a.example)"
        " and <x@example.org>.  \nNext line.\n\n> quoted\n\n3. three\n4. four\n"
        "    - nested\n\n```\nraw <b>\n```\n\n---\n\n| A | B |\n|---|---|\n| 1 | 2 |\n"
    )
    blocks, footnotes, _ = parse_part(markdown, "part-1", 1)

    assert footnotes == ()
    assert blocks[:2] == (Heading(1, (Span("Top"),)), Heading(4, (Span("Deep"),)))
    assert blocks[2] == Paragraph(
        (
            Span("Some "),
            Span("bold ", bold=True),
            Span("both", bold=True, italic=True),
            Span(" and "),
            Span("code", code=True),
            Span(" and "),
            Span("a link", link="https://a.example"),
            Span(" and "),
            Span("x@example.org", link="mailto:x@example.org"),
            Span(".\nNext line."),
        )
    )
    assert blocks[3] == Quote((Paragraph((Span("quoted"),)),))
    assert blocks[4] == ListBlock(
        ordered=True,
        start=3,
        items=(
            (Paragraph((Span("three"),)),),
            (
                Paragraph((Span("four"),)),
                ListBlock(ordered=False, items=((Paragraph((Span("nested"),)),),)),
            ),
        ),
    )
    assert blocks[5:7] == (CodeBlock("raw <b>"), Rule())
    assert blocks[7] == ListBlock(
        ordered=False,
        items=(
            (Paragraph((Span("A: ", bold=True), Span("1; "), Span("B: ", bold=True), Span("2"))),),
        ),
    )


def test_links_keep_only_web_and_mail_targets_and_images_only_their_alt_text():
    markdown = (
        "[rel](/relative) [ftp](ftp://files.example) [web](http://a.example) "
        "![a chart](https://evil.example/pixel.png) ![local](file:///etc/passwd)"
    )
    (paragraph,), _, _ = parse_part(markdown, "part-1", 1)

    assert paragraph == Paragraph(
        (
            Span("rel ftp "),
            Span("web", link="http://a.example"),
            Span(" a chart ![local](file:///etc/passwd)"),
        )
    )


def test_hostile_input_stays_words_and_no_dangerous_link_survives(hostile_version, hostile_texts):
    document = build(hostile_version.response, hostile_version, "public-bill-committee")

    links = [span.link for span in every_span(document) if span.link]
    assert all(link.startswith(("http://", "https://", "mailto:")) for link in links)
    texts = "\n".join(span.text for span in every_span(document))
    assert "evil.example/pixel.png" not in texts  # a remote image leaves only its alt text
    assert "tracking pixel" in texts
    # Raw HTML is never markup in the model: it is kept as the literal words typed.
    summary = document.parts[0]
    assert summary.blocks[0] == Paragraph((Span('<script>alert("summary")</script>'),))
    assert document.organisation == hostile_texts.organisation
    assert document.title == hostile_texts.title
    assert hostile_texts.section_title in [part.title for part in document.parts]
    assert document.signatories is not None
    assert document.signatories.people == ((hostile_texts.name, "<i>Affil</i> =1+1"),)


# --- the profile check ------------------------------------------------------------------------


def test_a_complete_response_breaks_no_profile(frozen_version):
    for slug in RESPONSE_PROFILES:
        document = build(frozen_version.response, frozen_version, slug)
        assert document.warnings == (), slug


def test_over_the_word_limit_says_by_how_much_and_names_the_longest_sections(team, export_response):
    rewrite(team.editor, export_response, "question", "word " * 2600, 15)
    document = build(export_response, None, "select-committee")

    assert codes(document) == ["over-word-limit"]
    message = document.warnings[0].message
    assert message.startswith(
        f"The response has {document.total_words:,} words, {document.total_words - 3000:,} "
        "words more than the 3,000 words a Commons select committee accepts. The longest "
        "sections are Question 15 (2,600 words), "
    )
    assert re.fullmatch(
        r".*\([\d,]+ words\), \w.* \([\d,]+ words\) and \w.* \([\d,]+ words\)\.", message
    )
    assert "over-word-limit" not in codes(build(export_response, None, "home-office"))


def test_a_question_over_its_own_limit_is_named(team, export_response):
    db.session.scalar(select(Question).where(Question.number == 4)).word_limit = 20
    db.session.commit()

    document = build(export_response, None, "home-office")

    assert codes(document) == ["question-over-word-limit"]
    warning = document.warnings[0]
    assert warning.part == question(document, 4).anchor
    assert warning.message == (
        "Question 4 has 49 words, 29 words more than the 20 words the consultation allows for it."
    )


def test_a_required_part_missing_or_empty_is_named(team, export_response):
    rewrite(team.editor, export_response, "about", "   ")
    document = build(export_response, None, "select-committee")
    assert codes(document) == ["missing-part"]
    assert "“About Northtown Residents” is empty" in document.warnings[0].message

    drafting.remove_section(team.coordinator, section(export_response, "summary"))
    db.session.commit()
    document = build(export_response, None, "select-committee")
    assert codes(document) == ["missing-part", "missing-part"]
    assert "no section for a summary" in document.warnings[0].message
    # The Home Office asks for the introduction only.
    assert codes(build(export_response, None, "home-office")) == ["missing-part"]


def test_a_summary_that_is_not_a_bullet_list_is_flagged_where_bullets_are_wanted(
    team, export_response
):
    rewrite(team.editor, export_response, "summary", "We oppose live facial recognition.")

    assert codes(build(export_response, None, "select-committee")) == ["summary-not-bullets"]
    assert codes(build(export_response, None, "home-office")) == []


def test_a_summary_not_at_the_top_is_flagged_where_it_should_come_first(team, export_response):
    drafting.move_section(team.coordinator, section(export_response, "summary"), "down")
    db.session.commit()

    assert codes(build(export_response, None, "campaign")) == ["summary-not-first"]
    assert codes(build(export_response, None, "home-office")) == []


def test_a_closed_question_explained_without_its_closed_answer_is_flagged_where_asked_for(
    team, export_response
):
    number = question_numbers(export_response, "scale")[-1]
    rewrite(team.editor, export_response, "question", "Still thinking.", number, None)

    document = build(export_response, None, "home-office")
    assert codes(document) == ["no-closed-answer"]
    assert document.warnings[0].message == (
        f"Question {number} has an explanation but no closed answer. The Home Office expects "
        "one of “Agree”, “Neither agree nor disagree”, “Disagree” or “Don't know” before the "
        "explanation."
    )
    assert codes(build(export_response, None, "select-committee")) == []


def blank_eleven(team, response) -> list[int]:
    """Leave 11 questions blank, scale and open ones among them, keeping the first scale
    question answered by its closed answer alone and the second by words alone."""
    scale = question_numbers(response, "scale")
    kept = scale[:2]
    blank = [n for n in question_numbers(response) if n not in kept][:11]
    assert set(blank) & set(scale) and set(blank) - set(scale)
    for number in blank:
        rewrite(team.editor, response, "question", "  \n", number, None)
    # A closed answer alone is an answer; words alone are one too (the missing closed answer
    # is a warning of its own where the recipient asks for it).
    rewrite(team.editor, response, "question", "", kept[0], "Agree")
    rewrite(team.editor, response, "question", "Still thinking.", kept[1], None)
    return blank


def test_every_unanswered_question_is_named_by_number_whatever_the_profile(team, export_response):
    blank = blank_eleven(team, export_response)
    total = len(question_numbers(export_response))

    for slug in RESPONSE_PROFILES:
        document = build(export_response, None, slug)
        found = [w for w in document.warnings if w.code == "unanswered-questions"]
        assert [w.message for w in found] == [
            f"11 of the {total} questions have no answer: questions "
            f"{', '.join(map(str, blank[:-1]))} and {blank[-1]}."
        ], slug
    assert "no-closed-answer" in codes(build(export_response, None, "home-office"))


def test_a_frozen_version_with_blank_questions_is_flagged_too(team, export_response):
    blank_eleven(team, export_response)
    version = signing.freeze(membership(team.coordinator, team.organisation), export_response)
    db.session.commit()

    document = build(export_response, version, "select-committee")
    assert codes(document)[0] == "unanswered-questions"
    assert document.warnings[0].message.startswith(
        f"11 of the {len(question_numbers(export_response))} questions have no answer"
    )


@pytest.mark.parametrize("how_many", ["one", "all"])
def test_the_unanswered_questions_sentence_reads_right_for_one_or_all(
    team, export_response, how_many
):
    numbers = question_numbers(export_response)
    for number in [4] if how_many == "one" else numbers:
        rewrite(team.editor, export_response, "question", "", number, None)

    message = build(export_response, None, "campaign").warnings[0].message
    if how_many == "one":
        assert message == f"1 of the {len(numbers)} questions has no answer: question 4."
    else:
        assert message == f"None of the {len(numbers)} questions has an answer."


def test_every_check_message_is_a_plain_sentence(team, export_response):
    """Each message starts with a capital, ends with a full stop, names the recipient as a
    sentence would ("the Home Office", never the profile's label mid-sentence), and holds no
    doubled spaces or stray punctuation."""
    rewrite(team.editor, export_response, "summary", "Prose, not bullets: call 020 7946 0000.")
    rewrite(team.editor, export_response, "about", "")
    long_one = question_numbers(export_response, "open")[-1]
    rewrite(team.editor, export_response, "question", "word " * 3100, long_one)
    number = question_numbers(export_response, "scale")[-1]
    rewrite(team.editor, export_response, "question", "Still thinking.", number, None)
    rewrite(team.editor, export_response, "question", "", 4)
    for _ in range(2):  # below the introduction and question 1 (the empty one is left out)
        drafting.move_section(team.coordinator, section(export_response, "summary"), "down")
    db.session.commit()

    messages = {}
    for slug, profile in RESPONSE_PROFILES.items():
        for warning in build(export_response, None, slug).warnings:
            messages[warning.code] = warning.message
            assert profile.recipient not in warning.message or profile.recipient == "Home Office"
    assert set(messages) == {
        "unanswered-questions",
        "over-word-limit",
        "missing-part",
        "summary-not-bullets",
        "summary-not-first",
        "no-closed-answer",
        "contact-details",
    }
    for message in messages.values():
        assert re.fullmatch(r"[A-Z0-9“].*[.]", message, re.DOTALL), message
        assert "  " not in message and " ," not in message and ".." not in message, message
        assert ": the " not in message, message  # the old "…: the Campaign website… asks"


def test_contact_details_are_flagged_only_where_they_must_stay_out(team, export_response):
    rewrite(
        team.editor,
        export_response,
        "about",
        "Write to [our office](mailto:office@northtown.example) or call 020 7946 0000.\n\n"
        "Or +44 (0)161 496 0000. We have 1,200 members since 2023 (s. 263).",
    )

    document = build(export_response, None, "public-bill-committee")
    assert codes(document) == ["contact-details"]
    message = document.warnings[0].message
    assert "office@northtown.example" in message
    assert "020 7946 0000" in message
    assert "+44 (0)161 496 0000" in message
    assert "1,200" not in message and "2023" not in message
    assert message.endswith(
        "A Public Bill Committee publishes the evidence it receives, so put them in the "
        "covering e-mail instead."
    )
    assert codes(build(export_response, None, "select-committee")) == []


def test_a_text_too_complex_to_format_is_exported_as_plain_words_and_named(team, export_response):
    complex_text = "![" * 60_000 + "\n\nOur evidence, [with a link](https://a.example).\n"
    rewrite(team.editor, export_response, "about", complex_text)

    document = build(export_response, None, "select-committee")

    about = next(part for part in document.parts if part.kind == "about")
    assert about.formatted is False
    assert [block.spans for block in about.blocks] == [
        (Span("![" * 60_000),),
        (Span("Our evidence, [with a link](https://a.example)."),),
    ]
    assert codes(document) == ["formatting-not-shown"]
    assert document.warnings[0].part == about.anchor
    assert "exported as plain text" in document.warnings[0].message
    assert all(part.formatted for part in document.parts if part is not about)


def test_the_stored_warnings_are_the_profile_check_of_the_document(team, export_response):
    rewrite(team.editor, export_response, "summary", "Prose, not bullets.")
    document = build(export_response, None, "public-bill-committee")

    assert document.warnings == check_profile(document)
    assert check_profile(replace(document, profile_slug="home-office")) == ()


# --- determinism ------------------------------------------------------------------------------


def test_the_same_inputs_build_equal_documents(signed_version):
    response = signed_version.response
    first = build(response, signed_version, "select-committee")
    db.session.expire_all()
    assert build(response, signed_version, "select-committee") == first
    assert build(response, None, today=date(2026, 3, 1)) == build(
        response, None, today=date(2026, 3, 1)
    )
