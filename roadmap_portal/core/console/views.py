"""The generic console views, built from a ``ConsoleList`` declaration.

Every view is for staff only (``ConsoleAccessMixin``) and is given its declaration as
``as_view(console=...)`` by ``ConsoleList.urlpatterns()``. Writes go through the
declaration's service calls; no view writes a model itself.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from roadmap_portal.core import pagecache

from . import exports, imports
from .history import history_entries
from .lists import ConsoleList, RowResult, display, refused, resolve
from .mixins import ConsolePageMixin
from .pagination import BoundedPaginator


class ConsoleViewMixin(ConsolePageMixin):
    """A view of one ``ConsoleList``: the declaration and its URLs in the context."""

    console: ConsoleList | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        console = self.console
        context["console"] = console
        context["list_url"] = console.url("list")
        context["export_url"] = console.url("export")
        context["create_url"] = (
            console.url("create")
            if console.form_class is not None and console.create_from_list
            else ""
        )
        context["import_url"] = console.url("import") if console.importer is not None else ""
        context["bulk_url"] = console.url("bulk") if console.bulk_actions else ""
        context["merge_url"] = console.url("merge") if console.mergeable else ""
        return context

    def return_url(self) -> str:
        """Where to go back to: the list as it was filtered (``next``), else the list."""
        target = self.request.POST.get("next") or self.request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return self.console.url("list")


def _query_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def filtered_rows(console: ConsoleList, request):
    """The declaration's rows as the request filters and sorts them: ``(filterset, rows, sort)``.

    An invalid filter (a choice that does not exist) matches nothing and shows its error.
    """
    queryset = console.get_queryset()
    filterset = None
    if console.filterset_class is not None:
        filterset = console.filterset_class(request.GET or None, queryset=queryset, request=request)
        if filterset.is_bound and not filterset.is_valid():
            queryset = queryset.none()
        else:
            queryset = filterset.qs
    sort = request.GET.get("sort", "")
    ordering = console.ordering(sort) if sort else None
    if ordering is None:
        sort = console.default_sort
        ordering = console.ordering(sort) if sort else None
    return filterset, queryset.order_by(*(ordering or ("pk",))), sort


def _page_objects(console: ConsoleList, page, count_key, sort: str):
    """The page's rows. For a list whose count is kept (``count_while_unchanged``) the page's
    ids are kept the same way, and the rows are read afresh by id: the filter and the sort
    run once per change of the data, not on every view."""
    if count_key is None or not pagecache.keeps_figures():
        return page.object_list
    ids = pagecache.while_unchanged(
        ("page", *count_key, sort, page.number, console.paginate_by),
        lambda: list(page.object_list.values_list("pk", flat=True)),
    )
    found = console.get_queryset().order_by().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


class ConsoleListView(ConsoleViewMixin, TemplateView):
    """The list: filters and search, sortable columns, pages, bulk actions, export form."""

    def get_template_names(self):
        return [self.console.list_template]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        console = self.console
        filterset, queryset, sort = filtered_rows(console, self.request)
        count_key = None
        if console.count_while_unchanged:
            filters = sorted(
                (name, value)
                for name, values in self.request.GET.lists()
                if name not in ("page", "sort")
                for value in values
            )
            count_key = (console.namespace, console.name, timezone.localdate(), filters)
        paginator = BoundedPaginator(
            queryset, console.paginate_by, count_limit=console.count_limit, count_key=count_key
        )
        page = paginator.get_page(self.request.GET.get("page"))
        columns = console.table_columns()
        rows = []
        for obj in _page_objects(console, page, count_key, sort):
            cells = []
            for column in columns:
                value = column.value(obj)
                cells.append(
                    {
                        "value": display(value),
                        "url": console.detail_url(obj) if column.link else "",
                        "badge": _badge(obj, column.badge),
                    }
                )
            rows.append({"pk": obj.pk, "label": console.row_label(obj), "cells": cells})
        query = _query_without(self.request, "page", "sort")
        headers = []
        for column in columns:
            sort_url = ""
            state = ""
            if column.sort:
                state = "ascending" if sort == column.key else ""
                state = "descending" if sort == f"-{column.key}" else state
                next_sort = f"-{column.key}" if sort == column.key else column.key
                sort_url = "?" + "&".join(filter(None, [query, f"sort={next_sort}"]))
            headers.append({"label": column.label, "sort_url": sort_url, "state": state})
        export_columns = console.export_columns()
        default_export = set(console.default_export_keys())
        context.update(
            {
                "filter": filterset,
                "rows": rows,
                "headers": headers,
                "page_obj": page,
                "paginator": paginator,
                "is_paginated": paginator.num_pages > 1,
                "sort": sort,
                "export_fields": [
                    {"column": column, "checked": column.key in default_export}
                    for column in export_columns
                ],
                "export_filter_fields": [
                    (name, value)
                    for name, values in self.request.GET.lists()
                    if name not in ("page", "format", "columns")
                    for value in values
                ],
                "bulk_actions": console.bulk_actions,
            }
        )
        return context


def _badge(obj, accessor: str) -> str:
    if not accessor:
        return ""
    value = resolve(obj, accessor)
    return "" if value is None else str(value)


class ConsoleExportView(ConsoleViewMixin, TemplateView):
    """``?format=csv|xlsx&columns=a,b,c`` plus the list's filters and sort: the file."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        console = self.console
        file_format = request.GET.get("format", "csv")
        if file_format not in exports.FORMATS:
            return HttpResponseBadRequest(_("Unknown export format; choose CSV or XLSX."))
        available = {column.key: column for column in console.export_columns()}
        asked = [
            key.strip()
            for value in request.GET.getlist("columns")
            for key in value.split(",")
            if key.strip()
        ]
        unknown = [key for key in asked if key not in available]
        if unknown:
            return HttpResponseBadRequest(
                _("Unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)}
            )
        keys = list(dict.fromkeys(asked)) or console.default_export_keys()
        columns = [available[key] for key in keys]
        _filterset, queryset, _sort = filtered_rows(console, request)
        filename = f"{slugify(str(console.title)) or console.name}-{timezone.localdate()}"
        if file_format == "xlsx":
            return exports.xlsx_response(
                queryset,
                columns,
                filename=filename,
                title=str(console.title),
                chunk_size=console.export_chunk_size,
            )
        return exports.csv_response(
            queryset, columns, filename=filename, chunk_size=console.export_chunk_size
        )


class ConsoleDetailView(ConsoleViewMixin, TemplateView):
    """A record's page: its fields, what the app adds, and its history with who and when."""

    def get_template_names(self):
        return [self.console.detail_template]

    @cached_property
    def object(self):
        return get_object_or_404(self.console.get_detail_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        console = self.console
        obj = self.object
        records = console.history_records(obj)
        context.update(
            {
                "object": obj,
                "object_label": console.row_label(obj),
                "facts": [
                    (column.label, display(column.value(obj)), _badge(obj, column.badge))
                    for column in console.facts()
                ],
                "history": history_entries(records) if records is not None else None,
                "update_url": (
                    console.url("update", obj.pk) if console.form_class is not None else ""
                ),
                **console.detail_context(obj),
            }
        )
        return context


def _add_service_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ConsoleFormMixin(ConsoleViewMixin):
    def get_template_names(self):
        return [self.console.form_template]

    def get_form_class(self):
        return self.console.form_class

    def get_success_url(self):
        return self.console.url("detail", self.saved.pk)


class ConsoleCreateView(ConsoleFormMixin, FormView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.console.form_kwargs(request=self.request)}

    def get_initial(self):
        return {**super().get_initial(), **self.console.initial_for(None)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = _("New %(thing)s") % {"thing": self.console.model._meta.verbose_name}
        context["cancel_url"] = self.console.url("list")
        return context

    def form_valid(self, form):
        try:
            self.saved = self.console.create(data=form.cleaned_data, by=self.request.user)
        except ValidationError as error:
            _add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(record)s is saved.") % {"record": self.console.row_label(self.saved)}
        )
        return HttpResponseRedirect(self.get_success_url())


class ConsoleUpdateView(ConsoleFormMixin, FormView):
    @cached_property
    def object(self):
        return get_object_or_404(self.console.get_detail_queryset(), pk=self.kwargs["pk"])

    def get_form_class(self):
        return self.console.update_form_class or self.console.form_class

    def get_initial(self):
        return {**super().get_initial(), **self.console.initial_for(self.object)}

    def get_form_kwargs(self):
        kwargs = {
            **super().get_form_kwargs(),
            **self.console.form_kwargs(self.object, request=self.request),
        }
        if issubclass(self.get_form_class(), forms.ModelForm):
            # The form validates against a copy: the record itself changes only in the service.
            kwargs["instance"] = type(self.object)._default_manager.get(pk=self.object.pk)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["heading"] = _("Edit %(record)s") % {"record": self.console.row_label(self.object)}
        context["cancel_url"] = self.console.url("detail", self.object.pk)
        return context

    def form_valid(self, form):
        try:
            self.saved = self.console.update(
                obj=self.object, data=form.cleaned_data, by=self.request.user
            )
        except ValidationError as error:
            _add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(record)s is saved.") % {"record": self.console.row_label(self.saved)}
        )
        return HttpResponseRedirect(self.get_success_url())


def _selected_ids(request) -> list[int]:
    ids = []
    for value in request.POST.getlist("ids"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return list(dict.fromkeys(ids))


def _run(action, row, *, by, parameters) -> RowResult:
    """One row, one service call: a refusal is reported and undoes nothing else."""
    try:
        result = action.run(row, by=by, **parameters)
    except ValidationError as error:
        return refused(" ".join(error.messages))
    except PermissionDenied as error:
        return refused(str(error) or _("Not allowed."))
    return result


class ConsoleBulkView(ConsoleViewMixin, TemplateView):
    """Selected rows -> "This will decline 7 registrations" -> confirm -> what was done.

    The first POST (from the list) shows the rows and asks for the action's parameters; the
    second, with ``confirmed``, runs the action row by row and shows each row's result.
    """

    http_method_names = ["post"]
    template_name = "console/bulk_confirm.html"

    def post(self, request, *args, **kwargs):
        console = self.console
        action = console.bulk_action(request.POST.get("action", ""))
        ids = _selected_ids(request)
        if action is None or not ids:
            messages.error(request, _("Choose an action and tick at least one row."))
            return HttpResponseRedirect(self.return_url())
        if len(ids) > console.max_bulk_rows:
            messages.error(
                request,
                _("At most %(limit)s rows at a time, please.") % {"limit": console.max_bulk_rows},
            )
            return HttpResponseRedirect(self.return_url())
        rows = list(console.get_queryset().filter(pk__in=ids).order_by("pk"))
        if not rows:
            messages.error(request, _("The selected rows no longer exist."))
            return HttpResponseRedirect(self.return_url())
        confirmed = request.POST.get("confirmed") == "1"
        form = None
        if action.form_class is not None:
            form = action.form_class(request.POST if confirmed else None, prefix="parameters")
        if not confirmed or (form is not None and not form.is_valid()):
            return self.render_to_response(
                self.get_context_data(action=action, rows=rows, form=form)
            )
        parameters = form.cleaned_data if form is not None else {}
        results = []
        for row in rows:
            result = _run(action, row, by=request.user, parameters=parameters)
            # Labelled after the action, so a row reads as it is now.
            results.append(
                {"label": console.row_label(row), "url": console.detail_url(row), "result": result}
            )
        succeeded = sum(1 for row in results if row["result"].ok)
        return TemplateResponse(
            request,
            "console/bulk_result.html",
            self.get_context_data(
                action=action,
                results=results,
                succeeded=succeeded,
                refused_count=len(results) - succeeded,
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = kwargs.get("action")
        rows = kwargs.get("rows")
        if action is not None and rows is not None:
            context["description"] = action.describe(len(rows))
            context["row_labels"] = [
                (row.pk, self.console.row_label(row), self.console.detail_url(row)) for row in rows
            ]
        context["next"] = self.return_url()
        return context


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ConsoleImportView(ConsoleViewMixin, FormView):
    """Step 1: the documented columns and the upload; a readable file goes to the preview."""

    form_class = UploadForm
    template_name = "console/import_upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        importer = self.console.importer
        context["importer"] = importer
        context["max_kb"] = importer.max_bytes // 1024
        return context

    def form_valid(self, form):
        importer = self.console.importer
        upload = form.cleaned_data["file"]
        data = upload.read(importer.max_bytes + 1)
        try:
            importer.read(data)
        except imports.ImportRefused as refusal:
            form.add_error("file", refusal.message)
            return self.form_invalid(form)
        token = imports.store_upload(data=data, kind=importer.key, user=self.request.user)
        return HttpResponseRedirect(self.console.url("import_preview", token))


class ConsoleImportPreviewView(ConsoleViewMixin, TemplateView):
    """Step 2: line by line, what the import will do; step 3 (POST): all of it, or nothing."""

    template_name = "console/import_preview.html"

    def _load(self):
        importer = self.console.importer
        data = imports.load_upload(
            token=self.kwargs["token"], kind=importer.key, user=self.request.user
        )
        return importer.read(data)

    def _refused(self, refusal: imports.ImportRefused):
        messages.error(self.request, refusal.message)
        return HttpResponseRedirect(self.console.url("import"))

    def get(self, request, *args, **kwargs):
        try:
            csv_file = self._load()
        except imports.ImportRefused as refusal:
            return self._refused(refusal)
        plan = self.console.importer.preview(csv_file)
        return self.render_to_response(self.get_context_data(plan=plan))

    def post(self, request, *args, **kwargs):
        importer = self.console.importer
        try:
            csv_file = self._load()
        except imports.ImportRefused as refusal:
            return self._refused(refusal)
        try:
            plan = importer.confirm(csv_file, by=request.user)
        except imports.ImportRefused as refusal:
            messages.error(request, refusal.message)
            plan = importer.preview(csv_file)
            return self.render_to_response(self.get_context_data(plan=plan))
        imports.discard_upload(token=self.kwargs["token"], kind=importer.key, user=request.user)
        messages.success(
            request,
            _(
                "Imported: %(created)s created, %(updated)s updated, %(unchanged)s already up "
                "to date."
            )
            % {
                "created": plan.count(imports.CREATE),
                "updated": plan.count(imports.UPDATE),
                "unchanged": plan.count(imports.UNCHANGED),
            },
        )
        return HttpResponseRedirect(self.console.url("list"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["importer"] = self.console.importer
        context["upload_url"] = self.console.url("import")
        return context


class MergeForm(forms.Form):
    survivor = forms.TypedChoiceField(
        label=gettext_lazy("Keep"), coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = choices


class ConsoleMergeView(ConsoleViewMixin, TemplateView):
    """Two selected records -> compare them and choose the one to keep -> merge -> its page."""

    http_method_names = ["post"]

    def get_template_names(self):
        return [self.console.merge_template]

    def post(self, request, *args, **kwargs):
        console = self.console
        ids = _selected_ids(request)
        if len(ids) != 2:
            messages.error(request, _("Tick exactly two rows to merge them."))
            return HttpResponseRedirect(self.return_url())
        records = list(console.get_detail_queryset().filter(pk__in=ids).order_by("pk"))
        if len(records) != 2:
            messages.error(request, _("One of the selected rows no longer exists."))
            return HttpResponseRedirect(self.return_url())
        choices = [(record.pk, console.row_label(record)) for record in records]
        confirmed = request.POST.get("confirmed") == "1"
        form = MergeForm(request.POST if confirmed else None, choices=choices)
        if confirmed and form.is_valid():
            survivor_pk = form.cleaned_data["survivor"]
            survivor = next(record for record in records if record.pk == survivor_pk)
            duplicate = next(record for record in records if record.pk != survivor_pk)
            try:
                console.merge(survivor=survivor, duplicate=duplicate, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(duplicate)s is merged into %(survivor)s.")
                    % {
                        "duplicate": console.row_label(duplicate),
                        "survivor": console.row_label(survivor),
                    },
                )
                return HttpResponseRedirect(console.url("detail", survivor.pk))
        facts = [console.merge_facts(record) for record in records]
        comparison = [
            (label, facts[0][index][1], facts[1][index][1])
            for index, (label, _value) in enumerate(facts[0])
        ]
        return self.render_to_response(
            self.get_context_data(
                records=records,
                form=form,
                comparison=comparison,
                ids=ids,
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.return_url()
        return context
