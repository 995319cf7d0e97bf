"""Declaring a console list: its rows, filters, columns, bulk actions, forms, export and merge.

An app writes one small ``ConsoleList`` subclass per record and mounts ``urlpatterns()``;
the generic views in ``views.py`` do the rest. Writes never happen here: ``create``,
``update``, ``merge`` and each bulk action call the app's services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _


def resolve(obj, accessor: str | Callable[[Any], Any]):
    """The value ``accessor`` names on ``obj``: a callable, or a dotted path of attributes
    whose callables (``get_status_display``) are called; None stays None along the way."""
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not isinstance(value, models.Manager):
            value = value()
    return value


def display(value) -> str:
    """How a value reads on a console page: dates in the viewer's time zone, yes/no, blanks."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "j M Y H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "j M Y")
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column of a list, of its exports and of the record's page.

    ``personal`` marks personal data (e-mail, phone): left out of exports unless asked for.
    ``sort`` is the ``order_by`` expression when the column sorts; ``link`` makes the cell a
    link to the record's page; ``badge`` names the raw value whose CSS class the cell wears.
    """

    key: str
    label: str
    accessor: str | Callable[[Any], Any] | None = None
    personal: bool = False
    sort: str | tuple[str, ...] | None = None
    link: bool = False
    badge: str = ""
    in_table: bool = True
    exported: bool = True

    def value(self, obj):
        return resolve(obj, self.accessor or self.key)

    def sort_fields(self) -> tuple[str, ...]:
        if self.sort is None:
            return ()
        return (self.sort,) if isinstance(self.sort, str) else tuple(self.sort)


@dataclass(frozen=True)
class RowResult:
    """What a bulk action did to one row: done, or refused with the reason."""

    ok: bool
    message: str = ""


def done(message: str = "") -> RowResult:
    return RowResult(ok=True, message=message)


def refused(reason: str) -> RowResult:
    return RowResult(ok=False, message=reason)


@dataclass(frozen=True)
class BulkAction:
    """An action on the selected rows of a list.

    ``confirm`` is a plural-aware sentence with ``%(count)s`` ("This will decline 7
    registrations."), built with ``ngettext_lazy(singular, plural, "count")``. ``run(row, *,
    by, **parameters)`` calls one service for one row and returns a ``RowResult``; each row
    is its own transaction, so one refusal undoes nothing else. ``form_class`` asks for the
    action's parameters (a reason, a role, an activity) on the confirmation page.
    """

    key: str
    label: str
    confirm: Any
    run: Callable[..., RowResult]
    form_class: type | None = None
    danger: bool = False

    def describe(self, count: int) -> str:
        return self.confirm % {"count": count}


class ConsoleList:
    """The declaration of one console list; subclass it and set the attributes.

    ``name`` prefixes the URL names (``<name>_list``, ``_detail``, ``_create``, ``_update``,
    ``_bulk``, ``_export``, ``_import``, ``_import_preview``, ``_merge``) inside the app's
    URL ``namespace``. ``get_queryset()`` must ``select_related``/``prefetch_related`` what
    the columns read, so a page costs the same number of queries for 5 rows or 5,000.
    """

    name: str = ""
    namespace: str = ""
    model: type[models.Model] | None = None
    title: str = ""
    description: str = ""
    filterset_class: type | None = None
    columns: Sequence[Column] = ()
    detail_fields: Sequence[Column] = ()
    default_sort: str = ""
    paginate_by: int = 50
    # The list counts at most this many rows; beyond it, it says "more than" (pagination.py).
    count_limit: int = 10_000
    # True for a list of public data (core/pagecache.py) whose filters read nothing else but
    # today's date: its count is kept until that data changes.
    count_while_unchanged: bool = False
    bulk_actions: Sequence[BulkAction] = ()
    form_class: type | None = None
    update_form_class: type | None = None
    create_from_list: bool = True
    importer: Any = None
    mergeable: bool = False
    export_chunk_size: int = 2000
    max_bulk_rows: int = 500
    list_template: str = "console/list.html"
    detail_template: str = "console/detail.html"
    form_template: str = "console/form.html"
    merge_template: str = "console/merge.html"

    # Rows --------------------------------------------------------------------------------

    def get_queryset(self):
        return self.model._default_manager.all()

    def get_detail_queryset(self):
        return self.get_queryset()

    def row_label(self, obj) -> str:
        return str(obj)

    def detail_context(self, obj) -> dict:
        """What the record's page shows besides its fields and history (a fixed cost)."""
        return {}

    def history_records(self, obj):
        """The record's historical rows (django-simple-history), or None without history."""
        history = getattr(obj, "history", None)
        return history.all() if history is not None else None

    # Columns and sorting -----------------------------------------------------------------

    def table_columns(self) -> list[Column]:
        return [column for column in self.columns if column.in_table]

    def export_columns(self) -> list[Column]:
        return [column for column in self.columns if column.exported]

    def default_export_keys(self) -> list[str]:
        return [column.key for column in self.export_columns() if not column.personal]

    def facts(self) -> Sequence[Column]:
        return self.detail_fields or self.columns

    def ordering(self, sort: str) -> tuple[str, ...] | None:
        """The ``order_by`` for ``sort`` ("name" or "-name"), or None when it does not sort."""
        descending = sort.startswith("-")
        key = sort.removeprefix("-")
        for column in self.columns:
            if column.key == key and column.sort:
                fields = column.sort_fields()
                if descending:
                    fields = tuple(_reverse(field) for field in fields)
                return (*fields, "-pk" if descending else "pk")
        return None

    # Writes (services) --------------------------------------------------------------------

    # The three writes below are hooks: a list that offers create, edit or merge pages
    # overrides them with a call to its app's service; the others never route to them.
    def create(self, *, data: dict, by):
        raise NotImplementedError(f"{type(self).__name__} offers no create page")

    def update(self, *, obj, data: dict, by):
        raise NotImplementedError(f"{type(self).__name__} offers no edit page")

    def initial_for(self, obj) -> dict:
        """The form's initial values (``obj`` None: the create form); a ModelForm edits its
        instance instead."""
        return {}

    def form_kwargs(self, obj=None, *, request) -> dict:
        """Extra arguments of the create (``obj`` None) or edit form; may raise Http404,
        e.g. when an affiliation is added without the person it is for."""
        return {}

    def merge(self, *, survivor, duplicate, by):
        raise NotImplementedError(f"{type(self).__name__} offers no merge page")

    def merge_facts(self, obj) -> list[tuple[str, str]]:
        """What the merge page compares of each record: its fields and what hangs on it."""
        return [(column.label, display(column.value(obj))) for column in self.facts()]

    def bulk_action(self, key: str) -> BulkAction | None:
        return next((action for action in self.bulk_actions if action.key == key), None)

    # URLs ----------------------------------------------------------------------------------

    def url_name(self, suffix: str) -> str:
        return f"{self.namespace}:{self.name}_{suffix}"

    def url(self, suffix: str, *args) -> str:
        return reverse(self.url_name(suffix), args=args)

    def has_detail(self) -> bool:
        """Whether the list has its own record pages (``<name>_detail``)."""
        return True

    def detail_url(self, obj) -> str:
        """Where a row's link goes: the record's console page, or another page of the app's."""
        return self.url("detail", obj.pk) if self.has_detail() else ""

    def urlpatterns(self) -> list:
        """The list's URLs, to be included under a prefix by the app's console URL module."""
        from . import views

        patterns = [
            path("", views.ConsoleListView.as_view(console=self), name=f"{self.name}_list"),
            path(
                "export/", views.ConsoleExportView.as_view(console=self), name=f"{self.name}_export"
            ),
        ]
        if self.has_detail():
            patterns.append(
                path(
                    "<int:pk>/",
                    views.ConsoleDetailView.as_view(console=self),
                    name=f"{self.name}_detail",
                )
            )
        if self.bulk_actions:
            patterns.append(
                path("bulk/", views.ConsoleBulkView.as_view(console=self), name=f"{self.name}_bulk")
            )
        if self.form_class is not None:
            patterns += [
                path(
                    "new/",
                    views.ConsoleCreateView.as_view(console=self),
                    name=f"{self.name}_create",
                ),
                path(
                    "<int:pk>/edit/",
                    views.ConsoleUpdateView.as_view(console=self),
                    name=f"{self.name}_update",
                ),
            ]
        if self.importer is not None:
            patterns += [
                path(
                    "import/",
                    views.ConsoleImportView.as_view(console=self),
                    name=f"{self.name}_import",
                ),
                path(
                    "import/<str:token>/",
                    views.ConsoleImportPreviewView.as_view(console=self),
                    name=f"{self.name}_import_preview",
                ),
            ]
        if self.mergeable:
            patterns.append(
                path(
                    "merge/",
                    views.ConsoleMergeView.as_view(console=self),
                    name=f"{self.name}_merge",
                )
            )
        return patterns


def _reverse(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"
