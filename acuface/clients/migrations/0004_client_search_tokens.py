import django.db.models.deletion
from django.db import migrations, models

from acuface.clients.search import client_tokens


def index_existing_clients(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    Token = apps.get_model("clients", "ClientSearchToken")
    for client in Client.objects.all().iterator():
        tokens = client_tokens(
            first_name=client.first_name, last_name=client.last_name, email=client.email, phone=client.phone
        )
        Token.objects.bulk_create(
            Token(clinic_id=client.clinic_id, client_id=client.pk, token=t) for t in tokens
        )


def drop_trigram_index(apps, schema_editor):
    # Replaced by token prefixes, which use a plain B-tree on every database.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS client_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_consent_texts_and_search_index"),
        ("core", "0001_clinic_staff_audit"),
    ]

    operations = [
        migrations.RunPython(drop_trigram_index, migrations.RunPython.noop),
        migrations.RemoveField(model_name="client", name="search_text"),
        migrations.CreateModel(
            name="ClientSearchToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=40)),
                ("client", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="search_tokens_set", to="clients.client")),
                ("clinic", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.clinic")),
            ],
            options={
                "indexes": [models.Index(fields=["clinic", "token"], name="client_token_clinic_token")],
                "constraints": [models.UniqueConstraint(fields=("client", "token"), name="client_token_unique")],
            },
        ),
        migrations.RunPython(index_existing_clients, migrations.RunPython.noop),
    ]
