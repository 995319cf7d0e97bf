"""The training course in the secretariat console: cohorts, nominations, certificates."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations.models import Registration
from tests.factories import OrganisationFactory, country, member_of, staff_user
from tests.training.builders import (
    attend_all,
    enrol,
    make_cohort,
    make_course,
    make_ended_cohort,
    make_nominee,
)
from training import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return staff_user(email="secretariat@example.org")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def url(name, *args):
    return reverse(f"training_console:{name}", args=args)


def row_ids(response) -> list[int]:
    return [row["pk"] for row in response.context["rows"]]


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def nominate(cohort, organisation=None, *, motivation="Leads our SSE work.", **person_kwargs):
    organisation = organisation or OrganisationFactory()
    focal_point = member_of(organisation, focal_point=True)
    person = make_nominee(organisation, **person_kwargs)
    return services.nominate_person(
        cohort=cohort,
        person=person,
        organisation=organisation,
        motivation=motivation,
        by=focal_point,
    )


def certificate_for(cohort, **person_kwargs):
    organisation = OrganisationFactory()
    registration = enrol(
        cohort, person=make_nominee(organisation, **person_kwargs), organisation=organisation
    )
    [certificate] = attend_all(cohort, [registration])
    return certificate


def status_of(registration) -> str:
    return Registration.objects.get(pk=registration.pk).status


# Access -------------------------------------------------------------------------------------

PAGES = ["cohort_list", "nomination_list", "certificate_list", "nomination_export"]


@pytest.mark.parametrize("page", PAGES)
def test_console_lists_send_anonymous_visitors_to_sign_in(client, page):
    response = client.get(url(page))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("page", PAGES)
def test_console_lists_refuse_members_without_the_console_permission(client, page):
    client.force_login(member_of(OrganisationFactory(), focal_point=True))

    response = client.get(url(page))

    assert response.status_code == 403


def test_bulk_decisions_refuse_members(client):
    registration = nominate(make_cohort())
    client.force_login(member_of(registration.organisation, focal_point=True))

    response = client.post(
        url("nomination_bulk"), {"action": "accept", "ids": [registration.pk], "confirmed": "1"}
    )

    assert response.status_code == 403
    assert status_of(registration) == "pending"


def test_cohort_page_links_to_review_progress_and_attendance(staff_client):
    cohort = make_cohort(sessions=2)

    listing = staff_client.get(url("cohort_list"))
    detail = staff_client.get(url("cohort_detail", cohort.pk))

    assert listing.status_code == 200
    assert row_ids(listing) == [cohort.pk]
    page = detail.content.decode()
    assert reverse("training:cohort_review", kwargs={"slug": cohort.slug}) in page
    assert reverse("training:cohort_progress", kwargs={"slug": cohort.slug}) in page
    for session in cohort.sessions.all():
        assert session.get_attendance_url() in page


def test_certificate_page_links_to_revoke_only_while_valid(staff_client, staff):
    certificate = certificate_for(make_ended_cohort(sessions=1, threshold=100))
    revoke_url = reverse("training:certificate_revoke", kwargs={"code": certificate.code})

    valid = staff_client.get(url("certificate_detail", certificate.pk))
    services.revoke_certificate(certificate=certificate, by=staff, reason="Issued in error.")
    revoked = staff_client.get(url("certificate_detail", certificate.pk))

    assert valid.context["revoke_url"] == revoke_url
    assert revoked.context["revoke_url"] == ""


# Filters ------------------------------------------------------------------------------------


def test_cohort_list_filters_by_course_status_and_dates(staff_client):
    course = make_course(modules=1)
    wanted = make_cohort(course=course, sessions=1, starts_in=dt.timedelta(days=40))
    make_cohort(course=course, sessions=1, starts_in=dt.timedelta(days=200))
    make_cohort(sessions=1, starts_in=dt.timedelta(days=40))
    start = wanted.activity.starts_at.date()

    response = staff_client.get(
        url("cohort_list"),
        {
            "course": course.pk,
            "status": wanted.activity.status,
            "starts_after": (start - dt.timedelta(days=2)).isoformat(),
            "starts_before": (start + dt.timedelta(days=2)).isoformat(),
        },
    )

    assert row_ids(response) == [wanted.pk]


def test_nomination_list_filters_by_cohort_status_and_country(staff_client, staff):
    cohort = make_cohort()
    wanted = nominate(cohort, OrganisationFactory(country=country("TH")))
    nominate(cohort, OrganisationFactory(country=country("VN")))
    decided = nominate(cohort, OrganisationFactory(country=country("TH")))
    services.decide_nomination(registration=decided, decision="waitlist", by=staff)
    nominate(make_cohort(), OrganisationFactory(country=country("TH")))

    response = staff_client.get(
        url("nomination_list"),
        {"cohort": cohort.pk, "status": "pending", "country": country("TH").pk},
    )

    assert row_ids(response) == [wanted.pk]


def test_nomination_search_ignores_case_and_diacritics(staff_client):
    cohort = make_cohort()
    wanted = nominate(cohort, name="Trần Văn Đức")
    nominate(cohort, name="Ana Reyes")

    response = staff_client.get(url("nomination_list"), {"q": "tran van duc"})

    assert row_ids(response) == [wanted.pk]


def test_nomination_list_holds_only_training_registrations(staff_client):
    from tests.factories import RegistrationFactory

    RegistrationFactory()
    wanted = nominate(make_cohort())

    response = staff_client.get(url("nomination_list"))

    assert row_ids(response) == [wanted.pk]


def test_certificate_list_filters_by_state_and_finds_people_without_diacritics(staff_client, staff):
    cohort = make_ended_cohort(sessions=1, threshold=100)
    wanted = certificate_for(cohort, name="Nguyễn Thị Hằng")
    certificate_for(cohort, name="Ana Reyes")
    revoked = certificate_for(cohort, name="Nguyễn Văn Nam")
    services.revoke_certificate(certificate=revoked, by=staff, reason="Issued in error.")

    response = staff_client.get(url("certificate_list"), {"q": "nguyen", "state": "valid"})
    by_code = staff_client.get(url("certificate_list"), {"q": revoked.code})

    assert row_ids(response) == [wanted.pk]
    assert row_ids(by_code) == [revoked.pk]


# Bulk decisions ------------------------------------------------------------------------------


def test_bulk_accept_accepts_while_seats_last_and_tells_the_focal_points(staff_client):
    cohort = make_cohort(online_capacity=1)
    first, second = nominate(cohort), nominate(cohort)
    OutboxMessage.objects.all().delete()
    mail.outbox.clear()

    confirmation = staff_client.post(
        url("nomination_bulk"), {"action": "accept", "ids": [first.pk, second.pk]}
    )
    result = staff_client.post(
        url("nomination_bulk"),
        {
            "action": "accept",
            "ids": [first.pk, second.pk],
            "confirmed": "1",
            "parameters-reason": "Welcome.",
        },
    )

    assert confirmation.status_code == 200
    assert confirmation.context["description"] == (
        "This will accept 2 nominations while seats last; the nominees and their focal "
        "points are told by e-mail."
    )
    assert [row["result"].ok for row in result.context["results"]] == [True, False]
    assert status_of(first) == "confirmed"
    assert status_of(second) == "pending"
    topics = sorted(OutboxMessage.objects.values_list("topic", flat=True))
    assert "training.nomination.confirmed" in topics


def test_bulk_decline_needs_a_reason_and_then_declines_with_it(staff_client):
    cohort = make_cohort()
    registration = nominate(cohort)
    ids = {"action": "decline", "ids": [registration.pk], "confirmed": "1"}

    asked_again = staff_client.post(url("nomination_bulk"), ids)
    status_between = status_of(registration)
    staff_client.post(url("nomination_bulk"), {**ids, "parameters-reason": "Seats are full."})

    assert asked_again.status_code == 200
    assert asked_again.context["form"].errors["reason"] == ["This field is required."]
    assert status_between == "pending"
    declined = Registration.objects.get(pk=registration.pk)
    assert (declined.status, declined.decision_reason) == ("declined", "Seats are full.")


def test_bulk_waitlist_puts_nominations_on_the_waitlist_when_the_cohort_is_full(
    staff_client, staff
):
    cohort = make_cohort(online_capacity=1)
    services.decide_nomination(registration=nominate(cohort), decision="confirm", by=staff)
    registrations = [nominate(cohort), nominate(cohort)]

    staff_client.post(
        url("nomination_bulk"),
        {"action": "waitlist", "ids": [r.pk for r in registrations], "confirmed": "1"},
    )

    assert [status_of(r) for r in registrations] == ["waitlisted", "waitlisted"]


# Exports ------------------------------------------------------------------------------------


def test_nomination_export_leaves_personal_data_out_unless_asked(staff_client):
    cohort = make_cohort()
    organisation = OrganisationFactory(name="Bina Swadaya", country=country("ID"))
    registration = nominate(
        cohort,
        organisation,
        name="Siti Rahma",
        email="siti@example.org",
        motivation="Runs the cooperative school.",
    )

    default = rows_of(staff_client.get(url("nomination_export")))
    chosen = rows_of(
        staff_client.get(
            url("nomination_export"), {"columns": "person,email,organisation,country,motivation"}
        )
    )

    assert default == [
        [
            "Person",
            "Organisation",
            "Country",
            "Cohort",
            "Mode",
            "Status",
            "Nominated",
            "Decided",
            "Reason for the decision",
        ],
        [
            "Siti Rahma",
            "Bina Swadaya",
            "Indonesia",
            cohort.title,
            "Online",
            "Awaiting approval",
            timezone.localtime(registration.requested_at).strftime("%Y-%m-%d %H:%M"),
            "",
            "",
        ],
    ]
    assert chosen == [
        ["Person", "E-mail", "Organisation", "Country", "Motivation"],
        [
            "Siti Rahma",
            "siti@example.org",
            "Bina Swadaya",
            "Indonesia",
            "Runs the cooperative school.",
        ],
    ]


def test_certificate_export_columns(staff_client):
    cohort = make_ended_cohort(sessions=1, threshold=100)
    certificate = certificate_for(cohort, name="Ana Reyes", email="ana@example.org")

    default = staff_client.get(url("certificate_export"))
    chosen = staff_client.get(url("certificate_export"), {"columns": "code,email,revoked"})

    assert rows_of(default)[0] == [
        "Code",
        "Person",
        "Organisation",
        "Cohort",
        "Course",
        "Issued",
        "Revoked",
        "Revoked on",
        "Reason for revoking",
    ]
    assert rows_of(chosen) == [
        ["Code", "E-mail", "Revoked"],
        [certificate.code, "ana@example.org", "no"],
    ]


# Dashboard ----------------------------------------------------------------------------------


def test_dashboard_counts_nominations_waiting_and_deadlines_this_week(staff_client, staff):
    closing = make_cohort(sessions=1, deadline_in=dt.timedelta(days=3))
    later = make_cohort(sessions=1, deadline_in=dt.timedelta(days=20))
    nominate(closing)
    nominate(later)
    decided = nominate(later)
    services.decide_nomination(registration=decided, decision="waitlist", by=staff)
    make_ended_cohort(sessions=1)

    response = staff_client.get(reverse("console:dashboard"))

    items = {item["key"]: item for item in response.context["items"]}
    assert items["training_nominations_pending"]["count"] == 2
    assert items["training_nominations_pending"]["url"] == (
        url("nomination_list") + "?status=pending&when=upcoming"
    )
    assert items["training_deadline_soon"]["count"] == 1
    listing = staff_client.get(url("cohort_list"), {"deadline": "week"})
    assert row_ids(listing) == [closing.pk]
    pending = staff_client.get(url("nomination_list"), {"status": "pending", "when": "upcoming"})
    assert len(row_ids(pending)) == 2


# Query counts -------------------------------------------------------------------------------


def _cohorts(count):
    course = make_course(modules=1)
    for _ in range(count):
        nominate(make_cohort(course=course, sessions=1))


def _nominations(count):
    cohort = make_cohort(sessions=1)
    for _ in range(count):
        nominate(cohort)


def _certificates(count):
    cohort = make_ended_cohort(sessions=1, threshold=100)
    registrations = [enrol(cohort) for _ in range(count)]
    attend_all(cohort, registrations)


@pytest.mark.parametrize(
    ("page", "arrange"),
    [
        ("cohort_list", _cohorts),
        ("nomination_list", _nominations),
        ("certificate_list", _certificates),
    ],
)
def test_list_pages_cost_the_same_queries_for_few_and_many_rows(
    page, arrange, staff_client, django_assert_num_queries
):
    arrange(2)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url(page))
    arrange(20)

    with django_assert_num_queries(len(few)):
        response = staff_client.get(url(page))

    assert len(response.context["rows"]) > 2
