"""Registration in the browser: the panel's form and buttons, and the decline link."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from roadmap_portal.accounts import membership
from roadmap_portal.logistics.services import save_answers

from . import selectors, services
from .forms import RegisterForm
from .models import Activity, Invitation, RegistrationStatus
from .services import RegistrationRefused


class ReturnUrlMixin:
    """After a POST, go back where the form was (``next``), else to the activity's page."""

    def get_return_url(self, activity=None) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return target
        page = activity.page_url() if activity is not None else ""
        return page or reverse("me:home")


class ActivityRegisterView(LoginRequiredMixin, ReturnUrlMixin, FormView):
    """Register one or several people of one organisation, each outcome told in a message.

    A kind's app may subclass it and override ``get_activity`` to find the activity by its
    own slug (``/dialogues/<slug>/register/``).
    """

    form_class = RegisterForm
    http_method_names = ["post"]

    def get_activity(self) -> Activity:
        return get_object_or_404(Activity, pk=self.kwargs["activity_pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not membership.member_organisations(request.user):
            raise PermissionDenied(_("Only members of an organisation of the network register."))
        self.activity = self.get_activity()
        self.organisation = self._organisation()
        return super().dispatch(request, *args, **kwargs)

    def _organisation(self):
        """The organisation posted beside the form; one the user does not belong to is a 404."""
        try:
            organisation_id = int(self.request.POST.get("organisation", ""))
        except ValueError:
            raise Http404 from None
        for organisation in membership.member_organisations(self.request.user):
            if organisation.pk == organisation_id:
                return organisation
        raise Http404

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["activity"] = self.activity
        kwargs["organisation"] = self.organisation
        kwargs["people"] = selectors.registrable_people(
            user=self.request.user, organisation=self.organisation
        )
        return kwargs

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return HttpResponseRedirect(self.get_return_url(self.activity))

    def form_valid(self, form):
        for person in form.selected_people():
            try:
                # The registration and its answers are written together or not at all.
                with transaction.atomic():
                    registration = services.register_person(
                        activity=self.activity,
                        person=person,
                        organisation=self.organisation,
                        mode=form.cleaned_data["mode"],
                        by=self.request.user,
                        motivation=form.cleaned_data.get("motivation", ""),
                    )
                    save_answers(registration=registration, answers=form.answers())
            except RegistrationRefused as refusal:
                messages.error(
                    self.request,
                    _("%(person)s is not registered: %(reason)s")
                    % {"person": person, "reason": refusal.message},
                )
                continue
            messages.success(self.request, outcome_message(registration))
        return HttpResponseRedirect(self.get_return_url(self.activity))


def outcome_message(registration) -> str:
    names = {"person": registration.person, "mode": registration.get_mode_display().lower()}
    if registration.status == RegistrationStatus.CONFIRMED:
        return _("%(person)s is registered (%(mode)s).") % names
    if registration.status == RegistrationStatus.PENDING:
        return _("%(person)s is registered (%(mode)s) and awaits the secretariat's approval.") % (
            names
        )
    return _("%(person)s is on the %(mode)s waitlist, number %(position)s.") % {
        **names,
        "position": selectors.waitlist_position(registration),
    }


class RegistrationActionView(LoginRequiredMixin, ReturnUrlMixin, View):
    """A POST on one registration: another organisation's is a 404, no right a 403."""

    http_method_names = ["post"]
    service_name = ""  # the function of services.py that acts, called with registration and by
    success_message = ""

    def post(self, request, *args, **kwargs):
        registration, may_change = selectors.registration_for_user(request.user, kwargs["pk"])
        if registration is None:
            raise Http404
        if not may_change:
            raise PermissionDenied
        try:
            service = getattr(services, self.service_name)
            service(registration=registration, by=request.user)
        except RegistrationRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, self.success_message % {"person": registration.person})
        return HttpResponseRedirect(self.get_return_url(registration.activity))


class CancelRegistrationView(RegistrationActionView):
    service_name = "cancel_registration"
    success_message = gettext_lazy("The registration of %(person)s is cancelled.")


class LeaveWaitlistView(RegistrationActionView):
    service_name = "leave_waitlist"
    success_message = gettext_lazy("%(person)s has left the waitlist.")


class InvitationAnswerView(LoginRequiredMixin, ReturnUrlMixin, View):
    """The focal point accepts or declines the organisation's invitation."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            Invitation.objects.select_related("activity", "organisation"), pk=kwargs["pk"]
        )
        is_staff = membership.is_staff(request.user)
        if not is_staff and not membership.is_member_of(request.user, invitation.organisation):
            raise Http404
        if not is_staff and not membership.is_focal_point_of(request.user, invitation.organisation):
            raise PermissionDenied
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            messages.error(request, _("Choose to accept or to decline the invitation."))
            return redirect(self.get_return_url(invitation.activity))
        try:
            services.answer_invitation(
                invitation=invitation, accept=answer == "accept", by=request.user
            )
        except RegistrationRefused as refusal:
            messages.error(request, refusal.message)
        else:
            if answer == "accept":
                messages.success(request, _("Invitation accepted: you can register people now."))
            else:
                messages.success(request, _("Invitation declined."))
        return redirect(self.get_return_url(invitation.activity))


class DeclineByLinkView(TemplateView):
    """The link in a confirmation e-mail: shows the registration, declines it on POST.

    Nothing changes on GET, so a mail scanner that follows links declines nobody.
    """

    template_name = "registrations/decline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registration"] = selectors.registration_from_token(self.kwargs["token"])
        return context

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        status = 200 if context["registration"] is not None else 404
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        try:
            services.decline_by_link(token=kwargs["token"])
        except RegistrationRefused as refusal:
            messages.error(request, refusal.message)
        return redirect(request.path)
