"""The registration engine: one place decides every registration of every kind of activity.

Every write locks the activity's row (``select_for_update``) inside one transaction, with a
bounded lock wait on PostgreSQL, so capacity, waitlists and organisation limits are read and
changed by one transaction at a time. The e-mails a write causes go to the outbox inside the
same transaction. A refusal raises ``RegistrationRefused`` with a code and a sentence for
people, and writes nothing. Writes are verb-first, keyword-only, one transaction each, and
return early when the object is already in the asked-for state, so a retry is harmless.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roadmap_portal.accounts import membership
from roadmap_portal.core.mail import Attachment, queue_mail

from . import selectors
from .ics import activity_calendar
from .models import (
    ROLES_OUTSIDE_CAPACITY,
    Access,
    Activity,
    ActivityStatus,
    Invitation,
    InvitationStatus,
    Mode,
    Registration,
    RegistrationStatus,
    Role,
    kind_accessors,
)
from .signing import decline_path

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATE for lock_timeout (psycopg's LockNotAvailable).
_LOCK_NOT_AVAILABLE = "55P03"


class RefusalCode(models.TextChoices):
    WINDOW_CLOSED = "window_closed", gettext_lazy("Registration is not open")
    NOT_INVITED = "not_invited", gettext_lazy("Not invited")
    ALREADY_REGISTERED = "already_registered", gettext_lazy("Already registered")
    ORGANISATION_LIMIT = "organisation_limit", gettext_lazy("Organisation limit reached")
    NOT_OF_ORGANISATION = "not_of_organisation", gettext_lazy("Person not of your organisation")
    NOT_ALLOWED = "not_allowed", gettext_lazy("Not allowed")
    MODE_UNAVAILABLE = "mode_unavailable", gettext_lazy("Mode not offered")
    NO_SEATS = "no_seats", gettext_lazy("No seat left")
    INVALID_STATE = "invalid_state", gettext_lazy("Not possible in this state")
    INVALID_LINK = "invalid_link", gettext_lazy("Invalid link")
    BUSY = "busy", gettext_lazy("Activity busy")


class Decision(models.TextChoices):
    CONFIRM = "confirm", gettext_lazy("Confirm")
    WAITLIST = "waitlist", gettext_lazy("Put on the waitlist")
    DECLINE = "decline", gettext_lazy("Decline")


class RegistrationRefused(Exception):
    """The engine said no: ``code`` for programs, ``message`` (translated) for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = RefusalCode(code)
        self.message = message


# Locking ------------------------------------------------------------------------------------


@contextmanager
def _locked(activity_id: int, *, shown: Activity | None = None) -> Iterator[Activity]:
    """One transaction holding the activity's row lock; a lock wait that times out is "busy".

    On PostgreSQL the wait is bounded by ``SET LOCAL lock_timeout``; SQLite (the single-user
    demo) locks the whole database instead. The locked activity comes with its kinds' objects
    (its page) and its country (its calendar). ``shown`` is the activity read before the lock
    with those: the lock then reads the activity's own row only and takes them from it, so
    the lock is held for less time.
    """
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                timeout_ms = int(settings.REGISTRATION_LOCK_TIMEOUT_MS)
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{timeout_ms}ms'")
            if shown is None:
                locked = _shown_activities().select_for_update(of=("self",)).get(pk=activity_id)
            else:
                locked = _lock_row(activity_id)
                for relation in _shown_relations():
                    if relation.is_cached(shown):
                        relation.set_cached_value(locked, relation.get_cached_value(shown))
            yield locked
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise RegistrationRefused(
                RefusalCode.BUSY, _("This activity is busy, please try again.")
            ) from error
        raise


def _lock_row(activity_id: int) -> Activity:
    """The activity's own row, locked: ``select_for_update().get()`` without compiling it."""
    sql = _lock_row_sql()
    try:
        return next(iter(Activity.objects.raw(sql, [activity_id])))
    except StopIteration:
        raise Activity.DoesNotExist(f"No activity {activity_id}.") from None


@functools.cache
def _lock_row_sql() -> str:
    meta = Activity._meta
    quote = connection.ops.quote_name
    sql = f"SELECT * FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    return sql + (" FOR UPDATE" if connection.features.has_select_for_update else "")


def _shown_activities():
    """Activities with what their mails show: the kinds' objects and the country."""
    return Activity.objects.with_kind_objects().select_related("country")


@functools.cache
def _shown_relations() -> tuple:
    return tuple(Activity._meta.get_field(name) for name in [*kind_accessors(), "country"])


def _save(instance, by, **kwargs) -> None:
    """Save and let the history record who did it, also outside a request."""
    if getattr(by, "is_authenticated", False):
        instance._history_user = by
    instance.save(**kwargs)


# Rights -------------------------------------------------------------------------------------


def _require_staff(by) -> None:
    if not membership.is_staff(by):
        raise RegistrationRefused(RefusalCode.NOT_ALLOWED, _("Only the secretariat can do this."))


def _check_may_register(*, by, person, organisation, role: str) -> None:
    """Staff register anyone; a member registers themselves; a focal point their colleagues."""
    if membership.is_staff(by):
        if organisation is not None and not selectors.is_active_in(person, organisation):
            raise RegistrationRefused(
                RefusalCode.NOT_OF_ORGANISATION,
                _("%(person)s has no active affiliation with %(organisation)s.")
                % {"person": person, "organisation": organisation},
            )
        return
    if not getattr(by, "is_authenticated", False):
        raise RegistrationRefused(RefusalCode.NOT_ALLOWED, _("Please sign in to register."))
    if role != Role.PARTICIPANT:
        raise RegistrationRefused(
            RefusalCode.NOT_ALLOWED, _("Only the secretariat assigns roles beyond participant.")
        )
    own_person = membership.person_of(by)
    # is_member_of, is_active_in and is_focal_point_of in one query.
    standing = (
        selectors.standing_in(organisation, acting_person=own_person, person=person)
        if organisation is not None and own_person is not None
        else None
    )
    if standing is None or not standing.is_member:
        raise RegistrationRefused(
            RefusalCode.NOT_OF_ORGANISATION,
            _("You can register people only through an organisation you belong to."),
        )
    if not standing.person_is_active:
        raise RegistrationRefused(
            RefusalCode.NOT_OF_ORGANISATION,
            _("%(person)s is not of your organisation.") % {"person": person},
        )
    if own_person.pk == person.pk:
        return
    if standing.is_focal_point:
        return
    raise RegistrationRefused(
        RefusalCode.NOT_ALLOWED,
        _("You can register yourself; your organisation's focal point registers colleagues."),
    )


def _check_may_act_for(*, by, registration: Registration) -> None:
    """The person themselves, a focal point of the registration's organisation, or staff."""
    if membership.is_staff(by):
        return
    own_person = membership.person_of(by)
    if own_person is not None and own_person.pk == registration.person_id:
        return
    if registration.organisation_id is not None and membership.is_focal_point_of(
        by, registration.organisation
    ):
        return
    raise RegistrationRefused(
        RefusalCode.NOT_ALLOWED,
        _(
            "Only the person, their organisation's focal point or the secretariat can change "
            "this registration."
        ),
    )


def _check_invitation(activity: Activity, organisation) -> None:
    if activity.access != Access.INVITATION:
        return
    invitation = selectors.invitation_for(activity, organisation)
    if invitation is None or invitation.status == InvitationStatus.WITHDRAWN:
        raise RegistrationRefused(
            RefusalCode.NOT_INVITED,
            _("This activity is by invitation only and %(organisation)s is not invited.")
            % {"organisation": organisation or _("no organisation")},
        )
    if invitation.status == InvitationStatus.PENDING:
        raise RegistrationRefused(
            RefusalCode.NOT_INVITED,
            _("The focal point of %(organisation)s has not yet accepted the invitation.")
            % {"organisation": organisation},
        )
    if invitation.status == InvitationStatus.DECLINED:
        raise RegistrationRefused(
            RefusalCode.NOT_INVITED,
            _("%(organisation)s declined the invitation.") % {"organisation": organisation},
        )


# Seats and promotion ------------------------------------------------------------------------


def _holds_seat(registration: Registration) -> bool:
    return (
        registration.status == RegistrationStatus.CONFIRMED
        and registration.role not in ROLES_OUTSIDE_CAPACITY
    )


def _has_seat(activity: Activity, mode: str) -> bool:
    capacity = activity.capacity_for(mode)
    return capacity is None or selectors.seats_taken_in(activity, mode) < capacity


def _promote(activity: Activity, mode: str, *, by=None) -> list[Registration]:
    """Confirm people waiting for ``mode``, first come first served, while seats are free.

    Someone whose organisation has reached its limit keeps their place and is passed over.
    Nothing moves once the activity has taken place or is cancelled.
    """
    if activity.status_at(timezone.now()) in (ActivityStatus.HELD, ActivityStatus.CANCELLED):
        return []
    capacity = activity.capacity_for(mode)
    free = None if capacity is None else capacity - selectors.seats_taken_in(activity, mode)
    if free is not None and free <= 0:
        return []
    limit = activity.seats_per_organisation
    used = selectors.organisation_seats_used_by_org(activity) if limit is not None else {}
    promoted = []
    now = timezone.now()
    waiting = (
        Registration.objects.filter(activity=activity)
        .waitlist(mode)
        .select_related("person", "registered_by")
    )
    for candidate in waiting:
        if free is not None and free <= 0:
            break
        if limit is not None and used.get(candidate.organisation_id, 0) >= limit:
            continue
        candidate.activity = activity
        candidate.status = RegistrationStatus.CONFIRMED
        candidate.decided_at = now
        _save(candidate, by, update_fields=["status", "decided_at", "updated_at"])
        if candidate.organisation_id is not None:
            used[candidate.organisation_id] = used.get(candidate.organisation_id, 0) + 1
        if free is not None:
            free -= 1
        promoted.append(candidate)
        _notify(candidate, "promoted")
    return promoted


# Mail ---------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL + path if path else ""


_UNKNOWN = object()


def _notify(
    registration: Registration,
    event: str,
    *,
    to: str | None = None,
    waitlist_position=_UNKNOWN,
    **extra,
):
    """Queue the e-mail about ``registration`` for ``event`` (confirmed, waitlisted, ...).

    ``to`` (``selectors.recipient_of``) and ``waitlist_position`` are read here unless the
    caller already knows them.
    """
    if to is None:
        to = selectors.recipient_of(registration)
    if not to:
        logger.warning("registration %s: no address to tell about %s", registration.pk, event)
        return None
    activity = registration.activity
    person = registration.person
    registered_by_someone_else = registration.registered_by_id is None or (
        registration.registered_by_id != person.user_id
    )
    context = {
        "registration": registration,
        "activity": activity,
        "person": person,
        "page_url": _absolute(activity.page_url()),
        "me_url": _absolute(reverse("me:home")),
        "waitlist_position": (
            selectors.waitlist_position(registration)
            if waitlist_position is _UNKNOWN
            else waitlist_position
        ),
        "decline_url": (
            _absolute(decline_path(registration))
            if registered_by_someone_else and registration.is_active
            else ""
        ),
        **extra,
    }
    attachments = []
    if event in ("confirmed", "promoted"):
        calendar = activity_calendar(activity, mode=registration.mode)
        if calendar is not None:
            filename = f"{slugify(activity.title)[:60] or 'activity'}.ics"
            attachments.append(Attachment(filename, calendar, "text/calendar"))
    return queue_mail(
        to=to,
        template_prefix=f"registrations/emails/{event}",
        context=context,
        topic=f"registration.{event}",
        attachments=attachments,
    )


def _status_event(registration: Registration) -> str:
    return {
        RegistrationStatus.CONFIRMED: "confirmed",
        RegistrationStatus.WAITLISTED: "waitlisted",
        RegistrationStatus.PENDING: "pending",
    }[registration.status]


# Registering --------------------------------------------------------------------------------


def register_person(
    *,
    activity: Activity,
    person,
    organisation,
    mode: str,
    by,
    motivation: str = "",
    role: str = Role.PARTICIPANT,
) -> Registration:
    """Register ``person`` for ``activity`` through ``organisation`` and decide their status.

    The acting user ``by`` must be staff, the person themselves, or a focal point of
    ``organisation`` (with ``person`` actively affiliated to it). In one transaction under the
    activity's lock: checks the window, the invitation, one active registration per person
    and the organisation's limit (confirmed and pending participants), then writes the
    registration as pending (the activity requires approval), confirmed (a seat is free in
    ``mode``) or waitlisted, and queues the matching e-mail. Roles beyond participant are
    staff's to give; they sit outside capacity and are confirmed at once.
    """
    _check_may_register(by=by, person=person, organisation=organisation, role=role)
    if mode not in Mode.values or not activity.allows_mode(mode):
        raise RegistrationRefused(
            RefusalCode.MODE_UNAVAILABLE,
            _("This activity has no %(mode)s participation.")
            % {"mode": Mode(mode).label.lower() if mode in Mode.values else mode},
        )
    outside_capacity = role in ROLES_OUTSIDE_CAPACITY
    registered_by = by if getattr(by, "is_authenticated", False) else None
    # What does not depend on the decision is read before the lock: where the mail goes, and
    # what it shows of the activity besides the activity's own row (its page, its country).
    to = selectors.recipient_for(person, registered_by)
    shown = _shown_activities().get(pk=activity.pk)
    if outside_capacity or not shown.requires_approval:
        # The calendar a confirmation attaches, built from the activity as read now. Under
        # the lock it is built again from the locked row, which costs nothing unless the
        # activity changed meanwhile (the first of a process works out the time zone's
        # rules: milliseconds that no other registration should wait for).
        activity_calendar(shown, mode=mode)
    with _locked(activity.pk, shown=shown) as locked:
        now = timezone.now()
        problem = selectors.window_problem(locked, now)
        if problem:
            raise RegistrationRefused(RefusalCode.WINDOW_CLOSED, problem)
        if not outside_capacity:
            _check_invitation(locked, organisation)
        # The person's active registration, the seats and the organisation's seats used.
        census = selectors.registration_census(
            locked, person=person, organisation=organisation, mode=mode, now=now
        )
        if census.existing_status is not None:
            raise RegistrationRefused(
                RefusalCode.ALREADY_REGISTERED,
                _("%(person)s is already registered (%(status)s).")
                % {
                    "person": person,
                    "status": str(RegistrationStatus(census.existing_status).label).lower(),
                },
            )
        limit = locked.seats_per_organisation
        if (
            not outside_capacity
            and organisation is not None
            and limit is not None
            and census.organisation_seats_used >= limit
        ):
            raise RegistrationRefused(
                RefusalCode.ORGANISATION_LIMIT,
                _("%(organisation)s has used all its %(limit)s seats.")
                % {"organisation": organisation, "limit": limit},
            )
        capacity = locked.capacity_for(mode)
        if outside_capacity:
            status = RegistrationStatus.CONFIRMED
        elif locked.requires_approval:
            status = RegistrationStatus.PENDING
        elif capacity is None or census.seats_taken < capacity:
            status = RegistrationStatus.CONFIRMED
        else:
            status = RegistrationStatus.WAITLISTED
        registration = Registration(
            activity=locked,
            person=person,
            organisation=organisation,
            mode=mode,
            role=role,
            status=status,
            requested_at=now,
            decided_at=None if status == RegistrationStatus.PENDING else now,
            registered_by=registered_by,
            motivation=motivation,
        )
        try:
            # No savepoint: a failed insert ends the whole transaction (the refusal below).
            with transaction.atomic(savepoint=False):
                _save(registration, by)
        except IntegrityError as error:
            # Only a write outside the engine (the admin) can race the lock to this.
            raise RegistrationRefused(
                RefusalCode.ALREADY_REGISTERED,
                _("%(person)s is already registered.") % {"person": person},
            ) from error
        _notify(
            registration,
            _status_event(registration),
            to=to,
            waitlist_position=(
                census.waitlisted_ahead + 1 if status == RegistrationStatus.WAITLISTED else None
            ),
        )
    return registration


def cancel_registration(*, registration: Registration, by) -> Registration:
    """Cancel a registration; a seat it held goes to the first person waiting in its mode.

    Side effects: the registration is cancelled, the person is told, and whoever is promoted
    is confirmed and told. Cancelling twice changes nothing.
    """
    _check_may_act_for(by=by, registration=registration)
    with _locked(registration.activity_id) as activity:
        registration.refresh_from_db()
        registration.activity = activity
        if not registration.is_active:
            return registration
        held_seat = _holds_seat(registration)
        registration.status = RegistrationStatus.CANCELLED
        registration.decided_at = timezone.now()
        _save(registration, by)
        _notify(registration, "cancelled")
        if held_seat:
            _promote(activity, registration.mode, by=by)
    return registration


def leave_waitlist(*, registration: Registration, by) -> Registration:
    """Take a waitlisted person off the waitlist (the registration is cancelled)."""
    _check_may_act_for(by=by, registration=registration)
    with _locked(registration.activity_id) as activity:
        registration.refresh_from_db()
        registration.activity = activity
        if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED):
            return registration
        if registration.status != RegistrationStatus.WAITLISTED:
            raise RegistrationRefused(
                RefusalCode.INVALID_STATE,
                _("%(person)s is not on the waitlist.") % {"person": registration.person},
            )
        registration.status = RegistrationStatus.CANCELLED
        registration.decided_at = timezone.now()
        _save(registration, by)
        _notify(registration, "cancelled", left_waitlist=True)
    return registration


def decide_registration(
    *, registration: Registration, decision: str, by, reason: str = ""
) -> Registration:
    """Staff decide a registration: confirm, put on the waitlist, or decline (with a reason).

    Confirming needs a free seat in the registration's mode (roles beyond participant need
    none); only a pending registration goes to the waitlist, and is promoted at once if a
    seat is free; declining a confirmed registration gives its seat to the first person
    waiting. The person is told by e-mail. Deciding what is already decided changes nothing.
    """
    _require_staff(by)
    decision = Decision(decision)
    with _locked(registration.activity_id) as activity:
        registration.refresh_from_db()
        registration.activity = activity
        if decision == Decision.CONFIRM:
            _confirm(registration, activity, by=by, reason=reason)
        elif decision == Decision.WAITLIST:
            _waitlist(registration, activity, by=by, reason=reason)
        else:
            _decline(registration, activity, by=by, reason=reason)
    return registration


def _confirm(registration, activity, *, by, reason):
    if registration.status == RegistrationStatus.CONFIRMED:
        return
    if registration.status not in (RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED):
        raise RegistrationRefused(
            RefusalCode.INVALID_STATE,
            _("A cancelled or declined registration cannot be confirmed; register again."),
        )
    if registration.role not in ROLES_OUTSIDE_CAPACITY and not _has_seat(
        activity, registration.mode
    ):
        raise RegistrationRefused(
            RefusalCode.NO_SEATS,
            _("No %(mode)s seat is left: raise the capacity or use the waitlist.")
            % {"mode": registration.get_mode_display().lower()},
        )
    registration.status = RegistrationStatus.CONFIRMED
    registration.decided_at = timezone.now()
    registration.decision_reason = reason
    _save(registration, by)
    _notify(registration, "confirmed")


def _waitlist(registration, activity, *, by, reason):
    if registration.status == RegistrationStatus.WAITLISTED:
        return
    if registration.status != RegistrationStatus.PENDING:
        raise RegistrationRefused(
            RefusalCode.INVALID_STATE,
            _("Only a registration awaiting approval can be put on the waitlist."),
        )
    registration.status = RegistrationStatus.WAITLISTED
    registration.decided_at = timezone.now()
    registration.decision_reason = reason
    _save(registration, by)
    promoted = _promote(activity, registration.mode, by=by)
    if any(candidate.pk == registration.pk for candidate in promoted):
        registration.refresh_from_db()
        registration.activity = activity
    else:
        _notify(registration, "waitlisted")


def _decline(registration, activity, *, by, reason):
    if registration.status == RegistrationStatus.DECLINED:
        return
    if not registration.is_active:
        raise RegistrationRefused(
            RefusalCode.INVALID_STATE, _("This registration has already been cancelled.")
        )
    held_seat = _holds_seat(registration)
    registration.status = RegistrationStatus.DECLINED
    registration.decided_at = timezone.now()
    registration.decision_reason = reason
    _save(registration, by)
    _notify(registration, "declined", reason=reason)
    if held_seat:
        _promote(activity, registration.mode, by=by)


def set_capacity(
    *, activity: Activity, onsite_capacity: int | None, online_capacity: int | None, by
) -> list[Registration]:
    """Change the seats per mode (None = no limit) and promote whoever the new seats admit.

    Lowering a capacity below the seats taken cancels nobody: no one new gets a seat until
    enough people leave. Returns the promoted registrations.
    """
    _require_staff(by)
    for capacity in (onsite_capacity, online_capacity):
        if capacity is not None and capacity < 0:
            raise ValueError("A capacity cannot be negative.")
    with _locked(activity.pk) as locked:
        locked.onsite_capacity = onsite_capacity
        locked.online_capacity = online_capacity
        _save(locked, by, update_fields=["onsite_capacity", "online_capacity", "updated_at"])
        promoted = _promote(locked, Mode.ONSITE, by=by) + _promote(locked, Mode.ONLINE, by=by)
    activity.onsite_capacity = onsite_capacity
    activity.online_capacity = online_capacity
    activity.updated_at = locked.updated_at
    return promoted


def assign_role(
    *, registration: Registration, role: str, by, role_label: str | None = None
) -> Registration:
    """Staff give a registration a role (speaker, moderator, organiser, rapporteur, participant).

    Roles beyond participant sit outside capacity: a pending or waitlisted registration given
    one is confirmed at once, and a seat it held goes to the first person waiting. Turning a
    confirmed speaker back into a participant keeps them confirmed; when that goes over
    capacity the registration is marked as a staff override.
    """
    _require_staff(by)
    role = Role(role)
    with _locked(registration.activity_id) as activity:
        registration.refresh_from_db()
        registration.activity = activity
        if not registration.is_active:
            raise RegistrationRefused(
                RefusalCode.INVALID_STATE, _("Only an active registration can be given a role.")
            )
        label_unchanged = role_label is None or role_label == registration.role_label
        if registration.role == role and label_unchanged:
            return registration
        held_seat = _holds_seat(registration)
        if (
            role == Role.PARTICIPANT
            and registration.role != Role.PARTICIPANT
            and registration.status == RegistrationStatus.CONFIRMED
            and not _has_seat(activity, registration.mode)
        ):
            registration.is_staff_override = True
        registration.role = role
        if role_label is not None:
            registration.role_label = role_label
        newly_confirmed = role in ROLES_OUTSIDE_CAPACITY and registration.status in (
            RegistrationStatus.PENDING,
            RegistrationStatus.WAITLISTED,
        )
        if newly_confirmed:
            registration.status = RegistrationStatus.CONFIRMED
            registration.decided_at = timezone.now()
        _save(registration, by)
        if newly_confirmed:
            _notify(registration, "confirmed")
        if held_seat and not _holds_seat(registration):
            _promote(activity, registration.mode, by=by)
    return registration


def decline_by_link(*, token: str) -> Registration:
    """The person declines a registration a colleague made, through the signed e-mail link.

    No sign-in: the signed token names the registration and its person. The registration is
    declined, a seat it held goes to the first person waiting, and whoever registered the
    person is told. Following the link again changes nothing.
    """
    registration = selectors.registration_from_token(token)
    if registration is None:
        raise RegistrationRefused(
            RefusalCode.INVALID_LINK, _("This link is not valid. Please ask the secretariat.")
        )
    with _locked(registration.activity_id) as activity:
        registration.refresh_from_db()
        registration.activity = activity
        if not registration.is_active:
            return registration
        if activity.status_at(timezone.now()) in (ActivityStatus.HELD, ActivityStatus.CANCELLED):
            raise RegistrationRefused(RefusalCode.WINDOW_CLOSED, selectors.window_problem(activity))
        held_seat = _holds_seat(registration)
        registration.status = RegistrationStatus.DECLINED
        registration.decided_at = timezone.now()
        registration.decision_reason = _("Declined by the person through the e-mail link.")
        _save(registration, None)
        registrar = registration.registered_by
        if registrar is not None and registrar.email:
            queue_mail(
                to=registrar.email,
                template_prefix="registrations/emails/declined_by_person",
                context={
                    "registration": registration,
                    "activity": activity,
                    "person": registration.person,
                    "page_url": _absolute(activity.page_url()),
                },
                topic="registration.declined_by_person",
            )
        if held_seat:
            _promote(activity, registration.mode)
    return registration


# Invitations --------------------------------------------------------------------------------


def invite_organisation(*, activity: Activity, organisation, by, message: str = "") -> Invitation:
    """Staff invite an organisation; its focal points are told by e-mail.

    Inviting an organisation that is already invited (or has accepted) changes nothing; one
    that declined or was withdrawn is invited afresh.
    """
    _require_staff(by)
    with _locked(activity.pk) as locked:
        invitation = Invitation.objects.filter(activity=locked, organisation=organisation).first()
        if invitation is not None and invitation.status in (
            InvitationStatus.PENDING,
            InvitationStatus.ACCEPTED,
        ):
            return invitation
        if invitation is None:
            invitation = Invitation(activity=locked, organisation=organisation)
        invitation.activity = locked
        invitation.status = InvitationStatus.PENDING
        invitation.message = message
        invitation.invited_by = by
        invitation.invited_at = timezone.now()
        invitation.answered_by = None
        invitation.answered_at = None
        _save(invitation, by)
        addresses = selectors.focal_point_addresses(organisation)
        if not addresses:
            logger.warning("invitation %s: no focal point to tell", invitation.pk)
        for address in addresses:
            queue_mail(
                to=address,
                template_prefix="registrations/emails/invitation",
                context={
                    "invitation": invitation,
                    "activity": locked,
                    "organisation": organisation,
                    "page_url": _absolute(locked.page_url()),
                },
                topic="invitation.sent",
            )
    return invitation


def answer_invitation(*, invitation: Invitation, accept: bool, by) -> Invitation:
    """The organisation's focal point (or staff) accepts or declines an invitation.

    Whoever sent the invitation is told. An organisation with active registrations for the
    activity cannot decline: its registrations are cancelled first. Answering the same way
    twice changes nothing.
    """
    if not (membership.is_staff(by) or membership.is_focal_point_of(by, invitation.organisation)):
        raise RegistrationRefused(
            RefusalCode.NOT_ALLOWED,
            _("Only the organisation's focal point can answer this invitation."),
        )
    with _locked(invitation.activity_id) as activity:
        invitation.refresh_from_db()
        invitation.activity = activity
        if invitation.status == InvitationStatus.WITHDRAWN:
            raise RegistrationRefused(
                RefusalCode.INVALID_STATE, _("This invitation has been withdrawn.")
            )
        target = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
        if invitation.status == target:
            return invitation
        if activity.status_at(timezone.now()) in (ActivityStatus.HELD, ActivityStatus.CANCELLED):
            raise RegistrationRefused(RefusalCode.WINDOW_CLOSED, selectors.window_problem(activity))
        if (
            not accept
            and Registration.objects.active()
            .filter(activity=activity, organisation_id=invitation.organisation_id)
            .exists()
        ):
            raise RegistrationRefused(
                RefusalCode.INVALID_STATE,
                _("Cancel your organisation's registrations before declining the invitation."),
            )
        invitation.status = target
        invitation.answered_by = by
        invitation.answered_at = timezone.now()
        _save(invitation, by)
        inviter = invitation.invited_by
        if inviter is not None and inviter.email:
            queue_mail(
                to=inviter.email,
                template_prefix="registrations/emails/invitation_answered",
                context={
                    "invitation": invitation,
                    "activity": activity,
                    "organisation": invitation.organisation,
                },
                topic="invitation.answered",
            )
    return invitation


# Staff override and housekeeping ------------------------------------------------------------


def record_participant(
    *,
    activity: Activity,
    person,
    organisation=None,
    mode: str = "onsite",
    role: str = Role.PARTICIPANT,
    role_label: str = "",
    affiliation_label: str = "",
    list_position: int | None = None,
    attended: bool | None = None,
    by=None,
) -> Registration:
    """Staff override: record a confirmed participant outside the window or over capacity.

    Used for past events and seed data. The row is marked ``is_staff_override`` and kept in
    history. Recording the same person twice updates the existing active registration.
    No e-mail is sent.
    """
    with _locked(activity.pk):
        registration = (
            Registration.objects.active().filter(activity=activity, person=person).first()
        )
        if registration is None:
            registration = Registration(activity=activity, person=person)
        registration.organisation = organisation
        registration.mode = mode
        registration.role = role
        registration.role_label = role_label
        registration.affiliation_label = affiliation_label
        registration.list_position = list_position
        registration.attended = attended
        registration.status = RegistrationStatus.CONFIRMED
        registration.decided_at = registration.decided_at or timezone.now()
        registration.registered_by = registration.registered_by or by
        registration.is_staff_override = True
        _save(registration, by)
    return registration


def sync_activity_statuses() -> int:
    """Move every activity to the status its dates give now (open, closed, held).

    Run by Celery beat; a cancelled activity stays cancelled. Returns how many changed.
    """
    now = timezone.now()
    changed = 0
    candidates = Activity.objects.exclude(
        status__in=[ActivityStatus.CANCELLED, ActivityStatus.HELD]
    )
    for activity in candidates.iterator():
        if activity.status_at(now) != activity.status:
            with transaction.atomic():
                activity.save(update_fields=["status", "updated_at"])
            changed += 1
    return changed


@transaction.atomic
def mark_attended(*, registrations, attended: bool, by) -> list[Registration]:
    """Record whether confirmed participants attended (staff only), in one transaction.

    Only confirmed registrations of activities that have started can be marked; anything
    else raises ValidationError and nothing is written. A registration already marked so
    is left as it is (no new history row). Returns the registrations that changed.
    """
    if not membership.is_staff(by):
        raise PermissionDenied(_("Only the secretariat records attendance."))
    ids = [registration.pk for registration in registrations]
    locked = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("person", "activity")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    now = timezone.now()
    problems = []
    for registration in locked:
        if registration.status != RegistrationStatus.CONFIRMED:
            problems.append(
                _("%(person)s is not a confirmed participant (%(status)s).")
                % {
                    "person": registration.person,
                    "status": registration.get_status_display().lower(),
                }
            )
        elif registration.activity.starts_at is None or registration.activity.starts_at > now:
            problems.append(
                _("%(activity)s has not started yet.") % {"activity": registration.activity}
            )
    if problems:
        raise ValidationError(problems)
    changed = []
    for registration in locked:
        if registration.attended is attended:
            continue
        registration.attended = attended
        registration._history_user = by
        registration.save(update_fields=["attended", "updated_at"])
        changed.append(registration)
    return changed
