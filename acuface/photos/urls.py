from django.urls import URLPattern

app_name = "photos"

urlpatterns: list[URLPattern] = []
