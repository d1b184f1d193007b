from django.db import migrations


def load(apps, schema_editor):
    from acuface.atlas.loading import load_atlas_data

    load_atlas_data(
        point_model=apps.get_model("atlas", "Point"),
        protocol_model=apps.get_model("atlas", "Protocol"),
    )


class Migration(migrations.Migration):
    dependencies = [("atlas", "0001_point_protocol_plan_tables")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
