"""Hostile data posted to every form of the project: a form error or a success, never a crash.

Forms are discovered by importing every module of the project and walking the subclasses of
``BaseForm``; a form without an entry in form_strategies.py fails the test.
"""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import escape
from django.utils.module_loading import import_string
from hypothesis import given
from hypothesis import strategies as st

from tests.reports.arrange import NAMES_IN_SCRIPTS
from tests.security.form_strategies import FORMS, strategy_for

pytestmark = pytest.mark.django_db

PROJECT_PACKAGES = ("roadmap_portal", "taskforce", "dialogues", "webinars", "training")
# Modules not imported while looking for forms: settings read the environment on import.
NOT_IMPORTED = ("roadmap_portal.settings", ".migrations", ".management")


def _import_project_modules() -> None:
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if any(part in module.name for part in NOT_IMPORTED):
                continue
            importlib.import_module(module.name)


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def project_forms() -> list[str]:
    _import_project_modules()
    return sorted(
        {
            f"{form.__module__}.{form.__qualname__}"
            for form in _subclasses(forms.BaseForm)
            if form.__module__.split(".")[0] in PROJECT_PACKAGES
        }
    )


class _RolledBack(Exception):
    pass


def test_every_form_of_the_project_has_a_strategy():
    missing = [path for path in project_forms() if path not in FORMS]

    assert missing == [], "Add these forms to tests/security/form_strategies.py: " + ", ".join(
        missing
    )


def test_the_strategies_name_no_form_that_is_gone():
    existing = set(project_forms())

    assert sorted(path for path in FORMS if path not in existing) == []


def _bind(data: dict):
    values, files = MultiValueDict(), MultiValueDict()
    for name, value in data.items():
        if isinstance(value, bytes):
            files[name] = SimpleUploadedFile("upload.csv", value, content_type="text/csv")
        elif isinstance(value, list):
            values.setlist(name, value)
        else:
            values[name] = value
    return values, files


@pytest.mark.parametrize("path", sorted(FORMS))
def test_hostile_data_gives_a_form_error_or_success(path, scenario):
    form_class = import_string(path)
    spec = FORMS[path]
    kwargs = spec.kwargs(scenario)
    fields = form_class(**kwargs).fields
    field_strategies = {
        name: spec.overrides.get(name) or strategy_for(form_field)
        for name, form_field in fields.items()
    }

    @given(data=st.fixed_dictionaries({}, optional=field_strategies))
    def post(data):
        values, files = _bind(data)
        form = form_class(data=values, files=files, **kwargs)
        if not form.is_valid():
            return
        if spec.apply is None and not isinstance(form, forms.BaseModelForm):
            return
        try:
            with transaction.atomic():
                if spec.apply is not None:
                    spec.apply(form, scenario)
                else:
                    form.save()
                raise _RolledBack
        except (_RolledBack, ValidationError):
            pass

    post()


@pytest.mark.parametrize("script", sorted(NAMES_IN_SCRIPTS))
def test_a_name_in_any_script_is_stored_nfc_and_shown_unchanged(script, scenario, client):
    from taskforce.models import Person

    name = NAMES_IN_SCRIPTS[script]
    typed = unicodedata.normalize("NFD", name)  # as some keyboards send it
    client.force_login(scenario.focal_a)

    response = client.post(
        reverse("taskforce:manage_person_add", kwargs={"slug": scenario.org_a.slug}),
        {"name": typed, "gender": "not_recorded", "position": "Officer"},
    )

    stored = Person.objects.get(affiliations__organisation=scenario.org_a, name=name)
    page = client.get(reverse("taskforce:manage_people", kwargs={"slug": scenario.org_a.slug}))
    assert response.status_code == 302
    assert stored.name == unicodedata.normalize("NFC", name)
    assert escape(name) in page.content.decode()


@pytest.mark.parametrize("script", sorted(NAMES_IN_SCRIPTS))
def test_an_organisation_name_in_any_script_is_shown_unchanged(script, scenario, client):
    name = NAMES_IN_SCRIPTS[script]
    client.force_login(scenario.focal_a)
    url = reverse("taskforce:manage_profile", kwargs={"slug": scenario.org_a.slug})
    form = client.get(url).context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data["name"] = unicodedata.normalize("NFD", name)
    data["country"] = scenario.org_a.country_id

    response = client.post(url, data)

    scenario.org_a.refresh_from_db()
    public = client.get(reverse("taskforce:organisation_detail", kwargs={"slug": "alpha"}))
    assert response.status_code == 302
    assert scenario.org_a.name == unicodedata.normalize("NFC", name)
    assert escape(name) in public.content.decode()
