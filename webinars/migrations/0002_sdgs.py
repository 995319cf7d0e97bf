from django.db import migrations


def load_goals(apps, schema_editor):
    from webinars.sdgs import ensure_sdgs

    ensure_sdgs(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("webinars", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_goals, migrations.RunPython.noop),
    ]
