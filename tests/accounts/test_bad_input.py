"""Bad input gets a clear answer, never a 500: control characters, huge fields, bytes that are
not UTF-8, and a small fuzz of the sign-up and log-in forms."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.accounts.models import User
from consult.extensions import db, limiter
from tests import factories
from tests.accounts.conftest import assert_inline_error, log_in, logged_in_client, sign_up

MEGABYTE = 1024 * 1024
FORM = "application/x-www-form-urlencoded"


def _user_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User))


@pytest.mark.parametrize(
    "name",
    ["Nul\x00Byte", "Bell\x07", "Escape\x1b[2J", "Back\x08space", "Form\x0cfeed"],
)
def test_sign_up_refuses_control_characters_in_the_name(client, name):
    response = sign_up(client, "controls@example.org", name=name)
    assert response.status_code in (200, 422)
    assert_inline_error(
        response.text, "name", "Remove the invisible control characters from this field."
    )
    assert _user_count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"email": "nul\x00@example.org", "password": factories.PASSWORD},
        {"email": "someone@example.org", "password": "pass\x00word and more"},
        {"email": "\x00", "password": "\x00"},
    ],
)
def test_login_with_nul_bytes_is_a_plain_failure(client, db, data):
    response = client.post("/login", data=data)
    assert response.status_code == 200
    assert "There is a problem" in response.text


@pytest.mark.parametrize("field", ["name", "email", "password"])
def test_megabyte_sign_up_fields_get_a_form_error_not_a_crash(client, field):
    data = {"name": "Big Input", "email": "big@example.org", "password": factories.PASSWORD}
    data[field] = "x" * MEGABYTE
    response = client.post("/signup", data=data)
    assert response.status_code in (200, 413, 422)
    if response.status_code != 413:
        assert "There is a problem" in response.text
    assert _user_count() == 0


def test_megabyte_login_fields_get_a_form_error_not_a_crash(client, db):
    response = client.post("/login", data={"email": "a" * MEGABYTE, "password": "b" * MEGABYTE})
    assert response.status_code in (200, 413, 422)


def test_body_over_the_size_limit_is_413_with_a_friendly_page(client):
    response = client.post(
        "/signup", data={"name": "n" * (3 * MEGABYTE), "email": "a@example.org", "password": "x"}
    )
    assert response.status_code == 413
    assert "That was too large" in response.text


def test_an_oversized_form_does_not_knock_the_rate_limiter_onto_its_fallback(client):
    """Reading the e-mail address of a too-large form raised inside the limiter's key, which
    Flask-Limiter takes for its storage being down: from then on it counted in memory, per
    process, instead of in the storage shared by every instance."""
    client.post("/signup", data={"name": "n" * (3 * MEGABYTE), "email": "a@example.org"})
    assert limiter._storage_dead is False  # Flask-Limiter's own flag for "storage is down"


def test_megabyte_fields_on_the_account_page_are_refused(make_client, db):
    user = factories.make_user()
    browser = logged_in_client(make_client, user)
    for path, data in [
        ("/account/profile", {"name": "n" * MEGABYTE}),
        ("/account/tokens", {"name": "t" * MEGABYTE}),
        ("/account/password", {"current_password": "c" * MEGABYTE, "password": "p" * MEGABYTE}),
        ("/account/email", {"email": "e" * MEGABYTE, "current_password": "c"}),
    ]:
        response = browser.post(path, data=data)
        assert response.status_code in (413, 422), path
    assert db.session.get(User, user.id).name == user.name


@pytest.mark.parametrize(
    "body",
    [
        b"name=Caf\xe9&email=cafe%40example.org&password=correct+horse+battery",
        b"name=%ff%fe&email=%ff%40example.org&password=%c3%28%a0%a1password",
        b"name=\xff\xfe\xfd&email=\xc0\xaf@example.org&password=\xed\xa0\x80\xed\xb0\x80xxxxxxxx",
    ],
)
def test_non_utf8_form_bytes_never_cause_a_500(client, body):
    response = client.post("/signup", data=body, content_type=FORM)
    assert response.status_code in (200, 302, 400, 422)
    login = client.post("/login", data=body.replace(b"name=", b"x="), content_type=FORM)
    assert login.status_code in (200, 400, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/confirm/%ff%fe",
        "/confirm/%00",
        "/password/reset/%c0%af",
        "/account/email/confirm/%ed%a0%80",
        "/confirm/" + "a" * 5000,
    ],
)
def test_odd_link_tokens_are_just_invalid_links(client, path):
    assert client.get(path).status_code in (200, 302, 404)
    response = client.post(path, data={"password": "x" * 12, "confirm": "x" * 12})
    assert response.status_code in (302, 404)


def test_odd_bearer_tokens_are_just_401(client, db):
    for token in ["cst_\x7f\x00", "cst_" + "a" * 10000, "cst_é☃"]:
        response = client.get(
            "/api/v1/me", headers={"Authorization": "Bearer " + token.encode().decode("latin-1")}
        )
        assert response.status_code == 401


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # lone surrogates cannot be sent
    max_size=300,
)
_fuzz = settings(
    max_examples=50,
    deadline=None,
    database=None,  # nothing written to .hypothesis/ in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_fuzz
@given(name=_text, email=_text | st.emails(), password=_text)
def test_fuzzed_sign_up_never_fails_on_our_side(make_client, name, email, password):
    limiter.reset()
    response = sign_up(make_client(), email, name=name, password=password)
    assert response.status_code in (200, 302, 422), response.status_code
    if response.status_code == 302:
        created = db.session.scalar(db.select(User).order_by(User.id.desc()))
        assert created.name == created.name.strip() and created.name
        assert len(created.name) <= 120 and len(created.email) <= 254


@_fuzz
@given(email=_text | st.emails(), password=_text)
def test_fuzzed_login_never_fails_on_our_side_nor_logs_in(make_client, db, email, password):
    limiter.reset()
    response = log_in(make_client(), email, password)
    assert response.status_code == 200, response.status_code
