"""Forms of the account pages: sign-up with a full name, and the user's own settings."""

import zoneinfo

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from roadmap_portal.core.text import normalise_name

# Offered first: the zones of the ASEAN members and of the allied countries and regions.
REGIONAL_TIME_ZONES = [
    ("Asia/Brunei", _("Brunei Darussalam")),
    ("Asia/Phnom_Penh", _("Cambodia")),
    ("Asia/Jakarta", _("Indonesia, western (Jakarta)")),
    ("Asia/Makassar", _("Indonesia, central (Makassar)")),
    ("Asia/Jayapura", _("Indonesia, eastern (Jayapura)")),
    ("Asia/Vientiane", _("Lao PDR")),
    ("Asia/Kuala_Lumpur", _("Malaysia")),
    ("Asia/Yangon", _("Myanmar")),
    ("Asia/Manila", _("Philippines")),
    ("Asia/Singapore", _("Singapore")),
    ("Asia/Bangkok", _("Thailand")),
    ("Asia/Dili", _("Timor-Leste")),
    ("Asia/Ho_Chi_Minh", _("Viet Nam")),
    ("Asia/Hong_Kong", _("Hong Kong")),
    ("Asia/Tokyo", _("Japan")),
    ("Asia/Seoul", _("Republic of Korea")),
    ("Australia/Sydney", _("Australia, eastern (Sydney)")),
    ("Australia/Perth", _("Australia, western (Perth)")),
]


def time_zone_choices() -> list:
    """The regional zones first, then every other zone Python knows, alphabetically."""
    regional = [
        (zone, f"{label} – {zone}")
        for zone, label in REGIONAL_TIME_ZONES
        if zone in zoneinfo.available_timezones()
    ]
    regional_names = {zone for zone, _label in regional}
    others = sorted(zone for zone in zoneinfo.available_timezones() if zone not in regional_names)
    return [
        ("", _("Not set: times are shown in UTC")),
        (_("ASEAN and allied countries"), regional),
        (_("All time zones"), [(zone, zone) for zone in others]),
    ]


class FullNameMixin(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As you write it, in any script."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_full_name(self):
        full_name = normalise_name(self.cleaned_data["full_name"])
        if not full_name:
            raise forms.ValidationError(_("Please give your full name."))
        return full_name


class SignupForm(FullNameMixin, AllauthSignupForm):
    """allauth's sign-up with the user's full name; the adapter stores it on the user."""

    field_order = ["full_name", "email", "password1", "password2"]


class SettingsForm(FullNameMixin, forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Dates and times across the portal are shown in this zone."),
        error_messages={"invalid_choice": _("%(value)s is not a known time zone.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
