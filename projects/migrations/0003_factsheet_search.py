"""Full-text search documents of factsheets, GIN-indexed on PostgreSQL (SQLite keeps the plain columns)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

INDEXES = [
    django.contrib.postgres.indexes.GinIndex(fields=["search_fr"], name="factsheet_search_fr_gin"),
    django.contrib.postgres.indexes.GinIndex(fields=["search_en"], name="factsheet_search_en_gin"),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("projects", "Factsheet")
    for index in INDEXES:
        schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("projects", "Factsheet")
    for index in INDEXES:
        schema_editor.remove_index(model, index)


def fill_documents(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from projects.search import search_documents_refresh

    search_documents_refresh(apps.get_model("projects", "Factsheet").objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_staff_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="factsheet",
            name="search_en",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="factsheet",
            name="search_fr",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="factsheet", index=index) for index in INDEXES],
            database_operations=[migrations.RunPython(add_indexes, remove_indexes)],
        ),
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
    ]
