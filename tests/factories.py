"""Factories for variety; the fixed people of every test live in conftest.py."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from acuface.clients.models import Client, Consent, ConsentText
from acuface.clients.services import client_search_index
from acuface.core.models import Clinic, Role, User


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    time_zone = "Europe/London"
    # Every clinic that issues aftercare sheets has these set (a sheet needs the phone).
    phone = "+44 20 7946 0000"
    emergency_number = "999"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    clinic = factory.SubFactory(ClinicFactory)
    role = Role.PRACTITIONER
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    clinic = factory.SubFactory(ClinicFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker(
        "date_between", start_date=dt.date(1950, 1, 1), end_date=dt.date(2004, 1, 1)
    )
    phone = factory.Sequence(lambda n: f"+44 7700 {900000 + n}")
    email = factory.LazyAttribute(
        lambda c: f"{c.first_name.lower()}.{c.last_name.lower()}@example.com"
    )

    @factory.post_generation
    def _search_index(obj: Client, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            client_search_index(client=obj)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    text = factory.LazyFunction(lambda: ConsentText.objects.get(kind="treatment", version=1))
    signed_at = factory.LazyFunction(timezone.now)
    signature = factory.LazyAttribute(lambda c: c.client.full_name)
