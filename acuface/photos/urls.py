from django.urls import path

from acuface.photos import views

app_name = "photos"

urlpatterns = [
    path("clients/<int:client_id>/upload/", views.photo_upload, name="photo-upload"),
    path("sessions/<int:session_id>/", views.session_photo, name="session-photo"),
    path("<int:photo_id>/", views.photo_detail, name="photo-detail"),
    path("<int:photo_id>/status/", views.photo_status, name="photo-status"),
    path("<int:photo_id>/image/", views.photo_image, name="photo-image"),
    path("<int:photo_id>/analyse/", views.photo_reanalyse, name="photo-reanalyse"),
    path("<int:photo_id>/delete/", views.photo_delete, name="photo-delete"),
    path("<int:photo_id>/points/move/", views.point_move, name="point-move"),
    path("<int:photo_id>/points/confirm/", views.points_confirm, name="points-confirm"),
    path(
        "<int:photo_id>/compare/<int:other_photo_id>/",
        views.photo_compare,
        name="photo-compare",
    ),
    path(
        "<int:photo_id>/compare/<int:other_photo_id>/aligned.jpg",
        views.photo_aligned_image,
        name="photo-aligned-image",
    ),
]
