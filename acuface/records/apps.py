from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "acuface.records"
    label = "records"
