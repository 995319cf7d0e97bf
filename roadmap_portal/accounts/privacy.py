"""What the portal holds about a person, handed over or forgotten on request; retention.

The platform does not import the registry or the activity apps (DESIGN.md, three floors):
their models are reached by name through ``django.apps``, and a model that is not installed
(or not yet migrated in) is skipped.
"""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# How long things are kept (docs/SECURITY.md states the same; the retention task applies it).
OUTBOX_BODY_DAYS = 180
UNVERIFIED_ACCOUNT_DAYS = 30
ANONYMISED_DOMAIN = "anonymised.invalid"


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def anonymised_email(person_pk: int) -> str:
    return f"person-{person_pk}@{ANONYMISED_DOMAIN}"


def anonymised_name(person_pk: int) -> str:
    return f"Anonymised person {person_pk}"


# --- seeing what the portal holds ---------------------------------------------------------


def _addresses(user, person) -> set[str]:
    addresses = set()
    if user is not None:
        addresses.add(user.email)
        addresses.update(user.emailaddress_set.values_list("email", flat=True))
    if person is not None and person.email:
        addresses.add(person.email)
    return {address.casefold() for address in addresses if address}


def _person_of(user):
    try:
        return user.person
    except ObjectDoesNotExist:
        return None


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def export_user_data(*, user) -> dict:
    """Everything the portal holds about ``user`` and their person, as plain JSON-able data."""
    person = _person_of(user)
    data = {
        "user": {
            "email": user.email,
            "full_name": user.full_name,
            "time_zone": user.time_zone,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in user.emailaddress_set.order_by("email")
            ],
        },
        "person": None,
        "affiliations": [],
        "registrations": [],
        "affiliation_requests": [
            {
                "organisation": str(r.organisation or r.proposed_name),
                "position": r.position,
                "message": r.message,
                "status": r.status,
                "created_at": _iso(r.created_at),
            }
            for r in user.affiliation_requests.select_related("organisation").order_by("pk")
        ],
        "messages": [],
    }
    if person is not None:
        data["person"] = {
            "honorific": person.honorific,
            "name": person.name,
            "name_latin": person.name_latin,
            "gender": person.gender,
            "gender_description": person.gender_description,
            "email": person.email,
            "phone": person.phone,
            "listed_publicly": person.listed_publicly,
        }
        data["affiliations"] = [
            {
                "organisation": a.organisation.name,
                "position": a.position,
                "started": _iso(a.started),
                "ended": _iso(a.ended),
                "is_focal_point": a.is_focal_point,
            }
            for a in person.affiliations.select_related("organisation").order_by("pk")
        ]
        data["registrations"] = [
            {
                "activity": r.activity.title,
                "starts_at": _iso(r.activity.starts_at),
                "organisation": r.organisation.name if r.organisation_id else "",
                "mode": r.mode,
                "role": r.role,
                "status": r.status,
                "requested_at": _iso(r.requested_at),
                "attended": r.attended,
                "motivation": r.motivation,
            }
            for r in person.registrations.select_related("activity", "organisation").order_by("pk")
        ]
    OutboxMessage = _model("core.OutboxMessage")
    addresses = _addresses(user, person)
    data["messages"] = [
        {
            "to": m.to_email,
            "subject": m.subject,
            "status": m.status,
            "created_at": _iso(m.created_at),
            "sent_at": _iso(m.sent_at),
        }
        for m in OutboxMessage.objects.filter(_to_any_of("to_email", addresses)).order_by("pk")
    ]
    return data


# --- forgetting a person ------------------------------------------------------------------


def _snapshot_names(snapshot, needles: list[str]) -> bool:
    """Whether the stored PDF's text contains one of ``needles``."""
    from pypdf import PdfReader

    try:
        with snapshot.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (OSError, ValueError) as error:
        logger.warning("privacy: snapshot %s could not be read: %s", snapshot.pk, error)
        return False
    except Exception as error:  # noqa: BLE001  (pypdf raises its own errors for broken files)
        logger.warning("privacy: snapshot %s could not be parsed: %s", snapshot.pk, error)
        return False
    folded = text.casefold()
    return any(needle.casefold() in folded for needle in needles if needle)


def withdraw_snapshots_naming(*, needles: list[str]) -> int:
    """Delete stored report snapshots whose text contains one of ``needles``; the count."""
    ReportSnapshot = _model("roadmap.ReportSnapshot")
    ReportJob = _model("roadmap.ReportJob")
    withdrawn = 0
    for snapshot in ReportSnapshot.objects.all():
        if not _snapshot_names(snapshot, needles):
            continue
        if ReportJob is not None:
            ReportJob.objects.filter(snapshot=snapshot).update(snapshot=None)
        name, storage = snapshot.file.name, snapshot.file.storage
        snapshot.delete()
        # The file goes once the deletion is committed; a rollback keeps both.
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        withdrawn += 1
    return withdrawn


@transaction.atomic
def anonymise_person(*, person, by) -> dict:
    """Forget ``person``: the person stays (registrations and report counts stay right) but
    nothing names or reaches them any more. Returns what was changed, by kind.

    Side effects, in one transaction:
    - the person: name "Anonymised person <id>", no latin name, honorific, gender in own
      words, e-mail or phone, not listed publicly, unlinked from the user (gender is kept:
      reports count it);
    - the user: deactivated, e-mail scrambled, no usable password, no e-mail addresses;
    - history rows of the person and registration motivations rewritten the same way;
    - outbox messages, reminder ledger rows, message deliveries and mail preferences to the
      person's addresses: the address replaced, bodies blanked;
    - visa letter details of the person's registrations deleted, their answers to registration
      questions blanked, webinar attendance rows imported under their address unnamed;
    - stored report snapshots whose text names the person withdrawn (deleted).
    Running it again changes nothing more.
    """
    Person = person.__class__
    person = Person.objects.select_for_update().get(pk=person.pk)
    user = person.user
    addresses = _addresses(user, person)
    needles = [person.name, person.name_latin, person.email]
    if user is not None:
        needles += [user.email, user.full_name]
    needles = [n for n in needles if n and not n.startswith(anonymised_name(person.pk))]
    new_address = anonymised_email(person.pk)
    changed = {}

    blank = {
        "name": anonymised_name(person.pk),
        "name_latin": "",
        "honorific": "",
        "gender_description": "",
        "email": "",
        "phone": "",
        "listed_publicly": False,
    }
    for field, value in blank.items():
        setattr(person, field, value)
    person.user = None
    person._change_reason = f"anonymised by {getattr(by, 'pk', None)}"
    person.save()
    changed["person"] = 1
    changed["person_history"] = person.history.model.objects.filter(id=person.pk).update(
        **{**blank, "search_text": person.search_text, "user": None}
    )

    if user is not None:
        user.email = f"user-{user.pk}@{ANONYMISED_DOMAIN}"
        user.full_name = ""
        user.calendar_token = None
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.emailaddress_set.all().delete()
        changed["user"] = 1

    Registration = _model("registrations.Registration")
    registrations = Registration.objects.filter(person=person)
    changed["registrations"] = registrations.exclude(motivation="").update(motivation="")
    changed["registration_history"] = (
        Registration.history.model.objects.filter(person_id=person.pk)
        .exclude(motivation="")
        .update(motivation="")
    )

    OutboxMessage = _model("core.OutboxMessage")
    changed["outbox"] = OutboxMessage.objects.filter(_to_any_of("to_email", addresses)).update(
        to_email=new_address, body_text="", body_html="", headers={}, attachments=[]
    )
    for label, field, extra in (
        ("registrations.ReminderLedger", "recipient_email", {"payload": {}}),
        ("registrations.MailPreference", "email", {}),
        ("logistics.MessageDelivery", "to_email", {}),
    ):
        model = _model(label)
        if model is None:
            continue
        rows = model.objects.filter(_to_any_of(field, addresses))
        changed[label] = rows.update(**{field: new_address}, **extra)
    RegistrationAnswer = _model("logistics.RegistrationAnswer")
    if RegistrationAnswer is not None:
        # Answers may hold health or dietary needs: blanked, the question stays answered.
        changed["answers"] = (
            RegistrationAnswer.objects.filter(registration__person=person)
            .exclude(value="")
            .update(value="")
        )
    WebinarAttendance = _model("webinars.WebinarAttendance")
    if WebinarAttendance is not None:
        changed["webinar_attendance"] = WebinarAttendance.objects.filter(
            Q(person=person) | _to_any_of("email", addresses)
        ).update(email=new_address, name="")
    VisaLetterDetails = _model("logistics.VisaLetterDetails")
    if VisaLetterDetails is not None:
        changed["visa_details"] = VisaLetterDetails.objects.filter(
            registration__person=person
        ).delete()[0]
    changed["snapshots"] = withdraw_snapshots_naming(needles=needles) if needles else 0
    logger.info(
        "privacy: person %s anonymised by %s: %s", person.pk, getattr(by, "pk", None), changed
    )
    return changed


def _to_any_of(field: str, addresses: set[str]) -> Q:
    """Rows whose ``field`` is one of ``addresses``, whatever the case; none when empty."""
    condition = Q(pk__in=[])
    for address in sorted(addresses):
        condition |= Q(**{f"{field}__iexact": address})
    return condition


# --- retention ----------------------------------------------------------------------------


@transaction.atomic
def apply_retention(*, now: dt.datetime | None = None) -> dict:
    """Delete what the retention rules no longer allow (docs/SECURITY.md):
    - bodies of outbox messages sent more than ``OUTBOX_BODY_DAYS`` ago are blanked (the row,
      its recipient and subject stay as the record that a message went out);
    - accounts that never verified an address, never signed in and are older than
      ``UNVERIFIED_ACCOUNT_DAYS`` are deleted, unless a person or a registration refers to them.
    """
    now = now or timezone.now()
    OutboxMessage = _model("core.OutboxMessage")
    bodies = (
        OutboxMessage.objects.filter(
            status="sent", sent_at__lt=now - dt.timedelta(days=OUTBOX_BODY_DAYS)
        )
        .exclude(body_text="", body_html="")
        .update(body_text="", body_html="", attachments=[])
    )
    User = apps.get_model(settings.AUTH_USER_MODEL)
    stale = User.objects.filter(
        date_joined__lt=now - dt.timedelta(days=UNVERIFIED_ACCOUNT_DAYS),
        last_login__isnull=True,
        is_staff=False,
        is_superuser=False,
        person__isnull=True,
        registrations_made__isnull=True,
        affiliation_requests__isnull=True,
    ).exclude(emailaddress__verified=True)
    accounts = User.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()[0]
    return {"outbox_bodies": bodies, "accounts": accounts}
