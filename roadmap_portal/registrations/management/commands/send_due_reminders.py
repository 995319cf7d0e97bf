"""``send_due_reminders [--dry-run] [--now ISO-TIME]``: the scan beat runs every five minutes."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from roadmap_portal.registrations import reminders


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--now {value!r} is not an ISO time such as 2026-03-01T09:00:00+07:00."
        ) from error
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


class Command(BaseCommand):
    help = "Queue every reminder and nudge that is due (the same scan Celery beat runs)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what is due without writing anything or sending.",
        )
        parser.add_argument(
            "--now",
            type=_moment,
            default=None,
            help="Scan as if it were this moment (ISO 8601; without an offset it is UTC).",
        )

    def handle(self, *args, dry_run=False, now=None, **options):
        result = reminders.scan(now=now, dry_run=dry_run)
        if dry_run:
            for row in result.due:
                self.stdout.write(
                    f"{row.due_at.isoformat()}  {row.reminder_kind}  {row.recipient_email}  "
                    f"{row.activity.title}"
                )
            self.stdout.write(
                self.style.SUCCESS(f"Dry run: {len(result.due)} due; nothing written.")
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.queued} queued, {result.skipped} skipped, {result.planned} newly due."
            )
        )
