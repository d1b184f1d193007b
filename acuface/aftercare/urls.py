from django.urls import path

from acuface.aftercare import views

app_name = "aftercare"

urlpatterns = [
    path("checkin/<str:token>/", views.checkin_fill, name="checkin-fill"),
    path("sheet/<str:token>/", views.session_checkin, name="session-checkin"),
    path("sheet/<str:token>/report/", views.session_report, name="session-report"),
    path("", views.dashboard, name="dashboard"),
    path("escalations/<int:escalation_id>/", views.escalation_detail, name="escalation-detail"),
    path("checkins/<int:checkin_id>/", views.checkin_detail, name="checkin-detail"),
    path(
        "checkins/<int:checkin_id>/send-again/", views.checkin_send_again, name="checkin-send-again"
    ),
    path("checkins/<int:checkin_id>/photo/", views.checkin_photo, name="checkin-photo"),
    path("reports/<int:report_id>/photo/", views.report_photo, name="report-photo"),
    path("events/<int:event_id>/resolve/", views.event_resolve, name="event-resolve"),
    path("sessions/<int:session_id>/events/new/", views.event_record, name="event-record"),
    path("follow-ups/<int:follow_up_id>/qr.svg", views.followup_qr, name="followup-qr"),
    path("report/", views.safety_report, name="safety-report"),
    path("report.csv", views.safety_report_csv, name="safety-report-csv"),
]
