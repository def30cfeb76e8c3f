"""Pages that belong to no single domain: the home page or dashboard, the privacy notice,
the health check and, in development only, the e-mail outbox."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_request_context,
    jsonify,
    render_template,
)
from flask_login import current_user
from sqlalchemy import text

from consult.extensions import db
from consult.mail import outbox
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
    )


@blueprint.get("/privacy")
def privacy():
    return render_template("main/privacy.html")


@blueprint.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", never a 500
        db.session.rollback()
        return jsonify({"status": "degraded", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@blueprint.get("/dev/outbox")
def dev_outbox():
    if not current_app.config["SHOW_DEV_OUTBOX"]:
        abort(404)
    return render_template("main/outbox.html", messages=list(outbox(50))[::-1])


def _navigation():
    """What the header needs: the person's organisations and the current one."""
    if not has_request_context() or not current_user.is_authenticated:
        return {}  # e-mails rendered by the CLI or a job have no visitor
    memberships = organisations.memberships_of(current_user)
    current = organisations.current_organisation(current_user)
    return {
        "nav_memberships": memberships,
        "nav_organisation": current,
        "role_labels": ROLE_LABELS,
    }


def init_app(app: Flask) -> None:
    app.context_processor(_navigation)
