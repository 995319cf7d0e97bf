"""The console's lists across activities: filters, exports, query counts and every bulk action."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations import services
from roadmap_portal.registrations.models import (
    Access,
    Invitation,
    InvitationStatus,
    Registration,
    Role,
)
from roadmap_portal.registrations.services import mark_attended
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    RegistrationFactory,
    member_of,
)
from tests.registrations.conftest import colleague_of

pytestmark = pytest.mark.django_db

LIST = "participation_console:registration_list"
BULK = "participation_console:registration_bulk"


def register(activity, organisation, by, **kwargs):
    return services.register_person(
        activity=activity,
        person=colleague_of(organisation, **kwargs),
        organisation=organisation,
        mode="onsite",
        by=by,
    )


def bulk(client, action, registrations, *, confirmed=True, **parameters):
    data = {"action": action, "ids": [str(r.pk) for r in registrations], "next": reverse(LIST)}
    if confirmed:
        data["confirmed"] = "1"
    data.update({f"parameters-{name}": value for name, value in parameters.items()})
    return client.post(reverse(BULK), data)


def results_of(response) -> list[tuple[bool, str]]:
    return [(row["result"].ok, row["result"].message) for row in response.context["results"]]


def past_activity(*, days: int):
    starts_at = timezone.now() - dt.timedelta(days=days)
    return ActivityFactory(
        starts_at=starts_at, registration_opens_at=starts_at - dt.timedelta(days=30)
    )


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def approval_activity(db):
    return ActivityFactory(title="Policy Dialogue", onsite_capacity=2, requires_approval=True)


# Bulk actions --------------------------------------------------------------------------------


def test_bulk_action_first_shows_what_it_will_do_and_changes_nothing(
    staff_client, approval_activity, organisation, staff
):
    pending = [register(approval_activity, organisation, staff) for _ in range(3)]

    response = bulk(staff_client, "decline", pending, confirmed=False)

    assert response.status_code == 200
    assert response.context["description"] == (
        "This will decline 3 registrations; the seats they held go to the people waiting."
    )
    assert [pk for pk, _label, _url in response.context["row_labels"]] == [r.pk for r in pending]
    assert statuses(*pending) == ["pending"] * 3


def test_bulk_confirm_confirms_while_seats_last_and_reports_each_row(
    staff_client, approval_activity, organisation, staff
):
    first, second, third = (register(approval_activity, organisation, staff) for _ in range(3))

    response = bulk(staff_client, "confirm", [first, second, third])

    assert statuses(first, second, third) == ["confirmed", "confirmed", "pending"]
    assert results_of(response) == [
        (True, "Confirmed"),
        (True, "Confirmed"),
        (False, "No onsite seat is left: raise the capacity or use the waitlist."),
    ]
    assert response.context["succeeded"] == 2
    assert response.context["refused_count"] == 1


def test_bulk_waitlist_puts_pending_registrations_on_the_waitlist(
    staff_client, organisation, staff
):
    activity = ActivityFactory(onsite_capacity=0, requires_approval=True)
    pending = [register(activity, organisation, staff) for _ in range(2)]

    bulk(staff_client, "waitlist", pending)

    assert statuses(*pending) == ["waitlisted", "waitlisted"]


def test_bulk_decline_tells_the_reason_and_promotes_the_waitlist(
    staff_client, activity, organisation, staff
):
    seated = [register(activity, organisation, staff) for _ in range(2)]
    waiting = register(activity, organisation, staff)
    OutboxMessage.objects.all().delete()

    response = bulk(staff_client, "decline", seated[:1], reason="Seats are for speakers")

    assert statuses(seated[0], waiting) == ["declined", "confirmed"]
    assert Registration.objects.get(pk=seated[0].pk).decision_reason == "Seats are for speakers"
    assert results_of(response) == [(True, "Declined")]
    assert sorted(OutboxMessage.objects.values_list("topic", flat=True)) == [
        "registration.declined",
        "registration.promoted",
    ]


def test_bulk_cancel_promotes_and_refuses_what_is_already_cancelled(
    staff_client, activity, organisation, staff
):
    seated = register(activity, organisation, staff)
    register(activity, organisation, staff)
    waiting = register(activity, organisation, staff)
    gone = register(activity, organisation, staff)
    services.cancel_registration(registration=gone, by=staff)

    response = bulk(staff_client, "cancel", [seated, gone])

    assert statuses(seated, waiting) == ["cancelled", "confirmed"]
    assert results_of(response) == [(True, "Cancelled"), (False, "Already cancelled.")]


def test_bulk_mark_attended_records_confirmed_participants_of_started_activities(
    staff_client, organisation
):
    past = past_activity(days=2)
    came = RegistrationFactory(activity=past, organisation=organisation)
    waiting = RegistrationFactory(activity=past, organisation=organisation, status="waitlisted")

    response = bulk(staff_client, "attended", [came, waiting])

    assert Registration.objects.get(pk=came.pk).attended is True
    assert Registration.objects.get(pk=waiting.pk).attended is None
    assert results_of(response) == [
        (True, "Attended"),
        (False, f"{waiting.person} is not a confirmed participant (waitlisted)."),
    ]


def test_bulk_mark_not_attended(staff_client, organisation):
    past = past_activity(days=2)
    absent = RegistrationFactory(activity=past, organisation=organisation, attended=True)

    bulk(staff_client, "not_attended", [absent])

    assert Registration.objects.get(pk=absent.pk).attended is False


def test_bulk_assign_role_confirms_a_speaker_outside_capacity(
    staff_client, approval_activity, organisation, staff
):
    pending = register(approval_activity, organisation, staff)

    response = bulk(staff_client, "assign_role", [pending], role="speaker", role_label="Panel")

    registration = Registration.objects.get(pk=pending.pk)
    assert (registration.role, registration.role_label, registration.status) == (
        Role.SPEAKER,
        "Panel",
        "confirmed",
    )
    assert results_of(response) == [(True, "Panel")]


def test_bulk_action_with_a_missing_parameter_asks_again(
    staff_client, approval_activity, organisation, staff
):
    pending = register(approval_activity, organisation, staff)

    response = bulk(staff_client, "assign_role", [pending], role="")

    assert response.status_code == 200
    assert response.context["form"].errors == {"role": ["This field is required."]}
    assert Registration.objects.get(pk=pending.pk).role == Role.PARTICIPANT


def test_bulk_without_rows_or_action_goes_back_with_a_message(staff_client):
    response = staff_client.post(reverse(BULK), {"action": "confirm", "next": reverse(LIST)})

    assert response.status_code == 302
    assert response.url == reverse(LIST)


def test_bulk_send_invitations_invites_again_only_declined_organisations(staff_client, staff):
    activity = ActivityFactory(access=Access.INVITATION)
    declined_org, pending_org = OrganisationFactory(), OrganisationFactory()
    member_of(declined_org, focal_point=True)
    declined = services.invite_organisation(activity=activity, organisation=declined_org, by=staff)
    Invitation.objects.filter(pk=declined.pk).update(status=InvitationStatus.DECLINED)
    pending = services.invite_organisation(activity=activity, organisation=pending_org, by=staff)

    response = staff_client.post(
        reverse("participation_console:invitation_bulk"),
        {
            "action": "send",
            "ids": [declined.pk, pending.pk],
            "confirmed": "1",
            "parameters-message": "Please join us",
        },
    )

    assert [Invitation.objects.get(pk=i.pk).status for i in (declined, pending)] == [
        "pending",
        "pending",
    ]
    assert results_of(response) == [
        (True, "Invited again; the focal points are told by e-mail."),
        (False, "Already awaiting an answer; nothing was sent."),
    ]
    assert Invitation.objects.get(pk=declined.pk).message == "Please join us"


# mark_attended ------------------------------------------------------------------------------


def test_mark_attended_refuses_everything_when_one_activity_has_not_started(staff, organisation):
    past = past_activity(days=1)
    future = ActivityFactory()
    done = RegistrationFactory(activity=past, organisation=organisation)
    early = RegistrationFactory(activity=future, organisation=organisation)

    with pytest.raises(ValidationError) as refusal:
        mark_attended(registrations=[done, early], attended=True, by=staff)

    assert refusal.value.messages == [f"{future} has not started yet."]
    assert Registration.objects.get(pk=done.pk).attended is None


def test_mark_attended_is_for_staff_only(organisation):
    past = past_activity(days=1)
    registration = RegistrationFactory(activity=past, organisation=organisation)

    with pytest.raises(PermissionDenied):
        mark_attended(
            registrations=[registration],
            attended=True,
            by=member_of(organisation, focal_point=True),
        )


def test_mark_attended_twice_adds_no_history(staff, organisation):
    past = past_activity(days=1)
    registration = RegistrationFactory(activity=past, organisation=organisation)
    mark_attended(registrations=[registration], attended=True, by=staff)
    rows = registration.history.count()

    changed = mark_attended(registrations=[registration], attended=True, by=staff)

    assert changed == []
    assert registration.history.count() == rows
    assert registration.history.first().history_user == staff


# Filters, search and exports ----------------------------------------------------------------


def test_registration_list_filters_by_status_and_time(staff_client, organisation):
    upcoming = ActivityFactory()
    past = past_activity(days=30)
    wanted = RegistrationFactory(activity=upcoming, organisation=organisation, status="pending")
    RegistrationFactory(activity=upcoming, organisation=organisation, status="confirmed")
    RegistrationFactory(activity=past, organisation=organisation, status="pending")

    response = staff_client.get(reverse(LIST), {"status": "pending", "when": "upcoming"})

    assert [row["pk"] for row in response.context["rows"]] == [wanted.pk]


def test_registration_search_ignores_case_and_accents(staff_client, organisation):
    found = RegistrationFactory(
        organisation=organisation, person=colleague_of(organisation, name="Nguyễn Thị Hằng")
    )
    RegistrationFactory(organisation=organisation)

    response = staff_client.get(reverse(LIST), {"q": "nguyen thi hang"})

    assert [row["pk"] for row in response.context["rows"]] == [found.pk]


def test_registration_export_leaves_personal_data_out_unless_asked(staff_client, organisation):
    person = colleague_of(organisation, name="Ana Reyes", email="ana@example.org")
    RegistrationFactory(organisation=organisation, person=person, status="pending")

    default = staff_client.get(
        reverse("participation_console:registration_export"), {"status": "pending"}
    )
    chosen = staff_client.get(
        reverse("participation_console:registration_export"),
        {"status": "pending", "columns": "person,email,status"},
    )

    default_rows = rows_of(default)
    assert default_rows[0][:3] == ["Person", "Organisation", "Activity"]
    assert "E-mail" not in default_rows[0]
    assert "ana@example.org" not in default_rows[1]
    assert rows_of(chosen) == [
        ["Person", "E-mail", "Status"],
        ["Ana Reyes", "ana@example.org", "Awaiting approval"],
    ]


def test_activity_list_finds_activities_starting_soon_with_seats_left(staff_client, organisation):
    soon = ActivityFactory(
        starts_at=timezone.now() + dt.timedelta(days=10), onsite_capacity=1, allows_online=False
    )
    full = ActivityFactory(
        starts_at=timezone.now() + dt.timedelta(days=10), onsite_capacity=1, allows_online=False
    )
    RegistrationFactory(activity=full, organisation=organisation)
    ActivityFactory(starts_at=timezone.now() + dt.timedelta(days=90))

    response = staff_client.get(
        reverse("participation_console:activity_list"), {"starting": "soon", "seats": "left"}
    )

    assert [row["pk"] for row in response.context["rows"]] == [soon.pk]
    assert response.context["rows"][0]["cells"][4]["value"] == "1"


# The dashboard ------------------------------------------------------------------------------


def test_dashboard_counts_what_waits_for_the_platform(staff_client, organisation, staff):
    approval = ActivityFactory(requires_approval=True)
    register(approval, organisation, staff)
    invited = ActivityFactory(access=Access.INVITATION)
    services.invite_organisation(activity=invited, organisation=organisation, by=staff)
    ActivityFactory(starts_at=timezone.now() + dt.timedelta(days=5), registration_closes_at=None)
    OutboxMessage.objects.update(status="failed")

    response = staff_client.get(reverse("console:dashboard"))

    counts = {item["key"]: item["count"] for item in response.context["items"]}
    assert counts["pending_registrations"] == 1
    assert counts["unanswered_invitations"] == 1
    assert counts["starting_soon_with_seats"] == 1
    assert counts["failed_messages"] == OutboxMessage.objects.count()
    urls = {item["key"]: item["url"] for item in response.context["items"]}
    assert urls["pending_registrations"] == reverse(LIST) + "?status=pending&when=upcoming"


# Query counts -------------------------------------------------------------------------------


def _registrations(count, organisation):
    activity = ActivityFactory()
    for _ in range(count):
        RegistrationFactory(activity=activity, organisation=organisation, registered_by=None)


def _invitations(count, organisation):
    for _ in range(count):
        Invitation.objects.create(activity=ActivityFactory(), organisation=OrganisationFactory())


def _activities(count, organisation):
    for _ in range(count):
        RegistrationFactory(activity=ActivityFactory(), organisation=organisation)


@pytest.mark.parametrize(
    ("page", "arrange"),
    [
        (LIST, _registrations),
        ("participation_console:invitation_list", _invitations),
        ("participation_console:activity_list", _activities),
    ],
)
def test_list_pages_cost_the_same_queries_for_few_and_many_rows(
    page, arrange, staff_client, organisation, django_assert_num_queries
):
    arrange(2, organisation)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(reverse(page))
    arrange(30, organisation)

    with django_assert_num_queries(len(few)):
        response = staff_client.get(reverse(page))

    assert len(response.context["rows"]) > 2
