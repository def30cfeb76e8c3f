"""One settings object built from environment variables (see API.md, "Configuration").

Development gets safe, working defaults; production refuses to start with a default secret
key, debug on or an ephemeral database, because a misconfigured instance leaks signer data.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")


class UnsafeConfiguration(RuntimeError):
    """Raised when production settings would put users' data at risk."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance_path: Path) -> str:
    """Keep one generated key under instance/ so sessions survive restarts in development."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def build_config(instance_path: str, environ: dict[str, str] | None = None) -> dict:
    """Return Flask config values for the environment named by CONSULT_ENV."""
    env = dict(os.environ if environ is None else environ)
    consult_env = env.get("CONSULT_ENV", "development").strip() or "development"
    if consult_env not in ENVIRONMENTS:
        raise UnsafeConfiguration(
            f"CONSULT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {consult_env!r}"
        )
    production = consult_env == "production"
    instance = Path(instance_path)

    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        if production:
            raise UnsafeConfiguration("SECRET_KEY must be set in production.")
        secret_key = _dev_secret_key(instance)
    elif production and (len(secret_key) < 32 or secret_key in {"dev", "change-me", "secret"}):
        raise UnsafeConfiguration("SECRET_KEY is too short or a known default.")

    database_url = env.get("DATABASE_URL", "") or f"sqlite:///{instance / 'consult.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    if production and _flag(env.get("FLASK_DEBUG")):
        raise UnsafeConfiguration("Debug mode must be off in production.")

    redis_url = env.get("REDIS_URL", "") or None
    mail_server = env.get("MAIL_SERVER", "") or None

    config = {
        "CONSULT_ENV": consult_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": int(env.get("MAIL_PORT", "587") or 587),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), default=True),
        "MAIL_FROM": env.get("MAIL_FROM") or "Consult <no-reply@consult.invalid>",
        "TRUSTED_PROXY_COUNT": int(env.get("TRUSTED_PROXY_COUNT", "0") or 0),
        "SERVER_NAME": env.get("SERVER_NAME") or None,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Sessions: the cookie carries only a random session id checked against the database,
        # so logging out elsewhere, password changes and timeouts take effect at once.
        "SESSION_COOKIE_NAME": "__Host-consult" if production else "consult_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env.get("SESSION_ABSOLUTE_HOURS", "72"))),
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "480")),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": production,
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "HSTS": production,
        "SHOW_DEV_OUTBOX": consult_env == "development",
        "TESTING": consult_env == "test",
    }
    return config
