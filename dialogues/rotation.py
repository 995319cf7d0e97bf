"""The Policy Dialogue's host rotates with the ASEAN chair, 2025-2030 (the Roadmap)."""

from typing import NamedTuple


class RotationYear(NamedTuple):
    year: int
    country_code: str


ROTATION: tuple[RotationYear, ...] = (
    RotationYear(2025, "MY"),
    RotationYear(2026, "PH"),
    RotationYear(2027, "SG"),
    RotationYear(2028, "TH"),
    RotationYear(2029, "VN"),
    RotationYear(2030, "BN"),
)


def policy_dialogue_slug(year: int) -> str:
    return f"policy-dialogue-{year}"


def ensure_rotation(apps=None) -> list:
    """Make sure the six planned policy dialogues of 2025-2030 exist; idempotent.

    ``apps`` is an app registry: the data migration passes its historical one, everybody else
    the live one (the default). A new dialogue knows only its year (``date_precision``
    "year"); dates, venues and status are filled in later by staff. Existing dialogues are
    left as they are, and a second dialogue for a year is never created.
    Returns the dialogues, in year order.
    """
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from roadmap_portal.registrations.models import partial_date_anchor, period_end, status_for

    if apps is None:
        from django.apps import apps

    Activity = apps.get_model("registrations", "Activity")
    Convening = apps.get_model("dialogues", "Convening")
    Country = apps.get_model("taskforce", "Country")

    dialogues = []
    with transaction.atomic():
        for row in ROTATION:
            convening = (
                Convening.objects.filter(kind="policy_dialogue", year=row.year)
                .select_for_update()
                .first()
            )
            if convening is None:
                country = Country.objects.get(code=row.country_code)
                title = f"ASEAN SSE for SDGs Policy Dialogue {row.year}"
                starts_at = partial_date_anchor(
                    dt.datetime(row.year, 7, 1, tzinfo=dt.UTC), "year", country.time_zone
                )
                # Historical models in a migration have no save() logic: derive here what
                # Activity.save() derives, with the same functions.
                period_ends_at = period_end(
                    starts_at=starts_at, ends_at=None, precision="year", time_zone=country.time_zone
                )
                activity = Activity.objects.create(
                    kind="policy_dialogue",
                    title=title,
                    starts_at=starts_at,
                    date_precision="year",
                    time_zone=country.time_zone,
                    country=country,
                    period_ends_at=period_ends_at,
                    status=status_for(
                        status="planned",
                        period_ends_at=period_ends_at,
                        registration_opens_at=None,
                        registration_closes_at=None,
                        now=timezone.now(),
                    ),
                )
                convening = Convening.objects.create(
                    activity=activity,
                    kind="policy_dialogue",
                    year=row.year,
                    slug=policy_dialogue_slug(row.year),
                    title=title,
                    subtitle=f"Hosted by {country.name}, Chair of ASEAN {row.year}",
                    host_country=country,
                )
            dialogues.append(convening)
    return dialogues
