import datetime as dt
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Language, Sdg, Series, Webinar

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month typed as ``YYYY-MM`` (what ``<input type="month">`` sends), as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2027-04"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise ValidationError(
                _("Give the month as year and month, e.g. 2027-04."), code="invalid"
            )
        return dt.date(int(match.group(1)), int(match.group(2)), 1)


class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs, value):
        """Webinars starting in that month, in the viewer's time zone."""
        if value is None:
            return qs
        zone = timezone.get_current_timezone()
        first = dt.datetime(value.year, value.month, 1, tzinfo=zone)
        following = dt.datetime(
            value.year + value.month // 12, value.month % 12 + 1, 1, tzinfo=zone
        )
        return qs.filter(activity__starts_at__gte=first, activity__starts_at__lt=following)


class WebinarFilter(django_filters.FilterSet):
    series = django_filters.ModelChoiceFilter(
        label=_("Series"),
        queryset=Series.objects.order_by("title"),
        to_field_name="slug",
        empty_label=_("All series"),
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("SDG"),
        field_name="sdgs",
        queryset=Sdg.objects.all(),
        empty_label=_("Any goal"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=Language.choices, empty_label=_("Any language")
    )
    month = MonthFilter(label=_("Month"))

    class Meta:
        model = Webinar
        fields = ["series", "sdg", "language", "month"]
