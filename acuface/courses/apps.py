from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "acuface.courses"
    label = "courses"
