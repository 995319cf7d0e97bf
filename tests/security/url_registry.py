"""Every URL pattern of the project, with how to build its arguments and who gets what.

The permission matrix (test_permission_matrix.py) walks the URL resolver and fails for any
named pattern missing here, so a new page cannot escape it. To register a page, add one line
to ``REGISTRY``: its name, a function building its URL arguments from the shared scenario
(``build_scenario``), and the answer each role must get for a GET (DESIGN.md: anonymous on a
member or console page 302, signed in without the right 403, another organisation's object
404). POST-only endpoints answer 405 to a GET once the visitor may reach them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

ROLES = ("anonymous", "member_a", "focal_a", "member_b", "focal_b", "staff", "admin")

# Third-party patterns left out of the matrix, each with its reason. Allauth's pages are in
# the registry below (they are the public sign-in); the admin is Django's own, opened by the
# is_staff flag only and tested by Django.
SKIPPED_PREFIXES = {
    "admin:": "django.contrib.admin: Django's own permission checks (is_staff), tested upstream",
}


def expect(anonymous, member_a, focal_a, member_b, staff, admin, *, focal_b=None):
    """The answer of each role; the focal point of B gets what a member of B gets unless
    told otherwise (pages of organisation A's own business answer a focal point of B 404)."""
    focal_b = member_b if focal_b is None else focal_b
    answers = (anonymous, member_a, focal_a, member_b, focal_b, staff, admin)
    return dict(zip(ROLES, answers, strict=True))


# The usual answers.
PUBLIC = expect(200, 200, 200, 200, 200, 200)
SIGNED_IN = expect(302, 200, 200, 200, 200, 200)
CONSOLE = expect(302, 403, 403, 403, 200, 200)
CONSOLE_POST_ONLY = expect(302, 403, 403, 403, 405, 405)
# A page of organisation A for its focal points and staff: a focal point elsewhere gets 404,
# a member who is no focal point anywhere 403.
FOCAL_A = expect(302, 403, 200, 403, 200, 200, focal_b=404)
FOCAL_A_POST_ONLY = expect(302, 403, 405, 403, 405, 405, focal_b=404)
# The own registration of member A: the person, their focal point and staff.
OWN_REGISTRATION_A = expect(302, 200, 200, 404, 200, 200)
# Only for people signed out (allauth sends signed-in visitors on).
SIGNED_OUT = expect(200, 302, 302, 302, 302, 302)
# A POST-only endpoint for signed-in users: a GET is 405, the POST checks the right.
POST_ONLY = expect(302, 405, 405, 405, 405, 405)


@dataclass(frozen=True)
class Page:
    expected: dict[str, int]
    kwargs: Callable[[SimpleNamespace], dict] = field(default=lambda s: {})
    # The query string some pages need (a console create form names its parent).
    query: Callable[[SimpleNamespace], dict] = field(default=lambda s: {})
    # A page reached with a secret given to one person (a signed link, a certificate code,
    # a feed token) may show that person's name and address.
    shows_token_holder: bool = False
    # ... and, for a link sent by mail to one address, that address.
    shows_holder_address: bool = False
    # Anonymous visitors are sent to sign in (not elsewhere, as by the sign-out page).
    anonymous_to_sign_in: bool = True
    # Roles a POST-only endpoint must refuse (403 or 404) and leave the database unchanged.
    refused_posts: tuple[str, ...] = ()


def _activity_registration(s):
    return {"pk": s.activity.pk, "registration_pk": s.registration_a.pk}


def _slug(attribute):
    return lambda s: {"slug": getattr(s, attribute).slug}


def _pk(attribute, name="pk"):
    return lambda s: {name: getattr(s, attribute).pk}


def _activity(attribute="activity"):
    return lambda s: {"pk": getattr(s, attribute).pk}


REGISTRY: dict[str, Page] = {
    # --- public pages ---------------------------------------------------------------------
    "roadmap:home": Page(PUBLIC),
    "roadmap:healthz": Page(PUBLIC),
    "taskforce:organisation_list": Page(PUBLIC),
    "taskforce:organisation_detail": Page(PUBLIC, _slug("org_a")),
    "dialogues:convening_list": Page(PUBLIC),
    "dialogues:convening_detail": Page(PUBLIC, _slug("convening")),
    "webinars:webinar_list": Page(PUBLIC),
    "webinars:series_feed": Page(PUBLIC, _slug("series")),
    "webinars:webinar_calendar": Page(PUBLIC, _slug("webinar")),
    "webinars:webinar_detail": Page(PUBLIC, _slug("webinar")),
    "training:cohort_list": Page(PUBLIC),
    "training:cohort_detail": Page(PUBLIC, _slug("cohort")),
    # The code printed on a certificate is the proof: the page confirms whose it is.
    "training:certificate_verify": Page(
        PUBLIC, lambda s: {"code": s.certificate.code}, shows_token_holder=True
    ),
    "readiness:index": Page(PUBLIC),
    "me:unsubscribe": Page(
        PUBLIC,
        lambda s: {"token": s.unsubscribe_token},
        shows_token_holder=True,
        shows_holder_address=True,
    ),
    "registrations:decline": Page(
        PUBLIC,
        lambda s: {"token": s.decline_token},
        shows_token_holder=True,
        shows_holder_address=True,
    ),
    "set_language": Page(expect(302, 302, 302, 302, 302, 302), anonymous_to_sign_in=False),
    # --- allauth: the public sign-in ------------------------------------------------------
    "account_login": Page(SIGNED_OUT),
    "account_signup": Page(SIGNED_OUT),
    "account_logout": Page(expect(302, 200, 200, 200, 200, 200), anonymous_to_sign_in=False),
    "account_inactive": Page(PUBLIC),
    "account_reauthenticate": Page(SIGNED_IN),
    "account_email": Page(SIGNED_IN),
    "account_email_verification_sent": Page(PUBLIC),
    "account_change_password": Page(SIGNED_IN),
    "account_set_password": Page(expect(302, 302, 302, 302, 302, 302)),  # all have one
    "account_reset_password": Page(PUBLIC),
    "account_reset_password_done": Page(PUBLIC),
    "account_reset_password_from_key_done": Page(PUBLIC),
    # No login code was requested: back to the sign-in.
    "account_confirm_login_code": Page(
        expect(302, 302, 302, 302, 302, 302), anonymous_to_sign_in=False
    ),
    # An unknown key: the page says the link is invalid (allauth answers 200 with a message).
    "account_confirm_email": Page(PUBLIC, lambda s: {"key": "unknown-key"}),
    "account_reset_password_from_key": Page(
        PUBLIC, lambda s: {"uidb36": "zz", "key": "set-password"}
    ),
    # --- a signed-in user's own pages -----------------------------------------------------
    "me:home": Page(SIGNED_IN),
    "me:settings": Page(SIGNED_IN),
    "me:mail_preferences": Page(SIGNED_IN),
    "me:calendar": Page(SIGNED_IN),
    # The personal feed is found by its secret token; calendar apps fetch it signed out.
    "me:calendar_feed": Page(
        PUBLIC, lambda s: {"token": s.calendar_token}, shows_token_holder=True
    ),
    "me:privacy": Page(SIGNED_IN),
    "me:privacy_download": Page(SIGNED_IN),
    "me:join": Page(SIGNED_IN),
    "me:join_organisation": Page(SIGNED_IN, _slug("org_b")),
    "me:propose_organisation": Page(SIGNED_IN),
    # Focal points (of any organisation) and staff decide requests; each sees their own.
    "me:requests": Page(expect(302, 403, 200, 403, 200, 200, focal_b=200)),
    "me:request_approve": Page(
        expect(302, 403, 405, 403, 405, 405, focal_b=405),
        _pk("request_to_a"),
        refused_posts=("member_b", "focal_b"),
    ),
    "me:request_decline": Page(
        expect(302, 403, 200, 403, 200, 200, focal_b=404), _pk("request_to_a")
    ),
    # Only the newcomer who asked withdraws the request.
    "me:request_withdraw": Page(
        POST_ONLY, _pk("request_to_a"), refused_posts=("member_a", "focal_a", "member_b", "focal_b")
    ),
    # --- organisation A, managed by its focal points --------------------------------------
    "taskforce:manage_profile": Page(FOCAL_A, _slug("org_a")),
    "taskforce:manage_people": Page(FOCAL_A, _slug("org_a")),
    "taskforce:manage_person_add": Page(FOCAL_A, _slug("org_a")),
    "taskforce:manage_person_edit": Page(
        FOCAL_A, lambda s: {"slug": s.org_a.slug, "pk": s.affiliation_a.pk}
    ),
    "taskforce:manage_affiliation_end": Page(
        FOCAL_A, lambda s: {"slug": s.org_a.slug, "pk": s.affiliation_a.pk}
    ),
    "taskforce:manage_focal_point_set": Page(
        FOCAL_A_POST_ONLY, lambda s: {"slug": s.org_a.slug, "pk": s.affiliation_a.pk}
    ),
    "taskforce:manage_focal_point_unset": Page(
        FOCAL_A, lambda s: {"slug": s.org_a.slug, "pk": s.focal_affiliation_a.pk}
    ),
    "taskforce:manage_requests": Page(FOCAL_A, _slug("org_a")),
    # --- registering and acting on registrations ------------------------------------------
    # Posting to register names the organisation; a GET names none of the user's: 404.
    # Only members register (staff without an affiliation: 403).
    "dialogues:convening_register": Page(expect(302, 404, 404, 404, 403, 403), _slug("convening")),
    "registrations:register": Page(
        expect(302, 404, 404, 404, 403, 403), lambda s: {"activity_pk": s.activity.pk}
    ),
    # POST-only: who may act is checked on the POST (test_an_empty_post_...).
    "registrations:cancel": Page(
        POST_ONLY, _pk("registration_a"), refused_posts=("member_b", "focal_b")
    ),
    "registrations:leave_waitlist": Page(
        POST_ONLY, _pk("registration_a"), refused_posts=("member_b", "focal_b")
    ),
    "registrations:invitation_answer": Page(
        POST_ONLY, _pk("invitation_a"), refused_posts=("member_a", "member_b", "focal_b")
    ),
    "logistics:support": Page(OWN_REGISTRATION_A, _pk("registration_a")),
    "logistics:visa": Page(OWN_REGISTRATION_A, _pk("registration_a")),
    # No visa details yet: the letter sends its reader to the form first.
    "logistics:letter": Page(expect(302, 302, 302, 404, 302, 302), _pk("registration_a")),
    "logistics:feedback": Page(OWN_REGISTRATION_A, _pk("registration_a")),
    # --- webinars, staff pages beside the public ones -------------------------------------
    "webinars:webinar_create": Page(CONSOLE),
    "webinars:webinar_update": Page(CONSOLE, _slug("webinar")),
    "webinars:webinar_cancel": Page(CONSOLE, _slug("webinar")),
    "webinars:recording_update": Page(CONSOLE, _slug("webinar")),
    "webinars:attendance_upload": Page(CONSOLE, _slug("webinar")),
    "webinars:attendance_preview": Page(
        CONSOLE, lambda s: {"slug": s.webinar.slug, "token": s.attendance_import.token}
    ),
    # --- training -------------------------------------------------------------------------
    "training:cohort_create": Page(CONSOLE),
    "training:cohort_update": Page(CONSOLE, _slug("cohort")),
    # Focal points nominate (POST only); others are refused.
    "training:cohort_nominate": Page(
        expect(302, 403, 405, 403, 403, 403, focal_b=405), _slug("cohort")
    ),
    "training:cohort_review": Page(CONSOLE, _slug("cohort")),
    "training:cohort_progress": Page(CONSOLE, _slug("cohort")),
    "training:cohort_issue_certificates": Page(CONSOLE_POST_ONLY, _slug("cohort")),
    "training:session_create": Page(CONSOLE, _slug("cohort")),
    "training:session_update": Page(CONSOLE, _pk("cohort_session")),
    "training:session_attendance": Page(CONSOLE, _pk("cohort_session")),
    "training:nomination_decide": Page(CONSOLE_POST_ONLY, _pk("nomination_a")),
    "training:nomination_withdraw": Page(
        POST_ONLY, _pk("nomination_a"), refused_posts=("member_b", "focal_b")
    ),
    "training:certificate_pdf": Page(
        expect(302, 200, 200, 404, 200, 200), lambda s: {"code": s.certificate.code}
    ),
    "training:certificate_revoke": Page(CONSOLE, lambda s: {"code": s.certificate.code}),
    # --- the console ----------------------------------------------------------------------
    "console:dashboard": Page(CONSOLE),
    "console:message_list": Page(CONSOLE),
    "console:message_export": Page(CONSOLE),
    "console:message_detail": Page(CONSOLE, _pk("outbox_message")),
    "privacy:person": Page(CONSOLE, _pk("person_a")),
    "activity_console:activity_list": Page(CONSOLE),
    "activity_console:registration_list": Page(CONSOLE, _activity()),
    "activity_console:capacity": Page(CONSOLE, _activity()),
    "activity_console:invitations": Page(CONSOLE, _activity()),
    "activity_console:reminders": Page(CONSOLE, _activity()),
    "activity_console:reminder_policies": Page(CONSOLE),
    "activity_console:reminder_policy_update": Page(CONSOLE, lambda s: {"kind": "workshop"}),
    "activity_console:decide": Page(CONSOLE_POST_ONLY, _activity_registration),
    "activity_console:assign_role": Page(CONSOLE_POST_ONLY, _activity_registration),
    "activity_console:cancel": Page(CONSOLE_POST_ONLY, _activity_registration),
    "logistics_console:messages": Page(CONSOLE, _activity()),
    "logistics_console:change_notice": Page(CONSOLE_POST_ONLY, _activity()),
    "logistics_console:questions": Page(CONSOLE, _activity()),
    "logistics_console:question_delete": Page(
        CONSOLE_POST_ONLY, lambda s: {"pk": s.activity.pk, "question_pk": s.question.pk}
    ),
    "logistics_console:answers": Page(CONSOLE, _activity()),
    "logistics_console:answers_csv": Page(CONSOLE, _activity()),
    "logistics_console:checkin": Page(CONSOLE, _activity()),
    "logistics_console:checkin_api": Page(CONSOLE_POST_ONLY, _activity()),
    "logistics_console:send_checkin_codes": Page(CONSOLE_POST_ONLY, _activity()),
    "logistics_console:support": Page(CONSOLE, _activity()),
    "logistics_console:support_decide": Page(
        CONSOLE_POST_ONLY, lambda s: {"pk": s.activity.pk, "request_pk": s.support_request.pk}
    ),
    "logistics_console:badges": Page(CONSOLE, _activity()),
    "logistics_console:feedback": Page(CONSOLE, _activity()),
    "reports:index": Page(CONSOLE),
    "reports:job_detail": Page(CONSOLE, _pk("report_job")),
    "reports:snapshot_download": Page(CONSOLE, _pk("snapshot")),
    "reports:export": Page(CONSOLE, lambda s: {"kind": "dialogue", "slug": s.convening.slug}),
    "reports:preview": Page(CONSOLE, lambda s: {"kind": "dialogue", "slug": s.convening.slug}),
    # The scenario's convening has no agenda to fill in: back to its page with a message.
    "dialogues_console:convening_fill_in": Page(
        expect(302, 403, 403, 403, 302, 302), _pk("convening")
    ),
}

# The generic console sections (roadmap_portal/core/console): each model's actions.
_LIST = ("list", "export")
_EDIT = (*_LIST, "detail", "create", "update")
_CONSOLE_SECTIONS = {
    "participation_console": {
        "activity": ("activity", _LIST),
        "registration": ("registration_a", (*_LIST, "detail", "bulk")),
        "invitation": ("invitation_a", (*_LIST, "detail", "bulk")),
    },
    "taskforce_console": {
        "organisation": ("org_a", (*_EDIT, "bulk", "import", "import_preview", "merge")),
        "person": ("person_a", (*_EDIT, "import", "import_preview", "merge")),
        "affiliation": ("affiliation_a", _EDIT),
        "membership": ("membership_a", _EDIT),
        "position": ("position_a", _EDIT),
        "merge": ("merge_record", (*_LIST, "detail")),
    },
    "dialogues_console": {
        "convening": ("convening", _EDIT),
        "session": ("agenda_session", _EDIT),
    },
    "training_console": {
        "certificate": ("certificate", (*_LIST, "detail")),
        "cohort": ("cohort", (*_LIST, "detail")),
        "nomination": ("nomination_a", (*_LIST, "bulk")),
    },
    "webinars_console": {
        "series": ("series", (*_LIST, "detail")),
        "webinar": ("webinar", (*_LIST, "detail")),
    },
}


# A create form under its parent names the parent in the query string.
_CREATE_PARENT = {
    "affiliation": ("person", "person_a"),
    "position": ("person", "person_a"),
    "membership": ("organisation", "org_a"),
    "session": ("convening", "convening"),
}


def _console_page(model: str, attribute: str, action: str) -> Page:
    if action in ("detail", "update"):
        return Page(CONSOLE, _pk(attribute))
    if action in ("bulk", "merge"):
        return Page(CONSOLE_POST_ONLY)
    if action == "import_preview":
        # The scenario's upload has no rows: refused, back to the upload form.
        return Page(
            expect(302, 403, 403, 403, 302, 302), lambda s: {"token": s.import_tokens[model]}
        )
    if action == "create" and model in _CREATE_PARENT:
        parameter, parent = _CREATE_PARENT[model]
        return Page(CONSOLE, query=lambda s: {parameter: getattr(s, parent).pk})
    return Page(CONSOLE)


for _namespace, _models in _CONSOLE_SECTIONS.items():
    for _model, (_attribute, _actions) in _models.items():
        for _action in _actions:
            REGISTRY[f"{_namespace}:{_model}_{_action}"] = _console_page(
                _model, _attribute, _action
            )


def registered(name: str) -> Page | None:
    return REGISTRY.get(name)


# --- the scenario -------------------------------------------------------------------------


def build_scenario() -> SimpleNamespace:
    """Organisation A with a focal point and a member, organisation B with a member, staff,
    an admin, and one object of every kind the URLs name, A's people registered."""
    from dialogues import services as convening_services
    from dialogues.models import AgendaSession
    from roadmap_portal.accounts import calendar
    from roadmap_portal.core.console import imports as console_imports
    from roadmap_portal.core.models import OutboxMessage
    from roadmap_portal.logistics.models import RegistrationQuestion, SupportRequest
    from roadmap_portal.registrations import reminders, signing
    from roadmap_portal.registrations.models import Invitation
    from roadmap_portal.roadmap.models import ReportJob, ReportSnapshot
    from taskforce.models import (
        AffiliationRequest,
        Country,
        MergeRecord,
        TaskForcePosition,
    )
    from tests.factories import (
        MembershipFactory,
        OrganisationFactory,
        RegistrationFactory,
        UserFactory,
        admin_user,
        member_of,
        staff_user,
    )
    from tests.training.builders import make_cohort
    from training.models import Certificate
    from webinars import services as webinar_services
    from webinars.models import AttendanceImport

    s = SimpleNamespace()
    s.org_a = OrganisationFactory(name="Alpha Solidarity Cooperative", slug="alpha")
    s.org_b = OrganisationFactory(name="Beta Community Network", slug="beta")
    s.member_a = member_of(s.org_a, email="member.a@example.org")
    s.focal_a = member_of(s.org_a, focal_point=True, email="focal.a@example.org")
    s.member_b = member_of(s.org_b, email="member.b@example.org")
    s.focal_b = member_of(s.org_b, focal_point=True, email="focal.b@example.org")
    s.staff = staff_user(email="staff@example.org")
    s.admin = admin_user(email="admin@example.org")
    s.person_a = s.member_a.person
    # Distinct names and contact data, none listed publicly (the default), to look for.
    for person, name, phone in (
        (s.person_a, "Amihan Dalisay", "+63 2 5550 1234"),
        (s.focal_a.person, "Bituin Magbanua", "+63 2 5550 9876"),
        (s.member_b.person, "Chanthavy Keomany", "+66 2 5550 4321"),
        (s.focal_b.person, "Dara Sokhom", "+855 23 555 010"),
    ):
        person.name, person.phone = name, phone
        person.save()
    s.people = [s.person_a, s.focal_a.person, s.member_b.person, s.focal_b.person]
    s.affiliation_a = s.person_a.affiliations.get()
    s.focal_affiliation_a = s.focal_a.person.affiliations.get()
    philippines = Country.objects.get(code="PH")
    starts_at = timezone.now() + dt.timedelta(days=60)
    s.convening = convening_services.create_convening(
        kind="workshop",
        title="Regional Workshop on Solidarity Economy",
        slug="regional-workshop",
        host_country=philippines,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(days=1),
        time_zone="Asia/Manila",
        city="Manila",
    )
    s.activity = s.convening.activity
    s.registration_a = RegistrationFactory(
        activity=s.activity, person=s.person_a, organisation=s.org_a, registered_by=s.member_a
    )
    s.invitation_a = Invitation.objects.create(
        activity=s.activity, organisation=s.org_a, invited_by=s.staff
    )
    s.agenda_session = AgendaSession.objects.create(convening=s.convening, title="Opening")
    s.series = webinar_services.create_series(
        title="MySDG Academy x ASEC", slug="mysdg-asec", organiser=s.org_b
    )
    s.webinar = webinar_services.create_webinar(
        series=s.series,
        slug="sse-and-the-sdgs",
        title="SSE and the SDGs",
        abstract="Solidarity economy and the goals.",
        starts_at=(timezone.now() + dt.timedelta(days=30)).replace(second=0, microsecond=0),
        duration_minutes=60,
        time_zone="Asia/Kuala_Lumpur",
        language="en",
        platform="zoom",
        join_url="https://zoom.example.org/j/secret",
    )
    s.attendance_import = AttendanceImport.objects.create(
        webinar=s.webinar,
        token="matrix-token",
        uploaded_by=s.staff,
        original_name="attendance.csv",
        expires_at=timezone.now() + dt.timedelta(hours=1),
        encoding="utf-8",
        summary={
            "encoding": "utf-8",
            "delimiter": ",",
            "header_line": 1,
            "columns": {"email": "Email"},
            "threshold": 30,
            "counts": {
                "attended": 0,
                "attendees": 0,
                "matched": 0,
                "unmatched": 0,
                "duplicate": 0,
                "malformed": 0,
            },
            "rows": [],
        },
    )
    s.cohort = make_cohort(sessions=1, slug="first-cohort")
    s.cohort_session = s.cohort.sessions.get()
    s.nomination_a = RegistrationFactory(
        activity=s.cohort.activity,
        person=s.person_a,
        organisation=s.org_a,
        status="pending",
        registered_by=s.focal_a,
    )
    s.certificate = Certificate.objects.create(registration=s.nomination_a)
    s.request_to_a = AffiliationRequest.objects.create(
        user=UserFactory(email="newcomer@example.org"), organisation=s.org_a
    )
    s.membership_a = MembershipFactory(organisation=s.org_a)
    s.position_a = TaskForcePosition.objects.create(
        person=s.focal_a.person, title="chair", since=dt.date(2025, 1, 1)
    )
    s.merge_record = MergeRecord.objects.create(
        kind="organisation",
        survivor_id=s.org_a.pk,
        survivor_name=s.org_a.name,
        duplicate_id=999999,
        duplicate_name="Alpha Cooperative (duplicate)",
        merged_by=s.staff,
    )
    s.question = RegistrationQuestion.objects.create(
        activity=s.activity, kind="text", label="Dietary needs"
    )
    s.support_request = SupportRequest.objects.create(
        registration=s.registration_a,
        kind="travel",
        amount_requested=100,
        justification="Flight from Cebu",
        requested_by=s.member_a,
    )
    s.outbox_message = OutboxMessage.objects.create(
        to_email=s.person_a.email,
        subject="Your registration",
        body_text="You are registered.",
        message_id="<matrix@example.org>",
    )
    s.snapshot = ReportSnapshot(
        kind="dialogue",
        subject_slug=s.convening.slug,
        subject_title=s.convening.title,
        audience="public",
        size=4,
        sha256=hashlib.sha256(b"%PDF").hexdigest(),
        pages=1,
    )
    s.snapshot.file.save("report.pdf", ContentFile(b"%PDF"), save=False)
    s.snapshot.save()
    s.report_job = ReportJob.objects.create(
        kind="dialogue",
        subject_slug=s.convening.slug,
        subject_title=s.convening.title,
        audience="public",
        requested_by=s.staff,
    )
    s.decline_token = signing.make_decline_token(s.registration_a)
    s.calendar_token = calendar.renew_calendar_token(user=s.member_a)
    s.unsubscribe_token = reminders.unsubscribe_token(s.person_a.email, reminders.topics()[0][0])
    s.import_tokens = {
        model: console_imports.store_upload(data=b"name\n", kind=kind, user=s.staff)
        for model, kind in {"organisation": "organisations", "person": "people"}.items()
    }
    s.users = {
        "anonymous": None,
        "member_a": s.member_a,
        "focal_a": s.focal_a,
        "member_b": s.member_b,
        "focal_b": s.focal_b,
        "staff": s.staff,
        "admin": s.admin,
    }
    return s
