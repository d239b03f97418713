"""On PostgreSQL, a GIN index over the folded words: full-text search without diacritics. The expression is
the one archive.search builds (SearchVector("plain", config="simple")), so the planner uses it. SQLite has no
such index; archive.search falls back to whole-word matching there."""

from django.db import migrations

INDEX = "archive_search_plain_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    model = apps.get_model("archive", "SearchEntry")
    schema_editor.add_index(model, GinIndex(SearchVector("plain", config="simple"), name=INDEX))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
