from django.apps import AppConfig


class AtlasConfig(AppConfig):
    name = "acuface.atlas"
    label = "atlas"
