"""Reminder policies, overrides, the ledger scan, nudges, time zones and unsubscribing."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap_portal.core.mail import relay
from roadmap_portal.core.models import OutboxMessage
from roadmap_portal.registrations import reminders
from roadmap_portal.registrations.models import (
    ActivityKind,
    ActivityStatus,
    Invitation,
    LedgerStatus,
    MailPreference,
    ReminderLedger,
    ReminderPolicy,
    validate_reminder_offsets,
)
from tests.factories import (
    ActivityFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    member_of,
    staff_user,
)

pytestmark = pytest.mark.django_db

DAY = 24 * 60
START = dt.datetime(2027, 3, 15, 2, 0, tzinfo=dt.UTC)


def scan(**kwargs):
    """One scan, then the outbox relay the after-commit kick would run (tests run in one
    transaction that never commits)."""
    result = reminders.scan(**kwargs)
    relay()
    return result


def dialogue(**kwargs):
    defaults = {
        "kind": ActivityKind.POLICY_DIALOGUE,
        "starts_at": START,
        "ends_at": START + dt.timedelta(hours=8),
        "registration_opens_at": START - dt.timedelta(days=90),
        "registration_closes_at": START - dt.timedelta(days=20),
    }
    return ActivityFactory(**{**defaults, **kwargs})


def confirmed(activity, **kwargs):
    return RegistrationFactory(
        activity=activity,
        decided_at=START - dt.timedelta(days=60),
        requested_at=START - dt.timedelta(days=60),
        **kwargs,
    )


# Policies -----------------------------------------------------------------------------------


def test_the_data_migration_seeds_the_default_policies():
    policies = dict(ReminderPolicy.objects.values_list("kind", "offsets"))

    assert policies["policy_dialogue"] == [14 * DAY, 2 * DAY]
    assert policies["webinar"] == [DAY, 60]
    assert policies["training_cohort"] == [7 * DAY, DAY]


def test_effective_offsets_follow_the_kinds_policy():
    activity = dialogue()

    assert reminders.effective_offsets(activity) == [14 * DAY, 2 * DAY]


def test_update_reminder_policy_changes_the_offsets_of_that_kind():
    reminders.update_reminder_policy(kind=ActivityKind.POLICY_DIALOGUE, offsets=[3 * DAY])

    assert reminders.effective_offsets(dialogue()) == [3 * DAY]


def test_update_reminder_policy_refuses_an_offset_beyond_a_year():
    with pytest.raises(ValidationError):
        reminders.update_reminder_policy(kind=ActivityKind.WEBINAR, offsets=[400 * DAY])

    assert ReminderPolicy.objects.get(kind=ActivityKind.WEBINAR).offsets == [DAY, 60]


def test_validate_reminder_offsets_refuses_duplicates_and_non_integers():
    with pytest.raises(ValidationError):
        validate_reminder_offsets([60, 60])
    with pytest.raises(ValidationError):
        validate_reminder_offsets(["60"])


def test_an_activity_override_replaces_the_policy():
    activity = dialogue()

    reminders.set_activity_reminders(activity=activity, enabled=True, offsets=[DAY, 3 * DAY])

    assert reminders.effective_offsets(activity) == [3 * DAY, DAY]


def test_an_override_switched_off_sends_no_reminders():
    activity = dialogue()
    confirmed(activity)
    reminders.set_activity_reminders(activity=activity, enabled=False, offsets=None)

    result = scan(now=START - dt.timedelta(days=1))

    assert result.queued == 0
    assert ReminderLedger.objects.count() == 0


def test_removing_the_override_returns_to_the_policy():
    activity = dialogue()
    reminders.set_activity_reminders(activity=activity, enabled=False, offsets=None)

    reminders.set_activity_reminders(activity=activity, enabled=True, offsets=None)

    assert reminders.effective_offsets(activity) == [14 * DAY, 2 * DAY]


def test_parse_offsets_reads_days_hours_and_minutes():
    assert reminders.parse_offsets("14d, 2d, 1h, 30m") == [14 * DAY, 2 * DAY, 60, 30]


def test_parse_offsets_refuses_an_unknown_unit():
    with pytest.raises(ValueError):
        reminders.parse_offsets("2 weeks")


# The ledger ---------------------------------------------------------------------------------


def test_scan_queues_the_due_reminder_once():
    activity = dialogue()
    registration = confirmed(activity)
    now = START - dt.timedelta(days=13)

    first = scan(now=now)
    second = scan(now=now)

    row = ReminderLedger.objects.get()
    assert (first.queued, second.queued) == (1, 0)
    assert row.status == LedgerStatus.QUEUED
    assert row.reminder_kind == f"before:{14 * DAY}"
    assert row.registration == registration
    assert row.outbox_message.to_email == registration.person.email
    assert len(mail.outbox) == 1


def test_scan_sends_nothing_before_the_first_reminder_is_due():
    confirmed(dialogue())

    result = scan(now=START - dt.timedelta(days=15))

    assert result.queued == 0


def test_scan_sends_only_the_latest_due_reminder():
    confirmed(dialogue())

    scan(now=START - dt.timedelta(days=1))

    assert list(ReminderLedger.objects.values_list("reminder_kind", flat=True)) == [
        f"before:{2 * DAY}"
    ]


def test_scan_sends_each_reminder_of_the_policy_in_turn():
    confirmed(dialogue())

    scan(now=START - dt.timedelta(days=13))
    scan(now=START - dt.timedelta(days=1))

    kinds = sorted(ReminderLedger.objects.values_list("reminder_kind", flat=True))
    assert kinds == [f"before:{14 * DAY}", f"before:{2 * DAY}"]
    assert len(mail.outbox) == 2


def test_scan_does_not_remind_someone_confirmed_after_the_reminder_was_due():
    activity = dialogue()
    RegistrationFactory(
        activity=activity,
        requested_at=START - dt.timedelta(days=1),
        decided_at=START - dt.timedelta(days=1),
    )

    result = scan(now=START - dt.timedelta(hours=20))

    assert result.queued == 0


def test_scan_skips_waitlisted_and_cancelled_registrations():
    activity = dialogue()
    confirmed(activity, status="waitlisted")
    confirmed(activity, status="cancelled")

    result = scan(now=START - dt.timedelta(days=1))

    assert result.queued == 0


def test_a_registration_cancelled_after_planning_is_skipped():
    activity = dialogue()
    registration = confirmed(activity)
    now = START - dt.timedelta(days=1)
    ReminderLedger.objects.create(
        recipient_email=registration.person.email,
        activity=activity,
        registration=registration,
        reminder_kind=f"before:{2 * DAY}",
        target_starts_at=START,
        due_at=START - dt.timedelta(days=2),
    )
    registration.status = "cancelled"
    registration.save()

    result = scan(now=now)

    row = ReminderLedger.objects.get()
    assert result.queued == 0
    assert (row.status, row.skip_reason) == ("skipped", "registration_not_confirmed")
    assert len(mail.outbox) == 0


def test_a_cancelled_activity_gets_no_reminder_and_its_open_rows_are_skipped():
    activity = dialogue()
    registration = confirmed(activity)
    ReminderLedger.objects.create(
        recipient_email=registration.person.email,
        activity=activity,
        registration=registration,
        reminder_kind=f"before:{2 * DAY}",
        target_starts_at=START,
        due_at=START - dt.timedelta(days=2),
    )
    activity.status = ActivityStatus.CANCELLED
    activity.save()

    result = scan(now=START - dt.timedelta(days=1))

    row = ReminderLedger.objects.get()
    assert result.queued == 0
    assert (row.status, row.skip_reason) == ("skipped", "activity_cancelled")


def test_a_moved_activity_skips_the_old_row_and_reminds_at_the_new_time():
    activity = dialogue()
    registration = confirmed(activity)
    scan(now=START - dt.timedelta(days=13))
    old_row = ReminderLedger.objects.get()
    # Not yet sent for the 2-day reminder when the activity moves a week later.
    ReminderLedger.objects.create(
        recipient_email=registration.person.email,
        activity=activity,
        registration=registration,
        reminder_kind=f"before:{2 * DAY}",
        target_starts_at=START,
        due_at=START - dt.timedelta(days=2),
        status=LedgerStatus.PENDING,
    )
    new_start = START + dt.timedelta(days=7)
    activity.starts_at = new_start
    activity.ends_at = new_start + dt.timedelta(hours=8)
    activity.save()
    mail.outbox.clear()

    scan(now=START - dt.timedelta(days=1))
    scan(now=new_start - dt.timedelta(days=1))

    stale = ReminderLedger.objects.get(target_starts_at=START, reminder_kind=f"before:{2 * DAY}")
    fresh = ReminderLedger.objects.filter(target_starts_at=new_start, status="queued")
    assert (stale.status, stale.skip_reason) == ("skipped", "moved")
    assert ReminderLedger.objects.get(pk=old_row.pk).status == LedgerStatus.QUEUED
    assert sorted(fresh.values_list("reminder_kind", flat=True)) == [
        f"before:{14 * DAY}",
        f"before:{2 * DAY}",
    ]
    assert "22 Mar 2027" in mail.outbox[-1].subject


def test_a_reminder_due_after_the_start_is_skipped_as_too_late():
    activity = dialogue()
    registration = confirmed(activity)
    ReminderLedger.objects.create(
        recipient_email=registration.person.email,
        activity=activity,
        registration=registration,
        reminder_kind=f"before:{2 * DAY}",
        target_starts_at=START,
        due_at=START - dt.timedelta(days=2),
    )

    scan(now=START + dt.timedelta(hours=1))

    assert ReminderLedger.objects.get().skip_reason == "too_late"


def test_an_expired_claim_is_taken_over_by_the_next_scan():
    activity = dialogue()
    registration = confirmed(activity)
    now = START - dt.timedelta(days=1)
    ReminderLedger.objects.create(
        recipient_email=registration.person.email,
        activity=activity,
        registration=registration,
        reminder_kind=f"before:{2 * DAY}",
        target_starts_at=START,
        due_at=START - dt.timedelta(days=2),
        status=LedgerStatus.CLAIMED,
        claim_token="dead-scan",
        lease_until=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )

    result = scan(now=now)

    assert result.queued == 1
    assert ReminderLedger.objects.get().status == LedgerStatus.QUEUED


def test_a_live_claim_of_another_scan_is_left_alone():
    activity = dialogue()
    registration = confirmed(activity)
    ReminderLedger.objects.create(
        recipient_email=registration.person.email,
        activity=activity,
        registration=registration,
        reminder_kind=f"before:{2 * DAY}",
        target_starts_at=START,
        due_at=START - dt.timedelta(days=2),
        status=LedgerStatus.CLAIMED,
        claim_token="other-scan",
        lease_until=dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
    )

    result = scan(now=START - dt.timedelta(days=1))

    assert result.queued == 0
    assert ReminderLedger.objects.get().status == LedgerStatus.CLAIMED


def test_a_row_whose_claim_was_taken_over_is_not_written_by_its_first_scan():
    """Two scans at once: the first claimed, its lease ran out, the second reclaimed; when the
    first finally writes, its token no longer matches and it writes nothing."""
    activity = dialogue()
    confirmed(activity)
    now = START - dt.timedelta(days=1)
    with reminders.transaction.atomic():
        reminders._plan_activity_reminders(now)
    first_ids = reminders._claim(now, "first", 10)
    ReminderLedger.objects.update(lease_until=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    second_ids = reminders._claim(now, "second", 10)

    late = reminders._write(first_ids, "first", now)
    on_time = reminders._write(second_ids, "second", now)

    assert (late, on_time) == ((0, 0), (1, 0))
    assert OutboxMessage.objects.count() == 1


def test_the_recipient_follows_the_address_rule():
    activity = dialogue()
    user = UserFactory(email="verified@example.org")
    person = PersonFactory(user=user, email="old@example.org")
    confirmed(activity, person=person)
    registrar = UserFactory(email="focal@example.org")
    confirmed(activity, person=PersonFactory(email=""), registered_by=registrar)

    scan(now=START - dt.timedelta(days=1))

    assert sorted(ReminderLedger.objects.values_list("recipient_email", flat=True)) == [
        "focal@example.org",
        "verified@example.org",
    ]


# E-mails and time zones ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "local", "local_end"),
    [
        ("Asia/Yangon", "08:30", "16:30"),
        ("Asia/Bangkok", "09:00", "17:00"),
        ("Asia/Manila", "10:00", "18:00"),
        ("Asia/Tokyo", "11:00", "19:00"),
    ],
)
def test_the_reminder_shows_the_time_in_the_activitys_zone(zone, local, local_end):
    activity = dialogue(time_zone=zone)
    confirmed(activity)

    scan(now=START - dt.timedelta(days=1))

    message = mail.outbox[0]
    when = f"When: Monday 15 March 2027, {local} – Monday 15 March 2027, {local_end} ({zone})"
    assert when in message.body
    assert "in your time zone" not in message.body


@pytest.mark.parametrize(
    ("activity_zone", "recipient_zone", "recipient_local"),
    [
        ("Asia/Yangon", "Asia/Tokyo", "11:00"),
        ("Asia/Tokyo", "Asia/Yangon", "08:30"),
        ("Asia/Bangkok", "Asia/Manila", "10:00"),
    ],
)
def test_the_reminder_adds_the_recipients_own_zone_when_it_differs(
    activity_zone, recipient_zone, recipient_local
):
    activity = dialogue(time_zone=activity_zone)
    user = UserFactory(time_zone=recipient_zone)
    confirmed(activity, person=PersonFactory(user=user, email=user.email))

    scan(now=START - dt.timedelta(days=1))

    body = mail.outbox[0].body
    html = mail.outbox[0].alternatives[0][0]
    expected = f"Monday 15 March 2027, {recipient_local} in your time zone ({recipient_zone})"
    assert expected in body
    assert expected in html


def test_the_reminder_carries_the_ics_the_link_and_the_unsubscribe_headers():
    activity = dialogue()
    registration = confirmed(activity)

    scan(now=START - dt.timedelta(days=1))

    message = mail.outbox[0]
    link = reminders.unsubscribe_url(registration.person.email, reminders.REMINDER_TOPIC)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    assert message.attachments[0][2] == "text/calendar"
    assert "DTSTART;TZID=Asia/Manila:20270315T100000" in message.attachments[0][1]
    assert message.subject == f"Reminder: {activity.title}, 15 Mar 2027, 10:00"


def test_an_unsubscribed_address_is_skipped_and_logged():
    activity = dialogue()
    registration = confirmed(activity)
    reminders.unsubscribe(email=registration.person.email.upper(), topic="reminders")

    result = scan(now=START - dt.timedelta(days=1))

    row = ReminderLedger.objects.get()
    assert result.queued == 0
    assert (row.status, row.skip_reason) == ("skipped", "unsubscribed")


def test_dry_run_writes_nothing():
    confirmed(dialogue())

    result = scan(now=START - dt.timedelta(days=1), dry_run=True)

    assert len(result.due) == 1
    assert ReminderLedger.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


# Nudges -------------------------------------------------------------------------------------


def test_an_invitation_unanswered_for_seven_days_nudges_the_focal_point_once(organisation):
    activity = dialogue(access="invitation")
    focal_point = member_of(organisation, focal_point=True)
    invited_at = START - dt.timedelta(days=40)
    Invitation.objects.create(activity=activity, organisation=organisation, invited_at=invited_at)

    early = scan(now=invited_at + dt.timedelta(days=6))
    due = scan(now=invited_at + dt.timedelta(days=7, hours=1))
    again = scan(now=invited_at + dt.timedelta(days=9))

    assert (early.queued, due.queued, again.queued) == (0, 1, 0)
    assert mail.outbox[0].to == [focal_point.email]
    assert "awaits an answer" in mail.outbox[0].subject


def test_an_answered_invitation_is_not_nudged(organisation):
    activity = dialogue(access="invitation")
    member_of(organisation, focal_point=True)
    invited_at = START - dt.timedelta(days=40)
    Invitation.objects.create(
        activity=activity, organisation=organisation, invited_at=invited_at, status="accepted"
    )

    result = scan(now=invited_at + dt.timedelta(days=8))

    assert result.queued == 0


def test_registrations_pending_over_three_days_nudge_staff_once():
    activity = dialogue(requires_approval=True)
    staff = staff_user()
    requested = START - dt.timedelta(days=30)
    RegistrationFactory(activity=activity, status="pending", requested_at=requested)

    before = scan(now=requested + dt.timedelta(days=2))
    due = scan(now=requested + dt.timedelta(days=3, hours=1))
    again = scan(now=requested + dt.timedelta(days=5))

    assert (before.queued, due.queued, again.queued) == (0, 1, 0)
    assert mail.outbox[0].to == [staff.email]
    assert "awaits approval" in mail.outbox[0].subject


def test_a_pending_nudge_decided_before_sending_is_skipped():
    activity = dialogue(requires_approval=True)
    staff_user()
    requested = START - dt.timedelta(days=30)
    registration = RegistrationFactory(activity=activity, status="pending", requested_at=requested)
    now = requested + dt.timedelta(days=4)
    with reminders.transaction.atomic():
        reminders._plan_nudges(now)
    registration.status = "confirmed"
    registration.save()

    scan(now=now)

    assert ReminderLedger.objects.get().skip_reason == "no_longer_applies"


# Unsubscribe and preferences ----------------------------------------------------------------


def test_unsubscribe_get_shows_a_confirmation_and_changes_nothing(client):
    token = reminders.unsubscribe_token("ana@example.org", "reminders")

    response = client.get(reverse("me:unsubscribe", kwargs={"token": token}))

    assert response.status_code == 200
    assert MailPreference.objects.count() == 0


def test_one_click_unsubscribe_post_needs_no_sign_in_nor_csrf():
    client = Client(enforce_csrf_checks=True)
    token = reminders.unsubscribe_token("Ana@Example.org", "reminders")

    response = client.post(
        reverse("me:unsubscribe", kwargs={"token": token}),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert list(MailPreference.objects.values_list("email", "topic")) == [
        ("ana@example.org", "reminders")
    ]


def test_unsubscribe_with_a_forged_token_is_refused(client):
    response = client.post(reverse("me:unsubscribe", kwargs={"token": "forged:token"}))

    assert response.status_code == 400
    assert MailPreference.objects.count() == 0


def test_mail_preferences_page_saves_the_choices(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("me:mail_preferences"),
        {"reminders": "", "nudge.invitation": "on", "nudge.pending_approval": "on"},
    )

    assert response.status_code == 302
    assert reminders.unsubscribed_topics([user.email]) == {"reminders", "nudge.nomination"}


def test_mail_preferences_page_needs_sign_in(client):
    response = client.get(reverse("me:mail_preferences"))

    assert response.status_code == 302


# The console --------------------------------------------------------------------------------


def test_staff_see_the_reminders_of_an_activity(client):
    activity = dialogue()
    registration = confirmed(activity)
    scan(now=START - dt.timedelta(days=1))
    client.force_login(staff_user())

    response = client.get(reverse("activity_console:reminders", kwargs={"pk": activity.pk}))

    assert response.status_code == 200
    assert registration.person.email in response.content.decode()


def test_reminders_page_costs_the_same_queries_with_few_and_many_rows(
    client, django_assert_num_queries
):
    activity = dialogue()
    confirmed(activity)
    client.force_login(staff_user())
    url = reverse("activity_console:reminders", kwargs={"pk": activity.pk})
    scan(now=START - dt.timedelta(days=13))
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _index in range(5):
        confirmed(activity)
    scan(now=START - dt.timedelta(days=1))

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert len(response.context["ledger"]) == 7


def test_reminders_page_is_forbidden_to_members(client, organisation):
    activity = dialogue()
    client.force_login(member_of(organisation))

    response = client.get(reverse("activity_console:reminders", kwargs={"pk": activity.pk}))

    assert response.status_code == 403


def test_staff_override_an_activitys_reminders(client):
    activity = dialogue()
    client.force_login(staff_user())

    response = client.post(
        reverse("activity_console:reminders", kwargs={"pk": activity.pk}),
        {"choice": "own", "offsets": "3d, 6h"},
    )

    assert response.status_code == 302
    assert reminders.effective_offsets(activity) == [3 * DAY, 6 * 60]


def test_staff_edit_a_policy(client):
    client.force_login(staff_user())

    response = client.post(
        reverse("activity_console:reminder_policy_update", kwargs={"kind": "webinar"}),
        {"offsets": "2d, 2h"},
    )

    assert response.status_code == 302
    assert ReminderPolicy.objects.get(kind="webinar").offsets == [2 * DAY, 120]


def test_a_bad_policy_is_refused_with_a_message_and_changes_nothing(client):
    client.force_login(staff_user())

    response = client.post(
        reverse("activity_console:reminder_policy_update", kwargs={"kind": "webinar"}),
        {"offsets": "soon"},
    )

    assert response.status_code == 200
    assert "is not a time such as" in response.content.decode()
    assert ReminderPolicy.objects.get(kind="webinar").offsets == [DAY, 60]


def test_policy_pages_are_forbidden_to_members(client, organisation):
    client.force_login(member_of(organisation))

    response = client.get(reverse("activity_console:reminder_policies"))

    assert response.status_code == 403


def test_policy_list_shows_every_kind(client):
    client.force_login(staff_user())

    response = client.get(reverse("activity_console:reminder_policies"))

    assert response.status_code == 200
    assert "14 days, 2 days" in response.content.decode()
