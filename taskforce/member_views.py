"""Member pages that write to the registry.

Under /me/ (mounted in the platform's "me" namespace): asking to join an organisation,
proposing a new one, and deciding requests. Under /taskforce/<slug>/manage/: what a focal
point (or staff) keeps of an organisation. Anonymous visitors are sent to sign in; a user
without the right gets 403; another organisation's object answers 404.
"""

import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from roadmap_portal.accounts import membership

from . import services
from .member_forms import (
    AddPersonForm,
    AffiliationRequestForm,
    DeclineRequestForm,
    LastFocalPointForm,
    OrganisationProfileForm,
    OrganisationSearchForm,
    PersonForm,
    ProposeOrganisationForm,
)
from .models import Affiliation, AffiliationRequest, Organisation

# How many organisations a search on /me/join/ lists.
SEARCH_RESULTS = 25


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def safe_next(request, default: str) -> str:
    """Where to go back to after a POST: a local ``next`` if given, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# /me/: joining ------------------------------------------------------------------------------


class JoinView(LoginRequiredMixin, TemplateView):
    """/me/join/: find an approved organisation to ask to join, or propose a new one."""

    template_name = "me/join.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = OrganisationSearchForm(self.request.GET or None)
        query = form.cleaned_data["q"].strip() if form.is_valid() else ""
        results = []
        if query:
            rows = (
                Organisation.objects.approved()
                .search(query)
                .select_related("country")
                .order_by("name", "id")[: SEARCH_RESULTS + 1]
            )
            results = list(rows)
        member_of = {organisation.pk for organisation in membership.member_organisations(user)}
        pending = set(
            user.affiliation_requests.pending()
            .exclude(organisation=None)
            .values_list("organisation_id", flat=True)
        )
        context["form"] = form
        context["query"] = query
        context["results"] = [
            (organisation, organisation.pk in member_of, organisation.pk in pending)
            for organisation in results[:SEARCH_RESULTS]
        ]
        context["more_results"] = len(results) > SEARCH_RESULTS
        return context


class RequestToJoinView(LoginRequiredMixin, FormView):
    """/me/join/<slug>/: ask to join one approved organisation."""

    template_name = "me/join_organisation.html"
    form_class = AffiliationRequestForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organisation = get_object_or_404(
                Organisation.objects.approved().select_related("country"), slug=kwargs["slug"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["organisation"] = self.organisation
        context["already_member"] = membership.is_member_of(user, self.organisation)
        context["pending_request"] = (
            user.affiliation_requests.pending().filter(organisation=self.organisation).first()
        )
        return context

    def form_valid(self, form):
        try:
            services.request_affiliation(
                user=self.request.user,
                organisation=self.organisation,
                position=form.cleaned_data["position"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your request to join %(organisation)s is sent. You will hear by e-mail.")
            % {"organisation": self.organisation},
        )
        return HttpResponseRedirect(reverse("me:home"))


class ProposeOrganisationView(LoginRequiredMixin, FormView):
    """/me/propose/: propose an organisation the directory does not have yet."""

    template_name = "me/propose_organisation.html"
    form_class = ProposeOrganisationForm

    def get_initial(self):
        return {"name": self.request.GET.get("name", "")[:200]}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.propose_organisation(
                user=self.request.user,
                name=data["name"],
                acronym=data["acronym"],
                kind=data["kind"],
                country=data["country"],
                website=data["website"],
                position=data["position"],
                message=data["message"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your proposal of %(name)s is sent to the secretariat. You will hear by e-mail.")
            % {"name": data["name"]},
        )
        return HttpResponseRedirect(reverse("me:home"))


class WithdrawRequestView(LoginRequiredMixin, View):
    """POST /me/requests/<pk>/withdraw/: take back one's own pending request."""

    http_method_names = ["post"]

    def post(self, request, pk):
        affiliation_request = get_object_or_404(request.user.affiliation_requests.all(), pk=pk)
        try:
            services.withdraw_affiliation_request(
                affiliation_request=affiliation_request, by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your request is withdrawn."))
        return HttpResponseRedirect(reverse("me:home"))


# /me/requests/: deciding --------------------------------------------------------------------


class DeciderMixin(LoginRequiredMixin):
    """Focal points (for their organisations) and staff (for all, proposals included)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not membership.may_decide_affiliation_requests(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_affiliation_request(self):
        return get_object_or_404(
            membership.affiliation_requests_within_reach(self.request.user), pk=self.kwargs["pk"]
        )


class RequestListView(DeciderMixin, ListView):
    """/me/requests/: the pending requests the user may decide."""

    template_name = "me/requests.html"
    context_object_name = "requests"

    def get_queryset(self):
        return membership.affiliation_requests_within_reach(self.request.user).filter(
            status="pending"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decline_form"] = DeclineRequestForm()
        return context


class ApproveRequestView(DeciderMixin, View):
    """POST /me/requests/<pk>/approve/."""

    http_method_names = ["post"]

    def post(self, request, pk):
        affiliation_request = self.get_affiliation_request()
        try:
            services.approve_affiliation_request(
                affiliation_request=affiliation_request, by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(user)s now belongs to %(organisation)s.")
                % {
                    "user": affiliation_request.user.get_full_name(),
                    "organisation": affiliation_request.organisation_name,
                },
            )
        return HttpResponseRedirect(safe_next(request, reverse("me:requests")))


class DeclineRequestView(DeciderMixin, FormView):
    """/me/requests/<pk>/decline/: a reason, then the request is declined."""

    template_name = "me/request_decline.html"
    form_class = DeclineRequestForm

    def get(self, request, *args, **kwargs):
        self.affiliation_request = self.get_affiliation_request()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.affiliation_request = self.get_affiliation_request()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["affiliation_request"] = self.affiliation_request
        context["next"] = safe_next(self.request, "")
        return context

    def form_valid(self, form):
        try:
            services.decline_affiliation_request(
                affiliation_request=self.affiliation_request,
                by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "not_pending":
                messages.error(self.request, " ".join(error.messages))
                return HttpResponseRedirect(safe_next(self.request, reverse("me:requests")))
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The request of %(user)s is declined; they are told by e-mail.")
            % {"user": self.affiliation_request.user.get_full_name()},
        )
        return HttpResponseRedirect(safe_next(self.request, reverse("me:requests")))


# /taskforce/<slug>/manage/: what a focal point keeps -----------------------------------------


class ManageOrganisationMixin(LoginRequiredMixin):
    """The organisation's focal points and staff; 403 for others, 404 for a focal point of
    another organisation (so the address tells nothing)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = self.get_organisation()
        self.get_objects()
        return super().dispatch(request, *args, **kwargs)

    def get_objects(self) -> None:
        """Look up what the page is about, within ``self.organisation``."""

    def get_organisation(self):
        user = self.request.user
        organisation = (
            Organisation.objects.approved()
            .select_related("country")
            .filter(slug=self.kwargs["slug"])
            .first()
        )
        if membership.is_staff(user):
            if organisation is None:
                raise Http404
            return organisation
        own = {o.pk for o in membership.focal_point_organisations(user)}
        if not own:
            raise PermissionDenied
        if organisation is None or organisation.pk not in own:
            raise Http404
        return organisation

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        return context

    def people_url(self):
        return reverse("taskforce:manage_people", kwargs={"slug": self.organisation.slug})


class AffiliationMixin(ManageOrganisationMixin):
    """A page about one current affiliation of the organisation (404 for any other)."""

    def get_objects(self) -> None:
        self.affiliation = get_object_or_404(
            Affiliation.objects.active()
            .filter(organisation=self.organisation)
            .select_related("person", "person__user", "organisation"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["affiliation"] = self.affiliation
        return context


class ManageProfileView(ManageOrganisationMixin, FormView):
    """/taskforce/<slug>/manage/: the organisation's public profile."""

    template_name = "taskforce/manage/profile.html"
    form_class = OrganisationProfileForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy, so a rejected change never shows in the page's own header.
        kwargs["instance"] = copy.copy(self.organisation)
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.update_organisation_profile(
                organisation=self.organisation,
                by=self.request.user,
                name=data["name"],
                acronym=data["acronym"],
                kind=data["kind"],
                country=data["country"],
                website=data["website"],
                description=data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The organisation's profile is saved."))
        return HttpResponseRedirect(
            reverse("taskforce:manage_profile", kwargs={"slug": self.organisation.slug})
        )


class ManagePeopleView(ManageOrganisationMixin, ListView):
    """/taskforce/<slug>/manage/people/: current people, with contact data shown only here."""

    template_name = "taskforce/manage/people.html"
    context_object_name = "affiliations"
    paginate_by = 50

    def get_queryset(self):
        return (
            Affiliation.objects.active()
            .filter(organisation=self.organisation)
            .select_related("person", "person__user")
            .order_by("person__name", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["focal_point_count"] = (
            Affiliation.objects.active()
            .filter(organisation=self.organisation, is_focal_point=True)
            .count()
        )
        return context


class AddPersonView(ManageOrganisationMixin, FormView):
    """/taskforce/<slug>/manage/people/add/."""

    template_name = "taskforce/manage/person_form.html"
    form_class = AddPersonForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            affiliation = services.add_person_to_organisation(
                organisation=self.organisation,
                by=self.request.user,
                name=data["name"],
                position=data["position"],
                honorific=data["honorific"],
                name_latin=data["name_latin"],
                gender=data["gender"],
                gender_description=data["gender_description"],
                email=data["email"],
                phone=data["phone"],
                listed_publicly=data["listed_publicly"],
                started=data["started"],
                is_focal_point=data["is_focal_point"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(person)s is listed in %(organisation)s.")
            % {"person": affiliation.person.full_name, "organisation": self.organisation},
        )
        return HttpResponseRedirect(self.people_url())


class EditPersonView(AffiliationMixin, FormView):
    """/taskforce/<slug>/manage/people/<pk>/edit/ (pk: the affiliation)."""

    template_name = "taskforce/manage/person_form.html"
    form_class = PersonForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = copy.copy(self.affiliation.person)
        return kwargs

    def get_initial(self):
        return {"position": self.affiliation.position}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            person = services.update_person(
                affiliation=self.affiliation,
                by=self.request.user,
                name=data["name"],
                position=data["position"],
                honorific=data["honorific"],
                name_latin=data["name_latin"],
                gender=data["gender"],
                gender_description=data["gender_description"],
                email=data["email"],
                phone=data["phone"],
                listed_publicly=data["listed_publicly"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(person)s is saved.") % {"person": person.full_name})
        return HttpResponseRedirect(self.people_url())


class LastFocalPointFormMixin:
    """A change that may leave the organisation without a focal point: confirm it first."""

    form_class = LastFocalPointForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["is_last"] = services.is_last_focal_point(self.affiliation)
        return kwargs

    def form_valid(self, form):
        try:
            self.change(confirm=form.cleaned_data.get("confirm_last_focal_point", False))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message())
        return HttpResponseRedirect(self.people_url())


class EndAffiliationView(AffiliationMixin, LastFocalPointFormMixin, FormView):
    """/taskforce/<slug>/manage/people/<pk>/end/: the person leaves the organisation today."""

    template_name = "taskforce/manage/affiliation_end.html"

    def change(self, *, confirm):
        services.end_affiliation(
            affiliation=self.affiliation, by=self.request.user, confirm_last_focal_point=confirm
        )

    def success_message(self):
        return _("%(person)s is no longer listed in %(organisation)s.") % {
            "person": self.affiliation.person.full_name,
            "organisation": self.organisation,
        }


class UnsetFocalPointView(AffiliationMixin, LastFocalPointFormMixin, FormView):
    """/taskforce/<slug>/manage/people/<pk>/focal-point/remove/."""

    template_name = "taskforce/manage/focal_point_unset.html"

    def change(self, *, confirm):
        services.unset_focal_point(
            affiliation=self.affiliation, by=self.request.user, confirm_last_focal_point=confirm
        )

    def success_message(self):
        return _("%(person)s is no longer a focal point.") % {
            "person": self.affiliation.person.full_name
        }


class SetFocalPointView(AffiliationMixin, View):
    """POST /taskforce/<slug>/manage/people/<pk>/focal-point/."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.set_focal_point(affiliation=self.affiliation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(person)s is now a focal point of %(organisation)s.")
                % {"person": self.affiliation.person.full_name, "organisation": self.organisation},
            )
        return HttpResponseRedirect(self.people_url())


class ManageRequestsView(ManageOrganisationMixin, ListView):
    """/taskforce/<slug>/manage/requests/: requests to join, with approve and decline."""

    template_name = "taskforce/manage/requests.html"
    context_object_name = "requests"

    def get_queryset(self):
        return (
            AffiliationRequest.objects.pending()
            .filter(organisation=self.organisation)
            .select_related("user", "organisation")
            .order_by("created_at", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decline_form"] = DeclineRequestForm()
        context["next"] = self.request.path
        return context
