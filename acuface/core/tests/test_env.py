import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list, env_str


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), ("yes", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_yes_and_no(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", default=not expected) is expected


@pytest.mark.parametrize(
    ("reader", "raw"),
    [
        (lambda: env_bool("X", default=False), "maybe"),
        (lambda: env_bool("X", default=False), "2"),
        (lambda: env_int("X", default=1), "ten"),
        (lambda: env_int("X", default=1, minimum=5), "2"),
        (lambda: env_int("X", default=1, maximum=5), "9"),
        (lambda: env_choice("X", ("a", "b"), default="a"), "c"),
    ],
)
def test_bad_values_fail_loudly(monkeypatch: pytest.MonkeyPatch, reader, raw: str) -> None:
    monkeypatch.setenv("X", raw)
    with pytest.raises(ImproperlyConfigured, match="X="):
        reader()


def test_required_string_without_default_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="must be set"):
        env_str("X_SECRET")


def test_env_list_splits_and_trims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_HOSTS", " a.example , b.example,, ")
    assert env_list("X_HOSTS") == ["a.example", "b.example"]
    monkeypatch.delenv("X_HOSTS")
    assert env_list("X_HOSTS", default=["z"]) == ["z"]
