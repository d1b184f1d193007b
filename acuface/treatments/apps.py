from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "acuface.treatments"
    label = "treatments"
