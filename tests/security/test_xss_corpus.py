"""A corpus of XSS payloads through every kind of text people type: Markdown (section bodies,
comments), names (people, organisations, signers) and titles (responses, version notes). Every
page that shows them, to members and to the public, must contain zero unsafe output: no script
but the app's own files, no event-handler attributes, no javascript:/data: links, no inline
style (which the CSP would refuse anyway), no frames, objects or <base>."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.drafting import services as drafting
from consult.extensions import db
from consult.organisations.services import membership_of
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import Signature
from consult.timeutil import utcnow
from tests.conftest import login
from tests.security import figures

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">link</a>',
    "[link](javascript:alert(1))",
    "[link](JaVaScRiPt:alert(1))",
    "[link](  javascript:alert(1))",
    "[link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](javascript:alert(1))",
    '![image](x" onerror="alert(1))',
    "[link](vbscript:msgbox(1))",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "\u2028<script>alert(1)</script>",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
    "<a href=https://evil.example/ target=_blank>phish</a>",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}
SAFE_IMAGE_DATA = ("data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp")


class UnsafeMarkup(HTMLParser):
    """Collects what in a page could run script or break the CSP."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "script":
            if not attributes.get("src", "").startswith("/static/"):
                self.problems.append(f"script not from /static/: {attrs}")
            self._inline_script = True
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> {attrs}")
        if tag == "link" and not attributes.get("href", "").startswith("/static/"):
            self.problems.append(f"<link> to {attributes.get('href')!r}")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"<meta http-equiv> {attrs}")
        for name, value in attributes.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f"<{tag} style=...> (inline style)")
            if name in URL_ATTRIBUTES:
                squashed = "".join(c for c in value if c > " ").lower()
                if squashed.startswith(("javascript:", "vbscript:")) or (
                    squashed.startswith("data:") and not squashed.startswith(SAFE_IMAGE_DATA)
                ):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline_script = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._inline_script and data.strip():
            self.problems.append(f"inline script: {data[:80]!r}")


def _parsed(page: str) -> UnsafeMarkup:
    parser = UnsafeMarkup()
    parser.feed(page)
    parser.close()
    return parser


def unsafe_markup(page: str) -> list[str]:
    return _parsed(page).problems


@pytest.fixture
def world(team):
    """Everything a person types, set to one payload (per test), frozen into a version that
    is open for public signing, with a public signer and a member who signed."""

    def build(payload: str) -> dict:
        name = payload[:120]
        owner = membership_of(team.owner, team.organisation)
        consultation = db.session.scalar(
            select(Consultation).where(Consultation.slug == "facial-recognition-framework")
        )
        response = drafting.create_response(owner, consultation, payload[:200])
        sections = drafting.live_sections(response)
        for section in sections[:3]:
            drafting.save_section(
                team.editor, section, f"Before.\n\n{payload}\n\nAfter.", None, None
            )
        drafting.add_comment(team.member, sections[0], payload)
        team.organisation.name = name
        for user in (team.owner, team.editor, team.member):
            user.name = name
        version = signing.freeze(owner, response, payload)
        signing.open_signing(owner, version, True, None)
        signing.sign_as_member(team.member, version, name, name, True)
        signing.sign_publicly(version, name, "pat@example.org", name, True, consent.CURRENT_VERSION)
        db.session.flush()
        public = db.session.scalar(select(Signature).where(Signature.email == "pat@example.org"))
        public.status, public.confirmed_at = "confirmed", utcnow()
        db.session.commit()
        return {
            "slug": team.organisation.slug,
            "response": response.id,
            "section": sections[0].id,
            "version": version.id,
            "sha256": version.sha256,
        }

    return build


MEMBER_PAGES = [
    "/",
    "/o/{slug}",
    "/o/{slug}/members",
    "/o/{slug}/responses",
    "/responses/{response}",
    "/responses/{response}/preview",
    "/responses/{response}/sections/{section}",
    "/responses/{response}/sections/{section}/history",
    "/responses/{response}/versions",
    "/versions/{version}",
    "/versions/{version}/signatures",
    "/account",
]
PUBLIC_PAGES = ["/sign/{version}", "/verify/{sha256}"]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_no_payload_comes_out_unsafe_on_any_page(app, make_client, team, world, payload):
    values = world(payload)
    member = make_client()
    login(member, team.owner)
    visits = [(member, page) for page in MEMBER_PAGES] + [
        (make_client(remote_addr="203.0.113.9"), page) for page in PUBLIC_PAGES
    ]
    problems = []
    for client, page in visits:
        url = page.format(**values)
        reply = client.get(url)
        assert reply.status_code == 200, f"{url}: {reply.status_code}"
        parsed = _parsed(reply.get_data(as_text=True))
        problems += [f"{url}: {problem}" for problem in parsed.problems]
        if page == "/responses/{response}":  # the payload did reach the page, as text
            assert any(
                word in "".join(parsed.text) for word in ("alert", "msgbox", "phish", "base64")
            )

    api = member.get(f"/api/v1/responses/{values['response']}/html")
    assert api.status_code == 200
    problems += [f"API html: {problem}" for problem in unsafe_markup(api.get_json()["html"])]

    figures.add("xss payloads tried")
    figures.add("xss pages checked", len(visits) + 1)
    assert not problems, "\n".join(problems)


def test_the_checker_itself_catches_unsafe_markup():
    """Guards the test: each kind of unsafe output is found, the app's own markup is not."""
    unsafe = [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href=" java&#x09;script:alert(1)">x</a>',
        '<div style="color:red">x</div>',
        "<iframe></iframe>",
        '<a href="data:text/html,hi">x</a>',
    ]
    for html in unsafe:
        assert unsafe_markup(html), html
    safe = (
        '<script src="/static/js/app.js" defer></script><link rel="stylesheet" '
        'href="/static/css/app.css"><a href="/sign/1">sign</a><img src="data:image/png;base64,AA">'
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    assert unsafe_markup(safe) == []
