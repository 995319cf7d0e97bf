import pytest

from roadmap_portal.registrations.models import Activity, kind_accessors
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def test_page_url_is_the_page_of_the_kinds_object(rotation):
    dialogue = rotation[0]

    assert dialogue.activity.page_url() == dialogue.get_absolute_url()


def test_page_url_is_empty_for_an_activity_no_kind_claims():
    assert ActivityFactory().page_url() == ""


def test_with_kind_objects_makes_page_url_free(rotation, django_assert_num_queries):
    dialogue = rotation[0]
    activity = Activity.objects.with_kind_objects().get(pk=dialogue.activity_id)

    with django_assert_num_queries(0):
        url = activity.page_url()

    assert url == dialogue.get_absolute_url()


def test_kind_accessors_name_each_installed_kind():
    assert "convening" in kind_accessors()
