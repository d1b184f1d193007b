from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "acuface.core"
    label = "core"
    verbose_name = "Clinic, people and audit"
