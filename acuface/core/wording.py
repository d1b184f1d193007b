"""Small pieces of the sentences Acuface says to people."""

from __future__ import annotations


def count_of(number: int, noun: str, plural: str = "") -> str:
    """ "1 minute", "5 minutes", "0 minutes" (`plural` when adding "s" is wrong)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
