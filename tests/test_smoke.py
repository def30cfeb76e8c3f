def test_health_check_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_login_as_each_role(team, login_as):
    for role in ("owner", "coordinator", "editor", "member"):
        client = login_as(team.user(role))
        assert client.get("/").status_code == 200
