from django.urls import path

from acuface.courses import views

app_name = "courses"

urlpatterns = [
    path("clients/<int:client_id>/new/", views.course_create, name="course-create"),
    path("<int:course_id>/", views.course_detail, name="course-detail"),
    path("<int:course_id>/book/", views.booking_create, name="booking-create"),
    path("clients/<int:client_id>/book/", views.visit_book, name="visit-book"),
    path("<int:course_id>/outcomes/<str:milestone>/", views.outcome_record, name="outcome-record"),
    path("<int:course_id>/summary/", views.course_summary, name="course-summary"),
    path("<int:course_id>/summary.pdf", views.course_summary_pdf, name="course-summary-pdf"),
    path("calendar/", views.calendar, name="calendar"),
    path("bookings/<int:booking_id>/move/", views.booking_reschedule, name="booking-reschedule"),
    path("bookings/<int:booking_id>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("bookings/<int:booking_id>/appointment.ics", views.booking_ics, name="booking-ics"),
    path("feed/<str:feed_token>/calendar.ics", views.feed, name="feed"),
    path("overview/", views.outcomes_overview, name="overview"),
    path("opening-hours/", views.opening_hours, name="opening-hours"),
]
