"""Absolute links (in e-mails, exports' QR codes and verify links, pages that show a link to
copy) are built from the configured public address, PUBLIC_URL, never from the request.

The request's Host and X-Forwarded-Host headers are whatever the client sent: building an
e-mailed link from them lets anyone who asks for a password reset for someone else's address
choose where the link in the victim's inbox points (and so receive the token). PUBLIC_URL is
required in production (consult/config.py refuses to start without it) and defaults to the
local address in development.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of `endpoint` at the instance's public address (PUBLIC_URL), the same
    in a request, a background job or a command-line command, whatever the request's Host."""
    return public_urls()(endpoint, **values)


def public_urls() -> Callable[..., str]:
    """public_url for many links at once (digests to thousands of people): the public address
    is bound to the URL map once, not for each link."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    base = urlsplit(app.config["PUBLIC_URL"])
    adapter = app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )

    def build(endpoint: str, **values: Any) -> str:
        anchor = values.pop("_anchor", None)
        app.inject_url_defaults(endpoint, values)
        url = adapter.build(endpoint, values, force_external=True)
        if anchor is not None:
            url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
        return url

    return build
