"""Writes to the registry: verb-first, keyword-only, one transaction each."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from roadmap_portal.accounts.membership import (
    console_users,
    is_member_of,
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
