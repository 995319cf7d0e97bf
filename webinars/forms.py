import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taskforce.models import Person

from . import imports
from .models import Language, Platform, Sdg, Series, Webinar

# Slugs a webinar cannot take: they are the app's own paths.
RESERVED_SLUGS = frozenset({"new", "series"})


def _time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class WebinarForm(forms.Form):
    """Create or edit a webinar; the start is typed as a local time in the webinar's zone."""

    series = forms.ModelChoiceField(label=_("Series"), queryset=Series.objects.order_by("title"))
    title = forms.CharField(label=_("Title"), max_length=250)
    slug = forms.SlugField(
        label=_("Address"), max_length=100, help_text=_("The last part of the page's address.")
    )
    abstract = forms.CharField(label=_("Abstract"), widget=forms.Textarea, required=False)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        help_text=_("Where the webinar is hosted, e.g. Asia/Kuala_Lumpur."),
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=720)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    join_url = forms.URLField(
        label=_("Join link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to confirmed registrants and the secretariat."),
    )
    online_capacity = forms.IntegerField(
        label=_("Seats"), min_value=1, required=False, help_text=_("Empty means no limit.")
    )
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"),
        queryset=Person.objects.order_by("name"),
        required=False,
        help_text=_("From the registry; only people listed publicly are named on the page."),
    )
    sdgs = forms.ModelMultipleChoiceField(
        label=_("SDGs addressed"),
        queryset=Sdg.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, webinar: Webinar | None = None, **kwargs):
        self.webinar = webinar
        if webinar is not None:
            kwargs["initial"] = {**self.initial_for(webinar), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(webinar: Webinar) -> dict:
        activity = webinar.activity
        local_start = (
            timezone.localtime(activity.starts_at, zoneinfo.ZoneInfo(activity.time_zone))
            if activity.starts_at
            else None
        )
        return {
            "series": webinar.series_id,
            "title": webinar.title,
            "slug": webinar.slug,
            "abstract": webinar.abstract,
            "date": local_start.date() if local_start else None,
            "start_time": local_start.time().replace(second=0, microsecond=0)
            if local_start
            else None,
            "time_zone": activity.time_zone,
            "duration_minutes": webinar.duration_minutes,
            "language": webinar.language,
            "platform": webinar.platform,
            "join_url": webinar.join_url,
            "online_capacity": activity.online_capacity,
            "speakers": [slot.person_id for slot in webinar.speaker_slots.all()],
            "sdgs": [sdg.pk for sdg in webinar.sdgs.all()],
        }

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is reserved; choose another."))
        others = Webinar.objects.filter(slug=slug)
        if self.webinar is not None:
            others = others.exclude(pk=self.webinar.pk)
        if others.exists():
            raise forms.ValidationError(_("Another webinar already has this address."))
        return slug

    def clean(self):
        cleaned = super().clean()
        day, start, zone_name = (
            cleaned.get("date"),
            cleaned.get("start_time"),
            cleaned.get("time_zone"),
        )
        if day and start and zone_name:
            zone = zoneinfo.ZoneInfo(zone_name)
            naive = dt.datetime.combine(day, start)
            aware = naive.replace(tzinfo=zone)
            # A local time skipped when the clocks go forward does not come back unchanged.
            if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
                self.add_error(
                    "start_time",
                    _("This time does not exist in %(zone)s on that day: the clocks change.")
                    % {"zone": zone_name},
                )
            else:
                cleaned["starts_at"] = aware.astimezone(dt.UTC)
        return cleaned


class RecordingForm(forms.Form):
    recording_url = forms.URLField(
        label=_("Recording link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Leave empty to take the recording down."),
    )


class AttendanceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance export (CSV)"),
        help_text=_("UTF-8 or UTF-16, at most %(size)s KB and %(rows)s rows.")
        % {"size": imports.MAX_BYTES // 1024, "rows": imports.MAX_ROWS},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s KB; the limit is %(limit)s KB. Split the export.")
                % {"size": -(-upload.size // 1024), "limit": imports.MAX_BYTES // 1024}
            )
        return upload


class AttendanceConfirmForm(forms.Form):
    keep_unmatched = forms.BooleanField(
        label=_("Also keep attendees who had not registered"),
        required=False,
        initial=True,
        help_text=_("They count in the attendance figures but have no registration."),
    )
