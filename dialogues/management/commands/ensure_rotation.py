from django.core.management.base import BaseCommand

from dialogues.models import Convening
from dialogues.rotation import ensure_rotation


class Command(BaseCommand):
    help = "Make sure the six policy dialogues of 2025-2030 exist, one per host year (idempotent)."

    def handle(self, *args, **options):
        existing = set(Convening.objects.policy_dialogues().values_list("pk", flat=True))
        dialogues = ensure_rotation()
        for convening in dialogues:
            state = "exists " if convening.pk in existing else "created"
            self.stdout.write(
                f"{convening.year}  {state}  {convening.host_country.name:<20}  "
                f"{convening.get_absolute_url()}"
            )
        created = sum(convening.pk not in existing for convening in dialogues)
        self.stdout.write(
            self.style.SUCCESS(f"{len(dialogues)} policy dialogues in the rotation, {created} new.")
        )
