"""A record's history as the console shows it: who, when, what changed."""

import pytest
from django.urls import reverse

from roadmap_portal.core.console.history import history_entries
from taskforce import services
from taskforce.models import Organisation
from tests.factories import OrganisationFactory, staff_user

pytestmark = pytest.mark.django_db


def test_history_entries_name_who_changed_what_newest_first():
    staff = staff_user(email="editor@example.org")
    organisation = OrganisationFactory(name="Kaya", kind="cooperative", approved=False)
    services.update_organisation(
        organisation=organisation, by=staff, name="Kaya Coop", kind="ngo", country=None
    )

    entries = history_entries(organisation.history.all(), Organisation)

    assert [(entry.kind, entry.user) for entry in entries] == [
        ("Changed", "editor@example.org"),
        ("Created", ""),
    ]
    assert sorted((c.label, c.old, c.new) for c in entries[0].changes) == [
        ("country", "#PH", ""),
        ("kind", "Cooperative", "NGO"),
        ("name", "Kaya", "Kaya Coop"),
    ]


def test_an_unchanged_save_through_a_service_adds_no_history():
    staff = staff_user()
    organisation = OrganisationFactory(name="Kaya", kind="cooperative", country=None)

    services.update_organisation(
        organisation=organisation,
        by=staff,
        name="Kaya",
        kind="cooperative",
        country=None,
        approved=True,
    )

    assert organisation.history.count() == 1


def test_history_is_limited_to_the_newest_changes():
    staff = staff_user()
    organisation = OrganisationFactory(name="Name 0", country=None)
    for number in range(1, 6):
        services.update_organisation(
            organisation=organisation,
            by=staff,
            name=f"Name {number}",
            kind="cooperative",
            country=None,
            approved=True,
        )

    entries = history_entries(organisation.history.all(), Organisation, limit=3)

    assert [entry.changes[0].new for entry in entries] == ["Name 5", "Name 4", "Name 3"]


def test_the_record_page_shows_its_history(staff_client, staff):
    organisation = OrganisationFactory(name="Kaya", country=None)
    services.update_organisation(
        organisation=organisation,
        by=staff,
        name="Kaya Coop",
        kind="cooperative",
        country=None,
        approved=True,
    )

    response = staff_client.get(
        reverse("taskforce_console:organisation_detail", args=[organisation.pk])
    )

    page = response.content.decode()
    assert "History" in page
    assert "secretariat@example.org" in page
    assert "Kaya → Kaya Coop" in page
