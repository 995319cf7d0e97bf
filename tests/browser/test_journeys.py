"""The portal's main journeys, end to end in a real browser against a live server.

Data each journey needs before it starts is arranged with factories and services; the
journey itself is clicked and typed, as a person would. Key pages are saved at phone and
desktop widths under var/screenshots/ (the README's pictures come from there).
"""

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from dialogues import services as dialogue_services
from roadmap_portal.registrations.models import Registration
from roadmap_portal.roadmap.models import ReportJob, ReportSnapshot
from taskforce.models import Affiliation, Person
from tests.browser.conftest import link_in, mail_to, screenshot_at_both_widths, sign_in
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    AffiliationFactory,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    admin_user,
    country,
    member_of,
    staff_user,
)
from training import services as training_services
from training.models import Certificate, Cohort, CohortSession, DeliveryMode
from webinars import services as webinar_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_up_verifies_asks_to_join_and_the_focal_point_approves(page, phone_page):
    homenet = OrganisationFactory(name="HomeNet Philippines", slug="homenet-philippines")
    focal_point = _focal_point_of(homenet)

    # The newcomer signs up, then follows the link in the verification mail.
    page.goto(page.base + "/accounts/signup/")
    page.get_by_label("Full name").fill("Nguyễn Thị Lan")
    page.get_by_label("Email").fill("lan@example.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    [verification] = mail_to("lan@example.org")
    page.goto(page.base + link_in(verification, "/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/me/")

    # From /me/ they find the organisation and ask to join it.
    screenshot_at_both_widths(page, "me-newcomer")
    page.get_by_role("link", name="Ask to join your organisation").click()
    page.get_by_label("Organisation name").fill("HomeNet")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Ask to join").click()
    page.get_by_label("Your position").fill("Programme officer")
    page.get_by_label("Message").fill("I run the home-based workers' programme.")
    page.get_by_role("button", name="Ask to join").click()
    page.wait_for_url("**/me/")
    assert page.get_by_text("Your request to join HomeNet Philippines is sent.").is_visible()

    # The focal point, on a phone, decides the request.
    sign_in(phone_page, focal_point.email, PASSWORD)
    phone_page.get_by_role("link", name="Decide the requests").click()
    screenshot_at_both_widths(phone_page, "requests-to-decide")
    phone_page.get_by_role("button", name="Approve", exact=True).click()

    assert phone_page.get_by_text("Nguyễn Thị Lan now belongs to HomeNet Philippines.").is_visible()
    page.reload()
    assert page.get_by_role("heading", name="My organisations").is_visible()
    assert page.get_by_role("link", name="HomeNet Philippines").is_visible()
    assert (
        Affiliation.objects.filter(
            person__user__email="lan@example.org", organisation=homenet, ended=None
        ).count()
        == 1
    )


def _focal_point_of(organisation, name: str = "Rosa Dela Cruz"):
    """A signed-up focal point of ``organisation`` whose person record carries ``name``."""
    user = member_of(organisation, focal_point=True, full_name=name)
    person = Person.objects.get(user=user)
    person.name = name
    person.save()
    return user


def _colleagues(organisation, *names):
    people = []
    for name in names:
        person = PersonFactory(name=name)
        AffiliationFactory(person=person, organisation=organisation)
        people.append(person)
    return people


def _open_forum(*, slug: str, title: str, onsite: int, online: int):
    """A forum in two months whose registration is open, with few seats in each mode."""
    host = country("PH")
    first_day = (timezone.now() + dt.timedelta(days=60)).date()
    convening = dialogue_services.create_convening(
        kind="forum",
        title=title,
        slug=slug,
        host_country=host,
        starts_at=dialogue_services.local_datetime(first_day, dt.time(9), host.time_zone),
        ends_at=dialogue_services.local_datetime(first_day, dt.time(17), host.time_zone),
        city="Manila",
    )
    activity = convening.activity
    activity.onsite_capacity = onsite
    activity.online_capacity = online
    activity.registration_opens_at = timezone.now() - dt.timedelta(days=1)
    activity.registration_closes_at = activity.starts_at - dt.timedelta(days=7)
    activity.save()
    return convening


def _register(page, person_name: str, mode: str) -> None:
    panel = page.get_by_role("region", name="Registration")
    panel.get_by_label(person_name).check()
    panel.get_by_label(mode, exact=True).check()
    panel.get_by_role("button", name="Register the people chosen").click()


def test_a_focal_point_registers_colleagues_onsite_and_online_then_the_next_is_waitlisted(page):
    homenet = OrganisationFactory(name="HomeNet Philippines")
    focal_point = _focal_point_of(homenet)
    _colleagues(homenet, "Ana Reyes", "Ben Santos", "Carla Lim")
    _open_forum(slug="sse-forum-manila", title="SSE Forum Manila", onsite=1, online=1)
    sign_in(page, focal_point.email, PASSWORD)

    page.goto(page.base + "/dialogues/sse-forum-manila/")
    screenshot_at_both_widths(page, "dialogue-registration-panel")
    _register(page, "Ana Reyes", "Onsite")
    assert page.get_by_text("Ana Reyes is registered (onsite).").is_visible()
    _register(page, "Ben Santos", "Online")
    assert page.get_by_text("Ben Santos is registered (online).").is_visible()
    _register(page, "Carla Lim", "Onsite")
    assert page.get_by_text("Carla Lim is on the onsite waitlist, number 1.").is_visible()
    screenshot_at_both_widths(page, "dialogue-registered")

    page.get_by_role("link", name="My page").first.click()
    page.wait_for_url("**/me/")
    made = page.get_by_role("table").filter(has_text="Person")
    rows = [row.split("\t") for row in made.locator("tbody tr").all_inner_texts()]
    assert sorted((person, mode, status) for person, _activity, _when, mode, status in rows) == [
        ("Ana Reyes (HomeNet Philippines)", "Onsite", "Confirmed"),
        ("Ben Santos (HomeNet Philippines)", "Online", "Confirmed"),
        ("Carla Lim (HomeNet Philippines)", "Onsite", "Waitlisted"),
    ]
    screenshot_at_both_widths(page, "me-focal-point")


def test_a_member_sees_the_webinar_join_link_only_once_registered(page):
    member = member_of(OrganisationFactory(name="Bina Swadaya"))
    series = webinar_services.create_series(
        title="MySDG Academy x ASEC",
        slug="mysdg-asec",
        organiser=OrganisationFactory(name="MySDG Academy"),
        partners=[],
        description="Webinars for the Task Force.",
    )
    webinar_services.create_webinar(
        series=series,
        slug="sse-and-the-goals",
        title="SSE and the goals",
        abstract="How solidarity economy organisations report on the goals.",
        starts_at=(timezone.now() + dt.timedelta(days=20)).replace(second=0, microsecond=0),
        duration_minutes=60,
        time_zone="Asia/Kuala_Lumpur",
        language="en",
        platform="zoom",
        join_url="https://zoom.example.org/j/secret-room",
    )
    sign_in(page, member.email, PASSWORD)

    page.goto(page.base + "/webinars/sse-and-the-goals/")
    join = page.get_by_role("link", name="Join on Zoom")
    assert join.count() == 0
    assert "secret-room" not in page.content()
    page.get_by_role("region", name="Registration").get_by_role(
        "button", name="Register me"
    ).click()

    assert page.get_by_text("is registered (online).").is_visible()
    assert join.get_attribute("href") == "https://zoom.example.org/j/secret-room"
    screenshot_at_both_widths(page, "webinar-registered")


def _one_session_cohort(*, slug: str) -> Cohort:
    course = training_services.create_course(
        title="ASEAN SSE for SDGs Training Course", slug="sse-course"
    )
    module = training_services.add_module(course=course, title="SSE and the SDGs")
    starts_at = timezone.now() + dt.timedelta(days=30)
    cohort = training_services.create_cohort(
        course=course,
        title="Philippines cohort",
        slug=slug,
        schedule=training_services.CohortSchedule(
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            time_zone="Asia/Manila",
            delivery_mode=DeliveryMode.ONLINE,
            nominations_open_at=timezone.now() - dt.timedelta(days=1),
            nomination_deadline=starts_at - dt.timedelta(days=7),
            country=country("PH"),
            onsite_capacity=None,
            online_capacity=20,
            seats_per_organisation=2,
        ),
        eligible_countries=[],
        completion_threshold_percent=80,
    )
    training_services.add_session(
        cohort=cohort, module=module, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2)
    )
    return cohort


def test_a_nominee_is_accepted_attends_and_gets_a_certificate_anyone_can_verify(page, phone_page):
    homenet = OrganisationFactory(name="HomeNet Philippines")
    focal_point = _focal_point_of(homenet)
    [ana] = _colleagues(homenet, "Ana Reyes")
    ana.email = "ana@example.org"
    ana.save()
    staff = staff_user()
    cohort = _one_session_cohort(slug="philippines-2026")

    # The focal point nominates a colleague, on a phone.
    sign_in(phone_page, focal_point.email, PASSWORD)
    phone_page.goto(phone_page.base + "/training/cohorts/philippines-2026/")
    phone_page.get_by_label("Person").select_option(label="Ana Reyes")
    phone_page.get_by_label("Motivation").fill("She will co-host the 2026 dialogue in Manila.")
    phone_page.get_by_role("button", name="Nominate").click()
    assert phone_page.get_by_role("cell", name="Awaiting approval").is_visible()
    screenshot_at_both_widths(phone_page, "cohort-nominated")

    # Staff accept the nomination.
    sign_in(page, staff.email, PASSWORD)
    page.goto(page.base + "/training/cohorts/philippines-2026/review/")
    row = page.get_by_role("row").filter(has_text="Ana Reyes")
    row.get_by_label("Accept").check()
    row.get_by_role("button", name="Decide").click()
    assert (
        page.get_by_role("row").filter(has_text="Ana Reyes").get_by_text("Confirmed").is_visible()
    )
    screenshot_at_both_widths(page, "cohort-review")

    # The session takes place (moved into the past), and staff take attendance.
    session = CohortSession.objects.get(cohort=cohort)
    held_at = timezone.now() - dt.timedelta(hours=3)
    training_services.update_session(
        session=session,
        module=session.module,
        starts_at=held_at,
        ends_at=held_at + dt.timedelta(hours=2),
    )
    page.goto(page.base + f"/training/sessions/{session.pk}/attendance/")
    page.get_by_label("Ana Reyes").check()
    page.get_by_role("button", name="Save attendance").click()
    assert page.get_by_text("Attendance saved: 1 present, 0 absent.").is_visible()
    assert page.get_by_text("1 certificate issued.").is_visible()
    screenshot_at_both_widths(page, "session-attendance")

    # The focal point downloads the certificate; its verification page opens for anyone.
    phone_page.reload()
    with phone_page.expect_download() as download:
        phone_page.get_by_role("link", name="Certificate (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    certificate = Certificate.objects.get(registration__person=ana)
    assert download.value.suggested_filename == f"certificate-{certificate.code}.pdf"
    [issued] = [m for m in mail_to("ana@example.org") if "completed" in m.body]
    verify_path = f"/training/certificates/{certificate.code}/"
    assert re.search(re.escape(verify_path) + r"\s", issued.body), issued.body
    anonymous = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        visitor = anonymous.new_page()
        visitor.goto(page.base + verify_path)
        assert visitor.get_by_text("This certificate is valid.").is_visible()
        assert visitor.get_by_role("definition").filter(has_text="Ana Reyes").is_visible()
        screenshot_at_both_widths(visitor, "certificate-verification")
    finally:
        anonymous.close()


def test_staff_filter_the_registrations_confirm_the_pending_ones_and_export_csv(page):
    workshop = ActivityFactory(title="Host readiness workshop", requires_approval=True)
    forum = ActivityFactory(title="SSE Forum Manila")
    homenet = OrganisationFactory(name="HomeNet Philippines")
    for name in ("Ana Reyes", "Ben Santos"):
        RegistrationFactory(
            activity=workshop,
            person=PersonFactory(name=name),
            organisation=homenet,
            status="pending",
        )
    RegistrationFactory(
        activity=forum, person=PersonFactory(name="Carla Lim"), organisation=homenet
    )
    staff = staff_user()
    sign_in(page, staff.email, PASSWORD)

    page.goto(page.base + "/manage/participation/registrations/")
    filters = page.get_by_role("search", name="Filter the list")
    filters.get_by_label("Status").select_option(label="Awaiting approval")
    filters.get_by_role("button", name="Filter").click()
    assert page.get_by_role("status").inner_text() == "2 rows"
    screenshot_at_both_widths(page, "console-registrations")

    page.get_by_label("Tick Ana Reyes").check()
    page.get_by_label("Tick Ben Santos").check()
    page.get_by_label("With the ticked rows").select_option(label="Confirm")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("This will confirm 2 registrations").is_visible()
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("status").inner_text() == "2 rows done."
    assert sorted(
        Registration.objects.filter(activity=workshop).values_list("status", flat=True)
    ) == ["confirmed", "confirmed"]

    page.get_by_role("link", name="Back to the list").click()
    filters = page.get_by_role("search", name="Filter the list")
    filters.get_by_label("Status").select_option(label="Confirmed")
    filters.get_by_role("button", name="Filter").click()
    page.get_by_text("Export this list").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download 3 rows").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))

    header = rows[0]
    people = sorted(row[header.index("Person")] for row in rows[1:])
    assert people == ["Ana Reyes", "Ben Santos", "Carla Lim"]
    assert "E-mail" not in header
    assert download.value.suggested_filename.endswith(".csv")


def _forum_with_participants(count: int):
    convening = _open_forum(
        slug="sse-forum-manila", title="SSE Forum Manila", onsite=None, online=None
    )
    homenet = OrganisationFactory(name="HomeNet Philippines")
    for number in range(count):
        RegistrationFactory(
            activity=convening.activity,
            person=PersonFactory(name=f"Participant {number + 1}"),
            organisation=homenet,
        )
    return convening


def _export_dialogue_report(page, title: str) -> None:
    page.goto(page.base + "/manage/reports/")
    page.get_by_role("link", name=title).click()
    page.get_by_label("Staff version").check()


def test_an_admin_exports_a_small_dialogue_report_at_once(page):
    _forum_with_participants(3)
    admin = admin_user()
    sign_in(page, admin.email, PASSWORD)

    _export_dialogue_report(page, "SSE Forum Manila")
    assert page.get_by_text("The PDF comes back at once.").is_visible()
    screenshot_at_both_widths(page, "report-export")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export report (PDF)").click()

    assert download.value.path().read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    assert ReportSnapshot.objects.filter(subject_slug="sse-forum-manila").count() == 1


@pytest.fixture
def _worker_shares_media_root(settings, monkeypatch):
    """The worker stores the snapshot where this test's live server will read it."""
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(settings.MEDIA_ROOT))


@pytest.fixture
def report_worker(_worker_shares_media_root, celery_worker):
    return celery_worker


@pytest.mark.services
def test_an_admin_watches_a_large_dialogue_report_finish_in_the_background(
    page, settings, report_worker
):
    settings.REPORT_ASYNC_ROW_THRESHOLD = 2
    _forum_with_participants(3)
    admin = admin_user()
    sign_in(page, admin.email, PASSWORD)

    _export_dialogue_report(page, "SSE Forum Manila")
    assert page.get_by_text("Larger than 2 rows").is_visible()
    page.get_by_role("button", name="Export report (PDF)").click()
    page.wait_for_url("**/manage/reports/jobs/*/")
    assert page.get_by_text("The report is large: it is being made in the background.").is_visible()
    screenshot_at_both_widths(page, "report-job-progress")

    # The page refreshes itself until the worker has stored the PDF.
    page.get_by_text("Stored.").wait_for(timeout=60_000)
    job = ReportJob.objects.get()
    assert job.state == "stored", report_worker.log()
    screenshot_at_both_widths(page, "report-job-stored")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
