"""GET /healthz: public, JSON, and honest about the database."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from consult import create_app
from consult.extensions import db
from tests.api.helpers import assert_documented


def test_health_is_public_and_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert_documented(response, "/healthz", "get")


def test_health_is_503_in_json_when_the_database_is_unreachable():
    # A second app whose database is a PostgreSQL server that is not there (port 1).
    unreachable = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://consult@127.0.0.1:1/nowhere",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        }
    )

    response = unreachable.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "degraded", "database": "unreachable"}
    assert_documented(response, "/healthz", "get")


def test_health_is_503_when_a_query_fails_and_the_app_recovers(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "execute", broken)
    failing = client.get("/healthz")
    monkeypatch.undo()

    assert failing.status_code == 503
    assert failing.get_json() == {"status": "degraded", "database": "unreachable"}
    assert client.get("/healthz").status_code == 200
