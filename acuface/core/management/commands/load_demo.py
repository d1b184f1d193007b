"""Load a demo clinic. Running it again changes nothing: every row is found by a natural key."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from acuface.core.demo import DEMO_PASSWORD, DemoClinic, demo_clinic


class Command(BaseCommand):
    help = "Create (once) a demo clinic with staff and about 20 clients."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            demo = demo_clinic()
            # Each app may add its own demo rows in `acuface.<app>.demo.load(demo)`.
            for config in apps.get_app_configs():
                if config.name.startswith("acuface.") and config.name != "acuface.core":
                    try:
                        module = importlib.import_module(f"{config.name}.demo")
                    except ModuleNotFoundError:
                        continue
                    module.load(demo)
        self._print_logins(demo)

    def _print_logins(self, demo: DemoClinic) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo clinic: {demo.clinic.name}"))
        self.stdout.write("Open http://127.0.0.1:8000 and log in with one of:")
        for user in demo.staff.values():
            self.stdout.write(
                f"  {user.email:<32} {user.get_role_display():<13} password: {DEMO_PASSWORD}"
            )
