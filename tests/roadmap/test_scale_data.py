import random
import unicodedata
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q

from dialogues.models import Convening
from roadmap_portal.core.text import search_key
from roadmap_portal.registrations.models import (
    ACTIVE_STATUSES,
    Activity,
    Mode,
    Registration,
    RegistrationStatus,
)
from taskforce.models import Affiliation, Organisation, Person
from taskforce.scale import person_name
from training.models import Cohort
from webinars.models import Webinar

pytestmark = pytest.mark.django_db

SMALL = {"organisations": 50, "people": 200, "activities": 10, "registrations": 500}


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_scale_data", stdout=out, **{**SMALL, "seed": 7, **options})
    return out.getvalue()


def test_generates_the_numbers_asked_for():
    activities_before = Activity.objects.count()

    generate()

    assert (
        Organisation.objects.filter(slug__startswith="scale1-").count(),
        Person.objects.filter(email__startswith="scale1.").count(),
        Activity.objects.count() - activities_before,
        Registration.objects.count(),
    ) == (50, 200, 10, 500)


def test_makes_every_kind_of_activity():
    generate()

    assert (
        Convening.objects.filter(slug__startswith="scale1-").count(),
        Webinar.objects.filter(slug__startswith="scale1-").count(),
        Cohort.objects.filter(slug__startswith="scale1-").count(),
    ) == (3, 6, 1)


def test_no_person_holds_two_active_registrations_at_one_activity():
    generate()

    doubles = (
        Registration.objects.filter(status__in=ACTIVE_STATUSES)
        .values("activity", "person")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(doubles) == []


def test_confirmed_seats_stay_within_capacity_and_the_waitlist_starts_only_when_full():
    generate(registrations=1500, people=400)
    problems = []

    for activity in Activity.objects.filter(registrations__isnull=False).distinct():
        for mode in Mode:
            confirmed = activity.registrations.holding_seats(mode).count()
            waiting = activity.registrations.waitlist(mode).count()
            capacity = activity.capacity_for(mode)
            if capacity is not None and confirmed > capacity:
                problems.append((activity.pk, mode, "over capacity"))
            if waiting and (capacity is None or confirmed < capacity):
                problems.append((activity.pk, mode, "waitlist with free seats"))
            if not activity.allows_mode(mode) and (confirmed or waiting):
                problems.append((activity.pk, mode, "mode not offered"))

    waitlisted = Registration.objects.filter(status=RegistrationStatus.WAITLISTED).count()
    assert (problems, waitlisted > 0) == ([], True)


def test_registrations_are_only_at_activities_whose_registration_opened():
    generate()

    early = Registration.objects.filter(
        Q(activity__registration_opens_at__isnull=True)
        | Q(requested_at__lt=F("activity__registration_opens_at"))
    )
    assert early.count() == 0


def test_names_are_nfc_with_their_search_keys():
    generate()

    wrong = [
        person.pk
        for person in Person.objects.all()
        if person.name != unicodedata.normalize("NFC", person.name)
        or person.search_text != search_key(person.name, person.name_latin)
    ] + [
        organisation.pk
        for organisation in Organisation.objects.all()
        if organisation.search_text != search_key(organisation.name, organisation.acronym)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("code", "script"),
    [
        ("TH", "THAI"),
        ("KH", "KHMER"),
        ("LA", "LAO"),
        ("MM", "MYANMAR"),
        ("CN", "CJK"),
        ("JP", "CJK"),
        ("KR", "HANGUL"),
    ],
)
def test_names_are_written_in_the_countrys_script_with_a_latin_spelling(code, script):
    rng = random.Random(1)

    names = [person_name(rng, code) for _ in range(20)]

    assert {
        (unicodedata.name(name[0]).split()[0], latin.isascii() and latin != "")
        for name, latin in names
    } == {(script, True)}


def test_names_in_latin_letters_keep_their_diacritics_and_need_no_second_spelling():
    rng = random.Random(1)

    names = [person_name(rng, "VN") for _ in range(20)]

    assert (any(not name.isascii() for name, _ in names), {latin for _, latin in names}) == (
        True,
        {""},
    )


def test_every_organisation_has_a_person_and_one_focal_point():
    generate()

    organisations = Organisation.objects.filter(slug__startswith="scale1-").annotate(
        people=Count("affiliations"),
        focal_points=Count("affiliations", filter=Q(affiliations__is_focal_point=True)),
    )
    assert {(row.people > 0, row.focal_points) for row in organisations} == {(True, 1)}


def test_registrations_name_the_persons_organisation():
    generate()

    homes = dict(Affiliation.objects.values_list("person_id", "organisation_id"))
    wrong = [
        registration.pk
        for registration in Registration.objects.all()
        if homes[registration.person_id] != registration.organisation_id
    ]
    assert wrong == []


def test_the_same_seed_gives_the_same_data_and_a_second_run_adds_beside_the_first():
    generate()
    generate()

    def names(marker):
        return list(
            Person.objects.filter(email__startswith=f"{marker}.")
            .order_by("pk")
            .values_list("name", "gender", "listed_publicly")
        )

    assert (names("scale1") == names("scale2"), len(names("scale2"))) == (True, 200)
    assert Registration.objects.count() == 1000


def test_another_seed_gives_other_data():
    generate(seed=1)
    generate(seed=2)

    def names(marker):
        return list(
            Person.objects.filter(email__startswith=f"{marker}.")
            .order_by("pk")
            .values_list("name", flat=True)
        )

    assert names("scale1") != names("scale2")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"people": -1}, "cannot be negative"),
        ({"organisations": 0}, "need organisations"),
        ({"activities": 0}, "need people and activities"),
        ({"registrations": 100000}, "do not fit"),
    ],
)
def test_bad_sizes_are_refused_and_change_nothing(options, message):
    organisations_before = Organisation.objects.count()

    with pytest.raises(CommandError, match=message):
        generate(**options)

    assert (Organisation.objects.count(), Registration.objects.count()) == (
        organisations_before,
        0,
    )


def test_help_says_the_data_is_synthetic():
    from roadmap_portal.roadmap.management.commands.generate_scale_data import Command

    assert "SYNTHETIC" in Command.help


def test_name_search_has_trigram_indexes_on_postgresql(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE %s ORDER BY indexname",
            ["%gin_trgm_ops%"],
        )
        names = [row[0] for row in cursor.fetchall()]

    assert names == ["taskforce_org_search_trgm", "taskforce_person_search_trgm"]


def test_directory_search_finds_generated_names_by_their_latin_spelling():
    generate()
    person = Person.objects.exclude(name_latin="").first()

    found = Person.objects.search(person.name_latin.split()[0])

    assert person in found
