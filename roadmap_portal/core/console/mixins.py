"""Who enters the console, and the menu every console page shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roadmap_portal.accounts.roles import CONSOLE_PERMISSION
from roadmap_portal.core import plugins


class ConsoleAccessMixin(PermissionRequiredMixin):
    """Staff only: anonymous visitors go to sign in (302), everyone else gets 403.

    The permission is checked, never the group name (DESIGN.md); superusers hold every
    permission and enter too.
    """

    permission_required = CONSOLE_PERMISSION


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class MenuSection:
    label: str
    links: list[MenuLink] = field(default_factory=list)


def console_menu(request) -> list[MenuSection]:
    """The console's menu: the dashboard, then each plugged section's entries, by order.

    The link whose address is the longest prefix of the current page is marked current, so a
    record's page highlights the list it belongs to.
    """
    dashboard_url = reverse("console:dashboard")
    sections = [MenuSection(label=_("Console"), links=[MenuLink(_("Dashboard"), dashboard_url)])]
    for section in plugins.console_sections:
        if not section.entries:
            continue
        links = [
            MenuLink(entry.label, reverse(entry.url_name))
            for entry in sorted(section.entries, key=lambda entry: (entry.order, entry.key))
        ]
        sections.append(MenuSection(label=section.label, links=links))
    path = request.path
    best = max(
        (
            link.url
            for section in sections
            for link in section.links
            if path == link.url or (link.url != dashboard_url and path.startswith(link.url))
        ),
        key=len,
        default="",
    )
    return [
        MenuSection(
            label=section.label,
            links=[
                MenuLink(link.label, link.url, current=link.url == best) for link in section.links
            ],
        )
        for section in sections
    ]


class ConsolePageMixin(ConsoleAccessMixin):
    """A console page: the door, and the menu in the template's context."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["console_menu"] = console_menu(self.request)
        return context
