from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "acuface.intake"
    label = "intake"
