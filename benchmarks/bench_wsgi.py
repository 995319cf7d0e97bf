"""The portal's WSGI application with one more view, for ``benchmarks/pages.py`` only.

``/__bench__/ping`` answers "ok" through the same server, workers and middleware as every
page, without touching the database or a template: the ceiling of the stack on this machine,
against which the pages are compared. It is never mounted by the portal itself:

    gunicorn --config gunicorn.conf.py benchmarks.bench_wsgi:application
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings.production")

import django  # noqa: E402

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

from roadmap_portal import urls  # noqa: E402

PING_PATH = "__bench__/ping"


def ping(request):
    return HttpResponse("ok", content_type="text/plain")


# Before the first request builds the URL resolver, so the pattern is part of it.
urls.urlpatterns.append(path(PING_PATH, ping))

application = get_wsgi_application()
