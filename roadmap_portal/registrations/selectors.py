"""Reads of activities and registrations used by the engine, the pages and the console."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from roadmap_portal.accounts import membership

from .models import (
    ACTIVE_STATUSES,
    ROLES_OUTSIDE_CAPACITY,
    Access,
    Activity,
    ActivityStatus,
    Invitation,
    InvitationStatus,
    Mode,
    Registration,
    RegistrationStatus,
)
from .signing import read_decline_token

# Confirmed participants: the rows that take a seat (staff-assigned roles sit outside).
_HOLDS_SEAT = Q(status=RegistrationStatus.CONFIRMED) & ~Q(role__in=ROLES_OUTSIDE_CAPACITY)
# What the per-organisation limit counts: confirmed and pending participants.
_COUNTS_FOR_ORGANISATION = Q(
    status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING]
) & ~Q(role__in=ROLES_OUTSIDE_CAPACITY)


def window_problem(activity: Activity, now: dt.datetime | None = None) -> str:
    """Why registration is not open at ``now`` (a sentence), or "" when it is open."""
    now = now or timezone.now()
    if activity.status == ActivityStatus.CANCELLED:
        return _("This activity has been cancelled.")
    if activity.status_at(now) == ActivityStatus.HELD:
        return _("This activity has already taken place.")
    if activity.registration_opens_at is None:
        return _("Registration for this activity is not open.")
    if now < activity.registration_opens_at:
        opens = formats.date_format(
            timezone.localtime(activity.registration_opens_at), "DATETIME_FORMAT"
        )
        return _("Registration opens on %(date)s.") % {"date": opens}
    if activity.registration_closes_at is not None and activity.registration_closes_at <= now:
        closed = formats.date_format(
            timezone.localtime(activity.registration_closes_at), "DATETIME_FORMAT"
        )
        return _("Registration closed on %(date)s.") % {"date": closed}
    return ""


def seats_taken(activity: Activity) -> dict[str, int]:
    """Seats held per mode, in one query."""
    counts = Registration.objects.filter(activity=activity).aggregate(
        onsite=Count("id", filter=_HOLDS_SEAT & Q(mode=Mode.ONSITE)),
        online=Count("id", filter=_HOLDS_SEAT & Q(mode=Mode.ONLINE)),
    )
    return {Mode.ONSITE: counts["onsite"], Mode.ONLINE: counts["online"]}


def seats_left(activity: Activity, taken: dict[str, int] | None = None) -> dict[str, int | None]:
    """Free seats per allowed mode; None means no limit."""
    taken = taken if taken is not None else seats_taken(activity)
    left = {}
    for mode in (Mode.ONSITE, Mode.ONLINE):
        if not activity.allows_mode(mode):
            continue
        capacity = activity.capacity_for(mode)
        left[mode] = None if capacity is None else max(0, capacity - taken[mode])
    return left


def seats_taken_in(activity: Activity, mode: str) -> int:
    return Registration.objects.filter(activity=activity).holding_seats(mode).count()


def organisation_seats_used(activity: Activity, organisation) -> int:
    """Confirmed and pending participants of ``organisation``: what its limit counts."""
    return (
        Registration.objects.filter(activity=activity, organisation=organisation)
        .filter(_COUNTS_FOR_ORGANISATION)
        .count()
    )


def organisation_seats_used_by_org(activity: Activity) -> dict[int, int]:
    """``{organisation_id: seats used}`` for every organisation, in one query."""
    rows = (
        Registration.objects.filter(activity=activity, organisation__isnull=False)
        .filter(_COUNTS_FOR_ORGANISATION)
        .values("organisation_id")
        .annotate(used=Count("id"))
    )
    return {row["organisation_id"]: row["used"] for row in rows}


def waitlist_positions(activity: Activity) -> dict[int, int]:
    """``{registration_id: position}`` on each mode's waitlist (1 = next), in one query."""
    positions: dict[int, int] = {}
    counters = {Mode.ONSITE: 0, Mode.ONLINE: 0}
    rows = (
        Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITLISTED)
        .order_by("requested_at", "id")
        .values_list("id", "mode")
    )
    for registration_id, mode in rows:
        counters[mode] = counters.get(mode, 0) + 1
        positions[registration_id] = counters[mode]
    return positions


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = (
        Registration.objects.filter(
            activity_id=registration.activity_id,
            status=RegistrationStatus.WAITLISTED,
            mode=registration.mode,
        )
        .filter(
            Q(requested_at__lt=registration.requested_at)
            | Q(requested_at=registration.requested_at, id__lt=registration.id)
        )
        .count()
    )
    return ahead + 1


@dataclass(frozen=True)
class Census:
    """What ``register_person`` decides on, read under the activity's lock in one query."""

    existing_status: str | None  # the person's active registration, if any
    seats_taken: int  # seats held in the asked-for mode (``seats_taken_in``)
    organisation_seats_used: int  # what the organisation's limit counts
    waitlisted_ahead: int  # waitlisted in the mode, requested at or before ``now``


def registration_census(
    activity: Activity, *, person, organisation, mode: str, now: dt.datetime
) -> Census:
    """The person's active registration, the seats taken in ``mode`` (``seats_taken_in``), the
    organisation's seats used (``organisation_seats_used``) and the waitlist of ``mode`` up to
    ``now``, in one query.

    ``waitlisted_ahead + 1`` is the ``waitlist_position`` of a registration of ``mode``
    requested at ``now`` and saved next: one requested at the same instant is ahead of it
    only with a smaller id, and every row already saved has one.

    Written in SQL: it runs under the activity's lock for every registration, and the ORM
    took ten times longer to compile the query than the database to answer it. The tests
    hold it to ``seats_taken_in``, ``organisation_seats_used`` and ``waitlist_position``.
    """
    sql, params = _census_sql()
    values = {
        "activity": activity.pk,
        "person": person.pk,
        "organisation": organisation.pk if organisation is not None else None,
        "mode": str(mode),
        "now": connection.ops.adapt_datetimefield_value(now),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[p.name] if isinstance(p, _Slot) else p for p in params])
        existing, taken, used, ahead = cursor.fetchone()
    return Census(
        existing_status=existing,
        seats_taken=taken or 0,
        organisation_seats_used=used or 0,
        waitlisted_ahead=ahead or 0,
    )


@dataclass(frozen=True)
class _Slot:
    """A parameter of the census query that each call fills in."""

    name: str


@functools.cache
def _census_sql() -> tuple[str, tuple]:
    """The census query and its parameters: constants, and ``_Slot`` for each call's values."""
    meta = Registration._meta
    table = connection.ops.quote_name(meta.db_table)

    def column(name: str) -> str:
        return connection.ops.quote_name(meta.get_field(name).column)

    def among(values) -> tuple[str, list]:
        return ", ".join(["%s"] * len(values)), [str(value) for value in values]

    status, role, mode = column("status"), column("role"), column("mode")
    active, active_params = among(ACTIVE_STATUSES)
    outside, outside_params = among(ROLES_OUTSIDE_CAPACITY)
    counted, counted_params = among([RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING])
    # Every count is of active registrations: the cancelled and declined rows are not read.
    sql = (
        f"SELECT MAX(CASE WHEN {column('person')} = %s THEN {status} END), "  # noqa: S608
        # _HOLDS_SEAT in the mode
        f"SUM(CASE WHEN {status} = %s AND NOT {role} IN ({outside}) AND {mode} = %s "
        "THEN 1 ELSE 0 END), "
        # _COUNTS_FOR_ORGANISATION for the organisation
        f"SUM(CASE WHEN {column('organisation')} = %s AND {status} IN ({counted}) "
        f"AND NOT {role} IN ({outside}) THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {status} = %s AND {mode} = %s AND {column('requested_at')} <= %s "
        "THEN 1 ELSE 0 END) "
        f"FROM {table} WHERE {column('activity')} = %s AND {status} IN ({active})"
    )
    params = (
        [_Slot("person")]
        + [str(RegistrationStatus.CONFIRMED), *outside_params, _Slot("mode")]
        + [_Slot("organisation"), *counted_params, *outside_params]
        + [str(RegistrationStatus.WAITLISTED), _Slot("mode"), _Slot("now")]
        + [_Slot("activity"), *active_params]
    )
    return sql, tuple(params)


def invitation_for(activity: Activity, organisation) -> Invitation | None:
    if organisation is None:
        return None
    return Invitation.objects.filter(activity=activity, organisation=organisation).first()


def is_active_in(person, organisation) -> bool:
    """Whether ``person`` has an active affiliation with ``organisation`` today."""
    return person.affiliations.active().filter(organisation=organisation).exists()


@dataclass(frozen=True)
class Standing:
    """Where a signed-in user's person and another person stand in one organisation."""

    is_member: bool  # ``membership.is_member_of``: actively affiliated, organisation approved
    is_focal_point: bool  # ``membership.is_focal_point_of``
    person_is_active: bool  # ``is_active_in(person, organisation)``


def standing_in(organisation, *, acting_person, person) -> Standing:
    """What ``membership.is_member_of``, ``membership.is_focal_point_of`` (for the user whose
    person is ``acting_person``) and ``is_active_in`` (for ``person``) say, in one query."""
    Affiliation = person.affiliations.model
    rows = (
        Affiliation._default_manager.active()
        .filter(organisation=organisation, person_id__in={acting_person.pk, person.pk})
        .values_list("person_id", "is_focal_point", "organisation__approved")
    )
    is_member = is_focal_point = person_is_active = False
    for person_id, focal, approved in rows:
        if person_id == acting_person.pk and approved:
            is_member = True
            is_focal_point = is_focal_point or focal
        if person_id == person.pk:
            person_is_active = True
    return Standing(
        is_member=is_member, is_focal_point=is_focal_point, person_is_active=person_is_active
    )


def address_of(person) -> str:
    """Where mail for ``person`` goes: a linked user's verified address wins, then their own."""
    if person.user_id:
        verified = (
            EmailAddress.objects.filter(user_id=person.user_id, verified=True)
            .order_by("-primary", "id")
            .values_list("email", flat=True)
            .first()
        )
        if verified:
            return verified
    return person.email


def recipient_of(registration: Registration) -> str:
    """The person's address, else the address of the user who registered them (DESIGN.md)."""
    return recipient_for(
        registration.person,
        registration.registered_by if registration.registered_by_id else None,
    )


def recipient_for(person, registered_by) -> str:
    """``recipient_of`` a registration of ``person`` made by the user ``registered_by``."""
    address = address_of(person)
    if address:
        return address
    if registered_by is not None:
        return registered_by.email
    return ""


def focal_point_addresses(organisation) -> list[str]:
    """The addresses of an organisation's active focal points, reached through its relations."""
    affiliations = (
        organisation.affiliations.active()
        .filter(is_focal_point=True)
        .select_related("person")
        .order_by("person__name", "id")
    )
    addresses = []
    for affiliation in affiliations:
        address = address_of(affiliation.person)
        if address and address not in addresses:
            addresses.append(address)
    return addresses


# Visibility -----------------------------------------------------------------------------


def registration_for_user(user, pk: int) -> tuple[Registration | None, bool]:
    """The registration ``pk`` if ``user`` may see it, and whether they may change it.

    A member sees the registrations of their organisations and their own; the person
    themselves, their organisation's focal points and staff may cancel. Anything else is
    ``(None, False)``: the page answers 404 so ids do not leak.
    """
    registration = (
        Registration.objects.select_related(
            "activity", "person", "organisation", "registered_by", "activity__country"
        )
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        return None, False
    if membership.is_staff(user):
        return registration, True
    own_person = membership.person_of(user)
    if own_person is not None and own_person.pk == registration.person_id:
        return registration, True
    if registration.organisation_id is None:
        return None, False
    affiliations = membership.active_affiliations(user)
    if affiliations is None:
        return None, False
    mine = affiliations.filter(organisation_id=registration.organisation_id)
    if not mine.exists():
        return None, False
    return registration, mine.filter(is_focal_point=True).exists()


def registration_from_token(token: str) -> Registration | None:
    """The registration a decline link names, or None when the link was not signed here."""
    ids = read_decline_token(token)
    if ids is None:
        return None
    registration_id, person_id = ids
    return (
        Registration.objects.select_related("activity", "person", "organisation")
        .filter(pk=registration_id, person_id=person_id)
        .first()
    )


# The registration panel ---------------------------------------------------------------------


@dataclass
class OrganisationPanel:
    """What a member sees of one of their organisations on an activity's page."""

    organisation: object
    is_focal_point: bool
    people: list
    registrations: list
    invitation: Invitation | None
    seats_used: int
    seats_per_organisation: int | None
    refusal: str = ""
    form: object = None  # the page's form, added by the template tag

    @property
    def organisation_seats_left(self) -> int | None:
        if self.seats_per_organisation is None:
            return None
        return max(0, self.seats_per_organisation - self.seats_used)

    @property
    def may_answer_invitation(self) -> bool:
        return (
            self.is_focal_point
            and self.invitation is not None
            and self.invitation.status != InvitationStatus.WITHDRAWN
        )


@dataclass
class PanelData:
    activity: Activity
    # "hidden" (a past activity), "anonymous", "outsider" (no organisation) or "member"
    state: str
    person: object = None
    is_staff: bool = False
    window_problem: str = ""
    seats: list = field(default_factory=list)  # [(mode label, seats left or None), ...]
    organisations: list[OrganisationPanel] = field(default_factory=list)


def panel_data(*, activity: Activity, user) -> PanelData:
    """The data of the registration panel, in a fixed number of queries.

    Anonymous users cost no query; once the activity has taken place only staff see the
    panel. A member gets, for each of their organisations: its
    registrations for this activity (with waitlist positions), the people a focal point may
    register (a plain member only themselves), the invitation and the organisation's seats.
    """
    held = activity.status_at(timezone.now()) == ActivityStatus.HELD
    if not getattr(user, "is_authenticated", False):
        state = "hidden" if held else "anonymous"
        return PanelData(activity=activity, state=state, window_problem=window_problem(activity))
    is_staff = membership.is_staff(user)
    if held and not is_staff:
        # Past activities: people find their registrations on their own page.
        return PanelData(activity=activity, state="hidden")
    affiliations = membership.active_affiliations(user)
    own = list(affiliations) if affiliations is not None else []
    data = PanelData(
        activity=activity,
        state="member" if own else "outsider",
        is_staff=is_staff,
        window_problem=window_problem(activity),
    )
    if not own:
        return data
    data.seats = [(Mode(mode).label, left) for mode, left in seats_left(activity).items()]
    organisations = {a.organisation_id: a.organisation for a in own}
    focal_ids = {a.organisation_id for a in own if a.is_focal_point}
    own_person = own[0].person
    data.person = own_person
    registrations = list(
        Registration.objects.active()
        .filter(activity=activity, organisation_id__in=organisations.keys())
        .select_related("person")
        .order_by("person__name", "id")
    )
    positions = waitlist_positions(activity) if registrations else {}
    for registration in registrations:
        registration.waitlist_position = positions.get(registration.pk)
    Affiliation = affiliations.model
    colleagues = (
        Affiliation.objects.active()
        .filter(organisation_id__in=focal_ids)
        .select_related("person")
        .order_by("person__name", "person_id")
        if focal_ids
        else []
    )
    invitations = (
        {i.organisation_id: i for i in Invitation.objects.filter(activity=activity)}
        if activity.access == Access.INVITATION
        else {}
    )
    used = organisation_seats_used_by_org(activity) if activity.seats_per_organisation else {}
    for organisation_id, organisation in organisations.items():
        is_focal_point = organisation_id in focal_ids
        if is_focal_point:
            people = [a.person for a in colleagues if a.organisation_id == organisation_id]
        else:
            people = [own_person]
        organisation_registrations = [
            r for r in registrations if r.organisation_id == organisation_id
        ]
        registered = {r.person_id for r in organisation_registrations}
        invitation = invitations.get(organisation_id)
        panel = OrganisationPanel(
            organisation=organisation,
            is_focal_point=is_focal_point,
            people=_distinct(p for p in people if p.pk not in registered),
            registrations=organisation_registrations,
            invitation=invitation,
            seats_used=used.get(organisation_id, 0),
            seats_per_organisation=activity.seats_per_organisation,
        )
        panel.refusal = _organisation_refusal(activity, panel)
        data.organisations.append(panel)
    data.organisations.sort(key=lambda panel: panel.organisation.name)
    return data


def _distinct(people) -> list:
    return list({person.pk: person for person in people}.values())


def registrable_people(*, user, organisation) -> list:
    """Whom ``user`` may register through ``organisation``: a focal point's active colleagues
    (themselves included), a plain member only themselves, anyone else nobody."""
    affiliations = membership.active_affiliations(user)
    if affiliations is None:
        return []
    own = affiliations.filter(organisation=organisation).first()
    if own is None:
        return []
    if not own.is_focal_point:
        return [own.person]
    colleagues = (
        organisation.affiliations.active()
        .select_related("person")
        .order_by("person__name", "person_id")
    )
    return _distinct(affiliation.person for affiliation in colleagues)


def _organisation_refusal(activity: Activity, panel: OrganisationPanel) -> str:
    """Why this organisation cannot register now, before any form is shown ("" if it can)."""
    if activity.access == Access.INVITATION:
        if panel.invitation is None or panel.invitation.status == InvitationStatus.WITHDRAWN:
            return _("This activity is by invitation only and your organisation is not invited.")
        if panel.invitation.status == InvitationStatus.PENDING:
            return _("Your organisation's focal point has not yet accepted the invitation.")
        if panel.invitation.status == InvitationStatus.DECLINED:
            return _("Your organisation declined the invitation.")
    if panel.organisation_seats_left == 0:
        return _("Your organisation has used all its %(count)s seats.") % {
            "count": panel.seats_per_organisation
        }
    return ""


# The console --------------------------------------------------------------------------------


def console_activities():
    """Activities with their registration counts, newest first, in one query."""
    return Activity.objects.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        pending_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.PENDING)
        ),
        waitlisted_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    ).order_by("-starts_at", "-id")


def console_registrations(activity: Activity):
    """Every registration of ``activity`` with what the console table shows."""
    return (
        Registration.objects.filter(activity=activity)
        .select_related("person", "organisation", "registered_by")
        .order_by("status", "mode", "requested_at", "id")
    )


def console_invitations(activity: Activity):
    return (
        Invitation.objects.filter(activity=activity)
        .select_related("organisation", "organisation__country", "invited_by", "answered_by")
        .order_by("organisation__name", "id")
    )
