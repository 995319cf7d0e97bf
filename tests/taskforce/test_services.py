"""The registry's services: affiliation requests and what a focal point keeps."""

import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from roadmap_portal.core.models import OutboxMessage
from taskforce import services
from taskforce.models import (
    Affiliation,
    AffiliationRequest,
    AffiliationRequestStatus,
    Organisation,
    OrganisationKind,
    Person,
)
from tests.factories import (
    AffiliationFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    admin_user,
    country,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.django_db


def _recipients(topic: str) -> list[str]:
    return sorted(OutboxMessage.objects.filter(topic=topic).values_list("to_email", flat=True))


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Bayan Family of Foundations", slug="bff")


@pytest.fixture
def focal_point(organisation):
    return member_of(organisation, focal_point=True, email="focal@example.org")


# Existing registry writes keep working ------------------------------------------------------


def test_create_organisation_gives_a_unique_slug():
    first = services.create_organisation(name="Green Cooperative", kind="cooperative", country=None)
    second = services.create_organisation(
        name="Green Cooperative", kind="cooperative", country=None
    )

    assert (first.slug, second.slug) == ("green-cooperative", "green-cooperative-2")


def test_affiliate_person_updates_the_open_affiliation_instead_of_adding_one(organisation):
    person = PersonFactory()
    services.affiliate_person(person=person, organisation=organisation, position="Officer")

    services.affiliate_person(person=person, organisation=organisation, position="Director")

    assert list(Affiliation.objects.values_list("position", flat=True)) == ["Director"]


# Requests to join ---------------------------------------------------------------------------


def test_request_affiliation_mails_the_focal_points(organisation, focal_point):
    user = UserFactory(full_name="Lan Nguyen")

    affiliation_request = services.request_affiliation(
        user=user, organisation=organisation, position="  Programme   officer ", message="Hello"
    )

    assert affiliation_request.status == AffiliationRequestStatus.PENDING
    assert affiliation_request.position == "Programme officer"
    assert _recipients("taskforce.affiliation_request_received") == ["focal@example.org"]


def test_request_affiliation_mails_staff_when_the_organisation_has_no_focal_point(organisation):
    staff_user(email="secretariat@example.org")
    UserFactory(email="inactive-staff@example.org", is_active=False).groups.add(
        *staff_user().groups.all()
    )
    admin_user(email="admin@example.org")
    user = UserFactory()

    services.request_affiliation(user=user, organisation=organisation)

    recipients = _recipients("taskforce.affiliation_request_received")
    assert "secretariat@example.org" in recipients
    assert "admin@example.org" in recipients
    assert "inactive-staff@example.org" not in recipients


def test_request_affiliation_twice_returns_the_pending_request(organisation, focal_point):
    user = UserFactory()
    first = services.request_affiliation(user=user, organisation=organisation)

    second = services.request_affiliation(user=user, organisation=organisation)

    assert second == first
    assert AffiliationRequest.objects.count() == 1
    assert OutboxMessage.objects.filter(topic="taskforce.affiliation_request_received").count() == 1


def test_request_affiliation_refuses_an_unapproved_organisation():
    organisation = OrganisationFactory(approved=False)

    with pytest.raises(ValidationError):
        services.request_affiliation(user=UserFactory(), organisation=organisation)

    assert AffiliationRequest.objects.count() == 0


def test_request_affiliation_refuses_a_member(organisation):
    user = member_of(organisation)

    with pytest.raises(ValidationError):
        services.request_affiliation(user=user, organisation=organisation)

    assert AffiliationRequest.objects.count() == 0


def test_one_pending_request_per_user_and_organisation_is_a_database_rule(organisation):
    user = UserFactory()
    AffiliationRequest.objects.create(user=user, organisation=organisation)

    with pytest.raises(ValidationError):
        AffiliationRequest(user=user, organisation=organisation).full_clean()


def test_a_request_names_an_organisation_or_a_proposal_not_both(organisation):
    both = AffiliationRequest(user=UserFactory(), organisation=organisation, proposed_name="X")
    neither = AffiliationRequest(user=UserFactory())

    with pytest.raises(ValidationError):
        both.full_clean()
    with pytest.raises(ValidationError):
        neither.full_clean()


# Approving and declining --------------------------------------------------------------------


def test_approve_creates_the_person_from_the_user_and_an_active_affiliation(
    organisation, focal_point
):
    user = UserFactory(full_name="Nguyễn Thị Lan", email="lan@example.org")
    affiliation_request = services.request_affiliation(
        user=user, organisation=organisation, position="Researcher"
    )

    affiliation = services.approve_affiliation_request(
        affiliation_request=affiliation_request, by=focal_point
    )

    affiliation_request.refresh_from_db()
    person = Person.objects.get(user=user)
    assert (person.name, person.email) == ("Nguyễn Thị Lan", "lan@example.org")
    assert (affiliation.person, affiliation.organisation, affiliation.position) == (
        person,
        organisation,
        "Researcher",
    )
    assert affiliation.is_active is True
    assert affiliation.is_focal_point is False
    assert (affiliation_request.status, affiliation_request.decided_by) == ("approved", focal_point)
    assert _recipients("taskforce.affiliation_request_approved") == ["lan@example.org"]


def test_approve_links_the_person_the_organisation_already_lists(organisation, focal_point):
    listed = AffiliationFactory(
        organisation=organisation, person=PersonFactory(email="Lan@Example.org")
    ).person
    user = UserFactory(email="lan@example.org")
    affiliation_request = services.request_affiliation(user=user, organisation=organisation)

    services.approve_affiliation_request(affiliation_request=affiliation_request, by=focal_point)

    listed.refresh_from_db()
    assert (listed.user, listed.email) == (user, "lan@example.org")
    assert Person.objects.filter(user=user).count() == 1
    assert Affiliation.objects.filter(person=listed, organisation=organisation).count() == 1


def test_approve_twice_returns_the_same_affiliation(organisation, focal_point):
    affiliation_request = services.request_affiliation(
        user=UserFactory(), organisation=organisation
    )
    first = services.approve_affiliation_request(
        affiliation_request=affiliation_request, by=focal_point
    )

    second = services.approve_affiliation_request(
        affiliation_request=affiliation_request, by=focal_point
    )

    assert second == first
    assert OutboxMessage.objects.filter(topic="taskforce.affiliation_request_approved").count() == 1


def test_staff_approve_any_request(organisation):
    affiliation_request = services.request_affiliation(
        user=UserFactory(), organisation=organisation
    )

    services.approve_affiliation_request(affiliation_request=affiliation_request, by=staff_user())

    affiliation_request.refresh_from_db()
    assert affiliation_request.status == "approved"


@pytest.mark.parametrize("who", ["member", "other_focal_point", "stranger"])
def test_only_focal_points_and_staff_decide(organisation, focal_point, who):
    deciders = {
        "member": lambda: member_of(organisation),
        "other_focal_point": lambda: member_of(OrganisationFactory(), focal_point=True),
        "stranger": UserFactory,
    }
    affiliation_request = services.request_affiliation(
        user=UserFactory(), organisation=organisation
    )

    with pytest.raises(PermissionDenied):
        services.approve_affiliation_request(
            affiliation_request=affiliation_request, by=deciders[who]()
        )
    with pytest.raises(PermissionDenied):
        services.decline_affiliation_request(
            affiliation_request=affiliation_request, by=deciders[who](), reason="No"
        )

    affiliation_request.refresh_from_db()
    assert affiliation_request.status == "pending"


def test_decline_keeps_the_reason_and_tells_the_user(organisation, focal_point):
    user = UserFactory(email="lan@example.org")
    affiliation_request = services.request_affiliation(user=user, organisation=organisation)

    services.decline_affiliation_request(
        affiliation_request=affiliation_request, by=focal_point, reason=" Not our staff. "
    )

    affiliation_request.refresh_from_db()
    assert (affiliation_request.status, affiliation_request.decision_reason) == (
        "declined",
        "Not our staff.",
    )
    message = OutboxMessage.objects.get(topic="taskforce.affiliation_request_declined")
    assert message.to_email == "lan@example.org"
    assert "Not our staff." in message.body_text
    assert Affiliation.objects.filter(person__user=user).count() == 0


def test_decline_needs_a_reason(organisation, focal_point):
    affiliation_request = services.request_affiliation(
        user=UserFactory(), organisation=organisation
    )

    with pytest.raises(ValidationError) as raised:
        services.decline_affiliation_request(
            affiliation_request=affiliation_request, by=focal_point, reason="   "
        )

    assert list(raised.value.error_dict) == ["reason"]
    affiliation_request.refresh_from_db()
    assert affiliation_request.status == "pending"


def test_a_declined_request_cannot_be_approved(organisation, focal_point):
    affiliation_request = services.request_affiliation(
        user=UserFactory(), organisation=organisation
    )
    services.decline_affiliation_request(
        affiliation_request=affiliation_request, by=focal_point, reason="No"
    )

    with pytest.raises(ValidationError):
        services.approve_affiliation_request(
            affiliation_request=affiliation_request, by=focal_point
        )

    assert Affiliation.objects.filter(organisation=organisation).count() == 1


def test_withdraw_by_the_user_and_only_by_them(organisation):
    user = UserFactory()
    affiliation_request = services.request_affiliation(user=user, organisation=organisation)

    with pytest.raises(PermissionDenied):
        services.withdraw_affiliation_request(
            affiliation_request=affiliation_request, by=UserFactory()
        )
    services.withdraw_affiliation_request(affiliation_request=affiliation_request, by=user)
    again = services.withdraw_affiliation_request(affiliation_request=affiliation_request, by=user)

    assert again.status == "withdrawn"
    assert services.request_affiliation(user=user, organisation=organisation).status == "pending"


# Proposing a new organisation ---------------------------------------------------------------


def test_propose_organisation_creates_it_unapproved_and_mails_staff():
    staff_user(email="secretariat@example.org")
    user = UserFactory()

    affiliation_request = services.propose_organisation(
        user=user,
        name="Koperasi  Desa",
        acronym="KD",
        kind=OrganisationKind.COOPERATIVE,
        country=country("ID"),
        website="https://koperasi.example.org",
        position="Chair",
    )

    organisation = affiliation_request.proposed_organisation
    assert (organisation.name, organisation.acronym, organisation.approved) == (
        "Koperasi Desa",
        "KD",
        False,
    )
    assert (affiliation_request.organisation, affiliation_request.proposed_name) == (
        None,
        "Koperasi Desa",
    )
    assert _recipients("taskforce.affiliation_request_received") == ["secretariat@example.org"]


def test_propose_an_organisation_already_in_the_directory_is_refused(organisation):
    with pytest.raises(ValidationError) as raised:
        services.propose_organisation(
            user=UserFactory(), name="bayan family of foundations", kind="foundation"
        )

    assert list(raised.value.error_dict) == ["name"]
    assert Organisation.objects.count() == 1


def test_propose_twice_returns_the_pending_proposal():
    user = UserFactory()
    first = services.propose_organisation(user=user, name="Koperasi Desa", kind="cooperative")

    second = services.propose_organisation(user=user, name="Koperasi Desa", kind="cooperative")

    assert second == first
    assert Organisation.objects.filter(name="Koperasi Desa").count() == 1


def test_staff_approve_a_proposal_and_the_proposer_becomes_its_focal_point():
    user = UserFactory(full_name="Siti Aminah")
    affiliation_request = services.propose_organisation(
        user=user, name="Koperasi Desa", kind="cooperative", position="Chair"
    )

    affiliation = services.approve_affiliation_request(
        affiliation_request=affiliation_request, by=staff_user()
    )

    organisation = Organisation.objects.get(name="Koperasi Desa")
    assert organisation.approved is True
    assert (affiliation.organisation, affiliation.is_focal_point, affiliation.position) == (
        organisation,
        True,
        "Chair",
    )


def test_a_focal_point_cannot_approve_a_proposal(organisation, focal_point):
    affiliation_request = services.propose_organisation(
        user=UserFactory(), name="Koperasi Desa", kind="cooperative"
    )

    with pytest.raises(PermissionDenied):
        services.approve_affiliation_request(
            affiliation_request=affiliation_request, by=focal_point
        )


def test_declining_a_proposal_removes_the_unapproved_organisation():
    affiliation_request = services.propose_organisation(
        user=UserFactory(), name="Koperasi Desa", kind="cooperative"
    )

    services.decline_affiliation_request(
        affiliation_request=affiliation_request, by=staff_user(), reason="Not an SSE actor."
    )

    affiliation_request.refresh_from_db()
    assert Organisation.objects.filter(name="Koperasi Desa").exists() is False
    assert (affiliation_request.proposed_organisation, affiliation_request.proposed_name) == (
        None,
        "Koperasi Desa",
    )


# What a focal point keeps -------------------------------------------------------------------


def test_update_organisation_profile_keeps_the_slug(organisation, focal_point):
    services.update_organisation_profile(
        organisation=organisation,
        by=focal_point,
        name="Bayan  Family of Foundations Inc.",
        acronym="BFF",
        kind=OrganisationKind.FOUNDATION,
        country=country("PH"),
        website="https://bff.example.org",
        description="Since 1988.",
    )

    organisation.refresh_from_db()
    assert (organisation.name, organisation.slug, organisation.website) == (
        "Bayan Family of Foundations Inc.",
        "bff",
        "https://bff.example.org",
    )


def test_update_organisation_profile_refuses_a_member(organisation):
    with pytest.raises(PermissionDenied):
        services.update_organisation_profile(
            organisation=organisation,
            by=member_of(organisation),
            name="Renamed",
            kind="foundation",
            country=None,
        )

    organisation.refresh_from_db()
    assert organisation.name == "Bayan Family of Foundations"


def test_add_person_stores_names_in_nfc_in_any_script(organisation, focal_point):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Lan")

    affiliation = services.add_person_to_organisation(
        organisation=organisation,
        by=focal_point,
        name=decomposed,
        name_latin="Nguyen Thi Lan",
        email="lan@example.org",
        position="Researcher",
    )

    assert affiliation.person.name == unicodedata.normalize("NFC", "Nguyễn Thị Lan")
    assert affiliation.person.name != decomposed
    assert (affiliation.position, affiliation.is_active) == ("Researcher", True)


def test_add_person_refuses_an_address_already_listed(organisation, focal_point):
    services.add_person_to_organisation(
        organisation=organisation, by=focal_point, name="Lan", email="lan@example.org"
    )

    with pytest.raises(ValidationError) as raised:
        services.add_person_to_organisation(
            organisation=organisation, by=focal_point, name="Lan", email="LAN@example.org"
        )

    assert list(raised.value.error_dict) == ["email"]
    assert Person.objects.filter(email__iexact="lan@example.org").count() == 1


def test_update_person_changes_the_person_and_the_position(organisation, focal_point):
    affiliation = AffiliationFactory(organisation=organisation, person=PersonFactory(name="Lan"))

    services.update_person(
        affiliation=affiliation,
        by=focal_point,
        name="ឡាន សុខា",
        name_latin="Lan Sokha",
        email="sokha@example.org",
        phone="+855 12 345 678",
        listed_publicly=True,
        position="Director",
    )

    affiliation.refresh_from_db()
    person = affiliation.person
    assert (person.name, person.email, person.listed_publicly, affiliation.position) == (
        "ឡាន សុខា",
        "sokha@example.org",
        True,
        "Director",
    )


def test_update_person_keeps_a_linked_users_address(organisation, focal_point):
    user = member_of(organisation, email="lan@example.org")
    affiliation = Affiliation.objects.get(person__user=user)

    with pytest.raises(ValidationError) as raised:
        services.update_person(
            affiliation=affiliation, by=focal_point, name="Lan", email="other@example.org"
        )

    assert list(raised.value.error_dict) == ["email"]
    assert Person.objects.get(user=user).email == "lan@example.org"


def test_end_affiliation_ends_it_today(organisation, focal_point):
    affiliation = AffiliationFactory(organisation=organisation)

    services.end_affiliation(affiliation=affiliation, by=focal_point)

    affiliation.refresh_from_db()
    assert (affiliation.ended, affiliation.is_active) == (timezone.localdate(), False)
    assert OutboxMessage.objects.filter(topic="taskforce.last_focal_point_alert").count() == 0


def test_end_affiliation_twice_changes_nothing(organisation, focal_point):
    affiliation = AffiliationFactory(organisation=organisation, ended=dt.date(2024, 6, 1))

    services.end_affiliation(affiliation=affiliation, by=focal_point)

    affiliation.refresh_from_db()
    assert affiliation.ended == dt.date(2024, 6, 1)


def test_ending_the_last_focal_point_needs_confirmation(organisation, focal_point):
    staff_user(email="secretariat@example.org")
    affiliation = Affiliation.objects.get(person__user=focal_point)

    with pytest.raises(services.LastFocalPointError):
        services.end_affiliation(affiliation=affiliation, by=focal_point)

    affiliation.refresh_from_db()
    assert affiliation.ended is None
    assert OutboxMessage.objects.filter(topic="taskforce.last_focal_point_alert").count() == 0


def test_ending_the_last_focal_point_with_confirmation_alerts_staff(organisation, focal_point):
    staff_user(email="secretariat@example.org")
    staff_user(email="head@example.org")
    affiliation = Affiliation.objects.get(person__user=focal_point)

    services.end_affiliation(
        affiliation=affiliation,
        by=staff_user(email="clerk@example.org"),
        confirm_last_focal_point=True,
    )

    affiliation.refresh_from_db()
    assert affiliation.is_active is False
    assert _recipients("taskforce.last_focal_point_alert") == [
        "clerk@example.org",
        "head@example.org",
        "secretariat@example.org",
    ]
    message = OutboxMessage.objects.filter(topic="taskforce.last_focal_point_alert").first()
    assert "Bayan Family of Foundations" in message.body_text


def test_set_focal_point_then_unset_the_other_without_alert(organisation, focal_point):
    colleague = AffiliationFactory(organisation=organisation)
    staff_user()

    services.set_focal_point(affiliation=colleague, by=focal_point)
    services.unset_focal_point(
        affiliation=Affiliation.objects.get(person__user=focal_point), by=focal_point
    )

    colleague.refresh_from_db()
    assert colleague.is_focal_point is True
    assert Affiliation.objects.get(person__user=focal_point).is_focal_point is False
    assert OutboxMessage.objects.filter(topic="taskforce.last_focal_point_alert").count() == 0


def test_unsetting_the_last_focal_point_needs_confirmation_then_alerts(organisation, focal_point):
    staff_user(email="secretariat@example.org")
    affiliation = Affiliation.objects.get(person__user=focal_point)

    with pytest.raises(services.LastFocalPointError):
        services.unset_focal_point(affiliation=affiliation, by=focal_point)
    services.unset_focal_point(
        affiliation=affiliation, by=focal_point, confirm_last_focal_point=True
    )

    affiliation.refresh_from_db()
    assert affiliation.is_focal_point is False
    assert _recipients("taskforce.last_focal_point_alert") == ["secretariat@example.org"]


def test_set_focal_point_refuses_an_ended_affiliation(organisation, focal_point):
    former = AffiliationFactory(organisation=organisation, ended=dt.date(2024, 6, 1))

    with pytest.raises(ValidationError):
        services.set_focal_point(affiliation=former, by=focal_point)

    former.refresh_from_db()
    assert former.is_focal_point is False


def test_a_focal_point_of_another_organisation_keeps_nothing_here(organisation):
    outsider = member_of(OrganisationFactory(), focal_point=True)
    affiliation = AffiliationFactory(organisation=organisation)

    with pytest.raises(PermissionDenied):
        services.end_affiliation(affiliation=affiliation, by=outsider)
    with pytest.raises(PermissionDenied):
        services.set_focal_point(affiliation=affiliation, by=outsider)

    affiliation.refresh_from_db()
    assert (affiliation.ended, affiliation.is_focal_point) == (None, False)
