"""Member pages of the registry: joining, deciding requests, and an organisation's management."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap_portal.core.models import OutboxMessage
from taskforce import services
from taskforce.models import Affiliation, AffiliationRequest, Organisation, Person
from tests.factories import (
    AffiliationFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="HomeNet Thailand", slug="homenet-thailand")


@pytest.fixture
def focal_point(organisation):
    return member_of(organisation, focal_point=True, email="focal@example.org")


@pytest.fixture
def colleague(organisation):
    return AffiliationFactory(organisation=organisation, person=PersonFactory(name="Somchai"))


@pytest.fixture
def pending(organisation):
    return services.request_affiliation(
        user=UserFactory(full_name="Lan Nguyen"), organisation=organisation, position="Officer"
    )


@pytest.fixture
def users(organisation, focal_point):
    """Everyone the permission rules tell apart, by role."""
    return {
        "member": member_of(organisation),
        "focal_point": focal_point,
        "other_focal_point": member_of(OrganisationFactory(), focal_point=True),
        "stranger": UserFactory(),
        "staff": staff_user(),
    }


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context)


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _post(client, user, url, data=None):
    if user is not None:
        client.force_login(user)
    return client.post(url, data or {})


# Permissions on every page ------------------------------------------------------------------

MANAGE_PAGES = [
    ("taskforce:manage_profile", False),
    ("taskforce:manage_people", False),
    ("taskforce:manage_person_add", False),
    ("taskforce:manage_person_edit", True),
    ("taskforce:manage_affiliation_end", True),
    ("taskforce:manage_focal_point_unset", True),
    ("taskforce:manage_requests", False),
]

EXPECTED_MANAGE = {
    "anonymous": 302,
    "member": 403,
    "stranger": 403,
    "other_focal_point": 404,
    "focal_point": 200,
    "staff": 200,
}


@pytest.mark.parametrize("name, about_affiliation", MANAGE_PAGES)
@pytest.mark.parametrize("role", list(EXPECTED_MANAGE))
def test_manage_pages_answer_by_role(
    client, organisation, colleague, users, name, about_affiliation, role
):
    kwargs = {"slug": organisation.slug}
    if about_affiliation:
        kwargs["pk"] = colleague.pk

    response = _get(client, users.get(role), reverse(name, kwargs=kwargs))

    assert response.status_code == EXPECTED_MANAGE[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


def test_manage_page_of_another_organisations_affiliation_is_404(client, organisation, users):
    elsewhere = AffiliationFactory(organisation=OrganisationFactory())

    response = _get(
        client,
        users["focal_point"],
        reverse(
            "taskforce:manage_person_edit", kwargs={"slug": organisation.slug, "pk": elsewhere.pk}
        ),
    )

    assert response.status_code == 404


def test_manage_page_of_an_unapproved_organisation_is_404_for_staff(client, users):
    unapproved = OrganisationFactory(approved=False)

    response = _get(
        client, users["staff"], reverse("taskforce:manage_profile", args=[unapproved.slug])
    )

    assert response.status_code == 404


EXPECTED_REQUESTS = {
    "anonymous": 302,
    "member": 403,
    "stranger": 403,
    "other_focal_point": 200,
    "focal_point": 200,
    "staff": 200,
}


@pytest.mark.parametrize("role", list(EXPECTED_REQUESTS))
def test_request_list_answers_by_role(client, users, role):
    response = _get(client, users.get(role), reverse("me:requests"))

    assert response.status_code == EXPECTED_REQUESTS[role]


EXPECTED_DECISION = {
    "anonymous": 302,
    "member": 403,
    "stranger": 403,
    "other_focal_point": 404,
    "focal_point": 302,
    "staff": 302,
}


@pytest.mark.parametrize("role", list(EXPECTED_DECISION))
def test_approve_answers_by_role(client, users, pending, role):
    response = _post(client, users.get(role), reverse("me:request_approve", args=[pending.pk]))

    pending.refresh_from_db()
    assert response.status_code == EXPECTED_DECISION[role]
    assert pending.status == ("approved" if role in ("focal_point", "staff") else "pending")


@pytest.mark.parametrize("role", list(EXPECTED_DECISION))
def test_decline_answers_by_role(client, users, pending, role):
    response = _post(
        client,
        users.get(role),
        reverse("me:request_decline", args=[pending.pk]),
        {"reason": "Not a member of our staff."},
    )

    pending.refresh_from_db()
    assert response.status_code == EXPECTED_DECISION[role]
    assert pending.status == ("declined" if role in ("focal_point", "staff") else "pending")


@pytest.mark.parametrize("name", ["me:join", "me:propose_organisation", "me:home", "me:settings"])
def test_member_pages_send_anonymous_visitors_to_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["me:join", "me:propose_organisation"])
def test_joining_pages_are_open_to_every_signed_in_user(client, name):
    client.force_login(UserFactory())

    response = client.get(reverse(name))

    assert response.status_code == 200


# Joining ------------------------------------------------------------------------------------


def test_join_search_finds_approved_organisations_only(client, organisation):
    OrganisationFactory(name="HomeNet Philippines", approved=False)
    client.force_login(UserFactory())

    response = client.get(reverse("me:join"), {"q": "homenet"})

    assert response.status_code == 200
    assert [row[0] for row in response.context["results"]] == [organisation]
    assert reverse("me:join_organisation", args=[organisation.slug]) in response.content.decode()


def test_join_search_marks_my_organisations_and_pending_requests(client, organisation):
    other = OrganisationFactory(name="HomeNet Philippines")
    user = member_of(organisation)
    services.request_affiliation(user=user, organisation=other)
    client.force_login(user)

    response = client.get(reverse("me:join"), {"q": "homenet"})

    assert [(o.name, member, asked) for o, member, asked in response.context["results"]] == [
        ("HomeNet Philippines", False, True),
        ("HomeNet Thailand", True, False),
    ]


def test_request_to_join_sends_the_request_and_redirects(client, organisation, focal_point):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("me:join_organisation", args=[organisation.slug]),
        {"position": "Officer", "message": "I work in Chiang Mai."},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("me:home"), 302)]
    affiliation_request = AffiliationRequest.objects.get(user=user)
    assert (affiliation_request.organisation, affiliation_request.position) == (
        organisation,
        "Officer",
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Your request to join HomeNet Thailand is sent. You will hear by e-mail."
    ]


def test_request_to_join_an_unapproved_organisation_is_404(client):
    client.force_login(UserFactory())
    unapproved = OrganisationFactory(approved=False)

    response = client.get(reverse("me:join_organisation", args=[unapproved.slug]))

    assert response.status_code == 404


def test_request_to_join_my_own_organisation_is_refused_with_a_message(client, organisation):
    user = member_of(organisation)
    client.force_login(user)

    response = client.post(reverse("me:join_organisation", args=[organisation.slug]), {})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You already belong to HomeNet Thailand."
    ]
    assert AffiliationRequest.objects.count() == 0


def test_propose_organisation_creates_an_unapproved_one(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("me:propose_organisation"),
        {"name": "Koperasi Desa", "kind": "cooperative", "country": "ID", "position": "Chair"},
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Koperasi Desa")
    assert (organisation.approved, organisation.country_id) == (False, "ID")
    assert AffiliationRequest.objects.get(user=user).proposed_organisation == organisation


def test_propose_organisation_validates_with_clear_messages(client, organisation):
    client.force_login(UserFactory())

    response = client.post(
        reverse("me:propose_organisation"),
        {"name": "homenet  thailand", "kind": "cooperative", "website": "not a url"},
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["website"] == ["Enter a valid URL."]
    assert Organisation.objects.count() == 1


def test_propose_an_existing_organisation_points_to_it(client, organisation):
    client.force_login(UserFactory())

    response = client.post(
        reverse("me:propose_organisation"), {"name": "homenet  thailand", "kind": "cooperative"}
    )

    assert response.context["form"].errors["name"] == [
        "HomeNet Thailand is already in the directory: ask to join it instead."
    ]


def test_withdraw_my_request(client, pending):
    client.force_login(pending.user)

    response = client.post(reverse("me:request_withdraw", args=[pending.pk]))

    pending.refresh_from_db()
    assert response.status_code == 302
    assert pending.status == "withdrawn"


def test_withdraw_someone_elses_request_is_404(client, pending):
    client.force_login(UserFactory())

    response = client.post(reverse("me:request_withdraw", args=[pending.pk]))

    pending.refresh_from_db()
    assert response.status_code == 404
    assert pending.status == "pending"


# Deciding -----------------------------------------------------------------------------------


def test_focal_point_sees_and_approves_a_request_from_the_manage_page(
    client, organisation, focal_point, pending
):
    client.force_login(focal_point)
    manage_url = reverse("taskforce:manage_requests", args=[organisation.slug])
    page = client.get(manage_url)

    response = client.post(
        reverse("me:request_approve", args=[pending.pk]), {"next": manage_url}, follow=True
    )

    assert list(page.context["requests"]) == [pending]
    assert response.redirect_chain == [(manage_url, 302)]
    assert Affiliation.objects.get(person__user=pending.user).organisation == organisation
    assert list(response.context["requests"]) == []


def test_approve_ignores_a_next_address_on_another_site(client, focal_point, pending):
    client.force_login(focal_point)

    response = client.post(
        reverse("me:request_approve", args=[pending.pk]), {"next": "https://evil.example.com/"}
    )

    assert response["Location"] == reverse("me:requests")


def test_approve_is_post_only(client, focal_point, pending):
    client.force_login(focal_point)

    response = client.get(reverse("me:request_approve", args=[pending.pk]))

    assert response.status_code == 405


def test_decline_without_a_reason_shows_the_form_again(client, focal_point, pending):
    client.force_login(focal_point)

    response = client.post(reverse("me:request_decline", args=[pending.pk]), {"reason": "  "})

    pending.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Please say why the request is declined."]
    assert pending.status == "pending"


def test_decline_page_shows_the_request(client, focal_point, pending):
    client.force_login(focal_point)

    response = client.get(reverse("me:request_decline", args=[pending.pk]))

    assert response.status_code == 200
    assert "Lan Nguyen" in response.content.decode()


def test_staff_see_proposals_and_approve_them(client, users):
    proposal = services.propose_organisation(
        user=UserFactory(), name="Koperasi Desa", kind="cooperative"
    )
    client.force_login(users["staff"])

    page = client.get(reverse("me:requests"))
    client.post(reverse("me:request_approve", args=[proposal.pk]))

    assert proposal in list(page.context["requests"])
    assert Organisation.objects.get(name="Koperasi Desa").approved is True


def test_focal_points_do_not_see_proposals(client, focal_point, pending):
    proposal = services.propose_organisation(
        user=UserFactory(), name="Koperasi Desa", kind="cooperative"
    )
    client.force_login(focal_point)

    page = client.get(reverse("me:requests"))
    response = client.post(reverse("me:request_approve", args=[proposal.pk]))

    assert list(page.context["requests"]) == [pending]
    assert response.status_code == 404


def test_request_list_costs_the_same_queries_with_few_and_many_requests(
    client, organisation, focal_point, django_assert_num_queries
):
    client.force_login(focal_point)
    services.request_affiliation(user=UserFactory(), organisation=organisation)
    few = _queries(client, reverse("me:requests"))
    for _ in range(8):
        services.request_affiliation(user=UserFactory(), organisation=organisation)

    with django_assert_num_queries(few):
        response = client.get(reverse("me:requests"))

    assert len(response.context["requests"]) == 9


# Keeping an organisation --------------------------------------------------------------------


def test_profile_form_saves_through_the_service(client, organisation, focal_point):
    client.force_login(focal_point)
    url = reverse("taskforce:manage_profile", args=[organisation.slug])

    response = client.post(
        url,
        {
            "name": "HomeNet  Thailand Association",
            "acronym": "HNT",
            "kind": "network",
            "country": "TH",
            "website": "homenet.example.org",
            "description": "Home-based workers.",
        },
    )

    organisation.refresh_from_db()
    assert response["Location"] == url
    assert (organisation.name, organisation.website, organisation.slug) == (
        "HomeNet Thailand Association",
        "https://homenet.example.org",
        "homenet-thailand",
    )


def test_profile_form_refuses_a_blank_name(client, organisation, focal_point):
    client.force_login(focal_point)

    response = client.post(
        reverse("taskforce:manage_profile", args=[organisation.slug]),
        {"name": "   ", "kind": "network"},
    )

    organisation.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert organisation.name == "HomeNet Thailand"


def test_people_page_shows_contact_data(client, organisation, focal_point):
    AffiliationFactory(
        organisation=organisation,
        person=PersonFactory(name="Somchai", email="somchai@example.org", phone="+66 2 123 4567"),
    )
    client.force_login(focal_point)

    response = client.get(reverse("taskforce:manage_people", args=[organisation.slug]))

    html = response.content.decode()
    assert "somchai@example.org" in html
    assert "+66 2 123 4567" in html


def test_people_page_costs_the_same_queries_with_few_and_many_people(
    client, organisation, focal_point, django_assert_num_queries
):
    client.force_login(focal_point)
    url = reverse("taskforce:manage_people", args=[organisation.slug])
    few = _queries(client, url)
    AffiliationFactory.create_batch(10, organisation=organisation)
    member_of(organisation)

    with django_assert_num_queries(few):
        response = client.get(url)

    assert len(response.context["affiliations"]) == 12


def test_add_person_in_another_script(client, organisation, focal_point):
    client.force_login(focal_point)

    response = client.post(
        reverse("taskforce:manage_person_add", args=[organisation.slug]),
        {
            "name": "สมชาย  ใจดี",
            "name_latin": "Somchai Jaidee",
            "gender": "man",
            "email": "somchai@example.org",
            "position": "Coordinator",
        },
    )

    assert response["Location"] == reverse("taskforce:manage_people", args=[organisation.slug])
    affiliation = Affiliation.objects.get(person__email="somchai@example.org")
    assert (affiliation.person.name, affiliation.organisation) == ("สมชาย ใจดี", organisation)


def test_add_person_needs_a_name(client, organisation, focal_point):
    client.force_login(focal_point)

    response = client.post(
        reverse("taskforce:manage_person_add", args=[organisation.slug]),
        {"name": " ", "gender": "not_recorded"},
    )

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Person.objects.count() == 1


def test_edit_person(client, organisation, focal_point, colleague):
    client.force_login(focal_point)

    response = client.post(
        reverse("taskforce:manage_person_edit", args=[organisation.slug, colleague.pk]),
        {"name": "Somchai Jaidee", "gender": "man", "position": "Director"},
    )

    colleague.refresh_from_db()
    assert response.status_code == 302
    assert (colleague.person.name, colleague.position) == ("Somchai Jaidee", "Director")


def test_edit_person_with_an_account_keeps_the_address(client, organisation, focal_point):
    user = member_of(organisation, email="lan@example.org")
    affiliation = Affiliation.objects.get(person__user=user)
    client.force_login(focal_point)

    client.post(
        reverse("taskforce:manage_person_edit", args=[organisation.slug, affiliation.pk]),
        {"name": "Lan", "gender": "woman", "email": "other@example.org"},
    )

    assert Person.objects.get(user=user).email == "lan@example.org"


def test_end_affiliation(client, organisation, focal_point, colleague):
    client.force_login(focal_point)

    response = client.post(
        reverse("taskforce:manage_affiliation_end", args=[organisation.slug, colleague.pk])
    )

    colleague.refresh_from_db()
    assert response.status_code == 302
    assert colleague.is_active is False


def test_make_and_unmake_focal_point(client, organisation, focal_point, colleague):
    client.force_login(focal_point)

    client.post(reverse("taskforce:manage_focal_point_set", args=[organisation.slug, colleague.pk]))
    colleague.refresh_from_db()
    made = colleague.is_focal_point
    client.post(
        reverse("taskforce:manage_focal_point_unset", args=[organisation.slug, colleague.pk])
    )
    colleague.refresh_from_db()

    assert (made, colleague.is_focal_point) == (True, False)


def test_unsetting_the_last_focal_point_asks_for_confirmation_then_alerts_staff(
    client, organisation, focal_point
):
    staff_user(email="secretariat@example.org")
    own = Affiliation.objects.get(person__user=focal_point)
    url = reverse("taskforce:manage_focal_point_unset", args=[organisation.slug, own.pk])
    client.force_login(focal_point)

    first = client.post(url)
    own.refresh_from_db()
    still_focal_point = own.is_focal_point
    second = client.post(url, {"confirm_last_focal_point": "on"})
    own.refresh_from_db()

    assert first.status_code == 200
    assert first.context["form"].errors["confirm_last_focal_point"] == [
        "This is the organisation's last focal point: please confirm."
    ]
    assert still_focal_point is True
    assert second.status_code == 302
    assert own.is_focal_point is False
    assert list(
        OutboxMessage.objects.filter(topic="taskforce.last_focal_point_alert").values_list(
            "to_email", flat=True
        )
    ) == ["secretariat@example.org"]


def test_ending_the_last_focal_point_from_the_page_needs_the_box_ticked(
    client, organisation, focal_point, users
):
    own = Affiliation.objects.get(person__user=focal_point)
    url = reverse("taskforce:manage_affiliation_end", args=[organisation.slug, own.pk])
    client.force_login(users["staff"])

    page = client.get(url)
    refused = client.post(url)
    own.refresh_from_db()
    ended_too_early = own.ended is not None
    accepted = client.post(url, {"confirm_last_focal_point": "on"})
    own.refresh_from_db()

    assert page.context["form"].is_last is True
    assert refused.status_code == 200
    assert ended_too_early is False
    assert accepted.status_code == 302
    assert own.is_active is False
    assert OutboxMessage.objects.filter(topic="taskforce.last_focal_point_alert").count() == 1


def test_manage_requests_costs_the_same_queries_with_few_and_many_requests(
    client, organisation, focal_point, django_assert_num_queries
):
    client.force_login(focal_point)
    url = reverse("taskforce:manage_requests", args=[organisation.slug])
    services.request_affiliation(user=UserFactory(), organisation=organisation)
    few = _queries(client, url)
    for _ in range(8):
        services.request_affiliation(user=UserFactory(), organisation=organisation)

    with django_assert_num_queries(few):
        response = client.get(url)

    assert len(response.context["requests"]) == 9


def test_join_search_costs_the_same_queries_with_few_and_many_results(
    client, django_assert_num_queries
):
    client.force_login(UserFactory())
    OrganisationFactory(name="Cooperative of Davao")
    url = reverse("me:join") + "?q=cooperative"
    few = _queries(client, url)
    for number in range(30):
        OrganisationFactory(name=f"Cooperative of Cebu {number}")

    with django_assert_num_queries(few):
        response = client.get(url)

    assert len(response.context["results"]) == 25
    assert response.context["more_results"] is True
