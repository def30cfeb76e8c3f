"""Junk thrown at every POST endpoint with a valid bearer token: the answer is never a 500,
and every error has the API's shape (and fits the documented schema)."""

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


def _check(response, documented_path: str) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert_error(response, response.status_code)
    assert_documented(response, documented_path, "post")


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
    header=st.text(alphabet=st.characters(exclude_characters="\r\n"), max_size=300)
    | st.text(max_size=200).map(
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
    from consult.api.views import _SLUG
    from consult.organisations.services import slugify

    slug = slugify(name)

    assert _SLUG.fullmatch(slug), slug
    assert _SLUG.fullmatch(f"{slug}-{number}"), slug
