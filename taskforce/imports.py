"""Importing organisations and people from CSV (the console's generic import does the file).

Matching, so the same organisation or person is never created twice:

- An organisation is the one whose name, or acronym, reads the same once case and Latin
  accents are set aside (``search_key``); a name that matches one organisation and an
  acronym that matches another is rejected as ambiguous.
- A person is the one with the same e-mail address (case folded), else the one with the same
  name (``search_key``) affiliated with the same organisation. A row needs an e-mail or an
  organisation, so it can be recognised the next time.

An existing record keeps what it has: the file fills in what is blank, turns on "approved",
"ASEC member", "focal point" and "listed publicly" when it says yes (never off), and adds
an affiliation the person does not have yet. Two lines of one file naming the same record
are rejected. ``apply`` plans again inside its transaction and writes everything, or
nothing if any line is rejected.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roadmap_portal.core.console.imports import (
    CREATE,
    REJECT,
    UNCHANGED,
    UPDATE,
    ConsoleImport,
    CsvRow,
    ImportColumn,
    ImportPlan,
    PlannedRow,
)
from roadmap_portal.core.text import normalise_name, search_key

from . import services
from .models import Affiliation, Country, Gender, Organisation, OrganisationKind, Person

YES = {"yes", "y", "true", "1", "x", "oui", "ya", "si"}
NO = {"no", "n", "false", "0", ""}


def _flag(value: str) -> bool | None:
    """yes/no (and true/false, 1/0); None when the value is neither."""
    folded = value.strip().casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def _choice(value: str, choices) -> str | None:
    """The choice whose code or label reads like ``value``; "" for blank, None if unknown."""
    if not value.strip():
        return ""
    key = search_key(value).replace("-", " ").replace("_", " ")
    for code, label in choices:
        if key in (search_key(code).replace("_", " "), search_key(str(label))):
            return code
    return None


def _country_index() -> dict[str, Country]:
    index = {}
    for country in Country.objects.all():
        index[country.code.casefold()] = country
        index[search_key(country.name)] = country
    return index


def _too_long(model, field: str, value: str) -> str:
    limit = model._meta.get_field(field).max_length
    if limit and len(value) > limit:
        return _("%(field)s is longer than %(limit)s characters.") % {
            "field": model._meta.get_field(field).verbose_name,
            "limit": limit,
        }
    return ""


def _organisation_index(organisations) -> tuple[dict, dict]:
    by_name: dict[str, list] = {}
    by_acronym: dict[str, list] = {}
    for organisation in organisations:
        by_name.setdefault(search_key(organisation.name), []).append(organisation)
        if organisation.acronym:
            by_acronym.setdefault(search_key(organisation.acronym), []).append(organisation)
    return by_name, by_acronym


def find_organisation(name: str, acronym: str, by_name: dict, by_acronym: dict) -> list:
    """The organisations ``name``/``acronym`` may designate: none, one, or several."""
    found = {}
    for key, index in (
        (search_key(name), by_name),
        (search_key(acronym), by_acronym),
        (search_key(name), by_acronym),
    ):
        if key:
            for organisation in index.get(key, []):
                found[organisation.pk] = organisation
    return list(found.values())


def _fill(changes: list, data: dict, existing, field: str, value, label) -> None:
    """Fill a blank field from the file; a field that holds something else is kept."""
    if value in ("", None):
        return
    current = getattr(existing, field)
    if current in ("", None):
        data[field] = value
        changes.append(_("%(field)s: %(value)s") % {"field": label, "value": value})
    elif current != value:
        changes.append(
            _("%(field)s kept as %(current)s (the file says %(value)s)")
            % {"field": label, "current": current, "value": value}
        )


def _turn_on(changes: list, data: dict, existing, field: str, value: bool | None, label):
    if value and not getattr(existing, field):
        data[field] = True
        changes.append(_("%(field)s: yes") % {"field": label})


class OrganisationImport(ConsoleImport):
    key = "organisations"
    title = gettext_lazy("Import organisations")
    help_text = gettext_lazy(
        "One organisation per line. An organisation already in the directory (same name or "
        "acronym, whatever the case or accents) is completed, never duplicated."
    )
    columns = (
        ImportColumn("name", gettext_lazy("The organisation's name, as it writes it."), True),
        ImportColumn("acronym", gettext_lazy("Its acronym, if any.")),
        ImportColumn(
            "kind",
            gettext_lazy(
                "Cooperative, NGO, foundation, SSE network, social enterprise, platform, "
                "parliamentary, government, academic, international or other (the default)."
            ),
            aliases=("type",),
        ),
        ImportColumn(
            "country",
            gettext_lazy('The country: its ISO code ("PH") or its English name.'),
        ),
        ImportColumn("website", gettext_lazy("Its website, starting with https://.")),
        ImportColumn("description", gettext_lazy("A short description.")),
        ImportColumn(
            "asec_member",
            gettext_lazy("yes if it is a member of ASEC; empty or no otherwise."),
            aliases=("asec member", "asec"),
        ),
        ImportColumn(
            "approved",
            gettext_lazy(
                "yes (the default) to show it in the directory at once; no to keep it hidden."
            ),
        ),
    )

    def plan(self, rows: list[CsvRow]) -> ImportPlan:
        countries = _country_index()
        by_name, by_acronym = _organisation_index(Organisation.objects.all())
        seen: dict[str, int] = {}
        seen_targets: dict[int, int] = {}
        url = URLValidator()
        planned = []
        for row in rows:
            name = normalise_name(row.get("name"))
            acronym = normalise_name(row.get("acronym"))
            label = f"{name} ({acronym})" if acronym else name
            problems = []
            if not name:
                problems.append(_("The name is empty."))
            problems += [
                problem
                for problem in (
                    _too_long(Organisation, "name", name),
                    _too_long(Organisation, "acronym", acronym),
                )
                if problem
            ]
            kind = _choice(row.get("kind"), OrganisationKind.choices)
            if kind is None:
                problems.append(
                    _('Unknown kind "%(kind)s"; use one of: %(kinds)s.')
                    % {
                        "kind": row.get("kind"),
                        "kinds": ", ".join(str(label) for _code, label in OrganisationKind.choices),
                    }
                )
            country = None
            if row.get("country"):
                country = countries.get(row.get("country").casefold()) or countries.get(
                    search_key(row.get("country"))
                )
                if country is None:
                    problems.append(
                        _('Unknown country "%(country)s"; use its ISO code, e.g. PH.')
                        % {"country": row.get("country")}
                    )
            website = row.get("website")
            if website:
                try:
                    url(website)
                except ValidationError:
                    problems.append(_("The website is not a web address (https://...)."))
            flags = {}
            for column, field, default in (
                ("asec_member", "is_asec_member", False),
                ("approved", "approved", True),
            ):
                value = _flag(row.get(column))
                if value is None:
                    problems.append(
                        _('"%(value)s" in %(column)s: write yes or no.')
                        % {"value": row.get(column), "column": column}
                    )
                flags[field] = value if row.get(column) else default
            keys = [key for key in (search_key(name), search_key(acronym)) if key]
            twin_line = next((seen[key] for key in keys if key in seen), None)
            if twin_line is not None:
                problems.append(_("Same organisation as line %(line)s.") % {"line": twin_line})
            matches = find_organisation(name, acronym, by_name, by_acronym) if name else []
            if len(matches) > 1:
                problems.append(
                    _("Matches several organisations: %(names)s. Merge them first.")
                    % {"names": "; ".join(str(match) for match in matches)}
                )
            elif matches and matches[0].pk in seen_targets and twin_line is None:
                problems.append(
                    _("Same organisation as line %(line)s.") % {"line": seen_targets[matches[0].pk]}
                )
            if problems:
                planned.append(PlannedRow(row.line, REJECT, label, problems))
                continue
            for key in keys:
                seen[key] = row.line
            if matches:
                seen_targets[matches[0].pk] = row.line
            description = row.get("description")
            if not matches:
                data = {
                    "name": name,
                    "acronym": acronym,
                    "kind": kind or OrganisationKind.OTHER,
                    "country": country,
                    "website": website,
                    "description": description,
                    **flags,
                }
                planned.append(PlannedRow(row.line, CREATE, label, data=data))
                continue
            existing = matches[0]
            changes: list[str] = []
            data: dict = {}
            if kind and kind != existing.kind:
                changes.append(
                    _("kind kept as %(current)s (the file says %(value)s)")
                    % {
                        "current": existing.get_kind_display(),
                        "value": OrganisationKind(kind).label,
                    }
                )
            _fill(changes, data, existing, "acronym", acronym, _("acronym"))
            _fill(changes, data, existing, "country", country, _("country"))
            _fill(changes, data, existing, "website", website, _("website"))
            _fill(changes, data, existing, "description", description, _("description"))
            _turn_on(
                changes, data, existing, "is_asec_member", flags["is_asec_member"], _("ASEC member")
            )
            _turn_on(changes, data, existing, "approved", flags["approved"], _("approved"))
            action = UPDATE if data else UNCHANGED
            planned.append(
                PlannedRow(row.line, action, str(existing), changes, target=existing, data=data)
            )
        return ImportPlan(rows=planned)

    @transaction.atomic
    def apply(self, *, rows: list[CsvRow], by) -> ImportPlan:
        """Create and complete the organisations of the file, all of them or none."""
        plan = self.plan(rows)
        if not plan.ok:
            raise plan.refusal()
        for row in plan.rows:
            if row.action == CREATE:
                services.create_organisation(**row.data)
            elif row.action == UPDATE:
                organisation = row.target
                values = {
                    field: row.data.get(field, getattr(organisation, field))
                    for field in (
                        "name",
                        "acronym",
                        "kind",
                        "country",
                        "website",
                        "description",
                        "is_asec_member",
                        "approved",
                    )
                }
                services.update_organisation(organisation=organisation, by=by, **values)
        return plan


class PersonImport(ConsoleImport):
    key = "people"
    title = gettext_lazy("Import people")
    help_text = gettext_lazy(
        "One person per line. Someone already listed (same e-mail, or same name in the same "
        "organisation) is completed, never duplicated. Import the organisations first."
    )
    columns = (
        ImportColumn("name", gettext_lazy("The name, as the person writes it."), True),
        ImportColumn("honorific", gettext_lazy('As the person uses it, e.g. "Dr." or "Hon."')),
        ImportColumn(
            "name_latin",
            gettext_lazy("The name in Latin letters, when it is written in another script."),
            aliases=("name in latin letters", "latin name"),
        ),
        ImportColumn(
            "email", gettext_lazy("The e-mail address."), aliases=("e-mail", "email address")
        ),
        ImportColumn("phone", gettext_lazy("The phone number.")),
        ImportColumn(
            "gender",
            gettext_lazy("woman, man, another, prefer not to say; empty: not recorded."),
        ),
        ImportColumn(
            "organisation",
            gettext_lazy("The name or acronym of an organisation already in the directory."),
        ),
        ImportColumn("position", gettext_lazy("The person's position in that organisation.")),
        ImportColumn(
            "focal_point",
            gettext_lazy("yes if the person is a focal point of that organisation."),
            aliases=("focal point",),
        ),
        ImportColumn(
            "listed_publicly",
            gettext_lazy("yes only if the person agreed to appear in public lists."),
            aliases=("listed publicly", "consent"),
        ),
    )

    def plan(self, rows: list[CsvRow]) -> ImportPlan:
        by_name, by_acronym = _organisation_index(Organisation.objects.all())
        emails = {row.get("email").casefold() for row in rows if row.get("email")}
        people_by_email: dict[str, list[Person]] = {}
        if emails:
            lowered = {email.lower() for email in emails}
            candidates = (
                Person.objects.select_related("user")
                .annotate(email_key=Lower("email"), user_email_key=Lower("user__email"))
                .filter(Q(email_key__in=lowered) | Q(user_email_key__in=lowered))
            )
            for person in candidates:
                for address in {person.email, person.user.email if person.user_id else ""}:
                    if address:
                        people_by_email.setdefault(address.casefold(), []).append(person)
        organisation_ids = set()
        resolved: dict[int, list] = {}
        for row in rows:
            if row.get("organisation"):
                found = find_organisation(row.get("organisation"), "", by_name, by_acronym)
                resolved[row.line] = found
                organisation_ids.update(organisation.pk for organisation in found)
        affiliated: dict[tuple[int, str], list[Person]] = {}
        open_affiliations: dict[tuple[int, int], Affiliation] = {}
        for affiliation in Affiliation.objects.filter(
            organisation_id__in=organisation_ids
        ).select_related("person"):
            key = (affiliation.organisation_id, search_key(affiliation.person.name))
            people = affiliated.setdefault(key, [])
            if affiliation.person not in people:
                people.append(affiliation.person)
            if affiliation.ended is None:
                open_affiliations[(affiliation.person_id, affiliation.organisation_id)] = (
                    affiliation
                )
        seen_emails: dict[str, int] = {}
        seen_names: dict[tuple[int, str], int] = {}
        seen_targets: dict[int, int] = {}
        planned = []
        for row in rows:
            name = normalise_name(row.get("name"))
            email = row.get("email").strip()
            label = f"{name} <{email}>" if email else name
            problems = []
            if not name:
                problems.append(_("The name is empty."))
            for field in ("name", "honorific", "name_latin", "phone"):
                problem = _too_long(Person, field, row.get(field))
                if problem:
                    problems.append(problem)
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    problems.append(_('"%(email)s" is not an e-mail address.') % {"email": email})
            gender = _choice(row.get("gender"), Gender.choices)
            if gender is None:
                problems.append(
                    _('Unknown gender "%(value)s"; use woman, man, another or prefer not to say.')
                    % {"value": row.get("gender")}
                )
            flags = {}
            for column in ("focal_point", "listed_publicly"):
                value = _flag(row.get(column))
                if value is None:
                    problems.append(
                        _('"%(value)s" in %(column)s: write yes or no.')
                        % {"value": row.get(column), "column": column}
                    )
                flags[column] = bool(value)
            organisation = None
            if row.get("organisation"):
                found = resolved.get(row.line, [])
                if not found:
                    problems.append(
                        _('No organisation "%(name)s" in the directory; import or add it first.')
                        % {"name": row.get("organisation")}
                    )
                elif len(found) > 1:
                    problems.append(
                        _('"%(name)s" matches several organisations: %(names)s.')
                        % {
                            "name": row.get("organisation"),
                            "names": "; ".join(str(match) for match in found),
                        }
                    )
                else:
                    organisation = found[0]
            elif not email:
                problems.append(
                    _("Give an e-mail or an organisation, so the person is recognised next time.")
                )
            if flags["focal_point"] and not row.get("organisation"):
                problems.append(_("A focal point needs an organisation."))
            email_key = email.casefold()
            name_key = (organisation.pk, search_key(name)) if organisation else None
            if email_key and email_key in seen_emails:
                problems.append(
                    _("Same e-mail as line %(line)s.") % {"line": seen_emails[email_key]}
                )
            elif name_key and name_key in seen_names and not email_key:
                problems.append(_("Same person as line %(line)s.") % {"line": seen_names[name_key]})
            matches = []
            if email_key and not problems:
                matches = _distinct(people_by_email.get(email_key, []))
            if not matches and name_key and not problems:
                matches = _distinct(affiliated.get(name_key, []))
                if email_key:
                    # Same name and organisation but another address: the same person only
                    # if the record has no address yet.
                    matches = [person for person in matches if not person.email]
            if len(matches) > 1:
                problems.append(
                    _("Matches several people: %(names)s. Merge them first.")
                    % {"names": "; ".join(f"{p} (#{p.pk})" for p in matches)}
                )
            elif matches and matches[0].pk in seen_targets:
                problems.append(
                    _("Same person as line %(line)s.") % {"line": seen_targets[matches[0].pk]}
                )
            if problems:
                planned.append(PlannedRow(row.line, REJECT, label, problems))
                continue
            if email_key:
                seen_emails[email_key] = row.line
            if name_key:
                seen_names[name_key] = row.line
            if matches:
                seen_targets[matches[0].pk] = row.line
            position = normalise_name(row.get("position"))
            affiliation = None
            if organisation is not None:
                affiliation = {
                    "organisation": organisation,
                    "position": position,
                    "is_focal_point": flags["focal_point"],
                }
            if not matches:
                data = {
                    "name": name,
                    "honorific": normalise_name(row.get("honorific")),
                    "name_latin": normalise_name(row.get("name_latin")),
                    "email": email,
                    "phone": row.get("phone"),
                    "gender": gender or Gender.NOT_RECORDED,
                    "listed_publicly": flags["listed_publicly"],
                }
                details = (
                    [_("in %(organisation)s") % {"organisation": organisation}]
                    if (organisation)
                    else []
                )
                planned.append(
                    PlannedRow(
                        row.line,
                        CREATE,
                        label,
                        details,
                        data={"person": data, "affiliation": affiliation},
                    )
                )
                continue
            existing = matches[0]
            changes: list[str] = []
            data: dict = {}
            _fill(
                changes,
                data,
                existing,
                "honorific",
                normalise_name(row.get("honorific")),
                _("honorific"),
            )
            _fill(
                changes,
                data,
                existing,
                "name_latin",
                normalise_name(row.get("name_latin")),
                _("name in Latin letters"),
            )
            if not existing.user_id:
                _fill(changes, data, existing, "email", email, _("e-mail"))
            _fill(changes, data, existing, "phone", row.get("phone"), _("phone"))
            if gender and existing.gender == Gender.NOT_RECORDED:
                data["gender"] = gender
                changes.append(_("gender: %(gender)s") % {"gender": Gender(gender).label})
            _turn_on(
                changes,
                data,
                existing,
                "listed_publicly",
                flags["listed_publicly"],
                _("listed publicly"),
            )
            affiliation_changes = False
            if organisation is not None:
                current = open_affiliations.get((existing.pk, organisation.pk))
                if current is None:
                    changes.append(_("joins %(organisation)s") % {"organisation": organisation})
                    affiliation_changes = True
                else:
                    # A position already recorded is kept; affiliate_person would overwrite it.
                    affiliation["position"] = "" if current.position else position
                    if position and not current.position:
                        changes.append(_("position: %(position)s") % {"position": position})
                        affiliation_changes = True
                    if flags["focal_point"] and not current.is_focal_point:
                        changes.append(_("becomes a focal point"))
                        affiliation_changes = True
            action = UPDATE if data or affiliation_changes else UNCHANGED
            planned.append(
                PlannedRow(
                    row.line,
                    action,
                    f"{existing} (#{existing.pk})",
                    changes,
                    target=existing,
                    data={
                        "person": data,
                        "affiliation": affiliation if affiliation_changes else None,
                    },
                )
            )
        return ImportPlan(rows=planned)

    @transaction.atomic
    def apply(self, *, rows: list[CsvRow], by) -> ImportPlan:
        """Create and complete the people of the file, all of them or none."""
        plan = self.plan(rows)
        if not plan.ok:
            raise plan.refusal()
        for row in plan.rows:
            if row.action == CREATE:
                person = services.create_person(**row.data["person"])
            elif row.action == UPDATE:
                person = row.target
                if row.data["person"]:
                    values = {
                        field: row.data["person"].get(field, getattr(person, field))
                        for field in (
                            "name",
                            "honorific",
                            "name_latin",
                            "gender",
                            "gender_description",
                            "email",
                            "phone",
                            "listed_publicly",
                        )
                    }
                    if person.user_id:
                        values["email"] = person.user.email
                    person = services.update_person_details(person=person, by=by, **values)
            else:
                continue
            affiliation = row.data["affiliation"]
            if affiliation:
                services.affiliate_person(person=person, **affiliation)
        return plan


def _distinct(people: list[Person]) -> list[Person]:
    return list({person.pk: person for person in people}.values())
