import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from roadmap_portal.logistics import services
from roadmap_portal.logistics.checkin_codes import make_checkin_token
from roadmap_portal.logistics.models import (
    CheckIn,
    FeedbackResponse,
    MessageDelivery,
    RegistrationAnswer,
    SupportRequest,
    VisaLetterDetails,
)
from roadmap_portal.logistics.tasks import purge_expired
from tests.factories import country

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(activity, registration, member, staff):
    question = services.add_question(activity=activity, kind="dietary", label="Diet", by=staff)
    services.save_answers(registration=registration, answers={question.pk: "Vegan"})
    services.save_visa_details(
        registration=registration,
        passport_name="X",
        nationality=country("PH"),
        passport_number="P1",
        by=member,
    )
    services.check_in(token=make_checkin_token(registration), activity=activity, by=staff)
    support = services.request_support(
        registration=registration,
        kind="travel",
        amount=Decimal(100),
        currency="USD",
        justification="My reasons",
        by=member,
    )
    services.decide_support(support_request=support, approve=True, amount=Decimal(80), by=staff)
    services.send_activity_message(activity=activity, subject="S", body="B", audience={}, by=staff)
    return registration


def _move_to_past(activity, days):
    ends = timezone.now() - dt.timedelta(days=days)
    activity.starts_at, activity.ends_at = ends - dt.timedelta(days=1), ends
    activity.registration_opens_at = ends - dt.timedelta(days=60)
    activity.registration_closes_at = ends - dt.timedelta(days=30)
    activity.save()


def test_purge_deletes_or_anonymises_the_personal_data(activity, everything):
    counts = services.purge_personal_logistics(activity=activity)

    support = SupportRequest.objects.get()
    assert counts == {
        "answers": 1,
        "visa_details": 1,
        "check_ins": 1,
        "deliveries": 1,
        "support_requests": 1,
        "feedback": 0,
    }
    assert RegistrationAnswer.objects.count() == VisaLetterDetails.objects.count() == 0
    assert CheckIn.objects.count() == 0
    assert MessageDelivery.objects.get().to_email == ""
    assert (support.justification, support.amount_approved) == ("", Decimal(80))


def test_purge_twice_changes_nothing_the_second_time(activity, everything):
    services.purge_personal_logistics(activity=activity)

    assert set(services.purge_personal_logistics(activity=activity).values()) == {0}


def test_purge_keeps_feedback_answers_without_the_person(activity, everything, member):
    _move_to_past(activity, days=2)
    form = services.ensure_feedback_form(activity=activity)
    rating, relevance, text = form.questions.all()
    services.submit_feedback(
        registration=everything, answers={rating.pk: 4, relevance.pk: 5, text.pk: "ok"}, by=member
    )

    services.purge_personal_logistics(activity=activity)

    response = FeedbackResponse.objects.get()
    assert response.registration is None
    assert response.answers.count() == 3


def test_the_periodic_task_purges_only_activities_past_retention(activity, everything, settings):
    settings.LOGISTICS_RETENTION_DAYS = 30
    _move_to_past(activity, days=10)
    assert purge_expired() == 0
    assert RegistrationAnswer.objects.count() == 1

    _move_to_past(activity, days=40)
    assert purge_expired() == 1
    assert RegistrationAnswer.objects.count() == 0
