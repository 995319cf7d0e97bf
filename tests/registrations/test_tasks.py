import pytest

from roadmap_portal.registrations.models import Activity, ActivityStatus
from roadmap_portal.registrations.tasks import sync_statuses
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def test_sync_statuses_opens_an_activity_whose_window_has_opened():
    activity = ActivityFactory()
    Activity.objects.filter(pk=activity.pk).update(status=ActivityStatus.PLANNED)

    assert sync_statuses() == 1
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.OPEN


def test_sync_statuses_with_nothing_to_change_changes_nothing():
    ActivityFactory()

    assert sync_statuses() == 0
