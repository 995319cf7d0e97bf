"""Privacy pages: /me/privacy/ (what the portal holds about me, and its download) and
/manage/privacy/ (staff forget a person who asks to be forgotten)."""

import json

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from .privacy import anonymise_person, export_user_data
from .roles import CONSOLE_PERMISSION


class MyDataView(LoginRequiredMixin, TemplateView):
    """/me/privacy/: everything the portal holds about the signed-in user."""

    template_name = "me/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["data"] = export_user_data(user=self.request.user)
        return context


class MyDataDownloadView(LoginRequiredMixin, View):
    """/me/privacy/download/: the same, as a JSON file."""

    def get(self, request):
        data = export_user_data(user=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that this person asked to be forgotten; this cannot be undone."),
    )


class AnonymisePersonView(PermissionRequiredMixin, FormView):
    """GET shows what will happen; POST with the confirmation anonymises the person."""

    permission_required = CONSOLE_PERMISSION
    form_class = AnonymiseForm
    template_name = "me/privacy_anonymise.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        Person = apps.get_model("taskforce", "Person")
        self.person = get_object_or_404(Person.objects.select_related("user"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.person
        context["registrations"] = self.person.registrations.count()
        return context

    def form_valid(self, form):
        anonymise_person(person=self.person, by=self.request.user)
        messages.success(self.request, _("The person is anonymised."))
        return HttpResponseRedirect(reverse("privacy:person", kwargs={"pk": self.person.pk}))
