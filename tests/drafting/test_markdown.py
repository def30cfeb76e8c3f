"""The one Markdown renderer: hostile input never produces unsafe HTML; footnotes work."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.drafting.diff import unified, word_ops
from consult.drafting.markdown import ALLOWED_TAGS, render, word_count

UNSAFE_TAGS = {"script", "iframe", "object", "embed", "style", "svg", "math", "img", "form"}
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def assert_safe(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert not re.search(r"<(iframe|object|embed|style|svg)\b", lowered)
    # No event attribute in a tag (quoted attribute values are text, so they are left out).
    tags = re.findall(r"<[^>]*>", re.sub(r'"[^"]*"', '""', lowered))
    assert not [tag for tag in tags if re.search(r"\son\w+\s*=", tag)], html
    for tag, attributes in elements(html):
        assert tag in ALLOWED_TAGS and tag not in UNSAFE_TAGS, tag
        for name, value in attributes.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("style", "srcdoc", "formaction", "src"), (tag, name)
            if name == "href":
                # What a browser would see: entities decoded, spaces and controls dropped.
                target = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
                assert not target.startswith(UNSAFE_SCHEMES), value


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "text <script>alert(1)</script> text",
    "<scr<script>ipt>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](java\tscript:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](%6Aavascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "<vbscript:msgbox(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click][ref]\n\n[ref]: data:text/html,hi",
    '[click][ref]\n\n[ref]: <javascript:alert(1)> "title"',
    "![image](javascript:alert(1))",
    "![image](https://tracker.example/pixel.png)",
    '<img src=x onerror="alert(1)">',
    "<a href=\"javascript:alert(1)\" onclick='alert(2)'>x</a>",
    "<p onmouseover=alert(1)>hover</p>",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<iframe src="https://evil.example"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'>",
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<span style="position:fixed;top:0">overlay</span>',
    "<div>\n<script>alert(1)</script>\n</div>",
    "<!-- comment --><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<form action=//evil.example><button formaction=javascript:alert(1)>x</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="//evil.example/x.css">',
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
    "[x](https://ok.example) <a href='https://ok.example' onclick=alert(1)>y</a>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "Text[^1]\n\n[^1]: <script>alert(1)</script> [x](javascript:alert(1))",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "> <iframe src=x></iframe>\n> [q](javascript:alert(1))",
    "- <object data=x></object>\n- <embed src=x>",
    "\u0000<script>alert(1)</script>",
    "<scr\u0000ipt>alert(1)</script>",
]


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_never_renders_unsafe_html(markdown):
    assert_safe(render(markdown))
    assert_safe(render(markdown, anchor_prefix="s1"))


def test_raw_html_is_shown_as_text_not_markup():
    html = render("<b onclick=alert(1)>bold?</b> and <em>em</em>")
    assert "<b" not in html and "<em>" not in html
    assert "&lt;em&gt;" in html


def test_ordinary_markdown_renders():
    html = render(
        "# Heading\n\n**bold** _italic_ ~~gone~~ `code`\n\n"
        "- one\n- two\n\n1. first\n\n> quoted\n\n[link](https://example.org)"
        " <https://example.org/auto> <person@example.org>\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    for fragment in (
        "<h1>Heading</h1>",
        "<strong>bold</strong>",
        "<em>italic</em>",
        "<s>gone</s>",
        "<code>code</code>",
        "<li>one</li>",
        "<ol>",
        "<blockquote>",
        'href="https://example.org"',
        'href="https://example.org/auto"',
        'href="mailto:person@example.org"',
        "<table>",
    ):
        assert fragment in html
    assert_safe(html)


def test_table_alignment_survives_as_an_attribute():
    html = render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th align="left">a</th>' in html
    assert '<td align="center">2</td>' in html and '<td align="right">3</td>' in html
    assert "style" not in html


def test_footnotes_render():
    html = render("A claim.[^source]\n\n[^source]: The source, 2025.")
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in html
    assert '<section class="footnotes">' in html
    assert '<li id="fn1">' in html and "The source, 2025." in html
    assert 'href="#fnref1"' in html


def test_anchor_prefix_makes_footnote_ids_unique():
    first = render("One.[^1]\n\n[^1]: First note.", anchor_prefix="s12")
    second = render("Two.[^1]\n\n[^1]: Second note.", anchor_prefix="s13")
    ids = [a.get("id") for _, a in elements(first + second) if a.get("id")]
    assert ids and len(ids) == len(set(ids))
    assert 'href="#fn-s12-1"' in first and 'id="fn-s12-1"' in first
    assert 'href="#fn-s13-1"' in second


def test_a_hostile_anchor_prefix_cannot_inject_attributes():
    html = render("One.[^1]\n\n[^1]: Note.", anchor_prefix='x" onmouseover="alert(1)')
    assert_safe(html)
    assert 'id="fn-x--onmouseover--alert-1--1"' in html


def test_links_get_a_safe_rel():
    html = render("[x](https://example.org)")
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "markdown",
    ["](" * 100_000, "[^" * 100_000, "[a](" * 50_000, "<a:" * 60_000, "[x]: " * 40_000],
)
def test_word_count_stays_fast_on_pathological_text(markdown):
    started = time.perf_counter()
    word_count(markdown)
    assert time.perf_counter() - started < 1.0


# --- diff.py --------------------------------------------------------------------------------


def test_word_ops_show_what_changed_word_by_word():
    ops = word_ops("The police should stop.", "The police must stop now.")
    assert "".join(op["text"] for op in ops if op["op"] != "insert") == ("The police should stop.")
    assert "".join(op["text"] for op in ops if op["op"] != "delete") == (
        "The police must stop now."
    )
    assert {"op": "delete", "text": "should"} in ops
    assert {"op": "insert", "text": "must"} in ops
    assert word_ops("", "") == []
    assert word_ops("Same ŵ", "Same ŵ") == [{"op": "equal", "text": "Same ŵ"}]


def test_unified_diff():
    text = unified("one\ntwo", "one\nthree", "revision 1", "revision 2")
    assert text.startswith("--- revision 1\n+++ revision 2\n")
    assert "-two\n" in text and "+three\n" in text
    assert unified("same", "same", "a", "b") == ""


def _rebuilt(ops: list[dict[str, str]]) -> tuple[str, str]:
    old = "".join(op["text"] for op in ops if op["op"] != "insert")
    new = "".join(op["text"] for op in ops if op["op"] != "delete")
    return old, new


def test_word_ops_on_long_sections_are_quick_and_complete():
    paragraphs = [f"Paragraph {n}: " + "police cameras need rules " * 25 for n in range(50)]
    base = "\n\n".join(paragraphs)  # about 5,000 words
    edited = base.replace("Paragraph 10:", "Paragraph ten:").replace("Paragraph 40:", "Forty:")
    rewritten = "\n".join(f"other words {n}" for n in range(5000))
    single_line = "x " * 100_000
    for old, new in ((base, edited), (base, rewritten), (single_line, "y " * 100_000)):
        started = time.perf_counter()
        ops = word_ops(old, new)
        assert time.perf_counter() - started < 2.0
        assert _rebuilt(ops) == (old, new)
    ops = word_ops(base, edited)
    assert [op for op in ops if op["op"] != "equal"] == [
        {"op": "delete", "text": "10:"},
        {"op": "insert", "text": "ten:"},
        {"op": "delete", "text": "Paragraph 40:"},
        {"op": "insert", "text": "Forty:"},
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab \nŵ📷", max_size=60),
    st.text(alphabet="ab \nŵ📷", max_size=60),
)
def test_word_ops_always_rebuild_both_texts(old, new):
    assert _rebuilt(word_ops(old, new)) == (old, new)


# --- the whole response: one renderer for the API, the preview page and the exports ----------


def _draft_for_rendering(team, response, save):
    from tests.drafting.conftest import section_of

    summary = section_of(response, "summary")
    summary.title = '<script>alert("t")</script> Summary & more'
    save(summary, "We object.[^1]\n\n[^1]: A <b>source</b>.", None)
    save(
        section_of(response, "question", 1),
        "Because.[^1]\n\n[^1]: Another.",
        None,
        choice="Don't know",
    )
    return summary


def test_render_response_escapes_titles_and_answers_and_keeps_footnotes_apart(team, response, save):
    from consult.drafting import services
    from consult.drafting.markdown import render_response

    summary = _draft_for_rendering(team, response, save)
    sections = services.live_sections(response)
    question = sections[2]

    html = render_response(response, sections)

    assert html.startswith("<h1>Our response</h1>\n")
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; Summary &amp; more" in html
    assert "<script" not in html and "<b>" not in html
    assert f"<h2>Question 1: {question.title}</h2>" in html
    assert '<p class="response-section__answer"><strong>Answer:</strong> Don&#39;t know</p>' in html
    assert f'id="fn-s{summary.id}-1"' in html and f'id="fn-s{question.id}-1"' in html
    assert html.count('<section class="response-section">') == len(sections) == 20
    assert "Not written yet." not in html and "no answer chosen" not in html
    assert 'id="section-' not in html  # the bare document: no page anchors
    elements = _Elements()
    elements.feed(html)
    assert {tag for tag, _ in elements.elements} <= ALLOWED_TAGS | {"h1"}


def test_render_response_for_a_page_adds_a_heading_contents_and_what_is_missing(
    team, response, save
):
    from consult.drafting import services
    from consult.drafting.markdown import render_response

    _draft_for_rendering(team, response, save)
    sections = services.live_sections(response)

    html = render_response(
        response,
        sections,
        heading="Response from <Northtown>",
        subtitle="Response to: A consultation",
        contents=True,
        placeholders=True,
    )

    assert html.startswith("<h1>Response from &lt;Northtown&gt;</h1>\n")
    assert '<p class="response-subtitle">Response to: A consultation</p>' in html
    links = re.findall(r'<a href="#(section-\d+)">', html)
    anchors = re.findall(r'<section class="response-section" id="(section-\d+)">', html)
    assert links == anchors == [f"section-{section.id}" for section in sections]
    assert html.count("Not written yet.") == 18  # all but the summary and question 1
    scale_without_answer = [
        s for s in sections[3:] if s.question is not None and s.question.kind == "scale"
    ]
    assert html.count("no answer chosen yet") == len(scale_without_answer) > 0
