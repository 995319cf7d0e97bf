import datetime as dt

import pytest
from django.urls import reverse

from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.logistics import selectors, services
from roadmap_portal.logistics.models import MessageDelivery, MessageKind
from roadmap_portal.logistics.services import LogisticsError
from tests.factories import OrganisationFactory, PersonFactory, RegistrationFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(activity, organisation):
    """Four registrations: two of a Philippine organisation, one Thai, one cancelled."""
    thai = OrganisationFactory(name="Thai Social Enterprise Office", country=country("TH"))
    return {
        "onsite": RegistrationFactory(
            activity=activity,
            organisation=organisation,
            mode="onsite",
            person=PersonFactory(name="Ana Onsite", email="ana@example.org"),
        ),
        "online": RegistrationFactory(
            activity=activity,
            organisation=organisation,
            mode="online",
            person=PersonFactory(name="Ben Online", email="ben@example.org"),
        ),
        "thai": RegistrationFactory(
            activity=activity,
            organisation=thai,
            mode="onsite",
            status="waitlisted",
            person=PersonFactory(name="Chai Thai", email="chai@example.org"),
        ),
        "cancelled": RegistrationFactory(
            activity=activity,
            organisation=organisation,
            status="cancelled",
            person=PersonFactory(name="Dee Cancelled", email="dee@example.org"),
        ),
    }


def _names(registrations):
    return sorted(r.person.name for r in registrations)


def test_recipients_default_to_active_registrations(activity, crowd):
    assert _names(selectors.message_recipients(activity, {})) == [
        "Ana Onsite",
        "Ben Online",
        "Chai Thai",
    ]


def test_recipients_filter_by_status_mode_country_and_organisation(activity, crowd, organisation):
    assert _names(selectors.message_recipients(activity, {"statuses": ["cancelled"]})) == [
        "Dee Cancelled"
    ]
    assert _names(selectors.message_recipients(activity, {"modes": ["online"]})) == ["Ben Online"]
    assert _names(selectors.message_recipients(activity, {"countries": ["TH"]})) == ["Chai Thai"]
    assert _names(
        selectors.message_recipients(activity, {"organisations": [str(organisation.pk)]})
    ) == ["Ana Onsite", "Ben Online"]


def test_send_activity_message_queues_one_outbox_row_per_recipient(activity, crowd, staff):
    message = services.send_activity_message(
        activity=activity,
        subject="Venue map",
        body="The map is attached.",
        audience={"modes": ["onsite"]},
        by=staff,
    )

    deliveries = list(message.deliveries.select_related("outbox_message"))
    assert sorted(d.to_email for d in deliveries) == ["ana@example.org", "chai@example.org"]
    assert [d.outbox_message.subject for d in deliveries] == ["Venue map", "Venue map"]
    assert "The map is attached." in deliveries[0].outbox_message.body_text


def test_send_activity_message_refuses_an_empty_audience(activity, crowd, staff):
    with pytest.raises(LogisticsError):
        services.send_activity_message(
            activity=activity, subject="Hi", body="Text", audience={"countries": ["VN"]}, by=staff
        )

    assert MessageDelivery.objects.count() == 0


def test_send_activity_message_is_for_staff_only(activity, crowd, member):
    with pytest.raises(LogisticsError):
        services.send_activity_message(
            activity=activity, subject="Hi", body="Text", audience={}, by=member
        )

    assert OutboxMessage.objects.count() == 0


def test_notify_change_attaches_the_updated_calendar_with_a_greater_sequence(
    activity, crowd, staff
):
    from roadmap_portal.core.ics import sequence_from

    activity.updated_at = activity.updated_at - dt.timedelta(hours=1)
    type(activity).objects.filter(pk=activity.pk).update(updated_at=activity.updated_at)
    sequence_before = sequence_from(activity.updated_at)
    activity.starts_at = activity.starts_at + dt.timedelta(days=1)
    activity.ends_at = activity.ends_at + dt.timedelta(days=1)
    activity.save()
    changes = selectors.describe_changes(activity)

    message = services.notify_change(activity=activity, changes=changes, by=staff)

    outbox = message.deliveries.first().outbox_message
    calendar = outbox.attachments[0]["content"]
    sequence = int(calendar.split("SEQUENCE:")[1].split()[0])
    assert message.kind == MessageKind.CHANGE
    assert message.deliveries.count() == 3
    assert changes[0].startswith("Dates and time: now")
    assert changes[0] in outbox.body_text
    assert sequence > sequence_before
    assert "STATUS:CONFIRMED" in calendar


def test_notify_change_of_a_cancellation_sends_a_cancelled_event(activity, crowd, staff):
    activity.status = "cancelled"
    activity.save()

    message = services.notify_change(
        activity=activity, changes=selectors.describe_changes(activity), by=staff
    )

    outbox = message.deliveries.first().outbox_message
    assert message.kind == MessageKind.CANCELLATION
    assert outbox.subject == f"Cancelled: {activity.title}"
    assert "STATUS:CANCELLED" in outbox.attachments[0]["content"]


def test_describe_changes_compares_with_the_last_notice(activity, crowd, staff):
    activity.country = country("TH")
    activity.save()
    services.notify_change(activity=activity, changes=["Venue: Bangkok"], by=staff)

    assert selectors.describe_changes(activity) == []
    activity.country = country("MY")
    activity.save()
    assert selectors.describe_changes(activity) == ["Venue: now Malaysia (was Thailand)."]


def test_notify_change_refuses_no_change(activity, crowd, staff):
    with pytest.raises(LogisticsError):
        services.notify_change(activity=activity, changes=["  "], by=staff)


# Views ----------------------------------------------------------------------------------------


def test_messages_page_previews_count_and_mail_without_sending(client, activity, crowd, staff):
    client.force_login(staff)

    response = client.post(
        reverse("logistics_console:messages", kwargs={"pk": activity.pk}),
        {"subject": "Venue map", "body": "See you there.", "modes": ["online"], "preview": "1"},
    )

    assert response.status_code == 200
    assert response.context["recipients"] == [crowd["online"]]
    assert "See you there." in response.context["preview"]["text"]
    assert OutboxMessage.objects.count() == 0


def test_messages_page_sends_and_lists_who_received(client, activity, crowd, staff):
    client.force_login(staff)
    url = reverse("logistics_console:messages", kwargs={"pk": activity.pk})

    response = client.post(url, {"subject": "Venue", "body": "Text", "send": "1"})
    page = client.get(url)

    assert response.status_code == 302
    assert OutboxMessage.objects.count() == 3
    assert "ana@example.org" in page.content.decode()


def test_messages_page_is_for_staff(client, activity, member):
    url = reverse("logistics_console:messages", kwargs={"pk": activity.pk})
    assert client.get(url).status_code == 302
    client.force_login(member)
    assert client.get(url).status_code == 403


def test_change_notice_view_sends(client, activity, crowd, staff):
    client.force_login(staff)

    response = client.post(
        reverse("logistics_console:change_notice", kwargs={"pk": activity.pk}),
        {"changes": "Venue: now Bangkok\nStarts one hour later"},
    )

    assert response.status_code == 302
    assert MessageDelivery.objects.filter(message__kind="change").count() == 3


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_messages_page_costs_the_same_with_few_and_many_messages(client, activity, crowd, staff):
    client.force_login(staff)
    url = reverse("logistics_console:messages", kwargs={"pk": activity.pk})
    services.send_activity_message(activity=activity, subject="M", body="x", audience={}, by=staff)
    few = _queries(client, url)

    for index in range(5):
        services.send_activity_message(
            activity=activity, subject=f"M{index}", body="x", audience={}, by=staff
        )
    many = _queries(client, url)

    assert many == few
