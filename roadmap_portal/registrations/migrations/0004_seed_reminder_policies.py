"""The default reminder policies (minutes before the start), one per kind of activity."""

from django.db import migrations

DAY = 24 * 60
HOUR = 60

DEFAULT_OFFSETS = {
    # Convenings: two weeks ahead to arrange travel, two days ahead as a last word.
    "policy_dialogue": [14 * DAY, 2 * DAY],
    "forum": [14 * DAY, 2 * DAY],
    "summit": [14 * DAY, 2 * DAY],
    "workshop": [14 * DAY, 2 * DAY],
    "webinar": [1 * DAY, 1 * HOUR],
    # Before the cohort's first session (the activity's start).
    "training_cohort": [7 * DAY, 1 * DAY],
}


def seed(apps, schema_editor):
    ReminderPolicy = apps.get_model("registrations", "ReminderPolicy")
    for kind, offsets in DEFAULT_OFFSETS.items():
        ReminderPolicy.objects.get_or_create(kind=kind, defaults={"offsets": offsets})


class Migration(migrations.Migration):
    dependencies = [("registrations", "0003_reminders")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
