"""Flask extensions, created unbound and wired to the app in create_app()."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable

from flask import current_app
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from consult.net import client_ip

# Named constraints so that Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()


def hashed_key(value: str) -> str:
    """The keyed hash under which a rate-limit key is stored."""
    secret = current_app.config["SECRET_KEY"].encode()[:64]
    # "surrogatepass": JSON may spell a lone surrogate ("\udfff"), which UTF-8 cannot hold.
    data = value.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, key=secret, digest_size=16).hexdigest()


def safe_hashed_key(key_func: Callable[[], str]) -> Callable[[], str]:
    """A rate-limit key function whose keys are keyed hashes of what `key_func` returns, and
    which never raises: should `key_func` fail, the request is counted under its client
    address instead (and the failure logged)."""

    def key() -> str:
        try:
            value = key_func()
        except Exception:
            current_app.logger.exception("Rate-limit key function failed; keyed by address")
            value = "unkeyed:" + client_ip()
        return hashed_key(value)

    return key


def _never_raises(exempt_when: Callable[[], bool]) -> Callable[[], bool]:
    """An exemption test that, should it fail, exempts nothing: the limit applies."""

    def exempt() -> bool:
        try:
            return bool(exempt_when())
        except Exception:
            current_app.logger.exception("Rate-limit exemption test failed; limit applied")
            return False

    return exempt


class HashedKeyLimiter(Limiter):
    """Flask-Limiter, but the client addresses and e-mail addresses that rate limits are
    counted by reach its storage (memory, or Redis shared by instances) only as keyed hashes,
    and stay there only for the limit's window (UK GDPR: minimisation).

    Neither its key functions nor its exemption tests can raise. Flask-Limiter takes any
    exception while checking a limit for its storage failing: it would switch this process
    to counting in its own memory (and answer that request with a 500), so one malformed
    request could loosen every limit (issue 12). Only a real storage failure does that now;
    see SECURITY.md, "Rate limits when Redis is down"."""

    def limit(self, limit_value, *, key_func: Callable[[], str] | None = None, **options):
        return super().limit(
            limit_value, key_func=safe_hashed_key(key_func or client_ip), **_safe(options)
        )

    def shared_limit(self, limit_value, scope, *, key_func=None, **options):
        hashed = safe_hashed_key(key_func or client_ip)
        return super().shared_limit(limit_value, scope, key_func=hashed, **_safe(options))


def _safe(options: dict) -> dict:
    if options.get("exempt_when") is not None:
        options = {**options, "exempt_when": _never_raises(options["exempt_when"])}
    return options


limiter = HashedKeyLimiter(key_func=safe_hashed_key(client_ip), default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Enforce foreign keys and let readers and a writer work at once on SQLite."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
