from django import forms
from django.utils.translation import gettext_lazy as _

from roadmap_portal.registrations.models import Mode, RegistrationStatus

from .models import QuestionKind, SupportKind, VisaLetterDetails


class AudienceForm(forms.Form):
    """Who a message goes to; nothing chosen in a group means everyone in it."""

    statuses = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=RegistrationStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: awaiting approval, confirmed and waitlisted."),
    )
    modes = forms.MultipleChoiceField(
        label=_("Mode"), required=False, choices=Mode.choices, widget=forms.CheckboxSelectMultiple
    )
    countries = forms.MultipleChoiceField(label=_("Country"), required=False)
    organisations = forms.MultipleChoiceField(label=_("Organisation"), required=False)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        registrations = activity.registrations.filter(organisation__isnull=False)
        organisations = (
            registrations.values_list("organisation_id", "organisation__name")
            .distinct()
            .order_by("organisation__name")
        )
        countries = (
            registrations.filter(organisation__country__isnull=False)
            .values_list("organisation__country_id", "organisation__country__name")
            .distinct()
            .order_by("organisation__country__name")
        )
        self.fields["organisations"].choices = [(str(pk), name) for pk, name in organisations]
        self.fields["countries"].choices = list(countries)

    def audience(self) -> dict:
        return {key: self.cleaned_data.get(key) or [] for key in self.fields}


class MessageForm(AudienceForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))

    def audience(self) -> dict:
        return {key: self.cleaned_data.get(key) or [] for key in AudienceForm.base_fields}


class ChangeNoticeForm(forms.Form):
    changes = forms.CharField(
        label=_("What changed"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One change a line; every line is in the notice."),
    )

    def change_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["changes"].splitlines() if line.strip()]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    label = forms.CharField(label=_("Question"), max_length=250, required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice question: one choice a line."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and not data.get("label"):
            if kind in ("text", "choice", "yes_no"):
                self.add_error("label", _("Write the question."))
            else:
                data["label"] = str(QuestionKind(kind).label)
        return data


def answer_field(question) -> forms.Field:
    """The form field that asks one registration question."""
    common = {"label": question.label, "required": question.required}
    if question.help_text:
        common["help_text"] = question.help_text
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *[(c, c) for c in question.choices]], **common)
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], **common)
    if question.kind in (QuestionKind.TEXT, QuestionKind.ARRIVAL_DEPARTURE):
        return forms.CharField(max_length=1000, **common)
    return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), **common)


class SupportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Support for"), choices=SupportKind.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=10, decimal_places=2, min_value=0.01)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise forms.ValidationError(_("Use a three-letter currency code, e.g. USD."))
        return currency


class SupportDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))]
    )
    amount = forms.DecimalField(
        label=_("Amount approved"), max_digits=10, decimal_places=2, required=False
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class VisaDetailsForm(forms.ModelForm):
    class Meta:
        model = VisaLetterDetails
        fields = ["passport_name", "nationality", "passport_number", "date_of_birth"]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            # Never shown back on a page: the letter is the only place it appears.
            "passport_number": forms.PasswordInput(render_value=False),
        }
        help_texts = {
            "passport_number": _(
                "Optional; printed only in the letter. Leave empty to keep the one given."
            )
        }


class FeedbackAnswerForm(forms.Form):
    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            if question.kind == "rating":
                self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                    label=question.label,
                    choices=[(str(n), str(n)) for n in range(1, 6)],
                    coerce=int,
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[f"q{question.pk}"] = forms.CharField(
                    label=question.label,
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )

    def answers(self) -> dict:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}
