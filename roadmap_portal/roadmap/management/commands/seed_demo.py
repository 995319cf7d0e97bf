"""``seed_demo``: the demo accounts, then each app's demo data through its real services.

The platform does not know the apps: each plugs a ``DemoSeeder`` in from ``AppConfig.ready()``
(``roadmap_portal/core/plugins.py``). Every part is idempotent, so a second run creates nothing.
"""

import argparse

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from roadmap_portal.accounts.roles import ensure_secretariat_group
from roadmap_portal.core import plugins

DEMO_PASSWORD = "roadmap-demo"  # noqa: S105 - documented in the README, demo only

# key, e-mail, full name; the key is what seeders find in ``SeedContext.accounts``.
DEMO_ACCOUNTS = (
    ("admin", "admin@example.org", "Demo Admin"),
    ("staff", "staff@example.org", "Demo Secretariat"),
    ("member", "member@example.org", "Demo Member"),
)


def ensure_demo_accounts(context: plugins.SeedContext) -> dict:
    """The three demo users with verified e-mail addresses.

    An existing user keeps its password and flags; only a missing address or the staff
    user's missing Secretariat membership is added.
    """
    User = get_user_model()
    accounts = {}
    for key, email, full_name in DEMO_ACCOUNTS:

        def create(email=email, full_name=full_name, key=key):
            if key == "admin":
                return User.objects.create_superuser(email, DEMO_PASSWORD, full_name=full_name)
            return User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name)

        user = context.ensure(
            "accounts",
            find=lambda email=email: User.objects.filter(email__iexact=email).first(),
            create=create,
        )
        context.ensure(
            "verified e-mail addresses",
            find=lambda user=user: EmailAddress.objects.filter(
                user=user, email__iexact=user.email
            ).first(),
            create=lambda user=user: EmailAddress.objects.create(
                user=user, email=user.email, verified=True, primary=True
            ),
        )
        accounts[key] = user
    secretariat = ensure_secretariat_group()
    staff = accounts["staff"]
    if staff.groups.filter(pk=secretariat.pk).exists():
        context.count("secretariat memberships", created=False)
    else:
        staff.groups.add(secretariat)
        context.count("secretariat memberships", created=True)
    return accounts


class Command(BaseCommand):
    help = (
        "Load the demo data the reference documents give (organisations, the Task Force, "
        "people, convenings, the rotation) through the real services; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Create the demo accounts (default: the DJANGO_DEMO_ACCOUNTS setting).",
        )

    def handle(self, *args, accounts=None, **options):
        with_accounts = settings.DEMO_ACCOUNTS if accounts is None else accounts
        account_context = plugins.SeedContext()
        contexts = []
        if with_accounts:
            with transaction.atomic():
                account_context.accounts = ensure_demo_accounts(account_context)
            self._summarise("accounts", account_context)
            contexts.append(account_context)
        for seeder in plugins.demo_seeders:
            context = plugins.SeedContext(accounts=dict(account_context.accounts))
            with transaction.atomic():
                seeder.seed(context)
            self._summarise(seeder.key, context)
            contexts.append(context)
        tallies = [tally for context in contexts for tally in context.tallies.values()]
        created = sum(tally.created for tally in tallies)
        existing = sum(tally.existing for tally in tallies)
        self.stdout.write(f"In all: {created} created, {existing} already there.")
        if with_accounts:
            emails = ", ".join(email for _, email, _ in DEMO_ACCOUNTS)
            self.stdout.write(f"Demo accounts: {emails}; password {DEMO_PASSWORD}")
        else:
            self.stdout.write("Demo accounts: off (DJANGO_DEMO_ACCOUNTS or --accounts)")

    def _summarise(self, key: str, context: plugins.SeedContext) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(key))
        width = max((len(label) for label in context.tallies), default=0)
        for label, tally in context.tallies.items():
            self.stdout.write(
                f"  {label:<{width}}  {tally.created:>3} created, {tally.existing:>3} already there"
            )
