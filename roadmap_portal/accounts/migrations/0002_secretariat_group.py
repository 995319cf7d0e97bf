from django.db import migrations


def create_secretariat_group(apps, schema_editor):
    from roadmap_portal.accounts.roles import ensure_secretariat_group

    ensure_secretariat_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_secretariat_group, migrations.RunPython.noop)]
