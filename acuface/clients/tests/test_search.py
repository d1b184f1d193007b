import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuface.clients.search import fold, search_terms
from acuface.clients.selectors import client_search
from tests.factories import ClientFactory


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("Zoë", ["zoe"]),
        ("  JOSÉ   martínez ", ["jose", "martinez"]),
        ("1984-03-12", ["1984-03-12"]),
        ("12/03/1984", ["1984-03-12"]),
        ("12.03.1984", ["1984-03-12"]),
        ("+44 (0)7700 900101", ["44", "07700", "900101"]),
        ("Zoë 0770", ["zoe", "0770"]),
        ("07700900101", ["07700900101"]),
        ("31/02/1984", ["31/02/1984"]),  # impossible date: searched as text, no crash
        ("", []),
    ],
)
def test_search_terms(typed: str, terms: list[str]) -> None:
    assert search_terms(typed) == terms


@given(st.text(max_size=400))
def test_any_query_gives_bounded_folded_terms(query: str) -> None:
    terms = search_terms(query)
    assert len(terms) <= 8
    assert all(term and len(term) <= 60 and term == term.lower() for term in terms)
    assert search_terms(query) == terms


def test_fold_is_case_and_accent_blind() -> None:
    assert fold("ÅSE Ødegård") == fold("ase odegard")


@pytest.mark.parametrize(
    "query",
    ["zoe", "ZOË", "o'brien", "zoe o'brien", "900101", "zoe@example", "1984-03-12", "12/03/1984"],
)
def test_client_search_finds_by_name_phone_email_and_birth(client_a, query: str) -> None:
    assert list(client_search(clinic=client_a.clinic, query=query)) == [client_a]


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
