"""A missing shared photo or browser skips a test on a developer's machine and fails it in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared_data import require_file


def test_under_ci_a_missing_file_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run this test"):
        require_file(tmp_path / "nowhere.jpg")


def test_elsewhere_a_missing_file_skips(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_file(tmp_path / "nowhere.jpg")
    present = tmp_path / "here.jpg"
    present.write_bytes(b"x")
    assert require_file(present) == present
