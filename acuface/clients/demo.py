"""Demo clients with varied data (accents, duplicates of name, archived, missing consent)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from acuface.clients import selectors, services
from acuface.clients.models import Client
from acuface.core.demo import DemoClinic

DEMO_CLIENTS = [
    ("Zoë", "O'Brien", "1984-03-12", "she/her", "+44 7700 900101", "zoe.obrien@example.com"),
    ("José", "Martínez", "1979-11-02", "he/him", "+44 7700 900102", "jose.m@example.com"),
    ("Amélie", "Dubois", "1990-06-21", "she/her", "+44 7700 900103", "amelie@example.com"),
    ("Sarah", "Johnson", "1972-01-30", "she/her", "+44 7700 900104", "sarah.j@example.com"),
    ("Li", "Wei", "1988-09-14", "", "+44 7700 900105", "li.wei@example.com"),
    ("Fatima", "Khan", "1995-04-05", "she/her", "+44 7700 900106", "f.khan@example.com"),
    ("Niamh", "Kelly", "1969-12-24", "she/her", "+44 7700 900107", ""),
    ("Søren", "Jørgensen", "1981-07-07", "he/him", "+44 7700 900108", "soren@example.com"),
    ("Chloé", "Bernard", "1993-02-17", "she/they", "+44 7700 900109", "chloe.b@example.com"),
    ("Grace", "Adeyemi", "1976-08-29", "she/her", "+44 7700 900110", "grace.a@example.com"),
    ("Hannah", "Schmidt", "1985-05-11", "she/her", "", "hannah.s@example.com"),
    ("Maria", "Rossi", "1964-10-03", "she/her", "+44 7700 900112", "maria.rossi@example.com"),
    ("Olivia", "Brown", "2000-01-15", "she/her", "+44 7700 900113", "olivia.b@example.com"),
    ("Yuki", "Tanaka", "1987-03-28", "", "+44 7700 900114", "yuki.t@example.com"),
    ("Emma", "Wilson", "1991-11-11", "she/her", "+44 7700 900115", "emma.w@example.com"),
    ("Isabel", "García", "1974-06-06", "she/her", "+44 7700 900116", "isabel.g@example.com"),
    ("Daniel", "Cohen", "1983-09-09", "he/him", "+44 7700 900117", "dan.cohen@example.com"),
    ("Ngozi", "Okonkwo", "1979-04-19", "she/her", "+44 7700 900118", "ngozi.o@example.com"),
    ("Sarah", "Johnson", "1988-07-22", "she/her", "+44 7700 900119", "sjohnson88@example.com"),
    ("Agnieszka", "Nowak", "1970-12-01", "she/her", "+44 7700 900120", "a.nowak@example.com"),
    ("Ruth", "Evans", "1958-02-14", "she/her", "+44 7700 900121", "ruth.evans@example.com"),
]


def load(demo: DemoClinic) -> None:
    actor = demo.staff["front_desk"]
    texts = selectors.consent_texts_current()
    for index, (first, last, born, pronouns, phone, email) in enumerate(DEMO_CLIENTS):
        if Client.objects.filter(
            clinic=demo.clinic, first_name=first, last_name=last, date_of_birth=born
        ).exists():
            continue
        client, _ = services.client_create(
            actor=actor,
            clinic=demo.clinic,
            first_name=first,
            last_name=last,
            date_of_birth=dt.date.fromisoformat(born),
            pronouns=pronouns,
            phone=phone,
            email=email,
            address=f"{10 + index} Willow Lane\nLondon",
            emergency_contact_name="Next of kin",
            emergency_contact_phone="+44 7700 900999",
            preferred_language="English",
        )
        # Most clients have signed everything; a few have not, so the gaps show.
        kinds = list(texts) if index % 5 else ["treatment", "data_processing"]
        for kind in kinds:
            services.consent_sign(
                client=client,
                text=texts[kind],
                signature=client.full_name,
                actor=actor,
                signed_at=timezone.now() - dt.timedelta(days=30 + index),
            )
        if index == len(DEMO_CLIENTS) - 1:
            services.client_set_archived(actor=actor, client=client, archived=True)
