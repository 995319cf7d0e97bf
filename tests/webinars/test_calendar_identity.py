"""One webinar, one calendar identity: the e-mail attachment and the public feed agree."""

import icalendar
import pytest

from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations.services import register_person
from tests.factories import member_of

pytestmark = pytest.mark.django_db


def _uid_and_sequence(ics_text: str) -> tuple[str, int]:
    event = icalendar.Calendar.from_ical(ics_text).walk("VEVENT")[0]
    return str(event["UID"]), int(event["SEQUENCE"])


def test_the_confirmation_attachment_and_the_feed_share_uid_and_sequence(
    client, make_webinar, series
):
    webinar = make_webinar()
    user = member_of(series.organiser)
    register_person(
        activity=webinar.activity,
        person=user.person,
        organisation=series.organiser,
        mode="online",
        by=user,
    )
    attachment = next(
        attachment["content"]
        for message in OutboxMessage.objects.filter(topic__startswith="registration.")
        for attachment in message.attachments
        if attachment["filename"].endswith(".ics")
    )

    feed = client.get(f"/webinars/{webinar.slug}.ics").content.decode()

    assert _uid_and_sequence(attachment) == _uid_and_sequence(feed)
