"""Fixtures: one app and schema per test session (built by the real migrations), a clean
database for every test, a client, and a user in each role.

Tests run on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass

import pytest

os.environ["CONSULT_ENV"] = "test"
os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-tests")
os.environ.pop("MAIL_SERVER", None)
os.environ.pop("REDIS_URL", None)

from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, make_url, text
from werkzeug.middleware.proxy_fix import ProxyFix

from consult import create_app
from consult.consultations.services import install_builtin_consultations
from consult.extensions import db as _db
from consult.extensions import limiter
from tests import factories
from tests.e2e import findings
from tests.security import figures

ROLES = ("owner", "coordinator", "editor", "member")


def _worker_database(url: str) -> str:
    """With pytest-xdist, each worker process gets a PostgreSQL database of its own beside the
    one named (consult_test -> consult_test_gw0 ...), made here when missing, and every test
    (and every process a test starts) reads it from TEST_DATABASE_URL. SQLite needs nothing:
    each worker's database is a file in its own temporary folder."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url.startswith("postgresql") or not worker:
        return url
    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    server = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        )
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{own.database}"')
    server.dispose()
    return own.render_as_string(hide_password=False)


if os.environ.get("TEST_DATABASE_URL"):
    os.environ["TEST_DATABASE_URL"] = _worker_database(os.environ["TEST_DATABASE_URL"])


def _database_url(tmp_dir: str) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/test.db"


def _drop_everything() -> None:
    """Start from an empty database, so the migrations build the whole schema."""
    engine = _db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        _db.drop_all()
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


class IsolatedClient(FlaskClient):
    """A test client whose every request gets a fresh app context, `g` and database session,
    as in production. The autouse `db` fixture keeps an app context open for the whole test
    and Flask would otherwise reuse it for requests, sharing `g` (where Flask-Login caches the
    user) and one session between requests and clients. After each request the test's own
    session forgets what it cached, so the test reads what the request committed."""

    def run_wsgi_app(self, environ, buffered=False):
        with self.application.app_context():
            result = super().run_wsgi_app(environ, buffered=buffered)
        _db.session.rollback()
        return result

    def open(self, *args, buffered: bool = False, **kwargs):
        """Read and close the response as a WSGI server does once it has sent it, so work
        queued to run after the response (consult/deferred.py) has run when this returns."""
        response = super().open(*args, buffered=buffered, **kwargs)
        if not buffered:
            response.make_sequence()
            response.close()
        return response


@pytest.fixture(scope="session")
def app():
    tmp_dir = tempfile.mkdtemp(prefix="consult-tests-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_dir),
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "consult.test",
            "PUBLIC_URL": "http://consult.test",
            "EXPORT_PDF_CACHE_DIR": f"{tmp_dir}/pdf-cache",  # not the checkout's instance/
            "BILL_IMPORT_DIR": f"{tmp_dir}/bill-imports",
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        _drop_everything()
        upgrade()
    yield app


def _clean_tables() -> None:
    """Empty every table (DELETE is much faster than TRUNCATE for tiny tables on PostgreSQL),
    then put back the built-in consultations that the migrations install."""
    _db.session.remove()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())
    install_builtin_consultations()
    _db.session.commit()


@pytest.fixture(autouse=True)
def db(app):
    """The database, emptied after each test."""
    with app.app_context():
        yield _db
        _close_live_rooms(app)
        _clean_tables()
        limiter.reset()


def _close_live_rooms(app) -> None:
    """A test that opened live editors (a browser journey, say) leaves no room behind to
    store into the tables being emptied, or into the next test's."""
    hub = app.extensions["live"]
    if hub.rooms:
        for room in list(hub.rooms.values()):
            room.close_all(1001, "The test is over.")
        hub.stop()
        hub.rooms.clear()


@pytest.fixture
def make_client(app):
    """A new browser: make_client(remote_addr="10.0.0.2")."""

    def _make(remote_addr: str = "127.0.0.1") -> IsolatedClient:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = remote_addr
        return client

    return _make


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def csrf_on(app):
    """Turn CSRF protection on for one test, as it is in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


PUBLIC_URL = "https://consult.example.org"
FORGED_HOST = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"}
# A logged-in browser's cookie belongs to the real host: the proxy's header alone is forged.
FORGED_PROXY_HOST = {"X-Forwarded-Host": "attacker.example"}


@pytest.fixture
def behind_a_proxy(app, monkeypatch):
    """The app configured like production: a public address, no SERVER_NAME, and one trusted
    proxy (so X-Forwarded-Host is believed for the request itself)."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))
    return app


def assert_public_links(messages, fragment: str) -> None:
    """The newest e-mail has a link containing `fragment`, and all its links start with
    PUBLIC_URL."""
    assert messages, "no e-mail was sent"
    links = re.findall(r"https?://\S+", messages[-1].body)
    assert any(fragment in link for link in links), links
    for link in links:
        assert link.startswith(PUBLIC_URL + "/"), link


@dataclass
class Team:
    """An organisation with one person in each role, and an outsider in another organisation."""

    organisation: object
    owner: object
    coordinator: object
    editor: object
    member: object
    other_organisation: object
    outsider: object

    def user(self, role: str):
        return getattr(self, role)


@pytest.fixture
def team(db) -> Team:
    owner = factories.make_user(name="Olive Owner")
    organisation = factories.make_organisation(owner, name="Northtown Residents")
    coordinator = factories.add_member(
        organisation, factories.make_user(name="Cora Coordinator"), "coordinator"
    )
    editor = factories.add_member(organisation, factories.make_user(name="Eddie Editor"), "editor")
    member = factories.add_member(organisation, factories.make_user(name="Mo Member"), "member")
    outsider = factories.make_user(name="Otto Outsider")
    other = factories.make_organisation(outsider, name="Rival Group")
    return Team(organisation, owner, coordinator, editor, member, other, outsider)


def login(client, user, password: str = factories.PASSWORD):
    """Log in through the real form; returns the response."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def login_as(client):
    def _login(user):
        login(client, user)
        return client

    return _login


@pytest.fixture
def api_token(db):
    """A live API token for a user: api_token(user) -> headers."""
    from consult.accounts.services import create_api_token

    def _make(user) -> dict[str, str]:
        _api_token, token = create_api_token(user, "tests")
        _db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return _make


def table_names(app) -> set[str]:
    with app.app_context():
        return set(inspect(_db.engine).get_table_names())


# --- the run's summary ----------------------------------------------------------------------
# Security figures (tests/security/figures.py) and the browser tests' lesser findings
# (tests/e2e/findings.py), printed after the run. Here, in the root conftest, because with
# pytest-xdist only the controller prints, and it loads no other conftest: each worker hands
# over what it counted when it finishes.


def pytest_sessionfinish(session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["security_figures"] = dict(figures.FIGURES)
        workeroutput["axe_lesser_findings"] = findings.LESSER_FINDINGS
        workeroutput["screenshots"] = findings.SCREENSHOTS


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    output = getattr(node, "workeroutput", {})
    figures.FIGURES.update(output.get("security_figures", {}))
    findings.LESSER_FINDINGS.extend(output.get("axe_lesser_findings", []))
    findings.SCREENSHOTS.extend(output.get("screenshots", []))


def pytest_terminal_summary(terminalreporter) -> None:
    if figures.FIGURES:
        counted = dict(figures.FIGURES)
        counted.setdefault("5xx seen", 0)
        terminalreporter.section("security figures")
        for name, amount in sorted(counted.items()):
            terminalreporter.write_line(f"{name}: {amount}")
    if findings.LESSER_FINDINGS:
        terminalreporter.section("axe-core: moderate and minor findings (not failures)")
        for line in findings.LESSER_FINDINGS:
            terminalreporter.write_line(line)
    if findings.SCREENSHOTS:
        terminalreporter.write_line(
            f"{len(findings.SCREENSHOTS)} browser screenshots in test-artifacts/e2e/"
        )
