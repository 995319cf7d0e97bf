"""Forms of the training pages; each one's view hands its cleaned data to a service."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roadmap_portal.accounts.models import validate_time_zone
from roadmap_portal.registrations.models import Mode
from taskforce.models import Country

from .models import Cohort, CohortSession, Course, DeliveryMode, Module
from .services import MOTIVATION_MAX_LENGTH, CohortSchedule, Decision


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as typed, without a zone: the form gives it the cohort's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(dt.UTC):
            moment = super().to_python(value)
        return None if moment is None else moment.replace(tzinfo=None)

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value.replace(tzinfo=None)
        return value


def _local(moment: dt.datetime | None, zone: str) -> dt.datetime | None:
    if moment is None:
        return None
    return timezone.localtime(moment, zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)


def _aware(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.replace(tzinfo=zoneinfo.ZoneInfo(zone))


class NominationForm(forms.Form):
    """A focal point nominates one person of one organisation, with a motivation."""

    organisation = forms.IntegerField(widget=forms.HiddenInput)
    person = forms.TypedChoiceField(label=_("Person"), coerce=int)
    mode = forms.ChoiceField(label=_("Takes part"), choices=Mode.choices)
    motivation = forms.CharField(
        label=_("Motivation"),
        max_length=MOTIVATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this person, and what they will do with the course in your country."),
    )

    def __init__(self, *args, cohort: Cohort, panel=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        if panel is not None:
            self.fields["organisation"].initial = panel.organisation.pk
            self.fields["person"].choices = [
                (person.pk, person.full_name) for person in panel.people
            ]
        modes = cohort.modes
        self.fields["mode"].choices = [(mode, Mode(mode).label) for mode in modes]
        if len(modes) == 1:
            self.fields["mode"].initial = modes[0]
            self.fields["mode"].widget = forms.HiddenInput()
        if panel is not None:
            # Several organisations' forms can share the page: keep their ids apart.
            self.auto_id = f"id_org{panel.organisation.pk}_%s"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.CONFIRM, _("Accept")),
            (Decision.WAITLIST, _("Waitlist")),
            (Decision.DECLINE, _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the nominee and the focal point; required when declining."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.DECLINE and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for declining."))
        return cleaned


class AttendanceForm(forms.Form):
    """The grid: one checkbox per participant on the roster, ticked when present."""

    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["present"].choices = [
            (row.registration.pk, row.registration.person.full_name) for row in rows
        ]
        self.fields["present"].initial = [row.registration.pk for row in rows if row.present]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the certificate and sent to the participant and focal point."),
    )


class CohortForm(forms.Form):
    """A cohort and the dates, places and limits its ``Activity`` holds.

    Dates and times are typed in the cohort's own time zone.
    """

    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.all())
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=100,
        required=False,
        help_text=_("The last part of the cohort's address; empty: made from the title."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    delivery_mode = forms.ChoiceField(label=_("Delivery"), choices=DeliveryMode.choices)
    place = forms.CharField(label=_("Place"), max_length=250, required=False)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        help_text=_("Where onsite sessions take place; ignored for an online cohort."),
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("e.g. Asia/Kuala_Lumpur; the dates below are in this zone."),
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    nominations_open_at = LocalDateTimeField(label=_("Nominations open"))
    nomination_deadline = LocalDateTimeField(label=_("Nomination deadline"))
    onsite_capacity = forms.IntegerField(
        label=_("Onsite seats"), min_value=0, required=False, help_text=_("Empty: no limit.")
    )
    online_capacity = forms.IntegerField(
        label=_("Online seats"), min_value=0, required=False, help_text=_("Empty: no limit.")
    )
    seats_per_organisation = forms.IntegerField(
        label=_("Seats per organisation"),
        min_value=1,
        required=False,
        help_text=_("Confirmed and pending nominations an organisation may have; empty: no limit."),
    )
    eligible_countries = forms.ModelMultipleChoiceField(
        label=_("Eligible countries"),
        queryset=Country.objects.order_by("group", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: organisations from every country may nominate."),
    )
    completion_threshold_percent = forms.IntegerField(
        label=_("Completion threshold (percentage of sessions)"),
        min_value=1,
        max_value=100,
        initial=80,
    )

    def __init__(self, *args, cohort: Cohort | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        if cohort is not None:
            # The course and the address of an existing cohort stay as they are.
            del self.fields["course"]
            del self.fields["slug"]
            activity = cohort.activity
            zone = activity.time_zone
            self.initial.update(
                {
                    "title": cohort.title,
                    "description": cohort.description,
                    "delivery_mode": cohort.delivery_mode,
                    "place": cohort.place,
                    "country": activity.country_id,
                    "time_zone": zone,
                    "starts_at": _local(activity.starts_at, zone),
                    "ends_at": _local(activity.ends_at, zone),
                    "nominations_open_at": _local(activity.registration_opens_at, zone),
                    "nomination_deadline": _local(activity.registration_closes_at, zone),
                    "onsite_capacity": activity.onsite_capacity,
                    "online_capacity": activity.online_capacity,
                    "seats_per_organisation": activity.seats_per_organisation,
                    "eligible_countries": [c.pk for c in cohort.eligible_countries.all()],
                    "completion_threshold_percent": cohort.completion_threshold_percent,
                }
            )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if slug == "new":
            raise forms.ValidationError(_("“new” is reserved; choose another address."))
        return slug

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone")
        if zone and not self.errors:
            for name in ("starts_at", "ends_at", "nominations_open_at", "nomination_deadline"):
                cleaned[name] = _aware(cleaned[name], zone)
        return cleaned

    def schedule(self) -> CohortSchedule:
        data = self.cleaned_data
        return CohortSchedule(
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            time_zone=data["time_zone"],
            delivery_mode=data["delivery_mode"],
            nominations_open_at=data["nominations_open_at"],
            nomination_deadline=data["nomination_deadline"],
            country=data.get("country"),
            onsite_capacity=data.get("onsite_capacity"),
            online_capacity=data.get("online_capacity"),
            seats_per_organisation=data.get("seats_per_organisation"),
        )


class SessionForm(forms.Form):
    """A session of a cohort; times in the cohort's time zone."""

    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.none())
    title = forms.CharField(
        label=_("Title"),
        max_length=250,
        required=False,
        help_text=_("Empty: the module's title."),
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))

    def __init__(self, *args, cohort: Cohort, session: CohortSession | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.fields["module"].queryset = Module.objects.filter(course_id=cohort.course_id)
        zone = cohort.activity.time_zone
        self.fields["starts_at"].help_text = _("In %s.") % zone
        if session is not None:
            self.initial.update(
                {
                    "module": session.module_id,
                    "title": session.title,
                    "starts_at": _local(session.starts_at, zone),
                    "ends_at": _local(session.ends_at, zone),
                }
            )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            zone = self.cohort.activity.time_zone
            cleaned["starts_at"] = _aware(cleaned["starts_at"], zone)
            cleaned["ends_at"] = _aware(cleaned["ends_at"], zone)
        return cleaned
