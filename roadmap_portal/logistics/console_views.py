"""The secretariat's logistics pages for one activity, under /manage/logistics/."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from roadmap_portal.core.console.exports import _csv_text
from roadmap_portal.core.console.mixins import ConsoleAccessMixin
from roadmap_portal.core.mail import render_mail
from roadmap_portal.registrations.models import Activity

from . import badges, selectors, services
from .forms import ChangeNoticeForm, MessageForm, QuestionForm, SupportDecisionForm
from .models import ActivityMessage, RegistrationQuestion, SupportRequest
from .services import LogisticsError


class LogisticsActivityMixin(ConsoleAccessMixin):
    """Staff only; the activity of the URL is looked up once the permission is checked."""

    tab = ""

    @cached_property
    def activity(self) -> Activity:
        return get_object_or_404(
            Activity.objects.with_kind_objects().select_related("country"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activity"] = self.activity
        context["tab"] = self.tab
        return context

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"logistics_console:{name}", kwargs={"pk": self.activity.pk, **kwargs})


# --- messages ---------------------------------------------------------------------------------


class MessagesView(LogisticsActivityMixin, FormView):
    """Write, preview and send a message; below, the messages sent and who received them."""

    template_name = "logistics/console/messages.html"
    form_class = MessageForm
    tab = "messages"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "activity": self.activity}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sent"] = (
            ActivityMessage.objects.filter(activity=self.activity)
            .select_related("sent_by")
            .prefetch_related("deliveries__registration__person", "deliveries__outbox_message")
        )
        context["changes"] = selectors.describe_changes(self.activity)
        context["change_form"] = ChangeNoticeForm(
            initial={"changes": "\n".join(context["changes"])}
        )
        return context

    def form_valid(self, form):
        audience = form.audience()
        if "send" not in self.request.POST:
            recipients = list(selectors.message_recipients(self.activity, audience))
            preview = None
            if recipients:
                draft = ActivityMessage(
                    activity=self.activity,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
                subject, text, _html = render_mail(
                    "logistics/emails/message",
                    {
                        "message": draft,
                        "activity": self.activity,
                        "registration": recipients[0],
                        "person": recipients[0].person,
                        "page_url": "",
                    },
                )
                preview = {"subject": subject, "text": text}
            return self.render_to_response(
                self.get_context_data(
                    form=form, recipients=recipients, preview=preview, previewing=True
                )
            )
        try:
            message = services.send_activity_message(
                activity=self.activity,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                audience=audience,
                by=self.request.user,
            )
        except LogisticsError as error:
            messages.error(self.request, error.message)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            self.request,
            _("Message sent to %(count)s registrations.") % {"count": message.deliveries.count()},
        )
        return HttpResponseRedirect(self.url("messages"))


class ChangeNoticeView(LogisticsActivityMixin, FormView):
    form_class = ChangeNoticeForm
    template_name = "logistics/console/messages.html"
    http_method_names = ["post"]

    def form_invalid(self, form):
        messages.error(self.request, _("Spell out at least one change."))
        return HttpResponseRedirect(self.url("messages"))

    def form_valid(self, form):
        try:
            message = services.notify_change(
                activity=self.activity, changes=form.change_lines(), by=self.request.user
            )
        except LogisticsError as error:
            messages.error(self.request, error.message)
        else:
            messages.success(
                self.request,
                _("Change notice sent to %(count)s registrations.")
                % {"count": message.deliveries.count()},
            )
        return HttpResponseRedirect(self.url("messages"))


# --- registration questions -------------------------------------------------------------------


class QuestionsView(LogisticsActivityMixin, FormView):
    template_name = "logistics/console/questions.html"
    form_class = QuestionForm
    tab = "questions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["questions"] = selectors.questions_of(self.activity)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.add_question(
                activity=self.activity,
                kind=data["kind"],
                label=data["label"],
                required=data["required"],
                choices=data["choices"].splitlines(),
                by=self.request.user,
            )
        except LogisticsError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Question added."))
        return HttpResponseRedirect(self.url("questions"))


class QuestionDeleteView(LogisticsActivityMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        question = get_object_or_404(
            RegistrationQuestion, pk=kwargs["question_pk"], activity=self.activity
        )
        services.remove_question(question=question, by=request.user)
        messages.success(request, _("Question removed, with its answers."))
        return HttpResponseRedirect(self.url("questions"))


class AnswersView(LogisticsActivityMixin, TemplateView):
    template_name = "logistics/console/answers.html"
    tab = "answers"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        questions, registrations = selectors.answers_table(self.activity)
        rows = []
        for registration in registrations:
            answers = selectors.answers_by_question(registration)
            rows.append((registration, [answers.get(q.pk, "") for q in questions]))
        context["questions"] = questions
        context["rows"] = rows
        return context


class AnswersExportView(LogisticsActivityMixin, View):
    """The answers as CSV, streamed: one column per question."""

    def get(self, request, *args, **kwargs):
        questions, registrations = selectors.answers_table(self.activity)
        header = [_("Name"), _("Organisation"), _("Mode"), _("Status")] + [
            q.label for q in questions
        ]

        def lines():
            import csv

            class Echo:
                def write(self, value):
                    return value

            writer = csv.writer(Echo())
            yield "\ufeff" + writer.writerow([str(h) for h in header])
            for registration in registrations.iterator(chunk_size=500):
                answers = selectors.answers_by_question(registration)
                values = [
                    registration.person.full_name,
                    registration.organisation.name if registration.organisation_id else "",
                    registration.get_mode_display(),
                    registration.get_status_display(),
                    *[answers.get(q.pk, "") for q in questions],
                ]
                yield writer.writerow([_csv_text(value) for value in values])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        filename = f"answers-{slugify(self.activity.title)[:60]}-{timezone.localdate()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- check-in ---------------------------------------------------------------------------------


class CheckInView(LogisticsActivityMixin, TemplateView):
    """Search by name or scan a code; a POST checks one person in (without JavaScript too)."""

    template_name = "logistics/console/checkin.html"
    tab = "checkin"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        context["query"] = query
        context["candidates"] = selectors.checkin_candidates(self.activity, query)
        context["counts"] = selectors.attendance_counts(self.activity)
        context["api_url"] = self.url("checkin_api")
        return context

    def post(self, request, *args, **kwargs):
        registration = None
        if request.POST.get("registration"):
            registration = get_object_or_404(
                self.activity.registrations.select_related("person"),
                pk=request.POST.get("registration"),
            )
        try:
            result = services.check_in(
                token=request.POST.get("code", ""),
                registration=registration,
                activity=self.activity,
                by=request.user,
            )
        except LogisticsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, result_sentence(result))
        return HttpResponseRedirect(self.url("checkin"))


def result_sentence(result) -> str:
    at = timezone.localtime(result.check_in.at).strftime("%H:%M")
    if result.already:
        return _("%(person)s: already checked in at %(time)s.") % {
            "person": result.registration.person,
            "time": at,
        }
    return _("%(person)s: checked in at %(time)s.") % {
        "person": result.registration.person,
        "time": at,
    }


class CheckInApiView(LogisticsActivityMixin, View):
    """JSON check-in for the phone page, idempotent by the client's uuid.

    Body: ``{"code": "...", "uuid": "...", "at": "ISO time", "queued": true}``; a queued
    check-in keeps the time it was scanned at (when not in the future).
    """

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"ok": False, "message": _("Invalid request.")}, status=400)
        at = None
        if payload.get("at"):
            try:
                at = min(timezone.datetime.fromisoformat(payload["at"]), timezone.now())
            except (TypeError, ValueError):
                at = None
            if at is not None and timezone.is_naive(at):
                at = None
        try:
            result = services.check_in(
                token=str(payload.get("code", "")),
                activity=self.activity,
                by=request.user,
                client_uuid=payload.get("uuid") or None,
                at=at,
                device_queued=bool(payload.get("queued")),
            )
        except LogisticsError as error:
            return JsonResponse({"ok": False, "message": error.message}, status=422)
        return JsonResponse(
            {
                "ok": True,
                "already": result.already,
                "person": str(result.registration.person),
                "message": result_sentence(result),
            }
        )


class SendCheckinCodesView(LogisticsActivityMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        sent = services.send_checkin_codes(activity=self.activity, by=request.user)
        messages.success(
            request, _("Check-in codes sent to %(count)s participants.") % {"count": sent}
        )
        return HttpResponseRedirect(self.url("checkin"))


# --- support ----------------------------------------------------------------------------------


class SupportListView(LogisticsActivityMixin, TemplateView):
    template_name = "logistics/console/support.html"
    tab = "support"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["support_requests"] = selectors.support_requests_of(self.activity)
        context["totals"] = selectors.support_totals(self.activity)
        context["decision_form"] = SupportDecisionForm()
        return context


class SupportDecideView(LogisticsActivityMixin, FormView):
    form_class = SupportDecisionForm
    http_method_names = ["post"]

    def form_invalid(self, form):
        messages.error(self.request, _("Choose a decision."))
        return HttpResponseRedirect(self.url("support"))

    def form_valid(self, form):
        support_request = get_object_or_404(
            SupportRequest, pk=self.kwargs["request_pk"], registration__activity=self.activity
        )
        try:
            services.decide_support(
                support_request=support_request,
                approve=form.cleaned_data["decision"] == "approve",
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                by=self.request.user,
            )
        except LogisticsError as error:
            messages.error(self.request, error.message)
        else:
            messages.success(self.request, _("Decision recorded."))
        return HttpResponseRedirect(self.url("support"))


# --- badges and feedback ----------------------------------------------------------------------


class BadgesView(LogisticsActivityMixin, TemplateView):
    """Choose whose badges to print (none chosen: every confirmed person); GET ?print=1."""

    template_name = "logistics/console/badges.html"
    tab = "badges"

    def get(self, request, *args, **kwargs):
        if request.GET.get("print"):
            ids = [int(pk) for pk in request.GET.getlist("registration") if pk.isdigit()]
            pdf = badges.render_badges(self.activity, registration_ids=ids or None)
            response = HttpResponse(pdf, content_type="application/pdf")
            filename = f"badges-{slugify(self.activity.title)[:60]}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registrations"] = badges.badge_registrations(self.activity)
        return context


class FeedbackResultsView(LogisticsActivityMixin, TemplateView):
    template_name = "logistics/console/feedback.html"
    tab = "feedback"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = selectors.feedback_results(self.activity)
        context["is_over"] = selectors.is_over(self.activity)
        return context

    def post(self, request, *args, **kwargs):
        invited = services.invite_to_feedback(activity=self.activity, by=request.user)
        messages.success(
            request, _("%(count)s participants invited to give feedback.") % {"count": invited}
        )
        return HttpResponseRedirect(self.url("feedback"))
