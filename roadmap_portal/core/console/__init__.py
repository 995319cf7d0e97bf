"""The secretariat console's machinery, written once for every app (DESIGN.md, three floors).

An app declares a ``ConsoleList`` (``lists.py``) for each of its records and mounts the URLs it
gives; the generic views (``views.py``) draw the list with its filters, search, sorting and
pagination, the record's page with its history, the create and edit forms, the bulk actions,
the CSV and XLSX exports (``exports.py``), the CSV imports (``imports.py``) and the merges.
``mixins.py`` keeps the door: only holders of ``accounts.access_console`` enter.

How an app plugs its pages in (the registry and the dialogues do exactly this)::

    # <app>/console.py: declarations only; writes go through the app's services.
    class CohortConsole(ConsoleList):
        name = "cohort"                      # URL names cohort_list, cohort_detail, ...
        namespace = "training_console"
        model = Cohort
        title = gettext_lazy("Cohorts")
        filterset_class = CohortFilter       # a django_filters.FilterSet, with a "q" search
        columns = (Column("title", gettext_lazy("Title"), link=True, sort="title"), ...)
        bulk_actions = (BulkAction("accept", gettext_lazy("Accept"), ngettext_lazy(
            "This will accept %(count)s nomination.", "... %(count)s nominations.", "count"),
            accept_one),)                    # accept_one(row, *, by, **parameters) -> RowResult

        def get_queryset(self):              # select_related: a fixed number of queries
            return Cohort.objects.select_related("activity")

    cohort_console = CohortConsole()

    # <app>/console_urls.py
    app_name = "training_console"
    urlpatterns = [path("cohorts/", include(cohort_console.urlpatterns()))]

    # <app>/plugins.py, in register() (called from AppConfig.ready())
    plugins.register_console_section(plugins.ConsoleSection(
        key="training", label=gettext_lazy("Training"), order=40, path="training/",
        urlconf="training.console_urls",     # mounted at /manage/training/
        entries=(plugins.ConsoleMenuEntry("cohorts", gettext_lazy("Cohorts"),
                                          "training_console:cohort_list", 10),)))
    plugins.register_attention_item(plugins.AttentionItem(
        key="nominations", label=gettext_lazy("Nominations awaiting a decision"), order=25,
        count=pending_nominations_count, url_name="training_console:nomination_list",
        url_query="status=pending"))

A page of the app's own (not a list) uses ``mixins.ConsolePageMixin`` and a template that
extends ``console/base.html`` (block ``console``), so it gets the door and the menu.
"""
