import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from roadmap_portal.core import plugins
from roadmap_portal.core.cache import cached_home_figures
from roadmap_portal.core.pagecache import public_page

logger = logging.getLogger(__name__)


@method_decorator(public_page, name="dispatch")
class HomeView(TemplateView):
    template_name = "roadmap/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cards"] = cached_home_figures(plugins.home_cards)
        context["sections"] = [(section, section.context()) for section in plugins.home_sections]
        return context


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        logger.warning("healthz: database down: %s", error)
        return "down"
    return "ok"


def _check_redis() -> str:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as error:  # noqa: BLE001
        logger.warning("healthz: redis down: %s", error)
        return "down"
    return "ok"


@never_cache
def healthz(request):
    """JSON: the database and, when configured, Redis; 503 when one is down."""
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis()
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks}, status=200 if healthy else 503
    )
