from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "acuface.photos"
    label = "photos"
