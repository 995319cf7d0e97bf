import datetime as dt

import pytest
from django.urls import reverse

from roadmap_portal.logistics import letters, services
from roadmap_portal.logistics.models import VisaLetterDetails
from roadmap_portal.logistics.services import LogisticsError
from tests.factories import OrganisationFactory, country, member_of
from tests.reports import pdfcheck

pytestmark = pytest.mark.django_db

PASSPORT = "P7781234X"


@pytest.fixture
def details(registration, member):
    return services.save_visa_details(
        registration=registration,
        passport_name="SANTOS, MARIA CLARA",
        nationality=country("PH"),
        passport_number=PASSPORT,
        date_of_birth=dt.date(1990, 5, 17),
        by=member,
    )


def test_the_letter_prints_the_details_dates_and_venue(details, registration):
    reader = pdfcheck.read(letters.render_letter(registration))

    text = pdfcheck.flat(" ".join(pdfcheck.page_texts(reader)))
    assert "SANTOS, MARIA CLARA" in text
    assert "Philippines" in text
    assert PASSPORT in text
    assert "17 May 1990" in text
    assert registration.activity.title in text


def test_saving_without_a_passport_number_keeps_the_one_given(details, registration, member):
    services.save_visa_details(
        registration=registration,
        passport_name="SANTOS, MARIA",
        nationality=country("PH"),
        passport_number=None,
        by=member,
    )

    details.refresh_from_db()
    assert (details.passport_name, details.passport_number) == ("SANTOS, MARIA", PASSPORT)


def test_a_stranger_cannot_enter_details(registration):
    with pytest.raises(LogisticsError):
        services.save_visa_details(
            registration=registration,
            passport_name="X",
            nationality=country("PH"),
            by=member_of(OrganisationFactory()),
        )

    assert VisaLetterDetails.objects.count() == 0


@pytest.mark.parametrize("who", ["member", "focal_point", "staff"])
def test_the_letter_downloads_for_the_participant_focal_point_and_staff(
    who, request, client, details, registration
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("logistics:letter", kwargs={"pk": registration.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_the_letter_waits_for_confirmation(client, details, registration, member):
    registration.status = "pending"
    registration.save()
    client.force_login(member)

    response = client.get(reverse("logistics:letter", kwargs={"pk": registration.pk}))

    assert response.status_code == 302


def test_the_letter_is_hidden_from_others(client, details, registration):
    client.force_login(member_of(OrganisationFactory()))

    response = client.get(reverse("logistics:letter", kwargs={"pk": registration.pk}))

    assert response.status_code == 404


def test_the_passport_number_never_shows_on_a_page_or_export(
    client, details, registration, member, staff, activity
):
    client.force_login(member)
    member_pages = [
        client.get(reverse("logistics:visa", kwargs={"pk": registration.pk})),
        client.get(reverse("me:home")),
        client.get(reverse("logistics:support", kwargs={"pk": registration.pk})),
    ]
    client.force_login(staff)
    staff_pages = [
        client.get(reverse(f"logistics_console:{name}", kwargs={"pk": activity.pk}))
        for name in ("messages", "answers", "checkin", "support", "badges", "feedback")
    ]
    export = client.get(reverse("logistics_console:answers_csv", kwargs={"pk": activity.pk}))
    registrations = client.get(
        reverse("activity_console:registration_list", kwargs={"pk": activity.pk})
    )

    bodies = [page.content.decode() for page in [*member_pages, *staff_pages, registrations]]
    bodies.append(b"".join(export.streaming_content).decode())
    assert [page.status_code for page in [*member_pages, *staff_pages]] == [200] * 9
    assert [PASSPORT in body for body in bodies] == [False] * len(bodies)
    assert "SANTOS, MARIA CLARA" in bodies[0]


def test_visa_page_saves_the_details(client, registration, member):
    client.force_login(member)

    response = client.post(
        reverse("logistics:visa", kwargs={"pk": registration.pk}),
        {"passport_name": "DELA CRUZ, JUAN", "nationality": "PH", "passport_number": "X1"},
    )

    assert response.status_code == 302
    assert VisaLetterDetails.objects.get().passport_number == "X1"
