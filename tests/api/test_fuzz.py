"""Junk thrown at every POST, PUT and DELETE endpoint with a valid bearer token: the answer is
never a 500, and every error has the API's shape (and fits the documented schema)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.helpers import assert_documented, assert_error

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text, including NUL, other control characters and lone surrogates (json.dumps escapes
# them as \\ud800, which the JSON parser turns back into a lone surrogate).
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)


class Huge(str):
    """A long string whose repr stays short in Hypothesis's failure reports."""

    def __repr__(self) -> str:
        return f"Huge({len(self)} chars)"


huge_text = st.integers(min_value=150, max_value=400_000).map(lambda n: Huge("é" * n))
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | any_text
    | huge_text
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = ["name", "email", "role", "token", "extra"]
plausible = st.sampled_from(
    ["a@example.org", "Someone@Example.org", "owner", "member", "coordinator", "Group", ""]
)
objects_with_our_fields = st.dictionaries(
    st.sampled_from(FIELDS), json_values | plausible, max_size=4
)


def _json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode()


bodies = st.one_of(
    objects_with_our_fields.map(lambda v: (_json_bytes(v), "application/json")),
    json_values.map(lambda v: (_json_bytes(v), "application/json")),
    st.binary(max_size=200).map(lambda b: (b, "application/json")),
    st.binary(max_size=200).map(lambda b: (b'{"name": "' + b + b'"}', "application/json")),
    st.integers(min_value=1, max_value=20_000).map(
        lambda depth: (b"[" * depth + b"]" * depth, "application/json")
    ),
    st.integers(min_value=1, max_value=5_000).map(
        lambda depth: (b'{"a":' * depth + b"1" + b"}" * depth, "application/json")
    ),
    objects_with_our_fields.map(lambda v: (_json_bytes(v), "text/plain")),
    st.tuples(st.binary(max_size=100), st.sampled_from(["", "application/x-www-form-urlencoded"])),
)
# A path segment: anything but "/", which the router sees (even as %2F) as a separator.
path_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/"), min_size=1, max_size=120
)


def _check(response, documented_path: str, method: str = "post") -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert_error(response, response.status_code)
    if response.status_code != 204:
        assert_documented(response, documented_path, method)


@pytest.fixture
def fuzz_client(client, bearer, no_rate_limit):
    return client, bearer("owner")


@FUZZ
@given(body=bodies)
def test_create_organisation_survives_junk(fuzz_client, body):
    client, headers = fuzz_client
    data, content_type = body

    response = client.post(
        "/api/v1/organisations", data=data, content_type=content_type or None, headers=headers
    )

    _check(response, "/api/v1/organisations")


@FUZZ
@given(body=bodies, slug=st.one_of(st.just("northtown-residents"), path_text))
def test_create_invitation_survives_junk(fuzz_client, body, slug):
    client, headers = fuzz_client
    data, content_type = body

    response = client.post(
        f"/api/v1/organisations/{quote(slug, safe='')}/invitations",
        data=data,
        content_type=content_type or None,
        headers=headers,
    )

    _check(response, "/api/v1/organisations/{slug}/invitations")


@FUZZ
@given(body=bodies, token=path_text)
def test_accept_invitation_survives_junk(fuzz_client, body, token):
    client, headers = fuzz_client
    data, content_type = body

    response = client.post(
        f"/api/v1/invitations/{quote(token, safe='')}/accept",
        data=data,
        content_type=content_type or None,
        headers=headers,
    )

    _check(response, "/api/v1/invitations/{token}/accept")


@FUZZ
@given(
    # What can travel in an HTTP header at all: Latin-1, without line breaks.
    header=st.text(alphabet=st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=300)
    | st.text(alphabet=st.characters(codec="latin-1"), max_size=200).map(
        lambda token: f"Bearer {token}".replace("\n", " ").replace("\r", " ")
    )
)
def test_junk_authorization_headers_are_401(client, header):
    try:
        header.encode("latin-1")
    except UnicodeEncodeError:
        header = header.encode("utf-8").decode("latin-1")  # what a client would put on the wire

    response = client.post(
        "/api/v1/organisations", json={"name": "Group"}, headers={"Authorization": header}
    )

    assert_error(response, 401)


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=200), number=st.integers(min_value=2, max_value=10_000))
def test_every_slug_the_app_makes_is_one_the_api_accepts(name, number):
    """The API turns away paths that cannot be slugs before asking the database; that must
    never include a slug that organisations.services.slugify (plus a "-N" suffix) can make."""
    from consult.organisations.models import SLUG as _SLUG
    from consult.organisations.services import slugify

    slug = slugify(name)

    assert _SLUG.fullmatch(slug), slug
    assert _SLUG.fullmatch(f"{slug}-{number}"), slug


# --- drafting -------------------------------------------------------------------------------

DRAFTING_FIELDS = [
    "consultation", "title", "profile", "body", "choice", "base_revision", "revision",
    "editing", "extra",
]  # fmt: skip
plausible_drafting = st.sampled_from(
    [
        "facial-recognition-framework",
        "home-office",
        "select-committee",
        "Agree",
        "Don't know",
        "A paragraph.\n\nAnother one.",
        "",
        True,
        False,
        0,
        1,
        2**31,
        -1,
    ]
) | st.integers(min_value=1, max_value=200)
drafting_objects = st.dictionaries(
    st.sampled_from(DRAFTING_FIELDS), json_values | plausible_drafting, max_size=5
)
drafting_bodies = st.one_of(
    drafting_objects.map(lambda v: (_json_bytes(v), "application/json")),
    drafting_objects.map(lambda v: (_json_bytes(v), "text/plain")),
    bodies,
)
# Ids as a client might put them in a path: real ones, missing ones, huge ones.
path_ids = st.one_of(
    st.integers(min_value=0, max_value=300),
    st.integers(min_value=2**31 - 2, max_value=2**70),
)


def _send(client, method: str, url: str, body, headers):
    data, content_type = body
    return client.open(
        url, method=method, data=data, content_type=content_type or None, headers=headers
    )


@pytest.fixture
def fuzz_draft(client, bearer, no_rate_limit, draft):
    """An editor's client and a response to throw junk at (the editor can write to it)."""
    return client, bearer("editor"), draft


@FUZZ
@given(body=drafting_bodies, slug=st.one_of(st.just("northtown-residents"), path_text))
def test_create_response_survives_junk(fuzz_draft, body, slug):
    client, headers, _draft = fuzz_draft

    response = _send(
        client, "POST", f"/api/v1/organisations/{quote(slug, safe='')}/responses", body, headers
    )

    _check(response, "/api/v1/organisations/{slug}/responses")


@FUZZ
@given(body=drafting_bodies, which=st.sampled_from(["summary", "scale_question", "open_question"]))
def test_save_section_survives_junk(fuzz_draft, body, which):
    client, headers, draft = fuzz_draft

    response = _send(client, "PUT", draft.section_url(getattr(draft, which)), body, headers)

    _check(response, "/api/v1/responses/{response_id}/sections/{section_id}", "put")


@FUZZ
@given(
    base=st.one_of(st.none(), st.integers(min_value=-5, max_value=60)),
    text=any_text,
    choice=st.one_of(st.none(), st.sampled_from(["Agree", "Disagree", "agree", ""]), any_text),
    which=st.sampled_from(["summary", "scale_question"]),
)
def test_well_formed_saves_with_any_text_never_fail(fuzz_draft, base, text, choice, which):
    """Plausible saves (any text, any base, any choice) are answered 200, 409 or 422."""
    client, headers, draft = fuzz_draft

    response = client.put(
        draft.section_url(getattr(draft, which)),
        json={"body": text, "base_revision": base, "choice": choice},
        headers=headers,
    )

    assert response.status_code in (200, 409, 422), response.get_data(as_text=True)[:300]
    _check(response, "/api/v1/responses/{response_id}/sections/{section_id}", "put")


@FUZZ
@given(body=drafting_bodies)
def test_restore_survives_junk(fuzz_draft, body):
    client, headers, draft = fuzz_draft

    response = _send(client, "POST", draft.section_url(draft.summary, "/restore"), body, headers)

    _check(response, "/api/v1/responses/{response_id}/sections/{section_id}/restore")


@FUZZ
@given(body=drafting_bodies)
def test_preview_survives_junk(fuzz_draft, body):
    client, headers, _draft = fuzz_draft

    response = _send(client, "POST", "/api/v1/preview", body, headers)

    _check(response, "/api/v1/preview")


@FUZZ
@given(body=drafting_bodies, method=st.sampled_from(["POST", "DELETE"]))
def test_presence_survives_junk(fuzz_draft, body, method):
    client, headers, draft = fuzz_draft

    response = _send(client, method, draft.section_url(draft.summary, "/presence"), body, headers)

    _check(
        response,
        "/api/v1/responses/{response_id}/sections/{section_id}/presence",
        method.lower(),
    )


@FUZZ
@given(
    response_id=path_ids,
    section_id=path_ids,
    tail=st.sampled_from(["", "/restore", "/presence"]),
    body=drafting_bodies,
)
def test_junk_ids_in_drafting_paths_are_404s(fuzz_draft, response_id, section_id, tail, body):
    client, headers, draft = fuzz_draft
    method = "PUT" if tail == "" else "POST"
    url = f"/api/v1/responses/{response_id}/sections/{section_id}{tail}"

    response = _send(client, method, url, body, headers)

    assert response.status_code < 500
    if response.status_code >= 400:
        assert_error(response, response.status_code)
    if (response_id, section_id) != (draft.response_id, draft.summary):
        assert response.status_code in (404, 413), response.status_code


@pytest.fixture
def fuzz_history(fuzz_draft):
    """Two revisions of the summary, so junk can also be aimed at real ones."""
    from tests.api.drafting_support import save

    client, headers, draft = fuzz_draft
    first = save(client, headers, draft, draft.summary, "First.")["head_revision"]
    second = save(client, headers, draft, draft.summary, "Second.", first)["head_revision"]
    return client, headers, [first, second]


@FUZZ
@given(data=st.data(), against=st.one_of(st.none(), path_text, path_ids.map(str)))
def test_junk_diff_requests_are_never_500(fuzz_history, data, against):
    client, headers, real_ids = fuzz_history
    revision_id = data.draw(st.sampled_from(real_ids) | path_ids, label="revision_id")
    if data.draw(st.booleans(), label="against a real revision"):
        against = str(data.draw(st.sampled_from(real_ids)))
    query = "" if against is None else f"?against={quote(against, safe='')}"

    response = client.get(f"/api/v1/revisions/{revision_id}/diff{query}", headers=headers)

    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert_error(response, response.status_code)
    if response.status_code in (200, 404, 422):
        assert_documented(response, "/api/v1/revisions/{revision_id}/diff", "get")
