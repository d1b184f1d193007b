"""Search text for clients: lower case, accents folded, phone numbers as digits."""

from __future__ import annotations

import datetime as dt
import re

from unidecode import unidecode

_PHONE_PART = re.compile(r"[\d+()\-.]+")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


def fold(text: str) -> str:
    """'Zoë  Núñez' → 'zoe nunez': what a person types should find what was stored."""
    return " ".join(unidecode(text).lower().split())


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def search_terms(query: str) -> list[str]:
    """Split a query into folded terms: a date becomes ISO, a phone number its digits."""
    terms: list[str] = []
    for raw in query.split()[:8]:
        for fmt in _DATE_FORMATS:
            try:
                terms.append(dt.datetime.strptime(raw, fmt).date().isoformat())
                break
            except ValueError:
                continue
        else:
            if _PHONE_PART.fullmatch(raw) and digits(raw):
                terms.append(digits(raw))
            else:
                term = fold(raw)[:60]
                if term:
                    terms.append(term)
    return terms
