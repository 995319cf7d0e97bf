"""Name badges: A4 sheets of eight, names in their own script and in Latin letters.

Plugged in as the report kind ``badges`` so ``render_report badges SLUG -o FILE.pdf`` prints
an activity's badges; SLUG is the slug of the activity's kind object (a convening's, a
webinar's, a cohort's) or ``activity-<id>``.
"""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from roadmap_portal.core import plugins
from roadmap_portal.core.pdf import render_pdf
from roadmap_portal.registrations.models import Activity, RegistrationStatus

BADGES = "badges"
PER_PAGE = 8


def badge_registrations(activity, registration_ids=None):
    registrations = activity.registrations.filter(
        status=RegistrationStatus.CONFIRMED
    ).select_related("person", "organisation", "organisation__country")
    if registration_ids:
        registrations = registrations.filter(pk__in=registration_ids)
    return registrations.order_by(F("person__name_latin").asc(), "person__name", "id")


def badge(registration) -> dict:
    person = registration.person
    organisation = registration.organisation
    latin = person.name_latin if person.name_latin and person.name_latin != person.name else ""
    return {
        "name": person.name,
        "name_latin": latin,
        "organisation": registration.affiliation_label
        or (organisation.display_name if organisation else ""),
        "country": organisation.country.name if organisation and organisation.country_id else "",
        "role": registration.role,
        "role_label": registration.role_display,
    }


def sheets(badges: list[dict]) -> list[list[dict]]:
    return [badges[index : index + PER_PAGE] for index in range(0, len(badges), PER_PAGE)]


def badges_context(activity, registration_ids=None) -> dict:
    items = [badge(r) for r in badge_registrations(activity, registration_ids)]
    return {"activity": activity, "sheets": sheets(items), "rows": len(items)}


def render_badges(activity, registration_ids=None) -> bytes:
    return render_pdf("logistics/pdf/badges.html", badges_context(activity, registration_ids))


def find_activity(slug: str):
    if slug.startswith("activity-") and slug.removeprefix("activity-").isdigit():
        return Activity.objects.filter(pk=int(slug.removeprefix("activity-"))).first()
    for relation in Activity._meta.related_objects:
        if not relation.one_to_one:
            continue
        if not any(field.name == "slug" for field in relation.related_model._meta.fields):
            continue
        found = Activity.objects.filter(**{f"{relation.get_accessor_name()}__slug": slug}).first()
        if found is not None:
            return found
    return None


def find(slug: str):
    activity = find_activity(slug)
    if activity is None:
        return None
    return plugins.ReportSubject(slug=slug, title=activity.title, obj=activity)


def gather(subject, *, audience, progress):
    context = badges_context(subject.obj)
    progress(context["rows"], context["rows"])
    return context


def count_rows(subject) -> int:
    return badge_registrations(subject.obj).count()


def register() -> None:
    plugins.register_report(
        plugins.ReportKind(
            key=BADGES,
            title=_("Name badges"),
            template_name="logistics/pdf/badges.html",
            order=90,
            find=find,
            gather=gather,
            count_rows=count_rows,
            description=_("A4 sheets of eight name badges of an activity's confirmed people."),
        )
    )
