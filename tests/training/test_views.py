import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roadmap_portal.registrations.models import ActivityKind, Registration, RegistrationStatus
from taskforce.models import Country
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    member_of,
    staff_user,
)
from tests.training.builders import (
    attend_all,
    enrol,
    make_cohort,
    make_course,
    make_ended_cohort,
    make_nominee,
)
from training import services
from training.models import Certificate, Cohort, CohortSession, SessionAttendance

pytestmark = pytest.mark.django_db

VALID_LOOKING_CODE = "A" * 27


def _login_url(path: str) -> str:
    return f"{reverse('account_login')}?next={path}"


def _certificate(*, person=None, organisation=None):
    cohort = make_ended_cohort(sessions=1, threshold=100)
    organisation = organisation or OrganisationFactory()
    registration = enrol(cohort, person=person, organisation=organisation)
    [certificate] = attend_all(cohort, [registration])
    return certificate


# The course and cohorts --------------------------------------------------------------------


def test_cohort_list_shows_the_course_modules_and_cohorts(client):
    course = make_course(modules=2)
    upcoming = make_cohort(course=course)
    past = make_ended_cohort(course=course)

    response = client.get(reverse("training:cohort_list"))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (course.title, "Module 1", "Module 2", upcoming.title, past.title):
        assert text in html
    assert list(response.context["upcoming"]) == [upcoming]
    assert list(response.context["past"]) == [past]


def test_cohort_list_costs_the_same_with_few_or_many_cohorts(client, django_assert_num_queries):
    course = make_course(modules=1)
    make_cohort(course=course, sessions=1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("training:cohort_list"))
    for _ in range(4):
        make_cohort(course=course, sessions=1)
        make_ended_cohort(course=course, sessions=1)
    make_course(modules=3)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("training:cohort_list"))


def test_cohort_detail_shows_sessions_in_the_cohorts_time_zone(client):
    cohort = make_cohort(sessions=1)
    session = cohort.sessions.get()
    session.starts_at = dt.datetime(2030, 3, 4, 1, 0, tzinfo=dt.UTC)
    session.ends_at = dt.datetime(2030, 3, 4, 3, 0, tzinfo=dt.UTC)
    session.save()

    response = client.get(cohort.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Mon 4 March 2030, 09:00–11:00" in html
    assert "Times in Asia/Manila." in html
    assert "sign in to nominate" in html


def test_cohort_detail_unknown_slug_is_404(client):
    assert client.get("/training/cohorts/no-such-cohort/").status_code == 404


def test_cohort_detail_gives_a_focal_point_the_nomination_form(client):
    cohort = make_cohort()
    organisation = OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    colleague = make_nominee(organisation, name="Carlo Sagun")
    client.force_login(focal_point)

    response = client.get(cohort.get_absolute_url())

    [panel] = response.context["panels"]
    assert panel.organisation == organisation
    assert colleague in panel.people
    assert f'action="{reverse("training:cohort_nominate", args=[cohort.slug])}"' in (
        response.content.decode()
    )


def test_cohort_detail_tells_a_focal_point_its_country_is_not_eligible(client):
    cohort = make_cohort(eligible=("TH",))
    organisation = OrganisationFactory(country=Country.objects.get(code="PH"))
    client.force_login(member_of(organisation, focal_point=True))

    response = client.get(cohort.get_absolute_url())

    html = response.content.decode()
    assert "which is not among the countries this cohort is open to" in html
    assert 'name="motivation"' not in html


def test_cohort_detail_shows_the_nominee_the_state_of_their_nomination(client):
    cohort = make_cohort()
    organisation = OrganisationFactory()
    nominee_user = member_of(organisation)
    services.nominate_person(
        cohort=cohort,
        person=nominee_user.person,
        organisation=organisation,
        motivation="Our trainer.",
        by=member_of(organisation, focal_point=True),
    )
    client.force_login(nominee_user)

    response = client.get(cohort.get_absolute_url())

    assert response.context["own_registration"].status == RegistrationStatus.PENDING
    assert "Awaiting approval" in response.content.decode()


def test_cohort_detail_costs_the_same_for_a_focal_point_with_few_or_many_nominations(
    client, django_assert_num_queries
):
    cohort = make_cohort(sessions=1)
    organisation = OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    client.force_login(focal_point)

    def nominate():
        services.nominate_person(
            cohort=cohort,
            person=make_nominee(organisation),
            organisation=organisation,
            motivation="Motivated.",
            by=focal_point,
        )

    nominate()
    with CaptureQueriesContext(connection) as few:
        client.get(cohort.get_absolute_url())
    for _ in range(5):
        nominate()
        make_nominee(organisation)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(cohort.get_absolute_url())


# Nominating --------------------------------------------------------------------------------


def _nomination_post(organisation, person, motivation="Leads our SSE academy."):
    return {
        "organisation": organisation.pk,
        "person": person.pk,
        "mode": "online",
        "motivation": motivation,
    }


def test_nominate_creates_a_pending_nomination(client):
    cohort = make_cohort()
    organisation = OrganisationFactory()
    person = make_nominee(organisation)
    client.force_login(member_of(organisation, focal_point=True))

    response = client.post(
        reverse("training:cohort_nominate", args=[cohort.slug]),
        _nomination_post(organisation, person),
    )

    assert response.status_code == 302
    registration = Registration.objects.get(person=person)
    assert (registration.status, registration.motivation) == (
        RegistrationStatus.PENDING,
        "Leads our SSE academy.",
    )


def test_nominate_anonymous_is_sent_to_sign_in(client):
    cohort = make_cohort()
    url = reverse("training:cohort_nominate", args=[cohort.slug])

    response = client.post(url, {})

    assert response.status_code == 302
    assert response.url == _login_url(url)


def test_nominate_by_a_member_who_is_not_focal_point_is_403(client):
    cohort = make_cohort()
    organisation = OrganisationFactory()
    client.force_login(member_of(organisation))

    response = client.post(
        reverse("training:cohort_nominate", args=[cohort.slug]),
        _nomination_post(organisation, make_nominee(organisation)),
    )

    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_nominate_for_another_organisation_is_404(client):
    cohort = make_cohort()
    other = OrganisationFactory()
    client.force_login(member_of(OrganisationFactory(), focal_point=True))

    response = client.post(
        reverse("training:cohort_nominate", args=[cohort.slug]),
        _nomination_post(other, make_nominee(other)),
    )

    assert response.status_code == 404
    assert Registration.objects.count() == 0


def test_nominate_someone_of_another_organisation_is_refused(client):
    cohort = make_cohort()
    organisation = OrganisationFactory()
    stranger = make_nominee(OrganisationFactory())
    client.force_login(member_of(organisation, focal_point=True))

    response = client.post(
        reverse("training:cohort_nominate", args=[cohort.slug]),
        _nomination_post(organisation, stranger),
    )

    assert response.status_code == 400
    assert Registration.objects.count() == 0


def test_nominate_after_the_deadline_says_so_and_writes_nothing(client):
    cohort = make_cohort(opens_in=dt.timedelta(days=-10), deadline_in=dt.timedelta(hours=-1))
    organisation = OrganisationFactory()
    person = make_nominee(organisation)
    client.force_login(member_of(organisation, focal_point=True))

    response = client.post(
        reverse("training:cohort_nominate", args=[cohort.slug]),
        _nomination_post(organisation, person),
    )

    assert response.status_code == 400
    assert Registration.objects.count() == 0


def test_nominate_over_the_organisation_limit_shows_the_engines_message(client):
    cohort = make_cohort(seats_per_organisation=1)
    organisation = OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    services.nominate_person(
        cohort=cohort,
        person=make_nominee(organisation),
        organisation=organisation,
        motivation="First.",
        by=focal_point,
    )
    client.force_login(focal_point)
    cohort_page = cohort.get_absolute_url()

    page = client.get(cohort_page).content.decode()

    assert "Your organisation has used all its seats in this cohort." in page
    assert Registration.objects.count() == 1


def test_withdraw_nomination_by_its_focal_point(client):
    cohort = make_cohort()
    organisation = OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    registration = services.nominate_person(
        cohort=cohort,
        person=make_nominee(organisation),
        organisation=organisation,
        motivation="Because.",
        by=focal_point,
    )
    client.force_login(focal_point)

    response = client.post(reverse("training:nomination_withdraw", args=[registration.pk]))

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_withdraw_nomination_of_another_organisation_is_404(client):
    cohort = make_cohort()
    organisation = OrganisationFactory()
    registration = services.nominate_person(
        cohort=cohort,
        person=make_nominee(organisation),
        organisation=organisation,
        motivation="Because.",
        by=member_of(organisation, focal_point=True),
    )
    client.force_login(member_of(OrganisationFactory(), focal_point=True))

    response = client.post(reverse("training:nomination_withdraw", args=[registration.pk]))

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


# Review ------------------------------------------------------------------------------------


def _nominations(cohort, count):
    registrations = []
    for index in range(count):
        organisation = OrganisationFactory(
            country=Country.objects.get(code=("PH", "TH", "MY")[index % 3])
        )
        registrations.append(
            services.nominate_person(
                cohort=cohort,
                person=make_nominee(organisation, gender="woman"),
                organisation=organisation,
                motivation=f"Motivation number {index}.",
                by=member_of(organisation, focal_point=True),
            )
        )
    return registrations


def test_review_shows_nominations_side_by_side(client):
    cohort = make_cohort(online_capacity=10, seats_per_organisation=2)
    [registration] = _nominations(cohort, 1)
    client.force_login(staff_user())

    response = client.get(reverse("training:cohort_review", args=[cohort.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        registration.person.full_name,
        registration.organisation.name,
        "Philippines",
        "Woman",
        "Motivation number 0.",
        "1 of 2 seats",
    ):
        assert text in html
    assert [row.country for row in response.context["balance"]] == ["Philippines"]
    assert [(row.capacity, row.left) for row in response.context["seats"]] == [(10, 10)]


def test_review_anonymous_is_sent_to_sign_in_and_members_get_403(client):
    cohort = make_cohort()
    url = reverse("training:cohort_review", args=[cohort.slug])

    anonymous = client.get(url)
    client.force_login(member_of(OrganisationFactory(), focal_point=True))
    member = client.get(url)

    assert (anonymous.status_code, anonymous.url) == (302, _login_url(url))
    assert member.status_code == 403


def test_review_costs_the_same_with_few_or_many_nominations(client, django_assert_num_queries):
    cohort = make_cohort()
    _nominations(cohort, 1)
    client.force_login(staff_user())
    url = reverse("training:cohort_review", args=[cohort.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _nominations(cohort, 6)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_decide_accepts_a_nomination(client):
    cohort = make_cohort()
    [registration] = _nominations(cohort, 1)
    client.force_login(staff_user())

    response = client.post(
        reverse("training:nomination_decide", args=[registration.pk]), {"decision": "confirm"}
    )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_decide_decline_without_reason_is_refused(client):
    cohort = make_cohort()
    [registration] = _nominations(cohort, 1)
    client.force_login(staff_user())

    response = client.post(
        reverse("training:nomination_decide", args=[registration.pk]), {"decision": "decline"}
    )

    assert response.status_code == 400
    assert "Give the reason for declining." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_decide_over_capacity_shows_the_engines_refusal(client):
    cohort = make_cohort(online_capacity=1)
    first, second = _nominations(cohort, 2)
    client.force_login(staff_user())
    url = reverse("training:nomination_decide", args=[second.pk])
    client.post(reverse("training:nomination_decide", args=[first.pk]), {"decision": "confirm"})

    response = client.post(url, {"decision": "confirm"})

    assert response.status_code == 400
    assert "No online seat is left" in response.content.decode()


def test_decide_by_a_focal_point_is_403(client):
    cohort = make_cohort()
    [registration] = _nominations(cohort, 1)
    client.force_login(member_of(registration.organisation, focal_point=True))

    response = client.post(
        reverse("training:nomination_decide", args=[registration.pk]), {"decision": "confirm"}
    )

    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


# Attendance and progress -------------------------------------------------------------------


def test_attendance_grid_records_the_ticked_people_present(client):
    cohort = make_ended_cohort(sessions=2)
    present, absent = enrol(cohort), enrol(cohort)
    session = cohort.sessions.order_by("starts_at").first()
    client.force_login(staff_user())
    url = reverse("training:session_attendance", args=[session.pk])

    page = client.get(url)
    response = client.post(url, {"present": [present.pk]})

    assert page.status_code == 200
    assert f'name="present" value="{present.pk}"' in page.content.decode()
    assert response.status_code == 302
    assert dict(session.attendances.values_list("registration_id", "present")) == {
        present.pk: True,
        absent.pk: False,
    }


def test_attendance_grid_saving_the_last_session_issues_certificates(client):
    cohort = make_ended_cohort(sessions=1, threshold=100)
    registration = enrol(cohort)
    session = cohort.sessions.get()
    client.force_login(staff_user())

    response = client.post(
        reverse("training:session_attendance", args=[session.pk]),
        {"present": [registration.pk]},
        follow=True,
    )

    assert "1 certificate issued." in response.content.decode()
    assert Certificate.objects.filter(registration=registration).count() == 1


def test_attendance_grid_refuses_an_unknown_person_and_saves_nothing(client):
    cohort = make_ended_cohort(sessions=1)
    enrol(cohort)
    session = cohort.sessions.get()
    client.force_login(staff_user())

    response = client.post(
        reverse("training:session_attendance", args=[session.pk]), {"present": ["999999"]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert SessionAttendance.objects.count() == 0


def test_attendance_grid_is_for_staff_only(client):
    cohort = make_ended_cohort(sessions=1)
    session = cohort.sessions.get()
    url = reverse("training:session_attendance", args=[session.pk])

    anonymous = client.get(url)
    client.force_login(member_of(OrganisationFactory(), focal_point=True))
    member = client.get(url)

    assert anonymous.status_code == 302
    assert member.status_code == 403


def test_attendance_grid_costs_the_same_with_few_or_many_people(client, django_assert_num_queries):
    cohort = make_ended_cohort(sessions=1)
    enrol(cohort)
    session = cohort.sessions.get()
    client.force_login(staff_user())
    url = reverse("training:session_attendance", args=[session.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        enrol(cohort)

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_progress_page_shows_who_is_on_track(client):
    cohort = make_ended_cohort(sessions=2, threshold=100)
    registration = enrol(cohort)
    attend_all(cohort, [registration])
    client.force_login(staff_user())

    response = client.get(reverse("training:cohort_progress", args=[cohort.slug]))

    assert response.status_code == 200
    assert "Completed, certificate issued" in response.content.decode()


def test_progress_page_is_for_staff_only(client):
    cohort = make_cohort()
    client.force_login(member_of(OrganisationFactory()))

    response = client.get(reverse("training:cohort_progress", args=[cohort.slug]))

    assert response.status_code == 403


def test_progress_page_costs_the_same_with_few_or_many_people(client, django_assert_num_queries):
    cohort = make_ended_cohort(sessions=2, threshold=50)
    attend_all(cohort, [enrol(cohort)])
    client.force_login(staff_user())
    url = reverse("training:cohort_progress", args=[cohort.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    attend_all(cohort, [enrol(cohort) for _ in range(6)])

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_issue_certificates_button_issues_what_early_attendance_left(client):
    cohort = make_cohort(
        starts_in=dt.timedelta(days=-3),
        opens_in=dt.timedelta(days=-20),
        deadline_in=dt.timedelta(days=-10),
        sessions=1,
    )
    registration = enrol(cohort)
    services.record_attendance(
        session=cohort.sessions.get(),
        present_registration_ids=[registration.pk],
        by=None,
        now=cohort.activity.starts_at + dt.timedelta(minutes=1),
    )
    client.force_login(staff_user())

    response = client.post(reverse("training:cohort_issue_certificates", args=[cohort.slug]))

    assert response.status_code == 302
    assert Certificate.objects.filter(registration=registration).count() == 1


def test_issue_certificates_before_the_end_issues_nothing(client):
    cohort = make_cohort()
    client.force_login(staff_user())

    response = client.post(
        reverse("training:cohort_issue_certificates", args=[cohort.slug]), follow=True
    )

    assert "once the last session is over" in response.content.decode()
    assert Certificate.objects.count() == 0


# Staff: cohorts and sessions ---------------------------------------------------------------


def _cohort_post(course=None, **changes):
    data = {
        "title": "Third cohort",
        "slug": "third-cohort",
        "description": "",
        "delivery_mode": "hybrid",
        "place": "Bangkok",
        "country": "TH",
        "time_zone": "Asia/Bangkok",
        "starts_at": "2031-02-03T09:00",
        "ends_at": "2031-02-07T12:00",
        "nominations_open_at": "2030-11-01T09:00",
        "nomination_deadline": "2031-01-10T23:59",
        "onsite_capacity": "20",
        "online_capacity": "",
        "seats_per_organisation": "2",
        "eligible_countries": ["TH", "PH"],
        "completion_threshold_percent": "80",
    }
    if course is not None:
        data["course"] = course.pk
    data.update(changes)
    return data


def test_staff_create_a_cohort_with_times_in_its_time_zone(client):
    course = make_course(modules=1)
    client.force_login(staff_user())

    response = client.post(reverse("training:cohort_create"), _cohort_post(course))

    assert response.status_code == 302
    cohort = Cohort.objects.get(slug="third-cohort")
    activity = cohort.activity
    assert activity.starts_at == dt.datetime(2031, 2, 3, 2, 0, tzinfo=dt.UTC)
    assert (activity.allows_onsite, activity.allows_online, activity.country_id) == (
        True,
        True,
        "TH",
    )
    assert activity.onsite_capacity == 20
    assert activity.online_capacity is None
    assert sorted(cohort.eligible_countries.values_list("code", flat=True)) == ["PH", "TH"]


def test_create_cohort_is_for_staff_only(client):
    client.force_login(member_of(OrganisationFactory(), focal_point=True))

    response = client.post(reverse("training:cohort_create"), _cohort_post(make_course()))

    assert response.status_code == 403
    assert Cohort.objects.count() == 0


def test_staff_edit_a_cohort(client):
    cohort = make_cohort()
    client.force_login(staff_user())
    url = reverse("training:cohort_update", args=[cohort.slug])

    page = client.get(url)
    data = {k: v for k, v in _cohort_post(title="Renamed").items() if k != "slug"}
    response = client.post(url, data)

    assert page.status_code == 200
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.title == "Renamed"
    assert cohort.activity.title.endswith(": Renamed")


def test_staff_add_a_session(client):
    cohort = make_cohort(sessions=0)
    module = cohort.course.modules.first()
    client.force_login(staff_user())

    response = client.post(
        reverse("training:session_create", args=[cohort.slug]),
        {
            "module": module.pk,
            "title": "",
            "starts_at": "2031-02-03T09:00",
            "ends_at": "2031-02-03T11:00",
        },
    )

    assert response.status_code == 302
    session = CohortSession.objects.get(cohort=cohort)
    assert session.starts_at == dt.datetime(2031, 2, 3, 1, 0, tzinfo=dt.UTC)


def test_add_session_refuses_an_end_before_the_start(client):
    cohort = make_cohort(sessions=0)
    client.force_login(staff_user())

    response = client.post(
        reverse("training:session_create", args=[cohort.slug]),
        {
            "module": cohort.course.modules.first().pk,
            "starts_at": "2031-02-03T09:00",
            "ends_at": "2031-02-03T08:00",
        },
    )

    assert response.status_code == 200
    assert CohortSession.objects.count() == 0


def test_session_edit_is_for_staff_only(client):
    cohort = make_cohort(sessions=1)
    client.force_login(member_of(OrganisationFactory()))

    response = client.get(reverse("training:session_update", args=[cohort.sessions.get().pk]))

    assert response.status_code == 403


# Certificates ------------------------------------------------------------------------------


def test_verification_of_a_valid_certificate_shows_name_course_cohort_and_date(client):
    person = make_nominee(name="สมชาย ใจดี", email="somchai@example.org")
    certificate = _certificate(person=person)
    cohort = certificate.registration.activity.training_cohort

    response = client.get(certificate.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "This certificate is valid." in html
    for text in ("สมชาย ใจดี", cohort.course.title, cohort.title, response.context["issued_on"]):
        assert text in html
    assert "somchai@example.org" not in html
    assert certificate.registration.organisation.name not in html


def test_verification_of_an_unknown_code_says_so(client):
    response = client.get(reverse("training:certificate_verify", args=[VALID_LOOKING_CODE]))

    assert response.status_code == 404
    assert "This code is unknown" in response.content.decode()


def test_verification_of_a_malformed_code_says_so_without_a_lookup(client):
    url = reverse("training:certificate_verify", args=["not-a-code"])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 404
    assert "This is not a certificate code." in response.content.decode()
    assert not any("training_certificate" in q["sql"] for q in queries.captured_queries)


def test_verification_of_a_revoked_certificate_says_revoked(client):
    certificate = _certificate(person=make_nominee(name="Juan dela Cruz"))
    services.revoke_certificate(certificate=certificate, by=staff_user(), reason="Wrong person.")

    response = client.get(certificate.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "This certificate has been revoked and is no longer valid." in html
    assert "Juan dela Cruz" not in html
    assert "Wrong person." not in html


def test_certificate_pdf_for_the_participant(client):
    organisation = OrganisationFactory()
    user = member_of(organisation)
    certificate = _certificate(person=user.person, organisation=organisation)
    client.force_login(user)

    response = client.get(certificate.get_pdf_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_certificate_pdf_for_the_focal_point_and_staff(client):
    organisation = OrganisationFactory()
    certificate = _certificate(organisation=organisation)

    client.force_login(member_of(organisation, focal_point=True))
    focal_point = client.get(certificate.get_pdf_url())
    client.force_login(staff_user())
    staff = client.get(certificate.get_pdf_url())

    assert (focal_point.status_code, staff.status_code) == (200, 200)


def test_certificate_pdf_permissions_between_organisations(client):
    organisation = OrganisationFactory()
    certificate = _certificate(organisation=organisation)
    url = certificate.get_pdf_url()

    anonymous = client.get(url)
    client.force_login(member_of(OrganisationFactory(), focal_point=True))
    other_organisation = client.get(url)
    client.force_login(member_of(organisation))
    colleague = client.get(url)

    assert (anonymous.status_code, anonymous.url) == (302, _login_url(url))
    assert other_organisation.status_code == 404
    assert colleague.status_code == 403


def test_certificate_pdf_of_a_revoked_or_unknown_certificate_is_404(client):
    organisation = OrganisationFactory()
    user = member_of(organisation)
    certificate = _certificate(person=user.person, organisation=organisation)
    services.revoke_certificate(certificate=certificate, by=staff_user(), reason="Mistake.")
    client.force_login(user)

    revoked = client.get(certificate.get_pdf_url())
    unknown = client.get(reverse("training:certificate_pdf", args=[VALID_LOOKING_CODE]))
    malformed = client.get(reverse("training:certificate_pdf", args=["x"]))

    assert (revoked.status_code, unknown.status_code, malformed.status_code) == (404, 404, 404)


def test_staff_revoke_a_certificate_with_a_reason(client):
    certificate = _certificate()
    client.force_login(staff_user())
    url = reverse("training:certificate_revoke", args=[certificate.code])

    page = client.get(url)
    response = client.post(url, {"reason": "Attendance was recorded for the wrong person."})

    assert page.status_code == 200
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Attendance was recorded for the wrong person."


def test_revoke_is_for_staff_only(client):
    organisation = OrganisationFactory()
    certificate = _certificate(organisation=organisation)
    client.force_login(member_of(organisation, focal_point=True))

    response = client.post(
        reverse("training:certificate_revoke", args=[certificate.code]), {"reason": "No."}
    )

    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.is_revoked is False


# Readiness and the home page ---------------------------------------------------------------


def test_readiness_page_lists_upcoming_dialogues_with_host_figures(client):
    dialogue = ActivityFactory(
        kind=ActivityKind.POLICY_DIALOGUE,
        title="Policy Dialogue 2028",
        country=Country.objects.get(code="TH"),
        starts_at=timezone.now() + dt.timedelta(days=400),
        registration_opens_at=None,
        registration_closes_at=None,
    )
    _certificate(organisation=OrganisationFactory(country=Country.objects.get(code="TH")))

    response = client.get(reverse("readiness:index"))

    assert response.status_code == 200
    [row] = [row for row in response.context["rows"] if row.dialogue == dialogue]
    assert (row.people, row.organisations) == (1, 1)
    assert "Policy Dialogue 2028" in response.content.decode()


def test_readiness_page_costs_the_same_with_few_or_many_rows(client, django_assert_num_queries):
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("readiness:index"))
    for code in ("TH", "PH", "VN"):
        country = Country.objects.get(code=code)
        ActivityFactory(
            kind=ActivityKind.POLICY_DIALOGUE,
            country=country,
            registration_opens_at=None,
            registration_closes_at=None,
        )
        _certificate(organisation=OrganisationFactory(country=country))

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("readiness:index"))


def test_home_page_shows_the_training_card_with_people_trained(client):
    _certificate()

    response = client.get("/")

    html = response.content.decode()
    assert "ASEAN SSE for SDGs Training Course" in html
    assert "people trained" in html
