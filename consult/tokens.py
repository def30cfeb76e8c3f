"""Random secrets for links, sessions and API tokens. Only their SHA-256 is ever stored:
they carry 256 bits of entropy, so a fast hash is enough and lookups stay indexed."""

from __future__ import annotations

import hashlib
import secrets


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token(prefix: str = "") -> tuple[str, str]:
    """A fresh URL-safe secret and its hash."""
    token = prefix + secrets.token_urlsafe(32)
    return token, hash_token(token)
