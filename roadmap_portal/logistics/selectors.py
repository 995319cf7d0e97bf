"""Reads of the logistics app, each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmap_portal.accounts import membership
from roadmap_portal.core.reports import date_range_label
from roadmap_portal.core.text import search_key
from roadmap_portal.registrations.models import (
    Activity,
    Mode,
    Registration,
    RegistrationStatus,
)

from .models import (
    FeedbackQuestionKind,
    MessageDelivery,
    RegistrationAnswer,
    SupportRequest,
    SupportStatus,
)

AUDIENCE_KEYS = ("statuses", "modes", "countries", "organisations")


def clean_audience(audience: dict) -> dict:
    """Only known keys, as sorted lists of strings; empty lists dropped (empty = everyone)."""
    cleaned = {}
    for key in AUDIENCE_KEYS:
        values = sorted({str(value) for value in (audience or {}).get(key) or [] if value})
        if values:
            cleaned[key] = values
    return cleaned


def message_recipients(activity: Activity, audience: dict):
    """The registrations a message with ``audience`` goes to. With no status chosen: the
    active ones (pending, confirmed, waitlisted); cancelled and declined only when asked."""
    audience = clean_audience(audience)
    registrations = activity.registrations.select_related(
        "person", "person__user", "registered_by", "organisation", "organisation__country"
    )
    statuses = audience.get("statuses")
    if statuses:
        registrations = registrations.filter(status__in=statuses)
    else:
        registrations = registrations.active()
    if audience.get("modes"):
        registrations = registrations.filter(mode__in=audience["modes"])
    if audience.get("countries"):
        registrations = registrations.filter(organisation__country__in=audience["countries"])
    if audience.get("organisations"):
        registrations = registrations.filter(organisation__in=audience["organisations"])
    return registrations.order_by("person__name", "id")


def deliveries_of(activity: Activity):
    return (
        MessageDelivery.objects.filter(message__activity=activity)
        .select_related("message", "registration__person", "outbox_message")
        .order_by("-message__sent_at", "registration__person__name", "id")
    )


# --- change notices ---------------------------------------------------------------------------


def activity_snapshot(activity: Activity) -> dict:
    return {
        "starts_at": activity.starts_at.isoformat() if activity.starts_at else None,
        "ends_at": activity.ends_at.isoformat() if activity.ends_at else None,
        "time_zone": activity.time_zone,
        "country": activity.country_id,
        "status": activity.status,
        "date_precision": activity.date_precision,
    }


def _parse(value):
    return dt.datetime.fromisoformat(value) if value else None


def _when(snapshot: dict) -> str:
    start = _parse(snapshot["starts_at"])
    if start is None:
        return _("no date yet")
    time_zone = snapshot["time_zone"] or "UTC"
    precision = snapshot.get("date_precision") or "day"
    label = date_range_label(
        start, _parse(snapshot["ends_at"]), time_zone=time_zone, precision=precision
    )
    if precision == "day":
        label = f"{label}, {start.astimezone(zoneinfo.ZoneInfo(time_zone)):%H:%M} ({time_zone})"
    return label


def previous_snapshot(activity: Activity) -> dict | None:
    """What participants were last told: the snapshot of the last change notice, else the
    last version in the activity's history whose dates, place or status differ from now."""
    from .models import ActivityMessage

    last = (
        ActivityMessage.objects.filter(activity=activity)
        .exclude(snapshot={})
        .order_by("-sent_at", "-id")
        .first()
    )
    if last is not None:
        return last.snapshot
    current = activity_snapshot(activity)
    for record in activity.history.order_by("-history_date", "-history_id")[:50]:
        snapshot = activity_snapshot(record)
        if snapshot != current:
            return snapshot
    return None


def describe_changes(activity: Activity) -> list[str]:
    """Sentences spelling out what changed since participants were last told."""
    before = previous_snapshot(activity)
    if before is None:
        return []
    now = activity_snapshot(activity)
    lines = []
    if now["status"] == "cancelled" and before.get("status") != "cancelled":
        lines.append(_("The activity is cancelled."))
    if (before["starts_at"], before["ends_at"], before["time_zone"]) != (
        now["starts_at"],
        now["ends_at"],
        now["time_zone"],
    ):
        lines.append(
            _("Dates and time: now %(now)s (was %(before)s).")
            % {"now": _when(now), "before": _when(before)}
        )
    if before.get("country") != now["country"]:
        names = _country_names([before.get("country"), now["country"]])
        lines.append(
            _("Venue: now %(now)s (was %(before)s).")
            % {
                "now": names.get(now["country"]) or _("online"),
                "before": names.get(before.get("country")) or _("online"),
            }
        )
    return lines


def _country_names(codes) -> dict:
    Country = Activity._meta.get_field("country").related_model
    return dict(
        Country.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name")
    )


# --- registration questions -------------------------------------------------------------------


def questions_of(activity: Activity) -> list:
    return list(activity.registration_questions.order_by("position", "id"))


def answers_table(activity: Activity):
    """The questions, and the registrations with their answers as a dict by question id."""
    questions = questions_of(activity)
    registrations = (
        activity.registrations.select_related("person", "organisation")
        .prefetch_related(
            Prefetch(
                "logistics_answers",
                queryset=RegistrationAnswer.objects.filter(registration__activity=activity),
            )
        )
        .order_by("person__name", "id")
    )
    return questions, registrations


def answers_by_question(registration) -> dict[int, str]:
    return {answer.question_id: answer.value for answer in registration.logistics_answers.all()}


# --- check-in ---------------------------------------------------------------------------------


def checkin_candidates(activity: Activity, query: str, *, limit: int = 20) -> list:
    """Confirmed onsite participants whose name (in any script or in Latin) contains ``query``."""
    key = search_key(query or "")
    if not key:
        return []
    return list(
        activity.registrations.filter(
            status=RegistrationStatus.CONFIRMED,
            mode=Mode.ONSITE,
            person__search_text__contains=key,
        )
        .select_related("person", "organisation", "check_in")
        .order_by("person__name", "id")[:limit]
    )


def attendance_counts(activity: Activity) -> dict:
    rows = activity.registrations.filter(
        status=RegistrationStatus.CONFIRMED, mode=Mode.ONSITE
    ).aggregate(expected=Count("id"), checked_in=Count("check_in"))
    return rows


# --- support ----------------------------------------------------------------------------------


def support_requests_of(activity: Activity):
    return (
        SupportRequest.objects.filter(registration__activity=activity)
        .select_related("registration__person", "registration__organisation__country", "decided_by")
        .order_by("status", "requested_at", "id")
    )


def support_totals(activity: Activity) -> dict:
    """Requested and approved sums per currency: for the activity, and per country (of the
    registration's organisation; "—" when there is none)."""
    rows = (
        SupportRequest.objects.filter(registration__activity=activity)
        .values("registration__organisation__country__name", "currency")
        .annotate(
            requested=Sum("amount_requested"),
            approved=Sum("amount_approved", filter=Q(status=SupportStatus.APPROVED)),
            count=Count("id"),
        )
        .order_by("registration__organisation__country__name", "currency")
    )
    by_country = []
    overall = defaultdict(lambda: {"requested": Decimal(0), "approved": Decimal(0), "count": 0})
    for row in rows:
        entry = {
            "country": row["registration__organisation__country__name"] or "—",
            "currency": row["currency"],
            "requested": row["requested"] or Decimal(0),
            "approved": row["approved"] or Decimal(0),
            "count": row["count"],
        }
        by_country.append(entry)
        total = overall[row["currency"]]
        total["requested"] += entry["requested"]
        total["approved"] += entry["approved"]
        total["count"] += entry["count"]
    return {
        "by_country": by_country,
        "overall": [
            {"currency": currency, **values} for currency, values in sorted(overall.items())
        ],
    }


# --- acting on one's own registrations ---------------------------------------------------------


def registration_within_reach(user, pk: int):
    """``(registration, allowed)``: the person themselves, their focal point, or staff.

    Someone else's registration elsewhere is ``(None, False)`` (a 404, ids do not leak)."""
    registration = (
        Registration.objects.select_related(
            "activity", "activity__country", "person", "organisation", "organisation__country"
        )
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        return None, False
    if membership.is_staff(user):
        return registration, True
    person = membership.person_of(user)
    if person is not None and person.pk == registration.person_id:
        return registration, True
    if registration.organisation_id and membership.is_focal_point_of(
        user, registration.organisation
    ):
        return registration, True
    return None, False


# --- feedback ---------------------------------------------------------------------------------


def is_over(activity: Activity, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return activity.period_ends_at is not None and activity.period_ends_at <= now


def feedback_results(activity: Activity) -> dict:
    """Per question: the count and the average of ratings with the count per score, or the
    texts given. Three queries."""
    from .models import FeedbackAnswer, FeedbackForm

    form = FeedbackForm.objects.filter(activity=activity).first()
    if form is None:
        return {"form": None, "questions": [], "responses": 0}
    questions = list(form.questions.all())
    answers = FeedbackAnswer.objects.filter(response__form=form).values(
        "question_id", "rating", "text"
    )
    by_question = defaultdict(list)
    for answer in answers:
        by_question[answer["question_id"]].append(answer)
    results = []
    for question in questions:
        given = by_question[question.pk]
        if question.kind == FeedbackQuestionKind.RATING:
            ratings = [a["rating"] for a in given if a["rating"] is not None]
            results.append(
                {
                    "question": question,
                    "count": len(ratings),
                    "average": round(sum(ratings) / len(ratings), 2) if ratings else None,
                    "scores": [(score, ratings.count(score)) for score in range(1, 6)],
                }
            )
        else:
            texts = [a["text"] for a in given if a["text"]]
            results.append({"question": question, "count": len(texts), "texts": texts})
    return {"form": form, "questions": results, "responses": form.responses.count()}


# --- /me/ ---------------------------------------------------------------------------------------


def my_logistics(user, now: dt.datetime | None = None) -> list:
    """The user's own registrations that have logistics to show: confirmed onsite ones not over
    (a check-in code), and confirmed ones over without feedback (a form due). Support requests
    and visa letters are listed with them. A fixed number of queries."""
    person = membership.person_of(user)
    if person is None:
        return []
    now = now or timezone.now()
    recent = now - dt.timedelta(days=90)
    registrations = list(
        Registration.objects.filter(person=person)
        .filter(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING])
        .filter(Q(activity__period_ends_at__isnull=True) | Q(activity__period_ends_at__gt=recent))
        .select_related("activity", "visa_details", "feedback_response", "check_in")
        .prefetch_related("support_requests")
        .order_by("activity__starts_at", "id")
    )
    from .checkin_codes import make_checkin_token, qr_svg

    items = []
    for registration in registrations:
        over = is_over(registration.activity, now)
        confirmed = registration.status == RegistrationStatus.CONFIRMED
        item = {
            "registration": registration,
            "qr_svg": "",
            "feedback_due": False,
            # Visas and travel support concern people who travel: onsite, before the event.
            "travels": registration.mode == Mode.ONSITE and not over,
            "letter": confirmed and hasattr(registration, "visa_details"),
            "support_requests": list(registration.support_requests.all()),
        }
        if confirmed and registration.mode == Mode.ONSITE and not over:
            item["qr_svg"] = qr_svg(make_checkin_token(registration))
        if confirmed and over:
            item["feedback_due"] = not hasattr(registration, "feedback_response")
        if item["travels"] or item["letter"] or item["support_requests"] or item["feedback_due"]:
            items.append(item)
    return items


def activities_past_retention(cutoff: dt.datetime):
    return Activity.objects.filter(period_ends_at__lt=cutoff).order_by("period_ends_at", "id")
