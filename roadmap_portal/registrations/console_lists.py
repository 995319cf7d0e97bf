"""The console's lists across every activity: activities, registrations and invitations.

The per-activity pages (``/manage/activities/<pk>/``) live in ``console_views.py``; these
lists answer "who is waiting, anywhere" and act on many rows at once through the engine's
services (``services.py``), one row per service call.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import django_filters
from django import forms
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from roadmap_portal.core import plugins
from roadmap_portal.core.console.filters import search_filter
from roadmap_portal.core.console.lists import BulkAction, Column, ConsoleList, done, refused
from roadmap_portal.core.text import search_key

from . import services
from .models import (
    ROLES_OUTSIDE_CAPACITY,
    Activity,
    ActivityKind,
    ActivityStatus,
    DatePrecision,
    Invitation,
    InvitationStatus,
    Mode,
    Registration,
    RegistrationStatus,
    Role,
)
from .services import Decision, RegistrationRefused, mark_attended

NAMESPACE = "participation_console"
SOON_DAYS = 30
SEAT_ROLES = [role for role in Role.values if role not in ROLES_OUTSIDE_CAPACITY]


# Attendance ------------------------------------------------------------------------------


# Activities --------------------------------------------------------------------------------


def activity_start_label(activity) -> str:
    """When an activity starts, as far as it is known, where it happens: "2026",
    "October 2026" or "20 Oct 2025 09:00"."""
    if activity.starts_at is None:
        return _("to be fixed")
    local = activity.starts_at.astimezone(zoneinfo.ZoneInfo(activity.time_zone))
    if activity.date_precision == DatePrecision.YEAR:
        return str(local.year)
    if activity.date_precision == DatePrecision.MONTH:
        return formats.date_format(local, "F Y")
    return formats.date_format(local, "j M Y H:i")


def activities_with_seats():
    """Activities with their seats taken per mode and their queues, in one query."""
    holds_seat = Q(registrations__status=RegistrationStatus.CONFIRMED) & Q(
        registrations__role__in=SEAT_ROLES
    )
    return Activity.objects.select_related("country").annotate(
        onsite_taken=Count("registrations", filter=holds_seat & Q(registrations__mode=Mode.ONSITE)),
        online_taken=Count("registrations", filter=holds_seat & Q(registrations__mode=Mode.ONLINE)),
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        pending_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.PENDING)
        ),
        waitlisted_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    )


SEATS_LEFT = (
    Q(allows_onsite=True)
    & (Q(onsite_capacity__isnull=True) | Q(onsite_capacity__gt=F("onsite_taken")))
) | (
    Q(allows_online=True)
    & (Q(online_capacity__isnull=True) | Q(online_capacity__gt=F("online_taken")))
)


def starting_soon(queryset, days: int = SOON_DAYS, now: dt.datetime | None = None):
    now = now or timezone.now()
    return queryset.exclude(status=ActivityStatus.CANCELLED).filter(
        starts_at__gte=now, starts_at__lte=now + dt.timedelta(days=days)
    )


class ActivityFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Title"))
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=ActivityKind.choices, empty_label=gettext_lazy("Any")
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=ActivityStatus.choices,
        empty_label=gettext_lazy("Any"),
    )
    starting = django_filters.ChoiceFilter(
        label=gettext_lazy("Starting"),
        choices=[
            ("soon", gettext_lazy("Within 30 days")),
            ("upcoming", gettext_lazy("Not yet held")),
            ("past", gettext_lazy("Held")),
        ],
        method="filter_starting",
        empty_label=gettext_lazy("Any time"),
    )
    seats = django_filters.ChoiceFilter(
        label=gettext_lazy("Seats"),
        choices=[("left", gettext_lazy("Seats left")), ("full", gettext_lazy("Full"))],
        method="filter_seats",
        empty_label=gettext_lazy("Any"),
    )

    class Meta:
        model = Activity
        fields = ["q", "kind", "status", "starting", "seats"]

    def filter_search(self, queryset, name, value):
        key = search_key(value)
        return queryset.filter(title__icontains=value.strip()) if key else queryset

    def filter_starting(self, queryset, name, value):
        if value == "soon":
            return starting_soon(queryset)
        if value == "upcoming":
            return queryset.upcoming()
        return queryset.held()

    def filter_seats(self, queryset, name, value):
        return queryset.filter(SEATS_LEFT) if value == "left" else queryset.exclude(SEATS_LEFT)


def _seats_left(capacity, taken, allowed) -> str:
    if not allowed:
        return "–"
    if capacity is None:
        return _("no limit")
    return str(max(0, capacity - taken))


class ActivityConsole(ConsoleList):
    """Every activity of every kind with its seats left; a row opens its console pages."""

    name = "activity"
    namespace = NAMESPACE
    model = Activity
    title = gettext_lazy("Activities")
    filterset_class = ActivityFilter
    columns = (
        Column("title", gettext_lazy("Activity"), link=True, sort="title"),
        Column("kind", gettext_lazy("Kind"), accessor="get_kind_display", sort="kind"),
        Column(
            "starts_at", gettext_lazy("Starts"), accessor=activity_start_label, sort="starts_at"
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            accessor="get_status_display",
            badge="status",
            sort="status",
        ),
        Column(
            "onsite_left",
            gettext_lazy("Onsite seats left"),
            accessor=lambda a: _seats_left(a.onsite_capacity, a.onsite_taken, a.allows_onsite),
        ),
        Column(
            "online_left",
            gettext_lazy("Online seats left"),
            accessor=lambda a: _seats_left(a.online_capacity, a.online_taken, a.allows_online),
        ),
        Column("confirmed", gettext_lazy("Confirmed"), accessor="confirmed_count"),
        Column("pending", gettext_lazy("Awaiting approval"), accessor="pending_count"),
        Column("waitlisted", gettext_lazy("Waitlisted"), accessor="waitlisted_count"),
        Column("country", gettext_lazy("Country"), accessor="country.name", in_table=False),
        Column("access", gettext_lazy("Access"), accessor="get_access_display", in_table=False),
    )
    default_sort = "-starts_at"

    def get_queryset(self):
        return activities_with_seats()

    def has_detail(self) -> bool:
        return False

    def detail_url(self, obj) -> str:
        return reverse("activity_console:registration_list", kwargs={"pk": obj.pk})


# Registrations -----------------------------------------------------------------------------


def _upcoming_activities():
    return Activity.objects.upcoming().values("pk")


class RegistrationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": gettext_lazy("Person, e-mail or organisation"),
            }
        ),
    )
    activity = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Activity"),
        queryset=Activity.objects.order_by("-starts_at", "-id"),
        empty_label=gettext_lazy("Any activity"),
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"),
        field_name="activity__kind",
        choices=ActivityKind.choices,
        empty_label=gettext_lazy("Any kind"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=RegistrationStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )
    mode = django_filters.ChoiceFilter(
        label=gettext_lazy("Mode"), choices=Mode.choices, empty_label=gettext_lazy("Any mode")
    )
    role = django_filters.ChoiceFilter(
        label=gettext_lazy("Role"), choices=Role.choices, empty_label=gettext_lazy("Any role")
    )
    attended = django_filters.ChoiceFilter(
        label=gettext_lazy("Attended"),
        choices=[
            ("yes", gettext_lazy("Attended")),
            ("no", gettext_lazy("Did not attend")),
            ("unknown", gettext_lazy("Not recorded")),
        ],
        method="filter_attended",
        empty_label=gettext_lazy("Any"),
    )
    when = django_filters.ChoiceFilter(
        label=gettext_lazy("When"),
        choices=[
            ("upcoming", gettext_lazy("Activities not yet held")),
            ("past", gettext_lazy("Activities held")),
        ],
        method="filter_when",
        empty_label=gettext_lazy("Any time"),
    )

    class Meta:
        model = Registration
        fields = ["q", "activity", "kind", "status", "mode", "role", "attended", "when"]

    def filter_search(self, queryset, name, value):
        key = search_key(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(person__search_text__contains=key)
            | Q(person__email__icontains=value.strip())
            | Q(organisation__search_text__contains=key)
        )

    def filter_attended(self, queryset, name, value):
        if value == "unknown":
            return queryset.filter(attended__isnull=True)
        return queryset.filter(attended=(value == "yes"))

    def filter_when(self, queryset, name, value):
        if value == "upcoming":
            return queryset.filter(activity__in=_upcoming_activities())
        return queryset.filter(activity__status=ActivityStatus.HELD)


def _refusal(error: RegistrationRefused):
    return refused(error.message)


def _decide(decision: str):
    def run(registration, *, by, reason: str = ""):
        before = registration.status
        try:
            registration = services.decide_registration(
                registration=registration, decision=decision, by=by, reason=reason
            )
        except RegistrationRefused as error:
            return _refusal(error)
        if registration.status == before:
            return done(_("Already %(status)s.") % {"status": registration.get_status_display()})
        return done(registration.get_status_display())

    return run


def _cancel(registration, *, by):
    if not registration.is_active:
        return refused(
            _("Already %(status)s.") % {"status": registration.get_status_display().lower()}
        )
    try:
        registration = services.cancel_registration(registration=registration, by=by)
    except RegistrationRefused as error:
        return _refusal(error)
    return done(registration.get_status_display())


def _attendance(attended: bool):
    def run(registration, *, by):
        changed = mark_attended(registrations=[registration], attended=attended, by=by)
        if not changed:
            return done(_("Already recorded."))
        return done(_("Attended") if attended else _("Did not attend"))

    return run


def _assign_role(registration, *, by, role: str, role_label: str = ""):
    try:
        registration = services.assign_role(
            registration=registration, role=role, by=by, role_label=role_label
        )
    except RegistrationRefused as error:
        return _refusal(error)
    return done(registration.role_display)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Told to each person in the e-mail that tells them."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    role_label = forms.CharField(
        label=gettext_lazy("Role as printed"),
        required=False,
        max_length=100,
        help_text=gettext_lazy('E.g. "Panel Speaker"; empty prints the role\'s name.'),
    )


class RegistrationConsole(ConsoleList):
    """Every registration of every activity: filter, then decide many at once."""

    name = "registration"
    namespace = NAMESPACE
    model = Registration
    title = gettext_lazy("Registrations")
    filterset_class = RegistrationFilter
    columns = (
        Column(
            "person",
            gettext_lazy("Person"),
            accessor="person.full_name",
            link=True,
            sort="person__name",
        ),
        Column("email", gettext_lazy("E-mail"), accessor="person.email", personal=True),
        Column(
            "organisation",
            gettext_lazy("Organisation"),
            accessor="organisation.name",
            sort="organisation__name",
        ),
        Column(
            "activity",
            gettext_lazy("Activity"),
            accessor="activity.title",
            sort=("activity__starts_at", "activity__title"),
        ),
        Column("kind", gettext_lazy("Kind"), accessor="activity.get_kind_display", in_table=False),
        Column("mode", gettext_lazy("Mode"), accessor="get_mode_display", sort="mode"),
        Column("role", gettext_lazy("Role"), accessor="role_display", sort="role"),
        Column(
            "status",
            gettext_lazy("Status"),
            accessor="get_status_display",
            badge="status",
            sort="status",
        ),
        Column("requested_at", gettext_lazy("Requested"), sort="requested_at"),
        Column("decided_at", gettext_lazy("Decided"), sort="decided_at", in_table=False),
        Column("attended", gettext_lazy("Attended"), sort="attended"),
        Column(
            "registered_by",
            gettext_lazy("Registered by"),
            accessor="registered_by.email",
            personal=True,
            in_table=False,
        ),
        Column("motivation", gettext_lazy("Motivation"), personal=True, in_table=False),
        Column("decision_reason", gettext_lazy("Reason for the decision"), in_table=False),
        Column(
            "staff_override",
            gettext_lazy("Staff override"),
            accessor="is_staff_override",
            in_table=False,
        ),
    )
    default_sort = "-requested_at"
    detail_template = "registrations/console_lists/registration_detail.html"
    bulk_actions = (
        BulkAction(
            "confirm",
            gettext_lazy("Confirm"),
            ngettext_lazy(
                "This will confirm %(count)s registration; each person is told by e-mail.",
                "This will confirm %(count)s registrations; each person is told by e-mail.",
                "count",
            ),
            _decide(Decision.CONFIRM),
        ),
        BulkAction(
            "waitlist",
            gettext_lazy("Put on the waitlist"),
            ngettext_lazy(
                "This will put %(count)s registration on the waitlist.",
                "This will put %(count)s registrations on the waitlist.",
                "count",
            ),
            _decide(Decision.WAITLIST),
        ),
        BulkAction(
            "decline",
            gettext_lazy("Decline"),
            ngettext_lazy(
                "This will decline %(count)s registration; a seat it held goes to the first "
                "person waiting.",
                "This will decline %(count)s registrations; the seats they held go to the "
                "people waiting.",
                "count",
            ),
            _decide(Decision.DECLINE),
            form_class=DeclineForm,
            danger=True,
        ),
        BulkAction(
            "cancel",
            gettext_lazy("Cancel"),
            ngettext_lazy(
                "This will cancel %(count)s registration; a seat it held goes to the first "
                "person waiting.",
                "This will cancel %(count)s registrations; the seats they held go to the "
                "people waiting.",
                "count",
            ),
            _cancel,
            danger=True,
        ),
        BulkAction(
            "attended",
            gettext_lazy("Mark attended"),
            ngettext_lazy(
                "This will record that %(count)s participant attended.",
                "This will record that %(count)s participants attended.",
                "count",
            ),
            _attendance(True),
        ),
        BulkAction(
            "not_attended",
            gettext_lazy("Mark not attended"),
            ngettext_lazy(
                "This will record that %(count)s participant did not attend.",
                "This will record that %(count)s participants did not attend.",
                "count",
            ),
            _attendance(False),
        ),
        BulkAction(
            "assign_role",
            gettext_lazy("Assign a role"),
            ngettext_lazy(
                "This will give %(count)s registration the role chosen below.",
                "This will give %(count)s registrations the role chosen below.",
                "count",
            ),
            _assign_role,
            form_class=RoleForm,
        ),
    )

    def get_queryset(self):
        return Registration.objects.select_related(
            "person", "organisation", "activity", "registered_by"
        )

    def row_label(self, obj) -> str:
        return f"{obj.person.full_name} – {obj.activity.title} ({obj.get_status_display()})"

    def detail_context(self, obj) -> dict:
        return {
            "activity_console_url": reverse(
                "activity_console:registration_list", kwargs={"pk": obj.activity_id}
            )
        }


# Invitations -------------------------------------------------------------------------------


class InvitationFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Organisation"))
    activity = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Activity"),
        queryset=Activity.objects.order_by("-starts_at", "-id"),
        empty_label=gettext_lazy("Any activity"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=InvitationStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )
    when = django_filters.ChoiceFilter(
        label=gettext_lazy("When"),
        choices=[
            ("upcoming", gettext_lazy("Activities not yet held")),
            ("past", gettext_lazy("Activities held")),
        ],
        method="filter_when",
        empty_label=gettext_lazy("Any time"),
    )

    class Meta:
        model = Invitation
        fields = ["q", "activity", "status", "when"]

    def filter_search(self, queryset, name, value):
        key = search_key(value)
        return queryset.filter(organisation__search_text__contains=key) if key else queryset

    def filter_when(self, queryset, name, value):
        if value == "upcoming":
            return queryset.filter(activity__in=_upcoming_activities())
        return queryset.filter(activity__status=ActivityStatus.HELD)


def _send_invitation(invitation, *, by, message: str = ""):
    if invitation.status in (InvitationStatus.PENDING, InvitationStatus.ACCEPTED):
        return refused(
            _("Already %(status)s; nothing was sent.")
            % {"status": invitation.get_status_display().lower()}
        )
    try:
        services.invite_organisation(
            activity=invitation.activity,
            organisation=invitation.organisation,
            by=by,
            message=message,
        )
    except RegistrationRefused as error:
        return _refusal(error)
    return done(_("Invited again; the focal points are told by e-mail."))


class InvitationMessageForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Sent to the focal points with the invitation."),
    )


class InvitationConsole(ConsoleList):
    """Every invitation of every activity, and who has not answered yet."""

    name = "invitation"
    namespace = NAMESPACE
    model = Invitation
    title = gettext_lazy("Invitations")
    filterset_class = InvitationFilter
    columns = (
        Column(
            "organisation",
            gettext_lazy("Organisation"),
            accessor="organisation.name",
            link=True,
            sort="organisation__name",
        ),
        Column(
            "country",
            gettext_lazy("Country"),
            accessor="organisation.country.name",
            sort="organisation__country__name",
        ),
        Column(
            "activity",
            gettext_lazy("Activity"),
            accessor="activity.title",
            sort=("activity__starts_at", "activity__title"),
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            accessor="get_status_display",
            badge="status",
            sort="status",
        ),
        Column("invited_at", gettext_lazy("Invited"), sort="invited_at"),
        Column("answered_at", gettext_lazy("Answered"), sort="answered_at"),
        Column(
            "invited_by",
            gettext_lazy("Invited by"),
            accessor="invited_by.email",
            personal=True,
            in_table=False,
        ),
        Column(
            "answered_by",
            gettext_lazy("Answered by"),
            accessor="answered_by.email",
            personal=True,
            in_table=False,
        ),
    )
    default_sort = "-invited_at"
    detail_template = "registrations/console_lists/invitation_detail.html"
    bulk_actions = (
        BulkAction(
            "send",
            gettext_lazy("Send the invitation again"),
            ngettext_lazy(
                "This will invite %(count)s organisation again (declined or withdrawn "
                "invitations only); its focal points are told by e-mail.",
                "This will invite %(count)s organisations again (declined or withdrawn "
                "invitations only); their focal points are told by e-mail.",
                "count",
            ),
            _send_invitation,
            form_class=InvitationMessageForm,
        ),
    )

    def get_queryset(self):
        return Invitation.objects.select_related(
            "organisation", "organisation__country", "activity", "invited_by", "answered_by"
        )

    def row_label(self, obj) -> str:
        return f"{obj.organisation.name} – {obj.activity.title}"

    def detail_context(self, obj) -> dict:
        return {
            "activity_console_url": reverse(
                "activity_console:invitations", kwargs={"pk": obj.activity_id}
            )
        }


activity_console = ActivityConsole()
registration_console = RegistrationConsole()
invitation_console = InvitationConsole()


# What the platform plugs in ---------------------------------------------------------------


def _pending_registrations() -> int:
    return (
        Registration.objects.filter(status=RegistrationStatus.PENDING)
        .filter(activity__in=_upcoming_activities())
        .count()
    )


def _unanswered_invitations() -> int:
    return (
        Invitation.objects.filter(status=InvitationStatus.PENDING)
        .filter(activity__in=_upcoming_activities())
        .count()
    )


def _starting_soon_with_seats() -> int:
    return starting_soon(activities_with_seats()).filter(SEATS_LEFT).count()


def register():
    plugins.register_console_section(
        plugins.ConsoleSection(
            key="participation",
            label=gettext_lazy("Activities and registrations"),
            order=5,
            path="participation/",
            urlconf="roadmap_portal.registrations.console_lists_urls",
            entries=(
                plugins.ConsoleMenuEntry(
                    "activities", gettext_lazy("Activities"), f"{NAMESPACE}:activity_list", 10
                ),
                plugins.ConsoleMenuEntry(
                    "registrations",
                    gettext_lazy("Registrations"),
                    f"{NAMESPACE}:registration_list",
                    20,
                ),
                plugins.ConsoleMenuEntry(
                    "invitations",
                    gettext_lazy("Invitations"),
                    f"{NAMESPACE}:invitation_list",
                    30,
                ),
                plugins.ConsoleMenuEntry(
                    "messages", gettext_lazy("Messages"), "console:message_list", 40
                ),
                plugins.ConsoleMenuEntry("reports", gettext_lazy("Reports"), "reports:index", 50),
            ),
        )
    )
    plugins.register_attention_item(
        plugins.AttentionItem(
            key="pending_registrations",
            label=gettext_lazy("Registrations awaiting approval"),
            order=20,
            count=_pending_registrations,
            url_name=f"{NAMESPACE}:registration_list",
            url_query="status=pending&when=upcoming",
            help_text=gettext_lazy("For activities not yet held."),
        )
    )
    plugins.register_attention_item(
        plugins.AttentionItem(
            key="unanswered_invitations",
            label=gettext_lazy("Invitations not yet answered"),
            order=30,
            count=_unanswered_invitations,
            url_name=f"{NAMESPACE}:invitation_list",
            url_query="status=pending&when=upcoming",
            help_text=gettext_lazy("For activities not yet held."),
        )
    )
    plugins.register_attention_item(
        plugins.AttentionItem(
            key="starting_soon_with_seats",
            label=gettext_lazy("Activities starting within 30 days with seats left"),
            order=40,
            count=_starting_soon_with_seats,
            url_name=f"{NAMESPACE}:activity_list",
            url_query="starting=soon&seats=left",
        )
    )
