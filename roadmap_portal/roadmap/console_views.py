"""The console's front page (/manage/): what needs attention now, and the outbox's messages.

The platform's own attention items and menu section are registered here (``register()``,
called from the app's ``ready()``); the apps above plug theirs in the same way.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from roadmap_portal.core import plugins
from roadmap_portal.core.console.lists import Column, ConsoleList
from roadmap_portal.core.console.mixins import ConsolePageMixin
from roadmap_portal.core.models import OutboxMessage, OutboxStatus


class DashboardView(ConsolePageMixin, TemplateView):
    """Every plugged "needs attention" item with its count: one query per item."""

    template_name = "console/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = []
        for item in plugins.attention_items:
            url = reverse(item.url_name) if item.url_name else ""
            if url and item.url_query:
                url = f"{url}?{item.url_query}"
            items.append(
                {
                    "key": item.key,
                    "label": item.label,
                    "count": item.count(),
                    "url": url,
                    "help_text": item.help_text,
                }
            )
        context["items"] = items
        context["waiting"] = sum(1 for item in items if item["count"])
        return context


# The outbox -------------------------------------------------------------------------------


class MessageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Recipient or subject")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=OutboxStatus.choices, empty_label=_("Any status")
    )
    topic = django_filters.CharFilter(label=_("Topic"), lookup_expr="startswith")

    class Meta:
        model = OutboxMessage
        fields = ["q", "status", "topic"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(to_email__icontains=value) | Q(subject__icontains=value))


class MessageConsole(ConsoleList):
    """The outbox, read-only: what was sent, what waits, and what failed and why."""

    name = "message"
    namespace = "console"
    model = OutboxMessage
    title = _("Messages")
    description = _(
        "Every e-mail the portal sends waits here until it is sent. A failed message was "
        "tried several times; its error says why (often a wrong address: correct the "
        "person's address and the next message will reach them)."
    )
    filterset_class = MessageFilter
    columns = (
        Column("created_at", _("Queued"), sort="created_at"),
        Column("subject", _("Subject"), link=True, sort="subject"),
        Column("to_email", _("To"), personal=True, sort="to_email"),
        Column("topic", _("Topic"), sort="topic"),
        Column("status", _("Status"), accessor="get_status_display", badge="status", sort="status"),
        Column("attempts", _("Attempts"), sort="attempts"),
        Column("sent_at", _("Sent"), sort="sent_at"),
        Column("last_error", _("Last error"), in_table=False),
    )
    detail_fields = (
        *columns,
        Column("message_id", _("Message-ID")),
        Column("body_text", _("Text"), personal=True),
    )
    default_sort = "-created_at"

    def get_queryset(self):
        return OutboxMessage.objects.defer("body_html", "attachments")


message_console = MessageConsole()


# What the platform plugs in -----------------------------------------------------------------


def _failed_messages() -> int:
    return OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count()


def register():
    plugins.register_attention_item(
        plugins.AttentionItem(
            key="failed_messages",
            label=_("Messages that failed"),
            order=90,
            count=_failed_messages,
            url_name="console:message_list",
            url_query="status=failed",
            help_text=_("E-mails the mail server refused after several attempts."),
        )
    )
    from roadmap_portal.registrations import console_lists

    console_lists.register()
