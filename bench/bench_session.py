"""The session page and the needle tap under 50 concurrent tablets, on PostgreSQL.

A throwaway PostgreSQL database gets 100,000 clients and 1,000,000 past sessions (COPY), and
one open session in the needling step per virtual tablet. A real multi-threaded WSGI server (a
fixed pool of threads, so each keeps its database connection) serves Django in two processes
sharing the port, one per core;
the load comes from a second process of threads using `http.client` on the loopback, each one
tablet doing what a practitioner does at the couch: open the session page, tap the needles in
one after another (10 by default), look at the page again, tap each needle out, with the
5-second poll running beside it. Prints p50/p95/p99 per request kind, throughput, the machine
and a CPU check (a fixed Python loop), since a shared virtual machine's speed varies.

    .venv/bin/python bench/bench_session.py                        # 50 tablets, 5 s think time
    .venv/bin/python bench/bench_session.py --think 5 1            # two paces, one seeding
    .venv/bin/python bench/bench_session.py --think 0 --cycles 3   # saturation: no pauses
    .venv/bin/python bench/bench_session.py --clients 1000 --sessions 10000   # a quick look
    .venv/bin/python bench/bench_session.py --keep acuface_bench   # seed once, reuse after

Every figure is whole requests seen by the client (server, ORM, templates, loopback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CSRF = "benchcsrfsecretbenchcsrfsecret12"  # a 32-character secret: cookie and header agree
# A course of facial points in the order a practitioner might needle them (all facial, none
# forbidden: the tablets' sessions carry no screening restrictions).
NEEDLE_POINTS = [
    ("EX-HN3", "midline"),
    ("GB14", "right"),
    ("GB14", "left"),
    ("ST2", "right"),
    ("ST2", "left"),
    ("ST3", "right"),
    ("ST3", "left"),
    ("LI20", "right"),
    ("LI20", "left"),
    ("ST6", "right"),
    ("ST6", "left"),
    ("GB1", "right"),
    ("GB1", "left"),
    ("SI18", "right"),
    ("SI18", "left"),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- 1. seed (child process, DATABASE_URL set) ----------------------------------------------------


def seed(clients: int, sessions: int, tablets: int, out: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from acuface.clients.models import Client
    from acuface.core.models import Clinic, Role, User
    from acuface.treatments import states
    from acuface.treatments.models import TreatmentSession
    from acuface.treatments.tests.factories import needle_lot

    devnull = open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    t0 = time.perf_counter()
    call_command("seed_volume", clients=clients, stdout=devnull)
    clinic = Clinic.objects.get(slug="volume")
    practitioner = User.objects.create_user(
        "bench-practitioner@volume.test", None, clinic=clinic, role=Role.PRACTITIONER
    )
    client_ids = list(Client.objects.filter(clinic=clinic).values_list("id", flat=True))
    t1 = time.perf_counter()
    _copy_past_sessions(connection, client_ids, practitioner.pk, sessions)
    t2 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    lot = needle_lot(clinic=clinic, lot_number="BENCH-1", quantity=1_000_000)
    rng = random.Random(5)
    tablet_rows = []
    now = timezone.now()
    for n in range(tablets):
        user = User.objects.create_user(
            f"tablet{n}@volume.test", None, clinic=clinic, role=Role.PRACTITIONER
        )
        # A session at the couch, cleansed, lot chosen: ready for needles (made directly, as
        # check-in would need a full intake per client; the tap itself runs every rule).
        session = TreatmentSession.objects.create(
            client_id=rng.choice(client_ids),
            practitioner=user,
            state=states.CLEANSED,
            scheduled_at=now,
            checked_in_at=now,
            assessed_at=now,
            cleansed_at=now,
            facial_lot=lot,
            body_lot=lot,
            restrictions={"forbidden_points": {}, "deferred_regions": {}},
        )
        tablet_rows.append({"session_id": session.pk, "version": session.version, "cookie": ""})
    out.write_text(json.dumps(tablet_rows))
    print(
        f"seeded {clients:,} clients in {t1 - t0:.0f} s, {sessions:,} past sessions in "
        f"{t2 - t1:.0f} s",
        flush=True,
    )


def _copy_past_sessions(
    connection, client_ids: list[int], practitioner_id: int, total: int
) -> None:
    """COPY `total` completed sessions, spread over the clients and the last three years."""
    from acuface.treatments.models import TreatmentSession

    rng = random.Random(11)
    start = dt.datetime(2023, 11, 1, 9, 0, tzinfo=dt.UTC)
    minute = dt.timedelta(minutes=1)
    fields = [f for f in TreatmentSession._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    table = TreatmentSession._meta.db_table
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor() as raw,
        raw.copy(statement) as copy,
    ):
        for _ in range(total):
            at = start + dt.timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
            ends = at + 42 * minute
            out = ends + 4 * minute
            values = {
                "client_id": rng.choice(client_ids),
                "practitioner_id": practitioner_id,
                "plan_id": None,
                "state": "complete",
                "scheduled_at": at,
                "facial_lot_id": None,
                "checked_in_at": at,
                "assessed_at": at + 4 * minute,
                "cleansed_at": at + 8 * minute,
                "needling_started_at": at + 10 * minute,
                "retention_started_at": at + 12 * minute,
                "retention_ends_at": ends,
                "removal_started_at": ends + minute,
                "needles_out_at": out,
                "moisturized_at": out + 3 * minute,
                "aftercare_issued_at": out + 5 * minute,
                "makeup_free_at": out + 240 * minute,
                "completed_at": out + 6 * minute,
                "cancelled_at": None,
                "retention_minutes": 30,
                "retention_reason": "",
                "defer_override_reason": "",
                "early_removal_reason": "",
                "cancel_reason": "",
                "fitzpatrick": "II",
                "glogau": "II",
                "region_grades": '{"forehead": 2}',
                "assessment_notes": "",
                "restrictions": "{}",
                "aftercare_risk_notes": "[]",
                "version": 20,
                "created_at": at,
            }
            copy.write_row([values[c] for c in columns])


# --- 2. serve (child process): a thread-pool WSGI server ------------------------------------------


def serve(port: int, threads: int) -> None:
    import logging
    from socketserver import TCPServer
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.wsgi import get_wsgi_application

    logging.disable(logging.WARNING)
    app = get_wsgi_application()
    pool = ThreadPoolExecutor(max_workers=threads)

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    class PooledServer(WSGIServer):
        request_queue_size = 256

        def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
            pool.submit(self._handle, request, client_address)

        def _handle(self, request, client_address):  # type: ignore[no-untyped-def]
            try:
                self.finish_request(request, client_address)
            finally:
                self.shutdown_request(request)

    TCPServer.allow_reuse_address = True
    # Several server processes share the port (SO_REUSEPORT), as gunicorn workers would.
    PooledServer.allow_reuse_port = True  # type: ignore[attr-defined]
    server = PooledServer(("127.0.0.1", port), Quiet)
    server.set_app(app)
    print("serving", flush=True)
    server.serve_forever()


# --- 3. load (child process): tablets as threads --------------------------------------------------


def cpu_check() -> float:
    """Milliseconds for a fixed pure-Python loop: compare runs made at different times."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for n in range(200_000):
            total += n % 7
        best = min(best, time.perf_counter() - started)
    return best * 1000


def load(
    port: int, tablets_file: Path, cycles: int, needles: int, think: float, seconds: float
) -> None:
    tablets = json.loads(tablets_file.read_text())
    timings: dict[str, list[float]] = {"page": [], "tap in": [], "tap out": [], "poll": []}
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def request(kind: str, method: str, path: str, cookie: str, body: str = "") -> str:
        headers = {"Cookie": f"sessionid={cookie}; csrftoken={CSRF}", "Host": "127.0.0.1"}
        if method == "POST":
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": CSRF,
                    "HX-Request": "true",
                }
            )
        if kind == "poll":
            headers["HX-Request"] = "true"
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        took = (time.perf_counter() - t0) * 1000
        with lock:
            timings[kind].append(took)
            if response.status not in (200, 204) or "data-error" in text:
                failures.append(f"{kind} {response.status} {text[text.find('data-error') :][:120]}")
        return text

    def tablet(row: dict[str, object]) -> None:
        rng = random.Random(int(row["session_id"]))  # type: ignore[call-overload]
        sid, cookie = row["session_id"], str(row["cookie"])
        version = int(row["version"])  # type: ignore[call-overload]
        page, act = f"/sessions/{sid}/", f"/sessions/{sid}/act/"
        next_poll = time.monotonic() + 5
        steps: list[tuple[str, str, str]] = []
        course = NEEDLE_POINTS[:needles]
        for _ in range(cycles):
            steps.append(("page", "", ""))
            steps += [("tap in", code, side) for code, side in course]
            steps.append(("page", "", ""))
            steps += [("tap out", code, side) for code, side in course]
        for kind, code, side in steps:
            if time.monotonic() > deadline:
                return
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))
            if time.monotonic() > next_poll:
                request("poll", "GET", f"/sessions/{sid}/state/?version={version}", cookie)
                next_poll += 5
            if kind == "page":
                request("page", "GET", page, cookie)
                continue
            action = "tap" if kind == "tap in" else "take-out"
            body = f"version={version}&code={code}&side={side}&reason="
            request(kind, "POST", f"{act}{action}/", cookie, body)
            version += 1

    # Warm up, not timed: every tablet opens its page once, from a few threads at a time, so
    # that each server process and thread has its database connection, chart positions and
    # templates, as a server that has been running would.
    with ThreadPoolExecutor(max_workers=4) as warm:
        list(
            warm.map(
                lambda row: request(
                    "page", "GET", f"/sessions/{row['session_id']}/", str(row["cookie"])
                ),
                tablets,
            )
        )
    timings["page"].clear()
    failures.clear()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(tablets)) as workers:
        list(workers.map(tablet, tablets))
    elapsed = time.perf_counter() - started
    total = sum(len(v) for v in timings.values())
    print(
        f"{len(tablets)} tablets, {needles} needles each, think time {think:.1f} s (±50%), "
        f"{elapsed:.0f} s; CPU check {cpu_check():.1f} ms"
    )
    for kind, values in timings.items():
        if values:
            print(
                f"  {kind:<8} n={len(values):>5}  p50 {statistics.median(values):7.1f} ms  "
                f"p95 {percentile(values, 0.95):7.1f} ms  p99 {percentile(values, 0.99):7.1f} ms"
            )
    every = [t for values in timings.values() for t in values]
    print(
        f"  all      n={total:>5}  p50 {statistics.median(every):7.1f} ms  "
        f"p95 {percentile(every, 0.95):7.1f} ms  p99 {percentile(every, 0.99):7.1f} ms  "
        f"throughput {total / elapsed:.1f} requests/s"
    )
    print(f"  failures: {len(failures)}" + (f" (first: {failures[0]})" if failures else ""))


# --- orchestration --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--tablets", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=1, help="needles in and out, per tablet")
    parser.add_argument("--needles", type=int, default=10, help=f"at most {len(NEEDLE_POINTS)}")
    parser.add_argument("--think", type=float, nargs="+", default=[5.0], help="seconds")
    parser.add_argument("--seconds", type=float, default=240, help="stop a run after this")
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    parser.add_argument("--processes", type=int, default=2, help="server processes")
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="seed database NAME once and keep it: later runs with the same NAME skip seeding",
    )
    parser.add_argument("--role", choices=["seed", "serve", "load"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "seed":
        seed(args.clients, args.sessions, args.tablets, args.file)
        return
    if args.role == "serve":
        serve(args.port, args.threads)
        return
    if args.role == "load":
        load(args.port, args.file, args.cycles, args.needles, args.think[0], args.seconds)
        return

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    py = sys.executable
    name = args.keep or f"acuface_bench_session_{os.getpid()}"
    folder = Path(tempfile.gettempdir()) / f"acuface-bench-{name}"
    tablets_file = folder / "tablets.json"
    reuse = bool(args.keep) and tablets_file.exists() and _database_exists(name)
    if reuse:
        url = f"{PG_SERVER.rsplit('/', 1)[0]}/{name}"
    else:
        url = subprocess.run(
            [py, str(ROOT / "tools/pg_throwaway.py"), "create", name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    env = dict(
        os.environ,
        ACUFACE_MODE="development",
        ACUFACE_DEBUG="0",
        DATABASE_URL=url,
        ACUFACE_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    folder.mkdir(exist_ok=True)
    servers: list[subprocess.Popen[str]] = []
    try:
        if reuse:
            print(f"reusing the seeded database {name}")
        else:
            subprocess.run(
                [py, __file__, "--role", "seed", "--clients", str(args.clients), "--sessions",
                 str(args.sessions), "--tablets", str(args.tablets), "--file", str(tablets_file)],
                env=env, check=True, cwd=ROOT,
            )  # fmt: skip
        print(f"PostgreSQL: {args.clients:,} clients, {args.sessions:,} past sessions")
        for think in args.think:
            port = free_port()
            servers = [
                subprocess.Popen(
                    [
                        py,
                        __file__,
                        "--role",
                        "serve",
                        "--port",
                        str(port),
                        "--threads",
                        str(args.threads),
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for _ in range(args.processes)
            ]
            for server in servers:
                assert server.stdout is not None
                server.stdout.readline()  # "serving"
            # Fresh sessions for each run: re-seed only the tablets' needles by resetting them.
            subprocess.run([py, "-c", RESET, str(tablets_file)], env=env, check=True, cwd=ROOT)
            subprocess.run(
                [py, __file__, "--role", "load", "--port", str(port), "--file", str(tablets_file),
                 "--cycles", str(args.cycles), "--needles", str(args.needles),
                 "--think", str(think), "--seconds",
                 str(args.seconds)],
                check=True, cwd=ROOT, timeout=args.seconds + 120,
            )  # fmt: skip
            for server in servers:
                server.terminate()
                server.wait(timeout=20)
            servers = []
    finally:
        for server in servers:
            server.terminate()
        if not args.keep:
            subprocess.run([py, str(ROOT / "tools/pg_throwaway.py"), "drop", name], check=False)


PG_SERVER = os.environ.get("ACUFACE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(PG_SERVER, connect_timeout=3) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


# Between runs: take the tablets' sessions back to "cleansed, no needles", note their versions,
# and sign each tablet's practitioner in afresh (its cookie goes to the load process).
RESET = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.test import Client as HttpClient
from acuface.treatments.models import Needle, TreatmentSession
path = sys.argv[1]
rows = json.load(open(path))
ids = [r["session_id"] for r in rows]
Needle.objects.filter(session_id__in=ids).delete()
TreatmentSession.objects.filter(pk__in=ids).update(state="cleansed", needling_started_at=None)
sessions = TreatmentSession.objects.select_related("practitioner").in_bulk(ids)
for r in rows:
    session = sessions[r["session_id"]]
    http = HttpClient()
    http.force_login(session.practitioner, backend="acuface.core.backends.StaffBackend")
    r["version"] = session.version
    r["cookie"] = http.cookies["sessionid"].value
json.dump(rows, open(path, "w"))
"""


if __name__ == "__main__":
    main()
