"""Every URL of the project, requested by every role, gets the answer DESIGN.md fixes.

The registry (url_registry.py) names each pattern; a pattern missing from it fails the test,
so a new page cannot escape the matrix.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from tests.security.url_registry import REGISTRY, ROLES, SKIPPED_PREFIXES

pytestmark = pytest.mark.django_db

# Tables a request may write without changing what the portal holds: the session of the
# visitor, allauth's rate-limit bookkeeping lives in the cache.
UNTRACKED_TABLES = {"django_session"}


def named_patterns(resolver=None, namespace: str | None = None):
    """Every named URL pattern as ``namespace:name``, walking included URLconfs."""
    resolver = resolver or get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            names += named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def _skipped(name: str) -> bool:
    return any(name.startswith(prefix) for prefix in SKIPPED_PREFIXES)


def project_patterns() -> list[str]:
    return sorted({name for name in named_patterns() if not _skipped(name)})


@pytest.fixture
def clients(scenario):
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if scenario.users[role] is not None:
            client.force_login(scenario.users[role])
        clients[role] = client
    return clients


def _url(name, scenario):
    page = REGISTRY[name]
    url = reverse(name, kwargs=page.kwargs(scenario))
    query = page.query(scenario)
    return f"{url}?{urlencode(query)}" if query else url


def test_every_url_pattern_is_in_the_registry():
    unregistered = [name for name in project_patterns() if name not in REGISTRY]

    assert unregistered == [], (
        "Register these URL names in tests/security/url_registry.py: " + ", ".join(unregistered)
    )


def test_the_registry_names_no_pattern_that_is_gone():
    existing = set(named_patterns())

    gone = sorted(name for name in REGISTRY if name not in existing)

    assert gone == [], ", ".join(gone)


def test_every_role_gets_the_answer_design_fixes(scenario, clients):
    wrong = []
    for name in project_patterns():
        page = REGISTRY.get(name)
        if page is None:
            continue
        url = _url(name, scenario)
        for role in ROLES:
            status = clients[role].get(url).status_code
            if status != page.expected[role]:
                wrong.append(f"{name} {url} as {role}: {status}, expected {page.expected[role]}")

    assert wrong == [], "\n".join(wrong)


def test_anonymous_is_sent_to_sign_in_from_every_protected_page(scenario, clients):
    sign_in = reverse("account_login")
    wrong = []
    for name in project_patterns():
        page = REGISTRY.get(name)
        if page is None or page.expected["anonymous"] != 302 or not page.anonymous_to_sign_in:
            continue
        url = _url(name, scenario)
        response = clients["anonymous"].get(url)
        if not response["Location"].startswith(sign_in):
            wrong.append(f"{name}: {response['Location']}")

    assert wrong == [], "\n".join(wrong)


def test_public_pages_show_no_personal_contact_data(scenario, clients):
    contact = [p.email for p in scenario.people] + [p.phone for p in scenario.people]
    leaks = []
    for name in project_patterns():
        page = REGISTRY.get(name)
        if page is None or page.expected["anonymous"] != 200 or page.shows_holder_address:
            continue
        response = clients["anonymous"].get(_url(name, scenario))
        body = response.content.decode("utf-8", errors="replace")
        leaks += [f"{name}: {value}" for value in contact if value and value in body]

    assert leaks == [], "\n".join(leaks)


def _fingerprint() -> dict[str, int]:
    """Row counts of every table of the project, and the latest change where one is kept."""
    # Table names come from the models' own metadata, quoted by the backend.
    parts = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in UNTRACKED_TABLES:
            continue
        quoted = connection.ops.quote_name(table)
        parts.append(f"SELECT '{table}', COUNT(*) FROM {quoted}")  # noqa: S608
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            changed = "SELECT '{0}.updated_at', COUNT(DISTINCT updated_at) FROM {1}"
            parts.append(changed.format(table, quoted))
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def test_an_empty_post_never_fails_and_changes_nothing_for_those_refused(scenario, clients):
    """Every pattern, posted with an empty body by every role: never a 500; a POST-only
    endpoint refuses the roles its registry entry names; and for a role the page refuses
    (302 to sign-in, 403, 404) the database is unchanged."""
    errors = []
    changes = []
    for name in project_patterns():
        page = REGISTRY.get(name)
        if page is None:
            continue
        url = _url(name, scenario)
        for role in ROLES:
            refused = role in page.refused_posts or (
                page.expected[role] in (302, 403, 404) and page.expected["staff"] != 302
            )
            before = _fingerprint() if refused else None
            if scenario.users[role] is not None:
                # The sign-out page signs a POSTing user out: sign in again every time.
                clients[role].force_login(scenario.users[role])
            status = clients[role].post(url, {}).status_code
            if status >= 500:
                errors.append(f"{name} as {role}: {status}")
            if role in page.refused_posts and status not in (403, 404):
                errors.append(f"{name} as {role}: {status}, expected a refusal (403/404)")
            if refused and _fingerprint() != before:
                changes.append(f"{name} as {role}")

    assert (errors, changes) == ([], []), "\n".join(errors + changes)


def test_public_pages_name_no_one_who_did_not_consent_to_be_listed(scenario, clients):
    unlisted = [person.name for person in scenario.people if not person.listed_publicly]
    named = []
    for name in project_patterns():
        page = REGISTRY.get(name)
        if page is None or page.expected["anonymous"] != 200 or page.shows_token_holder:
            continue
        body = clients["anonymous"].get(_url(name, scenario)).content.decode(errors="replace")
        named += [f"{name}: {person}" for person in unlisted if person in body]

    assert len(unlisted) == 4
    assert named == [], "\n".join(named)
