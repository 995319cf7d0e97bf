from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from roadmap_portal.accounts.models import User
from roadmap_portal.core import plugins

pytestmark = pytest.mark.django_db

DEMO_EMAILS = ["admin@example.org", "member@example.org", "staff@example.org"]


def seed(*args, **options) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """How many rows every table holds, history and many-to-many tables included."""
    return {
        model._meta.db_table: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_seed_demo_run_twice_creates_nothing_new_in_any_table():
    seed(accounts=True)
    after_first = row_counts()

    output = seed(accounts=True)

    assert row_counts() == after_first
    assert "In all: 0 created" in output


def test_seed_demo_fills_the_registry_and_the_dialogues():
    before = row_counts()

    seed()

    after = row_counts()
    grown = {table for table, count in after.items() if count > before[table]}
    assert {
        "taskforce_organisation",
        "taskforce_person",
        "taskforce_affiliation",
        "taskforce_taskforcemembership",
        "taskforce_taskforceposition",
        "dialogues_convening",
        "dialogues_strategicaction",
        "registrations_registration",
    } <= grown


def test_seed_demo_summarises_what_it_created_per_app():
    output = seed(accounts=True)

    assert "  organisations            16 created,   0 already there" in output
    assert "  workshop participants         12 created,   0 already there" in output
    assert "  accounts                     3 created,   0 already there" in output
    assert "password roadmap-demo" in output


def test_seed_demo_creates_the_demo_accounts_when_the_setting_is_on(settings):
    settings.DEMO_ACCOUNTS = True

    seed()

    users = {user.email: user for user in User.objects.order_by("email")}
    assert sorted(users) == DEMO_EMAILS
    assert [email for email, user in users.items() if user.check_password("roadmap-demo")] == (
        DEMO_EMAILS
    )
    admin, member, staff = users.values()
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    assert (staff.is_superuser, staff.has_perm("accounts.access_console")) == (False, True)
    assert (member.is_superuser, member.has_perm("accounts.access_console")) == (False, False)
    assert set(EmailAddress.objects.values_list("email", "verified", "primary")) == {
        (email, True, True) for email in DEMO_EMAILS
    }


def test_seed_demo_creates_no_account_when_the_setting_is_off(settings):
    settings.DEMO_ACCOUNTS = False

    output = seed()

    assert User.objects.count() == 0
    assert "Demo accounts: off" in output


def test_no_accounts_flag_overrides_the_setting(settings):
    settings.DEMO_ACCOUNTS = True

    seed("--no-accounts")

    assert User.objects.count() == 0


def test_accounts_flag_overrides_the_setting(settings):
    settings.DEMO_ACCOUNTS = False

    seed("--accounts")

    assert sorted(User.objects.values_list("email", flat=True)) == DEMO_EMAILS


def test_seed_demo_leaves_an_existing_demo_account_as_it_is():
    User.objects.create_user("member@example.org", "a-password-the-owner-chose")

    seed(accounts=True)

    member = User.objects.get(email="member@example.org")
    assert member.check_password("a-password-the-owner-chose")
    assert EmailAddress.objects.get(user=member).verified is True


def _fake_seeders(monkeypatch, *seeders: plugins.DemoSeeder) -> None:
    monkeypatch.setattr(plugins, "demo_seeders", [])
    for seeder in seeders:
        plugins.register_demo_seeder(seeder)


def test_seeders_run_by_their_order_and_receive_the_demo_accounts(monkeypatch):
    calls = []

    def recorder(name):
        def seed_part(context):
            calls.append((name, sorted(context.accounts)))

        return seed_part

    _fake_seeders(
        monkeypatch,
        plugins.DemoSeeder(key="late", order=20, seed=recorder("late")),
        plugins.DemoSeeder(key="early", order=10, seed=recorder("early")),
    )

    seed(accounts=True)

    assert calls == [
        ("early", ["admin", "member", "staff"]),
        ("late", ["admin", "member", "staff"]),
    ]


def test_each_seeder_runs_in_its_own_transaction(monkeypatch):
    def good(context):
        Group.objects.create(name="Seeded by the first part")

    def broken(context):
        Group.objects.create(name="Seeded by the broken part")
        raise RuntimeError("the second part fails")

    _fake_seeders(
        monkeypatch,
        plugins.DemoSeeder(key="good", order=10, seed=good),
        plugins.DemoSeeder(key="broken", order=20, seed=broken),
    )

    with pytest.raises(RuntimeError):
        seed()

    names = set(Group.objects.values_list("name", flat=True))
    assert "Seeded by the first part" in names
    assert "Seeded by the broken part" not in names
