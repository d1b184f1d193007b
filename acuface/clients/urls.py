from django.urls import path

from acuface.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="client-list"),
    path("new/", views.client_create, name="client-create"),
    path("<int:client_id>/", views.client_detail, name="client-detail"),
    path("<int:client_id>/edit/", views.client_edit, name="client-edit"),
    path("<int:client_id>/archive/", views.client_set_archived, name="client-set-archived"),
    path("<int:client_id>/consents/<slug:kind>/sign/", views.consent_sign, name="consent-sign"),
    path(
        "<int:client_id>/consents/<int:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
]
