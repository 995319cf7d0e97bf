import pytest

pytestmark = pytest.mark.django_db


def test_home_shows_the_rotation_and_the_strategic_actions(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    for year, host in [(2025, "Malaysia"), (2026, "Philippines"), (2030, "Brunei Darussalam")]:
        assert str(year) in html
        assert host in html
    assert "Multi-stakeholder Task Force" in html
    assert "Annual Policy Dialogue" in html


def test_healthz_answers_ok_with_the_database_up(client, settings):
    settings.REDIS_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_healthz_answers_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "ok", "redis": "down"}}
