from tests.conftest import login


def test_health_check_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_each_role_can_log_in_and_sees_the_organisation(team, make_client):
    for role in ("owner", "coordinator", "editor", "member"):
        client = make_client()
        login(client, team.user(role))
        page = client.get("/").get_data(as_text=True)
        assert team.user(role).name in page
        assert team.organisation.name in page


def test_the_footer_says_consult_is_for_consultations_and_bills(client):
    footer = client.get("/login").get_data(as_text=True).split("<footer", 1)[1]

    assert "responses to consultations and to bills in Parliament" in footer
