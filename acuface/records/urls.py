from django.urls import path

from acuface.records import views

app_name = "records"

urlpatterns = [
    path("clients/<int:client_id>/fhir.json", views.client_fhir, name="client-fhir"),
    path("clients/<int:client_id>/export.zip", views.client_export, name="client-export"),
    path("clients/<int:client_id>/erase/", views.client_erase, name="client-erase"),
    path("csv/", views.csv_index, name="csv-index"),
    path("csv/<slug:table>.csv", views.csv_table, name="csv-table"),
]
