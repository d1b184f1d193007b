from django.urls import path

from acuface.atlas import views

app_name = "atlas"

urlpatterns = [
    path("clients/<int:client_id>/plan/", views.client_plan, name="client-plan"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/toggle/", views.plan_toggle, name="plan-toggle"),
    path("plans/<int:plan_id>/ready/", views.plan_ready, name="plan-ready"),
    path("plans/<int:plan_id>/points/<int:line_id>/", views.plan_line_edit, name="plan-line-edit"),
    path("points/", views.point_list, name="point-list"),
    path("points/detail/", views.point_detail, name="point-detail"),
    path("protocols/", views.protocol_list, name="protocol-list"),
    path("protocols/copy/", views.protocol_copy, name="protocol-copy"),
    path("protocols/<int:protocol_id>/", views.protocol_edit, name="protocol-edit"),
]
