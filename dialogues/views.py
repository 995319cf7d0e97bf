from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, TemplateView

from roadmap_portal.core.pagecache import public_page

from . import selectors
from .models import Convening

PARTICIPANTS_PER_PAGE = 100


@method_decorator(public_page, name="dispatch")
class ConveningListView(TemplateView):
    template_name = "dialogues/convening_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = selectors.convenings_by_year()
        context["rotation"] = selectors.rotation()
        return context


@method_decorator(public_page, name="dispatch")
class ConveningDetailView(DetailView):
    template_name = "dialogues/convening_detail.html"
    context_object_name = "convening"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Convening.objects.with_activity().prefetch_related(
                "organised_by", "report_prepared_by", "strategic_actions"
            ),
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        convening = self.object
        context["activity"] = convening.activity
        context["sessions"] = selectors.agenda(convening)
        counts = selectors.participant_counts(convening)
        # A dialogue can have thousands of participants: the table shows them a page at a
        # time. The count is known from the aggregate above, so the paginator needs no COUNT.
        paginator = Paginator(selectors.participants(convening, public=True), PARTICIPANTS_PER_PAGE)
        paginator.count = counts["listed"]
        page = paginator.get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["participants"] = page.object_list
        context["participant_total"] = counts["total"]
        context["participants_not_listed"] = counts["total"] - counts["listed"]
        return context
