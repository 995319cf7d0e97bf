"""The registry in the console: lists, forms, history, imports, merges and the dashboard."""

import codecs
import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dialogues.models import AgendaSession
from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations import services as registrations
from roadmap_portal.registrations.models import (
    Access,
    Invitation,
    Registration,
    RegistrationStatus,
)
from taskforce import services
from taskforce.models import (
    Affiliation,
    AffiliationRequest,
    MergeKind,
    MergeRecord,
    Organisation,
    Person,
    TaskForceMembership,
    TaskForcePosition,
)
from tests.factories import (
    ActivityFactory,
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    country,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return staff_user(email="secretariat@example.org")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def url(name, *args):
    return reverse(f"taskforce_console:{name}", args=args)


def pks(response) -> list[int]:
    return [row["pk"] for row in response.context["rows"]]


# Lists: filters, search, sorting, pages -----------------------------------------------------


def test_organisation_search_ignores_case_and_diacritics(staff_client):
    found = OrganisationFactory(name="Hợp tác xã Đồng Tâm", acronym="HTX")
    OrganisationFactory(name="Bayan Family of Foundations")

    with_accents = staff_client.get(url("organisation_list"), {"q": "Hợp Tác"})
    without = staff_client.get(url("organisation_list"), {"q": "hop tac xa dong tam"})
    acronym = staff_client.get(url("organisation_list"), {"q": "htx"})

    assert pks(with_accents) == pks(without) == pks(acronym) == [found.pk]


def test_organisation_filters_combine(staff_client):
    wanted = OrganisationFactory(country=country("TH"), is_asec_member=True)
    OrganisationFactory(country=country("TH"), is_asec_member=False)
    OrganisationFactory(country=country("PH"), is_asec_member=True)

    response = staff_client.get(
        url("organisation_list"), {"country": "TH", "is_asec_member": "yes"}
    )

    assert pks(response) == [wanted.pk]


def test_organisations_without_a_focal_point_are_found(staff_client):
    orphan = OrganisationFactory(name="Orphan Cooperative")
    kept = OrganisationFactory(name="Kept Cooperative")
    member_of(kept, focal_point=True)
    OrganisationFactory(name="Hidden", approved=False)

    response = staff_client.get(
        url("organisation_list"), {"focal_point": "none", "approved": "yes"}
    )

    assert pks(response) == [orphan.pk]


def test_an_unknown_filter_value_matches_nothing_and_says_why(staff_client):
    OrganisationFactory()

    response = staff_client.get(url("organisation_list"), {"kind": "pirate"})

    assert pks(response) == []
    assert response.context["filter"].errors["kind"] == [
        "Select a valid choice. pirate is not one of the available choices."
    ]


def test_lists_sort_by_a_column_both_ways_and_ignore_unknown_sorts(staff_client):
    names = ["Beta", "Alpha", "Gamma"]
    organisations = {name: OrganisationFactory(name=name) for name in names}

    ascending = staff_client.get(url("organisation_list"), {"sort": "name"})
    descending = staff_client.get(url("organisation_list"), {"sort": "-name"})
    unknown = staff_client.get(url("organisation_list"), {"sort": "secret"})

    expected = [organisations[name].pk for name in sorted(names)]
    assert pks(ascending) == expected
    assert pks(descending) == expected[::-1]
    assert pks(unknown) == expected
    assert descending.context["headers"][0]["state"] == "descending"


def test_lists_are_paginated_and_keep_their_filters(staff_client):
    for number in range(55):
        OrganisationFactory(name=f"Cooperative {number:02}", country=country("TH"))

    response = staff_client.get(url("organisation_list"), {"country": "TH", "page": 2})

    assert response.context["page_obj"].number == 2
    assert len(response.context["rows"]) == 5
    assert 'href="?country=TH&amp;page=1"' in response.content.decode()


def test_people_search_by_name_in_another_script_latin_name_or_email(staff_client):
    thai = PersonFactory(name="สมชาย ใจดี", name_latin="Somchai Jaidee", email="s@example.org")
    PersonFactory(name="Ana Reyes", email="ana@example.org")

    for query in ("สมชาย", "somchai", "S@EXAMPLE.ORG"):
        response = staff_client.get(url("person_list"), {"q": query})
        assert pks(response) == [thai.pk]


def test_people_filter_by_organisation_and_account(staff_client):
    organisation = OrganisationFactory(name="Tân Cooperative")
    signing_in = member_of(organisation).person
    AffiliationFactory(organisation=organisation)

    response = staff_client.get(url("person_list"), {"organisation": "tan", "account": "yes"})

    assert pks(response) == [signing_in.pk]


def _organisations(count):
    for _ in range(count):
        AffiliationFactory(organisation=OrganisationFactory(), is_focal_point=True)


def _people(count):
    organisation = OrganisationFactory()
    for _ in range(count):
        AffiliationFactory(organisation=organisation)
        AffiliationFactory(person=Person.objects.last())


def _affiliations(count):
    for _ in range(count):
        AffiliationFactory()


def _memberships(count):
    for _ in range(count):
        MembershipFactory()


def _positions(count):
    for _ in range(count):
        TaskForcePosition.objects.create(
            person=PersonFactory(), title="chair", since=dt.date(2024, 1, 1)
        )


def _merges(count):
    for number in range(count):
        MergeRecord.objects.create(
            kind=MergeKind.PERSON,
            survivor_id=number,
            survivor_name="A",
            duplicate_id=number + 1000,
            duplicate_name="B",
            merged_by=UserFactory(),
        )


@pytest.mark.parametrize(
    ("page", "arrange"),
    [
        ("organisation_list", _organisations),
        ("person_list", _people),
        ("affiliation_list", _affiliations),
        ("membership_list", _memberships),
        ("position_list", _positions),
        ("merge_list", _merges),
    ],
)
def test_list_pages_cost_the_same_queries_for_few_and_many_rows(
    page, arrange, staff_client, django_assert_num_queries
):
    arrange(2)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url(page))
    arrange(25)

    with django_assert_num_queries(len(few)):
        response = staff_client.get(url(page))

    assert len(response.context["rows"]) > 2


def test_detail_pages_cost_the_same_queries_with_more_related_rows(
    staff_client, django_assert_num_queries
):
    organisation = OrganisationFactory()
    AffiliationFactory(organisation=organisation)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url("organisation_detail", organisation.pk))
    for _ in range(10):
        affiliation = AffiliationFactory(organisation=organisation)
        RegistrationFactory(organisation=organisation, person=affiliation.person)

    with django_assert_num_queries(len(few)):
        staff_client.get(url("organisation_detail", organisation.pk))


# Forms, history ----------------------------------------------------------------------------


def test_staff_add_an_organisation_and_its_page_shows_who_did_it(staff_client, staff):
    response = staff_client.post(
        url("organisation_create"),
        {
            "name": "Kaya Cooperative",
            "acronym": "KC",
            "kind": "cooperative",
            "country": "PH",
            "website": "https://kaya.example.org",
            "approved": "on",
        },
    )

    organisation = Organisation.objects.get(name="Kaya Cooperative")
    assert response.url == url("organisation_detail", organisation.pk)
    assert (organisation.slug, organisation.approved) == ("kc", True)
    page = staff_client.get(url("organisation_detail", organisation.pk))
    assert [(entry.kind, entry.user) for entry in page.context["history"]] == [
        ("Created", staff.email)
    ]


def test_an_organisation_already_in_the_registry_is_not_created_again(staff_client):
    existing = OrganisationFactory(name="Hợp tác xã Đồng Tâm")

    response = staff_client.post(
        url("organisation_create"), {"name": "HOP TAC XA DONG TAM", "kind": "cooperative"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        f"{existing} is already in the registry (#{existing.pk}): open it instead, "
        "or merge the two."
    ]
    assert Organisation.objects.count() == 1


def test_editing_an_organisation_records_what_changed(staff_client, staff):
    organisation = OrganisationFactory(name="Old Name", approved=False)

    staff_client.post(
        url("organisation_update", organisation.pk),
        {"name": "New Name", "kind": "ngo", "country": "PH", "approved": "on"},
    )

    page = staff_client.get(url("organisation_detail", organisation.pk))
    latest = page.context["history"][0]
    assert (latest.kind, latest.user) == ("Changed", staff.email)
    assert sorted((c.label, c.old, c.new) for c in latest.changes) == [
        ("approved", "no", "yes"),
        ("kind", "Cooperative", "NGO"),
        ("name", "Old Name", "New Name"),
    ]
    assert "Old Name → New Name" in page.content.decode()


def test_organisation_form_shows_validation_errors_and_saves_nothing(staff_client):
    organisation = OrganisationFactory(name="Kept")

    response = staff_client.post(
        url("organisation_update", organisation.pk),
        {"name": "", "kind": "cooperative", "website": "not a web address"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "website"}
    assert Organisation.objects.get(pk=organisation.pk).name == "Kept"


def test_staff_add_a_person_in_an_organisation(staff_client):
    organisation = OrganisationFactory()

    staff_client.post(
        url("person_create"),
        {
            "name": "Ana Reyes",
            "gender": "woman",
            "email": "ana@example.org",
            "organisation": organisation.pk,
            "position": "Director",
        },
    )

    person = Person.objects.get(name="Ana Reyes")
    assert [(a.organisation, a.position) for a in person.affiliations.all()] == [
        (organisation, "Director")
    ]


def test_a_person_with_a_known_address_is_not_created_twice(staff_client):
    existing = PersonFactory(email="ana@example.org")

    response = staff_client.post(
        url("person_create"), {"name": "Ana R.", "gender": "woman", "email": "ANA@example.org"}
    )

    assert response.context["form"].errors["email"] == [
        f"{existing} (#{existing.pk}) already has this address: open their record instead, "
        "or merge the two."
    ]


def test_a_person_who_signs_in_keeps_the_address_of_their_account(staff_client):
    user = UserFactory(email="me@example.org")
    person = PersonFactory(user=user, email="me@example.org", name="Ana")

    staff_client.post(
        url("person_update", person.pk),
        {"name": "Ana Reyes", "gender": "woman", "email": "other@example.org"},
    )

    person.refresh_from_db()
    assert (person.name, person.email) == ("Ana Reyes", "me@example.org")


def test_update_person_details_is_for_staff_only():
    person = PersonFactory()

    with pytest.raises(PermissionDenied):
        services.update_person_details(person=person, by=UserFactory(), name="X")


def test_an_affiliation_is_added_from_the_persons_page(staff_client):
    person = PersonFactory()
    organisation = OrganisationFactory()

    without_person = staff_client.get(url("affiliation_create"))
    staff_client.post(
        url("affiliation_create") + f"?person={person.pk}",
        {"organisation": organisation.pk, "position": "Chair", "started": "2025-02-01"},
    )

    assert without_person.status_code == 404
    affiliation = Affiliation.objects.get(person=person)
    assert (affiliation.organisation, affiliation.started) == (organisation, dt.date(2025, 2, 1))


def test_ending_the_last_focal_point_needs_confirmation_then_alerts_staff(staff_client):
    organisation = OrganisationFactory()
    affiliation = AffiliationFactory(organisation=organisation, is_focal_point=True)
    today = timezone.localdate().isoformat()
    data = {"position": "Chair", "started": "2024-01-01", "ended": today, "is_focal_point": "on"}

    refused = staff_client.post(url("affiliation_update", affiliation.pk), data)
    mail.outbox.clear()
    staff_client.post(
        url("affiliation_update", affiliation.pk), {**data, "confirm_last_focal_point": "on"}
    )

    assert refused.context["form"].non_field_errors() == [
        "This is the organisation's last focal point. Confirm that it may go on without "
        "one; the secretariat will be told."
    ]
    assert Affiliation.objects.get(pk=affiliation.pk).ended == timezone.localdate()
    assert OutboxMessage.objects.filter(topic="taskforce.last_focal_point_alert").count() == 1


def test_memberships_and_positions_are_added_and_corrected(staff_client):
    organisation = OrganisationFactory()
    person = PersonFactory()

    staff_client.post(
        url("membership_create") + f"?organisation={organisation.pk}",
        {"role": "member", "since": "2025-01-01"},
    )
    staff_client.post(
        url("position_create") + f"?person={person.pk}", {"title": "chair", "since": "2025-01-01"}
    )
    membership = TaskForceMembership.objects.get(organisation=organisation)
    position = TaskForcePosition.objects.get(person=person)
    staff_client.post(
        url("membership_update", membership.pk),
        {"role": "continental_partner", "since": "2025-01-01", "until": "2025-12-31"},
    )
    bad = staff_client.post(
        url("position_update", position.pk),
        {"title": "chair", "since": "2025-06-01", "until": "2025-01-01"},
    )

    membership.refresh_from_db()
    assert (membership.role, membership.until) == ("continental_partner", dt.date(2025, 12, 31))
    assert bad.context["form"].errors == {"until": ["The end comes before the start."]}


def test_detail_pages_of_every_registry_record_open(staff_client):
    affiliation = AffiliationFactory()
    membership = MembershipFactory()
    position = TaskForcePosition.objects.create(
        person=affiliation.person, title="chair", since=dt.date(2024, 1, 1)
    )

    for name, pk in (
        ("person_detail", affiliation.person_id),
        ("affiliation_detail", affiliation.pk),
        ("membership_detail", membership.pk),
        ("position_detail", position.pk),
    ):
        assert staff_client.get(url(name, pk)).status_code == 200


# Bulk: invite organisations ----------------------------------------------------------------


def test_invite_organisations_to_an_activity_in_bulk(staff_client, staff):
    activity = ActivityFactory(access=Access.INVITATION)
    invited, fresh = OrganisationFactory(), OrganisationFactory()
    member_of(fresh, focal_point=True)
    registrations.invite_organisation(activity=activity, organisation=invited, by=staff)
    hidden = OrganisationFactory(approved=False)

    preview = staff_client.post(
        url("organisation_bulk"), {"action": "invite", "ids": [invited.pk, fresh.pk, hidden.pk]}
    )
    response = staff_client.post(
        url("organisation_bulk"),
        {
            "action": "invite",
            "ids": [invited.pk, fresh.pk, hidden.pk],
            "confirmed": "1",
            "parameters-activity": activity.pk,
        },
    )

    assert preview.context["description"] == (
        "This will invite 3 organisations to the activity chosen below; their focal points "
        "are told by e-mail."
    )
    assert [(r["result"].ok, r["result"].message) for r in response.context["results"]] == [
        (False, "Already invited (awaiting an answer); nothing was sent."),
        (True, "Invited; the focal points are told by e-mail."),
        (False, "Not in the directory yet: approve it first."),
    ]
    assert Invitation.objects.filter(activity=activity).count() == 2


# Merges -------------------------------------------------------------------------------------


def test_merge_people_moves_everything_and_records_the_merge(staff):
    organisation = OrganisationFactory()
    survivor = PersonFactory(name="Ana Reyes", email="ana@example.org", phone="")
    duplicate = PersonFactory(name="Ana Reyes", email="a.reyes@example.org", phone="+63 2 555")
    AffiliationFactory(person=survivor, organisation=organisation, is_focal_point=False)
    AffiliationFactory(
        person=duplicate, organisation=organisation, is_focal_point=True, position="Chair"
    )
    other_affiliation = AffiliationFactory(person=duplicate)
    past_registration = RegistrationFactory(person=duplicate, organisation=organisation)
    TaskForcePosition.objects.create(person=duplicate, title="chair", since=dt.date(2023, 1, 1))
    duplicate_pk = duplicate.pk

    record = services.merge_people(survivor=survivor, duplicate=duplicate, by=staff)

    assert not Person.objects.filter(pk=duplicate_pk).exists()
    survivor.refresh_from_db()
    assert survivor.phone == "+63 2 555"
    affiliations = {a.organisation_id: a for a in survivor.affiliations.all()}
    assert set(affiliations) == {organisation.pk, other_affiliation.organisation_id}
    assert (
        affiliations[organisation.pk].is_focal_point,
        affiliations[organisation.pk].position,
    ) == (
        True,
        "Programme officer",
    )
    assert Registration.objects.get(pk=past_registration.pk).person == survivor
    assert survivor.taskforce_positions.count() == 1
    assert (record.kind, record.survivor_id, record.duplicate_id, record.merged_by) == (
        "person",
        survivor.pk,
        duplicate_pk,
        staff,
    )
    assert record.moved == {
        "registrations": 1,
        "affiliations": 2,
        "Task Force positions": 1,
    }
    assert Person.history.filter(id=duplicate_pk).latest("history_date").history_type == "-"


def test_merge_people_cancels_the_duplicates_registration_for_the_same_activity(staff):
    organisation = OrganisationFactory()
    activity = ActivityFactory(onsite_capacity=2)
    survivor, duplicate = PersonFactory(), PersonFactory()
    kept = RegistrationFactory(activity=activity, person=survivor, organisation=organisation)
    twin = RegistrationFactory(activity=activity, person=duplicate, organisation=organisation)
    waiting = RegistrationFactory(
        activity=activity, organisation=organisation, status=RegistrationStatus.WAITLISTED
    )

    services.merge_people(survivor=survivor, duplicate=duplicate, by=staff)

    twin.refresh_from_db()
    assert (twin.person, twin.status, twin.decision_reason) == (survivor, "cancelled", "merged")
    assert Registration.objects.get(pk=kept.pk).status == "confirmed"
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    assert Registration.objects.active().filter(activity=activity, person=survivor).count() == 1


def test_merge_people_moves_the_account_and_what_other_apps_link(staff, rotation):
    user = UserFactory(email="ana@example.org")
    survivor = PersonFactory(email="")
    duplicate = PersonFactory(user=user, email="ana@example.org")
    session = AgendaSession.objects.create(convening=rotation[0], title="Opening")
    session.speakers.add(duplicate)
    session.moderators.add(survivor, duplicate)

    services.merge_people(survivor=survivor, duplicate=duplicate, by=staff)

    survivor.refresh_from_db()
    assert (survivor.user, survivor.email) == (user, "ana@example.org")
    assert list(session.speakers.all()) == [survivor]
    assert list(session.moderators.all()) == [survivor]


def test_merge_people_refuses_two_accounts_and_writes_nothing(staff):
    survivor = PersonFactory(user=UserFactory())
    duplicate = PersonFactory(user=UserFactory())
    AffiliationFactory(person=duplicate)

    with pytest.raises(ValidationError):
        services.merge_people(survivor=survivor, duplicate=duplicate, by=staff)

    assert Person.objects.filter(pk=duplicate.pk).exists()
    assert duplicate.affiliations.count() == 1
    assert MergeRecord.objects.count() == 0


def test_merge_is_for_staff_only_and_not_with_itself(staff):
    person = PersonFactory()

    with pytest.raises(PermissionDenied):
        services.merge_people(survivor=person, duplicate=PersonFactory(), by=UserFactory())
    with pytest.raises(ValidationError):
        services.merge_people(survivor=person, duplicate=person, by=staff)


def test_merge_organisations_moves_people_memberships_registrations_and_invitations(staff):
    survivor = OrganisationFactory(name="Kaya", website="", approved=True)
    duplicate = OrganisationFactory(name="KAYA Coop", website="https://kaya.example.org")
    person = PersonFactory()
    AffiliationFactory(person=person, organisation=survivor)
    AffiliationFactory(person=person, organisation=duplicate, is_focal_point=True)
    MembershipFactory(organisation=survivor, since=dt.date(2025, 1, 1))
    MembershipFactory(organisation=duplicate, since=dt.date(2024, 1, 1))
    registration = RegistrationFactory(organisation=duplicate)
    both = ActivityFactory(access=Access.INVITATION)
    Invitation.objects.create(activity=both, organisation=survivor)
    Invitation.objects.create(activity=both, organisation=duplicate)
    only = Invitation.objects.create(activity=ActivityFactory(), organisation=duplicate)
    request = AffiliationRequest.objects.create(user=UserFactory(), organisation=duplicate)

    record = services.merge_organisations(survivor=survivor, duplicate=duplicate, by=staff)

    survivor.refresh_from_db()
    assert survivor.website == "https://kaya.example.org"
    assert list(survivor.affiliations.values_list("is_focal_point", flat=True)) == [True]
    assert list(survivor.taskforce_memberships.values_list("since", flat=True)) == [
        dt.date(2024, 1, 1)
    ]
    assert Registration.objects.get(pk=registration.pk).organisation == survivor
    assert Invitation.objects.get(pk=only.pk).organisation == survivor
    assert Invitation.objects.filter(activity=both).count() == 1
    assert AffiliationRequest.objects.get(pk=request.pk).organisation == survivor
    assert record.moved["affiliations"] == 1
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()


def test_merge_view_compares_then_merges_and_the_survivor_links_the_merge(staff_client):
    survivor = PersonFactory(name="Ana Reyes")
    duplicate = PersonFactory(name="Ana  Reyes")
    list_url = url("person_list")

    compare = staff_client.post(url("person_merge"), {"ids": [survivor.pk, duplicate.pk]})
    merged = staff_client.post(
        url("person_merge"),
        {
            "ids": [survivor.pk, duplicate.pk],
            "confirmed": "1",
            "survivor": survivor.pk,
            "next": list_url,
        },
    )
    page = staff_client.get(url("person_detail", survivor.pk))

    assert compare.status_code == 200
    assert [label for label, _a, _b in compare.context["comparison"]][-2:] == [
        "Registrations",
        "Affiliations",
    ]
    assert merged.url == url("person_detail", survivor.pk)
    record = MergeRecord.objects.get()
    assert list(page.context["merges"]) == [record]
    record_page = staff_client.get(url("merge_detail", record.pk))
    assert [entry.kind for entry in record_page.context["history"]] == ["Deleted", "Created"]


def test_merge_view_needs_exactly_two_rows(staff_client):
    person = PersonFactory()

    response = staff_client.post(url("person_merge"), {"ids": [person.pk], "next": "/x/"})

    assert response.status_code == 302
    assert Person.objects.filter(pk=person.pk).exists()


# Imports ------------------------------------------------------------------------------------


def upload(client, kind, data: bytes):
    response = client.post(
        url(f"{kind}_import"), {"file": SimpleUploadedFile("list.csv", data, "text/csv")}
    )
    return response


def preview_of(client, response):
    assert response.status_code == 302, response.context["form"].errors
    return client.get(response.url)


def test_organisation_import_previews_then_imports_everything(staff_client):
    existing = OrganisationFactory(name="Bayan Family of Foundations", acronym="", website="")
    data = (
        "name,acronym,kind,country,website\n"
        "Hợp tác xã Đồng Tâm,HTX,Cooperative,VN,\n"
        "BAYAN FAMILY OF FOUNDATIONS,BFF,foundation,PH,https://bayan.example.org\n"
    ).encode()

    response = upload(staff_client, "organisation", data)
    preview = preview_of(staff_client, response)

    plan = preview.context["plan"]
    assert [(row.line, row.action) for row in plan.rows] == [(2, "create"), (3, "update")]
    assert Organisation.objects.count() == 1
    confirmed = staff_client.post(response.url)

    assert confirmed.url == url("organisation_list")
    created = Organisation.objects.get(acronym="HTX")
    assert (created.kind, created.country_id, created.approved) == ("cooperative", "VN", True)
    existing.refresh_from_db()
    assert (existing.acronym, existing.website) == ("BFF", "https://bayan.example.org")
    again = staff_client.post(response.url)
    assert again.url == url("organisation_import")


def test_organisation_import_with_one_bad_line_writes_nothing(staff_client):
    data = (
        b"name,kind,country\n"
        b"Good Cooperative,cooperative,PH\n"
        b"Bad Cooperative,pirate ship,Atlantis\n"
        b"good cooperative,cooperative,PH\n"
    )

    response = upload(staff_client, "organisation", data)
    preview = preview_of(staff_client, response)
    confirm = staff_client.post(response.url)

    rows = preview.context["plan"].rows
    assert [(row.line, row.action) for row in rows] == [(2, "create"), (3, "reject"), (4, "reject")]
    assert rows[1].details[1] == 'Unknown country "Atlantis"; use its ISO code, e.g. PH.'
    assert rows[2].details == ["Same organisation as line 2."]
    assert confirm.status_code == 200
    assert Organisation.objects.count() == 0


def test_people_import_matches_by_email_then_by_name_in_the_organisation(staff_client):
    organisation = OrganisationFactory(name="Kaya Cooperative", acronym="KAYA")
    by_email = PersonFactory(name="Ana Reyes", email="ana@example.org", phone="")
    by_name = PersonFactory(name="Nguyễn Văn An", email="")
    AffiliationFactory(person=by_name, organisation=organisation)
    data = (
        b"name,email,phone,organisation,position,focal_point\n"
        b"Ana R.,ANA@example.org,+63 2 555,,,\n"
        b"NGUYEN VAN AN,,,kaya,Treasurer,yes\n"
        b"Siti Aminah,siti@example.org,,Kaya Cooperative,Member,no\n"
    )

    response = upload(staff_client, "person", data)
    preview = preview_of(staff_client, response)
    staff_client.post(response.url)

    assert [row.action for row in preview.context["plan"].rows] == ["update", "update", "create"]
    by_email.refresh_from_db()
    assert (by_email.name, by_email.phone) == ("Ana Reyes", "+63 2 555")
    affiliation = Affiliation.objects.get(person=by_name)
    assert (affiliation.position, affiliation.is_focal_point) == ("Programme officer", True)
    siti = Person.objects.get(email="siti@example.org")
    assert siti.affiliations.get().organisation == organisation
    assert Person.objects.count() == 3


def test_people_import_rejects_duplicates_and_unknown_organisations(staff_client):
    data = (
        b"name,email,organisation\n"
        b"Ana Reyes,ana@example.org,\n"
        b"Ana Reyes,ANA@EXAMPLE.ORG,\n"
        b"Ben Cruz,not-an-address,\n"
        b"Chan Dara,,Nowhere Cooperative\n"
        b"Dao Lam,,\n"
    )

    response = upload(staff_client, "person", data)
    preview = preview_of(staff_client, response)
    staff_client.post(response.url)

    rows = preview.context["plan"].rows
    assert [(row.line, row.action, row.details) for row in rows[1:]] == [
        (3, "reject", ["Same e-mail as line 2."]),
        (4, "reject", ['"not-an-address" is not an e-mail address.']),
        (
            5,
            "reject",
            ['No organisation "Nowhere Cooperative" in the directory; import or add it first.'],
        ),
        (
            6,
            "reject",
            ["Give an e-mail or an organisation, so the person is recognised next time."],
        ),
    ]
    assert Person.objects.count() == 0


def test_import_refuses_a_file_in_the_wrong_encoding_at_upload(staff_client):
    data = "name,email\nJosé Rizal,jose@example.org\n".encode("cp1252")

    response = upload(staff_client, "person", data)

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith("The file is not UTF-8 text")
    assert Person.objects.count() == 0


def test_import_reads_a_utf16_export(staff_client):
    text = "name\temail\nสมชาย ใจดี\tsomchai@example.org\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")

    response = upload(staff_client, "person", data)
    staff_client.post(response.url)

    assert Person.objects.get().name == "สมชาย ใจดี"


def test_import_refuses_a_malformed_file(staff_client):
    response = upload(staff_client, "organisation", b"acronym,kind\nBFF,ngo\n")

    assert response.context["form"].errors["file"] == [
        'The first line must name the columns; "name" is missing. The columns are: name, '
        "acronym, kind, country, website, description, asec_member, approved."
    ]


def test_import_preview_of_someone_elses_upload_is_refused(staff_client, client):
    response = upload(staff_client, "person", b"name,email\nAna,ana@example.org\n")
    client.force_login(staff_user())

    other = client.get(response.url)
    confirm = client.post(response.url)

    assert other.url == url("person_import")
    assert confirm.url == url("person_import")
    assert Person.objects.count() == 0


def test_import_is_all_or_nothing_when_the_data_changed_since_the_preview(staff_client):
    response = upload(staff_client, "person", b"name,email\nAna,ana@example.org\n")
    preview_of(staff_client, response)
    PersonFactory(email="ana@example.org")
    PersonFactory(email="ANA@example.org")

    confirm = staff_client.post(response.url)

    assert confirm.status_code == 200
    assert confirm.context["plan"].rows[0].action == "reject"
    assert Person.objects.count() == 2


# The dashboard ------------------------------------------------------------------------------


def test_dashboard_counts_requests_and_organisations_without_focal_point(staff_client):
    OrganisationFactory()
    with_focal_point = OrganisationFactory()
    member_of(with_focal_point, focal_point=True)
    services.request_affiliation(user=UserFactory(), organisation=with_focal_point)

    response = staff_client.get(reverse("console:dashboard"))

    items = {item["key"]: item for item in response.context["items"]}
    assert items["affiliation_requests"]["count"] == 1
    assert items["organisations_without_focal_point"]["count"] == 1
    assert items["organisations_without_focal_point"]["url"] == (
        url("organisation_list") + "?focal_point=none&approved=yes"
    )
