"""One settings object built from environment variables (see API.md, "Configuration").

Development gets safe, working defaults; production refuses to start with a default secret
key, debug on or an ephemeral database, because a misconfigured instance leaks signer data.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


KNOWN_DEFAULT_SECRETS = frozenset({"dev", "change-me", "secret"})
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _public_url_problem(value: str) -> str | None:
    """What is wrong with a PUBLIC_URL in any environment: it must be an http(s) address
    with a host and nothing a link could not start with."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  # raises ValueError for a port that is no number
    except ValueError:
        return f"PUBLIC_URL {value!r} is not an address."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"PUBLIC_URL must look like https://consult.example.org, not {value!r}."
    if parts.username or parts.password or parts.query or parts.fragment:
        return "PUBLIC_URL must hold no user name, password, query or fragment."
    return None


def public_url_problems(value: str | None) -> list[str]:
    """Why a PUBLIC_URL is not fit for production: every e-mailed link is built from it."""
    if not value:
        return [
            "PUBLIC_URL must be set in production (e.g. https://consult.example.org): e-mailed "
            "links are built from it, never from the Host header a client sends."
        ]
    problem = _public_url_problem(value)
    if problem:
        return [problem]
    parts = urlsplit(value)
    if parts.scheme != "https":
        return [f"PUBLIC_URL is {value!r}: in production it must start with https://."]
    if parts.hostname in LOOPBACK_HOSTS:
        return [f"PUBLIC_URL is {value!r}: people's e-mails would link to their own computer."]
    return []


# Who the privacy notice names until the instance's operator says who they are: fine for
# development and tests; `flask --app wsgi check` warns about them in production.
PLACEHOLDER_CONTROLLER = "Consult development instance"
PLACEHOLDER_PRIVACY_EMAIL = "privacy@consult.invalid"


def production_problems(env: dict[str, str]) -> list[str]:
    """What would make a production instance unsafe, from the environment alone. Used at
    start-up (production refuses to start) and by `flask --app wsgi check`."""
    problems = []
    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        problems.append("SECRET_KEY must be set in production.")
    elif len(secret_key) < 32 or secret_key in KNOWN_DEFAULT_SECRETS:
        problems.append("SECRET_KEY is too short or a known default.")
    if _flag(env.get("FLASK_DEBUG")):
        problems.append("Debug mode must be off in production.")
    problems += public_url_problems((env.get("PUBLIC_URL") or "").strip())
    return problems


def _public_url(env: dict[str, str]) -> str:
    """The public address links are built from: PUBLIC_URL, or this machine's address for
    development (the port `make run` serves on)."""
    value = (env.get("PUBLIC_URL") or "").strip().rstrip("/")
    if not value:
        port = (env.get("PORT") or "").strip() or "5000"
        return f"http://127.0.0.1:{port}"
    problem = _public_url_problem(value)
    if problem:
        raise UnsafeConfiguration(problem)
    return value


def _days(env: dict[str, str], name: str, default: int) -> int:
    """A number of days from the environment, refusing nonsense rather than guessing."""
    value = (env.get(name) or "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise UnsafeConfiguration(f"{name} must be a whole number of days (1 or more).")
    return int(value)


def _hour(env: dict[str, str], name: str, default: int) -> int:
    """An hour of the day (0 to 23) from the environment."""
    value = (env.get(name) or "").strip() or str(default)
    if not value.isdigit() or int(value) > 23:
        raise UnsafeConfiguration(f"{name} must be an hour of the day, from 0 to 23.")
    return int(value)


def _zone(env: dict[str, str], name: str, default: str) -> str:
    """An IANA time zone name (Europe/London) from the environment, checked to exist."""
    value = (env.get(name) or "").strip() or default
    try:
        ZoneInfo(value)
    except (ValueError, ZoneInfoNotFoundError):
        raise UnsafeConfiguration(
            f"{name} must name a time zone such as Europe/London, not {value!r}."
        ) from None
    return value


def _short_text(env: dict[str, str], name: str, max_length: int) -> str | None:
    """A line of text shown to people (the privacy notice's contact details)."""
    value = " ".join((env.get(name) or "").split())
    if len(value) > max_length:
        raise UnsafeConfiguration(f"{name} must be at most {max_length} characters.")
    return value or None


def _live_document_bytes(env: dict[str, str], message_bytes: int) -> int:
    """The most bytes a live document may take (consult/live/guard.py): by default 4 MiB,
    some twenty times the longest section (MAX_BODY_LENGTH, 200,000 characters) and five
    times it all in 4-byte characters; never less than one message may carry, or the
    largest message allowed would be refused on arrival."""
    value = (env.get("LIVE_MAX_DOCUMENT_BYTES") or "").strip() or str(4 * 1024 * 1024)
    if not value.isdigit() or int(value) < message_bytes:
        raise UnsafeConfiguration(
            "LIVE_MAX_DOCUMENT_BYTES must be a whole number of bytes, at least "
            f"LIVE_MAX_MESSAGE_BYTES ({message_bytes})."
        )
    return int(value)


def _privacy_email(env: dict[str, str]) -> str:
    value = _short_text(env, "PRIVACY_CONTACT_EMAIL", 254) or PLACEHOLDER_PRIVACY_EMAIL
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value:
        raise UnsafeConfiguration("PRIVACY_CONTACT_EMAIL must be an e-mail address.")
    return value


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

    problems = production_problems(env) if production else []
    if problems:
        raise UnsafeConfiguration(" ".join(problems))
    secret_key = env.get("SECRET_KEY", "") or _dev_secret_key(instance)
    live_message_bytes = int(env.get("LIVE_MAX_MESSAGE_BYTES", str(1024 * 1024)))

    database_url = env.get("DATABASE_URL", "") or f"sqlite:///{instance / 'consult.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    redis_url = env.get("REDIS_URL", "") or None
    mail_server = env.get("MAIL_SERVER", "") or None

    config = {
        "CONSULT_ENV": consult_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # hide_parameters: a failed statement's message never carries its values (signers'
        # names and addresses, e-mail bodies with links) into logs and error reports.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "REDIS_URL": redis_url,
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": int(env.get("MAIL_PORT", "587") or 587),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), default=True),
        "MAIL_FROM": env.get("MAIL_FROM") or "Consult <no-reply@consult.invalid>",
        "TRUSTED_PROXY_COUNT": int(env.get("TRUSTED_PROXY_COUNT", "0") or 0),
        "SERVER_NAME": env.get("SERVER_NAME") or None,
        # Every absolute link (e-mails, exports, links to copy) starts with this
        # (consult/links.py); required in production.
        "PUBLIC_URL": _public_url(env),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Sessions: the cookie carries only a random session id checked against the database,
        # so logging out elsewhere, password changes and timeouts take effect at once.
        "SESSION_COOKIE_NAME": "__Host-consult" if production else "consult_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # The cookie's expiry is set at log-in (PERMANENT_SESSION_LIFETIME, the same absolute
        # limit the database enforces), not re-signed and re-sent on every response.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env.get("SESSION_ABSOLUTE_HOURS", "72"))),
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "480")),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        # A bill's print may be larger: the import pages alone accept this much
        # (consult/bills/views/imports.py), and what they read waits here to be checked.
        "BILL_UPLOAD_MAX_BYTES": int(env.get("BILL_UPLOAD_MAX_BYTES", str(25 * 1024 * 1024))),
        "BILL_IMPORT_DIR": env.get("BILL_IMPORT_DIR") or str(instance / "bill-imports"),
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": production,
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # No X-RateLimit-* headers: Flask-Limiter reads them back from its storage on every
        # request (two Redis round trips); a 429 carries Retry-After (consult/errors.py).
        "RATELIMIT_HEADERS_ENABLED": False,
        "HSTS": production,
        "SHOW_DEV_OUTBOX": consult_env == "development",
        "TESTING": consult_env == "test",
        # Public signing form (consult/signing/robots.py): a submission sent sooner than this
        # many seconds after the form was drawn may be a robot's: nothing is recorded, and
        # the form comes back asking the person to confirm once more.
        "SIGNING_MIN_FILL_SECONDS": float(env.get("SIGNING_MIN_FILL_SECONDS", "3") or 3),
        # Retention (consult/privacy/retention.py, `flask --app wsgi retention run`): days
        # each kind of personal data is kept. Signers: after both the version's signing and the
        # consultation closed; invitations: after the link expired; the others: after made.
        "SIGNER_RETENTION_DAYS": _days(env, "SIGNER_RETENTION_DAYS", 365),
        "INVITATION_RETENTION_DAYS": _days(env, "INVITATION_RETENTION_DAYS", 30),
        "EXPORT_RETENTION_DAYS": _days(env, "EXPORT_RETENTION_DAYS", 30),
        "OUTBOX_RETENTION_DAYS": _days(env, "OUTBOX_RETENTION_DAYS", 30),
        "NOTIFICATION_RETENTION_DAYS": _days(env, "NOTIFICATION_RETENTION_DAYS", 90),
        "IP_HASH_RETENTION_DAYS": _days(env, "IP_HASH_RETENTION_DAYS", 30),
        "AUDIT_RETENTION_DAYS": _days(env, "AUDIT_RETENTION_DAYS", 365),
        # Notifications (consult/notifications, `flask --app wsgi notifications send-due`): the
        # daily digest goes out once a day, at the first run of send-due at or after this
        # hour (local time in NOTIFICATION_DIGEST_TIMEZONE, summer time included).
        "NOTIFICATION_DIGEST_HOUR": _hour(env, "NOTIFICATION_DIGEST_HOUR", 8),
        "NOTIFICATION_DIGEST_TIMEZONE": _zone(env, "NOTIFICATION_DIGEST_TIMEZONE", "Europe/London"),
        # The privacy notice (/privacy) names the controller of account data and how to reach
        # them (UK GDPR Art. 13(1)(a)): a name, an e-mail address, optionally a postal address
        # and the controller's registration number with the Information Commissioner's Office.
        "PRIVACY_CONTROLLER": _short_text(env, "PRIVACY_CONTROLLER", 200) or PLACEHOLDER_CONTROLLER,
        "PRIVACY_CONTACT_EMAIL": _privacy_email(env),
        "PRIVACY_POSTAL_ADDRESS": _short_text(env, "PRIVACY_POSTAL_ADDRESS", 300),
        "PRIVACY_ICO_REGISTRATION": _short_text(env, "PRIVACY_ICO_REGISTRATION", 20),
        # Redis down: rate limits fall back to per-process memory instead of failing requests
        # (logged; SECURITY.md, promise 6, says why), and errors are never swallowed: a limit
        # is counted somewhere or the request fails, it is never skipped (no failing open).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": False,
        # Exports (consult/exports/jobs.py): how jobs run - "thread" (a small pool in the app
        # process), "rq" (RQ workers, `flask --app wsgi worker`; the default with REDIS_URL) or
        # "sync" (in the request; the test default). A job running longer is marked failed.
        "EXPORT_JOBS": env.get("EXPORT_JOBS")
        or ("sync" if consult_env == "test" else "rq" if redis_url else "thread"),
        "EXPORT_THREADS": int(env.get("EXPORT_THREADS", "2") or 2),
        "EXPORT_JOB_TIMEOUT": int(env.get("EXPORT_JOB_TIMEOUT", "900") or 900),
        "EXPORT_QUEUE": env.get("EXPORT_QUEUE") or "consult-exports",
        # PDF exports (consult/exports/pdf.py): rendered bodies (everything but the signatories
        # annex) are cached here, so a re-export after new signatures takes a second. Shared
        # safely by concurrent workers; point several machines' workers at shared storage.
        "EXPORT_PDF_CACHE_DIR": env.get("EXPORT_PDF_CACHE_DIR") or str(instance / "cache" / "pdf"),
        # Two-factor authentication (consult/accounts/two_factor.py): owners without it are
        # sent to set it up first when this is on. TWO_FACTOR_KEY encrypts the stored TOTP
        # secrets (default: derived from SECRET_KEY). Changing it makes every app's codes stop
        # working; recovery codes still work, to switch two-factor off and set it up again.
        "REQUIRE_TWO_FACTOR_FOR_OWNERS": _flag(env.get("REQUIRE_TWO_FACTOR_FOR_OWNERS")),
        "TWO_FACTOR_KEY": env.get("TWO_FACTOR_KEY") or None,
        # Live co-editing (consult/live, README "Live editing"): switched on by default.
        # A person's burst of edits becomes a revision after this many quiet seconds, or
        # when it has run LIVE_LONGEST_BURST_SECONDS; the shared document is stored at most
        # every LIVE_STORE_SECONDS; rights are checked again every LIVE_RECHECK_SECONDS.
        "LIVE_EDITING": _flag(env.get("LIVE_EDITING"), default=True),
        "LIVE_PAUSE_SECONDS": float(env.get("LIVE_PAUSE_SECONDS", "5") or 5),
        "LIVE_LONGEST_BURST_SECONDS": float(env.get("LIVE_LONGEST_BURST_SECONDS", "120") or 120),
        "LIVE_STORE_SECONDS": float(env.get("LIVE_STORE_SECONDS", "1") or 1),
        "LIVE_RECHECK_SECONDS": float(env.get("LIVE_RECHECK_SECONDS", "5") or 5),
        "LIVE_TICK_SECONDS": 0.25,
        # Limits a connection: one message's size, messages a second (and a burst), messages
        # waiting to be sent to a slow connection before it is told to reconnect.
        "LIVE_MAX_MESSAGE_BYTES": live_message_bytes,
        # The most a section's live document may grow to: updates that would take it
        # further are refused (consult/live/guard.py).
        "LIVE_MAX_DOCUMENT_BYTES": _live_document_bytes(env, live_message_bytes),
        "LIVE_MESSAGES_PER_SECOND": float(env.get("LIVE_MESSAGES_PER_SECOND", "60") or 60),
        "LIVE_MESSAGE_BURST": float(env.get("LIVE_MESSAGE_BURST", "300") or 300),
        "LIVE_SEND_QUEUE": 2000,
        # A room's updates wait at most this long to go out together (consult/live/outbox.py)
        "LIVE_SEND_WINDOW_SECONDS": float(env.get("LIVE_SEND_WINDOW_SECONDS", "0.02") or 0.02),
        "LIVE_PING_SECONDS": 25,
    }
    return config
