"""Forms of the member pages: joining an organisation, deciding requests, keeping one's own."""

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from roadmap_portal.core.text import normalise_name

from .models import Country, CountryGroup, Organisation, OrganisationKind, Person


def countries_regional_first():
    """ASEAN members first, then allied countries and regions, then the rest, by name."""
    return Country.objects.annotate(
        group_order=Case(
            When(group=CountryGroup.ASEAN, then=Value(0)),
            When(group=CountryGroup.ALLIED, then=Value(1)),
            When(group=CountryGroup.OTHER_ASIA, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    ).order_by("group_order", "name")


def _required_name(value: str, message: str) -> str:
    name = normalise_name(value)
    if not name:
        raise forms.ValidationError(message)
    return name


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Organisation name or acronym"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class AffiliationRequestForm(forms.Form):
    position = forms.CharField(
        label=_("Your position"),
        required=False,
        max_length=200,
        help_text=_("For example: Programme officer, Board member."),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few words for whoever decides, e.g. how they know you."),
    )


class ProposeOrganisationForm(AffiliationRequestForm):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=countries_regional_first(),
        required=False,
        empty_label=_("Regional or international"),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    field_order = ["name", "acronym", "kind", "country", "website", "position", "message"]

    def clean_name(self):
        return _required_name(self.cleaned_data["name"], _("Please give the organisation's name."))

    def clean_acronym(self):
        return normalise_name(self.cleaned_data["acronym"])


class DeclineRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the person who asked."),
        error_messages={"required": _("Please say why the request is declined.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Please say why the request is declined."))
        return reason


class OrganisationProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    field_order = ["name", "acronym", "kind", "country", "website", "description"]

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries_regional_first()
        self.fields["country"].empty_label = _("Regional or international")

    def clean_name(self):
        return _required_name(self.cleaned_data["name"], _("Please give the organisation's name."))


class PersonForm(forms.ModelForm):
    """A person as their organisation lists them, with their position there."""

    position = forms.CharField(label=_("Position"), max_length=200, required=False)

    class Meta:
        model = Person
        fields = [
            "honorific",
            "name",
            "name_latin",
            "gender",
            "gender_description",
            "email",
            "phone",
            "listed_publicly",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.user_id:
            email = self.fields["email"]
            email.disabled = True
            email.help_text = _(
                "This person signs in with this address; it changes only from their own account."
            )

    def clean_name(self):
        return _required_name(self.cleaned_data["name"], _("Please give the person's name."))


class AddPersonForm(PersonForm):
    started = forms.DateField(
        label=_("With the organisation since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    is_focal_point = forms.BooleanField(
        label=_("Focal point"),
        required=False,
        help_text=_("Keeps the organisation's profile and people, and registers its people."),
    )


class LastFocalPointForm(forms.Form):
    """Confirms a change that would leave the organisation without a focal point."""

    confirm_last_focal_point = forms.BooleanField(
        label=_("I understand that the organisation will have no focal point."),
        required=False,
        help_text=_("The secretariat is told by e-mail and will follow up."),
    )

    def __init__(self, *args, is_last: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_last = is_last
        if not is_last:
            del self.fields["confirm_last_focal_point"]

    def clean(self):
        cleaned_data = super().clean()
        if self.is_last and not cleaned_data.get("confirm_last_focal_point"):
            self.add_error(
                "confirm_last_focal_point",
                _("This is the organisation's last focal point: please confirm."),
            )
        return cleaned_data
