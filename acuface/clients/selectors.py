"""Reads over clients and consents."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from django.db.models import Max, QuerySet

from acuface.clients.models import Client, ClientSearchToken, Consent, ConsentKind, ConsentText
from acuface.clients.search import TOKEN_CEILING, fold, search_terms
from acuface.core.models import Clinic

SEARCH_LIMIT = 50


def client_search(*, clinic: Clinic, query: str = "", archived: bool = False) -> QuerySet[Client]:
    """Clients matching every term typed: a word begun, phone digits, a date of birth."""
    clients = Client.objects.filter(clinic=clinic, archived_at__isnull=not archived)
    terms = search_terms(query)
    for born in terms.birth_dates:
        clients = clients.filter(date_of_birth=born)
    for word in terms.words:
        matching = ClientSearchToken.objects.filter(
            clinic=clinic, token__gte=word, token__lte=word + TOKEN_CEILING
        ).values("client_id")
        clients = clients.filter(pk__in=matching)
    return clients.order_by("last_name", "first_name", "id")


def client_from_form(*, clinic: Clinic, form_token: uuid.UUID | None) -> Client | None:
    """The client a form already created, when the same form is submitted again."""
    if form_token is None:
        return None
    return Client.objects.filter(clinic=clinic, created_from_form=form_token).first()


def client_possible_duplicates(
    *,
    clinic: Clinic,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date,
    exclude_id: int | None = None,
) -> list[Client]:
    """Clients with the same name (case and accents aside) and date of birth."""
    candidates = Client.objects.filter(clinic=clinic, date_of_birth=date_of_birth)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    wanted = (fold(first_name), fold(last_name))
    return [c for c in candidates if (fold(c.first_name), fold(c.last_name)) == wanted]


def consent_texts_current() -> dict[str, ConsentText]:
    """The newest published text of each consent kind."""
    latest = ConsentText.objects.values("kind").annotate(newest=Max("version"))
    wanted = {row["kind"]: row["newest"] for row in latest}
    texts = ConsentText.objects.filter(version__in=set(wanted.values()))
    return {t.kind: t for t in texts if wanted.get(t.kind) == t.version}


@dataclasses.dataclass(frozen=True)
class ConsentStatus:
    kind: str
    label: str
    consent: Consent | None
    current_text: ConsentText | None

    @property
    def state(self) -> str:
        """given | outdated (an older version was signed) | withdrawn | missing"""
        if self.consent is None:
            return "missing"
        if self.consent.withdrawn_at is not None:
            return "withdrawn"
        if self.current_text and self.consent.text_id != self.current_text.pk:
            return "outdated"
        return "given"

    @property
    def is_given(self) -> bool:
        return self.state == "given"


def consent_status(*, client: Client) -> dict[str, ConsentStatus]:
    """Per kind, the client's latest consent and whether it is still current."""
    current = consent_texts_current()
    latest: dict[str, Consent] = {}
    for consent in client.consents.select_related("text").order_by("-signed_at", "-id"):
        latest.setdefault(consent.text.kind, consent)
    return {
        kind: ConsentStatus(kind, label, latest.get(kind), current.get(kind))
        for kind, label in ConsentKind.choices
    }


def client_has_consent(*, client: Client, kind: str) -> bool:
    return consent_status(client=client)[kind].is_given
