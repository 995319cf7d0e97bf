import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmap_portal.logistics import selectors, services
from roadmap_portal.logistics.models import FeedbackResponse
from roadmap_portal.logistics.services import LogisticsError
from roadmap_portal.logistics.tasks import invite_feedback
from tests.factories import ActivityFactory, RegistrationFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_activity(db):
    starts = timezone.now() - dt.timedelta(days=3)
    return ActivityFactory(
        title="Past workshop",
        starts_at=starts,
        ends_at=starts + dt.timedelta(days=1),
        registration_opens_at=starts - dt.timedelta(days=30),
        registration_closes_at=starts - dt.timedelta(days=7),
    )


@pytest.fixture
def past_registration(past_activity, organisation, member):
    return RegistrationFactory(
        activity=past_activity, person=member.person, organisation=organisation
    )


def _answers(registration, overall=5, relevance=4, text="Great field visit"):
    form = services.ensure_feedback_form(activity=registration.activity)
    ratings = list(form.questions.all())
    return {ratings[0].pk: overall, ratings[1].pk: relevance, ratings[2].pk: text}


def test_the_form_has_the_default_questions(past_activity):
    form = services.ensure_feedback_form(activity=past_activity)

    assert [q.kind for q in form.questions.all()] == ["rating", "rating", "text"]


def test_one_answer_per_participant(past_registration, member):
    services.submit_feedback(
        registration=past_registration, answers=_answers(past_registration), by=member
    )

    with pytest.raises(LogisticsError):
        services.submit_feedback(
            registration=past_registration, answers=_answers(past_registration), by=member
        )

    assert FeedbackResponse.objects.count() == 1


def test_feedback_waits_until_the_activity_is_over(registration, member):
    with pytest.raises(LogisticsError):
        services.submit_feedback(
            registration=registration, answers=_answers(registration), by=member
        )


def test_a_rating_outside_one_to_five_is_refused(past_registration, member):
    with pytest.raises(LogisticsError):
        services.submit_feedback(
            registration=past_registration,
            answers=_answers(past_registration, overall=9),
            by=member,
        )

    assert FeedbackResponse.objects.count() == 0


def test_only_the_participant_answers(past_registration, focal_point):
    with pytest.raises(LogisticsError):
        services.submit_feedback(
            registration=past_registration, answers=_answers(past_registration), by=focal_point
        )


def test_results_per_question(past_activity, past_registration, member, organisation):
    services.submit_feedback(
        registration=past_registration, answers=_answers(past_registration), by=member
    )
    other_user = member_of(organisation)
    other = RegistrationFactory(activity=past_activity, person=other_user.person)
    services.submit_feedback(
        registration=other, answers=_answers(other, overall=2, relevance=4, text=""), by=other_user
    )

    results = selectors.feedback_results(past_activity)

    overall, relevance, texts = results["questions"]
    assert results["responses"] == 2
    assert (overall["average"], overall["count"]) == (3.5, 2)
    assert overall["scores"] == [(1, 0), (2, 1), (3, 0), (4, 0), (5, 1)]
    assert relevance["average"] == 4.0
    assert texts["texts"] == ["Great field visit"]


def test_invitations_go_once_to_confirmed_participants(
    past_activity, past_registration, django_capture_on_commit_callbacks
):
    from django.core import mail

    RegistrationFactory(activity=past_activity, status="cancelled")

    with django_capture_on_commit_callbacks(execute=True):
        first = invite_feedback()
        second = invite_feedback()

    assert (first, second) == (1, 0)
    assert reverse("logistics:feedback", kwargs={"pk": past_registration.pk}) in mail.outbox[0].body


def test_me_page_lists_the_feedback_due(client, past_registration, member):
    client.force_login(member)

    html = client.get(reverse("me:home")).content.decode()

    assert reverse("logistics:feedback", kwargs={"pk": past_registration.pk}) in html


def test_feedback_page_records_the_answer(client, past_registration, member):
    answers = _answers(past_registration)
    client.force_login(member)

    response = client.post(
        reverse("logistics:feedback", kwargs={"pk": past_registration.pk}),
        {f"q{pk}": value for pk, value in answers.items()},
    )

    assert response.status_code == 302
    assert FeedbackResponse.objects.get().registration == past_registration


def test_feedback_page_hides_another_persons_form(client, past_registration):
    from tests.factories import OrganisationFactory

    client.force_login(member_of(OrganisationFactory()))

    response = client.get(reverse("logistics:feedback", kwargs={"pk": past_registration.pk}))

    assert response.status_code == 404


def test_results_page_for_staff_only(client, past_activity, staff, member):
    url = reverse("logistics_console:feedback", kwargs={"pk": past_activity.pk})
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200
