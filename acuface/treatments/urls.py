from django.urls import path

from acuface.treatments import views

app_name = "treatments"

urlpatterns = [
    path("start/<int:client_id>/", views.session_start, name="session-start"),
    path("<int:session_id>/", views.session_detail, name="session-detail"),
    path("<int:session_id>/state/", views.session_state, name="session-state"),
    path("<int:session_id>/act/<slug:action>/", views.session_act, name="session-act"),
    path("<int:session_id>/aftercare/", views.aftercare_sheet, name="aftercare-sheet"),
    path("<int:session_id>/aftercare.pdf", views.aftercare_pdf, name="aftercare-pdf"),
    path("stock/", views.stock_list, name="stock-list"),
    path("stock/products/new/", views.product_create, name="product-create"),
    path("stock/products/<int:product_id>/lots/new/", views.lot_receive, name="lot-receive"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/<int:incident_id>/review/", views.incident_review, name="incident-review"),
]
