"""Re-analyse stored photos in bulk, with a progress bar.

Worker processes only read photos and run the vision package; the parent process writes every
result through the same service the background task uses (one writer, so SQLite is happy).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q, QuerySet

from acuface.photos import pool, services, vision_glue
from acuface.photos.models import AnalysisStatus, Photo


class Command(BaseCommand):
    help = "Analyse photos again (all, one clinic's, one client's, or those not yet analysed)."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="every photo")
        which.add_argument(
            "--outdated",
            action="store_true",
            help="photos analysed by another version of the vision package, or not at all "
            "(the default)",
        )
        parser.add_argument("--clinic", help="only this clinic (slug)")
        parser.add_argument("--client", type=int, help="only this client (id)")
        parser.add_argument("--limit", type=int, help="at most this many photos")
        parser.add_argument(
            "--workers", type=int, default=1, help="worker processes (default 1: in this process)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"]
        if workers < 1 or workers > 64:
            raise CommandError("--workers must be between 1 and 64.")
        photos = self._select(options)
        total = photos.count()
        if total == 0:
            self.stdout.write("No photos to analyse.")
            return
        started = time.monotonic()
        counts: dict[str, int] = {}
        for done, photo in enumerate(self._results(photos, workers), start=1):
            counts[photo.status] = counts.get(photo.status, 0) + 1
            self._progress(done, total, started)
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        self.stdout.write(
            f"\nAnalysed {total} photo{'s' if total != 1 else ''} in {elapsed:.1f} s "
            f"({60 * total / max(elapsed, 1e-9):.1f} per minute, {workers} worker"
            f"{'s' if workers != 1 else ''}): {summary}."
        )

    def _select(self, options: dict[str, Any]) -> QuerySet[Photo]:
        photos = Photo.objects.select_related("client__clinic").order_by("id")
        if options["clinic"]:
            photos = photos.filter(client__clinic__slug=options["clinic"])
        if options["client"]:
            photos = photos.filter(client_id=options["client"])
        if not options["all"]:
            photos = photos.filter(
                ~Q(analysis_version=vision_glue.analysis_version())
                | Q(status__in=[AnalysisStatus.PENDING, AnalysisStatus.FAILED])
            )
        if options["limit"]:
            photos = photos.filter(
                pk__in=list(photos.values_list("pk", flat=True)[: options["limit"]])
            )
        return photos

    def _results(self, photos: QuerySet[Photo], workers: int) -> Iterator[Photo]:
        if workers == 1:
            for photo in photos.iterator():
                stored = services.photo_analyse(photo_id=photo.pk)
                if stored is not None:
                    yield stored
            return
        chosen = list(photos)
        context = get_context("spawn")  # MediaPipe and threads do not survive fork()
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=pool.worker_setup
        ) as executor:
            futures: list[tuple[Photo, Future[dict[str, Any] | None]]] = [
                (photo, executor.submit(pool.analyse_stored, photo.storage_name))
                for photo in chosen
            ]
            for photo, future in futures:
                yield services.photo_store_analysis(photo=photo, analysis=future.result())

    def _progress(self, done: int, total: int, started: float) -> None:
        width = 30
        filled = int(width * done / total)
        rate = done / max(time.monotonic() - started, 1e-9) * 60
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:.0f}/min)"
        if self.stdout.isatty():
            self.stdout.write("\r" + line, ending="")
            self.stdout.flush()
        elif done == total or done % max(1, total // 10) == 0:
            self.stdout.write(line)
