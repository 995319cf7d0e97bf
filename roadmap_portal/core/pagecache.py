"""Public pages served from the cache to anonymous visitors until the data under them changes.

A public page (the home page, the directory, a dialogue, the webinar list ...) looks the same
to every visitor who is not signed in, so its rendered HTML can be reused. Two things keep a
reused page true:

* **A data version.** Every ``INSERT``, ``UPDATE``, ``DELETE`` or ``TRUNCATE`` that reaches a
  table of the apps in ``PUBLIC_PAGE_CACHE_APPS`` (through the ORM, bulk or not, or raw SQL
  on the same connection) gives the public data a new version once its transaction commits.
  The version is part of every cached page's key, so the next visitor after a change gets a
  fresh page. A connection that has written and not yet committed renders its pages afresh
  and does not store them: it reads its own writes, and nobody else sees them early.
  Historical rows and the models in ``PUBLIC_PAGE_CACHE_IGNORED_MODELS`` (written often,
  never shown publicly) do not count as changes.
* **A short life.** ``PUBLIC_PAGE_CACHE_TTL`` seconds bound what time alone changes (a
  registration window closing, an activity taking place) and what a version write lost while
  Redis was unreachable can leave behind. ``0`` turns the cache off.

The cache must be shared by every process that writes or serves pages, so the default TTL is
0 without ``REDIS_URL``: separate per-process memory caches would each miss the others'
versions. A page is reused only for a ``GET`` or ``HEAD`` by a visitor who is not signed in and
has no message waiting; the CSRF token of a cached form (the language switcher) is replaced
with the visitor's own on every response.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import uuid
import zlib

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
PAGE_KEY_PREFIX = "pagecache:page:"
FIGURE_KEY_PREFIX = "pagecache:figure:"

_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)', re.IGNORECASE)
_TRUNCATE = re.compile(r"\s*TRUNCATE\b", re.IGNORECASE)
_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = "__pagecache_csrf_token__"
# The connection attribute that says "this connection has written public data, uncommitted".
_DIRTY = "_pagecache_dirty"


# What counts as a change ---------------------------------------------------------------------


@functools.cache
def watched_tables() -> frozenset[str]:
    """The tables whose writes change what public pages show."""
    ignored = {label.lower() for label in settings.PUBLIC_PAGE_CACHE_IGNORED_MODELS}
    tables = set()
    for app_label in settings.PUBLIC_PAGE_CACHE_APPS:
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            if hasattr(model, "instance_type"):  # django-simple-history's historical rows
                continue
            if model._meta.label_lower in ignored:
                continue
            tables.add(model._meta.db_table)
    return frozenset(tables)


def writes_public_data(sql) -> bool:
    """Whether ``sql`` writes a watched table (a ``TRUNCATE`` always counts)."""
    if not isinstance(sql, str):
        return False
    match = _WRITE.match(sql)
    if match is not None:
        return match.group(1) in watched_tables()
    return _TRUNCATE.match(sql) is not None


def new_version() -> None:
    """Give the public data a new version: every cached page is stale from now on."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def current_version() -> str:
    """The public data's version, created when the cache has none (empty, or restarted)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version or ""


def _committed(connection) -> None:
    if getattr(connection, _DIRTY, False):
        setattr(connection, _DIRTY, False)
        new_version()


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if writes_public_data(sql):
        connection = context["connection"]
        if connection.in_atomic_block:
            setattr(connection, _DIRTY, True)
            connection.on_commit(functools.partial(_committed, connection))
        else:
            new_version()
    return result


def _install_on(connection, **kwargs) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def install() -> None:
    """Watch the writes of every database connection (from the core app's ``ready``)."""
    connection_created.connect(_install_on, dispatch_uid="pagecache-watch-writes")
    for connection in connections.all(initialized_only=True):
        _install_on(connection)


def has_uncommitted_writes() -> bool:
    """True while a connection of this thread is in a transaction that has written public
    data: what it renders or counts now must not be kept."""
    return any(
        connection.in_atomic_block and getattr(connection, _DIRTY, False)
        for connection in connections.all(initialized_only=True)
    )


def forget_uncommitted_writes() -> None:
    """Clear the mark of every connection (a test's rolled-back transaction leaves it behind)."""
    for connection in connections.all(initialized_only=True):
        setattr(connection, _DIRTY, False)


def keeps_figures() -> bool:
    """Whether ``while_unchanged`` keeps what it computes now (no uncommitted write here)."""
    return bool(settings.PUBLIC_PAGE_CACHE_TTL) and not has_uncommitted_writes()


def while_unchanged(parts, compute):
    """``compute()``, kept under the public data's version: exact until the next change.

    For a figure that reads public data only (a console list's count): it is computed again
    after any committed write to the public apps' tables, and a connection with uncommitted
    writes computes it afresh without keeping it. ``parts`` name the figure (strings).
    """
    if not keeps_figures():
        return compute()
    raw = "\n".join((current_version(), *map(str, parts)))
    key = FIGURE_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PUBLIC_PAGE_CACHE_TTL)
    return value


# Serving pages -------------------------------------------------------------------------------


def _reusable_request(request) -> bool:
    """A GET or HEAD by a visitor not signed in, with no message waiting to be shown."""
    if request.method not in ("GET", "HEAD"):
        return False
    if CookieStorage.cookie_name in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # Only a visitor with a session can be signed in or have messages kept in it.
        if request.user.is_authenticated:
            return False
        storage = getattr(request, "_messages", None)
        if storage is not None and len(storage):
            return False
    return not has_uncommitted_writes()


def page_key(request) -> str:
    """The cache key of ``request``'s page: its path and query, language and data version."""
    raw = "\n".join((current_version(), get_language() or "", request.get_full_path()))
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _stored(response) -> dict:
    """What the cache keeps of a page: compressed (a fifth of the size), CSRF token taken out.

    Any query string makes a page of its own, so what the cache holds grows with what
    visitors ask for until the TTL ends it: Redis should evict what has a TTL first
    (``maxmemory-policy volatile-lru``, docker-compose.yml).
    """
    content = _CSRF_VALUE.sub(
        rf"\g<1>{_CSRF_PLACEHOLDER}\g<2>", response.content.decode(response.charset)
    )
    return {
        "content": zlib.compress(content.encode(), 1),
        "content_type": response["Content-Type"],
    }


def _served(request, stored: dict) -> HttpResponse:
    content = zlib.decompress(stored["content"]).decode()
    if _CSRF_PLACEHOLDER in content:
        content = content.replace(_CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(content, content_type=stored["content_type"])
    response["X-Page-Cache"] = "hit"
    return response


def public_page(view):
    """Serve ``view``'s page to anonymous visitors from the cache while the data is unchanged.

    Wrap the view in the URLconf or with ``method_decorator`` on ``dispatch``. Only a 200
    response is stored, after it is rendered.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        ttl = settings.PUBLIC_PAGE_CACHE_TTL
        if not ttl or not _reusable_request(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        stored = cache.get(key)
        if stored is not None:
            return _served(request, stored)
        response = view(request, *args, **kwargs)

        def store(rendered):
            # A message the view queued for this visitor is theirs alone, never the page's.
            queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
            if rendered.status_code == 200 and not rendered.streaming and not queued:
                cache.set(key, _stored(rendered), ttl)

        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(store)
        else:
            store(response)
        return response

    return wrapped
