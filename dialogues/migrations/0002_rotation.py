from django.db import migrations


def create_rotation(apps, schema_editor):
    from dialogues.rotation import ensure_rotation

    ensure_rotation(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0001_initial"),
        ("taskforce", "0002_countries"),
        ("registrations", "0002_activity_period_ends_at"),
    ]

    operations = [migrations.RunPython(create_rotation, migrations.RunPython.noop)]
