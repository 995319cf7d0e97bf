"""Forms of the reminder pages: a policy, an activity's override, a person's preferences."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import validate_reminder_offsets
from .reminders import format_offset, parse_offsets


def offsets_text(offsets: list[int]) -> str:
    return ", ".join(format_offset(minutes) for minutes in sorted(offsets, reverse=True))


class OffsetsField(forms.CharField):
    """Reminder times written as "14d, 2d, 1h, 30m"; cleaned to minutes, largest first."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text",
            _("Before the start, separated by commas: d for days, h for hours, m for minutes."),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return offsets_text(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        try:
            offsets = parse_offsets(text or "")
        except ValueError as error:
            raise ValidationError(str(error)) from error
        validate_reminder_offsets(offsets)
        return sorted(offsets, reverse=True)


class ReminderPolicyForm(forms.Form):
    offsets = OffsetsField(label=_("Reminders"), required=False)


class ActivityRemindersForm(forms.Form):
    CHOICES = [
        ("policy", _("Follow the policy of its kind")),
        ("own", _("Its own reminders")),
        ("none", _("No reminders")),
    ]
    choice = forms.ChoiceField(label=_("Reminders"), choices=CHOICES, widget=forms.RadioSelect)
    offsets = OffsetsField(label=_("Its own reminders"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("choice") == "own" and not cleaned.get("offsets"):
            self.add_error("offsets", _("Give at least one reminder time, e.g. 7d, 1d."))
        return cleaned


class MailPreferencesForm(forms.Form):
    """One checkbox per topic: checked means the mail keeps coming."""

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        for topic, label in topics:
            self.fields[topic] = forms.BooleanField(label=label, required=False)
