"""The small registry through which the apps above the platform plug their parts in.

The platform never imports ``taskforce``, ``dialogues``, ``webinars`` or ``training``; each of
them calls the ``register_*`` functions below from its ``AppConfig.ready()``. Plain lists, no
framework: a new strategic action is a new app that plugs in, and the platform does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    """One live count on a home-page card, e.g. ("organisations", 15)."""

    label: str
    value: int


@dataclass(frozen=True)
class HomeCard:
    """A strategic action's card on the home page."""

    key: str
    title: str
    summary: str
    url_name: str
    order: int
    figures: Callable[[], list[Figure]] = field(compare=False)


@dataclass(frozen=True)
class NavEntry:
    """A link in the site header: the four strategic actions and what else an app serves."""

    key: str
    label: str
    url_name: str
    order: int


home_cards: list[HomeCard] = []
nav_entries: list[NavEntry] = []


def _register(registry: list, item, key: str) -> None:
    # ready() can run more than once in tests; registering twice must not show a card twice.
    registry[:] = [existing for existing in registry if existing.key != key]
    registry.append(item)
    registry.sort(key=lambda entry: (entry.order, entry.key))


def register_home_card(card: HomeCard) -> None:
    _register(home_cards, card, card.key)


def register_nav_entry(entry: NavEntry) -> None:
    _register(nav_entries, entry, entry.key)


@dataclass(frozen=True)
class HomeSection:
    """A block of the home page an app renders itself, e.g. the dialogue rotation."""

    key: str
    template_name: str
    order: int
    context: Callable[[], dict] = field(compare=False)


home_sections: list[HomeSection] = []


def register_home_section(section: HomeSection) -> None:
    _register(home_sections, section, section.key)
