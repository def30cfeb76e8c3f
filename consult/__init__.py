"""Consult: draft, co-edit, co-sign and export responses to consultations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from consult import (
    assets,
    deferred,
    errors,
    live,
    logging,
    notifications,
    security,
    templating,
)
from consult.config import build_config
from consult.extensions import csrf, db, limiter, login_manager, migrate

# Alembic migrations live beside the package, in the checkout (see README, "Deploying").
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings from the environment, then `config` overrides."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(assets.TEMPLATES),
        static_folder=str(assets.STATIC),
    )
    app.config.update(build_config(app.instance_path))
    if config:
        app.config.update(config)

    proxies = app.config["TRUSTED_PROXY_COUNT"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    _import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from consult import cli, pages
    from consult.accounts.presenters import add_account_panel
    from consult.accounts.views import blueprint as accounts
    from consult.api import blueprint as api
    from consult.audit.views import blueprint as audit
    from consult.bills import cli as bills_cli
    from consult.bills.views import blueprint as bills
    from consult.consultations.views import blueprint as consultations
    from consult.drafting.views import blueprint as drafting
    from consult.exports import cli as exports_cli
    from consult.exports.views import blueprint as exports
    from consult.organisations.views import blueprint as organisations
    from consult.privacy import views as privacy  # noqa: F401  (its pages join main and accounts)
    from consult.signing.services import signatures_of_user
    from consult.signing.views import blueprint as signing

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(accounts)
    app.register_blueprint(organisations)
    app.register_blueprint(drafting)
    app.register_blueprint(consultations)
    app.register_blueprint(bills)
    app.register_blueprint(signing)
    app.register_blueprint(exports)
    app.register_blueprint(audit)
    app.register_blueprint(api)
    # The account page lists the person's signatures; accounts, below signing, does not import it.
    add_account_panel(app, lambda user: {"signatures": signatures_of_user(user)})

    logging.init_app(app)  # first, so every request has its id
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    deferred.init_app(app)
    cli.init_app(app)
    exports_cli.init_app(app)
    bills_cli.init_app(app)
    pages.init_app(app)
    live.init_app(app)
    notifications.init_app(app)
    return app


def _import_models() -> None:
    """Import every model module so metadata (and Alembic) sees all tables."""
    import consult.accounts.models
    import consult.audit.models
    import consult.bills.models
    import consult.consultations.models
    import consult.drafting.models
    import consult.exports.models
    import consult.live.models
    import consult.mail
    import consult.notifications.models
    import consult.organisations.models
    import consult.signing.models  # noqa: F401
