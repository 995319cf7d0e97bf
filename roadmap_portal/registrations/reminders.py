"""Reminders and nudges: the policies, the ledger scan, and unsubscribing.

The scan (``scan``) runs every five minutes from Celery beat and from ``send_due_reminders``:

1. plan: for every upcoming activity, the confirmed registrations whose latest due reminder
   has no ledger row yet get one (set-based, ``bulk_create(ignore_conflicts=True)`` against
   the unique constraint); the plug-in nudges add theirs the same way;
2. skip: open rows whose activity was cancelled or moved, whose registration is no longer
   confirmed, or whose start has passed are marked skipped, with the reason;
3. claim: due rows are claimed in batches with ``select_for_update(skip_locked=True)``, a
   token and a lease; a scan that dies leaves a lease that runs out, and the next scan takes
   the rows over, so recovery never waits on the broker;
4. write: each claimed batch is rendered and written to the outbox in one transaction that
   also marks its rows queued, and only if the claim token is still theirs. The outbox relay
   does the SMTP part; its one possible duplicate (a crash after the mail server accepted a
   message and before the row was marked sent) carries the same Message-ID.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connection, transaction
from django.db.models import Exists, F, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from roadmap_portal.core import plugins
from roadmap_portal.core.faults import fault_point
from roadmap_portal.core.mail import Attachment, kick_relay, outbox_message, render_mail
from roadmap_portal.core.models import OutboxMessage

from . import selectors
from .ics import activity_calendar
from .models import (
    MAX_REMINDER_OFFSET_MINUTES,
    Activity,
    ActivityKind,
    ActivityReminderOverride,
    ActivityStatus,
    DatePrecision,
    Invitation,
    InvitationStatus,
    LedgerStatus,
    MailPreference,
    Registration,
    RegistrationStatus,
    ReminderLedger,
    ReminderPolicy,
)

logger = logging.getLogger(__name__)

DAY = 24 * 60
HOUR = 60
# The defaults of the data migration, used while a kind has no policy row (and no plug-in
# default): convenings two weeks and two days ahead, webinars a day and an hour ahead,
# cohorts a week and a day before the first session.
DEFAULT_OFFSETS = {
    ActivityKind.POLICY_DIALOGUE: [14 * DAY, 2 * DAY],
    ActivityKind.FORUM: [14 * DAY, 2 * DAY],
    ActivityKind.SUMMIT: [14 * DAY, 2 * DAY],
    ActivityKind.WORKSHOP: [14 * DAY, 2 * DAY],
    ActivityKind.WEBINAR: [1 * DAY, 1 * HOUR],
    ActivityKind.TRAINING_COHORT: [7 * DAY, 1 * DAY],
}

REMINDER_TOPIC = "reminders"
BEFORE = "before"
NUDGE = "nudge"
# How long a scan holds the rows it claimed; past it the next scan takes them over.
LEASE_SECONDS = 120
BATCH_SIZE = 500
# The outbox relay sends at most this many of the ids it is given per task.
RELAY_CHUNK = 200
UNSUBSCRIBE_SALT = "registrations.unsubscribe"

INVITATION_NUDGE_AFTER = 7 * DAY
PENDING_NUDGE_AFTER = 3 * DAY


class SkipReason:
    ACTIVITY_CANCELLED = "activity_cancelled"
    MOVED = "moved"
    NOT_CONFIRMED = "registration_not_confirmed"
    TOO_LATE = "too_late"
    UNSUBSCRIBED = "unsubscribed"
    NO_LONGER_APPLIES = "no_longer_applies"
    UNKNOWN_KIND = "unknown_kind"


SKIP_REASON_LABELS = {
    SkipReason.ACTIVITY_CANCELLED: _("activity cancelled"),
    SkipReason.MOVED: _("activity moved; sent for the new time instead"),
    SkipReason.NOT_CONFIRMED: _("registration no longer confirmed"),
    SkipReason.TOO_LATE: _("the activity had started"),
    SkipReason.UNSUBSCRIBED: _("recipient unsubscribed"),
    SkipReason.NO_LONGER_APPLIES: _("no longer needed"),
    SkipReason.UNKNOWN_KIND: _("unknown kind of reminder"),
}


# Policies -----------------------------------------------------------------------------------


def default_offsets(kind: str) -> list[int]:
    """A kind's reminders while no policy row exists: a plug-in's default, else the platform's."""
    for default in plugins.reminder_policy_defaults:
        if default.kind == kind:
            return list(default.offsets)
    return list(DEFAULT_OFFSETS.get(kind, []))


def policy_offsets() -> dict[str, list[int]]:
    """``{kind: offsets}`` for every kind, in one query."""
    stored = dict(ReminderPolicy.objects.values_list("kind", "offsets"))
    return {kind: list(stored.get(kind, default_offsets(kind))) for kind in ActivityKind.values}


def effective_offsets(activity: Activity, policies: dict | None = None) -> list[int]:
    """The minutes before the start at which ``activity`` reminds, largest first."""
    override = ActivityReminderOverride.objects.filter(activity=activity).first()
    if override is not None:
        return sorted(override.offsets, reverse=True) if override.enabled else []
    policies = policies if policies is not None else policy_offsets()
    return sorted(policies.get(activity.kind, []), reverse=True)


def offsets_for(activities: list[Activity]) -> dict[int, list[int]]:
    """``{activity id: offsets}`` for many activities, in two queries."""
    policies = policy_offsets()
    overrides = {
        override.activity_id: override
        for override in ActivityReminderOverride.objects.filter(
            activity_id__in=[activity.pk for activity in activities]
        )
    }
    result = {}
    for activity in activities:
        override = overrides.get(activity.pk)
        if override is not None:
            offsets = override.offsets if override.enabled else []
        else:
            offsets = policies.get(activity.kind, [])
        result[activity.pk] = sorted(offsets, reverse=True)
    return result


def update_reminder_policy(*, kind: str, offsets: list[int], by=None) -> ReminderPolicy:
    """Set the reminders of one kind of activity (validated); idempotent."""
    policy = ReminderPolicy.objects.filter(kind=kind).first() or ReminderPolicy(kind=kind)
    policy.offsets = sorted(set(offsets), reverse=True)
    policy.full_clean()
    if getattr(by, "is_authenticated", False):
        policy._history_user = by
    policy.save()
    return policy


def set_activity_reminders(
    *, activity: Activity, enabled: bool, offsets: list[int] | None, by=None
) -> ActivityReminderOverride | None:
    """Give ``activity`` its own reminders; ``offsets=None`` with ``enabled`` removes the
    override, so the kind's policy applies again."""
    with transaction.atomic():
        if enabled and offsets is None:
            ActivityReminderOverride.objects.filter(activity=activity).delete()
            return None
        override = ActivityReminderOverride.objects.filter(
            activity=activity
        ).first() or ActivityReminderOverride(activity=activity)
        override.enabled = enabled
        override.offsets = sorted(set(offsets or []), reverse=True)
        override.full_clean()
        if getattr(by, "is_authenticated", False):
            override._history_user = by
        override.save()
        return override


def format_offset(minutes: int) -> str:
    """Minutes as the console writes them: ``14d``, ``1h``, ``90m``."""
    if minutes % DAY == 0:
        return f"{minutes // DAY}d"
    if minutes % HOUR == 0:
        return f"{minutes // HOUR}h"
    return f"{minutes}m"


def describe_offset(minutes: int) -> str:
    """Minutes as a sentence says them: "14 days", "1 hour", "90 minutes"."""
    if minutes % DAY == 0:
        days = minutes // DAY
        return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}
    if minutes % HOUR == 0:
        hours = minutes // HOUR
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def parse_offsets(text: str) -> list[int]:
    """``"14d, 2d, 1h"`` as minutes; ValueError with a sentence for anything else."""
    units = {"d": DAY, "h": HOUR, "m": 1}
    offsets = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().lower().replace(" ", "")
        if not part:
            continue
        number, unit = part[:-1], part[-1:]
        if unit not in units or not number.isdigit():
            raise ValueError(
                str(_('"%(part)s" is not a time such as 14d, 2d, 1h or 30m.') % {"part": part})
            )
        offsets.append(int(number) * units[unit])
    return offsets


# Topics and unsubscribing -------------------------------------------------------------------


def builtin_nudges() -> list[plugins.NudgeProvider]:
    return [INVITATION_NUDGE, PENDING_APPROVAL_NUDGE]


def nudge_providers() -> dict[str, plugins.NudgeProvider]:
    return {provider.key: provider for provider in [*builtin_nudges(), *plugins.nudge_providers]}


def topics() -> list[tuple[str, str]]:
    """What a recipient may unsubscribe from, with labels, in a stable order."""
    result = [(REMINDER_TOPIC, str(_("Reminders before activities you are registered for")))]
    for provider in nudge_providers().values():
        if provider.topic not in dict(result):
            result.append((provider.topic, str(provider.label)))
    return result


def topic_of(reminder_kind: str) -> str:
    family, _sep, rest = reminder_kind.partition(":")
    if family == NUDGE:
        provider = nudge_providers().get(rest.partition(":")[0])
        if provider is not None:
            return provider.topic
    return REMINDER_TOPIC


def unsubscribe_token(email: str, topic: str) -> str:
    return signing.dumps([email.strip().lower(), topic], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    """``(email, topic)`` of a link signed here, else None."""
    try:
        email, topic = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(email, str) or topic not in dict(topics()):
        return None
    return email, topic


_TOKEN_MARK = "ZZTOKENZZ"  # noqa: S105 - a stand-in in a path, not a secret


@functools.lru_cache(maxsize=8)
def _unsubscribe_path(urlconf, script_prefix: str) -> str:
    return reverse("me:unsubscribe", kwargs={"token": _TOKEN_MARK}, urlconf=urlconf)


def unsubscribe_url(email: str, topic: str) -> str:
    # ``reverse`` costs about a millisecond, thousands of times in a scan; the path differs
    # only by the token, so it is reversed once with a stand-in and the token filled in.
    path = _unsubscribe_path(get_urlconf(), get_script_prefix())
    return settings.SITE_URL + path.replace(_TOKEN_MARK, unsubscribe_token(email, topic))


def unsubscribe(*, email: str, topic: str) -> MailPreference:
    """Stop mail of ``topic`` to ``email``; a second call changes nothing."""
    preference, _created = MailPreference.objects.get_or_create(
        email=email.strip().lower(), topic=topic
    )
    return preference


def set_mail_preferences(*, emails: Iterable[str], subscribed: dict[str, bool]) -> None:
    """Subscribe or unsubscribe each of ``emails`` to each topic of ``subscribed``."""
    emails = sorted({email.strip().lower() for email in emails if email})
    with transaction.atomic():
        for topic, wanted in subscribed.items():
            if wanted:
                MailPreference.objects.filter(email__in=emails, topic=topic).delete()
            else:
                MailPreference.objects.bulk_create(
                    [MailPreference(email=email, topic=topic) for email in emails],
                    ignore_conflicts=True,
                )


def unsubscribed_topics(emails: Iterable[str]) -> set[str]:
    emails = [email.strip().lower() for email in emails if email]
    return set(MailPreference.objects.filter(email__in=emails).values_list("topic", flat=True))


def addresses_of_user(user) -> list[str]:
    """Every address mail for ``user`` may go to: the login, verified ones, their person's."""
    addresses = {user.email.lower()}
    addresses.update(
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    )
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    if person is not None and person.email:
        addresses.add(person.email.lower())
    return sorted(addresses)


# Planning -----------------------------------------------------------------------------------


def _recipient_expression():
    """The address rule of ``selectors.recipient_of`` as one SQL expression."""
    verified = (
        EmailAddress.objects.filter(user_id=OuterRef("person__user_id"), verified=True)
        .order_by("-primary", "id")
        .values("email")[:1]
    )
    return Coalesce(
        NullIf(Subquery(verified), Value("")),
        NullIf(F("person__email"), Value("")),
        F("registered_by__email"),
    )


def _plan_activity_reminders(now: dt.datetime) -> int:
    """Ledger rows for the latest due reminder of every confirmed registration; how many new.

    Only the latest reminder due is planned: someone who registers two days before a dialogue
    gets the two-day reminder, not the fourteen-day one as well; and nobody is reminded of a
    reminder time that passed before they were confirmed (their confirmation said it all).
    """
    activities = list(
        Activity.objects.exclude(status=ActivityStatus.CANCELLED).filter(
            date_precision=DatePrecision.DAY,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(minutes=MAX_REMINDER_OFFSET_MINUTES),
        )
    )
    offsets = offsets_for(activities)
    created = 0
    for activity in activities:
        due = [minutes for minutes in offsets[activity.pk] if _due_at(activity, minutes) <= now]
        if not due:
            continue
        minutes = min(due)
        due_at = _due_at(activity, minutes)
        kind = f"{BEFORE}:{minutes}"
        already = ReminderLedger.objects.filter(
            registration_id=OuterRef("pk"), reminder_kind=kind, target_starts_at=activity.starts_at
        )
        rows = (
            Registration.objects.filter(activity=activity, status=RegistrationStatus.CONFIRMED)
            .filter(
                Q(decided_at__lte=due_at) | Q(decided_at__isnull=True, requested_at__lte=due_at)
            )
            .filter(~Exists(already))
            .annotate(address=_recipient_expression())
            .values_list("pk", "address")
        )
        ledger = [
            ReminderLedger(
                recipient_email=address,
                activity_id=activity.pk,
                registration_id=registration_id,
                reminder_kind=kind,
                target_starts_at=activity.starts_at,
                due_at=due_at,
            )
            for registration_id, address in rows.iterator(chunk_size=2000)
            if address
        ]
        created += _insert(ledger)
    return created


def _due_at(activity: Activity, minutes: int) -> dt.datetime:
    return activity.starts_at - dt.timedelta(minutes=minutes)


def _insert(rows: list[ReminderLedger]) -> int:
    """Insert what is not there yet; the unique constraint drops the rest, even under a race."""
    if not rows:
        return 0
    before = ReminderLedger.objects.count()
    ReminderLedger.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return ReminderLedger.objects.count() - before


def _plan_nudges(now: dt.datetime) -> int:
    created = 0
    for provider in nudge_providers().values():
        targets = provider.targets(now=now)
        created += _insert(
            [
                ReminderLedger(
                    recipient_email=target.recipient_email,
                    activity_id=target.activity_id,
                    reminder_kind=target.reminder_kind,
                    target_starts_at=target.target_starts_at,
                    due_at=target.due_at,
                    payload=target.payload,
                )
                for target in targets
                if target.recipient_email
            ]
        )
    return created


def _skip_stale(now: dt.datetime) -> int:
    """Mark open rows that must not be sent, with the reason; returns how many."""
    open_rows = ReminderLedger.objects.open()
    skipped = 0
    rules = [
        (SkipReason.ACTIVITY_CANCELLED, Q(activity__status=ActivityStatus.CANCELLED)),
        (
            SkipReason.NOT_CONFIRMED,
            Q(registration__isnull=False) & ~Q(registration__status=RegistrationStatus.CONFIRMED),
        ),
        (
            SkipReason.MOVED,
            Q(reminder_kind__startswith=f"{BEFORE}:")
            & (
                Q(activity__starts_at__isnull=True)
                | ~Q(target_starts_at=F("activity__starts_at"))
                | ~Q(activity__date_precision=DatePrecision.DAY)
            ),
        ),
        (
            SkipReason.TOO_LATE,
            Q(reminder_kind__startswith=f"{BEFORE}:") & Q(target_starts_at__lte=now),
        ),
    ]
    for reason, condition in rules:
        ids = list(open_rows.filter(condition).values_list("pk", flat=True))
        if ids:
            skipped += ReminderLedger.objects.filter(
                pk__in=ids, status__in=[LedgerStatus.PENDING, LedgerStatus.CLAIMED]
            ).update(status=LedgerStatus.SKIPPED, skip_reason=reason, lease_until=None)
    return skipped


# Claiming and writing -----------------------------------------------------------------------


def _claim(now: dt.datetime, token: str, limit: int) -> list[int]:
    wall_clock = timezone.now()
    with transaction.atomic():
        ids = list(
            ReminderLedger.objects.filter(due_at__lte=now)
            .filter(
                Q(status=LedgerStatus.PENDING)
                | Q(status=LedgerStatus.CLAIMED, lease_until__lte=wall_clock)
            )
            .order_by("due_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            ReminderLedger.objects.filter(pk__in=ids).update(
                status=LedgerStatus.CLAIMED,
                claim_token=token,
                lease_until=wall_clock + dt.timedelta(seconds=LEASE_SECONDS),
                claimed_at=wall_clock,
            )
    return ids


@dataclass
class _Outgoing:
    row: ReminderLedger
    to: str
    template_prefix: str
    context: dict
    topic: str
    attachments: list = field(default_factory=list)
    # (subject, text, HTML) when already rendered; else rendered from the template.
    rendered: tuple | None = None
    unsubscribe_link: str = ""


def _zone_name(name: str) -> str:
    try:
        return zoneinfo.ZoneInfo(name).key if name else ""
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""


# Stand-ins rendered into a reminder shared by many recipients, replaced per recipient.
_NAME_MARK = "ZZREMINDERNAMEZZ"
_LINK_MARK = "ZZREMINDERUNSUBSCRIBEZZ"


@dataclass
class _StandInPerson:
    full_name: str = _NAME_MARK


def _reminder_message(row: ReminderLedger, cache: dict) -> _Outgoing:
    """A reminder: rendered once per activity, mode and recipient zone, then personalised.

    The three templates cost milliseconds; rendering them for every one of thousands of
    participants would dominate a scan. Everything that differs between recipients of one
    group (the name and the unsubscribe link) is rendered as a stand-in and replaced, escaped
    for the HTML part.
    """
    registration = row.registration
    activity = row.activity
    person = registration.person
    user = person.user if person.user_id else None
    recipient_zone = _zone_name(user.time_zone) if user is not None else ""
    if recipient_zone == _zone_name(activity.time_zone):
        recipient_zone = ""
    key = (activity.pk, row.reminder_kind, registration.mode, recipient_zone)
    if key not in cache:
        cache[key] = _render_reminder(row, recipient_zone)
    subject, body_text, body_html, attachments = cache[key]
    link = unsubscribe_url(row.recipient_email, REMINDER_TOPIC)
    return _Outgoing(
        row=row,
        to=row.recipient_email,
        template_prefix="",
        context={},
        topic=REMINDER_TOPIC,
        attachments=attachments,
        rendered=(
            subject,
            body_text.replace(_NAME_MARK, person.full_name).replace(_LINK_MARK, link),
            body_html.replace(_NAME_MARK, escape(person.full_name)).replace(
                _LINK_MARK, escape(link)
            ),
        ),
        unsubscribe_link=link,
    )


def _render_reminder(row: ReminderLedger, recipient_zone: str):
    activity = row.activity
    registration = row.registration
    minutes = int(row.reminder_kind.partition(":")[2])
    calendar = activity_calendar(activity, mode=registration.mode)
    attachments = []
    if calendar is not None:
        filename = f"{slugify(activity.title)[:60] or 'activity'}.ics"
        attachments.append((filename, calendar, "text/calendar"))
    page = activity.page_url()
    with translation.override(settings.LANGUAGE_CODE):
        subject, body_text, body_html = render_mail(
            "registrations/emails/reminder",
            {
                "activity": activity,
                "registration": registration,
                "person": _StandInPerson(),
                "starts_in": describe_offset(minutes),
                "recipient_time_zone": recipient_zone,
                "page_url": settings.SITE_URL + page if page else "",
                "me_url": settings.SITE_URL + reverse("me:home"),
                "unsubscribe_url": _LINK_MARK,
            },
        )
    return subject, body_text, body_html, attachments


def _nudge_message(row: ReminderLedger, now: dt.datetime) -> _Outgoing | None:
    provider = nudge_providers().get(row.reminder_kind.split(":")[1])
    if provider is None:
        return None
    message = provider.message(row, now=now)
    if message is None:
        return None
    page = row.activity.page_url()
    return _Outgoing(
        row=row,
        to=row.recipient_email,
        template_prefix=message.template_prefix,
        context={
            "activity": row.activity,
            "page_url": settings.SITE_URL + page if page else "",
            **message.context,
        },
        topic=provider.topic,
    )


def _write(ids: list[int], token: str, now: dt.datetime) -> tuple[int, int]:
    """Render and queue the claimed rows still held by ``token``: (queued, skipped)."""
    queued = skipped = 0
    with transaction.atomic():
        rows = list(
            ReminderLedger.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, status=LedgerStatus.CLAIMED, claim_token=token)
            .select_related(
                "activity", "registration", "registration__person", "registration__person__user"
            )
            .order_by("id")
        )
        if not rows:
            return 0, 0
        opted_out = set(
            MailPreference.objects.filter(
                email__in={row.recipient_email.lower() for row in rows}
            ).values_list("email", "topic")
        )
        rendered: dict = {}
        outgoing: list[_Outgoing] = []
        wall_clock = timezone.now()
        for row in rows:
            topic = topic_of(row.reminder_kind)
            if (row.recipient_email.lower(), topic) in opted_out:
                _mark_skipped(row, SkipReason.UNSUBSCRIBED)
                continue
            if row.reminder_kind.startswith(f"{BEFORE}:"):
                message = _reminder_message(row, rendered)
            elif row.reminder_kind.startswith(f"{NUDGE}:"):
                message = _nudge_message(row, now)
                if message is None:
                    reason = (
                        SkipReason.NO_LONGER_APPLIES
                        if row.reminder_kind.split(":")[1] in nudge_providers()
                        else SkipReason.UNKNOWN_KIND
                    )
                    _mark_skipped(row, reason)
                    continue
            else:
                _mark_skipped(row, SkipReason.UNKNOWN_KIND)
                continue
            outgoing.append(message)
        messages = _outbox_rows(outgoing)
        OutboxMessage.objects.bulk_create(messages, batch_size=500)
        _mark_queued(
            [(item.row.pk, message.pk) for item, message in zip(outgoing, messages, strict=True)],
            at=wall_clock,
        )
        skipped_rows = [row for row in rows if row.status == LedgerStatus.SKIPPED]
        for reason in {row.skip_reason for row in skipped_rows}:
            ReminderLedger.objects.filter(
                pk__in=[row.pk for row in skipped_rows if row.skip_reason == reason]
            ).update(status=LedgerStatus.SKIPPED, skip_reason=reason, lease_until=None)
        queued = len(messages)
        skipped = len(skipped_rows)
        message_ids = [message.pk for message in messages]
        for start in range(0, len(message_ids), RELAY_CHUNK):
            chunk = message_ids[start : start + RELAY_CHUNK]
            transaction.on_commit(lambda chunk=chunk: kick_relay(message_ids=chunk), robust=True)
    return queued, skipped


def _mark_queued(pairs: list[tuple[int, int]], *, at: dt.datetime) -> None:
    """Mark ledger rows queued and link each to its outbox row, in two statements.

    ``bulk_update`` would build a CASE expression of hundreds of branches per batch, which
    costs more than rendering the batch; one ``UPDATE ... FROM (VALUES ...)`` does it.
    """
    if not pairs:
        return
    ReminderLedger.objects.filter(pk__in=[ledger_id for ledger_id, _pk in pairs]).update(
        status=LedgerStatus.QUEUED, queued_at=at, lease_until=None
    )
    table = connection.ops.quote_name(ReminderLedger._meta.db_table)
    if connection.vendor == "postgresql":
        values = ", ".join(["(%s::bigint, %s::bigint)"] * len(pairs))
        # The table name is the model's own and every value a parameter.
        sql = (
            f"UPDATE {table} AS ledger SET outbox_message_id = v.message_id "  # noqa: S608
            f"FROM (VALUES {values}) AS v(ledger_id, message_id) WHERE ledger.id = v.ledger_id"
        )
    elif connection.vendor == "sqlite":
        values = ", ".join(["(%s, %s)"] * len(pairs))
        sql = (
            f"UPDATE {table} SET outbox_message_id = v.column2 "  # noqa: S608
            f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1"
        )
    else:
        for ledger_id, message_id in pairs:
            ReminderLedger.objects.filter(pk=ledger_id).update(outbox_message_id=message_id)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for pair in pairs for value in pair])


def _mark_skipped(row: ReminderLedger, reason: str) -> None:
    row.status = LedgerStatus.SKIPPED
    row.skip_reason = reason
    row.lease_until = None


def _outbox_rows(outgoing: list[_Outgoing]) -> list[OutboxMessage]:
    """The outbox rows of a batch, rendered as ``queue_mail`` renders them.

    Written with one ``bulk_create`` and relayed with one kick per ``RELAY_CHUNK`` rows, so a
    scan of thousands does not pay one insert and one broker round trip per message.
    """
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for item in outgoing:
            link = item.unsubscribe_link or unsubscribe_url(item.to, item.topic)
            if item.rendered is not None:
                subject, body_text, body_html = item.rendered
            else:
                subject, body_text, body_html = render_mail(
                    item.template_prefix, {**item.context, "unsubscribe_url": link}
                )
            messages.append(
                outbox_message(
                    to=item.to,
                    subject=subject,
                    body_text=body_text,
                    body_html=body_html,
                    headers={
                        "List-Unsubscribe": f"<{link}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                    attachments=[Attachment(*attachment) for attachment in item.attachments],
                    topic=f"reminder.{item.row.reminder_kind.split(':')[0]}"
                    if item.topic == REMINDER_TOPIC
                    else f"nudge.{item.row.reminder_kind.split(':')[1]}",
                )
            )
    return messages


# The scan -----------------------------------------------------------------------------------


@dataclass
class ScanResult:
    planned: int = 0
    skipped: int = 0
    queued: int = 0
    dry_run: bool = False
    due: list[ReminderLedger] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "planned": self.planned,
            "skipped": self.skipped,
            "queued": self.queued,
            "dry_run": self.dry_run,
        }


def scan(*, now: dt.datetime | None = None, dry_run: bool = False) -> ScanResult:
    """Plan, skip, claim and queue every reminder and nudge due at ``now``; safe to run twice
    and at the same time as another scan (see the module's docstring).

    ``dry_run`` plans and lists what is due without writing anything: the planning runs in a
    transaction that is rolled back.
    """
    now = now or timezone.now()
    result = ScanResult(dry_run=dry_run)
    if dry_run:
        with transaction.atomic():
            result.planned = _plan_activity_reminders(now) + _plan_nudges(now)
            result.skipped = _skip_stale(now)
            result.due = list(
                ReminderLedger.objects.claimable(now)
                .select_related("activity")
                .order_by("due_at", "id")
            )
            transaction.set_rollback(True)
        return result
    with transaction.atomic():
        result.planned = _plan_activity_reminders(now) + _plan_nudges(now)
    result.skipped = _skip_stale(now)
    token = uuid.uuid4().hex
    while True:
        ids = _claim(now, token, BATCH_SIZE)
        if not ids:
            break
        fault_point("reminders.after_claim")
        queued, skipped = _write(ids, token, now)
        result.queued += queued
        result.skipped += skipped
        if len(ids) < BATCH_SIZE:
            break
    logger.info("reminder scan at %s: %s", now.isoformat(), result.as_dict())
    return result


# The console --------------------------------------------------------------------------------


def activity_ledger(activity: Activity):
    """The reminders and nudges of ``activity``, newest first, with their outbox rows."""
    return (
        ReminderLedger.objects.filter(activity=activity)
        .select_related("outbox_message", "registration__person")
        .order_by("-due_at", "-id")
    )


def skip_reason_label(reason: str) -> str:
    return str(SKIP_REASON_LABELS.get(reason, reason))


# Built-in nudges ----------------------------------------------------------------------------


def _invitation_targets(*, now: dt.datetime) -> list[plugins.NudgeTarget]:
    """The focal points of organisations that have not answered an invitation for 7 days."""
    invitations = (
        Invitation.objects.filter(
            status=InvitationStatus.PENDING,
            invited_at__lte=now - dt.timedelta(minutes=INVITATION_NUDGE_AFTER),
        )
        .exclude(activity__status__in=[ActivityStatus.CANCELLED, ActivityStatus.HELD])
        .exclude(activity__period_ends_at__lte=now)
        .exclude(
            Exists(
                ReminderLedger.objects.filter(
                    activity_id=OuterRef("activity_id"),
                    reminder_kind=f"{NUDGE}:invitation:{INVITATION_NUDGE_AFTER}",
                    target_starts_at=OuterRef("invited_at"),
                )
            )
        )
        .select_related("organisation")
    )
    targets = []
    for invitation in invitations:
        for address in selectors.focal_point_addresses(invitation.organisation):
            targets.append(
                plugins.NudgeTarget(
                    recipient_email=address,
                    activity_id=invitation.activity_id,
                    reminder_kind=f"{NUDGE}:invitation:{INVITATION_NUDGE_AFTER}",
                    target_starts_at=invitation.invited_at,
                    due_at=invitation.invited_at + dt.timedelta(minutes=INVITATION_NUDGE_AFTER),
                    payload={"invitation": invitation.pk},
                )
            )
    return targets


def _invitation_message(row: ReminderLedger, *, now: dt.datetime):
    invitation = (
        Invitation.objects.select_related("organisation", "activity")
        .filter(pk=row.payload.get("invitation"), status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None or invitation.activity.status in (
        ActivityStatus.CANCELLED,
        ActivityStatus.HELD,
    ):
        return None
    return plugins.NudgeMessage(
        template_prefix="registrations/emails/nudge_invitation",
        context={"invitation": invitation, "organisation": invitation.organisation},
    )


def staff_addresses() -> list[str]:
    """The addresses of active users holding the console permission (staff and admins)."""
    User = get_user_model()
    perm = Q(codename="access_console", content_type__app_label="accounts")
    holders = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(groups__permissions__in=_permissions(perm))
        | Q(user_permissions__in=_permissions(perm))
    )
    return sorted(set(holders.values_list("email", flat=True)))


def _permissions(condition):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(condition)


def _pending_targets(*, now: dt.datetime) -> list[plugins.NudgeTarget]:
    """Per activity with registrations waiting for approval over 3 days: one note per staff
    member, counted from the oldest waiting one (so a new oldest can bring one more)."""
    cutoff = now - dt.timedelta(minutes=PENDING_NUDGE_AFTER)
    waiting = (
        Registration.objects.filter(status=RegistrationStatus.PENDING, requested_at__lte=cutoff)
        .exclude(activity__status__in=[ActivityStatus.CANCELLED, ActivityStatus.HELD])
        .values("activity_id")
        .annotate(oldest=Min("requested_at"))
        .order_by("activity_id")
    )
    waiting = list(waiting)
    if not waiting:
        return []
    addresses = staff_addresses()
    kind = f"{NUDGE}:pending_approval:{PENDING_NUDGE_AFTER}"
    return [
        plugins.NudgeTarget(
            recipient_email=address,
            activity_id=row["activity_id"],
            reminder_kind=kind,
            target_starts_at=row["oldest"],
            due_at=row["oldest"] + dt.timedelta(minutes=PENDING_NUDGE_AFTER),
        )
        for row in waiting
        for address in addresses
    ]


def _pending_message(row: ReminderLedger, *, now: dt.datetime):
    cutoff = now - dt.timedelta(minutes=PENDING_NUDGE_AFTER)
    waiting = list(
        Registration.objects.filter(
            activity_id=row.activity_id,
            status=RegistrationStatus.PENDING,
            requested_at__lte=cutoff,
        )
        .select_related("person", "organisation")
        .order_by("requested_at", "id")
    )
    if not waiting or row.activity.status == ActivityStatus.CANCELLED:
        return None
    return plugins.NudgeMessage(
        template_prefix="registrations/emails/nudge_pending_approval",
        context={
            "waiting": waiting,
            "console_url": settings.SITE_URL
            + reverse("activity_console:registration_list", kwargs={"pk": row.activity_id})
            + "?status=pending",
        },
    )


INVITATION_NUDGE = plugins.NudgeProvider(
    key="invitation",
    label=_("Reminders of invitations your organisation has not answered"),
    topic="nudge.invitation",
    targets=_invitation_targets,
    message=_invitation_message,
)
PENDING_APPROVAL_NUDGE = plugins.NudgeProvider(
    key="pending_approval",
    label=_("Registrations waiting for approval (secretariat)"),
    topic="nudge.pending_approval",
    targets=_pending_targets,
    message=_pending_message,
)
