"""Client search latency at 1,000 and 100,000 clients, on SQLite and on PostgreSQL.

Each run builds a fresh database, fills one clinic with `seed_volume`, logs a front-desk user
in and times whole search requests (view, query and template) for a realistic mix of what a
receptionist types: part of a surname, a full name without accents, phone digits, a birth date.

    .venv/bin/python bench/bench_client_search.py                 # both databases, both sizes
    .venv/bin/python bench/bench_client_search.py --db sqlite --sizes 1000
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def child(size: int, searches: int) -> None:
    """Runs inside a process whose DATABASE_URL points at a fresh database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient

    from acuface.clients.models import Client
    from acuface.core.models import Clinic, Role, User

    devnull = open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    call_command("seed_volume", clients=size, stdout=devnull)
    seeded = time.perf_counter() - started
    clinic = Clinic.objects.get(slug="volume")
    user = User.objects.create_user("bench@volume.test", None, clinic=clinic, role=Role.FRONT_DESK)
    http = HttpClient()
    http.force_login(user, backend="acuface.core.backends.StaffBackend")

    rng = random.Random(7)
    sample = list(Client.objects.filter(clinic=clinic).order_by("?")[:200])
    queries = []
    for i in range(searches):
        c = sample[i % len(sample)]
        kind = i % 4
        if kind == 0:
            queries.append(c.last_name[: rng.randint(3, max(3, len(c.last_name)))])
        elif kind == 1:
            queries.append(f"{c.first_name} {c.last_name}".upper())
        elif kind == 2:
            digits = "".join(ch for ch in c.phone if ch.isdigit())
            queries.append(digits[-6:] or c.last_name)
        else:
            queries.append(c.date_of_birth.strftime("%d/%m/%Y"))
    for q in queries[:20]:  # warm caches and the connection
        http.get("/clients/", {"q": q})
    timings = []
    for q in queries:
        t0 = time.perf_counter()
        response = http.get("/clients/", {"q": q})
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    print(
        f"{connection.vendor:<10} {size:>7} clients  seeded in {seeded:5.1f} s  "
        f"search p50 {statistics.median(timings):6.2f} ms  "
        f"p95 {percentile(timings, 0.95):6.2f} ms  "
        f"(n={len(timings)})",
        flush=True,
    )


def run(db: str, size: int, searches: int) -> None:
    env = dict(os.environ, ACUFACE_MODE="development", ACUFACE_DEBUG="0")
    if db == "sqlite":
        folder = tempfile.mkdtemp(prefix="acuface-bench-")
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        drop = None
    else:
        name = f"acuface_bench_{os.getpid()}"
        py = sys.executable
        url = subprocess.run(
            [py, str(ROOT / "tools/pg_throwaway.py"), "create", name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        env["DATABASE_URL"] = url
        drop = [py, str(ROOT / "tools/pg_throwaway.py"), "drop", name]
    try:
        subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--searches", str(searches)],
            env=env,
            check=True,
            cwd=ROOT,
        )
    finally:
        if drop:
            subprocess.run(drop, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--searches", type=int, default=400)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.searches)
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for db in dbs:
        for size in args.sizes:
            run(db, size, args.searches)


if __name__ == "__main__":
    main()
