import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Mode, Registration, RegistrationStatus, Role


class RegistrationFilter(django_filters.FilterSet):
    """The console's registrations table: by status, mode and role."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RegistrationStatus.choices, empty_label=_("Any status")
    )
    mode = django_filters.ChoiceFilter(
        label=_("Mode"), choices=Mode.choices, empty_label=_("Any mode")
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, empty_label=_("Any role")
    )

    class Meta:
        model = Registration
        fields = ["status", "mode", "role"]
