"""Work every worker's first request would do, done once before gunicorn forks its workers.

With ``preload_app`` the master imports the portal and each worker is a fork of it. A fork
inherits what the master has built, so the master builds what is otherwise built lazily, per
worker, on its first requests: the URL resolver (per language), the translation catalogues
and the compiled templates of the project's ``templates/`` folder. A worker replaced after
``max_requests`` then answers its first request as fast as its hundredth. Nothing here opens
a database or Redis connection: a connection must never be shared by forks.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt", ".ics", ".xml")


def project_template_names() -> list[str]:
    """Every template under the ``DIRS`` of the template engines, as names to load."""
    names = []
    for engine in settings.TEMPLATES:
        for folder in map(Path, engine.get("DIRS", [])):
            names.extend(
                path.relative_to(folder).as_posix()
                for path in sorted(folder.rglob("*"))
                if path.is_file() and path.suffix in TEMPLATE_SUFFIXES
            )
    return names


def warm_up() -> dict[str, int]:
    """Build the resolver, catalogues and templates; returns what was built, for the log."""
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Language")  # loads the catalogues of ``code``
            reverse("roadmap:home")  # builds the resolver's reverse map for ``code``
    engine = engines["django"]
    names = project_template_names()
    for name in names:
        engine.get_template(name)
    built = {
        "languages": len(settings.LANGUAGES),
        "url_patterns": len(resolver.url_patterns),
        "templates": len(names),
    }
    logger.info("warmed up before forking: %s", built)
    return built
