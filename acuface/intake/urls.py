from django.urls import path

from acuface.intake import views

app_name = "intake"

urlpatterns = [
    path("link/<path:token>/", views.intake_fill, name="intake-fill"),
    path("clients/<int:client_id>/", views.client_intake, name="client-intake"),
    path("clients/<int:client_id>/start/", views.intake_link_start, name="intake-link-start"),
    path("clients/<int:client_id>/today/", views.today_check, name="today-check"),
    path("", views.intake_list, name="intake-list"),
    path("<int:intake_id>/", views.intake_review, name="intake-review"),
    path("<int:intake_id>/qr.svg", views.intake_qr, name="intake-qr"),
    path("<int:intake_id>/acknowledge/", views.flag_acknowledge, name="flag-acknowledge"),
]
