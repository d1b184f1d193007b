import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuface.clients.search import client_tokens, fold, search_terms
from acuface.clients.selectors import client_search
from tests.factories import ClientFactory


@pytest.mark.parametrize(
    ("typed", "words", "dates"),
    [
        ("Zoë", ["zoe"], []),
        ("  JOSÉ   martínez ", ["jose", "martinez"], []),
        ("O'Brien", ["o", "brien"], []),
        ("1984-03-12", [], [dt.date(1984, 3, 12)]),
        ("12/03/1984", [], [dt.date(1984, 3, 12)]),
        ("12.03.1984 zoe", ["zoe"], [dt.date(1984, 3, 12)]),
        ("+44 (0)7700 900101", ["4407700900101"], []),
        ("07700 900101", ["7700900101"], []),
        ("Zoë 0770", ["zoe", "770"], []),
        ("31/02/1984", ["31", "02", "1984"], []),  # impossible date: searched as text, no crash
        ("<script>alert(1)</script>", ["script", "alert", "1"], []),
        ("𑋰٣", ["3"], []),  # other scripts fold as unidecode reads them, never crash
        ("", [], []),
    ],
)
def test_search_terms(typed: str, words: list[str], dates: list[dt.date]) -> None:
    terms = search_terms(typed)
    assert list(terms.words) == words and list(terms.birth_dates) == dates


@given(st.text(max_size=400))
def test_any_query_gives_bounded_folded_terms(query: str) -> None:
    terms = search_terms(query)
    assert len(terms.words) <= 8
    assert all(
        word and len(word) <= 40 and word.isalnum() and word.isascii() for word in terms.words
    )
    assert all(word == word.lower() for word in terms.words)
    assert search_terms(query) == terms


@given(st.text(max_size=60), st.text(max_size=60), st.emails(), st.text(max_size=40))
def test_tokens_are_plain_and_a_name_finds_itself(
    first: str, last: str, email: str, phone: str
) -> None:
    tokens = client_tokens(first_name=first, last_name=last, email=email, phone=phone)
    assert all(t.isascii() and t.isalnum() and t == t.lower() and len(t) <= 40 for t in tokens)
    for word in search_terms(first).words:
        assert any(token.startswith(word) for token in tokens)


def test_fold_is_case_and_accent_blind() -> None:
    assert fold("ÅSE Ødegård") == fold("ase odegard")


@pytest.mark.parametrize(
    "query",
    ["zoe", "ZOË", "o'brien", "zoe o'brien", "900101", "zoe@example", "1984-03-12", "12/03/1984"],
)
def test_client_search_finds_by_name_phone_email_and_birth(client_a, query: str) -> None:
    assert list(client_search(clinic=client_a.clinic, query=query)) == [client_a]


@pytest.mark.parametrize("query", ["zoey", "12/03/1985", "zoe smith", "900102", "z" * 41])
def test_client_search_misses_what_does_not_match(client_a, query: str) -> None:
    assert list(client_search(clinic=client_a.clinic, query=query)) == []


def test_client_search_stays_in_its_clinic_and_hides_archived(client_a, clinic_b) -> None:
    ClientFactory(clinic=clinic_b, first_name="Zoë", last_name="O'Brien")
    archived = ClientFactory(
        clinic=client_a.clinic,
        first_name="Zoe",
        last_name="Old",
        archived_at=dt.datetime.now(dt.UTC),
    )
    assert list(client_search(clinic=client_a.clinic, query="zoe")) == [client_a]
    assert list(client_search(clinic=client_a.clinic, query="zoe", archived=True)) == [archived]


def test_search_page_answers_htmx_with_results_only(as_front_desk_a, client_a) -> None:
    full = as_front_desk_a.get("/clients/?q=zoe")
    partial = as_front_desk_a.get("/clients/?q=zoe", headers={"HX-Request": "true"})
    assert "<html" in full.content.decode() and "<html" not in partial.content.decode()
    assert "O&#x27;Brien, Zoë" in partial.content.decode()


def test_search_list_runs_a_fixed_number_of_queries(
    as_front_desk_a, client_a, django_assert_max_num_queries
) -> None:
    ClientFactory.create_batch(30, clinic=client_a.clinic)
    with django_assert_max_num_queries(8):
        as_front_desk_a.get("/clients/")
