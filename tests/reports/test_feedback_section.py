"""The feedback results, printed as a section of the dialogue report."""

import pytest

from roadmap_portal.core import reports
from roadmap_portal.logistics import services
from roadmap_portal.logistics.models import (
    FeedbackAnswer,
    FeedbackQuestion,
    FeedbackQuestionKind,
    FeedbackResponse,
)
from roadmap_portal.logistics.reports import feedback_section
from tests.reports import arrange, pdfcheck

pytestmark = pytest.mark.django_db

RATINGS = [5, 4, 4, 2, 5]  # average 4.0
TEXTS = ["More time for the country panels.", "", "ขอบคุณมาก", "", "非常有用"]


def _arrange(slug="feedback-workshop", *, people=5):
    """A held convening whose participants answered its feedback form: a rating question and
    a free text question."""
    convening = arrange.convening(slug=slug)
    registrations = arrange.participants(convening, count=people)
    form = services.ensure_feedback_form(activity=convening.activity)
    form.questions.all().delete()
    rating = FeedbackQuestion.objects.create(
        form=form,
        kind=FeedbackQuestionKind.RATING,
        label="How useful was the workshop?",
        position=1,
    )
    text = FeedbackQuestion.objects.create(
        form=form, kind=FeedbackQuestionKind.TEXT, label="What should we change?", position=2
    )
    for index, registration in enumerate(registrations):
        response = FeedbackResponse.objects.create(form=form, registration=registration)
        FeedbackAnswer.objects.create(
            response=response, question=rating, rating=RATINGS[index % len(RATINGS)]
        )
        FeedbackAnswer.objects.create(
            response=response, question=text, text=TEXTS[index % len(TEXTS)]
        )
    return convening


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    with arrange.rolled_back(django_db_blocker):
        convening = _arrange()
        kind = reports.get_kind("dialogue")
        subject = reports.find_subject(kind, convening.slug)
        return {
            "staff": reports.render(kind, subject, audience=reports.Audience.STAFF),
            "public": reports.render(kind, subject, audience=reports.Audience.PUBLIC),
        }


def _text(rendered):
    return " ".join(
        pdfcheck.flat(page) for page in pdfcheck.page_texts(pdfcheck.read(rendered.pdf))
    )


def _section(rendered):
    text = _text(rendered)
    return text[text.index("FEEDBACK FROM THE PARTICIPANTS") :]


def test_staff_version_shows_average_and_counts_per_score(printed):
    section = _section(printed["staff"])

    assert "5 responses" in section
    assert "How useful was the workshop? Average 4.00 out of 5, from 5 ratings." in section
    assert "SCORE NUMBER % SHARE 1 0 0 2 1 20 3 0 0 4 2 40 5 2 40 Total 5 100" in section


def test_staff_version_prints_the_free_texts_in_their_script(printed):
    reader = pdfcheck.read(printed["staff"].pdf)
    section = _section(printed["staff"])

    assert "What should we change?" in section
    assert "More time for the country panels." in section
    assert "ขอบคุณมาก" in section
    assert "非常有用" in section
    assert pdfcheck.missing_fonts(reader, " ".join(pdfcheck.page_texts(reader))) == set()


def test_public_version_keeps_the_figures_and_leaves_the_free_texts_out(printed):
    section = _section(printed["public"])

    assert "Average 4.00 out of 5, from 5 ratings." in section
    assert "More time for the country panels." not in section
    assert "非常有用" not in section
    assert "3 written answers, in the staff version only." in section


def test_section_says_so_when_no_feedback_came_in():
    convening = arrange.convening(slug="no-feedback")
    kind = reports.get_kind("dialogue")

    html = reports.render_html(
        reports.gather(kind, kind.find(convening.slug), audience=reports.Audience.STAFF)
    )

    assert "No feedback has been received for this activity." in html


@pytest.mark.parametrize("people", [2, 20])
def test_feedback_section_costs_four_queries_whatever_the_number_of_responses(
    people, django_assert_num_queries
):
    convening = _arrange(slug=f"feedback-{people}", people=people)

    with django_assert_num_queries(4):
        data = feedback_section(convening.activity, audience=reports.Audience.STAFF)

    assert data["responses"] == people
