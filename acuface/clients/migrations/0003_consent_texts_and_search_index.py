import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "consent_texts.json"


def load_consent_texts(apps, schema_editor):
    ConsentText = apps.get_model("clients", "ConsentText")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        ConsentText.objects.update_or_create(
            kind=row["kind"], version=row["version"],
            defaults={"title": row["title"], "body": row["body"], "published_on": row["published_on"]},
        )


def trigram_index(apps, schema_editor):
    # Substring search over 100,000 clients needs a trigram index on PostgreSQL; SQLite scans.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS client_search_trgm ON clients_client "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS client_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_client_consent_links")]

    operations = [
        migrations.RunPython(load_consent_texts, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
