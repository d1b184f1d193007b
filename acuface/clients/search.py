"""Client search: what a person types, folded the same way as what was stored.

Every client has search tokens (lower case, accents folded, punctuation dropped): the words of
the names and e-mail address, and the phone number's digit suffixes. A typed term matches a
token it begins, through an index range scan on (clinic, token), so search time does not grow
with the number of clients. A typed date matches the date of birth exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from unidecode import unidecode

TOKEN_LENGTH = 40
# Tokens hold only [a-z0-9]; under any collation nothing of that alphabet sorts after 'z'.
TOKEN_CEILING = "z" * TOKEN_LENGTH
_SHORTEST_PHONE_SUFFIX = 4
_WORD = re.compile(r"[a-z0-9]+")
# ASCII digits only: other scripts' digits are not what a phone number is stored as.
_PHONE_PART = re.compile(r"[0-9+()\-.]+")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


def fold(text: str) -> str:
    """'Zoë  Núñez' → 'zoe nunez': what a person types should find what was stored."""
    return " ".join(unidecode(text).lower().split())


def digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def _words(text: str) -> set[str]:
    """'O'Brien-Smith' → {'o', 'brien', 'smith', 'obriensmith'}."""
    pieces = _WORD.findall(fold(text))
    words = set(pieces)
    if len(pieces) > 1:
        words.add("".join(pieces))
    return words


def _phone_suffixes(phone: str) -> set[str]:
    number = digits(phone)
    return {number[i:] for i in range(max(1, len(number) - _SHORTEST_PHONE_SUFFIX + 1))} - {""}


def client_tokens(*, first_name: str, last_name: str, email: str, phone: str) -> set[str]:
    """The search tokens of one client."""
    tokens = _words(first_name) | _words(last_name) | _phone_suffixes(phone)
    if email:
        local, _, domain = fold(email).partition("@")
        tokens |= _words(local) | _words(domain.split(".")[0])
    return {token[:TOKEN_LENGTH] for token in tokens if token}


@dataclasses.dataclass(frozen=True)
class SearchTerms:
    words: tuple[str, ...]
    birth_dates: tuple[dt.date, ...]


def _as_date(raw: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def search_terms(query: str) -> SearchTerms:
    """Split a query into token prefixes and birth dates.

    Digit groups typed together ("07700 900101") are one phone number; its leading zeros go,
    since a stored number may carry a country code where the typed one has a trunk 0.
    """
    words: list[str] = []
    dates: list[dt.date] = []
    phone = ""
    for raw in query.split()[:8]:
        born = _as_date(raw)
        if born is not None:
            dates.append(born)
        elif _PHONE_PART.fullmatch(raw) and digits(raw):
            phone += digits(raw)
        else:
            words.extend(_WORD.findall(fold(raw)))
    if phone.lstrip("0"):
        words.append(phone.lstrip("0"))
    unique = tuple(dict.fromkeys(word[:TOKEN_LENGTH] for word in words))
    return SearchTerms(words=unique[:8], birth_dates=tuple(dict.fromkeys(dates)))
