"""The signed-in user's own pages under /me/: what they belong to, registered and asked."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from roadmap_portal.registrations import reminders
from roadmap_portal.registrations.reminder_forms import MailPreferencesForm

from . import calendar, membership
from .forms import SettingsForm
from .models import User
from .services import update_user_settings

# How many registrations each list on /me/ shows, the most recent first.
REGISTRATIONS_SHOWN = 50
# How many of the focal point's people /me/ lists before pointing at the people pages.
PEOPLE_SHOWN = 50
# How many requests awaiting a decision /me/ lists before pointing at the requests page.
REQUESTS_SHOWN = 20


def _first(rows, limit):
    """The first ``limit`` rows and whether there were more, in one query."""
    rows = list(rows[: limit + 1])
    return rows[:limit], len(rows) > limit


class MeView(LoginRequiredMixin, TemplateView):
    """/me/: my organisations, my people, my registrations and those I made, my requests."""

    template_name = "me/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person = membership.person_of(user)
        affiliations = list(membership.active_affiliations(user) or [])
        focal_point_organisations = [a.organisation for a in affiliations if a.is_focal_point]
        context["person"] = person
        context["affiliations"] = affiliations
        context["is_focal_point"] = bool(focal_point_organisations)
        # A large organisation's people are kept on its own paginated page; /me/ shows the
        # first of them, so the page stays light whatever the size of the organisation.
        context["people"], context["more_people"] = (
            _first(membership.people_of(focal_point_organisations), PEOPLE_SHOWN)
            if focal_point_organisations
            else ([], False)
        )
        if person is not None:
            context["registrations"], context["more_registrations"] = _first(
                person.registrations.select_related("activity", "organisation").order_by(
                    "-activity__starts_at", "-requested_at", "-id"
                ),
                REGISTRATIONS_SHOWN,
            )
        made = user.registrations_made.select_related("activity", "person", "organisation")
        if person is not None:
            made = made.exclude(person=person)
        context["registrations_made"], context["more_registrations_made"] = _first(
            made.order_by("-activity__starts_at", "-requested_at", "-id"), REGISTRATIONS_SHOWN
        )
        context["pending_requests"] = list(
            user.affiliation_requests.pending().select_related(
                "organisation", "proposed_organisation"
            )
        )
        staff = membership.is_staff(user)
        if staff or focal_point_organisations:
            context["requests_to_decide"], context["more_requests_to_decide"] = _first(
                membership.affiliation_requests_within_reach(
                    user, focal_point_organisations_known=focal_point_organisations
                ).filter(status="pending"),
                REQUESTS_SHOWN,
            )
        context["is_staff"] = staff
        return context


class SettingsView(LoginRequiredMixin, FormView):
    """/me/settings/: full name and time zone."""

    template_name = "me/settings.html"
    form_class = SettingsForm
    success_url = reverse_lazy("me:home")

    def get_initial(self):
        user = self.request.user
        return {"full_name": user.full_name, "time_zone": user.time_zone}

    def form_valid(self, form):
        update_user_settings(
            user=self.request.user,
            full_name=form.cleaned_data["full_name"],
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(self.request, _("Your settings are saved."))
        return super().form_valid(form)


class MailPreferencesView(LoginRequiredMixin, FormView):
    """/me/mail/: which reminders and nudges keep coming, for every address of the user.

    Confirmations and decisions about registrations are not listed: they always go.
    """

    template_name = "me/mail_preferences.html"
    form_class = MailPreferencesForm
    success_url = reverse_lazy("me:mail_preferences")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["topics"] = reminders.topics()
        return kwargs

    def get_initial(self):
        off = reminders.unsubscribed_topics(reminders.addresses_of_user(self.request.user))
        return {topic: topic not in off for topic, _label in reminders.topics()}

    def form_valid(self, form):
        reminders.set_mail_preferences(
            emails=reminders.addresses_of_user(self.request.user),
            subscribed={topic: form.cleaned_data[topic] for topic, _label in reminders.topics()},
        )
        messages.success(self.request, _("Your mail preferences are saved."))
        return super().form_valid(form)


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(TemplateView):
    """/me/unsubscribe/<token>/: one-click unsubscribe from one topic, no sign-in needed.

    GET shows a confirmation with a button; POST unsubscribes, from that button or from a
    mail client following ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058),
    which sends no CSRF token: the signed token is the proof, so CSRF is off for this view.
    """

    template_name = "me/unsubscribe.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.subject = reminders.read_unsubscribe_token(kwargs["token"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.subject is not None:
            email, topic = self.subject
            context["email"] = email
            context["topic_label"] = dict(reminders.topics())[topic]
        context["invalid"] = self.subject is None
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.subject is None:
            response.status_code = 400
        return response

    def post(self, request, *args, **kwargs):
        if self.subject is None:
            return self.render_to_response(self.get_context_data(), status=400)
        email, topic = self.subject
        reminders.unsubscribe(email=email, topic=topic)
        return self.render_to_response(self.get_context_data(done=True))


class CalendarSettingsView(LoginRequiredMixin, TemplateView):
    """Where a user finds, renews or revokes the address of their personal calendar feed."""

    template_name = "me/calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = self.request.user.calendar_token
        context["feed_url"] = (
            self.request.build_absolute_uri(reverse("me:calendar_feed", args=[token]))
            if token
            else ""
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "revoke":
            calendar.revoke_calendar_token(user=request.user)
            messages.success(request, _("The calendar address no longer works."))
        else:
            calendar.renew_calendar_token(user=request.user)
            messages.success(
                request, _("Your calendar has a new address; any old address stops working.")
            )
        return redirect("me:calendar")


def calendar_feed(request, token):
    """The personal feed, found by its secret token; no sign-in (calendar apps fetch it)."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    response = HttpResponse(
        calendar.personal_calendar(user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response
