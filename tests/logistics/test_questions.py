import pytest
from django.urls import reverse

from roadmap_portal.logistics import services
from roadmap_portal.logistics.models import RegistrationAnswer, RegistrationQuestion
from roadmap_portal.logistics.services import LogisticsError
from roadmap_portal.registrations.models import Registration
from tests.factories import PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(activity, staff):
    return {
        "dietary": services.add_question(
            activity=activity, kind="dietary", label="Dietary needs", required=True, by=staff
        ),
        "tour": services.add_question(
            activity=activity,
            kind="choice",
            label="Field visit",
            by=staff,
            choices=["Cooperative farm", "Social enterprise"],
        ),
        "hotel": services.add_question(
            activity=activity, kind="yes_no", label="Hotel needed?", by=staff
        ),
    }


def _register(client, activity, organisation, person, **answers):
    return client.post(
        reverse("registrations:register", kwargs={"activity_pk": activity.pk}),
        {
            "organisation": organisation.pk,
            "people": [person.pk],
            "mode": "onsite",
            "next": "/me/",
            **answers,
        },
    )


def test_add_question_numbers_positions_and_keeps_choices(questions):
    assert [q.position for q in questions.values()] == [1, 2, 3]
    assert questions["tour"].choices == ["Cooperative farm", "Social enterprise"]


def test_add_question_refuses_a_choice_question_without_choices(activity, staff):
    with pytest.raises(LogisticsError):
        services.add_question(activity=activity, kind="choice", label="Pick", by=staff)

    assert RegistrationQuestion.objects.count() == 0


def test_add_question_is_for_staff_only(activity, member):
    with pytest.raises(LogisticsError):
        services.add_question(activity=activity, kind="text", label="Why?", by=member)


def test_register_form_saves_the_answers_with_the_registration(
    client, activity, organisation, member, questions
):
    client.force_login(member)

    _register(
        client,
        activity,
        organisation,
        member.person,
        **{
            f"question_{questions['dietary'].pk}": "Vegetarian",
            f"question_{questions['tour'].pk}": "Cooperative farm",
        },
    )

    registration = Registration.objects.get(person=member.person)
    answers = {a.question.label: a.value for a in registration.logistics_answers.all()}
    assert answers == {"Dietary needs": "Vegetarian", "Field visit": "Cooperative farm"}


def test_register_form_writes_nothing_when_a_required_answer_is_missing(
    client, activity, organisation, member, questions
):
    client.force_login(member)

    response = _register(client, activity, organisation, member.person)

    messages = [str(m) for m in response.wsgi_request._messages]
    assert Registration.objects.count() == 0
    assert RegistrationAnswer.objects.count() == 0
    assert messages == ["This field is required."]


def test_register_form_refuses_a_choice_not_offered(
    client, activity, organisation, member, questions
):
    client.force_login(member)

    _register(
        client,
        activity,
        organisation,
        member.person,
        **{
            f"question_{questions['dietary'].pk}": "None",
            f"question_{questions['tour'].pk}": "Beach",
        },
    )

    assert Registration.objects.count() == 0


def test_the_panel_asks_the_questions(client, activity, organisation, member, questions):
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = member
    html = Template("{% include 'registrations/_panel.html' %}").render(
        Context({"activity": activity, "request": request, "user": member})
    )

    assert f'name="question_{questions["dietary"].pk}"' in html
    assert "Cooperative farm" in html


def test_answers_page_and_csv_export(client, activity, organisation, staff, questions):
    registration = RegistrationFactory(
        activity=activity, organisation=organisation, person=PersonFactory(name="Siti Rahman")
    )
    services.save_answers(
        registration=registration,
        answers={questions["dietary"].pk: "Halal", questions["hotel"].pk: "yes"},
    )
    client.force_login(staff)

    page = client.get(reverse("logistics_console:answers", kwargs={"pk": activity.pk}))
    export = client.get(reverse("logistics_console:answers_csv", kwargs={"pk": activity.pk}))

    lines = b"".join(export.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert page.status_code == 200
    assert "Halal" in page.content.decode()
    assert lines[0] == "Name,Organisation,Mode,Status,Dietary needs,Field visit,Hotel needed?"
    assert lines[1] == "Siti Rahman,Bayan Family of Foundations,Onsite,Confirmed,Halal,,yes"


def test_answers_pages_are_for_staff(client, activity, member):
    client.force_login(member)
    for name in ("answers", "answers_csv", "questions"):
        assert (
            client.get(reverse(f"logistics_console:{name}", kwargs={"pk": activity.pk})).status_code
            == 403
        )


def test_questions_page_adds_a_built_in_question_with_its_usual_wording(client, activity, staff):
    client.force_login(staff)

    response = client.post(
        reverse("logistics_console:questions", kwargs={"pk": activity.pk}),
        {"kind": "accessibility", "label": "", "required": "on"},
    )

    question = RegistrationQuestion.objects.get()
    assert response.status_code == 302
    assert (question.label, question.required) == ("Accessibility needs", True)


def test_answers_page_costs_the_same_with_few_and_many_rows(
    client, activity, organisation, staff, questions
):
    from tests.logistics.test_messages import _queries

    client.force_login(staff)
    url = reverse("logistics_console:answers", kwargs={"pk": activity.pk})
    first = RegistrationFactory(activity=activity, organisation=organisation)
    services.save_answers(registration=first, answers={questions["dietary"].pk: "None"})
    few = _queries(client, url)
    for _index in range(5):
        other = RegistrationFactory(activity=activity, organisation=organisation)
        services.save_answers(registration=other, answers={questions["dietary"].pk: "Vegan"})

    assert _queries(client, url) == few
