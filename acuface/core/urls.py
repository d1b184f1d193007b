from django.urls import path

from acuface.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/<int:user_id>/active/", views.staff_set_active, name="staff-set-active"),
    path("audit/", views.audit_log, name="audit-log"),
    path("clinic/", views.clinic_settings, name="clinic-settings"),
]
