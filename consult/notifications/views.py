"""Notification pages: the list (open a notice, mark it or all read), the account page's
choices per kind, and the unsubscribe link from the e-mails, which works without logging in
(its signed token says whose and which kinds) and takes a one-click POST from a mail client
(RFC 8058), so it is exempt from CSRF: the token is the proof."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from consult.accounts.models import User
from consult.extensions import csrf, db
from consult.forms import MAX_ID, ActionForm
from consult.notifications import emails, presenters, services
from consult.notifications.forms import PreferencesForm
from consult.notifications.models import KIND_LABELS
from consult.notifications.permissions import load_notification
from consult.web import commit

blueprint = Blueprint("notifications", __name__)
PAGE = 50


@blueprint.get("/notifications")
def index():
    before = request.args.get("before", "")
    before_id = int(before) if before.isdigit() and 0 < int(before) <= MAX_ID else None
    notices = services.notices_for(current_user, limit=PAGE + 1, before_id=before_id)
    return render_template(
        "notifications/index.html",
        notices=notices[:PAGE],
        older=notices[PAGE - 1].id if len(notices) > PAGE else None,
        unread=services.unread_count(current_user),
        describe=presenters.describe,
    )


@blueprint.post("/notifications/<int:notification_id>/open")
def open_notice(notification_id: int):
    """Mark the notice read and go to the place it is about."""
    notice = load_notification(notification_id, current_user)
    if ActionForm().validate_on_submit() and commit(
        lambda: services.mark_read(current_user, notice)
    ):
        return redirect(presenters.link(notice), 303)
    return redirect(url_for("notifications.index"))


@blueprint.post("/notifications/<int:notification_id>/read")
def mark_read(notification_id: int):
    notice = load_notification(notification_id, current_user)
    if ActionForm().validate_on_submit():
        commit(lambda: services.mark_read(current_user, notice))
    return redirect(url_for("notifications.index"))


@blueprint.post("/notifications/read")
def mark_all_read():
    if ActionForm().validate_on_submit():
        commit(
            lambda: services.mark_all_read(current_user),
            success=lambda count: f"{count} notice{'s' if count != 1 else ''} marked read.",
        )
    return redirect(url_for("notifications.index"))


@blueprint.post("/account/notifications")
def preferences():
    form = PreferencesForm()
    if form.validate_on_submit() and commit(
        lambda: services.set_preferences(current_user, form.modes()),
        success="Your notification choices have been saved.",
    ):
        return redirect(url_for("accounts.account", _anchor="notifications"))
    flash("Choose one of the options for each kind of notice.", "error")
    return redirect(url_for("accounts.account", _anchor="notifications"))


def _unsubscribing(token: str) -> tuple[User, list[str]] | None:
    found = emails.read_unsubscribe_token(token)
    if found is None:
        return None
    user_id, kinds = found
    user = db.session.scalar(select(User).where(User.id == user_id, User.erased_at.is_(None)))
    return (user, kinds) if user is not None else None


@blueprint.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET asks (a link scanner following it changes nothing); POST turns the e-mails off."""
    found = _unsubscribing(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 404
    user, kinds = found
    labels = [KIND_LABELS[kind] for kind in kinds]
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", labels=labels, done=False)
    services.unsubscribe(user, kinds)
    db.session.commit()
    return render_template("notifications/unsubscribe.html", labels=labels, done=True)
