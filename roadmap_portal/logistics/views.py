"""Participants' and focal points' logistics pages: support, visa letter, feedback."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from roadmap_portal.registrations.models import Registration, RegistrationStatus

from . import letters, selectors, services
from .forms import FeedbackAnswerForm, SupportRequestForm, VisaDetailsForm
from .services import LogisticsError


class OwnRegistrationMixin(LoginRequiredMixin):
    """The person, their focal point, or staff; another's registration is a 404."""

    @cached_property
    def registration(self) -> Registration:
        registration, allowed = selectors.registration_within_reach(
            self.request.user, self.kwargs["pk"]
        )
        if registration is None or not allowed:
            raise Http404
        return registration

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.registration  # noqa: B018 - a 404 before any work
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registration"] = self.registration
        context["activity"] = self.registration.activity
        return context


class SupportRequestView(OwnRegistrationMixin, FormView):
    template_name = "logistics/support_request.html"
    form_class = SupportRequestForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["support_requests"] = list(self.registration.support_requests.all())
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.request_support(
                registration=self.registration,
                kind=data["kind"],
                amount=data["amount"],
                currency=data["currency"],
                justification=data["justification"],
                by=self.request.user,
            )
        except LogisticsError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Support requested: the secretariat decides."))
        return HttpResponseRedirect(
            reverse("logistics:support", kwargs={"pk": self.registration.pk})
        )


class VisaDetailsView(OwnRegistrationMixin, FormView):
    template_name = "logistics/visa_details.html"
    form_class = VisaDetailsForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = getattr(self.registration, "visa_details", None)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        details = getattr(self.registration, "visa_details", None)
        context["has_details"] = details is not None
        context["has_passport_number"] = bool(details and details.passport_number)
        context["may_download"] = self.registration.status == RegistrationStatus.CONFIRMED
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        services.save_visa_details(
            registration=self.registration,
            passport_name=data["passport_name"],
            nationality=data["nationality"],
            passport_number=data["passport_number"] or None,
            date_of_birth=data["date_of_birth"],
            by=self.request.user,
        )
        messages.success(self.request, _("The details for the letter are saved."))
        return HttpResponseRedirect(reverse("logistics:visa", kwargs={"pk": self.registration.pk}))


class LetterView(OwnRegistrationMixin, View):
    """The invitation letter as a PDF: for a confirmed registration with details entered."""

    def get(self, request, *args, **kwargs):
        registration = self.registration
        if registration.status != RegistrationStatus.CONFIRMED:
            messages.error(
                request, _("The letter is available once the registration is confirmed.")
            )
            return HttpResponseRedirect(reverse("logistics:visa", kwargs={"pk": registration.pk}))
        if getattr(registration, "visa_details", None) is None:
            messages.error(request, _("Enter the details for the letter first."))
            return HttpResponseRedirect(reverse("logistics:visa", kwargs={"pk": registration.pk}))
        pdf = letters.render_letter(registration)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = slugify(registration.person.full_name)[:40] or registration.pk
        filename = f"invitation-letter-{name}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class FeedbackView(OwnRegistrationMixin, FormView):
    template_name = "logistics/feedback.html"
    form_class = FeedbackAnswerForm

    @cached_property
    def feedback_form(self):
        return services.ensure_feedback_form(activity=self.registration.activity)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["questions"] = list(self.feedback_form.questions.all())
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["answered"] = hasattr(self.registration, "feedback_response")
        context["is_over"] = selectors.is_over(self.registration.activity)
        return context

    def form_valid(self, form):
        try:
            services.submit_feedback(
                registration=self.registration, answers=form.answers(), by=self.request.user
            )
        except LogisticsError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you for your feedback."))
        return HttpResponseRedirect(reverse("me:home"))
