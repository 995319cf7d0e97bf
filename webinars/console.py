"""The webinars in the secretariat console: every webinar and every series.

Lists only: creating, editing, cancelling, publishing a recording and importing attendance
stay on the webinars' own staff pages (``views.py``), which a webinar's console page links to.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from roadmap_portal.core import plugins
from roadmap_portal.core.console.filters import search_filter
from roadmap_portal.core.console.lists import Column, ConsoleList
from roadmap_portal.core.text import search_key
from roadmap_portal.registrations.models import ActivityStatus, RegistrationStatus
from taskforce.models import Organisation

from .models import Language, Series, Webinar, WebinarSpeaker

NAMESPACE = "webinars_console"
SOON_DAYS = 7


def _date_range_widget():
    return django_filters.widgets.DateRangeWidget(attrs={"type": "date"})


def starting_within(queryset, *, days: int = SOON_DAYS, now: dt.datetime | None = None):
    """Webinars not cancelled that start between now and ``days`` from now."""
    now = now or timezone.now()
    return queryset.exclude(activity__status=ActivityStatus.CANCELLED).filter(
        activity__starts_at__gte=now, activity__starts_at__lte=now + dt.timedelta(days=days)
    )


def soon_without_join_link_count() -> int:
    """Webinars in the next seven days that registrants could not join: no link yet."""
    return starting_within(Webinar.objects.filter(join_url="")).count()


# Webinars -----------------------------------------------------------------------------------


class WebinarConsoleFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Title or speaker"))
    series = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Series"),
        queryset=Series.objects.order_by("title"),
        empty_label=gettext_lazy("Any series"),
    )
    language = django_filters.ChoiceFilter(
        label=gettext_lazy("Language"),
        choices=Language.choices,
        empty_label=gettext_lazy("Any language"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        field_name="activity__status",
        choices=ActivityStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )
    date = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Starts between"),
        field_name="activity__starts_at",
        widget=_date_range_widget(),
    )
    starting = django_filters.ChoiceFilter(
        label=gettext_lazy("Starting"),
        choices=[
            ("week", gettext_lazy("Within 7 days")),
            ("upcoming", gettext_lazy("Not yet held")),
            ("past", gettext_lazy("Already started")),
        ],
        method="filter_starting",
        empty_label=gettext_lazy("Any time"),
    )
    join_link = django_filters.ChoiceFilter(
        label=gettext_lazy("Join link"),
        choices=[("missing", gettext_lazy("Missing")), ("set", gettext_lazy("Set"))],
        method="filter_join_link",
        empty_label=gettext_lazy("Any"),
    )

    class Meta:
        model = Webinar
        fields = ["q", "series", "language", "status", "date", "starting", "join_link"]

    def filter_search(self, queryset, name, value):
        text = value.strip()
        key = search_key(value)
        if not key:
            return queryset
        # Titles are searched as typed; speakers' names with or without diacritics.
        spoken = WebinarSpeaker.objects.filter(person__search_text__contains=key).values(
            "webinar_id"
        )
        return queryset.filter(Q(title__icontains=text) | Q(pk__in=spoken))

    def filter_starting(self, queryset, name, value):
        now = timezone.now()
        if value == "week":
            return starting_within(queryset, now=now)
        if value == "upcoming":
            return queryset.exclude(activity__status=ActivityStatus.CANCELLED).filter(
                activity__starts_at__gte=now
            )
        return queryset.filter(activity__starts_at__lt=now)

    def filter_join_link(self, queryset, name, value):
        return queryset.filter(join_url="") if value == "missing" else queryset.exclude(join_url="")


class WebinarConsole(ConsoleList):
    """Every webinar with what staff check before and after it: link, seats, recording."""

    name = "webinar"
    namespace = NAMESPACE
    model = Webinar
    title = gettext_lazy("Webinars")
    filterset_class = WebinarConsoleFilter
    columns = (
        Column("title", gettext_lazy("Title"), link=True, sort="title"),
        Column("series", gettext_lazy("Series"), accessor="series.title", sort="series__title"),
        Column(
            "starts_at",
            gettext_lazy("Starts"),
            accessor="activity.starts_at",
            sort=("activity__starts_at",),
        ),
        Column(
            "language", gettext_lazy("Language"), accessor="get_language_display", sort="language"
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            accessor="activity.get_status_display",
            badge="activity.status",
            sort="activity__status",
        ),
        Column("join_link", gettext_lazy("Join link"), accessor=lambda w: bool(w.join_url)),
        Column(
            "confirmed",
            gettext_lazy("Confirmed"),
            accessor="confirmed_count",
            sort="confirmed_count",
        ),
        Column("recording", gettext_lazy("Recording published"), accessor="has_recording"),
        Column(
            "platform", gettext_lazy("Platform"), accessor="get_platform_display", in_table=False
        ),
        Column(
            "time_zone", gettext_lazy("Time zone"), accessor="activity.time_zone", in_table=False
        ),
        Column("join_url", gettext_lazy("Join link (address)"), personal=True, in_table=False),
        Column("recording_url", gettext_lazy("Recording link"), in_table=False),
        Column("slug", gettext_lazy("Address"), in_table=False),
    )
    default_sort = "-starts_at"
    detail_template = "webinars/console/webinar_detail.html"
    list_template = "webinars/console/webinar_list.html"

    def get_queryset(self):
        return Webinar.objects.select_related("activity", "series").annotate(
            confirmed_count=Count(
                "activity__registrations",
                filter=Q(activity__registrations__status=RegistrationStatus.CONFIRMED),
            )
        )

    def detail_context(self, obj) -> dict:
        return {
            "public_url": obj.get_absolute_url(),
            "edit_url": reverse("webinars:webinar_update", kwargs={"slug": obj.slug}),
            "cancel_url": (
                reverse("webinars:webinar_cancel", kwargs={"slug": obj.slug})
                if obj.activity.status != ActivityStatus.CANCELLED
                else ""
            ),
            "recording_url": reverse("webinars:recording_update", kwargs={"slug": obj.slug}),
            "attendance_url": reverse("webinars:attendance_upload", kwargs={"slug": obj.slug}),
            "registrations_url": reverse(
                "activity_console:registration_list", kwargs={"pk": obj.activity_id}
            ),
        }


# Series -------------------------------------------------------------------------------------


class SeriesConsoleFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Title or organiser"))
    organiser = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Organiser"),
        queryset=Organisation.objects.filter(webinar_series_organised__isnull=False)
        .distinct()
        .order_by("name"),
        empty_label=gettext_lazy("Any organiser"),
    )

    class Meta:
        model = Series
        fields = ["q", "organiser"]

    def filter_search(self, queryset, name, value):
        key = search_key(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(title__icontains=value.strip()) | Q(organiser__search_text__contains=key)
        )


def next_start(now: dt.datetime) -> Min:
    """The start of the series' next webinar that is not cancelled, or None."""
    return Min(
        "webinars__activity__starts_at",
        filter=Q(webinars__activity__starts_at__gte=now)
        & ~Q(webinars__activity__status=ActivityStatus.CANCELLED),
    )


class SeriesConsole(ConsoleList):
    name = "series"
    namespace = NAMESPACE
    model = Series
    title = gettext_lazy("Webinar series")
    filterset_class = SeriesConsoleFilter
    columns = (
        Column("title", gettext_lazy("Title"), link=True, sort="title"),
        Column(
            "organiser",
            gettext_lazy("Organiser"),
            accessor="organiser.name",
            sort="organiser__name",
        ),
        Column(
            "webinars", gettext_lazy("Webinars"), accessor="webinar_count", sort="webinar_count"
        ),
        Column("held", gettext_lazy("Held"), accessor="held_count", sort="held_count"),
        Column("next_start", gettext_lazy("Next webinar"), sort="next_start"),
        Column("slug", gettext_lazy("Address"), in_table=False),
        Column("description", gettext_lazy("Description"), in_table=False),
    )
    default_sort = "title"
    detail_template = "webinars/console/series_detail.html"

    def get_queryset(self):
        now = timezone.now()
        return Series.objects.select_related("organiser").annotate(
            webinar_count=Count("webinars", distinct=True),
            held_count=Count(
                "webinars",
                filter=Q(webinars__activity__status=ActivityStatus.HELD),
                distinct=True,
            ),
            next_start=next_start(now),
        )

    def detail_context(self, obj) -> dict:
        return {
            "public_url": obj.get_absolute_url(),
            "feed_url": reverse("webinars:series_feed", kwargs={"slug": obj.slug}),
            "webinars": Webinar.objects.filter(series=obj)
            .select_related("activity")
            .order_by("-activity__starts_at", "-pk"),
            "webinar_list_url": reverse(f"{NAMESPACE}:webinar_list") + f"?series={obj.pk}",
        }


webinar_console = WebinarConsole()
series_console = SeriesConsole()


def register():
    plugins.register_console_section(
        plugins.ConsoleSection(
            key="webinars",
            label=gettext_lazy("Webinars"),
            order=30,
            path="webinars/",
            urlconf="webinars.console_urls",
            entries=(
                plugins.ConsoleMenuEntry(
                    "webinars", gettext_lazy("Webinars"), f"{NAMESPACE}:webinar_list", 10
                ),
                plugins.ConsoleMenuEntry(
                    "series", gettext_lazy("Webinar series"), f"{NAMESPACE}:series_list", 20
                ),
            ),
        )
    )
    plugins.register_attention_item(
        plugins.AttentionItem(
            key="webinars_without_join_link",
            label=gettext_lazy("Webinars in the next 7 days without a join link"),
            order=50,
            count=soon_without_join_link_count,
            url_name=f"{NAMESPACE}:webinar_list",
            url_query="starting=week&join_link=missing",
        )
    )
