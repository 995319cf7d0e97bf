"""Pieces every console FilterSet shares."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy


def search_filter(placeholder) -> django_filters.CharFilter:
    """The list's search box (``q``), answered by the FilterSet's ``filter_search`` method."""
    return django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}),
    )
