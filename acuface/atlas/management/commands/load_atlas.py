"""Reload the point atlas and the standard protocols after editing the data files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from acuface.atlas.loading import load_atlas_data
from acuface.atlas.models import Point, Protocol


class Command(BaseCommand):
    help = "Load acuface/atlas/data/points.json and protocols.json (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_atlas_data(point_model=Point, protocol_model=Protocol)
        self.stdout.write(
            self.style.SUCCESS(
                f"Points: {result.points_created} new, {result.points_updated} updated. "
                f"Standard protocols: {result.protocols_created} new versions, "
                f"{result.protocols_unchanged} unchanged."
            )
        )
