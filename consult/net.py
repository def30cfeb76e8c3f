"""Who is asking: the client address, trusting X-Forwarded-For only behind known proxies."""

from __future__ import annotations

import hashlib

from flask import current_app, request


def client_ip() -> str:
    """The client's IP address. ProxyFix (set from TRUSTED_PROXY_COUNT) has already rewritten
    remote_addr when proxies are trusted; otherwise X-Forwarded-For is ignored."""
    return request.remote_addr or "unknown"


def hashed_client_ip() -> str:
    """A keyed hash of the client IP, so logs can correlate abuse without keeping addresses."""
    key = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2b(client_ip().encode(), key=key[:64], digest_size=16).hexdigest()
