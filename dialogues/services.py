"""Writes to convenings: verb-first, keyword-only, one transaction each (STYLE.md)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roadmap_portal.accounts.membership import is_staff
from roadmap_portal.registrations.models import (
    Activity,
    ActivityReminderOverride,
    DatePrecision,
    Invitation,
    InvitationStatus,
)
from roadmap_portal.registrations.reminders import describe_offset, set_activity_reminders
from roadmap_portal.registrations.services import invite_organisation, set_capacity
from taskforce.models import Country, Organisation, Person

from .models import AgendaSession, Convening, ConveningKind, StrategicAction

# What update_convening may change, and where each value lives.
CONVENING_FIELDS = ("title", "subtitle", "kind", "year", "host_country", "city", "venue")
CONVENING_TEXT_FIELDS = ("background", "outcomes")
ACTIVITY_FIELDS = ("starts_at", "ends_at", "date_precision", "time_zone")
# Fields kept equal on both rows: the engine reads the Activity, the pages the Convening.
MIRRORED_FIELDS = {"title": "title", "kind": "kind", "host_country": "country"}


def local_datetime(day: dt.date, time: dt.time, time_zone: str) -> dt.datetime:
    """A wall-clock time where the convening happens, as an aware datetime in UTC."""
    return dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(time_zone)).astimezone(dt.UTC)


def _year_of(starts_at: dt.datetime | None, time_zone: str) -> int | None:
    if starts_at is None:
        return None
    return starts_at.astimezone(zoneinfo.ZoneInfo(time_zone)).year


@transaction.atomic
def create_convening(
    *,
    kind: str,
    title: str,
    slug: str,
    host_country: Country | None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    date_precision: str = DatePrecision.DAY,
    time_zone: str = "",
    year: int | None = None,
    subtitle: str = "",
    city: str = "",
    venue: str = "",
    background: str = "",
    outcomes: str = "",
    organised_by: Iterable[Organisation] = (),
    report_prepared_by: Iterable[Organisation] = (),
) -> Convening:
    """Create a convening and its Activity together.

    The Activity gets the convening's kind, title and host country, so the registration
    engine and the pages agree. The time zone defaults to the host country's (UTC without
    one), the year to the year ``starts_at`` falls in where the convening happens. Bad input,
    such as a second policy dialogue in one year, raises ValidationError and writes nothing.
    """
    time_zone = time_zone or (host_country.time_zone if host_country else "UTC")
    activity = Activity(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        date_precision=date_precision,
        time_zone=time_zone,
        country=host_country,
    )
    activity.full_clean()
    year = year or _year_of(starts_at, time_zone)
    if year is None:
        raise ValidationError({"year": _("Give the year when the start is not known yet.")})
    convening = Convening(
        kind=kind,
        year=year,
        slug=slug,
        title=title,
        subtitle=subtitle,
        host_country=host_country,
        city=city,
        venue=venue,
        background=background,
        outcomes=outcomes,
    )
    convening.full_clean(exclude=["activity"])
    activity.save()
    convening.activity = activity
    convening.save()
    convening.organised_by.set(organised_by)
    convening.report_prepared_by.set(report_prepared_by)
    return convening


@transaction.atomic
def update_convening(*, convening: Convening, **changes) -> Convening:
    """Change a convening and, where the value lives there too, its Activity.

    Accepts the fields in ``CONVENING_FIELDS``, ``CONVENING_TEXT_FIELDS`` and
    ``ACTIVITY_FIELDS``, plus ``organised_by`` and ``report_prepared_by``. Title, kind and
    host country are written to both rows. Nothing is saved when nothing changes, so a retry
    adds no history.
    """
    known = {
        *CONVENING_FIELDS,
        *CONVENING_TEXT_FIELDS,
        *ACTIVITY_FIELDS,
        "organised_by",
        "report_prepared_by",
    }
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"update_convening() cannot change {', '.join(sorted(unknown))}")
    convening = (
        Convening.objects.select_for_update().select_related("activity").get(pk=convening.pk)
    )
    activity = convening.activity
    convening_changed = activity_changed = False
    for name, value in changes.items():
        if name in ("organised_by", "report_prepared_by"):
            continue
        if name in ACTIVITY_FIELDS:
            if getattr(activity, name) != value:
                setattr(activity, name, value)
                activity_changed = True
            continue
        if getattr(convening, name) != value:
            setattr(convening, name, value)
            convening_changed = True
        mirror = MIRRORED_FIELDS.get(name)
        if mirror and getattr(activity, mirror) != value:
            setattr(activity, mirror, value)
            activity_changed = True
    if activity_changed:
        activity.full_clean()
        activity.save()
    if convening_changed:
        convening.full_clean(exclude=["activity"])
        convening.save()
    for relation in ("organised_by", "report_prepared_by"):
        if relation in changes:
            manager = getattr(convening, relation)
            wanted = {organisation.pk for organisation in changes[relation]}
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
    return convening


def _lock(convening: Convening) -> None:
    """Serialise appends to one convening, so two never take the same position."""
    list(Convening.objects.select_for_update().filter(pk=convening.pk).order_by().values("pk"))


def _next_position(queryset) -> int:
    return (queryset.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def add_strategic_action(
    *, convening: Convening, title: str, description: str = ""
) -> StrategicAction:
    """Append a strategic action to a convening's outcomes; one with this title is kept."""
    _lock(convening)
    actions = StrategicAction.objects.filter(convening=convening)
    existing = actions.filter(title=title).first()
    if existing is not None:
        return existing
    action = StrategicAction(
        convening=convening,
        position=_next_position(actions),
        title=title,
        description=description,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def add_agenda_session(
    *,
    convening: Convening,
    title: str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    description: str = "",
    moderators: Iterable[Person] = (),
    speakers: Iterable[Person] = (),
) -> AgendaSession:
    """Append a session to a convening's agenda.

    A session with the same title and start is kept as it is, so a retried form adds nothing.
    """
    _lock(convening)
    sessions = AgendaSession.objects.filter(convening=convening)
    existing = sessions.filter(title=title, starts_at=starts_at).first()
    if existing is not None:
        return existing
    session = AgendaSession(
        convening=convening,
        position=_next_position(sessions),
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
    )
    session.full_clean()
    session.save()
    session.moderators.set(moderators)
    session.speakers.set(speakers)
    return session


def _save_by(instance, by, **kwargs) -> None:
    """Save and let the history record who did it, also outside a request."""
    if getattr(by, "is_authenticated", False):
        instance._history_user = by
    instance.save(**kwargs)


def _require_staff(by) -> None:
    if not is_staff(by):
        raise PermissionDenied(_("Only the secretariat can do this."))


@transaction.atomic
def update_agenda_session(
    *,
    session: AgendaSession,
    by,
    title: str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    description: str = "",
    position: int | None = None,
) -> AgendaSession:
    """Staff correct a session of the agenda; nothing is saved when nothing changes."""
    _require_staff(by)
    session = AgendaSession.objects.select_for_update().get(pk=session.pk)
    wanted = {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "description": description,
        "position": session.position if position is None else position,
    }
    if all(getattr(session, name) == value for name, value in wanted.items()):
        return session
    for name, value in wanted.items():
        setattr(session, name, value)
    session.full_clean()
    _save_by(session, by)
    return session


# What update_registration_settings may change on a convening's Activity.
REGISTRATION_FIELDS = (
    "registration_opens_at",
    "registration_closes_at",
    "access",
    "requires_approval",
    "seats_per_organisation",
    "allows_onsite",
    "allows_online",
)


@transaction.atomic
def update_registration_settings(*, convening: Convening, by, **settings) -> Activity:
    """Staff set how people register for a convening: the window, access, approval, seats
    per organisation and the modes offered (``REGISTRATION_FIELDS``). Capacities change on
    the activity's capacity page, where the waitlist is promoted. Nothing is saved when
    nothing changes.
    """
    _require_staff(by)
    unknown = set(settings) - set(REGISTRATION_FIELDS)
    if unknown:
        raise TypeError(
            f"update_registration_settings() cannot change {', '.join(sorted(unknown))}"
        )
    activity = Activity.objects.select_for_update().get(pk=convening.activity_id)
    if all(getattr(activity, name) == value for name, value in settings.items()):
        return activity
    for name, value in settings.items():
        setattr(activity, name, value)
    activity.full_clean()
    _save_by(activity, by)
    return activity


# Filling a policy dialogue in from the year before ------------------------------------------


@dataclass(frozen=True)
class SettingChange:
    label: str
    old: object
    new: object


@dataclass
class FillIn:
    """What ``fill_in_from_previous_year`` copies from ``source`` into a policy dialogue."""

    source: Convening
    sessions: list[dict] = field(default_factory=list)
    settings: dict[str, SettingChange] = field(default_factory=dict)
    capacities: dict[str, SettingChange] = field(default_factory=dict)
    invitations: list[Organisation] = field(default_factory=list)
    # Last year's own reminders ({"enabled": bool, "offsets": [minutes, ...]}), when this
    # year's dialogue still follows the kind's policy.
    reminders: dict | None = None
    dates_shifted: bool = False

    @property
    def reminder_labels(self) -> list[str]:
        """Last year's reminder times, as a sentence says them ("14 days", "2 days")."""
        return [describe_offset(minutes) for minutes in (self.reminders or {}).get("offsets", [])]

    @property
    def is_empty(self) -> bool:
        """Whether last year's dialogue has nothing this one lacks."""
        return not (
            self.sessions or self.settings or self.capacities or self.invitations or self.reminders
        )


# Copied as they were the year before.
_COPIED = {
    "access": gettext_lazy("access"),
    "requires_approval": gettext_lazy("requires approval"),
    "allows_onsite": gettext_lazy("onsite participation"),
    "allows_online": gettext_lazy("online participation"),
}
# Copied only where this year's is still empty.
_FILLED = {
    "seats_per_organisation": gettext_lazy("seats per organisation"),
}
_CAPACITIES = {
    "onsite_capacity": gettext_lazy("onsite seats"),
    "online_capacity": gettext_lazy("online seats"),
}
_WINDOW = {
    "registration_opens_at": gettext_lazy("registration opens"),
    "registration_closes_at": gettext_lazy("registration closes"),
}


def _first_local_day(activity: Activity) -> dt.datetime | None:
    """The start where the activity happens, when its day is known."""
    if activity.starts_at is None or activity.date_precision != DatePrecision.DAY:
        return None
    return activity.starts_at.astimezone(zoneinfo.ZoneInfo(activity.time_zone))


def _shifted(
    moment: dt.datetime | None, *, old_start: dt.datetime, new_start: dt.datetime
) -> dt.datetime | None:
    """``moment`` moved from last year's dates to this year's: the same day of the event and
    the same local time, in this year's time zone."""
    if moment is None:
        return None
    local = moment.astimezone(old_start.tzinfo)
    day = new_start.date() + (local.date() - old_start.date())
    return dt.datetime.combine(day, local.time(), tzinfo=new_start.tzinfo).astimezone(dt.UTC)


def plan_fill_in(*, convening: Convening) -> FillIn:
    """What filling ``convening`` in from the year before would copy (no writes).

    Raises ValidationError with a sentence for people when it cannot be done: the convening
    is not a policy dialogue, there is no dialogue the year before, or the agenda already
    has sessions (the fill-in is done once, on an empty agenda).
    """
    if convening.kind != ConveningKind.POLICY_DIALOGUE:
        raise ValidationError(_("Only a policy dialogue is filled in from the year before."))
    source = (
        Convening.objects.policy_dialogues()
        .select_related("activity")
        .filter(year=convening.year - 1)
        .first()
    )
    if source is None:
        raise ValidationError(
            _("There is no policy dialogue of %(year)s to fill this one in from.")
            % {"year": convening.year - 1}
        )
    if AgendaSession.objects.filter(convening=convening).exists():
        raise ValidationError(
            _(
                "The %(year)s dialogue already has its agenda: the fill-in from the year "
                "before is done once, on an empty agenda."
            )
            % {"year": convening.year}
        )
    target = Activity.objects.get(pk=convening.activity_id)
    previous = source.activity
    old_start = _first_local_day(previous)
    new_start = _first_local_day(target)
    shift = old_start is not None and new_start is not None
    plan = FillIn(source=source, dates_shifted=shift)
    for session in AgendaSession.objects.filter(convening=source).order_by("position", "pk"):
        plan.sessions.append(
            {
                "title": session.title,
                "description": session.description,
                "position": session.position,
                "starts_at": (
                    _shifted(session.starts_at, old_start=old_start, new_start=new_start)
                    if shift
                    else None
                ),
                "ends_at": (
                    _shifted(session.ends_at, old_start=old_start, new_start=new_start)
                    if shift
                    else None
                ),
            }
        )
    for name, label in _COPIED.items():
        if getattr(target, name) != getattr(previous, name):
            plan.settings[name] = SettingChange(
                str(label), getattr(target, name), getattr(previous, name)
            )
    for name, label in _FILLED.items():
        if getattr(target, name) is None and getattr(previous, name) is not None:
            plan.settings[name] = SettingChange(str(label), None, getattr(previous, name))
    if shift:
        for name, label in _WINDOW.items():
            before_start = getattr(previous, name)
            if getattr(target, name) is None and before_start is not None:
                moment = target.starts_at - (previous.starts_at - before_start)
                plan.settings[name] = SettingChange(str(label), None, moment)
    for name, label in _CAPACITIES.items():
        if getattr(target, name) is None and getattr(previous, name) is not None:
            plan.capacities[name] = SettingChange(str(label), None, getattr(previous, name))
    already = Invitation.objects.filter(activity=target).values("organisation_id")
    invited = (
        Invitation.objects.filter(activity=previous)
        .exclude(status=InvitationStatus.WITHDRAWN)
        .values("organisation_id")
    )
    plan.invitations = list(
        Organisation.objects.filter(approved=True, pk__in=invited)
        .exclude(pk__in=already)
        .order_by("name", "pk")
    )
    previous_reminders = ActivityReminderOverride.objects.filter(activity=previous).first()
    if (
        previous_reminders is not None
        and not ActivityReminderOverride.objects.filter(activity=target).exists()
    ):
        plan.reminders = {
            "enabled": previous_reminders.enabled,
            "offsets": list(previous_reminders.offsets),
        }
    return plan


@transaction.atomic
def fill_in_from_previous_year(*, convening: Convening, by) -> FillIn:
    """Prepare this year's policy dialogue from last year's (staff), in one transaction.

    Copies the agenda sessions (their dates moved to this year's where both years' first
    days are known, else left empty; speakers and moderators change each year and are not
    copied), last year's own reminders when this year's still follow the kind's policy, the
    access, approval and modes, the seats per organisation and capacities where
    this year's are still empty, the registration window at the same distance from the start
    (when both first days are known and this year's window is empty), and invites the
    organisations invited last year (their focal points are told by e-mail; an organisation
    already invited this year is not invited twice). Never creates a dialogue. Refused when
    the agenda already has sessions, so running it twice does nothing twice.
    """
    _require_staff(by)
    Convening.objects.select_for_update().filter(pk=convening.pk).first()
    plan = plan_fill_in(convening=convening)
    for session in plan.sessions:
        new = AgendaSession(convening=convening, **session)
        new.full_clean()
        _save_by(new, by)
    settings = {name: change.new for name, change in plan.settings.items()}
    if settings:
        activity = Activity.objects.select_for_update().get(pk=convening.activity_id)
        for name, value in settings.items():
            setattr(activity, name, value)
        activity.full_clean()
        _save_by(activity, by)
    if plan.capacities:
        activity = Activity.objects.get(pk=convening.activity_id)
        capacities = {
            name: plan.capacities[name].new if name in plan.capacities else getattr(activity, name)
            for name in _CAPACITIES
        }
        set_capacity(activity=activity, by=by, **capacities)
    activity = Activity.objects.get(pk=convening.activity_id)
    if plan.reminders is not None:
        set_activity_reminders(activity=activity, by=by, **plan.reminders)
    for organisation in plan.invitations:
        invite_organisation(activity=activity, organisation=organisation, by=by)
    return plan
