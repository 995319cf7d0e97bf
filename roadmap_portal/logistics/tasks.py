import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from roadmap_portal.registrations.models import Activity

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="logistics.purge_expired", acks_late=True)
def purge_expired():
    """Periodic: delete or anonymise the logistics data of activities past retention."""
    return services.purge_expired_logistics()


@shared_task(name="logistics.invite_feedback", acks_late=True)
def invite_feedback():
    """Periodic: invite the participants of activities over in the last week to give feedback."""
    now = timezone.now()
    invited = 0
    activities = (
        Activity.objects.filter(
            period_ends_at__lte=now,
            period_ends_at__gt=now - dt.timedelta(days=7),
            registrations__status="confirmed",
        )
        .exclude(status="cancelled")
        .distinct()
    )
    for activity in activities:
        invited += services.invite_to_feedback(activity=activity)
    return invited
