import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dialogues import services
from dialogues.models import AgendaSession, Convening, StrategicAction
from roadmap_portal.registrations.models import Activity
from tests.factories import OrganisationFactory, PersonFactory, country

pytestmark = pytest.mark.django_db


def test_local_datetime_converts_the_hosts_wall_clock_to_utc():
    moment = services.local_datetime(dt.date(2024, 6, 18), dt.time(9, 0), "Asia/Bangkok")

    assert moment == dt.datetime(2024, 6, 18, 2, 0, tzinfo=dt.UTC)


def test_create_convening_creates_the_activity_with_the_same_kind_title_and_country():
    ilo = OrganisationFactory(name="International Labour Organization")
    starts_at = services.local_datetime(dt.date(2024, 6, 18), dt.time(0), "Asia/Bangkok")

    convening = services.create_convening(
        kind="workshop",
        title="ILO Regional Workshop",
        slug="ilo-sse-workshop-2024",
        host_country=country("TH"),
        city="Bangkok",
        starts_at=starts_at,
        organised_by=[ilo],
    )

    activity = convening.activity
    assert (activity.kind, activity.title, activity.country_id) == (
        "workshop",
        "ILO Regional Workshop",
        "TH",
    )
    assert (activity.time_zone, activity.starts_at, activity.status) == (
        "Asia/Bangkok",
        starts_at,
        "held",
    )
    assert (convening.kind, convening.year, convening.city) == ("workshop", 2024, "Bangkok")
    assert list(convening.organised_by.all()) == [ilo]


def test_create_convening_takes_the_year_where_the_convening_happens():
    # 1 January 2025, 01:00 in Manila is still 31 December 2024 in UTC.
    starts_at = services.local_datetime(dt.date(2025, 1, 1), dt.time(1), "Asia/Manila")

    convening = services.create_convening(
        kind="forum",
        title="New Year forum",
        slug="new-year",
        host_country=country("PH"),
        starts_at=starts_at,
    )

    assert convening.year == 2025


def test_create_convening_without_a_start_needs_the_year():
    with pytest.raises(ValidationError) as error:
        services.create_convening(
            kind="summit", title="Summit", slug="summit", host_country=country("MY")
        )

    assert list(error.value.message_dict) == ["year"]
    assert not Convening.objects.filter(slug="summit").exists()


def test_create_convening_refuses_a_second_policy_dialogue_and_writes_nothing(rotation):
    activities = Activity.objects.count()

    with pytest.raises(ValidationError):
        services.create_convening(
            kind="policy_dialogue",
            title="Another dialogue",
            slug="another-dialogue-2025",
            host_country=country("MY"),
            year=2025,
        )

    assert Activity.objects.count() == activities
    assert Convening.objects.policy_dialogues().filter(year=2025).count() == 1


def test_create_convening_refuses_an_unknown_kind():
    with pytest.raises(ValidationError):
        services.create_convening(
            kind="webinar", title="Not a convening", slug="webinar", host_country=None, year=2025
        )

    assert not Activity.objects.filter(title="Not a convening").exists()


def test_create_convening_keeps_a_month_only_date_honest():
    starts_at = services.local_datetime(dt.date(2025, 4, 1), dt.time(0), "Asia/Kuala_Lumpur")

    convening = services.create_convening(
        kind="summit",
        title="ASEAN SDG-SSE Summit",
        slug="asean-sdg-sse-summit-2025",
        host_country=country("MY"),
        starts_at=starts_at,
        date_precision="month",
    )

    assert (convening.year, convening.activity.date_precision) == (2025, "month")


def test_update_convening_writes_title_and_host_to_the_activity_too(make_convening):
    convening = make_convening(kind="forum", host_country=country("PH"))

    services.update_convening(
        convening=convening, title="Renamed forum", host_country=country("TH")
    )

    convening.refresh_from_db()
    convening.activity.refresh_from_db()
    assert (convening.title, convening.host_country_id) == ("Renamed forum", "TH")
    assert (convening.activity.title, convening.activity.country_id) == ("Renamed forum", "TH")


def test_update_convening_changes_the_activity_dates(make_convening):
    convening = make_convening()
    starts_at = services.local_datetime(dt.date(2024, 11, 14), dt.time(9), "Asia/Manila")

    services.update_convening(convening=convening, starts_at=starts_at, ends_at=None)

    convening.activity.refresh_from_db()
    assert (convening.activity.starts_at, convening.activity.ends_at) == (starts_at, None)


def test_update_convening_with_nothing_new_adds_no_history(make_convening):
    convening = make_convening(city="Manila")
    before = (convening.history.count(), convening.activity.history.count())

    services.update_convening(convening=convening, city="Manila", title=convening.title)

    assert (convening.history.count(), convening.activity.history.count()) == before


def test_update_convening_sets_the_organisers(make_convening):
    convening = make_convening()
    bff, asec = OrganisationFactory(), OrganisationFactory()

    services.update_convening(convening=convening, organised_by=[bff, asec])

    assert set(convening.organised_by.all()) == {bff, asec}


def test_update_convening_refuses_a_field_it_does_not_know(make_convening):
    convening = make_convening()

    with pytest.raises(TypeError):
        services.update_convening(convening=convening, slug="new-slug")


def test_update_convening_refuses_bad_dates_and_changes_nothing(make_convening):
    convening = make_convening()
    starts_at = convening.activity.starts_at

    with pytest.raises(ValidationError):
        services.update_convening(
            convening=convening, ends_at=starts_at - dt.timedelta(days=1), city="Cebu"
        )

    convening.refresh_from_db()
    convening.activity.refresh_from_db()
    assert (convening.city, convening.activity.ends_at > starts_at) == ("", True)


def test_add_strategic_action_appends_in_order_and_keeps_an_existing_title(make_convening):
    convening = make_convening()

    first = services.add_strategic_action(convening=convening, title="Establish the Task Force")
    second = services.add_strategic_action(convening=convening, title="Conduct the Dialogue")
    again = services.add_strategic_action(convening=convening, title="Establish the Task Force")

    assert again == first
    assert list(
        StrategicAction.objects.filter(convening=convening).values_list("position", "title")
    ) == [(1, "Establish the Task Force"), (2, "Conduct the Dialogue")]
    assert second.position == 2


def test_add_agenda_session_appends_with_moderators_and_speakers(make_convening):
    convening = make_convening()
    moderator, speaker = PersonFactory(), PersonFactory()
    starts_at = services.local_datetime(dt.date(2024, 11, 12), dt.time(10), "Asia/Manila")

    opening = services.add_agenda_session(convening=convening, title="Opening", starts_at=starts_at)
    panel = services.add_agenda_session(
        convening=convening,
        title="Panel",
        starts_at=starts_at + dt.timedelta(hours=1),
        moderators=[moderator],
        speakers=[speaker],
    )

    assert (opening.position, panel.position) == (1, 2)
    assert (list(panel.moderators.all()), list(panel.speakers.all())) == ([moderator], [speaker])


def test_add_agenda_session_retried_adds_nothing(make_convening):
    convening = make_convening()

    first = services.add_agenda_session(convening=convening, title="Opening")
    again = services.add_agenda_session(convening=convening, title="Opening")

    assert again == first
    assert AgendaSession.objects.filter(convening=convening).count() == 1


def test_add_agenda_session_refuses_an_end_before_the_start(make_convening):
    convening = make_convening()
    starts_at = services.local_datetime(dt.date(2024, 11, 12), dt.time(10), "Asia/Manila")

    with pytest.raises(ValidationError):
        services.add_agenda_session(
            convening=convening,
            title="Backwards",
            starts_at=starts_at,
            ends_at=starts_at - dt.timedelta(hours=1),
        )

    assert not AgendaSession.objects.filter(convening=convening).exists()
