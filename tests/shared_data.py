"""What a test needs from beside the repository (the shared photos) or from the machine (the
browser): skipped on a developer's machine that lacks it, a failure under CI, where a quiet skip
would let the suite pass without running."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str) -> None:
    """Stop this test because `what` is missing: a skip locally, a failure under CI."""
    if in_ci():
        pytest.fail(f"{what} is missing, and CI must run this test", pytrace=False)
    pytest.skip(what + " is missing")


def require_file(path: Path, what: str = "shared photo") -> Path:
    if not path.exists():
        missing(f"{what} {path}")
    return path
