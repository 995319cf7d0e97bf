from django import forms
from django.utils.translation import gettext_lazy as _

from roadmap_portal.core.reports import Audience


class ExportForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Version"),
        choices=Audience.choices,
        initial=Audience.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_(
            "The public version lists only people who agreed to be listed and no contact "
            "data; the staff version lists everybody."
        ),
    )
