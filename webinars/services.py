"""Writes of the webinars app: verb-first, keyword-only, one transaction each (STYLE.md)."""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmap_portal.core.mail import queue_mail
from roadmap_portal.registrations import selectors as registration_selectors
from roadmap_portal.registrations import services as engine
from roadmap_portal.registrations.models import (
    ACTIVE_STATUSES,
    ROLES_OUTSIDE_CAPACITY,
    Activity,
    ActivityKind,
    ActivityStatus,
    Registration,
    RegistrationStatus,
)
from taskforce.models import Person

from . import imports
from .models import (
    AttendanceImport,
    ImportStatus,
    Sdg,
    Series,
    Webinar,
    WebinarAttendance,
    WebinarSpeaker,
)

logger = logging.getLogger(__name__)

# An upload awaiting confirmation is kept this long, then purged with its file.
IMPORT_LIFETIME = dt.timedelta(hours=24)
IMPORT_FOLDER = "webinars/attendance-imports"
# Someone attended when they stayed at least half the scheduled duration; without a known
# duration, a quarter of an hour.
ATTENDANCE_SHARE = 0.5
ATTENDANCE_MINUTES_WITHOUT_DURATION = 15

# Changes a calendar must pick up: they raise the webinar's SEQUENCE (RFC 5545).
CALENDAR_FIELDS = frozenset({"title", "starts_at", "ends_at", "time_zone", "platform", "status"})
WEBINAR_FIELDS = frozenset(
    {"series", "slug", "title", "abstract", "language", "platform", "join_url"}
)
ACTIVITY_FIELDS = frozenset(
    {
        "starts_at",
        "ends_at",
        "time_zone",
        "online_capacity",
        "registration_opens_at",
        "registration_closes_at",
        "access",
        "requires_approval",
        "seats_per_organisation",
    }
)


class WebinarRefused(Exception):
    """A change to a webinar that cannot be made; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def attendance_threshold(webinar: Webinar) -> int:
    """The minutes an attendee must stay to count as having attended."""
    duration = webinar.duration_minutes
    if not duration:
        return ATTENDANCE_MINUTES_WITHOUT_DURATION
    return max(1, math.ceil(duration * ATTENDANCE_SHARE))


# Series and webinars ----------------------------------------------------------------------


@transaction.atomic
def create_series(
    *, title: str, slug: str, organiser, partners: Iterable = (), description: str = ""
) -> Series:
    series = Series(title=title, slug=slug, organiser=organiser, description=description)
    series.full_clean()
    series.save()
    series.partners.set(list(partners))
    return series


def _set_speakers(webinar: Webinar, speakers: Sequence[Person]) -> None:
    WebinarSpeaker.objects.filter(webinar=webinar).delete()
    WebinarSpeaker.objects.bulk_create(
        WebinarSpeaker(webinar=webinar, person=person, position=position)
        for position, person in enumerate(dict.fromkeys(speakers), start=1)
    )


@transaction.atomic
def create_webinar(
    *,
    series: Series,
    slug: str,
    title: str,
    starts_at: dt.datetime,
    duration_minutes: int,
    time_zone: str,
    by=None,
    abstract: str = "",
    language: str = "en",
    platform: str = "zoom",
    join_url: str = "",
    online_capacity: int | None = None,
    registration_opens_at: dt.datetime | None = None,
    registration_closes_at: dt.datetime | None = None,
    speakers: Sequence[Person] = (),
    sdgs: Iterable[Sdg | int] = (),
) -> Webinar:
    """A webinar and its online-only ``Activity``.

    Registration opens now unless told otherwise and closes when the webinar starts.
    """
    if duration_minutes <= 0:
        raise WebinarRefused(_("The duration must be at least one minute."))
    opens_at = registration_opens_at or min(timezone.now(), starts_at)
    activity = Activity(
        kind=ActivityKind.WEBINAR,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=duration_minutes),
        time_zone=time_zone,
        country=None,
        allows_onsite=False,
        allows_online=True,
        online_capacity=online_capacity,
        registration_opens_at=opens_at,
        registration_closes_at=registration_closes_at or starts_at,
    )
    _validate(activity)
    activity.save()
    webinar = Webinar(
        activity=activity,
        series=series,
        slug=slug,
        title=title,
        abstract=abstract,
        language=language,
        platform=platform,
        join_url=join_url,
    )
    _validate(webinar)
    webinar.save()
    _set_speakers(webinar, speakers)
    webinar.sdgs.set(list(sdgs))
    return webinar


def _validate(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise WebinarRefused(" ".join(error.messages)) from error


@transaction.atomic
def update_webinar(
    *,
    webinar: Webinar,
    by=None,
    duration_minutes: int | None = None,
    speakers: Sequence[Person] | None = None,
    sdgs: Iterable[Sdg | int] | None = None,
    **changes,
) -> Webinar:
    """Change a webinar and its activity; returns the webinar.

    Side effects: the activity's title follows the webinar's; a change of time, zone, title,
    platform or status raises ``sequence`` by one so calendars replace their copy; a change of
    seats goes through the engine's ``set_capacity``, which promotes from the waitlist.
    Changing nothing changes nothing, so a retried request is harmless.
    """
    unknown = set(changes) - WEBINAR_FIELDS - ACTIVITY_FIELDS
    if unknown:
        raise TypeError(f"update_webinar() got unexpected fields: {sorted(unknown)}")
    webinar = Webinar.objects.select_for_update().select_related("activity").get(pk=webinar.pk)
    activity = Activity.objects.select_for_update().get(pk=webinar.activity_id)
    if activity.status == ActivityStatus.CANCELLED:
        raise WebinarRefused(_("A cancelled webinar cannot be changed."))
    changed: set[str] = set()
    capacity_unchanged = object()
    new_capacity = changes.pop("online_capacity", capacity_unchanged)
    starts_at = changes.get("starts_at", activity.starts_at)
    if duration_minutes is not None:
        if duration_minutes <= 0:
            raise WebinarRefused(_("The duration must be at least one minute."))
        changes["ends_at"] = starts_at + dt.timedelta(minutes=duration_minutes)
    elif "starts_at" in changes and activity.starts_at and activity.ends_at:
        changes["ends_at"] = starts_at + (activity.ends_at - activity.starts_at)
    for name, value in changes.items():
        target = activity if name in ACTIVITY_FIELDS or name == "ends_at" else webinar
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed.add(name)
    if "title" in changed:
        activity.title = webinar.title
    if "starts_at" in changed and "registration_closes_at" not in changes:
        activity.registration_closes_at = activity.starts_at
    if speakers is not None:
        current = list(
            webinar.speaker_slots.order_by("position").values_list("person_id", flat=True)
        )
        if current != [person.pk for person in dict.fromkeys(speakers)]:
            _set_speakers(webinar, speakers)
            changed.add("speakers")
    if sdgs is not None:
        wanted = {sdg.pk if isinstance(sdg, Sdg) else sdg for sdg in sdgs}
        if wanted != set(webinar.sdgs.values_list("pk", flat=True)):
            webinar.sdgs.set(wanted)
            changed.add("sdgs")
    capacity_changes = (
        new_capacity is not capacity_unchanged and new_capacity != activity.online_capacity
    )
    if not changed and not capacity_changes:
        return webinar
    _validate(activity)
    previous_status = activity.status
    activity.save()
    if activity.status != previous_status:
        changed.add("status")
    if capacity_changes:
        # The engine saves the seats and promotes whoever the new seats admit.
        engine.set_capacity(
            activity=activity,
            onsite_capacity=activity.onsite_capacity,
            online_capacity=new_capacity,
            by=by,
        )
        activity.refresh_from_db()
    if changed & CALENDAR_FIELDS:
        webinar.sequence += 1
    _validate(webinar)
    webinar.save()
    webinar.activity = activity
    return webinar


@transaction.atomic
def cancel_webinar(*, webinar: Webinar, by=None) -> Webinar:
    """Cancel the webinar: the activity is marked cancelled and the calendars told.

    Side effects: ``sequence`` is raised; every active registrant gets an e-mail through the
    outbox. Cancelling a cancelled webinar does nothing.
    """
    webinar = Webinar.objects.select_for_update().select_related("activity").get(pk=webinar.pk)
    activity = Activity.objects.select_for_update().get(pk=webinar.activity_id)
    if activity.status == ActivityStatus.CANCELLED:
        return webinar
    if activity.status == ActivityStatus.HELD:
        raise WebinarRefused(_("A webinar that has been held cannot be cancelled."))
    activity.status = ActivityStatus.CANCELLED
    activity.save()
    webinar.sequence += 1
    webinar.save(update_fields=["sequence", "updated_at"])
    webinar.activity = activity
    registrations = (
        Registration.objects.filter(activity=activity, status__in=ACTIVE_STATUSES)
        .select_related("person", "person__user", "registered_by")
        .order_by("id")
    )
    for registration, address in _recipients(registrations):
        queue_mail(
            to=address,
            template_prefix="webinars/emails/webinar_cancelled",
            context={"webinar": webinar, "registration": registration},
            topic="webinar.cancelled",
        )
    return webinar


def _recipients(registrations) -> list[tuple[Registration, str]]:
    """One (registration, address) per address, found as the engine finds it."""
    seen: set[str] = set()
    recipients = []
    for registration in registrations:
        address = registration_selectors.recipient_of(registration)
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        recipients.append((registration, address))
    return recipients


# Recordings -------------------------------------------------------------------------------


@transaction.atomic
def publish_recording(*, webinar: Webinar, recording_url: str, by=None) -> Webinar:
    """Publish (or correct) the recording link; registrants are told the first time.

    Side effects: on first publication every confirmed registrant gets an e-mail through the
    outbox. Publishing the same link again does nothing; correcting the link sends nothing.
    """
    webinar = Webinar.objects.select_for_update().select_related("activity").get(pk=webinar.pk)
    activity = webinar.activity
    if activity.status == ActivityStatus.CANCELLED:
        raise WebinarRefused(_("A cancelled webinar has no recording."))
    if activity.starts_at is None or activity.starts_at > timezone.now():
        raise WebinarRefused(_("A recording can be published once the webinar has started."))
    recording_url = recording_url.strip()
    if not recording_url:
        raise WebinarRefused(_("Give the recording's link."))
    if webinar.recording_url == recording_url and webinar.recording_published_at:
        return webinar
    first_time = webinar.recording_published_at is None
    webinar.recording_url = recording_url
    webinar.recording_published_at = webinar.recording_published_at or timezone.now()
    _validate(webinar)
    webinar.save(update_fields=["recording_url", "recording_published_at", "updated_at"])
    if first_time:
        registrations = (
            Registration.objects.confirmed()
            .filter(activity=activity)
            .select_related("person", "person__user", "registered_by")
            .order_by("id")
        )
        for registration, address in _recipients(registrations):
            queue_mail(
                to=address,
                template_prefix="webinars/emails/recording_published",
                context={"webinar": webinar, "registration": registration},
                topic="webinar.recording",
            )
    return webinar


@transaction.atomic
def withdraw_recording(*, webinar: Webinar, by=None) -> Webinar:
    """Take the recording link down; nobody is told. Idempotent."""
    webinar = Webinar.objects.select_for_update().get(pk=webinar.pk)
    if not webinar.recording_url and webinar.recording_published_at is None:
        return webinar
    webinar.recording_url = ""
    webinar.recording_published_at = None
    webinar.save(update_fields=["recording_url", "recording_published_at", "updated_at"])
    return webinar


# Attendance imports -----------------------------------------------------------------------


@dataclass
class _Attendee:
    email: str
    name: str
    minutes: int
    first_line: int
    registration: Registration | None
    person: Person | None


def _registrations_by_email(webinar: Webinar) -> dict[str, Registration]:
    registrations = (
        Registration.objects.filter(activity_id=webinar.activity_id, status__in=ACTIVE_STATUSES)
        .select_related("person", "person__user")
        .order_by("id")
    )
    by_email: dict[str, Registration] = {}
    for registration in registrations:
        person = registration.person
        addresses = [person.email]
        if person.user_id:
            addresses.append(person.user.email)
        for address in addresses:
            if address:
                by_email.setdefault(address.strip().lower(), registration)
    return by_email


def _people_by_email(emails: set[str]) -> dict[str, Person]:
    if not emails:
        return {}
    people = (
        Person.objects.annotate(email_key=Lower("email"))
        .filter(email_key__in=emails)
        .order_by("id")
    )
    found: dict[str, Person] = {}
    for person in people:
        found.setdefault(person.email_key, person)
    for person in Person.objects.annotate(user_email=Lower("user__email")).filter(
        user_email__in=emails
    ):
        found.setdefault(person.user_email, person)
    return found


def _classify(webinar: Webinar, parsed: imports.ParsedFile) -> tuple[dict, list[_Attendee]]:
    """The preview of a parsed file: each row's outcome with its reason, and the attendees."""
    registrations = _registrations_by_email(webinar)
    valid_emails = {row.email for row in parsed.rows if not row.error}
    people = _people_by_email(valid_emails - set(registrations))
    threshold = attendance_threshold(webinar)
    attendees: dict[str, _Attendee] = {}
    rows = []
    for row in parsed.rows:
        entry = {"line": row.line, "name": row.name, "email": row.email, "minutes": row.minutes}
        if row.error:
            entry.update(outcome="malformed", reason=row.error)
        elif row.email in attendees:
            attendee = attendees[row.email]
            attendee.minutes += row.minutes
            entry.update(
                outcome="duplicate",
                reason=_(
                    "same e-mail as line %(line)s: %(minutes)s minutes added there "
                    "(%(total)s in all)"
                )
                % {"line": attendee.first_line, "minutes": row.minutes, "total": attendee.minutes},
            )
        else:
            registration = registrations.get(row.email)
            person = registration.person if registration else people.get(row.email)
            attendees[row.email] = _Attendee(
                email=row.email,
                name=row.name,
                minutes=row.minutes,
                first_line=row.line,
                registration=registration,
                person=person,
            )
            if registration is not None:
                entry.update(
                    outcome="matched",
                    reason=_("registered as %(name)s (%(status)s)")
                    % {
                        "name": registration.person.full_name,
                        "status": registration.get_status_display(),
                    },
                )
            elif person is not None:
                entry.update(
                    outcome="unmatched",
                    reason=_("%(name)s is in the registry but did not register")
                    % {"name": person.full_name},
                )
            else:
                entry.update(outcome="unmatched", reason=_("nobody registered with this e-mail"))
        rows.append(entry)
    counts = {
        outcome: sum(1 for entry in rows if entry["outcome"] == outcome)
        for outcome in ("matched", "unmatched", "duplicate", "malformed")
    }
    counts["rows"] = len(rows)
    counts["attendees"] = len(attendees)
    counts["attended"] = sum(1 for a in attendees.values() if a.minutes >= threshold)
    summary = {
        "encoding": parsed.encoding,
        "delimiter": {"\t": "tab"}.get(parsed.columns.delimiter, parsed.columns.delimiter),
        "header_line": parsed.columns.header_line,
        "columns": parsed.columns.labels,
        "threshold": threshold,
        "counts": counts,
        "rows": rows,
    }
    return summary, list(attendees.values())


@transaction.atomic
def preview_attendance_import(
    *, webinar: Webinar, data: bytes, file_name: str, by
) -> AttendanceImport:
    """Read an export and keep it, under a token, for staff to confirm; writes no attendance.

    Raises ``imports.ImportRefused`` when the whole file cannot be read (nothing is kept).
    Side effects: the file is stored in private storage until confirmation or expiry.
    """
    if webinar.activity.status == ActivityStatus.CANCELLED:
        raise imports.ImportRefused(_("A cancelled webinar has no attendance."))
    if webinar.activity.starts_at is None or webinar.activity.starts_at > timezone.now():
        raise imports.ImportRefused(_("Attendance can be imported once the webinar has started."))
    parsed = imports.read_upload(data)
    summary, _attendees = _classify(webinar, parsed)
    token = secrets.token_urlsafe(32)
    stored_name = default_storage.save(f"{IMPORT_FOLDER}/{token}.csv", ContentFile(data))
    try:
        return AttendanceImport.objects.create(
            webinar=webinar,
            token=token,
            uploaded_by=by,
            original_name=file_name[:255],
            stored_name=stored_name,
            encoding=parsed.encoding,
            expires_at=timezone.now() + IMPORT_LIFETIME,
            summary=summary,
        )
    except Exception:
        default_storage.delete(stored_name)
        raise


def _delete_file(stored_name: str) -> None:
    if stored_name:
        try:
            default_storage.delete(stored_name)
        except OSError:
            logger.warning("attendance upload %s not deleted; the purge retries", stored_name)


@transaction.atomic
def confirm_attendance_import(
    *, attendance_import: AttendanceImport, by, keep_unmatched: bool
) -> AttendanceImport:
    """Write the attendance of a previewed import, replacing any earlier import's.

    Side effects, in one transaction: the webinar's attendance rows are replaced by this
    file's; each matched registration's ``attended`` is set (minutes at or above
    ``attendance_threshold``); confirmed participants who do not appear in the file are marked
    as not attended (speakers and other assigned roles are left as they are, since they often
    join from a host's account); the stored file is deleted after commit. Attendees nobody
    registered are kept only with ``keep_unmatched``. Confirming twice does nothing.
    """
    attendance_import = (
        AttendanceImport.objects.select_for_update()
        .select_related("webinar", "webinar__activity")
        .get(pk=attendance_import.pk)
    )
    if attendance_import.status == ImportStatus.CONFIRMED:
        return attendance_import
    if (
        attendance_import.status == ImportStatus.EXPIRED
        or attendance_import.expires_at <= timezone.now()
    ):
        raise imports.ImportRefused(_("This upload has expired; upload the file again."))
    webinar = attendance_import.webinar
    try:
        with default_storage.open(attendance_import.stored_name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError) as error:
        raise imports.ImportRefused(
            _("The uploaded file is no longer there; upload it again.")
        ) from error
    parsed = imports.read_upload(data)
    summary, attendees = _classify(webinar, parsed)
    threshold = summary["threshold"]
    WebinarAttendance.objects.filter(webinar=webinar).delete()
    kept = [a for a in attendees if a.registration is not None or keep_unmatched]
    WebinarAttendance.objects.bulk_create(
        WebinarAttendance(
            webinar=webinar,
            registration=attendee.registration,
            person=attendee.person,
            email=attendee.email,
            name=attendee.name,
            minutes=attendee.minutes,
            attended=attendee.minutes >= threshold,
            source_import=attendance_import,
        )
        for attendee in kept
    )
    attended_ids = [
        a.registration.pk for a in attendees if a.registration and a.minutes >= threshold
    ]
    present_ids = [a.registration.pk for a in attendees if a.registration]
    registrations = Registration.objects.filter(activity_id=webinar.activity_id)
    registrations.filter(pk__in=attended_ids).update(attended=True, updated_at=timezone.now())
    registrations.filter(pk__in=present_ids).exclude(pk__in=attended_ids).update(
        attended=False, updated_at=timezone.now()
    )
    registrations.filter(status=RegistrationStatus.CONFIRMED).exclude(pk__in=present_ids).exclude(
        role__in=ROLES_OUTSIDE_CAPACITY
    ).update(attended=False, updated_at=timezone.now())
    summary["counts"]["written"] = len(kept)
    attendance_import.summary = summary
    attendance_import.status = ImportStatus.CONFIRMED
    attendance_import.keep_unmatched = keep_unmatched
    attendance_import.confirmed_at = timezone.now()
    attendance_import.confirmed_by = by
    stored_name = attendance_import.stored_name
    attendance_import.stored_name = ""
    attendance_import.save()
    transaction.on_commit(lambda: _delete_file(stored_name))
    return attendance_import


def purge_expired_imports(*, now: dt.datetime | None = None) -> int:
    """Delete the files of uploads past their expiry and mark them expired; returns how many.

    Also deletes any file a confirmed import still holds (its after-commit delete failed).
    Each import is handled in its own transaction so one bad file does not stop the rest.
    """
    now = now or timezone.now()
    purged = 0
    expired = AttendanceImport.objects.filter(
        status=ImportStatus.PREVIEWED, expires_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(expired):
        with transaction.atomic():
            attendance_import = (
                AttendanceImport.objects.select_for_update()
                .filter(pk=pk, status=ImportStatus.PREVIEWED)
                .first()
            )
            if attendance_import is None:
                continue
            stored_name = attendance_import.stored_name
            attendance_import.status = ImportStatus.EXPIRED
            attendance_import.stored_name = ""
            attendance_import.save(update_fields=["status", "stored_name"])
            transaction.on_commit(lambda name=stored_name: _delete_file(name))
            purged += 1
    leftovers = AttendanceImport.objects.exclude(status=ImportStatus.PREVIEWED).exclude(
        stored_name=""
    )
    for attendance_import in leftovers:
        _delete_file(attendance_import.stored_name)
        AttendanceImport.objects.filter(pk=attendance_import.pk).update(stored_name="")
    return purged + _purge_orphan_files(now)


def _purge_orphan_files(now: dt.datetime) -> int:
    """Files no import refers to (their transaction rolled back), once past the lifetime."""
    try:
        _folders, names = default_storage.listdir(IMPORT_FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    known = set(
        AttendanceImport.objects.exclude(stored_name="").values_list("stored_name", flat=True)
    )
    removed = 0
    for name in names:
        stored_name = f"{IMPORT_FOLDER}/{name}"
        if stored_name in known:
            continue
        if default_storage.get_modified_time(stored_name) > now - IMPORT_LIFETIME:
            continue
        _delete_file(stored_name)
        removed += 1
    return removed
