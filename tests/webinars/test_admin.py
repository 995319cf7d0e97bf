import pytest

from tests.factories import admin_user

pytestmark = pytest.mark.django_db


def test_admin_lists_and_opens_webinars(client, make_webinar):
    webinar = make_webinar()
    client.force_login(admin_user())

    assert client.get("/admin/webinars/webinar/").status_code == 200
    assert client.get(f"/admin/webinars/webinar/{webinar.pk}/change/").status_code == 200
    assert client.get("/admin/webinars/series/").status_code == 200
    assert client.get("/admin/webinars/attendanceimport/").status_code == 200


def test_admin_title_change_goes_through_the_service(client, make_webinar):
    webinar = make_webinar()
    client.force_login(admin_user())

    response = client.post(
        f"/admin/webinars/webinar/{webinar.pk}/change/",
        {
            "series": webinar.series_id,
            "slug": webinar.slug,
            "title": "Renamed in the admin",
            "abstract": webinar.abstract,
            "language": webinar.language,
            "platform": webinar.platform,
            "join_url": webinar.join_url,
            "sdgs": [],
            "speaker_slots-TOTAL_FORMS": "0",
            "speaker_slots-INITIAL_FORMS": "0",
            "speaker_slots-MIN_NUM_FORMS": "0",
            "speaker_slots-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    webinar.refresh_from_db()
    webinar.activity.refresh_from_db()
    assert (webinar.title, webinar.activity.title, webinar.sequence) == (
        "Renamed in the admin",
        "Renamed in the admin",
        1,
    )


def test_admin_is_closed_to_people_without_the_staff_flag(client, make_webinar):
    make_webinar()

    response = client.get("/admin/webinars/webinar/")

    assert response.status_code == 302
