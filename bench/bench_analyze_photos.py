"""Throughput of `manage.py analyze_photos` (photos per minute) on the shared face photos.

Builds a throw-away database and media folder, uploads every shared photo (``../shared/data/faces``)
``--copies`` times through the upload service (so they are stored exactly as in the app), then
times ``analyze_photos --all --workers N`` for each N asked for. Prints the machine first.

    .venv/bin/python bench/bench_analyze_photos.py                  # 1 and 2 workers, 3 copies
    .venv/bin/python bench/bench_analyze_photos.py --workers 1 2 4 --copies 5
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FACES = ROOT.parent / "shared" / "data" / "faces"
sys.path.insert(0, str(ROOT))


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    try:
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    import mediapipe
    import numpy

    return (
        f"{platform.node()}: {cpu}, {usable} usable cores{memory}; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"mediapipe {mediapipe.__version__}"
    )


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def parallel_probe(processes: int = 2, tasks: int = 4, n: int = 4_000_000) -> str:
    """How much faster a pure-Python loop runs on `processes` processes than on one.

    Shared or hyper-threaded vCPUs give far less than `processes`x; the photo figures below
    should be read against this.
    """
    from concurrent.futures import ProcessPoolExecutor

    timings = []
    for count in (1, processes):
        with ProcessPoolExecutor(count) as pool:
            list(pool.map(_spin, [1000] * count))  # start the workers before timing
            started = time.perf_counter()
            list(pool.map(_spin, [n] * tasks))
            timings.append(time.perf_counter() - started)
    speed_up = timings[0] / timings[1]
    return (
        f"CPU probe: a pure-Python loop runs {speed_up:.2f}x as fast on {processes} processes "
        "as on 1"
    )


def child(workers: list[int], copies: int) -> None:
    """Runs in a process whose settings point at a fresh database and media folder."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    from acuface.clients import selectors as client_selectors
    from acuface.clients import services as client_services
    from acuface.core.models import Clinic, Role, User
    from acuface.photos import services
    from acuface.photos.models import Photo
    from tests.factories import ClientFactory

    call_command("migrate", verbosity=0)
    clinic = Clinic.objects.create(name="Bench", slug="bench")
    user = User.objects.create_user("bench@bench.test", None, clinic=clinic, role=Role.PRACTITIONER)
    client = ClientFactory(clinic=clinic)
    text = client_selectors.consent_texts_current()["photos"]
    client_services.consent_sign(client=client, text=text, signature="Bench Client")
    names = sorted(p for p in FACES.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    for _ in range(copies):
        for path in names:
            with path.open("rb") as handle:
                services.photo_upload(actor=user, client=client, upload=handle, filename=path.name)
    total = Photo.objects.count()
    print(f"{total} photos ({len(names)} shared photos x {copies}), stored as uploaded")
    print(f"{'workers':>8} {'seconds':>9} {'photos/min':>11}")
    for count in workers:
        out = io.StringIO()
        started = time.perf_counter()
        call_command("analyze_photos", "--all", "--workers", str(count), stdout=out)
        elapsed = time.perf_counter() - started
        print(f"{count:>8} {elapsed:>9.1f} {60 * total / elapsed:>11.1f}")
        print("         " + out.getvalue().strip().splitlines()[-1])
    statuses = dict(Photo.objects.values_list("status").annotate(n=django.db.models.Count("id")))
    print(f"results: {statuses}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.workers, args.copies)
        return 0
    if not FACES.is_dir():
        print(f"{FACES} is missing: nothing to analyse")
        return 1
    print(machine())
    print(parallel_probe(max(args.workers)))
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            # development: tasks go to the database queue (nobody runs them), so the upload does
            # not analyse; only the timed command does.
            "ACUFACE_MODE": "development",
            "ACUFACE_DATA_DIR": tmp,
            "ACUFACE_MEDIA_ROOT": str(Path(tmp) / "media"),
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "GLOG_minloglevel": "2",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }
        command = [sys.executable, __file__, "--child", "--copies", str(args.copies), "--workers"]
        return subprocess.call([*command, *map(str, args.workers)], env=env, cwd=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
