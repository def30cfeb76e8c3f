"""Live editing (API.md, "Live editing"): a section's shared document over a WebSocket, for
the editor page and for scripts with a token. The checks run before the upgrade, as for any
API call: the caller (deny by default), the section (404 for outsiders), the origin of a
browser's request (its cookie would otherwise let any site's page join), then the upgrade."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, session

from consult.api.auth import current_caller
from consult.api.loaders import NOT_VISIBLE
from consult.api.openapi import DRAFTING
from consult.api.registry import Reply, operation
from consult.api.views import blueprint
from consult.errors import json_error
from consult.live.permissions import load_live_section, may_write
from consult.live.sockets import serve
from consult.tokens import hash_token


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin() -> bool:
    """A browser's socket must come from one of our own pages (cookies go with any site's)."""
    origin = request.headers.get("Origin", "").lower()
    allowed = {_origin(request.host_url)}
    if current_app.config.get("PUBLIC_URL"):
        allowed.add(_origin(current_app.config["PUBLIC_URL"]))
    return origin in allowed


def _is_upgrade() -> bool:
    return (
        request.headers.get("Upgrade", "").lower() == "websocket"
        and "upgrade" in request.headers.get("Connection", "").lower()
    )


# Two rules, one view: Werkzeug routes a WebSocket handshake only to a rule marked for it,
# and a plain GET (a browser, the access matrix) to the other, which answers 426.
@blueprint.get("/live/sections/<int:section_id>", websocket=True)
@blueprint.get("/live/sections/<int:section_id>")
@operation(
    "Live editing: upgrade to a WebSocket speaking the y-websocket protocol (sync step 1/2, "
    "update, awareness) on the section's Y.Doc: its text is the Y.Text 'body', its closed "
    "answer the Y.Map 'fields' key 'choice'. Editors and above write; members receive "
    "read-only. A browser's request must come from the app's own origin. Closed with 4404 "
    "when access ends, 4403 when rights change (reconnect), 4401 when the session ends or "
    "the token is revoked, 1008 for too many or malformed messages, 1009 for one too big",
    DRAFTING,
    responses={
        101: Reply(None, "Switching Protocols: the WebSocket is open"),
        403: "A browser's request from another site's page (Origin)",
        404: NOT_VISIBLE,
        426: "Not a WebSocket upgrade request",
    },
)
def live_section(section_id: int):
    user = current_caller()
    section, membership = load_live_section(section_id, user)
    if not current_app.config["LIVE_EDITING"]:
        return json_error(404, "Live editing is switched off on this server.")
    if not _is_upgrade():
        return json_error(426, "Connect with a WebSocket (Upgrade: websocket).")
    if not request.headers.get("Authorization") and not same_origin():
        return json_error(403, "Live editing is open to this site's own pages only.")
    return serve(section, user, may_write(membership, section), _credential())


def _credential() -> tuple[str, str] | None:
    """What let the caller in, to check again while the socket is open."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return ("token", hash_token(token.strip()))
    sid = session.get("sid")
    return ("session", hash_token(sid)) if sid else None
