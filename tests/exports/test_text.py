"""Markdown and plain text of built documents: the whole response in order (heading, draft
mark, closed answer then explanation, numbered paragraphs, footnotes, signatories,
fingerprint), one part to paste into a questionnaire, and Markdown that renders back to
exactly the words in the model, however hostile."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from consult.drafting import services as drafting
from consult.drafting.markdown import render
from consult.exports.builder import build_document, parse_part
from consult.exports.document import Block, Heading, ListBlock, Paragraph, Part, Quote, Span
from consult.exports.text import part_markdown, part_text, render_markdown, render_text
from consult.extensions import db
from tests.exports.conftest import SIGNED

VERIFY = "https://consult.test/verify/"


def build(response, version, profile: str = "campaign", **more):
    return build_document(
        response, version, profile, verify_url_for=lambda sha: VERIFY + sha, **more
    )


def question(document, number: int) -> Part:
    return next(p for p in document.parts if p.kind == "question" and p.number == number)


def styled_characters(blocks: tuple[Block, ...]) -> list[tuple]:
    """Each visible character with its style and block path: whitespace may move across a
    style's edge when written as Markdown (emphasis cannot end in a space), nothing else."""
    found: list[tuple] = []

    def walk(blocks: tuple[Block, ...], path: tuple) -> None:
        for index, block in enumerate(blocks):
            here = (*path, index, type(block).__name__)
            if isinstance(block, (Paragraph, Heading)):
                for span in block.spans:
                    style = (span.bold, span.italic, span.code, span.link, span.footnote)
                    found.extend((here, char, style) for char in span.text if not char.isspace())
            elif isinstance(block, ListBlock):
                for number, item in enumerate(block.items):
                    walk(item, (*here, block.ordered, block.start, number))
            elif isinstance(block, Quote):
                walk(block.blocks, here)
            else:
                found.append((here, block))

    walk(blocks, ())
    return found


def reread(part: Part) -> tuple:
    """The part's Markdown parsed again by the builder."""
    first = int(part.footnotes[0].label) if part.footnotes else 1
    return parse_part(part_markdown(part), part.anchor, first)[:2]


# --- the whole response -----------------------------------------------------------------------


def test_markdown_has_every_part_in_order_with_the_answer_before_the_explanation(
    signed_version, export_texts
):
    document = build(signed_version.response, signed_version, "home-office")
    markdown = render_markdown(document)

    assert markdown.startswith(
        "# Response from Northtown Residents\n\nResponse to the Home Office consultation on a new "
        "legal framework"
    )
    positions = [markdown.index(f"## {part.heading}\n") for part in document.parts]
    assert positions == sorted(positions)
    q1 = markdown[markdown.index("## Question 1:") : markdown.index("## Question 2:")]
    assert q1.index("**Answer:** Agree") < q1.index("A single framework is overdue.")
    assert "[^1]: See the Biometrics" in q1
    assert (
        "## Question 4:" in markdown
        and "**Answer:**" not in markdown.split("## Question 4")[1][:200]
    )
    assert "DRAFT" not in markdown
    assert f"`{signed_version.sha256}`" in markdown
    assert f"<{VERIFY}{signed_version.sha256}>" in markdown


def test_numbered_paragraphs_are_shown_as_numbers_and_lists_do_not_run_on(frozen_version):
    document = build(frozen_version.response, frozen_version, "select-committee")
    markdown = render_markdown(document)
    text = render_text(document)

    assert "\n1. Northtown Residents is a community association" in markdown
    assert "\n4. The definition should follow the *function*" in markdown
    assert "\n1) facial recognition, live and retrospective;" in markdown
    assert "\n4. The definition should follow the function" in text
    assert "\n    1. facial recognition, live and retrospective;" in text
    html = render(markdown)
    assert '<ol start="4">' in html
    assert "<li>facial recognition, live and retrospective;</li>" in html


def test_plain_text_has_no_markup_and_spells_links_out(frozen_version):
    text = render_text(build(frozen_version.response, frozen_version, "campaign"))

    assert "**" not in text and "](" not in text and "[^" not in text
    assert "live facial recognition deployments (https://www.example.org/deployments)" in text
    assert "Answer: Agree\n\nA single framework is overdue." in text
    assert "force to force.[1]" in text and "\n[1] See the Biometrics" in text
    assert "\n> There is no reliable way" in text


def test_only_consenting_signatories_appear_in_either_text(signed_version):
    document = build(signed_version.response, signed_version)
    for output in (render_markdown(document), render_text(document)):
        assert "- Open Rights Coalition\n- Privacy First Alliance" in output
        assert "- Dr Amira Hussain, University of Northtown\n- Eddie Editor" in output
        assert "6 signatures in all, including 2 from people who asked not to be named." in output
        for name in (*SIGNED.unpublished_people, *SIGNED.withdrawn, *SIGNED.pending):
            assert name not in output


def test_a_draft_says_so_and_has_no_fingerprint(export_response):
    document = build(export_response, None, today=date(2026, 2, 3))

    for output in (render_markdown(document), render_text(document)):
        assert "DRAFT: the current draft, not a frozen version." in output
        assert "Exported on 3 February 2026." in output
        assert "Fingerprint" not in output and "Signatories" not in output


def test_a_version_nobody_has_signed_has_no_signatories_section(frozen_version):
    document = build(frozen_version.response, frozen_version)

    assert document.signatories is not None and document.signatories.confirmed_total == 0
    assert "Signatories" not in render_markdown(document)
    assert "Fingerprint" in render_text(document)


def test_an_unanswered_closed_question_says_so_where_answers_are_read_per_question(
    team, export_response
):
    target = next(s for s in drafting.live_sections(export_response) if s.number == 14)
    drafting.save_section(team.editor, target, "Still thinking.", None, target.head_revision_id)
    db.session.commit()

    home_office = render_text(build(export_response, None, "home-office"))
    committee = render_text(build(export_response, None, "select-committee"))

    assert "Answer: Not answered\n\nStill thinking." in home_office
    assert "Not answered" not in committee
    assert "Answer: Agree" in committee  # a chosen answer is always shown


# --- one part, to paste -----------------------------------------------------------------------


def test_a_part_to_paste_is_the_explanation_only(frozen_version):
    document = build(frozen_version.response, frozen_version, "select-committee")
    part = question(document, 2)

    for pasted in (part_markdown(part), part_text(part)):
        assert pasted.startswith("Emotion and intent inference is ")
        assert "Answer" not in pasted and "Question 2" not in pasted
        assert not re.search(r"^\d+\. ", pasted, re.MULTILINE)  # no paragraph numbers
    assert part_markdown(part).endswith(
        "[^2]: Barrett et al., *Emotional Expressions Reconsidered*, 2019."
    )
    assert part_text(part).endswith("[2] Barrett et al., Emotional Expressions Reconsidered, 2019.")


# --- Markdown that renders back to the same words ---------------------------------------------


def test_each_part_written_as_markdown_reads_back_as_the_same_blocks(frozen_version):
    document = build(frozen_version.response, frozen_version, "home-office")

    for part in document.parts:
        blocks, footnotes = reread(part)
        assert styled_characters(blocks) == styled_characters(part.blocks), part.heading
        assert [note.label for note in footnotes] == [note.label for note in part.footnotes]
        for again, note in zip(footnotes, part.footnotes, strict=True):
            assert styled_characters(again.blocks) == styled_characters(note.blocks)


def test_hostile_input_stays_words_when_the_markdown_is_rendered(hostile_version, hostile_texts):
    document = build(hostile_version.response, hostile_version, "campaign")
    html = render(render_markdown(document))

    for tag in ("<script", "<img", "<iframe", "<style", "<div", "<b>", "<i>"):
        assert tag not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(href.startswith(("#fn", VERIFY)) for href in hrefs)
    assert '<p>&lt;script&gt;alert("summary")&lt;/script&gt;</p>' in html
    for part in document.parts:
        blocks, _ = reread(part)
        assert styled_characters(blocks) == styled_characters(part.blocks), part.heading
    names = render_text(document)
    assert f"- {hostile_texts.name}, <i>Affil</i> =1+1" in names


PLAIN_TEXT = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
        blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    )
    | st.sampled_from(list("\\`*_[]<>|~&#!-+=.)(:^ 1 \t")),
    min_size=1,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(text=PLAIN_TEXT, bold=st.booleans(), italic=st.booleans())
def test_any_plain_text_written_as_markdown_reads_back_as_itself(text, bold, italic):
    part = Part(
        kind="custom",
        number=None,
        title="",
        heading="",
        choice=None,
        options=(),
        blocks=(
            Paragraph((Span("Before "), Span(text, bold=bold, italic=italic), Span(" after"))),
        ),
        footnotes=(),
        word_count=0,
        word_limit=None,
        anchor="part-1",
    )
    blocks, _ = reread(part)

    assert styled_characters(blocks) == styled_characters(part.blocks)


MARKDOWN = st.lists(
    st.sampled_from(
        [
            *"ab 1.)-*_`[]()<>!#\n\\&^:|~=+\t\"',",
            *("[^1]", "[^1]: x\n", "**", "\n\n", "    ", "https://x.example"),
            *("<https://a.example>", "```\n", "> ", "1. ", "| a |\n|---|\n"),
        ]
    ),
    max_size=40,
).map("".join)


def _part_of(markdown: str) -> Part:
    blocks, footnotes, _ = parse_part(markdown, "part-1", 1)
    return Part("custom", None, "", "", None, (), blocks, footnotes, 0, None, "part-1")


@settings(max_examples=300, deadline=None)
@given(markdown=MARKDOWN)
@example(markdown="**.**a***")  # italic, then bold inside it: the italic marker stays outside
def test_any_markdown_built_and_written_again_reads_back_as_the_same_blocks(markdown):
    part = _part_of(markdown)
    referenced = {
        span.footnote
        for blocks in (part.blocks, *(note.blocks for note in part.footnotes))
        for span in _spans(blocks)
    }
    # (A footnote written inside another that nothing cites is not written again.)
    assume(all(note.id in referenced for note in part.footnotes))
    blocks, footnotes = reread(part)

    assert styled_characters(blocks) == styled_characters(part.blocks)
    assert [styled_characters(note.blocks) for note in footnotes] == [
        styled_characters(note.blocks) for note in part.footnotes
    ]


def _spans(blocks: tuple[Block, ...]):
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            yield from block.spans
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _spans(item)
        elif isinstance(block, Quote):
            yield from _spans(block.blocks)
