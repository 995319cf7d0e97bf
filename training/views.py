"""The training pages: the course, cohorts, nominations, review, attendance, certificates.

Anonymous visitors of member or console pages are sent to sign in; a signed-in user
without the right gets 403; another organisation's object answers 404 (DESIGN.md).
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from roadmap_portal.accounts import membership
from roadmap_portal.accounts.roles import CONSOLE_PERMISSION
from roadmap_portal.core.pagecache import public_page
from roadmap_portal.core.pdf import render_pdf
from roadmap_portal.registrations.models import Registration

from . import selectors, services
from .forms import (
    AttendanceForm,
    CohortForm,
    DecisionForm,
    NominationForm,
    RevokeForm,
    SessionForm,
)
from .models import Cohort, CohortSession, is_well_formed_certificate_code
from .services import TrainingRefused, local_date


class StaffRequiredMixin(PermissionRequiredMixin):
    """Secretariat only: anonymous users sign in first, others get 403.

    The page's objects are fetched in ``load()``, after the check, so nobody without the
    right learns whether an id exists.
    """

    permission_required = CONSOLE_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self) -> None:
        """Fetch what the page is about; 404 when it does not exist."""


def _cohort_or_404(slug: str) -> Cohort:
    return get_object_or_404(
        Cohort.objects.with_activity().prefetch_related("eligible_countries"), slug=slug
    )


# The course and its cohorts ----------------------------------------------------------------


@method_decorator(public_page, name="dispatch")
class CohortListView(TemplateView):
    """/training/: the course, its modules, upcoming and past cohorts."""

    template_name = "training/cohort_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["courses"] = selectors.courses_with_modules()
        context.update(selectors.cohorts_for_listing())
        context["is_staff"] = membership.is_staff(self.request.user)
        return context


class CohortPageMixin:
    """What the cohort's page shows; the nomination view re-renders it with a bound form."""

    template_name = "training/cohort_detail.html"

    def cohort_context(self, cohort: Cohort, *, bound_form: NominationForm | None = None):
        user = self.request.user
        is_open = Cohort.objects.open_for_nomination().filter(pk=cohort.pk).exists()
        panels = []
        if user.is_authenticated:
            panels = selectors.organisation_panels(
                cohort, membership.focal_point_organisations(user)
            )
        for panel in panels:
            if bound_form is not None and bound_form.data.get("organisation") == str(
                panel.organisation.pk
            ):
                panel.form = bound_form
            else:
                panel.form = NominationForm(cohort=cohort, panel=panel)
        return {
            "cohort": cohort,
            "activity": cohort.activity,
            "course": cohort.course,
            "sessions": list(selectors.sessions_of(cohort)),
            "eligible_countries": list(cohort.eligible_countries.all()),
            "seats": selectors.seats_summary(cohort),
            "is_open": is_open,
            "own_registration": selectors.own_registration(cohort, user),
            "panels": panels,
            "is_staff": membership.is_staff(user),
        }


@method_decorator(public_page, name="dispatch")
class CohortDetailView(CohortPageMixin, TemplateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.cohort_context(_cohort_or_404(self.kwargs["slug"])))
        return context


class NominateView(LoginRequiredMixin, CohortPageMixin, FormView):
    """A focal point nominates one of its organisation's people (POST from the cohort page)."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.cohort = _cohort_or_404(kwargs["slug"])
        self.organisations = membership.focal_point_organisations(request.user)
        if not self.organisations:
            raise PermissionDenied(_("Only focal points nominate people."))
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        posted = self.request.POST.get("organisation", "")
        organisation = next((o for o in self.organisations if str(o.pk) == posted), None)
        if organisation is None:
            raise Http404(_("No such organisation among yours."))
        self.panel = selectors.organisation_panels(self.cohort, [organisation])[0]
        return NominationForm(self.request.POST, cohort=self.cohort, panel=self.panel)

    def form_valid(self, form):
        person = next(p for p in self.panel.people if p.pk == form.cleaned_data["person"])
        try:
            services.nominate_person(
                cohort=self.cohort,
                person=person,
                organisation=self.panel.organisation,
                motivation=form.cleaned_data["motivation"],
                mode=form.cleaned_data["mode"],
                by=self.request.user,
            )
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(person)s is nominated; the secretariat will review the nomination.")
            % {"person": person.full_name},
        )
        return redirect(self.cohort.get_absolute_url() + "#nominations")

    def form_invalid(self, form):
        context = self.cohort_context(self.cohort, bound_form=form)
        return self.render_to_response(context, status=400)


class WithdrawNominationView(LoginRequiredMixin, View):
    """A focal point withdraws a nomination of its organisation (POST)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        organisations = membership.focal_point_organisations(request.user)
        registration = get_object_or_404(
            Registration.objects.select_related("organisation", "activity__training_cohort"),
            pk=pk,
            organisation__in=[o.pk for o in organisations],
            activity__training_cohort__isnull=False,
        )
        cohort = registration.activity.training_cohort
        try:
            services.withdraw_nomination(registration=registration, by=request.user)
        except TrainingRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("The nomination of %(person)s is withdrawn.")
                % {"person": registration.person.full_name},
            )
        return redirect(cohort.get_absolute_url() + "#nominations")


# Staff: cohorts and sessions ---------------------------------------------------------------


class CohortCreateView(StaffRequiredMixin, FormView):
    template_name = "training/cohort_form.html"
    form_class = CohortForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            cohort = services.create_cohort(
                course=data["course"],
                title=data["title"],
                slug=data["slug"],
                schedule=form.schedule(),
                description=data["description"],
                place=data["place"],
                eligible_countries=data["eligible_countries"],
                completion_threshold_percent=data["completion_threshold_percent"],
            )
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The cohort is created; now add its sessions."))
        return redirect(cohort.get_absolute_url())


class CohortUpdateView(StaffRequiredMixin, FormView):
    template_name = "training/cohort_form.html"
    form_class = CohortForm

    def load(self):
        self.cohort = _cohort_or_404(self.kwargs["slug"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cohort": self.cohort}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.update_cohort(
                cohort=self.cohort,
                title=data["title"],
                schedule=form.schedule(),
                description=data["description"],
                place=data["place"],
                eligible_countries=data["eligible_countries"],
                completion_threshold_percent=data["completion_threshold_percent"],
                by=self.request.user,
            )
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The cohort is saved."))
        return redirect(self.cohort.get_absolute_url())


class SessionCreateView(StaffRequiredMixin, FormView):
    template_name = "training/session_form.html"

    def load(self):
        self.cohort = _cohort_or_404(self.kwargs["slug"])
        self.session = None

    def get_form(self, form_class=None):
        return SessionForm(**self.get_form_kwargs(), cohort=self.cohort, session=self.session)

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, session=self.session, **kwargs)

    def save(self, data):
        return services.add_session(
            cohort=self.cohort,
            module=data["module"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            title=data["title"],
        )

    def form_valid(self, form):
        try:
            self.save(form.cleaned_data)
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The session is saved."))
        return redirect(self.cohort.get_absolute_url() + "#sessions")


class SessionUpdateView(SessionCreateView):
    def load(self):
        self.session = get_object_or_404(
            CohortSession.objects.select_related("cohort__activity", "cohort__course", "module"),
            pk=self.kwargs["pk"],
        )
        self.cohort = self.session.cohort

    def save(self, data):
        return services.update_session(
            session=self.session,
            module=data["module"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            title=data["title"],
        )


# Staff: review, attendance, progress -------------------------------------------------------


class CohortReviewView(StaffRequiredMixin, TemplateView):
    """The nominations side by side, each with its decision form."""

    template_name = "training/cohort_review.html"

    def review_context(self, cohort: Cohort, *, bound: tuple[int, DecisionForm] | None = None):
        registrations = selectors.nominations_for_review(cohort)
        organisation_seats = selectors.organisation_seats(cohort)
        for registration in registrations:
            registration.organisation_seats_used = organisation_seats.get(
                registration.organisation_id, 0
            )
            if bound is not None and bound[0] == registration.pk:
                registration.decision_form = bound[1]
            else:
                registration.decision_form = DecisionForm(auto_id=f"id_r{registration.pk}_%s")
        return {
            "cohort": cohort,
            "activity": cohort.activity,
            "registrations": registrations,
            "seats": selectors.seats_summary(cohort),
            "balance": selectors.country_balance(cohort),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.review_context(_cohort_or_404(self.kwargs["slug"])))
        return context


class DecideNominationView(CohortReviewView):
    """Accept, waitlist or decline one nomination (POST from the review page)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        registration = get_object_or_404(
            Registration.objects.select_related(
                "person", "organisation", "activity__training_cohort"
            ),
            pk=pk,
            activity__training_cohort__isnull=False,
        )
        cohort = _cohort_or_404(registration.activity.training_cohort.slug)
        form = DecisionForm(request.POST, auto_id=f"id_r{registration.pk}_%s")
        if form.is_valid():
            try:
                decided = services.decide_nomination(
                    registration=registration,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except TrainingRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    _("%(person)s: %(status)s.")
                    % {"person": decided.person.full_name, "status": decided.get_status_display()},
                )
                return redirect(
                    reverse("training:cohort_review", kwargs={"slug": cohort.slug})
                    + f"#nomination-{decided.pk}"
                )
        context = self.review_context(cohort, bound=(registration.pk, form))
        return self.render_to_response(context, status=400)


class SessionAttendanceView(StaffRequiredMixin, FormView):
    """The attendance grid of one session: a checkbox per participant, one submit."""

    template_name = "training/session_attendance.html"

    def load(self):
        self.session = get_object_or_404(
            CohortSession.objects.select_related("module", "cohort__activity", "cohort__course"),
            pk=self.kwargs["pk"],
        )

    def get_form(self, form_class=None):
        self.rows = selectors.attendance_grid(self.session)
        return AttendanceForm(**self.get_form_kwargs(), rows=self.rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        ticked = {str(value) for value in (form["present"].value() or [])}
        context.update(
            session=self.session,
            cohort=self.session.cohort,
            activity=self.session.cohort.activity,
            grid=[(row, str(row.registration.pk) in ticked) for row in self.rows],
            has_started=self.session.starts_at <= timezone.now(),
        )
        return context

    def form_valid(self, form):
        try:
            issued = services.record_attendance(
                session=self.session,
                present_registration_ids=form.cleaned_data["present"],
                by=self.request.user,
            )
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        present = len(form.cleaned_data["present"])
        messages.success(
            self.request,
            _("Attendance saved: %(present)d present, %(absent)d absent.")
            % {"present": present, "absent": len(self.rows) - present},
        )
        if issued:
            messages.success(
                self.request,
                ngettext(
                    "%(count)d certificate issued.", "%(count)d certificates issued.", len(issued)
                )
                % {"count": len(issued)},
            )
        return redirect(self.session.get_attendance_url())


class CohortProgressView(StaffRequiredMixin, TemplateView):
    """Who is on track for completion, at any time."""

    template_name = "training/cohort_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cohort = _cohort_or_404(self.kwargs["slug"])
        context.update(
            cohort=cohort,
            activity=cohort.activity,
            progress=selectors.cohort_progress(cohort),
            has_ended=services.cohort_has_ended(cohort),
        )
        return context


class IssueCertificatesView(StaffRequiredMixin, View):
    """Evaluate completion now (POST): for a cohort whose last attendance came in early."""

    http_method_names = ["post"]

    def post(self, request, slug):
        cohort = _cohort_or_404(slug)
        progress_url = reverse("training:cohort_progress", kwargs={"slug": cohort.slug})
        if not services.cohort_has_ended(cohort):
            messages.error(request, _("Certificates are issued once the last session is over."))
            return redirect(progress_url)
        issued = services.evaluate_completion(cohort=cohort)
        messages.success(
            request,
            ngettext("%(count)d certificate issued.", "%(count)d certificates issued.", len(issued))
            % {"count": len(issued)},
        )
        return redirect(progress_url)


# Certificates ------------------------------------------------------------------------------


class CertificateVerifyView(TemplateView):
    """Public: whether a code is a valid certificate, and whose. Nothing more."""

    template_name = "training/certificate_verify.html"

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        context = self.get_context_data(**kwargs)
        if not is_well_formed_certificate_code(code):
            context["state"] = "malformed"
            return self.render_to_response(context, status=404)
        certificate = selectors.certificate_by_code(code)
        if certificate is None:
            context["state"] = "unknown"
            return self.render_to_response(context, status=404)
        cohort = certificate.registration.activity.training_cohort
        context.update(
            state="revoked" if certificate.is_revoked else "valid",
            certificate=certificate,
            cohort=cohort,
            course=cohort.course,
            issued_on=local_date(certificate.issued_at, cohort.activity.time_zone),
            revoked_on=local_date(certificate.revoked_at, cohort.activity.time_zone),
            is_staff=membership.is_staff(request.user),
        )
        return self.render_to_response(context)


def _script_of(name: str) -> str:
    """A language hint for the name's script, so CJK names get their own glyph forms."""
    for char in name:
        code = ord(char)
        if 0x3040 <= code <= 0x30FF:
            return "ja"
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
            return "ko"
    for char in name:
        if 0x4E00 <= ord(char) <= 0x9FFF:
            return "zh"
    return ""


def certificate_context(certificate) -> dict:
    """What the certificate PDF prints."""
    registration = certificate.registration
    cohort = registration.activity.training_cohort
    verify_url = settings.SITE_URL + certificate.get_absolute_url()
    qr_svg = segno.make(verify_url, error="m").svg_inline(scale=3, border=0, omitsize=True)
    return {
        "certificate": certificate,
        "person": registration.person,
        "name_lang": _script_of(registration.person.name),
        "organisation": registration.organisation,
        "cohort": cohort,
        "course": cohort.course,
        "issued_on": local_date(certificate.issued_at, cohort.activity.time_zone),
        "starts_on": local_date(cohort.activity.starts_at, cohort.activity.time_zone),
        "ends_on": local_date(cohort.activity.ends_at, cohort.activity.time_zone),
        "verify_url": verify_url,
        # segno writes the SVG itself from the URL: no user text reaches it unescaped.
        "qr_svg": mark_safe(qr_svg),  # noqa: S308
    }


class CertificatePdfView(LoginRequiredMixin, View):
    """The certificate as a PDF: for the participant, their focal point and staff."""

    def get(self, request, code):
        if not is_well_formed_certificate_code(code):
            raise Http404(_("No certificate has this code."))
        certificate = selectors.certificate_by_code(code)
        if certificate is None or certificate.is_revoked:
            raise Http404(_("No valid certificate has this code."))
        registration = certificate.registration
        user = request.user
        person = membership.person_of(user)
        allowed = (
            membership.is_staff(user)
            or (person is not None and person.pk == registration.person_id)
            or (
                registration.organisation_id is not None
                and membership.is_focal_point_of(user, registration.organisation)
            )
        )
        if not allowed:
            if registration.organisation_id is not None and membership.is_member_of(
                user, registration.organisation
            ):
                raise PermissionDenied(_("Only the participant and the focal point download it."))
            raise Http404(_("No certificate has this code."))
        pdf = render_pdf("training/pdf/certificate.html", certificate_context(certificate))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="certificate-{code}.pdf"'
        return response


class CertificateRevokeView(StaffRequiredMixin, FormView):
    template_name = "training/certificate_revoke.html"
    form_class = RevokeForm

    def load(self):
        code = self.kwargs["code"]
        if not is_well_formed_certificate_code(code):
            raise Http404(_("No certificate has this code."))
        self.certificate = selectors.certificate_by_code(code)
        if self.certificate is None:
            raise Http404(_("No certificate has this code."))

    def get_context_data(self, **kwargs):
        cohort = self.certificate.registration.activity.training_cohort
        return super().get_context_data(certificate=self.certificate, cohort=cohort, **kwargs)

    def form_valid(self, form):
        try:
            services.revoke_certificate(
                certificate=self.certificate,
                by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except TrainingRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The certificate is revoked."))
        return HttpResponseRedirect(self.certificate.get_absolute_url())


# Host readiness ----------------------------------------------------------------------------


class ReadinessView(TemplateView):
    """/readiness/: for each upcoming policy dialogue, the host country's trained people."""

    template_name = "training/readiness.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.host_readiness()
        return context
