"""Writes to the registry: verb-first, keyword-only, one transaction each."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from roadmap_portal.accounts.membership import (
    console_users,
    is_member_of,
    is_staff,
    may_decide_affiliation_request,
    may_manage_organisation,
)
from roadmap_portal.core.mail import queue_mail
from roadmap_portal.core.text import normalise_name, search_key

from .models import (
    Affiliation,
    AffiliationRequest,
    AffiliationRequestStatus,
    Country,
    Gender,
    MergeKind,
    MergeRecord,
    Organisation,
    Person,
    TaskForceMembership,
    TaskForcePosition,
)


def unique_organisation_slug(name: str, acronym: str = "") -> str:
    base = slugify(acronym or name)[:70] or "organisation"
    slug, number = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_organisation(
    *,
    name: str,
    kind: str,
    country: Country | None,
    acronym: str = "",
    slug: str = "",
    website: str = "",
    description: str = "",
    is_asec_member: bool = False,
    approved: bool = False,
) -> Organisation:
    organisation = Organisation(
        name=name,
        acronym=acronym,
        slug=slug or unique_organisation_slug(name, acronym),
        kind=kind,
        country=country,
        website=website,
        description=description,
        is_asec_member=is_asec_member,
        approved=approved,
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def create_person(
    *,
    name: str,
    honorific: str = "",
    name_latin: str = "",
    gender: str = "not_recorded",
    gender_description: str = "",
    email: str = "",
    phone: str = "",
    listed_publicly: bool = False,
    user=None,
) -> Person:
    person = Person(
        name=name,
        honorific=honorific,
        name_latin=name_latin,
        gender=gender,
        gender_description=gender_description,
        email=email,
        phone=phone,
        listed_publicly=listed_publicly,
        user=user,
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def affiliate_person(
    *,
    person: Person,
    organisation: Organisation,
    position: str = "",
    started: dt.date | None = None,
    is_focal_point: bool = False,
) -> Affiliation:
    """Give ``person`` an open affiliation to ``organisation``; an open one is updated instead."""
    affiliation = Affiliation.objects.filter(
        person=person, organisation=organisation, ended__isnull=True
    ).first()
    if affiliation is None:
        affiliation = Affiliation(person=person, organisation=organisation)
    affiliation.position = position or affiliation.position
    affiliation.started = started or affiliation.started
    affiliation.is_focal_point = is_focal_point or affiliation.is_focal_point
    affiliation.full_clean(validate_constraints=False)
    affiliation.save()
    return affiliation


@transaction.atomic
def add_taskforce_membership(
    *, organisation: Organisation, role: str, since: dt.date
) -> TaskForceMembership:
    """Record an organisation's Task Force role; an open membership in that role is kept."""
    membership = TaskForceMembership.objects.filter(
        organisation=organisation, role=role, until__isnull=True
    ).first()
    if membership is not None:
        return membership
    membership = TaskForceMembership(organisation=organisation, role=role, since=since)
    membership.full_clean(validate_constraints=False)
    membership.save()
    return membership


@transaction.atomic
def add_taskforce_position(*, person: Person, title: str, since: dt.date) -> TaskForcePosition:
    position = TaskForcePosition.objects.filter(person=person, title=title, until__isnull=True)
    existing = position.first()
    if existing is not None:
        return existing
    new_position = TaskForcePosition(person=person, title=title, since=since)
    new_position.full_clean()
    new_position.save()
    return new_position


# Affiliation requests ---------------------------------------------------------------------


class LastFocalPointError(ValidationError):
    """Ending or unsetting the last focal point of an organisation needs explicit confirmation."""


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _clean_text(value: str) -> str:
    """Free text as typed, in NFC, without surrounding blank space (newlines kept)."""
    return unicodedata.normalize("NFC", value or "").strip()


def _address_of(person: Person) -> str:
    """A linked user's verified address wins over the one recorded for the person."""
    if person.user_id and person.user.email:
        return person.user.email
    return person.email


def _focal_point_addresses(organisation: Organisation) -> list[str]:
    affiliations = (
        Affiliation.objects.active()
        .focal_points()
        .filter(organisation=organisation)
        .select_related("person", "person__user")
        .order_by("id")
    )
    addresses = [_address_of(affiliation.person) for affiliation in affiliations]
    return list(dict.fromkeys(address for address in addresses if address))


def _staff_addresses() -> list[str]:
    return list(dict.fromkeys(user.email for user in console_users() if user.email))


def _lock_user(user) -> None:
    """Serialise one user's requests, so two clicks never make two pending requests."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _lock_request(affiliation_request: AffiliationRequest) -> AffiliationRequest:
    # Only the request's own row is locked: PostgreSQL cannot lock the nullable side of the
    # outer joins to the organisations.
    return (
        AffiliationRequest.objects.select_for_update(of=("self",))
        .select_related("user", "organisation", "proposed_organisation")
        .get(pk=affiliation_request.pk)
    )


def _notify_request_received(affiliation_request: AffiliationRequest) -> None:
    """Tell whoever decides: the focal points, or staff for a proposal or an orphan."""
    organisation = affiliation_request.organisation
    recipients = [] if organisation is None else _focal_point_addresses(organisation)
    if recipients:
        decide_url = _absolute(
            reverse("taskforce:manage_requests", kwargs={"slug": organisation.slug})
        )
    else:
        recipients = _staff_addresses()
        decide_url = _absolute(reverse("me:requests"))
    for address in recipients:
        queue_mail(
            to=address,
            template_prefix="taskforce/emails/affiliation_request_received",
            context={"affiliation_request": affiliation_request, "decide_url": decide_url},
            topic="taskforce.affiliation_request_received",
        )


@transaction.atomic
def request_affiliation(
    *, user, organisation: Organisation, position: str = "", message: str = ""
) -> AffiliationRequest:
    """Ask to join an approved organisation.

    Side effects: one pending request, and a "request received" mail to each focal point of
    the organisation (to staff when it has none). A pending request of the same user for the
    same organisation is returned as it is, so a retry sends nothing twice.
    """
    _lock_user(user)
    existing = (
        AffiliationRequest.objects.pending().filter(user=user, organisation=organisation).first()
    )
    if existing is not None:
        return existing
    if not organisation.approved:
        raise ValidationError(_("This organisation is not in the directory yet."))
    if is_member_of(user, organisation):
        raise ValidationError(
            _("You already belong to %(organisation)s."), params={"organisation": organisation}
        )
    affiliation_request = AffiliationRequest(
        user=user,
        organisation=organisation,
        position=normalise_name(position),
        message=_clean_text(message),
    )
    affiliation_request.full_clean()
    affiliation_request.save()
    _notify_request_received(affiliation_request)
    return affiliation_request


def _same_name(name: str):
    """Organisations whose name reads the same as ``name`` once case and accents are set aside."""
    key = search_key(name)
    return [o for o in Organisation.objects.search(name) if search_key(o.name) == key]


@transaction.atomic
def propose_organisation(
    *,
    user,
    name: str,
    kind: str,
    country: Country | None = None,
    acronym: str = "",
    website: str = "",
    position: str = "",
    message: str = "",
) -> AffiliationRequest:
    """Propose a new organisation and ask to join it.

    Side effects: the organisation is created unapproved (it appears nowhere yet), linked to a
    pending request that keeps what was proposed, and staff get a "request received" mail. A
    pending proposal of the same user under the same name is returned as it is.
    """
    name = normalise_name(name)
    acronym = normalise_name(acronym)
    if not name:
        raise ValidationError({"name": _("Please give the organisation's name.")})
    _lock_user(user)
    existing = AffiliationRequest.objects.pending().filter(user=user, proposed_name=name).first()
    if existing is not None:
        return existing
    for twin in _same_name(name):
        if twin.approved:
            raise ValidationError(
                {
                    "name": _(
                        "%(organisation)s is already in the directory: ask to join it instead."
                    )
                    % {"organisation": twin}
                }
            )
        raise ValidationError(
            {"name": _("This organisation has already been proposed and awaits the secretariat.")}
        )
    organisation = create_organisation(
        name=name, kind=kind, country=country, acronym=acronym, website=website, approved=False
    )
    affiliation_request = AffiliationRequest(
        user=user,
        proposed_name=name,
        proposed_acronym=acronym,
        proposed_country=country,
        proposed_kind=kind,
        proposed_website=website,
        proposed_organisation=organisation,
        position=normalise_name(position),
        message=_clean_text(message),
    )
    affiliation_request.full_clean()
    affiliation_request.save()
    _notify_request_received(affiliation_request)
    return affiliation_request


def _person_of_user(user, organisation: Organisation) -> Person:
    """The user's Person: the linked one, else one the organisation already lists under the
    user's verified address, else a new one named from the user's full name."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = (
            Person.objects.filter(
                user__isnull=True,
                email__iexact=user.email,
                affiliations__organisation=organisation,
            )
            .order_by("id")
            .first()
        )
    if person is None:
        return create_person(
            name=user.full_name or user.email.split("@", 1)[0], email=user.email, user=user
        )
    if person.user_id != user.pk or person.email != user.email:
        person.user = user
        person.email = user.email
        person.save(update_fields=["user", "email", "updated_at"])
    return person


def _discard_proposed_organisation(affiliation_request: AffiliationRequest) -> None:
    """Remove the unapproved organisation a declined or withdrawn proposal created, unless
    staff have meanwhile given it people, memberships or registrations."""
    organisation = affiliation_request.proposed_organisation
    if organisation is None or organisation.approved:
        return
    if organisation.affiliations.exists() or organisation.taskforce_memberships.exists():
        return
    try:
        with transaction.atomic():
            organisation.delete()
    except ProtectedError:
        return
    affiliation_request.proposed_organisation = None


def _require_decider(by, affiliation_request: AffiliationRequest) -> None:
    if not may_decide_affiliation_request(by, affiliation_request):
        raise PermissionDenied(_("You may not decide this request."))


def _not_pending(affiliation_request: AffiliationRequest) -> ValidationError:
    return ValidationError(
        _("This request is no longer awaiting a decision (%(status)s)."),
        params={"status": affiliation_request.get_status_display()},
        code="not_pending",
    )


@transaction.atomic
def approve_affiliation_request(*, affiliation_request: AffiliationRequest, by) -> Affiliation:
    """Approve a request (a focal point of the organisation, or staff).

    Side effects: a proposed organisation is approved with the request; the user's Person is
    linked or created (name from the user's full name, e-mail from the verified address) with
    an active affiliation in the position asked for; the first person of a newly approved
    organisation becomes its focal point; the user is told by e-mail. Approving an approved
    request returns the affiliation again.
    """
    affiliation_request = _lock_request(affiliation_request)
    _require_decider(by, affiliation_request)
    organisation = affiliation_request.target_organisation
    user = affiliation_request.user
    if affiliation_request.status == AffiliationRequestStatus.APPROVED:
        affiliation = (
            Affiliation.objects.filter(person__user=user, organisation=organisation)
            .order_by("-id")
            .first()
        )
        if affiliation is not None:
            return affiliation
    if affiliation_request.status != AffiliationRequestStatus.PENDING:
        raise _not_pending(affiliation_request)
    if organisation is None:
        raise ValidationError(_("The proposed organisation no longer exists."))
    newly_approved = False
    if not organisation.approved:
        if not affiliation_request.is_proposal:
            raise ValidationError(_("This organisation is no longer in the directory."))
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        organisation.approved = True
        organisation.save(update_fields=["approved", "updated_at"])
        newly_approved = True
    person = _person_of_user(user, organisation)
    focal_points = Affiliation.objects.active().focal_points().filter(organisation=organisation)
    becomes_focal_point = newly_approved and not focal_points.exists()
    already_open = Affiliation.objects.filter(
        person=person, organisation=organisation, ended__isnull=True
    ).exists()
    affiliation = affiliate_person(
        person=person,
        organisation=organisation,
        position=affiliation_request.position,
        started=None if already_open else timezone.localdate(),
        is_focal_point=becomes_focal_point,
    )
    affiliation_request.status = AffiliationRequestStatus.APPROVED
    affiliation_request.decided_by = by
    affiliation_request.decided_at = timezone.now()
    affiliation_request.save(update_fields=["status", "decided_by", "decided_at"])
    queue_mail(
        to=user.email,
        template_prefix="taskforce/emails/affiliation_request_approved",
        context={
            "affiliation_request": affiliation_request,
            "organisation": organisation,
            "affiliation": affiliation,
            "me_url": _absolute(reverse("me:home")),
        },
        topic="taskforce.affiliation_request_approved",
    )
    return affiliation


@transaction.atomic
def decline_affiliation_request(
    *, affiliation_request: AffiliationRequest, by, reason: str
) -> AffiliationRequest:
    """Decline a request with a reason the user reads in the e-mail that tells them.

    Side effects: a declined proposal's unapproved organisation is removed (the request keeps
    what was proposed); the user is told by e-mail. Declining a declined request changes
    nothing.
    """
    affiliation_request = _lock_request(affiliation_request)
    _require_decider(by, affiliation_request)
    if affiliation_request.status == AffiliationRequestStatus.DECLINED:
        return affiliation_request
    if affiliation_request.status != AffiliationRequestStatus.PENDING:
        raise _not_pending(affiliation_request)
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Please say why the request is declined.")})
    affiliation_request.status = AffiliationRequestStatus.DECLINED
    affiliation_request.decided_by = by
    affiliation_request.decided_at = timezone.now()
    affiliation_request.decision_reason = reason
    _discard_proposed_organisation(affiliation_request)
    affiliation_request.save()
    queue_mail(
        to=affiliation_request.user.email,
        template_prefix="taskforce/emails/affiliation_request_declined",
        context={
            "affiliation_request": affiliation_request,
            "join_url": _absolute(reverse("me:join")),
        },
        topic="taskforce.affiliation_request_declined",
    )
    return affiliation_request


@transaction.atomic
def withdraw_affiliation_request(
    *, affiliation_request: AffiliationRequest, by
) -> AffiliationRequest:
    """The user takes back a pending request; a withdrawn proposal's organisation goes too."""
    affiliation_request = _lock_request(affiliation_request)
    if affiliation_request.user_id != by.pk:
        raise PermissionDenied(_("Only the person who asked may withdraw a request."))
    if affiliation_request.status == AffiliationRequestStatus.WITHDRAWN:
        return affiliation_request
    if affiliation_request.status != AffiliationRequestStatus.PENDING:
        raise _not_pending(affiliation_request)
    affiliation_request.status = AffiliationRequestStatus.WITHDRAWN
    affiliation_request.decided_by = by
    affiliation_request.decided_at = timezone.now()
    _discard_proposed_organisation(affiliation_request)
    affiliation_request.save()
    return affiliation_request


# What a focal point keeps -------------------------------------------------------------------


def _require_manager(by, organisation: Organisation) -> None:
    if not may_manage_organisation(by, organisation):
        raise PermissionDenied(_("Only the organisation's focal points and staff may do this."))


def _lock_organisation(organisation: Organisation) -> Organisation:
    """Serialise focal-point changes, so two focal points cannot remove each other at once."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _is_last_focal_point(affiliation: Affiliation) -> bool:
    if not (affiliation.is_focal_point and affiliation.is_active):
        return False
    others = (
        Affiliation.objects.active()
        .focal_points()
        .filter(organisation_id=affiliation.organisation_id)
        .exclude(pk=affiliation.pk)
    )
    return not others.exists()


def is_last_focal_point(affiliation: Affiliation) -> bool:
    """Whether removing this affiliation's focal-point role leaves the organisation without one."""
    return _is_last_focal_point(affiliation)


def _alert_staff_last_focal_point(*, affiliation: Affiliation, by, change: str) -> None:
    organisation = affiliation.organisation
    for address in _staff_addresses():
        queue_mail(
            to=address,
            template_prefix="taskforce/emails/last_focal_point_alert",
            context={
                "organisation": organisation,
                "person": affiliation.person,
                "change": change,
                "by": by,
                "people_url": _absolute(
                    reverse("taskforce:manage_people", kwargs={"slug": organisation.slug})
                ),
            },
            topic="taskforce.last_focal_point_alert",
        )


def _confirmation_needed() -> LastFocalPointError:
    return LastFocalPointError(
        _(
            "This is the organisation's last focal point. Confirm that it may go on without "
            "one; the secretariat will be told."
        ),
        code="last_focal_point",
    )


@transaction.atomic
def update_organisation_profile(
    *,
    organisation: Organisation,
    by,
    name: str,
    kind: str,
    country: Country | None,
    acronym: str = "",
    website: str = "",
    description: str = "",
) -> Organisation:
    """Change what the directory shows of an organisation; its address (slug) stays."""
    _require_manager(by, organisation)
    organisation = _lock_organisation(organisation)
    organisation.name = name
    organisation.acronym = acronym
    organisation.kind = kind
    organisation.country = country
    organisation.website = website
    organisation.description = _clean_text(description)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def add_person_to_organisation(
    *,
    organisation: Organisation,
    by,
    name: str,
    position: str = "",
    honorific: str = "",
    name_latin: str = "",
    gender: str = Gender.NOT_RECORDED,
    gender_description: str = "",
    email: str = "",
    phone: str = "",
    listed_publicly: bool = False,
    started: dt.date | None = None,
    is_focal_point: bool = False,
) -> Affiliation:
    """List a new person in the organisation with an active affiliation.

    An address already listed among the organisation's current people is refused, so a
    repeated submission does not list the same person twice.
    """
    _require_manager(by, organisation)
    organisation = _lock_organisation(organisation)
    email = email.strip()
    if (
        email
        and Affiliation.objects.active()
        .filter(organisation=organisation, person__email__iexact=email)
        .exists()
    ):
        raise ValidationError(
            {"email": _("Someone with this address is already listed in this organisation.")}
        )
    person = create_person(
        name=name,
        honorific=honorific,
        name_latin=name_latin,
        gender=gender,
        gender_description=gender_description,
        email=email,
        phone=phone.strip(),
        listed_publicly=listed_publicly,
    )
    affiliation = Affiliation(
        person=person,
        organisation=organisation,
        position=normalise_name(position),
        started=started,
        is_focal_point=is_focal_point,
    )
    affiliation.full_clean()
    affiliation.save()
    return affiliation


@transaction.atomic
def update_person(
    *,
    affiliation: Affiliation,
    by,
    name: str,
    position: str = "",
    honorific: str = "",
    name_latin: str = "",
    gender: str = Gender.NOT_RECORDED,
    gender_description: str = "",
    email: str = "",
    phone: str = "",
    listed_publicly: bool = False,
) -> Person:
    """Correct a person listed in the organisation, and their position there.

    A person who signs in keeps the address of their account: it changes only through the
    account's own verified change of e-mail.
    """
    _require_manager(by, affiliation.organisation)
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=affiliation.person_id)
    )
    email = email.strip()
    if person.user_id and email.casefold() != person.user.email.casefold():
        raise ValidationError(
            {
                "email": _(
                    "This person signs in with %(email)s; the address changes only from their "
                    "own account."
                )
                % {"email": person.user.email}
            }
        )
    person.name = name
    person.honorific = honorific
    person.name_latin = name_latin
    person.gender = gender
    person.gender_description = gender_description
    person.email = person.user.email if person.user_id else email
    person.phone = phone.strip()
    person.listed_publicly = listed_publicly
    person.full_clean()
    person.save()
    position = normalise_name(position)
    if affiliation.position != position:
        affiliation.position = position
        affiliation.save(update_fields=["position"])
    return person


@transaction.atomic
def end_affiliation(
    *,
    affiliation: Affiliation,
    by,
    confirm_last_focal_point: bool = False,
) -> Affiliation:
    """End a person's affiliation today.

    Ending the organisation's last focal point needs ``confirm_last_focal_point`` (else
    ``LastFocalPointError``) and then alerts staff by e-mail. An ended affiliation is returned
    as it is.
    """
    _require_manager(by, affiliation.organisation)
    _lock_organisation(affiliation.organisation)
    affiliation = Affiliation.objects.select_related("person", "organisation").get(
        pk=affiliation.pk
    )
    today = timezone.localdate()
    if affiliation.ended is not None and affiliation.ended <= today:
        return affiliation
    last = _is_last_focal_point(affiliation)
    if last and not confirm_last_focal_point:
        raise _confirmation_needed()
    affiliation.ended = max(today, affiliation.started) if affiliation.started else today
    affiliation.full_clean(validate_constraints=False)
    affiliation.save(update_fields=["ended"])
    if last:
        _alert_staff_last_focal_point(
            affiliation=affiliation, by=by, change=_("The affiliation was ended.")
        )
    return affiliation


@transaction.atomic
def set_focal_point(*, affiliation: Affiliation, by) -> Affiliation:
    """Name a current member of the organisation as one of its focal points."""
    _require_manager(by, affiliation.organisation)
    _lock_organisation(affiliation.organisation)
    affiliation = Affiliation.objects.select_related("person", "organisation").get(
        pk=affiliation.pk
    )
    if not affiliation.is_active:
        raise ValidationError(_("Only a current member of the organisation can be a focal point."))
    if affiliation.is_focal_point:
        return affiliation
    affiliation.is_focal_point = True
    affiliation.save(update_fields=["is_focal_point"])
    return affiliation


@transaction.atomic
def unset_focal_point(
    *, affiliation: Affiliation, by, confirm_last_focal_point: bool = False
) -> Affiliation:
    """Take the focal-point role from an affiliation; the person stays in the organisation.

    Unsetting the organisation's last focal point needs ``confirm_last_focal_point`` (else
    ``LastFocalPointError``) and then alerts staff by e-mail.
    """
    _require_manager(by, affiliation.organisation)
    _lock_organisation(affiliation.organisation)
    affiliation = Affiliation.objects.select_related("person", "organisation").get(
        pk=affiliation.pk
    )
    if not affiliation.is_focal_point:
        return affiliation
    last = _is_last_focal_point(affiliation)
    if last and not confirm_last_focal_point:
        raise _confirmation_needed()
    affiliation.is_focal_point = False
    affiliation.save(update_fields=["is_focal_point"])
    if last:
        _alert_staff_last_focal_point(
            affiliation=affiliation,
            by=by,
            change=_("The person is no longer a focal point."),
        )
    return affiliation


# What the secretariat keeps in the console --------------------------------------------------


def _require_staff(by) -> None:
    if not is_staff(by):
        raise PermissionDenied(_("Only the secretariat can do this."))


def _save_by(instance, by, **kwargs) -> None:
    """Save and let the history record who did it, also outside a request."""
    if getattr(by, "is_authenticated", False):
        instance._history_user = by
    instance.save(**kwargs)


@transaction.atomic
def update_organisation(
    *,
    organisation: Organisation,
    by,
    name: str,
    kind: str,
    country: Country | None,
    acronym: str = "",
    website: str = "",
    description: str = "",
    is_asec_member: bool = False,
    approved: bool = False,
) -> Organisation:
    """Staff correct an organisation, its approval and ASEC membership included.

    Its address (slug) stays. Nothing is saved when nothing changes, so a retry adds no
    history.
    """
    _require_staff(by)
    organisation = _lock_organisation(organisation)
    wanted = {
        "name": normalise_name(name),
        "acronym": normalise_name(acronym),
        "kind": kind,
        "country": country,
        "website": website.strip(),
        "description": _clean_text(description),
        "is_asec_member": is_asec_member,
        "approved": approved,
    }
    if all(getattr(organisation, field) == value for field, value in wanted.items()):
        return organisation
    for field, value in wanted.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    _save_by(organisation, by)
    return organisation


@transaction.atomic
def update_person_details(
    *,
    person: Person,
    by,
    name: str,
    honorific: str = "",
    name_latin: str = "",
    gender: str = Gender.NOT_RECORDED,
    gender_description: str = "",
    email: str = "",
    phone: str = "",
    listed_publicly: bool = False,
) -> Person:
    """Staff correct a person's record.

    A person who signs in keeps the address of their account: it changes only through the
    account's own verified change of e-mail. Nothing is saved when nothing changes.
    """
    _require_staff(by)
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    email = email.strip()
    if person.user_id and email.casefold() != person.user.email.casefold():
        raise ValidationError(
            {
                "email": _(
                    "This person signs in with %(email)s; the address changes only from their "
                    "own account."
                )
                % {"email": person.user.email}
            }
        )
    wanted = {
        "name": normalise_name(name),
        "honorific": normalise_name(honorific),
        "name_latin": normalise_name(name_latin),
        "gender": gender,
        "gender_description": gender_description.strip(),
        "email": person.user.email if person.user_id else email,
        "phone": phone.strip(),
        "listed_publicly": listed_publicly,
    }
    if all(getattr(person, field) == value for field, value in wanted.items()):
        return person
    for field, value in wanted.items():
        setattr(person, field, value)
    person.full_clean()
    _save_by(person, by)
    return person


@transaction.atomic
def update_affiliation(
    *,
    affiliation: Affiliation,
    by,
    position: str = "",
    started: dt.date | None = None,
    ended: dt.date | None = None,
    is_focal_point: bool = False,
    confirm_last_focal_point: bool = False,
) -> Affiliation:
    """Staff correct an affiliation: position, dates, focal-point role.

    Taking the role from the organisation's last focal point (by unticking it or by ending
    the affiliation) needs ``confirm_last_focal_point`` (else ``LastFocalPointError``) and
    then alerts staff by e-mail, as a focal point's own change does.
    """
    _require_staff(by)
    _lock_organisation(affiliation.organisation)
    affiliation = Affiliation.objects.select_related("person", "organisation").get(
        pk=affiliation.pk
    )
    today = timezone.localdate()
    loses_role = affiliation.is_focal_point and (
        not is_focal_point or (ended is not None and ended <= today)
    )
    last = loses_role and _is_last_focal_point(affiliation)
    if last and not confirm_last_focal_point:
        raise _confirmation_needed()
    wanted = {
        "position": normalise_name(position),
        "started": started,
        "ended": ended,
        "is_focal_point": is_focal_point,
    }
    if all(getattr(affiliation, field) == value for field, value in wanted.items()):
        return affiliation
    for field, value in wanted.items():
        setattr(affiliation, field, value)
    affiliation.full_clean()
    _save_by(affiliation, by)
    if last:
        _alert_staff_last_focal_point(
            affiliation=affiliation, by=by, change=_("The secretariat changed the affiliation.")
        )
    return affiliation


@transaction.atomic
def update_taskforce_membership(
    *, membership: TaskForceMembership, by, role: str, since: dt.date, until: dt.date | None
) -> TaskForceMembership:
    """Staff correct an organisation's Task Force role or its dates."""
    _require_staff(by)
    membership = TaskForceMembership.objects.select_for_update().get(pk=membership.pk)
    if (membership.role, membership.since, membership.until) == (role, since, until):
        return membership
    membership.role, membership.since, membership.until = role, since, until
    membership.full_clean()
    _save_by(membership, by)
    return membership


@transaction.atomic
def update_taskforce_position(
    *, position: TaskForcePosition, by, title: str, since: dt.date, until: dt.date | None
) -> TaskForcePosition:
    """Staff correct a person's Task Force post or its dates."""
    _require_staff(by)
    position = TaskForcePosition.objects.select_for_update().get(pk=position.pk)
    if (position.title, position.since, position.until) == (title, since, until):
        return position
    position.title, position.since, position.until = title, since, until
    position.full_clean()
    _save_by(position, by)
    return position


# Merging duplicates ------------------------------------------------------------------------


def _label_of(relation) -> str:
    return str(relation.related_model._meta.verbose_name_plural)


def _move_other_relations(model, *, duplicate, survivor, by, skip: set[str]) -> dict[str, int]:
    """Point every other record that refers to ``duplicate`` at ``survivor``.

    The apps above the registry (dialogues, webinars, training) refer to people and
    organisations too; they are reached through the model's reverse relations, so the
    registry imports none of them. Many-to-many links move unless the survivor already has
    the same one. A row that cannot move because the survivor already has its twin (a unique
    constraint) is deleted when it would have gone with the duplicate anyway (CASCADE),
    unlinked when its link is optional (SET_NULL), and otherwise refuses the merge.
    """
    moved: dict[str, int] = {}
    for relation in model._meta.related_objects:
        if relation.get_accessor_name() in skip:
            continue
        label = _label_of(relation)
        if relation.many_to_many:
            if not relation.through._meta.auto_created:
                # A through model of the app's own is reached as a relation of its own.
                continue
            through = relation.through._base_manager
            ours = relation.field.m2m_reverse_field_name()
            theirs = relation.field.m2m_field_name()
            taken = through.filter(**{ours: survivor}).values(theirs)
            count = (
                through.filter(**{ours: duplicate})
                .exclude(**{f"{theirs}__in": taken})
                .update(**{ours: survivor})
            )
            through.filter(**{ours: duplicate}).delete()
            if count:
                moved[label] = moved.get(label, 0) + count
            continue
        field = relation.field
        rows = list(relation.related_model._base_manager.filter(**{field.name: duplicate}))
        for row in rows:
            setattr(row, field.name, survivor)
            try:
                with transaction.atomic():
                    _save_by(row, by, update_fields=[field.name])
            except IntegrityError as error:
                on_delete = field.remote_field.on_delete
                if on_delete is models.CASCADE:
                    row.delete()
                elif on_delete is models.SET_NULL:
                    setattr(row, field.name, None)
                    _save_by(row, by, update_fields=[field.name])
                else:
                    raise ValidationError(
                        _(
                            "These two records cannot be merged automatically: both have "
                            "%(things)s that would clash (%(row)s)."
                        )
                        % {"things": label, "row": row}
                    ) from error
                continue
            moved[label] = moved.get(label, 0) + 1
    return moved


def _merge_affiliations(*, field: str, duplicate, survivor, by) -> int:
    """Move the duplicate's affiliations; an open one twinned by the survivor's is folded
    into it (the focal-point role and the earliest start are kept)."""
    other = "organisation" if field == "person" else "person"
    moved = 0
    for affiliation in Affiliation.objects.filter(**{field: duplicate}).order_by("pk"):
        twin = None
        if affiliation.ended is None:
            twin = Affiliation.objects.filter(
                **{field: survivor, other: getattr(affiliation, other), "ended__isnull": True}
            ).first()
        if twin is None:
            setattr(affiliation, field, survivor)
            _save_by(affiliation, by)
        else:
            twin.is_focal_point = twin.is_focal_point or affiliation.is_focal_point
            twin.position = twin.position or affiliation.position
            starts = [day for day in (twin.started, affiliation.started) if day is not None]
            twin.started = min(starts) if starts else None
            _save_by(twin, by)
            affiliation.delete()
        moved += 1
    return moved


def _fold_open_twins(queryset, *, field: str, kind_field: str, duplicate, survivor, by) -> int:
    """Move Task Force memberships or positions; an open one the survivor also holds in the
    same role is folded into the survivor's, which keeps the earlier start."""
    moved = 0
    for row in queryset.filter(**{field: duplicate}).order_by("pk"):
        twin = None
        if row.until is None:
            twin = queryset.filter(
                **{field: survivor, kind_field: getattr(row, kind_field), "until__isnull": True}
            ).first()
        if twin is None:
            setattr(row, field, survivor)
            _save_by(row, by)
        else:
            if row.since < twin.since:
                twin.since = row.since
                _save_by(twin, by)
            row.delete()
        moved += 1
    return moved


def _move_registrations(*, person_field: str, duplicate, survivor, by) -> tuple[int, int]:
    """Move the duplicate person's registrations. Where both have an active registration for
    the same activity, the survivor's stays and the duplicate's is cancelled ("merged"); a
    seat it held goes to the first person waiting. Returns (moved, cancelled)."""
    from roadmap_portal.registrations.models import (
        ROLES_OUTSIDE_CAPACITY,
        Registration,
        RegistrationStatus,
    )
    from roadmap_portal.registrations.services import set_capacity

    survivor_active = set(
        Registration.objects.active()
        .filter(**{person_field: survivor})
        .values_list("activity_id", flat=True)
    )
    freed = {}
    moved = cancelled = 0
    registrations = Registration.objects.filter(**{person_field: duplicate}).select_related(
        "activity"
    )
    for registration in registrations.order_by("pk"):
        if registration.is_active and registration.activity_id in survivor_active:
            if (
                registration.status == RegistrationStatus.CONFIRMED
                and registration.role not in ROLES_OUTSIDE_CAPACITY
            ):
                freed[registration.activity_id] = registration.activity
            registration.status = RegistrationStatus.CANCELLED
            registration.decided_at = timezone.now()
            registration.decision_reason = _("merged")
            cancelled += 1
        setattr(registration, person_field, survivor)
        _save_by(registration, by)
        moved += 1
    for activity in freed.values():
        # The same capacities again: the engine promotes whoever the freed seat admits.
        set_capacity(
            activity=activity,
            onsite_capacity=activity.onsite_capacity,
            online_capacity=activity.online_capacity,
            by=by,
        )
    return moved, cancelled


def _record_merge(*, kind: str, survivor, duplicate, by, moved: dict) -> MergeRecord:
    return MergeRecord.objects.create(
        kind=kind,
        survivor_id=survivor.pk,
        survivor_name=str(survivor)[:250],
        duplicate_id=duplicate.pk,
        duplicate_name=str(duplicate)[:250],
        merged_by=by if getattr(by, "is_authenticated", False) else None,
        moved=moved,
    )


def _delete_merged(duplicate, *, survivor, by) -> None:
    if getattr(by, "is_authenticated", False):
        duplicate._history_user = by
    duplicate._change_reason = f"merged into #{survivor.pk}"
    duplicate.delete()


def _lock_pair(model, survivor, duplicate):
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    rows = {
        row.pk: row
        for row in model.objects.select_for_update(of=("self",)).filter(
            pk__in=[survivor.pk, duplicate.pk]
        )
    }
    if len(rows) != 2:
        raise ValidationError(_("One of the two records no longer exists."))
    return rows[survivor.pk], rows[duplicate.pk]


def _fill_blanks(survivor, duplicate, fields) -> None:
    for field in fields:
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))


@transaction.atomic
def merge_people(*, survivor: Person, duplicate: Person, by) -> MergeRecord:
    """Merge ``duplicate`` into ``survivor`` (staff), in one transaction, and record it.

    Moves the duplicate's registrations (an active one for an activity the survivor is
    also registered for is cancelled with the reason "merged", its seat promoted to the
    waitlist), affiliations (open twins folded together), Task Force positions, every other
    record that names the person (sessions, webinars, training), and its user account when
    the survivor has none. The survivor's blank fields are filled from the duplicate; its
    consent to be listed publicly stays its own. The duplicate is then deleted; its history
    stays, and the ``MergeRecord`` names it. Two people who both sign in are refused.
    """
    _require_staff(by)
    survivor, duplicate = _lock_pair(Person, survivor, duplicate)
    if survivor.user_id and duplicate.user_id:
        raise ValidationError(
            _(
                "Both people sign in with their own account; merge the accounts first, or ask "
                "one of them to stop using theirs."
            )
        )
    moved: dict[str, int] = {}
    registrations, cancelled = _move_registrations(
        person_field="person", duplicate=duplicate, survivor=survivor, by=by
    )
    affiliations = _merge_affiliations(
        field="person", duplicate=duplicate, survivor=survivor, by=by
    )
    positions = _fold_open_twins(
        TaskForcePosition.objects.all(),
        field="person",
        kind_field="title",
        duplicate=duplicate,
        survivor=survivor,
        by=by,
    )
    for label, count in (
        (_("registrations"), registrations),
        (_("registrations cancelled as duplicates"), cancelled),
        (_("affiliations"), affiliations),
        (_("Task Force positions"), positions),
    ):
        if count:
            moved[str(label)] = count
    moved.update(
        _move_other_relations(
            Person,
            duplicate=duplicate,
            survivor=survivor,
            by=by,
            skip={"registrations", "affiliations", "taskforce_positions"},
        )
    )
    user = duplicate.user
    if user is not None and survivor.user_id is None:
        duplicate.user = None
        duplicate.save(update_fields=["user"])
        survivor.user = user
        survivor.email = user.email
        moved[str(_("user account"))] = 1
    _fill_blanks(survivor, duplicate, ["honorific", "name_latin", "email", "phone"])
    if survivor.gender == Gender.NOT_RECORDED and duplicate.gender != Gender.NOT_RECORDED:
        survivor.gender = duplicate.gender
        survivor.gender_description = duplicate.gender_description
    _save_by(survivor, by)
    record = _record_merge(
        kind=MergeKind.PERSON, survivor=survivor, duplicate=duplicate, by=by, moved=moved
    )
    _delete_merged(duplicate, survivor=survivor, by=by)
    return record


@transaction.atomic
def merge_organisations(*, survivor: Organisation, duplicate: Organisation, by) -> MergeRecord:
    """Merge ``duplicate`` into ``survivor`` (staff), in one transaction, and record it.

    Moves the duplicate's affiliations (open twins folded, focal-point roles kept), Task
    Force memberships (open twins folded), registrations, invitations, affiliation requests
    and every other record that names the organisation; a row the survivor already has its
    twin of is dropped. The survivor keeps its name and address (slug), fills its blank
    fields from the duplicate, and is approved or an ASEC member if either was. The
    duplicate is then deleted; its history stays, and the ``MergeRecord`` names it.
    """
    _require_staff(by)
    survivor, duplicate = _lock_pair(Organisation, survivor, duplicate)
    moved: dict[str, int] = {}
    affiliations = _merge_affiliations(
        field="organisation", duplicate=duplicate, survivor=survivor, by=by
    )
    memberships = _fold_open_twins(
        TaskForceMembership.objects.all(),
        field="organisation",
        kind_field="role",
        duplicate=duplicate,
        survivor=survivor,
        by=by,
    )
    for label, count in (
        (_("affiliations"), affiliations),
        (_("Task Force memberships"), memberships),
    ):
        if count:
            moved[str(label)] = count
    moved.update(
        _move_other_relations(
            Organisation,
            duplicate=duplicate,
            survivor=survivor,
            by=by,
            skip={"affiliations", "taskforce_memberships"},
        )
    )
    _fill_blanks(survivor, duplicate, ["acronym", "website", "description", "country"])
    survivor.approved = survivor.approved or duplicate.approved
    survivor.is_asec_member = survivor.is_asec_member or duplicate.is_asec_member
    _save_by(survivor, by)
    record = _record_merge(
        kind=MergeKind.ORGANISATION, survivor=survivor, duplicate=duplicate, by=by, moved=moved
    )
    _delete_merged(duplicate, survivor=survivor, by=by)
    return record
