"""Indexes for the directory's filters and sorts, and trigram indexes for the name search.

The search matches ``search_text__contains`` (``LIKE '%key%'``), which a B-tree cannot
serve; on PostgreSQL a GIN index with ``pg_trgm``'s ``gin_trgm_ops`` can. ``search_text`` is
already case-folded and stripped of Latin diacritics (``roadmap_portal.core.text.search_key``),
so ``unaccent`` is not needed. On other databases the trigram part does nothing.
"""

from django.conf import settings
from django.db import migrations, models

TRIGRAM_INDEXES = (
    ("taskforce_org_search_trgm", "taskforce_organisation"),
    ("taskforce_person_search_trgm", "taskforce_person"),
)


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    # The extension stays: another schema object may use it by then.


class Migration(migrations.Migration):
    dependencies = [
        ("taskforce", "0004_merge_record"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                fields=["approved", "country", "name"], name="taskforce_org_approved_country"
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                fields=["approved", "kind", "name"], name="taskforce_org_approved_kind"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name", "id"], name="taskforce_person_name"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
