from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import DetailView
from django_filters.views import FilterView

from roadmap_portal.accounts import membership
from roadmap_portal.core.pagecache import public_page

from . import selectors
from .filters import DirectoryFilter
from .models import Organisation, TaskForceMembership


@method_decorator(public_page, name="dispatch")
class OrganisationListView(FilterView):
    """The public directory of approved organisations."""

    filterset_class = DirectoryFilter
    template_name = "taskforce/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 25

    def get_queryset(self):
        return selectors.directory_organisations()


@method_decorator(public_page, name="dispatch")
class OrganisationDetailView(DetailView):
    template_name = "taskforce/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Organisation.objects.approved().select_related("country"), slug=self.kwargs["slug"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        context["memberships"] = TaskForceMembership.objects.filter(
            organisation=organisation
        ).order_by("-since")
        context["people"] = selectors.public_people_of(organisation)
        context["people_not_listed"] = selectors.people_not_listed_count(organisation)
        user = self.request.user
        if user.is_authenticated:
            context["may_manage"] = membership.may_manage_organisation(user, organisation)
            context["is_member"] = membership.is_member_of(user, organisation)
        return context
