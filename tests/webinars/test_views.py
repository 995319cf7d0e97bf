import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from roadmap_portal.registrations.models import Registration
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    member_of,
    staff_user,
)
from webinars import services
from webinars.models import AttendanceImport, Webinar, WebinarAttendance
from webinars.views import offset_label

pytestmark = pytest.mark.django_db

SECRET = "https://zoom.example.org/j/secret-room"


def _text(response) -> str:
    return response.content.decode()


# The list ----------------------------------------------------------------------------------


def test_list_shows_upcoming_soonest_first_then_past_latest_first(client, make_webinar):
    now = timezone.now()
    make_webinar(title="Later", starts_at=now + dt.timedelta(days=40))
    make_webinar(title="Soon", starts_at=now + dt.timedelta(days=3))
    make_webinar(title="Long ago", starts_at=now - dt.timedelta(days=90))
    make_webinar(title="Last week", starts_at=now - dt.timedelta(days=7))

    response = client.get("/webinars/")

    assert response.status_code == 200
    assert [w.title for w in response.context["webinars"]] == [
        "Soon",
        "Later",
        "Last week",
        "Long ago",
    ]
    html = _text(response)
    assert html.index("Upcoming") < html.index("Soon") < html.index("Past") < html.index("Last")


def test_list_filters_by_series_sdg_language_and_month(client, make_webinar, series):
    other = services.create_series(title="Other series", slug="other", organiser=series.organiser)
    april = dt.datetime(2027, 4, 8, 6, 0, tzinfo=dt.UTC)
    make_webinar(title="Gender", sdgs=[5], starts_at=april)
    make_webinar(title="Thai", language="th", starts_at=april + dt.timedelta(days=40))
    make_webinar(title="Elsewhere", series=other, sdgs=[5], starts_at=april)

    def titles(query):
        return sorted(w.title for w in client.get(f"/webinars/?{query}").context["webinars"])

    assert titles("series=mysdg-asec") == ["Gender", "Thai"]
    assert titles("sdg=5") == ["Elsewhere", "Gender"]
    assert titles("language=th") == ["Thai"]
    assert titles("month=2027-04") == ["Elsewhere", "Gender"]
    assert titles("month=2027-05&series=mysdg-asec") == ["Thai"]


def test_list_month_follows_the_viewers_time_zone(client, make_webinar):
    # 30 April 2027 20:00 UTC is already 1 May in Manila.
    make_webinar(title="Edge", starts_at=dt.datetime(2027, 4, 30, 20, 0, tzinfo=dt.UTC))
    client.force_login(UserFactory(time_zone="Asia/Manila"))

    response = client.get("/webinars/?month=2027-05")

    assert [w.title for w in response.context["webinars"]] == ["Edge"]


def test_list_explains_a_malformed_month(client, make_webinar):
    make_webinar()

    response = client.get("/webinars/?month=April")

    assert response.status_code == 200
    assert "Give the month as year and month, e.g. 2027-04." in _text(response)
    assert list(response.context["webinars"]) == []


def test_list_costs_the_same_queries_with_few_and_many_webinars(
    client, make_webinar, django_assert_num_queries
):
    speaker = PersonFactory(listed_publicly=True)
    make_webinar(sdgs=[1, 2], speakers=[speaker])
    with CaptureQueriesContext(connection) as few:
        client.get("/webinars/")
    now = timezone.now()
    for day in range(1, 15):
        make_webinar(
            sdgs=[day % 17 + 1, 3],
            speakers=[PersonFactory(listed_publicly=True), speaker],
            starts_at=now + dt.timedelta(days=day * (1 if day % 2 else -1)),
        )

    with django_assert_num_queries(len(few)):
        response = client.get("/webinars/")

    assert len(response.context["webinars"]) == 15


# The page ----------------------------------------------------------------------------------


def test_detail_shows_the_webinars_zone_and_the_viewers_own(client, make_webinar):
    starts_at = dt.datetime(2027, 4, 8, 10, 0, tzinfo=zoneinfo.ZoneInfo("Australia/Sydney"))
    webinar = make_webinar(starts_at=starts_at, time_zone="Australia/Sydney")
    client.force_login(UserFactory(time_zone="Asia/Jakarta"))

    html = _text(client.get(webinar.get_absolute_url()))

    assert "Thursday 8 April 2027, 10:00–11:00" in html
    assert "Australia/Sydney (UTC+10)" in html
    assert "Your time (Asia/Jakarta): Thursday 8 April 2027, 07:00–08:00" in html
    assert "(UTC+7)" in html


@pytest.mark.parametrize(
    ("zone", "label"),
    [("UTC", "UTC"), ("Asia/Kolkata", "UTC+5:30"), ("America/St_Johns", "UTC−2:30")],
)
def test_offset_label_writes_offsets_as_people_do(zone, label):
    moment = dt.datetime(2027, 4, 8, 12, 0, tzinfo=zoneinfo.ZoneInfo(zone))

    assert offset_label(moment) == label


def test_detail_shows_one_time_when_the_viewer_shares_the_offset(client, make_webinar):
    webinar = make_webinar(time_zone="Asia/Kuala_Lumpur")
    client.force_login(UserFactory(time_zone="Asia/Manila"))

    html = _text(client.get(webinar.get_absolute_url()))

    assert "Your time" not in html


def test_detail_invites_an_anonymous_viewer_to_set_a_zone(client, make_webinar):
    webinar = make_webinar()

    html = _text(client.get(webinar.get_absolute_url()))

    assert "Set your time zone on your page to see this in your own time." in html
    assert 'data-viewer-zone=""' in html


def test_detail_names_only_speakers_listed_publicly(client, make_webinar):
    public = PersonFactory(name="Ben Quinones", honorific="Dr", listed_publicly=True)
    private = PersonFactory(name="Private Speaker")
    webinar = make_webinar(speakers=[public, private], sdgs=[8])

    html = _text(client.get(webinar.get_absolute_url()))

    assert "Dr Ben Quinones" in html
    assert "Private Speaker" not in html
    assert "and 1 speaker who is not listed publicly." in html
    assert "SDG 8" in html


def test_detail_of_an_unknown_webinar_is_404(client, db):
    assert client.get("/webinars/nothing/").status_code == 404


# Who sees the join link --------------------------------------------------------------------


@pytest.fixture
def registered(make_webinar):
    """A webinar, its organisation's confirmed registrant, and a colleague not registered."""
    webinar = make_webinar(join_url=SECRET)
    organisation = OrganisationFactory()
    registrant = member_of(organisation)
    colleague = member_of(organisation)
    RegistrationFactory(
        activity=webinar.activity,
        person=registrant.person,
        organisation=organisation,
        mode="online",
    )
    return {"webinar": webinar, "registrant": registrant, "colleague": colleague}


def test_join_link_is_hidden_from_anonymous_viewers(client, registered):
    assert SECRET not in _text(client.get(registered["webinar"].get_absolute_url()))


def test_join_link_is_hidden_from_another_organisation(client, registered):
    client.force_login(member_of(OrganisationFactory()))

    assert SECRET not in _text(client.get(registered["webinar"].get_absolute_url()))


def test_join_link_is_hidden_from_an_unregistered_colleague(client, registered):
    client.force_login(registered["colleague"])

    assert SECRET not in _text(client.get(registered["webinar"].get_absolute_url()))


def test_join_link_is_shown_to_the_confirmed_registrant(client, registered):
    client.force_login(registered["registrant"])

    html = _text(client.get(registered["webinar"].get_absolute_url()))

    assert SECRET in html
    assert "This link is for you as a confirmed registrant" in html


@pytest.mark.parametrize("status", ["waitlisted", "pending", "cancelled"])
def test_join_link_is_hidden_from_a_registrant_not_confirmed(client, registered, status):
    Registration.objects.filter(person=registered["registrant"].person).update(status=status)
    client.force_login(registered["registrant"])

    assert SECRET not in _text(client.get(registered["webinar"].get_absolute_url()))


def test_join_link_is_shown_to_staff(client, registered):
    client.force_login(staff_user())

    html = _text(client.get(registered["webinar"].get_absolute_url()))

    assert SECRET in html
    assert "You see this link as secretariat staff." in html


@pytest.mark.parametrize("viewer", ["anonymous", "registrant", "staff"])
def test_join_link_is_never_in_the_feeds(client, registered, viewer):
    if viewer == "registrant":
        client.force_login(registered["registrant"])
    elif viewer == "staff":
        client.force_login(staff_user())
    webinar = registered["webinar"]

    single = client.get(f"/webinars/{webinar.slug}.ics")
    feed = client.get(f"/webinars/series/{webinar.series.slug}/feed.ics")

    assert SECRET.encode() not in single.content
    assert SECRET.encode() not in feed.content


def test_member_registers_through_the_engine_and_then_sees_the_join_link(client, make_webinar):
    webinar = make_webinar(join_url=SECRET)
    organisation = OrganisationFactory()
    member = member_of(organisation)
    client.force_login(member)
    page = _text(client.get(webinar.get_absolute_url()))
    assert "Register me" in page

    response = client.post(
        f"/registrations/activities/{webinar.activity.pk}/register/",
        {
            "organisation": organisation.pk,
            "people": [member.person.pk],
            "mode": "online",
            "next": webinar.get_absolute_url(),
        },
    )

    assert response.status_code == 302
    registration = Registration.objects.get(activity=webinar.activity)
    assert (registration.person, registration.status, registration.mode) == (
        member.person,
        "confirmed",
        "online",
    )
    assert SECRET in _text(client.get(webinar.get_absolute_url()))


def test_focal_point_registers_a_colleague_who_then_sees_the_link(client, make_webinar):
    webinar = make_webinar(join_url=SECRET)
    organisation = OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    colleague = member_of(organisation)
    client.force_login(focal_point)

    client.post(
        f"/registrations/activities/{webinar.activity.pk}/register/",
        {"organisation": organisation.pk, "people": [colleague.person.pk], "mode": "online"},
    )

    assert SECRET not in _text(client.get(webinar.get_absolute_url()))
    client.force_login(colleague)
    assert SECRET in _text(client.get(webinar.get_absolute_url()))


# Secretariat pages -------------------------------------------------------------------------

STAFF_PAGES = ["/edit/", "/cancel/", "/recording/", "/attendance/"]


@pytest.mark.parametrize("suffix", STAFF_PAGES)
def test_staff_pages_send_anonymous_viewers_to_sign_in(client, make_webinar, suffix):
    webinar = make_webinar()

    response = client.get(f"/webinars/{webinar.slug}{suffix}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("suffix", STAFF_PAGES)
def test_staff_pages_refuse_members(client, make_webinar, suffix):
    webinar = make_webinar()
    client.force_login(member_of(OrganisationFactory(), focal_point=True))

    assert client.get(f"/webinars/{webinar.slug}{suffix}").status_code == 403


@pytest.mark.parametrize("suffix", STAFF_PAGES)
def test_staff_pages_open_for_staff(client, make_webinar, suffix):
    webinar = make_webinar()
    client.force_login(staff_user())

    assert client.get(f"/webinars/{webinar.slug}{suffix}").status_code == 200


def test_create_page_refuses_members_and_sends_anonymous_to_sign_in(client, db):
    assert client.get("/webinars/new/").status_code == 302
    client.force_login(member_of(OrganisationFactory()))
    assert client.get("/webinars/new/").status_code == 403


def _form_data(series, **overrides):
    data = {
        "series": series.pk,
        "title": "Platform cooperatives",
        "slug": "platform-cooperatives",
        "abstract": "Owned by their users.",
        "date": "2027-04-08",
        "start_time": "10:00",
        "time_zone": "Australia/Sydney",
        "duration_minutes": "90",
        "language": "en",
        "platform": "google_meet",
        "join_url": "https://meet.example.org/abc",
        "online_capacity": "",
        "sdgs": ["8", "9"],
    }
    data.update(overrides)
    return data


def test_staff_create_a_webinar_in_its_own_time_zone(client, series):
    client.force_login(staff_user())

    response = client.post("/webinars/new/", _form_data(series))

    webinar = Webinar.objects.select_related("activity").get(slug="platform-cooperatives")
    assert response.status_code == 302
    assert response["Location"] == "/webinars/platform-cooperatives/"
    assert webinar.activity.starts_at == dt.datetime(2027, 4, 8, 0, 0, tzinfo=dt.UTC)
    assert webinar.duration_minutes == 90
    assert sorted(webinar.sdgs.values_list("number", flat=True)) == [8, 9]


def test_create_refuses_a_local_time_skipped_by_daylight_saving(client, series):
    client.force_login(staff_user())

    response = client.post(
        "/webinars/new/", _form_data(series, date="2027-10-03", start_time="02:30")
    )

    assert response.status_code == 200
    assert "This time does not exist in Australia/Sydney on that day" in _text(response)
    assert Webinar.objects.count() == 0


def test_create_refuses_a_reserved_address(client, series):
    client.force_login(staff_user())

    response = client.post("/webinars/new/", _form_data(series, slug="new"))

    assert "This address is reserved; choose another." in _text(response)


def test_staff_edit_the_time_and_the_sequence_rises(client, make_webinar, series):
    webinar = make_webinar(slug="platform-cooperatives")
    client.force_login(staff_user())
    assert client.get(f"/webinars/{webinar.slug}/edit/").context["form"].initial["slug"] == (
        "platform-cooperatives"
    )

    response = client.post(f"/webinars/{webinar.slug}/edit/", _form_data(series))

    webinar.refresh_from_db()
    assert response.status_code == 302
    assert webinar.sequence == 1
    assert webinar.activity.time_zone == "Australia/Sydney"


def test_staff_cancel_a_webinar(client, make_webinar):
    webinar = make_webinar()
    client.force_login(staff_user())

    response = client.post(f"/webinars/{webinar.slug}/cancel/")

    webinar.activity.refresh_from_db()
    assert response.status_code == 302
    assert webinar.activity.status == "cancelled"


def test_staff_publish_a_recording_which_then_shows_publicly(client, past_webinar):
    client.force_login(staff_user())

    response = client.post(
        f"/webinars/{past_webinar.slug}/recording/",
        {"recording_url": "https://video.example.org/42"},
    )

    assert response.status_code == 302
    client.logout()
    assert "https://video.example.org/42" in _text(client.get(past_webinar.get_absolute_url()))


def test_recording_form_explains_why_it_cannot_publish_before_the_webinar(client, make_webinar):
    webinar = make_webinar()
    client.force_login(staff_user())

    response = client.post(
        f"/webinars/{webinar.slug}/recording/", {"recording_url": "https://video.example.org/1"}
    )

    assert response.status_code == 200
    assert "A recording can be published once the webinar has started." in _text(response)


def _upload(content: bytes, name: str = "participants.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_staff_upload_preview_then_confirm_the_attendance(client, past_webinar):
    registrant = RegistrationFactory(
        activity=past_webinar.activity, mode="online", person=PersonFactory(email="ana@ex.org")
    )
    client.force_login(staff_user())
    content = (
        b"Name (Original Name),User Email,Total Duration (Minutes)\n"
        b"Ana,ana@ex.org,50\nDan,dan@ex.org,12\nAna,ana@ex.org,3\nBad,,9\n"
    )

    upload = client.post(f"/webinars/{past_webinar.slug}/attendance/", {"file": _upload(content)})
    preview_url = upload["Location"]
    preview = client.get(preview_url)

    assert WebinarAttendance.objects.count() == 0
    html = _text(preview)
    assert "1 matched" in html and "1 duplicate<" in html and "1 malformed" in html
    assert "same e-mail as line 2: 3 minutes added there (53 in all)" in html

    confirm = client.post(preview_url, {"keep_unmatched": "on"})

    assert confirm.status_code == 302
    assert sorted(WebinarAttendance.objects.values_list("email", "minutes")) == [
        ("ana@ex.org", 53),
        ("dan@ex.org", 12),
    ]
    registrant.refresh_from_db()
    assert registrant.attended is True


def test_upload_in_a_legacy_encoding_is_refused_with_the_reason(client, past_webinar):
    client.force_login(staff_user())
    content = "Name,Email,Duration\nJosé,jose@ex.org,40\n".encode("cp1252")

    response = client.post(f"/webinars/{past_webinar.slug}/attendance/", {"file": _upload(content)})

    assert response.status_code == 200
    assert "The file is not UTF-8 text: byte 0xE9 on line 2 cannot be read." in _text(response)
    assert AttendanceImport.objects.count() == 0


def test_preview_of_another_webinars_upload_is_404(client, past_webinar, make_webinar):
    other = make_webinar(starts_at=timezone.now() - dt.timedelta(days=1))
    preview = services.preview_attendance_import(
        webinar=other, data=b"Name,Email,Duration\nA,a@ex.org,5\n", file_name="a.csv", by=None
    )
    client.force_login(staff_user())

    response = client.get(f"/webinars/{past_webinar.slug}/attendance/{preview.token}/")

    assert response.status_code == 404


def test_preview_is_refused_to_members(client, past_webinar):
    preview = services.preview_attendance_import(
        webinar=past_webinar,
        data=b"Name,Email,Duration\nA,a@ex.org,5\n",
        file_name="a.csv",
        by=None,
    )
    client.force_login(member_of(OrganisationFactory()))

    response = client.post(f"/webinars/{past_webinar.slug}/attendance/{preview.token}/")

    assert response.status_code == 403
    assert WebinarAttendance.objects.count() == 0
