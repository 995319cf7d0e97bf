"""A record's history as people read it: when, who, what changed from what to what.

django-simple-history keeps a row per change with the user the middleware (or a service's
``_history_user``) names. The changes are computed between neighbouring rows in Python, so
a page of history costs one query however long it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .lists import display

HISTORY_LIMIT = 50

KINDS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    user: str
    kind: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def _field_value(model, name: str, value) -> str:
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field the history has and the model no longer does
        return display(value)
    choices = dict(model_field.flatchoices) if model_field.choices else None
    if choices is not None and value in choices:
        return str(choices[value])
    if model_field.is_relation and value is not None:
        return f"#{value}"
    return display(value)


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001
        return name


def history_entries(records, model=None, *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The newest ``limit`` changes of the historical ``records`` (a queryset), newest first.

    ``model`` is the tracked model, for field labels and choice names (by default the one the
    history belongs to, so a deleted record's history reads as well). Many-to-many fields are
    left out of the changes: comparing them would cost a query per row.
    """
    model = model or records.model.instance_type
    rows = list(
        records.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    older_rows = [*rows[1:], None]
    for newer, older in zip(rows[:limit], older_rows, strict=False):
        changes = []
        if older is not None and newer.history_type == "~":
            tracked = [
                tracked.name
                for tracked in newer.tracked_fields
                if tracked.editable and not tracked.many_to_many
            ]
            delta = newer.diff_against(older, included_fields=tracked)
            changes = [
                Change(
                    label=_label(model, change.field),
                    old=_field_value(model, change.field, change.old),
                    new=_field_value(model, change.field, change.new),
                )
                for change in delta.changes
            ]
        user = newer.history_user
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                user=user.email if user is not None else "",
                kind=str(KINDS.get(newer.history_type, newer.history_type)),
                reason=newer.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
