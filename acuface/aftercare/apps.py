from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "acuface.aftercare"
    label = "aftercare"
    verbose_name = "Follow-ups and adverse events"
