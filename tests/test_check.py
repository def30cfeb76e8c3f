"""`flask --app wsgi check`: an unsafe production configuration is refused with a list of
problems (exit 1); a safe one prints OK. Production start-up refuses the worst of them."""

from __future__ import annotations

import pytest

from consult import ops
from consult.config import UnsafeConfiguration, build_config

SAFE = {
    "CONSULT_ENV": "production",
    "SESSION_COOKIE_SECURE": True,
    "MAIL_SERVER": "smtp.example.org",
    "MAIL_FROM": "Consult <consult@example.org>",
    "SECRET_KEY": "k" * 48,
    "PUBLIC_URL": "https://consult.example.org",
}


@pytest.fixture
def production(app, monkeypatch):
    """The test app, configured as a safe production instance; tests then break one thing."""
    for name, value in SAFE.items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    return app


def _check(app, *args: str):
    return app.test_cli_runner().invoke(args=["check", *args])


def test_a_safe_production_configuration_is_ok(production):
    result = _check(production)
    if production.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert "warning: SQLite in production" in result.stdout
    assert result.exit_code == 0, result.stderr
    assert "OK" in result.stdout


@pytest.mark.parametrize(
    ("setting", "value", "problem"),
    [
        ("SECRET_KEY", "short", "SECRET_KEY is too short"),
        ("SECRET_KEY", "change-me", "SECRET_KEY is too short or a known default"),
        ("CONSULT_ENV", "development", "CONSULT_ENV is 'development'"),
        ("SESSION_COOKIE_SECURE", False, "without HTTPS"),
        ("MAIL_SERVER", None, "MAIL_SERVER is not set"),
        ("MAIL_FROM", "Consult <no-reply@consult.invalid>", "MAIL_FROM is the placeholder"),
        ("PUBLIC_URL", "http://127.0.0.1:5000", "it must start with https://"),
        ("PUBLIC_URL", "https://localhost", "would link to their own computer"),
    ],
)
def test_each_unsafe_setting_is_refused_and_named(production, monkeypatch, setting, value, problem):
    monkeypatch.setitem(production.config, setting, value)

    result = _check(production)

    assert result.exit_code == 1
    assert problem in result.stderr
    assert "OK" not in result.stdout


def test_debug_mode_is_refused(production, monkeypatch):
    monkeypatch.setattr(production, "debug", True)

    result = _check(production)

    assert result.exit_code == 1 and "Debug mode must be off" in result.stderr


def test_several_instances_need_redis_for_shared_rate_limits(production, monkeypatch):
    monkeypatch.setitem(production.config, "REDIS_URL", None)
    assert _check(production, "--instances", "1").exit_code == 0

    result = _check(production, "--instances", "2")
    assert result.exit_code == 1 and "without REDIS_URL" in result.stderr

    monkeypatch.setitem(production.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    assert _check(production, "--instances", "2").exit_code == 0


def test_several_workers_need_redis_for_live_editing(production, monkeypatch):
    monkeypatch.setitem(production.config, "REDIS_URL", None)
    assert _check(production, "--workers", "1").exit_code == 0

    result = _check(production, "--workers", "3")
    assert result.exit_code == 1 and "live editors served by different processes" in result.stderr

    monkeypatch.setitem(production.config, "LIVE_EDITING", False)
    assert _check(production, "--workers", "3").exit_code == 0


def test_sqlite_with_several_workers_is_a_warning(production, monkeypatch):
    monkeypatch.setitem(production.config, "SQLALCHEMY_DATABASE_URI", "sqlite:////tmp/x.db")
    monkeypatch.setenv("WEB_CONCURRENCY", "4")

    result = _check(production)

    assert "With 4 workers" in result.stdout


def test_all_problems_are_listed_at_once(production, monkeypatch):
    monkeypatch.setitem(production.config, "SESSION_COOKIE_SECURE", False)
    monkeypatch.setitem(production.config, "MAIL_SERVER", None)

    result = _check(production)

    assert result.stderr.count("\n  - ") >= 2


def test_a_schema_behind_the_code_is_a_problem(production, monkeypatch):
    monkeypatch.setattr(ops.ScriptDirectory, "get_heads", lambda _self: ["0123456789ab"])

    result = _check(production)

    assert result.exit_code == 1 and "db upgrade" in result.stderr


SAFE_START = {"SECRET_KEY": "k" * 48, "PUBLIC_URL": "https://consult.example.org/"}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "dev"}, "too short or a known default"),
        ({"SECRET_KEY": "k" * 48, "FLASK_DEBUG": "1"}, "Debug mode must be off"),
        ({"SECRET_KEY": "k" * 48}, "PUBLIC_URL must be set in production"),
        ({"SECRET_KEY": "k" * 48, "PUBLIC_URL": "http://consult.example.org"}, "https://"),
        ({"SECRET_KEY": "k" * 48, "PUBLIC_URL": "consult.example.org"}, "must look like https"),
        (
            {**SAFE_START, "PUBLIC_URL": "https://consult.example.org?next=x"},
            "no user name, password, query",
        ),
        ({**SAFE_START, "SIGNER_RETENTION_DAYS": "soon"}, "SIGNER_RETENTION_DAYS"),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_configuration(tmp_path, environ, message):
    with pytest.raises(UnsafeConfiguration, match=message):
        build_config(str(tmp_path), {"CONSULT_ENV": "production", **environ})


def test_the_privacy_notice_placeholders_are_a_warning_until_set(production, monkeypatch):
    placeholders = _check(production)

    assert "PRIVACY_CONTROLLER" in placeholders.stdout
    assert "PRIVACY_CONTACT_EMAIL" in placeholders.stdout

    monkeypatch.setitem(production.config, "PRIVACY_CONTROLLER", "Northfield Trust")
    monkeypatch.setitem(production.config, "PRIVACY_CONTACT_EMAIL", "privacy@northfield.example")
    named = _check(production)

    assert "PRIVACY_" not in named.stdout
    assert named.exit_code == 0, named.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PRIVACY_CONTACT_EMAIL", "not an address", "PRIVACY_CONTACT_EMAIL must be an e-mail"),
        ("PRIVACY_CONTROLLER", "x" * 201, "PRIVACY_CONTROLLER must be at most 200 characters"),
    ],
)
def test_nonsense_privacy_contact_settings_are_refused(tmp_path, name, value, message):
    with pytest.raises(UnsafeConfiguration, match=message):
        build_config(str(tmp_path), {"CONSULT_ENV": "development", name: value})


def test_privacy_contact_settings_are_read_from_the_environment(tmp_path):
    config = build_config(
        str(tmp_path),
        {
            "CONSULT_ENV": "development",
            "PRIVACY_CONTROLLER": "  Northfield   Trust ",
            "PRIVACY_CONTACT_EMAIL": "privacy@northfield.example",
            "PRIVACY_POSTAL_ADDRESS": "1 Mill Lane, Leeds",
            "PRIVACY_ICO_REGISTRATION": "ZB123456",
        },
    )

    assert config["PRIVACY_CONTROLLER"] == "Northfield Trust"
    assert config["PRIVACY_CONTACT_EMAIL"] == "privacy@northfield.example"
    assert config["PRIVACY_POSTAL_ADDRESS"] == "1 Mill Lane, Leeds"
    assert config["PRIVACY_ICO_REGISTRATION"] == "ZB123456"


def test_production_starts_with_a_key_and_a_public_url(tmp_path):
    config = build_config(str(tmp_path), {"CONSULT_ENV": "production", **SAFE_START})
    assert config["PUBLIC_URL"] == "https://consult.example.org"


def test_development_links_default_to_this_machine(tmp_path):
    assert build_config(str(tmp_path), {})["PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert build_config(str(tmp_path), {"PORT": "8080"})["PUBLIC_URL"] == "http://127.0.0.1:8080"
    with pytest.raises(UnsafeConfiguration, match="PUBLIC_URL"):
        build_config(str(tmp_path), {"PUBLIC_URL": "javascript:alert(1)"})
