from django.urls import URLPattern

app_name = "atlas"

urlpatterns: list[URLPattern] = []
