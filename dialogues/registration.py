"""Registration for a convening, at its own address: ``/dialogues/<slug>/register/``.

The engine's view does the work; this only finds the activity by the convening's slug.
"""

from django.shortcuts import get_object_or_404

from roadmap_portal.registrations.views import ActivityRegisterView

from .models import Convening


class ConveningRegisterView(ActivityRegisterView):
    def get_activity(self):
        convening = get_object_or_404(
            Convening.objects.select_related("activity"), slug=self.kwargs["slug"]
        )
        return convening.activity
