import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import CountryGroup, Organisation, OrganisationKind, TaskForceMembership, TaskForceRole


class DirectoryFilter(django_filters.FilterSet):
    """The public Task Force directory: by country, group, kind, role, and a name search.

    The search ignores case and Latin diacritics ("hop tac xa" finds "Hợp tác xã") and keeps
    the marks of other scripts, so a Thai name is found by its own spelling.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or acronym")}),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        # Only countries that have an organisation to show; the choice list stays short.
        queryset=selectors.countries_with_organisations(),
        to_field_name="code",
        empty_label=_("All countries"),
    )
    group = django_filters.ChoiceFilter(
        label=_("Country group"),
        field_name="country__group",
        choices=CountryGroup.choices,
        empty_label=_("All groups"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=OrganisationKind.choices, empty_label=_("All kinds")
    )
    role = django_filters.ChoiceFilter(
        label=_("Task Force role"),
        choices=TaskForceRole.choices,
        method="filter_role",
        empty_label=_("Any role"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "country", "group", "kind", "role"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_role(self, queryset, name, value):
        current = TaskForceMembership.objects.current().filter(role=value)
        return queryset.filter(pk__in=current.values("organisation_id"))
