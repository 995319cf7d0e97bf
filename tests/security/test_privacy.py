"""A person sees what the portal holds about them; staff forget a person; retention."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmap_portal.accounts import privacy
from roadmap_portal.accounts.tasks import apply_retention
from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations.models import Registration
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    user = member_of(OrganisationFactory(), email="somchai@example.org")
    person = user.person
    person.name = "สมชาย ใจดี"
    person.name_latin = "Somchai Jaidee"
    person.phone = "+66 2 555 0101"
    person.listed_publicly = True
    person.save()
    return user


def _outbox(to, body="Dear Somchai, you are registered."):
    return OutboxMessage.objects.create(
        to_email=to,
        subject="Registered",
        body_text=body,
        body_html=f"<p>{body}</p>",
        message_id=f"<{to}-{OutboxMessage.objects.count()}@example.org>",
    )


def test_my_data_page_shows_what_the_portal_holds(client, member):
    RegistrationFactory(person=member.person, activity=ActivityFactory(title="Bangkok forum"))
    client.force_login(member)

    response = client.get(reverse("me:privacy"))

    assert response.status_code == 200
    assert "สมชาย ใจดี" in response.content.decode()
    assert "Bangkok forum" in response.content.decode()


def test_my_data_download_is_json_of_my_own_data(client, member):
    _outbox("somchai@example.org")
    _outbox("someone.else@example.org")
    client.force_login(member)

    response = client.get(reverse("me:privacy_download"))

    data = json.loads(response.content)
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert data["person"]["phone"] == "+66 2 555 0101"
    assert [m["to"] for m in data["messages"]] == ["somchai@example.org"]


def test_my_data_needs_sign_in(client):
    response = client.get(reverse("me:privacy_download"))

    assert response.status_code == 302


def test_anonymise_person_removes_name_contact_and_account(member):
    person = member.person

    privacy.anonymise_person(person=person, by=staff_user())

    person.refresh_from_db()
    member.refresh_from_db()
    assert (person.name, person.name_latin, person.email, person.phone) == (
        f"Anonymised person {person.pk}",
        "",
        "",
        "",
    )
    assert person.listed_publicly is False
    assert person.user is None
    assert member.is_active is False
    assert member.email == f"user-{member.pk}@anonymised.invalid"
    assert member.has_usable_password() is False


def test_anonymise_person_rewrites_history_rows(member):
    person = member.person

    privacy.anonymise_person(person=person, by=None)

    names = set(person.history.values_list("name", flat=True))
    phones = set(person.history.values_list("phone", flat=True))
    assert names == {f"Anonymised person {person.pk}"}
    assert phones == {""}


def test_anonymise_person_rewrites_outbox_and_keeps_others(member):
    theirs = _outbox("Somchai@Example.org")
    other = _outbox("someone.else@example.org")

    privacy.anonymise_person(person=member.person, by=None)

    theirs.refresh_from_db()
    other.refresh_from_db()
    assert (theirs.to_email, theirs.body_text, theirs.body_html) == (
        f"person-{member.person.pk}@anonymised.invalid",
        "",
        "",
    )
    assert other.body_text == "Dear Somchai, you are registered."


def test_anonymise_person_keeps_registrations_so_counts_stay_right(member):
    activity = ActivityFactory()
    RegistrationFactory(activity=activity, person=member.person, motivation="I run a coop.")

    privacy.anonymise_person(person=member.person, by=None)

    registration = Registration.objects.get(activity=activity)
    assert registration.person_id == member.person.pk
    assert registration.motivation == ""
    assert set(registration.history.values_list("motivation", flat=True)) == {""}


def test_anonymise_person_rewrites_reminder_ledger(member):
    from roadmap_portal.registrations.models import ReminderLedger

    registration = RegistrationFactory(person=member.person)
    row = ReminderLedger.objects.create(
        recipient_email="somchai@example.org",
        activity=registration.activity,
        registration=registration,
        reminder_kind="activity_7d",
        target_starts_at=registration.activity.starts_at,
        due_at=timezone.now(),
        payload={"name": "Somchai"},
    )

    privacy.anonymise_person(person=member.person, by=None)

    row.refresh_from_db()
    assert (row.recipient_email, row.payload) == (
        f"person-{member.person.pk}@anonymised.invalid",
        {},
    )


def test_anonymise_person_withdraws_snapshots_naming_them(
    member, django_capture_on_commit_callbacks
):
    from roadmap_portal.roadmap.models import ReportSnapshot

    naming = _snapshot("Participants: Somchai Jaidee, Maria Santos")
    other = _snapshot("Participants: Maria Santos")

    with django_capture_on_commit_callbacks(execute=True):
        privacy.anonymise_person(person=member.person, by=None)

    assert list(ReportSnapshot.objects.values_list("pk", flat=True)) == [other.pk]
    assert naming.file.storage.exists(naming.file.name) is False


def _snapshot(text):
    import hashlib

    from django.core.files.base import ContentFile

    from roadmap_portal.core.pdf import html_to_pdf
    from roadmap_portal.roadmap.models import ReportSnapshot

    pdf = html_to_pdf(f"<p>{text}</p>")
    snapshot = ReportSnapshot(
        kind="dialogue",
        subject_slug="x",
        subject_title="x",
        audience="staff",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        pages=1,
    )
    snapshot.file.save("report.pdf", ContentFile(pdf), save=False)
    snapshot.save()
    return snapshot


def test_anonymise_person_twice_changes_nothing_more(member):
    privacy.anonymise_person(person=member.person, by=None)

    changed = privacy.anonymise_person(person=member.person, by=None)

    assert (changed["registrations"], changed["outbox"], changed["snapshots"]) == (0, 0, 0)


def test_staff_anonymise_through_the_console(client, member):
    client.force_login(staff_user())

    response = client.post(
        reverse("privacy:person", kwargs={"pk": member.person.pk}), {"confirm": "on"}
    )

    member.person.refresh_from_db()
    assert response.status_code == 302
    assert member.person.name == f"Anonymised person {member.person.pk}"


def test_anonymising_needs_confirmation(client, member):
    client.force_login(staff_user())

    response = client.post(reverse("privacy:person", kwargs={"pk": member.person.pk}), {})

    member.person.refresh_from_db()
    assert response.status_code == 200
    assert member.person.name == "สมชาย ใจดี"


def test_members_cannot_anonymise(client, member):
    other = member_of(OrganisationFactory())
    client.force_login(other)

    response = client.post(
        reverse("privacy:person", kwargs={"pk": member.person.pk}), {"confirm": "on"}
    )

    member.person.refresh_from_db()
    assert response.status_code == 403
    assert member.person.name == "สมชาย ใจดี"


def test_retention_blanks_old_sent_bodies_and_keeps_recent():
    old = _outbox("a@example.org")
    recent = _outbox("b@example.org")
    now = timezone.now()
    OutboxMessage.objects.filter(pk=old.pk).update(
        status="sent", sent_at=now - dt.timedelta(days=privacy.OUTBOX_BODY_DAYS + 1)
    )
    OutboxMessage.objects.filter(pk=recent.pk).update(status="sent", sent_at=now)

    apply_retention()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.body_text, old.subject) == ("", "Registered")
    assert recent.body_text == "Dear Somchai, you are registered."


def test_retention_deletes_old_unverified_unused_accounts_only():
    long_ago = timezone.now() - dt.timedelta(days=privacy.UNVERIFIED_ACCOUNT_DAYS + 1)
    stale = UserFactory(verified=False, date_joined=long_ago)
    verified = UserFactory(date_joined=long_ago)
    fresh = UserFactory(verified=False)

    result = apply_retention()

    remaining = set(
        type(stale)
        .objects.filter(pk__in=[stale.pk, verified.pk, fresh.pk])
        .values_list("pk", flat=True)
    )
    assert remaining == {verified.pk, fresh.pk}
    assert result["accounts"] >= 1


def test_anonymise_person_blanks_answers_and_unnames_webinar_attendance(member, scenario):
    from roadmap_portal.logistics.models import RegistrationAnswer, RegistrationQuestion
    from webinars.models import WebinarAttendance

    registration = RegistrationFactory(activity=scenario.activity, person=member.person)
    question = RegistrationQuestion.objects.create(
        activity=scenario.activity, kind="text", label="Dietary or health needs"
    )
    answer = RegistrationAnswer.objects.create(
        registration=registration, question=question, value="Insulin, kept cold"
    )
    attendance = WebinarAttendance.objects.create(
        webinar=scenario.webinar,
        email="somchai@example.org",
        name="Somchai J.",
        minutes=55,
        attended=True,
    )

    privacy.anonymise_person(person=member.person, by=None)

    answer.refresh_from_db()
    attendance.refresh_from_db()
    assert answer.value == ""
    assert (attendance.email, attendance.name) == (
        f"person-{member.person.pk}@anonymised.invalid",
        "",
    )
