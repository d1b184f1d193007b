"""Fill a separate clinic with realistic client volume, for benchmarks."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from faker import Faker

from acuface.clients.models import Client, ClientSearchToken
from acuface.core.models import Clinic

BATCH = 5000


class Command(BaseCommand):
    help = "Add clients to the 'volume' clinic until it holds --clients N (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, required=True)
        parser.add_argument("--clinic", default="volume", help="slug of the clinic to fill")
        parser.add_argument("--seed", type=int, default=20261125)

    def handle(self, *args: Any, **options: Any) -> None:
        wanted: int = options["clients"]
        clinic, _ = Clinic.objects.get_or_create(
            slug=options["clinic"], defaults={"name": f"Volume clinic ({options['clinic']})"}
        )
        have = Client.objects.filter(clinic=clinic).count()
        fake = Faker(["en_GB", "fr_FR", "es_ES", "de_DE", "pl_PL", "it_IT"])
        fake.seed_instance(options["seed"] + have)
        rng = random.Random(options["seed"] + have)
        today = dt.date(2026, 11, 1)
        while have < wanted:
            batch = []
            for _ in range(min(BATCH, wanted - have)):
                born = today - dt.timedelta(days=rng.randint(18 * 365, 85 * 365))
                client = Client(
                    clinic=clinic,
                    first_name=fake.first_name(),
                    last_name=fake.last_name(),
                    date_of_birth=born,
                    phone=fake.phone_number()[:40],
                    email=fake.email(),
                    address=fake.address()[:500],
                    preferred_language="English",
                )
                batch.append(client)
            with transaction.atomic():
                Client.objects.bulk_create(batch)
                ClientSearchToken.objects.bulk_create(
                    ClientSearchToken(clinic=clinic, client=c, token=token)
                    for c in batch
                    for token in c.search_tokens()
                )
            have += len(batch)
            self.stdout.write(f"{have}/{wanted} clients in {clinic.slug}", ending="\r")
        # Fresh planner statistics, so the database drives searches from the token index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"\n{clinic.slug} holds {have} clients.")
