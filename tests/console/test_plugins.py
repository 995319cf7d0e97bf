"""How apps plug into the console: menu sections with their URLs, and dashboard items."""

import pytest
from django.urls import reverse

from roadmap_portal.core import plugins
from roadmap_portal.core.console.mixins import console_menu

pytestmark = pytest.mark.django_db


def test_each_app_plugs_its_section_into_the_menu_in_order(rf, staff):
    request = rf.get(reverse("taskforce_console:person_detail", args=[1]))
    request.user = staff

    menu = console_menu(request)

    assert [section.label for section in menu] == [
        "Console",
        "Activities and registrations",
        "Task Force registry",
        "Policy Dialogues",
        *[
            str(section.label)
            for section in plugins.console_sections
            if section.key not in ("participation", "taskforce", "dialogues") and section.entries
        ],
    ]
    current = [link.label for section in menu for link in section.links if link.current]
    assert current == ["People"]


def test_registering_a_section_or_item_twice_keeps_one(monkeypatch):
    monkeypatch.setattr(plugins, "attention_items", list(plugins.attention_items))
    item = plugins.AttentionItem(key="test_item", label="Test", order=1, count=lambda: 3)

    plugins.register_attention_item(item)
    plugins.register_attention_item(item)

    assert [i.key for i in plugins.attention_items].count("test_item") == 1


def test_the_dashboard_shows_every_plugged_item_with_its_count(monkeypatch, staff_client):
    monkeypatch.setattr(plugins, "attention_items", list(plugins.attention_items))
    plugins.register_attention_item(
        plugins.AttentionItem(
            key="nominations",
            label="Nominations awaiting a decision",
            order=25,
            count=lambda: 4,
            url_name="taskforce_console:person_list",
            url_query="listed_publicly=no",
        )
    )

    response = staff_client.get(reverse("console:dashboard"))

    item = next(i for i in response.context["items"] if i["key"] == "nominations")
    assert (item["count"], item["url"]) == (
        4,
        reverse("taskforce_console:person_list") + "?listed_publicly=no",
    )
    assert "Nominations awaiting a decision" in response.content.decode()


def test_the_dashboard_says_when_nothing_waits(monkeypatch, staff_client):
    monkeypatch.setattr(
        plugins,
        "attention_items",
        [plugins.AttentionItem(key="none", label="Nothing", order=1, count=lambda: 0)],
    )

    response = staff_client.get(reverse("console:dashboard"))

    assert response.context["waiting"] == 0
    assert "Nothing is waiting for the secretariat." in response.content.decode()


def test_every_plugged_section_is_mounted_under_manage():
    for section in plugins.console_sections:
        for entry in section.entries:
            assert reverse(entry.url_name).startswith("/")
        if section.urlconf:
            assert reverse(section.entries[0].url_name).startswith(f"/manage/{section.path}")
