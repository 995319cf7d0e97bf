from django.conf import settings

from . import plugins


def site(request):
    """The site's name and the header links every page shows."""
    return {"site_name": settings.SITE_NAME, "nav_entries": plugins.nav_entries}
