"""The small registry through which the apps above the platform plug their parts in.

The platform never imports ``taskforce``, ``dialogues``, ``webinars`` or ``training``; each of
them calls the ``register_*`` functions below from its ``AppConfig.ready()``. Plain lists, no
framework: a new strategic action is a new app that plugs in, and the platform does not change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar


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


T = TypeVar("T")


@dataclass
class SeedTally:
    created: int = 0
    existing: int = 0


@dataclass
class SeedContext:
    """What a demo seeder is given, and the tally it keeps for the summary of ``seed_demo``.

    ``accounts`` maps "admin", "staff" and "member" to the demo users when the demo accounts
    are on; it is empty when they are off.
    """

    accounts: dict[str, Any] = field(default_factory=dict)
    tallies: dict[str, SeedTally] = field(default_factory=dict)

    def count(self, label: str, *, created: bool) -> None:
        tally = self.tallies.setdefault(label, SeedTally())
        if created:
            tally.created += 1
        else:
            tally.existing += 1

    def ensure(self, label: str, *, find: Callable[[], T | None], create: Callable[[], T]) -> T:
        """What ``find`` returns, else what ``create`` makes; counted under ``label`` either way."""
        found = find()
        if found is not None:
            self.count(label, created=False)
            return found
        made = create()
        self.count(label, created=True)
        return made


@dataclass(frozen=True)
class DemoSeeder:
    """An app's part of ``seed_demo``: idempotent, run in its own transaction, by ``order``."""

    key: str
    order: int
    seed: Callable[[SeedContext], None] = field(compare=False)


demo_seeders: list[DemoSeeder] = []


def register_demo_seeder(seeder: DemoSeeder) -> None:
    _register(demo_seeders, seeder, seeder.key)


@dataclass
class ScaleContext:
    """What a scale generator is given by ``generate_scale_data``, and what it leaves there.

    ``rng`` is the run's one ``random.Random(seed)``: generators draw from it in ``order``, so a
    seed repeats the data. ``marker`` prefixes every slug of the run ("scale3"), so a second
    run adds to the first. ``wanted`` holds the sizes asked for ("organisations", "people");
    ``activities`` is this generator's share of ``--activities``. Generators append what
    later ones need: ``members`` holds ``(person_id, organisation_id)`` pairs, and
    ``activity_ids`` the activities that registrations are then spread over.
    """

    rng: Any
    marker: str
    wanted: dict[str, int] = field(default_factory=dict)
    activities: int = 0
    organisation_ids: list[int] = field(default_factory=list)
    members: list[tuple[int, int]] = field(default_factory=list)
    activity_ids: list[int] = field(default_factory=list)
    tallies: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, number: int) -> None:
        self.tallies[label] = self.tallies.get(label, 0) + number

    def new_activity(self, **fields):
        """An unsaved ``Activity`` with what ``save()`` derives (period end, status) filled in,
        ready for ``bulk_create``, which skips ``save()``."""
        from django.utils import timezone

        from roadmap_portal.registrations.models import Activity, period_end, status_for

        activity = Activity(**fields)
        activity.period_ends_at = period_end(
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            precision=activity.date_precision,
            time_zone=activity.time_zone,
        )
        activity.status = status_for(
            status=activity.status,
            period_ends_at=activity.period_ends_at,
            registration_opens_at=activity.registration_opens_at,
            registration_closes_at=activity.registration_closes_at,
            now=timezone.now(),
        )
        return activity


@dataclass(frozen=True)
class ScaleGenerator:
    """An app's part of ``generate_scale_data``: bulk inserts of synthetic rows, by ``order``.

    ``generate`` is the dotted path of a ``Callable[[ScaleContext], None]``, imported only when
    the command runs. ``activity_weight`` is the app's share of ``--activities`` (0: none).
    """

    key: str
    order: int
    generate: str
    activity_weight: int = 0


scale_generators: list[ScaleGenerator] = []


def register_scale_generator(generator: ScaleGenerator) -> None:
    _register(scale_generators, generator, generator.key)


@dataclass(frozen=True)
class ReportSubject:
    """What one report is about: a convening, the Task Force on a date, a span of years.

    ``slug`` names it in URLs and in ``render_report KIND SLUG``; ``url`` is the page of what
    is reported on; ``obj`` is whatever the report's selector needs.
    """

    slug: str
    title: str
    url: str = ""
    obj: Any = field(default=None, compare=False)


def _no_subjects() -> list[ReportSubject]:
    return []


@dataclass(frozen=True)
class ReportKind:
    """A kind of report: a template plus a selector that gathers its data in a fixed number
    of queries (``roadmap_portal.core.reports`` renders it as HTML or PDF).

    ``find(slug)`` returns the ReportSubject or None. ``gather(subject, *, audience,
    progress)`` returns the template's context; ``audience`` is "public" or "staff" and
    ``progress(done, total)`` hears about the rows gathered; a ``rows`` key tells how many
    rows the report holds. ``count_rows(subject)`` sizes a report with one cheap query: over
    ``REPORT_ASYNC_ROW_THRESHOLD`` it is made on the ``reports`` queue. ``subjects()`` lists
    what the report index offers.
    """

    key: str
    title: str
    template_name: str
    order: int
    find: Callable[[str], ReportSubject | None] = field(compare=False)
    gather: Callable[..., dict] = field(compare=False)
    count_rows: Callable[[ReportSubject], int] = field(compare=False)
    subjects: Callable[[], list[ReportSubject]] = field(default=_no_subjects, compare=False)
    description: str = ""


@dataclass(frozen=True)
class ReportSection:
    """An app's section of a composite report, e.g. ``report="progress"``: the Roadmap progress
    report prints every section plugged into it, by ``order``.

    ``gather(subject, *, audience)`` returns the section's context (a fixed number of
    queries) for ``template_name``, a partial that draws it. The progress report passes its
    ``ReportSubject``; the dialogue report (``report="dialogue"``) passes the convening's
    Activity, so a platform app such as logistics can add to it without knowing dialogues.
    """

    key: str
    report: str
    title: str
    template_name: str
    order: int
    gather: Callable[..., dict] = field(compare=False)


report_kinds: list[ReportKind] = []
report_sections: list[ReportSection] = []


def register_report(kind: ReportKind) -> None:
    _register(report_kinds, kind, kind.key)


def register_report_section(section: ReportSection) -> None:
    _register(report_sections, section, section.key)


@dataclass(frozen=True)
class ConsoleMenuEntry:
    """A link in the console's menu, e.g. ("people", "People", "taskforce_console:person_list")."""

    key: str
    label: str
    url_name: str
    order: int


@dataclass(frozen=True)
class ConsoleSection:
    """An app's part of the secretariat console at ``/manage/``.

    ``urlconf`` names the app's console URL module by string ("taskforce.console_urls"); the
    console mounts it at ``/manage/<path>``, so the platform imports no app. ``entries`` are the
    section's links in the console's menu, under ``label``. A section may have entries only
    (pages mounted elsewhere) or a URL module only.
    """

    key: str
    label: str
    order: int
    path: str = ""
    urlconf: str = ""
    entries: tuple[ConsoleMenuEntry, ...] = ()


@dataclass(frozen=True)
class AttentionItem:
    """One line of the console dashboard's "needs attention now".

    ``count()`` answers in one query how many things wait; ``url_name`` (with ``url_query``,
    e.g. "status=pending") is the console list where staff act on them.
    """

    key: str
    label: str
    order: int
    count: Callable[[], int] = field(compare=False)
    url_name: str = ""
    url_query: str = ""
    help_text: str = ""


console_sections: list[ConsoleSection] = []
attention_items: list[AttentionItem] = []


def register_console_section(section: ConsoleSection) -> None:
    _register(console_sections, section, section.key)


def register_attention_item(item: AttentionItem) -> None:
    _register(attention_items, item, item.key)


@dataclass(frozen=True)
class ReminderPolicyDefault:
    """An app's default reminders for its kind of activity, in minutes before the start.

    Staff edit the policy in the console; this default applies while no policy row exists.
    """

    kind: str
    offsets: tuple[int, ...]


@dataclass(frozen=True)
class NudgeTarget:
    """One nudge an app wants sent: to ``recipient_email``, about ``activity_id``.

    ``reminder_kind`` is ``nudge:<provider key>:<minutes before>``; ``target_starts_at`` the
    moment it counts back from (a deadline); the ledger sends each target at most once.
    """

    recipient_email: str
    activity_id: int
    reminder_kind: str
    target_starts_at: Any
    due_at: Any
    payload: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class NudgeMessage:
    """What a nudge says: the e-mail templates' prefix and their context."""

    template_prefix: str
    context: dict


@dataclass(frozen=True)
class NudgeProvider:
    """A bounded, logged nudge (DESIGN.md, reminders), e.g. focal points yet to nominate.

    ``targets(now)`` lists the nudges due at ``now`` (the scan records each in the reminder
    ledger once). ``message(row)`` renders one ledger row, or returns None when it no longer
    applies (the organisation has nominated since): the row is then skipped. ``topic`` is what
    a recipient unsubscribes from; ``label`` names it on ``/me/``.
    """

    key: str
    label: str
    topic: str
    targets: Callable[..., list[NudgeTarget]] = field(compare=False)
    message: Callable[..., NudgeMessage | None] = field(compare=False)


reminder_policy_defaults: list[ReminderPolicyDefault] = []
nudge_providers: list[NudgeProvider] = []


def register_reminder_policy(default: ReminderPolicyDefault) -> None:
    registry = reminder_policy_defaults
    registry[:] = [existing for existing in registry if existing.kind != default.kind]
    registry.append(default)


def register_nudge(provider: NudgeProvider) -> None:
    registry = nudge_providers
    registry[:] = [existing for existing in registry if existing.key != provider.key]
    registry.append(provider)


@dataclass(frozen=True)
class CalendarProvider:
    """How a kind of activity appears in calendars, so every .ics of it agrees.

    ``event(activity, default)`` returns a ``roadmap_portal.core.ics.CalendarEvent`` (or None
    while it has no date); ``default`` is the event the platform builds from the Activity
    alone, to return when the kind has nothing better. One identity per activity matters: a
    confirmation's attachment and a feed that disagree on UID or SEQUENCE show the same event
    twice or keep an old time.
    """

    key: str  # the Activity kind
    event: Callable[[Any], Any] = field(compare=False)


calendar_providers: list[CalendarProvider] = []


def register_calendar_provider(provider: CalendarProvider) -> None:
    calendar_providers[:] = [p for p in calendar_providers if p.key != provider.key]
    calendar_providers.append(provider)


def calendar_provider_for(kind: str) -> CalendarProvider | None:
    return next((provider for provider in calendar_providers if provider.key == kind), None)
