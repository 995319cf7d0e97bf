"""The staff pages of the reports: permissions, export at once or as a job, preview, download."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap_portal.roadmap import report_services
from roadmap_portal.roadmap.models import ReportJob, ReportJobState, ReportSnapshot
from tests.factories import OrganisationFactory, UserFactory, member_of, staff_user

pytestmark = pytest.mark.django_db

EXPORT = "/manage/reports/tiny/one/"


@pytest.fixture
def staff_client(client):
    client.force_login(staff_user())
    return client


def _queued_job(**fields):
    return ReportJob.objects.create(
        kind="tiny",
        subject_slug="one",
        subject_title="Tiny report one",
        audience="staff",
        **fields,
    )


@pytest.mark.parametrize(
    "url",
    ["/manage/reports/", EXPORT, EXPORT + "preview/"],
)
def test_report_pages_send_anonymous_visitors_to_sign_in(client, tiny_report, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "url",
    ["/manage/reports/", EXPORT, EXPORT + "preview/"],
)
def test_report_pages_refuse_members_without_the_console_permission(client, tiny_report, url):
    client.force_login(member_of(OrganisationFactory(), focal_point=True))

    assert client.get(url).status_code == 403
    assert client.post(EXPORT, {"audience": "staff"}).status_code == 403
    assert ReportSnapshot.objects.count() == 0


def test_report_index_lists_the_kinds_and_what_they_report_on(staff_client, tiny_report):
    response = staff_client.get("/manage/reports/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tiny report" in html
    assert EXPORT in html
    assert "Dialogue report" in html
    assert "Roadmap progress report 2025–2030" in html


def test_report_index_costs_the_same_queries_with_few_and_many_snapshots(
    staff_client, tiny_report, django_assert_num_queries
):
    report_services.issue_report(kind_key="tiny", subject_slug="one", audience="staff")
    staff_client.get("/manage/reports/")
    with CaptureQueriesContext(connection) as few:
        staff_client.get("/manage/reports/")
    for _ in range(4):
        report_services.issue_report(kind_key="tiny", subject_slug="one", audience="public")

    with django_assert_num_queries(len(few.captured_queries)):
        staff_client.get("/manage/reports/")


def test_export_page_shows_the_versions_and_the_issued_snapshots(staff_client, tiny_report):
    snapshot = report_services.issue_report(kind_key="tiny", subject_slug="one", audience="staff")

    response = staff_client.get(EXPORT)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Export report (PDF)" in html
    assert "The PDF comes back at once." in html
    assert reverse("reports:snapshot_download", args=[snapshot.pk]) in html
    assert EXPORT + "preview/?version=staff" in html


def test_export_of_an_unknown_report_or_subject_is_not_found(staff_client, tiny_report):
    assert staff_client.get("/manage/reports/nope/one/").status_code == 404
    assert staff_client.get("/manage/reports/tiny/missing/").status_code == 404


def test_exporting_a_small_report_downloads_it_at_once(staff_client, tiny_report):
    response = staff_client.post(EXPORT, {"audience": "public"}, follow=True)

    snapshot = ReportSnapshot.objects.get()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="tiny-one-public-{snapshot.created_at.date().isoformat()}.pdf"'
    )
    assert response.content == report_services.read_snapshot(snapshot=snapshot)
    assert ReportJob.objects.count() == 0


def test_exporting_with_no_version_chosen_changes_nothing(staff_client, tiny_report):
    response = staff_client.post(EXPORT, {})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert ReportSnapshot.objects.count() == 0


def test_exporting_a_large_report_runs_a_job_and_shows_its_page(
    staff_client, tiny_report, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_ASYNC_ROW_THRESHOLD = 1

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(EXPORT, {"audience": "staff"})

    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:job_detail", args=[job.pk])
    page = staff_client.get(response.url).content.decode()
    assert "Stored." in page
    assert reverse("reports:snapshot_download", args=[job.snapshot_id]) in page
    assert 'http-equiv="refresh"' not in page


def test_job_page_of_a_running_job_shows_progress_and_refreshes_itself(staff_client, tiny_report):
    job = _queued_job(state=ReportJobState.GATHERING, rows_done=40, rows_total=100)

    html = staff_client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()

    assert "Gathering rows: 40 of 100" in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress max="100" value="40">' in html


def test_job_page_of_a_queued_job_says_queued(staff_client, tiny_report):
    job = _queued_job()

    html = staff_client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()

    assert '<li aria-current="step">Queued</li>' in html
    assert 'http-equiv="refresh"' in html


def test_job_page_of_a_failed_job_shows_the_reason(staff_client, tiny_report):
    job = _queued_job(state=ReportJobState.FAILED, error="The worker died.")

    html = staff_client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()

    assert "The worker died." in html
    assert 'http-equiv="refresh"' not in html


def test_job_page_refuses_members(client, tiny_report):
    job = _queued_job()
    client.force_login(member_of(OrganisationFactory()))

    assert client.get(reverse("reports:job_detail", args=[job.pk])).status_code == 403


def test_preview_renders_the_report_template_as_html(staff_client, tiny_report):
    response = staff_client.get(EXPORT + "preview/?version=staff")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview of the Staff version as HTML." in html
    assert '<body class="report report-tiny is-preview">' in html
    assert "/static/css/report.css" in html


def test_preview_of_an_unknown_version_is_not_found(staff_client, tiny_report):
    assert staff_client.get(EXPORT + "preview/?version=press").status_code == 404


def test_snapshot_download_checks_the_permission(client, tiny_report):
    snapshot = report_services.issue_report(kind_key="tiny", subject_slug="one", audience="staff")
    url = reverse("reports:snapshot_download", args=[snapshot.pk])

    anonymous = client.get(url)
    client.force_login(UserFactory())
    signed_in = client.get(url)

    assert anonymous.status_code == 302
    assert signed_in.status_code == 403


def test_snapshot_download_refuses_a_damaged_file(staff_client, tiny_report):
    snapshot = report_services.issue_report(kind_key="tiny", subject_slug="one", audience="staff")
    with snapshot.file.storage.open(snapshot.file.name, "wb") as handle:
        handle.write(b"tampered")

    response = staff_client.get(reverse("reports:snapshot_download", args=[snapshot.pk]))

    assert response.status_code == 500
    assert "no longer matches its checksum" in response.content.decode()


def test_snapshot_download_of_a_missing_file_is_not_found(staff_client, tiny_report):
    snapshot = report_services.issue_report(kind_key="tiny", subject_slug="one", audience="staff")
    snapshot.file.storage.delete(snapshot.file.name)

    response = staff_client.get(reverse("reports:snapshot_download", args=[snapshot.pk]))

    assert response.status_code == 404
