"""Shared fixtures: the shared photos and their landmarks, computed once per test session."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from acuface.vision.landmarks import LandmarkResult, detect_landmarks
from acuface.vision.tests.augment import FACES_DIR, ImageArray, load_photo
from tests.shared_data import missing


@pytest.fixture(scope="session")
def faces_dir() -> object:
    if not FACES_DIR.is_dir():
        missing(f"the shared photos at {FACES_DIR.resolve()} (../shared beside the repo)")
    return FACES_DIR


@pytest.fixture(scope="session")
def photo(faces_dir: object) -> Callable[[str], ImageArray]:
    """Load a shared photo by file name (cached)."""
    cache: dict[str, ImageArray] = {}

    def load(name: str) -> ImageArray:
        if name not in cache:
            cache[name] = load_photo(name)
        return cache[name]

    return load


@pytest.fixture(scope="session")
def landmarks_of(photo: Callable[[str], ImageArray]) -> Callable[[str], LandmarkResult]:
    """Landmarks of a shared photo by file name (cached for the session)."""
    cache: dict[str, LandmarkResult] = {}

    def find(name: str) -> LandmarkResult:
        if name not in cache:
            cache[name] = detect_landmarks(photo(name))
        return cache[name]

    return find
