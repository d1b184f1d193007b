"""A session's needle lots by kind (facial and body), per-point overrides of screening, needles
added at the couch, and restrictions stored with their reasons."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


OLD_REASON = "screening at check-in"


def restrictions_with_reasons(apps, schema_editor):
    """Restrictions were stored as lists of codes; store them as code → reason."""
    sessions = apps.get_model("treatments", "TreatmentSession")
    for session in sessions.objects.exclude(restrictions={}).iterator():
        found = session.restrictions or {}
        changed = False
        for key in ("forbidden_points", "deferred_regions"):
            value = found.get(key)
            if isinstance(value, list):
                found[key] = dict.fromkeys(value, OLD_REASON)
                changed = True
        if changed:
            session.restrictions = found
            session.save(update_fields=["restrictions"])


def restrictions_as_lists(apps, schema_editor):
    sessions = apps.get_model("treatments", "TreatmentSession")
    for session in sessions.objects.exclude(restrictions={}).iterator():
        found = session.restrictions or {}
        for key in ("forbidden_points", "deferred_regions"):
            if isinstance(found.get(key), dict):
                found[key] = sorted(found[key])
        session.restrictions = found
        session.save(update_fields=["restrictions"])


class Migration(migrations.Migration):

    dependencies = [
        ('atlas', '0002_load_atlas_points_and_protocols'),
        ('treatments', '0001_session_needles_stock_events_followups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name='treatmentsession',
            old_name='current_lot',
            new_name='facial_lot',
        ),
        migrations.AddField(
            model_name='needle',
            name='is_added_at_couch',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='treatmentsession',
            name='body_lot',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='treatments.needlelot'),
        ),
        migrations.CreateModel(
            name='PointOverride',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('side', models.CharField(choices=[('right', "client's right"), ('left', "client's left"), ('midline', 'midline')], max_length=10)),
                ('restriction', models.CharField(max_length=500)),
                ('reason', models.CharField(max_length=500)),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='atlas.point')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='point_overrides', to='treatments.treatmentsession')),
            ],
            options={
                'ordering': ('recorded_at', 'id'),
                'constraints': [models.UniqueConstraint(fields=('session', 'point', 'side'), name='point_override_once_per_point_side'), models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='point_override_has_reason')],
            },
        ),
        migrations.RunPython(restrictions_with_reasons, restrictions_as_lists),
    ]
