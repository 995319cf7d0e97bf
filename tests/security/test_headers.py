import pytest

pytestmark = pytest.mark.django_db


def test_pages_forbid_inline_script_and_style_and_third_party_origins(client):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_pages_send_referrer_and_permissions_policies(client):
    response = client.get("/taskforce/")

    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Permissions-Policy"] == (
        "camera=(self), geolocation=(), interest-cohort=(), microphone=(), payment=(), usb=()"
    )


def test_the_admin_signs_in_through_the_rate_limited_allauth_page(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
