"""The dialogues' pages in the secretariat console: convenings, their agenda sessions, and
the yearly fill-in of a policy dialogue from the year before."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from roadmap_portal.core import plugins
from roadmap_portal.core.console.filters import search_filter
from roadmap_portal.core.console.lists import Column, ConsoleList
from roadmap_portal.core.console.mixins import ConsolePageMixin
from roadmap_portal.registrations.console_lists import activity_start_label
from roadmap_portal.registrations.models import (
    Access,
    ActivityStatus,
    DatePrecision,
    RegistrationStatus,
)
from taskforce.models import Country

from . import services
from .models import AgendaSession, Convening, ConveningKind

NAMESPACE = "dialogues_console"
DAY_STARTS = dt.time(9)
DAY_ENDS = dt.time(17)
PARTIAL_TIME = dt.time(12)


def _date_widget():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _time_widget():
    return forms.TimeInput(format="%H:%M", attrs={"type": "time"})


def _zone(convening: Convening | None, host_country: Country | None = None) -> zoneinfo.ZoneInfo:
    if convening is not None:
        return zoneinfo.ZoneInfo(convening.activity.time_zone)
    return zoneinfo.ZoneInfo(host_country.time_zone if host_country else "UTC")


def _local(moment: dt.datetime | None, zone) -> dt.datetime | None:
    return moment.astimezone(zone) if moment is not None else None


# Convenings ---------------------------------------------------------------------------------


class ConveningFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Title"))
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=ConveningKind.choices, empty_label=gettext_lazy("Any")
    )
    year = django_filters.NumberFilter(label=gettext_lazy("Year"))
    host_country = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Host country"),
        queryset=Country.objects.order_by("name"),
        empty_label=gettext_lazy("Any"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        field_name="activity__status",
        choices=ActivityStatus.choices,
        empty_label=gettext_lazy("Any"),
    )

    class Meta:
        model = Convening
        fields = ["q", "kind", "year", "host_country", "status"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(subtitle__icontains=value))


class ConveningForm(forms.Form):
    """A convening with its dates where it happens and how people register for it."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ConveningKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=250)
    slug = forms.SlugField(
        label=gettext_lazy("Address"),
        max_length=100,
        help_text=gettext_lazy('Its page is /dialogues/<address>/, e.g. "sse-forum-2026".'),
    )
    subtitle = forms.CharField(label=gettext_lazy("Subtitle"), max_length=250, required=False)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    host_country = forms.ModelChoiceField(
        label=gettext_lazy("Host country"),
        queryset=Country.objects.order_by("name"),
        required=False,
    )
    city = forms.CharField(label=gettext_lazy("City"), max_length=100, required=False)
    venue = forms.CharField(label=gettext_lazy("Venue"), max_length=250, required=False)
    date_precision = forms.ChoiceField(
        label=gettext_lazy("Dates known"), choices=DatePrecision.choices
    )
    first_day = forms.DateField(
        label=gettext_lazy("First day"),
        required=False,
        widget=_date_widget(),
        help_text=gettext_lazy(
            "Where it happens. With only the month known, any day of it; with only the year, "
            "leave it empty."
        ),
    )
    last_day = forms.DateField(
        label=gettext_lazy("Last day"), required=False, widget=_date_widget()
    )
    registration_opens = forms.DateField(
        label=gettext_lazy("Registration opens"), required=False, widget=_date_widget()
    )
    registration_closes = forms.DateField(
        label=gettext_lazy("Registration closes"),
        required=False,
        widget=_date_widget(),
        help_text=gettext_lazy("At the end of that day, where the convening happens."),
    )
    access = forms.ChoiceField(label=gettext_lazy("Access"), choices=Access.choices)
    requires_approval = forms.BooleanField(label=gettext_lazy("Requires approval"), required=False)
    seats_per_organisation = forms.IntegerField(
        label=gettext_lazy("Seats per organisation"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Empty means no limit."),
    )
    allows_onsite = forms.BooleanField(
        label=gettext_lazy("Onsite participation"), required=False, initial=True
    )
    allows_online = forms.BooleanField(
        label=gettext_lazy("Online participation"), required=False, initial=True
    )
    background = forms.CharField(
        label=gettext_lazy("Background"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    outcomes = forms.CharField(
        label=gettext_lazy("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, convening=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.convening = convening
        if convening is not None:
            # The address and the kind stay: links and the yearly rotation rely on them.
            del self.fields["slug"]
            del self.fields["kind"]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if last and not first:
            self.add_error("first_day", _("Give the first day too."))
        if first and last and last < first:
            self.add_error("last_day", _("The last day comes before the first."))
        precision = cleaned.get("date_precision")
        if precision == DatePrecision.DAY and not first:
            self.add_error("first_day", _("Give the first day, or say only the month is known."))
        if precision == DatePrecision.MONTH and not first:
            self.add_error("first_day", _("Give a day in the month it happens."))
        if not (cleaned.get("allows_onsite") or cleaned.get("allows_online")):
            self.add_error("allows_online", _("Offer onsite or online participation, or both."))
        opens, closes = cleaned.get("registration_opens"), cleaned.get("registration_closes")
        if opens and closes and closes < opens:
            self.add_error("registration_closes", _("Registration closes before it opens."))
        kind = cleaned.get("kind") or (self.convening.kind if self.convening else "")
        year = cleaned.get("year")
        if kind == ConveningKind.POLICY_DIALOGUE and year:
            twins = Convening.objects.policy_dialogues().filter(year=year)
            if self.convening is not None:
                twins = twins.exclude(pk=self.convening.pk)
            if twins.exists():
                self.add_error(
                    "year",
                    _(
                        "The %(year)s policy dialogue already exists: open it and fill it in "
                        "instead of creating a second one."
                    )
                    % {"year": year},
                )
        slug = cleaned.get("slug")
        if slug and Convening.objects.filter(slug=slug).exists():
            self.add_error("slug", _("Another convening has this address."))
        return cleaned


def convening_values(data: dict, *, convening: Convening | None) -> dict:
    """The services' arguments from the form's data: the days turned into moments where the
    convening happens (its time zone, else the host country's)."""
    zone = _zone(convening, data.get("host_country"))
    first, last = data.get("first_day"), data.get("last_day")

    def moment(day, time):
        if day is None:
            return None
        return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)

    values = {
        name: data[name] for name in ("title", "subtitle", "year", "host_country", "city", "venue")
    }
    if data["date_precision"] == DatePrecision.DAY:
        starts_at, ends_at = moment(first, DAY_STARTS), moment(last or first, DAY_ENDS)
    else:
        # Only the month or the year is known: the activity keeps a start in that period
        # (anchored when saved) and no end.
        starts_at, ends_at = moment(first or dt.date(data["year"], 1, 1), PARTIAL_TIME), None
    values.update(
        {
            "background": data["background"],
            "outcomes": data["outcomes"],
            "date_precision": data["date_precision"],
            "starts_at": starts_at,
            "ends_at": ends_at,
        }
    )
    registration = {
        "registration_opens_at": moment(data.get("registration_opens"), dt.time(0)),
        "registration_closes_at": moment(data.get("registration_closes"), dt.time(23, 59)),
        "access": data["access"],
        "requires_approval": data["requires_approval"],
        "seats_per_organisation": data["seats_per_organisation"],
        "allows_onsite": data["allows_onsite"],
        "allows_online": data["allows_online"],
    }
    return {"convening": values, "registration": registration}


class ConveningConsole(ConsoleList):
    name = "convening"
    namespace = NAMESPACE
    model = Convening
    title = gettext_lazy("Convenings")
    filterset_class = ConveningFilter
    columns = (
        Column("title", gettext_lazy("Title"), link=True, sort="title"),
        Column("kind", gettext_lazy("Kind"), accessor="get_kind_display", sort="kind"),
        Column("year", gettext_lazy("Year"), sort="year"),
        Column(
            "host_country",
            gettext_lazy("Host country"),
            accessor="host_country.name",
            sort="host_country__name",
        ),
        Column("city", gettext_lazy("City"), sort="city"),
        Column(
            "starts_at",
            gettext_lazy("Starts"),
            accessor=lambda convening: activity_start_label(convening.activity),
            sort="activity__starts_at",
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            accessor="activity.get_status_display",
            badge="activity.status",
            sort="activity__status",
        ),
        Column("sessions", gettext_lazy("Sessions"), accessor="session_count"),
        Column("confirmed", gettext_lazy("Confirmed"), accessor="confirmed_count"),
        Column("venue", gettext_lazy("Venue"), in_table=False),
        Column("slug", gettext_lazy("Address"), in_table=False),
    )
    default_sort = "-year"
    form_class = ConveningForm
    detail_template = "dialogues/console/convening_detail.html"

    def get_queryset(self):
        return Convening.objects.select_related("activity", "host_country").annotate(
            session_count=Count("sessions", distinct=True),
            confirmed_count=Count(
                "activity__registrations",
                filter=Q(activity__registrations__status=RegistrationStatus.CONFIRMED),
                distinct=True,
            ),
        )

    def form_kwargs(self, obj=None, *, request) -> dict:
        return {"convening": obj}

    def initial_for(self, obj) -> dict:
        if obj is None:
            return {"access": Access.OPEN, "date_precision": DatePrecision.DAY}
        activity = obj.activity
        zone = _zone(obj)
        starts, ends = _local(activity.starts_at, zone), _local(activity.ends_at, zone)
        opens = _local(activity.registration_opens_at, zone)
        closes = _local(activity.registration_closes_at, zone)
        return {
            "title": obj.title,
            "subtitle": obj.subtitle,
            "year": obj.year,
            "host_country": obj.host_country_id,
            "city": obj.city,
            "venue": obj.venue,
            "date_precision": activity.date_precision,
            "first_day": (
                starts.date() if starts and activity.date_precision != DatePrecision.YEAR else None
            ),
            "last_day": ends.date() if ends else None,
            "registration_opens": opens.date() if opens else None,
            "registration_closes": closes.date() if closes else None,
            "access": activity.access,
            "requires_approval": activity.requires_approval,
            "seats_per_organisation": activity.seats_per_organisation,
            "allows_onsite": activity.allows_onsite,
            "allows_online": activity.allows_online,
            "background": obj.background,
            "outcomes": obj.outcomes,
        }

    @transaction.atomic
    def create(self, *, data, by):
        values = convening_values(data, convening=None)
        convening = services.create_convening(
            kind=data["kind"], slug=data["slug"], **values["convening"]
        )
        services.update_registration_settings(convening=convening, by=by, **values["registration"])
        return convening

    @transaction.atomic
    def update(self, *, obj, data, by):
        values = convening_values(data, convening=obj)
        convening = services.update_convening(convening=obj, **values["convening"])
        services.update_registration_settings(convening=convening, by=by, **values["registration"])
        return convening

    def detail_context(self, obj) -> dict:
        fill_in = None
        fill_in_problem = ""
        if obj.kind == ConveningKind.POLICY_DIALOGUE:
            try:
                fill_in = services.plan_fill_in(convening=obj)
            except ValidationError as error:
                fill_in_problem = " ".join(error.messages)
        return {
            "sessions": AgendaSession.objects.filter(convening=obj).order_by(
                "position", "starts_at", "pk"
            ),
            "fill_in": fill_in,
            "fill_in_problem": fill_in_problem,
            "fill_in_url": reverse(f"{NAMESPACE}:convening_fill_in", args=[obj.pk]),
            "add_session_url": reverse(f"{NAMESPACE}:session_create") + f"?convening={obj.pk}",
            "activity_console_url": reverse(
                "activity_console:registration_list", kwargs={"pk": obj.activity_id}
            ),
            "public_url": obj.get_absolute_url(),
        }


class FillInView(ConsolePageMixin, TemplateView):
    """What the fill-in from last year will copy; POST does it, once."""

    template_name = "dialogues/console/fill_in.html"

    @cached_property
    def convening(self) -> Convening:
        return get_object_or_404(
            Convening.objects.select_related("activity", "host_country"), pk=self.kwargs["pk"]
        )

    def detail_url(self) -> str:
        return reverse(f"{NAMESPACE}:convening_detail", args=[self.convening.pk])

    def get(self, request, *args, **kwargs):
        try:
            plan = services.plan_fill_in(convening=self.convening)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.detail_url())
        return self.render_to_response(self.get_context_data(plan=plan))

    def post(self, request, *args, **kwargs):
        try:
            plan = services.fill_in_from_previous_year(convening=self.convening, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.detail_url())
        messages.success(
            request,
            _(
                "Filled in from %(source)s: %(sessions)s sessions, %(invitations)s "
                "organisations invited."
            )
            % {
                "source": plan.source.title,
                "sessions": len(plan.sessions),
                "invitations": len(plan.invitations),
            },
        )
        return HttpResponseRedirect(self.detail_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["convening"] = self.convening
        context["detail_url"] = self.detail_url()
        context["zone"] = self.convening.activity.time_zone
        return context


# Agenda sessions ----------------------------------------------------------------------------


class SessionFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Title"))
    convening = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Convening"),
        queryset=Convening.objects.order_by("-year", "title"),
        empty_label=gettext_lazy("Any"),
    )
    year = django_filters.NumberFilter(label=gettext_lazy("Year"), field_name="convening__year")

    class Meta:
        model = AgendaSession
        fields = ["q", "convening", "year"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset


class SessionForm(forms.Form):
    """A session, its day and times where the convening happens."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=250)
    position = forms.IntegerField(
        label=gettext_lazy("Position in the agenda"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("Empty: after the last session."),
    )
    day = forms.DateField(label=gettext_lazy("Day"), required=False, widget=_date_widget())
    starts = forms.TimeField(label=gettext_lazy("Starts"), required=False, widget=_time_widget())
    ends = forms.TimeField(label=gettext_lazy("Ends"), required=False, widget=_time_widget())
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, convening, **kwargs):
        super().__init__(*args, **kwargs)
        self.convening = convening
        self.fields["day"].help_text = _("Times are in %(zone)s, where %(convening)s happens.") % {
            "zone": convening.activity.time_zone,
            "convening": convening.title,
        }

    def clean(self):
        cleaned = super().clean()
        day, starts, ends = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        if (starts or ends) and not day:
            self.add_error("day", _("Give the day of these times."))
        if starts and ends and ends < starts:
            self.add_error("ends", _("The session ends before it starts."))
        zone = _zone(self.convening)

        def moment(time):
            if day is None or time is None:
                return None
            return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)

        cleaned["starts_at"] = moment(starts)
        cleaned["ends_at"] = moment(ends)
        cleaned["convening"] = self.convening
        return cleaned


def _convening_from(request) -> Convening:
    try:
        pk = int(request.GET.get("convening", ""))
    except ValueError as error:
        raise Http404(_("Open the convening's page and add the session there.")) from error
    return get_object_or_404(Convening.objects.select_related("activity"), pk=pk)


class SessionConsole(ConsoleList):
    name = "session"
    namespace = NAMESPACE
    model = AgendaSession
    title = gettext_lazy("Agenda sessions")
    filterset_class = SessionFilter
    columns = (
        Column("title", gettext_lazy("Title"), link=True, sort="title"),
        Column(
            "convening",
            gettext_lazy("Convening"),
            accessor="convening.title",
            sort=("convening__year", "convening__title"),
        ),
        Column("position", gettext_lazy("Position"), sort="position"),
        Column("starts_at", gettext_lazy("Starts"), sort="starts_at"),
        Column("ends_at", gettext_lazy("Ends"), sort="ends_at"),
        Column("description", gettext_lazy("Description"), in_table=False),
    )
    default_sort = "convening"
    form_class = SessionForm
    create_from_list = False
    detail_template = "dialogues/console/session_detail.html"

    def get_queryset(self):
        return AgendaSession.objects.select_related("convening", "convening__activity")

    def form_kwargs(self, obj=None, *, request) -> dict:
        return {"convening": obj.convening if obj is not None else _convening_from(request)}

    def initial_for(self, obj) -> dict:
        if obj is None:
            return {}
        zone = _zone(obj.convening)
        starts, ends = _local(obj.starts_at, zone), _local(obj.ends_at, zone)
        return {
            "title": obj.title,
            "position": obj.position,
            "day": (starts or ends).date() if (starts or ends) else None,
            "starts": starts.time() if starts else None,
            "ends": ends.time() if ends else None,
            "description": obj.description,
        }

    @transaction.atomic
    def create(self, *, data, by):
        session = services.add_agenda_session(
            convening=data["convening"],
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            description=data["description"],
        )
        if data.get("position") is not None and data["position"] != session.position:
            session = services.update_agenda_session(
                session=session,
                by=by,
                title=session.title,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                description=session.description,
                position=data["position"],
            )
        return session

    def update(self, *, obj, data, by):
        return services.update_agenda_session(
            session=obj,
            by=by,
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            description=data["description"],
            position=data.get("position"),
        )


convening_console = ConveningConsole()
session_console = SessionConsole()


def register():
    plugins.register_console_section(
        plugins.ConsoleSection(
            key="dialogues",
            label=gettext_lazy("Policy Dialogues"),
            order=20,
            path="dialogues/",
            urlconf="dialogues.console_urls",
            entries=(
                plugins.ConsoleMenuEntry(
                    "convenings", gettext_lazy("Convenings"), f"{NAMESPACE}:convening_list", 10
                ),
                plugins.ConsoleMenuEntry(
                    "sessions", gettext_lazy("Agenda sessions"), f"{NAMESPACE}:session_list", 20
                ),
            ),
        )
    )
