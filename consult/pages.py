"""Pages that belong to no single domain: the home page or dashboard, the health check and,
in development only, the e-mail outbox. (The privacy notice joins this "main" blueprint from
consult/privacy/views.py, keeping its endpoint, main.privacy.)"""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    request,
)
from flask_login import current_user
from sqlalchemy import text

from consult.bills.presenters import dashboard_bills
from consult.config import LOOPBACK_HOSTS
from consult.drafting.models import STATUS_LABELS
from consult.extensions import db
from consult.mail import outbox
from consult.notifications.work import my_work
from consult.organisations import services as organisations
from consult.organisations.permissions import ROLE_LABELS

blueprint = Blueprint("main", __name__)


@blueprint.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("main/landing.html")
    return render_template(
        "main/dashboard.html",
        memberships=organisations.memberships_of(current_user),
        invitations=organisations.invitations_for(current_user),
        bills=dashboard_bills(current_user),
        work=my_work(current_user),
        status_labels=STATUS_LABELS,
    )


@blueprint.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", never a 500
        db.session.rollback()
        return jsonify({"status": "degraded", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


# Headers a proxy adds: a request carrying any came through one, from anywhere.
_PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")


def outbox_refusal() -> str | None:
    """Why the development outbox (which shows password-reset and invitation links) may not
    be shown to this request, or None. A development server is easily started bound to every
    interface, or behind a proxy, without CONSULT_ENV=production: the page is for a browser on
    the server's own computer only, asked for by this computer's name (not a name that
    merely points here, as a malicious web page could use)."""
    if any(name in request.headers for name in _PROXY_HEADERS):
        return "This request came through a proxy, so it could come from anyone."
    try:
        local = ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        local = False
    if not local:
        return "This request came from another computer."
    public_host = urlsplit(current_app.config["PUBLIC_URL"]).hostname
    asked_for = urlsplit(f"//{request.host}").hostname
    if asked_for not in LOOPBACK_HOSTS | {public_host}:
        return f"The page was asked for as {request.host}, not by this computer's own name."
    return None


@blueprint.get("/dev/outbox")
def dev_outbox():
    if not current_app.config["SHOW_DEV_OUTBOX"]:
        abort(404)
    refusal = outbox_refusal()
    if refusal:
        return render_template("main/outbox_refused.html", reason=refusal), 403
    return render_template("main/outbox.html", messages=list(outbox(50))[::-1])


def _navigation():
    """What the header needs: the person's organisations and the current one."""
    if not has_request_context() or not current_user.is_authenticated:
        return {}  # e-mails rendered by the CLI or a job have no visitor
    memberships = organisations.memberships_of(current_user)
    current = organisations.current_organisation(current_user, memberships)
    return {
        "nav_memberships": memberships,
        "nav_organisation": current,
        "role_labels": ROLE_LABELS,
    }


def init_app(app: Flask) -> None:
    app.context_processor(_navigation)
