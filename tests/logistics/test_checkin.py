import json
import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from roadmap_portal.logistics import services
from roadmap_portal.logistics.checkin_codes import make_checkin_token, qr_svg, read_checkin_token
from roadmap_portal.logistics.models import CheckIn
from roadmap_portal.logistics.services import LogisticsError
from tests.factories import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _api(client, activity, payload):
    return client.post(
        reverse("logistics_console:checkin_api", kwargs={"pk": activity.pk}),
        json.dumps(payload),
        content_type="application/json",
    )


def test_the_token_names_the_registration_and_a_forged_one_is_refused(registration):
    token = make_checkin_token(registration)

    assert read_checkin_token(token) == (registration.pk, registration.person_id)
    assert read_checkin_token(token[:-2] + "xx") is None
    assert read_checkin_token(str(registration.pk)) is None


def test_the_qr_code_is_an_svg(registration):
    svg = qr_svg(make_checkin_token(registration))

    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")


def test_check_in_marks_attendance_and_a_second_scan_says_already(registration, activity, staff):
    token = make_checkin_token(registration)

    first = services.check_in(token=token, activity=activity, by=staff)
    second = services.check_in(token=token, activity=activity, by=staff)

    registration.refresh_from_db()
    assert (first.already, second.already) == (False, True)
    assert second.check_in.pk == first.check_in.pk
    assert registration.attended is True
    assert CheckIn.objects.count() == 1


def test_check_in_refuses_a_code_of_another_activity(registration, staff):
    other = ActivityFactory()

    with pytest.raises(LogisticsError):
        services.check_in(token=make_checkin_token(registration), activity=other, by=staff)

    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(("status", "mode"), [("waitlisted", "onsite"), ("confirmed", "online")])
def test_check_in_refuses_who_is_not_confirmed_onsite(activity, organisation, staff, status, mode):
    registration = RegistrationFactory(activity=activity, status=status, mode=mode)

    with pytest.raises(LogisticsError):
        services.check_in(token=make_checkin_token(registration), activity=activity, by=staff)


def test_check_in_is_for_staff_only(registration, activity, member):
    with pytest.raises(LogisticsError):
        services.check_in(token=make_checkin_token(registration), activity=activity, by=member)


def test_api_replaying_a_queued_check_in_is_idempotent(client, registration, activity, staff):
    client.force_login(staff)
    payload = {
        "code": make_checkin_token(registration),
        "uuid": str(uuid.uuid4()),
        "at": "2020-01-01T09:15:00+00:00",
        "queued": True,
    }

    first = _api(client, activity, payload).json()
    replay = _api(client, activity, payload).json()

    check_in = CheckIn.objects.get()
    assert (first["ok"], first["already"]) == (True, False)
    assert (replay["ok"], replay["already"]) == (True, True)
    assert check_in.device_queued is True
    assert check_in.at.isoformat() == "2020-01-01T09:15:00+00:00"


def test_api_duplicate_scan_from_another_device_says_already(client, registration, activity, staff):
    client.force_login(staff)
    token = make_checkin_token(registration)
    _api(client, activity, {"code": token, "uuid": str(uuid.uuid4())})

    answer = _api(client, activity, {"code": token, "uuid": str(uuid.uuid4())}).json()

    assert answer["already"] is True
    assert "already checked in at" in answer["message"]


def test_api_answers_a_bad_code_with_a_message(client, activity, staff):
    client.force_login(staff)

    response = _api(client, activity, {"code": "nonsense"})

    assert response.status_code == 422
    assert response.json()["message"] == "This is not a check-in code of this portal."


def test_api_requires_the_csrf_token(registration, activity, staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = _api(client, activity, {"code": make_checkin_token(registration)})

    assert response.status_code == 403


def test_checkin_page_searches_by_name_in_latin_letters(client, activity, staff):
    from tests.factories import PersonFactory

    person = PersonFactory(name="สมชาย ใจดี", name_latin="Somchai Jaidee")
    RegistrationFactory(activity=activity, person=person, mode="onsite")
    client.force_login(staff)

    response = client.get(
        reverse("logistics_console:checkin", kwargs={"pk": activity.pk}), {"q": "somchai"}
    )

    assert [r.person for r in response.context["candidates"]] == [person]
    assert 'src="/static/logistics/checkin.js" defer' in response.content.decode()


def test_checkin_page_checks_in_by_registration(client, registration, activity, staff):
    client.force_login(staff)

    response = client.post(
        reverse("logistics_console:checkin", kwargs={"pk": activity.pk}),
        {"registration": registration.pk},
    )

    assert response.status_code == 302
    assert CheckIn.objects.filter(registration=registration).exists()


def test_checkin_pages_are_for_staff(client, registration, activity, member):
    client.force_login(member)

    assert (
        client.get(reverse("logistics_console:checkin", kwargs={"pk": activity.pk})).status_code
        == 403
    )
    assert _api(client, activity, {"code": make_checkin_token(registration)}).status_code == 403


def test_send_checkin_codes_mails_each_participant_once(
    registration, activity, staff, django_capture_on_commit_callbacks
):
    RegistrationFactory(activity=activity, mode="online")

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_checkin_codes(activity=activity, by=staff)
        again = services.send_checkin_codes(activity=activity, by=staff)

    assert (sent, again) == (1, 0)
    assert len(mail.outbox) == 1
    # The code is signed with the second it was made in: read it back rather than remake it.
    (code,) = re.findall(r"^[\w-]+:[\w-]+:[\w-]+$", mail.outbox[0].body, re.MULTILINE)
    assert read_checkin_token(code) == (registration.pk, registration.person_id)
    assert mail.outbox[0].attachments[0][0] == "check-in.svg"


def test_me_page_shows_the_check_in_code(client, registration, member):
    client.force_login(member)

    response = client.get(reverse("me:home"))

    html = response.content.decode()
    assert "My logistics" in html
    assert "<svg" in html
