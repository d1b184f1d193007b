from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "acuface.core"
    label = "core"
    verbose_name = "Clinic, people and audit"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from acuface.core.middleware import session_mark_fresh

        user_logged_in.connect(session_mark_fresh, dispatch_uid="acuface-session-mark-fresh")
