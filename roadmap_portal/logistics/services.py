"""Writes of the logistics app: one transaction each, keyword-only, retry-safe where a retry
is possible. A refusal raises ``LogisticsError`` with a sentence for people and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from roadmap_portal.accounts import membership
from roadmap_portal.core.mail import Attachment, queue_mail
from roadmap_portal.registrations.ics import activity_calendar
from roadmap_portal.registrations.models import (
    Activity,
    ActivityStatus,
    Mode,
    Registration,
    RegistrationStatus,
)
from roadmap_portal.registrations.selectors import recipient_of

from . import selectors
from .checkin_codes import make_checkin_token, qr_svg, read_checkin_token
from .models import (
    ActivityMessage,
    CheckIn,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackQuestion,
    FeedbackQuestionKind,
    FeedbackResponse,
    MessageDelivery,
    MessageKind,
    RegistrationAnswer,
    RegistrationQuestion,
    SupportRequest,
    SupportStatus,
    VisaLetterDetails,
)


class LogisticsError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _require_staff(by) -> None:
    if not membership.is_staff(by):
        raise LogisticsError(_("Only the secretariat can do this."))


def _absolute(path: str) -> str:
    return settings.SITE_URL + path if path else ""


# --- messages ---------------------------------------------------------------------------------


def send_activity_message(
    *, activity: Activity, subject: str, body: str, audience: dict, by
) -> ActivityMessage:
    """Write a message to the registrants ``audience`` selects and queue one mail each.

    Side effects: an ``ActivityMessage``, one ``MessageDelivery`` per recipient registration
    linked to its ``OutboxMessage``. A registration without an address gets a delivery row
    with no outbox message, so staff see who could not be reached.
    """
    _require_staff(by)
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise LogisticsError(_("A message needs a subject and a text."))
    recipients = list(selectors.message_recipients(activity, audience))
    if not recipients:
        raise LogisticsError(_("No registration matches this audience: nothing was sent."))
    with transaction.atomic():
        message = ActivityMessage.objects.create(
            activity=activity,
            kind=MessageKind.MESSAGE,
            subject=subject,
            body=body,
            audience=selectors.clean_audience(audience),
            sent_by=by,
        )
        for registration in recipients:
            _deliver(message, registration, template="logistics/emails/message")
    return message


def _deliver(message, registration, *, template: str, attachments=(), extra=None):
    to = recipient_of(registration)
    outbox = None
    if to:
        outbox = queue_mail(
            to=to,
            template_prefix=template,
            context={
                "message": message,
                "activity": message.activity,
                "registration": registration,
                "person": registration.person,
                "page_url": _absolute(message.activity.page_url()),
                **(extra or {}),
            },
            topic=f"logistics.{message.kind}",
            attachments=attachments,
        )
    return MessageDelivery.objects.create(
        message=message, registration=registration, to_email=to, outbox_message=outbox
    )


def notify_change(*, activity: Activity, changes: list[str], by) -> ActivityMessage:
    """Tell every active registrant what changed, with the updated ``.ics`` attached.

    ``changes`` are the sentences staff confirmed (``selectors.describe_changes`` proposes
    them). The calendar's SEQUENCE follows ``activity.updated_at``, so calendars replace the
    event they hold; a cancelled activity's calendar says ``STATUS:CANCELLED``. The notice
    keeps a snapshot of the dates and place: the next notice lists what changed since.
    """
    _require_staff(by)
    changes = [line.strip() for line in changes if line and line.strip()]
    if not changes:
        raise LogisticsError(_("Spell out at least one change."))
    cancelled = activity.status == ActivityStatus.CANCELLED
    kind = MessageKind.CANCELLATION if cancelled else MessageKind.CHANGE
    if cancelled:
        subject = _("Cancelled: %(title)s") % {"title": activity.title}
    else:
        subject = _("Changed: %(title)s") % {"title": activity.title}
    recipients = list(
        activity.registrations.active().select_related("person", "registered_by", "person__user")
    )
    filename = f"{slugify(activity.title)[:60] or 'activity'}.ics"
    with transaction.atomic():
        message = ActivityMessage.objects.create(
            activity=activity,
            kind=kind,
            subject=subject,
            body="\n".join(changes),
            audience={"statuses": [s.value for s in RegistrationStatus if s in _ACTIVE]},
            snapshot=selectors.activity_snapshot(activity),
            sent_by=by,
        )
        calendars = {}
        for registration in recipients:
            if registration.mode not in calendars:
                calendars[registration.mode] = activity_calendar(activity, mode=registration.mode)
            calendar = calendars[registration.mode]
            attachments = [Attachment(filename, calendar, "text/calendar")] if calendar else []
            _deliver(
                message,
                registration,
                template="logistics/emails/change",
                attachments=attachments,
                extra={"changes": changes, "cancelled": cancelled},
            )
    return message


_ACTIVE = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


# --- registration questions -------------------------------------------------------------------


def add_question(
    *,
    activity: Activity,
    kind: str,
    label: str,
    by,
    required: bool = False,
    choices: list[str] | None = None,
    help_text: str = "",
) -> RegistrationQuestion:
    _require_staff(by)
    label = label.strip()
    choices = [choice.strip() for choice in (choices or []) if choice.strip()]
    if not label:
        raise LogisticsError(_("A question needs a wording."))
    if kind == "choice" and len(choices) < 2:
        raise LogisticsError(_("A choice question needs at least two choices."))
    with transaction.atomic():
        last = activity.registration_questions.order_by("-position").first()
        return RegistrationQuestion.objects.create(
            activity=activity,
            kind=kind,
            label=label,
            help_text=help_text.strip(),
            required=required,
            choices=choices if kind == "choice" else [],
            position=(last.position + 1) if last else 1,
        )


def remove_question(*, question: RegistrationQuestion, by) -> None:
    """Remove a question and the answers given to it."""
    _require_staff(by)
    question.delete()


def save_answers(*, registration: Registration, answers: dict[int, str]) -> list:
    """Keep the answers to the activity's questions (by question id); empty ones are not kept.

    Called inside the registration's transaction by the register view, so a registration and
    its answers are written together or not at all.
    """
    questions = {q.pk: q for q in registration.activity.registration_questions.all()}
    saved = []
    with transaction.atomic():
        for question_id, value in answers.items():
            question = questions.get(question_id)
            value = (value or "").strip()
            if question is None or not value:
                continue
            answer, _created = RegistrationAnswer.objects.update_or_create(
                registration=registration, question=question, defaults={"value": value}
            )
            saved.append(answer)
    return saved


# --- check-in ---------------------------------------------------------------------------------


class CheckInResult:
    def __init__(self, registration, check_in, *, already: bool):
        self.registration = registration
        self.check_in = check_in
        self.already = already


def check_in(
    *,
    token: str = "",
    registration: Registration | None = None,
    activity: Activity,
    by,
    client_uuid: str | None = None,
    at: dt.datetime | None = None,
    device_queued: bool = False,
) -> CheckInResult:
    """Check a confirmed onsite participant in: ``attended`` becomes true, a ``CheckIn`` is kept.

    Scanning twice is not an error: the result says ``already`` with the first time. A
    ``client_uuid`` seen before returns the same result, so a device replaying its queue after
    the line returns checks nobody in twice.
    """
    _require_staff(by)
    if client_uuid:
        try:
            client_uuid = str(uuid.UUID(str(client_uuid)))
        except ValueError:
            raise LogisticsError(_("This check-in has an invalid device id.")) from None
        seen = CheckIn.objects.select_related("registration__person").filter(
            client_uuid=client_uuid
        )
        seen = seen.first()
        if seen is not None:
            return CheckInResult(seen.registration, seen, already=True)
    if registration is None:
        ids = read_checkin_token(token)
        if ids is None:
            raise LogisticsError(_("This is not a check-in code of this portal."))
        registration = (
            Registration.objects.select_related("person", "organisation")
            .filter(pk=ids[0], person_id=ids[1])
            .first()
        )
    if registration is None or registration.activity_id != activity.pk:
        raise LogisticsError(_("This code is for another activity."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise LogisticsError(
            _("%(person)s is not confirmed (%(status)s).")
            % {"person": registration.person, "status": registration.get_status_display().lower()}
        )
    if registration.mode != Mode.ONSITE:
        raise LogisticsError(_("%(person)s takes part online.") % {"person": registration.person})
    with transaction.atomic():
        existing = CheckIn.objects.select_for_update().filter(registration=registration).first()
        if existing is not None:
            return CheckInResult(registration, existing, already=True)
        try:
            with transaction.atomic():
                record = CheckIn.objects.create(
                    registration=registration,
                    at=at or timezone.now(),
                    by=by,
                    device_queued=device_queued,
                    client_uuid=client_uuid,
                )
        except IntegrityError:
            record = CheckIn.objects.get(registration=registration)
            return CheckInResult(registration, record, already=True)
        Registration.objects.filter(pk=registration.pk).update(attended=True)
        registration.attended = True
    return CheckInResult(registration, record, already=False)


def send_checkin_codes(*, activity: Activity, by) -> int:
    """Mail each confirmed onsite participant their check-in code; returns how many were sent.

    Each participant gets it once: a participant already sent a code is skipped (the
    ``ActivityMessage`` of kind message with ``audience.checkin_codes`` records it).
    """
    _require_staff(by)
    already = set(
        MessageDelivery.objects.filter(
            message__activity=activity, message__audience__checkin_codes=True
        ).values_list("registration_id", flat=True)
    )
    recipients = [
        r
        for r in activity.registrations.filter(
            status=RegistrationStatus.CONFIRMED, mode=Mode.ONSITE
        ).select_related("person", "registered_by", "person__user")
        if r.pk not in already
    ]
    if not recipients:
        return 0
    with transaction.atomic():
        message = ActivityMessage.objects.create(
            activity=activity,
            subject=_("Your check-in code for %(title)s") % {"title": activity.title},
            body=_("Check-in codes"),
            audience={"checkin_codes": True, "statuses": ["confirmed"], "modes": ["onsite"]},
            sent_by=by,
        )
        for registration in recipients:
            token = make_checkin_token(registration)
            _deliver(
                message,
                registration,
                template="logistics/emails/checkin_code",
                attachments=[Attachment("check-in.svg", qr_svg(token, scale=6), "image/svg+xml")],
                extra={"token": token, "me_url": _absolute(reverse("me:home"))},
            )
    return len(recipients)


# --- support requests -------------------------------------------------------------------------


def _check_may_act_for(by, registration) -> None:
    if membership.is_staff(by):
        return
    person = membership.person_of(by)
    if person is not None and person.pk == registration.person_id:
        return
    if registration.organisation_id and membership.is_focal_point_of(by, registration.organisation):
        return
    raise LogisticsError(_("Only the person, their focal point or the secretariat can do this."))


def request_support(
    *,
    registration: Registration,
    kind: str,
    amount: Decimal,
    currency: str,
    justification: str,
    by,
) -> SupportRequest:
    _check_may_act_for(by, registration)
    if not registration.is_active:
        raise LogisticsError(_("Support is asked for an active registration only."))
    if amount is None or amount <= 0:
        raise LogisticsError(_("The amount must be more than zero."))
    if not justification.strip():
        raise LogisticsError(_("Say why the support is needed."))
    with transaction.atomic():
        return SupportRequest.objects.create(
            registration=registration,
            kind=kind,
            amount_requested=amount,
            currency=currency.upper()[:3],
            justification=justification.strip(),
            requested_by=by,
        )


def decide_support(
    *, support_request: SupportRequest, approve: bool, by, amount: Decimal | None = None, reason=""
) -> SupportRequest:
    """Approve with an amount, or decline with a reason. Deciding again changes the decision."""
    _require_staff(by)
    reason = (reason or "").strip()
    if approve and (amount is None or amount <= 0):
        raise LogisticsError(_("Approve with an amount more than zero."))
    if not approve and not reason:
        raise LogisticsError(_("Give the reason for declining."))
    with transaction.atomic():
        support_request.status = SupportStatus.APPROVED if approve else SupportStatus.DECLINED
        support_request.amount_approved = amount if approve else None
        support_request.reason = reason
        support_request.decided_by = by
        support_request.decided_at = timezone.now()
        support_request.save()
    return support_request


# --- visa letters -----------------------------------------------------------------------------


def save_visa_details(
    *,
    registration: Registration,
    passport_name: str,
    nationality,
    by,
    passport_number: str | None = None,
    date_of_birth: dt.date | None = None,
) -> VisaLetterDetails:
    """Keep the details a visa letter prints; ``passport_number=None`` keeps the one given."""
    _check_may_act_for(by, registration)
    if not passport_name.strip():
        raise LogisticsError(_("Write the name exactly as in the passport."))
    with transaction.atomic():
        defaults = {
            "passport_name": passport_name.strip(),
            "nationality": nationality,
            "date_of_birth": date_of_birth,
        }
        if passport_number is not None:
            defaults["passport_number"] = passport_number.strip()
        details, _created = VisaLetterDetails.objects.update_or_create(
            registration=registration, defaults=defaults
        )
    return details


# --- feedback ---------------------------------------------------------------------------------

DEFAULT_FEEDBACK_QUESTIONS = (
    (FeedbackQuestionKind.RATING, "Overall, how would you rate this activity?"),
    (FeedbackQuestionKind.RATING, "How relevant was it to your work?"),
    (FeedbackQuestionKind.TEXT, "What should we keep or change next time?"),
)


def ensure_feedback_form(*, activity: Activity) -> FeedbackForm:
    """The activity's feedback form, created with the default questions the first time."""
    with transaction.atomic():
        form, created = FeedbackForm.objects.get_or_create(activity=activity)
        if created:
            FeedbackQuestion.objects.bulk_create(
                FeedbackQuestion(form=form, kind=kind, label=_(label), position=index)
                for index, (kind, label) in enumerate(DEFAULT_FEEDBACK_QUESTIONS, start=1)
            )
    return form


def submit_feedback(
    *, registration: Registration, answers: dict[int, int | str], by
) -> FeedbackResponse:
    """Record a participant's one answer to the feedback form.

    Only the person (or staff) answers; only after the activity; only once.
    """
    person = membership.person_of(by)
    if person is None or person.pk != registration.person_id:
        raise LogisticsError(_("Only the participant answers their feedback form."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise LogisticsError(_("Only confirmed participants give feedback."))
    activity = registration.activity
    if not selectors.is_over(activity):
        raise LogisticsError(_("Feedback opens once the activity is over."))
    form = ensure_feedback_form(activity=activity)
    questions = list(form.questions.all())
    rows = []
    for question in questions:
        value = answers.get(question.pk)
        if question.kind == FeedbackQuestionKind.RATING:
            try:
                rating = int(value)
            except (TypeError, ValueError):
                raise LogisticsError(
                    _("Rate “%(question)s” from 1 to 5.") % {"question": question.label}
                ) from None
            if not 1 <= rating <= 5:
                raise LogisticsError(
                    _("Rate “%(question)s” from 1 to 5.") % {"question": question.label}
                )
            rows.append((question, rating, ""))
        else:
            rows.append((question, None, str(value or "").strip()))
    with transaction.atomic():
        if FeedbackResponse.objects.filter(registration=registration).exists():
            raise LogisticsError(_("You have already answered, thank you."))
        try:
            with transaction.atomic():
                response = FeedbackResponse.objects.create(form=form, registration=registration)
        except IntegrityError:
            raise LogisticsError(_("You have already answered, thank you.")) from None
        FeedbackAnswer.objects.bulk_create(
            FeedbackAnswer(response=response, question=q, rating=rating, text=text)
            for q, rating, text in rows
        )
    return response


def invite_to_feedback(*, activity: Activity, by=None) -> int:
    """Mail every confirmed participant of a finished activity the link to the feedback form,
    once. Returns how many were invited (0 when already done or not over yet)."""
    if by is not None:
        _require_staff(by)
    if not selectors.is_over(activity):
        return 0
    form = ensure_feedback_form(activity=activity)
    with transaction.atomic():
        form = FeedbackForm.objects.select_for_update().get(pk=form.pk)
        if form.invitations_sent_at is not None:
            return 0
        recipients = list(
            activity.registrations.confirmed().select_related("person", "registered_by")
        )
        message = ActivityMessage.objects.create(
            activity=activity,
            subject=_("How was %(title)s?") % {"title": activity.title},
            body=_("Feedback invitation"),
            audience={"feedback": True, "statuses": ["confirmed"]},
            sent_by=by,
        )
        for registration in recipients:
            _deliver(
                message,
                registration,
                template="logistics/emails/feedback",
                extra={
                    "form_url": _absolute(
                        reverse("logistics:feedback", kwargs={"pk": registration.pk})
                    )
                },
            )
        form.invitations_sent_at = timezone.now()
        form.save(update_fields=["invitations_sent_at"])
    return len(recipients)


# --- retention --------------------------------------------------------------------------------


def purge_personal_logistics(*, activity: Activity) -> dict[str, int]:
    """Delete or anonymise the personal data this app keeps about an activity's people.

    Deleted: answers to registration questions, visa letter details, check-in records,
    message deliveries' addresses (the rows stay, without the address). Anonymised: support
    requests keep their amounts, statuses and countries for the totals but lose the
    justification and the reason; feedback responses keep their answers but lose the link
    to the registration. Running it twice changes nothing the second time.
    """
    with transaction.atomic():
        counts = {
            "answers": RegistrationAnswer.objects.filter(registration__activity=activity).delete()[
                0
            ],
            "visa_details": VisaLetterDetails.objects.filter(
                registration__activity=activity
            ).delete()[0],
            "check_ins": CheckIn.objects.filter(registration__activity=activity).delete()[0],
            "deliveries": MessageDelivery.objects.filter(message__activity=activity)
            .exclude(to_email="")
            .update(to_email=""),
            "support_requests": SupportRequest.objects.filter(registration__activity=activity)
            .exclude(justification="", reason="")
            .update(justification="", reason=""),
            "feedback": FeedbackResponse.objects.filter(
                form__activity=activity, registration__isnull=False
            ).update(registration=None),
        }
    return counts


def purge_expired_logistics(*, now: dt.datetime | None = None) -> int:
    """Purge every activity over for longer than ``LOGISTICS_RETENTION_DAYS``; returns how many
    activities had something to purge."""
    now = now or timezone.now()
    days = int(getattr(settings, "LOGISTICS_RETENTION_DAYS", 365))
    purged = 0
    for activity in selectors.activities_past_retention(now - dt.timedelta(days=days)):
        if any(purge_personal_logistics(activity=activity).values()):
            purged += 1
    return purged
