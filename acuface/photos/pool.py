"""What a worker process of `manage.py analyze_photos --workers N` runs.

Kept free of model imports: a spawned worker unpickles these functions before Django is set up.
Workers only read photos and run the vision package; the parent process stores the results.
"""

from __future__ import annotations

import os
from typing import Any


def worker_setup() -> None:
    # One thread per worker: N workers on N cores, not N workers each starting N threads.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import cv2
    import django

    cv2.setNumThreads(1)
    django.setup()


def analyse_stored(storage_name: str) -> dict[str, Any] | None:
    """The analysis of one stored photo, or None if it failed."""
    from django.core.files.storage import default_storage

    from acuface.photos import vision_glue

    try:
        with default_storage.open(storage_name, "rb") as stored:
            return vision_glue.analyse_content(stored.read())
    except Exception:  # any failure is stored as a failed photo; the batch goes on
        return None
