"""The master of gunicorn builds what its forks share, and opens no connection doing it."""

import gc
import importlib.util
from pathlib import Path

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext

from roadmap_portal.core.warmup import project_template_names, warm_up

ROOT = Path(__file__).resolve().parents[2]


def gunicorn_config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cached_names() -> set[str]:
    (loader,) = engines["django"].engine.template_loaders
    return {key.split("-")[0] for key in loader.get_template_cache}


def test_every_project_template_is_found():
    names = project_template_names()
    assert "base.html" in names
    assert "registrations/emails/confirmed_subject.txt" in names
    assert len(names) == len(set(names))


@pytest.mark.django_db
def test_warm_up_compiles_every_template_without_a_query():
    (loader,) = engines["django"].engine.template_loaders
    loader.reset()
    assert cached_names() == set()
    with CaptureQueriesContext(connection) as queries:
        built = warm_up()
    assert queries.captured_queries == []
    assert built["templates"] == len(project_template_names())
    assert set(project_template_names()) <= cached_names()


def test_gunicorn_preloads_warms_up_and_freezes_before_forking(monkeypatch):
    config = gunicorn_config()
    assert config.preload_app is True
    called = []
    monkeypatch.setattr("roadmap_portal.core.warmup.warm_up", lambda: called.append("warm"))
    config.when_ready(server=None)
    assert called == ["warm"]
    try:
        config.pre_fork(server=None, worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
