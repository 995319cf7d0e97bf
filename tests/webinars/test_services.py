import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations.models import ActivityStatus, Role
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    member_of,
    staff_user,
)
from webinars import services
from webinars.imports import ImportRefused
from webinars.models import AttendanceImport, ImportStatus, Sdg, WebinarAttendance

pytestmark = pytest.mark.django_db


def _csv(*rows: str) -> bytes:
    return ("Name (Original Name),User Email,Total Duration (Minutes)\n" + "\n".join(rows)).encode()


# Creating and changing webinars ----------------------------------------------------------


def test_sdgs_are_the_seventeen_goals():
    assert list(Sdg.objects.values_list("number", flat=True)) == list(range(1, 18))
    assert Sdg.objects.get(number=5).title == "Gender equality"


def test_create_webinar_makes_an_online_only_activity(series):
    starts_at = dt.datetime(2027, 4, 8, 0, 0, tzinfo=dt.UTC)
    speaker = PersonFactory(name="Denison Jayasooria")

    webinar = services.create_webinar(
        series=series,
        slug="sse-and-the-sdgs",
        title="SSE and the SDGs",
        starts_at=starts_at,
        duration_minutes=90,
        time_zone="Australia/Sydney",
        online_capacity=100,
        speakers=[speaker],
        sdgs=[1, 8],
    )

    activity = webinar.activity
    assert (activity.kind, activity.title, activity.allows_onsite, activity.allows_online) == (
        "webinar",
        "SSE and the SDGs",
        False,
        True,
    )
    assert activity.ends_at == starts_at + dt.timedelta(minutes=90)
    assert activity.registration_closes_at == starts_at
    assert activity.online_capacity == 100
    assert webinar.duration_minutes == 90
    assert list(webinar.speakers.all()) == [speaker]
    assert list(webinar.sdgs.values_list("number", flat=True)) == [1, 8]
    assert webinar.sequence == 0


def test_create_webinar_refuses_an_unknown_time_zone(series):
    with pytest.raises(services.WebinarRefused) as refusal:
        services.create_webinar(
            series=series,
            slug="x",
            title="X",
            starts_at=timezone.now(),
            duration_minutes=60,
            time_zone="Mars/Olympus",
        )

    assert "Mars/Olympus is not a known time zone." in refusal.value.message


def test_update_webinar_raises_the_sequence_when_the_time_changes(make_webinar):
    webinar = make_webinar()
    later = webinar.activity.starts_at + dt.timedelta(hours=2)

    webinar = services.update_webinar(webinar=webinar, starts_at=later)

    assert webinar.sequence == 1
    assert webinar.activity.starts_at == later
    assert webinar.activity.ends_at == later + dt.timedelta(minutes=60)
    assert webinar.activity.registration_closes_at == later


@pytest.mark.parametrize(
    "changes",
    [{"title": "New title"}, {"platform": "teams"}, {"time_zone": "Asia/Manila"}],
)
def test_update_webinar_raises_the_sequence_for_title_place_and_zone(make_webinar, changes):
    webinar = make_webinar()

    webinar = services.update_webinar(webinar=webinar, **changes)

    assert webinar.sequence == 1


def test_update_webinar_keeps_the_activity_title_in_step(make_webinar):
    webinar = make_webinar()

    webinar = services.update_webinar(webinar=webinar, title="Platform cooperatives")

    webinar.activity.refresh_from_db()
    assert webinar.activity.title == "Platform cooperatives"


def test_update_webinar_keeps_the_sequence_for_an_abstract_change(make_webinar):
    webinar = make_webinar()

    webinar = services.update_webinar(webinar=webinar, abstract="Longer abstract.")

    assert webinar.sequence == 0
    assert webinar.abstract == "Longer abstract."


def test_update_webinar_changing_nothing_changes_nothing(make_webinar):
    webinar = make_webinar()
    updated_at = webinar.updated_at

    webinar = services.update_webinar(
        webinar=webinar, title=webinar.title, starts_at=webinar.activity.starts_at
    )

    assert webinar.sequence == 0
    assert webinar.updated_at == updated_at


def test_update_webinar_seats_go_through_the_engine_which_promotes_the_waitlist(make_webinar):
    webinar = make_webinar(online_capacity=1)
    staff = staff_user()
    confirmed = RegistrationFactory(activity=webinar.activity, mode="online")
    waiting = RegistrationFactory(activity=webinar.activity, mode="online", status="waitlisted")

    services.update_webinar(webinar=webinar, online_capacity=2, by=staff)

    waiting.refresh_from_db()
    confirmed.refresh_from_db()
    assert (confirmed.status, waiting.status) == ("confirmed", "confirmed")


def test_update_webinar_refuses_a_cancelled_webinar(make_webinar):
    webinar = services.cancel_webinar(webinar=make_webinar())

    with pytest.raises(services.WebinarRefused):
        services.update_webinar(webinar=webinar, title="Again")


def test_cancel_webinar_marks_it_cancelled_and_tells_registrants_once(make_webinar):
    webinar = make_webinar()
    registration = RegistrationFactory(
        activity=webinar.activity, mode="online", person=PersonFactory(email="ana@example.org")
    )
    RegistrationFactory(activity=webinar.activity, mode="online", status="cancelled")

    services.cancel_webinar(webinar=webinar)
    webinar = services.cancel_webinar(webinar=webinar)

    webinar.activity.refresh_from_db()
    assert webinar.activity.status == ActivityStatus.CANCELLED
    assert webinar.sequence == 1
    messages = list(OutboxMessage.objects.filter(topic="webinar.cancelled"))
    assert [m.to_email for m in messages] == [registration.person.email]
    assert messages[0].subject == f"Cancelled: {webinar.title}"


def test_cancel_webinar_refuses_a_held_webinar(past_webinar):
    with pytest.raises(services.WebinarRefused):
        services.cancel_webinar(webinar=past_webinar)


# Recordings -------------------------------------------------------------------------------


def test_publish_recording_tells_confirmed_registrants_the_first_time_only(past_webinar):
    confirmed = RegistrationFactory(
        activity=past_webinar.activity, mode="online", person=PersonFactory(email="a@example.org")
    )
    RegistrationFactory(activity=past_webinar.activity, mode="online", status="waitlisted")

    webinar = services.publish_recording(
        webinar=past_webinar, recording_url="https://video.example.org/1"
    )
    services.publish_recording(webinar=webinar, recording_url="https://video.example.org/1")
    webinar = services.publish_recording(
        webinar=webinar, recording_url="https://video.example.org/corrected"
    )

    assert webinar.recording_url == "https://video.example.org/corrected"
    assert webinar.has_recording is True
    messages = list(OutboxMessage.objects.filter(topic="webinar.recording"))
    assert [m.to_email for m in messages] == [confirmed.person.email]
    assert "https://video.example.org/1" in messages[0].body_text


def test_publish_recording_refuses_before_the_webinar(make_webinar):
    webinar = make_webinar()

    with pytest.raises(services.WebinarRefused) as refusal:
        services.publish_recording(webinar=webinar, recording_url="https://video.example.org/1")

    assert refusal.value.message == "A recording can be published once the webinar has started."
    webinar.refresh_from_db()
    assert webinar.recording_url == ""


def test_withdraw_recording_takes_the_link_down(past_webinar):
    services.publish_recording(webinar=past_webinar, recording_url="https://video.example.org/1")

    webinar = services.withdraw_recording(webinar=past_webinar)

    assert (webinar.recording_url, webinar.recording_published_at) == ("", None)


# Attendance imports -----------------------------------------------------------------------


@pytest.fixture
def registrants(past_webinar):
    """Two confirmed participants (one known by their account's address) and a speaker."""
    ana = RegistrationFactory(
        activity=past_webinar.activity,
        mode="online",
        person=PersonFactory(name="Ana Cruz", email="Ana.Cruz@example.org"),
    )
    user = member_of(OrganisationFactory(), email="ben@example.org")
    user.person.email = ""
    user.person.save()
    ben = RegistrationFactory(activity=past_webinar.activity, mode="online", person=user.person)
    speaker = RegistrationFactory(activity=past_webinar.activity, mode="online", role=Role.SPEAKER)
    absent = RegistrationFactory(activity=past_webinar.activity, mode="online")
    return {"ana": ana, "ben": ben, "speaker": speaker, "absent": absent}


def test_preview_sorts_rows_and_writes_no_attendance(past_webinar, registrants):
    registry_person = PersonFactory(name="Carla Reyes", email="carla@example.org")
    data = _csv(
        "Ana C.,ana.cruz@EXAMPLE.org,40",
        "Ben,ben@example.org,10",
        "Carla,carla@example.org,25",
        "Dan,dan@example.org,45",
        "Ana C.,ana.cruz@example.org,5",
        "Broken,,30",
    )

    preview = services.preview_attendance_import(
        webinar=past_webinar, data=data, file_name="zoom.csv", by=staff_user()
    )

    assert WebinarAttendance.objects.count() == 0
    assert preview.status == ImportStatus.PREVIEWED
    assert default_storage.exists(preview.stored_name)
    summary = preview.summary
    assert summary["threshold"] == 30
    assert summary["counts"] == {
        "matched": 2,
        "unmatched": 2,
        "duplicate": 1,
        "malformed": 1,
        "rows": 6,
        "attendees": 4,
        "attended": 2,
    }
    assert [(row["line"], row["outcome"]) for row in summary["rows"]] == [
        (2, "matched"),
        (3, "matched"),
        (4, "unmatched"),
        (5, "unmatched"),
        (6, "duplicate"),
        (7, "malformed"),
    ]
    assert summary["rows"][2]["reason"] == (
        f"{registry_person.full_name} is in the registry but did not register"
    )
    assert summary["rows"][3]["reason"] == "nobody registered with this e-mail"
    assert summary["rows"][4]["reason"] == (
        "same e-mail as line 2: 5 minutes added there (45 in all)"
    )
    assert summary["rows"][5]["reason"] == "the e-mail address is missing"


def test_preview_refuses_a_wrongly_encoded_file_and_keeps_nothing(past_webinar):
    data = "Name,Email,Duration\nJosé,jose@example.org,40\n".encode("cp1252")

    with pytest.raises(ImportRefused):
        services.preview_attendance_import(
            webinar=past_webinar, data=data, file_name="legacy.csv", by=None
        )

    assert AttendanceImport.objects.count() == 0


def test_preview_refuses_a_webinar_that_has_not_started(make_webinar):
    with pytest.raises(ImportRefused):
        services.preview_attendance_import(
            webinar=make_webinar(), data=_csv("A,a@example.org,5"), file_name="a.csv", by=None
        )


def test_confirm_writes_attendance_and_marks_registrations(past_webinar, registrants):
    PersonFactory(name="Carla Reyes", email="carla@example.org")
    staff = staff_user()
    preview = services.preview_attendance_import(
        webinar=past_webinar,
        data=_csv(
            "Ana C.,ana.cruz@example.org,40",
            "Ben,ben@example.org,10",
            "Carla,carla@example.org,25",
            "Ana C.,ana.cruz@example.org,5",
        ),
        file_name="zoom.csv",
        by=staff,
    )
    stored_name = preview.stored_name

    confirmed = services.confirm_attendance_import(
        attendance_import=preview, by=staff, keep_unmatched=True
    )

    rows = {
        row.email: (row.minutes, row.attended, row.registration_id, row.person.name)
        for row in WebinarAttendance.objects.select_related("person")
    }
    assert rows == {
        "ana.cruz@example.org": (45, True, registrants["ana"].pk, "Ana Cruz"),
        "ben@example.org": (10, False, registrants["ben"].pk, registrants["ben"].person.name),
        "carla@example.org": (25, False, None, "Carla Reyes"),
    }
    attended = {
        key: type(registration).objects.get(pk=registration.pk).attended
        for key, registration in registrants.items()
    }
    assert attended == {"ana": True, "ben": False, "speaker": None, "absent": False}
    assert confirmed.status == ImportStatus.CONFIRMED
    assert confirmed.summary["counts"]["written"] == 3
    assert (confirmed.stored_name, confirmed.confirmed_by) == ("", staff)
    assert default_storage.exists(stored_name) is True  # removed only after commit


def test_confirm_deletes_the_stored_file_after_commit(
    past_webinar, django_capture_on_commit_callbacks
):
    preview = services.preview_attendance_import(
        webinar=past_webinar, data=_csv("A,a@example.org,50"), file_name="a.csv", by=None
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_attendance_import(attendance_import=preview, by=None, keep_unmatched=True)

    assert default_storage.exists(preview.stored_name) is False


def test_confirm_can_leave_out_attendees_who_had_not_registered(past_webinar, registrants):
    preview = services.preview_attendance_import(
        webinar=past_webinar,
        data=_csv("Ana,ana.cruz@example.org,40", "Dan,dan@example.org,45"),
        file_name="zoom.csv",
        by=None,
    )

    services.confirm_attendance_import(attendance_import=preview, by=None, keep_unmatched=False)

    assert list(WebinarAttendance.objects.values_list("email", flat=True)) == [
        "ana.cruz@example.org"
    ]


def test_confirm_replaces_an_earlier_import(past_webinar):
    first = services.preview_attendance_import(
        webinar=past_webinar, data=_csv("A,a@example.org,50"), file_name="a.csv", by=None
    )
    services.confirm_attendance_import(attendance_import=first, by=None, keep_unmatched=True)
    second = services.preview_attendance_import(
        webinar=past_webinar, data=_csv("B,b@example.org,50"), file_name="b.csv", by=None
    )

    services.confirm_attendance_import(attendance_import=second, by=None, keep_unmatched=True)

    assert list(WebinarAttendance.objects.values_list("email", flat=True)) == ["b@example.org"]


def test_confirm_twice_writes_once(past_webinar):
    preview = services.preview_attendance_import(
        webinar=past_webinar, data=_csv("A,a@example.org,50"), file_name="a.csv", by=None
    )
    services.confirm_attendance_import(attendance_import=preview, by=None, keep_unmatched=True)

    services.confirm_attendance_import(attendance_import=preview, by=None, keep_unmatched=True)

    assert WebinarAttendance.objects.count() == 1


def test_confirm_refuses_an_expired_upload(past_webinar):
    preview = services.preview_attendance_import(
        webinar=past_webinar, data=_csv("A,a@example.org,50"), file_name="a.csv", by=None
    )
    AttendanceImport.objects.filter(pk=preview.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    with pytest.raises(ImportRefused):
        services.confirm_attendance_import(attendance_import=preview, by=None, keep_unmatched=True)

    assert WebinarAttendance.objects.count() == 0


def test_attendance_threshold_is_half_the_duration(make_webinar):
    webinar = make_webinar(duration_minutes=75)

    assert services.attendance_threshold(webinar) == 38


def test_purge_removes_expired_uploads_and_their_files(past_webinar):
    expired = services.preview_attendance_import(
        webinar=past_webinar, data=_csv("A,a@example.org,50"), file_name="a.csv", by=None
    )
    fresh = services.preview_attendance_import(
        webinar=past_webinar, data=_csv("B,b@example.org,50"), file_name="b.csv", by=None
    )
    AttendanceImport.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    purged = services.purge_expired_imports()

    expired.refresh_from_db()
    fresh.refresh_from_db()
    assert purged == 1
    assert (expired.status, expired.stored_name) == (ImportStatus.EXPIRED, "")
    assert fresh.status == ImportStatus.PREVIEWED
    assert default_storage.exists(fresh.stored_name) is True


def test_purge_removes_orphan_files_past_the_lifetime(past_webinar, settings):
    name = default_storage.save(f"{services.IMPORT_FOLDER}/orphan.csv", _file(b"x"))

    kept = services.purge_expired_imports()
    removed = services.purge_expired_imports(
        now=timezone.now() + services.IMPORT_LIFETIME + dt.timedelta(minutes=1)
    )

    assert (kept, removed) == (0, 1)
    assert default_storage.exists(name) is False


def _file(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)
