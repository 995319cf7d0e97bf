import pytest
from django.core.management import call_command
from django.urls import reverse

from roadmap_portal.core import reports
from roadmap_portal.logistics import badges
from tests.factories import ActivityFactory, PersonFactory, RegistrationFactory
from tests.reports import pdfcheck

pytestmark = pytest.mark.django_db

NAMES = [
    ("สมชาย ใจดี", "Somchai Jaidee"),
    ("សុខ ចាន់", "Sok Chan"),
    ("ສົມພອນ ແກ້ວ", "Somphone Keo"),
    ("အောင်ကျော်", "Aung Kyaw"),
    ("山田花子", "Yamada Hanako"),
    ("Nguyễn Thị Lan", ""),
]


@pytest.fixture
def crowd(activity):
    return [
        RegistrationFactory(
            activity=activity,
            person=PersonFactory(name=name, name_latin=latin),
            role="speaker" if index == 0 else "participant",
        )
        for index, (name, latin) in enumerate(NAMES)
    ]


def test_badges_embed_a_font_for_every_script(activity, crowd):
    reader = pdfcheck.read(badges.render_badges(activity))

    text = " ".join(pdfcheck.page_texts(reader))
    assert pdfcheck.scripts_in(text) == {"thai", "khmer", "lao", "myanmar", "cjk"}
    assert pdfcheck.missing_fonts(reader, text) == set()
    assert "Somchai Jaidee" in pdfcheck.flat(text)


def test_badges_are_eight_per_a4_page(activity):
    for _index in range(9):
        RegistrationFactory(activity=activity)

    reader = pdfcheck.read(badges.render_badges(activity))

    assert len(reader.pages) == 2
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]


def test_badges_of_a_selection_only(activity, crowd):
    context = badges.badges_context(activity, registration_ids=[crowd[1].pk])

    assert [b["name"] for sheet in context["sheets"] for b in sheet] == ["សុខ ចាន់"]


def test_only_confirmed_people_get_badges(activity, crowd):
    RegistrationFactory(activity=activity, status="waitlisted")

    assert badges.badge_registrations(activity).count() == len(NAMES)


def test_render_report_badges_writes_the_pdf(tmp_path, crowd, activity):
    output = tmp_path / "badges.pdf"

    call_command("render_report", "badges", f"activity-{activity.pk}", "-o", str(output))

    reader = pdfcheck.read(output.read_bytes())
    assert "Aung Kyaw" in pdfcheck.flat(" ".join(pdfcheck.page_texts(reader)))


def test_badges_find_an_activity_by_its_kind_objects_slug():
    from dialogues.models import Convening

    convening = Convening.objects.select_related("activity").first()

    subject = reports.find_subject(reports.get_kind("badges"), convening.slug)

    assert subject.obj == convening.activity


def test_badges_report_refuses_an_unknown_slug():
    with pytest.raises(reports.SubjectNotFound):
        reports.find_subject(reports.get_kind("badges"), "no-such-thing")


def test_badges_page_downloads_a_pdf_for_staff(client, activity, crowd, staff):
    client.force_login(staff)

    response = client.get(
        reverse("logistics_console:badges", kwargs={"pk": activity.pk}),
        {"print": "1", "registration": [crowd[0].pk]},
    )

    assert response["Content-Type"] == "application/pdf"


def test_badges_page_is_for_staff(client, activity, member):
    client.force_login(member)

    response = client.get(reverse("logistics_console:badges", kwargs={"pk": activity.pk}))

    assert response.status_code == 403


def test_unused_activity_has_no_badges():
    assert badges.badges_context(ActivityFactory())["rows"] == 0
