from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from acuface.core.forms import LoginForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("", include("django.contrib.auth.urls")),
    path("", include("acuface.core.urls")),
    path("clients/", include("acuface.clients.urls")),
    path("intake/", include("acuface.intake.urls")),
    path("atlas/", include("acuface.atlas.urls")),
    path("sessions/", include("acuface.treatments.urls")),
    path("photos/", include("acuface.photos.urls")),
    path("aftercare/", include("acuface.aftercare.urls")),
    path("courses/", include("acuface.courses.urls")),
    path("records/", include("acuface.records.urls")),
    path("admin/", admin.site.urls),
]
