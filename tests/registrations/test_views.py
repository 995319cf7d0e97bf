import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations import services
from roadmap_portal.registrations.models import (
    Access,
    Invitation,
    InvitationStatus,
    Mode,
    Registration,
    RegistrationStatus,
)
from roadmap_portal.registrations.signing import make_decline_token
from tests.factories import ActivityFactory, OrganisationFactory, UserFactory, country, member_of
from tests.registrations.conftest import colleague_of

pytestmark = pytest.mark.django_db

PAGE = "/dialogues/somewhere/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def register_url(activity):
    return reverse("registrations:register", kwargs={"activity_pk": activity.pk})


def post_register(client, activity, organisation, people, mode=Mode.ONSITE):
    return client.post(
        register_url(activity),
        {
            "organisation": organisation.pk,
            "people": [person.pk for person in people],
            "mode": mode,
            "next": PAGE,
        },
    )


# Registering --------------------------------------------------------------------------------


def test_register_view_sends_anonymous_visitors_to_sign_in(client, activity, organisation):
    response = post_register(client, activity, organisation, [])

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_register_view_forbids_users_without_an_organisation(client, activity, organisation):
    client.force_login(UserFactory())

    response = post_register(client, activity, organisation, [colleague_of(organisation)])

    assert response.status_code == 403


def test_register_view_forbids_staff_without_an_organisation(client, activity, organisation, staff):
    client.force_login(staff)

    response = post_register(client, activity, organisation, [colleague_of(organisation)])

    assert response.status_code == 403


def test_register_view_hides_another_organisation(client, activity, focal_point):
    other = OrganisationFactory()
    client.force_login(focal_point)

    response = post_register(client, activity, other, [colleague_of(other)])

    assert response.status_code == 404
    assert Registration.objects.count() == 0


def test_register_view_registers_several_colleagues_and_reports_each_outcome(
    client, organisation, focal_point
):
    activity = ActivityFactory(onsite_capacity=1)
    first = colleague_of(organisation, name="Carlo Sagun")
    second = colleague_of(organisation, name="Marian Dacawi")
    client.force_login(focal_point)

    response = post_register(client, activity, organisation, [first, second])

    assert response.status_code == 302
    assert response.url == PAGE
    statuses = dict(
        Registration.objects.filter(activity=activity).values_list("person__name", "status")
    )
    assert statuses == {"Carlo Sagun": "confirmed", "Marian Dacawi": "waitlisted"}
    assert messages_of(response) == [
        "Carlo Sagun is registered (onsite).",
        "Marian Dacawi is on the onsite waitlist, number 1.",
    ]


def test_register_view_reports_a_refusal_per_person(client, activity, organisation, focal_point):
    person = colleague_of(organisation, name="Carlo Sagun")
    services.register_person(
        activity=activity, person=person, organisation=organisation, mode="onsite", by=focal_point
    )
    client.force_login(focal_point)

    response = post_register(client, activity, organisation, [person], mode=Mode.ONLINE)

    assert messages_of(response) == [
        "Carlo Sagun is not registered: Carlo Sagun is already registered (confirmed)."
    ]
    assert Registration.objects.filter(person=person).count() == 1


def test_register_view_tells_pending_approval(client, organisation, member):
    activity = ActivityFactory(requires_approval=True)
    client.force_login(member)

    response = client.post(
        register_url(activity),
        {
            "organisation": organisation.pk,
            "people": [member.person.pk],
            "mode": "online",
            "motivation": "I host the dialogue in 2027.",
        },
    )

    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.motivation == "I host the dialogue in 2027."
    assert messages_of(response)[0].endswith("awaits the secretariat's approval.")


def test_register_view_lets_a_plain_member_register_only_themselves(
    client, activity, organisation, member
):
    colleague = colleague_of(organisation)
    client.force_login(member)

    response = post_register(client, activity, organisation, [colleague])

    assert response.status_code == 302
    assert Registration.objects.count() == 0
    assert len(messages_of(response)) == 1


def test_register_view_refuses_when_the_window_is_closed(client, organisation, focal_point):
    activity = ActivityFactory(registration_opens_at=None, registration_closes_at=None)
    person = colleague_of(organisation, name="Carlo Sagun")
    client.force_login(focal_point)

    response = post_register(client, activity, organisation, [person])

    assert Registration.objects.count() == 0
    assert messages_of(response) == [
        "Carlo Sagun is not registered: Registration for this activity is not open."
    ]


def test_register_view_ignores_an_unsafe_next(client, activity, organisation, member):
    client.force_login(member)

    response = client.post(
        register_url(activity),
        {
            "organisation": organisation.pk,
            "people": [member.person.pk],
            "mode": "onsite",
            "next": "https://evil.example/",
        },
    )

    assert response.url == "/me/"


# Cancel and leave the waitlist --------------------------------------------------------------


@pytest.fixture
def registration(activity, organisation, focal_point):
    return services.register_person(
        activity=activity,
        person=colleague_of(organisation, name="Carlo Sagun"),
        organisation=organisation,
        mode="onsite",
        by=focal_point,
    )


def test_cancel_view_sends_anonymous_visitors_to_sign_in(client, registration):
    response = client.post(reverse("registrations:cancel", kwargs={"pk": registration.pk}))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_cancel_view_hides_another_organisations_registration(client, registration):
    client.force_login(member_of(OrganisationFactory(), focal_point=True))

    response = client.post(reverse("registrations:cancel", kwargs={"pk": registration.pk}))

    assert response.status_code == 404


def test_cancel_view_forbids_a_plain_member_for_a_colleague(client, registration, member):
    client.force_login(member)

    response = client.post(reverse("registrations:cancel", kwargs={"pk": registration.pk}))

    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("actor", ["focal_point", "staff"])
def test_cancel_view_cancels(actor, request, client, registration):
    client.force_login(request.getfixturevalue(actor))

    response = client.post(
        reverse("registrations:cancel", kwargs={"pk": registration.pk}), {"next": PAGE}
    )

    registration.refresh_from_db()
    assert response.url == PAGE
    assert registration.status == RegistrationStatus.CANCELLED
    assert messages_of(response) == ["The registration of Carlo Sagun is cancelled."]


def test_cancel_view_lets_people_cancel_their_own(client, activity, organisation, member):
    own = services.register_person(
        activity=activity, person=member.person, organisation=organisation, mode="onsite", by=member
    )
    client.force_login(member)

    client.post(reverse("registrations:cancel", kwargs={"pk": own.pk}))

    own.refresh_from_db()
    assert own.status == RegistrationStatus.CANCELLED


def test_leave_waitlist_view_takes_the_person_off_the_list(client, organisation, member):
    activity = ActivityFactory(onsite_capacity=0)
    waiting = services.register_person(
        activity=activity, person=member.person, organisation=organisation, mode="onsite", by=member
    )
    client.force_login(member)

    response = client.post(reverse("registrations:leave_waitlist", kwargs={"pk": waiting.pk}))

    waiting.refresh_from_db()
    assert response.status_code == 302
    assert waiting.status == RegistrationStatus.CANCELLED


def test_leave_waitlist_view_tells_when_not_waitlisted(client, registration, focal_point):
    client.force_login(focal_point)

    response = client.post(reverse("registrations:leave_waitlist", kwargs={"pk": registration.pk}))

    assert messages_of(response) == ["Carlo Sagun is not on the waitlist."]


def test_leave_waitlist_view_hides_another_organisations_registration(client, registration):
    client.force_login(member_of(OrganisationFactory()))

    response = client.post(reverse("registrations:leave_waitlist", kwargs={"pk": registration.pk}))

    assert response.status_code == 404


# Invitations --------------------------------------------------------------------------------


@pytest.fixture
def invitation(organisation):
    activity = ActivityFactory(access=Access.INVITATION)
    return Invitation.objects.create(activity=activity, organisation=organisation)


def answer_url(invitation):
    return reverse("registrations:invitation_answer", kwargs={"pk": invitation.pk})


def test_invitation_answer_view_sends_anonymous_visitors_to_sign_in(client, invitation):
    response = client.post(answer_url(invitation), {"answer": "accept"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_invitation_answer_view_hides_another_organisations_invitation(client, invitation):
    client.force_login(member_of(OrganisationFactory(), focal_point=True))

    response = client.post(answer_url(invitation), {"answer": "accept"})

    assert response.status_code == 404


def test_invitation_answer_view_forbids_a_plain_member(client, invitation, member):
    client.force_login(member)

    response = client.post(answer_url(invitation), {"answer": "accept"})

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("answer", "status", "actor"),
    [
        ("accept", InvitationStatus.ACCEPTED, "focal_point"),
        ("decline", InvitationStatus.DECLINED, "focal_point"),
        ("accept", InvitationStatus.ACCEPTED, "staff"),
    ],
)
def test_invitation_answer_view_records_the_answer(
    answer, status, actor, request, client, invitation
):
    client.force_login(request.getfixturevalue(actor))

    response = client.post(answer_url(invitation), {"answer": answer, "next": PAGE})

    invitation.refresh_from_db()
    assert response.url == PAGE
    assert invitation.status == status


def test_invitation_answer_view_rejects_an_unknown_answer(client, invitation, focal_point):
    client.force_login(focal_point)

    response = client.post(answer_url(invitation), {"answer": "maybe"})

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert messages_of(response) == ["Choose to accept or to decline the invitation."]


# The decline link ---------------------------------------------------------------------------


def test_decline_page_shows_the_registration_without_changing_it(client, registration):
    url = reverse("registrations:decline", kwargs={"token": make_decline_token(registration)})

    response = client.get(url)

    registration.refresh_from_db()
    assert response.status_code == 200
    assert "Carlo Sagun" in response.content.decode()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_decline_page_declines_on_post(client, registration):
    url = reverse("registrations:decline", kwargs={"token": make_decline_token(registration)})

    response = client.post(url)

    registration.refresh_from_db()
    assert response.status_code == 302
    assert registration.status == RegistrationStatus.DECLINED
    assert "This registration is declined" in client.get(url).content.decode()


def test_decline_page_answers_404_to_a_forged_link(client):
    url = reverse("registrations:decline", kwargs={"token": "forged:token"})

    response = client.get(url)

    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


# The panel ----------------------------------------------------------------------------------


def render_panel(user, activity, **extra):
    request = RequestFactory().get("/dialogues/forum/")
    request.user = user
    return render_to_string(
        "registrations/_panel.html", {"activity": activity, **extra}, request=request
    )


def test_panel_asks_anonymous_visitors_to_sign_in_without_a_query(
    activity, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        html = render_panel(AnonymousUser(), activity)

    assert "Sign in</a> to register" in html


def test_panel_explains_to_users_without_an_organisation(activity):
    html = render_panel(UserFactory(), activity)

    assert "Registration is for members of the organisations of the network" in html


def test_panel_shows_the_focal_point_colleagues_seats_and_waitlist(organisation, focal_point):
    activity = ActivityFactory(onsite_capacity=1, online_capacity=None)
    seated = colleague_of(organisation, name="Carlo Sagun")
    waiting = colleague_of(organisation, name="Marian Dacawi")
    free = colleague_of(organisation, name="Eri Trinuri Adhi")
    for person in (seated, waiting):
        services.register_person(
            activity=activity,
            person=person,
            organisation=organisation,
            mode="onsite",
            by=focal_point,
        )

    html = render_panel(focal_point, activity)

    assert "Onsite seats left</dt><dd>0" in html
    assert "Online seats left</dt><dd>No limit" in html
    assert "number 1 in line" in html
    assert "Leave the waitlist" in html
    assert free.full_name in html
    assert f'value="{free.pk}"' in html
    assert f'value="{seated.pk}"' not in html  # already registered: listed, not offered
    assert "Register the people chosen" in html


def test_panel_offers_a_plain_member_only_themselves(activity, organisation, member):
    colleague = colleague_of(organisation)

    html = render_panel(member, activity)

    assert f'value="{member.person.pk}"' in html
    assert f'value="{colleague.pk}"' not in html
    assert "Register me" in html


def test_panel_posts_to_the_url_a_kinds_page_gives(activity, member):
    html = render_panel(member, activity, register_url="/dialogues/forum/register/")

    assert 'action="/dialogues/forum/register/"' in html


def test_panel_shows_why_registration_is_closed(organisation, member):
    activity = ActivityFactory(registration_opens_at=None, registration_closes_at=None)

    html = render_panel(member, activity)

    assert "Registration for this activity is not open." in html
    assert "Register me" not in html


def test_panel_lets_the_focal_point_answer_an_invitation(invitation, focal_point):
    html = render_panel(focal_point, invitation.activity)

    assert "Invitation: awaiting an answer." in html
    assert "Accept the invitation" in html
    assert "has not yet accepted the invitation" in html
    assert "Register the people chosen" not in html


def test_panel_tells_an_uninvited_organisation(member):
    activity = ActivityFactory(access=Access.INVITATION)

    html = render_panel(member, activity)

    assert "by invitation only and your organisation is not invited" in html


def test_panel_tells_a_focal_point_when_everyone_is_registered(activity, organisation, focal_point):
    services.register_person(
        activity=activity,
        person=focal_point.person,
        organisation=organisation,
        mode="onsite",
        by=focal_point,
    )

    html = render_panel(focal_point, activity)

    assert "Everyone of your organisation is registered." in html


def test_panel_links_staff_to_the_console(activity, staff):
    html = render_panel(staff, activity)

    assert reverse("activity_console:registration_list", kwargs={"pk": activity.pk}) in html


@pytest.mark.parametrize("registrations", [1, 12])
def test_panel_costs_a_fixed_number_of_queries(
    registrations, organisation, focal_point, django_assert_num_queries
):
    activity = ActivityFactory(onsite_capacity=5, seats_per_organisation=20)
    for _ in range(registrations):
        services.register_person(
            activity=activity,
            person=colleague_of(organisation),
            organisation=organisation,
            mode="onsite",
            by=focal_point,
        )
    colleague_of(organisation)
    user = type(focal_point).objects.get(pk=focal_point.pk)

    # The tenth reads the activity's registration questions (logistics), once per panel.
    with django_assert_num_queries(10):
        render_panel(user, activity)


def test_registering_writes_one_outbox_row_per_person(client, activity, organisation, focal_point):
    people = [colleague_of(organisation) for _ in range(2)]
    client.force_login(focal_point)

    post_register(client, activity, organisation, people)

    assert OutboxMessage.objects.filter(topic="registration.confirmed").count() == 2


# On a dialogue's page -----------------------------------------------------------------------


@pytest.fixture
def open_convening(db):
    from dialogues import services as dialogue_services

    starts_at = timezone.now() + dt.timedelta(days=60)
    convening = dialogue_services.create_convening(
        kind="forum",
        title="SSE-for-SDGs Forum 2027",
        slug="sse-forum-2027",
        host_country=country("PH"),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=8),
    )
    activity = convening.activity
    activity.registration_opens_at = timezone.now() - dt.timedelta(days=1)
    activity.onsite_capacity = 5
    activity.save()
    return convening


def test_dialogue_page_shows_the_panel_posting_to_the_dialogue(client, open_convening, focal_point):
    client.force_login(focal_point)

    html = client.get(open_convening.get_absolute_url()).content.decode()

    assert 'action="/dialogues/sse-forum-2027/register/"' in html
    assert "Register the people chosen" in html


def test_dialogue_register_url_registers_and_returns_to_the_dialogue(
    client, open_convening, organisation, focal_point
):
    person = colleague_of(organisation)
    client.force_login(focal_point)

    response = client.post(
        reverse("dialogues:convening_register", kwargs={"slug": open_convening.slug}),
        {"organisation": organisation.pk, "people": [person.pk], "mode": "onsite"},
    )

    assert response.status_code == 302
    assert response.url == open_convening.get_absolute_url()
    assert Registration.objects.get().activity_id == open_convening.activity_id


def test_dialogue_register_url_answers_404_for_an_unknown_dialogue(
    client, organisation, focal_point
):
    client.force_login(focal_point)

    response = client.post(
        reverse("dialogues:convening_register", kwargs={"slug": "no-such-dialogue"}),
        {"organisation": organisation.pk, "people": [], "mode": "onsite"},
    )

    assert response.status_code == 404


def test_dialogue_page_hides_the_panel_once_the_dialogue_is_held(client, member):
    from dialogues import services as dialogue_services

    starts_at = timezone.now() - dt.timedelta(days=30)
    convening = dialogue_services.create_convening(
        kind="workshop",
        title="ILO Regional Workshop",
        slug="ilo-workshop",
        host_country=country("TH"),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=8),
    )
    client.force_login(member)

    html = client.get(convening.get_absolute_url()).content.decode()

    assert 'id="registration"' not in html
