import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from webinars import services, tasks
from webinars.models import AttendanceImport, ImportStatus

pytestmark = pytest.mark.django_db


def test_purge_task_expires_old_uploads(past_webinar):
    preview = services.preview_attendance_import(
        webinar=past_webinar,
        data=b"Name,Email,Duration\nA,a@example.org,50\n",
        file_name="a.csv",
        by=None,
    )
    AttendanceImport.objects.filter(pk=preview.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    purged = tasks.purge_expired_imports()

    preview.refresh_from_db()
    assert (purged, preview.status) == (1, ImportStatus.EXPIRED)


def test_purge_task_with_nothing_to_do_purges_nothing():
    assert tasks.purge_expired_imports() == 0


def test_purge_task_is_scheduled_by_beat():
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "webinars.purge_expired_imports" in tasks_scheduled
