import pytest
from django.urls import reverse

from tests.factories import admin_user
from tests.training.builders import attend_all, enrol, make_ended_cohort
from training.models import Certificate, Cohort, Course, SessionAttendance

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Course, Cohort, SessionAttendance, Certificate])
def test_admin_lists_the_training_tables(client, model):
    cohort = make_ended_cohort(sessions=1, threshold=100)
    attend_all(cohort, [enrol(cohort)])
    client.force_login(admin_user())

    response = client.get(reverse(f"admin:training_{model._meta.model_name}_changelist"))

    assert response.status_code == 200


def test_admin_cannot_add_or_change_certificates(client):
    cohort = make_ended_cohort(sessions=1, threshold=100)
    [certificate] = attend_all(cohort, [enrol(cohort)])
    client.force_login(admin_user())

    add = client.get(reverse("admin:training_certificate_add"))
    change = client.post(
        reverse("admin:training_certificate_change", args=[certificate.pk]), {"code": "x"}
    )

    assert add.status_code == 403
    assert change.status_code == 403
    certificate.refresh_from_db()
    assert certificate.code != "x"


def test_admin_shows_a_cohort_with_its_sessions(client):
    cohort = make_ended_cohort(sessions=2)
    client.force_login(admin_user())

    response = client.get(reverse("admin:training_cohort_change", args=[cohort.pk]))

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.queryset.count() == 2
