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
    return hashlib.blake2b(value.encode(), key=secret, digest_size=16).hexdigest()


def _hashed_key(key_func: Callable[[], str]) -> Callable[[], str]:
    """A rate-limit key function whose keys are keyed hashes of what `key_func` returns."""

    def key() -> str:
        return hashed_key(key_func())

    return key


class HashedKeyLimiter(Limiter):
    """Flask-Limiter, but the client addresses and e-mail addresses that rate limits are
    counted by reach its storage (memory, or Redis shared by instances) only as keyed hashes,
    and stay there only for the limit's window (UK GDPR: minimisation)."""

    def limit(self, limit_value, *, key_func: Callable[[], str] | None = None, **options):
        return super().limit(limit_value, key_func=_hashed_key(key_func or client_ip), **options)

    def shared_limit(self, limit_value, scope, *, key_func=None, **options):
        hashed = _hashed_key(key_func or client_ip)
        return super().shared_limit(limit_value, scope, key_func=hashed, **options)


limiter = HashedKeyLimiter(key_func=_hashed_key(client_ip), default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Enforce foreign keys and let readers and a writer work at once on SQLite."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
