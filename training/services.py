"""Writes of the training app: verb-first, keyword-only, one transaction each (STYLE.md).

Nominations go through the registration engine (``roadmap_portal.registrations.services``):
a nomination is a pending registration with a motivation on a cohort's ``Activity``, which
requires approval. This module adds what is particular to the course (eligible countries,
the focal point's right to nominate, the motivation) and the course's own records:
attendance per session and the certificate that completion earns.

Completion rule: a confirmed participant completes a cohort when, once the cohort has ended
(it has sessions and the last of them is over), the sessions attended reach the cohort's
threshold of all its sessions (``attended * 100 >= threshold * sessions``). Certificates are
issued by ``record_attendance`` (after the grid is saved), by ``evaluate_completion`` (the
staff button and the periodic task) and nowhere else: editing a cohort or its sessions never
issues one. A certificate, once issued, stays: correcting attendance later does not remove it;
staff revoke it with a reason.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from roadmap_portal.accounts.membership import is_focal_point_of, is_staff
from roadmap_portal.core.mail import queue_mail
from roadmap_portal.registrations import services as engine
from roadmap_portal.registrations.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Mode,
    Registration,
    RegistrationStatus,
    Role,
)
from roadmap_portal.registrations.selectors import focal_point_addresses, recipient_of
from roadmap_portal.registrations.services import Decision
from taskforce.models import Affiliation, Country, Organisation, Person

from .models import (
    Certificate,
    Cohort,
    CohortSession,
    Course,
    DeliveryMode,
    Module,
    SessionAttendance,
    delivery_mode_flags,
)
from .selectors import roster

MOTIVATION_MAX_LENGTH = 1500


class TrainingRefused(Exception):
    """A training action that cannot be done; ``message`` says why, for the person asking."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def meets_threshold(*, attended: int, sessions: int, threshold_percent: int) -> bool:
    """Whether ``attended`` of ``sessions`` reaches ``threshold_percent``; integers only."""
    return sessions > 0 and attended * 100 >= threshold_percent * sessions


def local_date(moment: dt.datetime | None, time_zone: str) -> str:
    """A date as people read it where the cohort takes place, e.g. "4 September 2025"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, timezone=zoneinfo.ZoneInfo(time_zone or "UTC"))
    return date_format(local, "j F Y")


# Course and modules ------------------------------------------------------------------------


@transaction.atomic
def create_course(
    *,
    title: str,
    slug: str = "",
    description: str = "",
    organisers: Iterable[Organisation] = (),
) -> Course:
    course = Course(title=title, slug=slug or slugify(title)[:100], description=description)
    course.full_clean()
    course.save()
    course.organisers.set(list(organisers))
    return course


@transaction.atomic
def add_module(*, course: Course, title: str, summary: str = "") -> Module:
    """Append a module at the end of the course."""
    last = (
        Module.objects.select_for_update(of=("self",))
        .filter(course=course)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    module = Module(course=course, position=(last or 0) + 1, title=title, summary=summary)
    module.full_clean()
    module.save()
    return module


# Cohorts and sessions ----------------------------------------------------------------------


@dataclass
class CohortSchedule:
    """What a cohort's ``Activity`` holds, as staff edit it."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    delivery_mode: str
    nominations_open_at: dt.datetime
    nomination_deadline: dt.datetime
    country: Country | None = None
    onsite_capacity: int | None = None
    online_capacity: int | None = None
    seats_per_organisation: int | None = None


def _check_schedule(schedule: CohortSchedule) -> None:
    if schedule.delivery_mode not in DeliveryMode.values:
        raise TrainingRefused("delivery_mode", _("Choose onsite, online or hybrid."))
    if schedule.ends_at < schedule.starts_at:
        raise TrainingRefused("dates", _("The cohort cannot end before it starts."))
    if schedule.nomination_deadline < schedule.nominations_open_at:
        raise TrainingRefused(
            "window", _("The nomination deadline must come after nominations open.")
        )
    if schedule.nomination_deadline > schedule.starts_at:
        raise TrainingRefused(
            "window", _("The nomination deadline must come before the cohort starts.")
        )


def _apply_schedule(
    activity: Activity, *, title: str, schedule: CohortSchedule, keep_capacity: bool = False
) -> None:
    allows_onsite, allows_online = delivery_mode_flags(schedule.delivery_mode)
    activity.title = title
    activity.starts_at = schedule.starts_at
    activity.ends_at = schedule.ends_at
    activity.time_zone = schedule.time_zone
    activity.country = schedule.country if allows_onsite else None
    activity.allows_onsite = allows_onsite
    activity.allows_online = allows_online
    if not keep_capacity:
        activity.onsite_capacity = schedule.onsite_capacity if allows_onsite else None
        activity.online_capacity = schedule.online_capacity if allows_online else None
    activity.registration_opens_at = schedule.nominations_open_at
    activity.registration_closes_at = schedule.nomination_deadline
    activity.seats_per_organisation = schedule.seats_per_organisation
    activity.requires_approval = True
    activity.full_clean()
    activity.save()


def _activity_title(course: Course, title: str) -> str:
    return f"{course.title}: {title}"[:250]


@transaction.atomic
def create_cohort(
    *,
    course: Course,
    title: str,
    schedule: CohortSchedule,
    slug: str = "",
    description: str = "",
    place: str = "",
    eligible_countries: Iterable[Country] = (),
    completion_threshold_percent: int = 80,
) -> Cohort:
    """A cohort and its ``Activity`` (kind training_cohort, approval required)."""
    _check_schedule(schedule)
    slug = slug or slugify(title)[:100]
    if Cohort.objects.filter(slug=slug).exists():
        raise TrainingRefused("slug", _("Another cohort already uses the address “%s”.") % slug)
    activity = Activity(kind=ActivityKind.TRAINING_COHORT)
    _apply_schedule(activity, title=_activity_title(course, title), schedule=schedule)
    cohort = Cohort(
        activity=activity,
        course=course,
        slug=slug,
        title=title,
        description=description,
        place=place,
        completion_threshold_percent=completion_threshold_percent,
    )
    cohort.full_clean()
    cohort.save()
    cohort.eligible_countries.set(list(eligible_countries))
    return cohort


@transaction.atomic
def update_cohort(
    *,
    cohort: Cohort,
    title: str,
    schedule: CohortSchedule,
    description: str = "",
    place: str = "",
    eligible_countries: Iterable[Country] = (),
    completion_threshold_percent: int = 80,
    by=None,
) -> Cohort:
    """Change a cohort and its ``Activity``. Never issues or revokes a certificate.

    A mode that people are registered in cannot be taken away. When a capacity grows, the
    engine promotes from the waitlist in the same transaction.
    """
    _check_schedule(schedule)
    activity = Activity.objects.select_for_update(of=("self",)).get(pk=cohort.activity_id)
    allows_onsite, allows_online = delivery_mode_flags(schedule.delivery_mode)
    active_modes = set(
        Registration.objects.active().filter(activity=activity).values_list("mode", flat=True)
    )
    allowed = {"onsite": allows_onsite, "online": allows_online}
    dropped = {mode for mode, is_allowed in allowed.items() if not is_allowed}
    in_use = sorted(active_modes & dropped)
    if in_use:
        raise TrainingRefused(
            "mode_in_use",
            _("People are registered to take part %(modes)s: the cohort must keep offering it.")
            % {"modes": _(" and ").join(str(Mode(mode).label).lower() for mode in in_use)},
        )
    capacities = (
        schedule.onsite_capacity if allows_onsite else None,
        schedule.online_capacity if allows_online else None,
    )
    capacity_changed = capacities != (activity.onsite_capacity, activity.online_capacity)
    # The engine changes capacities, so that new seats go to the waitlist at once.
    _apply_schedule(
        activity,
        title=_activity_title(cohort.course, title),
        schedule=schedule,
        keep_capacity=True,
    )
    cohort.activity = activity
    cohort.title = title
    cohort.description = description
    cohort.place = place
    cohort.completion_threshold_percent = completion_threshold_percent
    cohort.full_clean()
    cohort.save()
    cohort.eligible_countries.set(list(eligible_countries))
    if capacity_changed:
        try:
            engine.set_capacity(
                activity=activity,
                onsite_capacity=capacities[0],
                online_capacity=capacities[1],
                by=by,
            )
        except engine.RegistrationRefused as refused:
            raise TrainingRefused(refused.code, refused.message) from refused
    return cohort


def _check_session(*, cohort: Cohort, module: Module, starts_at, ends_at) -> None:
    if module.course_id != cohort.course_id:
        raise TrainingRefused("module", _("Choose a module of this cohort's course."))
    if ends_at <= starts_at:
        raise TrainingRefused("dates", _("A session must end after it starts."))


@transaction.atomic
def add_session(
    *,
    cohort: Cohort,
    module: Module,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title: str = "",
) -> CohortSession:
    _check_session(cohort=cohort, module=module, starts_at=starts_at, ends_at=ends_at)
    session = CohortSession(
        cohort=cohort, module=module, starts_at=starts_at, ends_at=ends_at, title=title
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def update_session(
    *,
    session: CohortSession,
    module: Module,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title: str = "",
) -> CohortSession:
    """Change a session's module, title or times. Never issues a certificate."""
    _check_session(cohort=session.cohort, module=module, starts_at=starts_at, ends_at=ends_at)
    session.module = module
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.title = title
    session.full_clean()
    session.save()
    return session


# Nominations -------------------------------------------------------------------------------


def _refuse_unless_nominations_open(cohort: Cohort, now: dt.datetime) -> None:
    activity = cohort.activity
    zone = activity.time_zone
    if activity.status == ActivityStatus.CANCELLED:
        raise TrainingRefused("cancelled", _("This cohort has been cancelled."))
    if activity.registration_opens_at is None or now < activity.registration_opens_at:
        when = local_date(activity.registration_opens_at, zone)
        message = (
            _("Nominations for this cohort open on %s.") % when
            if when
            else _("Nominations for this cohort are not open yet.")
        )
        raise TrainingRefused("not_open", message)
    deadline = activity.registration_closes_at
    if (deadline is not None and now >= deadline) or (
        activity.starts_at is not None and now >= activity.starts_at
    ):
        raise TrainingRefused(
            "deadline_passed",
            _("The nomination deadline for this cohort passed on %s.")
            % local_date(deadline or activity.starts_at, zone),
        )


def _refuse_unless_eligible(cohort: Cohort, organisation: Organisation) -> None:
    eligible = list(cohort.eligible_countries.all())
    if not eligible:
        return
    if organisation.country_id not in {country.pk for country in eligible}:
        names = ", ".join(country.name for country in eligible)
        country = organisation.country.name if organisation.country_id else _("no country")
        raise TrainingRefused(
            "country_not_eligible",
            _(
                "%(organisation)s is in %(country)s; this cohort is open to organisations "
                "from %(eligible)s only."
            )
            % {"organisation": organisation.name, "country": country, "eligible": names},
        )


@transaction.atomic
def nominate_person(
    *,
    cohort: Cohort,
    person: Person,
    organisation: Organisation,
    motivation: str,
    by,
    mode: str | None = None,
) -> Registration:
    """A focal point nominates one of its organisation's people; the nomination is pending.

    Checks, in order: the nominator is a focal point of the organisation (or staff), the
    window is open, the organisation's country is eligible, the person belongs to the
    organisation, a motivation is given and the mode is offered. The engine then checks the
    seats per organisation and that the person is not already registered, under its lock.
    Nothing is written when a check fails.
    """
    if not (is_focal_point_of(by, organisation) or is_staff(by)):
        raise TrainingRefused(
            "not_focal_point",
            _("Only a focal point of %s can nominate its people.") % organisation.name,
        )
    _refuse_unless_nominations_open(cohort, timezone.now())
    _refuse_unless_eligible(cohort, organisation)
    if not Affiliation.objects.active().filter(person=person, organisation=organisation).exists():
        raise TrainingRefused(
            "not_affiliated",
            _("%(person)s is not a current member of %(organisation)s.")
            % {"person": person.full_name, "organisation": organisation.name},
        )
    motivation = (motivation or "").strip()
    if not motivation:
        raise TrainingRefused(
            "motivation_required", _("Say in a few lines why you nominate this person.")
        )
    if len(motivation) > MOTIVATION_MAX_LENGTH:
        raise TrainingRefused(
            "motivation_too_long",
            _("Keep the motivation under %d characters.") % MOTIVATION_MAX_LENGTH,
        )
    modes = cohort.modes
    if mode is None and len(modes) == 1:
        mode = modes[0]
    if mode not in modes:
        raise TrainingRefused("mode", _("Choose whether the person takes part onsite or online."))
    try:
        return engine.register_person(
            activity=cohort.activity,
            person=person,
            organisation=organisation,
            mode=mode,
            by=by,
            motivation=motivation,
            role=Role.PARTICIPANT,
        )
    except engine.RegistrationRefused as refused:
        raise TrainingRefused(refused.code, refused.message) from refused


@transaction.atomic
def withdraw_nomination(*, registration: Registration, by) -> Registration:
    """The focal point (or staff) withdraws a nomination; the engine cancels it.

    The engine tells the nominee and gives a seat the nomination held to the first person
    waiting. Withdrawing twice changes nothing.
    """
    if not (is_focal_point_of(by, registration.organisation) or is_staff(by)):
        raise TrainingRefused(
            "not_focal_point", _("Only a focal point of the organisation can withdraw it.")
        )
    try:
        return engine.cancel_registration(registration=registration, by=by)
    except engine.RegistrationRefused as refused:
        raise TrainingRefused(refused.code, refused.message) from refused


def notification_addresses(registration: Registration) -> list[str]:
    """The nominee's address and those of the organisation's focal points, each once."""
    addresses = [recipient_of(registration)]
    if registration.organisation_id:
        addresses.extend(focal_point_addresses(registration.organisation))
    unique: dict[str, str] = {}
    for address in addresses:
        if address:
            unique.setdefault(address.lower(), address)
    return list(unique.values())


_DECISION_MAIL = {
    RegistrationStatus.CONFIRMED: "training/emails/nomination_accepted",
    RegistrationStatus.WAITLISTED: "training/emails/nomination_waitlisted",
    RegistrationStatus.DECLINED: "training/emails/nomination_declined",
}


@transaction.atomic
def decide_nomination(
    *, registration: Registration, decision: str, by, reason: str = ""
) -> Registration:
    """Staff accept, waitlist or decline a nomination through the engine.

    Side effects: the engine's decision and its e-mail to the nominee (accepting needs a free
    seat in the nominee's mode: when none is left the engine refuses and nothing changes;
    a waitlisted nomination is promoted at once if a seat is free), then one e-mail to each
    focal point of the nominating organisation saying what was decided. Deciding what is
    already decided changes nothing and sends nothing.
    """
    if decision not in Decision.values:
        raise TrainingRefused("decision", _("Choose accept, waitlist or decline."))
    reason = reason.strip()
    if decision == Decision.DECLINE and not reason:
        raise TrainingRefused("reason_required", _("Give the reason for declining."))
    cohort = Cohort.objects.with_activity().filter(activity_id=registration.activity_id).first()
    if cohort is None:
        raise TrainingRefused("not_a_cohort", _("This registration is not for a training cohort."))
    target = {
        Decision.CONFIRM: RegistrationStatus.CONFIRMED,
        Decision.WAITLIST: RegistrationStatus.WAITLISTED,
        Decision.DECLINE: RegistrationStatus.DECLINED,
    }[decision]
    if registration.status == target:
        return registration
    if registration.status == RegistrationStatus.CANCELLED:
        raise TrainingRefused("cancelled", _("This nomination was withdrawn."))
    try:
        decided = engine.decide_registration(
            registration=registration, decision=decision, by=by, reason=reason
        )
    except engine.RegistrationRefused as refused:
        raise TrainingRefused(refused.code, refused.message) from refused
    decided.refresh_from_db()
    template_prefix = _DECISION_MAIL.get(decided.status)
    if template_prefix is not None:
        context = {
            "registration": decided,
            "person": decided.person,
            "organisation": decided.organisation,
            "cohort": cohort,
            "course": cohort.course,
            "reason": reason,
            "starts_on": local_date(cohort.activity.starts_at, cohort.activity.time_zone),
            "ends_on": local_date(cohort.activity.ends_at, cohort.activity.time_zone),
        }
        # The engine has told the nominee; the focal points hear it from the course.
        nominee = recipient_of(decided).lower()
        for address in notification_addresses(decided):
            if address.lower() == nominee:
                continue
            queue_mail(
                to=address,
                template_prefix=template_prefix,
                context=context,
                topic=f"training.nomination.{decided.status}",
            )
    return decided


# Attendance and completion -----------------------------------------------------------------


@transaction.atomic
def record_attendance(
    *,
    session: CohortSession,
    present_registration_ids: Iterable[int],
    by,
    now: dt.datetime | None = None,
) -> list[Certificate]:
    """Save a session's attendance grid: everyone on the roster present or absent.

    ``present_registration_ids`` are the participants ticked present; every other participant
    on the roster is recorded absent. Rows that do not change keep who recorded them and when.
    An id not on the roster refuses the whole grid. Once saved, completion is evaluated;
    returns the certificates this issued (none before the cohort has ended).
    """
    now = now or timezone.now()
    session = (
        CohortSession.objects.select_for_update(of=("self",))
        .select_related("cohort__activity")
        .get(pk=session.pk)
    )
    cohort = session.cohort
    if cohort.activity.status == ActivityStatus.CANCELLED:
        raise TrainingRefused("cancelled", _("This cohort has been cancelled."))
    if session.starts_at > now:
        raise TrainingRefused(
            "not_started", _("Attendance can be taken once the session has started.")
        )
    try:
        present = {int(value) for value in present_registration_ids}
    except (TypeError, ValueError) as error:
        raise TrainingRefused("not_on_roster", _("The attendance list is not valid.")) from error
    registration_ids = set(roster(cohort).values_list("pk", flat=True))
    if present - registration_ids:
        raise TrainingRefused(
            "not_on_roster",
            _("Some of the people ticked are not confirmed participants of this cohort."),
        )
    existing = {
        row.registration_id: row for row in SessionAttendance.objects.filter(session=session)
    }
    to_create, to_update = [], []
    for registration_id in sorted(registration_ids):
        is_present = registration_id in present
        row = existing.get(registration_id)
        if row is None:
            to_create.append(
                SessionAttendance(
                    session=session,
                    registration_id=registration_id,
                    present=is_present,
                    recorded_by=by,
                    recorded_at=now,
                )
            )
        elif row.present != is_present:
            row.present, row.recorded_by, row.recorded_at = is_present, by, now
            to_update.append(row)
    # One row at a time so the history keeps each change (bulk writes bypass it).
    for row in [*to_create, *to_update]:
        row.save()
    return evaluate_completion(cohort=cohort, now=now)


def cohort_has_ended(cohort: Cohort, now: dt.datetime | None = None) -> bool:
    """A cohort ends when it has sessions and the last of them is over."""
    now = now or timezone.now()
    summary = CohortSession.objects.filter(cohort=cohort).aggregate(
        sessions=Count("id"), open_sessions=Count("id", filter=Q(ends_at__gt=now))
    )
    return summary["sessions"] > 0 and summary["open_sessions"] == 0


def _completions(cohort: Cohort):
    """Roster rows annotated with the sessions each attended."""
    return roster(cohort).annotate(
        sessions_attended=Count(
            "training_attendances",
            filter=Q(
                training_attendances__present=True,
                training_attendances__session__cohort=cohort,
            ),
        )
    )


@transaction.atomic
def evaluate_completion(*, cohort: Cohort, now: dt.datetime | None = None) -> list[Certificate]:
    """Issue a certificate to each participant who has completed the cohort and has none.

    Does nothing before the cohort has ended or when it is cancelled. Safe to run any number
    of times: a registration has at most one certificate, revoked or not. Returns the
    certificates issued by this call.
    """
    now = now or timezone.now()
    cohort = (
        Cohort.objects.select_for_update(of=("self",))
        .select_related("activity", "course")
        .get(pk=cohort.pk)
    )
    if cohort.activity.status == ActivityStatus.CANCELLED or not cohort_has_ended(cohort, now):
        return []
    sessions = CohortSession.objects.filter(cohort=cohort).count()
    candidates = (
        _completions(cohort)
        .filter(training_certificate__isnull=True)
        .select_related("person__user", "organisation", "registered_by")
    )
    issued = []
    for registration in candidates:
        if meets_threshold(
            attended=registration.sessions_attended,
            sessions=sessions,
            threshold_percent=cohort.completion_threshold_percent,
        ):
            issued.append(_issue_certificate(registration=registration, cohort=cohort, now=now))
    return issued


@transaction.atomic
def issue_certificate_if_complete(
    *, registration: Registration, now: dt.datetime | None = None
) -> Certificate | None:
    """The registration's certificate: the one it has, a new one if it has just completed,
    else None."""
    now = now or timezone.now()
    existing = Certificate.objects.filter(registration_id=registration.pk).first()
    if existing is not None:
        return existing
    cohort = (
        Cohort.objects.select_for_update(of=("self",))
        .select_related("activity", "course")
        .filter(activity_id=registration.activity_id)
        .first()
    )
    if cohort is None or cohort.activity.status == ActivityStatus.CANCELLED:
        return None
    if not cohort_has_ended(cohort, now):
        return None
    candidate = (
        _completions(cohort)
        .filter(pk=registration.pk)
        .select_related("person__user", "organisation", "registered_by")
        .first()
    )
    if candidate is None:
        return None
    # Re-read under the cohort's lock: another call may have issued it meanwhile.
    existing = Certificate.objects.filter(registration_id=registration.pk).first()
    if existing is not None:
        return existing
    sessions = CohortSession.objects.filter(cohort=cohort).count()
    if not meets_threshold(
        attended=candidate.sessions_attended,
        sessions=sessions,
        threshold_percent=cohort.completion_threshold_percent,
    ):
        return None
    return _issue_certificate(registration=candidate, cohort=cohort, now=now)


def _issue_certificate(*, registration: Registration, cohort: Cohort, now) -> Certificate:
    certificate = Certificate.objects.create(registration=registration, issued_at=now)
    context = {
        "certificate": certificate,
        "person": registration.person,
        "organisation": registration.organisation,
        "cohort": cohort,
        "course": cohort.course,
        "issued_on": local_date(now, cohort.activity.time_zone),
    }
    for address in notification_addresses(registration):
        queue_mail(
            to=address,
            template_prefix="training/emails/certificate_issued",
            context=context,
            topic="training.certificate.issued",
        )
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, by, reason: str) -> Certificate:
    """Staff revoke a certificate with a reason; the verification page then says revoked.

    The participant and the organisation's focal points are told. Revoking a revoked
    certificate changes nothing.
    """
    reason = (reason or "").strip()
    if not reason:
        raise TrainingRefused("reason_required", _("Give the reason for revoking."))
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related(
            "registration__person__user",
            "registration__organisation",
            "registration__registered_by",
        )
        .get(pk=certificate.pk)
    )
    if certificate.is_revoked:
        return certificate
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    cohort = Cohort.objects.with_activity().get(activity_id=certificate.registration.activity_id)
    context = {
        "certificate": certificate,
        "person": certificate.registration.person,
        "cohort": cohort,
        "course": cohort.course,
        "reason": reason,
    }
    for address in notification_addresses(certificate.registration):
        queue_mail(
            to=address,
            template_prefix="training/emails/certificate_revoked",
            context=context,
            topic="training.certificate.revoked",
        )
    return certificate


def evaluate_ended_cohorts(*, now: dt.datetime | None = None, within_days: int = 30) -> int:
    """Evaluate completion for cohorts whose last session ended in the last ``within_days``.

    The periodic task calls it, so a cohort whose last attendance was recorded before its
    last session ended still issues its certificates. Returns how many were issued.
    """
    now = now or timezone.now()
    cohorts = (
        Cohort.objects.exclude(activity__status=ActivityStatus.CANCELLED)
        .annotate(last_session_ends_at=Max("sessions__ends_at"))
        .filter(
            last_session_ends_at__lte=now,
            last_session_ends_at__gt=now - dt.timedelta(days=within_days),
        )
    )
    return sum(len(evaluate_completion(cohort=cohort, now=now)) for cohort in cohorts)
