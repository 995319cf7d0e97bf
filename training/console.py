"""The training course in the secretariat console: cohorts, nominations and certificates.

Nominations are decided many at a time here through ``services.decide_nomination``, which
calls the engine's ``decide_registration`` and also tells the nominating organisation's focal
points; the registrations console's own bulk actions call the engine directly and would skip
those e-mails and the reason a decline requires, so this list declares its own.
Reviewing one cohort side by side, taking attendance, following progress and revoking a
certificate stay on the course's staff pages (``views.py``), which the console pages link to.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from roadmap_portal.core import plugins
from roadmap_portal.core.console.filters import search_filter
from roadmap_portal.core.console.lists import BulkAction, Column, ConsoleList, done, refused
from roadmap_portal.core.text import search_key
from roadmap_portal.registrations.models import (
    Activity,
    ActivityStatus,
    Mode,
    Registration,
    RegistrationStatus,
)
from roadmap_portal.registrations.services import Decision
from taskforce.models import Country

from . import services
from .models import Certificate, Cohort, CohortSession, Course
from .services import TrainingRefused

NAMESPACE = "training_console"
SOON_DAYS = 7


def _date_range_widget():
    return django_filters.widgets.DateRangeWidget(attrs={"type": "date"})


def _cohort_activities():
    return Activity.objects.filter(training_cohort__isnull=False)


def deadline_within(queryset, *, days: int = SOON_DAYS, now: dt.datetime | None = None):
    """Cohorts still taking nominations whose nomination deadline falls in the next ``days``."""
    now = now or timezone.now()
    return queryset.exclude(
        activity__status__in=[ActivityStatus.CANCELLED, ActivityStatus.HELD]
    ).filter(
        activity__registration_closes_at__gte=now,
        activity__registration_closes_at__lte=now + dt.timedelta(days=days),
    )


def nominations_awaiting_review_count() -> int:
    """Pending nominations of cohorts not yet over (one query)."""
    return Registration.objects.filter(
        status=RegistrationStatus.PENDING,
        activity__in=_cohort_activities().upcoming().values("pk"),
    ).count()


def deadline_soon_count() -> int:
    return deadline_within(Cohort.objects.all()).count()


# Cohorts ------------------------------------------------------------------------------------


class CohortConsoleFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Title"))
    course = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Course"),
        queryset=Course.objects.order_by("title"),
        empty_label=gettext_lazy("Any course"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        field_name="activity__status",
        choices=ActivityStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )
    starts = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Starts between"),
        field_name="activity__starts_at",
        widget=_date_range_widget(),
    )
    deadline = django_filters.ChoiceFilter(
        label=gettext_lazy("Nomination deadline"),
        choices=[
            ("week", gettext_lazy("Within 7 days")),
            ("open", gettext_lazy("Nominations open now")),
            ("passed", gettext_lazy("Passed")),
        ],
        method="filter_deadline",
        empty_label=gettext_lazy("Any"),
    )

    class Meta:
        model = Cohort
        fields = ["q", "course", "status", "starts", "deadline"]

    def filter_search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(title__icontains=text) | Q(place__icontains=text))

    def filter_deadline(self, queryset, name, value):
        now = timezone.now()
        if value == "week":
            return deadline_within(queryset, now=now)
        if value == "open":
            return queryset.open_for_nomination(now=now)
        return queryset.filter(activity__registration_closes_at__lt=now)


def _count_of(status: str) -> Count:
    return Count(
        "activity__registrations",
        filter=Q(activity__registrations__status=status),
        distinct=True,
    )


class CohortConsole(ConsoleList):
    """Every cohort with its nominations waiting and its places taken."""

    name = "cohort"
    namespace = NAMESPACE
    model = Cohort
    title = gettext_lazy("Cohorts")
    filterset_class = CohortConsoleFilter
    columns = (
        Column("title", gettext_lazy("Cohort"), link=True, sort="title"),
        Column("course", gettext_lazy("Course"), accessor="course.title", sort="course__title"),
        Column(
            "starts_at",
            gettext_lazy("Starts"),
            accessor="activity.starts_at",
            sort="activity__starts_at",
        ),
        Column(
            "ends_at", gettext_lazy("Ends"), accessor="activity.ends_at", sort="activity__ends_at"
        ),
        Column(
            "nomination_deadline",
            gettext_lazy("Nomination deadline"),
            accessor="activity.registration_closes_at",
            sort="activity__registration_closes_at",
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            accessor="activity.get_status_display",
            badge="activity.status",
            sort="activity__status",
        ),
        Column(
            "pending",
            gettext_lazy("Awaiting review"),
            accessor="pending_count",
            sort="pending_count",
        ),
        Column(
            "confirmed",
            gettext_lazy("Accepted"),
            accessor="confirmed_count",
            sort="confirmed_count",
        ),
        Column("sessions", gettext_lazy("Sessions"), accessor="session_count"),
        Column(
            "delivery",
            gettext_lazy("Delivery"),
            accessor="get_delivery_mode_display",
            in_table=False,
        ),
        Column("place", gettext_lazy("Place"), in_table=False),
        Column(
            "nominations_open_at",
            gettext_lazy("Nominations open"),
            accessor="activity.registration_opens_at",
            in_table=False,
        ),
        Column(
            "threshold",
            gettext_lazy("Completion threshold (%)"),
            accessor="completion_threshold_percent",
            in_table=False,
        ),
        Column(
            "waitlisted", gettext_lazy("Waitlisted"), accessor="waitlisted_count", in_table=False
        ),
        Column("slug", gettext_lazy("Address"), in_table=False),
    )
    default_sort = "-starts_at"
    list_template = "training/console/cohort_list.html"
    detail_template = "training/console/cohort_detail.html"

    def get_queryset(self):
        return Cohort.objects.with_activity().annotate(
            pending_count=_count_of(RegistrationStatus.PENDING),
            confirmed_count=_count_of(RegistrationStatus.CONFIRMED),
            waitlisted_count=_count_of(RegistrationStatus.WAITLISTED),
            session_count=Count("sessions", distinct=True),
        )

    def detail_context(self, obj) -> dict:
        slug = {"slug": obj.slug}
        return {
            "review_url": reverse("training:cohort_review", kwargs=slug),
            "progress_url": reverse("training:cohort_progress", kwargs=slug),
            "edit_url": reverse("training:cohort_update", kwargs=slug),
            "add_session_url": reverse("training:session_create", kwargs=slug),
            "public_url": obj.get_absolute_url(),
            "nominations_url": reverse(f"{NAMESPACE}:nomination_list") + f"?cohort={obj.pk}",
            "certificates_url": reverse(f"{NAMESPACE}:certificate_list") + f"?cohort={obj.pk}",
            "sessions": CohortSession.objects.filter(cohort=obj)
            .select_related("module")
            .annotate(
                present_count=Count("attendances", filter=Q(attendances__present=True)),
                recorded_count=Count("attendances"),
            )
            .order_by("starts_at", "pk"),
        }


# Nominations --------------------------------------------------------------------------------


class NominationFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Person or organisation"))
    cohort = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Cohort"),
        field_name="activity__training_cohort",
        queryset=Cohort.objects.order_by("-activity__starts_at", "-pk"),
        empty_label=gettext_lazy("Any cohort"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=RegistrationStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )
    country = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Country"),
        field_name="organisation__country",
        queryset=Country.objects.order_by("name"),
        empty_label=gettext_lazy("Any country"),
    )
    mode = django_filters.ChoiceFilter(
        label=gettext_lazy("Mode"), choices=Mode.choices, empty_label=gettext_lazy("Any mode")
    )
    when = django_filters.ChoiceFilter(
        label=gettext_lazy("When"),
        choices=[
            ("upcoming", gettext_lazy("Cohorts not yet over")),
            ("past", gettext_lazy("Cohorts held")),
        ],
        method="filter_when",
        empty_label=gettext_lazy("Any time"),
    )

    class Meta:
        model = Registration
        fields = ["q", "cohort", "status", "country", "mode", "when"]

    def filter_search(self, queryset, name, value):
        key = search_key(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(person__search_text__contains=key) | Q(organisation__search_text__contains=key)
        )

    def filter_when(self, queryset, name, value):
        if value == "upcoming":
            return queryset.filter(activity__in=_cohort_activities().upcoming().values("pk"))
        return queryset.filter(activity__status=ActivityStatus.HELD)


class ReasonForm(forms.Form):
    """The reason told to the nominee and the focal points; a decline needs one."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Sent to each nominee and to their organisation's focal points."),
    )


class DeclineReasonForm(ReasonForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Required: sent to each nominee and to their organisation's focal points."
        ),
    )


def _decide(decision: str):
    def run(registration, *, by, reason: str = ""):
        before = registration.status
        try:
            decided = services.decide_nomination(
                registration=registration, decision=decision, by=by, reason=reason
            )
        except TrainingRefused as refusal:
            return refused(refusal.message)
        if decided.status == before:
            return done(_("Already %(status)s.") % {"status": decided.get_status_display()})
        return done(decided.get_status_display())

    return run


class NominationConsole(ConsoleList):
    """Every nomination to every cohort: filter, then accept, waitlist or decline at once."""

    name = "nomination"
    namespace = NAMESPACE
    model = Registration
    title = gettext_lazy("Nominations")
    filterset_class = NominationFilter
    columns = (
        Column(
            "person",
            gettext_lazy("Person"),
            accessor="person.full_name",
            link=True,
            sort="person__name",
        ),
        Column(
            "email", gettext_lazy("E-mail"), accessor="person.email", personal=True, in_table=False
        ),
        Column(
            "organisation",
            gettext_lazy("Organisation"),
            accessor="organisation.name",
            sort="organisation__name",
        ),
        Column(
            "country",
            gettext_lazy("Country"),
            accessor="organisation.country.name",
            sort="organisation__country__name",
        ),
        Column(
            "cohort",
            gettext_lazy("Cohort"),
            accessor="activity.training_cohort.title",
            sort=("activity__starts_at", "activity__training_cohort__title"),
        ),
        Column("mode", gettext_lazy("Mode"), accessor="get_mode_display", sort="mode"),
        Column(
            "motivation_excerpt",
            gettext_lazy("Motivation"),
            accessor=lambda registration: _excerpt(registration.motivation),
            exported=False,
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            accessor="get_status_display",
            badge="status",
            sort="status",
        ),
        Column("requested_at", gettext_lazy("Nominated"), sort="requested_at"),
        Column("decided_at", gettext_lazy("Decided"), sort="decided_at", in_table=False),
        Column("motivation", gettext_lazy("Motivation"), personal=True, in_table=False),
        Column("decision_reason", gettext_lazy("Reason for the decision"), in_table=False),
        Column(
            "nominated_by",
            gettext_lazy("Nominated by"),
            accessor="registered_by.email",
            personal=True,
            in_table=False,
        ),
    )
    default_sort = "-requested_at"
    bulk_actions = (
        BulkAction(
            "accept",
            gettext_lazy("Accept"),
            ngettext_lazy(
                "This will accept %(count)s nomination while seats last; the nominee and the "
                "focal points are told by e-mail.",
                "This will accept %(count)s nominations while seats last; the nominees and "
                "their focal points are told by e-mail.",
                "count",
            ),
            _decide(Decision.CONFIRM),
            form_class=ReasonForm,
        ),
        BulkAction(
            "waitlist",
            gettext_lazy("Put on the waitlist"),
            ngettext_lazy(
                "This will put %(count)s nomination on the waitlist; the nominee and the focal "
                "points are told by e-mail.",
                "This will put %(count)s nominations on the waitlist; the nominees and their "
                "focal points are told by e-mail.",
                "count",
            ),
            _decide(Decision.WAITLIST),
            form_class=ReasonForm,
        ),
        BulkAction(
            "decline",
            gettext_lazy("Decline"),
            ngettext_lazy(
                "This will decline %(count)s nomination with the reason below; a seat it held "
                "goes to the first person waiting.",
                "This will decline %(count)s nominations with the reason below; the seats they "
                "held go to the people waiting.",
                "count",
            ),
            _decide(Decision.DECLINE),
            form_class=DeclineReasonForm,
            danger=True,
        ),
    )

    def get_queryset(self):
        return Registration.objects.filter(activity__training_cohort__isnull=False).select_related(
            "person",
            "organisation",
            "organisation__country",
            "activity",
            "activity__training_cohort",
            "registered_by",
        )

    def has_detail(self) -> bool:
        return False

    def detail_url(self, obj) -> str:
        """The cohort's review page, at this nomination: where one is weighed among the rest."""
        cohort = obj.activity.training_cohort
        return (
            reverse("training:cohort_review", kwargs={"slug": cohort.slug})
            + f"#nomination-{obj.pk}"
        )

    def row_label(self, obj) -> str:
        return (
            f"{obj.person.full_name} – {obj.activity.training_cohort.title} "
            f"({obj.get_status_display()})"
        )


def _excerpt(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# Certificates -------------------------------------------------------------------------------


class CertificateFilter(django_filters.FilterSet):
    q = search_filter(gettext_lazy("Person, organisation or code"))
    cohort = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Cohort"),
        field_name="registration__activity__training_cohort",
        queryset=Cohort.objects.order_by("-activity__starts_at", "-pk"),
        empty_label=gettext_lazy("Any cohort"),
    )
    course = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Course"),
        field_name="registration__activity__training_cohort__course",
        queryset=Course.objects.order_by("title"),
        empty_label=gettext_lazy("Any course"),
    )
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("State"),
        choices=[("valid", gettext_lazy("Valid")), ("revoked", gettext_lazy("Revoked"))],
        method="filter_state",
        empty_label=gettext_lazy("Any"),
    )
    issued = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Issued between"),
        field_name="issued_at",
        widget=_date_range_widget(),
    )

    class Meta:
        model = Certificate
        fields = ["q", "cohort", "course", "state", "issued"]

    def filter_search(self, queryset, name, value):
        key = search_key(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(registration__person__search_text__contains=key)
            | Q(registration__organisation__search_text__contains=key)
            | Q(code=value.strip())
        )

    def filter_state(self, queryset, name, value):
        return queryset.filter(revoked_at__isnull=(value == "valid"))


class CertificateConsole(ConsoleList):
    """Every certificate issued, with who holds it and whether it still stands."""

    name = "certificate"
    namespace = NAMESPACE
    model = Certificate
    title = gettext_lazy("Certificates")
    filterset_class = CertificateFilter
    columns = (
        Column("code", gettext_lazy("Code"), link=True, sort="code"),
        Column(
            "person",
            gettext_lazy("Person"),
            accessor="registration.person.full_name",
            sort="registration__person__name",
        ),
        Column(
            "email",
            gettext_lazy("E-mail"),
            accessor="registration.person.email",
            personal=True,
            in_table=False,
        ),
        Column(
            "organisation",
            gettext_lazy("Organisation"),
            accessor="registration.organisation.name",
            sort="registration__organisation__name",
        ),
        Column(
            "cohort",
            gettext_lazy("Cohort"),
            accessor="registration.activity.training_cohort.title",
            sort="registration__activity__training_cohort__title",
        ),
        Column(
            "course",
            gettext_lazy("Course"),
            accessor="registration.activity.training_cohort.course.title",
            in_table=False,
        ),
        Column("issued_at", gettext_lazy("Issued"), sort="issued_at"),
        Column("revoked", gettext_lazy("Revoked"), accessor="is_revoked", sort="revoked_at"),
        Column("revoked_at", gettext_lazy("Revoked on"), in_table=False),
        Column("revoke_reason", gettext_lazy("Reason for revoking"), in_table=False),
    )
    default_sort = "-issued_at"
    detail_template = "training/console/certificate_detail.html"

    def get_queryset(self):
        return Certificate.objects.with_holder().select_related(
            "registration__activity", "revoked_by"
        )

    def row_label(self, obj) -> str:
        return f"{obj.code} – {obj.registration.person.full_name}"

    def detail_context(self, obj) -> dict:
        cohort = obj.registration.activity.training_cohort
        return {
            "verify_url": obj.get_absolute_url(),
            "revoke_url": (
                ""
                if obj.is_revoked
                else reverse("training:certificate_revoke", kwargs={"code": obj.code})
            ),
            "cohort_url": reverse(f"{NAMESPACE}:cohort_detail", args=[cohort.pk]),
        }


cohort_console = CohortConsole()
nomination_console = NominationConsole()
certificate_console = CertificateConsole()


def register():
    plugins.register_console_section(
        plugins.ConsoleSection(
            key="training",
            label=gettext_lazy("Training"),
            order=40,
            path="training/",
            urlconf="training.console_urls",
            entries=(
                plugins.ConsoleMenuEntry(
                    "cohorts", gettext_lazy("Cohorts"), f"{NAMESPACE}:cohort_list", 10
                ),
                plugins.ConsoleMenuEntry(
                    "nominations", gettext_lazy("Nominations"), f"{NAMESPACE}:nomination_list", 20
                ),
                plugins.ConsoleMenuEntry(
                    "certificates",
                    gettext_lazy("Certificates"),
                    f"{NAMESPACE}:certificate_list",
                    30,
                ),
            ),
        )
    )
    plugins.register_attention_item(
        plugins.AttentionItem(
            key="training_nominations_pending",
            label=gettext_lazy("Nominations awaiting review"),
            order=25,
            count=nominations_awaiting_review_count,
            url_name=f"{NAMESPACE}:nomination_list",
            url_query="status=pending&when=upcoming",
            help_text=gettext_lazy("For training cohorts not yet over."),
        )
    )
    plugins.register_attention_item(
        plugins.AttentionItem(
            key="training_deadline_soon",
            label=gettext_lazy("Cohorts whose nomination deadline is within 7 days"),
            order=45,
            count=deadline_soon_count,
            url_name=f"{NAMESPACE}:cohort_list",
            url_query="deadline=week",
        )
    )
