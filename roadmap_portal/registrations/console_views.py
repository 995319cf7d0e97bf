"""The secretariat's pages for an activity's registrations, capacity and invitations."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, ListView, View
from django_filters.views import FilterView

from roadmap_portal.accounts.roles import CONSOLE_PERMISSION

from . import reminders, selectors, services
from .filters import RegistrationFilter
from .forms import CapacityForm, DecisionForm, InviteForm, RoleForm
from .models import Activity, ActivityKind, ActivityReminderOverride, Registration, ReminderPolicy
from .reminder_forms import ActivityRemindersForm, ReminderPolicyForm
from .services import RegistrationRefused


class ConsoleMixin(PermissionRequiredMixin):
    """Staff only: anonymous visitors go to sign in (302), everyone else gets 403."""

    permission_required = CONSOLE_PERMISSION


class ConsoleActivityMixin(ConsoleMixin):
    """The activity of the URL, looked up only once the permission is checked."""

    @cached_property
    def activity(self) -> Activity:
        return get_object_or_404(
            Activity.objects.with_kind_objects().select_related("country"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activity"] = self.activity
        context["public_url"] = self.activity.page_url()
        return context

    def list_url(self) -> str:
        target = self.request.POST.get("next")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return reverse("activity_console:registration_list", kwargs={"pk": self.activity.pk})


class ActivityListView(ConsoleMixin, ListView):
    template_name = "registrations/console/activity_list.html"
    context_object_name = "activities"
    paginate_by = 50

    def get_queryset(self):
        return selectors.console_activities()


class RegistrationListView(ConsoleActivityMixin, FilterView):
    """Every registration of the activity, filtered by status, mode and role."""

    template_name = "registrations/console/registration_list.html"
    filterset_class = RegistrationFilter
    context_object_name = "registrations"
    paginate_by = 100

    def get_queryset(self):
        return selectors.console_registrations(self.activity)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        positions = selectors.waitlist_positions(self.activity)
        for registration in context["registrations"]:
            registration.waitlist_position = positions.get(registration.pk)
        context["seats_left"] = selectors.seats_left(self.activity)
        context["decision_form"] = DecisionForm()
        context["role_form"] = RoleForm()
        return context


class RegistrationActionMixin(ConsoleActivityMixin):
    """A POST on one registration of the activity; the result is told in a message."""

    http_method_names = ["post"]

    @cached_property
    def registration(self) -> Registration:
        return get_object_or_404(
            Registration.objects.select_related("person", "activity"),
            pk=self.kwargs["registration_pk"],
            activity=self.activity,
        )

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return HttpResponseRedirect(self.list_url())

    def run(self, success_message: str, service, **kwargs):
        try:
            service(registration=self.registration, by=self.request.user, **kwargs)
        except RegistrationRefused as refusal:
            messages.error(self.request, refusal.message)
        else:
            messages.success(self.request, success_message % {"person": self.registration.person})
        return HttpResponseRedirect(self.list_url())


class DecideRegistrationView(RegistrationActionMixin, FormView):
    form_class = DecisionForm

    def form_valid(self, form):
        return self.run(
            _("Decision recorded for %(person)s."),
            services.decide_registration,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )


class AssignRoleView(RegistrationActionMixin, FormView):
    form_class = RoleForm

    def form_valid(self, form):
        return self.run(
            _("Role of %(person)s saved."),
            services.assign_role,
            role=form.cleaned_data["role"],
            role_label=form.cleaned_data["role_label"],
        )


class CancelRegistrationView(RegistrationActionMixin, View):
    def post(self, request, *args, **kwargs):
        return self.run(
            _("The registration of %(person)s is cancelled."), services.cancel_registration
        )


class CapacityView(ConsoleActivityMixin, FormView):
    """Seats per mode; new seats go to the waitlist at once."""

    template_name = "registrations/console/capacity.html"
    form_class = CapacityForm

    def get_initial(self):
        return {
            "onsite_capacity": self.activity.onsite_capacity,
            "online_capacity": self.activity.online_capacity,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["seats_left"] = selectors.seats_left(self.activity)
        return context

    def form_valid(self, form):
        try:
            promoted = services.set_capacity(
                activity=self.activity,
                onsite_capacity=form.cleaned_data["onsite_capacity"],
                online_capacity=form.cleaned_data["online_capacity"],
                by=self.request.user,
            )
        except RegistrationRefused as refusal:
            messages.error(self.request, refusal.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "Capacity saved; %(count)s person moved from the waitlist to a seat.",
                "Capacity saved; %(count)s people moved from the waitlist to a seat.",
                len(promoted),
            )
            % {"count": len(promoted)},
        )
        return HttpResponseRedirect(self.list_url())


class InvitationsView(ConsoleActivityMixin, FormView):
    """The organisations invited to the activity, their answers, and a form to invite more."""

    template_name = "registrations/console/invitations.html"
    form_class = InviteForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["activity"] = self.activity
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invitations"] = selectors.console_invitations(self.activity)
        return context

    def form_valid(self, form):
        organisation = form.cleaned_data["organisation"]
        try:
            services.invite_organisation(
                activity=self.activity,
                organisation=organisation,
                by=self.request.user,
                message=form.cleaned_data["message"],
            )
        except RegistrationRefused as refusal:
            messages.error(self.request, refusal.message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(organisation)s is invited.") % {"organisation": organisation}
        )
        return HttpResponseRedirect(
            reverse("activity_console:invitations", kwargs={"pk": self.activity.pk})
        )


class RemindersView(ConsoleActivityMixin, FormView):
    """Which reminders and nudges of the activity went to whom and when, and its own policy."""

    template_name = "registrations/console/reminders.html"
    form_class = ActivityRemindersForm
    rows_shown = 200

    @cached_property
    def override(self):
        return ActivityReminderOverride.objects.filter(activity=self.activity).first()

    def get_initial(self):
        if self.override is None:
            return {"choice": "policy"}
        if not self.override.enabled:
            return {"choice": "none"}
        return {"choice": "own", "offsets": self.override.offsets}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(reminders.activity_ledger(self.activity)[: self.rows_shown + 1])
        for row in rows:
            row.skip_reason_label = reminders.skip_reason_label(row.skip_reason)
        context["ledger"] = rows[: self.rows_shown]
        context["more_rows"] = len(rows) > self.rows_shown
        context["offsets"] = [
            reminders.describe_offset(minutes)
            for minutes in reminders.effective_offsets(self.activity)
        ]
        context["override"] = self.override
        return context

    def form_valid(self, form):
        choice = form.cleaned_data["choice"]
        reminders.set_activity_reminders(
            activity=self.activity,
            enabled=choice != "none",
            offsets=form.cleaned_data["offsets"] if choice == "own" else None,
            by=self.request.user,
        )
        messages.success(self.request, _("The reminders of this activity are saved."))
        return HttpResponseRedirect(
            reverse("activity_console:reminders", kwargs={"pk": self.activity.pk})
        )


class ReminderPolicyListView(ConsoleMixin, ListView):
    """The reminders of each kind of activity."""

    template_name = "registrations/console/reminders_policies.html"
    context_object_name = "policies"

    def get_queryset(self):
        offsets = reminders.policy_offsets()
        return [
            {
                "kind": kind,
                "label": label,
                "offsets": [reminders.describe_offset(m) for m in offsets.get(kind, [])],
            }
            for kind, label in ActivityKind.choices
        ]


class ReminderPolicyUpdateView(ConsoleMixin, FormView):
    template_name = "registrations/console/reminders_policy_form.html"
    form_class = ReminderPolicyForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in ActivityKind.values:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        policy = ReminderPolicy.objects.filter(kind=self.kwargs["kind"]).first()
        offsets = policy.offsets if policy else reminders.default_offsets(self.kwargs["kind"])
        return {"offsets": offsets}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind_label"] = ActivityKind(self.kwargs["kind"]).label
        return context

    def form_valid(self, form):
        reminders.update_reminder_policy(
            kind=self.kwargs["kind"], offsets=form.cleaned_data["offsets"], by=self.request.user
        )
        messages.success(
            self.request,
            _("Reminders for %(kind)s are saved.")
            % {"kind": ActivityKind(self.kwargs["kind"]).label},
        )
        return HttpResponseRedirect(reverse("activity_console:reminder_policies"))
