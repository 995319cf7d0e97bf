"""How to build every form of the project and what hostile data to post to it.

``FORMS`` maps each form class (by dotted path) to the constructor arguments it needs, built
from the shared scenario (tests/security/url_registry.py). A form missing here fails
test_forms_fuzz.py. The data strategy is derived from the form's fields (after the form is
built, so fields added in ``__init__`` are covered); ``overrides`` replaces the strategy of one
field where its type alone says too little.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django import forms
from hypothesis import strategies as st

from tests.reports.arrange import NAMES_IN_SCRIPTS

# Fragments that break naive code: SQL and HTML, direction overrides, combining marks,
# emoji sequences, control characters, and the names of the region in their own scripts.
HOSTILE_FRAGMENTS = [
    "'; DROP TABLE taskforce_person; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}{% debug %}",
    "\u202egnp.exe",
    "\u200f\u0645\u0631\u062d\u0628\u0627",
    "e\u0301\u0301\u0301",
    "👩🏽\u200d🌾🇵🇭",
    "\x00",
    "\x1b[31m\r\n\t",
    "\ufeff",
    "A" * 5000,
    "%s%n%x",
    "../../etc/passwd",
    *NAMES_IN_SCRIPTS.values(),
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_FRAGMENTS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
    st.lists(st.sampled_from(HOSTILE_FRAGMENTS), min_size=2, max_size=4).map("".join),
)

hostile_number = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "-0", "1e309", "NaN", "Infinity", "0x10", "١٢٣", "3.14159265358979"]),
    hostile_text,
)

hostile_date = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        [
            "0000-01-01",
            "0001-01-01",
            "9999-12-31",
            "10000-01-01",
            "2025-02-30",
            "2025-13-01",
            "1970-01-01T00:00:00Z",
            "2025-06-18 25:61",
            "-1",
            "",
        ]
    ),
    hostile_text,
)

hostile_time = st.one_of(
    st.times().map(str), st.sampled_from(["24:00", "23:60", "-1:00", "9", ""]), hostile_text
)

hostile_boolean = st.sampled_from(["on", "", "true", "false", "0", "1", "junk"])

hostile_file = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from(
        [
            b"\xef\xbb\xbfEmail,Name,Duration\nsomchai@example.org,Somchai,61\n",
            "Email,Name\n".encode("utf-16"),
            "Name\nCaf\u00e9\n".encode("cp1252"),
            b"\x89PNG\r\n\x1a\n\x00\x00",
            b"",
        ]
    ),
)


def _choice_values(choices) -> list[str]:
    values = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            values += [str(v) for v, _label in label]
        else:
            values.append(str(getattr(value, "value", value)))
    return [v for v in values if v != ""]


def strategy_for(form_field: forms.Field):
    """Hostile values for one field: valid ones of its type mixed with wrong types."""
    if isinstance(form_field, forms.FileField):
        return hostile_file
    if isinstance(form_field, forms.BooleanField | forms.NullBooleanField):
        return hostile_boolean
    if isinstance(form_field, forms.ModelChoiceField):
        valid = [str(pk) for pk in form_field.queryset.values_list("pk", flat=True)[:5]]
        one = st.one_of(st.sampled_from(valid or ["1"]), hostile_number)
        if isinstance(form_field, forms.ModelMultipleChoiceField):
            return st.lists(one, max_size=4)
        return one
    if isinstance(form_field, forms.ChoiceField):
        valid = _choice_values(form_field.choices) or ["1"]
        one = st.one_of(st.sampled_from(valid), hostile_text)
        if isinstance(form_field, forms.MultipleChoiceField):
            return st.lists(one, max_size=4)
        return one
    if isinstance(form_field, forms.DateTimeField | forms.DateField):
        return hostile_date
    if isinstance(form_field, forms.TimeField):
        return hostile_time
    if isinstance(form_field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return hostile_number
    if isinstance(form_field, forms.MultiValueField):
        return st.lists(hostile_text, max_size=3)
    return hostile_text


@dataclass(frozen=True)
class FormSpec:
    kwargs: Callable[[SimpleNamespace], dict] = field(default=lambda s: {})
    overrides: dict = field(default_factory=dict)
    # What the view does with a valid form (a service call), run in a rolled-back
    # transaction; model forms without one are saved, as their views do.
    apply: Callable | None = None


def _save_visa_details(form, s):
    from roadmap_portal.logistics import services

    data = form.cleaned_data
    services.save_visa_details(
        registration=s.registration_a,
        passport_name=data["passport_name"],
        nationality=data["nationality"],
        passport_number=data["passport_number"] or None,
        date_of_birth=data["date_of_birth"],
        by=s.member_a,
    )


def _questions(s):
    return [
        SimpleNamespace(pk=1, kind="rating", label="How useful was it?"),
        SimpleNamespace(pk=2, kind="text", label="What should change?"),
    ]


def _topics(s):
    from roadmap_portal.registrations import reminders

    return {"topics": reminders.topics()}


FORMS: dict[str, FormSpec] = {
    # platform
    "roadmap_portal.accounts.forms.FullNameMixin": FormSpec(),
    "roadmap_portal.accounts.forms.SettingsForm": FormSpec(),
    "roadmap_portal.accounts.forms.SignupForm": FormSpec(),
    "roadmap_portal.accounts.privacy_views.AnonymiseForm": FormSpec(),
    "roadmap_portal.registrations.forms.RegisterForm": FormSpec(
        lambda s: {"activity": s.activity, "organisation": s.org_a, "people": [s.person_a]}
    ),
    "roadmap_portal.registrations.forms.DecisionForm": FormSpec(),
    "roadmap_portal.registrations.forms.RoleForm": FormSpec(),
    "roadmap_portal.registrations.forms.CapacityForm": FormSpec(),
    "roadmap_portal.registrations.forms.InviteForm": FormSpec(lambda s: {"activity": s.activity}),
    "roadmap_portal.registrations.console_lists.DeclineForm": FormSpec(),
    "roadmap_portal.registrations.console_lists.RoleForm": FormSpec(),
    "roadmap_portal.registrations.console_lists.InvitationMessageForm": FormSpec(),
    "roadmap_portal.registrations.reminder_forms.ReminderPolicyForm": FormSpec(),
    "roadmap_portal.registrations.reminder_forms.ActivityRemindersForm": FormSpec(),
    "roadmap_portal.registrations.reminder_forms.MailPreferencesForm": FormSpec(_topics),
    "roadmap_portal.logistics.forms.AudienceForm": FormSpec(lambda s: {"activity": s.activity}),
    "roadmap_portal.logistics.forms.MessageForm": FormSpec(lambda s: {"activity": s.activity}),
    "roadmap_portal.logistics.forms.ChangeNoticeForm": FormSpec(),
    "roadmap_portal.logistics.forms.QuestionForm": FormSpec(),
    "roadmap_portal.logistics.forms.SupportRequestForm": FormSpec(),
    "roadmap_portal.logistics.forms.SupportDecisionForm": FormSpec(),
    "roadmap_portal.logistics.forms.FeedbackAnswerForm": FormSpec(
        lambda s: {"questions": _questions(s)}
    ),
    "roadmap_portal.logistics.forms.VisaDetailsForm": FormSpec(apply=_save_visa_details),
    "roadmap_portal.roadmap.report_forms.ExportForm": FormSpec(),
    "roadmap_portal.core.console.views.UploadForm": FormSpec(),
    "roadmap_portal.core.console.views.MergeForm": FormSpec(
        lambda s: {"choices": [(s.org_a.pk, s.org_a.name), (s.org_b.pk, s.org_b.name)]}
    ),
    # registry
    "taskforce.member_forms.OrganisationSearchForm": FormSpec(),
    "taskforce.member_forms.AffiliationRequestForm": FormSpec(),
    "taskforce.member_forms.ProposeOrganisationForm": FormSpec(),
    "taskforce.member_forms.DeclineRequestForm": FormSpec(),
    "taskforce.member_forms.LastFocalPointForm": FormSpec(lambda s: {"is_last": True}),
    "taskforce.member_forms.OrganisationProfileForm": FormSpec(lambda s: {"instance": s.org_a}),
    "taskforce.member_forms.PersonForm": FormSpec(lambda s: {"instance": s.person_a}),
    "taskforce.member_forms.AddPersonForm": FormSpec(),
    "taskforce.console.OrganisationForm": FormSpec(),
    "taskforce.console.PersonForm": FormSpec(),
    "taskforce.console.InviteForm": FormSpec(),
    "taskforce.console.AffiliationCreateForm": FormSpec(lambda s: {"person": s.person_a}),
    "taskforce.console.AffiliationUpdateForm": FormSpec(),
    "taskforce.console.MembershipCreateForm": FormSpec(lambda s: {"organisation": s.org_a}),
    "taskforce.console.DatesForm": FormSpec(),
    "taskforce.console.MembershipUpdateForm": FormSpec(),
    "taskforce.console.PositionUpdateForm": FormSpec(),
    "taskforce.console.PositionCreateForm": FormSpec(lambda s: {"person": s.person_a}),
    # activities
    "dialogues.console.ConveningForm": FormSpec(lambda s: {"convening": s.convening}),
    "dialogues.console.SessionForm": FormSpec(lambda s: {"convening": s.convening}),
    "webinars.forms.WebinarForm": FormSpec(lambda s: {"webinar": s.webinar}),
    "webinars.forms.RecordingForm": FormSpec(),
    "webinars.forms.AttendanceUploadForm": FormSpec(),
    "webinars.forms.AttendanceConfirmForm": FormSpec(),
    "training.forms.NominationForm": FormSpec(lambda s: {"cohort": s.cohort}),
    "training.forms.DecisionForm": FormSpec(),
    "training.forms.AttendanceForm": FormSpec(
        lambda s: {"rows": [SimpleNamespace(registration=s.nomination_a, present=False)]}
    ),
    "training.forms.RevokeForm": FormSpec(),
    "training.forms.CohortForm": FormSpec(lambda s: {"cohort": s.cohort}),
    "training.forms.SessionForm": FormSpec(lambda s: {"cohort": s.cohort}),
    "training.console.ReasonForm": FormSpec(),
    "training.console.DeclineReasonForm": FormSpec(),
}
