from django.db import migrations


def load_countries(apps, schema_editor):
    from taskforce.countries import ensure_countries

    ensure_countries(apps.get_model("taskforce", "Country"))


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0001_initial")]

    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
